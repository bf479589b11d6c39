"""Answering surveys: sessions that keep partial answers server-side (resume by cookie or
link), page-by-page validation and skip logic, and storing finished responses exactly once.

A response is stored by ``store_response``, the one path shared by the member page and the
API: it checks that the survey is open, inserts the response (whose idempotency key, member
and invitation are unique in the database), turns its free texts into feedback items,
spends the invitation token and counts the response against the survey's limit.
``commit_response`` wraps it in a transaction and resolves duplicates: a retried submission
with the same idempotency key returns the response stored the first time.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

import surveys as domain
from app.extensions import db
from app.models import (
    AccessMode,
    ResponseSource,
    SourceKind,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveySession,
    SurveyStatus,
    SurveyVersion,
    User,
    utcnow,
)
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.insights.feedback import (
    FeedbackInput,
    insert_new_feedback,
    prepare_new_feedback,
    record_new_feedback,
)
from app.services.surveys import lifecycle as survey_service

SESSION_TTL = timedelta(days=30)
FINISHED_TTL = timedelta(days=2)
MAX_KEY_LENGTH = 80


def token_hash(token: str) -> str:
    """SHA-256 of a secret token (only hashes are stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


class AnswersInvalid(ServiceError):
    """The answers do not pass validation; ``errors`` lists the domain's AnswerErrors."""

    code = "invalid_answers"

    def __init__(self, errors: Sequence[domain.AnswerError]):
        super().__init__(_l("回答未通过校验，请检查标出的题目。"))
        self.errors = tuple(errors)


# -- invitations --------------------------------------------------------------------------

def find_invitation(survey: Survey, token: str | None) -> SurveyInvitation:
    """The usable invitation of this survey behind a token; raises NotFound / Conflict."""
    if not token or len(token) > 100:
        raise NotFound(_l("这份问卷需要专属邀请链接才能填写。"), code="invitation_required")
    invitation = db.session.execute(
        db.select(SurveyInvitation).where(SurveyInvitation.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if invitation is None or invitation.survey_id != survey.id:
        raise NotFound(_l("邀请链接无效，请检查链接是否完整。"), code="invitation_invalid")
    if invitation.revoked_at is not None:
        raise Conflict(_l("这个邀请链接已被作废。"), code="invitation_revoked")
    if invitation.used_at is not None:
        raise Conflict(_l("这个邀请链接已经提交过回答，每个链接只能使用一次。"),
                       code="invitation_used")
    return invitation


# -- sessions -----------------------------------------------------------------------------

def start_session(survey: Survey, *, version: SurveyVersion | None, user: User | None = None,
                  channel: str | None = None, invitation: SurveyInvitation | None = None,
                  preview: bool = False) -> tuple[SurveySession, str]:
    """Begin a response; returns the session and its secret resume token (shown once, as a
    cookie and a resume link). Member-mode sessions remember the member so they resume on
    any device; anonymous sessions store no identity."""
    token = secrets.token_urlsafe(24)
    now = utcnow()
    respondent_id = None
    if user is not None and (preview or survey.access_mode == AccessMode.MEMBER.value):
        respondent_id = user.id
    session = SurveySession(
        survey_id=survey.id,
        community_id=survey.community_id,
        version_id=version.id if version is not None else None,
        token_hash=token_hash(token),
        idempotency_key="web-" + secrets.token_urlsafe(24),
        answers={},
        current_page=None,
        option_seed=secrets.token_hex(8),
        channel=channel,
        respondent_id=respondent_id,
        invitation_id=invitation.id if invitation is not None else None,
        preview=preview,
        created_at=now,
        updated_at=now,
        expires_at=now + SESSION_TTL,
    )
    db.session.add(session)
    db.session.flush()
    return session, token


def session_by_token(survey: Survey, token: str | None, *,
                     preview: bool = False) -> SurveySession | None:
    """The live session of this survey behind a resume token, if any."""
    if not token or len(token) > 100:
        return None
    session = db.session.execute(
        db.select(SurveySession).where(SurveySession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if session is None or session.survey_id != survey.id or session.preview != preview:
        return None
    if session.expires_at <= utcnow():
        return None
    return session


def member_session(survey: Survey, user: User) -> SurveySession | None:
    """The member's unfinished session of a member-mode survey (resumes across devices)."""
    return db.session.execute(
        db.select(SurveySession).where(
            SurveySession.survey_id == survey.id, SurveySession.respondent_id == user.id,
            SurveySession.preview.is_(False), SurveySession.response_id.is_(None),
            SurveySession.expires_at > utcnow(),
        ).order_by(SurveySession.updated_at.desc()).limit(1)
    ).scalar_one_or_none()


def member_response(survey: Survey, user: User) -> SurveyResponse | None:
    """The member's response to a survey, if they submitted one."""
    return db.session.execute(
        db.select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                        SurveyResponse.respondent_id == user.id)
    ).scalar_one_or_none()


def rotate_token(session: SurveySession) -> str:
    """Give a session a new resume token (e.g. a member resuming on another device)."""
    token = secrets.token_urlsafe(24)
    session.token_hash = token_hash(token)
    return token


# -- pages --------------------------------------------------------------------------------

@dataclass
class PageState:
    """Everything the member page needs to show one page."""

    page: domain.Page
    path: domain.Path
    number: int
    total: int
    is_last: bool
    values: dict[str, Any]
    known: dict[str, Any]
    errors: dict[str, list[domain.AnswerError]] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    question_numbers: dict[str, int] = field(default_factory=dict)


def current_page_id(definition: domain.Survey, session: SurveySession) -> str | None:
    """The page the session is on (the first page of the path when unset or stale)."""
    path = domain.compute_path(definition, session.answers or {})
    if session.current_page and session.current_page in path.pages:
        return session.current_page
    return path.next_page(None)


def page_state(definition: domain.Survey, answers: Mapping[str, Any], page_id: str,
               errors: Sequence[domain.AnswerError] = ()) -> PageState:
    """The path, progress, numbering and values for showing ``page_id``."""
    path = domain.compute_path(definition, answers)
    page = definition.page(page_id)
    number, total = path.position(page_id)
    known = domain.validate_answers(definition, answers).answers
    by_question: dict[str, list[domain.AnswerError]] = {}
    for e in errors:
        by_question.setdefault(e.question_id or "", []).append(e)
    hidden = {q.id for q in page.questions if q.id not in path.questions}
    numbers = {qid: n for n, qid in enumerate(path.questions, start=1)}
    return PageState(page, path, number or 1, max(total, 1), path.next_page(page_id) is None,
                     dict(answers), known, by_question, hidden, numbers)


def merge_page(definition: domain.Survey, answers: Mapping[str, Any], page_id: str,
               form: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The answers with this page's questions replaced by what the form posted."""
    page = definition.page(page_id)
    merged = {k: v for k, v in answers.items() if k not in {q.id for q in page.questions}}
    merged.update(domain.answers_from_form(definition, form, page_id))
    return merged


def _later_answers(definition: domain.Survey, answers: Mapping[str, Any],
                   page_id: str) -> dict[str, Any]:
    limit = definition.page_indexes[page_id]
    return {k: v for k, v in answers.items()
            if definition.locations.get(k, (-1, 0))[0] > limit}


def save_page(session: SurveySession, definition: domain.Survey, page_id: str,
              form: Mapping[str, Sequence[str]]) -> None:
    """Keep what the member typed on a page without checking it (back, save for later)."""
    session.answers = merge_page(definition, session.answers or {}, page_id, form)
    session.current_page = page_id
    session.expires_at = utcnow() + SESSION_TTL


def go_back(session: SurveySession, definition: domain.Survey, page_id: str,
            form: Mapping[str, Sequence[str]]) -> str | None:
    """Save the page as typed and move to the previous page on the path."""
    save_page(session, definition, page_id, form)
    previous = domain.compute_path(definition, session.answers).previous_page(page_id)
    session.current_page = previous or page_id
    return previous


@dataclass
class Advance:
    """What happened when the member pressed Next or Submit on a page."""

    errors: tuple[domain.AnswerError, ...] = ()
    next_page: str | None = None
    complete: bool = False


def advance(session: SurveySession, definition: domain.Survey, page_id: str,
            form: Mapping[str, Sequence[str]]) -> Advance:
    """Validate the page server-side; on success store its canonical answers and move along
    the path the logic computes (``complete`` when there is no further page)."""
    merged = merge_page(definition, session.answers or {}, page_id, form)
    result = domain.validate_page(definition, merged, page_id)
    session.expires_at = utcnow() + SESSION_TTL
    if not result.ok:
        session.answers = merged
        session.current_page = page_id
        return Advance(errors=result.errors)
    # Keep answers of later pages (the member may have been there before): they pre-fill.
    session.answers = {**_later_answers(definition, merged, page_id), **result.answers}
    if result.next_page_id is not None:
        session.current_page = result.next_page_id
        return Advance(next_page=result.next_page_id)
    session.current_page = page_id
    return Advance(complete=True)


def final_answers(session: SurveySession, definition: domain.Survey) -> domain.ValidationResult:
    """Validate the whole response at submit (answers hidden by the logic are dropped)."""
    return domain.validate_answers(definition, session.answers or {})


# -- storing ------------------------------------------------------------------------------

def _text_items(survey: Survey, version, definition: domain.Survey, response_id: int | None,
                answers: dict[str, Any], channel: str | None, submitted_at: datetime | None,
                author_id: int | None) -> list[FeedbackInput]:
    items = []
    for text in domain.extract_free_texts(definition, answers):
        ref = {"survey_id": survey.id, "response_id": response_id,
               "question_id": text.question_id, "version": version.number,
               "part": text.source}
        if text.option_id:
            ref["option_id"] = text.option_id
        items.append(FeedbackInput(
            community_id=survey.community_id,
            source_kind=SourceKind.SURVEY_ANSWER,
            source_key=f"survey:{survey.id}:response:{response_id}:{text.question_id}",
            text=text.text,
            source_id=response_id,
            source_ref=ref,
            author_id=author_id,
            channel=channel,
            occurred_at=submitted_at,
        ))
    return items


def record_response_texts(survey: Survey, version, definition: domain.Survey, response,
                          author_id: int | None) -> int:
    """Turn a new response's open answers and 其他 texts into feedback items (PII redacted);
    returns how many were recorded. ``response`` needs ``id``, ``answers``, ``channel`` and
    ``submitted_at``; ``version`` its ``number``."""
    return record_new_feedback(_text_items(survey, version, definition, response.id,
                                           response.answers, response.channel,
                                           response.submitted_at, author_id))


_SURVEYS = Survey.__table__
_INVITATIONS = SurveyInvitation.__table__
_RESPONSES = SurveyResponse.__table__
# Statements of the busy path, built once (building them costs more than running them).
_INSERT_RESPONSE = _RESPONSES.insert()
_COUNT_RESPONSE = (
    _SURVEYS.update()
    .where(_SURVEYS.c.id == db.bindparam("survey"),
           _SURVEYS.c.community_id == db.bindparam("community"),
           _SURVEYS.c.status == SurveyStatus.PUBLISHED.value,
           db.or_(_SURVEYS.c.close_at.is_(None), _SURVEYS.c.close_at > db.bindparam("now")),
           db.or_(_SURVEYS.c.max_responses.is_(None),
                  _SURVEYS.c.response_count < _SURVEYS.c.max_responses))
    .values(response_count=_SURVEYS.c.response_count + 1,
            data_revision=_SURVEYS.c.data_revision + 1,
            updated_at=db.bindparam("now"))  # explicit: an UPDATE inside WITH gets no onupdate
)


# On PostgreSQL the count and the insert are one statement (a data-modifying WITH): the busy
# path saves a round trip, and the response is inserted only if the survey counted it.
_RESPONSE_COLUMNS = ("survey_id", "community_id", "version_id", "answers", "channel", "source",
                     "submitted_at", "started_at", "option_seed", "idempotency_key",
                     "respondent_id", "invitation_id")
_INSERT_COUNTED_RESPONSE = (
    _RESPONSES.insert()
    .from_select(_RESPONSE_COLUMNS, db.select(
        # Prefixed: a parameter named like a column of surveys would become a SET of the UPDATE.
        *[db.bindparam(f"r_{name}", type_=_RESPONSES.c[name].type) for name in _RESPONSE_COLUMNS]
    ).select_from(_COUNT_RESPONSE.returning(_SURVEYS.c.id).cte("counted")))
    .returning(_RESPONSES.c.id)
)


def _count_params(survey: Survey, now: datetime) -> dict[str, Any]:
    return {"survey": survey.id, "community": survey.community_id, "now": now}


def _count_response(survey: Survey, now: datetime, conn=None) -> None:
    """Count one more response. This is the authoritative check that the survey (still in
    the same community) takes responses: published, before its close date and below its
    limit, decided atomically in the same statement (so a response limit holds under any
    concurrency, and a briefly cached survey description cannot let a response through)."""
    conn = conn or db.session.connection()
    if conn.execute(_COUNT_RESPONSE, _count_params(survey, now)).rowcount != 1:
        _refuse(survey, now, conn)


def _refuse(survey: Survey, now: datetime, conn) -> None:
    """Raise the Conflict that says why the survey did not count a response."""
    current = conn.execute(
        db.select(_SURVEYS.c.status, _SURVEYS.c.close_at, _SURVEYS.c.max_responses,
                  _SURVEYS.c.response_count).where(_SURVEYS.c.id == survey.id)).first()
    reason = survey_service.closed_reason(current, now) if current else "closed"
    raise Conflict(survey_service.CLOSED_REASONS[reason or "full"],
                   code=f"survey_{reason or 'full'}")


def _insert_response(survey: Survey, values: dict[str, Any], now: datetime, conn) -> int:
    """Insert the response and count it (on PostgreSQL in one statement); returns its id."""
    if conn.dialect.name == "postgresql":
        params = {f"r_{name}": values[name] for name in _RESPONSE_COLUMNS}
        row = conn.execute(_INSERT_COUNTED_RESPONSE,
                           {**params, **_count_params(survey, now)}).first()
        if row is None:
            _refuse(survey, now, conn)
        return row[0]
    response_id = conn.execute(_INSERT_RESPONSE, values).inserted_primary_key[0]
    _count_response(survey, now, conn)
    return response_id


def _spend_invitation(invitation: SurveyInvitation, now: datetime, conn=None) -> None:
    """Mark the token used; refused if another response spent it first."""
    result = (conn or db.session.connection()).execute(
        _INVITATIONS.update()
        .where(_INVITATIONS.c.id == invitation.id, _INVITATIONS.c.used_at.is_(None),
               _INVITATIONS.c.revoked_at.is_(None))
        .values(used_at=now)
    )
    if result.rowcount != 1:
        raise Conflict(_l("这个邀请链接已经提交过回答，每个链接只能使用一次。"),
                       code="invitation_used")


@dataclass
class NewResponse:
    """A validated response ready to store."""

    answers: dict[str, Any]
    source: ResponseSource = ResponseSource.WEB
    channel: str | None = None
    respondent_id: int | None = None
    invitation: SurveyInvitation | None = None
    idempotency_key: str | None = None
    option_seed: str | None = None
    started_at: datetime | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class ResponseRow:
    """A response just inserted (plain values; load ``SurveyResponse`` for the ORM object)."""

    id: int
    survey_id: int
    community_id: int
    version_id: int
    answers: dict[str, Any]
    channel: str | None
    source: str
    submitted_at: datetime
    respondent_id: int | None
    invitation_id: int | None


def store_response(survey: Survey, version, definition: domain.Survey,
                   data: NewResponse, conn=None) -> ResponseRow:
    """Insert one response and its feedback items on ``conn`` (the session's connection by
    default; the caller commits). Anonymous and invitation responses store no identity:
    ``respondent_id`` is kept only in member mode.

    This is the busy path of every submission, so it writes with plain statements: the
    response with its count (which refuses the response atomically when the survey is closed
    or full), its feedback items in one statement, and the invitation.
    """
    survey_service.ensure_open(survey)
    member_mode = survey.access_mode == AccessMode.MEMBER.value
    now = utcnow()
    values = {
        "survey_id": survey.id,
        "community_id": survey.community_id,
        "version_id": version.id,
        "answers": data.answers,
        "channel": data.channel,
        "source": ResponseSource(data.source).value,
        "submitted_at": data.submitted_at or now,
        "started_at": data.started_at,
        "option_seed": data.option_seed,
        "idempotency_key": data.idempotency_key,
        "respondent_id": data.respondent_id if member_mode else None,
        "invitation_id": data.invitation.id if data.invitation is not None else None,
    }
    # Texts are redacted before the first write, so the write transaction stays short.
    feedback = prepare_new_feedback(_text_items(
        survey, version, definition, None, data.answers, values["channel"],
        values["submitted_at"], values["respondent_id"]))
    # Plain statements: no unit-of-work bookkeeping needed.
    conn = conn if conn is not None else db.session.connection()
    response_id = _insert_response(survey, values, now, conn)
    for item in feedback:
        question_id = item["source_ref"]["question_id"]
        item["source_key"] = f"survey:{survey.id}:response:{response_id}:{question_id}"
        item["source_id"] = response_id
        item["source_ref"]["response_id"] = response_id
    insert_new_feedback(feedback, conn)
    if data.invitation is not None:
        _spend_invitation(data.invitation, now, conn)
    return ResponseRow(
        id=response_id,
        **{k: values[k] for k in ("survey_id", "community_id", "version_id", "answers",
                                  "channel", "source", "submitted_at", "respondent_id",
                                  "invitation_id")})


def find_by_idempotency_key(survey: Survey, key: str) -> SurveyResponse | None:
    """The response stored with this idempotency key, if any."""
    return db.session.execute(
        db.select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                        SurveyResponse.idempotency_key == key)
    ).scalar_one_or_none()


def response_data(r: SurveyResponse | ResponseRow) -> dict[str, Any]:
    """A response as plain data (the API's form); times are naive UTC ISO strings."""
    return {"id": r.id, "survey_id": r.survey_id,
            "submitted_at": r.submitted_at.isoformat() + "Z" if r.submitted_at else None,
            "channel": r.channel, "source": r.source, "answers": r.answers,
            "version_id": r.version_id, "respondent_id": r.respondent_id}


@dataclass
class Stored:
    """The stored response, whether this call created it (False: a replay), and its data
    (read before the commit, so showing it needs no further query)."""

    response: SurveyResponse | ResponseRow
    created: bool
    data: dict[str, Any] = field(default_factory=dict)


def commit_response(survey: Survey, version, definition: domain.Survey,
                    data: NewResponse, *, after_store=None, own_transaction: bool = False
                    ) -> Stored:
    """Store a response and COMMIT. A duplicate idempotency key returns the response stored
    the first time (``created=False``); a second response of the same member or invitation
    raises Conflict. ``after_store(response, conn)`` runs inside the transaction (e.g. to
    mark the session finished).

    ``own_transaction`` writes on a connection of its own rather than the session's, which
    spares the busy API path the session's bookkeeping; the session must hold no pending
    writes then (SQLite would wait for its lock).
    """
    survey_id = survey.id
    try:
        if own_transaction:
            with db.engine.begin() as conn:
                response = store_response(survey, version, definition, data, conn)
                if after_store is not None:
                    after_store(response, conn)
                snapshot = response_data(response)
        else:
            conn = db.session.connection()
            response = store_response(survey, version, definition, data, conn)
            if after_store is not None:
                after_store(response, conn)
            snapshot = response_data(response)
            db.session.commit()
        return Stored(response, True, snapshot)
    except IntegrityError:
        db.session.rollback()
    except ServiceError:
        db.session.rollback()
        if data.idempotency_key:
            # A retry of a stored submission after the survey closed or filled up.
            existing = find_by_idempotency_key(db.session.get(Survey, survey_id),
                                               data.idempotency_key)
            if existing is not None:
                return Stored(existing, False, response_data(existing))
        raise
    # Someone else stored a conflicting row first: find out which rule it was.
    survey = db.session.get(Survey, survey_id)
    if data.idempotency_key:
        existing = find_by_idempotency_key(survey, data.idempotency_key)
        if existing is not None:
            return Stored(existing, False, response_data(existing))
    if data.invitation is not None:
        raise Conflict(_l("这个邀请链接已经提交过回答，每个链接只能使用一次。"),
                       code="invitation_used")
    if data.respondent_id is not None and survey.access_mode == AccessMode.MEMBER.value:
        raise Conflict(_l("你已经提交过这份问卷，每位成员只能提交一次。"), code="already_answered")
    raise Conflict(_l("提交冲突，请刷新页面后重试。"), code="conflict")


def finish_session(survey: Survey, version: SurveyVersion, definition: domain.Survey,
                   session: SurveySession, answers: dict[str, Any]) -> Stored:
    """Store the session's validated answers as the response (commits) and close the session;
    a retry after success returns the same response."""
    invitation = (db.session.get(SurveyInvitation, session.invitation_id)
                  if session.invitation_id else None)
    session_id = session.id

    def close_session(response: ResponseRow, conn) -> None:
        conn.execute(
            db.update(SurveySession).where(SurveySession.id == session_id)
            .values(response_id=response.id, answers={}, expires_at=utcnow() + FINISHED_TTL))

    stored = commit_response(survey, version, definition, NewResponse(
        answers=answers, source=ResponseSource.WEB, channel=session.channel,
        respondent_id=session.respondent_id, invitation=invitation,
        idempotency_key=session.idempotency_key, option_seed=session.option_seed,
        started_at=session.created_at,
    ), after_store=close_session)
    if not stored.created:
        # A concurrent duplicate won the race: point the session at the stored response.
        db.session.execute(
            db.update(SurveySession).where(SurveySession.id == session_id)
            .values(response_id=stored.response.id, answers={})
            .execution_options(synchronize_session=False))
        db.session.commit()
    return stored


# -- the JSON API -------------------------------------------------------------------------

def canonical_json(answers: Mapping[str, Any]) -> str:
    """A stable text form of answers, to compare a replayed submission with the original."""
    return json.dumps(answers, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def submit_via_api(survey: Survey, answers: Any, *, channel: str | None,
                   idempotency_key: str | None, invitation_token: str | None) -> Stored:
    """Validate strictly (answers to questions the logic hides are errors) and store (commits).
    ``survey`` may be the model or a row of its columns (id, community_id, created_at,
    status, access_mode, live_version, close_at, max_responses, response_count, channels).

    The same idempotency key with the same answers returns the first response; with
    different answers it is a conflict. The key's uniqueness is left to the database, so a
    new submission costs no lookup.
    """
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()
        if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH - 4:
            raise ServiceError(_l("幂等键长度需在 1 到 76 个字符之间。"),
                               code="invalid_idempotency_key", field="idempotency_key")
        idempotency_key = "api-" + idempotency_key
    if survey.access_mode == AccessMode.MEMBER.value:
        raise Conflict(_l("实名问卷只能由成员登录后在网页上填写。"), code="member_survey")
    version, definition = survey_service.submission_definition(survey)
    result = domain.validate_answers(definition, answers, hidden_answers=domain.HIDDEN_REJECT)
    if not result.ok:
        raise AnswersInvalid(result.errors)
    if channel is not None and survey_service.known_channel(survey, channel) is None:
        raise ServiceError(_l("问卷没有设置渠道「%(channel)s」。", channel=channel[:64]),
                           code="unknown_channel", field="channel")
    invitation = None
    if survey.access_mode == AccessMode.TOKEN.value:
        invitation = find_invitation(survey, invitation_token)
    elif invitation_token:
        raise ServiceError(_l("这份问卷不使用邀请链接。"), code="invitation_not_used",
                           field="invitation_token")
    stored = commit_response(survey, version, definition, NewResponse(
        answers=result.answers, source=ResponseSource.API,
        channel=survey_service.known_channel(survey, channel), invitation=invitation,
        idempotency_key=idempotency_key,
    ), own_transaction=True)
    if not stored.created and canonical_json(stored.data["answers"]) != canonical_json(
            result.answers):
        raise Conflict(_l("这个幂等键已用于另一份不同的回答。"), code="idempotency_conflict")
    return stored


def prune_sessions(now: datetime | None = None) -> int:
    """Delete expired sessions (partial answers nobody resumed, finished ones, previews)."""
    now = now or utcnow()
    result = db.session.execute(db.delete(SurveySession).where(SurveySession.expires_at <= now))
    return result.rowcount or 0
