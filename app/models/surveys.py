"""Surveys: their versioned definitions, responses, partial (resumable) sessions, one-time
invitation tokens and spreadsheet imports.

The survey's ``definition`` column is the working copy the builder edits; every publish
freezes it into a ``SurveyVersion``. A response records the version it was answered with,
so editing a published survey never changes what existing responses mean.
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
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false

from app.models.base import Base, CommunityScoped, JSONType, TimestampMixin, utcnow


class SurveyStatus(StrEnum):
    """Lifecycle of a survey: draft → published → closed (and reopened)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


SURVEY_STATUS_LABELS = {
    SurveyStatus.DRAFT: _l("草稿"),
    SurveyStatus.PUBLISHED: _l("收集中"),
    SurveyStatus.CLOSED: _l("已结束"),
}


class AccessMode(StrEnum):
    """Who may answer a survey and how they are counted."""

    ANONYMOUS = "anonymous"
    MEMBER = "member"
    TOKEN = "token"  # noqa: S105 - a mode name, not a secret  # nosec B105


ACCESS_MODE_LABELS = {
    AccessMode.ANONYMOUS: _l("匿名填写"),
    AccessMode.MEMBER: _l("社群成员实名填写"),
    AccessMode.TOKEN: _l("一次性邀请链接"),
}

ACCESS_MODE_HINTS = {
    AccessMode.ANONYMOUS: _l("任何拿到链接的人都能填写；不记录身份，也不记录 IP 地址。"),
    AccessMode.MEMBER: _l("需要登录本社群账号，每位成员只能提交一次。"),
    AccessMode.TOKEN: _l("为每位受访者生成专属链接，每个链接只能提交一次。"),
}

#: What the respondent is told on the welcome page: who can see what, in each mode.
ACCESS_MODE_PRIVACY = {
    AccessMode.ANONYMOUS: _l("匿名填写：运营团队看不到是谁填的，不记录账号，也不记录 IP 地址。"),
    AccessMode.MEMBER: _l("实名填写：需要登录本社群账号，运营团队能看到每份回答是哪位成员提交的。"),
    AccessMode.TOKEN: _l("不是匿名的：你的链接是专门发给你的，运营团队能看到每份回答来自哪个链接"
                         "（以及发链接时给它的标注，比如昵称）。"),
}


class ResponseSource(StrEnum):
    """How a response arrived."""

    WEB = "web"
    API = "api"
    IMPORT = "import"


RESPONSE_SOURCE_LABELS = {
    ResponseSource.WEB: _l("网页填写"),
    ResponseSource.API: _l("API 提交"),
    ResponseSource.IMPORT: _l("表格导入"),
}


class Survey(CommunityScoped, TimestampMixin, Base):
    """A survey of one community, with its working definition and distribution settings."""

    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_community_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The random part of the public link /s/<public_key>: short (QR codes) and unguessable.
    public_key: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), default=SurveyStatus.DRAFT.value, nullable=False
    )
    access_mode: Mapped[str] = mapped_column(
        String(16), default=AccessMode.ANONYMOUS.value, nullable=False
    )
    # The working copy edited by the builder (a surveys definition dict).
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    # Number of the published SurveyVersion that members answer (None before publishing).
    live_version: Mapped[int | None] = mapped_column(Integer)
    template_key: Mapped[str | None] = mapped_column(String(40))
    close_at: Mapped[datetime | None] = mapped_column(DateTime)
    max_responses: Mapped[int | None] = mapped_column(Integer)
    # The NPS question whose answers count towards the community NPS of reports (the builder's
    # 「作为社群 NPS」); the survey's other NPS questions (an event's) are reported by name.
    community_nps_question: Mapped[str | None] = mapped_column(String(64))
    # Anonymous surveys: one response per WeChat / browser, remembered by a cookie on the
    # device (nothing about the person or the device is stored here).
    one_per_device: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False,
                                                 server_default=sa_false())
    # [{"key": "wx-group-3", "label": "微信3群"}, …]
    channels: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list, nullable=False)
    response_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # Bumped whenever responses are added or removed: the key of cached statistics.
    data_revision: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    community = relationship("Community")
    created_by = relationship("User")
    versions = relationship(
        "SurveyVersion", back_populates="survey", order_by="SurveyVersion.number",
        passive_deletes=True,
    )

    @property
    def status_enum(self) -> SurveyStatus:
        """The status as a ``SurveyStatus``."""
        return SurveyStatus(self.status)

    @property
    def access_enum(self) -> AccessMode:
        """The access mode as an ``AccessMode``."""
        return AccessMode(self.access_mode)

    @property
    def allows_repeats(self) -> bool:
        """Whether one device may send several responses: anonymous surveys without the
        one-per-device rule (members and invitations answer once)."""
        return self.access_mode == AccessMode.ANONYMOUS.value and not self.one_per_device

    def channel_labels(self) -> dict[str, str]:
        """Channel keys to their labels."""
        return {c["key"]: c.get("label") or c["key"] for c in (self.channels or [])}

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.status}>"


class SurveyVersion(Base):
    """A published, frozen definition of a survey. Responses point at the version they
    answered."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    survey = relationship("Survey", back_populates="versions")


class SurveyResponse(CommunityScoped, Base):
    """One finished response. Anonymous responses store no identity and no client address:
    ``respondent_id`` is set only for member-mode surveys."""

    __tablename__ = "survey_responses"
    # Few indexes on purpose: every submission writes this table, and community_id has none.
    # Lookups go by survey (the survey/time index and the idempotency key's unique constraint,
    # which lead with survey_id); a member's or an invitation's response by the partial
    # unique indexes.
    __table_args__ = (
        # A double click or a retried submit carries the same key: exactly one row.
        UniqueConstraint("survey_id", "idempotency_key"),
        # One response per member, and one per invitation token. Partial: most responses
        # are anonymous (NULL), and leaving them out spares every such insert two index
        # writes.
        Index("uq_survey_responses_survey_id_respondent_id", "survey_id", "respondent_id",
              unique=True, sqlite_where=text("respondent_id IS NOT NULL"),
              postgresql_where=text("respondent_id IS NOT NULL")),
        Index("uq_survey_responses_invitation_id", "invitation_id", unique=True,
              sqlite_where=text("invitation_id IS NOT NULL"),
              postgresql_where=text("invitation_id IS NOT NULL")),
        Index("ix_survey_responses_survey_submitted", "survey_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="CASCADE"), nullable=False
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    channel: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default=ResponseSource.WEB.value,
                                        nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The seed of this respondent's option order (the same order on reload and resume).
    option_seed: Mapped[str | None] = mapped_column(String(32))
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    respondent_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="SET NULL")
    )
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_imports.id", ondelete="SET NULL")
    )
    # The response id in the tool an import came from (问卷星 序号 …).
    external_id: Mapped[str | None] = mapped_column(String(64))

    survey = relationship("Survey")
    version = relationship("SurveyVersion")
    respondent = relationship("User")
    invitation = relationship("SurveyInvitation", foreign_keys=[invitation_id])


class SurveySession(CommunityScoped, Base):
    """A response in progress: the answers so far, kept server-side so that the member can
    resume on the same device (cookie) or elsewhere (resume link). Only a hash of the resume
    token is stored."""

    __tablename__ = "survey_sessions"
    __table_args__ = (
        Index("ix_survey_sessions_survey_respondent", "survey_id", "respondent_id"),
        Index("ix_survey_sessions_expires", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False
    )
    # None for an operator's preview, which runs on the working definition.
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="CASCADE")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    idempotency_key: Mapped[str] = mapped_column(String(80), nullable=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    current_page: Mapped[str | None] = mapped_column(String(40))
    option_seed: Mapped[str] = mapped_column(String(32), nullable=False)
    channel: Mapped[str | None] = mapped_column(String(64))
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="CASCADE")
    )
    preview: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    survey = relationship("Survey")
    version = relationship("SurveyVersion")

    @property
    def finished(self) -> bool:
        """Whether this session ended in a stored response."""
        return self.response_id is not None


class SurveyInvitation(CommunityScoped, Base):
    """A one-time invitation link to a token-mode survey. Only a hash of the token is
    stored, so the links can be shown (and exported) once, when they are created."""

    __tablename__ = "survey_invitations"
    __table_args__ = (Index("ix_survey_invitations_survey", "survey_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    label: Mapped[str | None] = mapped_column(String(80))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    # Set only when a finished response spends the token (never by a partial one).
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    survey = relationship("Survey")

    @property
    def usable(self) -> bool:
        """Whether the link can still be answered."""
        return self.used_at is None and self.revoked_at is None


class SurveyImport(CommunityScoped, Base):
    """A spreadsheet upload and what became of it: mapped, checked, imported (or undone)."""

    __tablename__ = "survey_imports"
    __table_args__ = (Index("ix_survey_imports_survey", "survey_id", "created_at"),
                      Index("ix_survey_imports_survey_sha256", "survey_id", "content_sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False
    )
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    # The uploaded file, kept in the file storage (``app.storage``) under ``file_key`` until
    # the import finishes (then deleted). ``data`` holds uploads from before the storage.
    file_key: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    # SHA-256 of the uploaded bytes: the same file imported again is recognised.
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    headers: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    # The first rows as text, read once on upload for the mapping page.
    preview: Mapped[list[list[str]] | None] = mapped_column(JSONType)
    row_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    # uploaded → queued → done | failed; done → undone
    status: Mapped[str] = mapped_column(String(16), default="uploaded", nullable=False)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, nullable=False)
    imported_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    survey = relationship("Survey")
    created_by = relationship("User")
