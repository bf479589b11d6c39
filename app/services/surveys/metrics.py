"""Survey lookups for other features: which surveys and questions produce feedback items (for
the insight workspace's filters and links back), and NPS / CSAT / CES trends over time (for
the reports and the dashboards).

Feedback items of survey answers have ``source_kind = survey_answer``,
``source_key = "survey:<survey id>:response:<response id>:<question id>"`` and
``source_ref = {"survey_id", "response_id", "question_id", "version", "part", ["option_id"]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import surveys as domain
from app.extensions import db
from app.models import Community, FeedbackItem, Survey, SurveyResponse, SurveyStatus
from app.services.surveys import lifecycle as survey_service
from app.services.surveys.results import community_zone


@dataclass(frozen=True)
class FeedbackQuestion:
    """A question whose answers become feedback items: an open text question, or a choice
    question with a 其他 option."""

    survey_id: int
    survey_title: str
    question_id: str
    question_title: str
    type: str
    part: str  # "answer" (text question) or "other" (其他 text)


def feedback_questions(community: Community) -> list[FeedbackQuestion]:
    """Every survey question of the community that feeds feedback items, survey by survey
    (newest survey first), from each survey's live definition (or its draft if never
    published)."""
    out: list[FeedbackQuestion] = []
    for survey in survey_service.list_surveys(community):
        definition = _definition(survey)
        if definition is None:
            continue
        for q in definition.questions:
            if q.type in ("short_text", "long_text") and q.config.feedback:
                out.append(FeedbackQuestion(survey.id, survey.title, q.id, q.title, q.type,
                                            "answer"))
            elif q.other_option is not None:
                out.append(FeedbackQuestion(survey.id, survey.title, q.id, q.title, q.type,
                                            "other"))
    return out


def _definition(survey: Survey) -> domain.Survey | None:
    try:
        if survey.live_version is not None:
            return survey_service.live_definition(survey)[1]
        return survey_service.draft_definition(survey)
    except Exception:  # a broken draft must not break other features' pages
        return None


def feedback_clause(survey_id: int, question_id: str | None = None):
    """A SQLAlchemy condition on FeedbackItem selecting one survey's (or one question's)
    items; combine it with the community filter."""
    # Only survey answers have a survey_id (``source_links``), so no source kind condition:
    # without it SQLite picks the survey index rather than the (community, kind) one.
    clause = FeedbackItem.survey_id == int(survey_id)
    if question_id:
        clause = db.and_(clause, FeedbackItem.question_key == question_id)
    return clause


def source_path(item: FeedbackItem, community_slug: str) -> str | None:
    """The page of the response a survey feedback item came from (with the question anchor),
    for "link back to the source"."""
    ref: dict[str, Any] = item.source_ref or {}
    if not ref.get("survey_id") or not ref.get("response_id"):
        return None
    return (f"/c/{community_slug}/surveys/{int(ref['survey_id'])}/responses/"
            f"{int(ref['response_id'])}#q-{ref.get('question_id', '')}")


@dataclass(frozen=True)
class ScorePoint:
    """A score over the responses of one period (None when there were none)."""

    start: date
    responses: int
    score: float | None
    ci_low: float | None = None
    ci_high: float | None = None


SCORE_TYPES = ("nps", "csat", "ces")


def score_trend(community: Community, kind: str = "nps", *, survey_id: int | None = None,
                start: date | None = None, end: date | None = None,
                period: str = "week", community_nps: bool = False) -> list[ScorePoint]:
    """NPS (−100..100, with a 95% interval), CSAT % (with a Wilson interval) or CES mean by
    week (weeks start on Monday) or month, over every published or closed survey of the
    community (or one survey), using each survey's questions of that type (with
    ``community_nps``, only the NPS questions marked as the community NPS question). Periods
    without responses are included with ``score=None``; dates are in the community's time
    zone."""
    if kind not in SCORE_TYPES:
        raise ValueError(f"kind must be one of {SCORE_TYPES}")
    if period not in ("week", "month"):
        raise ValueError("period must be 'week' or 'month'")
    stmt = db.select(Survey).where(Survey.community_id == community.id,
                                   Survey.status != SurveyStatus.DRAFT.value)
    if survey_id is not None:
        stmt = stmt.where(Survey.id == survey_id)
    values: list[tuple[date, int]] = []
    for survey in db.session.execute(stmt).scalars():
        definition = _definition(survey)
        if definition is None:
            continue
        question_ids = [q.id for q in definition.questions if q.type == kind
                        and (not community_nps or q.id == survey.community_nps_question)]
        if not question_ids:
            continue
        zone = community_zone(survey)
        rstmt = db.select(SurveyResponse.answers, SurveyResponse.submitted_at).where(
            SurveyResponse.survey_id == survey.id)
        if start is not None:
            rstmt = rstmt.where(SurveyResponse.submitted_at >= _utc(start - timedelta(days=1)))
        if end is not None:
            rstmt = rstmt.where(SurveyResponse.submitted_at < _utc(end + timedelta(days=2)))
        for answers, submitted in db.session.execute(rstmt):
            day = submitted.replace(tzinfo=UTC).astimezone(zone).date()
            if (start and day < start) or (end and day > end):
                continue
            for qid in question_ids:
                value = (answers or {}).get(qid)
                if isinstance(value, int) and not isinstance(value, bool):
                    values.append((day, value))
    if not values:
        return []
    buckets: dict[date, list[int]] = {}
    for day, value in values:
        buckets.setdefault(_period_start(day, period), []).append(value)
    first = _period_start(start, period) if start else min(buckets)
    last = _period_start(end, period) if end else max(buckets)
    out = []
    current = first
    while current <= last:
        out.append(_score(kind, current, buckets.get(current, [])))
        current = _next_period(current, period)
    return out


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _period_start(day: date, period: str) -> date:
    if period == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def _next_period(day: date, period: str) -> date:
    if period == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=7)


def _score(kind: str, start: date, values: list[int]) -> ScorePoint:
    if not values:
        return ScorePoint(start, 0, None)
    if kind == "nps":
        s = domain.nps_score(values)
        return ScorePoint(start, s.total, s.score, s.ci_low, s.ci_high)
    if kind == "csat":
        c = domain.csat_score(values)
        return ScorePoint(start, c.total, c.percent, c.ci_low, c.ci_high)
    e = domain.ces_score(values)
    return ScorePoint(start, e.total, e.mean)
