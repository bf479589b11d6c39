"""Community pages: home, members, invitations, API tokens, settings, audit log."""

from __future__ import annotations

import json

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
from wtforms.fields.choices import SelectChoice

from app.blueprints.community import community_bp
from app.blueprints.community.forms import (
    CommunitySettingsForm,
    ConfirmForm,
    EraseMemberForm,
    InvitationForm,
    RoleForm,
    TokenForm,
    WebhookEventsForm,
    WebhookForm,
)
from app.blueprints.service_calls import commit, committing, run_action
from app.models import ApiToken, Invitation, Membership
from app.notifications import webhooks as robots
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services import audit, webhooks
from app.services.accounts import communities as community_service
from app.services.accounts import community_settings as settings_service
from app.services.accounts import member_data, member_erasure
from app.services.accounts import users as accounts
from app.services.links import absolute_url

PAGE_SIZE = 50


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@community_bp.route("/")
@community_required(Role.MEMBER)
def home(slug: str):
    """Operators see the community dashboard; members see their own home."""
    if g.role.at_least(Role.OPERATOR):
        return render_template("community/dashboard.html",
                               overview=community_service.overview(g.community))
    return render_template("community/member_home.html")


@community_bp.route("/members")
@community_required(Role.OPERATOR)
def members(slug: str):
    """Everyone in the community, with their roles."""
    query = request.args.get("q", "").strip()[:80]
    page = _page()
    rows, total = community_service.list_members(
        g.community, query=query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render_template(
        "community/members.html", rows=rows, total=total, page=page, page_size=PAGE_SIZE,
        query=query, role_form=RoleForm(), confirm_form=ConfirmForm(),
    )


@community_bp.route("/members/<int:membership_id>/erase", methods=["POST"])
@community_required(Role.ADMIN)
def erase_member(slug: str, membership_id: int):
    """Delete one member with the data derived from their words (PIPL erasure)."""
    membership = get_in_community(Membership, membership_id)
    back = redirect(url_for("community.members", slug=slug))
    if not EraseMemberForm().validate_on_submit():
        flash(_("请先勾选「确认永久删除」。"), "error")
        return back
    if membership.user_id == current_user.id:
        flash(_("要删除你自己的账号，请在账号菜单的「删除账号」页面操作。"), "error")
        return back
    done: list[member_erasure.Erasure] = []
    if run_action(lambda: done.append(member_erasure.erase_member(membership,
                                                                  actor=current_user)),
                  success=_("已删除该成员及其个人数据；引用过其内容的报告会重新生成。")):
        member_erasure.after_commit(done[0])
    return back


@community_bp.route("/members/<int:membership_id>/role", methods=["POST"])
@community_required(Role.ADMIN)
def change_role(slug: str, membership_id: int):
    """Give a member another role."""
    membership = get_in_community(Membership, membership_id)
    form = RoleForm()
    if form.validate_on_submit():
        run_action(lambda: accounts.set_member_role(membership, form.role.data, actor=current_user),
                   success=_("角色已更新。"))
    else:
        flash(_("请选择有效的角色。"), "error")
    return redirect(url_for("community.members", slug=slug))


@community_bp.route("/members/<int:membership_id>/remove", methods=["POST"])
@community_required(Role.ADMIN)
def remove_member(slug: str, membership_id: int):
    """Remove someone from the community."""
    membership = get_in_community(Membership, membership_id)
    if ConfirmForm().validate_on_submit():
        run_action(lambda: accounts.remove_member(membership, actor=current_user),
                   success=_("已将该成员移出社群。"))
    return redirect(url_for("community.members", slug=slug))


@community_bp.route("/members/<int:membership_id>/export", methods=["POST"])
@community_required(Role.ADMIN)
def export_member_data(slug: str, membership_id: int):
    """Download everything the community holds about one member (PIPL access right)."""
    membership = get_in_community(Membership, membership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    data = member_data.export_member(membership, actor=current_user)
    commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body.encode("utf-8"), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="member-{membership.id}.json"',
        "Cache-Control": "no-store"})


@community_bp.route("/invitations", methods=["GET", "POST"])
@community_required(Role.ADMIN)
def invitations(slug: str):
    """Create invite links and see the existing ones."""
    form = InvitationForm()
    new_link = None
    if form.validate_on_submit():
        with committing(form=form, field="role") as done:
            issued = accounts.create_invitation(
                g.community, form.role.data, actor=current_user, email=form.email.data or None,
                note=form.note.data, max_uses=form.max_uses.data, ttl_days=form.ttl_days.data,
            )
        if done:
            new_link = absolute_url("auth.accept_invitation", token=issued.token)
            flash(_("邀请链接已生成。链接只显示这一次，请立即复制。"), "success")
            form = InvitationForm(formdata=None)
    return render_template(
        "community/invitations.html", form=form, new_link=new_link,
        invitations=accounts.list_invitations(g.community), confirm_form=ConfirmForm(),
    )


@community_bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@community_required(Role.ADMIN)
def revoke_invitation(slug: str, invitation_id: int):
    """Stop an invite link from working."""
    invitation = get_in_community(Invitation, invitation_id)
    if ConfirmForm().validate_on_submit():
        accounts.revoke_invitation(invitation, actor=current_user)
        commit()
        flash(_("邀请链接已作废。"), "success")
    return redirect(url_for("community.invitations", slug=slug))


@community_bp.route("/tokens", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def tokens(slug: str):
    """API tokens that act as you in this community."""
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        with committing(form=form, field="name") as done:
            issued = accounts.create_api_token(g.community, current_user, form.name.data)
        if done:
            secret = issued.secret
            flash(_("令牌已创建。它只显示这一次，请妥善保存。"), "success")
            form = TokenForm(formdata=None)
    all_tokens = accounts.list_api_tokens(g.community)
    if not g.role.at_least(Role.ADMIN):
        all_tokens = [t for t in all_tokens if t.user_id == current_user.id]
    return render_template("community/tokens.html", form=form, secret=secret,
                           tokens=all_tokens, confirm_form=ConfirmForm())


@community_bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@community_required(Role.OPERATOR)
def revoke_token(slug: str, token_id: int):
    """Disable an API token (your own, or any as an admin)."""
    token = get_in_community(ApiToken, token_id)
    if token.user_id != current_user.id and not g.role.at_least(Role.ADMIN):
        abort(403)
    if ConfirmForm().validate_on_submit():
        accounts.revoke_api_token(token, actor=current_user)
        commit()
        flash(_("令牌已停用。"), "success")
    return redirect(url_for("community.tokens", slug=slug))


@community_bp.route("/settings", methods=["GET", "POST"])
@community_required(Role.ADMIN)
def settings(slug: str):
    """The community's name and description, and links to administration."""
    form = CommunitySettingsForm(obj=g.community)
    if request.method == "GET":
        form.retention_days.data = (g.community.settings or {}).get("retention_days")
    if form.validate_on_submit():
        with committing(form=form, field="name") as done:
            settings_service.update_community(
                g.community, name=form.name.data, description=form.description.data or "",
                actor=current_user, retention_days=form.retention_days.data,
            )
        if done:
            flash(_("设置已保存。"), "success")
            return redirect(url_for("community.settings", slug=slug))
    return render_template("community/settings.html", form=form,
                           site_retention_days=current_app.config["RETENTION_DAYS"])


def _event_choices():
    return [SelectChoice(key, label) for key, label in webhooks.EVENTS.items()]


def _webhook_form() -> WebhookForm:
    form = WebhookForm()
    form.vendor.choices = [SelectChoice(v.name, v.label) for v in robots.VENDORS.values()]
    form.events.choices = _event_choices()
    if request.method == "GET":
        form.events.data = list(webhooks.EVENTS)
    return form


def _hook_or_404(hook_id: str) -> webhooks.Hook:
    hook = webhooks.get_hook(g.community, hook_id)
    if hook is None:
        abort(404)
    return hook


@community_bp.route("/settings/webhooks", methods=["GET", "POST"])
@community_required(Role.ADMIN)
def webhook_settings(slug: str):
    """The community's group-chat robots (企业微信, 钉钉, 飞书): add one, see them all."""
    form = _webhook_form()
    if form.validate_on_submit():
        with committing(form=form, field="url") as done:
            webhooks.add_hook(g.community, vendor=form.vendor.data, name=form.name.data or "",
                              url=form.url.data, events=form.events.data, actor=current_user)
        if done:
            flash(_("机器人已添加。可以先发一条测试消息看看。"), "success")
            return redirect(url_for("community.webhook_settings", slug=slug))
    edit_forms = {}
    for hook in webhooks.list_hooks(g.community):
        edit = WebhookEventsForm(formdata=None)
        edit.events.choices = _event_choices()
        edit.events.data = list(hook.events)
        edit_forms[hook.id] = edit
    return render_template("community/webhooks.html", form=form,
                           hooks=webhooks.list_hooks(g.community), edit_forms=edit_forms,
                           events=webhooks.EVENTS, confirm_form=ConfirmForm())


@community_bp.route("/settings/webhooks/<hook_id>/events", methods=["POST"])
@community_required(Role.ADMIN)
def webhook_events(slug: str, hook_id: str):
    """Choose which events a robot receives."""
    _hook_or_404(hook_id)
    form = WebhookEventsForm()
    form.events.choices = _event_choices()
    if form.validate_on_submit():
        with committing() as done:
            webhooks.update_events(g.community, hook_id, form.events.data, actor=current_user)
        if done:
            flash(_("推送内容已保存。"), "success")
    else:
        flash(_("表单已过期，请重试。"), "error")
    return redirect(url_for("community.webhook_settings", slug=slug))


@community_bp.route("/settings/webhooks/<hook_id>/test", methods=["POST"])
@community_required(Role.ADMIN)
def webhook_test(slug: str, hook_id: str):
    """Queue a test message to one robot."""
    _hook_or_404(hook_id)
    if ConfirmForm().validate_on_submit():
        webhooks.send_test(g.community, hook_id)
        commit()
        flash(_("测试消息已排队发送，稍后刷新本页查看结果。"), "success")
    return redirect(url_for("community.webhook_settings", slug=slug))


@community_bp.route("/settings/webhooks/<hook_id>/delete", methods=["POST"])
@community_required(Role.ADMIN)
def webhook_delete(slug: str, hook_id: str):
    """Remove a robot."""
    _hook_or_404(hook_id)
    if ConfirmForm().validate_on_submit():
        webhooks.delete_hook(g.community, hook_id, actor=current_user)
        commit()
        flash(_("机器人已删除。"), "success")
    return redirect(url_for("community.webhook_settings", slug=slug))


@community_bp.route("/audit")
@community_required(Role.ADMIN)
def audit_log(slug: str):
    """Who changed what in this community."""
    page = _page()
    entries = audit.recent(g.community.id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    has_next = len(entries) > PAGE_SIZE
    return render_template("community/audit.html", entries=entries[:PAGE_SIZE], page=page,
                           has_next=has_next)

