"""Views for signing in and out, changing passwords and accepting invitations."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.blueprints.auth import auth_bp
from app.blueprints.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    DeleteAccountForm,
    JoinForm,
    LoginForm,
)
from app.blueprints.service_calls import commit, committing
from app.extensions import limiter
from app.security.access import login_required, public
from app.security.rate_limits import limit_for
from app.services.accounts import member_erasure
from app.services.accounts import users as accounts
from app.services.errors import ServiceError


def safe_next(target: str | None, default: str) -> str:
    """Only follow relative redirects inside this site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _login_limit() -> str:
    return limit_for("LOGIN_RATE_LIMIT")


@auth_bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("main.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("邮箱或密码不正确。"))
        else:
            commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("main.index")))
    return render_template("auth/login.html", form=form)


@auth_bp.route("/auth/logout", methods=["POST"])
@public
def logout():
    """Sign out (POST with CSRF, so a link on another site cannot sign you out); a copied
    cookie of this session stops working too."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
        commit()
    logout_user()
    flash(_("你已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@auth_bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change your own password; other sessions are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with committing(form=form, field="new_password") as done:
            accounts.change_password(current_user, form.current_password.data,
                                     form.new_password.data)
        if done:
            login_user(current_user._get_current_object())
            flash(_("密码已更新，其他设备上的登录已失效。"), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@auth_bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete your own account with everything derived from your words (PIPL erasure)."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with committing(form=form, field="confirm") as done:
            erasure = member_erasure.erase_account(current_user._get_current_object(),
                                                   form.password.data)
        if done:
            member_erasure.after_commit(erasure)
            logout_user()
            flash(_("你的账号和个人数据已删除。"), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/delete_account.html", form=form)


@auth_bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def accept_invitation(token: str):
    """Join a community from an invite link, creating an account if needed."""
    try:
        invitation = accounts.find_invitation(token)
    except ServiceError as exc:
        return render_template("auth/invitation_invalid.html", message=exc.message), 404
    community = invitation.community
    if current_user.is_authenticated:
        form = JoinForm()
        if form.validate_on_submit():
            with committing() as done:
                accounts.accept_invitation(invitation, current_user)
            if done:
                flash(_("欢迎加入 %(name)s！", name=community.name), "success")
                return redirect(url_for("community.home", slug=community.slug))
        return render_template("auth/invitation.html", invitation=invitation, form=form,
                               community=community)
    form = AcceptInvitationForm()
    if request.method == "GET" and invitation.email:
        form.email.data = invitation.email
    if form.validate_on_submit():
        with committing(form=form, field="email") as done:
            user = accounts.create_user(
                form.email.data, form.password.data, display_name=form.display_name.data
            )
            accounts.accept_invitation(invitation, user)
        if done:
            login_user(user)
            flash(_("欢迎加入 %(name)s！", name=community.name), "success")
            return redirect(url_for("community.home", slug=community.slug))
    return render_template("auth/invitation.html", invitation=invitation, form=form,
                           community=community)
