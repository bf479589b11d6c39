"""Recovering jobs whose worker died: a running job whose lease lapsed is failed and queued
again, with the objects it was working on (analysis runs, reports) put back in line.

Every step claims its row with one conditional UPDATE, so any number of schedulers and
starting workers can run the recovery at once without queueing anything twice. An analysis
run is retried under its own id and only becomes visible when it completes, so the previous
run's results stay on screen meanwhile and no theme or report is made twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import AnalysisRun, JobRun, JobState, Report, ReportStatus, RunStatus, utcnow

log = logging.getLogger(__name__)

LAPSED_ERROR = "worker stopped: its lease lapsed without a heartbeat"


def _lapsed(now: datetime):
    """The condition of a running job whose worker no longer renews its lease."""
    lease = timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])
    return db.and_(
        JobRun.state == JobState.RUNNING.value,
        db.or_(
            JobRun.lease_expires_at < now,
            # rows started before leases existed
            db.and_(JobRun.lease_expires_at.is_(None),
                    db.func.coalesce(JobRun.started_at, JobRun.enqueued_at) < now - lease),
        ),
    )


def recover_lapsed(now: datetime | None = None) -> list[int]:
    """Fail every running job whose lease lapsed and queue it again; returns their ids.

    A job that already lost its worker ``JOB_LEASE_RETRIES`` times in a row is only failed
    (it may be what kills the worker).
    """
    from app.tasks.registry import JOBS

    now = now or utcnow()
    ids = list(db.session.execute(db.select(JobRun.id).where(_lapsed(now))).scalars())
    db.session.rollback()
    recovered = []
    for job_id in ids:
        claimed = db.session.execute(
            db.update(JobRun).where(JobRun.id == job_id, _lapsed(now))
            .values(state=JobState.FAILED.value, finished_at=now, lease_expires_at=None,
                    error=db.func.coalesce(JobRun.error, LAPSED_ERROR))
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed != 1:
            continue  # another scheduler or worker recovers it
        run = db.session.get(JobRun, job_id)
        db.session.refresh(run)
        retry = run.lapses < current_app.config["JOB_LEASE_RETRIES"]
        spec = JOBS.get(run.name)
        log.warning("job %s (%s) lost its worker %s; %s", run.id, run.name, run.worker,
                    "queued again" if retry else "not retried")
        if _hand_back(job_id, run, spec, retry):
            recovered.append(job_id)
    return recovered


def _hand_back(job_id: int, run: JobRun, spec, retry: bool) -> bool:
    """Give a claimed run to its job's lapse handler (queue it again, or only fail it);
    False for a job this version no longer has (failed is all we can do) or when the
    handler could not queue it."""
    if spec is None:
        return False
    try:
        (spec.on_lapse or requeue_job)(run, retry)
    except Exception:
        db.session.rollback()
        log.exception("could not queue job %s again", job_id)
        return False
    return True


STRANDED_ERROR = "lost by the job queue before it started"


def recover_stranded(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Queue again the jobs recorded as queued long ago that the queue no longer holds;
    returns their ids.

    A Redis that restarted without its data, or a worker killed between taking a job and
    starting it, loses the job while its ``JobRun`` still says queued. Only runs queued more
    than ``JOB_STRANDED_SECONDS`` ago are looked at, and only when there are any is the queue
    read, so this costs nothing in the usual case.
    """
    from app.tasks import huey
    from app.tasks.registry import JOBS

    if huey.immediate:
        return []
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config["JOB_STRANDED_SECONDS"])
    old = db.session.execute(
        db.select(JobRun.id, JobRun.task_id)
        .where(JobRun.state == JobState.QUEUED.value, JobRun.enqueued_at < cutoff)
        .order_by(JobRun.id).limit(limit)).all()
    db.session.rollback()
    if not old:
        return []
    held = {task.id for task in huey.pending()} | {task.id for task in huey.scheduled()}
    recovered = []
    for job_id, task_id in old:
        if task_id in held:
            continue  # still waiting its turn in a long queue
        claimed = db.session.execute(
            db.update(JobRun).where(JobRun.id == job_id, JobRun.state == JobState.QUEUED.value)
            .values(state=JobState.FAILED.value, finished_at=now, error=STRANDED_ERROR)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed != 1:
            continue
        run = db.session.get(JobRun, job_id)
        db.session.refresh(run)
        log.warning("job %s (%s) was lost by the queue; queued again", run.id, run.name)
        if _hand_back(job_id, run, JOBS.get(run.name), True):
            recovered.append(job_id)
    return recovered


def holds_lease(task_id: str | None) -> bool:
    """Whether the job ``task_id`` is still running as far as the database knows (False
    once its lease lapsed and the recovery took it over)."""
    if task_id is None:
        return True
    state = db.session.execute(
        db.select(JobRun.state).where(JobRun.task_id == task_id)).scalar_one_or_none()
    return state is None or state == JobState.RUNNING.value


def requeue_job(run: JobRun, retry: bool) -> JobRun | None:
    """The default recovery: queue the same job with the same parameters again."""
    from app.services import jobs

    if not retry:
        return None
    lapses = run.lapses + 1
    new = jobs.retry(run, requested_by_id=run.requested_by_id)
    _count_lapses(new.id, lapses)
    return new


def _count_lapses(job_id: int | None, lapses: int) -> None:
    if job_id is None:
        return
    db.session.execute(db.update(JobRun).where(JobRun.id == job_id).values(lapses=lapses)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def gave_up_message() -> str:
    """The error shown on a run or report whose worker died too often."""
    return str(_l("后台进程多次中断，已停止自动重试；请检查服务器资源后手动重试。"))


def on_analysis_lapse(run: JobRun, retry: bool) -> None:
    """A full analysis lost its worker: fail its run and, unless given up, retry the run
    under the same id (its partial rows are dropped when it starts again)."""
    from app.services.insights import analysis

    run_id = int((run.params or {}).get("args", [0])[0])
    claimed = db.session.execute(
        db.update(AnalysisRun)
        .where(AnalysisRun.id == run_id, AnalysisRun.job_run_id == run.id,
               AnalysisRun.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]))
        .values(status=RunStatus.FAILED.value, finished_at=utcnow(),
                error=LAPSED_ERROR if retry else gave_up_message())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1 or not retry:
        return
    analysis_run = db.session.get(AnalysisRun, run_id)
    db.session.refresh(analysis_run)
    analysis_run = analysis.retry_run(analysis_run)
    _count_lapses(analysis_run.job_run_id, run.lapses + 1)


def on_report_lapse(run: JobRun, retry: bool) -> None:
    """A report render or delivery lost its worker: put the report back in line (or fail
    it) and queue the same job again; a ready report is not rendered twice."""
    report_id = int((run.params or {}).get("args", [0])[0])
    values = ({"status": ReportStatus.QUEUED.value, "error": None} if retry else
              {"status": ReportStatus.FAILED.value, "error": gave_up_message(),
               "finished_at": utcnow()})
    db.session.execute(
        db.update(Report)
        .where(Report.id == report_id,
               Report.status.in_([ReportStatus.QUEUED.value, ReportStatus.RUNNING.value]))
        .values(**values).execution_options(synchronize_session=False)
    )
    db.session.commit()
    new = requeue_job(run, retry)
    if new is not None and run.name == "reports.generate":
        db.session.execute(
            db.update(Report).where(Report.id == report_id, Report.job_task_id == run.task_id)
            .values(job_task_id=new.task_id).execution_options(synchronize_session=False))
        db.session.commit()
