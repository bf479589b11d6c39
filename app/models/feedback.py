"""The unified feedback item: every text source (surveys, suggestions, interviews, imports)
writes one row per piece of text here, and the NLP and the reports read only this table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.base import Base, CommunityScoped, JSONType, TimestampMixin, utcnow


class SourceKind(StrEnum):
    """Where a feedback item came from."""

    SURVEY_ANSWER = "survey_answer"
    SUGGESTION = "suggestion"
    INTERVIEW_PASSAGE = "interview_passage"
    INTERVIEW_HIGHLIGHT = "interview_highlight"
    IMPORT = "import"


SOURCE_KIND_LABELS = {
    SourceKind.SURVEY_ANSWER: _l("问卷回答"),
    SourceKind.SUGGESTION: _l("意见箱"),
    SourceKind.INTERVIEW_PASSAGE: _l("访谈段落"),
    SourceKind.INTERVIEW_HIGHLIGHT: _l("访谈摘录"),
    SourceKind.IMPORT: _l("导入"),
}


SOURCE_COLUMNS = ("survey_id", "question_key", "response_id", "suggestion_id", "interview_id")


def source_links(source_key: str) -> dict[str, Any]:
    """The source columns a source key stands for: ``survey:<survey>:response:<response>:
    <question>``, ``suggestion:<suggestion>[:<part>:<id>]`` and ``interview:<interview>:…``;
    any other key (imports) links to nothing."""
    links: dict[str, Any] = dict.fromkeys(SOURCE_COLUMNS)
    parts = (source_key or "").split(":")
    kind = parts[0]
    if kind == "survey" and len(parts) >= 5 and parts[2] == "response":
        if parts[1].isdigit() and parts[3].isdigit():
            links.update(survey_id=int(parts[1]), response_id=int(parts[3]),
                         question_key=":".join(parts[4:])[:64] or None)
    elif kind == "suggestion" and len(parts) >= 2 and parts[1].isdigit():
        links["suggestion_id"] = int(parts[1])
    elif kind == "interview" and len(parts) >= 2 and parts[1].isdigit():
        links["interview_id"] = int(parts[1])
    return links


class FeedbackItem(CommunityScoped, TimestampMixin, Base):
    """One piece of member text, with a link back to where it came from."""

    __tablename__ = "feedback_items"
    __table_args__ = (
        UniqueConstraint("community_id", "source_key"),
        Index("ix_feedback_items_community_occurred", "community_id", "occurred_at"),
        Index("ix_feedback_items_community_kind", "community_id", "source_kind"),
        Index("ix_feedback_items_survey_question", "community_id", "survey_id", "question_key"),
        Index("ix_feedback_items_response", "response_id"),
        Index("ix_feedback_items_suggestion", "suggestion_id"),
        Index("ix_feedback_items_interview", "interview_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(32), nullable=False)
    # Stable identity of the source piece, e.g. "suggestion:42" or "survey:3:response:17:q5";
    # re-recording the same source updates the row instead of duplicating it.
    source_key: Mapped[str] = mapped_column(String(160), nullable=False)
    source_id: Mapped[int | None] = mapped_column()
    # The source piece as columns, set from ``source_key`` (``source_links``) so that a
    # survey's, response's, suggestion's or interview's items are found by an index, not by
    # matching key text. No foreign keys: the services delete items with their source.
    survey_id: Mapped[int | None] = mapped_column()
    question_key: Mapped[str | None] = mapped_column(String(64))
    response_id: Mapped[int | None] = mapped_column()
    suggestion_id: Mapped[int | None] = mapped_column()
    interview_id: Mapped[int | None] = mapped_column()
    source_ref: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    raw_text: Mapped[str] = mapped_column(Text, nullable=False)
    redacted_text: Mapped[str] = mapped_column(Text, nullable=False)
    pii_kinds: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    # NULL means anonymous: no identity is stored for anonymous feedback.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    community = relationship("Community")
    author = relationship("User")

    @validates("source_key")
    def _link_source(self, _key: str, value: str) -> str:
        for name, link in source_links(value).items():
            setattr(self, name, link)
        return value

    @property
    def is_anonymous(self) -> bool:
        """True when no author is recorded."""
        return self.author_id is None
