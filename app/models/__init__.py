"""SQLAlchemy models. Import every model module here so that metadata is complete."""

from app.models.accounts import ApiToken, Invitation, Membership, User
from app.models.audit import AuditEntry
from app.models.base import Base, utcnow
from app.models.community import Community
from app.models.feedback import SOURCE_KIND_LABELS, FeedbackItem, SourceKind
from app.models.jobs import JOB_STATE_LABELS, JobRun, JobState
from app.models.surveys import (
    ACCESS_MODE_HINTS,
    ACCESS_MODE_LABELS,
    RESPONSE_SOURCE_LABELS,
    SURVEY_STATUS_LABELS,
    AccessMode,
    ResponseSource,
    Survey,
    SurveyImport,
    SurveyInvitation,
    SurveyResponse,
    SurveySession,
    SurveyStatus,
    SurveyVersion,
)

__all__ = [
    "ACCESS_MODE_HINTS",
    "ACCESS_MODE_LABELS",
    "AccessMode",
    "RESPONSE_SOURCE_LABELS",
    "ResponseSource",
    "SURVEY_STATUS_LABELS",
    "Survey",
    "SurveyImport",
    "SurveyInvitation",
    "SurveyResponse",
    "SurveySession",
    "SurveyStatus",
    "SurveyVersion",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Community",
    "FeedbackItem",
    "JOB_STATE_LABELS",
    "Invitation",
    "JobRun",
    "JobState",
    "Membership",
    "SOURCE_KIND_LABELS",
    "SourceKind",
    "User",
    "utcnow",
]
