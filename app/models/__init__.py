"""SQLAlchemy models. Import every model module here so that metadata is complete."""

from app.models.accounts import ApiToken, Invitation, Membership, User
from app.models.audit import AuditEntry
from app.models.base import Base, utcnow
from app.models.community import Community
from app.models.feedback import SOURCE_KIND_LABELS, FeedbackItem, SourceKind
from app.models.jobs import JOB_STATE_LABELS, JobRun, JobState
from app.models.metrics import (
    AGGREGATION_LABELS,
    IMPORT_STATUS_LABELS,
    Aggregation,
    CustomMetric,
    ImportStatus,
    MetricImport,
    MetricValue,
)
from app.models.reports import (
    CADENCE_LABELS,
    REPORT_STATUS_LABELS,
    SCHEDULE_STATUS_LABELS,
    Cadence,
    Report,
    ReportSchedule,
    ReportStatus,
    report_schedule_recipients,
)

__all__ = [
    "AGGREGATION_LABELS",
    "Aggregation",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CADENCE_LABELS",
    "Cadence",
    "Community",
    "CustomMetric",
    "FeedbackItem",
    "IMPORT_STATUS_LABELS",
    "ImportStatus",
    "JOB_STATE_LABELS",
    "Invitation",
    "JobRun",
    "JobState",
    "Membership",
    "MetricImport",
    "MetricValue",
    "REPORT_STATUS_LABELS",
    "Report",
    "ReportSchedule",
    "ReportStatus",
    "SCHEDULE_STATUS_LABELS",
    "SOURCE_KIND_LABELS",
    "SourceKind",
    "User",
    "report_schedule_recipients",
    "utcnow",
]
