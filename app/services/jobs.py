"""Enqueueing background jobs and reading their history."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import JobRun, JobState
from app.services.errors import Conflict


def enqueue(
    name: str,
    *args: Any,
    community_id: int | None = None,
    requested_by_id: int | None = None,
    delay: float | None = None,
    **kwargs: Any,
) -> JobRun:
    """Queue the job called ``name`` and record a JobRun for it.

    This commits the current session first, so call it after your own changes are complete:
    the worker must see them, and on SQLite it could not write while we hold the lock.
    ``delay`` (seconds) holds the job back in the worker; an immediate queue runs it now.
    """
    # Here, not at import: the queue (Huey and its storage drivers) loads with the first job.
    from app.tasks.registry import get_job

    spec = get_job(name)
    if delay and not spec.task.huey.immediate:
        pending = spec.task.s(*args, delay=delay, **kwargs)
    else:
        pending = spec.task.s(*args, **kwargs)
    run = JobRun(
        task_id=pending.id,
        name=name,
        community_id=community_id,
        requested_by_id=requested_by_id,
        params={"args": list(args), "kwargs": kwargs},
    )
    db.session.add(run)
    db.session.commit()
    spec.task.huey.enqueue(pending)
    db.session.refresh(run)
    return run


def retry(run: JobRun, *, requested_by_id: int | None = None) -> JobRun:
    """Queue a failed or cancelled job again with the same parameters."""
    if run.state not in {JobState.FAILED, JobState.CANCELLED}:
        raise Conflict(_l("只有失败或已取消的任务可以重试。"), code="not_retryable")
    params = run.params or {}
    return enqueue(
        run.name,
        *params.get("args", []),
        community_id=run.community_id,
        requested_by_id=requested_by_id,
        **params.get("kwargs", {}),
    )


def recent(*, community_id: int | None = None, state: str | None = None, limit: int = 100):
    """The latest job runs, newest first, optionally for one community or state."""
    stmt = db.select(JobRun).order_by(JobRun.enqueued_at.desc(), JobRun.id.desc()).limit(limit)
    if community_id is not None:
        stmt = stmt.where(JobRun.community_id == community_id)
    if state:
        stmt = stmt.where(JobRun.state == state)
    return list(db.session.execute(stmt).scalars())


def latest(name: str, community_id: int | None) -> JobRun | None:
    """The most recent run of a job for a community."""
    return db.session.execute(
        db.select(JobRun)
        .where(JobRun.name == name, JobRun.community_id == community_id)
        .order_by(JobRun.enqueued_at.desc(), JobRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()
