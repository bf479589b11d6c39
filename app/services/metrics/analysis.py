"""What the metrics pages show: period summaries with the derived measures and SVG charts
(``reports.charts``, the same module as the PDF), and the link between feedback themes and
metrics (lagged correlations and before/after comparisons, from ``reports.assemble``).

The numbers come from the report engine itself, so the pages and the PDF always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models import Community
from app.services.metrics import values as metric_service
from app.services.reports import analysis as report_analysis
from app.services.reports.data import PROVIDERS, DataRequest, collect_inputs, get_provider
from reports import charts
from reports.analytics.weekly import weekly_aggregate
from reports.assemble import AnalysisOptions, build_context
from reports.charts import Marker, Series
from reports.context import MetricsSection, MetricSummary, Period, ThemeSummary

RANGES = {
    "30": _l("近 30 天"),
    "90": _l("近 90 天"),
    "180": _l("近 180 天"),
    "365": _l("近一年"),
    "custom": _l("自定义"),
}
MAX_SPAN_DAYS = 730
#: Analysis options for the pages: every metric's correlation is shown, not only the top 3.
PAGE_OPTIONS = AnalysisOptions(correlations_per_theme=100)


def resolve_range(community: Community, choice: str, start: date | None, end: date | None
                  ) -> tuple[str, Period]:
    """The period a range choice stands for, ending at the latest day with data."""
    coverage = metric_service.coverage(community.id)
    today = metric_service.local_today(community)
    last = min(coverage.last_day, today) if coverage.last_day else today
    if choice == "custom" and start and end:
        if end < start:
            start, end = end, start
        end = min(end, today)
        start = max(start, end - timedelta(days=MAX_SPAN_DAYS - 1))
        return "custom", Period(start, end)
    if choice not in RANGES or choice == "custom":
        choice = "90"
    return choice, Period(last - timedelta(days=int(choice) - 1), last)


@dataclass
class Chart:
    """One chart on a page."""

    key: str
    title: str
    svg: Markup


@dataclass
class MetricsOverview:
    """The metrics page: summaries for the period against the previous one, and charts."""

    period: Period
    previous: Period
    section: MetricsSection | None
    summaries: list[MetricSummary] = field(default_factory=list)
    derived: list[MetricSummary] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        """Whether any metric has values in the period or the one before."""
        return self.section is not None and bool(self.section.series)


def _label(key: str, catalog: dict[str, metric_service.MetricInfo]) -> str:
    if key in catalog:
        return catalog[key].label
    return str(metric_service.STANDARD_LABELS.get(key, key))


#: Chart groups on the metrics page: (key, title, metric keys, value format).
CHART_GROUPS = (
    ("members", _l("每日新增与流失成员"), ("new_members", "churned"), "int"),
    ("total", _l("成员总数"), ("total_members",), "int"),
    ("active", _l("活跃成员（DAU 与 MAU）"), ("dau", "mau"), "int"),
    ("interactions", _l("每日互动次数"), ("interactions",), "int"),
    ("content", _l("内容浏览与点击"), ("content_views", "clicks"), "int"),
    ("events", _l("活动参与"), ("event_participants",), "int"),
    ("ratios", _l("黏性（DAU/MAU）与点击率"), ("stickiness", "click_through"), "percent"),
    ("per_active", _l("人均互动（次/人·日）"), ("interactions_per_active",), "float"),
)
DERIVED_LABELS = {
    "growth_rate": _l("成员增长率"),
    "net_growth": _l("净增成员"),
    "stickiness": _l("黏性（DAU/MAU）"),
    "interactions_per_active": _l("人均互动"),
    "click_through": _l("点击率"),
}


def _metric_inputs(community: Community, period: Period, previous: Period):
    request = DataRequest(community=community, period=period, previous_period=previous,
                          options=PAGE_OPTIONS)
    return get_provider("metrics").collect(request)


def overview(community: Community, period: Period) -> MetricsOverview:
    """Summaries, derived measures and charts of the community's metrics for ``period``."""
    previous = period.previous()
    inputs = _metric_inputs(community, period, previous)
    result = MetricsOverview(period=period, previous=previous, section=None)
    if not inputs:
        return result
    ctx = build_context(community_name=community.name, period=period, previous_period=previous,
                        options=PAGE_OPTIONS, **inputs)
    section = ctx.metrics
    result.section = section
    catalog = metric_service.catalog_by_key(community.id)
    for summary in section.summaries:
        if summary.derived and summary.key != "mau":
            summary.label = str(DERIVED_LABELS.get(summary.key, summary.label))
            result.derived.append(summary)
        else:
            if summary.key == "mau" and summary.derived:
                summary.label = _("月活跃成员（估算）")
            else:
                summary.label = _label(summary.key, catalog)
            result.summaries.append(summary)
    result.notes = list(section.notes)
    result.charts = _charts(section, period, previous, catalog)
    return result


def _charts(section: MetricsSection, period: Period, previous: Period,
            catalog: dict[str, metric_service.MetricInfo]) -> list[Chart]:
    start, end = previous.start, period.end
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    span = (period.start, period.end)
    out: list[Chart] = []
    used: set[str] = set()

    def series(key: str) -> Series | None:
        s = section.series_for(key)
        if s is None:
            return None
        values = s.window_values(start, end)
        if all(v is None for v in values):
            return None
        label = _("月活跃成员（估算）") if key == "mau" and key not in {
            x.key for x in section.series} else _label(key, catalog)
        if key in DERIVED_LABELS:
            label = str(DERIVED_LABELS[key])
        return Series(label, values)

    for key, title, keys, fmt in CHART_GROUPS:
        lines = [s for s in (series(k) for k in keys) if s is not None]
        used.update(keys)
        if lines:
            out.append(Chart(key, str(title), charts.line_chart(
                days, lines, title=str(title), width=640, height=220, value_format=fmt,
                highlight=span, include_zero=fmt != "int" or key not in {"total", "active"})))
    for s in section.series:
        if s.key in used or s.key not in catalog:
            continue
        line = series(s.key)
        if line is not None:
            info = catalog[s.key]
            title = f"{info.label}（{info.unit}）" if info.unit else info.label
            out.append(Chart(s.key, title, charts.line_chart(
                days, [line], title=title, width=640, height=200, highlight=span)))
    return out


# --- feedback themes and metrics ---------------------------------------------------------------


@dataclass
class ThemeLink:
    """One theme with its weekly series and its correlations with every metric."""

    theme: ThemeSummary
    volume_chart: Markup
    share_chart: Markup


@dataclass
class LinksView:
    """The 关联分析 page: themes next to metrics, and before/after comparisons."""

    period: Period
    themes: list[ThemeLink] = field(default_factory=list)
    metric_weekly: dict[str, Markup] = field(default_factory=dict)
    section: MetricsSection | None = None
    before_after: list = field(default_factory=list)
    method: list[str] = field(default_factory=list)
    before_after_method: str = ""
    has_metrics: bool = False
    has_themes: bool = False
    theme_sources: list[str] = field(default_factory=list)


def theme_sources_available() -> bool:
    """Whether any data provider feeds the themes section."""
    return any("themes" in cls.sections for cls in PROVIDERS.values())


#: What the 关联分析 page analyses (the other providers' data is not read for it).
LINKS_ARGUMENTS = frozenset({"metrics", "metric_definitions", "themes", "suggestions", "events"})


def links(community: Community, period: Period) -> LinksView:
    """Correlations of each theme's weekly volume and negative share with each metric, and
    before/after comparisons around themes acted on and suggestions completed."""
    previous = period.previous()
    request = DataRequest(community=community, period=period, previous_period=previous,
                          options=PAGE_OPTIONS, detail=False)
    kwargs = collect_inputs(request, LINKS_ARGUMENTS).kwargs
    view = LinksView(period=period)
    view.has_metrics = bool(kwargs.get("metrics"))
    view.has_themes = bool(kwargs.get("themes"))
    if not view.has_metrics and not view.has_themes:
        return view
    ctx = report_analysis.analyse(community_name=community.name, period=period,
                                  previous_period=previous, options=PAGE_OPTIONS, **kwargs)
    view.method = ctx.methods.correlation if ctx.methods else []
    view.before_after_method = ctx.methods.before_after if ctx.methods else ""
    view.section = ctx.metrics
    if ctx.metrics is not None:
        view.before_after = list(ctx.metrics.before_after)
        catalog = metric_service.catalog_by_key(community.id)
        last = period.end
        for s in ctx.metrics.series:
            definition = ctx.metrics.definition(s.key)
            weekly = weekly_aggregate(s.start, s.window_values(s.start, last),
                                      definition.aggregation if definition else "mean")
            weeks = weekly.week_starts()[-PAGE_OPTIONS.correlation_weeks:]
            values = weekly.values[-PAGE_OPTIONS.correlation_weeks:]
            if any(v is not None for v in values):
                label = _label(s.key, catalog)
                view.metric_weekly[s.key] = charts.line_chart(
                    weeks, [Series(label, values)], title=_("%(m)s（按周）", m=label),
                    width=320, height=150, include_zero=False, show_points=False)
    if ctx.suggestions is not None:
        for completed in ctx.suggestions.completed:
            view.before_after += completed.before_after
    if ctx.themes is not None:
        for theme in ctx.themes.themes:
            view.themes.append(_theme_link(theme))
    return view


def _theme_link(theme: ThemeSummary) -> ThemeLink:
    markers = [Marker(theme.acted_on, _("改进上线"))] if theme.acted_on else []
    volume = share = Markup("")
    if theme.weekly_volume is not None:
        volume = charts.line_chart(
            theme.weekly_volume.week_starts(), [Series(_("周反馈量"), theme.weekly_volume.values)],
            title=_("「%(t)s」每周反馈量", t=theme.name), width=320, height=150,
            markers=markers, show_points=False)
    if theme.weekly_negative_share is not None:
        share = charts.line_chart(
            theme.weekly_negative_share.week_starts(),
            [Series(_("负面占比"), theme.weekly_negative_share.values)],
            title=_("「%(t)s」每周负面占比", t=theme.name), width=320, height=150,
            value_format="percent", markers=markers, show_points=False)
    return ThemeLink(theme=theme, volume_chart=volume, share_chart=share)
