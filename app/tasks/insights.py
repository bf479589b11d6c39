"""Insight jobs: full analysis runs (on demand and nightly), incremental analysis of new
items, and training of each community's sentiment layer."""

from __future__ import annotations

import logging

from huey import crontab

from app.extensions import db
from app.services import job_leases
from app.tasks.registry import job
from app.tasks.runtime import in_app_context

log = logging.getLogger(__name__)


@job("insights.full_run", label="洞察：全量分析", retries=1, retry_delay=60,
     on_lapse=job_leases.on_analysis_lapse)
def full_run(task_id: str | None, run_id: int) -> dict:
    """Analyse all of a community's feedback into a new run and switch to it."""
    from app.services.insights import analysis

    run = analysis.execute_run(run_id, task_id)
    return {"run_id": run.id, "items": run.n_items, "themes": run.n_themes}


@job("insights.analyze_shard", label="洞察：分片分析", retries=0,
     on_lapse=lambda run, retry: _shards().on_shard_lapse(run, retry))
def analyze_shard(task_id: str | None, run_id: int, shard_id: int) -> dict:
    """Run the per-text stages on one item range of a sharded full run (any worker)."""
    return _shards().execute_shard(run_id, shard_id, task_id)


@job("insights.merge_run", label="洞察：合并分片并聚类", retries=0,
     on_lapse=lambda run, retry: _shards().on_merge_lapse(run, retry))
def merge_run(task_id: str | None, run_id: int) -> dict:
    """Fit the themes of a sharded run on all its shards' items and switch to it."""
    run = _shards().execute_merge(run_id, task_id)
    return {"run_id": run.id, "items": run.n_items, "themes": run.n_themes}


def _shards():
    from app.services.insights import shards

    return shards


@job("insights.analyze_items", label="洞察：分析新反馈", retries=2, retry_delay=10)
def analyze_items(task_id: str | None, community_id: int, item_ids: list[int]) -> dict:
    """Give new or changed items their sentiment and theme, then check alerts.

    Besides ``item_ids``, the job sweeps up the community's other recently changed items
    that are not analysed yet: requests that found this job on its way queued nothing.
    """
    from app.services.insights import alerts, hooks, incremental

    hooks.release(community_id)  # before looking, so later items queue a job of their own
    ids = sorted(set(incremental.stale_item_ids(community_id, item_ids))
                 | set(incremental.recent_stale_ids(community_id)))
    count = 0
    while ids:
        analysed = incremental.analyze_items(community_id, ids)
        count += analysed
        if analysed < incremental.SWEEP_LIMIT:
            break
        ids = incremental.recent_stale_ids(community_id)  # more than one sweep was waiting
    if count:
        alerts.check_recent(community_id)
        db.session.commit()
        alerts.flush_notifications()
    return {"analysed": count}


@job("insights.train_layer", label="洞察：训练社群情感模型", retries=1, retry_delay=30)
def train_layer(task_id: str | None, community_id: int) -> dict:
    """Learn the community's sentiment layer from its operators' labels."""
    from app.services.insights import labelling

    return labelling.train_layer(community_id)


def nightly_runs() -> int:
    """Queue a full run for every community with feedback and no run on its way."""
    from app.models import Community, FeedbackItem
    from app.services.insights import analysis

    queued = 0
    ids = db.session.execute(
        db.select(Community.id).where(
            db.select(FeedbackItem.id).where(FeedbackItem.community_id == Community.id)
            .exists())
    ).scalars().all()
    for community_id in ids:
        community = db.session.get(Community, community_id)
        if analysis.active_run(community_id) is not None:
            continue
        try:
            analysis.request_run(community, trigger="nightly")
            queued += 1
        except Exception:
            db.session.rollback()
            log.exception("nightly analysis of community %s not queued", community_id)
    return queued


def _register_periodic():
    from app.tasks import huey

    @huey.periodic_task(crontab(hour="2", minute="30"), name="insights.nightly")
    @in_app_context
    def nightly():
        return nightly_runs()

    return nightly


nightly = _register_periodic()
