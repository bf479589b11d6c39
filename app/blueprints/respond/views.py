"""Answering a survey through its public link.

- ``GET /s/<key>``: the welcome screen, the current page of your answers, or the thank-you
  page once you have submitted (also after a retried submission).
- ``POST /s/<key>/start``: begin; the channel (``?ch=``) and invitation (``?t=``) travel along.
- ``POST /s/<key>``: back, save for later, or next/submit on a page.
- ``GET /s/<key>/resume/<token>``: continue on this device from a resume link.

Anonymous answers store no identity and no IP address; submissions are rate-limited per
client (``ANON_RATE_LIMIT``, counted on a keyed hash of the address, kept only in the limiter).
"""

from __future__ import annotations

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.respond import respond_bp
from app.blueprints.respond.forms import PageForm, StartForm
from app.blueprints.respond.runner import (
    RunContext,
    answered_on_device,
    handle_post,
    render_answered_on_device,
    render_done,
    render_message,
    render_page,
    render_start,
    set_cookie,
)
from app.blueprints.service_calls import commit
from app.extensions import limiter
from app.models import AccessMode, Survey, SurveySession, SurveyStatus
from app.security.access import membership_of, public
from app.security.rate_limits import limit_for
from app.services.errors import ServiceError
from app.services.links import absolute_url
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import responses as runs

COOKIE_NAME = "hs_resume"


def _anon_limit() -> str:
    return limit_for("ANON_RATE_LIMIT")


def _counted(response) -> bool:
    """Only starting a response or storing one counts against the rate limit."""
    return bool(g.get("survey_write"))


def _context(key: str) -> RunContext:
    survey = survey_service.find_by_key(key)
    if survey is None or survey.status == SurveyStatus.DRAFT.value or survey.live_version is None:
        abort(404)
    version, definition = survey_service.live_definition(survey)
    g.community = survey.community
    return RunContext(
        survey=survey, version=version, definition=definition, preview=False,
        page_url=url_for("respond.survey", key=key),
        start_url=url_for("respond.start", key=key),
        cookie_name=COOKIE_NAME, cookie_path=f"/s/{key}",
        resume_url=lambda token: absolute_url("respond.resume", key=key, token=token),
    )


def _login_redirect():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _gate(ctx: RunContext):
    """Who may answer: members of the community for member-mode surveys. Returns a
    response to send instead, or None."""
    if ctx.survey.access_mode != AccessMode.MEMBER.value:
        if ctx.survey.one_per_device and answered_on_device(ctx):
            return render_answered_on_device(ctx)
        return None
    if not current_user.is_authenticated:
        return _login_redirect()
    if not current_user.is_superuser and membership_of(current_user, ctx.survey.community) is None:
        return render_message(ctx, _("仅限社群成员填写"),
                              _("这份问卷只面向「%(name)s」的成员，请使用成员账号登录。",
                                name=ctx.survey.community.name), 403)
    answered = runs.member_response(ctx.survey, current_user)
    if answered is not None:
        return render_message(ctx, _("你已经提交过了"),
                              _("每位成员只能提交一次，感谢你的参与！"))
    return None


def _find_session(ctx: RunContext) -> tuple[SurveySession | None, str | None]:
    """The session on this device (cookie), or the member's own session."""
    token = request.cookies.get(COOKIE_NAME)
    session = runs.session_by_token(ctx.survey, token)
    if session is None:
        token = None
    if ctx.survey.access_mode == AccessMode.MEMBER.value and current_user.is_authenticated:
        if session is None or session.respondent_id != current_user.id:
            session, token = runs.member_session(ctx.survey, current_user), None
    elif session is not None and session.respondent_id is not None:
        session, token = None, None
    return session, token


def _closed(ctx: RunContext):
    reason = survey_service.closed_reason(ctx.survey)
    if reason is None:
        return None
    return render_message(ctx, _("问卷已停止收集"), str(survey_service.CLOSED_REASONS[reason]))


@respond_bp.route("/<key>", methods=["GET", "POST"])
@limiter.limit(_anon_limit, methods=["POST"], deduct_when=_counted)
@public
def survey(key: str):
    """The member page: welcome, the current page, or thank-you."""
    ctx = _context(key)
    session, token = _find_session(ctx)
    if session is not None and session.finished:
        if request.method == "POST":
            return redirect(ctx.page_url)
        return render_done(ctx, again=ctx.survey.allows_repeats
                           and survey_service.closed_reason(ctx.survey) is None)
    gate = _gate(ctx)
    if gate is not None:
        return gate
    closed = _closed(ctx)
    if closed is not None:
        return closed
    if request.method == "POST":
        form = PageForm()
        if session is None or not form.validate_on_submit():
            return redirect(ctx.page_url)
        if form.idem.data and form.idem.data != session.idempotency_key:
            return redirect(ctx.page_url)
        return handle_post(ctx, session, form, request.form.to_dict(flat=False), token)
    if session is None:
        channel = survey_service.known_channel(ctx.survey, request.args.get("ch"))
        invitation_token = request.args.get("t")
        if ctx.survey.access_mode == AccessMode.TOKEN.value:
            try:
                runs.find_invitation(ctx.survey, invitation_token)
            except ServiceError as exc:
                status = 404 if exc.code in ("invitation_required", "invitation_invalid") \
                    else 409
                return render_message(ctx, _("无法打开问卷"), exc.message, status)
        return render_start(ctx, channel=channel, token=invitation_token)
    page_id = runs.current_page_id(ctx.definition, session)
    if page_id is None:
        return render_message(ctx, _("问卷暂时无法填写"), _("这份问卷没有需要回答的题目。"))
    return render_page(ctx, session, page_id, token=token)


@respond_bp.route("/<key>/start", methods=["POST"])
@limiter.limit(_anon_limit, deduct_when=_counted)
@public
def start(key: str):
    """Begin answering (or answer again after finishing an anonymous survey)."""
    ctx = _context(key)
    gate = _gate(ctx)
    if gate is not None:
        return gate
    closed = _closed(ctx)
    if closed is not None:
        return closed
    form = StartForm()
    if not form.validate_on_submit():
        return redirect(ctx.page_url)
    session, token = _find_session(ctx)
    if session is not None and not session.finished:
        return redirect(ctx.page_url)
    invitation = None
    if ctx.survey.access_mode == AccessMode.TOKEN.value:
        try:
            invitation = runs.find_invitation(ctx.survey, form.t.data)
        except ServiceError as exc:
            return render_message(ctx, _("无法打开问卷"), exc.message, 409)
    session, token = runs.start_session(
        ctx.survey, version=ctx.version,
        user=current_user if current_user.is_authenticated else None,
        channel=survey_service.known_channel(ctx.survey, form.ch.data),
        invitation=invitation)
    commit()
    g.survey_write = True
    return set_cookie(redirect(ctx.page_url), ctx, token)


@respond_bp.route("/<key>/resume/<token>")
@public
def resume(key: str, token: str):
    """Continue a saved response on this device."""
    ctx = _context(key)
    session = runs.session_by_token(ctx.survey, token)
    if session is None:
        return render_message(ctx, _("续填链接已失效"),
                              _("这个续填链接无效或已过期。你可以重新开始填写。"), 404)
    if session.respondent_id is not None:
        if not current_user.is_authenticated:
            return _login_redirect()
        if session.respondent_id != current_user.id:
            return render_message(ctx, _("续填链接已失效"),
                                  _("这个续填链接属于另一位成员。"), 403)
    return set_cookie(redirect(ctx.page_url), ctx, token)


def survey_url(survey: Survey, channel: str | None = None) -> str:
    """The absolute public link of a survey (with a channel)."""
    args = {"ch": channel} if channel else {}
    return absolute_url("respond.survey", key=survey.public_key, **args)
