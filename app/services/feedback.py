"""Writing member text into the unified feedback items, with PII redacted first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import FeedbackItem, SourceKind, utcnow
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


def record_feedback(data: FeedbackInput, *, new: bool = False) -> FeedbackItem | None:
    """Create or update the feedback item for a source piece; blank text removes it.

    The text is redacted (phone numbers, ID numbers, emails, bank cards, WeChat/QQ IDs)
    before it is stored in ``redacted_text``, which is the only text analysis and reports read.
    Returns the item, or None when the text was blank. ``new=True`` says the source piece was
    just created (so no item can exist yet): the lookup is skipped and the item is flushed
    with the caller's next flush, which saves two round trips per item on busy paths.
    """
    kind = SourceKind(data.source_kind)
    text = (data.text or "").strip()
    if len(text) > MAX_FEEDBACK_CHARS:
        raise ServiceError(
            _l("文本过长（最多 %(n)d 字）。", n=MAX_FEEDBACK_CHARS),
            code="text_too_long", field="text",
        )
    existing = None if new else db.session.execute(
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
    if not new:
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
