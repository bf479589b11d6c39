"""Report data from the community's daily metrics (imported, pushed or from the demo)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.metrics import values as metric_service
from app.services.reports.data import DataProvider, DataRequest, register_provider
from reports.context import DailySeries


@register_provider
class MetricsProvider(DataProvider):
    """Daily series of every metric with data, from the history start to the period end."""

    key = "metrics"
    label = _l("社群指标")
    sections = ("metrics",)
    provides = ("metrics", "metric_definitions")

    def collect(self, request: DataRequest) -> dict[str, Any]:
        community_id = request.community.id
        series = metric_service.daily_series(community_id, request.history_start,
                                             request.last_day)
        # A metric with nothing in the report or comparison period adds only noise.
        span_start = request.previous_period.start
        series = [s for s in series
                  if any(v is not None for v in s.window_values(span_start, request.last_day))]
        if not series:
            return {}
        # Start at the first day with data, so that charts do not open on an empty stretch.
        first = min(s.dates()[next(i for i, v in enumerate(s.values) if v is not None)]
                    for s in series)
        series = [DailySeries(s.key, first, s.window_values(first, s.end)) for s in series]
        keys = {s.key for s in series}
        definitions = [d for d in metric_service.report_definitions(community_id)
                       if d.key in keys]
        return {"metrics": series, "metric_definitions": definitions}
