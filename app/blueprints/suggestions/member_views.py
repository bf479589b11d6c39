"""Member-facing pages: the box, the private tracking link, my suggestions, the board and a
suggestion's page with votes, follows and comments."""

from __future__ import annotations

import logging

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.blueprints.api.envelope import fail, ok
from app.blueprints.auth.views import safe_next
from app.blueprints.service_calls import committing
from app.blueprints.suggestions import suggestions_bp
from app.blueprints.suggestions.forms import (
    AnswerForm,
    CommentForm,
    ConfirmForm,
    EditSuggestionForm,
    FollowForm,
    SuggestionForm,
    TrackEntryForm,
)
from app.blueprints.suggestions.helpers import (
    categories_choices,
    load,
    require,
    uploaded_images,
    viewer,
)
from app.extensions import limiter
from app.models import MEMBER_SUGGESTION_STATUS_LABELS, SuggestionComment, SuggestionStatus
from app.security.access import community_public, community_required, get_in_community
from app.security.rate_limits import limit_for
from app.security.roles import Role
from app.services.errors import ServiceError
from app.services.links import absolute_url
from app.services.suggestions import board as board_service
from app.services.suggestions import box as box_service
from app.services.suggestions import category as category_service
from app.services.suggestions import changelog as changelog_service
from app.services.suggestions import similarity, submissions
from app.services.suggestions.images import max_image_bytes, max_images, stored_key
from app.storage import FileMissing, send_stored

log = logging.getLogger(__name__)
BOARD_PAGE = 20
RECEIPT_KEY = "suggestion_receipt"


def _anon_limit() -> str:
    return limit_for("ANON_RATE_LIMIT")


def _tracking_limit() -> str:
    return limit_for("TRACKING_RATE_LIMIT")


def _box_form(settings) -> SuggestionForm:
    form = SuggestionForm()
    form.category.choices = categories_choices(settings.categories)
    if not submissions.is_key(form.submission_key.data):
        form.submission_key.data = submissions.new_key()
    return form


def _show_receipt(slug: str, suggestion, code: str):
    session[RECEIPT_KEY] = {"code": code, "id": suggestion.id,
                            "anonymous": suggestion.is_anonymous}
    return redirect(url_for(".thanks", slug=slug))


def _earlier_post(slug: str, key: str | None, person):
    """The response to a second post of a box form: the first one's receipt, a refusal, or
    None when the form was not posted before."""
    try:
        earlier = submissions.earlier_submission(g.community, key, person)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".box", slug=slug))
    return _show_receipt(slug, *earlier) if earlier else None


@suggestions_bp.route("/box", methods=["GET", "POST"])
@limiter.limit(_anon_limit, methods=["POST"])
@community_public
def box(slug: str):
    """The suggestion box: write a suggestion, anonymously if you like."""
    settings = box_service.box_settings(g.community)
    person = viewer()
    can_submit = person is not None or settings.anonymous_visitors
    form = _box_form(settings)
    if request.method == "POST" and not can_submit:
        flash(_("请先登录再提交建议。"), "error")
        return redirect(url_for("auth.login", next=url_for(".box", slug=slug)))
    if form.validate_on_submit():
        if form.website.data:
            # A bot filled the hidden field: answer as usual, keep nothing, log no client data.
            log.info("suggestion box honeypot triggered in community %s", g.community.id)
            return render_template("suggestions/thanks.html", receipt=None)
        key = form.submission_key.data
        if (answer := _earlier_post(slug, key, person)) is not None:
            return answer
        try:
            with committing(form=form, field="content") as done:
                submitted = box_service.submit(
                    g.community, content=form.content.data, title=form.title.data,
                    category=form.category.data, author=person,
                    anonymous=bool(form.anonymous.data) or person is None,
                    images=uploaded_images(), submission_key=key,
                )
        except IntegrityError:
            # The same form's other post stored its suggestion in the meantime (committing
            # rolled this one back).
            if (answer := _earlier_post(slug, key, person)) is None:
                raise
            return answer
        if done:
            return _show_receipt(slug, submitted.suggestion, submitted.tracking_code)
    suggested = None
    if request.method == "POST" and not form.category.data:
        # Sent without a category: propose one from the text; the member confirms it.
        suggested = category_service.suggest_category(g.community, form.content.data or "",
                                                      settings.categories)
        form.category.data = suggested
    return render_template(
        "suggestions/box.html", form=form, settings=settings, can_submit=can_submit,
        suggested_category=suggested,
        is_member=person is not None, max_images=max_images(),
        max_image_mb=max_image_bytes() // (1024 * 1024),
    )


@suggestions_bp.route("/box/thanks")
@community_public
def thanks(slug: str):
    """After submitting: the private tracking link and code, shown once."""
    receipt = session.pop(RECEIPT_KEY, None)
    if not receipt:
        return redirect(url_for(".box", slug=slug))
    code = receipt["code"]
    return render_template(
        "suggestions/thanks.html", receipt=receipt,
        tracking_code=box_service.format_tracking_code(code),
        tracking_url=absolute_url("suggestions.track", slug=slug, code=code),
    )


@suggestions_bp.route("/box/similar", methods=["POST"])
@limiter.limit("60 per minute")
@community_public
def similar(slug: str):
    """While typing: a category for the text, and existing suggestions like this one (only
    what the board shows members)."""
    data = request.get_json(silent=True) or {}
    text = f"{data.get('title') or ''} {data.get('text') or ''}".strip()[:box_service.MAX_CONTENT]
    if len(text) < 4:
        return ok({"items": [], "category": None})
    settings = box_service.box_settings(g.community)
    category = category_service.suggest_category(g.community, text, settings.categories)
    if viewer() is None or not settings.public_board:
        # Visitors and closed boards get no suggestions: the box's content is for members.
        return ok({"items": [], "category": category})
    try:
        found = similarity.similar_to_text(g.community, text, audience=similarity.MEMBER,
                                           limit=5)
    except ValueError:
        return fail(400, "invalid", _("请求无法处理，请检查填写的内容后重试。"))
    items = [{
        "id": hit.suggestion.id,
        "title": hit.suggestion.display_title,
        "status": hit.suggestion.status,
        "status_label": str(MEMBER_SUGGESTION_STATUS_LABELS[hit.suggestion.status_enum]),
        "score": hit.score,
        "url": url_for(".detail", slug=slug, suggestion_id=hit.suggestion.id),
    } for hit in found]
    return ok({"items": items, "category": category})


@suggestions_bp.route("/track", methods=["GET", "POST"])
@limiter.limit(_anon_limit, methods=["POST"])
@community_public
def track_entry(slug: str):
    """Type a tracking code to follow a suggestion."""
    form = TrackEntryForm()
    if form.validate_on_submit():
        code = box_service.normalise_tracking_code(form.code.data)
        if box_service.find_by_tracking_code(g.community, code) is not None:
            return redirect(url_for(".track", slug=slug, code=code))
        form.code.errors.append(_("没有找到这个查询码对应的建议，请检查后重试。"))
    return render_template("suggestions/track_entry.html", form=form)


def _tracked(code: str):
    suggestion = box_service.find_by_tracking_code(g.community, code)
    require(suggestion is not None)
    return suggestion


@suggestions_bp.route("/t/<code>")
@limiter.limit(_tracking_limit)
@community_public
def track(slug: str, code: str):
    """The private tracking page: status, the team's replies, and answering back."""
    suggestion = _tracked(code)
    return _render_tracking(suggestion, code, AnswerForm())


def _render_tracking(suggestion, code: str, form: AnswerForm, edit_form=None):
    target = box_service.merge_target_chain(suggestion)
    return render_template(
        "suggestions/track.html", suggestion=suggestion, code=code, form=form,
        edit_form=edit_form,
        formatted_code=box_service.format_tracking_code(code),
        updates=box_service.timeline(suggestion, include_private=True),
        target=target,
        target_updates=box_service.timeline(target, include_private=False) if target else [],
        changelog_entries=changelog_service.entries_answering(suggestion),
    )


@suggestions_bp.route("/t/<code>/answer", methods=["POST"])
@limiter.limit(_anon_limit)
@community_public
def track_answer(slug: str, code: str):
    """The submitter answers the team through the tracking link."""
    suggestion = _tracked(code)
    form = AnswerForm()
    if form.validate_on_submit():
        with committing(form=form, field="body") as done:
            box_service.answer_back(suggestion, form.body.data)
        if done:
            flash(_("已发送给运营团队。"), "success")
            return redirect(url_for(".track", slug=slug, code=code) + "#updates")
    return _render_tracking(suggestion, code, form), 400


@suggestions_bp.route("/t/<code>/edit", methods=["GET", "POST"])
@limiter.limit(_anon_limit, methods=["POST"])
@community_public
def track_edit(slug: str, code: str):
    """The submitter corrects a suggestion that nobody has started on yet."""
    suggestion = _tracked(code)
    return _edit(suggestion, url_for(".track", slug=slug, code=code), author=None)


def _edit(suggestion, back: str, *, author):
    settings = box_service.box_settings(g.community)
    form = EditSuggestionForm(obj=suggestion)
    categories = list(settings.categories)
    if suggestion.category not in categories:
        categories.append(suggestion.category)
    form.category.choices = categories_choices(categories)
    if suggestion.status != SuggestionStatus.NEW:
        flash(_("运营团队已经开始处理这条建议，不能再修改了。你可以在下方补充说明。"), "warning")
        return redirect(back)
    if form.validate_on_submit():
        with committing(form=form, field="content") as done:
            box_service.edit_by_submitter(
                suggestion, content=form.content.data, title=form.title.data,
                category=form.category.data, author=author,
            )
        if done:
            flash(_("建议已更新。"), "success")
            return redirect(back)
    return render_template("suggestions/edit.html", form=form, suggestion=suggestion, back=back)


def _send_image(suggestion, image_id: int):
    image = box_service.image_of(suggestion, image_id)
    require(image is not None)
    try:
        response = send_stored(
            stored_key(image), mimetype=image.mime_type,
            download_name=f"suggestion-{suggestion.id}-{image.position + 1}.{image.extension}")
    except FileMissing:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@suggestions_bp.route("/t/<code>/images/<int:image_id>")
@limiter.limit(_tracking_limit)
@community_public
def track_image(slug: str, code: str, image_id: int):
    """An image of the tracked suggestion, for its submitter."""
    return _send_image(_tracked(code), image_id)


# --- signed-in members -----------------------------------------------------------------------


@suggestions_bp.route("/box/mine")
@community_required(Role.MEMBER)
def mine(slug: str):
    """My own (signed) suggestions with their status and the team's latest reply."""
    rows = [(s, box_service.latest_reply(s)) for s in box_service.mine(g.community, current_user)]
    return render_template("suggestions/mine.html", rows=rows,
                           settings=box_service.box_settings(g.community))


@suggestions_bp.route("/board")
@community_required(Role.MEMBER)
def board(slug: str):
    """The public board: other members' suggestions, most supported first."""
    settings = box_service.box_settings(g.community)
    if not settings.public_board:
        return render_template("suggestions/board_closed.html"), 200
    page = max(1, request.args.get("page", 1, type=int) or 1)
    status = request.args.get("status") or None
    if status not in {None, *[s.value for s in SuggestionStatus]}:
        status = None
    category = request.args.get("category") or None
    sort = "new" if request.args.get("sort") == "new" else "hot"
    items, total = board_service.board(
        g.community, viewer=current_user, status=status, category=category, sort=sort,
        limit=BOARD_PAGE, offset=(page - 1) * BOARD_PAGE,
    )
    return render_template(
        "suggestions/board.html", items=items, total=total, page=page, page_size=BOARD_PAGE,
        status=status, category=category, sort=sort, settings=settings,
        confirm_form=ConfirmForm(),
    )


@suggestions_bp.route("/board/roadmap")
@community_required(Role.MEMBER)
def roadmap(slug: str):
    """The roadmap: the board's suggestions that are planned, in progress or done."""
    settings = box_service.box_settings(g.community)
    if not settings.public_board:
        return render_template("suggestions/board_closed.html"), 200
    return render_template("suggestions/roadmap.html",
                           columns=board_service.roadmap(g.community, viewer=current_user),
                           roadmap_titles={"planned": _("计划中"), "in_progress": _("进行中"),
                                           "done": _("已完成")})


def _visible(suggestion) -> None:
    require(board_service.can_view(suggestion, current_user, g.role))


@suggestions_bp.route("/s/<int:suggestion_id>")
@community_required(Role.MEMBER)
def detail(slug: str, suggestion_id: int):
    """A suggestion as members see it: status, official replies, votes and comments."""
    suggestion = load(suggestion_id)
    _visible(suggestion)
    return _render_detail(suggestion)


def _render_detail(suggestion, comment_form=None, answer_form=None, status=200):
    is_author = suggestion.author_id is not None and suggestion.author_id == current_user.id
    item = board_service.items_for([suggestion], current_user)[0]
    settings = box_service.box_settings(g.community)
    return render_template(
        "suggestions/detail.html", suggestion=suggestion, item=item, is_author=is_author,
        settings=settings,
        updates=box_service.timeline(suggestion, include_private=is_author),
        comments=board_service.comments_of(suggestion, include_hidden=False),
        comment_form=comment_form or CommentForm(formdata=None),
        answer_form=answer_form or AnswerForm(formdata=None),
        confirm_form=ConfirmForm(), follow_form=FollowForm(),
        target=box_service.merge_target_chain(suggestion),
        changelog_entries=changelog_service.entries_answering(suggestion),
        open_for_support=board_service.is_open_for_support(suggestion)
        and settings.public_board,
    ), status


@suggestions_bp.route("/s/<int:suggestion_id>/edit", methods=["GET", "POST"])
@community_required(Role.MEMBER)
def edit(slug: str, suggestion_id: int):
    """The author corrects their suggestion while it is new."""
    suggestion = load(suggestion_id)
    require(suggestion.author_id == current_user.id)
    return _edit(suggestion, url_for(".detail", slug=slug, suggestion_id=suggestion.id),
                 author=current_user)


@suggestions_bp.route("/s/<int:suggestion_id>/vote", methods=["POST"])
@community_required(Role.MEMBER)
def vote(slug: str, suggestion_id: int):
    """我也想要: +1, or take it back."""
    suggestion = load(suggestion_id)
    _visible(suggestion)
    if ConfirmForm().validate_on_submit():
        with committing() as done:
            voted = board_service.toggle_vote(suggestion, current_user)
        if done:
            flash(_("已 +1，有进展时会通知你。") if voted else _("已取消 +1。"), "success")
    back = url_for(".detail", slug=slug, suggestion_id=suggestion.id)
    return redirect(safe_next(request.form.get("next"), back))


@suggestions_bp.route("/s/<int:suggestion_id>/follow", methods=["POST"])
@community_required(Role.MEMBER)
def follow(slug: str, suggestion_id: int):
    """Follow a suggestion (notifications on every status change and reply), or stop."""
    suggestion = load(suggestion_id)
    _visible(suggestion)
    form = FollowForm()
    if form.validate_on_submit():
        wanted = form.follow.data != "0"
        with committing() as done:
            board_service.set_following(suggestion, current_user, wanted)
        if done:
            flash(_("已关注，有进展时会通知你。") if wanted else _("已取消关注。"), "success")
    return redirect(url_for(".detail", slug=slug, suggestion_id=suggestion.id))


@suggestions_bp.route("/s/<int:suggestion_id>/comments", methods=["POST"])
@community_required(Role.MEMBER)
def comment(slug: str, suggestion_id: int):
    """Comment on a suggestion on the board."""
    suggestion = load(suggestion_id)
    _visible(suggestion)
    form = CommentForm()
    if form.validate_on_submit():
        with committing(form=form, field="body") as done:
            created = board_service.add_comment(suggestion, current_user, form.body.data,
                                                anonymous=bool(form.anonymous.data))
        if done:
            flash(_("评论已发布。"), "success")
            return redirect(url_for(".detail", slug=slug, suggestion_id=suggestion.id)
                            + f"#comment-{created.id}")
    return _render_detail(suggestion, comment_form=form, status=400)


@suggestions_bp.route("/s/<int:suggestion_id>/comments/<int:comment_id>/delete",
                      methods=["POST"])
@community_required(Role.MEMBER)
def delete_comment(slug: str, suggestion_id: int, comment_id: int):
    """Delete your own comment."""
    suggestion = load(suggestion_id)
    comment_row = get_in_community(SuggestionComment, comment_id)
    require(comment_row.suggestion_id == suggestion.id)
    require(comment_row.author_id == current_user.id, 403)
    if ConfirmForm().validate_on_submit():
        with committing() as done:
            board_service.delete_own_comment(comment_row, current_user)
        if done:
            flash(_("评论已删除。"), "success")
    return redirect(url_for(".detail", slug=slug, suggestion_id=suggestion.id) + "#comments")


@suggestions_bp.route("/s/<int:suggestion_id>/answer", methods=["POST"])
@community_required(Role.MEMBER)
def answer(slug: str, suggestion_id: int):
    """The (signed) author answers the team on their suggestion's page."""
    suggestion = load(suggestion_id)
    require(suggestion.author_id == current_user.id)
    form = AnswerForm()
    if form.validate_on_submit():
        with committing(form=form, field="body") as done:
            box_service.answer_back(suggestion, form.body.data, author=current_user)
        if done:
            flash(_("已发送给运营团队。"), "success")
            return redirect(url_for(".detail", slug=slug, suggestion_id=suggestion.id)
                            + "#updates")
    return _render_detail(suggestion, answer_form=form, status=400)


@suggestions_bp.route("/s/<int:suggestion_id>/images/<int:image_id>")
@community_required(Role.MEMBER)
def image(slug: str, suggestion_id: int, image_id: int):
    """An image of a suggestion, for those who may see the suggestion."""
    suggestion = load(suggestion_id)
    _visible(suggestion)
    return _send_image(suggestion, image_id)
