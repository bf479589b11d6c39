"""Distribution: the public link, channel links and their QR codes, one-time invitation
links, and the operators' preview of the survey as a member sees it."""

from __future__ import annotations

import base64

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.community.forms import ConfirmForm
from app.blueprints.respond.forms import PageForm, StartForm
from app.blueprints.respond.runner import (
    RunContext,
    handle_post,
    render_done,
    render_message,
    render_page,
    render_start,
    set_cookie,
)
from app.blueprints.respond.views import survey_url
from app.blueprints.service_calls import commit, committing
from app.blueprints.surveys import surveys_bp
from app.blueprints.surveys.common import load_survey, run
from app.blueprints.surveys.forms import ChannelsForm, InvitationsForm
from app.extensions import db
from app.models import AccessMode, SurveyInvitation
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services import channels as channel_service
from app.services.links import absolute_url
from app.services.qr import QR_KINDS, qr_code
from app.services.surveys import invitations as invitations_service
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import responses as runs
from app.services.surveys.share_poster import PosterText, poster_png
from nlp.wordcloud import FontNotFoundError


@surveys_bp.route("/<int:survey_id>/share")
@community_required(Role.OPERATOR)
def share(slug: str, survey_id: int):
    """Links, channel links and QR codes to post in groups."""
    survey = load_survey(survey_id)
    links = [(None, _("公开链接"), survey_url(survey))]
    links += [(c["key"], c.get("label") or c["key"], survey_url(survey, c["key"]))
              for c in survey.channels or []]
    form = ChannelsForm(data={"channels": survey.channels or []})
    for _n in range(2):
        form.channels.append_entry()
    keys = {c["key"] for c in survey.channels or []}
    missing_presets = [c for c in channel_service.presets(g.community) if c["key"] not in keys]
    return render_template("surveys/share.html", survey=survey, links=links, form=form,
                           missing_presets=missing_presets,
                           closed=survey_service.closed_reason(survey))


@surveys_bp.route("/<int:survey_id>/channels", methods=["POST"])
@community_required(Role.OPERATOR)
def channels(slug: str, survey_id: int):
    """Save the survey's channels (code and name)."""
    survey = load_survey(survey_id)
    form = ChannelsForm()
    if form.validate_on_submit() and request.form.get("use_presets"):
        run(lambda: channel_service.add_presets_to(survey, g.community, actor=current_user),
            success=_("已添加社群常用渠道。"))
    elif form.validate_on_submit():
        pairs = [(e.form.key.data or "", e.form.label.data or "") for e in form.channels.entries]

        def save() -> None:
            survey_service.set_channels(survey, pairs, actor=current_user)
            if form.as_presets.data:
                channel_service.set_presets(g.community, pairs, actor=current_user)

        run(save, success=_("渠道已保存，并设为社群常用渠道。") if form.as_presets.data
            else _("渠道已保存。"))
    else:
        flash(_("渠道信息有误，请检查后重试。"), "error")
    return redirect(url_for("surveys.share", slug=slug, survey_id=survey.id) + "#channels")


@surveys_bp.route("/<int:survey_id>/qr.<kind>")
@community_required(Role.OPERATOR)
def qr(slug: str, survey_id: int, kind: str):
    """The QR code of the public link or of a channel link (``?ch=``), as PNG or SVG;
    ``?download=1`` saves it as a file."""
    survey = load_survey(survey_id)
    if kind not in QR_KINDS:
        abort(404)
    channel = survey_service.known_channel(survey, request.args.get("ch"))
    data = qr_code(survey_url(survey, channel), kind)
    response = Response(data, mimetype=QR_KINDS[kind])
    if request.args.get("download"):
        name = f"survey-{survey.id}-{channel or 'public'}-qr.{kind}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@surveys_bp.route("/<int:survey_id>/poster.png")
@community_required(Role.OPERATOR)
def poster(slug: str, survey_id: int):
    """A PNG poster for a group chat: the survey's title, the community's name, a short
    invitation and the QR code of the public link or of a channel link (``?ch=``)."""
    survey = load_survey(survey_id)
    channel = survey_service.known_channel(survey, request.args.get("ch"))
    try:
        data = poster_png(survey_url(survey, channel), poster_text(survey),
                          font_path=current_app.config.get("CJK_FONT_PATH") or None)
    except FontNotFoundError:
        abort(503)
    response = Response(data, mimetype="image/png")
    if request.args.get("download"):
        name = f"survey-{survey.id}-{channel or 'public'}-poster.png"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def poster_text(survey) -> PosterText:
    """The poster's words for ``survey``: title, community, invitation, how to answer."""
    if survey.live_version is not None:
        _version, definition = survey_service.live_definition(survey)
        questions = sum(len(page.questions) for page in definition.pages)
    else:  # a draft: the poster can be prepared before publishing
        questions = sum(len(page.get("questions") or ())
                        for page in (survey.definition or {}).get("pages") or ())
    footer = {AccessMode.ANONYMOUS.value: _("匿名填写，不记录身份和 IP 地址"),
              AccessMode.MEMBER.value: _("登录社群账号填写，每人一次")}.get(survey.access_mode, "")
    return PosterText(
        title=survey.title, community=survey.community.name,
        invitation=_("共 %(n)d 道题，说说你的想法，每一条我们都会认真看。", n=questions),
        scan_hint=_("长按或扫码识别二维码，立即填写"), footer=footer)


# -- invitations ----------------------------------------------------------------------------

PAGE_SIZE = 100


@surveys_bp.route("/<int:survey_id>/invitations", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def invitations(slug: str, survey_id: int):
    """Generate one-time links (shown once, with a CSV download) and follow their use."""
    survey = load_survey(survey_id)
    form = InvitationsForm()
    issued = []
    csv_data = None
    if form.validate_on_submit():
        labels = (form.labels.data or "").splitlines()
        with committing(form=form, field="count") as done:
            issued = invitations_service.create_invitations(
                survey, count=form.count.data or 0, labels=labels, actor=current_user,
                link_for=lambda token: absolute_url("respond.survey", key=survey.public_key,
                                                    t=token))
        if done:
            csv_data = base64.b64encode(invitations_service.links_csv(issued)).decode()
            flash(_("已生成 %(n)d 个专属链接。链接只显示这一次，请立即下载或复制。", n=len(issued)),
                  "success")
            form = InvitationsForm(formdata=None)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = invitations_service.list_invitations(survey, limit=PAGE_SIZE,
                                                       offset=(page - 1) * PAGE_SIZE)
    return render_template("surveys/invitations.html", survey=survey, form=form, issued=issued,
                           csv_data=csv_data, rows=rows, total=total, page=page,
                           has_next=page * PAGE_SIZE < total,
                           counts=invitations_service.counts(survey),
                           confirm_form=ConfirmForm(),
                           token_mode=survey.access_mode == AccessMode.TOKEN.value)


@surveys_bp.route("/<int:survey_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@community_required(Role.OPERATOR)
def revoke_invitation(slug: str, survey_id: int, invitation_id: int):
    """Stop an unused invitation link from working."""
    survey = load_survey(survey_id)
    invitation = get_in_community(SurveyInvitation, invitation_id)
    if invitation.survey_id != survey.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        run(lambda: invitations_service.revoke(invitation, actor=current_user),
            success=_("链接已作废。"))
    return redirect(url_for("surveys.invitations", slug=slug, survey_id=survey.id))


@surveys_bp.route("/<int:survey_id>/invitations.csv")
@community_required(Role.OPERATOR)
def invitations_csv(slug: str, survey_id: int):
    """Every invitation's label and state as CSV (the links themselves are not stored)."""
    survey = load_survey(survey_id)
    return Response(invitations_service.status_csv(survey), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="survey-{survey.id}-invitations.csv"'})


# -- preview --------------------------------------------------------------------------------

PREVIEW_COOKIE = "hs_preview"


def _preview_context(survey) -> RunContext:
    definition = survey_service.draft_definition(survey)
    base = url_for("surveys.preview", slug=g.community.slug, survey_id=survey.id)
    return RunContext(
        survey=survey, version=None, definition=definition, preview=True, page_url=base,
        start_url=url_for("surveys.preview_start", slug=g.community.slug, survey_id=survey.id),
        cookie_name=PREVIEW_COOKIE, cookie_path=base, resume_url=None,
        exit_url=url_for("surveys.builder", slug=g.community.slug, survey_id=survey.id))


def _preview_session(survey):
    session = runs.session_by_token(survey, request.cookies.get(PREVIEW_COOKIE), preview=True)
    if session is not None and session.respondent_id != current_user.id:
        return None
    return session


@surveys_bp.route("/<int:survey_id>/preview", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def preview(slug: str, survey_id: int):
    """Try the working definition as a member would (nothing is stored as a response)."""
    survey = load_survey(survey_id)
    ctx = _preview_context(survey)
    if not ctx.definition.questions:
        return render_message(ctx, _("还没有题目"), _("先在编辑页添加题目，再来预览。"))
    session = _preview_session(survey)
    if request.method == "POST":
        form = PageForm()
        if session is None or not form.validate_on_submit():
            return redirect(ctx.page_url)
        return handle_post(ctx, session, form, request.form.to_dict(flat=False), None)
    if session is None:
        return render_start(ctx)
    page_id = runs.current_page_id(ctx.definition, session)
    if page_id is None:
        return render_done(ctx, again=True)
    return render_page(ctx, session, page_id)


@surveys_bp.route("/<int:survey_id>/preview/start", methods=["POST"])
@community_required(Role.OPERATOR)
def preview_start(slug: str, survey_id: int):
    """Begin (or restart) a preview."""
    survey = load_survey(survey_id)
    ctx = _preview_context(survey)
    if not StartForm().validate_on_submit():
        return redirect(ctx.page_url)
    old = _preview_session(survey)
    if old is not None:
        db.session.delete(old)
    session, token = runs.start_session(survey, version=None, user=current_user, preview=True)
    commit()
    return set_cookie(redirect(ctx.page_url), ctx, token)
