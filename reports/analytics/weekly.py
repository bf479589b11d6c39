"""Weekly aggregation of daily series on Monday-based weeks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from reports.analytics._arrays import to_array, to_list

#: How many days with data a week needs before it gets a value, per aggregation.
MIN_DAYS = {"sum": 7, "mean": 4, "last": 1}


@dataclass
class WeeklySeries:
    """One value per week; ``start`` is the Monday of the first week, ``None`` marks a gap."""

    start: date
    values: list[float | None] = field(default_factory=list)

    def week_starts(self) -> list[date]:
        """The Monday of every week in the series."""
        return [self.start + timedelta(weeks=i) for i in range(len(self.values))]

    def as_array(self) -> np.ndarray:
        """The values as floats, NaN for gaps."""
        return to_array(self.values)

    def aligned_with(self, other: WeeklySeries) -> tuple[np.ndarray, np.ndarray, list[date]]:
        """Both series restricted to their common weeks, as arrays, with those weeks' Mondays."""
        if (self.start - other.start).days % 7:
            raise ValueError("weekly series must both start on a Monday")
        first = max(self.start, other.start)
        last = min(self.start + timedelta(weeks=len(self.values)),
                   other.start + timedelta(weeks=len(other.values)))
        n = max(0, (last - first).days // 7)
        a0 = (first - self.start).days // 7
        b0 = (first - other.start).days // 7
        weeks = [first + timedelta(weeks=i) for i in range(n)]
        return self.as_array()[a0:a0 + n], other.as_array()[b0:b0 + n], weeks


def monday_of(day: date) -> date:
    """The Monday of the week that contains ``day``."""
    return day - timedelta(days=day.weekday())


def weekly_aggregate(
    start: date, values: Sequence[float | None], how: str = "sum", min_days: int | None = None
) -> WeeklySeries:
    """Aggregate a daily series that begins on ``start`` into Monday-based weeks.

    ``how`` is ``"sum"`` for flows (new members, interactions), ``"mean"`` for levels that are
    averaged (DAU) and ``"last"`` for stocks (total members). A week gets ``None`` when fewer
    than ``min_days`` of its days have data (defaults: 7 for sums, since a partial sum would
    look like a drop; 4 for means; 1 for last), so partial weeks at either end become gaps.
    """
    if how not in MIN_DAYS:
        raise ValueError(f"unknown aggregation {how!r}; expected one of {sorted(MIN_DAYS)}")
    need = MIN_DAYS[how] if min_days is None else min_days
    daily = to_array(values)
    first = monday_of(start)
    lead = (start - first).days
    padded = np.concatenate([np.full(lead, np.nan), daily])
    weeks = -(-len(padded) // 7) if len(padded) else 0
    padded = np.concatenate([padded, np.full(weeks * 7 - len(padded), np.nan)])
    grid = padded.reshape(weeks, 7)
    have = np.isfinite(grid)
    counts = have.sum(axis=1)
    out = np.full(weeks, np.nan)
    ok = counts >= need
    if how == "sum":
        out[ok] = np.nansum(grid[ok], axis=1)
    elif how == "mean":
        with np.errstate(invalid="ignore"):
            out[ok] = np.nanmean(grid[ok], axis=1)
    else:
        for i in np.flatnonzero(ok):
            out[i] = grid[i][have[i]][-1]
    return WeeklySeries(start=first, values=to_list(out))


def weekly_ratio(numerator: WeeklySeries, denominator: WeeklySeries,
                 min_denominator: float = 1.0) -> WeeklySeries:
    """Week-by-week ``numerator / denominator``; a gap where the denominator is too small."""
    num, den, weeks = numerator.aligned_with(denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(den >= min_denominator, num / den, np.nan)
    return WeeklySeries(start=weeks[0] if weeks else numerator.start, values=to_list(ratio))
