"""The insight workspace: analysis runs, themes, per-item analysis, corrections, model layers,
alerts, actions taken on themes, item tags and the search index.

Runs write their per-item results under their own run id; a community's visible results are
those of ``InsightState.current_run_id``, switched in one transaction when a run completes, so
nobody ever sees a half-written run.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    DDL,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    TAG_NAME_LENGTH,
    Base,
    CommunityIndexed,
    CommunityScoped,
    JSONType,
    TimestampMixin,
    utcnow,
)


class RunStatus(StrEnum):
    """Lifecycle of an analysis run."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


RUN_STATUS_LABELS = {
    RunStatus.QUEUED: _l("排队中"),
    RunStatus.RUNNING: _l("分析中"),
    RunStatus.SUCCEEDED: _l("已完成"),
    RunStatus.FAILED: _l("失败"),
}

RUN_TRIGGER_LABELS = {
    "manual": _l("手动"),
    "nightly": _l("每晚定时"),
    "first": _l("首次分析"),
    "demo": _l("示例数据"),
    "api": _l("API"),
}


class ThemeStatus(StrEnum):
    """Whether a theme is shown, hidden by an operator, or folded into another one."""

    ACTIVE = "active"
    ARCHIVED = "archived"
    MERGED = "merged"
    SPLIT = "split"


THEME_STATUS_LABELS = {
    ThemeStatus.ACTIVE: _l("进行中"),
    ThemeStatus.ARCHIVED: _l("已归档"),
    ThemeStatus.MERGED: _l("已合并"),
    ThemeStatus.SPLIT: _l("已拆分"),
}

SENTIMENT_LABELS = {-1: _l("负面"), 0: _l("中性"), 1: _l("正面")}
SENTIMENT_KEYS = {-1: "neg", 0: "neu", 1: "pos"}


class AnalysisRun(CommunityScoped, Base):
    """One full analysis of a community's feedback: its status, counts, model and snapshot."""

    __tablename__ = "insight_runs"
    __table_args__ = (Index("ix_insight_runs_community_created", "community_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED.value,
                                        nullable=False)
    trigger: Mapped[str] = mapped_column(String(16), default="manual", nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    job_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_runs.id", ondelete="SET NULL")
    )
    previous_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("insight_runs.id", ondelete="SET NULL")
    )
    n_items: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    n_themes: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    n_filler: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # The ThemeSnapshot this run produced (corrections edit the current run's copy).
    # The theme records, pinned items and next id of the snapshot; its item assignments (one
    # per item) are kept apart and loaded only when needed.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONType, deferred=True)
    assignments: Mapped[dict[str, int] | None] = mapped_column(JSONType, deferred=True)
    # The fitted theme model (nlp.themes.model_to_bytes), for incremental analysis.
    model_bytes: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # The run's themes as the pipeline found them, applied to InsightTheme at the switch.
    themes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # What changed against the previous run: new, grown, shrunk, merged, gone.
    diff: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # A large community's run is split into shards (see app.services.insights.shards):
    # ``phase`` is "shards" while they run and "merge" once the last one claimed the merge;
    # ``shards_done`` is the counter each finished shard moves with a conditional UPDATE.
    phase: Mapped[str | None] = mapped_column(String(16))
    n_shards: Mapped[int] = mapped_column(Integer, default=0, nullable=False,
                                          server_default="0")
    shards_done: Mapped[int] = mapped_column(Integer, default=0, nullable=False,
                                             server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    community = relationship("Community")
    requested_by = relationship("User")
    job_run = relationship("JobRun")

    @property
    def is_finished(self) -> bool:
        """Whether the run has ended, well or badly."""
        return self.status in {RunStatus.SUCCEEDED, RunStatus.FAILED}


class ShardStatus(StrEnum):
    """Lifecycle of one shard of a run."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


class AnalysisShard(Base):
    """One item-id range of a sharded run: which attempt works on it, and once done its
    prepared items (``nlp.pipeline.PreparedItems`` bytes) for the merge step."""

    __tablename__ = "insight_run_shards"
    __table_args__ = (UniqueConstraint("run_id", "position", name="uq_insight_run_shards_pos"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("insight_runs.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    first_item_id: Mapped[int] = mapped_column(Integer, nullable=False)
    last_item_id: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), default=ShardStatus.QUEUED.value,
                                        nullable=False)
    # The job attempt that owns the shard; only its result is accepted.
    task_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    n_items: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    item_ids: Mapped[list[int] | None] = mapped_column(JSONType, deferred=True)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    seconds: Mapped[float | None] = mapped_column(Float)
    worker: Mapped[str | None] = mapped_column(String(120))
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class InsightState(Base):
    """Per community: which run's results are visible. Switching it is the commit point."""

    __tablename__ = "insight_states"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    current_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("insight_runs.id", ondelete="SET NULL")
    )
    switched_at: Mapped[datetime | None] = mapped_column(DateTime)

    current_run = relationship("AnalysisRun", foreign_keys=[current_run_id])


class CodeFrameSettings(Base):
    """A community's edits of the built-in code frame (编码框架): renamed, disabled and
    extended themes and its own themes, as ``nlp.codeframe.CodeFrame.customised`` takes them:
    ``{"rename": {key: name}, "disable": [key], "extend": {key: [phrase]},
    "add": [{"key", "name", "phrases"}]}``. The shipped frame itself is never changed."""

    __tablename__ = "insight_code_frames"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    custom: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow,
                                                 nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class InsightTheme(CommunityScoped, TimestampMixin, Base):
    """A theme of a community, by its stable id from the analysis (``key``).

    The row shows the current run's view of the theme (name, keywords, size, quotes); it is
    updated in the same transaction that switches the current run, and by corrections.
    """

    __tablename__ = "insight_themes"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    area: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default=ThemeStatus.ACTIVE.value,
                                        nullable=False)
    merged_into_key: Mapped[int | None] = mapped_column(Integer)
    # For a part of a split theme: the theme it was split from.
    parent_key: Mapped[int | None] = mapped_column(Integer)
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    keyword_weights: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict,
                                                              nullable=False)
    quote_item_ids: Mapped[list[int]] = mapped_column(JSONType, default=list, nullable=False)
    size: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    sentiment_mix: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict, nullable=False)
    seed_words: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    # The code-frame theme this is (None for a theme discovered in the community's feedback).
    frame_key: Mapped[str | None] = mapped_column(String(64))
    # One line saying what the theme is about: its most representative sentence, redacted.
    summary: Mapped[str | None] = mapped_column(Text)
    name_edited: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_other: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    first_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("insight_runs.id", ondelete="SET NULL")
    )
    last_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("insight_runs.id", ondelete="SET NULL")
    )
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    # The latest "acted on" (你说我改); every action is kept in InsightThemeAction.
    acted_on_at: Mapped[datetime | None] = mapped_column(DateTime)

    community = relationship("Community")

    @property
    def is_visible(self) -> bool:
        """Active themes with items are listed; archived and merged ones are not."""
        return self.status == ThemeStatus.ACTIVE and not self.is_other


class ItemAnalysis(CommunityScoped, Base):
    """One feedback item as analysed by one run (or incrementally into the current run)."""

    __tablename__ = "insight_item_analyses"
    __table_args__ = (
        UniqueConstraint("run_id", "feedback_item_id"),
        # Period aggregates read only these indexes (theme × sentiment by local day).
        Index("ix_insight_item_analyses_run_day", "run_id", "day", "theme_key",
              "sentiment_label"),
        Index("ix_insight_item_analyses_run_theme", "run_id", "theme_key", "day",
              "sentiment_label"),
        Index("ix_insight_item_analyses_run_confidence", "run_id", "confidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("insight_runs.id", ondelete="CASCADE"), nullable=False
    )
    feedback_item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Copied from the item so that period queries need no join; ``day`` is the community-local
    # date as an ordinal (date.toordinal()), so that periods and weeks are integer ranges.
    occurred_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    day: Mapped[int] = mapped_column(Integer, nullable=False)
    source_kind: Mapped[str] = mapped_column(String(32), nullable=False)
    theme_key: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    sentiment_label: Mapped[int] = mapped_column(SmallInteger, default=0, nullable=False)
    # What the model said, kept when an operator's label overrides it.
    model_label: Mapped[int] = mapped_column(SmallInteger, default=0, nullable=False)
    sentiment_score: Mapped[float] = mapped_column(Float, default=0.5, nullable=False)
    confidence: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    clauses: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list, nullable=False)
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list, nullable=False)
    is_filler: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    sentiment_corrected: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    theme_corrected: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Member segments at the time of the feedback (see app.services.insights.segments).
    member_days: Mapped[int | None] = mapped_column(Integer)
    author_recent: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    analyzed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    feedback_item = relationship("FeedbackItem")


class ItemLabel(CommunityIndexed, Base):
    """An operator's sentiment label for an item: every run keeps it, and it trains the
    community's model layer."""

    __tablename__ = "insight_item_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    sentiment_label: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    labelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class CorrectionKind(StrEnum):
    """What an operator corrected."""

    RENAME = "rename"
    MERGE = "merge"
    SPLIT = "split"
    MOVE = "move"
    SENTIMENT = "sentiment"
    SEED = "seed"
    ARCHIVE = "archive"
    RESTORE = "restore"


CORRECTION_KIND_LABELS = {
    CorrectionKind.RENAME: _l("重命名主题"),
    CorrectionKind.MERGE: _l("合并主题"),
    CorrectionKind.SPLIT: _l("拆分主题"),
    CorrectionKind.MOVE: _l("移动反馈"),
    CorrectionKind.SENTIMENT: _l("修改情感"),
    CorrectionKind.SEED: _l("按种子词新建主题"),
    CorrectionKind.ARCHIVE: _l("归档主题"),
    CorrectionKind.RESTORE: _l("恢复主题"),
}


class Correction(CommunityScoped, Base):
    """One operator correction, with the exact state before and after it (for undo)."""

    __tablename__ = "insight_corrections"
    __table_args__ = (
        Index("ix_insight_corrections_community_created", "community_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("insight_runs.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    # What was asked for (kind-specific), so that a run finishing later can replay it.
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    # A readable summary for the history, e.g. {"theme": "积分兑换", "to": "积分与奖励"}.
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    theme_keys: Mapped[list[int]] = mapped_column(JSONType, default=list, nullable=False)
    item_ids: Mapped[list[int]] = mapped_column(JSONType, default=list, nullable=False)
    before: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    after: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    actor = relationship("User", foreign_keys=[actor_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])

    @property
    def is_undone(self) -> bool:
        """Whether the correction was taken back."""
        return self.undone_at is not None


class ModelLayer(CommunityScoped, Base):
    """A community's own layer on top of a shared model, learned from operator labels."""

    __tablename__ = "insight_model_layers"
    __table_args__ = (UniqueConstraint("community_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="sentiment", nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    n_examples: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    trained_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class AlertKind(StrEnum):
    """Why an alert was raised."""

    SPIKE = "spike"
    NEW_THEME = "new_theme"


ALERT_KIND_LABELS = {
    AlertKind.SPIKE: _l("负面激增"),
    AlertKind.NEW_THEME: _l("新主题"),
}


class InsightAlert(CommunityScoped, Base):
    """An alert about a theme: a spike in negative feedback, or a theme seen for the first time."""

    __tablename__ = "insight_alerts"
    __table_args__ = (
        UniqueConstraint("community_id", "kind", "theme_key", "period_start"),
        Index("ix_insight_alerts_community_created", "community_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    theme_key: Mapped[int] = mapped_column(Integer, nullable=False)
    theme_name: Mapped[str] = mapped_column(String(80), nullable=False)
    # The first community-local day of the period the alert is about: a spike's 7-day window,
    # or the week (Monday) a new theme was found in.
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    observed: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    baseline: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    acknowledged_by = relationship("User")

    @property
    def period_end(self) -> date:
        """The last day of the alert's 7-day period."""
        return self.period_start + timedelta(days=6)

    @property
    def is_open(self) -> bool:
        """Not yet acknowledged."""
        return self.acknowledged_at is None


class InsightThemeAction(CommunityScoped, Base):
    """A theme marked as acted on (你说我改): what was done, when, and who was told."""

    __tablename__ = "insight_theme_actions"
    __table_args__ = (Index("ix_insight_theme_actions_community_theme", "community_id",
                            "theme_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_key: Mapped[int] = mapped_column(Integer, nullable=False)
    theme_name: Mapped[str] = mapped_column(String(80), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)
    acted_on_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    suggestion_ids: Mapped[list[int]] = mapped_column(JSONType, default=list, nullable=False)
    notified_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    actor = relationship("User")


class ItemTag(CommunityScoped, Base):
    """An operator's tag on a feedback item (e.g. 待跟进, 新人反馈)."""

    __tablename__ = "insight_item_tags"
    __table_args__ = (
        UniqueConstraint("feedback_item_id", "name"),
        Index("ix_insight_item_tags_community_name", "community_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(TAG_NAME_LENGTH), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class WordCloudImage(CommunityScoped, Base):
    """A rendered word cloud (PNG), cached per run and keyword set."""

    __tablename__ = "insight_wordclouds"
    __table_args__ = (UniqueConstraint("community_id", "cache_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("insight_runs.id", ondelete="CASCADE"), index=True
    )
    cache_key: Mapped[str] = mapped_column(String(64), nullable=False)
    png: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class SearchText(CommunityScoped, Base):
    """An item's text as space-separated search tokens (the same jieba dictionary as the
    analysis, plus the shorter words inside long ones).

    SQLite searches it through the FTS5 table ``insight_search_fts`` (kept in sync by
    triggers); PostgreSQL through a GIN index on ``to_tsvector('simple', tokens)``.
    """

    __tablename__ = "insight_search_texts"
    __table_args__ = (
        Index("ix_insight_search_texts_community", "community_id"),
        Index(
            "ix_insight_search_texts_tsv",
            func.to_tsvector(literal_column("'simple'"), literal_column("tokens")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    feedback_item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE"), primary_key=True,
        autoincrement=False,
    )
    tokens: Mapped[str] = mapped_column(Text, nullable=False)


# SQLite: an external-content FTS5 table over insight_search_texts, kept in sync by triggers.
# The migration creates the same objects; tests get them through create_all.
FTS_TABLE = "insight_search_fts"
SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS insight_search_fts USING fts5("
    "tokens, content='insight_search_texts', content_rowid='feedback_item_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS insight_search_ai AFTER INSERT ON insight_search_texts BEGIN "
    "INSERT INTO insight_search_fts(rowid, tokens) VALUES (new.feedback_item_id, new.tokens); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS insight_search_ad AFTER DELETE ON insight_search_texts BEGIN "
    "INSERT INTO insight_search_fts(insight_search_fts, rowid, tokens) "
    "VALUES ('delete', old.feedback_item_id, old.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS insight_search_au AFTER UPDATE ON insight_search_texts BEGIN "
    "INSERT INTO insight_search_fts(insight_search_fts, rowid, tokens) "
    "VALUES ('delete', old.feedback_item_id, old.tokens); "
    "INSERT INTO insight_search_fts(rowid, tokens) VALUES (new.feedback_item_id, new.tokens); "
    "END",
)
SQLITE_SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS insight_search_au",
    "DROP TRIGGER IF EXISTS insight_search_ad",
    "DROP TRIGGER IF EXISTS insight_search_ai",
    "DROP TABLE IF EXISTS insight_search_fts",
)


def include_in_schema_compare(dialect_name: str):
    """An Alembic ``include_object`` hook: skip objects created only on another dialect
    (the PostgreSQL GIN index on SQLite) and the SQLite FTS5 tables, which no model describes."""

    def include_object(obj, name, type_, reflected, compare_to):
        if type_ == "table" and name and is_search_shadow_table(name):
            return False
        ddl_if = getattr(obj, "_ddl_if", None)
        return not (ddl_if is not None and ddl_if.dialect not in (None, dialect_name))

    return include_object


def is_search_shadow_table(name: str) -> bool:
    """Whether a table name belongs to the SQLite FTS5 index (not a model table)."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


for _statement in SQLITE_SEARCH_DDL:
    event.listen(SearchText.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_SEARCH_DROP:
    event.listen(SearchText.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))
