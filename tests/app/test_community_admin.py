"""Invitations, roles, membership removal, API tokens, settings and the audit log."""

from __future__ import annotations

import re

import pytest

from app.models import AuditEntry, Invitation, Membership, User
from app.security.roles import Role
from app.services.accounts import users as accounts
from app.services.errors import Conflict
from tests.factories import make_member


def _link_token(html: str) -> str:
    match = re.search(r"/invite/([A-Za-z0-9_\-]+)", html)
    assert match, "the page shows the new invite link"
    return match.group(1)


def test_admin_creates_an_invite_link_and_a_newcomer_joins_with_it(app, client, login_as, db,
                                                                   community):
    login_as("admin")
    page = client.post(f"/c/{community.slug}/invitations",
                       data={"role": "operator", "ttl_days": 7, "max_uses": 1})
    token = _link_token(page.get_data(as_text=True))
    invitation = db.session.execute(db.select(Invitation)).scalar_one()
    assert invitation.token_hash != token and token not in invitation.token_hash

    newcomer = app.test_client()
    form = newcomer.get(f"/invite/{token}").get_data(as_text=True)
    assert "运营者" in form and community.name in form
    joined = newcomer.post(f"/invite/{token}", data={
        "email": "new@example.org", "display_name": "新运营", "password": "a-long-password-9"})
    assert joined.status_code == 302
    user = db.session.execute(db.select(User).where(User.email == "new@example.org")).scalar_one()
    membership = db.session.execute(
        db.select(Membership).where(Membership.user_id == user.id)).scalar_one()
    assert membership.role == "operator"
    assert newcomer.get(f"/c/{community.slug}/members").status_code == 200
    # Single use: the link no longer works.
    assert app.test_client().get(f"/invite/{token}").status_code == 404


def test_invite_restricted_to_an_email_refuses_other_addresses(app, db, community):
    admin = make_member(community, Role.ADMIN)
    issued = accounts.create_invitation(community, Role.MEMBER, actor=admin,
                                        email="only@example.org")
    db.session.commit()
    response = app.test_client().post(f"/invite/{issued.token}", data={
        "email": "other@example.org", "display_name": "x", "password": "a-long-password-9"})
    assert "此邀请仅限受邀邮箱使用" in response.get_data(as_text=True)
    assert db.session.execute(
        db.select(User).where(User.email == "other@example.org")).scalar_one_or_none() is None


def test_signed_in_user_joins_without_losing_a_higher_role(app, client, login_as, db, community):
    user = login_as("manager")
    admin = make_member(community, Role.ADMIN)
    issued = accounts.create_invitation(community, Role.MEMBER, actor=admin)
    db.session.commit()
    client.post(f"/invite/{issued.token}")
    db.session.expire_all()
    membership = db.session.execute(
        db.select(Membership).where(Membership.user_id == user.id)).scalar_one()
    assert membership.role == "manager"


def test_revoked_and_expired_invites_do_not_work(app, db, community):
    from datetime import timedelta

    from app.models import utcnow

    admin = make_member(community, Role.ADMIN)
    revoked = accounts.create_invitation(community, Role.MEMBER, actor=admin)
    accounts.revoke_invitation(revoked.invitation, actor=admin)
    expired = accounts.create_invitation(community, Role.MEMBER, actor=admin)
    expired.invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for token in (revoked.token, expired.token):
        response = app.test_client().get(f"/invite/{token}")
        assert response.status_code == 404
        assert "邀请链接无效或已过期" in response.get_data(as_text=True)


def test_bad_invitation_input_gets_clear_errors(client, login_as, community, db):
    login_as("admin")
    page = client.post(f"/c/{community.slug}/invitations",
                       data={"role": "member", "ttl_days": 999, "max_uses": 0,
                             "email": "not-an-email"}).get_data(as_text=True)
    assert "有效天数需在 1 到 365 之间" in page
    assert "可用次数需在 1 到 10000 之间" in page
    assert db.session.execute(db.select(db.func.count(Invitation.id))).scalar_one() == 0


def test_admin_changes_a_role_and_it_is_audited(client, login_as, db, community):
    admin = login_as("admin")
    member = make_member(community, Role.MEMBER)
    membership = db.session.execute(
        db.select(Membership).where(Membership.user_id == member.id)).scalar_one()
    db.session.commit()
    client.post(f"/c/{community.slug}/members/{membership.id}/role", data={"role": "operator"})
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "operator"
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "membership.role_changed")).scalar_one()
    assert entry.actor_id == admin.id
    assert entry.before == {"role": "member"} and entry.after == {"role": "operator"}
    log = client.get(f"/c/{community.slug}/audit").get_data(as_text=True)
    assert "membership.role_changed" in log


def test_the_last_admin_cannot_be_demoted_or_removed(client, login_as, db, community):
    admin = login_as("admin")
    membership = db.session.execute(
        db.select(Membership).where(Membership.user_id == admin.id)).scalar_one()
    demote = client.post(f"/c/{community.slug}/members/{membership.id}/role",
                         data={"role": "member"}, follow_redirects=True)
    assert "社群至少需要保留一位管理员" in demote.get_data(as_text=True)
    client.post(f"/c/{community.slug}/members/{membership.id}/remove")
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "admin"
    with pytest.raises(Conflict):
        accounts.remove_member(db.session.get(Membership, membership.id), actor=admin)


def test_operator_cannot_touch_another_communitys_member(client, login_as, db, community,
                                                         other_community):
    login_as("admin")
    stranger = make_member(other_community, Role.MEMBER)
    membership = db.session.execute(
        db.select(Membership).where(Membership.user_id == stranger.id)).scalar_one()
    db.session.commit()
    response = client.post(f"/c/{community.slug}/members/{membership.id}/remove")
    assert response.status_code == 404
    assert db.session.get(Membership, membership.id) is not None


def test_api_token_is_shown_once_and_authenticates(client, login_as, db, community):
    login_as("operator")
    page = client.post(f"/c/{community.slug}/tokens", data={"name": "数据看板"})
    secret = re.search(r"hs_[A-Za-z0-9_\-]+", page.get_data(as_text=True)).group(0)
    assert secret not in client.get(f"/c/{community.slug}/tokens").get_data(as_text=True)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    body = me.get_json()
    assert body["success"] is True
    assert body["data"]["community"]["slug"] == community.slug
    assert body["data"]["role"] == "operator"


def test_revoked_token_and_garbage_get_json_401(client, login_as, db, community):
    user = login_as("operator")
    issued = accounts.create_api_token(community, user, "x")
    accounts.revoke_api_token(issued.token, actor=user)
    db.session.commit()
    for header in (f"Bearer {issued.secret}", "Bearer nonsense", "Basic abc", ""):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.get_json() == {"success": False, "errors": [
            {"code": "unauthorized", "message": "缺少或无效的 API 令牌。"}]}


def test_token_loses_access_when_its_owner_leaves(client, db, community):
    user = make_member(community, Role.OPERATOR)
    issued = accounts.create_api_token(community, user, "x")
    db.session.commit()
    db.session.execute(db.delete(Membership).where(Membership.user_id == user.id))
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.secret}"})
    assert response.status_code == 401


def test_settings_update_and_validation(client, login_as, db, community):
    login_as("admin")
    client.post(f"/c/{community.slug}/settings", data={"name": "新名字", "description": "简介"})
    db.session.expire_all()
    assert community.name == "新名字"
    page = client.post(f"/c/{community.slug}/settings", data={"name": ""})
    assert "请填写社群名称" in page.get_data(as_text=True)
    db.session.expire_all()
    assert community.name == "新名字"


def test_superuser_creates_a_community_and_bad_slugs_are_refused(client, login_as, db):
    login_as("superuser")
    bad = client.post("/communities/new", data={"name": "读书会", "slug": "Bad Slug!"})
    assert "短网址只能包含" in bad.get_data(as_text=True)
    good = client.post("/communities/new", data={"name": "读书会", "slug": "books"})
    assert good.status_code == 302 and good.headers["Location"].endswith("/c/books/")
    taken = client.post("/communities/new", data={"name": "读书会2", "slug": "books"})
    assert "该短网址已被使用" in taken.get_data(as_text=True)
