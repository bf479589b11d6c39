"""Property test on stored data: for randomly generated communities (suggestions sent and
resolved in any period, surveys with a community NPS question and an event NPS question,
open answers), the report the app assembles holds no impossible or misleading figure."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import surveys as domain
from app.services.reports import documents as report_service
from app.services.suggestions import triage
from app.services.surveys import builder as edits
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import results as survey_results
from app.services.surveys.responses import NewResponse, store_response
from reports.context import Period
from reports.invariants import context_problems
from tests.factories import make_community, make_member, make_survey
from tests.factories_sources import make_suggestion

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))
SURVEY = {
    "schema_version": 1, "title": "满意度与活动",
    "pages": [{"id": "p1", "title": "打分", "questions": [
        {"id": "nps", "type": "nps", "title": "你有多大可能把本群推荐给朋友？"},
        {"id": "event", "type": "nps", "title": "你有多大可能推荐这次活动？"},
        {"id": "why", "type": "long_text", "title": "还有什么想说的？"},
        {"id": "more", "type": "long_text", "title": "对活动的建议"},
    ]}],
}
TEXTS = ["直播经常卡顿，回放也打不开", "积分兑换的东西太少了", "群里广告太多了", "线下活动很用心",
         "新人提问没人理"]


def _at(day: int) -> datetime:
    """A naive-UTC noon (Shanghai) ``day`` days after 1 September."""
    return datetime(2026, 9, 1, 4) + timedelta(days=day)


suggestion_plan = st.lists(st.tuples(st.integers(0, 60), st.sampled_from(
    ["new", "in_progress", "planned", "done", "declined"]), st.integers(0, 40)), max_size=12)
response_plan = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10), st.integers(0, 10),
                                   st.booleans()), min_size=0, max_size=10)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(suggestion_plan, response_plan, st.booleans())
def test_reports_of_random_communities_hold_no_impossible_figure(app, db, suggestions_spec,
                                                                 responses_spec, marked):
    community = make_community()
    operator = make_member(community, "operator")
    member = make_member(community, "member")
    for n, (sent, status, delay) in enumerate(suggestions_spec):
        suggestion, _code = make_suggestion(community, author=member,
                                            content=f"{TEXTS[n % len(TEXTS)]}（第 {n} 条）")
        suggestion.created_at = _at(sent)
        db.session.flush()
        if status != "new":
            triage.change_status(suggestion, status=status, reply="已处理", actor=operator,
                                 at=_at(sent + delay))
    survey = make_survey(community, SURVEY)
    if marked:
        edits.set_community_nps(survey, "nps", True)
    version, definition = survey_service.live_definition(survey)
    for n, (day, nps, event, talk) in enumerate(responses_spec):
        answers = {"nps": nps, "event": event}
        if talk:
            answers |= {"why": TEXTS[n % len(TEXTS)], "more": TEXTS[(n + 1) % len(TEXTS)]}
        checked = domain.validate_answers(definition, answers)
        store_response(survey, version, definition,
                       NewResponse(answers=checked.answers, submitted_at=_at(day)))
    db.session.commit()
    survey_results.clear_cache()
    context = report_service.assemble(community, OCTOBER, SEPTEMBER).context
    assert context_problems(context) == []
    if context.surveys is not None and context.surveys.nps is not None:
        assert marked  # only the marked question makes the community NPS
        assert all(n.question != "你有多大可能把本群推荐给朋友？"
                   for n in context.surveys.other_nps)
