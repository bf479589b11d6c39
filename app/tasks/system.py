"""System jobs: a worker self-check, pruning of old job history, recovery of lapsed jobs
and the daily purge of text past its retention period."""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from flask import current_app
from huey import crontab

from app.extensions import db
from app.models import JobRun, utcnow
from app.tasks.registry import job
from app.tasks.runtime import in_app_context

log = logging.getLogger(__name__)


@job("system.selfcheck", label="后台任务自检", retries=0)
def selfcheck(task_id: str | None) -> dict:
    """Prove that a worker picks up jobs and reaches the database."""
    db.session.execute(db.select(db.func.count(JobRun.id))).scalar_one()
    return {"host": socket.gethostname(), "pid": os.getpid(), "at": utcnow().isoformat()}


def prune_job_history() -> int:
    """Delete finished job runs older than ``JOB_HISTORY_DAYS``."""
    cutoff = utcnow() - timedelta(days=current_app.config["JOB_HISTORY_DAYS"])
    result = db.session.execute(
        db.delete(JobRun).where(JobRun.finished_at.is_not(None), JobRun.finished_at < cutoff)
    )
    db.session.commit()
    return result.rowcount or 0


def recover_lapsed_jobs() -> list[int]:
    """Fail and queue again the jobs whose worker died (see ``app.services.job_leases``)."""
    from app.services import job_leases

    return job_leases.recover_lapsed()


def purge_expired_text() -> dict:
    """Purge the raw text of closed items past their community's retention period."""
    from app.services import retention

    return retention.purge_expired()


def _register_periodic():
    from app.tasks import huey

    # 19:23 UTC is 03:23 in China, when the boxes are quiet (the queue keeps UTC).
    @huey.periodic_task(crontab(hour="19", minute="23"), name="system.purge_expired_text")
    @in_app_context
    def purge_expired_text_daily():
        return purge_expired_text()

    @huey.periodic_task(crontab(hour="3", minute="17"), name="system.prune_job_history")
    @in_app_context
    def prune_job_history_daily():
        return prune_job_history()

    @huey.periodic_task(crontab(minute="*"), name="system.recover_lapsed_jobs")
    @in_app_context
    def recover_lapsed_every_minute():
        return recover_lapsed_jobs()

    @huey.on_startup("system.recover_lapsed_jobs")
    def recover_lapsed_at_start():
        # A worker starting after a crash finds the jobs the dead one held (once their
        # leases lapsed; the scheduler picks up those still within their lease).
        try:
            in_app_context(recover_lapsed_jobs)()
        except Exception:  # a worker must start even while the database is away
            log.exception("recovering lapsed jobs at worker start failed")

    return (prune_job_history_daily, recover_lapsed_every_minute, recover_lapsed_at_start,
            purge_expired_text_daily)


(prune_job_history_daily, recover_lapsed_every_minute, recover_lapsed_at_start,
 purge_expired_text_daily) = _register_periodic()
