"""The public changelog (你说我改): what a community's team acted on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


class ChangelogEntry(Base):
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
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), nullable=False
    )
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
