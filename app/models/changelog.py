"""The public changelog (你说我改): what a community's team acted on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CommunityScoped, utcnow


class ChangelogEntry(CommunityScoped, Base):
    """One line of a community's public 你说我改 page: something the team acted on.

    Entries come from completed suggestions (``source_type="suggestion"``), from other features
    (for example ``"theme"`` for an insight theme acted on) or are written by hand (no source).
    """

    __tablename__ = "changelog_entries"
    __table_args__ = (
        Index("ix_changelog_entries_community_published", "community_id", "published_at"),
        Index("ix_changelog_entries_source", "community_id", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, default="", nullable=False)
    category: Mapped[str | None] = mapped_column(String(40))
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(Integer)
    # How many members raised it (votes, followers, the submitter); shown as "N 位成员提出过".
    supporters: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    created_by = relationship("User")
    answers = relationship("ChangelogAnswer", back_populates="entry",
                           cascade="all, delete-orphan", order_by="ChangelogAnswer.suggestion_id")


class ChangelogAnswer(Base):
    """A suggestion that a changelog entry answers. An entry may answer several (a theme
    acted on, or one change that settles a few requests), and a suggestion may be answered
    by more than one entry over time."""

    __tablename__ = "changelog_answers"
    __table_args__ = (
        Index("ix_changelog_answers_suggestion", "suggestion_id"),
    )

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("changelog_entries.id", ondelete="CASCADE"), primary_key=True
    )
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True
    )

    entry = relationship("ChangelogEntry", back_populates="answers")
    suggestion = relationship("Suggestion")
