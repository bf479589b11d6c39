"""The improvement playbook: concrete actions per code-frame theme (``themes.<key>``), each
with the phrases members use when they need it, kept as data in ``playbook.toml``; the
keep-and-amplify actions for praise; the questions asked when no entry fits; and the
mapping from the NLP's theme areas to the operations areas the report labels themes with.

The report chooses actions by matching a theme's complaint phrases against the actions'
``triggers`` (see ``reports.recommend``); this module only holds and validates the data.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PLAYBOOK_PATH = Path(__file__).with_name("playbook.toml")

#: The operations areas a report labels themes with, in the order the report lists them.
REPORT_AREAS = ("用户互动", "内容创建", "活动策划", "用户激励",
                "技术支持", "社群规则", "品牌推广", "用户教育")

#: The theme areas the NLP package assigns.
THEME_AREAS = ("用户互动", "内容", "活动", "激励与积分", "技术与体验",
               "规则与秩序", "品牌", "学习与课程", "服务与响应")

#: Where a theme goes when its area is unknown.
FALLBACK_AREA = "用户互动"

MIN_ACTIONS_PER_THEME = 3
MIN_TRIGGERS_PER_ACTION = 2


class PlaybookError(ValueError):
    """The playbook file is malformed or incomplete."""


def phrase_matches(phrase: str, trigger: str) -> bool:
    """Whether a member's phrase names a trigger: one contains the other (two characters or
    more, case-insensitive), so 积分规则 matches 积分 and 回放 matches 没有回放."""
    phrase, trigger = phrase.strip().lower(), trigger.strip().lower()
    if len(phrase) < 2 or len(trigger) < 2:
        return phrase == trigger and bool(phrase)
    return trigger in phrase or phrase in trigger


@dataclass(frozen=True)
class PlaybookAction:
    """One suggested action and the phrases (triggers) that call for it."""

    text: str
    triggers: tuple[str, ...] = ()

    def matched(self, phrases: Iterable[str]) -> list[str]:
        """The ``phrases`` that name one of this action's triggers, in their order."""
        return [p for p in phrases if any(phrase_matches(p, t) for t in self.triggers)]


@dataclass(frozen=True)
class ThemePlay:
    """The playbook entry of one code-frame theme."""

    key: str
    actions: tuple[PlaybookAction, ...]
    watch: str
    amplify: bool = False


@dataclass(frozen=True)
class Playbook:
    """Actions per code-frame theme, keep-and-amplify actions, the questions asked when no
    entry fits, and the theme-area mapping."""

    themes: dict[str, ThemePlay]
    amplify_actions: tuple[PlaybookAction, ...]
    judgement_questions: tuple[str, ...]
    theme_area_map: dict[str, str]

    def entry(self, frame_key: str | None) -> ThemePlay | None:
        """The entry of a code-frame theme, if the playbook has one."""
        return self.themes.get(frame_key) if frame_key else None

    def report_area_for(self, theme_area: str) -> str:
        """The operations area a theme is labelled with, from its NLP area."""
        if theme_area in REPORT_AREAS:
            return theme_area
        return self.theme_area_map.get(theme_area, FALLBACK_AREA)

    def all_actions(self) -> list[PlaybookAction]:
        """Every action of the playbook, entries first, then keep-and-amplify."""
        return [a for play in self.themes.values() for a in play.actions] + \
            list(self.amplify_actions)


def _actions(owner: str, entries: Sequence) -> tuple[PlaybookAction, ...]:
    actions = []
    for entry in entries:
        text = str(entry.get("text", "")).strip()
        if not text:
            raise PlaybookError(f"an action of {owner!r} has no text")
        triggers = tuple(str(t).strip() for t in entry.get("triggers", []) if str(t).strip())
        if len(triggers) < MIN_TRIGGERS_PER_ACTION:
            raise PlaybookError(f"an action of {owner!r} has fewer than "
                                f"{MIN_TRIGGERS_PER_ACTION} triggers: {text[:20]}…")
        actions.append(PlaybookAction(text, triggers))
    return tuple(actions)


def parse_playbook(data: dict) -> Playbook:
    """Build and validate a playbook from the parsed TOML document."""
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, dict) or not raw_themes:
        raise PlaybookError("the playbook needs [themes.<key>] entries")
    themes = {}
    for key, body in raw_themes.items():
        actions = _actions(key, body.get("actions", []))
        if len(actions) < MIN_ACTIONS_PER_THEME:
            raise PlaybookError(f"theme {key!r} has fewer than {MIN_ACTIONS_PER_THEME} actions")
        watch = str(body.get("watch", "")).strip()
        if not watch:
            raise PlaybookError(f"theme {key!r} does not say what to watch")
        themes[key] = ThemePlay(key, actions, watch, body.get("mode") == "amplify")
    amplify = _actions("amplify", data.get("amplify", {}).get("actions", []))
    if len(amplify) < MIN_ACTIONS_PER_THEME:
        raise PlaybookError("the [amplify] table needs at least "
                            f"{MIN_ACTIONS_PER_THEME} actions")
    questions = tuple(str(q).strip() for q in data.get("judgement", {}).get("questions", [])
                      if str(q).strip())
    if len(questions) < 2:
        raise PlaybookError("the [judgement] table needs at least 2 questions")
    texts = [a.text for play in themes.values() for a in play.actions] + \
        [a.text for a in amplify]
    repeated = sorted({t for t in texts if texts.count(t) > 1})
    if repeated:
        raise PlaybookError(f"actions appear twice: {repeated[0][:30]}…")
    mapping = {str(k): str(v) for k, v in data.get("theme_area_map", {}).items()}
    unmapped = [a for a in THEME_AREAS if a not in mapping]
    if unmapped:
        raise PlaybookError(f"theme areas without a report area: {', '.join(unmapped)}")
    wrong = {k: v for k, v in mapping.items() if v not in REPORT_AREAS}
    if wrong:
        raise PlaybookError(f"theme areas mapped to unknown report areas: {wrong}")
    return Playbook(themes=themes, amplify_actions=amplify, judgement_questions=questions,
                    theme_area_map=mapping)


def load_playbook(path: Path | str | None = None) -> Playbook:
    """Load a playbook file (the packaged one by default, cached)."""
    if path is None:
        return _default_playbook()
    with open(path, "rb") as handle:
        return parse_playbook(tomllib.load(handle))


@cache
def _default_playbook() -> Playbook:
    with PLAYBOOK_PATH.open("rb") as handle:
        return parse_playbook(tomllib.load(handle))
