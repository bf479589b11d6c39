"""Score trends over survey responses: empty periods are filled (the demo's surveys and their
lookups are checked in tests/app/test_demo_story.py)."""

from __future__ import annotations

from datetime import datetime

from app.services.surveys import metrics as survey_metrics


def test_score_trends_fill_empty_periods(db, survey_factory, community):
    from datetime import date

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
