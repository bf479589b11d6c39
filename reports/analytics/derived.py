"""Derived community measures: growth, stickiness, interactions per active member,
click-through, and MAU derived from a daily active series."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reports.analytics._arrays import finite_or_none, to_array

#: How MAU is approximated from DAU when it is not imported; printed in the report.
MAU_APPROXIMATION = (
    "未提供月活跃成员（MAU）时，按近 30 天日活跃成员（DAU）之和与成员总数两者的较小值估算 MAU。"
    "同一成员在 30 天内多次活跃会被重复计数，因此该估算是 MAU 的上界，"
    "由此得到的黏性（DAU/MAU）是下界。"
)


#: Below this base a change reads as counts (由上期 3 条增至 28 条), never as a percentage:
#: "+833%" from 3 items says more about the small base than about the change.
MIN_PERCENT_BASE = 20


def count_change_pct(current: float | None, previous: float | None) -> float | None:
    """The relative change of a count or a count-like level, or ``None`` when the previous
    value is below ``MIN_PERCENT_BASE`` (the change is then given as counts)."""
    previous = finite_or_none(previous)
    if previous is None or abs(previous) < MIN_PERCENT_BASE:
        return None
    return percent_change(current, previous)


def percent_change(current: float | None, previous: float | None) -> float | None:
    """Relative change ``(current - previous) / |previous|``; ``None`` when undefined."""
    current, previous = finite_or_none(current), finite_or_none(previous)
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous)


def growth_rate(members_before: float | None, members_after: float | None) -> float | None:
    """Member growth rate between two member totals, e.g. previous and current period end."""
    return percent_change(members_after, members_before)


def _ratio(numerator: Sequence[float | None], denominator: Sequence[float | None]) -> np.ndarray:
    num, den = to_array(numerator), to_array(denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def ratio_of_sums(
    numerator: Sequence[float | None], denominator: Sequence[float | None]
) -> float | None:
    """``sum(numerator) / sum(denominator)`` over the days where both are present."""
    num, den = to_array(numerator), to_array(denominator)
    both = np.isfinite(num) & np.isfinite(den)
    total = den[both].sum()
    return finite_or_none(num[both].sum() / total) if total > 0 else None


def stickiness(dau: Sequence[float | None], mau: Sequence[float | None]) -> np.ndarray:
    """Daily stickiness DAU/MAU (0..1); NaN where MAU is missing or zero."""
    return _ratio(dau, mau)


def interactions_per_active(
    interactions: Sequence[float | None], dau: Sequence[float | None]
) -> np.ndarray:
    """Daily interactions (messages, replies, reactions) per active member."""
    return _ratio(interactions, dau)


def click_through(clicks: Sequence[float | None], views: Sequence[float | None]) -> np.ndarray:
    """Daily click-through rate: content clicks divided by content views."""
    return _ratio(clicks, views)


def derive_mau(
    dau: Sequence[float | None],
    total_members: Sequence[float | None] | None = None,
    window: int = 30,
) -> np.ndarray:
    """Estimate MAU from a daily active series (see ``MAU_APPROXIMATION``).

    MAU(t) = min(sum of DAU over the ``window`` days ending at t, total members at t). Daily
    counts cannot tell repeat visitors apart, so the sum over-counts and this is an upper
    bound on the true MAU. Days without a complete window (or with a missing day inside it)
    get NaN rather than a smaller sum that would look like a drop.
    """
    daily = to_array(dau)
    out = np.full(len(daily), np.nan)
    if len(daily) >= window:
        windows = np.lib.stride_tricks.sliding_window_view(daily, window)
        out[window - 1:] = windows.sum(axis=1)  # NaN anywhere in a window propagates
    if total_members is not None:
        total = to_array(total_members)
        if len(total) != len(daily):
            raise ValueError("total_members must cover the same days as dau")
        out = np.where(np.isfinite(total) & np.isfinite(out), np.minimum(out, total), out)
    return out
