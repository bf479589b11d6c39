"""Recommendations drawn from what members said.

For each priority theme the report shows what members say (their complaint phrases with
counts and a few quotes), what to do and how to tell whether it worked:

- a **code-frame theme** takes the actions of its own playbook entry, best first by how
  many of the period's complaint items name each action's triggers;
- a **discovered theme** borrows an entry only when its phrases name at least
  ``MIN_DISCOVERED_HITS`` different triggers of that entry; otherwise the report says
  「需要运营判断」 and lists the questions to answer first, instead of a generic action;
- a **praise theme** (the 表扬与感谢 frame theme, or a theme that is mostly positive) gets
  「保持/放大」 actions and is never ranked for corrective action.

No action text is given twice in one report: the caller passes the set of texts already
used. The app passes each theme's frame key, complaint phrases and cleaned quotes in as
``ThemeVoice``; this module never looks at raw text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from reports.context import Measure, PhraseCount, Quote, ThemeSummary
from reports.formatting import fmt_int, fmt_percent
from reports.playbook import Playbook, PlaybookAction, ThemePlay

#: The code-frame key of the praise theme.
PRAISE_FRAME_KEY = "praise"
#: A theme is mostly positive when at least half of its feedback is positive and under
#: 15% negative, or when under a tenth is negative and praise outweighs it twice over.
MOSTLY_POSITIVE_SHARE = 0.5
MOSTLY_POSITIVE_MAX_NEGATIVE = 0.15
FEW_NEGATIVE_SHARE = 0.1
#: Different triggers of one entry a discovered theme's phrases must name to borrow it.
MIN_DISCOVERED_HITS = 2
#: Actions a code-frame theme always gets, even when few phrases name a trigger.
MIN_FRAME_ACTIONS = 2
#: Phrases and quotes shown under 成员在说什么.
PHRASES_SHOWN = 5
QUOTES_SHOWN = 3
#: The corrective target: this share of the period's negative items, next period.
TARGET_NEGATIVE_FACTOR = 0.7


@dataclass
class ThemeVoice:
    """What members said about one theme in the period, as the app found it.

    ``phrases`` are the words of the theme's negative clauses with the number of items
    using each (most first); ``quotes`` are cleaned, redacted complaints, best first.
    ``frame_key`` is the code-frame theme key, or ``None`` for a discovered theme.
    """

    theme_key: str
    frame_key: str | None = None
    phrases: list[PhraseCount] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Plan:
    """What the report recommends for one theme."""

    kind: str
    actions: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    measure: Measure | None = None
    borrowed_from: str | None = None


def is_praise(theme: ThemeSummary, voice: ThemeVoice | None) -> bool:
    """Whether a theme is praise: the praise frame theme, or mostly positive feedback."""
    if voice is not None and voice.frame_key == PRAISE_FRAME_KEY:
        return True
    mix = theme.sentiment
    if not mix.total:
        return False
    positive, negative = mix.share("positive"), mix.share("negative")
    if positive >= MOSTLY_POSITIVE_SHARE and negative < MOSTLY_POSITIVE_MAX_NEGATIVE:
        return True
    return negative < FEW_NEGATIVE_SHARE and mix.positive >= 2 * max(1, mix.negative)


def evidence(theme: ThemeSummary, voice: ThemeVoice | None) -> list[PhraseCount]:
    """The phrases that choose actions: the complaint phrases, else the theme's keywords
    (counted as one item each, since their counts are unknown)."""
    if voice is not None and voice.phrases:
        return list(voice.phrases)
    return [PhraseCount(k, 1) for k in theme.keywords]


def _score(action: PlaybookAction, phrases: Sequence[PhraseCount]) -> tuple[int, list[str]]:
    hits = action.matched([p.text for p in phrases])
    weight = sum(p.count for p in phrases if p.text in hits)
    return weight, hits


def _reason(hits: Sequence[str], phrases: Sequence[PhraseCount], counted: bool) -> str:
    if not hits:
        return "本主题的常规做法"
    by_text = {p.text: p.count for p in phrases}
    shown = hits[:3]
    if counted:
        return "成员提到" + "、".join(f"「{h}」{fmt_int(by_text[h])} 条" for h in shown)
    return "主题关键词" + "、".join(f"「{h}」" for h in shown)


def _choose(actions: Sequence[PlaybookAction], phrases: Sequence[PhraseCount], used: set[str],
            n: int, minimum: int, counted: bool) -> tuple[list[str], list[str]]:
    """Up to ``n`` unused actions named by the phrases (most items first, file order on
    ties), topped up to ``minimum`` with the entry's other actions in file order."""
    scored = [(i, a, *_score(a, phrases)) for i, a in enumerate(actions) if a.text not in used]
    named = sorted([s for s in scored if s[2] > 0], key=lambda s: (-s[2], s[0]))[:n]
    rest = [s for s in scored if s[2] == 0][: max(0, minimum - len(named))]
    chosen = named + rest
    return ([a.text for _, a, _, _ in chosen],
            [_reason(hits, phrases, counted) for _, _, _, hits in chosen])


def best_entry(playbook: Playbook, phrases: Sequence[PhraseCount]) -> ThemePlay | None:
    """The corrective entry whose triggers the phrases name most (at least
    ``MIN_DISCOVERED_HITS`` different phrases), for a theme outside the code frame."""
    best, best_hits, best_weight = None, 0, 0
    for play in playbook.themes.values():
        if play.amplify:
            continue
        named = {p.text: p.count for p in phrases
                 if any(p.text in a.matched([p.text]) for a in play.actions)}
        hits, weight = len(named), sum(named.values())
        if (hits, weight) > (best_hits, best_weight):
            best, best_hits, best_weight = play, hits, weight
    return best if best_hits >= MIN_DISCOVERED_HITS else None


def _phrase_list(theme: ThemeSummary, voice: ThemeVoice | None) -> str:
    words = [p.text for p in voice.phrases[:3]] if voice and voice.phrases else \
        list(theme.keywords[:3])
    return "、".join(f"「{w}」" for w in words) if words else "这些反馈"


def judgement_questions(playbook: Playbook, theme: ThemeSummary,
                        voice: ThemeVoice | None) -> list[str]:
    """The questions operators answer before acting on a theme no entry fits."""
    values = {"phrases": _phrase_list(theme, voice), "volume": fmt_int(theme.volume)}
    return [q.format(**values) for q in playbook.judgement_questions]


def corrective_measure(play: ThemePlay | None, theme: ThemeSummary) -> Measure:
    """What to watch for a corrective theme, and a target from this period's numbers."""
    negative = theme.sentiment.negative
    goal = math.floor(negative * TARGET_NEGATIVE_FACTOR)
    if negative == 0:
        target = "下期保持没有负面反馈"
    elif goal == 0:
        target = f"下期不再出现负面反馈（本期 {fmt_int(negative)} 条）"
    else:
        target = (f"下期该主题负面反馈降至 {fmt_int(goal)} 条以内"
                  f"（本期 {fmt_int(negative)} 条，负面占 {fmt_percent(theme.negative_share)}）")
    watch = play.watch if play is not None else "该主题的反馈量与负面占比"
    return Measure(watch=watch, target=target)


def plan_corrective(theme: ThemeSummary, voice: ThemeVoice | None, playbook: Playbook,
                    used: set[str], n: int = 3) -> Plan:
    """Actions for a theme that needs correcting, or the questions to answer first."""
    phrases = evidence(theme, voice)
    counted = voice is not None and bool(voice.phrases)
    frame_key = voice.frame_key if voice else None
    play = playbook.entry(frame_key)
    if play is not None and play.amplify:
        play = None  # a mostly negative praise theme: judge it rather than praise it
    borrowed = None
    if play is None:
        play = best_entry(playbook, phrases)
        borrowed = play.key if play is not None else None
    if play is not None:
        minimum = MIN_FRAME_ACTIONS if borrowed is None else 0
        actions, reasons = _choose(play.actions, phrases, used, n, minimum, counted)
        if actions:
            used.update(actions)
            return Plan("corrective", actions, reasons, measure=corrective_measure(play, theme),
                        borrowed_from=borrowed)
    return Plan("judgement", questions=judgement_questions(playbook, theme, voice),
                measure=Measure(watch="该主题的反馈量与负面占比",
                                target="下期报告之前给出判断结论：做什么、谁负责、何时完成"))


def plan_keep(theme: ThemeSummary, voice: ThemeVoice | None, playbook: Playbook,
              used: set[str], n: int = 2) -> Plan:
    """Keep-and-amplify actions for a praise theme."""
    phrases = [PhraseCount(k, 1) for k in theme.keywords]
    if voice is not None and voice.phrases:
        phrases = list(voice.phrases) + phrases
    play = playbook.entry(voice.frame_key if voice else None)
    pool = list(play.actions) if play is not None and play.amplify else []
    pool += list(playbook.amplify_actions)
    actions, reasons = _choose(pool, phrases, used, n, 1, counted=False)
    used.update(actions)
    positive = theme.sentiment.positive
    watch = play.watch if play is not None and play.amplify else "该主题的正面反馈条数与负面占比"
    target = (f"下期正面反馈不少于 {fmt_int(positive)} 条，负面占比不高于 "
              f"{fmt_percent(max(theme.negative_share, FEW_NEGATIVE_SHARE))}")
    return Plan("amplify", actions, reasons, measure=Measure(watch=watch, target=target))


def shown_phrases(voice: ThemeVoice | None, kind: str = "corrective") -> list[PhraseCount]:
    """The complaint phrases printed under 成员在说什么 (none for praise, which is not
    summed up by its complaints)."""
    if voice is None or kind == "amplify":
        return []
    return list(voice.phrases[:PHRASES_SHOWN])


def shown_quotes(theme: ThemeSummary, voice: ThemeVoice | None,
                 kind: str = "corrective") -> list[Quote]:
    """The quotes printed under 成员在说什么: the app's chosen complaints, else (and always
    for praise) the theme's own representative quotes."""
    use_voice = voice is not None and voice.quotes and kind != "amplify"
    quotes = list(voice.quotes) if use_voice else list(theme.quotes)
    return quotes[:QUOTES_SHOWN]
