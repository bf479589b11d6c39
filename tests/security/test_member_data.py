"""Member data rights (PIPL): a community admin downloads everything the community holds
about one member; nobody else can, and another community's admin gets 404."""

from __future__ import annotations

import json

from app.models import AuditEntry, Membership
from tests.factories import make_member
from tests.factories_sources import make_interview, make_suggestion


def _export(client, community, membership_id, **data):
    return client.post(f"/c/{community.slug}/members/{membership_id}/export", data=data)


def _membership(db, user, community):
    return db.session.execute(db.select(Membership).filter_by(
        user_id=user.id, community_id=community.id)).scalar_one()


def test_an_admin_exports_everything_about_one_member(client, db, community, login_as):
    admin = login_as("admin")
    member = make_member(community, "member")
    signed, _code = make_suggestion(community, author=member, content="希望周末也开放自习室")
    make_suggestion(community, anonymous=True, content="匿名：直播老是卡")
    make_suggestion(community, author=admin, content="管理员自己的建议")
    make_interview(community, actor=admin, interviewee_id=member.id, notes="他说作业批改太慢")
    db.session.commit()
    response = _export(client, community, _membership(db, member, community).id)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == member.email
    assert "password_hash" not in data["account"] and "session_nonce" not in data["account"]
    assert data["membership"]["role"] == "member"
    assert [s["id"] for s in data["suggestions"]] == [signed.id]
    assert "希望周末也开放自习室" in json.dumps(data, ensure_ascii=False)
    assert "匿名：直播老是卡" not in json.dumps(data, ensure_ascii=False)
    assert [i["notes"] for i in data["interviews_as_interviewee"]] == ["他说作业批改太慢"]
    assert db.session.execute(db.select(AuditEntry).filter_by(
        action="member.data_exported")).scalar_one()


def test_the_export_is_for_admins_of_the_member_s_community_only(
        client, db, community, other_community, login_as):
    member = make_member(community, "member")
    db.session.commit()
    membership_id = _membership(db, member, community).id
    login_as("operator")
    assert _export(client, community, membership_id).status_code == 403
    login_as("admin", target=other_community)
    assert _export(client, other_community, membership_id).status_code == 404
