"""Priority score for improvement recommendations, and the ranking of themes by it.

    priority = 100 × V × N × G, every factor in [0, 1]:

    V (volume)      = the theme's feedback count this period ÷ the largest count among the
                      ranked themes;
    N (negativity)  = the share of the theme's feedback that is negative this period;
    G (growth)      = (1 + g) ÷ 2, where g is the change of the count against the previous
                      period, clipped to −100%…+100% (a theme that is new this period counts
                      as +100%); so a stable theme gets 0.5.

A correlation with a metric is not a factor: over 26 weekly points it is rarely clear, and a
factor that is the same for nearly every theme only halves every score. A clear adverse
correlation (``association_*``) is kept beside the score as evidence to read.

Ties are broken by volume, then by name, so the order is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reports.analytics.correlation import LaggedCorrelation

#: The formula as printed in the report.
FORMULA_TEXT = "优先级 = 100 × V × N × G"
FACTOR_TEXTS = [
    "V（反馈量）= 本期该主题反馈量 ÷ 各主题中的最大反馈量；",
    "N（负面度）= 本期该主题反馈中负面的占比；",
    "G（增长）= (1 + g) ÷ 2，g 为反馈量较上期的变化率，截断在 −100% 至 +100% 之间"
    "（本期新出现的主题记为 +100%），反馈量持平时 G = 0.5。",
    "主题与指标的相关不计入优先级；校正后 p < 0.1 且与本期走弱的指标方向不利的相关"
    "作为参考列在主题说明中。",
]


@dataclass
class PriorityInput:
    """What the score needs to know about one theme."""

    key: str
    name: str
    volume: int
    previous_volume: int
    negative_share: float
    association_metric: str = ""
    association_r: float | None = None
    association_lag: int | None = None


@dataclass
class PriorityFactors:
    """One theme's normalised factors, score and rank."""

    key: str
    name: str
    rank: int
    score: float
    volume_factor: float
    negativity_factor: float
    growth_factor: float
    volume: int
    previous_volume: int
    growth: float | None
    negative_share: float
    association_metric: str = ""
    association_r: float | None = None
    association_lag: int | None = None


def growth_of(volume: int, previous_volume: int) -> float | None:
    """Relative change of a count; +1.0 for a theme that is new; ``None`` if both are zero."""
    if previous_volume > 0:
        return (volume - previous_volume) / previous_volume
    return 1.0 if volume > 0 else None


def adverse_lower_bound(correlation: LaggedCorrelation, higher_is_better: bool) -> float:
    """Lower 95% bound of the correlation in the unfavourable direction, floored at 0.

    For a metric where higher is better, a theme that rises while the metric falls
    (r < 0) is unfavourable, so the bound is ``-ci_high``; for one where lower is better
    (churned members) it is ``ci_low``.
    """
    if correlation.ci_low is None or correlation.ci_high is None:
        return 0.0
    bound = -correlation.ci_high if higher_is_better else correlation.ci_low
    return max(0.0, min(1.0, bound))


def priority_factors(item: PriorityInput, max_volume: int) -> PriorityFactors:
    """Normalise one theme's inputs into the four factors and the score (rank left at 0)."""
    if not 0.0 <= item.negative_share <= 1.0:
        raise ValueError(f"negative_share of {item.name!r} must be within 0..1")
    g = growth_of(item.volume, item.previous_volume)
    v = item.volume / max_volume if max_volume > 0 else 0.0
    n = item.negative_share
    growth_factor = (1.0 + max(-1.0, min(1.0, g))) / 2.0 if g is not None else 0.0
    return PriorityFactors(
        key=item.key, name=item.name, rank=0, score=100.0 * v * n * growth_factor,
        volume_factor=v, negativity_factor=n, growth_factor=growth_factor,
        volume=item.volume, previous_volume=item.previous_volume,
        growth=g, negative_share=n, association_metric=item.association_metric,
        association_r=item.association_r, association_lag=item.association_lag,
    )


def rank_themes(items: Sequence[PriorityInput]) -> list[PriorityFactors]:
    """Score every theme and return them best first, with ``rank`` set from 1."""
    max_volume = max((i.volume for i in items), default=0)
    scored = [priority_factors(i, max_volume) for i in items]
    scored.sort(key=lambda f: (-round(f.score, 9), -f.volume, f.name))
    for position, factors in enumerate(scored, start=1):
        factors.rank = position
    return scored
