"""The suggestion box (意见箱): suggestions, their public updates, internal notes, tags, votes,
followers, comments, images and merges.

Anonymity: an anonymous suggestion has ``author_id`` NULL and nothing else that points to a
person (no IP address, no follow or vote row of the submitter, no audit actor). The submitter
keeps access through a private tracking code, of which only a hash is stored.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CommunityScoped, JSONType, TagRow, TimestampMixin, utcnow


class SuggestionStatus(StrEnum):
    """Where a suggestion stands. ``DUPLICATE`` is only reached by merging."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"
    DUPLICATE = "duplicate"


SUGGESTION_STATUS_LABELS = {
    SuggestionStatus.NEW: _l("新建"),
    SuggestionStatus.IN_PROGRESS: _l("处理中"),
    SuggestionStatus.PLANNED: _l("已采纳/计划中"),
    SuggestionStatus.DONE: _l("已完成"),
    SuggestionStatus.DECLINED: _l("未采纳"),
    SuggestionStatus.DUPLICATE: _l("重复"),
}

# The same statuses as the submitter and other members read them: what happens to their
# suggestion, not the team's workflow words.
MEMBER_SUGGESTION_STATUS_LABELS = {
    SuggestionStatus.NEW: _l("已收到"),
    SuggestionStatus.IN_PROGRESS: _l("正在处理"),
    SuggestionStatus.PLANNED: _l("已采纳/计划中"),
    SuggestionStatus.DONE: _l("已完成"),
    SuggestionStatus.DECLINED: _l("暂不采纳"),
    SuggestionStatus.DUPLICATE: _l("已合并到同类建议"),
}

# Statuses that still need the team's attention.
OPEN_STATUSES = (SuggestionStatus.NEW, SuggestionStatus.IN_PROGRESS, SuggestionStatus.PLANNED)


class UpdateKind(StrEnum):
    """Entries of a suggestion's timeline that the submitter sees."""

    STATUS = "status"  # an operator changed the status and/or published an official reply
    SUBMITTER = "submitter"  # the submitter answered back
    MERGED = "merged"  # merged into another suggestion


class Suggestion(CommunityScoped, TimestampMixin, Base):
    """One suggestion dropped into a community's box."""

    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_community_status", "community_id", "status"),
        Index("ix_suggestions_community_created", "community_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), default=SuggestionStatus.NEW.value, nullable=False
    )
    # NULL means anonymous. Nothing else identifies an anonymous submitter.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    tracking_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # The box form's one-time submission key, hashed: a second post of the same form finds
    # this suggestion instead of making another. The tracking code is kept sealed with the
    # key, so only the holder of the form can see it again (the database alone cannot).
    submission_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    tracking_code_sealed: Mapped[str | None] = mapped_column(String(96))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestions.id", ondelete="SET NULL"), index=True
    )
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    community = relationship("Community")
    author = relationship("User", foreign_keys=[author_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    merged_into = relationship("Suggestion", remote_side=[id], foreign_keys=[merged_into_id])
    tags = relationship(
        "SuggestionTag", cascade="all, delete-orphan", order_by="SuggestionTag.name",
        passive_deletes=True,
    )
    images = relationship(
        "SuggestionImage", cascade="all, delete-orphan", order_by="SuggestionImage.position",
        passive_deletes=True,
    )

    @property
    def is_anonymous(self) -> bool:
        """True when no author is recorded."""
        return self.author_id is None

    @property
    def status_enum(self) -> SuggestionStatus:
        """The status as a ``SuggestionStatus``."""
        return SuggestionStatus(self.status)

    @property
    def is_hidden(self) -> bool:
        """Hidden from the public board by a moderator."""
        return self.hidden_at is not None

    @property
    def tag_names(self) -> list[str]:
        """The tags as plain strings."""
        return [t.name for t in self.tags]

    @property
    def display_title(self) -> str:
        """The title, or the start of the content when there is none."""
        return self.short_title(40)

    def short_title(self, length: int = 20) -> str:
        """The title or the start of the content, cut to ``length`` characters."""
        text = self.title or " ".join(self.content.split())
        return text if len(text) <= length else text[:length] + "…"

    def __repr__(self) -> str:
        return f"<Suggestion {self.id} {self.status}>"


class SuggestionTag(TagRow, Base):
    """An operator's tag on a suggestion."""

    __tablename__ = "suggestion_tags"
    __tag_owner__ = "suggestion_id"

    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False
    )


class SuggestionImage(CommunityScoped, Base):
    """An image attached to a suggestion, re-encoded without metadata, stored in the instance
    folder (never under static) and served as an attachment to those allowed to see it."""

    __tablename__ = "suggestion_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    mime_type: Mapped[str] = mapped_column(String(32), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    @property
    def extension(self) -> str:
        """File extension for downloads."""
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
            self.mime_type, "bin"
        )


class SuggestionUpdate(CommunityScoped, Base):
    """One entry of the timeline the submitter sees: status changes with official replies,
    the submitter's answers, and merges. Submitter entries never store who wrote them."""

    __tablename__ = "suggestion_updates"
    __table_args__ = (Index("ix_suggestion_updates_suggestion", "suggestion_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str | None] = mapped_column(Text)
    # The operator who wrote an official entry; always NULL for the submitter's own entries.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Public entries are shown on the board; the submitter's conversation is not.
    public: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    related_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    actor = relationship("User")

    @property
    def status_changed(self) -> bool:
        """Whether this entry moved the suggestion to another status."""
        return bool(self.to_status) and self.to_status != self.from_status


class SuggestionNote(CommunityScoped, Base):
    """An internal note by an operator; never shown to members."""

    __tablename__ = "suggestion_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    author = relationship("User")


class SuggestionVote(Base):
    """A member's +1 (我也想要)."""

    __tablename__ = "suggestion_votes"
    __table_args__ = (UniqueConstraint("suggestion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class SuggestionFollow(Base):
    """A member who is notified of a suggestion's status changes and replies."""

    __tablename__ = "suggestion_follows"
    __table_args__ = (UniqueConstraint("suggestion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class SuggestionComment(CommunityScoped, Base):
    """A member's comment on the public board. ``author_id`` NULL means posted anonymously."""

    __tablename__ = "suggestion_comments"
    __table_args__ = (Index("ix_suggestion_comments_suggestion", "suggestion_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    author = relationship("User")

    @property
    def is_hidden(self) -> bool:
        """Hidden by a moderator."""
        return self.hidden_at is not None


class SuggestionMerge(CommunityScoped, Base):
    """A merge of ``source`` into ``target``, with what it moved, so that it can be undone
    exactly: the source's previous status and the ids of the vote and follow rows moved."""

    __tablename__ = "suggestion_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    previous_status: Mapped[str] = mapped_column(String(16), nullable=False)
    moved: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    source = relationship("Suggestion", foreign_keys=[source_id])
    target = relationship("Suggestion", foreign_keys=[target_id])
    merged_by = relationship("User", foreign_keys=[merged_by_id])
