"""The demo community: one load (through the CLI, as `make run` does) tells the whole story.

Loading the demo is the longest step of many tests, so one test loads it once per database
and checks every part of the story on it: staff and members, six months of feedback, the
surveys and their NPS dip, the suggestion box and the interviews. Then it checks the CLI's
--if-missing, refusal and --reset.
"""

from __future__ import annotations

from datetime import datetime

from app.models import (
    ChangelogEntry,
    Community,
    FeedbackItem,
    Highlight,
    Interview,
    InterviewGuide,
    Membership,
    Notification,
    SourceKind,
    Suggestion,
    SuggestionComment,
    SuggestionFollow,
    SuggestionMerge,
    SuggestionStatus,
    SuggestionUpdate,
    SuggestionVote,
    Survey,
    SurveyResponse,
    User,
)
from app.security.roles import Role
from app.services.surveys import metrics as survey_metrics
from tests.clock import SHANGHAI, pinned


@pinned(datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI),
        "the demo story starts 180 days before loading, and its NPS dip is checked in "
        "calendar months, so where the month boundaries fall depends on the loading day")
def test_the_demo_loads_once_tells_its_story_and_can_reset(clock, app, db):
    from app.demo import demo_exists

    runner = app.test_cli_runner()
    assert not demo_exists()
    first = runner.invoke(args=["demo", "load", "--if-missing"])
    assert first.exit_code == 0, first.output
    assert demo_exists()

    _staff_members_and_six_months_of_feedback(db)
    _three_published_surveys_that_follow_the_story(db)
    _a_lived_in_suggestion_box_and_twelve_interviews(db)

    again = runner.invoke(args=["demo", "load", "--if-missing"])
    assert "already loaded" in again.output
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code != 0
    reset = runner.invoke(args=["demo", "load", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert db.session.execute(
        db.select(db.func.count(Community.id)).where(Community.slug == "demo")
    ).scalar_one() == 1
    db.session.expire_all()
    _three_published_surveys_that_follow_the_story(db)


def _staff_members_and_six_months_of_feedback(db) -> None:
    from app.demo import DEMO_LOGINS

    community = db.session.execute(
        db.select(Community).where(Community.slug == "demo")
    ).scalar_one()
    assert community.name == "示例社群"
    roles = dict(db.session.execute(
        db.select(User.email, Membership.role).join(Membership)
        .where(Membership.community_id == community.id, User.email.in_(
            [login.email for login in DEMO_LOGINS]))
    ).all())
    assert roles == {login.email: login.role for login in DEMO_LOGINS}
    members = db.session.execute(
        db.select(db.func.count(Membership.id)).where(
            Membership.community_id == community.id, Membership.role == Role.MEMBER.value)
    ).scalar_one()
    assert members > 300
    items = db.session.execute(
        db.select(FeedbackItem).where(FeedbackItem.community_id == community.id)
    ).scalars().all()
    assert len(items) >= 150
    span_days = (max(i.occurred_at for i in items) - min(i.occurred_at for i in items)).days
    assert span_days >= 150
    texts = [i.raw_text for i in items]
    assert len(set(texts)) > 0.9 * len(texts), "generated feedback should be varied"
    assert any(i.pii_kinds for i in items), "some demo texts carry PII to show redaction"
    assert all("1381" not in i.redacted_text for i in items if "mobile" in i.pii_kinds)


def _three_published_surveys_that_follow_the_story(db) -> None:
    community = db.session.execute(db.select(Community).where(Community.slug == "demo")
                                   ).scalar_one()
    surveys = db.session.execute(db.select(Survey).where(Survey.community_id == community.id)
                                 .order_by(Survey.id)).scalars().all()
    assert [s.template_key for s in surveys] == ["community_satisfaction", "event_feedback",
                                                 "new_member"]
    assert all(s.status == "published" and s.live_version == 1 for s in surveys)
    assert surveys[2].access_mode == "member"
    counts = [s.response_count for s in surveys]
    assert 300 <= sum(counts) <= 600 and all(c >= 80 for c in counts)
    responses = db.session.execute(db.select(SurveyResponse)).scalars().all()
    assert sum(counts) == len(responses)
    channels = {r.channel for r in responses} - {None}
    assert channels == {"wx-group-1", "wx-group-2", "qq-group"}
    days = (max(r.submitted_at for r in responses) - min(r.submitted_at for r in responses)).days
    assert days >= 150
    members = [r for r in responses if r.survey_id == surveys[2].id]
    assert all(r.respondent_id for r in members)
    assert len({r.respondent_id for r in members}) == len(members)
    # Open answers became feedback items that talk about the shared themes.
    texts = db.session.execute(db.select(FeedbackItem.redacted_text).where(
        FeedbackItem.source_kind == "survey_answer")).scalars().all()
    assert len(texts) >= 300
    for word in ("广告", "直播", "积分", "活动"):
        assert sum(word in t for t in texts) >= 5, word
    # NPS dips while the ads and live-stream complaints peak, and recovers.
    trend = [p for p in survey_metrics.score_trend(community, "nps", survey_id=surveys[0].id,
                                                   period="month") if p.responses >= 20]
    scores = [p.score for p in trend]
    low = scores.index(min(scores))
    assert 0 < low < len(scores) - 1
    assert scores[0] - min(scores) >= 10 and scores[-1] - min(scores) >= 10
    csat = survey_metrics.score_trend(community, "csat", period="month")
    assert all(p.ci_low is None or p.ci_low <= p.score <= p.ci_high for p in csat)
    # Lookups for the insight workspace.
    questions = survey_metrics.feedback_questions(community)
    keys = {(q.survey_id, q.question_id, q.part) for q in questions}
    assert (surveys[0].id, "one_change", "answer") in keys
    assert (surveys[0].id, "detractor_reasons", "other") in keys
    assert not any(q.question_id == "interview_wechat" for q in questions)
    one_change = db.session.execute(db.select(FeedbackItem).where(
        survey_metrics.feedback_clause(surveys[0].id, "one_change"))).scalars().all()
    assert one_change and all(i.source_ref["question_id"] == "one_change" for i in one_change)
    link = survey_metrics.source_path(one_change[0], "demo")
    assert link == (f"/c/demo/surveys/{surveys[0].id}/responses/"
                    f"{one_change[0].source_ref['response_id']}#q-one_change")


def _a_lived_in_suggestion_box_and_twelve_interviews(db) -> None:
    community = db.session.execute(db.select(Community).where(Community.slug == "demo")
                                   ).scalar_one()
    member = db.session.execute(db.select(User).where(User.email == "member@example.com")
                                ).scalar_one()

    def count(model, *where) -> int:
        return db.session.execute(db.select(db.func.count()).select_from(model).where(*where)
                                  ).scalar_one()

    suggestions = db.session.execute(db.select(Suggestion).where(
        Suggestion.community_id == community.id)).scalars().all()
    assert 140 <= len(suggestions) <= 170
    assert {s.status for s in suggestions} == {s.value for s in SuggestionStatus}
    anonymous = sum(s.is_anonymous for s in suggestions)
    assert 0.2 < anonymous / len(suggestions) < 0.5
    assert len({s.content for s in suggestions}) > 0.9 * len(suggestions)
    assert count(SuggestionMerge) >= 10 and count(SuggestionVote) > 300
    assert count(SuggestionFollow) > 200 and count(SuggestionComment) > 50
    assert count(SuggestionUpdate, SuggestionUpdate.body.is_not(None)) > 100
    assert any(s.is_hidden for s in suggestions)
    assert count(ChangelogEntry, ChangelogEntry.source_type.is_(None)) >= 1
    # 你说我改: one entry per change, under the team's written title, from completed
    # suggestions and the acted-on theme; never a member's own (cut-off) words or codes.
    entries = db.session.execute(db.select(ChangelogEntry)).scalars().all()
    from_suggestions = [e for e in entries if e.source_type == "suggestion"]
    assert len(from_suggestions) >= 10
    assert any(e.source_type == "theme" for e in entries)
    titles = [e.title for e in entries]
    assert len(set(titles)) == len(titles)
    member_words = {s.display_title for s in suggestions} | {s.content for s in suggestions}
    assert not set(titles) & member_words
    assert not any("[" in e.title or "[" in (e.body or "") for e in entries)
    by_id = {s.id: s for s in suggestions}
    for entry in from_suggestions:
        assert by_id[entry.source_id].status == SuggestionStatus.DONE
    # The demo member has signed suggestions, notifications (some unread) and follows.
    assert count(Suggestion, Suggestion.author_id == member.id) >= 5
    assert count(Notification, Notification.recipient_id == member.id) >= 5
    assert count(Notification, Notification.recipient_id == member.id,
                 Notification.read_at.is_(None)) >= 1
    # Timestamps follow the six-month story, not the moment of loading.
    days = {s.created_at.date() for s in suggestions}
    assert len(days) > 80 and (max(days) - min(days)).days > 150
    updates = db.session.execute(db.select(SuggestionUpdate.created_at)).scalars().all()
    assert (max(updates) - min(updates)).days > 120

    interviews = db.session.execute(db.select(Interview)).scalars().all()
    assert len(interviews) == 12 and count(InterviewGuide) == 3
    assert all(i.tag_names for i in interviews)
    assert sum(i.interviewee_id is None for i in interviews) >= 3
    assert sum(not i.consent for i in interviews) == 1
    assert count(Highlight) >= 36 and all(i.highlights for i in interviews)
    assert all(not h.stale for h in db.session.execute(db.select(Highlight)).scalars())
    passages = count(FeedbackItem, FeedbackItem.source_kind == SourceKind.INTERVIEW_PASSAGE)
    highlights = count(FeedbackItem, FeedbackItem.source_kind == SourceKind.INTERVIEW_HIGHLIGHT)
    # a paragraph left with only narration once its quote is a highlight is not analysed
    assert passages > 60 and highlights >= 30
    assert count(FeedbackItem, FeedbackItem.source_kind == SourceKind.SUGGESTION) > 150
