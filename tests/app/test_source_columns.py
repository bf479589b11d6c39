"""Feedback items name their source in columns, and text searches take % and _ literally."""

from __future__ import annotations

from app.models import FeedbackItem, SourceKind
from app.services.accounts import communities as community_service
from app.services.insights.feedback import (
    FeedbackInput,
    insert_new_feedback,
    prepare_new_feedback,
    record_feedback,
)
from app.services.interviews import records as interview_service
from app.services.suggestions import triage
from app.services.surveys import results as survey_results
from tests.factories import make_member
from tests.factories_sources import make_interview, make_suggestion


def _record(community, key, kind=SourceKind.SURVEY_ANSWER, text="希望积分能兑换直播回放"):
    return record_feedback(FeedbackInput(community_id=community.id, source_kind=kind,
                                         source_key=key, text=text))


def test_each_source_key_fills_its_columns(app, db, community):
    survey = _record(community, "survey:3:response:17:q_open")
    suggestion = _record(community, "suggestion:7:comment:2", SourceKind.SUGGESTION)
    interview = _record(community, "interview:5:h:9", SourceKind.INTERVIEW_HIGHLIGHT)
    imported = _record(community, "import:chat:1", SourceKind.IMPORT)
    db.session.commit()
    assert (survey.survey_id, survey.response_id, survey.question_key) == (3, 17, "q_open")
    assert (suggestion.suggestion_id, suggestion.survey_id) == (7, None)
    assert (interview.interview_id, interview.suggestion_id) == (5, None)
    assert (imported.survey_id, imported.suggestion_id, imported.interview_id) == (
        None, None, None)


def test_items_inserted_without_the_orm_get_their_columns_from_the_final_key(
        app, db, community):
    rows = prepare_new_feedback([FeedbackInput(
        community_id=community.id, source_kind=SourceKind.SURVEY_ANSWER,
        source_key="survey:4:response:None:q1", text="直播回放找不到")])
    rows[0]["source_key"] = "survey:4:response:88:q1"  # the response id is known only now
    insert_new_feedback(rows)
    db.session.commit()
    item = db.session.execute(db.select(FeedbackItem)).scalar_one()
    assert (item.survey_id, item.response_id, item.question_key) == (4, 88, "q1")


def test_open_answers_and_response_items_are_found_by_columns(app, db, community):
    from tests.factories import make_survey

    survey = make_survey(community, publish=False)
    other = make_survey(community, publish=False)
    mine = _record(community, f"survey:{survey.id}:response:1:q_open")
    _record(community, f"survey:{survey.id}:response:2:q_other", text="其他：线下活动名额太少")
    _record(community, f"survey:{other.id}:response:1:q_open", text="新人指南很好")
    db.session.commit()
    assert survey_results.open_answers(survey)[1] == 2
    items, total = survey_results.open_answers(survey, question_id="q_open")
    assert total == 1 and items[0].id == mine.id


def test_a_member_search_takes_percent_and_underscore_literally(app, db, community):
    make_member(community, display_name="100%满意")
    make_member(community, display_name="小_明")
    make_member(community, display_name="小王")
    for query, names in (("%", {"100%满意"}), ("_", {"小_明"}), ("小", {"小_明", "小王"})):
        rows, total = community_service.list_members(community, query=query)
        assert {user.display_name for _m, user in rows} == names
        assert total == len(names)


def test_suggestion_and_interview_searches_take_percent_and_underscore_literally(
        app, db, community):
    operator = make_member(community, "operator")
    make_suggestion(community, author=operator, content="满意度只有 50% 左右，直播卡顿")
    make_suggestion(community, author=operator, content="直播课经常卡顿，希望换一个平台")
    rows, total = triage.inbox(community, triage.InboxFilters(q="50%"), viewer=operator)
    assert total == 1 and "50%" in rows[0].suggestion.content
    assert triage.inbox(community, triage.InboxFilters(q="%"), viewer=operator)[1] == 1
    assert triage.inbox(community, triage.InboxFilters(q="卡顿"), viewer=operator)[1] == 2
    # Any Chinese substring is found, across word boundaries and single characters too: the
    # searches stay substring matches (a word index would miss these).
    assert triage.inbox(community, triage.InboxFilters(q="播课经"), viewer=operator)[1] == 1
    assert triage.inbox(community, triage.InboxFilters(q="顿"), viewer=operator)[1] == 2
    make_interview(community, actor=operator, notes="用户说 user_name 字段看不懂")
    make_interview(community, actor=operator, notes="用户说 username 字段看不懂")
    found, total = interview_service.list_interviews(
        community, interview_service.InterviewFilters(q="r_n"))
    assert total == 1 and "user_name" in found[0].notes
    assert interview_service.list_interviews(
        community, interview_service.InterviewFilters(q="段看"))[1] == 2
    make_member(community, display_name="阿_强")
    make_member(community, display_name="阿强强")
    assert [c.name for c in interview_service.search_members(community, "_")] == ["阿_强"]
    assert len(interview_service.search_members(community, "阿")) == 2
