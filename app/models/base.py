"""Declarative base with a constraint naming convention, and the columns many models share
(timestamps, the community a row belongs to, a tag's name)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, MetaData, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The longest tag name (operators' tags on suggestions, interviews, highlights and feedback
#: items); ``app.services.tags.parse_tags`` refuses longer ones.
TAG_NAME_LENGTH = 24

# JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """``created_at`` and ``updated_at`` columns, in naive UTC."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class CommunityScoped:
    """A row of one community: ``community_id``, required, deleted with its community.

    The column has no index of its own (a table indexes it with the columns it is searched
    by, e.g. ``Index("ix_surveys_community_status", "community_id", "status")``);
    ``CommunityIndexed`` is the same column with one.
    """

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), nullable=False
    )


class CommunityIndexed:
    """A row of one community whose ``community_id`` has an index of its own
    (``ix_<table>_community_id``)."""

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), nullable=False, index=True
    )


class TagRow:
    """A tag on one row of another table: ``name`` (indexed, one per owner row) and the
    owner's foreign key, which the model declares itself and names in ``__tag_owner__``::

        class SuggestionTag(TagRow, Base):
            __tablename__ = "suggestion_tags"
            __tag_owner__ = "suggestion_id"

            suggestion_id: Mapped[int] = mapped_column(
                ForeignKey("suggestions.id", ondelete="CASCADE"), nullable=False
            )
    """

    __tag_owner__: ClassVar[str]

    # sort_order keeps the key the table's first column, before the owner's.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    name: Mapped[str] = mapped_column(String(TAG_NAME_LENGTH), nullable=False, index=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[UniqueConstraint, ...]:
        return (UniqueConstraint(cls.__tag_owner__, "name"),)
