"""SQLAlchemy models. Import every model module here so that metadata is complete."""

from app.models.accounts import ApiToken, Invitation, Membership, User
from app.models.audit import AuditEntry
from app.models.base import Base, utcnow
from app.models.changelog import ChangelogEntry
from app.models.community import Community
from app.models.feedback import SOURCE_KIND_LABELS, FeedbackItem, SourceKind
from app.models.interviews import (
    INTERVIEW_CHANNEL_LABELS,
    SENTIMENT_LABELS,
    Highlight,
    HighlightTag,
    Interview,
    InterviewChannel,
    InterviewGuide,
    InterviewTag,
)
from app.models.jobs import JOB_STATE_LABELS, JobRun, JobState
from app.models.notifications import Notification, NotificationPreference
from app.models.suggestions import (
    OPEN_STATUSES,
    SUGGESTION_STATUS_LABELS,
    Suggestion,
    SuggestionComment,
    SuggestionFollow,
    SuggestionImage,
    SuggestionMerge,
    SuggestionNote,
    SuggestionStatus,
    SuggestionTag,
    SuggestionUpdate,
    SuggestionVote,
    UpdateKind,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "ChangelogEntry",
    "Community",
    "FeedbackItem",
    "Highlight",
    "HighlightTag",
    "INTERVIEW_CHANNEL_LABELS",
    "Interview",
    "InterviewChannel",
    "InterviewGuide",
    "InterviewTag",
    "JOB_STATE_LABELS",
    "Invitation",
    "JobRun",
    "JobState",
    "Membership",
    "Notification",
    "NotificationPreference",
    "OPEN_STATUSES",
    "SENTIMENT_LABELS",
    "SOURCE_KIND_LABELS",
    "SUGGESTION_STATUS_LABELS",
    "SourceKind",
    "Suggestion",
    "SuggestionComment",
    "SuggestionFollow",
    "SuggestionImage",
    "SuggestionMerge",
    "SuggestionNote",
    "SuggestionStatus",
    "SuggestionTag",
    "SuggestionUpdate",
    "SuggestionVote",
    "UpdateKind",
    "User",
    "utcnow",
]
