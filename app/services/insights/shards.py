"""Sharded full runs: a large community's analysis is split across job workers.

A community with at least ``INSIGHTS_SHARD_MIN_ITEMS`` items has its full run split by item
id ranges of ``INSIGHTS_SHARD_ITEMS``. Each shard is an ``insights.analyze_shard`` job that
any worker on any machine can take: it runs the per-text stages (normalise, redact, segment,
sentiment) on its range and stores the prepared items in the database. Each finished shard
moves the run's ``shards_done`` counter; the shard that finds the counter complete claims the
merge with one conditional UPDATE and queues ``insights.merge_run``, which fits the themes
on all the shards' items at once, writes the rows and switches, exactly as a single run does
(the per-text stages read each text alone, so the result is the same).

Shards and the merge hold job leases like any job: a shard whose worker died is queued again
by the lease recovery and the new attempt takes the shard over (only the attempt that owns a
shard may complete it, so nothing is counted twice). An error inside a shard or the merge
fails the run: a retry would read the same items the same way, and the previous run stays
visible until the nightly run or a manual retry starts over.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    AnalysisRun,
    AnalysisShard,
    FeedbackItem,
    ItemAnalysis,
    JobRun,
    RunStatus,
    ShardStatus,
    utcnow,
)
from app.services.errors import NotFound
from app.services.insights.item_rows import ItemRow, load_items

if TYPE_CHECKING:  # the pipeline (jieba, scikit-learn) loads with the first shard
    from nlp.pipeline import PreparedItems

log = logging.getLogger(__name__)

SHARD_JOB = "insights.analyze_shard"
MERGE_JOB = "insights.merge_run"
PHASE_SHARDS = "shards"
PHASE_MERGE = "merge"


def wanted(community_id: int) -> bool:
    """Whether the community's full run is split into shards (it has enough items)."""
    threshold = int(current_app.config["INSIGHTS_SHARD_MIN_ITEMS"])
    if threshold <= 0:
        return False
    count = db.session.execute(
        db.select(db.func.count(FeedbackItem.id))
        .where(FeedbackItem.community_id == community_id)
    ).scalar_one()
    return count >= threshold


def item_ranges(ids: list[int], size: int) -> list[tuple[int, int]]:
    """Consecutive ``(first, last)`` id ranges of at most ``size`` of the sorted ``ids``."""
    size = max(1, int(size))
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def plan(run: AnalysisRun) -> list[int]:
    """Split the run into shards by item id ranges and queue one job per shard; returns the
    shard ids. Items created later fall outside every range and are caught up at the switch.
    """
    from app.services import jobs

    ids = list(db.session.execute(
        db.select(FeedbackItem.id).where(FeedbackItem.community_id == run.community_id)
        .order_by(FeedbackItem.id)
    ).scalars())
    ranges = item_ranges(ids, current_app.config["INSIGHTS_SHARD_ITEMS"])
    forget(run)
    rows = [AnalysisShard(run_id=run.id, position=pos, first_item_id=first, last_item_id=last)
            for pos, (first, last) in enumerate(ranges)]
    db.session.add_all(rows)
    run.phase = PHASE_SHARDS
    run.n_shards = len(rows)
    run.shards_done = 0
    db.session.commit()
    run_id, community_id = run.id, run.community_id
    shard_ids = [row.id for row in rows]
    log.info("analysis run %s: %d items in %d shards", run_id, len(ids), len(shard_ids))
    if not shard_ids:
        maybe_merge(run_id)
    for shard_id in shard_ids:
        jobs.enqueue(SHARD_JOB, run_id, shard_id, community_id=community_id)
    return shard_ids


def forget(run: AnalysisRun) -> None:
    """Drop the run's shards (a retried run plans again; a finished one frees the space)."""
    db.session.execute(db.delete(AnalysisShard).where(AnalysisShard.run_id == run.id))
    run.phase = None
    run.n_shards = 0
    run.shards_done = 0


def _worker() -> str:
    from app.tasks.leases import worker_name

    return worker_name()


def _range_items(community_id: int, shard: AnalysisShard) -> list[ItemRow]:
    stmt = db.select(
        FeedbackItem.id, FeedbackItem.redacted_text, FeedbackItem.occurred_at,
        FeedbackItem.source_kind, FeedbackItem.author_id, FeedbackItem.updated_at,
    ).where(FeedbackItem.community_id == community_id,
            FeedbackItem.id >= shard.first_item_id, FeedbackItem.id <= shard.last_item_id
            ).order_by(FeedbackItem.id)
    return [ItemRow(*row) for row in db.session.execute(stmt)]


def execute_shard(run_id: int, shard_id: int, task_id: str | None = None) -> dict:
    """The body of an ``insights.analyze_shard`` job: prepare one id range's items, store
    them, count the shard done and, when it is the last one, queue the merge."""
    from app.services.insights import analysis

    token = task_id or uuid.uuid4().hex
    run = db.session.get(AnalysisRun, run_id)
    shard = db.session.get(AnalysisShard, shard_id)
    if (run is None or shard is None or shard.run_id != run_id
            or run.status != RunStatus.RUNNING or run.phase != PHASE_SHARDS):
        db.session.rollback()
        return {"skipped": True}  # a stale attempt: the run ended or was planned again
    claimed = db.session.execute(
        db.update(AnalysisShard)
        .where(AnalysisShard.id == shard_id, AnalysisShard.status != ShardStatus.DONE.value)
        .values(status=ShardStatus.RUNNING.value, task_id=token, started_at=utcnow(),
                attempts=AnalysisShard.attempts + 1, worker=_worker())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        # Another attempt completed it, maybe without living to claim the merge.
        maybe_merge(run_id)
        return {"skipped": True}
    community_id = run.community_id
    try:
        start = time.perf_counter()
        items = _range_items(community_id, shard)
        prepared = analysis.sentiment_pipeline(community_id).prepare([i.text for i in items])
        seconds = time.perf_counter() - start
        completed = db.session.execute(
            db.update(AnalysisShard)
            .where(AnalysisShard.id == shard_id, AnalysisShard.task_id == token,
                   AnalysisShard.status == ShardStatus.RUNNING.value)
            .values(status=ShardStatus.DONE.value, payload=prepared.to_bytes(),
                    item_ids=[i.id for i in items], n_items=len(items),
                    seconds=round(seconds, 3), finished_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if completed == 1:
            # The counter moves in the same transaction as the shard's result.
            db.session.execute(
                db.update(AnalysisRun).where(AnalysisRun.id == run_id)
                .values(shards_done=AnalysisRun.shards_done + 1)
                .execution_options(synchronize_session=False))
        db.session.commit()
    except Exception as exc:
        analysis.fail_run(run_id, exc)
        raise
    if completed != 1:
        log.warning("shard %s of run %s was taken over by a newer attempt", shard_id, run_id)
        return {"skipped": True}
    maybe_merge(run_id)
    return {"run_id": run_id, "shard": shard.position, "items": len(items)}


def maybe_merge(run_id: int) -> bool:
    """Queue the merge if every shard is done and nobody queued it yet (one conditional
    UPDATE claims it, so two shards finishing together queue it once)."""
    from app.services import jobs

    claimed = db.session.execute(
        db.update(AnalysisRun)
        .where(AnalysisRun.id == run_id, AnalysisRun.status == RunStatus.RUNNING.value,
               AnalysisRun.phase == PHASE_SHARDS,
               AnalysisRun.shards_done >= AnalysisRun.n_shards)
        .values(phase=PHASE_MERGE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return False
    community_id = db.session.execute(
        db.select(AnalysisRun.community_id).where(AnalysisRun.id == run_id)).scalar_one()
    jobs.enqueue(MERGE_JOB, run_id, community_id=community_id)
    return True


def resume_merges() -> list[int]:
    """Queue the merge of every run whose shards are all done but whose merge nobody claimed
    (the last shard's worker died between counting itself and claiming it); the scheduler
    calls this every minute. Returns the ids of the runs whose merge was queued."""
    ready = db.session.execute(
        db.select(AnalysisRun.id).where(
            AnalysisRun.status == RunStatus.RUNNING.value, AnalysisRun.phase == PHASE_SHARDS,
            AnalysisRun.n_shards > 0, AnalysisRun.shards_done >= AnalysisRun.n_shards)
    ).scalars().all()
    db.session.rollback()
    return [run_id for run_id in ready if maybe_merge(run_id)]


def load_prepared(run_id: int) -> tuple[list[int], PreparedItems]:
    """The item ids and prepared items of all of a run's shards, in id order."""
    from nlp.pipeline import PreparedItems

    parts, ids = [], []
    for shard in db.session.execute(
        db.select(AnalysisShard).where(AnalysisShard.run_id == run_id)
        .order_by(AnalysisShard.position)
        .options(db.undefer(AnalysisShard.payload), db.undefer(AnalysisShard.item_ids))
    ).scalars():
        if shard.status != ShardStatus.DONE or shard.payload is None:
            raise RuntimeError(f"shard {shard.position} of run {run_id} is not done")
        parts.append(PreparedItems.from_bytes(shard.payload))
        ids.extend(int(i) for i in shard.item_ids or [])
    prepared = PreparedItems.concat(parts)
    if len(ids) != len(prepared):
        raise RuntimeError(f"run {run_id}: {len(ids)} ids for {len(prepared)} items")
    return ids, prepared


def execute_merge(run_id: int, task_id: str | None = None) -> AnalysisRun:
    """The body of an ``insights.merge_run`` job: fit the themes on every shard's items,
    write the rows and switch, as a single run ends."""
    from app.services.insights import analysis

    run = db.session.get(AnalysisRun, run_id)
    if run is None:
        raise NotFound(_l("分析记录不存在。"))
    if run.status != RunStatus.RUNNING or run.phase != PHASE_MERGE:
        return run
    if task_id:
        # The merge attempt now owns the run, so a lapsed lease leads the recovery here.
        run.job_run_id = db.session.execute(
            db.select(JobRun.id).where(JobRun.task_id == task_id)
        ).scalar_one_or_none() or run.job_run_id
    # A retried merge starts clean.
    db.session.execute(db.delete(ItemAnalysis).where(ItemAnalysis.run_id == run_id))
    db.session.commit()

    def progress(fraction: float, stage: str) -> None:
        if task_id:
            from app.tasks.runtime import report_progress

            report_progress(task_id, fraction, stage)

    try:
        _merge(run, progress, task_id)
    except analysis.RunTakenOver:
        db.session.rollback()
        log.warning("merge of analysis run %s was taken over by a newer attempt", run_id)
        raise
    except Exception as exc:
        analysis.fail_run(run_id, exc)
        raise
    return db.session.get(AnalysisRun, run_id)


def _merge(run: AnalysisRun, progress, task_id: str | None) -> None:
    from app.services.insights import analysis

    progress(analysis.STAGE_PROGRESS["prepare"], "load")
    ids, prepared = load_prepared(run.id)
    by_id = {item.id: item for item in load_items(run.community_id)}
    keep = [k for k, item_id in enumerate(ids) if item_id in by_id]
    if len(keep) != len(ids):  # items deleted while the shards ran
        prepared = prepared.subset(keep)
        ids = [ids[k] for k in keep]
    items = [by_id[i] for i in ids]
    del by_id
    previous, pipe = analysis.theme_pipeline(run, items)

    def on_stage(stage: str, done: int, total: int) -> None:
        progress(analysis.STAGE_PROGRESS.get(stage, 0.85), stage)

    result = pipe.run_prepared(
        prepared, ids=[str(i) for i in ids],
        previous=analysis.snapshot_of(previous) if previous is not None else None,
        progress=on_stage)
    # Items that changed after the run started are analysed again at the switch.
    analysis.finish_run(run, items, result, progress, task_id,
                        loaded_at=run.started_at or run.created_at)
    db.session.execute(db.update(AnalysisShard).where(AnalysisShard.run_id == run.id)
                       .values(payload=None, item_ids=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def on_shard_lapse(job: JobRun, retry: bool) -> None:
    """A shard lost its worker: queue it again (the new attempt takes the shard over), or
    fail the run when the shard keeps killing its worker."""
    from app.services import job_leases
    from app.services.insights import analysis

    run_id = int((job.params or {}).get("args", [0])[0])
    status = db.session.execute(
        db.select(AnalysisRun.status).where(AnalysisRun.id == run_id)).scalar_one_or_none()
    if status != RunStatus.RUNNING:
        return
    if not retry:
        analysis.fail_run(run_id, job_leases.gave_up_message())
        return
    job_leases.requeue_job(job, retry)


def on_merge_lapse(job: JobRun, retry: bool) -> None:
    """The merge lost its worker: queue it again (it starts clean), or fail the run."""
    from app.services import job_leases
    from app.services.insights import analysis

    run_id = int((job.params or {}).get("args", [0])[0])
    run = db.session.get(AnalysisRun, run_id)
    if run is None or run.status != RunStatus.RUNNING or run.phase != PHASE_MERGE:
        return
    if not retry:
        analysis.fail_run(run_id, job_leases.gave_up_message())
        return
    job_leases.requeue_job(job, retry)
