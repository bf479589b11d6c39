"""Pure numerical analysis behind the reports: derived metrics, weekly series, correlation,
before/after comparisons and the recommendation priority score (numpy and scipy only)."""

from reports.analytics.before_after import BeforeAfter, compare_before_after
from reports.analytics.correlation import (
    CorrelationScan,
    LaggedCorrelation,
    lagged_correlation,
    strength_label,
)
from reports.analytics.derived import (
    click_through,
    derive_mau,
    growth_rate,
    interactions_per_active,
    percent_change,
    stickiness,
)
from reports.analytics.priority import PriorityFactors, PriorityInput, priority_factors, rank_themes
from reports.analytics.weekly import WeeklySeries, weekly_aggregate

__all__ = [
    "BeforeAfter",
    "CorrelationScan",
    "LaggedCorrelation",
    "PriorityFactors",
    "PriorityInput",
    "WeeklySeries",
    "click_through",
    "compare_before_after",
    "derive_mau",
    "growth_rate",
    "interactions_per_active",
    "lagged_correlation",
    "percent_change",
    "priority_factors",
    "rank_themes",
    "stickiness",
    "strength_label",
    "weekly_aggregate",
]
