"""Read-only access to the insight results for other features (the improvement reports).

Every function returns plain dataclasses and reads only the community's current analysis,
so a report never mixes two runs. Weeks start on Monday in the community's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.extensions import db
from app.models import Community, FeedbackItem, InsightAlert, InsightTheme, ItemAnalysis
from app.services.insights import actions as action_service
from app.services.insights import analysis, wordclouds
from app.services.insights.overview import weekly_counts
from app.services.insights.periods import week_start


@dataclass(frozen=True)
class ThemeInfo:
    """A theme as the reports see it."""

    key: int
    name: str
    area: str | None
    status: str
    keywords: list[str]
    size: int
    negative: int
    first_seen_at: datetime
    acted_on_at: datetime | None


@dataclass(frozen=True)
class WeekPoint:
    """A theme's items in one week (Monday ``week``), and the negative ones."""

    week: date
    items: int
    negative: int

    @property
    def negative_share(self) -> float | None:
        """Negative items as a share of the week's items (None for an empty week)."""
        return self.negative / self.items if self.items else None


@dataclass(frozen=True)
class QuoteInfo:
    """A representative quote of a theme (redacted text)."""

    item_id: int
    text: str
    occurred_at: datetime
    source_kind: str
    sentiment: int | None


@dataclass(frozen=True)
class ActionInfo:
    """A theme marked as acted on."""

    theme_key: int
    theme_name: str
    acted_on_at: datetime
    note: str
    suggestion_ids: list[int]


@dataclass(frozen=True)
class AlertInfo:
    """An alert about a theme."""

    kind: str
    theme_key: int
    theme_name: str
    week: date
    observed: float
    baseline: float | None
    threshold: float | None
    acknowledged: bool


def themes(community: Community, *, include_hidden: bool = False) -> list[ThemeInfo]:
    """The community's themes in the current analysis, largest first (其他 left out)."""
    stmt = db.select(InsightTheme).where(InsightTheme.community_id == community.id,
                                         InsightTheme.is_other.is_(False))
    if not include_hidden:
        stmt = stmt.where(InsightTheme.status == "active", InsightTheme.size > 0)
    rows = db.session.execute(stmt).scalars().all()
    out = [
        ThemeInfo(t.key, t.name, t.area, t.status, list(t.keywords or []), t.size,
                  int((t.sentiment_mix or {}).get("-1", 0)), t.first_seen_at, t.acted_on_at)
        for t in rows
    ]
    return sorted(out, key=lambda t: (-t.size, t.key))


def weekly_series(community: Community, start: date, end: date) -> dict[int, list[WeekPoint]]:
    """Per theme key: items and negative items in every week from ``start``'s week to
    ``end``'s week (weeks with nothing are included as zeros)."""
    run_id = analysis.current_run_id(community.id)
    first = week_start(start)
    n_weeks = (week_start(end) - first).days // 7 + 1
    if run_id is None or n_weeks <= 0:
        return {}
    counts = weekly_counts(community, run_id, first, n_weeks)
    return {
        key: [WeekPoint(first + timedelta(weeks=i), volume[i], negative[i])
              for i in range(n_weeks)]
        for key, (volume, negative) in counts.items()
    }


def quotes(community: Community, theme_key: int, *, limit: int = 5) -> list[QuoteInfo]:
    """The theme's representative quotes (chosen by the analysis), redacted."""
    theme = db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community.id,
                                      InsightTheme.key == theme_key)
    ).scalar_one_or_none()
    run_id = analysis.current_run_id(community.id)
    if theme is None or run_id is None:
        return []
    ids = list(theme.quote_item_ids or [])[:limit]
    rows = db.session.execute(
        db.select(FeedbackItem.id, FeedbackItem.redacted_text, FeedbackItem.occurred_at,
                  FeedbackItem.source_kind, ItemAnalysis.sentiment_label)
        .outerjoin(ItemAnalysis, db.and_(ItemAnalysis.feedback_item_id == FeedbackItem.id,
                                         ItemAnalysis.run_id == run_id))
        .where(FeedbackItem.id.in_(ids))
    ).all() if ids else []
    by_id = {r.id: QuoteInfo(r.id, r.redacted_text, r.occurred_at, r.source_kind,
                             r.sentiment_label) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def wordcloud(community: Community, theme_key: int, *, size: str = "large") -> bytes | None:
    """The theme's word cloud as PNG bytes (None for an unknown theme)."""
    theme = db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community.id,
                                      InsightTheme.key == theme_key)
    ).scalar_one_or_none()
    if theme is None:
        return None
    return wordclouds.cloud_png(community, wordclouds.theme_weights(theme), size=size)


def acted_on(community: Community) -> list[ActionInfo]:
    """Every "acted on" of the community's themes, newest first (the report's before/after
    dates)."""
    return [ActionInfo(a.theme_key, a.theme_name, a.acted_on_at, a.note,
                       list(a.suggestion_ids or []))
            for a in action_service.actions(community.id)]


def alerts(community: Community, *, since: date | None = None) -> list[AlertInfo]:
    """The community's alerts, newest week first, optionally from a week on."""
    stmt = db.select(InsightAlert).where(InsightAlert.community_id == community.id)
    if since is not None:
        stmt = stmt.where(InsightAlert.period_start >= week_start(since))
    rows = db.session.execute(
        stmt.order_by(InsightAlert.period_start.desc(), InsightAlert.id.desc())
    ).scalars().all()
    return [AlertInfo(a.kind, a.theme_key, a.theme_name, a.period_start, a.observed,
                      a.baseline, a.threshold, a.acknowledged_at is not None) for a in rows]
