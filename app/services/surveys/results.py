"""Reading results: filtered response lists, statistics (cached per data revision), cross-tabs,
exports, open answers, and readable answers for the response detail page.

Statistics walk every response through the survey's logic (about 20 µs each), so they are
cached per process by (survey, data revision, definition version, filter): any new, imported
or deleted response bumps ``Survey.data_revision`` and the next request recomputes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

import surveys as domain
from app.extensions import db
from app.models import (
    FeedbackItem,
    Survey,
    SurveyResponse,
    SurveySession,
    SurveyVersion,
    User,
    utcnow,
)
from app.services import audit
from app.services.channels import channel_names
from app.services.errors import NotFound
from app.services.surveys import lifecycle as survey_service

NO_CHANNEL = "_none"


def community_zone(survey: Survey) -> ZoneInfo:
    """The time zone dates are shown and filtered in."""
    try:
        return ZoneInfo(survey.community.timezone or "Asia/Shanghai")
    except Exception:  # an unknown zone name must not break the results pages
        return ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class ResponseFilter:
    """Which responses a results page looks at (every field optional).

    ``channel`` is a channel key or ``NO_CHANNEL``; ``since`` / ``until`` are inclusive local
    dates; ``version`` is a version number.
    """

    channel: str | None = None
    since: date | None = None
    until: date | None = None
    source: str | None = None
    version: int | None = None

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return any(v is not None for v in (self.channel, self.since, self.until, self.source,
                                           self.version))

    def args(self) -> dict[str, str]:
        """URL query arguments for links that keep this filter."""
        out = {}
        if self.channel:
            out["channel"] = self.channel
        if self.since:
            out["since"] = self.since.isoformat()
        if self.until:
            out["until"] = self.until.isoformat()
        if self.source:
            out["source"] = self.source
        if self.version is not None:
            out["version"] = str(self.version)
        return out


def _utc_bounds(survey: Survey, f: ResponseFilter) -> tuple[datetime | None, datetime | None]:
    zone = community_zone(survey)

    def to_utc(day: date) -> datetime:
        return datetime.combine(day, time.min, zone).astimezone(UTC).replace(tzinfo=None)

    since = to_utc(f.since) if f.since else None
    until = to_utc(f.until + timedelta(days=1)) if f.until else None
    return since, until


def _filtered(stmt, survey: Survey, f: ResponseFilter):
    stmt = stmt.where(SurveyResponse.survey_id == survey.id)
    if f.channel == NO_CHANNEL:
        stmt = stmt.where(SurveyResponse.channel.is_(None))
    elif f.channel:
        stmt = stmt.where(SurveyResponse.channel == f.channel)
    since, until = _utc_bounds(survey, f)
    if since is not None:
        stmt = stmt.where(SurveyResponse.submitted_at >= since)
    if until is not None:
        stmt = stmt.where(SurveyResponse.submitted_at < until)
    if f.source:
        stmt = stmt.where(SurveyResponse.source == f.source)
    if f.version is not None:
        stmt = stmt.join(SurveyVersion, SurveyVersion.id == SurveyResponse.version_id).where(
            SurveyVersion.number == f.version)
    return stmt


def definition_for(survey: Survey, f: ResponseFilter) -> tuple[SurveyVersion, domain.Survey]:
    """The definition results are read with: the filtered version, else the live one."""
    version = survey_service.get_version(survey, f.version) if f.version is not None else None
    if version is None:
        return survey_service.live_definition(survey)
    return version, survey_service.version_definition(version)


def list_responses(survey: Survey, f: ResponseFilter, *, limit: int = 50, offset: int = 0
                   ) -> tuple[list[SurveyResponse], int]:
    """A page of responses, newest first, and the filtered total."""
    total = db.session.execute(
        _filtered(db.select(db.func.count(SurveyResponse.id)), survey, f)).scalar_one()
    rows = db.session.execute(
        _filtered(db.select(SurveyResponse), survey, f)
        .order_by(SurveyResponse.submitted_at.desc(), SurveyResponse.id.desc())
        .limit(limit).offset(offset)
    ).scalars()
    return list(rows), int(total)


def neighbours(survey: Survey, response: SurveyResponse) -> tuple[int | None, int | None]:
    """Ids of the newer and the older response, for previous/next links."""
    key = (response.submitted_at, response.id)
    newer = db.session.execute(
        db.select(SurveyResponse.id).where(
            SurveyResponse.survey_id == survey.id,
            db.or_(SurveyResponse.submitted_at > key[0],
                   db.and_(SurveyResponse.submitted_at == key[0], SurveyResponse.id > key[1])))
        .order_by(SurveyResponse.submitted_at.asc(), SurveyResponse.id.asc()).limit(1)
    ).scalar_one_or_none()
    older = db.session.execute(
        db.select(SurveyResponse.id).where(
            SurveyResponse.survey_id == survey.id,
            db.or_(SurveyResponse.submitted_at < key[0],
                   db.and_(SurveyResponse.submitted_at == key[0], SurveyResponse.id < key[1])))
        .order_by(SurveyResponse.submitted_at.desc(), SurveyResponse.id.desc()).limit(1)
    ).scalar_one_or_none()
    return newer, older


def domain_responses(survey: Survey, f: ResponseFilter) -> list[domain.SurveyResponse]:
    """Filtered responses as the domain's plain objects (only the columns it needs)."""
    stmt = _filtered(db.select(SurveyResponse.id, SurveyResponse.answers, SurveyResponse.channel,
                               SurveyResponse.submitted_at), survey, f)
    rows = db.session.execute(stmt.order_by(SurveyResponse.submitted_at, SurveyResponse.id))
    return [domain.SurveyResponse(answers or {}, channel, submitted, str(rid))
            for rid, answers, channel, submitted in rows]


# -- statistics, cached -------------------------------------------------------------------

@dataclass(frozen=True)
class Results:
    """Statistics of a filtered set of responses, with the definition they were read with."""

    definition: domain.Survey
    version: int
    statistics: domain.SurveyStatistics
    daily: tuple[tuple[date, int], ...]
    responses: tuple[domain.SurveyResponse, ...]


_CACHE: OrderedDict[tuple, Results] = OrderedDict()
_CACHE_SIZE = 32
_lock = Lock()


def _daily_counts(responses: Sequence[domain.SurveyResponse], zone: ZoneInfo
                  ) -> tuple[tuple[date, int], ...]:
    counts: dict[date, int] = {}
    for r in responses:
        if r.submitted_at is None:
            continue
        day = r.submitted_at.replace(tzinfo=UTC).astimezone(zone).date()
        counts[day] = counts.get(day, 0) + 1
    if not counts:
        return ()
    first, last = min(counts), max(counts)
    out = []
    day = first
    while day <= last:
        out.append((day, counts.get(day, 0)))
        day += timedelta(days=1)
    return tuple(out)


def results(survey: Survey, f: ResponseFilter = ResponseFilter()) -> Results:
    """Statistics of the filtered responses; cached until responses change."""
    version, definition = definition_for(survey, f)
    key = (survey.id, survey.created_at, survey.data_revision, version.id, version.created_at, f,
           tuple(sorted(survey.channel_labels().items())))
    with _lock:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    responses = tuple(domain_responses(survey, f))
    stats = domain.compute_statistics(definition, responses,
                                      channel_labels=survey.channel_labels())
    computed = Results(definition, version.number, stats,
                       _daily_counts(responses, community_zone(survey)), responses)
    with _lock:
        _CACHE[key] = computed
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return computed


def clear_cache() -> None:
    """Forget cached statistics (tests)."""
    with _lock:
        _CACHE.clear()


def cross_tab(survey: Survey, f: ResponseFilter, question_id: str, by: str,
              item: str | None = None) -> domain.CrossTab:
    """A cross-tab of the filtered responses; raises domain.CrossTabError for bad choices."""
    computed = results(survey, f)
    return domain.cross_tab(computed.definition, computed.responses, question_id, by, item=item,
                            channel_labels=survey.channel_labels())


def segments(survey: Survey, f: ResponseFilter, by: str) -> list[tuple[str, str]]:
    """The segments of the filtered responses that ``by`` (a channel or a question) offers."""
    from surveys.comparison import segments_of

    computed = results(survey, f)
    return segments_of(computed.definition, computed.responses, by,
                       {**channel_names(survey.community_id), **survey.channel_labels()})


def compare(survey: Survey, f: ResponseFilter, question_id: str, by: str, a: str,
            b: str):
    """A question's score in two segments with a significance test (a
    ``surveys.comparison.Comparison``); raises domain.CrossTabError for bad choices."""
    from surveys.comparison import compare_segments

    computed = results(survey, f)
    return compare_segments(computed.definition, computed.responses, question_id, by, a, b,
                            channel_labels={**channel_names(survey.community_id),
                                            **survey.channel_labels()})


@dataclass(frozen=True)
class Headline:
    """The numbers at the top of the statistics page."""

    total: int
    last_7_days: int
    in_progress: int
    median_minutes: float | None
    first_at: datetime | None
    last_at: datetime | None


def headline(survey: Survey, computed: Results) -> Headline:
    """Totals, recent responses, partial sessions and the typical time to answer."""
    week_ago = utcnow() - timedelta(days=7)
    recent = sum(1 for r in computed.responses if r.submitted_at and r.submitted_at >= week_ago)
    in_progress = db.session.execute(
        db.select(db.func.count(SurveySession.id)).where(
            SurveySession.survey_id == survey.id, SurveySession.preview.is_(False),
            SurveySession.response_id.is_(None), SurveySession.expires_at > utcnow())
    ).scalar_one()
    durations = db.session.execute(
        db.select(SurveyResponse.submitted_at, SurveyResponse.started_at).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.started_at.is_not(None))
        .order_by(SurveyResponse.id.desc()).limit(2000)
    ).all()
    minutes = sorted((s - b).total_seconds() / 60 for s, b in durations if s >= b)
    median = minutes[len(minutes) // 2] if minutes else None
    stats = computed.statistics
    return Headline(stats.total_responses, recent, int(in_progress), median,
                    stats.first_submitted_at, stats.last_submitted_at)


# -- export -------------------------------------------------------------------------------

def export(survey: Survey, f: ResponseFilter, kind: str) -> tuple[bytes, str, str]:
    """(file bytes, mimetype, file name) of the filtered responses as CSV or XLSX; times
    are in the community's time zone and formulas are defused by the domain."""
    version, definition = definition_for(survey, f)
    zone = community_zone(survey)
    responses = [
        domain.SurveyResponse(r.answers, r.channel,
                              r.submitted_at.replace(tzinfo=UTC) if r.submitted_at else None,
                              r.id)
        for r in domain_responses(survey, f)
    ]
    stamp = utcnow().replace(tzinfo=UTC).astimezone(zone).strftime("%Y%m%d-%H%M")
    base = f"survey-{survey.id}-v{version.number}-{stamp}"
    names = {**channel_names(survey.community_id), **survey.channel_labels()}
    if kind == "xlsx":
        data = domain.export_xlsx(definition, responses, timezone=zone, channel_names=names)
        return (data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                base + ".xlsx")
    data = domain.export_csv(definition, responses, timezone=zone, channel_names=names)
    return data, "text/csv; charset=utf-8", base + ".csv"


# -- open answers and feedback items ------------------------------------------------------

def open_answers(survey: Survey, *, question_id: str | None = None, limit: int = 50,
                 offset: int = 0) -> tuple[list[FeedbackItem], int]:
    """Feedback items made from this survey's open answers and 其他 texts, newest first."""
    stmt = db.select(FeedbackItem).where(
        FeedbackItem.community_id == survey.community_id,
        FeedbackItem.survey_id == survey.id)
    if question_id:
        stmt = stmt.where(FeedbackItem.question_key == question_id)
    total = db.session.execute(
        db.select(db.func.count()).select_from(stmt.subquery())).scalar_one()
    rows = db.session.execute(
        stmt.order_by(FeedbackItem.occurred_at.desc(), FeedbackItem.id.desc())
        .limit(limit).offset(offset)).scalars()
    return list(rows), int(total)


def feedback_for_response(response: SurveyResponse) -> dict[str, FeedbackItem]:
    """The feedback items of one response by question id."""
    rows = db.session.execute(
        db.select(FeedbackItem).where(
            FeedbackItem.community_id == response.community_id,
            FeedbackItem.survey_id == response.survey_id,
            FeedbackItem.response_id == response.id)
    ).scalars()
    return {item.question_key: item for item in rows}


def delete_response(response: SurveyResponse, *, actor: User | None, record: bool = True
                    ) -> None:
    """Delete a response and its feedback items (e.g. spam in an anonymous survey);
    ``record=False`` leaves the audit entry to the caller (a member's erasure)."""
    survey = db.session.get(Survey, response.survey_id)
    for item in feedback_for_response(response).values():
        db.session.delete(item)
    db.session.execute(db.update(SurveySession).where(
        SurveySession.response_id == response.id).values(response_id=None)
        .execution_options(synchronize_session=False))
    if record:
        audit.record("survey.response_deleted", "survey_response", response.id, actor=actor,
                     community_id=response.community_id,
                     before={"survey_id": response.survey_id})
    db.session.delete(response)
    survey.response_count = max(0, survey.response_count - 1)
    survey.data_revision += 1


# -- readable answers ---------------------------------------------------------------------

@dataclass
class AnswerView:
    """One question of a response as the detail page shows it."""

    question: domain.Question
    page: domain.Page
    state: str  # answered | unanswered | hidden | skipped
    lines: list[str]
    rows: list[tuple[str, str]]
    feedback: FeedbackItem | None = None


def _scale_label(q: domain.Question, value: Any) -> str:
    labels = getattr(q.config, "labels", None)
    if labels and isinstance(value, int) and 1 <= value <= len(labels):
        return f"{value} · {labels[value - 1]}"
    if q.type == "rating":
        return f"{value} / {q.config.max_rating} ★"
    if q.type == "nps":
        return f"{value} / 10"
    return str(value)


def describe_answer(q: domain.Question, answer: Any) -> tuple[list[str], list[tuple[str, str]]]:
    """Lines (and matrix rows) of a canonical answer, with labels instead of ids."""
    from surveys.question_types.choice import other_text, selected

    if q.type in ("single_choice", "dropdown", "multiple_choice"):
        lines = [q.option_index[c].label if c in q.option_index else c
                 for c in selected(answer)]
        other = other_text(answer)
        if other:
            lines = [f"{line}：{other}" if q.option_index.get(c) and q.option_index[c].other
                     else line for line, c in zip(lines, selected(answer), strict=True)]
        return lines, []
    if q.type in ("rating", "nps", "csat", "ces"):
        return [_scale_label(q, answer)], []
    if q.type == "matrix":
        scale = {p.value: p.label for p in q.config.scale}
        return [], [(item.label, f"{answer[item.id]} · {scale.get(answer[item.id], '')}")
                    for item in q.config.items if item.id in answer]
    if q.type == "ranking":
        return [f"{n}. {q.option_index[i].label if i in q.option_index else i}"
                for n, i in enumerate(answer, start=1)], []
    if q.type == "number":
        unit = q.config.unit
        return [f"{answer} {unit}".strip()], []
    return [str(answer)], []


def response_answers(response: SurveyResponse) -> tuple[domain.Survey, list[AnswerView]]:
    """Every question of the response's version, with its answer or why it has none."""
    version = db.session.get(SurveyVersion, response.version_id)
    if version is None:
        raise NotFound("version missing")
    definition = survey_service.version_definition(version)
    path = domain.compute_path(definition, response.answers or {})
    known = domain.validate_answers(definition, response.answers or {}).answers
    items = feedback_for_response(response)
    views = []
    for page in definition.pages:
        for q in page.questions:
            if page.id in path.skipped_pages:
                state = "skipped"
            elif q.id in path.hidden_questions:
                state = "hidden"
            elif q.id in known:
                state = "answered"
            else:
                state = "unanswered"
            lines, rows = describe_answer(q, known[q.id]) if state == "answered" else ([], [])
            views.append(AnswerView(q, page, state, lines, rows, items.get(q.id)))
    return definition, views
