"""The demo surveys tell the demo story, and the lookups other features use (feedback
questions, score trends, links back to responses) work on them."""

from __future__ import annotations

from datetime import datetime

from app.models import Community, FeedbackItem, Survey, SurveyResponse
from app.services.surveys import metrics as survey_metrics
from tests.clock import SHANGHAI, pinned


@pinned(datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI),
        "the demo story starts 180 days before loading, and its NPS dip is checked in "
        "calendar months, so where the month boundaries fall depends on the loading day")
def test_the_demo_has_three_published_surveys_that_follow_the_story(clock, app, db):
    from app.demo import load_demo

    load_demo(log=lambda _m: None)
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


def test_score_trends_fill_empty_periods(db, survey_factory, community):
    from datetime import date, datetime

    from app.services.surveys import lifecycle as survey_service
    from app.services.surveys import responses as runs
    from tests.app.surveys.helpers import SKIP_SURVEY

    survey = survey_factory(SKIP_SURVEY)
    version, definition = survey_service.live_definition(survey)
    for when, nps in ((datetime(2026, 3, 2, 4), 10), (datetime(2026, 3, 3, 4), 0),
                      (datetime(2026, 3, 17, 4), 9)):
        answers = {"nps": nps} if nps >= 9 else {"nps": nps, "why": "慢", "fix": "live"}
        runs.commit_response(survey, version, definition,
                             runs.NewResponse(answers=answers, submitted_at=when))
    weeks = survey_metrics.score_trend(community, "nps", start=date(2026, 3, 2),
                                       end=date(2026, 3, 22))
    assert [(p.start.isoformat(), p.responses, p.score) for p in weeks] == [
        ("2026-03-02", 2, 0.0), ("2026-03-09", 0, None), ("2026-03-16", 1, 100.0)]
