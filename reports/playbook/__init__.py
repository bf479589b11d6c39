"""The improvement playbook: concrete suggested actions per operations area, kept as data in
``playbook.toml``, and the mapping from the NLP's theme areas to those operations areas."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PLAYBOOK_PATH = Path(__file__).with_name("playbook.toml")

#: The operations areas a report recommends actions in, in the order the report lists them.
REPORT_AREAS = ("用户互动", "内容创建", "活动策划", "用户激励",
                "技术支持", "社群规则", "品牌推广", "用户教育")

#: The theme areas the NLP package assigns.
THEME_AREAS = ("用户互动", "内容", "活动", "激励与积分", "技术与体验",
               "规则与秩序", "品牌", "学习与课程", "服务与响应")

#: Where a theme goes when neither its area nor its keywords point anywhere.
FALLBACK_AREA = "用户互动"

MIN_ACTIONS_PER_AREA = 5


class PlaybookError(ValueError):
    """The playbook file is malformed or incomplete."""


@dataclass(frozen=True)
class PlaybookAction:
    """One suggested action and the theme keywords it addresses."""

    text: str
    keywords: tuple[str, ...] = ()

    def relevance(self, keywords: Iterable[str]) -> int:
        """How many of the theme's ``keywords`` this action addresses (substring either way)."""
        score = 0
        for word in keywords:
            word = word.strip().lower()
            if word and any(word in k.lower() or k.lower() in word for k in self.keywords):
                score += 1
        return score


@dataclass(frozen=True)
class Playbook:
    """Actions per report area and the theme-area mapping."""

    areas: dict[str, tuple[PlaybookAction, ...]]
    descriptions: dict[str, str]
    theme_area_map: dict[str, str]

    def report_area_for(self, theme_area: str, keywords: Sequence[str] = ()) -> str:
        """The operations area for a theme: by its NLP area, else by its keywords."""
        if theme_area in self.areas:
            return theme_area
        if theme_area in self.theme_area_map:
            return self.theme_area_map[theme_area]
        scores = {area: sum(a.relevance(keywords) for a in actions)
                  for area, actions in self.areas.items()}
        best = max(scores, key=lambda area: scores[area])
        return best if scores[best] > 0 else FALLBACK_AREA

    def suggest(self, area: str, keywords: Sequence[str] = (), n: int = 3,
                avoid: Collection[str] = ()) -> list[str]:
        """The ``n`` actions of ``area`` most relevant to ``keywords`` (file order on ties).

        Actions in ``avoid`` (already given to a higher-ranked recommendation) come last, so
        two themes of one area do not repeat the same advice while the area has more.
        """
        try:
            actions = self.areas[area]
        except KeyError:
            raise KeyError(f"no playbook area {area!r}; known: {', '.join(self.areas)}") \
                from None
        ranked = sorted(enumerate(actions), key=lambda pair: (
            pair[1].text in avoid, -pair[1].relevance(keywords), pair[0]))
        return [action.text for _, action in ranked[:n]]


def parse_playbook(data: dict) -> Playbook:
    """Build and validate a playbook from the parsed TOML document."""
    raw_areas = data.get("areas")
    if not isinstance(raw_areas, dict):
        raise PlaybookError("the playbook needs an [areas] table")
    areas, descriptions = {}, {}
    for name, body in raw_areas.items():
        actions = []
        for entry in body.get("actions", []):
            text = str(entry.get("text", "")).strip()
            if not text:
                raise PlaybookError(f"an action of {name!r} has no text")
            actions.append(PlaybookAction(text, tuple(str(k) for k in entry.get("keywords", []))))
        areas[name] = tuple(actions)
        descriptions[name] = str(body.get("description", ""))
    missing = [a for a in REPORT_AREAS if a not in areas]
    if missing:
        raise PlaybookError(f"the playbook lacks areas: {', '.join(missing)}")
    thin = [a for a in REPORT_AREAS if len(areas[a]) < MIN_ACTIONS_PER_AREA]
    if thin:
        raise PlaybookError(f"areas with fewer than {MIN_ACTIONS_PER_AREA} actions: "
                            f"{', '.join(thin)}")
    mapping = {str(k): str(v) for k, v in data.get("theme_area_map", {}).items()}
    unmapped = [a for a in THEME_AREAS if a not in mapping]
    if unmapped:
        raise PlaybookError(f"theme areas without a report area: {', '.join(unmapped)}")
    wrong = {k: v for k, v in mapping.items() if v not in areas}
    if wrong:
        raise PlaybookError(f"theme areas mapped to unknown report areas: {wrong}")
    ordered = {a: areas[a] for a in REPORT_AREAS} | {a: areas[a] for a in areas
                                                     if a not in REPORT_AREAS}
    return Playbook(areas=ordered, descriptions=descriptions, theme_area_map=mapping)


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
