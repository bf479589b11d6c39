"""Job leases held by this worker process, renewed by one heartbeat thread.

A running job's ``JobRun.lease_expires_at`` lies ``JOB_LEASE_SECONDS`` ahead; the heartbeat
moves it forward every third of that while the job runs. When the process dies (``kill -9``,
the OOM killer, a lost machine) nobody renews it, and ``app.services.job_leases`` fails the
job and queues it again once the lease has lapsed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from flask import Flask

from app.extensions import db
from app.models import JobRun, JobState, utcnow

log = logging.getLogger(__name__)

_held: dict[str, Flask] = {}
_lock = threading.Lock()
_thread: threading.Thread | None = None


def worker_name() -> str:
    """This process, as shown on the jobs page: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def lease_seconds(app: Flask) -> float:
    """How long a lease lasts without a heartbeat."""
    return float(app.config["JOB_LEASE_SECONDS"])


def lease_until(app: Flask):
    """The expiry of a lease taken or renewed now."""
    return utcnow() + timedelta(seconds=lease_seconds(app))


def hold(task_id: str, app: Flask, *, heartbeat: bool = True) -> None:
    """Start renewing the lease of ``task_id`` from this process."""
    global _thread
    if not heartbeat:
        return
    with _lock:
        _held[task_id] = app
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_beat_forever, name="job-lease-heartbeat",
                                       daemon=True)
            _thread.start()


def release(task_id: str) -> None:
    """Stop renewing the lease of ``task_id`` (the job ended, well or badly)."""
    with _lock:
        _held.pop(task_id, None)


def held() -> list[str]:
    """The task ids whose leases this process renews."""
    with _lock:
        return list(_held)


def renew(app: Flask, task_ids: list[str]) -> int:
    """Move the leases of ``task_ids`` forward; returns how many are still this worker's."""
    if not task_ids:
        return 0
    with app.app_context():
        with db.engine.begin() as conn:
            return conn.execute(
                db.update(JobRun)
                .where(JobRun.task_id.in_(task_ids), JobRun.state == JobState.RUNNING.value)
                .values(lease_expires_at=lease_until(app))
            ).rowcount or 0


def _beat_forever() -> None:
    while True:
        with _lock:
            by_app: dict[int, tuple[Flask, list[str]]] = {}
            for task_id, app in _held.items():
                by_app.setdefault(id(app), (app, []))[1].append(task_id)
        if not by_app:
            interval = 5.0
        else:
            interval = min(lease_seconds(app) for app, _ in by_app.values()) / 3
        for app, task_ids in by_app.values():
            try:
                renew(app, task_ids)
            except Exception:  # the database may be briefly away; the next beat tries again
                log.exception("could not renew job leases")
        threading.Event().wait(max(interval, 0.05))
