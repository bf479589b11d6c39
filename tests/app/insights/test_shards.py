"""Sharded full runs: a large community's run is split by item id ranges into jobs any
worker can take, merged by one step; the result equals a single run, a shard or merge whose
worker died is taken over through its lease, and nothing is counted or made twice."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.models import (
    AnalysisRun,
    AnalysisShard,
    FeedbackItem,
    InsightTheme,
    ItemAnalysis,
    JobRun,
    JobState,
    RunStatus,
    ShardStatus,
    utcnow,
)
from app.services import job_leases, jobs
from app.services.insights import analysis, hooks, shards
from tests.app.insights.conftest import analyse, seed_feedback

ITEMS = 100
SHARD_ITEMS = 30


@pytest.fixture
def sharding(app):
    """Split every run with items into shards of 30 items (4 shards for 100 items)."""
    app.config.update(INSIGHTS_SHARD_MIN_ITEMS=1, INSIGHTS_SHARD_ITEMS=SHARD_ITEMS)
    return app


def _request(community) -> AnalysisRun:
    hooks.suppress_due()
    return analysis.request_run(community)


def _outcome(run: AnalysisRun) -> dict:
    """What people see of a run, by each item's source key (ids differ between communities):
    per item its sentiment, score, theme and keywords, and the themes themselves."""
    rows = analysis.db.session.execute(
        analysis.db.select(FeedbackItem.source_key, ItemAnalysis.sentiment_label,
                           ItemAnalysis.sentiment_score, ItemAnalysis.theme_key,
                           ItemAnalysis.keywords, ItemAnalysis.clauses)
        .join(ItemAnalysis, ItemAnalysis.feedback_item_id == FeedbackItem.id)
        .where(ItemAnalysis.run_id == run.id)
    ).all()
    themes = sorted((t["key"], t["name"], t["size"], tuple(t["keywords"]), t["frame_key"])
                    for t in run.themes)
    return {"items": {r[0]: tuple(r[1:4]) + (tuple(r[4]), str(r[5])) for r in rows},
            "themes": themes, "k": run.stats["k"], "n": run.n_items}


def _theme_keys_are_unique(db, community) -> None:
    keys = db.session.execute(db.select(InsightTheme.key).where(
        InsightTheme.community_id == community.id)).scalars().all()
    assert keys and len(keys) == len(set(keys))


@pytest.fixture
def reference(app, db, other_community):
    """The same items in another community, analysed by one single-process run."""
    app.config.update(INSIGHTS_SHARD_MIN_ITEMS=0)
    seed_feedback(other_community, count=ITEMS)
    run = analyse(other_community)
    assert run.n_shards == 0 and run.status == RunStatus.SUCCEEDED
    assert analysis.run_progress(run)["shards"] is None
    return _outcome(run)


def test_item_ranges_cover_the_ids_in_order():
    assert shards.item_ranges([3, 5, 8, 9, 20], 2) == [(3, 5), (8, 9), (20, 20)]
    assert shards.item_ranges([], 10) == []
    assert shards.item_ranges([7], 0) == [(7, 7)]


def test_a_sharded_run_equals_a_single_run_on_the_same_items(app, db, community, reference,
                                                             sharding):
    seed_feedback(community, count=ITEMS)
    run = _request(community)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.n_shards == 4 and run.shards_done == 4 and run.phase == shards.PHASE_MERGE
    # one job per shard and one merge, besides the run's own
    names = db.session.execute(db.select(JobRun.name, db.func.count(JobRun.id))
                               .group_by(JobRun.name)).all()
    assert dict(names) == {"insights.full_run": 1, shards.SHARD_JOB: 4, shards.MERGE_JOB: 1}
    assert db.session.get(JobRun, run.job_run_id).name == shards.MERGE_JOB
    got = _outcome(run)
    assert got["n"] == ITEMS and len(got["items"]) == ITEMS
    assert got == reference
    assert analysis.current_run_id(community.id) == run.id
    _theme_keys_are_unique(db, community)
    # the shards' stored items are freed once merged
    assert db.session.execute(db.select(db.func.count(AnalysisShard.id)).where(
        AnalysisShard.payload.is_not(None))).scalar() == 0


def test_a_small_community_keeps_the_single_job(app, db, community):
    app.config.update(INSIGHTS_SHARD_MIN_ITEMS=ITEMS + 1, INSIGHTS_SHARD_ITEMS=SHARD_ITEMS)
    seed_feedback(community, count=ITEMS)
    run = _request(community)
    assert run.status == RunStatus.SUCCEEDED and run.n_shards == 0 and run.phase is None
    assert db.session.execute(db.select(JobRun.name)).scalars().all() == ["insights.full_run"]
    assert db.session.execute(db.select(db.func.count(AnalysisShard.id))).scalar() == 0


class _Killer:
    """Lets the ``n``-th enqueue of job ``name`` die as a ``kill -9`` leaves it: the job row
    running with a lapsed lease, and (for a shard) the shard claimed by that attempt."""

    def __init__(self, monkeypatch, name: str, nth: int = 1):
        self.name, self.nth, self.seen, self.dead = name, nth, 0, []
        self.real = jobs.enqueue
        monkeypatch.setattr(jobs, "enqueue", self)

    def __call__(self, name, *args, community_id=None, **kwargs):
        if name != self.name:
            return self.real(name, *args, community_id=community_id, **kwargs)
        self.seen += 1
        if self.seen != self.nth:
            return self.real(name, *args, community_id=community_id, **kwargs)
        db = analysis.db
        job = JobRun(task_id=uuid.uuid4().hex, name=name, community_id=community_id,
                     state=JobState.RUNNING.value, params={"args": list(args), "kwargs": {}},
                     attempts=1, started_at=utcnow() - timedelta(minutes=5),
                     lease_expires_at=utcnow() - timedelta(seconds=5), worker="gone:4242")
        db.session.add(job)
        if name == shards.SHARD_JOB:
            db.session.execute(db.update(AnalysisShard).where(AnalysisShard.id == args[1])
                               .values(status=ShardStatus.RUNNING.value, task_id=job.task_id,
                                       attempts=1))
        db.session.commit()
        self.dead.append(job)
        return job


def test_a_killed_shard_is_taken_over_through_its_lease(app, db, community, reference,
                                                        sharding, monkeypatch):
    seed_feedback(community, count=ITEMS)
    killer = _Killer(monkeypatch, shards.SHARD_JOB, nth=2)
    run = _request(community)
    # three shards are done, the killed one holds the run back: no merge yet
    db.session.refresh(run)
    assert run.status == RunStatus.RUNNING and run.phase == shards.PHASE_SHARDS
    assert run.shards_done == 3
    assert analysis.run_progress(run)["stage"] == "shards"
    assert analysis.run_progress(run)["shards"] == {"done": 3, "total": 4}
    assert analysis.run_progress(run)["progress"] == pytest.approx(0.35 * 3 / 4, abs=1e-3)
    dead = killer.dead[0]

    assert job_leases.recover_lapsed() == [dead.id]

    db.session.expire_all()
    run = db.session.get(AnalysisRun, run.id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    # the shard was counted once, by the attempt that took it over
    assert run.shards_done == 4
    retried = db.session.execute(db.select(AnalysisShard).where(
        AnalysisShard.run_id == run.id, AnalysisShard.attempts == 2)).scalar_one()
    assert retried.task_id != dead.task_id and retried.status == ShardStatus.DONE
    assert db.session.execute(db.select(JobRun.lapses).where(
        JobRun.task_id == retried.task_id)).scalar_one() == 1
    assert _outcome(run) == reference
    _theme_keys_are_unique(db, community)
    # the dead attempt, should it wake up, changes nothing
    assert shards.execute_shard(run.id, retried.id, dead.task_id) == {"skipped": True}
    assert job_leases.recover_lapsed() == []


def test_a_late_attempt_cannot_complete_a_shard_taken_over(app, db, community, sharding,
                                                           monkeypatch):
    seed_feedback(community, count=ITEMS)
    killer = _Killer(monkeypatch, shards.SHARD_JOB, nth=1)
    run = _request(community)
    shard_id = killer.dead[0].params["args"][1]
    # a newer attempt claims the shard while the old one is still computing
    real_prepare = analysis.sentiment_pipeline

    def slow_old_attempt(community_id):
        db.session.execute(db.update(AnalysisShard).where(AnalysisShard.id == shard_id)
                           .values(task_id="newer-attempt"))
        db.session.commit()
        return real_prepare(community_id)

    monkeypatch.setattr(analysis, "sentiment_pipeline", slow_old_attempt)
    assert shards.execute_shard(run.id, shard_id, "old-attempt") == {"skipped": True}
    db.session.refresh(run)
    assert run.shards_done == 3 and run.phase == shards.PHASE_SHARDS
    assert db.session.get(AnalysisShard, shard_id).status == ShardStatus.RUNNING


def test_a_killed_merge_is_retried_and_writes_each_item_once(app, db, community, sharding,
                                                             monkeypatch):
    seed_feedback(community, count=ITEMS)
    first = analyse(community)  # a previous run: stays visible until the merge switches
    killer = _Killer(monkeypatch, shards.MERGE_JOB)
    run = _request(community)
    db.session.refresh(run)
    assert run.status == RunStatus.RUNNING and run.phase == shards.PHASE_MERGE
    dead = killer.dead[0]
    # the dead merge owned the run and had written part of its rows
    run.job_run_id = dead.id
    some = db.session.execute(db.select(ItemAnalysis).where(
        ItemAnalysis.run_id == first.id).limit(20)).scalars().all()
    for row in some:
        db.session.add(ItemAnalysis(run_id=run.id, community_id=community.id,
                                    feedback_item_id=row.feedback_item_id,
                                    occurred_at=row.occurred_at, day=row.day,
                                    source_kind=row.source_kind))
    db.session.commit()
    assert analysis.current_run_id(community.id) == first.id

    assert job_leases.recover_lapsed() == [dead.id]

    db.session.expire_all()
    run = db.session.get(AnalysisRun, run.id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert analysis.current_run_id(community.id) == run.id
    rows = db.session.execute(db.select(ItemAnalysis.feedback_item_id).where(
        ItemAnalysis.run_id == run.id)).scalars().all()
    assert len(rows) == ITEMS == len(set(rows))
    _theme_keys_are_unique(db, community)
    assert db.session.execute(db.select(db.func.count(AnalysisRun.id))).scalar() == 2


def test_a_shard_that_keeps_killing_its_worker_fails_the_run(app, db, community, sharding,
                                                             monkeypatch):
    seed_feedback(community, count=ITEMS)
    first = analyse(community)
    app.config["JOB_LEASE_RETRIES"] = 1
    killer = _Killer(monkeypatch, shards.SHARD_JOB, nth=3)
    run = _request(community)
    dead = killer.dead[0]
    dead.lapses = 1
    db.session.commit()
    assert job_leases.recover_lapsed() == [dead.id]
    db.session.expire_all()
    failed = db.session.get(AnalysisRun, run.id)
    assert failed.status == RunStatus.FAILED and "多次中断" in failed.error
    assert analysis.current_run_id(community.id) == first.id
    assert db.session.execute(db.select(db.func.count(AnalysisShard.id)).where(
        AnalysisShard.run_id == run.id)).scalar() == 0
    # a retry by hand plans the shards again and completes
    monkeypatch.setattr(jobs, "enqueue", killer.real)
    again = analysis.retry_run(failed)
    assert again.status == RunStatus.SUCCEEDED and again.n_items == ITEMS


def test_an_error_in_a_shard_fails_the_run_and_keeps_the_previous_one(app, db, community,
                                                                      sharding, monkeypatch):
    seed_feedback(community, count=ITEMS)
    first = analyse(community)
    calls = []

    def broken(community_id):
        calls.append(community_id)
        if len(calls) == 2:
            raise RuntimeError("segmenter dictionary unreadable")
        return analysis.engine.pipeline(None)

    monkeypatch.setattr(analysis, "sentiment_pipeline", broken)
    run = _request(community)
    db.session.refresh(run)
    assert run.status == RunStatus.FAILED and "dictionary unreadable" in run.error
    assert analysis.current_run_id(community.id) == first.id
    # the shards queued after the failure did nothing; no merge was queued
    assert calls == [community.id, community.id]
    states = db.session.execute(db.select(JobRun.state).where(
        JobRun.name == shards.SHARD_JOB).order_by(JobRun.id.desc()).limit(4)).scalars().all()
    assert states[::-1] == [JobState.SUCCEEDED, JobState.FAILED, JobState.SUCCEEDED,
                            JobState.SUCCEEDED]
    assert db.session.execute(db.select(db.func.count(JobRun.id)).where(
        JobRun.name == shards.MERGE_JOB)).scalar() == 1  # the first run's
    assert db.session.execute(db.select(db.func.count(ItemAnalysis.id)).where(
        ItemAnalysis.run_id == run.id)).scalar() == 0


def test_a_run_whose_last_shard_died_before_claiming_the_merge_is_merged(app, db, community,
                                                                        sharding, monkeypatch):
    seed_feedback(community, count=ITEMS)
    real_merge = shards.maybe_merge
    monkeypatch.setattr(shards, "maybe_merge", lambda run_id: False)  # the worker dies here
    run = _request(community)
    db.session.refresh(run)
    assert run.shards_done == run.n_shards == 4 and run.phase == shards.PHASE_SHARDS
    monkeypatch.setattr(shards, "maybe_merge", real_merge)
    # a retried attempt of a finished shard only claims the merge
    shard_id = db.session.execute(db.select(AnalysisShard.id).where(
        AnalysisShard.run_id == run.id).limit(1)).scalar_one()
    assert shards.execute_shard(run.id, shard_id, "retry") == {"skipped": True}
    db.session.expire_all()
    run = db.session.get(AnalysisRun, run.id)
    assert run.status == RunStatus.SUCCEEDED and run.shards_done == 4
    assert db.session.execute(db.select(db.func.count(JobRun.id)).where(
        JobRun.name == shards.MERGE_JOB)).scalar() == 1
    _theme_keys_are_unique(db, community)


def test_the_scheduler_queues_a_merge_nobody_claimed_once(app, db, community, sharding,
                                                          monkeypatch):
    from app.tasks.system import recover_lapsed_jobs

    seed_feedback(community, count=ITEMS)
    real_merge = shards.maybe_merge
    monkeypatch.setattr(shards, "maybe_merge", lambda run_id: False)
    run = _request(community)
    monkeypatch.setattr(shards, "maybe_merge", real_merge)
    assert recover_lapsed_jobs() == []
    db.session.expire_all()
    assert db.session.get(AnalysisRun, run.id).status == RunStatus.SUCCEEDED
    assert shards.resume_merges() == []
    assert db.session.execute(db.select(db.func.count(JobRun.id)).where(
        JobRun.name == shards.MERGE_JOB)).scalar() == 1


def test_the_catch_up_at_the_switch_reads_unseen_items_with_an_anti_join(app, db, community):
    """At the switch, the items a run did not see are found with NOT EXISTS: PostgreSQL runs
    ``id NOT IN (subquery)`` beyond work_mem as a nested loop, which took hours at 300k items."""
    from sqlalchemy import event

    from tests.app.insights.conftest import add_item

    seed_feedback(community, count=40)
    run = analyse(community)
    late = add_item(community, "直播回放一直打不开，客服也不回复", key="late:1")
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        analysis._catch_up(run, run.finished_at)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    reads = [s for s in statements if "FROM feedback_items" in s and "insight_item_analyses" in s]
    assert reads and not any("NOT IN" in s.upper() for s in reads)
    assert db.session.execute(db.select(ItemAnalysis.theme_key).where(
        ItemAnalysis.run_id == run.id, ItemAnalysis.feedback_item_id == late.id)
    ).scalar_one() is not None
