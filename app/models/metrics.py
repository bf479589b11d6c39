"""Community metrics: one value per community, day and metric; the custom metrics operators
define; and a record of every import (file or API push).

Standard metric keys (``new_members``, ``dau`` …) are defined by ``reports.context``; custom
metrics get their own key and are described here.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CommunityScoped, JSONType, TimestampMixin, utcnow


class Aggregation(StrEnum):
    """How a metric's days add up into a week or a period."""

    SUM = "sum"
    MEAN = "mean"
    LAST = "last"


AGGREGATION_LABELS = {
    Aggregation.SUM: _l("求和（如新增、消息数）"),
    Aggregation.MEAN: _l("日均（如活跃人数）"),
    Aggregation.LAST: _l("期末值（如成员总数）"),
}


class MetricValue(CommunityScoped, Base):
    """The value of one metric on one day in one community (local calendar day)."""

    __tablename__ = "metric_values"
    __table_args__ = (UniqueConstraint("community_id", "metric", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    # Where the value last came from: import, api, demo.
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("metric_imports.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class CustomMetric(CommunityScoped, TimestampMixin, Base):
    """A metric an operator defined for their community (e.g. 打卡人数)."""

    __tablename__ = "custom_metrics"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    unit: Mapped[str] = mapped_column(String(12), default="", nullable=False)
    aggregation: Mapped[str] = mapped_column(
        String(8), default=Aggregation.SUM.value, nullable=False
    )
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    description: Mapped[str] = mapped_column(String(200), default="", nullable=False)


class ImportStatus(StrEnum):
    """Lifecycle of a metric import."""

    PENDING = "pending"  # file uploaded, waiting for the column mapping
    FAILED = "failed"  # the last attempt found errors; nothing was stored
    APPLIED = "applied"
    DISCARDED = "discarded"


IMPORT_STATUS_LABELS = {
    ImportStatus.PENDING: _l("待确认列"),
    ImportStatus.FAILED: _l("有错误，未导入"),
    ImportStatus.APPLIED: _l("已导入"),
    ImportStatus.DISCARDED: _l("已放弃"),
}


class MetricImport(CommunityScoped, Base):
    """One import of metric values: an uploaded CSV/XLSX file or an API push."""

    __tablename__ = "metric_imports"
    __table_args__ = (Index("ix_metric_imports_community_created", "community_id", "created_at"),
                      Index("ix_metric_imports_community_sha256", "community_id",
                            "content_sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # file or api
    source: Mapped[str] = mapped_column(String(8), nullable=False)
    status: Mapped[str] = mapped_column(String(12), default=ImportStatus.PENDING.value,
                                        nullable=False)
    filename: Mapped[str | None] = mapped_column(String(200))
    file_format: Mapped[str | None] = mapped_column(String(8))
    # The uploaded file under the instance folder (removed once applied or discarded).
    stored_name: Mapped[str | None] = mapped_column(String(80))
    # SHA-256 of the uploaded bytes: the same file imported again is recognised.
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    headers: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    # The first rows as text, read once on upload for the mapping page.
    preview: Mapped[list[list[str]] | None] = mapped_column(JSONType)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    rows_total: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    values_written: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    metrics: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, nullable=False)
    error_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)

    created_by = relationship("User")

    @property
    def status_enum(self) -> ImportStatus:
        """The status as an ``ImportStatus``."""
        return ImportStatus(self.status)

    @property
    def can_apply(self) -> bool:
        """Whether a mapping may still be submitted for this import."""
        return self.source == "file" and self.status in {ImportStatus.PENDING,
                                                         ImportStatus.FAILED}
