"""Interview pages for operators: list and search, an interview with its notes and
highlights, editing, guides, and all highlights by tag."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.blueprints.interviews import interviews_bp
from app.blueprints.interviews.forms import (
    ConfirmForm,
    GuideForm,
    HighlightEditForm,
    HighlightForm,
    InterviewForm,
)
from app.blueprints.service_calls import commit, committing
from app.models import Highlight, Interview, InterviewChannel, InterviewGuide
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services.interviews import records as interview_service
from app.services.interviews.notes import MarkSpan, render_markdown, render_notes

PAGE = 20


@interviews_bp.route("")
@community_required(Role.OPERATOR)
def index(slug: str):
    """All interviews: search the notes and highlights, list by tag or interviewee."""
    filters = interview_service.InterviewFilters(
        q=(request.args.get("q") or "").strip()[:100] or None,
        tag=request.args.get("tag") or None,
        interviewee=request.args.get("who") or None,
        channel=request.args.get("channel") if request.args.get("channel") in
        {c.value for c in InterviewChannel} else None,
    )
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = interview_service.list_interviews(g.community, filters, limit=PAGE,
                                                    offset=(page - 1) * PAGE)
    hits = {i.id: interview_service.search_hits(i, filters.q) for i in rows} if filters.q else {}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "interviews/index.html", rows=rows, total=total, page=page, page_size=PAGE,
        filters=filters, hits=hits, args=args, tags=interview_service.interview_tags(g.community),
        people=interview_service.interviewees(g.community),
    )


def _interview_form(interview: Interview | None = None) -> InterviewForm:
    form = InterviewForm(obj=None)
    members = interview_service.members_for_select(g.community)
    form.interviewee_id.choices = [SelectChoice("", _("请选择成员"))] + [
        SelectChoice(str(m.id), m.label) for m in members]
    form.interviewer_id.choices = [SelectChoice("", _("未填写"))] + [
        SelectChoice(str(u.id), u.display_name)
        for u in interview_service.operators_for_select(g.community)]
    form.guide_id.choices = [SelectChoice("", _("不使用提纲"))] + [
        SelectChoice(str(gd.id), gd.title) for gd in interview_service.guides(g.community)]
    if request.method == "GET":
        if interview is None:
            form.held_on.data = date.today()
            form.interviewer_id.data = str(current_user.id)
            form.guide_id.data = request.args.get("guide", "")
        else:
            form.title.data = interview.title
            form.interviewee_kind.data = "external" if interview.is_external else "member"
            form.interviewee_id.data = str(interview.interviewee_id or "")
            form.interviewee_name.data = interview.interviewee_name if interview.is_external \
                else ""
            form.held_on.data = interview.held_on
            form.channel.data = interview.channel
            form.interviewer_id.data = str(interview.interviewer_id or "")
            form.consent.data = "yes" if interview.consent else "no"
            form.consent_note.data = interview.consent_note
            form.tags.data = "，".join(interview.tag_names)
            form.guide_id.data = str(interview.guide_id or "")
            form.notes.data = interview.notes
    return form


def _data(form: InterviewForm) -> interview_service.InterviewData:
    member = form.interviewee_kind.data != "external"
    picked = form.interviewee_id.data or ""
    return interview_service.InterviewData(
        title=form.title.data or "",
        interviewee_id=int(picked) if member and picked.isdigit() else None,
        interviewee_name="" if member else (form.interviewee_name.data or ""),
        held_on=form.held_on.data,
        channel=form.channel.data,
        interviewer_id=int(form.interviewer_id.data) if (form.interviewer_id.data or "")
        .isdigit() else None,
        consent=form.consent.data == "yes",
        consent_note=form.consent_note.data or "",
        tags=form.tags.data or "",
        guide_id=int(form.guide_id.data) if (form.guide_id.data or "").isdigit() else None,
        notes=form.notes.data or "",
    )


@interviews_bp.route("/members")
@community_required(Role.OPERATOR)
def members(slug: str):
    """Members whose name contains ``q`` (JSON, for the interviewee search field)."""
    found = interview_service.search_members(g.community, request.args.get("q", ""))
    return jsonify({"members": [{"id": m.id, "name": m.name, "detail": m.detail}
                                for m in found]})


@interviews_bp.route("/new", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def new(slug: str):
    """Record a new interview (with a guide, the notes start as a section per question)."""
    form = _interview_form()
    if form.validate_on_submit():
        data = _data(form)
        if data.interviewee_id is None and form.interviewee_kind.data != "external":
            form.interviewee_id.errors = [_("请选择受访成员，或改选「外部人士」并填写称呼。")]
        else:
            with committing(form=form, field="notes") as done:
                interview = interview_service.create_interview(g.community, data,
                                                               actor=current_user)
            if done:
                flash(_("访谈已创建。"), "success")
                target = "edit" if interview.guide_id and not data.notes else "show"
                return redirect(url_for(f".{target}", slug=slug, interview_id=interview.id))
    return render_template("interviews/form.html", form=form, interview=None,
                           guides=interview_service.guides(g.community))


def _load(interview_id: int) -> Interview:
    return get_in_community(Interview, interview_id)


@interviews_bp.route("/<int:interview_id>")
@community_required(Role.OPERATOR)
def show(slug: str, interview_id: int):
    """An interview: details, the rendered notes with marked highlights, and the highlights."""
    return _render_show(_load(interview_id))


def _render_show(interview: Interview, form: HighlightForm | None = None, status: int = 200):
    marks = [MarkSpan(h.id, h.paragraph_index, h.start, h.end)
             for h in interview.highlights if not h.stale]
    blocks = render_notes(interview.notes, marks)
    return render_template(
        "interviews/show.html", interview=interview, blocks=blocks,
        form=form or HighlightForm(formdata=None), edit_form=HighlightEditForm(formdata=None),
        confirm_form=ConfirmForm(),
    ), status


@interviews_bp.route("/<int:interview_id>/edit", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def edit(slug: str, interview_id: int):
    """Edit an interview and its notes; highlights follow their passages."""
    interview = _load(interview_id)
    form = _interview_form(interview)
    if form.validate_on_submit():
        data = _data(form)
        data.guide_id = interview.guide_id
        if data.interviewee_id is None and form.interviewee_kind.data != "external":
            form.interviewee_id.errors = [_("请选择受访成员，或改选「外部人士」并填写称呼。")]
        else:
            with committing(form=form, field="notes") as done:
                interview_service.update_interview(interview, data, actor=current_user)
            if done:
                stale = sum(1 for h in interview.highlights if h.stale)
                if stale:
                    flash(_("已保存。有 %(n)d 条摘录的原文已被修改，请检查。", n=stale), "warning")
                else:
                    flash(_("已保存。"), "success")
                return redirect(url_for(".show", slug=slug, interview_id=interview.id))
    return render_template("interviews/form.html", form=form, interview=interview,
                           guides=interview_service.guides(g.community))


@interviews_bp.route("/<int:interview_id>/delete", methods=["POST"])
@community_required(Role.OPERATOR)
def delete(slug: str, interview_id: int):
    """Delete an interview, its highlights and its feedback items."""
    interview = _load(interview_id)
    if ConfirmForm().validate_on_submit():
        interview_service.delete_interview(interview, actor=current_user)
        commit()
        flash(_("访谈已删除。"), "success")
        return redirect(url_for(".index", slug=slug))
    return redirect(url_for(".show", slug=slug, interview_id=interview.id))


@interviews_bp.route("/<int:interview_id>/highlights", methods=["POST"])
@community_required(Role.OPERATOR)
def add_highlight(slug: str, interview_id: int):
    """Save the selected passage as a highlight."""
    interview = _load(interview_id)
    form = HighlightForm()
    if form.validate_on_submit():
        with committing(form=form, field="quote") as done:
            highlight = interview_service.create_highlight(
                interview, paragraph_index=form.paragraph.data, quote=form.quote.data,
                hint=form.offset.data, tags=form.tags.data or "",
                sentiment=form.sentiment.data, note=form.note.data or "", actor=current_user,
            )
        if done:
            flash(_("摘录已保存。"), "success")
            return redirect(url_for(".show", slug=slug, interview_id=interview.id)
                            + f"#{highlight.anchor}")
    return _render_show(interview, form, status=400)


def _highlight(interview: Interview, highlight_id: int) -> Highlight:
    highlight = get_in_community(Highlight, highlight_id)
    if highlight.interview_id != interview.id:
        abort(404)
    return highlight


@interviews_bp.route("/<int:interview_id>/highlights/<int:highlight_id>", methods=["POST"])
@community_required(Role.OPERATOR)
def update_highlight(slug: str, interview_id: int, highlight_id: int):
    """Change a highlight's tags, sentiment or note."""
    interview = _load(interview_id)
    highlight = _highlight(interview, highlight_id)
    form = HighlightEditForm()
    if form.validate_on_submit():
        with committing() as done:
            interview_service.update_highlight(highlight, tags=form.tags.data or "",
                                               sentiment=form.sentiment.data,
                                               note=form.note.data or "", actor=current_user)
        if done:
            flash(_("摘录已更新。"), "success")
    return redirect(url_for(".show", slug=slug, interview_id=interview.id)
                    + f"#item-{highlight_id}")


@interviews_bp.route("/<int:interview_id>/highlights/<int:highlight_id>/delete",
                     methods=["POST"])
@community_required(Role.OPERATOR)
def delete_highlight(slug: str, interview_id: int, highlight_id: int):
    """Remove a highlight."""
    interview = _load(interview_id)
    highlight = _highlight(interview, highlight_id)
    if ConfirmForm().validate_on_submit():
        interview_service.delete_highlight(highlight, actor=current_user)
        commit()
        flash(_("摘录已删除。"), "success")
    return redirect(url_for(".show", slug=slug, interview_id=interview.id) + "#highlights")


@interviews_bp.route("/highlights")
@community_required(Role.OPERATOR)
def highlights(slug: str):
    """Highlights of all interviews, by tag and sentiment."""
    tag = request.args.get("tag") or None
    sentiment = request.args.get("sentiment")
    if sentiment not in ("-1", "0", "1"):
        sentiment = None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = interview_service.highlights_list(g.community, tag=tag, sentiment=sentiment,
                                                    limit=PAGE * 2, offset=(page - 1) * PAGE * 2)
    return render_template(
        "interviews/highlights.html", rows=rows, total=total, page=page, page_size=PAGE * 2,
        tag=tag, sentiment=sentiment, tags=interview_service.highlight_tags(g.community),
    )


@interviews_bp.route("/guides", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def guides(slug: str):
    """Interview guides: the list and a form for a new one."""
    form = GuideForm()
    if form.validate_on_submit():
        with committing(form=form, field="questions") as done:
            interview_service.create_guide(g.community, title=form.title.data,
                                           description=form.description.data or "",
                                           questions=form.questions.data, actor=current_user)
        if done:
            flash(_("提纲已创建。"), "success")
            return redirect(url_for(".guides", slug=slug))
    return render_template("interviews/guides.html", form=form,
                           guides=interview_service.guides(g.community),
                           usage=interview_service.guide_usage(g.community),
                           render_markdown=render_markdown, confirm_form=ConfirmForm())


@interviews_bp.route("/guides/<int:guide_id>", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def edit_guide(slug: str, guide_id: int):
    """Edit a guide."""
    guide = get_in_community(InterviewGuide, guide_id)
    form = GuideForm()
    if request.method == "GET":
        form.title.data = guide.title
        form.description.data = guide.description
        form.questions.data = "\n".join(guide.questions)
    if form.validate_on_submit():
        with committing(form=form, field="questions") as done:
            interview_service.update_guide(guide, title=form.title.data,
                                           description=form.description.data or "",
                                           questions=form.questions.data, actor=current_user)
        if done:
            flash(_("提纲已保存。"), "success")
            return redirect(url_for(".guides", slug=slug))
    return render_template("interviews/guide_form.html", form=form, guide=guide)


@interviews_bp.route("/guides/<int:guide_id>/delete", methods=["POST"])
@community_required(Role.OPERATOR)
def delete_guide(slug: str, guide_id: int):
    """Delete a guide (interviews keep their questions)."""
    guide = get_in_community(InterviewGuide, guide_id)
    if ConfirmForm().validate_on_submit():
        interview_service.delete_guide(guide, actor=current_user)
        commit()
        flash(_("提纲已删除。"), "success")
    return redirect(url_for(".guides", slug=slug))


@interviews_bp.app_template_global()
def channel_label(channel: str) -> str:
    """The label of an interview channel."""
    from app.models import INTERVIEW_CHANNEL_LABELS

    try:
        return str(INTERVIEW_CHANNEL_LABELS[InterviewChannel(channel)])
    except ValueError:
        return channel


@interviews_bp.app_template_global()
def sentiment_label(value: int | None) -> str:
    """The label of a sentiment override."""
    from app.models import SENTIMENT_LABELS

    return str(SENTIMENT_LABELS.get(value, "")) if value is not None else ""


@interviews_bp.app_context_processor
def interview_globals():
    """Channel choices for filters."""
    from app.models import INTERVIEW_CHANNEL_LABELS

    return {"interview_channels": [(c.value, INTERVIEW_CHANNEL_LABELS[c])
                                   for c in InterviewChannel]}
