"""A copied session cookie stops working when its owner signs out, changes the password or
loses a role: every cookie carries the user's session nonce, which these events renew."""

from __future__ import annotations

from app.services.accounts import users as accounts
from tests.conftest import sign_in
from tests.factories import make_member

COOKIE = "huisheng_session"


def _copy_of_session(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    stolen = client.get_cookie(COOKIE).value
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    return thief


def _signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def test_a_copied_cookie_dies_at_sign_out(app, client, db, community):
    member = make_member(community, "member")
    db.session.commit()
    sign_in(client, member)
    assert _signed_in(client)
    thief = _copy_of_session(app, client)
    assert _signed_in(thief)
    assert client.post("/auth/logout").status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_a_copied_cookie_dies_when_the_role_is_removed(app, client, db, community):
    admin = make_member(community, "admin")
    member = make_member(community, "operator")
    db.session.commit()
    sign_in(client, member)
    thief = _copy_of_session(app, client)
    assert _signed_in(thief)
    membership = next(m for m in member.memberships if m.community_id == community.id)
    accounts.remove_member(membership, actor=admin)
    db.session.commit()
    assert not _signed_in(thief)


def test_a_copied_cookie_dies_when_the_role_is_lowered(app, client, db, community):
    admin = make_member(community, "admin")
    member = make_member(community, "manager")
    db.session.commit()
    sign_in(client, member)
    thief = _copy_of_session(app, client)
    membership = next(m for m in member.memberships if m.community_id == community.id)
    accounts.set_member_role(membership, "member", actor=admin)
    db.session.commit()
    assert not _signed_in(thief)


def test_a_raised_role_keeps_the_session(app, client, db, community):
    admin = make_member(community, "admin")
    member = make_member(community, "member")
    db.session.commit()
    sign_in(client, member)
    membership = next(m for m in member.memberships if m.community_id == community.id)
    accounts.set_member_role(membership, "operator", actor=admin)
    db.session.commit()
    assert _signed_in(client)
