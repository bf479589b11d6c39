"""Writing member text into the unified feedback items, with PII redacted first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app import side_effects
from app.extensions import db
from app.models import FeedbackItem, SourceKind, source_links, utcnow
from app.security.text_input import clean_text
from app.services.errors import ServiceError
from nlp.pii import redact

MAX_FEEDBACK_CHARS = 20_000


@dataclass
class FeedbackInput:
    """One piece of text to record, from any source."""

    community_id: int
    source_kind: SourceKind | str
    source_key: str
    text: str
    source_id: int | None = None
    source_ref: dict[str, Any] = field(default_factory=dict)
    author_id: int | None = None
    channel: str | None = None
    occurred_at: datetime | None = None


def _checked_text(data: FeedbackInput) -> str:
    # imports and jobs reach here without passing through a request
    text = clean_text(data.text or "").strip()
    if len(text) > MAX_FEEDBACK_CHARS:
        raise ServiceError(
            _l("文本过长（最多 %(n)d 字）。", n=MAX_FEEDBACK_CHARS),
            code="text_too_long", field="text",
        )
    return text


def prepare_new_feedback(items: Sequence[FeedbackInput]) -> list[dict[str, Any]]:
    """Rows for ``insert_new_feedback``: the text checked and redacted exactly as in
    ``record_feedback``; blank texts are left out. Busy paths prepare before they open
    their write transaction, so that it stays short."""
    rows = []
    now = utcnow()
    for data in items:
        text = _checked_text(data)
        if not text:
            continue
        redaction = redact(text)
        rows.append({
            "community_id": data.community_id,
            "source_kind": SourceKind(data.source_kind).value,
            "source_key": data.source_key,
            "source_id": data.source_id,
            "source_ref": dict(data.source_ref),
            "raw_text": text,
            "redacted_text": redaction.text,
            "pii_kinds": sorted({span.kind for span in redaction.spans}),
            "author_id": data.author_id,
            "channel": (data.channel or None) and data.channel[:64],
            "occurred_at": data.occurred_at or now,
            "created_at": now,
            "updated_at": now,
        })
    return rows


_INSERT_ITEMS = FeedbackItem.__table__.insert()


def insert_new_feedback(rows: Sequence[dict[str, Any]], connection=None) -> int:
    """Insert prepared rows in one statement (their source pieces were just created, so no
    item can exist yet), on the session's connection unless one is given; returns how
    many. The source columns are filled from each row's final ``source_key``."""
    if rows:
        rows = [{**row, **source_links(row["source_key"])} for row in rows]
        connection = connection or db.session.connection()
        connection.execute(_INSERT_ITEMS, list(rows))
        side_effects.inserted(connection, FeedbackItem.__table__, rows)
    return len(rows)


def record_new_feedback(items: Sequence[FeedbackInput]) -> int:
    """Insert feedback items for source pieces that were just created, in one statement
    (survey submissions and imports use this). Returns how many were inserted."""
    return insert_new_feedback(prepare_new_feedback(items))


def record_feedback(data: FeedbackInput) -> FeedbackItem | None:
    """Create or update the feedback item for a source piece; blank text removes it.

    The text is redacted (phone numbers, ID numbers, emails, bank cards, WeChat/QQ IDs)
    before it is stored in ``redacted_text``, which is the only text analysis and reports read.
    Returns the item, or None when the text was blank.
    """
    kind = SourceKind(data.source_kind)
    text = _checked_text(data)
    existing = db.session.execute(
        db.select(FeedbackItem).where(
            FeedbackItem.community_id == data.community_id,
            FeedbackItem.source_key == data.source_key,
        )
    ).scalar_one_or_none()
    if not text:
        if existing is not None:
            db.session.delete(existing)
        return None
    redaction = redact(text)
    item = existing or FeedbackItem(community_id=data.community_id, source_key=data.source_key)
    item.source_kind = kind.value
    item.source_id = data.source_id
    item.source_ref = dict(data.source_ref)
    item.raw_text = text
    item.redacted_text = redaction.text
    item.pii_kinds = sorted({span.kind for span in redaction.spans})
    item.author_id = data.author_id
    item.channel = (data.channel or None) and data.channel[:64]
    item.occurred_at = data.occurred_at or item.occurred_at or utcnow()
    if existing is None:
        db.session.add(item)
    db.session.flush()
    return item


def delete_feedback(community_id: int, source_key: str) -> bool:
    """Remove the feedback item of a source piece that no longer exists."""
    item = db.session.execute(
        db.select(FeedbackItem).where(
            FeedbackItem.community_id == community_id, FeedbackItem.source_key == source_key
        )
    ).scalar_one_or_none()
    if item is None:
        return False
    db.session.delete(item)
    return True
