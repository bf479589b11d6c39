"""Background job runs, mirrored from Huey so that people can see state, progress and errors."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONType, utcnow


class JobState(StrEnum):
    """Lifecycle of a job run.

    ``pending`` is the outbox: the run is recorded but not yet handed to the job queue (the
    broker was unreachable, or the process is about to hand it over); it moves to ``queued``
    once the queue has it.
    """

    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


JOB_STATE_LABELS = {
    JobState.PENDING: _l("等待投递"),
    JobState.QUEUED: _l("排队中"),
    JobState.RUNNING: _l("运行中"),
    JobState.RETRYING: _l("等待重试"),
    JobState.SUCCEEDED: _l("已完成"),
    JobState.FAILED: _l("失败"),
    JobState.CANCELLED: _l("已取消"),
}


class JobRun(Base):
    """One execution request of a background task."""

    __tablename__ = "job_runs"
    __table_args__ = (
        Index("ix_job_runs_enqueued", "enqueued_at"),
        Index("ix_job_runs_state_lease", "state", "lease_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED.value, nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    progress: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    progress_message: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    enqueued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A running job holds a lease that its worker renews (the heartbeat); a lease that has
    # lapsed means the worker died, and the job is failed and queued again.
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    worker: Mapped[str | None] = mapped_column(String(120))
    # How many earlier runs of the same request lost their worker (bounds automatic retries).
    lapses: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)

    community = relationship("Community")
    requested_by = relationship("User")

    @property
    def is_finished(self) -> bool:
        """Whether the run has ended, well or badly."""
        return self.state in {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED}
