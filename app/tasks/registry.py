"""Registry of background jobs: a job is a Huey task that runs in an app context and is
mirrored into ``JobRun``. Define one with ``@job("name")``; enqueue it with
``app.services.jobs.enqueue("name", ...)``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.services.errors import PermanentFailure
from app.tasks.runtime import in_app_context

__all__ = ["JOBS", "JobSpec", "PermanentFailure", "get_job", "job"]


@dataclass
class JobSpec:
    """A registered job: its Huey task, a human label, and what to do when its worker died
    under it (``on_lapse(job_run, retry)``; by default the same job is queued again)."""

    name: str
    task: object
    label: str
    on_lapse: Callable | None = None


JOBS: dict[str, JobSpec] = {}


def job(name: str, *, label: str, retries: int = 2, retry_delay: int = 30,
        on_lapse: Callable | None = None, **task_options):
    """Register ``fn(task_id, *args, **kwargs)`` as a Huey task named ``name``.

    The function receives the Huey task id first, for ``report_progress``. Exceptions are
    retried ``retries`` times, except ``PermanentFailure``, which fails the job at once.
    ``on_lapse(job_run, retry)`` replaces the plain re-queue of a job whose worker died, for
    jobs that also keep a status of their own (see ``app.services.job_leases``).
    """
    from app.tasks import huey

    def decorator(fn: Callable):
        @huey.task(retries=retries, retry_delay=retry_delay, context=True, name=name,
                   **task_options)
        @in_app_context
        def task(*args, task=None, **kwargs):
            try:
                return fn(task.id if task is not None else None, *args, **kwargs)
            except PermanentFailure:
                if task is not None:
                    task.retries = 0  # Huey reads this to decide on a retry
                raise

        JOBS[name] = JobSpec(name=name, task=task, label=label, on_lapse=on_lapse)
        return task

    return decorator


def get_job(name: str) -> JobSpec:
    """The registered job called ``name``."""
    try:
        return JOBS[name]
    except KeyError:
        raise KeyError(f"unknown job {name!r}; known: {sorted(JOBS)}") from None
