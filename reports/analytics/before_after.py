"""Before/after comparison of a daily metric around a date (a theme acted on, a suggestion
completed), judged against the trend before it.

A metric that was already rising rises "after" any date, so the plain difference of the two
windows' means says little. The comparison is therefore an interrupted time series: a line
fitted to the days before the date is projected over the days after it, and the change is how
far the days after lie from that projection (``beyond_trend``). Its 95% interval comes from a
moving-block bootstrap that refits the line on each resample of the days before and resamples
the days after, so the uncertainty of the slope counts. A change is *clear* only when that
interval lies on one side of zero; reports state a change only then, and as something that
happened in the same period (同期), never as an effect of the date's event."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from reports.analytics._arrays import finite_or_none, to_array

#: The comparison as printed in the report.
METHOD_TEXT = (
    "前后对比（间断时间序列）：以事件日期为界，用其前 {window} 天（不含当天）的日值"
    "拟合一条直线趋势，外推到其后 {window} 天，得到「按此前趋势的预计值」；"
    "「超出趋势」= 之后实际日均 − 预计日均。"
    "其 95% 区间由按周分块（7 天一块）的自助法（bootstrap）重抽样 {n_boot} 次得到：每次对之前的日值"
    "重抽样并重新拟合趋势，对之后的日值重抽样，因此趋势本身的不确定性也计算在内。"
    "只有区间不含 0 时报告才说明该指标在同期偏离了此前趋势；即便如此，偏离也可能来自同期的其他变化"
    "（节假日、活动、推广等），不能归因于该事件。"
)


@dataclass
class BeforeAfter:
    """A metric's daily mean in the windows before and after ``event_date``."""

    metric_key: str
    event_date: date
    event_label: str
    window_days: int
    n_before: int
    n_after: int
    mean_before: float
    mean_after: float
    change: float
    change_pct: float | None
    ci_low: float | None
    ci_high: float | None
    welch_t: float | None
    welch_p: float | None
    #: The daily mean after the date that the trend before it projects.
    expected_after: float | None = None
    #: How far the days after lie from that projection (actual − expected), and its interval.
    beyond_trend: float | None = None
    beyond_low: float | None = None
    beyond_high: float | None = None

    @property
    def clear(self) -> bool:
        """Whether the days after clearly left the trend before: the 95% interval of the
        change beyond the trend lies entirely on one side of zero."""
        return (self.beyond_low is not None and self.beyond_high is not None
                and (self.beyond_low > 0 or self.beyond_high < 0))

    @property
    def beyond_trend_pct(self) -> float | None:
        """The change beyond the trend relative to the projected level."""
        if self.beyond_trend is None or not self.expected_after:
            return None
        return self.beyond_trend / abs(self.expected_after)

    @property
    def interval_excludes_zero(self) -> bool:
        """Whether the 95% interval of the change lies entirely on one side of zero."""
        return (self.ci_low is not None and self.ci_high is not None
                and (self.ci_low > 0 or self.ci_high < 0))


def block_bootstrap_means(values: np.ndarray, n_boot: int, block: int,
                          rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` circular moving-block resamples of ``values``."""
    n = len(values)
    block = max(1, min(block, n))
    blocks = -(-n // block)
    starts = rng.integers(0, n, size=(n_boot, blocks))
    index = (starts[:, :, None] + np.arange(block)) % n
    return values[index.reshape(n_boot, blocks * block)[:, :n]].mean(axis=1)


def compare_before_after(
    start: date,
    values: Sequence[float | None],
    event_date: date,
    *,
    window_days: int = 28,
    min_days: int = 7,
    block_days: int = 7,
    n_boot: int = 2000,
    seed: int = 0,
    metric_key: str = "",
    event_label: str = "",
) -> BeforeAfter | None:
    """Compare the ``window_days`` before ``event_date`` with the ``window_days`` after it.

    ``values`` is the daily series beginning on ``start``. The event day itself belongs to
    neither window. Missing days are dropped; a window truncated by the data still counts if
    it keeps at least ``min_days`` days, otherwise the result is ``None``. The bootstrap uses
    a fixed ``seed`` so that a report always shows the same numbers.
    """
    daily = to_array(values)
    offset = (event_date - start).days
    lo, hi = max(0, offset - window_days), max(0, offset)
    before = daily[lo:hi]
    t_before = np.arange(lo, hi, dtype=float) - offset
    a_lo, a_hi = max(0, offset + 1), max(0, offset + 1 + window_days)
    after = daily[a_lo:a_hi]
    t_after = np.arange(a_lo, a_lo + len(after), dtype=float) - offset
    keep_b, keep_a = np.isfinite(before), np.isfinite(after)
    before, t_before = before[keep_b], t_before[keep_b]
    after, t_after = after[keep_a], t_after[keep_a]
    if len(before) < min_days or len(after) < min_days:
        return None
    mean_b, mean_a = float(before.mean()), float(after.mean())
    change = mean_a - mean_b
    rng = np.random.default_rng(seed)
    boot = (block_bootstrap_means(after, n_boot, block_days, rng)
            - block_bootstrap_means(before, n_boot, block_days, rng))
    low, high = (float(v) for v in np.percentile(boot, [2.5, 97.5]))
    expected, beyond, b_low, b_high = _beyond_trend(t_before, before, t_after, after, n_boot,
                                                    block_days, rng)
    t = p = None
    if np.var(before) > 0 or np.var(after) > 0:
        from scipy import stats  # here: importing the report types must not load SciPy

        with warnings.catch_warnings():
            # near-constant windows make scipy warn about precision; the result still stands
            warnings.simplefilter("ignore", RuntimeWarning)
            result = stats.ttest_ind(after, before, equal_var=False)
        t, p = finite_or_none(result.statistic), finite_or_none(result.pvalue)
    return BeforeAfter(
        metric_key=metric_key, event_date=event_date, event_label=event_label,
        window_days=window_days, n_before=len(before), n_after=len(after),
        mean_before=mean_b, mean_after=mean_a, change=change,
        change_pct=change / abs(mean_b) if mean_b else None,
        ci_low=low, ci_high=high, welch_t=t, welch_p=p, expected_after=expected,
        beyond_trend=beyond, beyond_low=b_low, beyond_high=b_high,
    )


def _line_projection(t: np.ndarray, y: np.ndarray, t_new_mean: float) -> np.ndarray:
    """Least-squares lines through the rows of ``(t, y)`` evaluated at ``t_new_mean`` (the
    mean of a line over some days is the line at those days' mean); a flat line when every
    ``t`` of a row is the same."""
    t_mean, y_mean = t.mean(axis=-1), y.mean(axis=-1)
    dt = t - t_mean[..., None]
    sxx = (dt * dt).sum(axis=-1)
    sxy = (dt * (y - y_mean[..., None])).sum(axis=-1)
    slope = np.divide(sxy, sxx, out=np.zeros_like(sxy), where=sxx > 0)
    return y_mean + slope * (t_new_mean - t_mean)


def _beyond_trend(t_before: np.ndarray, before: np.ndarray, t_after: np.ndarray,
                  after: np.ndarray, n_boot: int, block: int, rng: np.random.Generator
                  ) -> tuple[float | None, float | None, float | None, float | None]:
    """The projected daily mean after the date, the actual mean's distance from it, and the
    95% block-bootstrap interval of that distance (the line refitted on each resample)."""
    target = float(t_after.mean())
    expected = float(_line_projection(t_before, before, target))
    beyond = float(after.mean()) - expected
    n = len(before)
    size = max(1, min(block, n))
    blocks = -(-n // size)
    starts = rng.integers(0, n, size=(n_boot, blocks))
    index = ((starts[:, :, None] + np.arange(size)) % n).reshape(n_boot, blocks * size)[:, :n]
    projected = _line_projection(t_before[index], before[index], target)
    boot = block_bootstrap_means(after, n_boot, block, rng) - projected
    low, high = (float(v) for v in np.percentile(boot, [2.5, 97.5]))
    return (finite_or_none(expected), finite_or_none(beyond), finite_or_none(low),
            finite_or_none(high))

