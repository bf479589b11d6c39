"""The operators' side of the box: the inbox with filters, a suggestion's triage page, and the
box's settings."""

from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.blueprints.service_calls import commit, committing
from app.blueprints.suggestions import suggestions_bp
from app.blueprints.suggestions.forms import (
    BoxSettingsForm,
    BulkForm,
    CannedRepliesForm,
    ConfirmForm,
    MergeForm,
    NoteForm,
    StatusForm,
    TriageForm,
    VisibilityForm,
)
from app.blueprints.suggestions.helpers import (
    categories_choices,
    load,
    require,
)
from app.models import SuggestionComment, SuggestionStatus
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services.suggestions import board as board_service
from app.services.suggestions import box as box_service
from app.services.suggestions import canned_replies as canned_service
from app.services.suggestions import changelog as changelog_service
from app.services.suggestions import similarity
from app.services.suggestions import triage as triage_service

INBOX_PAGE = 25


def _date_arg(name: str) -> date | None:
    value = request.args.get(name) or ""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters() -> triage_service.InboxFilters:
    status = request.args.get("status") or None
    if status not in {None, "open", *[s.value for s in SuggestionStatus]}:
        status = None
    sort = request.args.get("sort") or "new"
    return triage_service.InboxFilters(
        status=status,
        category=request.args.get("category") or None,
        tag=request.args.get("tag") or None,
        assignee=request.args.get("assignee") or None,
        date_from=_date_arg("from"),
        date_to=_date_arg("to"),
        q=(request.args.get("q") or "").strip()[:100] or None,
        hidden=request.args.get("hidden") if request.args.get("hidden") in ("only", "exclude")
        else None,
        sort=sort if sort in ("new", "old", "votes", "updated") else "new",
    )


@suggestions_bp.route("/suggestions")
@community_required(Role.OPERATOR)
def inbox(slug: str):
    """The inbox: every suggestion, filtered by status, category, tag, assignee, date, text."""
    filters = _filters()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = triage_service.inbox(g.community, filters, viewer=current_user,
                                       limit=INBOX_PAGE, offset=(page - 1) * INBOX_PAGE)
    duplicates = similarity.duplicate_counts(g.community, [r.suggestion for r in rows])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "suggestions/inbox.html", rows=rows, total=total, page=page, page_size=INBOX_PAGE,
        filters=filters, args=args, counts=triage_service.status_counts(g.community),
        categories=triage_service.categories_for_filter(g.community),
        tags=triage_service.tags_in_use(g.community),
        operators=triage_service.operators_of(g.community), duplicates=duplicates,
        bulk_form=BulkForm(formdata=None), canned=canned_service.canned_replies(g.community),
    )


@suggestions_bp.route("/suggestions/replies", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def canned_replies(slug: str):
    """The community's canned replies (常用回复), written as one text."""
    form = CannedRepliesForm()
    if form.validate_on_submit():
        with committing(form=form, field="replies") as done:
            canned_service.set_canned_replies(g.community, form.replies.data or "",
                                              actor=current_user)
        if done:
            flash(_("常用回复已保存。"), "success")
            return redirect(url_for(".canned_replies", slug=slug))
    elif request.method == "GET":
        form.replies.data = canned_service.as_text(canned_service.canned_replies(g.community))
    return render_template("suggestions/canned_replies.html", form=form), \
        400 if form.errors else 200


@suggestions_bp.route("/suggestions/bulk", methods=["POST"])
@community_required(Role.OPERATOR)
def bulk(slug: str):
    """One action for several suggestions ticked in the inbox: status and reply, tags, merge."""
    form = BulkForm()
    back = request.form.get("next") or ""
    if not back.startswith(f"/c/{slug}/suggestions"):
        back = url_for(".inbox", slug=slug)
    if not form.validate_on_submit():
        flash(next(iter(sum(form.errors.values(), [])), _("批量操作的信息有误，请检查后重试。")),
              "error")
        return redirect(back)
    ids = [int(i) for i in request.form.getlist("items") if i.isdigit()]
    with committing() as done:
        changed = triage_service.bulk_triage(
            g.community, ids, action=form.action.data, actor=current_user,
            status=form.status.data, reply=form.reply.data, tags=form.tags.data or "",
            target_id=form.target.data)
    if done:
        flash(_("已处理 %(n)d 条建议。", n=changed), "success")
    return redirect(back)


def _triage_form(suggestion) -> TriageForm:
    form = TriageForm(formdata=None if request.method == "GET" else request.form)
    categories = triage_service.categories_for_filter(g.community)
    form.category.choices = categories_choices(categories)
    form.assignee.choices = [SelectChoice("", _("未指派"))] + [
        SelectChoice(str(u.id), m.nickname or u.display_name)
        for u, m in triage_service.operators_of(g.community)
    ]
    if request.method == "GET":
        form.category.data = suggestion.category
        form.tags.data = "，".join(suggestion.tag_names)
        form.assignee.data = str(suggestion.assignee_id or "")
    return form


def _render_manage(suggestion, *, status_form=None, triage_form=None, note_form=None,
                   merge_form=None, status=200):
    if status_form is None:
        status_form = StatusForm(formdata=None)
        status_form.status.data = (suggestion.status if suggestion.status
                                   != SuggestionStatus.DUPLICATE else None)
    return render_template(
        "suggestions/manage.html",
        suggestion=suggestion,
        item=board_service.items_for([suggestion], None)[0],
        status_form=status_form,
        triage_form=triage_form or _triage_form(suggestion),
        note_form=note_form or NoteForm(formdata=None),
        merge_form=merge_form or MergeForm(formdata=None),
        confirm_form=ConfirmForm(), visibility_form=VisibilityForm(),
        updates=box_service.timeline(suggestion, include_private=True),
        notes=triage_service.notes_of(suggestion),
        comments=board_service.comments_of(suggestion, include_hidden=True),
        similar=similarity.similar_to(suggestion, limit=5),
        merged_children=triage_service.merged_into_this(suggestion),
        changelog_entries=changelog_service.entries_answering(suggestion),
        merge_record=triage_service.active_merge(suggestion),
        history=triage_service.history(suggestion),
        canned=canned_service.canned_replies(g.community),
        settings=box_service.box_settings(g.community),
    ), status


@suggestions_bp.route("/suggestions/<int:suggestion_id>")
@community_required(Role.OPERATOR)
def manage(slug: str, suggestion_id: int):
    """One suggestion for the team: reply and status, triage, notes, duplicates, history."""
    return _render_manage(load(suggestion_id))


def _back(suggestion, anchor: str = "") -> str:
    return url_for(".manage", slug=g.community.slug, suggestion_id=suggestion.id) + anchor


@suggestions_bp.route("/suggestions/<int:suggestion_id>/status", methods=["POST"])
@community_required(Role.OPERATOR)
def set_status(slug: str, suggestion_id: int):
    """Change the status and publish the official reply in one action."""
    suggestion = load(suggestion_id)
    form = StatusForm()
    if form.validate_on_submit():
        with committing(form=form, field="reply") as done:
            triage_service.change_status(suggestion, status=form.status.data,
                                         reply=form.reply.data, actor=current_user,
                                         changelog_title=form.changelog_title.data)
        if done:
            flash(_("已更新，提交者和关注者会收到通知。"), "success")
            return redirect(_back(suggestion, "#timeline"))
    return _render_manage(suggestion, status_form=form, status=400)


@suggestions_bp.route("/suggestions/<int:suggestion_id>/triage", methods=["POST"])
@community_required(Role.OPERATOR)
def triage(slug: str, suggestion_id: int):
    """Set the category, tags and assignee."""
    suggestion = load(suggestion_id)
    form = _triage_form(suggestion)
    if form.validate_on_submit():
        assignee = form.assignee.data
        with committing(form=form, field="tags") as done:
            changed = triage_service.triage(
                suggestion, category=form.category.data, tags=form.tags.data or "",
                assignee_id=int(assignee) if assignee and assignee.isdigit() else None,
                actor=current_user,
            )
        if done:
            flash(_("已保存。") if changed else _("没有变化。"), "success")
            return redirect(_back(suggestion))
    return _render_manage(suggestion, triage_form=form, status=400)


@suggestions_bp.route("/suggestions/<int:suggestion_id>/notes", methods=["POST"])
@community_required(Role.OPERATOR)
def add_note(slug: str, suggestion_id: int):
    """Add an internal note."""
    suggestion = load(suggestion_id)
    form = NoteForm()
    if form.validate_on_submit():
        with committing(form=form, field="body") as done:
            triage_service.add_note(suggestion, form.body.data, actor=current_user)
        if done:
            flash(_("备注已添加。"), "success")
            return redirect(_back(suggestion, "#notes"))
    return _render_manage(suggestion, note_form=form, status=400)


@suggestions_bp.route("/suggestions/<int:suggestion_id>/merge", methods=["POST"])
@community_required(Role.OPERATOR)
def merge(slug: str, suggestion_id: int):
    """Merge this suggestion into another one (it becomes 重复)."""
    suggestion = load(suggestion_id)
    form = MergeForm()
    if form.validate_on_submit():
        target = get_in_community(type(suggestion), form.target.data)
        with committing(form=form, field="target") as done:
            triage_service.merge(suggestion, target, actor=current_user, note=form.note.data)
        if done:
            flash(_("已合并到 #%(id)d，投票和关注者已转移。", id=target.id), "success")
            return redirect(_back(suggestion))
    return _render_manage(suggestion, merge_form=form, status=400)


@suggestions_bp.route("/suggestions/<int:suggestion_id>/unmerge", methods=["POST"])
@community_required(Role.OPERATOR)
def unmerge(slug: str, suggestion_id: int):
    """Undo a merge: the suggestion gets its own votes, followers and status back."""
    suggestion = load(suggestion_id)
    if ConfirmForm().validate_on_submit():
        with committing() as done:
            triage_service.unmerge(suggestion, actor=current_user)
        if done:
            flash(_("已撤销合并。"), "success")
    return redirect(_back(suggestion))


@suggestions_bp.route("/suggestions/<int:suggestion_id>/visibility", methods=["POST"])
@community_required(Role.OPERATOR)
def visibility(slug: str, suggestion_id: int):
    """Hide a suggestion from the board, or show it again."""
    suggestion = load(suggestion_id)
    form = VisibilityForm()
    if form.validate_on_submit():
        hidden = form.hidden.data != "0"
        triage_service.set_hidden(suggestion, hidden, actor=current_user)
        commit()
        flash(_("已在建议广场隐藏。") if hidden else _("已恢复显示。"), "success")
    return redirect(_back(suggestion))


@suggestions_bp.route("/suggestions/<int:suggestion_id>/comments/<int:comment_id>/visibility",
                      methods=["POST"])
@community_required(Role.OPERATOR)
def comment_visibility(slug: str, suggestion_id: int, comment_id: int):
    """Hide a comment, or show it again."""
    suggestion = load(suggestion_id)
    comment = get_in_community(SuggestionComment, comment_id)
    require(comment.suggestion_id == suggestion.id)
    form = VisibilityForm()
    if form.validate_on_submit():
        hidden = form.hidden.data != "0"
        triage_service.set_comment_hidden(comment, hidden, actor=current_user)
        commit()
        flash(_("评论已隐藏。") if hidden else _("评论已恢复显示。"), "success")
    return redirect(_back(suggestion, "#comments"))


@suggestions_bp.route("/suggestions/<int:suggestion_id>/delete", methods=["POST"])
@community_required(Role.OPERATOR)
def delete(slug: str, suggestion_id: int):
    """Delete a suggestion (spam, or at its submitter's request)."""
    suggestion = load(suggestion_id)
    if ConfirmForm().validate_on_submit():
        triage_service.delete(suggestion, actor=current_user)
        commit()
        flash(_("建议已删除。"), "success")
        return redirect(url_for(".inbox", slug=slug))
    return redirect(_back(suggestion))


@suggestions_bp.route("/suggestions/settings", methods=["GET", "POST"])
@community_required(Role.ADMIN)
def settings(slug: str):
    """The box's categories, public board, visitors and public changelog."""
    current = box_service.box_settings(g.community)
    form = BoxSettingsForm()
    if request.method == "GET":
        form.categories.data = "\n".join(current.categories)
        form.public_board.data = current.public_board
        form.anonymous_visitors.data = current.anonymous_visitors
        form.public_changelog.data = current.public_changelog
    if form.validate_on_submit():
        with committing(form=form, field="categories") as done:
            box_service.update_box_settings(
                g.community, categories=box_service.parse_categories(form.categories.data),
                public_board=form.public_board.data,
                anonymous_visitors=form.anonymous_visitors.data,
                public_changelog=form.public_changelog.data, actor=current_user,
            )
        if done:
            flash(_("设置已保存。"), "success")
            return redirect(url_for(".settings", slug=slug))
    return render_template("suggestions/settings.html", form=form)
