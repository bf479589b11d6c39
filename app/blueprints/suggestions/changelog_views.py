"""你说我改: the public page of what the team did, and the operators' hand-written entries."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.service_calls import commit, committing
from app.blueprints.suggestions import suggestions_bp
from app.blueprints.suggestions.forms import (
    ChangelogAnswersForm,
    ChangelogEntryForm,
    ConfirmForm,
)
from app.models import SUGGESTION_STATUS_LABELS, ChangelogEntry
from app.security.access import community_public, community_required, get_in_community
from app.security.roles import Role
from app.services.suggestions import board as board_service
from app.services.suggestions import box as box_service
from app.services.suggestions import changelog as changelog_service
from nlp.normalize import stickers_to_emoji

PAGE = 20


def _render(form=None, status=200):
    settings = box_service.box_settings(g.community)
    is_member = g.get("role") is not None
    if not settings.public_changelog and not is_member:
        return render_template("suggestions/changelog_private.html"), 200
    page = max(1, request.args.get("page", 1, type=int) or 1)
    entries = changelog_service.entries(g.community, limit=PAGE + 1, offset=(page - 1) * PAGE)
    has_next, entries = len(entries) > PAGE, entries[:PAGE]
    can_edit = g.get("role") is not None and g.role.at_least(Role.OPERATOR)
    if can_edit:
        form = form or ChangelogEntryForm(formdata=None)
    answers_forms = {}
    if can_edit:
        choices = _suggestion_choices()
        form.answers.choices = choices
        editing = request.args.get("edit", type=int)
        for entry in (e for e in entries if e.id == editing):
            answers_form = ChangelogAnswersForm(formdata=None, prefix=f"entry{entry.id}",
                                                answers=[a.suggestion_id for a in entry.answers])
            answers_form.answers.choices = choices
            answers_forms[entry.id] = answers_form
    return render_template(
        "suggestions/changelog.html", entries=entries, page=page,
        has_next=has_next, can_edit=can_edit, answers=_answers(entries),
        form=form, answers_forms=answers_forms, confirm_form=ConfirmForm(),
        is_member=is_member,
    ), status


def _answers(entries) -> dict[int, tuple[list, int]]:
    """By entry: the answered suggestions this reader may open, and how many others."""
    user = current_user if current_user.is_authenticated else None
    out = {}
    for entry_id, suggestions in changelog_service.answered_by(entries).items():
        shown = [s for s in suggestions if board_service.can_view(s, user, g.get("role"))]
        out[entry_id] = (shown, len(suggestions) - len(shown))
    return out


def _suggestion_choices() -> list[tuple[int, str]]:
    return [(s.id, f"#{s.id} {stickers_to_emoji(s.display_title)}"
                   f"（{SUGGESTION_STATUS_LABELS[s.status_enum]}）")
            for s in changelog_service.picker_choices(g.community)]


@suggestions_bp.route("/changes")
@community_public
def changelog(slug: str):
    """你说我改: what members asked for and what the team did, newest first."""
    return _render()


@suggestions_bp.route("/changes/new", methods=["POST"])
@community_required(Role.OPERATOR)
def changelog_add(slug: str):
    """Add an entry that did not come from a suggestion."""
    form = ChangelogEntryForm()
    if form.validate_on_submit():
        with committing(form=form, field="title") as done:
            changelog_service.add_entry(g.community, title=form.title.data,
                                        body=form.body.data or "", actor=current_user,
                                        answers=form.answers.data or [])
        if done:
            flash(_("已发布到「你说我改」。"), "success")
            return redirect(url_for(".changelog", slug=slug))
    return _render(form, status=400)


@suggestions_bp.route("/changes/<int:entry_id>/delete", methods=["POST"])
@community_required(Role.OPERATOR)
def changelog_delete(slug: str, entry_id: int):
    """Take an entry off the page."""
    entry = get_in_community(ChangelogEntry, entry_id)
    if ConfirmForm().validate_on_submit():
        changelog_service.delete_entry(entry, actor=current_user)
        commit()
        flash(_("已从「你说我改」移除。"), "success")
    return redirect(url_for(".changelog", slug=slug))


@suggestions_bp.route("/changes/<int:entry_id>/answers", methods=["POST"])
@community_required(Role.OPERATOR)
def changelog_answers(slug: str, entry_id: int):
    """Change which suggestions an entry answers."""
    entry = get_in_community(ChangelogEntry, entry_id)
    form = ChangelogAnswersForm(prefix=f"entry{entry.id}")
    if form.validate_on_submit():
        with committing(success=_("已更新这条改进回应的建议。")):
            changelog_service.set_answers(entry, form.answers.data or [], actor=current_user)
    return redirect(url_for(".changelog", slug=slug) + f"#entry-{entry.id}")
