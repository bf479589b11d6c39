"""Member data rights (PIPL): deleting one member purges what came from their words (their
signed suggestions, comments, votes, linked survey responses, interviews naming them, the
feedback items and analysis built from that text, and their quotes in stored reports) and
keeps anonymous aggregates. Only the community's admins (or the member, with their password)
can do it; another community's admin gets 404."""

from __future__ import annotations

import json

import pytest

from app.extensions import db as _db
from app.models import (
    AnalysisRun,
    AuditEntry,
    FeedbackItem,
    InsightTheme,
    Interview,
    ItemAnalysis,
    Membership,
    Notification,
    Report,
    ReportStatus,
    RunStatus,
    SourceKind,
    Suggestion,
    SuggestionComment,
    SuggestionVote,
    SurveyResponse,
    User,
    utcnow,
)
from app.services.insights.feedback import FeedbackInput, record_feedback
from app.services.reports import documents as report_service
from app.services.suggestions import board as suggestion_board
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import responses as runs
from app.storage import file_storage
from reports.context import Quote, ReportContext
from reports.sample import sample_context
from tests.app.surveys.helpers import SKIP_SURVEY
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, make_member, make_survey
from tests.factories_sources import enable_board, make_interview, make_suggestion

THEIR_SUGGESTION = "希望周末也开放自习室，平时下班太晚赶不上"
THEIR_COMMENT = "同意楼上，晚上九点以后的直播回放总是缺集"
THEIR_ANSWER = "客服回复太慢了，等了三天才有人理我"
OTHER_TEXT = "报名入口藏得太深，新人根本找不到在哪里"


def _membership(user, community):
    return _db.session.execute(_db.select(Membership).filter_by(
        user_id=user.id, community_id=community.id)).scalar_one()


def _count(model, *conditions) -> int:
    return _db.session.execute(
        _db.select(_db.func.count()).select_from(model).where(*conditions)).scalar_one()


def _texts(community) -> list[str]:
    return list(_db.session.execute(_db.select(FeedbackItem.raw_text).where(
        FeedbackItem.community_id == community.id)).scalars())


@pytest.fixture
def story(db, community):
    """A member with words everywhere, another member, and anonymous feedback."""
    enable_board(community)
    admin = make_member(community, "admin", display_name="管理员")
    member = make_member(community, "member", display_name="张小雨", email="xiaoyu@example.com")
    other = make_member(community, "member", display_name="李四")
    signed, _code = make_suggestion(community, author=member, content=THEIR_SUGGESTION,
                                    title="周末自习室")
    others, _code = make_suggestion(community, author=other, content=OTHER_TEXT)
    anonymous, _code = make_suggestion(community, anonymous=True, content="匿名：直播老是卡顿")
    suggestion_board.add_comment(others, member, THEIR_COMMENT)
    suggestion_board.toggle_vote(others, member)
    suggestion_board.toggle_vote(others, other)
    survey = make_survey(community, SKIP_SURVEY, access_mode="member")
    version, definition = survey_service.live_definition(survey)
    runs.store_response(survey, version, definition, runs.NewResponse(
        answers={"nps": 3, "why": THEIR_ANSWER}, respondent_id=member.id))
    runs.store_response(survey, version, definition, runs.NewResponse(
        answers={"nps": 2, "why": "匿名的人也觉得客服慢"}))
    make_interview(community, actor=admin, interviewee_id=member.id,
                   notes="她说作业批改太慢，希望助教每天固定时间回复")
    imported = record_feedback(FeedbackInput(
        community_id=community.id, source_kind=SourceKind.IMPORT, source_key="import:1",
        text="群公告太多刷屏，重要通知反而看不到", author_id=member.id))
    _db.session.commit()
    return {"admin": admin, "member": member, "other": other, "signed": signed.id,
            "others": others.id, "anonymous": anonymous.id, "survey": survey.id,
            "imported": imported.id}


def _analysis(community, member) -> tuple[AnalysisRun, InsightTheme, list[int], list[int]]:
    """A finished run with one theme over every item, quoting the member first."""
    items = list(_db.session.execute(_db.select(FeedbackItem).where(
        FeedbackItem.community_id == community.id).order_by(FeedbackItem.id)).scalars())
    theirs = [i.id for i in items if i.author_id == member.id]
    rest = [i.id for i in items if i.author_id != member.id]
    run = AnalysisRun(community_id=community.id, status=RunStatus.SUCCEEDED.value,
                      n_items=len(items), assignments={str(i.id): 1 for i in items},
                      snapshot={"themes": [], "pinned": {str(theirs[0]): 1}, "next_id": 2})
    _db.session.add(run)
    _db.session.flush()
    for item in items:
        _db.session.add(ItemAnalysis(
            run_id=run.id, community_id=community.id, feedback_item_id=item.id,
            occurred_at=item.occurred_at, day=item.occurred_at.date().toordinal(),
            source_kind=item.source_kind, theme_key=1, sentiment_label=-1))
    theme = InsightTheme(community_id=community.id, key=1, name="服务响应", size=len(items),
                         quote_item_ids=theirs + rest, summary=THEIR_ANSWER)
    _db.session.add(theme)
    _db.session.commit()
    return run, theme, theirs, rest


def _ready_report(community) -> tuple[Report, ReportContext]:
    """A ready report whose stored context quotes the member and someone else."""
    context = sample_context(n_themes=2, n_surveys=1, wordclouds=False, with_previous=False)
    theme = context.themes.themes[0]
    theme.quotes = [Quote(THEIR_ANSWER[:10] + "…", "问卷"), Quote(OTHER_TEXT, "意见箱")]
    if context.recommendations and context.recommendations.items:
        context.recommendations.items[0].quotes = [Quote(THEIR_COMMENT, "意见箱")]
    report = Report(community_id=community.id, title="十月改进报告", period_kind="custom",
                    period_start=context.period.start, period_end=context.period.end,
                    previous_start=context.previous_period.start,
                    previous_end=context.previous_period.end, sections=["themes"],
                    status=ReportStatus.READY.value, context_json=context.to_json(),
                    finished_at=utcnow())
    _db.session.add(report)
    _db.session.flush()
    report.pdf_name = f"{report.id}-old.pdf"
    file_storage().put(report_service.pdf_key(report), b"%PDF-1.4 " + THEIR_ANSWER.encode(),
                       content_type="application/pdf", community_id=community.id)
    _db.session.commit()
    return report, context


def _erase(client, community, membership_id, confirm=True):
    data = {"confirm": "y"} if confirm else {}
    return client.post(f"/c/{community.slug}/members/{membership_id}/erase", data=data)


def test_an_admin_deletes_a_member_and_everything_derived_from_their_words(
        client, db, community, story):
    member = story["member"]
    run, theme, theirs, rest = _analysis(community, member)
    report, before = _ready_report(community)
    old_key, old_name = report_service.pdf_key(report), report.pdf_name
    membership_id = _membership(member, community).id
    member_id, email = member.id, member.email
    sign_in(client, story["admin"])

    response = _erase(client, community, membership_id)

    assert response.status_code == 302
    db.session.expire_all()
    # the member and their own rows are gone…
    assert db.session.get(User, member_id) is None
    assert db.session.get(Membership, membership_id) is None
    assert db.session.get(Suggestion, story["signed"]) is None
    assert _count(SuggestionComment, SuggestionComment.body == THEIR_COMMENT) == 0
    assert _count(SuggestionVote, SuggestionVote.suggestion_id == story["others"]) == 1
    assert _count(SurveyResponse, SurveyResponse.survey_id == story["survey"]) == 1
    assert _count(Interview, Interview.community_id == community.id) == 0
    texts = _texts(community)
    for words in (THEIR_SUGGESTION, THEIR_COMMENT, THEIR_ANSWER, "群公告太多刷屏"):
        assert not any(words in t for t in texts)
    # …and so is the analysis built from their text
    assert _count(ItemAnalysis, ItemAnalysis.feedback_item_id.in_(theirs)) == 0
    assert _count(ItemAnalysis, ItemAnalysis.run_id == run.id) == len(rest)
    theme = db.session.get(InsightTheme, theme.id)
    assert theme.quote_item_ids == rest and theme.summary is None
    run = db.session.get(AnalysisRun, run.id)
    assert set(run.assignments) == {str(i) for i in rest}
    assert run.snapshot["pinned"] == {}
    # anonymous feedback and the other member's words stay
    assert db.session.get(Suggestion, story["anonymous"]) is not None
    assert any("匿名的人也觉得客服慢" in t for t in texts)
    assert any(OTHER_TEXT in t for t in texts)
    # the report keeps its numbers, loses their quotes and was rendered again
    report = db.session.get(Report, report.id)
    after = ReportContext.from_json(report.context_json)
    assert [q.text for q in after.themes.themes[0].quotes] == [OTHER_TEXT]
    assert after.themes.themes[0].volume == before.themes.themes[0].volume
    assert after.themes.total_feedback == before.themes.total_feedback
    assert THEIR_COMMENT not in report.context_json
    assert not file_storage().exists(old_key)
    assert report.status == ReportStatus.READY and report.pdf_name != old_name
    assert report_service.pdf_bytes(report).startswith(b"%PDF")
    # one audit entry, with counts and no trace of who it was
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="member.erased")
                               ).scalar_one()
    assert entry.after["removed"]["suggestions"] == 1
    assert entry.after["removed"]["survey_responses"] == 1
    assert entry.after["removed"]["reports_redacted"] == 1
    logged = json.dumps([[e.before, e.after] for e in db.session.execute(
        db.select(AuditEntry)).scalars()], ensure_ascii=False)
    for pii in (email, "张小雨", "周末自习室", THEIR_SUGGESTION[:8], "小雨"):
        assert pii not in logged


def test_notifications_quoting_their_suggestions_go_for_everyone(client, db, community, story):
    from app.services import notifications

    signed = db.session.get(Suggestion, story["signed"])
    others = db.session.get(Suggestion, story["others"])
    signed_id = signed.id
    notifications.notify([story["other"]], community=community, kind="suggestion.status",
                         title=f"建议「{signed.short_title()}」的状态更新为：处理中",
                         link=f"/c/{community.slug}/s/{signed.id}#updates")
    notifications.notify([story["admin"]], community=community, kind="suggestion.new",
                         title="新建议", link=f"/c/{community.slug}/suggestions/{signed.id}")
    notifications.notify([story["other"]], community=community, kind="suggestion.status",
                         title="另一条建议有更新", link=f"/c/{community.slug}/s/{others.id}")
    if signed.id < 10:  # an id that another suggestion's id starts with is not confused
        notifications.notify([story["other"]], community=community, kind="suggestion.status",
                             title="编号相近的建议", link=f"/c/{community.slug}/s/{signed.id}0")
    db.session.commit()
    sign_in(client, story["admin"])
    assert _erase(client, community, _membership(story["member"], community).id
                  ).status_code == 302
    db.session.expire_all()
    titles = db.session.execute(db.select(Notification.title)).scalars().all()
    assert not any("周末自习室" in t or t == "新建议" for t in titles)
    assert "另一条建议有更新" in titles
    assert signed_id >= 10 or "编号相近的建议" in titles


def test_nothing_is_deleted_without_the_explicit_confirmation(client, db, community, story):
    sign_in(client, story["admin"])
    membership_id = _membership(story["member"], community).id
    assert _erase(client, community, membership_id, confirm=False).status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, membership_id) is not None
    assert db.session.get(Suggestion, story["signed"]) is not None


def test_only_the_member_s_own_community_admins_can_delete_them(
        client, db, community, other_community, login_as, story):
    membership_id = _membership(story["member"], community).id
    login_as("operator")
    assert _erase(client, community, membership_id).status_code == 403
    sign_in(client, story["other"])
    assert _erase(client, community, membership_id).status_code == 403
    login_as("admin", target=other_community)
    assert _erase(client, other_community, membership_id).status_code == 404
    db.session.expire_all()
    assert db.session.get(Membership, membership_id) is not None
    assert db.session.get(Suggestion, story["signed"]) is not None


def test_a_member_of_two_communities_keeps_their_account_and_the_other_community(
        client, db, community, other_community, story):
    member = story["member"]
    make_member(other_community, "member", user=member)
    elsewhere, _code = make_suggestion(other_community, author=member, content="另一个群的建议内容")
    db.session.commit()
    sign_in(client, story["admin"])
    assert _erase(client, community, _membership(member, community).id).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id) is not None
    assert db.session.get(Suggestion, elsewhere.id) is not None
    assert db.session.get(Suggestion, story["signed"]) is None
    assert _membership(member, other_community)


def test_an_admin_cannot_erase_themselves_from_the_members_page(client, db, community,
                                                                login_as):
    admin = login_as("admin")
    membership_id = _membership(admin, community).id
    assert _erase(client, community, membership_id).status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, membership_id) is not None


def test_the_last_admin_cannot_delete_their_account(client, db, community, login_as):
    admin = login_as("admin")
    answer = client.post("/account/delete", data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    assert answer.status_code == 200
    assert "至少需要保留一位管理员" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id) is not None


def test_a_member_deletes_their_own_account_with_their_password(client, db, community, story):
    member = story["member"]
    member_id = member.id
    sign_in(client, member)
    page = client.get("/account/delete")
    assert page.status_code == 200
    wrong = client.post("/account/delete", data={"password": "not my password", "confirm": "y"})
    assert wrong.status_code == 200 and "密码不正确" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, member_id) is not None
    done = client.post("/account/delete", data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    assert done.status_code == 302 and "/auth/login" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.get(User, member_id) is None
    assert db.session.get(Suggestion, story["signed"]) is None
    assert not any(THEIR_ANSWER in t for t in _texts(community))
    # the session is over
    assert client.get(f"/c/{community.slug}/").status_code == 302


def test_a_huge_account_deletion_form_is_refused_before_its_password_is_checked(
        client, db, community, story):
    sign_in(client, story["member"])
    body = ("password=" + "%E4%B8%AD" * 120_000 + "&confirm=y").encode()
    response = client.post("/account/delete", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "最多接受 64 KB" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, story["member"].id) is not None
