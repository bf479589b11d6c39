"""Report data from the community's surveys: NPS and CSAT for the period and the one before,
their monthly (or weekly) trend, and a summary of each survey answered in the period.

The numbers come from the survey services (``surveys.results.results`` for a period's
statistics, ``surveys.metrics.score_trend`` for trends), so the report and the survey pages
agree. The community's NPS pools only the NPS questions marked 「作为社群 NPS」 in the builder
(each answer counts once); every other NPS question (an event's) is reported under its own
name. CSAT pools the CSAT questions of every survey.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

import surveys as domain
from app.extensions import db
from app.models import (
    FeedbackItem,
    InsightTheme,
    ItemAnalysis,
    Survey,
    SurveyResponse,
    SurveyStatus,
)
from app.services.insights import analysis
from app.services.reports.data import (
    DataProvider,
    DataRequest,
    printable,
    register_provider,
    utc_bounds,
)
from app.services.surveys import metrics as survey_metrics
from app.services.surveys import results as results_service
from reports.context import (
    CsatResult,
    NamedNps,
    NpsResult,
    Period,
    SurveysSection,
    SurveySummary,
    TrendPoint,
)
from reports.formatting import fmt_int

log = logging.getLogger(__name__)

#: Surveys summarised one by one (the most answered first).
MAX_SURVEYS = 6
#: Trend points shown for NPS and CSAT.
TREND_POINTS = 6
#: A period at least this long gets a monthly trend; shorter ones a weekly trend.
MONTHLY_FROM_DAYS = 28


@dataclass
class ScoreCounts:
    """Answers of one score type pooled over surveys: counts per scale point."""

    counts: dict[int, int] = field(default_factory=dict)

    def add(self, categories) -> None:
        """Add a question's per-point counts (``CategoryCount`` rows keyed "0".."10")."""
        for row in categories or ():
            try:
                point = int(row.key)
            except (TypeError, ValueError):
                continue
            self.counts[point] = self.counts.get(point, 0) + int(row.count)

    @property
    def total(self) -> int:
        """Answers counted."""
        return sum(self.counts.values())

    def values(self) -> list[int]:
        """The answers themselves, for the survey domain's scoring functions."""
        return [point for point, n in sorted(self.counts.items()) for _ in range(n)]


@dataclass
class PeriodScores:
    """What the period's statistics of every survey add up to."""

    nps: ScoreCounts = field(default_factory=ScoreCounts)
    csat: ScoreCounts = field(default_factory=ScoreCounts)
    summaries: list[SurveySummary] = field(default_factory=list)
    other_nps: list[NamedNps] = field(default_factory=list)


def answered_surveys(community_id: int, start, end) -> list[tuple[Survey, int]]:
    """The community's published or closed surveys with responses submitted in ``[start,
    end)`` (naive UTC), with how many, most answered first."""
    rows = db.session.execute(
        db.select(Survey, db.func.count(SurveyResponse.id))
        .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .where(Survey.community_id == community_id,
               Survey.status != SurveyStatus.DRAFT.value,
               SurveyResponse.submitted_at >= start, SurveyResponse.submitted_at < end)
        .group_by(Survey.id)
        .order_by(db.func.count(SurveyResponse.id).desc(), Survey.id)
    ).all()
    return [(survey, int(n)) for survey, n in rows]


def period_scores(community_id: int, period: Period, bounds, *, summaries: bool
                  ) -> PeriodScores:
    """Pooled NPS and CSAT answers of ``period`` and, when asked, one summary per survey."""
    out = PeriodScores()
    window = results_service.ResponseFilter(since=period.start, until=period.end)
    for survey, _n in answered_surveys(community_id, *bounds):
        try:
            computed = results_service.results(survey, window)
        except Exception:  # a survey whose definition cannot be read is left out
            log.warning("survey %s left out of the report: unreadable results", survey.id,
                        exc_info=True)
            continue
        stats = computed.statistics
        survey_nps = survey_csat = None
        for q in stats.questions:
            if q.nps is not None and q.nps.total:
                if q.question_id == survey.community_nps_question:
                    out.nps.add(q.categories)
                else:
                    out.other_nps.append(NamedNps(
                        survey=printable(survey.title) or f"问卷 {survey.id}",
                        question=printable(q.title)[:60], score=round(q.nps.score, 1),
                        responses=q.nps.total))
                survey_nps = q.nps.score if survey_nps is None else survey_nps
            if q.csat is not None and q.csat.total:
                out.csat.add(q.categories)
                survey_csat = q.csat.percent if survey_csat is None else survey_csat
        if summaries and len(out.summaries) < MAX_SURVEYS and stats.total_responses:
            theme = _main_open_theme(survey, bounds)
            highlights = _highlights(stats)
            if theme is not None:
                highlights.append(f"开放回答最常谈到「{printable(theme[0])}」"
                                  f"（{fmt_int(theme[1])} 份回答）")
            out.summaries.append(SurveySummary(
                title=printable(survey.title) or f"问卷 {survey.id}",
                responses=stats.total_responses, completion_rate=_answer_rate(stats),
                nps=None if survey_nps is None else round(survey_nps, 1),
                csat=None if survey_csat is None else round(survey_csat, 1),
                highlights=highlights,
                open_theme_responses=None if theme is None else theme[1]))
    return out


def _answer_rate(stats) -> float | None:
    """Share of the questions shown to respondents that they answered (how completely the
    survey was filled in)."""
    shown = sum(q.shown for q in stats.questions)
    answered = sum(min(q.answered, q.shown) for q in stats.questions)
    return answered / shown if shown else None


def _highlights(stats, limit: int = 2) -> list[str]:
    """The most chosen option of the survey's most answered choice questions."""
    out = []
    choice = [q for q in stats.questions
              if q.categories and q.nps is None and q.csat is None and q.ces is None
              and q.numeric is None and q.answered]
    for q in sorted(choice, key=lambda q: -q.answered)[:limit]:
        top = max(q.categories, key=lambda c: c.count)
        if top.count:
            out.append(f"「{printable(q.title)[:24]}」最多人选「{printable(top.label)[:16]}」"
                       f"（{top.percent:.0f}%）")
    return out


def _main_open_theme(survey: Survey, bounds) -> tuple[str, int] | None:
    """The theme that the most of the period's responses (``bounds``, naive UTC) wrote open
    answers about, and how many responses did: a response with several open answers in the
    theme counts once, so the count never exceeds the period's responses."""
    run_id = analysis.current_run_id(survey.community_id)
    if run_id is None:
        return None
    start, end = bounds
    responses = db.func.count(db.distinct(FeedbackItem.source_id))
    row = db.session.execute(
        db.select(InsightTheme.name, responses).select_from(ItemAnalysis)
        .join(FeedbackItem, FeedbackItem.id == ItemAnalysis.feedback_item_id)
        .join(InsightTheme, db.and_(InsightTheme.community_id == survey.community_id,
                                    InsightTheme.key == ItemAnalysis.theme_key))
        .where(ItemAnalysis.run_id == run_id, FeedbackItem.community_id == survey.community_id,
               survey_metrics.feedback_clause(survey.id), InsightTheme.is_other.is_(False),
               FeedbackItem.source_id.in_(
                   db.select(SurveyResponse.id).where(
                       SurveyResponse.survey_id == survey.id,
                       SurveyResponse.submitted_at >= start, SurveyResponse.submitted_at < end)))
        .group_by(InsightTheme.name)
        .order_by(responses.desc(), InsightTheme.name)
        .limit(1)
    ).first()
    return None if row is None else (row[0], int(row[1]))


def _trend_points(community, kind: str, period: Period) -> list[TrendPoint]:
    """The last ``TREND_POINTS`` months (or weeks, for short periods) up to the period end."""
    monthly = period.days >= MONTHLY_FROM_DAYS
    if monthly:
        first = period.end.replace(day=1)
        for _ in range(TREND_POINTS - 1):
            first = (first - timedelta(days=1)).replace(day=1)
    else:
        first = period.end - timedelta(days=period.end.weekday(), weeks=TREND_POINTS - 1)
    points = survey_metrics.score_trend(community, kind, start=first, end=period.end,
                                        period="month" if monthly else "week",
                                        community_nps=kind == "nps")
    return [TrendPoint(_point_label(p.start, monthly),
                       None if p.score is None else round(p.score, 1)) for p in points]


def _point_label(start: date, monthly: bool) -> str:
    return f"{start.month}月" if monthly else f"{start.month}/{start.day}"


def _nps(counts: ScoreCounts, previous: ScoreCounts, trend: list[TrendPoint]
         ) -> NpsResult | None:
    if not counts.total:
        return None
    score = domain.nps_score(counts.values())
    before = domain.nps_score(previous.values()) if previous.total else None
    return NpsResult(
        score=round(score.score, 1), promoters=score.promoters, passives=score.passives,
        detractors=score.detractors,
        previous_score=None if before is None else round(before.score, 1), trend=trend,
        distribution=[counts.counts.get(i, 0) for i in range(11)])


def _csat(counts: ScoreCounts, previous: ScoreCounts, trend: list[TrendPoint]
          ) -> CsatResult | None:
    if not counts.total:
        return None
    score = domain.csat_score(counts.values())
    before = domain.csat_score(previous.values()) if previous.total else None
    values = counts.values()
    return CsatResult(
        score=round(score.percent, 1), responses=score.total,
        mean=round(sum(values) / len(values), 2),
        previous_score=None if before is None else round(before.percent, 1), trend=trend,
        distribution=[counts.counts.get(i, 0) for i in range(1, 6)])


@register_provider
class SurveysProvider(DataProvider):
    """NPS and CSAT with their trend and the period's surveys."""

    key = "surveys"
    label = _l("问卷")
    sections = ("surveys",)
    provides = ("surveys",)

    def collect(self, request: DataRequest) -> dict[str, Any]:
        community = request.community
        current = period_scores(community.id, request.period,
                                utc_bounds(community, request.period), summaries=True)
        if not current.summaries:
            return {}
        previous = period_scores(community.id, request.previous_period,
                                 utc_bounds(community, request.previous_period),
                                 summaries=False)
        nps_trend = _trend_points(community, "nps", request.period) if current.nps.total else []
        csat_trend = _trend_points(community, "csat", request.period) \
            if current.csat.total else []
        return {"surveys": SurveysSection(
            nps=_nps(current.nps, previous.nps, nps_trend),
            csat=_csat(current.csat, previous.csat, csat_trend),
            surveys=current.summaries, other_nps=current.other_nps)}
