"""Enqueueing background jobs and reading their history."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import JobRun, JobState
from app.services.errors import Conflict

log = logging.getLogger(__name__)


# After the queue's broker failed, this process leaves new runs in the outbox for this long
# instead of waiting on the broker again in every request.
BROKER_BACKOFF_SECONDS = 5.0
_broker_down_until = 0.0
# Set when this process left a run in the outbox: its next successful hand-over sends the
# rest too, so the runs go out as soon as the broker is back rather than at the next tick.
_outbox_dirty = False
_broker_lock = threading.Lock()


def broker_backing_off() -> bool:
    """Whether this process recently found the job queue's broker unreachable."""
    return time.monotonic() < _broker_down_until


def broker_unreachable(exc: BaseException) -> None:
    """Note that the broker failed a call of this process (it backs off for a moment)."""
    _broker_failed(exc)


def _broker_failed(exc: BaseException) -> None:
    global _broker_down_until, _outbox_dirty
    with _broker_lock:
        _outbox_dirty = True
        first = not broker_backing_off()
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
    if first:  # one line per outage and process, not one per request
        log.warning("job queue unreachable (%s); runs wait in the outbox", type(exc).__name__)


def _broker_ok() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


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

    The run is committed to the outbox (``pending``) before the queue sees it; when the
    queue's broker is unreachable it stays there, the caller carries on, and
    :func:`dispatch_pending` (the scheduler, a starting worker) hands it over later.
    """
    # Here, not at import: the queue (Huey and its storage drivers) loads with the first job.
    from app.tasks.registry import get_job

    spec = get_job(name)
    if delay and not spec.task.huey.immediate:
        task = spec.task.s(*args, delay=delay, **kwargs)
    else:
        task = spec.task.s(*args, **kwargs)
    run = JobRun(
        task_id=task.id,
        name=name,
        community_id=community_id,
        requested_by_id=requested_by_id,
        state=JobState.PENDING.value,
        params={"args": list(args), "kwargs": kwargs},
    )
    db.session.add(run)
    db.session.commit()
    if not broker_backing_off():
        if _dispatch(run.id, spec, task) == SENT and _outbox_dirty:
            _send_rest_of_outbox()
    db.session.refresh(run)
    return run


SENT, TAKEN, REFUSED = "sent", "taken", "refused"


def _send_rest_of_outbox() -> None:
    global _outbox_dirty
    _outbox_dirty = False
    try:
        dispatch_pending()
    except Exception:  # the scheduler sends them at its next tick
        db.session.rollback()
        log.exception("could not send the outbox")


def _dispatch(run_id: int, spec, task) -> str:
    """Hand one pending run to the queue: ``SENT``, ``TAKEN`` (another process handed it
    over first) or ``REFUSED`` (the broker is unreachable; the run stays pending)."""
    # Claimed before the hand-over: a process that dies in between loses at most this run,
    # and two dispatchers never queue the same run twice.
    claimed = db.session.execute(
        db.update(JobRun).where(JobRun.id == run_id, JobRun.state == JobState.PENDING.value)
        .values(state=JobState.QUEUED.value).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return TAKEN
    if spec.task.huey.immediate:  # runs the job here: its errors are the caller's
        spec.task.huey.enqueue(task)
        return SENT
    try:
        spec.task.huey.enqueue(task)
    except Exception as exc:  # the broker is away: back to the outbox
        _broker_failed(exc)
        db.session.execute(
            db.update(JobRun).where(JobRun.id == run_id, JobRun.state == JobState.QUEUED.value)
            .values(state=JobState.PENDING.value)
            .execution_options(synchronize_session=False))
        db.session.commit()
        return REFUSED
    _broker_ok()
    return SENT


def dispatch_pending(limit: int = 1000) -> int:
    """Hand the outbox's runs to the queue, oldest first; returns how many went.

    Stops at the first refusal (the broker is still away). Safe to run in many processes at
    once: each run is claimed with one conditional UPDATE.
    """
    from app.tasks.registry import get_job

    rows = db.session.execute(
        db.select(JobRun.id, JobRun.name, JobRun.task_id, JobRun.params)
        .where(JobRun.state == JobState.PENDING.value)
        .order_by(JobRun.id).limit(limit)
    ).all()
    db.session.rollback()
    sent = 0
    for run_id, name, task_id, params in rows:
        try:
            spec = get_job(name)
        except KeyError:
            log.error("job run %s names an unknown job %r; left pending", run_id, name)
            continue
        params = params or {}
        task = spec.task.s(*params.get("args", []), **params.get("kwargs", {}))
        task.id = task_id  # the JobRun and the worker's signals know the run by this id
        outcome = _dispatch(run_id, spec, task)
        if outcome == REFUSED:
            break
        sent += outcome == SENT
    if sent:
        log.info("handed %d job runs from the outbox to the queue", sent)
    return sent


def pending_count(name: str | None = None, community_id: int | None = None) -> int:
    """How many runs wait in the outbox (of one job and community, when given)."""
    stmt = db.select(db.func.count(JobRun.id)).where(JobRun.state == JobState.PENDING.value)
    if name is not None:
        stmt = stmt.where(JobRun.name == name)
    if community_id is not None:
        stmt = stmt.where(JobRun.community_id == community_id)
    return db.session.execute(stmt).scalar_one()


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
