"""The executive summary's action plan: the top actions with who does them by when, what got
better and what got worse, and what became of the previous report's actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reports.context import (
    MetricSummary,
    PreviousAction,
    Recommendation,
    ReportContext,
    SummaryAction,
    ThemeSummary,
)
from reports.formatting import fmt_int, fmt_percent

#: Actions the executive summary lists.
TOP_ACTIONS = 3
#: Lines under 变好了 and 变差了 each, of which metrics at most ``MAX_METRIC_CHANGES``.
MAX_CHANGES = 4
MAX_METRIC_CHANGES = 2
#: A metric moves when it changes by at least this share of its previous value.
MIN_METRIC_CHANGE = 0.05
#: A theme's negative feedback moves when it changes by at least this many items and share.
MIN_THEME_ITEMS = 3
MIN_THEME_CHANGE = 0.25
#: The longest owner name kept.
MAX_OWNER_CHARS = 40


@dataclass
class ActionAssignment:
    """Who does one of the top actions, and by when, as the manager entered it.

    Matched to an action by ``theme_key`` when given (so it stays with its theme if the
    ranking changed since the builder was opened), else by ``rank`` (1-based).
    """

    rank: int
    theme_key: str = ""
    owner: str = ""
    due: date | None = None


def _says(rec: Recommendation) -> str:
    if rec.phrases:
        return "、".join(f"「{p.text}」{fmt_int(p.count)} 条" for p in rec.phrases[:3])
    if rec.quotes:
        return f"「{rec.quotes[0].text}」"
    return "、".join(f"「{k}」" for k in rec.keywords[:3])


def top_actions(recommendations: Sequence[Recommendation],
                assignments: Sequence[ActionAssignment] = ()) -> list[SummaryAction]:
    """The first ``TOP_ACTIONS`` recommendations as actions, with their owners and dates."""
    by_theme = {a.theme_key: a for a in assignments if a.theme_key}
    by_rank = {a.rank: a for a in assignments if not a.theme_key}
    out = []
    for position, rec in enumerate(recommendations[:TOP_ACTIONS], start=1):
        given = by_theme.get(rec.theme_key) or by_rank.get(position)
        out.append(SummaryAction(
            rank=position, theme_key=rec.theme_key, theme_name=rec.theme_name,
            says=_says(rec), action=rec.lead_action, kind=rec.kind,
            owner=" ".join((given.owner if given else "").split())[:MAX_OWNER_CHARS],
            due=given.due if given else None))
    return out


def _value(summary: MetricSummary, value: float) -> str:
    if summary.fmt == "percent":
        return fmt_percent(value)
    if summary.fmt == "float":
        return f"{value:.1f}"
    return fmt_int(value)


def _metric_moves(summaries: Sequence[MetricSummary]) -> tuple[list[str], list[str]]:
    better, worse = [], []
    for s in summaries:
        if s.derived or s.value is None or s.previous is None or not s.previous:
            continue
        change = (s.value - s.previous) / abs(s.previous)
        if abs(change) < MIN_METRIC_CHANGE:
            continue
        text = f"{s.label}：上期 {_value(s, s.previous)} → 本期 {_value(s, s.value)}"
        (better if (change > 0) == s.higher_is_better else worse).append(text)
    return better, worse


def _negative_before(theme: ThemeSummary) -> int | None:
    if theme.previous_negative_share is None:
        return None
    return round(theme.previous_negative_share * theme.previous_volume)


def _theme_moves(themes: Sequence[ThemeSummary]) -> tuple[list[str], list[str]]:
    better, worse = [], []

    def moved_by(theme: ThemeSummary) -> int:
        before = _negative_before(theme)
        return 0 if before is None else abs(theme.sentiment.negative - before)

    for theme in sorted(themes, key=lambda t: (-moved_by(t), t.name)):
        before, now = _negative_before(theme), theme.sentiment.negative
        if before is None:
            continue
        moved = now - before
        if abs(moved) < MIN_THEME_ITEMS or abs(moved) < MIN_THEME_CHANGE * max(before, 1):
            continue
        text = f"「{theme.name}」负面反馈：上期 {fmt_int(before)} 条 → 本期 {fmt_int(now)} 条"
        (better if moved < 0 else worse).append(text)
    return better, worse


def changes(ctx: ReportContext) -> tuple[list[str], list[str]]:
    """What got better and what got worse: base metrics that moved by 5% or more (two at
    most), then the themes whose negative feedback moved most (by 3 items and a quarter or
    more), as counts."""
    better, worse = [], []
    if ctx.metrics is not None:
        b, w = _metric_moves(ctx.metrics.summaries)
        better += b[:MAX_METRIC_CHANGES]
        worse += w[:MAX_METRIC_CHANGES]
    if ctx.themes is not None:
        b, w = _theme_moves(ctx.themes.themes)
        better += b
        worse += w
    return better[:MAX_CHANGES], worse[:MAX_CHANGES]


def previous_actions(ctx: ReportContext, previous: ReportContext | None) -> list[PreviousAction]:
    """The previous report's top actions (or its recommendations' first actions, for an
    older report) with the status its theme has now (from the follow-up section)."""
    if previous is None:
        return []
    status = {i.theme_key: i for i in (ctx.follow_up.items if ctx.follow_up else [])}
    listed: list[PreviousAction] = []
    if previous.summary is not None and previous.summary.actions:
        for a in previous.summary.actions:
            listed.append(PreviousAction(a.theme_key, a.theme_name, a.action, a.owner, a.due))
    elif previous.recommendations is not None:
        for rec in previous.recommendations.items[:TOP_ACTIONS]:
            listed.append(PreviousAction(rec.theme_key, rec.theme_name, rec.lead_action))
    for item in listed:
        found = status.get(item.theme_key)
        if found is not None:
            item.status, item.acted_on = found.status, found.acted_on
    return listed
