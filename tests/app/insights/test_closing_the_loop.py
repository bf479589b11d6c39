"""你说我改: marking a theme as acted on stores the date, resolves the chosen suggestions,
tells the identified contributors (never anonymous ones) and publishes the changelog entry."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.models import (
    ChangelogEntry,
    InsightTheme,
    InsightThemeAction,
    ItemAnalysis,
    Notification,
    SourceKind,
    SuggestionStatus,
)
from app.services.errors import ServiceError
from app.services.insights import actions
from app.services.insights.reading import acted_on
from tests.app.insights.conftest import add_item, analyse
from tests.factories import make_member
from tests.factories_sources import make_suggestion

ADS = [
    "群里广告太多了，每天晚上就有人刷屏，正经讨论都被淹没了",
    "又有人在群里发微商的链接，加了好友还私聊推销，体验很差",
    "刷屏的广告号进群就发二维码，管理员处理得太慢了",
    "群里广告比干货还多，新人进来还以为是营销群",
    "一到周末群里全是代购广告，消息免打扰都不敢关",
    "建议加入群审核，新人先看群规再发言，广告太多了",
]
OTHER = [
    "直播课卡得不行，老师讲人像布光的时候画面一直转圈",
    "直播回放找不到，错过了构图那节课很可惜",
    "换了直播平台以后经常进不去，手机上一直提示网络错误",
    "直播声音和画面对不上，PPT也看不清",
    "这次直播很流畅，老师讲夜景长曝光讲得很清楚",
    "直播中途掉线好几次，弹幕提问老师也看不到",
]


@pytest.fixture
def contributions(app, db, community):
    """Ads complaints from every kind of source, identified and anonymous, plus other talk."""
    people = {name: make_member(community) for name in
              ("suggester", "respondent", "interviewee", "chatter", "other_theme", "follower")}
    operator = make_member(community, "operator")
    db.session.commit()
    suggestion, _code = make_suggestion(community, author=people["suggester"], content=ADS[0])
    anonymous_suggestion, _c = make_suggestion(community, anonymous=True, content=ADS[1])
    from app.models import SuggestionFollow

    db.session.add(SuggestionFollow(suggestion_id=suggestion.id, user_id=people["follower"].id))
    add_item(community, ADS[2], key="survey:1:response:1:q1", kind=SourceKind.SURVEY_ANSWER,
             author=people["respondent"])
    add_item(community, ADS[3], key="survey:1:response:2:q1", kind=SourceKind.SURVEY_ANSWER)
    add_item(community, ADS[4], key="interview:1:p:1", kind=SourceKind.INTERVIEW_PASSAGE,
             author=people["interviewee"])
    add_item(community, ADS[5], key="import:1", kind=SourceKind.IMPORT,
             author=people["chatter"])
    for i, text in enumerate(OTHER * 3):
        add_item(community, text, key=f"import:other:{i}", author=people["other_theme"])
    for i, text in enumerate(ADS * 3):
        add_item(community, text + "！", key=f"import:more:{i}")
    run = analyse(community)
    key = db.session.execute(db.select(ItemAnalysis.theme_key).where(
        ItemAnalysis.run_id == run.id,
        ItemAnalysis.feedback_item_id == suggestion_item(db, suggestion.id))).scalar_one()
    # Whatever the clustering made of so few items, an operator gathers the ads complaints.
    from app.models import FeedbackItem
    from app.services.insights import corrections

    ads_ids = db.session.execute(db.select(FeedbackItem.id).where(
        FeedbackItem.redacted_text.in_(ADS))).scalars().all()
    corrections.apply(community, "move", {"items": ads_ids, "target": key}, actor=operator)
    db.session.commit()
    theme = db.session.execute(db.select(InsightTheme).where(InsightTheme.key == key)
                               ).scalar_one()
    return {"people": people, "operator": operator, "theme": theme, "suggestion": suggestion,
            "anonymous_suggestion": anonymous_suggestion, "run": run}


def suggestion_item(db, suggestion_id):
    from app.models import FeedbackItem

    return db.session.execute(db.select(FeedbackItem.id).where(
        FeedbackItem.source_kind == "suggestion", FeedbackItem.source_id == suggestion_id)
    ).scalars().first()


def test_contributors_are_identified_authors_of_suggestions_surveys_and_interviews(
        app, db, community, contributions):
    people = contributions["people"]
    told = set(actions.contributors(community.id, contributions["theme"].key))
    assert {people["suggester"].id, people["respondent"].id, people["interviewee"].id} <= told
    # Chat imports are not a channel members chose, and the other theme is another theme.
    assert people["chatter"].id not in told
    assert people["other_theme"].id not in told
    assert None not in told


def test_acting_on_a_theme_notifies_contributors_but_never_anonymous_ones(
        app, db, community, contributions):
    people, theme = contributions["people"], contributions["theme"]
    when = datetime(2026, 9, 1, 4, 0)
    action = actions.act_on(community, theme, note="新成员入群先审核，广告关键词自动提醒。",
                            title="新人入群审核上线", actor=contributions["operator"], at=when)
    db.session.commit()
    notes = db.session.execute(db.select(Notification).where(
        Notification.kind == "insight.acted_on")).scalars().all()
    told = {n.recipient_id for n in notes}
    assert told == {people["suggester"].id, people["respondent"].id, people["interviewee"].id}
    assert all(n.link == f"/c/{community.slug}/changes" for n in notes)
    assert all(theme.name in n.title for n in notes)
    assert action.notified_count == 3 and theme.acted_on_at == when
    # Anonymous submitters are never reached: no notification without a recipient exists.
    assert all(n.recipient_id is not None for n in notes)
    entry = db.session.execute(db.select(ChangelogEntry).where(
        ChangelogEntry.source_type == "theme")).scalar_one()
    assert entry.source_id == theme.id and entry.published_at == when
    assert entry.title == "新人入群审核上线"
    assert "入群先审核" in entry.body
    # Three identified contributors plus the anonymous survey answer and suggestion.
    assert entry.supporters >= 5
    assert acted_on(community)[0].acted_on_at == when


def test_resolving_suggestions_marks_them_done_and_tells_their_people_once(
        app, db, community, contributions):
    people, theme, suggestion = (contributions["people"], contributions["theme"],
                                 contributions["suggestion"])
    anonymous = contributions["anonymous_suggestion"]
    actions.act_on(community, theme, note="已开启入群审核。",
                   suggestion_ids=[suggestion.id, anonymous.id],
                   actor=contributions["operator"])
    db.session.commit()
    assert suggestion.status == SuggestionStatus.DONE
    assert anonymous.status == SuggestionStatus.DONE
    notes = db.session.execute(db.select(Notification)).scalars().all()
    per_person = {}
    for note in notes:
        per_person.setdefault(note.recipient_id, []).append(note.kind)
    # The suggester and the follower hear through the suggestion, once each.
    assert per_person[people["suggester"].id] == ["suggestion.status"]
    assert per_person[people["follower"].id] == ["suggestion.status"]
    assert per_person[people["respondent"].id] == ["insight.acted_on"]
    assert db.session.execute(db.select(InsightThemeAction)).scalar_one().suggestion_ids == sorted(
        [suggestion.id, anonymous.id])


def test_acting_needs_a_note_and_suggestions_of_this_community(app, db, community,
                                                               contributions):
    theme = contributions["theme"]
    with pytest.raises(ServiceError):
        actions.act_on(community, theme, note="  ", actor=contributions["operator"])
    db.session.rollback()
    with pytest.raises(ServiceError):
        actions.act_on(community, theme, note="做了改进", suggestion_ids=[999999],
                       actor=contributions["operator"])
    db.session.rollback()
    assert db.session.execute(db.select(InsightThemeAction)).first() is None
