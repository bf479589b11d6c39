"""Feedback items are recorded with PII redacted, once per source; blank text removes them."""

from __future__ import annotations

from app.models import FeedbackItem, SourceKind
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
