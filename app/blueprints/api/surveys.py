"""Surveys in the JSON API (operators): list, definition, submit, list and export responses,
statistics. See docs/api.md."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from flask import Response, g, request
from flask_babel import gettext as _

from app.blueprints.api import api_bp
from app.blueprints.api.auth import api_token_required
from app.blueprints.api.envelope import fail, ok
from app.extensions import db
from app.models import Survey
from app.security.roles import Role
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.links import absolute_url
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import results as results_service
from app.services.surveys.responses import AnswersInvalid, response_data, submit_via_api
from app.services.surveys.results import NO_CHANNEL, ResponseFilter
from app.services.surveys.texts import answer_error_message

MAX_PER_PAGE = 200


# Built once: on the submit path, building a statement costs more than running it.
_SURVEY_BY_ID = db.select(Survey).where(Survey.id == db.bindparam("survey_id"))
def _survey(survey_id: int) -> Survey | None:
    survey = db.session.execute(_SURVEY_BY_ID, {"survey_id": survey_id}).scalar_one_or_none()
    if survey is None or survey.community_id != g.community.id:
        return None
    return survey


def _not_found():
    return fail(404, "not_found", _("找不到这份问卷。"))


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value else None


def survey_summary(survey: Survey) -> dict[str, Any]:
    """The list form of a survey."""
    return {
        "id": survey.id, "title": survey.title, "status": survey.status,
        "access_mode": survey.access_mode, "version": survey.live_version,
        "response_count": survey.response_count, "max_responses": survey.max_responses,
        "close_at": _iso(survey.close_at), "created_at": _iso(survey.created_at),
        "published_at": _iso(survey.published_at),
        "channels": survey.channels or [],
        "url": (absolute_url("respond.survey", key=survey.public_key)
                if survey.live_version else None),
        "accepting_responses": survey_service.closed_reason(survey) is None,
    }


@api_bp.route("/surveys")
@api_token_required(Role.OPERATOR)
def surveys_list():
    """The community's surveys, newest first (``?status=draft|published|closed``)."""
    status = request.args.get("status") or None
    if status not in (None, "draft", "published", "closed"):
        return fail(400, "invalid_status", _("status 只能是 draft、published 或 closed。"))
    rows = survey_service.list_surveys(g.community, status=status)
    return ok([survey_summary(s) for s in rows], count=len(rows))


@api_bp.route("/surveys/<int:survey_id>")
@api_token_required(Role.OPERATOR)
def survey_detail(survey_id: int):
    """A survey with its published definition (``?version=draft`` for the working copy,
    ``?version=N`` for an older version)."""
    survey = _survey(survey_id)
    if survey is None:
        return _not_found()
    wanted = request.args.get("version")
    if wanted == "draft" or (wanted is None and survey.live_version is None):
        definition, number = survey.definition, None
    else:
        try:
            number = int(wanted) if wanted else survey.live_version
        except ValueError:
            return fail(400, "invalid_version", _("version 应为版本号或 draft。"))
        version = survey_service.get_version(survey, number)
        if version is None:
            return fail(404, "version_not_found", _("没有这个版本。"))
        definition = version.definition
    return ok({**survey_summary(survey), "definition_version": number,
               "definition": definition})


def _errors_payload(errors) -> list[dict[str, Any]]:
    return [{**e.to_dict(), "message": answer_error_message(e)} for e in errors]


@api_bp.route("/surveys/<int:survey_id>/responses", methods=["POST"])
@api_token_required(Role.OPERATOR, objects=False)
def survey_submit(survey_id: int):
    """Submit a response: ``{"answers": {...}, "channel": "...", "idempotency_key": "..."}``
    (or the ``Idempotency-Key`` header). Validated strictly: answers to questions the logic
    hides are errors. A repeated key returns the first response (200 instead of 201)."""
    survey = survey_service.submission_info(survey_id)
    if survey is None or survey.community_id != g.community_id:
        return _not_found()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return fail(400, "invalid_body", _("请求体应为 JSON 对象。"))
    answers = body.get("answers")
    if not isinstance(answers, dict):
        return fail(400, "invalid_answers", _("answers 应为对象（题目编号 → 答案）。"))
    channel = body.get("channel")
    if channel is not None and not isinstance(channel, str):
        return fail(400, "invalid_channel", _("channel 应为字符串。"))
    key = request.headers.get("Idempotency-Key") or body.get("idempotency_key")
    if key is not None and not isinstance(key, str):
        return fail(400, "invalid_idempotency_key", _("幂等键应为字符串。"))
    token = body.get("invitation_token")
    if token is not None and not isinstance(token, str):
        return fail(400, "invalid_invitation_token", _("invitation_token 应为字符串。"))
    try:
        stored = submit_via_api(survey, answers, channel=channel or None, idempotency_key=key,
                                invitation_token=token)
    except AnswersInvalid as exc:
        return fail(422, "invalid_answers", exc.message, errors=[
            {"code": "invalid_answers", "message": exc.message}] + _errors_payload(exc.errors))
    except NotFound as exc:
        return fail(404, exc.code, exc.message)
    except Conflict as exc:
        return fail(409, exc.code, exc.message)
    except ServiceError as exc:
        return fail(400, exc.code, exc.message)
    return ok(stored.data, 201 if stored.created else 200, replayed=not stored.created)


def response_json(r) -> dict[str, Any]:
    """A response in the API."""
    return response_data(r)


def _date_arg(name: str) -> date | None:
    text = request.args.get(name)
    if not text:
        return None
    return date.fromisoformat(text)


def _filter(survey: Survey) -> ResponseFilter:
    channel = request.args.get("channel") or None
    return ResponseFilter(channel=channel if channel != "none" else NO_CHANNEL,
                          since=_date_arg("since"), until=_date_arg("until"),
                          source=request.args.get("source") or None,
                          version=request.args.get("version", type=int))


@api_bp.route("/surveys/<int:survey_id>/responses")
@api_token_required(Role.OPERATOR)
def survey_responses(survey_id: int):
    """Responses newest first: ``?page=&per_page=&channel=&since=&until=&source=&version=``
    (dates are YYYY-MM-DD in the community's time zone)."""
    survey = _survey(survey_id)
    if survey is None:
        return _not_found()
    try:
        f = _filter(survey)
    except ValueError:
        return fail(400, "invalid_date", _("日期格式应为 YYYY-MM-DD。"))
    page = max(1, request.args.get("page", 1, type=int) or 1)
    per_page = min(MAX_PER_PAGE, max(1, request.args.get("per_page", 50, type=int) or 50))
    rows, total = results_service.list_responses(survey, f, limit=per_page,
                                                 offset=(page - 1) * per_page)
    return ok([response_json(r) for r in rows], page=page, per_page=per_page, total=total)


@api_bp.route("/surveys/<int:survey_id>/responses/export")
@api_token_required(Role.OPERATOR)
def survey_export(survey_id: int):
    """The responses as a file: ``?format=csv|xlsx`` plus the list filters."""
    survey = _survey(survey_id)
    if survey is None:
        return _not_found()
    kind = request.args.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        return fail(400, "invalid_format", _("format 只能是 csv 或 xlsx。"))
    if survey.live_version is None:
        return fail(409, "not_published", _("这份问卷还没有发布。"))
    try:
        f = _filter(survey)
    except ValueError:
        return fail(400, "invalid_date", _("日期格式应为 YYYY-MM-DD。"))
    data, mimetype, name = results_service.export(survey, f, kind)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return _iso(value)
    return value


@api_bp.route("/surveys/<int:survey_id>/statistics")
@api_token_required(Role.OPERATOR)
def survey_statistics(survey_id: int):
    """Per-question statistics (counts, percentages, NPS with its interval, CSAT, CES …)
    of the filtered responses."""
    survey = _survey(survey_id)
    if survey is None:
        return _not_found()
    if survey.live_version is None:
        return fail(409, "not_published", _("这份问卷还没有发布。"))
    try:
        f = _filter(survey)
    except ValueError:
        return fail(400, "invalid_date", _("日期格式应为 YYYY-MM-DD。"))
    computed = results_service.results(survey, f)
    return ok({"version": computed.version, **_plain(computed.statistics)})
