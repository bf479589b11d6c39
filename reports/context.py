"""The report context: plain, JSON-serialisable dataclasses holding everything a report shows.

The app builds a ``ReportContext`` (usually through ``reports.assemble.build_context``),
renders it, and stores ``context.to_json()`` beside the PDF so that the next report can
follow up on this one's recommendations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from reports.analytics.before_after import BeforeAfter
from reports.analytics.correlation import CorrelationScan
from reports.analytics.priority import PriorityFactors
from reports.analytics.weekly import WeeklySeries
from reports.serialize import from_jsonable, to_jsonable

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls inside the period."""
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    @property
    def label(self) -> str:
        """The period in Chinese, e.g. ``2026年10月1日 至 2026年10月31日``."""
        return f"{chinese_date(self.start)} 至 {chinese_date(self.end)}"


def chinese_date(day: date) -> str:
    """``2026年10月1日``."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- metrics -----------------------------------------------------------------------------


@dataclass
class MetricDefinition:
    """What a metric is and how its days add up into a week or a period.

    ``aggregation`` is ``sum`` for flows (new members), ``mean`` for daily levels (DAU) and
    ``last`` for stocks (total members).
    """

    key: str
    label: str
    unit: str = ""
    aggregation: str = "sum"
    higher_is_better: bool = True


#: The standard community metrics, by key; custom metrics are defined by operators.
STANDARD_METRICS: dict[str, MetricDefinition] = {
    m.key: m
    for m in [
        MetricDefinition("new_members", "新增成员", "人", "sum"),
        MetricDefinition("total_members", "成员总数", "人", "last"),
        MetricDefinition("dau", "日活跃成员", "人", "mean"),
        MetricDefinition("mau", "月活跃成员", "人", "last"),
        MetricDefinition("interactions", "互动次数", "次", "sum"),
        MetricDefinition("content_views", "内容浏览", "次", "sum"),
        MetricDefinition("clicks", "内容点击", "次", "sum"),
        MetricDefinition("event_participants", "活动参与", "人次", "sum"),
        MetricDefinition("churned", "流失成员", "人", "sum", higher_is_better=False),
    ]
}


def get_metric_definition(key: str) -> MetricDefinition:
    """The standard definition of metric ``key``."""
    try:
        return STANDARD_METRICS[key]
    except KeyError:
        raise KeyError(f"no standard metric {key!r}; define custom metrics with "
                       f"MetricDefinition") from None


@dataclass
class DailySeries:
    """One value per day from ``start``; ``None`` marks a day without data."""

    key: str
    start: date
    values: list[float | None] = field(default_factory=list)

    @property
    def end(self) -> date:
        """The last day covered."""
        return self.start + timedelta(days=len(self.values) - 1)

    def dates(self) -> list[date]:
        """Every day covered, in order."""
        return [self.start + timedelta(days=i) for i in range(len(self.values))]

    def window(self, period: Period) -> list[float | None]:
        """The values inside ``period`` (``None`` for days the series does not cover)."""
        return self.window_values(period.start, period.end)

    def window_values(self, first: date, last: date) -> list[float | None]:
        """The values from ``first`` to ``last`` inclusive (``None`` where not covered)."""
        offset = (first - self.start).days
        n = (last - first).days + 1
        return [self.values[offset + i] if 0 <= offset + i < len(self.values) else None
                for i in range(n)]


@dataclass
class MetricSummary:
    """One measure for the period next to the previous period.

    ``fmt`` says how to print it: ``int``, ``float`` or ``percent`` (value is a fraction).
    """

    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None
    change: float | None
    change_pct: float | None
    higher_is_better: bool = True
    fmt: str = "int"
    derived: bool = False
    note: str = ""
    #: An estimate (e.g. MAU derived from DAU): shown with its note, never as a headline.
    estimated: bool = False


@dataclass
class MetricEvent:
    """A dated marker on metric charts: ``kind`` is ``theme`` (a theme acted on),
    ``suggestion`` (a suggestion completed) or ``custom`` (anything operators record)."""

    day: date
    label: str
    kind: str = "custom"


@dataclass
class MetricsSection:
    """Daily metric series, period summaries, derived measures and before/after checks."""

    definitions: list[MetricDefinition] = field(default_factory=list)
    series: list[DailySeries] = field(default_factory=list)
    derived_series: list[DailySeries] = field(default_factory=list)
    summaries: list[MetricSummary] = field(default_factory=list)
    events: list[MetricEvent] = field(default_factory=list)
    before_after: list[BeforeAfter] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def definition(self, key: str) -> MetricDefinition | None:
        """The definition of metric ``key``, if present."""
        return next((d for d in self.definitions if d.key == key), None)

    def series_for(self, key: str) -> DailySeries | None:
        """The daily series of ``key`` (base or derived), if present."""
        return next((s for s in self.series + self.derived_series if s.key == key), None)

    def summary(self, key: str) -> MetricSummary | None:
        """The period summary of ``key``, if present."""
        return next((s for s in self.summaries if s.key == key), None)

    def label(self, key: str) -> str:
        """The Chinese label of ``key`` (the key itself if unknown)."""
        found = self.definition(key) or self.summary(key)
        return found.label if found else key


# --- surveys -----------------------------------------------------------------------------


@dataclass
class TrendPoint:
    """One point of a score trend, e.g. a month and its NPS."""

    label: str
    value: float | None


@dataclass
class NpsResult:
    """Net Promoter Score for the period (−100..100) with its breakdown and trend."""

    score: float
    promoters: int
    passives: int
    detractors: int
    previous_score: float | None = None
    trend: list[TrendPoint] = field(default_factory=list)
    distribution: list[int] = field(default_factory=list)

    @property
    def responses(self) -> int:
        """Number of NPS answers."""
        return self.promoters + self.passives + self.detractors


@dataclass
class CsatResult:
    """Customer satisfaction: ``score`` is the % of 4–5 ratings on a 1–5 scale."""

    score: float
    responses: int
    mean: float | None = None
    previous_score: float | None = None
    trend: list[TrendPoint] = field(default_factory=list)
    distribution: list[int] = field(default_factory=list)


@dataclass
class NamedNps:
    """An NPS question that is not the community NPS question (e.g. an event's), reported
    under its own name and never pooled into the headline NPS."""

    survey: str
    question: str
    score: float
    responses: int


@dataclass
class SurveySummary:
    """A short summary of one survey run in the period."""

    title: str
    responses: int
    #: Share of the questions shown to respondents that they answered (0..1).
    completion_rate: float | None = None
    nps: float | None = None
    csat: float | None = None
    highlights: list[str] = field(default_factory=list)
    #: Responses of the period whose open answers fall mostly in the survey's main theme
    #: (at most ``responses``), when the survey has analysed open answers.
    open_theme_responses: int | None = None


@dataclass
class SurveysSection:
    """NPS and CSAT across the community's surveys, and a summary per survey.

    ``nps`` pools only the questions marked as the community NPS question; every other NPS
    question is in ``other_nps``, by name."""

    nps: NpsResult | None = None
    csat: CsatResult | None = None
    surveys: list[SurveySummary] = field(default_factory=list)
    other_nps: list[NamedNps] = field(default_factory=list)


# --- themes ------------------------------------------------------------------------------


@dataclass
class SentimentMix:
    """Counts of positive, neutral and negative feedback."""

    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def total(self) -> int:
        """All feedback counted."""
        return self.positive + self.neutral + self.negative

    def share(self, part: str) -> float:
        """Share (0..1) of ``positive``, ``neutral`` or ``negative``."""
        return getattr(self, part) / self.total if self.total else 0.0


@dataclass
class Quote:
    """A representative quote (PII already redacted) and where it came from."""

    text: str
    source: str = ""
    day: date | None = None


@dataclass
class ThemeSummary:
    """One feedback theme in the period, with its trend and its links to metrics."""

    key: str
    name: str
    area: str
    volume: int
    share: float
    previous_volume: int
    change_pct: float | None
    sentiment: SentimentMix
    previous_negative_share: float | None = None
    weekly_volume: WeeklySeries | None = None
    weekly_negative_share: WeeklySeries | None = None
    keywords: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    wordcloud_png: bytes | None = None
    acted_on: date | None = None
    correlations: list[CorrelationScan] = field(default_factory=list)

    @property
    def negative_share(self) -> float:
        """Share of this period's feedback on the theme that is negative."""
        return self.sentiment.share("negative")

    @property
    def strongest_correlation(self) -> CorrelationScan | None:
        """The scan whose best lag has the largest |r|, if any."""
        scans = [s for s in self.correlations if s.best and s.best.pearson_r is not None]
        return max(scans, key=lambda s: abs(s.best.pearson_r), default=None)


@dataclass
class ThemesSection:
    """The top themes of the period."""

    themes: list[ThemeSummary] = field(default_factory=list)
    total_feedback: int = 0
    previous_total_feedback: int = 0


# --- suggestions and interviews ----------------------------------------------------------


@dataclass
class SuggestionCounts:
    """Suggestion-box throughput for one period."""

    received: int
    replied: int
    resolved: int
    median_first_reply_hours: float | None = None
    #: Of the suggestions received in the period, those resolved (已完成 or 未采纳) by its
    #: end: the numerator of the resolution rate (``resolved`` counts every suggestion
    #: resolved in the period, whenever sent, so it is no share of ``received``).
    received_resolved: int | None = None

    @property
    def reply_rate(self) -> float | None:
        """Share of the period's suggestions with an official reply by the period end."""
        return self.replied / self.received if self.received else None

    @property
    def resolution_rate(self) -> float | None:
        """Share of the period's suggestions resolved by the period end."""
        if not self.received or self.received_resolved is None:
            return None
        return self.received_resolved / self.received


@dataclass
class CompletedSuggestion:
    """A suggestion completed in the period, with the metrics before and after it."""

    title: str
    completed_on: date
    before_after: list[BeforeAfter] = field(default_factory=list)
    #: A compliment marked done: it is never credited with a metric change.
    praise: bool = False


@dataclass
class SuggestionPipeline:
    """The suggestion box in the period: received, replied, resolved and how fast."""

    current: SuggestionCounts
    previous: SuggestionCounts | None = None
    by_status: dict[str, int] = field(default_factory=dict)
    first_reply_hours: list[float] = field(default_factory=list)
    completed: list[CompletedSuggestion] = field(default_factory=list)


@dataclass
class InterviewHighlight:
    """The gist of one user interview."""

    title: str
    summary: str
    interviewee: str = ""
    held_on: date | None = None
    quotes: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


# --- recommendations and follow-up -------------------------------------------------------


@dataclass
class PhraseCount:
    """A phrase members used, and in how many feedback items of the period."""

    text: str
    count: int


@dataclass
class Measure:
    """How to tell whether a recommendation worked: what to watch, and the target."""

    watch: str
    target: str


#: Recommendation kinds: corrective actions, a question for operators, or keep/amplify.
RECOMMENDATION_KINDS = {"corrective": "建议行动", "judgement": "需要运营判断",
                        "amplify": "保持/放大"}


@dataclass
class Recommendation:
    """An improvement recommendation for one theme, ranked by its priority score.

    ``kind`` is ``corrective`` (actions from the theme's playbook entry, chosen by what
    members complain about), ``judgement`` (no playbook entry fits: ``questions`` for
    operators instead of actions) or ``amplify`` (a praise theme: keep doing what members
    like). ``reasons`` says, per action, which of the members' phrases chose it.
    """

    rank: int
    theme_key: str
    theme_name: str
    theme_area: str
    report_area: str
    priority: PriorityFactors
    rationale: str
    actions: list[str] = field(default_factory=list)
    association_label: str = ""
    kind: str = "corrective"
    frame_key: str | None = None
    phrases: list[PhraseCount] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    measure: Measure | None = None

    @property
    def kind_label(self) -> str:
        """The kind in Chinese."""
        return RECOMMENDATION_KINDS.get(self.kind, self.kind)

    @property
    def lead_action(self) -> str:
        """The one action the executive summary lists for this recommendation."""
        if self.kind == "judgement":
            return "需要运营判断：" + (self.questions[0] if self.questions else "")
        return self.actions[0] if self.actions else ""


@dataclass
class RecommendationsSection:
    """Ranked corrective recommendations, the themes to keep up, and the ranking formula."""

    items: list[Recommendation] = field(default_factory=list)
    formula: str = ""
    factor_texts: list[str] = field(default_factory=list)
    keep: list[Recommendation] = field(default_factory=list)


#: Follow-up statuses and how they read in the report.
FOLLOW_UP_STATUSES = {"acted": "已采纳", "in_progress": "推进中", "not_acted": "未采纳"}


@dataclass
class FollowUpItem:
    """What happened to one of the previous report's recommendations."""

    theme_key: str
    theme_name: str
    report_area: str
    previous_rank: int
    previous_score: float
    status: str
    acted_on: date | None = None
    note: str = ""
    previous_volume: int | None = None
    current_volume: int | None = None
    previous_negative_share: float | None = None
    current_negative_share: float | None = None
    metric_changes: list[BeforeAfter] = field(default_factory=list)
    summary: str = ""

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return FOLLOW_UP_STATUSES.get(self.status, self.status)


@dataclass
class FollowUpSection:
    """Follow-up of the previous report's recommendations."""

    previous_period: Period | None = None
    items: list[FollowUpItem] = field(default_factory=list)


# --- summary and methods -----------------------------------------------------------------


@dataclass
class Finding:
    """One executive-summary finding: a plain Chinese sentence with numbers."""

    text: str
    kind: str = ""


@dataclass
class SummaryAction:
    """One of the top actions of the executive summary, with who does it by when."""

    rank: int
    theme_key: str
    theme_name: str
    says: str
    action: str
    owner: str = ""
    due: date | None = None
    kind: str = "corrective"


@dataclass
class PreviousAction:
    """An action of the previous report and what became of it."""

    theme_key: str
    theme_name: str
    action: str
    owner: str = ""
    due: date | None = None
    status: str = "not_acted"
    acted_on: date | None = None

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return FOLLOW_UP_STATUSES.get(self.status, self.status)


@dataclass
class ExecutiveSummary:
    """The top actions, what got better and worse, last period's actions, the findings and
    the headline measures shown as tiles."""

    findings: list[Finding] = field(default_factory=list)
    highlights: list[MetricSummary] = field(default_factory=list)
    actions: list[SummaryAction] = field(default_factory=list)
    better: list[str] = field(default_factory=list)
    worse: list[str] = field(default_factory=list)
    previous_actions: list[PreviousAction] = field(default_factory=list)


@dataclass
class MethodNotes:
    """How the numbers were computed, printed in the report's appendix."""

    correlation: list[str] = field(default_factory=list)
    before_after: str = ""
    priority_formula: str = ""
    priority_factors: list[str] = field(default_factory=list)
    data_notes: list[str] = field(default_factory=list)


# --- the whole report --------------------------------------------------------------------


@dataclass
class ReportContext:
    """Everything one report shows. Sections left ``None`` (or empty) are not available."""

    community_name: str
    period: Period
    previous_period: Period
    generated_at: datetime
    title: str = "社群改进报告"
    summary: ExecutiveSummary | None = None
    metrics: MetricsSection | None = None
    surveys: SurveysSection | None = None
    themes: ThemesSection | None = None
    suggestions: SuggestionPipeline | None = None
    interviews: list[InterviewHighlight] = field(default_factory=list)
    recommendations: RecommendationsSection | None = None
    follow_up: FollowUpSection | None = None
    methods: MethodNotes | None = None
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, PNG bytes as base64)."""
        return to_jsonable(self)

    def to_json(self) -> str:
        """The context as a JSON string, for storing beside the report."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportContext:
        """Rebuild a context from ``to_dict`` output."""
        version = data.get("schema_version", SCHEMA_VERSION)
        if version > SCHEMA_VERSION:
            raise ValueError(f"report context schema {version} is newer than this code "
                             f"({SCHEMA_VERSION})")
        return from_jsonable(cls, data)

    @classmethod
    def from_json(cls, text: str) -> ReportContext:
        """Rebuild a context from ``to_json`` output."""
        return cls.from_dict(json.loads(text))
