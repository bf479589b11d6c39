"""Turning pipeline results into the per-item analysis rows that runs and the incremental
analysis write: the item data they need, operator labels, member segments and local days."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import FeedbackItem, ItemLabel, Membership, ModelLayer, utcnow
from app.services.insights import engine

if TYPE_CHECKING:
    from nlp.pipeline import ItemResult

# The window of the "active member" segment (see app.services.insights.segments).
ACTIVE_WINDOW_DAYS = 30


@dataclass
class ItemRow:
    """What the analysis needs of a feedback item."""

    id: int
    text: str
    occurred_at: datetime
    source_kind: str
    author_id: int | None
    updated_at: datetime


def load_items(community_id: int, ids: Sequence[int] | None = None) -> list[ItemRow]:
    """The community's items (or some of them), oldest id first."""
    stmt = db.select(
        FeedbackItem.id, FeedbackItem.redacted_text, FeedbackItem.occurred_at,
        FeedbackItem.source_kind, FeedbackItem.author_id, FeedbackItem.updated_at,
    ).where(FeedbackItem.community_id == community_id).order_by(FeedbackItem.id)
    if ids is not None:
        stmt = stmt.where(FeedbackItem.id.in_(list(ids)))
    return [ItemRow(*row) for row in db.session.execute(stmt)]


def fixed_labels(community_id: int, ids: Iterable[int] | None = None) -> dict[int, int]:
    """Operator sentiment labels of the community's items (every run keeps them)."""
    stmt = db.select(ItemLabel.feedback_item_id, ItemLabel.sentiment_label).where(
        ItemLabel.community_id == community_id)
    if ids is not None:
        stmt = stmt.where(ItemLabel.feedback_item_id.in_(list(ids)))
    return dict(db.session.execute(stmt).all())


def community_layer(community_id: int):
    """The community's sentiment layer over the shared model, or None."""
    row = db.session.execute(
        db.select(ModelLayer.id, ModelLayer.trained_at, ModelLayer.data).where(
            ModelLayer.community_id == community_id, ModelLayer.kind == "sentiment")
    ).first()
    if row is None:
        return None
    return engine.layer_from_bytes((row.id, row.trained_at.isoformat()), row.data)


def join_dates(community_id: int) -> dict[int, datetime]:
    """When each member joined the community."""
    return dict(db.session.execute(
        db.select(Membership.user_id, Membership.joined_at)
        .where(Membership.community_id == community_id)
    ).all())


def segments_of(items: Sequence[ItemRow], joined: dict[int, datetime]) -> dict[int, tuple]:
    """Per item: days its author had been a member, and the author's feedback count in the
    30 days up to it (see app.services.insights.segments)."""
    out: dict[int, tuple[int | None, int]] = {}
    by_author: dict[int, list[ItemRow]] = defaultdict(list)
    window = timedelta(days=ACTIVE_WINDOW_DAYS)
    for item in items:
        if item.author_id is None:
            out[item.id] = (None, 0)
        else:
            by_author[item.author_id].append(item)
    for author, own in by_author.items():
        own.sort(key=lambda i: (i.occurred_at, i.id))
        start = 0
        join = joined.get(author)
        for end, item in enumerate(own):
            while own[start].occurred_at <= item.occurred_at - window:
                start += 1
            days = (item.occurred_at - join).days if join is not None else None
            out[item.id] = (days, end - start + 1)
    return out


def clauses_of(result: ItemResult) -> list[dict]:
    """An item's clause sentiments (with their aspects) as JSON."""
    return [
        {"text": c.text, "label": int(c.label), "score": round(float(c.score), 4),
         "aspects": list(getattr(c, "aspects", []) or [])}
        for c in result.clauses
    ]


def analysis_row(run_id: int, community_id: int, item: ItemRow, result: ItemResult,
                 theme_key: int, label: int | None, pinned: bool, segment: tuple,
                 zone: ZoneInfo) -> dict:
    """The ``ItemAnalysis`` row of an item; an operator's ``label`` overrides the model's."""
    sentiment = int(result.sentiment_label) if label is None else int(label)
    return {
        "run_id": run_id,
        "community_id": community_id,
        "feedback_item_id": item.id,
        "occurred_at": item.occurred_at,
        "day": item.occurred_at.replace(tzinfo=UTC).astimezone(zone).date().toordinal(),
        "source_kind": item.source_kind,
        "theme_key": int(theme_key),
        "sentiment_label": sentiment,
        "model_label": int(result.sentiment_label),
        "sentiment_score": float(result.sentiment_score),
        "confidence": engine.confidence_of(result.sentiment_score),
        "clauses": clauses_of(result),
        "keywords": list(result.keywords),
        "is_filler": bool(result.is_filler),
        "sentiment_corrected": label is not None,
        "theme_corrected": bool(pinned),
        "member_days": segment[0],
        "author_recent": int(segment[1]),
        "analyzed_at": utcnow(),
    }



def zone_of_community(community_id: int) -> ZoneInfo:
    """The community's time zone."""
    from app.models import Community
    from app.services.insights.periods import zone_of

    return zone_of(db.session.get(Community, community_id))


