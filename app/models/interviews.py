"""User interviews (用户访谈): reusable guides, interview records with Markdown notes, and
highlights (摘录) of passages in the notes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    CommunityIndexed,
    CommunityScoped,
    JSONType,
    TagRow,
    TimestampMixin,
    utcnow,
)


class InterviewChannel(StrEnum):
    """How the interview took place."""

    ONLINE = "online"
    OFFLINE = "offline"
    PHONE = "phone"


INTERVIEW_CHANNEL_LABELS = {
    InterviewChannel.ONLINE: _l("线上"),
    InterviewChannel.OFFLINE: _l("线下"),
    InterviewChannel.PHONE: _l("电话"),
}

SENTIMENT_LABELS = {-1: _l("负面"), 0: _l("中性"), 1: _l("正面")}


class InterviewGuide(CommunityIndexed, TimestampMixin, Base):
    """A reusable list of questions (访谈提纲)."""

    __tablename__ = "interview_guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    questions: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User")


class Interview(CommunityScoped, TimestampMixin, Base):
    """One interview: who, when, how, with consent, and the notes in Markdown."""

    __tablename__ = "interviews"
    __table_args__ = (Index("ix_interviews_community_held", "community_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    # A member of the community, or an external person known only by a name or alias.
    interviewee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    interviewee_name: Mapped[str] = mapped_column(String(80), nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    interviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    consent: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    consent_note: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    guide_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_guides.id", ondelete="SET NULL")
    )
    # The guide's questions as they were when the interview was set up.
    guide_questions: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="", nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    interviewee = relationship("User", foreign_keys=[interviewee_id])
    interviewer = relationship("User", foreign_keys=[interviewer_id])
    guide = relationship("InterviewGuide")
    tags = relationship(
        "InterviewTag", cascade="all, delete-orphan", order_by="InterviewTag.name",
        passive_deletes=True,
    )
    highlights = relationship(
        "Highlight", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(Highlight.paragraph_index, Highlight.start)", back_populates="interview",
    )

    @property
    def tag_names(self) -> list[str]:
        """The tags as plain strings."""
        return [t.name for t in self.tags]

    @property
    def is_external(self) -> bool:
        """Whether the interviewee is not a member of the community."""
        return self.interviewee_id is None


class InterviewTag(TagRow, Base):
    """A tag on an interview."""

    __tablename__ = "interview_tags"
    __tag_owner__ = "interview_id"

    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False
    )


class Highlight(CommunityIndexed, Base):
    """A passage of an interview's notes saved as a highlight (摘录).

    ``paragraph_index`` with ``start``/``end`` locate the passage in the source Markdown of that
    paragraph; ``excerpt`` is that source slice and ``quote`` the plain text that was selected.
    ``stale`` is set when the notes were edited so that the passage can no longer be found.
    """

    __tablename__ = "highlights"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    paragraph_index: Mapped[int] = mapped_column(Integer, nullable=False)
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)
    excerpt: Mapped[str] = mapped_column(Text, nullable=False)
    quote: Mapped[str] = mapped_column(Text, nullable=False)
    # -1 negative, 0 neutral, 1 positive; NULL leaves sentiment to the analysis.
    sentiment: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    stale: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    interview = relationship("Interview", back_populates="highlights")
    created_by = relationship("User")
    tags = relationship(
        "HighlightTag", cascade="all, delete-orphan", order_by="HighlightTag.name",
        passive_deletes=True,
    )

    @property
    def tag_names(self) -> list[str]:
        """The tags as plain strings."""
        return [t.name for t in self.tags]

    @property
    def anchor(self) -> str:
        """The fragment id of the highlight in the rendered notes."""
        return f"h-{self.id}"

    def as_ref(self) -> dict[str, Any]:
        """Where the highlight lives, for the feedback item's ``source_ref``."""
        return {
            "interview_id": self.interview_id,
            "highlight_id": self.id,
            "paragraph": self.paragraph_index,
            "start": self.start,
            "end": self.end,
            "anchor": self.anchor,
        }


class HighlightTag(TagRow, Base):
    """A tag on a highlight."""

    __tablename__ = "highlight_tags"
    __tag_owner__ = "highlight_id"

    highlight_id: Mapped[int] = mapped_column(
        ForeignKey("highlights.id", ondelete="CASCADE"), nullable=False
    )
