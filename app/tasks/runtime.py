"""How tasks run: inside a Flask app context, with their state mirrored into ``JobRun``.

The worker builds the Flask app lazily through the factory the first time a task needs it;
importing this module never builds an app.
"""

from __future__ import annotations

import logging
import threading
import traceback
from datetime import timedelta
from functools import wraps

from flask import Flask, current_app, has_app_context
from huey import signals as S

from app.extensions import db
from app.models import JobRun, JobState, utcnow
from app.tasks import leases

log = logging.getLogger(__name__)

_app: Flask | None = None
_app_lock = threading.Lock()


def get_app() -> Flask:
    """The current Flask app, or one built once per worker process through the factory."""
    global _app
    if has_app_context():
        return current_app._get_current_object()
    with _app_lock:
        if _app is None:
            from app import create_app

            _app = create_app()
    return _app


def in_app_context(fn):
    """Run ``fn`` inside an app context, pushing one in the worker when there is none."""

    @wraps(fn)
    def wrapped(*args, **kwargs):
        if has_app_context():
            try:
                return fn(*args, **kwargs)
            except Exception:
                db.session.rollback()
                raise
        with get_app().app_context():
            try:
                return fn(*args, **kwargs)
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return wrapped


def _update_run(task_id: str, **values) -> None:
    """Update a JobRun row on its own connection, independent of the task's session."""
    try:
        with db.engine.begin() as conn:
            conn.execute(db.update(JobRun).where(JobRun.task_id == task_id).values(**values))
    except Exception:  # a status write must never break the task itself
        log.exception("could not record job state for %s", task_id)


def report_progress(task_id: str, fraction: float, message: str | None = None) -> None:
    """Record a task's progress (0..1) so pages can show a progress bar.

    Commit the task's own writes before calling this on SQLite: the update uses a separate
    connection and would wait for the task's write lock.
    """
    values = {"progress": max(0.0, min(1.0, float(fraction)))}
    if message is not None:
        values["progress_message"] = message[:200]
    run = in_app_context(_update_run)
    run(task_id, **values)


def _error_text(exc: BaseException | None) -> str | None:
    if exc is None:
        return None
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text[:4000]


def connect_signals(huey) -> None:
    """Mirror Huey's task lifecycle into the job_runs table."""

    @huey.signal(S.SIGNAL_EXECUTING)
    @in_app_context
    def on_executing(signal, task, *args):
        app = current_app._get_current_object()
        with db.engine.begin() as conn:
            conn.execute(
                db.update(JobRun)
                .where(JobRun.task_id == task.id)
                .values(
                    state=JobState.RUNNING.value,
                    started_at=utcnow(),
                    attempts=JobRun.attempts + 1,
                    error=None,
                    lease_expires_at=leases.lease_until(app),
                    worker=leases.worker_name(),
                )
            )
        # An immediate queue runs the job inside the caller: nothing can die in between.
        leases.hold(task.id, app, heartbeat=not huey.immediate)

    @huey.signal(S.SIGNAL_COMPLETE)
    @in_app_context
    def on_complete(signal, task, *args):
        leases.release(task.id)
        _update_run(task.id, state=JobState.SUCCEEDED.value, finished_at=utcnow(), progress=1.0,
                    lease_expires_at=None)

    @huey.signal(S.SIGNAL_ERROR, S.SIGNAL_TIMEOUT)
    @in_app_context
    def on_error(signal, task, exc=None, *args):
        leases.release(task.id)
        retrying = bool(getattr(task, "retries", 0))
        error = _error_text(exc) if exc is not None else f"task {signal}"
        _update_run(
            task.id,
            state=(JobState.RETRYING if retrying else JobState.FAILED).value,
            error=error,
            finished_at=None if retrying else utcnow(),
            lease_expires_at=None,
        )

    @huey.signal(S.SIGNAL_INTERRUPTED)
    @in_app_context
    def on_interrupted(signal, task, *args):
        # The worker stopped under the job: give up the lease at once, so that the recovery
        # (at the next worker start or scheduler tick) fails the run and queues it again.
        leases.release(task.id)
        _update_run(task.id, lease_expires_at=utcnow() - timedelta(seconds=1),
                    error="worker stopped before the task finished")

    @huey.signal(S.SIGNAL_CANCELED, S.SIGNAL_REVOKED, S.SIGNAL_EXPIRED)
    @in_app_context
    def on_cancelled(signal, task, *args):
        leases.release(task.id)
        _update_run(task.id, state=JobState.CANCELLED.value, finished_at=utcnow(),
                    lease_expires_at=None)
