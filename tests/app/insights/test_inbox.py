"""The feedback inbox: each filter, member segments, tags and keyset paging."""

from __future__ import annotations

from datetime import timedelta

from app.models import ItemAnalysis, SourceKind, utcnow
from app.services.insights import analysis, inbox, labelling
from app.services.insights.inbox import InboxFilters, decode_cursor, encode_cursor
from app.services.insights.periods import local_today
from app.services.insights.tags import set_item_tags, tags_in_use
from tests.app.insights.conftest import add_item, analyse, members, seed_feedback


def _ids(community, **filters):
    result = inbox.page(community, InboxFilters(**filters), limit=500)
    return [row.item.id for row in result.rows]


def test_every_item_is_listed_newest_first_with_its_analysis(app, db, analysed):
    community, run = analysed
    result = inbox.page(community, InboxFilters(), limit=500)
    assert result.total == 100
    times = [row.item.occurred_at for row in result.rows]
    assert times == sorted(times, reverse=True)
    assert all(row.analysis is not None and row.analysis.run_id == run.id for row in result.rows)
    assert all(row.theme_name for row in result.rows)


def test_an_item_not_analysed_yet_is_listed_as_pending(app, db, analysed):
    community, _run = analysed
    item = add_item(community, "刚刚提交的一条新反馈：打卡小程序又崩了", key="new")
    row = inbox.page(community, InboxFilters(), limit=1).rows[0]
    assert row.item.id == item.id and row.analysis is None


def test_filters_by_theme_and_sentiment(app, db, analysed):
    community, run = analysed
    rows = db.session.execute(db.select(ItemAnalysis).where(ItemAnalysis.run_id == run.id)
                              ).scalars().all()
    key = max({r.theme_key for r in rows}, key=lambda k: sum(r.theme_key == k for r in rows))
    expected = {r.feedback_item_id for r in rows if r.theme_key == key}
    assert set(_ids(community, theme=key)) == expected
    negative = {r.feedback_item_id for r in rows if r.sentiment_label == -1}
    assert set(_ids(community, sentiment=-1)) == negative
    assert set(_ids(community, theme=key, sentiment=-1)) == expected & negative


def test_filters_by_source_kind_channel_and_date(app, db, community):
    old = add_item(community, "去年的反馈：群里广告太多", key="old", channel="qq-group",
                   when=utcnow() - timedelta(days=40))
    new = add_item(community, "意见箱：希望增加直播回放", key="new", kind=SourceKind.SUGGESTION,
                   channel="wx-group-1")
    analyse(community)
    assert _ids(community, kinds=("suggestion",)) == [new.id]
    assert _ids(community, kinds=("import", "suggestion")) == [new.id, old.id]
    assert _ids(community, channel="qq-group") == [old.id]
    today = local_today(community)
    assert _ids(community, date_from=today - timedelta(days=7)) == [new.id]
    assert _ids(community, date_to=today - timedelta(days=30)) == [old.id]


def test_filters_by_survey_and_question_source_keys(app, db, community):
    from app.services.insights.feedback import FeedbackInput, record_feedback

    def answer(key, text):
        return record_feedback(FeedbackInput(community_id=community.id,
                                             source_kind=SourceKind.SURVEY_ANSWER,
                                             source_key=key, text=text))

    a = answer("survey:3:response:1:q_open", "希望积分能兑换直播回放")
    b = answer("survey:3:response:2:q_other", "其他：线下活动名额太少")
    c = answer("survey:31:response:1:q_open", "新人指南很好")
    db.session.commit()
    assert set(_ids(community, survey_id=3)) == {a.id, b.id}
    assert _ids(community, survey_id=3, question_id="q_open") == [a.id]
    assert _ids(community, survey_id=31) == [c.id]


def test_member_segments_are_judged_at_the_time_of_the_feedback(app, db, community):
    newcomer, veteran = members(community, 2, joined_days_ago=[10, 200])
    fresh = add_item(community, "刚进群完全不知道从哪里开始", key="a", author=newcomer)
    settled = add_item(community, "作为老成员，积分规则改来改去", key="b", author=veteran)
    anonymous = add_item(community, "广告太多了", key="c")
    for i in range(3):
        add_item(community, f"第{i}次反馈：直播回放找不到", key=f"v{i}", author=veteran,
                 when=utcnow() - timedelta(days=i + 1))
    analyse(community)
    assert _ids(community, segment="new") == [fresh.id]
    assert settled.id in _ids(community, segment="veteran")
    assert fresh.id not in _ids(community, segment="veteran")
    active = _ids(community, segment="active")
    assert settled.id in active and fresh.id not in active
    assert _ids(community, segment="anonymous") == [anonymous.id]
    assert anonymous.id not in _ids(community, segment="identified")


def test_tags_from_operators_and_from_suggestions_filter_alike(app, db, community):
    from tests.factories import make_member
    from tests.factories_sources import make_suggestion

    tagged = add_item(community, "直播声音和画面对不上", key="a")
    operator = make_member(community, "operator")
    set_item_tags(tagged, "待跟进，技术", actor=operator)
    suggestion, _code = make_suggestion(community, author=make_member(community),
                                        content="建议直播同时提供回放和课件下载")
    from app.models import SuggestionTag

    db.session.add(SuggestionTag(suggestion_id=suggestion.id, name="技术"))
    db.session.commit()
    analyse(community)
    names = dict(tags_in_use(community.id))
    assert names["技术"] == 2 and names["待跟进"] == 1
    tagged_ids = set(_ids(community, tag="技术"))
    assert tagged.id in tagged_ids and len(tagged_ids) == 2
    assert _ids(community, tag="待跟进") == [tagged.id]


def test_keyset_pages_cover_everything_once_in_both_directions(app, db, community):
    seed_feedback(community, count=57)
    analyse(community)
    seen, after, pages = [], None, []
    while True:
        result = inbox.page(community, InboxFilters(), after=after, limit=10)
        pages.append(result)
        seen += [row.item.id for row in result.rows]
        if not result.next_cursor:
            break
        after = result.next_cursor
    assert len(seen) == len(set(seen)) == 57 and len(pages) == 6
    back = inbox.page(community, InboxFilters(), before=pages[-1].prev_cursor, limit=10)
    assert [row.item.id for row in back.rows] == [row.item.id for row in pages[-2].rows]


def test_a_bad_cursor_starts_from_the_top(app, db, community):
    add_item(community, "活动很好玩", key="a")
    assert decode_cursor("not-a-cursor!") is None
    assert len(inbox.page(community, InboxFilters(), after="garbage").rows) == 1
    stamp = utcnow()
    assert decode_cursor(encode_cursor(stamp, 7)) == (stamp, 7)


def test_a_filtered_count_stops_at_its_cap_and_the_total_is_exact(app, db, community):
    seed_feedback(community, count=12)
    imports = InboxFilters(kinds=("import",))
    assert inbox.count(community, imports, cap=5) == (5, True)
    assert inbox.count(community, imports, cap=50) == (12, False)
    assert inbox.count(community, InboxFilters(), cap=5) == (12, False)


def test_the_labelling_queue_lists_the_least_certain_unlabelled_items_first(app, db, analysed):
    community, run = analysed
    queue = labelling.queue(community.id, limit=10)
    assert len(queue) == 10
    confidences = [q.confidence for q in queue]
    assert confidences == sorted(confidences)
    rest = db.session.execute(db.select(ItemAnalysis.confidence).where(
        ItemAnalysis.run_id == run.id, ItemAnalysis.is_filler.is_(False))).scalars().all()
    assert max(confidences) <= sorted(rest)[len(confidences) + 5]
    assert analysis.current_run_id(community.id) == run.id


def test_the_channel_filter_and_the_items_show_channel_names(app, db, client, community,
                                                              login_as):
    from tests.factories import make_survey

    make_survey(community, publish=False, channels=[("wx-group-1", "微信1群")])
    add_item(community, "希望增加直播回放", key="s", kind=SourceKind.SUGGESTION,
             channel="suggestion-box")
    add_item(community, "电话里聊到打卡", key="i", channel="interview-phone")
    add_item(community, "群里广告太多", key="w", channel="wx-group-1")
    add_item(community, "没有命名的渠道", key="x", channel="moments")
    db.session.commit()
    login_as("operator")
    page = client.get(f"/c/{community.slug}/insights/inbox").get_data(as_text=True)
    for code, name in (("suggestion-box", "意见箱"), ("interview-phone", "访谈（电话）"),
                       ("wx-group-1", "微信1群"), ("moments", "moments")):
        assert f'<option value="{code}">{name}</option>' in page
        assert f'<span class="muted small">{name}</span>' in page
    assert ">wx-group-1<" not in page and ">suggestion-box<" not in page
