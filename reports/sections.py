"""The report's sections: a registry of classes, each with a key, a Chinese title, a template,
``is_available(context)`` and the charts it draws. The caller switches sections on or off."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import ClassVar

from markupsafe import Markup

from reports import charts
from reports.analytics.weekly import weekly_aggregate
from reports.charts import Marker, Series, palette
from reports.context import MetricsSection, ReportContext

#: Width of a full-width chart's coordinate system; the CSS scales it to the text column.
FULL = 600
HALF = 300
THIRD = 200


class Section:
    """Base class of a report section; subclasses set the class attributes."""

    key: ClassVar[str]
    title: ClassVar[str]
    template: ClassVar[str]
    order: ClassVar[int]
    description: ClassVar[str] = ""

    def is_available(self, ctx: ReportContext) -> bool:
        """Whether ``ctx`` has the data this section needs."""
        raise NotImplementedError

    def charts(self, ctx: ReportContext) -> dict[str, object]:
        """The SVG charts of this section, by name (called only when available)."""
        return {}

    @property
    def anchor(self) -> str:
        """The HTML id of the section, used by the table of contents."""
        return f"sec-{self.key}"


SECTIONS: dict[str, type[Section]] = {}


def register_section(cls: type[Section]) -> type[Section]:
    """Class decorator adding a section to the registry."""
    if cls.key in SECTIONS:
        raise ValueError(f"section {cls.key!r} is already registered")
    SECTIONS[cls.key] = cls
    return cls


def get_section(key: str) -> Section:
    """An instance of the section called ``key``."""
    try:
        return SECTIONS[key]()
    except KeyError:
        raise KeyError(f"unknown report section {key!r}; known: {', '.join(section_keys())}") \
            from None


def section_keys() -> list[str]:
    """All section keys in report order."""
    return [cls.key for cls in sorted(SECTIONS.values(), key=lambda c: c.order)]


def available_sections(ctx: ReportContext) -> list[Section]:
    """Sections that have data in ``ctx``, in report order (for a builder's checkboxes)."""
    return [s for s in (get_section(k) for k in section_keys()) if s.is_available(ctx)]


def select_sections(ctx: ReportContext, keys: Sequence[str] | None = None) -> list[Section]:
    """The sections to render: ``keys`` (all when ``None``) that are available, in report
    order. Unknown keys raise ``KeyError``; requested sections without data are left out."""
    wanted = section_keys() if keys is None else list(keys)
    for key in wanted:
        get_section(key)  # raises on unknown keys
    return [s for s in available_sections(ctx) if s.key in wanted]


# --- helpers -----------------------------------------------------------------------------


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _markers(metrics: MetricsSection, start: date, end: date) -> list[Marker]:
    return [Marker(e.day, e.label) for e in metrics.events if start <= e.day <= end]


def metric_sparkline(metrics: MetricsSection, key: str, end: date, weeks: int = 12) -> Markup:
    """A sparkline of the last ``weeks`` complete weeks of metric ``key`` up to ``end``."""
    series = metrics.series_for(key)
    definition = metrics.definition(key)
    if series is None:
        return Markup("")
    how = definition.aggregation if definition else "mean"
    weekly = weekly_aggregate(series.start, series.window_values(series.start, end), how)
    values = [v for v in weekly.values if v is not None][-weeks:]
    return charts.sparkline(values, title=f"{metrics.label(key)}近 {weeks} 周趋势")


# --- the sections ------------------------------------------------------------------------


@register_section
class SummarySection(Section):
    """Executive summary: findings and headline tiles."""

    key, title, template, order = "summary", "执行摘要", "sections/summary.html.j2", 10
    description = "3–5 条带数字的关键发现与核心指标"

    def is_available(self, ctx):
        s = ctx.summary
        return s is not None and bool(s.findings or s.highlights or s.actions)

    def charts(self, ctx):
        if ctx.metrics is None or ctx.summary is None:
            return {}
        return {f"spark_{h.key}": metric_sparkline(ctx.metrics, h.key, ctx.period.end)
                for h in ctx.summary.highlights}


@register_section
class MetricsReportSection(Section):
    """Community metrics with charts, derived measures and before/after checks."""

    key, title, template, order = "metrics", "社群指标", "sections/metrics.html.j2", 20
    description = "成员增长、活跃、互动与内容点击及衍生指标"

    def is_available(self, ctx):
        return ctx.metrics is not None and bool(ctx.metrics.series)

    def charts(self, ctx):
        m = ctx.metrics
        start, end = ctx.previous_period.start, ctx.period.end
        days = _days(start, end)
        span = (ctx.period.start, ctx.period.end)
        marks = _markers(m, start, end)
        out: dict[str, object] = {}

        def daily(key: str) -> Series | None:
            s = m.series_for(key)
            return Series(m.label(key), s.window_values(start, end)) if s else None

        growth = [s for s in (daily("new_members"), daily("churned")) if s]
        if growth:
            out["members"] = charts.line_chart(days, growth, title="每日新增与流失成员",
                                               width=FULL, height=220, highlight=span,
                                               markers=marks)
        active = [s for s in (daily("dau"),) if s]
        if active:
            out["active"] = charts.line_chart(days, active, title="日活跃成员", width=FULL,
                                              height=220, highlight=span, markers=marks,
                                              include_zero=False)
        engagement = [s for s in (daily("interactions"), daily("content_views")) if s]
        if engagement:
            out["engagement"] = charts.line_chart(days, engagement, title="每日互动与内容浏览",
                                                  width=FULL, height=220, highlight=span)
        ratios = [s for s in (daily("stickiness"), daily("click_through")) if s]
        if ratios:
            out["ratios"] = charts.line_chart(days, ratios, title="黏性与点击率", width=FULL,
                                              height=200, highlight=span,
                                              value_format="percent")
        dau = m.series_for("dau") or (m.series[0] if m.series else None)
        if dau is not None:
            key = dau.key
            definition = m.definition(key)
            weekly = weekly_aggregate(dau.start, dau.window_values(dau.start, end),
                                      definition.aggregation if definition else "mean")
            weeks = weekly.week_starts()[-104:]
            values = weekly.values[-104:]
            if len(weeks) >= 8:
                out["long_term"] = charts.line_chart(
                    weeks, [Series(f"{m.label(key)}（周）", values)],
                    title=f"{m.label(key)}长期趋势（按周）", width=FULL, height=200,
                    include_zero=False, markers=_markers(m, weeks[0], end), show_points=False)
        for summary in m.summaries:
            if not summary.derived:
                out[f"spark_{summary.key}"] = metric_sparkline(m, summary.key, end)
        return out


@register_section
class SurveysReportSection(Section):
    """Survey results: NPS, CSAT, trends and one summary per survey."""

    key, title, template, order = "surveys", "问卷结果", "sections/surveys.html.j2", 30
    description = "NPS 与 CSAT 及其趋势、各问卷摘要"

    def is_available(self, ctx):
        s = ctx.surveys
        return s is not None and (s.nps is not None or s.csat is not None or bool(s.surveys))

    def charts(self, ctx):
        s, out = ctx.surveys, {}
        if s.nps is not None:
            out["nps"] = charts.nps_chart(s.nps.promoters, s.nps.passives, s.nps.detractors,
                                          title="NPS 构成与 0–10 分布",
                                          distribution=s.nps.distribution, width=FULL,
                                          score=s.nps.score)
            if s.nps.trend:
                out["nps_trend"] = charts.bar_chart(
                    [p.label for p in s.nps.trend], [Series("NPS", [p.value for p in s.nps.trend])],
                    title="NPS 趋势", width=THIRD, height=135, value_format="score")
        if s.csat is not None:
            if len(s.csat.distribution) == 5:
                out["csat_dist"] = charts.bar_chart(
                    ["1 分", "2 分", "3 分", "4 分", "5 分"],
                    [Series("回答数", s.csat.distribution)], title="CSAT 评分分布", width=THIRD,
                    height=135)
            if s.csat.trend:
                out["csat_trend"] = charts.bar_chart(
                    [p.label for p in s.csat.trend],
                    [Series("CSAT 满意率", [None if p.value is None else p.value / 100
                                          for p in s.csat.trend])],
                    title="CSAT 满意率趋势", width=THIRD, height=135, value_format="percent",
                    colors=["#2f8f6b"])
        return out


@register_section
class ThemesReportSection(Section):
    """Top themes with volume, sentiment, trend, quotes and word clouds."""

    key, title, template, order = "themes", "热点主题", "sections/themes.html.j2", 40
    description = "反馈量、情感构成、趋势、代表性原话与词云"

    def is_available(self, ctx):
        return ctx.themes is not None and bool(ctx.themes.themes)

    def charts(self, ctx):
        themes = ctx.themes.themes
        names = [t.name for t in themes]
        out: dict[str, object] = {
            "volume": charts.bar_chart(
                names, [Series("本期", [t.volume for t in themes]),
                        Series("上期", [t.previous_volume for t in themes])],
                title="各主题反馈量：本期与上期", width=FULL, horizontal=True),
            "sentiment": charts.stacked_percent_chart(
                names, [Series("负面", [t.sentiment.negative for t in themes]),
                        Series("中性", [t.sentiment.neutral for t in themes]),
                        Series("正面", [t.sentiment.positive for t in themes])],
                title="各主题情感构成", width=FULL,
                colors=[palette.SENTIMENT["negative"], palette.SENTIMENT["neutral"],
                        palette.SENTIMENT["positive"]]),
        }
        for t in themes:
            if t.weekly_volume is None or not t.weekly_volume.values:
                continue
            weeks = t.weekly_volume.week_starts()
            series = [Series("周反馈量", t.weekly_volume.values)]
            out[f"trend_{t.key}"] = charts.line_chart(
                weeks, series, title=f"「{t.name}」每周反馈量", width=HALF, height=125,
                markers=[Marker(t.acted_on, "改进上线")] if t.acted_on else (),
                show_points=False)
        return out


@register_section
class SuggestionsReportSection(Section):
    """The suggestion box pipeline."""

    key, title, template, order = "suggestions", "意见箱处理", "sections/suggestions.html.j2", 50
    description = "收到、回复、解决数量与首次回复时长"

    def is_available(self, ctx):
        return ctx.suggestions is not None

    def charts(self, ctx):
        p, out = ctx.suggestions, {}
        if p.by_status:
            out["status"] = charts.bar_chart(
                list(p.by_status), [Series("建议数", list(p.by_status.values()))],
                title="建议处理状态", width=HALF, horizontal=True)
        if p.first_reply_hours:
            out["reply_hours"] = charts.histogram(
                p.first_reply_hours, title="首次回复时长分布（小时）", width=HALF, height=180)
        return out


@register_section
class InterviewsReportSection(Section):
    """Interview highlights."""

    key, title, template, order = "interviews", "访谈要点", "sections/interviews.html.j2", 60
    description = "用户访谈的主要观点与原话"

    def is_available(self, ctx):
        return bool(ctx.interviews)


@register_section
class RecommendationsReportSection(Section):
    """Ranked improvement recommendations with playbook actions."""

    key, title, template, order = ("recommendations", "改进建议",
                                   "sections/recommendations.html.j2", 70)
    description = "按优先级排序的改进建议与具体行动"

    def is_available(self, ctx):
        rec = ctx.recommendations
        return rec is not None and bool(rec.items or rec.keep)


@register_section
class FollowUpReportSection(Section):
    """Follow-up of the previous report's recommendations."""

    key, title, template, order = "followup", "上期建议跟进", "sections/followup.html.j2", 80
    description = "上期建议是否采纳，以及此后的变化"

    def is_available(self, ctx):
        return ctx.follow_up is not None and bool(ctx.follow_up.items)


@register_section
class MethodsReportSection(Section):
    """How the numbers were computed, with caveats."""

    key, title, template, order = "methods", "方法与说明", "sections/methods.html.j2", 90
    description = "相关分析、前后对比与优先级公式的方法和局限"

    def is_available(self, ctx):
        return ctx.methods is not None
