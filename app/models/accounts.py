"""People and their access: users, community memberships, invitations and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CommunityIndexed, TimestampMixin, utcnow
from app.security.roles import Role


def new_session_nonce() -> str:
    """A random value that ties login sessions to the current password."""
    return secrets.token_urlsafe(16)


class User(UserMixin, TimestampMixin, Base):
    """A person who can sign in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(80), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    locale: Mapped[str | None] = mapped_column(String(16))
    session_nonce: Mapped[str] = mapped_column(
        String(32), default=new_session_nonce, nullable=False
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    memberships = relationship("Membership", back_populates="user", passive_deletes=True)

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def get_id(self) -> str:
        """Session identity: changes when the password changes, which ends other sessions."""
        return f"{self.id}:{self.session_nonce}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class Membership(CommunityIndexed, TimestampMixin, Base):
    """A user's role inside one community."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER.value, nullable=False)
    nickname: Mapped[str | None] = mapped_column(String(80))
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    user = relationship("User", back_populates="memberships")
    community = relationship("Community", back_populates="memberships")

    @property
    def role_enum(self) -> Role:
        """The role as a ``Role``."""
        return Role(self.role)


class Invitation(CommunityIndexed, TimestampMixin, Base):
    """An invite link into a community with a role; only a hash of its token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    max_uses: Mapped[int | None] = mapped_column(Integer, default=1)
    use_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    community = relationship("Community")
    created_by = relationship("User")

    def is_usable(self, now: datetime | None = None) -> bool:
        """Whether the link can still be used."""
        now = now or utcnow()
        if self.revoked_at is not None or self.expires_at <= now:
            return False
        return self.max_uses is None or self.use_count < self.max_uses


class ApiToken(CommunityIndexed, TimestampMixin, Base):
    """A bearer token for the JSON API, bound to one user and one community."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    community = relationship("Community")
    user = relationship("User")
