"""Full analysis runs: themes from the real pipeline, the atomic switch (never a half-written
run), failures that change nothing people see, retries, and what changed between runs."""

from __future__ import annotations

import pytest

from app.models import (
    AnalysisRun,
    InsightState,
    InsightTheme,
    ItemAnalysis,
    JobRun,
    RunStatus,
    SearchText,
)
from app.services.errors import Conflict
from app.services.insights import analysis, inbox, overview
from app.services.insights.inbox import InboxFilters
from app.services.insights.periods import period_from
from tests.app.insights.conftest import analyse, members, seed_feedback


def test_a_run_finds_themes_and_analyses_every_item(app, db, analysed):
    community, run = analysed
    assert run.status == RunStatus.SUCCEEDED and run.n_items == 100
    assert db.session.get(InsightState, community.id).current_run_id == run.id
    themes = db.session.execute(db.select(InsightTheme).where(
        InsightTheme.is_other.is_(False))).scalars().all()
    assert 2 <= len(themes) <= 20
    assert sum(t.size for t in themes) <= 100
    rows = db.session.execute(db.select(ItemAnalysis).where(ItemAnalysis.run_id == run.id)
                              ).scalars().all()
    assert len(rows) == 100
    assert {r.sentiment_label for r in rows} <= {-1, 0, 1}
    assert all(0.0 <= r.confidence <= 1.0 for r in rows)
    assert any(r.clauses and r.clauses[0]["text"] for r in rows)
    assert db.session.execute(db.select(db.func.count(SearchText.feedback_item_id))).scalar() == 100
    assert run.model_bytes and run.snapshot and run.diff == {
        "new": [], "grown": [], "shrunk": [], "merged": [], "gone": [], "first": True}


def test_the_story_themes_come_out_as_separate_themes(app, db, analysed):
    community, run = analysed
    by_theme: dict[int, set] = {}
    for key, text in db.session.execute(
        db.select(ItemAnalysis.theme_key, db.literal_column("feedback_items.redacted_text"))
        .join(ItemAnalysis.feedback_item).where(ItemAnalysis.run_id == run.id)
    ):
        by_theme.setdefault(key, set()).add(text)
    ads = max(by_theme, key=lambda k: sum("广告" in t for t in by_theme[k]))
    live = max(by_theme, key=lambda k: sum("直播" in t for t in by_theme[k]))
    assert ads != live


def test_while_a_run_is_being_written_people_see_the_previous_run(app, db, analysed,
                                                                  monkeypatch):
    community, first = analysed
    period = period_from(community, "90d")
    before_rows = [(r.item.id, r.analysis.theme_key)
                   for r in inbox.page(community, InboxFilters(), limit=500).rows]
    before_overview = {s.theme.key: s.volume for s in overview.overview(community, period).themes}
    seen = {}
    real_switch = analysis.switch_to

    def inspect_then_switch(run, **kwargs):
        # The new run's rows are all written, but it is not switched on yet.
        assert db.session.execute(db.select(db.func.count(ItemAnalysis.id)).where(
            ItemAnalysis.run_id == run.id)).scalar() == 100
        seen["rows"] = [(r.item.id, r.analysis.run_id)
                        for r in inbox.page(community, InboxFilters(), limit=500).rows]
        seen["overview"] = {s.theme.key: s.volume
                            for s in overview.overview(community, period).themes}
        return real_switch(run, **kwargs)

    monkeypatch.setattr(analysis, "switch_to", inspect_then_switch)
    second = analyse(community)
    assert {run_id for _i, run_id in seen["rows"]} == {first.id}
    assert [i for i, _r in seen["rows"]] == [i for i, _k in before_rows]
    assert seen["overview"] == before_overview
    assert analysis.current_run_id(community.id) == second.id
    # The old run's rows are gone once the new one is visible.
    assert db.session.execute(db.select(db.func.count(ItemAnalysis.id)).where(
        ItemAnalysis.run_id == first.id)).scalar() == 0


def test_a_failed_run_changes_nothing_and_can_be_retried(app, db, analysed, monkeypatch):
    community, first = analysed
    themes_before = {t.key: (t.name, t.size) for t in db.session.execute(
        db.select(InsightTheme)).scalars()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(analysis, "_index_missing", broken)
    with pytest.raises(RuntimeError):
        analyse(community)
    failed = db.session.execute(db.select(AnalysisRun).order_by(AnalysisRun.id.desc())
                                ).scalars().first()
    assert failed.status == RunStatus.FAILED and "disk full" in failed.error
    assert analysis.current_run_id(community.id) == first.id
    assert db.session.execute(db.select(db.func.count(ItemAnalysis.id)).where(
        ItemAnalysis.run_id == failed.id)).scalar() == 0
    assert {t.key: (t.name, t.size) for t in db.session.execute(
        db.select(InsightTheme)).scalars()} == themes_before

    monkeypatch.undo()
    retried = analysis.retry_run(failed)
    assert retried.id == failed.id and retried.status == RunStatus.SUCCEEDED
    assert analysis.current_run_id(community.id) == failed.id


def test_only_a_failed_run_can_be_retried_and_only_one_runs_at_a_time(app, db, analysed):
    community, run = analysed
    with pytest.raises(Conflict):
        analysis.retry_run(run)
    queued = AnalysisRun(community_id=community.id, status=RunStatus.QUEUED.value)
    db.session.add(queued)
    db.session.commit()
    with pytest.raises(Conflict):
        analysis.request_run(community)


def test_requesting_a_run_queues_a_job_with_progress(app, db, community):
    seed_feedback(community, count=40)
    run = analysis.request_run(community)
    assert run.status == RunStatus.SUCCEEDED
    job = db.session.get(JobRun, run.job_run_id)
    assert job.name == "insights.full_run" and job.progress == 1.0
    state = analysis.run_progress(run)
    assert state["finished"] and state["progress"] == 1.0


def test_run_history_says_which_themes_are_new_grew_or_shrank(app, db, community):
    people = members(community, 6)
    old = seed_feedback(community, count=90, members=people,
                        themes=("live", "content", "events"), key_prefix="a")
    first = analyse(community)
    live_key = db.session.execute(
        db.select(ItemAnalysis.theme_key).where(ItemAnalysis.run_id == first.id,
                                                ItemAnalysis.feedback_item_id == old[0].id)
    ).scalar_one()
    live_items = db.session.execute(db.select(ItemAnalysis.feedback_item_id).where(
        ItemAnalysis.run_id == first.id, ItemAnalysis.theme_key == live_key)).scalars().all()
    for item_id in live_items[: len(live_items) * 2 // 3]:
        db.session.delete(db.session.get(ItemAnalysis.feedback_item.property.mapper.class_,
                                         item_id))
    db.session.commit()
    seed_feedback(community, count=110, members=people, themes=("ads",), key_prefix="b",
                  seed=11)
    second = analyse(community)
    diff = second.diff
    assert second.previous_run_id == first.id
    assert diff["new"], diff
    names = [e["name"] for e in diff["new"]]
    new_keys = {e["key"] for e in diff["new"]}
    ads_items = db.session.execute(
        db.select(ItemAnalysis.theme_key, db.func.count(ItemAnalysis.id))
        .join(ItemAnalysis.feedback_item)
        .where(ItemAnalysis.run_id == second.id,
               db.literal_column("feedback_items.source_key").like("b:%"))
        .group_by(ItemAnalysis.theme_key)
    ).all()
    in_new = sum(n for key, n in ads_items if key in new_keys)
    assert in_new > 110 / 2, (names, ads_items)
    # Two thirds of the live-class theme's items were deleted between the runs.
    assert live_key in {e["key"] for e in diff["shrunk"] + diff["gone"]}, diff
    assert not {e["key"] for e in diff["new"]} & {t["key"] for t in first.themes}


def test_an_empty_community_analyses_to_no_themes(app, db, community):
    run = analyse(community)
    assert run.status == RunStatus.SUCCEEDED and run.n_items == 0 and run.n_themes == 0
