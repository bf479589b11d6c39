"""Interviews: records with guides, tags and consent; paragraphs and highlights as feedback
items that point back to their exact place; edits that keep highlights valid; search and
lists by tag and interviewee."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import AuditEntry, FeedbackItem, Highlight, Interview, SourceKind
from app.services.errors import ServiceError
from app.services.insights.feedback_links import source_link
from app.services.interviews import records as service
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import make_interview

NOTES = """## 你怎么看群里的广告？

广告太多了，**晚上**几乎每隔半小时就有人刷屏。

> 原话：我差点就退群了

## 有什么建议？

- 新人入群先审核
- 设置关键词自动踢人
"""


@pytest.fixture
def operator(db, community):
    user = make_member(community, "operator", display_name="运营小林")
    db.session.commit()
    return user


def items(db, kind: SourceKind) -> list[FeedbackItem]:
    return db.session.execute(db.select(FeedbackItem).where(
        FeedbackItem.source_kind == kind.value).order_by(FeedbackItem.id)).scalars().all()


def test_an_interview_with_a_guide_starts_with_a_section_per_question(
        app, db, client, community, operator):
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/interviews/guides", data={
        "title": "新人访谈", "questions": "1. 你怎么加入社群的？\n2. 有什么让你想退群的时刻？\n"})
    guide = service.guides(community)[0]
    assert guide.questions == ["你怎么加入社群的？", "有什么让你想退群的时刻？"]
    member = make_member(community, display_name="阿青")
    db.session.commit()
    response = client.post(f"/c/{community.slug}/interviews/new", data={
        "interviewee_kind": "member", "interviewee_id": str(member.id), "held_on": "2026-11-02",
        "channel": "offline", "interviewer_id": str(operator.id), "consent": "yes",
        "consent_note": "同意引用，不公开昵称", "tags": "新人，退群", "guide_id": str(guide.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    interview = db.session.execute(db.select(Interview)).scalar_one()
    assert interview.interviewee_id == member.id and interview.interviewee_name == "阿青"
    assert interview.title == "与阿青的访谈" and interview.tag_names == ["新人", "退群"]
    assert interview.guide_questions == guide.questions
    assert interview.notes.startswith("## 你怎么加入社群的？")
    page = client.get(f"/c/{community.slug}/interviews/{interview.id}").get_data(as_text=True)
    assert "<h2>你怎么加入社群的？</h2>" in page and "<h2>有什么让你想退群的时刻？</h2>" in page
    service.update_guide(guide, title="新人访谈 v2", questions="只剩一个问题", actor=operator)
    db.session.commit()
    db.session.refresh(interview)
    assert interview.guide_questions == ["你怎么加入社群的？", "有什么让你想退群的时刻？"]


def test_every_text_paragraph_becomes_a_feedback_item_linking_to_its_anchor(
        app, db, community, operator):
    member = make_member(community)
    interview = make_interview(community, actor=operator, notes=NOTES, interviewee_id=member.id)
    db.session.commit()
    passages = items(db, SourceKind.INTERVIEW_PASSAGE)
    assert [p.raw_text for p in passages] == [
        "广告太多了，晚上几乎每隔半小时就有人刷屏。", "原话：我差点就退群了",
        "新人入群先审核\n设置关键词自动踢人"]
    first = passages[0]
    assert first.source_id == interview.id and first.author_id == member.id
    assert first.source_ref == {"interview_id": interview.id, "paragraph": 1, "anchor": "p-1",
                                "question": "你怎么看群里的广告？"}
    assert first.channel == "interview-online"
    assert first.occurred_at.date() == interview.held_on
    expected = f"/c/{community.slug}/interviews/{interview.id}#p-1"
    assert source_link(first, community.slug) == expected


def test_a_highlight_made_in_the_page_points_back_to_its_exact_place(
        app, db, client, community, operator):
    interview = make_interview(community, actor=operator, notes=NOTES)
    db.session.commit()
    sign_in(client, operator)
    response = client.post(f"/c/{community.slug}/interviews/{interview.id}/highlights", data={
        "paragraph": "1", "offset": "6", "quote": "晚上几乎每隔半小时就有人刷屏",
        "tags": "广告，痛点", "sentiment": "-1", "note": "高频痛点"})
    assert response.status_code == 302
    highlight = db.session.execute(db.select(Highlight)).scalar_one()
    assert response.headers["Location"].endswith(f"#h-{highlight.id}")
    block = service.parse_notes(interview.notes)[1]
    assert block.source[highlight.start:highlight.end] == "晚上**几乎每隔半小时就有人刷屏"
    assert highlight.excerpt == "晚上**几乎每隔半小时就有人刷屏"
    assert (highlight.paragraph_index, highlight.sentiment, highlight.tag_names) == (
        1, -1, ["广告", "痛点"])
    item = items(db, SourceKind.INTERVIEW_HIGHLIGHT)[0]
    assert item.raw_text == "晚上几乎每隔半小时就有人刷屏"
    assert item.source_key == f"interview:{interview.id}:h:{highlight.id}"
    assert item.source_ref == {
        "interview_id": interview.id, "highlight_id": highlight.id, "paragraph": 1,
        "start": highlight.start, "end": highlight.end, "anchor": f"h-{highlight.id}",
        "tags": ["广告", "痛点"], "sentiment": -1, "stale": False}
    link = source_link(item, community.slug)
    assert link == f"/c/{community.slug}/interviews/{interview.id}#h-{highlight.id}"
    page = client.get(link.split("#")[0]).get_data(as_text=True)
    assert f'id="h-{highlight.id}"' in page and 'id="p-1"' in page
    assert db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "highlight.created")).scalar_one().actor_id == operator.id


def test_a_selection_that_is_not_in_the_paragraph_is_refused(app, db, client, community,
                                                             operator):
    interview = make_interview(community, actor=operator, notes=NOTES)
    db.session.commit()
    sign_in(client, operator)
    for data, message in (
        ({"paragraph": "1", "quote": "这句话不存在"}, "找不到选中的文字"),
        ({"paragraph": "0", "quote": "广告"}, "请在访谈内容的段落里选择文字"),
        ({"paragraph": "99", "quote": "广告"}, "请在访谈内容的段落里选择文字"),
        ({"paragraph": "1", "quote": ""}, "请先在访谈记录中选中一段文字"),
        ({"paragraph": "1", "quote": "广告", "sentiment": "7"}, ""),
    ):
        response = client.post(f"/c/{community.slug}/interviews/{interview.id}/highlights",
                               data=data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db.session.execute(db.select(Highlight)).first() is None


def test_editing_notes_resyncs_paragraphs_and_keeps_or_flags_highlights(
        app, db, client, community, operator):
    interview = make_interview(community, actor=operator, notes=NOTES)
    kept = service.create_highlight(interview, paragraph_index=1, quote="有人刷屏",
                                    actor=operator)
    lost = service.create_highlight(interview, paragraph_index=2, quote="我差点就退群了",
                                    actor=operator)
    db.session.commit()
    unchanged_key = next(i.source_key for i in items(db, SourceKind.INTERVIEW_PASSAGE)
                         if i.raw_text.startswith("广告太多了"))
    new_notes = ("开场寒暄：聊了聊最近拍的照片。\n\n" + NOTES).replace(
        "> 原话：我差点就退群了\n", "> 原话：现在好多了\n")
    sign_in(client, operator)
    response = client.post(f"/c/{community.slug}/interviews/{interview.id}/edit", data={
        "interviewee_kind": "external", "interviewee_name": "小雨", "held_on": "2026-10-20",
        "channel": "online", "interviewer_id": str(operator.id), "consent": "yes",
        "notes": new_notes, "tags": ""})
    assert response.status_code == 302
    db.session.expire_all()
    kept, lost = db.session.get(Highlight, kept.id), db.session.get(Highlight, lost.id)
    assert (kept.paragraph_index, kept.stale) == (2, False)
    blocks = service.parse_notes(new_notes)
    assert blocks[2].source[kept.start:kept.end] == "有人刷屏"
    assert lost.stale is True
    passages = items(db, SourceKind.INTERVIEW_PASSAGE)
    texts = [p.raw_text for p in passages]
    assert "原话：我差点就退群了" not in texts and "原话：现在好多了" in texts
    assert "开场寒暄：聊了聊最近拍的照片。" in texts
    same = next(p for p in passages if p.raw_text.startswith("广告太多了"))
    assert same.source_key == unchanged_key and same.source_ref["paragraph"] == 2
    highlight_items = {i.source_ref["highlight_id"]: i for i in
                       items(db, SourceKind.INTERVIEW_HIGHLIGHT)}
    assert highlight_items[kept.id].source_ref["paragraph"] == 2
    assert highlight_items[lost.id].source_ref["stale"] is True
    page = client.get(f"/c/{community.slug}/interviews/{interview.id}").get_data(as_text=True)
    assert "原文已修改" in page


def test_without_consent_nothing_goes_into_the_analysis(app, db, community, operator):
    interview = make_interview(community, actor=operator, notes=NOTES)
    service.create_highlight(interview, paragraph_index=1, quote="有人刷屏", actor=operator)
    db.session.commit()
    assert items(db, SourceKind.INTERVIEW_PASSAGE) and items(db, SourceKind.INTERVIEW_HIGHLIGHT)
    data = service.InterviewData(held_on=interview.held_on, channel="online",
                                 interviewer_id=operator.id, consent=False,
                                 interviewee_name="小雨", notes=interview.notes)
    service.update_interview(interview, data, actor=operator)
    db.session.commit()
    assert db.session.execute(db.select(FeedbackItem)).first() is None
    data.consent = True
    service.update_interview(interview, data, actor=operator)
    db.session.commit()
    assert len(items(db, SourceKind.INTERVIEW_HIGHLIGHT)) == 1


def test_deleting_an_interview_removes_its_highlights_and_feedback(app, db, client, community,
                                                                   operator):
    interview = make_interview(community, actor=operator, notes=NOTES)
    service.create_highlight(interview, paragraph_index=1, quote="有人刷屏", actor=operator)
    db.session.commit()
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/interviews/{interview.id}/delete")
    assert db.session.execute(db.select(Interview)).first() is None
    assert db.session.execute(db.select(Highlight)).first() is None
    assert db.session.execute(db.select(FeedbackItem)).first() is None


def test_updating_and_deleting_a_highlight_keeps_its_feedback_item_in_step(
        app, db, client, community, operator):
    interview = make_interview(community, actor=operator, notes=NOTES)
    highlight = service.create_highlight(interview, paragraph_index=1, quote="有人刷屏",
                                         actor=operator)
    db.session.commit()
    sign_in(client, operator)
    base = f"/c/{community.slug}/interviews/{interview.id}/highlights/{highlight.id}"
    client.post(base, data={"tags": "广告", "sentiment": "0", "note": ""})
    item = items(db, SourceKind.INTERVIEW_HIGHLIGHT)[0]
    assert item.source_ref["tags"] == ["广告"] and item.source_ref["sentiment"] == 0
    client.post(base + "/delete")
    assert items(db, SourceKind.INTERVIEW_HIGHLIGHT) == []


@pytest.mark.parametrize("field, value, message", [
    ("interviewee_name", "", "请选择受访成员"),
    ("held_on", date(2999, 1, 1), "不能晚于今天"),
    ("channel", "pigeon", "请选择访谈方式"),
    ("notes", "字" * 100_001, "不能超过"),
])
def test_invalid_interviews_are_refused(app, db, community, operator, field, value, message):
    data = service.InterviewData(held_on=date(2026, 10, 1), channel="phone",
                                 interviewer_id=operator.id, consent=True,
                                 interviewee_name="小雨")
    setattr(data, field, value)
    with pytest.raises(ServiceError, match=message):
        service.create_interview(community, data, actor=operator)


def test_a_member_of_another_community_cannot_be_the_interviewee(app, db, community,
                                                                 other_community, operator):
    stranger = make_member(other_community)
    data = service.InterviewData(held_on=date(2026, 10, 1), channel="phone",
                                 interviewer_id=operator.id, consent=True,
                                 interviewee_id=stranger.id)
    with pytest.raises(ServiceError, match="本社群的成员"):
        service.create_interview(community, data, actor=operator)
    plain_member = make_member(community)
    data = service.InterviewData(held_on=date(2026, 10, 1), channel="phone",
                                 interviewer_id=plain_member.id, consent=True,
                                 interviewee_name="小雨")
    with pytest.raises(ServiceError, match="访谈人需要是本社群的运营者"):
        service.create_interview(community, data, actor=operator)


def test_search_finds_notes_and_highlights_and_lists_by_tag_and_interviewee(
        app, db, client, community, operator):
    member = make_member(community, display_name="阿青")
    a = make_interview(community, actor=operator, notes=NOTES, interviewee_id=member.id,
                       tags="广告")
    b = make_interview(community, actor=operator, notes="直播经常卡顿，想换平台。",
                       interviewee_name="K 老师", tags="直播")
    make_interview(community, actor=operator, notes="积分商城东西少", interviewee_id=member.id,
                   tags="积分")
    service.create_highlight(b, paragraph_index=0, quote="想换平台", actor=operator,
                             tags="平台")
    db.session.commit()
    sign_in(client, operator)

    def listed(query: str) -> set[int]:
        page = client.get(f"/c/{community.slug}/interviews?{query}").get_data(as_text=True)
        return {i for i in (a.id, b.id) if f"/interviews/{i}\"" in page}

    assert listed("q=刷屏") == {a.id}
    page = client.get(f"/c/{community.slug}/interviews?q=刷屏").get_data(as_text=True)
    assert f"/interviews/{a.id}#p-1" in page, "results link to the paragraph"
    assert listed("q=换平台") == {b.id}
    assert listed("tag=直播") == {b.id}
    assert listed(f"who=m{member.id}") == {a.id}
    assert listed("who=xK 老师") == {b.id}
    assert listed("q=50%25") == set()
    people = {p.name: p.count for p in service.interviewees(community)}
    assert people == {"阿青": 2, "K 老师": 1}
    tags = dict(service.interview_tags(community))
    assert tags == {"广告": 1, "直播": 1, "积分": 1}
    highlights = client.get(f"/c/{community.slug}/interviews/highlights?tag=平台").get_data(
        as_text=True)
    assert "想换平台" in highlights


def test_interviews_of_another_community_are_not_found(app, db, client, community,
                                                       other_community, operator):
    theirs_op = make_member(other_community, "operator")
    theirs = make_interview(other_community, actor=theirs_op, notes=NOTES)
    guide = service.create_guide(other_community, title="别处提纲", questions="问题",
                                 actor=theirs_op)
    highlight = service.create_highlight(theirs, paragraph_index=1, quote="有人刷屏",
                                         actor=theirs_op)
    mine = make_interview(community, actor=operator, notes=NOTES)
    db.session.commit()
    sign_in(client, operator)
    slug = community.slug
    for method, url in [
        ("get", f"/c/{slug}/interviews/{theirs.id}"),
        ("get", f"/c/{slug}/interviews/{theirs.id}/edit"),
        ("post", f"/c/{slug}/interviews/{theirs.id}/delete"),
        ("post", f"/c/{slug}/interviews/{theirs.id}/highlights"),
        ("post", f"/c/{slug}/interviews/{mine.id}/highlights/{highlight.id}"),
        ("post", f"/c/{slug}/interviews/{mine.id}/highlights/{highlight.id}/delete"),
        ("get", f"/c/{slug}/interviews/guides/{guide.id}"),
        ("post", f"/c/{slug}/interviews/guides/{guide.id}/delete"),
    ]:
        response = client.get(url) if method == "get" else client.post(
            url, data={"paragraph": "1", "quote": "刷屏"})
        assert response.status_code == 404, url
    assert db.session.get(Interview, theirs.id) is not None


def test_a_highlighted_passage_is_counted_once_in_the_analysis(app, db, client, community,
                                                                operator):
    interview = make_interview(community, actor=operator, notes=NOTES)
    db.session.commit()
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/interviews/{interview.id}/highlights", data={
        "paragraph": "1", "offset": "6", "quote": "晚上几乎每隔半小时就有人刷屏"})
    whole = service.create_highlight(interview, paragraph_index=2, quote="原话：我差点就退群了",
                                     actor=operator)
    db.session.commit()
    highlight = db.session.execute(db.select(Highlight).where(
        Highlight.paragraph_index == 1)).scalar_one()

    texts = [i.raw_text for i in items(db, SourceKind.INTERVIEW_PASSAGE)]
    quotes = [i.raw_text for i in items(db, SourceKind.INTERVIEW_HIGHLIGHT)]
    # the rest of the paragraph stays, the highlighted words enter only as the highlight
    assert texts == ["广告太多了，", "新人入群先审核\n设置关键词自动踢人"]
    assert quotes == ["晚上几乎每隔半小时就有人刷屏", "原话：我差点就退群了"]
    analysed = "".join(texts + quotes)
    for piece in ("刷屏", "退群", "广告太多了"):
        assert analysed.count(piece) == 1
    rest = items(db, SourceKind.INTERVIEW_PASSAGE)[0]
    assert rest.source_ref["highlights"] == [highlight.id]

    # taking the highlights away gives the paragraphs back whole
    service.delete_highlight(whole, actor=operator)
    service.delete_highlight(highlight, actor=operator)
    db.session.commit()
    passages = sorted(items(db, SourceKind.INTERVIEW_PASSAGE),
                      key=lambda i: i.source_ref["paragraph"])
    assert [i.raw_text for i in passages] == [
        "广告太多了，晚上几乎每隔半小时就有人刷屏。", "原话：我差点就退群了",
        "新人入群先审核\n设置关键词自动踢人"]
    assert all("highlights" not in i.source_ref for i in passages)



def test_the_interviewee_search_finds_members_and_tells_namesakes_apart(
        app, db, client, community, other_community, operator):
    from datetime import datetime

    from app.models import Membership

    adas = [make_member(community, display_name="Ada") for _n in range(3)]
    make_member(community, "manager", display_name="Ada Lin")
    make_member(community, display_name="Bob")
    make_member(other_community, display_name="Ada")  # another community's Ada
    db.session.flush()
    for n, ada in enumerate(adas):
        membership = db.session.execute(db.select(Membership).where(
            Membership.user_id == ada.id)).scalar_one()
        membership.joined_at = datetime(2025, 3 + n, 10, 4, 0)
    db.session.commit()
    sign_in(client, operator)
    found = client.get(f"/c/{community.slug}/interviews/members", query_string={"q": "ada"})
    members = found.get_json()["members"]
    assert [m["name"] for m in members] == ["Ada", "Ada", "Ada", "Ada Lin"]
    assert [m["detail"] for m in members[:3]] == [
        "2025-03-10 加入", "2025-04-10 加入", "2025-05-10 加入"]
    assert members[3]["detail"].startswith("管理者 · ")
    assert {m["id"] for m in members[:3]} == {a.id for a in adas}
    assert client.get(f"/c/{community.slug}/interviews/members",
                      query_string={"q": "  "}).get_json() == {"members": []}
    assert client.get(f"/c/{community.slug}/interviews/members",
                      query_string={"q": "100%_"}).get_json() == {"members": []}
    # the fallback dropdown carries the same details
    form = client.get(f"/c/{community.slug}/interviews/new").get_data(as_text=True)
    assert "Ada · 2025-04-10 加入" in form and 'role="combobox"' in form


def test_a_paragraph_left_with_only_who_said_it_leaves_the_analysis(app, db, community,
                                                                    operator):
    notes = ("## 直播\n\n聊到这里，他说：直播课总是卡，画面一直转圈（停顿了一下）\n\n"
             "她顺便问了一句：回放在哪里看？")
    interview = make_interview(community, actor=operator, notes=notes)
    db.session.commit()
    service.create_highlight(interview, paragraph_index=1, quote="直播课总是卡，画面一直转圈",
                             actor=operator)
    db.session.commit()
    texts = [i.raw_text for i in items(db, SourceKind.INTERVIEW_PASSAGE)]
    # 「聊到这里，他说：…（停顿了一下）」 without its quote is narration, not feedback
    assert texts == ["她顺便问了一句：回放在哪里看？"]


def test_a_paragraph_left_with_only_a_reported_speech_frame_and_openers_leaves_the_analysis(
        app, db, community, operator):
    notes = ("## 直播\n\n她的原话大意是：直播课总是卡，画面一直转圈。\n\n"
             "原话：最近发现回放一直没有上传\n\n"
             "原话：说实话，活动报名费涨了。另外报名链接也经常打不开")
    interview = make_interview(community, actor=operator, notes=notes)
    db.session.commit()
    for index, quote in ((1, "直播课总是卡，画面一直转圈"), (2, "回放一直没有上传"),
                         (3, "活动报名费涨了")):
        service.create_highlight(interview, paragraph_index=index, quote=quote, actor=operator)
    db.session.commit()
    texts = [i.raw_text for i in items(db, SourceKind.INTERVIEW_PASSAGE)]
    # 「她的原话大意是：。」 and 「原话：最近发现」 say nothing once the quotes are highlights;
    # the third paragraph keeps what was not highlighted.
    assert texts == ["原话：说实话， 。另外报名链接也经常打不开"]
