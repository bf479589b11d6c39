"""你说我改: the public page of what the team did, and the operators' hand-written entries."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.service_calls import commit, committing
from app.blueprints.suggestions import suggestions_bp
from app.blueprints.suggestions.forms import ChangelogEntryForm, ConfirmForm
from app.models import ChangelogEntry
from app.security.access import community_public, community_required, get_in_community
from app.security.roles import Role
from app.services import changelog as changelog_service
from app.services import suggestions as box_service

PAGE = 20


def _render(form=None, status=200):
    settings = box_service.box_settings(g.community)
    is_member = g.get("role") is not None
    if not settings.public_changelog and not is_member:
        return render_template("suggestions/changelog_private.html"), 200
    page = max(1, request.args.get("page", 1, type=int) or 1)
    entries = changelog_service.entries(g.community, limit=PAGE + 1, offset=(page - 1) * PAGE)
    can_edit = g.get("role") is not None and g.role.at_least(Role.OPERATOR)
    return render_template(
        "suggestions/changelog.html", entries=entries[:PAGE], page=page,
        has_next=len(entries) > PAGE, can_edit=can_edit,
        form=form or ChangelogEntryForm(formdata=None), confirm_form=ConfirmForm(),
        is_member=is_member,
    ), status


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
                                        body=form.body.data or "", actor=current_user)
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
