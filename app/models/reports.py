"""Improvement reports (改进报告): generated reports with their stored context and PDF, and the
schedules that generate and e-mail them weekly or monthly.

The PDF lives under the instance folder (``instance/reports/``), never under static; it is
served as an attachment only to managers and admins of its community.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    CommunityIndexed,
    CommunityScoped,
    JSONType,
    TimestampMixin,
    utcnow,
)


class ReportStatus(StrEnum):
    """Lifecycle of one report."""

    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


REPORT_STATUS_LABELS = {
    ReportStatus.QUEUED: _l("排队中"),
    ReportStatus.RUNNING: _l("生成中"),
    ReportStatus.READY: _l("已生成"),
    ReportStatus.FAILED: _l("生成失败"),
}


class Cadence(StrEnum):
    """How often a schedule sends its report."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"


CADENCE_LABELS = {Cadence.WEEKLY: _l("每周"), Cadence.MONTHLY: _l("每月")}


class Report(CommunityScoped, Base):
    """One generated improvement report."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_community_created", "community_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    # this_week, last_week, this_month, last_month, custom
    period_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    previous_start: Mapped[date] = mapped_column(Date, nullable=False)
    previous_end: Mapped[date] = mapped_column(Date, nullable=False)
    sections: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    # Owners and due dates of the top actions, entered in the builder:
    # [{"rank": 1, "theme_key": "12", "owner": "王主理", "due": "2026-11-20"}, ...]
    action_plan: Mapped[list[dict] | None] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(12), default=ReportStatus.QUEUED.value,
                                        nullable=False)
    # ReportContext.to_json(): the next report's follow-up reads it.
    context_json: Mapped[str | None] = mapped_column(Text)
    # File name under instance/reports/<community_id>/.
    pdf_name: Mapped[str | None] = mapped_column(String(80))
    pdf_bytes: Mapped[int | None] = mapped_column(Integer)
    page_count: Mapped[int | None] = mapped_column(Integer)
    render_seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_schedules.id", ondelete="SET NULL"), index=True
    )
    job_task_id: Mapped[str | None] = mapped_column(String(64))
    # Addresses the PDF was e-mailed to (scheduled reports), and when.
    emailed_to: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    community = relationship("Community")
    requested_by = relationship("User")
    schedule = relationship("ReportSchedule", foreign_keys=[schedule_id])

    @property
    def status_enum(self) -> ReportStatus:
        """The status as a ``ReportStatus``."""
        return ReportStatus(self.status)

    @property
    def is_ready(self) -> bool:
        """Whether the PDF can be downloaded."""
        return self.status == ReportStatus.READY and bool(self.pdf_name)

    @property
    def is_finished(self) -> bool:
        """Whether generation has ended, well or badly."""
        return self.status in {ReportStatus.READY, ReportStatus.FAILED}


report_schedule_recipients = Table(
    "report_schedule_recipients",
    Base.metadata,
    Column("schedule_id", ForeignKey("report_schedules.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class ReportSchedule(CommunityIndexed, TimestampMixin, Base):
    """Generate a community's report every week or month and e-mail it to its managers."""

    __tablename__ = "report_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadence: Mapped[str] = mapped_column(String(8), nullable=False)
    # Weekly: the weekday it is sent (0 = Monday); monthly: the day of the month (1–28).
    send_day: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # Local hour (community timezone) at which it is sent.
    send_hour: Mapped[int] = mapped_column(Integer, default=8, nullable=False)
    sections: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    extra_emails: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    next_run_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    # generating, sent, failed, retrying (None before the first run)
    last_status: Mapped[str | None] = mapped_column(String(12))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    community = relationship("Community")
    recipients = relationship("User", secondary=report_schedule_recipients,
                              order_by="User.display_name")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def cadence_enum(self) -> Cadence:
        """The cadence as a ``Cadence``."""
        return Cadence(self.cadence)


SCHEDULE_STATUS_LABELS = {
    "generating": _l("生成中"),
    "sent": _l("已发送"),
    "failed": _l("失败"),
    "retrying": _l("发送失败，等待重试"),
}
