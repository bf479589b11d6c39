"""Lagged correlation between a theme's weekly series and a community metric's weekly series.

Method (also printed in the report, see ``method_text``):

* both series are weekly; by default each is replaced by its first differences (week-on-week
  change), because levels that both trend over months correlate strongly whatever their
  relation; ``"detrend"`` removes a straight-line trend instead, ``"none"`` keeps levels;
* at lag L the theme in week t is paired with the metric in week t + L (L = 0..max_lag), so a
  positive lag means the metric moves after the theme;
* Pearson r with a 95% confidence interval (Fisher z) and a two-sided p-value, both computed
  with an *effective* sample size n_eff = n (1 - a b) / (1 + a b), where a and b are the lag-1
  autocorrelations of the two series (Bartlett's approximation): autocorrelated weeks carry
  less independent information than their count suggests;
* Spearman's rank correlation as a check that one or two outlying weeks do not drive r
  (its p-value is the nominal one, without the autocorrelation correction);
* picking the strongest of the max_lag + 1 lags is a multiple comparison, so the best lag's
  p-value is also reported Bonferroni-adjusted (multiplied by max_lag + 1, capped at 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from reports.analytics._arrays import to_array


def _difference(values: np.ndarray) -> np.ndarray:
    out = np.full_like(values, np.nan)
    out[1:] = np.diff(values)
    return out


def _detrend(values: np.ndarray) -> np.ndarray:
    t = np.arange(len(values), dtype=float)
    ok = np.isfinite(values)
    if ok.sum() < 3:
        return np.full_like(values, np.nan)
    slope, intercept = np.polyfit(t[ok], values[ok], 1)
    return values - (slope * t + intercept)


#: Series transforms, by name: a registry so that new ones need no ``if`` chain.
TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "diff": _difference,
    "detrend": _detrend,
    "none": lambda values: values.copy(),
}

#: How each transform is described in the report.
TRANSFORM_LABELS = {
    "diff": "逐周变化量（一阶差分）",
    "detrend": "去除线性趋势后的残差",
    "none": "原始周度水平值",
}


def get_transform(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The series transform called ``name``."""
    try:
        return TRANSFORMS[name]
    except KeyError:
        raise ValueError(f"unknown transform {name!r}; expected one of {sorted(TRANSFORMS)}") \
            from None


@dataclass
class LaggedCorrelation:
    """Correlation at one lag (metric week = theme week + ``lag``)."""

    lag: int
    n: int
    n_effective: float
    pearson_r: float | None
    pearson_p: float | None
    ci_low: float | None
    ci_high: float | None
    spearman_rho: float | None
    spearman_p: float | None


@dataclass
class CorrelationScan:
    """Correlations of one theme series with one metric at lags ``0..max_lag``."""

    theme_series: str
    metric_key: str
    transform: str
    max_lag: int
    by_lag: list[LaggedCorrelation] = field(default_factory=list)
    best_lag: int | None = None
    best_p_adjusted: float | None = None
    caveats: list[str] = field(default_factory=list)

    @property
    def best(self) -> LaggedCorrelation | None:
        """The lag with the largest absolute Pearson r (among lags with enough points)."""
        if self.best_lag is None:
            return None
        return next(c for c in self.by_lag if c.lag == self.best_lag)


#: A correlation is shown only when its adjusted p-value is below this: over 26 weekly points
#: most correlations are noise, and a table of p ≈ 1 rows only invites misreading.
SHOWN_BELOW_P = 0.1


def is_shown(scan: CorrelationScan) -> bool:
    """Whether the scan's best lag is clear enough to print (adjusted p < ``SHOWN_BELOW_P``)."""
    return (scan.best is not None and scan.best.pearson_r is not None
            and scan.best_p_adjusted is not None and scan.best_p_adjusted < SHOWN_BELOW_P)


def pearson_r(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r of two equally long finite arrays; ``None`` if either is constant."""
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    if sxx <= 1e-300 or syy <= 1e-300:
        return None
    return float(np.clip((dx @ dy) / np.sqrt(sxx * syy), -1.0, 1.0))


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks with ties given their average rank (``scipy.stats.rankdata``'s default),
    computed directly: a report scans hundreds of short series, where scipy's per-call
    overhead was most of the time."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.r_[starts, len(values)])
    ranks = np.empty(len(values), dtype=float)
    ranks[order] = (starts + (sizes + 1) / 2.0)[np.cumsum(first) - 1]
    return ranks


def t_two_sided_p(t: float, dof: float) -> float:
    """Two-sided p-value of Student's t with ``dof`` degrees of freedom (the same value as
    ``2 * scipy.stats.t.sf(|t|, dof)``, through the ufunc without its argument checks)."""
    from scipy import special  # here: importing the report types must not load SciPy

    return float(2 * special.stdtr(dof, -abs(t)))


def spearman(x: np.ndarray, y: np.ndarray) -> tuple[float | None, float | None]:
    """Spearman's rho (Pearson r of average ranks) and its nominal two-sided p-value
    (t approximation with n - 2 degrees of freedom, as in most statistics packages)."""
    rho = pearson_r(average_ranks(x), average_ranks(y))
    n = len(x)
    if rho is None or n < 3:
        return rho, None
    if abs(rho) >= 1.0 - 1e-12:
        return rho, 0.0
    return rho, t_two_sided_p(abs(rho) * np.sqrt((n - 2) / (1 - rho * rho)), n - 2)


def lag1_autocorrelation(values: np.ndarray) -> float:
    """Lag-1 autocorrelation over consecutive finite pairs; 0 when it cannot be estimated."""
    a, b = values[:-1], values[1:]
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 4:
        return 0.0
    r = pearson_r(a[ok], b[ok])
    return 0.0 if r is None else r


def effective_n(n: int, autocorr_a: float, autocorr_b: float) -> float:
    """Bartlett's effective sample size for correlating two autocorrelated series."""
    product = autocorr_a * autocorr_b
    if product <= 0:
        return float(n)
    return float(min(n, max(3.0, n * (1 - product) / (1 + product))))


def pearson_with_uncertainty(
    x: np.ndarray, y: np.ndarray, n_eff: float
) -> tuple[float | None, float | None, float | None, float | None]:
    """Pearson r, its two-sided p-value and 95% Fisher-z interval using ``n_eff`` points."""
    r = pearson_r(x, y) if len(x) >= 3 else None
    if r is None:
        return None, None, None, None
    if abs(r) >= 1.0 - 1e-12:
        return r, 0.0, r, r
    dof = n_eff - 2
    p = t_two_sided_p(abs(r) * np.sqrt(dof / (1 - r * r)), dof) if dof > 0 else None
    if n_eff > 3:
        z, half = np.arctanh(r), 1.959963984540054 / np.sqrt(n_eff - 3)
        low, high = float(np.tanh(z - half)), float(np.tanh(z + half))
    else:
        low, high = -1.0, 1.0
    return r, p, low, high


def correlation_at_lag(x: np.ndarray, y: np.ndarray, lag: int) -> LaggedCorrelation:
    """Correlate already-transformed series ``x[t]`` with ``y[t + lag]``."""
    a = x[: len(x) - lag] if lag else x
    b = y[lag:]
    ok = np.isfinite(a) & np.isfinite(b)
    n = int(ok.sum())
    n_eff = effective_n(n, lag1_autocorrelation(a), lag1_autocorrelation(b)) if n else 0.0
    r, p, low, high = pearson_with_uncertainty(a[ok], b[ok], n_eff)
    rho = rho_p = None
    if r is not None:
        rho, rho_p = spearman(a[ok], b[ok])
    return LaggedCorrelation(lag=lag, n=n, n_effective=round(n_eff, 2), pearson_r=r,
                             pearson_p=p, ci_low=low, ci_high=high,
                             spearman_rho=rho, spearman_p=rho_p)


def lagged_correlation(
    theme: Sequence[float | None] | np.ndarray,
    metric: Sequence[float | None] | np.ndarray,
    *,
    max_lag: int = 4,
    transform: str = "diff",
    min_points: int = 6,
    theme_series: str = "volume",
    metric_key: str = "",
) -> CorrelationScan:
    """Scan lags ``0..max_lag`` between two aligned weekly series (same weeks, NaN for gaps).

    Returns every lag's Pearson r (p-value and 95% CI on the effective n) and Spearman rho,
    the best lag (largest |r| among lags with at least ``min_points`` pairs), its
    Bonferroni-adjusted p-value, and the caveats that apply, in Chinese, for the report.
    """
    x, y = to_array(theme), to_array(metric)
    if len(x) != len(y):
        raise ValueError(f"series must be aligned: {len(x)} theme weeks vs {len(y)} metric weeks")
    if max_lag < 0:
        raise ValueError("max_lag must be >= 0")
    step = get_transform(transform)
    tx, ty = step(x), step(y)
    scan = CorrelationScan(theme_series=theme_series, metric_key=metric_key,
                           transform=transform, max_lag=max_lag)
    scan.by_lag = [correlation_at_lag(tx, ty, lag) for lag in range(max_lag + 1)
                   if lag < len(tx)]
    usable = [c for c in scan.by_lag if c.n >= min_points and c.pearson_r is not None]
    if usable:
        best = max(usable, key=lambda c: (abs(c.pearson_r), -c.lag))
        scan.best_lag = best.lag
        if best.pearson_p is not None:
            scan.best_p_adjusted = min(1.0, best.pearson_p * (max_lag + 1))
    scan.caveats = caveats_for(scan, min_points)
    return scan


def caveats_for(scan: CorrelationScan, min_points: int) -> list[str]:
    """The caveats that apply to a scan, as Chinese sentences for the report."""
    notes = []
    best = scan.best
    if best is None:
        notes.append(f"重叠的周数据点不足 {min_points} 个，未计算相关。")
        return notes
    if best.n < 12:
        notes.append(f"仅有 {best.n} 个周数据点，相关系数的不确定性很大。")
    if best.n_effective < 0.8 * best.n:
        notes.append(
            f"周序列存在自相关，p 值与置信区间按有效样本量（约 {best.n_effective:.0f}）计算。"
        )
    if scan.max_lag:
        notes.append(
            f"在 0–{scan.max_lag} 周的 {scan.max_lag + 1} 个滞后中选取相关最强者，"
            f"p 值已按 Bonferroni 方法校正。"
        )
    return notes


def strength_label(r: float) -> str:
    """Chinese label for the strength of a correlation coefficient."""
    size = abs(r)
    if size < 0.2:
        return "很弱"
    if size < 0.4:
        return "弱"
    if size < 0.6:
        return "中等程度"
    if size < 0.8:
        return "较强"
    return "很强"


def direction_label(r: float) -> str:
    """``正相关`` or ``负相关``."""
    return "正相关" if r >= 0 else "负相关"


def method_text(transform: str, max_lag: int) -> list[str]:
    """The correlation method and its general caveats, as paragraphs for the report."""
    return [
        f"将每个主题的周反馈量（及负面占比）与各项社群指标的周度值对齐，"
        f"两者都取{TRANSFORM_LABELS[transform]}后计算相关，以免长期趋势制造虚假的相关。",
        f"滞后 L 周表示将第 t 周的主题数据与第 t + L 周的指标配对（L = 0–{max_lag}）。"
        f"报告 Pearson 相关系数 r、其 95% 置信区间（Fisher z 变换）与双侧 p 值，"
        f"并以 Spearman 秩相关作为稳健性检查。",
        "周数据往往前后相关，独立信息少于周数；p 值与置信区间按 Bartlett 有效样本量计算。"
        "从多个滞后中选取最强相关属于多重比较，最佳滞后的 p 值已做 Bonferroni 校正。",
        "数据点少时估计不稳定；季节、节假日、运营活动等共同因素可能同时作用于主题和指标。"
        "相关只说明两者同步变化，并不说明其中一方是另一方的原因。",
        f"报告只列出校正后 p < {SHOWN_BELOW_P:g} 的相关，其余视为与噪声无法区分，不予列出。",
    ]
