"""Before/after comparison of a daily metric around a date (a theme acted on, a suggestion
completed): window means, absolute and relative change, Welch's t-test and a block-bootstrap
95% interval for the change."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import stats

from reports.analytics._arrays import finite_or_none, to_array

#: The comparison as printed in the report.
METHOD_TEXT = (
    "前后对比：以事件日期为界，比较其前 {window} 天与其后 {window} 天（不含当天）的日均值；"
    "变化的 95% 区间由按周分块（7 天一块）的自助法（bootstrap）重抽样 {n_boot} 次得到，"
    "分块保留了周内规律和前后相关；同时给出 Welch t 检验的 p 值（未考虑自相关，偏乐观）。"
    "前后差异也可能来自同期的其他变化，只能说明两段时间的水平不同。"
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
    after = daily[max(0, offset + 1): max(0, offset + 1 + window_days)]
    before, after = before[np.isfinite(before)], after[np.isfinite(after)]
    if len(before) < min_days or len(after) < min_days:
        return None
    mean_b, mean_a = float(before.mean()), float(after.mean())
    change = mean_a - mean_b
    rng = np.random.default_rng(seed)
    boot = (block_bootstrap_means(after, n_boot, block_days, rng)
            - block_bootstrap_means(before, n_boot, block_days, rng))
    low, high = (float(v) for v in np.percentile(boot, [2.5, 97.5]))
    t = p = None
    if np.var(before) > 0 or np.var(after) > 0:
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
        ci_low=low, ci_high=high, welch_t=t, welch_p=p,
    )

