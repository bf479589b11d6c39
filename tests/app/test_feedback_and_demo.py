"""Feedback items are recorded with PII redacted; the demo community loads realistic data."""

from __future__ import annotations

from app.models import Community, FeedbackItem, Membership, SourceKind, User
from app.security.roles import Role
from app.services.insights.feedback import FeedbackInput, record_feedback


def test_feedback_is_redacted_before_it_is_stored(app, db, community):
    item = record_feedback(FeedbackInput(
        community_id=community.id, source_kind=SourceKind.IMPORT, source_key="import:1",
        text="直播又卡了，有问题打我电话 13812345678 或发邮件 a.b@example.com",
    ))
    db.session.commit()
    assert "13812345678" in item.raw_text
    assert "13812345678" not in item.redacted_text
    assert "a.b@example.com" not in item.redacted_text
    assert "[手机号]" in item.redacted_text and "[邮箱]" in item.redacted_text
    assert item.pii_kinds == ["email", "mobile"]
    assert item.is_anonymous


def test_recording_the_same_source_updates_instead_of_duplicating(app, db, community):
    data = FeedbackInput(community_id=community.id, source_kind="suggestion",
                         source_key="suggestion:7", text="积分兑换太少")
    first = record_feedback(data)
    data.text = "积分兑换的东西太少了"
    second = record_feedback(data)
    db.session.commit()
    assert first.id == second.id
    assert db.session.execute(db.select(db.func.count(FeedbackItem.id))).scalar_one() == 1
    assert second.redacted_text == "积分兑换的东西太少了"


def test_blank_text_removes_the_item(app, db, community):
    data = FeedbackInput(community_id=community.id, source_kind="suggestion",
                         source_key="suggestion:8", text="群里广告太多")
    record_feedback(data)
    data.text = "   "
    assert record_feedback(data) is None
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(FeedbackItem.id))).scalar_one() == 0


def test_unknown_source_kind_is_refused(app, db, community):
    import pytest

    with pytest.raises(ValueError):
        record_feedback(FeedbackInput(community_id=community.id, source_kind="rumour",
                                      source_key="x", text="hi"))


def test_demo_loads_a_community_with_staff_members_and_six_months_of_feedback(app, db):
    from app.demo import DEMO_LOGINS, demo_exists, load_demo

    assert not demo_exists()
    load_demo(log=lambda _m: None)
    assert demo_exists()
    community = db.session.execute(
        db.select(Community).where(Community.slug == "demo")
    ).scalar_one()
    assert community.name == "示例社群"
    roles = dict(db.session.execute(
        db.select(User.email, Membership.role).join(Membership)
        .where(Membership.community_id == community.id, User.email.in_(
            [login.email for login in DEMO_LOGINS]))
    ).all())
    assert roles == {login.email: login.role for login in DEMO_LOGINS}
    members = db.session.execute(
        db.select(db.func.count(Membership.id)).where(
            Membership.community_id == community.id, Membership.role == Role.MEMBER.value)
    ).scalar_one()
    assert members > 300
    items = db.session.execute(
        db.select(FeedbackItem).where(FeedbackItem.community_id == community.id)
    ).scalars().all()
    assert len(items) >= 150
    span_days = (max(i.occurred_at for i in items) - min(i.occurred_at for i in items)).days
    assert span_days >= 150
    texts = [i.raw_text for i in items]
    assert len(set(texts)) > 0.9 * len(texts), "generated feedback should be varied"
    assert any(i.pii_kinds for i in items), "some demo texts carry PII to show redaction"
    assert all("1381" not in i.redacted_text for i in items if "mobile" in i.pii_kinds)


def test_demo_cli_loads_once_and_can_reset(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--if-missing"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["demo", "load", "--if-missing"])
    assert "already loaded" in again.output
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code != 0
    reset = runner.invoke(args=["demo", "load", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert db.session.execute(
        db.select(db.func.count(Community.id)).where(Community.slug == "demo")
    ).scalar_one() == 1
