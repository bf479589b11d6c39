"""Report data from the suggestion box and interviews, with known counts, redaction and
roles instead of names."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services.interviews import records as interview_service
from app.services.reports.data import DataRequest, get_provider
from app.services.suggestions import triage
from reports.context import Period
from tests.factories import make_member
from tests.factories_sources import make_interview

PERIOD = Period(date(2026, 10, 1), date(2026, 10, 31))


def _request(community, period=PERIOD):
    return DataRequest(community=community, period=period, previous_period=period.previous())


def _at(day: int, hour: int = 4, month: int = 10) -> datetime:
    """A naive-UTC time on an October day (12:00 in Shanghai at hour 4)."""
    return datetime(2026, month, day, hour)


def test_the_suggestion_pipeline_counts_replies_and_resolutions(app, db, community):
    from tests.factories_sources import make_suggestion

    operator = make_member(community, "operator")
    member = make_member(community, "member")
    sent = []
    for day, text in ((2, "直播课经常卡顿"), (5, "积分兑换的东西太少"), (20, "群里广告太多了")):
        suggestion, _code = make_suggestion(community, author=member, content=text)
        suggestion.created_at = _at(day)
        sent.append(suggestion)
    earlier, _code = make_suggestion(community, author=member,
                                     title="请联系我 13812345678", content="新人引导不够")
    earlier.created_at = _at(20, month=9)
    db.session.flush()
    # replies: 10 hours and 30 hours after sending; one resolved done, one declined
    triage.change_status(sent[0], status="in_progress", reply="收到，在排查", actor=operator,
                         at=_at(2, 14))
    triage.change_status(sent[1], status="declined", reply="暂不调整", actor=operator,
                         at=_at(6, 10))
    triage.change_status(earlier, status="done", reply="已上线新人指南", actor=operator,
                         at=_at(12))
    db.session.commit()
    pipeline = get_provider("suggestions").collect(_request(community))["suggestions"]
    current = pipeline.current
    assert (current.received, current.replied, current.resolved) == (3, 2, 2)
    assert sorted(pipeline.first_reply_hours) == pytest.approx([10.0, 30.0, 528.0])
    assert current.median_first_reply_hours == pytest.approx(30.0)
    assert pipeline.previous.received == 1
    assert pipeline.by_status == {"新建": 1, "处理中": 1, "未采纳": 1}
    (done,) = pipeline.completed
    assert done.completed_on == date(2026, 10, 12)
    assert "13812345678" not in done.title and "请联系我" in done.title


def test_an_empty_suggestion_box_adds_no_section(app, db, community):
    assert get_provider("suggestions").collect(_request(community)) == {}


def test_interviews_appear_by_role_with_redacted_quotes_and_only_with_consent(app, db,
                                                                           community):
    operator = make_member(community, "operator")
    member = make_member(community, "member", display_name="林晓雨")
    notes = ("## 你怎么看群里的广告？\n\n广告太多了，有事打我电话 13912345678。\n\n"
             "## 有什么建议？\n\n新人入群先审核")
    agreed = make_interview(community, actor=operator, notes=notes, interviewee_id=member.id,
                            held_on=date(2026, 10, 8), tags="广告")
    agreed.title = "与林晓雨的访谈"
    interview_service.create_highlight(agreed, paragraph_index=1,
                                       quote="广告太多了，有事打我电话 13912345678。",
                                       tags="广告刷屏", sentiment=-1, actor=operator)
    make_interview(community, actor=operator, notes=notes, consent=False,
                   held_on=date(2026, 10, 9), interviewee_name="不同意的人")
    make_interview(community, actor=operator, notes=notes, held_on=date(2026, 9, 9))
    db.session.commit()
    found = get_provider("interviews").collect(_request(community))["interviews"]
    (item,) = found
    assert item.interviewee == "社群成员" and item.title == "社群成员访谈（线上）"
    assert item.held_on == date(2026, 10, 8)
    assert item.quotes and "13912345678" not in item.quotes[0] and "广告太多了" in item.quotes[0]
    assert "负面 1" in item.summary and set(item.themes) == {"广告", "广告刷屏"}
    assert "林晓雨" not in repr(found)


def test_the_report_has_the_sections_of_its_sources(app, db, community):
    from app.services.reports import documents as report_service
    from tests.factories_sources import make_suggestion

    operator = make_member(community, "operator")
    suggestion, _code = make_suggestion(community, content="直播课经常卡顿")
    suggestion.created_at = _at(3)
    make_interview(community, actor=operator, notes="## 问题\n\n直播卡", held_on=date(2026, 10, 3))
    db.session.commit()
    assembled = report_service.assemble(community, PERIOD, PERIOD.previous())
    assert {"suggestions", "interviews"} <= set(assembled.available())
    assert {"suggestions", "interviews"} <= set(assembled.inputs.with_data)


def test_quotes_print_stickers_as_emoji_and_keep_emoji_and_placeholders():
    from app.services.reports.data import printable

    assert printable("辛苦运营了🙏  打卡 ✅ 第1️⃣名") == "辛苦运营了🙏 打卡 ✅ 第1️⃣名"
    assert printable("又卡了[捂脸] 联系我 [手机号][强]") == "又卡了🤦 联系我 [手机号]👍"
    assert printable("「光影同行」①②") == "「光影同行」①②"


def test_quotes_are_one_cleaned_sentence_without_sticker_codes_or_filler():
    from app.services.reports.data import clean_quote

    assert clean_quote("吐槽一下，活动准备得很用心，希望多办几场线下活动[捂脸]") == \
        "活动准备得很用心，希望多办几场线下活动"
    assert clean_quote("作品接龙很有意思[强]冒泡的人越来越多了") == \
        "作品接龙很有意思 冒泡的人越来越多了"
    # separate remarks are never glued together: the one about the theme is kept
    assert clean_quote("打卡积分计算有误。直播回放总是打不开，希望修一下。谢谢！",
                       ["直播", "回放"]) == "直播回放总是打不开，希望修一下。"
    # a redaction mark is not a sticker
    assert clean_quote("有事打我电话 [手机号] 细聊") == "有事打我电话 [手机号] 细聊"
    assert clean_quote("[捂脸][强]") == ""


def test_the_resolution_rate_counts_only_the_periods_own_suggestions(app, db, community):
    from tests.factories_sources import make_suggestion

    operator = make_member(community, "operator")
    member = make_member(community, "member")
    old = []
    for n in range(4):  # sent in September, all resolved in October
        suggestion, _code = make_suggestion(community, author=member, content=f"旧建议 {n} 号")
        suggestion.created_at = _at(10 + n, month=9)
        old.append(suggestion)
    new, _code = make_suggestion(community, author=member, content="十月的新建议")
    new.created_at = _at(3)
    db.session.flush()
    for suggestion in old:
        triage.change_status(suggestion, status="done", reply="已完成", actor=operator,
                             at=_at(15))
    db.session.commit()
    current = get_provider("suggestions").collect(_request(community))["suggestions"].current
    # 4 resolved in the period against 1 received: no 400% rate
    assert (current.received, current.resolved, current.received_resolved) == (1, 4, 0)
    assert current.resolution_rate == 0.0


def test_follow_up_status_comes_from_the_theme_and_its_suggestions():
    from app.services.reports.data.themes import follow_up_status

    since = date(2026, 10, 1)
    assert follow_up_status("7", since, (date(2026, 10, 9), "改了"), []).status == "acted"
    done = follow_up_status("7", since, None, [("done", date(2026, 10, 20)), ("new", None)])
    assert (done.status, done.acted_on) == ("acted", date(2026, 10, 20))
    assert "已完成 1 条" in done.note
    assert follow_up_status("7", since, None, [("planned", None)]).status == "in_progress"
    assert follow_up_status("7", since, (date(2026, 9, 1), ""), [("new", None)]).status == \
        "not_acted"
