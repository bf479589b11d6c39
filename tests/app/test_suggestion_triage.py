"""Triage: statuses with official replies (and their audit), category, tags, assignee, notes,
the inbox's filters and pages, moderation, the changelog and the suggestion's history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import (
    AuditEntry,
    ChangelogEntry,
    FeedbackItem,
    Notification,
    Suggestion,
    SuggestionNote,
    SuggestionStatus,
    SuggestionUpdate,
    utcnow,
)
from app.services.errors import ServiceError
from app.services.suggestions import triage
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board, make_suggestion


@pytest.fixture
def team(db, community):
    operator = make_member(community, "operator", display_name="运营小林")
    helper = make_member(community, "operator", display_name="助教阿梁")
    author = make_member(community, display_name="阿青")
    follower = make_member(community, display_name="小鹿")
    enable_board(community)
    db.session.commit()
    return operator, helper, author, follower


def audits(db, action):
    return db.session.execute(db.select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)).scalars().all()


def test_the_status_workflow_records_each_step_with_its_reply_and_audit(
        app, db, client, community, team):
    operator, _helper, author, follower = team
    suggestion, _code = make_suggestion(community, author=author, content="希望有直播回放")
    db.session.commit()
    sign_in(client, operator)
    steps = [("in_progress", "技术同学在评估回放存储"), ("planned", "下个月上线"),
             ("done", "回放已上线，在课程页就能看到")]
    for status, reply in steps:
        response = client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/status",
                               data={"status": status, "reply": reply})
        assert response.status_code == 302
    db.session.refresh(suggestion)
    assert suggestion.status == "done"
    updates = db.session.execute(db.select(SuggestionUpdate).order_by(SuggestionUpdate.id)
                                 ).scalars().all()
    assert [(u.from_status, u.to_status, u.body) for u in updates] == [
        ("new", "in_progress", steps[0][1]), ("in_progress", "planned", steps[1][1]),
        ("planned", "done", steps[2][1])]
    assert all(u.actor_id == operator.id and u.public for u in updates)
    entries = audits(db, "suggestion.status_changed")
    assert [(e.before["status"], e.after["status"]) for e in entries] == [
        ("new", "in_progress"), ("in_progress", "planned"), ("planned", "done")]
    assert all(e.actor_id == operator.id and e.target_id == suggestion.id for e in entries)
    assert entries[-1].after["reply"] == steps[2][1]
    item = db.session.execute(db.select(FeedbackItem)).scalar_one()
    assert item.source_ref["status"] == "done"
    page = client.get(f"/c/{community.slug}/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "处理中 → 已采纳/计划中" in page, "the page shows its history"
    member_page = client.get(f"/c/{community.slug}/s/{suggestion.id}").get_data(as_text=True)
    assert "回放已上线" in member_page


def test_a_reply_without_a_status_change_is_published_and_notified(app, db, community, team):
    operator, _h, author, _f = team
    suggestion, _c = make_suggestion(community, author=author)
    triage.change_status(suggestion, status="new", reply="能说说是哪个时段卡吗？", actor=operator)
    db.session.commit()
    assert suggestion.status == "new"
    assert audits(db, "suggestion.replied")[0].after["reply"] == "能说说是哪个时段卡吗？"
    note = db.session.execute(db.select(Notification)).scalar_one()
    assert note.recipient_id == author.id and note.kind == "suggestion.reply"


@pytest.mark.parametrize("status, reply, message", [
    ("new", "", "状态没有变化"),
    ("done", "", "请写一句回复"),
    ("declined", "   ", "请写一句回复"),
    ("duplicate", "重复了", "请使用「合并」"),
    ("teleported", "?", "有效的状态"),
])
def test_invalid_status_changes_are_refused_with_a_reason(app, db, community, team, status,
                                                          reply, message):
    operator, _h, author, _f = team
    suggestion, _c = make_suggestion(community, author=author)
    db.session.commit()
    with pytest.raises(ServiceError, match=message):
        triage.change_status(suggestion, status=status, reply=reply, actor=operator)
    db.session.rollback()
    assert db.session.get(Suggestion, suggestion.id).status == "new"


def test_the_page_shows_the_error_and_keeps_the_status(app, db, client, community, team):
    operator, _h, author, _f = team
    suggestion, _c = make_suggestion(community, author=author)
    db.session.commit()
    sign_in(client, operator)
    response = client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/status",
                           data={"status": "declined", "reply": ""})
    assert response.status_code == 400
    assert "请写一句回复" in response.get_data(as_text=True)
    db.session.refresh(suggestion)
    assert suggestion.status == "new"


def test_submitter_and_followers_are_notified_of_every_change_but_not_the_actor(
        app, db, client, community, team):
    operator, helper, author, follower = team
    suggestion, _c = make_suggestion(community, author=author, content="打卡积分算错了")
    db.session.commit()
    sign_in(client, follower)
    client.post(f"/c/{community.slug}/s/{suggestion.id}/follow", data={"follow": "1"})
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/s/{suggestion.id}/follow", data={"follow": "1"})
    triage.change_status(suggestion, status="in_progress", reply="在查了", actor=operator)
    triage.change_status(suggestion, status="done", reply="已补发积分", actor=helper)
    db.session.commit()
    notes = db.session.execute(db.select(Notification).order_by(Notification.id)).scalars().all()
    by_person = {}
    for n in notes:
        by_person.setdefault(n.recipient_id, []).append(n)
    assert len(by_person[author.id]) == 2 and len(by_person[follower.id]) == 2
    assert len(by_person[operator.id]) == 1, "the operator follows, but not their own change"
    assert helper.id not in by_person
    done = by_person[follower.id][-1]
    assert "已完成" in done.title and "已补发积分" in done.body
    assert done.link == f"/c/{community.slug}/s/{suggestion.id}#updates"
    assert done.community_id == community.id and done.read_at is None


def test_triage_sets_category_tags_and_assignee_with_an_audit_of_what_changed(
        app, db, client, community, team):
    operator, helper, author, _f = team
    suggestion, _c = make_suggestion(community, author=author)
    db.session.commit()
    sign_in(client, operator)
    response = client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/triage", data={
        "category": "服务", "tags": "直播，回放、直播", "assignee": str(helper.id)})
    assert response.status_code == 302
    db.session.refresh(suggestion)
    assert suggestion.category == "服务" and suggestion.tag_names == ["回放", "直播"]
    assert suggestion.assignee_id == helper.id
    entry = audits(db, "suggestion.triaged")[0]
    assert entry.before == {"category": "技术与体验", "tags": [], "assignee_id": None}
    assert entry.after == {"category": "服务", "tags": ["回放", "直播"],
                           "assignee_id": helper.id}
    assigned = db.session.execute(db.select(Notification).where(
        Notification.kind == "suggestion.assigned")).scalar_one()
    assert assigned.recipient_id == helper.id
    outsider = make_member(community)  # a plain member cannot be assigned
    db.session.commit()
    bad = client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/triage", data={
        "category": "服务", "tags": "", "assignee": str(outsider.id)})
    assert bad.status_code == 400 and "只能指派给本社群的运营者" in bad.get_data(as_text=True)


def test_internal_notes_are_never_shown_to_members(app, db, client, community, team):
    operator, _h, author, _f = team
    suggestion, code = make_suggestion(community, author=author)
    db.session.commit()
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/notes",
                data={"body": "这个人上次也投诉过，注意语气"})
    assert db.session.execute(db.select(SuggestionNote)).scalar_one().author_id == operator.id
    assert "注意语气" in client.get(
        f"/c/{community.slug}/suggestions/{suggestion.id}").get_data(as_text=True)
    sign_in(client, author)
    assert "注意语气" not in client.get(
        f"/c/{community.slug}/s/{suggestion.id}").get_data(as_text=True)
    assert "注意语气" not in client.get(f"/c/{community.slug}/t/{code}").get_data(as_text=True)


def test_the_inbox_filters_by_status_category_tag_assignee_date_and_text(
        app, db, client, community, team):
    operator, helper, author, _f = team
    a, _ = make_suggestion(community, author=author, content="直播课卡顿严重",
                           category="技术与体验")
    b, _ = make_suggestion(community, author=author, content="积分商城东西太少",
                           category="积分与激励")
    c, _ = make_suggestion(community, content="群里广告太多了", category="群规与秩序")
    triage.triage(b, category="积分与激励", tags="积分", assignee_id=helper.id, actor=operator)
    triage.change_status(c, status="done", reply="入群审核上线", actor=operator)
    a.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    sign_in(client, operator)

    def titles(query: str) -> set[str]:
        page = client.get(f"/c/{community.slug}/suggestions?{query}").get_data(as_text=True)
        return {t for t in ("直播课卡顿严重", "积分商城东西太少", "群里广告太多了") if t in page}

    assert titles("") == {"直播课卡顿严重", "积分商城东西太少", "群里广告太多了"}
    assert titles("status=done") == {"群里广告太多了"}
    assert titles("status=open") == {"直播课卡顿严重", "积分商城东西太少"}
    assert titles("category=技术与体验") == {"直播课卡顿严重"}
    assert titles("tag=积分") == {"积分商城东西太少"}
    assert titles(f"assignee={helper.id}") == {"积分商城东西太少"}
    assert titles("assignee=none") == {"直播课卡顿严重", "群里广告太多了"}
    assert titles("q=广告") == {"群里广告太多了"}
    assert titles("q=100%25_") == set()
    recent = (utcnow() - timedelta(days=7)).date().isoformat()
    assert titles(f"from={recent}") == {"积分商城东西太少", "群里广告太多了"}
    old = (utcnow() - timedelta(days=30)).date().isoformat()
    assert titles(f"to={old}") == {"直播课卡顿严重"}


def test_the_inbox_pages_through_many_suggestions(app, db, client, community, team):
    operator, _h, author, _f = team
    for i in range(30):
        make_suggestion(community, author=author, content=f"第{i:02d}号建议：希望多办活动")
    db.session.commit()
    sign_in(client, operator)
    first = client.get(f"/c/{community.slug}/suggestions?sort=old").get_data(as_text=True)
    second = client.get(f"/c/{community.slug}/suggestions?sort=old&page=2").get_data(as_text=True)
    assert "第00号" in first and "第24号" in first and "第25号" not in first
    assert "第25号" in second and "第29号" in second and "第00号" not in second
    assert "下一页" in first and "上一页" in second


def test_hidden_suggestions_leave_the_board_and_members_similar_results(
        app, db, client, community, team):
    operator, _h, author, follower = team
    suggestion, _c = make_suggestion(community, author=author, content="群里广告刷屏太严重了")
    db.session.commit()
    sign_in(client, follower)
    assert "群里广告刷屏太严重了" in client.get(f"/c/{community.slug}/board").get_data(as_text=True)
    found = client.post(f"/c/{community.slug}/box/similar", json={"text": "广告刷屏很严重"})
    assert [i["id"] for i in found.get_json()["data"]["items"]] == [suggestion.id]
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/visibility",
                data={"hidden": "1"})
    assert audits(db, "suggestion.hidden")
    sign_in(client, follower)
    assert "群里广告刷屏太严重了" not in client.get(
        f"/c/{community.slug}/board").get_data(as_text=True)
    assert client.get(f"/c/{community.slug}/s/{suggestion.id}").status_code == 404
    found = client.post(f"/c/{community.slug}/box/similar", json={"text": "广告刷屏很严重"})
    assert found.get_json()["data"]["items"] == []
    sign_in(client, author)  # the author still sees their own
    assert client.get(f"/c/{community.slug}/s/{suggestion.id}").status_code == 200


def test_completed_suggestions_appear_on_the_changelog_and_leave_it_when_reopened(
        app, db, client, community, team):
    operator, _h, author, follower = team
    suggestion, _c = make_suggestion(community, author=author, title="直播回放",
                                     content="希望直播有回放")
    db.session.commit()
    sign_in(client, follower)
    client.post(f"/c/{community.slug}/s/{suggestion.id}/vote")
    triage.change_status(suggestion, status="done", reply="回放已经上线", actor=operator,
                         changelog_title="直播课提供回放")
    db.session.commit()
    entry = db.session.execute(db.select(ChangelogEntry)).scalar_one()
    assert (entry.source_type, entry.source_id) == ("suggestion", suggestion.id)
    assert entry.title == "直播课提供回放" and entry.body == "回放已经上线"
    assert entry.supporters == 2
    public = app.test_client().get(f"/c/{community.slug}/changes").get_data(as_text=True)
    assert "直播课提供回放" in public and "回放已经上线" in public and "2 位成员提出过" in public
    assert author.display_name not in public
    triage.change_status(suggestion, status="in_progress", reply="回放有问题，重新处理",
                         actor=operator)
    db.session.commit()
    assert db.session.execute(db.select(ChangelogEntry)).first() is None


def test_deleting_removes_the_suggestion_its_feedback_and_changelog(app, db, client, community,
                                                                     team):
    operator, _h, author, follower = team
    suggestion, _c = make_suggestion(community, author=author)
    from app.services.suggestions import board

    board.add_comment(suggestion, follower, "同感")
    triage.change_status(suggestion, status="done", reply="已处理", actor=operator)
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(FeedbackItem.id))).scalar_one() == 2
    sign_in(client, operator)
    response = client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/delete")
    assert response.status_code == 302
    assert db.session.execute(db.select(Suggestion)).first() is None
    assert db.session.execute(db.select(FeedbackItem)).first() is None
    assert db.session.execute(db.select(ChangelogEntry)).first() is None
    assert audits(db, "suggestion.deleted")[0].before["status"] == SuggestionStatus.DONE


def test_only_a_change_the_team_titled_reaches_the_changelog(app, db, client, community, team):
    operator, _h, author, _f = team
    praise, _c = make_suggestion(community, author=author,
                                 content="群主辛苦了[强] 最近群里清净多了")
    request, _c = make_suggestion(community, author=author, title="请加强广告管理",
                                  content="最近广告太多了，希望管理员处理")
    db.session.commit()
    # A compliment answered with thanks: done, but no change to announce.
    triage.change_status(praise, status="done", reply="谢谢支持！", actor=operator)
    triage.change_status(request, status="done", reply="入群审核已经上线", actor=operator,
                         changelog_title="  新人入群审核上线  ")
    db.session.commit()
    entries = db.session.execute(db.select(ChangelogEntry)).scalars().all()
    assert [(e.source_id, e.title) for e in entries] == [(request.id, "新人入群审核上线")]
    # A later reply keeps the written title (never the member's 「请加强广告管理」).
    triage.change_status(request, status="done", reply="关键词过滤也开了", actor=operator)
    db.session.commit()
    entry = db.session.execute(db.select(ChangelogEntry)).scalar_one()
    assert entry.title == "新人入群审核上线" and entry.body == "关键词过滤也开了"
    public = client.get(f"/c/{community.slug}/changes").get_data(as_text=True)
    assert "请加强广告管理" not in public and "辛苦了" not in public


def test_merging_a_done_suggestion_and_undoing_it_keeps_its_written_title(app, db, community,
                                                                         team):
    operator, _h, author, _f = team
    first, _c = make_suggestion(community, author=author, content="直播老是卡")
    second, _c = make_suggestion(community, author=author, content="直播卡顿严重")
    db.session.commit()
    triage.change_status(second, status="done", reply="换了线路", actor=operator,
                         changelog_title="直播换了更稳的线路")
    triage.merge(second, first, actor=operator)
    db.session.commit()
    assert db.session.execute(db.select(ChangelogEntry)).first() is None
    triage.unmerge(second, actor=operator)
    db.session.commit()
    entry = db.session.execute(db.select(ChangelogEntry)).scalar_one()
    assert (entry.source_id, entry.title) == (second.id, "直播换了更稳的线路")


def test_the_operator_writes_the_changelog_title_with_the_reply(app, db, client, community,
                                                                team):
    operator, _h, author, _f = team
    suggestion, _c = make_suggestion(community, author=author, content="作业能不能分难度")
    db.session.commit()
    sign_in(client, operator)
    page = client.get(f"/c/{community.slug}/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "「你说我改」标题（选填）" in page
    client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/status", data={
        "status": "done", "reply": "作业分成了新手和进阶两档",
        "changelog_title": "作业分新手、进阶两档"})
    entry = db.session.execute(db.select(ChangelogEntry)).scalar_one()
    assert entry.title == "作业分新手、进阶两档"


def test_bulk_triage_sets_status_adds_tags_and_merges_all_or_nothing(app, db, client,
                                                                     community):
    from app.models import Suggestion, SuggestionStatus

    suggest = make_suggestion
    operator = make_member(community, "operator", display_name="运营小林")
    made = [suggest(community, content=f"希望增加直播回放，第 {n} 次提了")[0] for n in range(4)]
    db.session.commit()
    ids = [s.id for s in made]
    sign_in(client, operator)
    url = f"/c/{community.slug}/suggestions/bulk"
    client.post(url, data={"items": ids[:2], "action": "status", "status": "planned",
                           "reply": "已经排进下个月的计划。"})
    client.post(url, data={"items": ids[:3], "action": "tag", "tags": "直播，回放"})
    db.session.expire_all()
    status = [db.session.get(Suggestion, i).status for i in ids]
    assert status == ["planned", "planned", "new", "new"]
    assert [sorted(db.session.get(Suggestion, i).tag_names) for i in ids] == [
        ["回放", "直播"], ["回放", "直播"], ["回放", "直播"], []]
    # 已完成 needs a reply: the whole batch is refused, naming the suggestion, and nothing stored
    refused = client.post(url, data={"items": ids, "action": "status", "status": "done"},
                          follow_redirects=True).get_data(as_text=True)
    assert f"建议 #{ids[0]}：" in refused and "请写一句回复" in refused
    db.session.expire_all()
    assert [db.session.get(Suggestion, i).status for i in ids] == status
    client.post(url, data={"items": ids, "action": "merge", "target": str(ids[0])})
    db.session.expire_all()
    merged = [db.session.get(Suggestion, i) for i in ids[1:]]
    assert all(s.merged_into_id == ids[0] and s.status == SuggestionStatus.DUPLICATE.value
               for s in merged)
    # another community's suggestions cannot be reached
    with pytest.raises(ServiceError):
        triage.bulk_triage(community, [999999], action="tag", tags="x", actor=operator)


def test_canned_replies_are_kept_per_community_and_offered_when_replying(app, db, client,
                                                                        community,
                                                                        other_community):
    operator = make_member(community, "operator", display_name="运营小林")
    suggestion, _code = make_suggestion(community, content="希望增加直播回放")
    db.session.commit()
    sign_in(client, operator)
    url = f"/c/{community.slug}/suggestions/replies"
    saved = client.post(url, data={"replies": (
        "已排期\n谢谢你的建议！已经排进计划，上线后会通知你。\n\n"
        "暂不采纳\n谢谢你的建议，这件事我们暂时不做。\r\n")})
    assert saved.status_code == 302
    page = client.get(f"/c/{community.slug}/suggestions/{suggestion.id}").get_data(as_text=True)
    assert '<option value="谢谢你的建议！已经排进计划，上线后会通知你。">已排期</option>' in page
    assert 'data-canned-for="reply"' in page
    inbox = client.get(f"/c/{community.slug}/suggestions").get_data(as_text=True)
    assert ">暂不采纳</option>" in inbox
    # a name without a text is refused and the saved replies stay
    refused = client.post(url, data={"replies": "只有名称"})
    assert refused.status_code == 400 and "只有名称" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [r["name"] for r in community.setting("canned_replies")] == ["已排期", "暂不采纳"]
    assert other_community.setting("canned_replies") is None
