"""Build a ``ReportContext`` from raw inputs: daily metrics, per-theme daily counts, survey
and suggestion figures, interviews and the previous report. All the analysis happens here,
so the app only has to query and aggregate its database into these plain inputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import numpy as np

from reports import recommend
from reports import summary_plan as plan
from reports.analytics import before_after as ba
from reports.analytics import correlation as corr
from reports.analytics import priority as prio
from reports.analytics._arrays import finite_or_none, to_array, to_list
from reports.analytics.derived import (
    MAU_APPROXIMATION,
    count_change_pct,
    derive_mau,
    percent_change,
    ratio_of_sums,
)
from reports.analytics.weekly import WeeklySeries, monday_of, weekly_aggregate, weekly_ratio
from reports.context import (
    STANDARD_METRICS,
    DailySeries,
    ExecutiveSummary,
    FollowUpItem,
    FollowUpSection,
    InterviewHighlight,
    MethodNotes,
    MetricDefinition,
    MetricEvent,
    MetricsSection,
    MetricSummary,
    Period,
    Quote,
    Recommendation,
    RecommendationsSection,
    ReportContext,
    SentimentMix,
    SuggestionPipeline,
    SurveysSection,
    ThemesSection,
    ThemeSummary,
)
from reports.findings import trend_change_words, write_findings
from reports.formatting import (
    SMALL_BASE,
    count_change_words,
    fmt_int,
    fmt_percent,
    fmt_r,
    lag_words,
)
from reports.playbook import Playbook, load_playbook

#: Metrics compared before and after an event, when present (in this order).
BEFORE_AFTER_METRICS = ("dau", "interactions", "new_members", "churned")

#: Metrics shown as headline tiles in the executive summary, when present.
#: Beside an estimated MAU: what the figure is, so that nobody reads it as a count.
ESTIMATE_NOTE = "估算上界，不是实际人数；导入真实 MAU 后替换"

HEADLINE_METRICS = ("total_members", "growth_rate", "dau", "stickiness", "interactions",
                    "click_through")


@dataclass
class ThemeInput:
    """A theme's daily feedback counts by sentiment, from ``start``, plus its descriptors."""

    key: str
    name: str
    area: str
    start: date
    positive: list[int]
    neutral: list[int]
    negative: list[int]
    keywords: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    wordcloud_png: bytes | None = None
    acted_on: date | None = None

    def __post_init__(self) -> None:
        if not len(self.positive) == len(self.neutral) == len(self.negative):
            raise ValueError(f"theme {self.name!r}: sentiment series differ in length")


@dataclass
class FollowUpStatus:
    """What operators did about a previous recommendation: acted, in_progress or not_acted."""

    theme_key: str
    status: str
    acted_on: date | None = None
    note: str = ""


@dataclass
class AnalysisOptions:
    """Tunable parameters of the analysis (the defaults are what the report describes)."""

    correlation_weeks: int = 26
    max_lag: int = 4
    transform: str = "diff"
    min_points: int = 8
    before_after_days: int = 28
    bootstrap_samples: int = 2000
    top_themes: int = 8
    recommendations: int = 5
    actions_per_recommendation: int = 3
    quotes_per_theme: int = 3
    correlations_per_theme: int = 3
    min_weekly_volume_for_share: int = 3


def build_context(
    *,
    community_name: str,
    period: Period,
    metrics: Sequence[DailySeries] = (),
    metric_definitions: Sequence[MetricDefinition] = (),
    themes: Sequence[ThemeInput] = (),
    surveys: SurveysSection | None = None,
    suggestions: SuggestionPipeline | None = None,
    interviews: Sequence[InterviewHighlight] = (),
    previous: ReportContext | None = None,
    previous_period: Period | None = None,
    follow_up: Sequence[FollowUpStatus] = (),
    events: Sequence[MetricEvent] = (),
    generated_at: datetime | None = None,
    title: str = "社群改进报告",
    options: AnalysisOptions | None = None,
    playbook: Playbook | None = None,
    voices: Sequence[recommend.ThemeVoice] = (),
    assignments: Sequence[plan.ActionAssignment] = (),
) -> ReportContext:
    """Analyse the inputs for ``period`` (against the period just before it) into a context.

    ``metrics`` are daily series by metric key (standard keys, see ``STANDARD_METRICS``, or
    custom keys described in ``metric_definitions``); give them at least ``correlation_weeks``
    weeks of history before the period end, plus 30 days if MAU must be derived. ``themes``
    are daily counts per sentiment over the same span. ``previous`` is the previous report's
    context (``ReportContext.from_json``), for the follow-up section. ``previous_period``
    defaults to the same number of days just before ``period``; pass the previous calendar
    month for monthly reports. ``voices`` say what members said about each theme (frame
    key, complaint phrases, quotes), which chooses the recommendations' actions;
    ``assignments`` are the owners and due dates the manager gave the top actions.
    """
    options = options or AnalysisOptions()
    playbook = playbook or load_playbook()
    prev_period = previous_period or period.previous()
    if prev_period.end >= period.start:
        raise ValueError("the previous period must end before the period starts")
    ctx = ReportContext(
        community_name=community_name, period=period, previous_period=prev_period,
        generated_at=generated_at or datetime.now(UTC), title=title,
        surveys=surveys, interviews=list(interviews),
    )
    metric_set = MetricSet.build(metrics, metric_definitions) if metrics else None
    theme_inputs = sorted(themes, key=lambda t: -_period_total(t, period))
    all_events = list(events) + [MetricEvent(t.acted_on, f"「{t.name}」改进上线", "theme")
                                 for t in theme_inputs if t.acted_on]
    if suggestions is not None:
        all_events += [MetricEvent(c.completed_on, f"建议「{c.title}」完成", "suggestion")
                       for c in suggestions.completed]
    all_events = [e for e in all_events if e.day <= period.end]  # none from the future
    if metric_set is not None:
        ctx.metrics = metric_set.section(period, prev_period, all_events, options)
    all_scans: dict[str, list[corr.CorrelationScan]] = {}
    if theme_inputs:
        ctx.themes, all_scans = _themes_section(theme_inputs, period, prev_period,
                                                 metric_set, options)
    if suggestions is not None:
        ctx.suggestions = _with_before_after(suggestions, metric_set, options)
    if ctx.themes is not None and ctx.themes.themes:
        ctx.recommendations = _recommendations(ctx, all_scans, metric_set, playbook, options,
                                               {v.theme_key: v for v in voices})
    if previous is not None and previous.recommendations and previous.recommendations.items:
        ctx.follow_up = _follow_up(previous, theme_inputs, follow_up, period, metric_set,
                                   options)
    ctx.methods = _methods(ctx, options)
    better, worse = plan.changes(ctx)
    ctx.summary = ExecutiveSummary(
        findings=write_findings(ctx), highlights=_highlights(ctx),
        actions=plan.top_actions(ctx.recommendations.items if ctx.recommendations else [],
                                 assignments),
        better=better, worse=worse, previous_actions=plan.previous_actions(ctx, previous))
    return ctx


# --- metrics -----------------------------------------------------------------------------


@dataclass
class MetricSet:
    """All metric series on one daily grid, with their definitions."""

    start: date
    arrays: dict[str, np.ndarray]
    definitions: dict[str, MetricDefinition]
    derived_keys: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, series: Sequence[DailySeries],
              definitions: Sequence[MetricDefinition] = ()) -> MetricSet:
        """Put every series on a common daily grid and derive MAU when it is missing."""
        custom = {d.key: d for d in definitions}
        defs = {}
        for s in series:
            if s.key in custom:
                defs[s.key] = custom[s.key]
            elif s.key in STANDARD_METRICS:
                defs[s.key] = STANDARD_METRICS[s.key]
            else:
                raise ValueError(f"metric {s.key!r} is neither standard nor defined in "
                                 f"metric_definitions")
        start = min(s.start for s in series)
        days = max((s.end - start).days + 1 for s in series)
        arrays = {}
        for s in series:
            grid = np.full(days, np.nan)
            offset = (s.start - start).days
            grid[offset:offset + len(s.values)] = to_array(s.values)
            arrays[s.key] = grid
        result = cls(start=start, arrays=arrays, definitions=defs)
        if "mau" not in arrays and "dau" in arrays:
            arrays["mau"] = derive_mau(arrays["dau"], arrays.get("total_members"))
            defs["mau"] = replace(STANDARD_METRICS["mau"], label="月活跃成员（估算）")
            result.derived_keys.add("mau")
            result.notes.append(MAU_APPROXIMATION)
        return result

    def window(self, key: str, period: Period) -> np.ndarray:
        """The values of ``key`` inside ``period`` (NaN where not covered)."""
        out = np.full(period.days, np.nan)
        values = self.arrays[key]
        offset = (period.start - self.start).days
        lo, hi = max(0, offset), min(len(values), offset + period.days)
        if hi > lo:
            out[lo - offset:hi - offset] = values[lo:hi]
        return out

    def aggregate(self, key: str, period: Period) -> float | None:
        """The metric over ``period`` per its aggregation (sum, mean or last value)."""
        values = self.window(key, period)
        finite = values[np.isfinite(values)]
        if not len(finite):
            return None
        how = self.definitions[key].aggregation
        if how == "sum":
            return float(finite.sum())
        if how == "mean":
            return float(finite.mean())
        return float(finite[-1])

    def weekly(self, key: str) -> WeeklySeries:
        """The metric in Monday-based weeks."""
        return weekly_aggregate(self.start, to_list(self.arrays[key]),
                                self.definitions[key].aggregation)

    def worsened(self, key: str, period: Period, previous: Period) -> bool:
        """Whether the metric moved the wrong way against the previous period."""
        change = percent_change(self.aggregate(key, period),
                                self.aggregate(key, previous))
        if change is None or change == 0:
            return False
        return change < 0 if self.definitions[key].higher_is_better else change > 0

    def summary(self, key: str, period: Period, previous: Period) -> MetricSummary:
        """The base metric for ``period`` next to the previous period."""
        d = self.definitions[key]
        value, before = self.aggregate(key, period), self.aggregate(key, previous)
        return MetricSummary(
            key=key, label=d.label, unit=d.unit, value=value, previous=before,
            change=None if value is None or before is None else value - before,
            change_pct=count_change_pct(value, before), higher_is_better=d.higher_is_better,
            fmt="int", derived=key in self.derived_keys, estimated=key in self.derived_keys,
            note=ESTIMATE_NOTE if key in self.derived_keys else "",
        )

    def derived_summaries(self, period: Period, prev: Period) -> list[MetricSummary]:
        """Growth rate, net growth, stickiness, interactions per active member, click-through."""
        out = []

        def add(key, label, unit, fmt, current, previous, note="", estimated=False):
            if current is None and previous is None:
                return
            change = count_change_pct if fmt == "int" else percent_change
            out.append(MetricSummary(
                key=key, label=label, unit=unit, value=current, previous=previous,
                change=None if current is None or previous is None else current - previous,
                change_pct=change(current, previous), fmt=fmt, derived=True,
                note=note, estimated=estimated))

        if "total_members" in self.arrays:
            before_prev = prev.previous()
            add("growth_rate", "成员增长率", "", "percent",
                self._growth(prev, period), self._growth(before_prev, prev))
        if "new_members" in self.arrays and "churned" in self.arrays:
            add("net_growth", "净增成员", "人", "int",
                self._net(period), self._net(prev))
        if "dau" in self.arrays and "mau" in self.arrays:
            note = "下界估计（MAU 为估算上界）" if "mau" in self.derived_keys else ""
            add("stickiness", "黏性（DAU/MAU）", "", "percent",
                self._ratio("dau", "mau", period, mean=True),
                self._ratio("dau", "mau", prev, mean=True), note,
                estimated="mau" in self.derived_keys)
        if "interactions" in self.arrays and "dau" in self.arrays:
            add("interactions_per_active", "人均互动", "次/人·日", "float",
                self._ratio("interactions", "dau", period), self._ratio("interactions", "dau",
                                                                        prev))
        if "clicks" in self.arrays and "content_views" in self.arrays:
            add("click_through", "点击率", "", "percent",
                self._ratio("clicks", "content_views", period),
                self._ratio("clicks", "content_views", prev))
        return out

    def _growth(self, before: Period, period: Period) -> float | None:
        # members at the end of ``period`` against members at the end of ``before``
        start = self.aggregate("total_members", before)
        end = self.aggregate("total_members", period)
        return percent_change(end, start)

    def _net(self, period: Period) -> float | None:
        new, churned = self.aggregate("new_members", period), self.aggregate("churned", period)
        return None if new is None or churned is None else new - churned

    def _ratio(self, num: str, den: str, period: Period, mean: bool = False) -> float | None:
        a, b = self.window(num, period), self.window(den, period)
        if mean:
            both = np.isfinite(a) & np.isfinite(b)
            return finite_or_none(a[both].mean() / b[both].mean()) if both.any() and \
                b[both].mean() > 0 else None
        return ratio_of_sums(to_list(a), to_list(b))

    def derived_daily(self) -> list[DailySeries]:
        """Daily stickiness, interactions per active member and click-through, for charts."""
        pairs = [("stickiness", "dau", "mau"), ("interactions_per_active", "interactions", "dau"),
                 ("click_through", "clicks", "content_views")]
        out = []
        for key, num, den in pairs:
            if num in self.arrays and den in self.arrays:
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(self.arrays[den] > 0, self.arrays[num] / self.arrays[den],
                                     np.nan)
                out.append(DailySeries(key, self.start, to_list(ratio)))
        return out

    def section(self, period: Period, previous: Period, events: Sequence[MetricEvent],
                options: AnalysisOptions) -> MetricsSection:
        """The metrics section of the report."""
        base_keys = [k for k in self.arrays if k not in self.derived_keys]
        series = [DailySeries(k, self.start, to_list(self.arrays[k])) for k in base_keys]
        derived = [DailySeries(k, self.start, to_list(self.arrays[k]))
                   for k in self.derived_keys] + self.derived_daily()
        section = MetricsSection(
            definitions=list(self.definitions.values()), series=series, derived_series=derived,
            summaries=[self.summary(k, period, previous) for k in self.arrays]
            + self.derived_summaries(period, previous),
            events=[e for e in events if e.day is not None], notes=list(self.notes),
        )
        # completed suggestions get their own comparison in the suggestions section, and
        # earlier actions are followed up in the follow-up section
        for event in section.events:
            if event.kind != "suggestion" and period.contains(event.day):
                section.before_after += self.before_after(event.day, event.label, options)
        return section

    def before_after(self, day: date, label: str, options: AnalysisOptions,
                     keys: Sequence[str] = BEFORE_AFTER_METRICS) -> list[ba.BeforeAfter]:
        """Before/after comparisons of the standard activity metrics around ``day``."""
        out = []
        for key in keys:
            if key not in self.arrays:
                continue
            result = ba.compare_before_after(
                self.start, to_list(self.arrays[key]), day, window_days=options.before_after_days,
                n_boot=options.bootstrap_samples, metric_key=key, event_label=label)
            if result is not None:
                out.append(result)
        return out


# --- themes ------------------------------------------------------------------------------


def _daily_totals(theme: ThemeInput) -> tuple[np.ndarray, np.ndarray]:
    pos, neu, neg = (np.asarray(v, dtype=float) for v in (theme.positive, theme.neutral,
                                                          theme.negative))
    return pos + neu + neg, neg


def _period_slice(theme: ThemeInput, period: Period, values: np.ndarray) -> np.ndarray:
    lo = max(0, (period.start - theme.start).days)
    hi = max(0, (period.end - theme.start).days + 1)
    return values[lo:hi]


def _period_total(theme: ThemeInput, period: Period) -> int:
    total, _ = _daily_totals(theme)
    return int(_period_slice(theme, period, total).sum())


def _sentiment(theme: ThemeInput, period: Period) -> SentimentMix:
    def count(values: list[int]) -> int:
        return int(_period_slice(theme, period, np.asarray(values, dtype=float)).sum())
    return SentimentMix(count(theme.positive), count(theme.neutral), count(theme.negative))


def _last_complete_week(period: Period) -> date:
    """Monday of the last Monday–Sunday week that ends on or before the period end."""
    end = period.end
    return monday_of(end) if end.weekday() == 6 else monday_of(end) - timedelta(weeks=1)


def _trim_weeks(series: WeeklySeries, first: date, last: date) -> WeeklySeries:
    values = []
    for week, value in zip(series.week_starts(), series.values, strict=True):
        if first <= week <= last:
            values.append(value)
    lead = max(0, (series.start - first).days // 7)
    return WeeklySeries(start=first, values=[None] * lead + values)


def _theme_weekly(theme: ThemeInput, first: date, last: date,
                  options: AnalysisOptions) -> tuple[WeeklySeries, WeeklySeries]:
    total, neg = _daily_totals(theme)
    volume = weekly_aggregate(theme.start, to_list(total), "sum")
    negative = weekly_aggregate(theme.start, to_list(neg), "sum")
    share = weekly_ratio(negative, volume, options.min_weekly_volume_for_share)
    return _trim_weeks(volume, first, last), _trim_weeks(share, first, last)


def _themes_section(inputs: Sequence[ThemeInput], period: Period, prev: Period,
                    metrics: MetricSet | None,
                    options: AnalysisOptions
                    ) -> tuple[ThemesSection, dict[str, list[corr.CorrelationScan]]]:
    """The themes section, and every theme's full list of correlation scans."""
    total = sum(_period_total(t, period) for t in inputs)
    prev_total = sum(_period_total(t, prev) for t in inputs)
    last = _last_complete_week(period)
    first = last - timedelta(weeks=options.correlation_weeks - 1)
    metric_weekly = {}
    if metrics is not None:
        # only measured metrics: an estimated bound (derived MAU) would correlate spuriously
        metric_weekly = {k: _trim_weeks(metrics.weekly(k), first, last) for k in metrics.arrays
                         if k not in metrics.derived_keys}
    themes = []
    for theme in inputs[: options.top_themes]:
        mix, prev_mix = _sentiment(theme, period), _sentiment(theme, prev)
        volume, share = _theme_weekly(theme, first, last, options)
        scans = []
        for metric_key, weekly in metric_weekly.items():
            for name, series in (("volume", volume), ("negative_share", share)):
                x, y, _ = series.aligned_with(weekly)
                scans.append(corr.lagged_correlation(
                    x, y, max_lag=options.max_lag, transform=options.transform,
                    min_points=options.min_points, theme_series=name, metric_key=metric_key))
        scans = [s for s in scans if s.best is not None]
        themes.append(ThemeSummary(
            key=theme.key, name=theme.name, area=theme.area, volume=mix.total,
            share=mix.total / total if total else 0.0, previous_volume=prev_mix.total,
            change_pct=count_change_pct(mix.total, prev_mix.total), sentiment=mix,
            previous_negative_share=prev_mix.share("negative") if prev_mix.total else None,
            weekly_volume=volume, weekly_negative_share=share, keywords=list(theme.keywords),
            quotes=list(theme.quotes[: options.quotes_per_theme]),
            wordcloud_png=theme.wordcloud_png, acted_on=theme.acted_on,
            correlations=sorted((s for s in scans if corr.is_shown(s)),
                                key=lambda s: -abs(s.best.pearson_r)),
        ))
    all_scans = {t.key: t.correlations for t in themes}
    for t in themes:
        t.correlations = t.correlations[: options.correlations_per_theme]
    section = ThemesSection(themes=themes, total_feedback=total, previous_total_feedback=prev_total)
    return section, all_scans


# --- recommendations ---------------------------------------------------------------------


def _association(scans: Sequence[corr.CorrelationScan], metrics: MetricSet | None,
                 period: Period, previous: Period) -> tuple[float, corr.CorrelationScan | None]:
    """The strongest unfavourable association with a metric that worsened this period."""
    best_bound, best_scan = 0.0, None
    if metrics is None:
        return best_bound, best_scan
    for scan in scans:
        if not corr.is_shown(scan):
            continue
        if scan.metric_key not in metrics.definitions or not metrics.worsened(
                scan.metric_key, period, previous):
            continue
        bound = prio.adverse_lower_bound(scan.best,
                                         metrics.definitions[scan.metric_key].higher_is_better)
        if bound > best_bound:
            best_bound, best_scan = bound, scan
    return best_bound, best_scan


def _recommendations(ctx: ReportContext, all_scans: dict[str, list[corr.CorrelationScan]],
                     metrics: MetricSet | None, playbook: Playbook, options: AnalysisOptions,
                     voices: dict[str, recommend.ThemeVoice]) -> RecommendationsSection:
    """Corrective recommendations for the top-scoring themes that are not praise, and
    keep-and-amplify notes for the largest praise themes; no action text twice."""
    section = ctx.themes
    inputs, chosen, praise = [], {}, []
    for theme in section.themes:
        if recommend.is_praise(theme, voices.get(theme.key)):
            praise.append(theme)
            continue
        _bound, scan = _association(all_scans.get(theme.key, theme.correlations), metrics,
                                   ctx.period, ctx.previous_period)
        chosen[theme.key] = scan
        best = scan.best if scan else None
        inputs.append(prio.PriorityInput(
            key=theme.key, name=theme.name, volume=theme.volume,
            previous_volume=theme.previous_volume, negative_share=theme.negative_share,
            association_metric=scan.metric_key if scan else "",
            association_r=best.pearson_r if best else None,
            association_lag=best.lag if best else None))
    ranked = [f for f in prio.rank_themes(inputs) if f.score > 0][: options.recommendations]
    by_key = {t.key: t for t in section.themes}
    used: set[str] = set()
    items = []
    for factors in ranked:
        theme = by_key[factors.key]
        voice = voices.get(theme.key)
        found = recommend.plan_corrective(theme, voice, playbook, used,
                                          options.actions_per_recommendation)
        label = metrics.definitions[factors.association_metric].label \
            if metrics and factors.association_metric else ""
        items.append(_recommendation(theme, voice, found, playbook, factors,
                                     _rationale(theme, factors, chosen[theme.key], label),
                                     label))
    keep = []
    for theme in sorted(praise, key=lambda t: (-t.sentiment.positive, t.name))[:KEEP_THEMES]:
        voice = voices.get(theme.key)
        found = recommend.plan_keep(theme, voice, playbook, used)
        keep.append(_recommendation(
            theme, voice, found, playbook, prio.priority_factors(prio.PriorityInput(
                key=theme.key, name=theme.name, volume=theme.volume,
                previous_volume=theme.previous_volume, negative_share=theme.negative_share),
                max(t.volume for t in section.themes)),
            _keep_rationale(theme), ""))
    return RecommendationsSection(items=items, formula=prio.FORMULA_TEXT,
                                  factor_texts=list(prio.FACTOR_TEXTS), keep=keep)


#: Praise themes the report lists under 保持/放大.
KEEP_THEMES = 2


def _recommendation(theme: ThemeSummary, voice: recommend.ThemeVoice | None,
                    found: recommend.Plan, playbook: Playbook, factors: prio.PriorityFactors,
                    rationale: str, label: str) -> Recommendation:
    return Recommendation(
        rank=factors.rank, theme_key=theme.key, theme_name=theme.name,
        theme_area=theme.area, report_area=playbook.report_area_for(theme.area),
        priority=factors, rationale=rationale, actions=found.actions,
        association_label=label, kind=found.kind,
        frame_key=voice.frame_key if voice else None,
        phrases=recommend.shown_phrases(voice, found.kind), keywords=list(theme.keywords[:5]),
        quotes=recommend.shown_quotes(theme, voice, found.kind), reasons=found.reasons,
        questions=found.questions, measure=found.measure)


def _keep_rationale(theme: ThemeSummary) -> str:
    positive = theme.sentiment.share("positive")
    return (f"「{theme.name}」本期反馈 {fmt_int(theme.volume)} 条，其中正面 "
            f"{fmt_int(theme.sentiment.positive)} 条（{fmt_percent(positive)}），"
            f"负面占 {fmt_percent(theme.negative_share)}：成员认可的做法，值得保持并放大。")


def _rationale(theme: ThemeSummary, factors: prio.PriorityFactors,
               scan: corr.CorrelationScan | None, metric_label: str) -> str:
    text = (f"「{theme.name}」本期反馈 {fmt_int(theme.volume)} 条，占全部反馈的 "
            f"{fmt_percent(theme.share)}，"
            f"{count_change_words(theme.volume, theme.previous_volume)}，"
            f"其中负面占 {fmt_percent(theme.negative_share)}")
    if scan is not None and scan.best is not None:
        best = scan.best
        series = "反馈量" if scan.theme_series == "volume" else "负面占比"
        text += (f"；该主题的周{series}与{metric_label}的周度变化呈"
                 f"{corr.strength_label(best.pearson_r)}的{corr.direction_label(best.pearson_r)}"
                 f"（r = {fmt_r(best.pearson_r)}，{lag_words(best.lag)}，n = {best.n}），"
                 f"而{metric_label}本期走弱")
    return text + "。"


# --- follow-up ---------------------------------------------------------------------------


def _follow_up(previous: ReportContext, themes: Sequence[ThemeInput],
               statuses: Sequence[FollowUpStatus], period: Period, metrics: MetricSet | None,
               options: AnalysisOptions) -> FollowUpSection:
    by_key = {t.key: t for t in themes}
    status_by_key = {s.theme_key: s for s in statuses}
    prev_themes = {t.key: t for t in (previous.themes.themes if previous.themes else [])}
    items = []
    for rec in previous.recommendations.items:
        theme = by_key.get(rec.theme_key)
        status = status_by_key.get(rec.theme_key)
        acted_on = status.acted_on if status else (theme.acted_on if theme else None)
        state = status.status if status else ("acted" if acted_on else "not_acted")
        item = FollowUpItem(
            theme_key=rec.theme_key, theme_name=rec.theme_name, report_area=rec.report_area,
            previous_rank=rec.rank, previous_score=rec.priority.score, status=state,
            acted_on=acted_on, note=status.note if status else "",
            previous_volume=rec.priority.volume,
            previous_negative_share=rec.priority.negative_share,
        )
        if rec.theme_key in prev_themes:
            item.previous_volume = prev_themes[rec.theme_key].volume
        if theme is not None:
            mix = _sentiment(theme, period)
            item.current_volume = mix.total
            item.current_negative_share = mix.share("negative") if mix.total else None
        if acted_on and metrics is not None:
            keys = [rec.priority.association_metric] if rec.priority.association_metric else []
            keys += [k for k in ("dau", "interactions") if k not in keys]
            item.metric_changes = metrics.before_after(acted_on, f"「{rec.theme_name}」", options,
                                                       keys=keys)
        item.summary = _follow_up_summary(item, metrics)
        items.append(item)
    return FollowUpSection(previous_period=previous.period, items=items)


def _follow_up_summary(item: FollowUpItem, metrics: MetricSet | None) -> str:
    parts = [f"「{item.theme_name}」{item.status_label}"]
    if item.acted_on:
        parts[0] += f"（{item.acted_on.month}月{item.acted_on.day}日）"
    if item.previous_volume is not None and item.current_volume is not None:
        text = f"相关反馈{count_change_words(item.current_volume, item.previous_volume)}"
        if item.previous_volume >= SMALL_BASE:
            text += (f"（上期 {fmt_int(item.previous_volume)} 条，本期 "
                     f"{fmt_int(item.current_volume)} 条）")
        parts.append(text)
    if item.previous_negative_share is not None and item.current_negative_share is not None:
        parts.append(f"负面占比由 {fmt_percent(item.previous_negative_share)} 变为 "
                     f"{fmt_percent(item.current_negative_share)}")
    # a clear departure from the trend first; otherwise say that there was none
    changes = sorted(item.metric_changes, key=lambda c: not c.clear)
    for change in changes[:1]:
        label = metrics.definitions[change.metric_key].label if metrics else change.metric_key
        parts.append(trend_change_words(change, label))
    return "；".join(parts) + "。"


# --- suggestions, methods, highlights ----------------------------------------------------


def _with_before_after(pipeline: SuggestionPipeline, metrics: MetricSet | None,
                       options: AnalysisOptions) -> SuggestionPipeline:
    if metrics is None:
        return pipeline
    # a compliment marked done is never credited with how the metrics moved
    completed = [c if c.praise else replace(c, before_after=c.before_after or metrics.before_after(
        c.completed_on, f"建议「{c.title}」", options)) for c in pipeline.completed]
    return replace(pipeline, completed=completed)


def _methods(ctx: ReportContext, options: AnalysisOptions) -> MethodNotes:
    notes = MethodNotes(
        correlation=corr.method_text(options.transform, options.max_lag),
        before_after=ba.METHOD_TEXT.format(window=options.before_after_days,
                                           n_boot=options.bootstrap_samples),
        priority_formula=prio.FORMULA_TEXT, priority_factors=list(prio.FACTOR_TEXTS),
    )
    if ctx.metrics is not None:
        notes.data_notes += ctx.metrics.notes
    notes.data_notes.append(
        f"主题与指标的相关基于截至本期末最近 {options.correlation_weeks} 个完整自然周"
        f"（周一至周日）的数据；某周反馈少于 {options.min_weekly_volume_for_share} 条时，"
        f"该周负面占比不参与计算。")
    notes.data_notes.append("引用的成员原话已去除手机号、身份证号、邮箱等个人信息。")
    return notes


def _highlights(ctx: ReportContext) -> list[MetricSummary]:
    if ctx.metrics is None:
        return []
    by_key = {s.key: s for s in ctx.metrics.summaries}
    return [by_key[k] for k in HEADLINE_METRICS
            if k in by_key and by_key[k].value is not None and not by_key[k].estimated][:4]
