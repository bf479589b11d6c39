"""Surveys: creating them from templates, editing the working definition, publishing versions,
the draft → published → closed lifecycle, distribution settings and lookups.

The definition dict lives in ``Survey.definition`` (the working copy). ``publish`` freezes it
into a new ``SurveyVersion`` when it changed; responses always record the version they
answered. Parsed versions are cached per process because versions never change.
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime
from threading import Lock

from flask_babel import lazy_gettext as _l

import surveys as domain
from app.extensions import db
from app.models import (
    AccessMode,
    Community,
    FeedbackItem,
    Survey,
    SurveyImport,
    SurveyResponse,
    SurveySession,
    SurveyStatus,
    SurveyVersion,
    User,
    utcnow,
)
from app.services import audit
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.ttl_cache import TTLCache
from app.storage import file_storage
from surveys.limits import MAX_PAGES, MAX_QUESTIONS

#: The community setting that keeps its usual channels (``[{"key", "label"}]``).
CHANNEL_PRESETS_SETTING = "channel_presets"
CHANNEL_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_CHANNELS = 50
MAX_RESPONSES_LIMIT = 1_000_000


def new_public_key() -> str:
    """The random part of a survey's public link: 12 URL-safe characters (72 bits)."""
    return secrets.token_urlsafe(9)


# -- parsing with a cache ---------------------------------------------------------------------

_VERSION_CACHE: OrderedDict[tuple, domain.Survey] = OrderedDict()
_VERSION_CACHE_SIZE = 256
_cache_lock = Lock()


def parse_definition(data: dict) -> domain.Survey:
    """A definition dict as a domain ``Survey`` (structure checked)."""
    return domain.Survey.from_dict(data)


def version_definition(version: SurveyVersion) -> domain.Survey:
    """The parsed definition of a published version (cached: versions are immutable)."""
    # The creation time is part of the key: SQLite may reuse the id of a deleted row.
    key = (version.id, version.survey_id, version.number, version.created_at)
    with _cache_lock:
        cached = _VERSION_CACHE.get(key)
        if cached is not None:
            _VERSION_CACHE.move_to_end(key)
            return cached
    parsed = parse_definition(version.definition)
    with _cache_lock:
        _VERSION_CACHE[key] = parsed
        while len(_VERSION_CACHE) > _VERSION_CACHE_SIZE:
            _VERSION_CACHE.popitem(last=False)
    return parsed


def draft_definition(survey: Survey) -> domain.Survey:
    """The working definition the builder edits."""
    return parse_definition(survey.definition)


def get_version(survey: Survey, number: int | None = None) -> SurveyVersion | None:
    """A version by number (default: the live one), or None."""
    number = survey.live_version if number is None else number
    if number is None:
        return None
    return db.session.execute(
        db.select(SurveyVersion).where(SurveyVersion.survey_id == survey.id,
                                       SurveyVersion.number == number)
    ).scalar_one_or_none()


def live_definition(survey: Survey) -> tuple[SurveyVersion, domain.Survey]:
    """The published version members answer, and its parsed definition."""
    version = get_version(survey)
    if version is None:
        raise NotFound(_l("这份问卷还没有发布。"), code="not_published")
    return version, version_definition(version)


@dataclass(frozen=True)
class LiveVersion:
    """The id and number of a published version (what a stored response records)."""

    id: int
    number: int


_LIVE_CACHE: OrderedDict[tuple, tuple[LiveVersion, domain.Survey]] = OrderedDict()


def submission_definition(survey: Survey) -> tuple[LiveVersion, domain.Survey]:
    """The live version to store a submission against, and its parsed definition; cached per
    process (a version never changes, and publishing changes ``live_version``), so a submit
    costs no query for it."""
    if survey.live_version is None:
        raise NotFound(_l("这份问卷还没有发布。"), code="not_published")
    key = (survey.id, survey.created_at, survey.live_version)
    with _cache_lock:
        cached = _LIVE_CACHE.get(key)
    if cached is not None:
        return cached
    version, definition = live_definition(survey)
    entry = (LiveVersion(version.id, version.number), definition)
    with _cache_lock:
        _LIVE_CACHE[key] = entry
        while len(_LIVE_CACHE) > _VERSION_CACHE_SIZE:
            _LIVE_CACHE.popitem(last=False)
    return entry


SUBMIT_INFO_TTL = 2.0  # seconds


@dataclass(frozen=True)
class SubmitInfo:
    """What a submission needs to know about its survey, kept per process for a moment.

    Only fields that hardly change are relied on from here; whether the survey takes
    responses (status, close date, limit) and that it still belongs to the caller's community
    are decided again, atomically, when the response is counted
    (``responses._count_response``).
    """

    id: int
    community_id: int
    created_at: datetime
    status: str
    access_mode: str
    live_version: int | None
    close_at: datetime | None
    max_responses: int | None
    channels: tuple[dict[str, str], ...]
    response_count: int | None = None  # not tracked here: the count check is authoritative


_SUBMIT_INFO: TTLCache[SubmitInfo] = TTLCache(SUBMIT_INFO_TTL)
_SUBMIT_QUERY = db.select(
    Survey.id, Survey.community_id, Survey.created_at, Survey.status, Survey.access_mode,
    Survey.live_version, Survey.close_at, Survey.max_responses, Survey.channels,
).where(Survey.id == db.bindparam("survey_id"))


def submission_info(survey_id: int) -> SubmitInfo | None:
    """The survey's submission info (None if there is no such survey), from a short-lived
    per-process cache: a busy survey costs one query per process every two seconds."""
    return _SUBMIT_INFO.get_or_load(survey_id, lambda: _load_submission_info(survey_id),
                                    keep_none=False)


def _load_submission_info(survey_id: int) -> SubmitInfo | None:
    row = db.session.connection().execute(_SUBMIT_QUERY, {"survey_id": survey_id}).first()
    if row is None:
        return None
    return SubmitInfo(row.id, row.community_id, row.created_at, row.status, row.access_mode,
                      row.live_version, row.close_at, row.max_responses,
                      tuple(row.channels or ()))


def forget_submission_info(survey_id: int | None = None) -> None:
    """Drop the cached submission info of a survey (of every survey when None)."""
    _SUBMIT_INFO.forget(survey_id)


def versions_by_id(survey: Survey) -> dict[int, SurveyVersion]:
    """Every version of a survey by id."""
    rows = db.session.execute(
        db.select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
    ).scalars()
    return {v.id: v for v in rows}


# -- lookups ----------------------------------------------------------------------------------

def list_surveys(community: Community, *, status: str | None = None) -> list[Survey]:
    """The community's surveys, newest first."""
    stmt = db.select(Survey).where(Survey.community_id == community.id)
    if status:
        stmt = stmt.where(Survey.status == status)
    return list(db.session.execute(
        stmt.order_by(Survey.created_at.desc(), Survey.id.desc())).scalars())


def find_by_key(public_key: str) -> Survey | None:
    """The survey behind a public link, if any."""
    if not public_key or len(public_key) > 24:
        return None
    return db.session.execute(
        db.select(Survey).where(Survey.public_key == public_key)
    ).scalar_one_or_none()


def open_for_members(community: Community, user: User | None) -> list[Survey]:
    """Published, open surveys a member can answer from the community's pages (invitation
    surveys are reached through their personal links only)."""
    now = utcnow()
    rows = db.session.execute(
        db.select(Survey).where(
            Survey.community_id == community.id,
            Survey.status == SurveyStatus.PUBLISHED.value,
            Survey.access_mode != AccessMode.TOKEN.value,
        ).order_by(Survey.published_at.desc())
    ).scalars()
    return [s for s in rows if closed_reason(s, now) is None]


def answered_by(user: User, survey_ids: list[int]) -> dict[int, datetime]:
    """When the member submitted each of these member-mode surveys."""
    if not survey_ids:
        return {}
    rows = db.session.execute(
        db.select(SurveyResponse.survey_id, SurveyResponse.submitted_at).where(
            SurveyResponse.respondent_id == user.id, SurveyResponse.survey_id.in_(survey_ids))
    )
    return dict(rows.all())


# -- creating ---------------------------------------------------------------------------------

BLANK_DEFINITION = {
    "schema_version": domain.SCHEMA_VERSION,
    "title": "",
    "pages": [{"id": "p1", "title": "", "questions": []}],
}


def create_survey(community: Community, *, actor: User | None, template_key: str | None = None,
                  title: str | None = None,
                  access_mode: AccessMode | str = AccessMode.ANONYMOUS) -> Survey:
    """A new draft survey, blank or copied from a template."""
    access_mode = AccessMode(access_mode)
    if template_key:
        try:
            definition = domain.load_template(template_key)
        except KeyError:
            raise ServiceError(_l("没有这个问卷模板。"), code="unknown_template",
                               field="template") from None
    else:
        definition = parse_definition({**BLANK_DEFINITION, "title": "未命名问卷"})
    title = (title or "").strip()
    if title:
        if len(title) > 200:
            raise ServiceError(_l("标题不能超过 200 个字。"), code="title_too_long", field="title")
        definition = replace(definition, title=title)
    survey = Survey(
        community_id=community.id,
        public_key=new_public_key(),
        title=definition.title,
        status=SurveyStatus.DRAFT.value,
        access_mode=access_mode.value,
        definition=definition.to_dict(),
        template_key=template_key or None,
        # the community's usual channels, so they are not typed again for every survey
        channels=[dict(c) for c in community.setting(CHANNEL_PRESETS_SETTING, [])],
        created_by_id=getattr(actor, "id", None),
        community_nps_question=_community_nps_of_template(template_key, definition),
    )
    db.session.add(survey)
    db.session.flush()
    audit.record("survey.created", "survey", survey.id, actor=actor, community_id=community.id,
                 after={"title": survey.title, "template": template_key})
    return survey


#: Templates that ask the community's own recommendation question: their NPS question is the
#: community NPS question from the start (an event template's NPS is about the event).
COMMUNITY_NPS_TEMPLATES = ("community_satisfaction",)


def _community_nps_of_template(template_key: str | None, definition) -> str | None:
    if template_key not in COMMUNITY_NPS_TEMPLATES:
        return None
    return next((q.id for q in definition.questions if q.type == "nps"), None)


def duplicate_survey(survey: Survey, *, actor: User | None) -> Survey:
    """A new draft with the same definition, mode and channels (no responses)."""
    definition = draft_definition(survey)
    copy_title = f"{definition.title}（副本）"[:200]
    definition = replace(definition, title=copy_title)
    copy = Survey(
        community_id=survey.community_id, public_key=new_public_key(), title=copy_title,
        status=SurveyStatus.DRAFT.value, access_mode=survey.access_mode,
        definition=definition.to_dict(), template_key=survey.template_key,
        channels=list(survey.channels or []), created_by_id=getattr(actor, "id", None),
        community_nps_question=survey.community_nps_question,
    )
    db.session.add(copy)
    db.session.flush()
    audit.record("survey.duplicated", "survey", copy.id, actor=actor,
                 community_id=survey.community_id, after={"from": survey.id})
    return copy


def _stored_size(stored: dict | None) -> tuple[int, int]:
    pages = (stored or {}).get("pages") or []
    return len(pages), sum(len(p.get("questions") or []) for p in pages if isinstance(p, dict))


def check_size(survey: Survey, definition: domain.Survey) -> None:
    """Refuse an edit that takes the survey past the page or question cap (a survey already
    past it, from before the cap, may still shrink)."""
    old_pages, old_questions = _stored_size(survey.definition)
    pages, questions = len(definition.pages), len(definition.questions)
    if questions > MAX_QUESTIONS and questions > old_questions:
        raise ServiceError(
            _l("一份问卷最多 %(n)d 道题，请删去一些题目，或把问卷拆成几份。", n=MAX_QUESTIONS),
            code="too_many_questions")
    if pages > MAX_PAGES and pages > old_pages:
        raise ServiceError(_l("一份问卷最多 %(n)d 页。", n=MAX_PAGES), code="too_many_pages")


def save_definition(survey: Survey, definition: domain.Survey) -> None:
    """Store an edited working definition (drafts may still have problems, but never
    exceed the size caps)."""
    check_size(survey, definition)
    survey.definition = definition.to_dict()
    survey.title = (definition.title or "").strip()[:500] or "未命名问卷"


def has_unpublished_changes(survey: Survey) -> bool:
    """Whether the working definition differs from the live version."""
    version = get_version(survey)
    return version is not None and version.definition != survey.definition


def discard_changes(survey: Survey, *, actor: User | None) -> None:
    """Reset the working definition to the live version."""
    version = get_version(survey)
    if version is None:
        raise Conflict(_l("这份问卷还没有发布过，没有可恢复的版本。"), code="not_published")
    survey.definition = dict(version.definition)
    survey.title = version.definition.get("title") or survey.title
    audit.record("survey.changes_discarded", "survey", survey.id, actor=actor,
                 community_id=survey.community_id)


# -- lifecycle --------------------------------------------------------------------------------

def problems(survey: Survey) -> list[domain.DefinitionProblem]:
    """Everything that blocks publishing the working definition."""
    try:
        definition = draft_definition(survey)
    except domain.DefinitionError as exc:
        return list(exc.problems)
    return domain.validate_definition(definition)


def publish(survey: Survey, *, actor: User | None) -> SurveyVersion:
    """Publish the working definition: refused while it has problems. A changed definition
    becomes a new version; existing responses keep theirs."""
    found = problems(survey)
    if found:
        raise ServiceError(
            _l("问卷还有 %(n)d 个问题需要修改，修改后才能发布。", n=len(found)),
            code="definition_invalid")
    now = utcnow()
    current = get_version(survey)
    if current is None or current.definition != survey.definition:
        number = (current.number if current else 0) + 1
        latest = db.session.execute(
            db.select(db.func.max(SurveyVersion.number)).where(
                SurveyVersion.survey_id == survey.id)).scalar_one()
        number = max(number, (latest or 0) + 1)
        current = SurveyVersion(survey_id=survey.id, number=number,
                                definition=dict(survey.definition),
                                created_by_id=getattr(actor, "id", None), created_at=now)
        db.session.add(current)
        db.session.flush()
        survey.live_version = number
    before = survey.status
    if survey.status == SurveyStatus.DRAFT.value:
        survey.status = SurveyStatus.PUBLISHED.value
        survey.published_at = survey.published_at or now
    forget_submission_info(survey.id)
    audit.record("survey.published", "survey", survey.id, actor=actor,
                 community_id=survey.community_id,
                 before={"status": before}, after={"status": survey.status,
                                                   "version": current.number})
    return current


def close(survey: Survey, *, actor: User | None) -> None:
    """Stop collecting responses."""
    if survey.status != SurveyStatus.PUBLISHED.value:
        raise Conflict(_l("只有收集中的问卷可以结束。"), code="not_published")
    survey.status = SurveyStatus.CLOSED.value
    survey.closed_at = utcnow()
    forget_submission_info(survey.id)
    audit.record("survey.closed", "survey", survey.id, actor=actor,
                 community_id=survey.community_id)


def reopen(survey: Survey, *, actor: User | None) -> None:
    """Collect responses again; the close date and the response limit must allow it."""
    if survey.status != SurveyStatus.CLOSED.value:
        raise Conflict(_l("只有已结束的问卷可以重新开放。"), code="not_closed")
    now = utcnow()
    if survey.close_at is not None and survey.close_at <= now:
        raise Conflict(_l("截止时间已过，请先修改或清除截止时间再重新开放。"),
                       code="deadline_passed")
    if survey.max_responses is not None and survey.response_count >= survey.max_responses:
        raise Conflict(_l("回答数已达到上限，请先调高回收上限再重新开放。"), code="full")
    survey.status = SurveyStatus.PUBLISHED.value
    survey.closed_at = None
    forget_submission_info(survey.id)
    audit.record("survey.reopened", "survey", survey.id, actor=actor,
                 community_id=survey.community_id)


CLOSED_REASONS = {
    "draft": _l("这份问卷还没有发布。"),
    "closed": _l("这份问卷已经结束收集，感谢你的关注。"),
    "deadline": _l("这份问卷已过截止时间，不再接收回答。"),
    "full": _l("这份问卷的回答数已达到上限，不再接收回答。"),
}


def closed_reason(survey: Survey, now: datetime | None = None) -> str | None:
    """Why the survey does not take responses now (a key of ``CLOSED_REASONS``), or None."""
    if survey.status == SurveyStatus.DRAFT.value:
        return "draft"
    if survey.status == SurveyStatus.CLOSED.value:
        return "closed"
    now = now or utcnow()
    if survey.close_at is not None and survey.close_at <= now:
        return "deadline"
    count = getattr(survey, "response_count", None)
    if survey.max_responses is not None and count is not None and count >= survey.max_responses:
        return "full"
    return None


def ensure_open(survey: Survey) -> None:
    """Raise Conflict with a clear message when the survey does not take responses."""
    reason = closed_reason(survey)
    if reason is not None:
        raise Conflict(CLOSED_REASONS[reason], code=f"survey_{reason}")


@dataclass
class SettingsInput:
    """Distribution settings edited by operators."""

    access_mode: str
    close_at: datetime | None
    max_responses: int | None
    one_per_device: bool = False


def update_settings(survey: Survey, data: SettingsInput, *, actor: User | None) -> None:
    """Change the access mode, close date and response limit."""
    mode = AccessMode(data.access_mode)
    if mode.value != survey.access_mode and survey.response_count > 0:
        raise Conflict(_l("已经收到回答的问卷不能更改填写方式；可以复制一份新问卷。"),
                       code="mode_locked", field="access_mode")
    if data.max_responses is not None and not 1 <= data.max_responses <= MAX_RESPONSES_LIMIT:
        raise ServiceError(_l("回收上限需在 1 到 1000000 之间。"), code="invalid_max",
                           field="max_responses")
    def snapshot() -> dict:
        return {"access_mode": survey.access_mode, "max_responses": survey.max_responses,
                "close_at": survey.close_at.isoformat() if survey.close_at else None,
                "one_per_device": survey.one_per_device}

    before = snapshot()
    survey.access_mode = mode.value
    survey.close_at = data.close_at
    survey.max_responses = data.max_responses
    # Members and invitations answer once anyway: the rule is for anonymous surveys.
    survey.one_per_device = bool(data.one_per_device) and mode is AccessMode.ANONYMOUS
    after = snapshot()
    forget_submission_info(survey.id)
    if before != after:
        audit.record("survey.settings_changed", "survey", survey.id, actor=actor,
                     community_id=survey.community_id, before=before, after=after)


def set_channels(survey: Survey, channels: list[tuple[str, str]], *,
                 actor: User | None) -> None:
    """Replace the survey's channels: (key, label) pairs, keys like ``wx-group-3``."""
    clean = clean_channels(channels)
    forget_submission_info(survey.id)
    if clean != (survey.channels or []):
        audit.record("survey.channels_changed", "survey", survey.id, actor=actor,
                     community_id=survey.community_id,
                     before={"channels": survey.channels}, after={"channels": clean})
    survey.channels = clean


def clean_channels(channels: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Checked channels as ``[{"key", "label"}]``: blank rows dropped, keys lower-cased and
    unique, a missing name set to the key; raises ServiceError for a bad or repeated key."""
    seen: set[str] = set()
    clean: list[dict[str, str]] = []
    for key, label in channels:
        key, label = (key or "").strip().lower(), (label or "").strip()
        if not key and not label:
            continue
        if not CHANNEL_KEY.match(key):
            raise ServiceError(
                _l("渠道代码「%(key)s」无效：请用小写字母、数字、连字符或下划线，最长 40 个字符。",
                   key=key or "（空）"), code="invalid_channel", field="channels")
        if key in seen:
            raise ServiceError(_l("渠道代码「%(key)s」重复了。", key=key),
                               code="duplicate_channel", field="channels")
        seen.add(key)
        clean.append({"key": key, "label": label[:40] or key})
    if len(clean) > MAX_CHANNELS:
        raise ServiceError(_l("最多设置 %(n)d 个渠道。", n=MAX_CHANNELS), code="too_many_channels",
                           field="channels")
    return clean


def known_channel(survey: Survey, channel: str | None) -> str | None:
    """The channel key if the survey has it configured, else None (unknown keys are not
    recorded, so a typo in a link cannot invent channels)."""
    if not channel:
        return None
    channel = channel.strip().lower()[:64]
    return channel if any(c["key"] == channel for c in survey.channels or ()) else None


def delete_survey(survey: Survey, *, actor: User | None) -> None:
    """Delete a survey with its versions, responses, sessions, feedback items and the files
    of its imports."""
    storage = file_storage()
    for key in db.session.execute(db.select(SurveyImport.file_key).where(
            SurveyImport.survey_id == survey.id, SurveyImport.file_key.is_not(None))).scalars():
        storage.delete(key)
    db.session.execute(db.delete(FeedbackItem).where(
        FeedbackItem.community_id == survey.community_id,
        FeedbackItem.survey_id == survey.id))
    db.session.execute(db.delete(SurveySession).where(SurveySession.survey_id == survey.id))
    forget_submission_info(survey.id)
    audit.record("survey.deleted", "survey", survey.id, actor=actor,
                 community_id=survey.community_id,
                 before={"title": survey.title, "responses": survey.response_count})
    db.session.delete(survey)
