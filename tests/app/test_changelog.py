"""The changelog (你说我改): a service other features use for their own entries, and a page
that is public unless the community keeps it for members."""

from __future__ import annotations

import pytest

from app.models import ChangelogEntry
from app.services import changelog
from app.services.errors import ServiceError
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board


def test_other_features_publish_one_entry_per_source(app, db, community):
    operator = make_member(community, "operator")
    first = changelog.publish_for_source(community, "theme", 7, title="广告刷屏：上线入群审核",
                                         body="新人答题后才能发言", supporters=42, actor=operator)
    again = changelog.publish_for_source(community, "theme", 7, title="广告刷屏：入群审核",
                                         body="已覆盖全部 4 个群", supporters=45)
    db.session.commit()
    assert first.id == again.id
    entry = db.session.execute(db.select(ChangelogEntry)).scalar_one()
    assert (entry.title, entry.body, entry.supporters) == (
        "广告刷屏：入群审核", "已覆盖全部 4 个群", 45)
    assert changelog.entry_for_source(community, "theme", 7).id == entry.id
    assert changelog.withdraw_for_source(community, "theme", 7) == 1
    db.session.commit()
    assert changelog.entries(community) == []


def test_entries_are_listed_newest_first_and_need_a_title(app, db, community):
    from datetime import timedelta

    from app.models import utcnow

    old = changelog.add_entry(community, title="旧的", published_at=utcnow() - timedelta(days=3))
    new = changelog.add_entry(community, title="新的")
    assert [e.id for e in changelog.entries(community)] == [new.id, old.id]
    with pytest.raises(ServiceError, match="请填写标题"):
        changelog.add_entry(community, title="  ")


def test_the_page_is_public_unless_kept_for_members(app, db, client, community):
    changelog.add_entry(community, title="作业点评改为 48 小时内完成")
    db.session.commit()
    visitor = client.get(f"/c/{community.slug}/changes").get_data(as_text=True)
    assert "作业点评改为 48 小时内完成" in visitor
    enable_board(community, public_changelog=False)
    db.session.commit()
    closed = client.get(f"/c/{community.slug}/changes").get_data(as_text=True)
    assert "作业点评" not in closed and "只对社群成员开放" in closed
    sign_in(client, make_member(community))
    db.session.commit()
    assert "作业点评" in client.get(f"/c/{community.slug}/changes").get_data(as_text=True)


def test_operators_add_and_remove_entries_by_hand(app, db, client, community):
    sign_in(client, make_member(community, "operator"))
    db.session.commit()
    response = client.post(f"/c/{community.slug}/changes/new",
                           data={"title": "积分规则公开到群公告", "body": "每次调整提前一周通知"})
    assert response.status_code == 302
    entry = db.session.execute(db.select(ChangelogEntry)).scalar_one()
    assert entry.source_type is None
    client.post(f"/c/{community.slug}/changes/{entry.id}/delete")
    assert db.session.execute(db.select(ChangelogEntry)).first() is None
    sign_in(client, make_member(community))
    db.session.commit()
    assert client.post(f"/c/{community.slug}/changes/new",
                       data={"title": "x"}).status_code == 403
