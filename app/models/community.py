"""Communities (社群): the tenant that every other record belongs to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONType, TimestampMixin


class Community(TimestampMixin, Base):
    """A community run by operators, e.g. a WeChat or QQ group family."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", nullable=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)

    memberships = relationship("Membership", back_populates="community", passive_deletes=True)

    def setting(self, key: str, default: Any = None) -> Any:
        """Read one community setting with a default."""
        return (self.settings or {}).get(key, default)

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"
