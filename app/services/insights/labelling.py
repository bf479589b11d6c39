"""The 待标注 queue (items the model is least sure about) and the community sentiment layer
that operators' labels train."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from app.extensions import db
from app.models import FeedbackItem, ItemAnalysis, ItemLabel, ModelLayer, utcnow
from app.services.insights import analysis, engine
from nlp.sentiment.uncertainty import rank_by_uncertainty

CANDIDATES = 300


@dataclass
class QueueItem:
    """One item waiting for an operator's sentiment label."""

    item_id: int
    text: str
    occurred_at: datetime
    source_kind: str
    theme_key: int
    label: int
    score: float
    confidence: float


def _candidates(run_id: int, theme_key: int | None):
    stmt = (
        db.select(ItemAnalysis.feedback_item_id, FeedbackItem.redacted_text,
                  ItemAnalysis.occurred_at, ItemAnalysis.source_kind, ItemAnalysis.theme_key,
                  ItemAnalysis.sentiment_label, ItemAnalysis.sentiment_score,
                  ItemAnalysis.confidence)
        .join(FeedbackItem, FeedbackItem.id == ItemAnalysis.feedback_item_id)
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.sentiment_corrected.is_(False),
               ItemAnalysis.is_filler.is_(False))
    )
    if theme_key is not None:
        stmt = stmt.where(ItemAnalysis.theme_key == theme_key)
    return stmt


def queue(community_id: int, *, limit: int = 20, theme_key: int | None = None
          ) -> list[QueueItem]:
    """Unlabelled items in order of the model's uncertainty, least sure first.

    The most uncertain few hundred by stored confidence are re-ranked with the sentiment
    package's margin measure over P(positive).
    """
    run_id = analysis.current_run_id(community_id)
    if run_id is None:
        return []
    rows = db.session.execute(
        _candidates(run_id, theme_key)
        .order_by(ItemAnalysis.confidence, ItemAnalysis.feedback_item_id).limit(CANDIDATES)
    ).all()
    if not rows:
        return []
    order = rank_by_uncertainty(np.array([r.sentiment_score for r in rows]), limit=limit)
    return [QueueItem(r.feedback_item_id, r.redacted_text, r.occurred_at, r.source_kind,
                      r.theme_key, r.sentiment_label, r.sentiment_score, r.confidence)
            for r in (rows[int(i)] for i in order)]


QUEUE_COUNT_CAP = 999


def queue_size(community_id: int, *, below: float = 0.3, cap: int = QUEUE_COUNT_CAP) -> int:
    """How many unlabelled items the model is unsure about (confidence under ``below``),
    counted up to ``cap`` + 1 (pages show "999+")."""
    run_id = analysis.current_run_id(community_id)
    if run_id is None:
        return 0
    unsure = (
        db.select(ItemAnalysis.id).where(
            ItemAnalysis.run_id == run_id, ItemAnalysis.confidence < below,
            ItemAnalysis.sentiment_corrected.is_(False), ItemAnalysis.is_filler.is_(False))
        .limit(cap + 1).subquery()
    )
    return int(db.session.execute(db.select(db.func.count()).select_from(unsure)).scalar_one())


def labelled_count(community_id: int) -> int:
    """How many items operators have labelled."""
    return int(db.session.execute(
        db.select(db.func.count(ItemLabel.id)).where(ItemLabel.community_id == community_id)
    ).scalar_one())


def layer_info(community_id: int) -> ModelLayer | None:
    """The community's trained sentiment layer row, if any."""
    return db.session.execute(
        db.select(ModelLayer).where(ModelLayer.community_id == community_id,
                                    ModelLayer.kind == "sentiment")
    ).scalar_one_or_none()


def train_layer(community_id: int) -> dict:
    """Fit the community's sentiment layer on its operators' labels (the job body).

    Newer labels weigh more (half-life 90 days). With no labels left the layer is removed.
    """
    rows = db.session.execute(
        db.select(FeedbackItem.redacted_text, ItemLabel.sentiment_label, ItemLabel.created_at)
        .join(FeedbackItem, FeedbackItem.id == ItemLabel.feedback_item_id)
        .where(ItemLabel.community_id == community_id).order_by(ItemLabel.id)
    ).all()
    existing = layer_info(community_id)
    if not rows:
        if existing is not None:
            db.session.delete(existing)
            db.session.commit()
        return {"examples": 0}
    now = utcnow()
    ages = [(now - r.created_at).total_seconds() / 86400 for r in rows]
    from nlp.sentiment.community import CommunitySentimentLayer, correction_weights

    layer = CommunitySentimentLayer(base=engine.sentiment_model()).fit(
        [r.redacted_text for r in rows], [int(r.sentiment_label) for r in rows],
        correction_weights(ages),
    )
    data = layer.to_bytes()
    if existing is None:
        existing = ModelLayer(community_id=community_id, kind="sentiment", data=data)
        db.session.add(existing)
    existing.data = data
    existing.n_examples = len(rows)
    existing.trained_at = utcnow()
    existing.metrics = {"stacked": layer.stacker_ is not None}
    db.session.commit()
    return {"examples": len(rows)}
