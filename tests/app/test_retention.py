"""Retention: members' raw text of closed items is purged once it is older than the retention
period (``RETENTION_DAYS``, or the community's own setting), by a daily job; statuses,
counts, scores, choices and the redacted analysis text stay."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.models import (
    AuditEntry,
    FeedbackItem,
    SourceKind,
    Suggestion,
    SuggestionComment,
    SuggestionStatus,
    SurveyResponse,
    SurveyStatus,
    utcnow,
)
from app.services import retention
from app.services.suggestions import board as suggestion_board
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import responses as runs
from app.tasks import system as system_tasks
from tests.clock import SHANGHAI, pinned
from tests.factories import make_member, make_survey
from tests.factories_sources import enable_board, make_suggestion

NOW = datetime(2026, 12, 9, 14, 0, tzinfo=SHANGHAI)
RETENTION = pinned(NOW, "items are placed a fixed number of days before the purge")

FEEDBACK = {
    "schema_version": 1,
    "title": "活动反馈",
    "pages": [{"id": "p1", "title": "反馈", "questions": [
        {"id": "nps", "type": "nps", "title": "推荐意愿", "required": True},
        {"id": "where", "type": "single_choice", "title": "从哪里知道活动？",
         "options": [{"id": "group", "label": "群公告"},
                     {"id": "other", "label": "其他", "other": True}]},
        {"id": "why", "type": "long_text", "title": "为什么这么打分？"},
    ]}],
}
OLD_ANSWER = "领队王老师电话13812345678，集合地点太远了"
OLD_OTHER = "朋友圈里张三转发的"


def _days_ago(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


def _closed_suggestion(community, author, content, *, days_ago, status=SuggestionStatus.DONE):
    suggestion, _code = make_suggestion(community, author=author, content=content,
                                        title=content[:6])
    suggestion.status = status.value
    suggestion.status_changed_at = _days_ago(days_ago)
    return suggestion


def _closed_survey(community, *, days_ago, answers):
    survey = make_survey(community, FEEDBACK)
    version, definition = survey_service.live_definition(survey)
    for one in answers:
        runs.store_response(survey, version, definition, runs.NewResponse(answers=one))
    survey.status = SurveyStatus.CLOSED.value
    survey.closed_at = _days_ago(days_ago)
    return survey


def _items(db, kind, source_id):
    return list(db.session.execute(db.select(FeedbackItem).where(
        FeedbackItem.source_kind == kind.value, FeedbackItem.source_id == source_id)).scalars())


@pytest.fixture
def world(db, community):
    """Closed and open items on both sides of a 90-day retention period."""
    enable_board(community)
    member = make_member(community, "member")
    old = _closed_suggestion(community, member, "希望换一个离地铁近的集合点，现在太远",
                             days_ago=100)
    suggestion_board.add_comment(old, member, "同意，上次走了二十分钟")
    recent = _closed_suggestion(community, member, "周末活动能不能提前一周通知", days_ago=10)
    still_open, _code = make_suggestion(community, author=member, content="报名入口太难找了")
    still_open.created_at = _days_ago(300)
    old_survey = _closed_survey(community, days_ago=120, answers=[
        {"nps": 3, "why": OLD_ANSWER, "where": {"choice": "other", "other": OLD_OTHER}},
        {"nps": 9, "where": {"choice": "group"}}])
    new_survey = _closed_survey(community, days_ago=5, answers=[
        {"nps": 4, "why": "路线规划得不错但时间太赶"}])
    db.session.commit()
    return {"old": old.id, "recent": recent.id, "open": still_open.id,
            "old_survey": old_survey.id, "new_survey": new_survey.id}


@RETENTION
def test_closed_items_past_the_period_lose_their_text_and_keep_their_numbers(
        clock, app, db, community, world):
    app.config["RETENTION_DAYS"] = 90
    old_items = _items(db, SourceKind.SUGGESTION, world["old"])
    redacted_before = {i.id: i.redacted_text for i in old_items}
    responses_before = list(db.session.execute(db.select(SurveyResponse).where(
        SurveyResponse.survey_id == world["old_survey"]).order_by(SurveyResponse.id)).scalars())
    ids = [r.id for r in responses_before]

    done = system_tasks.purge_expired_text()

    db.session.expire_all()
    assert done[community.id]["suggestions"] == 1
    old = db.session.get(Suggestion, world["old"])
    assert old.content == retention.PURGED_TEXT and old.title is None
    assert old.status == SuggestionStatus.DONE
    comments = db.session.execute(db.select(SuggestionComment.body).where(
        SuggestionComment.suggestion_id == old.id)).scalars().all()
    assert comments == [retention.PURGED_TEXT]
    for item in _items(db, SourceKind.SUGGESTION, world["old"]):
        assert item.raw_text == retention.PURGED_TEXT
        assert item.redacted_text == redacted_before[item.id]  # the analysis keeps its input
        assert not (item.source_ref or {}).get("title")
    # open and recently closed suggestions keep their words
    assert db.session.get(Suggestion, world["recent"]).content == "周末活动能不能提前一周通知"
    assert db.session.get(Suggestion, world["open"]).content == "报名入口太难找了"
    # the old survey's typed answers are gone; scores and choices stay
    first, second = (db.session.get(SurveyResponse, i) for i in ids)
    assert first.answers == {"nps": 3, "why": retention.PURGED_TEXT,
                             "where": {"choice": "other", "other": retention.PURGED_TEXT}}
    assert second.answers == {"nps": 9, "where": {"choice": "group"}}
    texts = [i.raw_text for r in ids for i in _items(db, SourceKind.SURVEY_ANSWER, r)]
    assert texts and set(texts) == {retention.PURGED_TEXT}
    assert OLD_ANSWER not in str([i.redacted_text for r in ids
                                  for i in _items(db, SourceKind.SURVEY_ANSWER, r)])
    recent = db.session.execute(db.select(SurveyResponse).where(
        SurveyResponse.survey_id == world["new_survey"])).scalar_one()
    assert recent.answers["why"] == "路线规划得不错但时间太赶"
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="retention.purged")
                               ).scalar_one()
    assert entry.after["suggestions"] == 1 and entry.after["survey_responses"] == 1
    # a second run finds nothing left to purge
    assert system_tasks.purge_expired_text() == {}


@RETENTION
def test_without_a_retention_period_nothing_is_purged(clock, app, db, community, world):
    app.config["RETENTION_DAYS"] = 0
    assert system_tasks.purge_expired_text() == {}
    db.session.expire_all()
    assert db.session.get(Suggestion, world["old"]).content.startswith("希望换一个")


@RETENTION
def test_a_community_s_own_period_takes_precedence(clock, app, db, community, other_community,
                                                   world):
    app.config["RETENTION_DAYS"] = 0
    settings = dict(community.settings or {})
    settings["retention_days"] = 110
    community.settings = settings
    enable_board(other_community)
    elsewhere = _closed_suggestion(other_community, make_member(other_community, "member"),
                                   "另一个社群的旧建议内容", days_ago=400)
    db.session.commit()
    done = system_tasks.purge_expired_text()
    db.session.expire_all()
    # 110 days: the 120-day-old survey goes, the 100-day-old suggestion stays
    assert done[community.id] == {"feedback_items": 2, "survey_responses": 1}
    assert db.session.get(Suggestion, world["old"]).content.startswith("希望换一个")
    assert db.session.get(Suggestion, elsewhere.id).content == "另一个社群的旧建议内容"


def test_the_purge_runs_every_day_at_a_quiet_hour(app):
    from app.tasks import huey

    def due(moment):
        return {task.name for task in huey.read_periodic(moment)}

    # the queue keeps UTC: 19:23 UTC is 03:23 in China
    assert "system.purge_expired_text" in due(datetime(2026, 12, 9, 19, 23))
    assert "system.purge_expired_text" not in due(datetime(2026, 12, 9, 4, 23))


def test_an_admin_sets_the_community_s_period_on_the_settings_page(client, db, community,
                                                                    login_as):
    login_as("admin")
    page = f"/c/{community.slug}/settings"
    refused = client.post(page, data={"name": community.name, "retention_days": "5"})
    assert refused.status_code == 200 and "保留天数需在 30 到 3650 之间" in \
        refused.get_data(as_text=True)
    assert client.post(page, data={"name": community.name, "retention_days": "180"}
                       ).status_code == 302
    db.session.expire_all()
    assert community.settings["retention_days"] == 180
    assert retention.retention_days(community) == 180
    assert client.post(page, data={"name": community.name}).status_code == 302
    db.session.expire_all()
    assert "retention_days" not in community.settings
