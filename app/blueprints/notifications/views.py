"""The notifications page: read and unread, open one, mark all read, email on or off."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from app.blueprints.auth.views import safe_next
from app.blueprints.notifications import notifications_bp
from app.blueprints.service_calls import commit
from app.notifications.channels import CHANNELS
from app.security.access import community_required
from app.security.roles import Role
from app.services import notifications

PAGE = 30


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons: only the CSRF token."""


class PreferencesForm(FlaskForm):
    """Which optional channels a person wants."""

    email = BooleanField(_l("同时发送邮件到我的邮箱"))


@notifications_bp.app_context_processor
def bell():
    """The unread count for the bell, in community pages for signed-in people."""
    community = g.get("community")
    if community is None or g.get("role") is None or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": notifications.unread_count(current_user, community)}


@notifications_bp.route("")
@community_required(Role.MEMBER)
def index(slug: str):
    """Your notifications in this community, newest first."""
    unread_only = request.args.get("show") == "unread"
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items = notifications.list_for(current_user, community=g.community, unread_only=unread_only,
                                   limit=PAGE + 1, offset=(page - 1) * PAGE)
    prefs = PreferencesForm(formdata=None)
    prefs.email.data = notifications.channel_enabled(current_user.id, "email")
    return render_template(
        "notifications/index.html", items=items[:PAGE], has_next=len(items) > PAGE, page=page,
        unread_only=unread_only, form=ConfirmForm(), prefs=prefs,
        email_channel=CHANNELS["email"](),
    )


@notifications_bp.route("/<int:notification_id>/open", methods=["POST"])
@community_required(Role.MEMBER)
def open_one(slug: str, notification_id: int):
    """Mark a notification read and go to what it is about."""
    note = notifications.get_for(current_user, notification_id)
    back = url_for(".index", slug=slug)
    if note is None or note.community_id not in (None, g.community.id):
        return redirect(back)
    if ConfirmForm().validate_on_submit():
        notifications.mark_read(note)
        commit()
        return redirect(safe_next(note.link, back))
    return redirect(back)


@notifications_bp.route("/read-all", methods=["POST"])
@community_required(Role.MEMBER)
def read_all(slug: str):
    """Mark every notification in this community read."""
    if ConfirmForm().validate_on_submit():
        notifications.mark_all_read(current_user, community=g.community)
        commit()
        flash(_("已全部标为已读。"), "success")
    return redirect(url_for(".index", slug=slug))


@notifications_bp.route("/preferences", methods=["POST"])
@community_required(Role.MEMBER)
def preferences(slug: str):
    """Turn email notifications on or off."""
    form = PreferencesForm()
    if form.validate_on_submit():
        notifications.set_channel_enabled(current_user, "email", bool(form.email.data))
        commit()
        flash(_("通知设置已保存。"), "success")
    return redirect(url_for(".index", slug=slug))
