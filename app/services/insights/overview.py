"""The themes overview: each theme's volume, share, sentiment mix and change for a period
compared with the previous period of the same length, and its weekly trend."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.extensions import db
from app.models import AnalysisRun, Community, InsightTheme, ItemAnalysis, ThemeStatus
from app.services.insights import analysis
from app.services.insights.periods import Period, week_start

SORTS = ("volume", "negative", "growth")
MIN_TREND_WEEKS = 12
MAX_TREND_WEEKS = 26


@dataclass
class ThemeStat:
    """One theme's figures in a period."""

    theme: InsightTheme
    volume: int = 0
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    previous: int = 0
    previous_negative: int = 0
    share: float = 0.0
    trend: list[int] = field(default_factory=list)
    trend_negative: list[int] = field(default_factory=list)

    @property
    def negative_share(self) -> float | None:
        """Negative items as a share of the theme's volume."""
        return self.negative / self.volume if self.volume else None

    @property
    def change(self) -> float | None:
        """Relative change of volume against the previous period (None when it was 0)."""
        return (self.volume - self.previous) / self.previous if self.previous else None

    @property
    def is_new(self) -> bool:
        """Volume now and none in the previous period."""
        return self.volume > 0 and self.previous == 0

    @property
    def mix(self) -> dict[str, float]:
        """Shares of negative, neutral and positive items."""
        total = self.volume or 1
        return {"neg": self.negative / total, "neu": self.neutral / total,
                "pos": self.positive / total}


@dataclass
class Overview:
    """The overview of a period."""

    period: Period
    previous: Period
    run: AnalysisRun | None
    total: int
    previous_total: int
    negative: int
    neutral: int
    positive: int
    themes: list[ThemeStat]
    other: ThemeStat | None
    hidden: list[ThemeStat]
    trend_weeks: list[date]

    @property
    def negative_share(self) -> float | None:
        """Negative items among all items of the period."""
        return self.negative / self.total if self.total else None

    @property
    def change(self) -> float | None:
        """Relative change of all feedback against the previous period."""
        if not self.previous_total:
            return None
        return (self.total - self.previous_total) / self.previous_total


def trend_window(community: Community, period: Period) -> tuple[date, int]:
    """The Monday the weekly trend starts on, and how many weeks it covers (12 to 26)."""
    last = week_start(period.end)
    weeks = min(MAX_TREND_WEEKS, max(MIN_TREND_WEEKS, -(-period.days // 7)))
    return last - timedelta(weeks=weeks - 1), weeks


def _counts(run_id: int, start: int, middle: int, end: int):
    """(theme, label) → [count in previous period, count in period]; days are ordinals."""
    in_current = db.case((ItemAnalysis.day >= middle, 1), else_=0)
    rows = db.session.execute(
        db.select(ItemAnalysis.theme_key, ItemAnalysis.sentiment_label,
                  db.func.count(), db.func.sum(in_current))
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.day >= start,
               ItemAnalysis.day < end)
        .group_by(ItemAnalysis.theme_key, ItemAnalysis.sentiment_label)
    ).all()
    out: dict[tuple[int, int], list[int]] = {}
    for key, label, total, current in rows:
        current = int(current or 0)
        out[(int(key), int(label))] = [int(total) - current, current]
    return out


def weekly_counts(community: Community, run_id: int, first_week: date, weeks: int
                  ) -> dict[int, tuple[list[int], list[int]]]:
    """Per theme: items per week and negative items per week, ``weeks`` weeks from Monday
    ``first_week`` (community time)."""
    origin = first_week.toordinal()
    bucket = (ItemAnalysis.day - origin) // 7
    out: dict[int, tuple[list[int], list[int]]] = defaultdict(
        lambda: ([0] * weeks, [0] * weeks))
    for key, index, label, n in db.session.execute(
        db.select(ItemAnalysis.theme_key, bucket, ItemAnalysis.sentiment_label,
                  db.func.count())
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.day >= origin,
               ItemAnalysis.day < origin + 7 * weeks)
        .group_by(ItemAnalysis.theme_key, bucket, ItemAnalysis.sentiment_label)
    ):
        if index is None or not 0 <= int(index) < weeks:
            continue
        volume, negative = out[int(key)]
        volume[int(index)] += int(n)
        if int(label) == -1:
            negative[int(index)] += int(n)
    return dict(out)


def overview(community: Community, period: Period, *, sort: str = "volume") -> Overview:
    """Every theme's figures for ``period`` against the previous period, sorted."""
    run = analysis.current_run(community.id)
    previous = period.previous()
    first_week, n_weeks = trend_window(community, period)
    weeks = [first_week + timedelta(weeks=i) for i in range(n_weeks)]
    empty = Overview(period, previous, run, 0, 0, 0, 0, 0, [], None, [], weeks)
    if run is None:
        return empty
    counts = _counts(run.id, previous.start.toordinal(), period.start.toordinal(),
                     period.end.toordinal() + 1)
    trends = weekly_counts(community, run.id, first_week, n_weeks)
    rows = db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community.id)
    ).scalars().all()
    stats: dict[int, ThemeStat] = {t.key: ThemeStat(t) for t in rows}
    totals = [0, 0]
    by_label = {-1: 0, 0: 0, 1: 0}
    for (key, label), (before, now) in counts.items():
        totals[0] += before
        totals[1] += now
        by_label[label] = by_label.get(label, 0) + now
        stat = stats.get(key)
        if stat is None:
            continue
        stat.volume += now
        stat.previous += before
        if label == -1:
            stat.negative += now
            stat.previous_negative += before
        elif label == 0:
            stat.neutral += now
        else:
            stat.positive += now
    for key, stat in stats.items():
        stat.share = stat.volume / totals[1] if totals[1] else 0.0
        trend = trends.get(key)
        stat.trend, stat.trend_negative = (list(trend[0]), list(trend[1])) if trend else (
            [0] * n_weeks, [0] * n_weeks)
    visible = [s for s in stats.values() if s.theme.is_visible and (s.volume or s.previous)]
    hidden = [s for s in stats.values()
              if s.theme.status == ThemeStatus.ARCHIVED and not s.theme.is_other]
    other = next((s for s in stats.values() if s.theme.is_other), None)
    return Overview(period, previous, run, totals[1], totals[0], by_label[-1], by_label[0],
                    by_label[1], sort_stats(visible, sort), other, hidden, weeks)


def sort_stats(stats: list[ThemeStat], sort: str) -> list[ThemeStat]:
    """Order themes by volume, by negative share, or by growth against the previous period."""
    if sort == "negative":
        return sorted(stats, key=lambda s: (-(s.negative_share or 0.0), -s.negative, -s.volume))
    if sort == "growth":
        def growth(s: ThemeStat):
            # New themes first, then by relative change, then by absolute change.
            return (0 if s.is_new else 1, -(s.change or 0.0), -(s.volume - s.previous))
        return sorted(stats, key=growth)
    return sorted(stats, key=lambda s: (-s.volume, -s.negative, s.theme.key))
