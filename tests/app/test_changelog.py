"""The changelog (你说我改): a service other features use for their own entries, and a page
that is public unless the community keeps it for members."""

from __future__ import annotations

import pytest

from app.models import ChangelogEntry
from app.services.errors import ServiceError
from app.services.suggestions import changelog
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board, make_suggestion


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


# --- entries tied to the suggestions they answer ---------------------------------------------


def _operator(community):
    return make_member(community, "operator")


def test_a_completed_suggestion_is_answered_by_its_entry(app, db, client, community):
    from app.services.suggestions import triage as suggestion_triage

    enable_board(community)
    author = make_member(community)
    suggestion, _code = make_suggestion(community, author=author, title="直播课希望有回放")
    suggestion_triage.change_status(suggestion, status="done", reply="已上线高清回放",
                                    actor=_operator(community),
                                    changelog_title="直播课提供高清回放")
    db.session.commit()
    (entry,) = changelog.entries(community)
    assert [a.suggestion_id for a in entry.answers] == [suggestion.id]
    assert changelog.entries_answering(suggestion) == [entry]
    sign_in(client, author)
    page = client.get(f"/c/{community.slug}/s/{suggestion.id}").get_data(as_text=True)
    assert "已写进「你说我改」" in page and f"#entry-{entry.id}" in page
    listing = client.get(f"/c/{community.slug}/changes").get_data(as_text=True)
    assert "回应的建议" in listing
    assert f"/c/{community.slug}/s/{suggestion.id}" in listing


def test_operators_pick_the_suggestions_a_hand_written_entry_answers(app, db, client,
                                                                     community):
    enable_board(community)
    first, _c1 = make_suggestion(community, author=make_member(community), title="群里广告太多")
    second, _c2 = make_suggestion(community, author=make_member(community),
                                  title="希望加强广告管理")
    sign_in(client, _operator(community))
    db.session.commit()
    form = client.get(f"/c/{community.slug}/changes").get_data(as_text=True)
    assert f'value="{first.id}"' in form and "群里广告太多" in form
    response = client.post(f"/c/{community.slug}/changes/new", data={
        "title": "新增广告巡查员", "answers": [str(first.id), str(second.id)]})
    assert response.status_code == 302
    entry = db.session.execute(db.select(ChangelogEntry)).scalar_one()
    assert sorted(a.suggestion_id for a in entry.answers) == sorted([first.id, second.id])
    assert changelog.entries_answering(second) == [entry]


def test_an_entry_answers_only_suggestions_of_its_community(app, db, client, community,
                                                             other_community):
    theirs, _code = make_suggestion(other_community, author=make_member(other_community))
    sign_in(client, _operator(community))
    db.session.commit()
    response = client.post(f"/c/{community.slug}/changes/new", data={
        "title": "新增广告巡查员", "answers": [str(theirs.id)]})
    assert response.status_code == 400
    assert f"找不到建议 #{theirs.id}" in response.get_data(as_text=True)
    assert db.session.execute(db.select(ChangelogEntry)).first() is None
    with pytest.raises(ServiceError, match="最多关联"):
        changelog.add_entry(community, title="太多", answers=range(1, changelog.MAX_ANSWERS + 2))


def test_a_duplicate_shows_the_entry_of_the_suggestion_it_was_merged_into(app, db, client,
                                                                          community):
    from app.services.suggestions import triage as suggestion_triage

    enable_board(community)
    operator = _operator(community)
    target, _c1 = make_suggestion(community, author=make_member(community), title="广告太多")
    author = make_member(community)
    duplicate, _c2 = make_suggestion(community, author=author, title="请管管广告")
    suggestion_triage.merge(duplicate, target, actor=operator)
    # picking the duplicate means the suggestion it now lives in
    entry = changelog.add_entry(community, title="新增广告巡查员", answers=[duplicate.id])
    db.session.commit()
    assert [a.suggestion_id for a in entry.answers] == [target.id]
    assert changelog.entries_answering(duplicate) == [entry]
    assert [s.id for s in changelog.answered_by([entry])[entry.id]] == [target.id, duplicate.id]
    sign_in(client, author)
    page = client.get(f"/c/{community.slug}/s/{duplicate.id}").get_data(as_text=True)
    assert "新增广告巡查员" in page


def test_visitors_see_how_many_suggestions_an_entry_answers_not_their_words(app, db, client,
                                                                           community):
    private, _code = make_suggestion(community, author=make_member(community),
                                     title="某位成员的私下建议")
    changelog.add_entry(community, title="调整了作业点评时间", answers=[private.id])
    db.session.commit()
    page = client.get(f"/c/{community.slug}/changes").get_data(as_text=True)
    assert "调整了作业点评时间" in page
    assert "某位成员的私下建议" not in page
    assert "回应了 1 条成员建议" in page


def test_operators_change_what_an_entry_answers(app, db, client, community):
    first, _c1 = make_suggestion(community, author=make_member(community), title="群里广告太多")
    second, _c2 = make_suggestion(community, author=make_member(community), title="广告管管吧")
    entry = changelog.add_entry(community, title="新增广告巡查员", answers=[first.id])
    sign_in(client, _operator(community))
    db.session.commit()
    page = client.get(f"/c/{community.slug}/changes?edit={entry.id}").get_data(as_text=True)
    assert f'name="entry{entry.id}-answers"' in page
    response = client.post(f"/c/{community.slug}/changes/{entry.id}/answers",
                           data={f"entry{entry.id}-answers": [str(second.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert [a.suggestion_id for a in db.session.get(ChangelogEntry, entry.id).answers] == \
        [second.id]
    assert changelog.entries_answering(first) == []
    sign_in(client, make_member(community))
    db.session.commit()
    assert client.post(f"/c/{community.slug}/changes/{entry.id}/answers",
                       data={f"entry{entry.id}-answers": [str(first.id)]}).status_code == 403
