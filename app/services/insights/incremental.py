"""Incremental analysis: new or changed items get their sentiment and theme from the current
run's stored model, following the operators' corrections (merges, seed themes, splits,
pinned items and sentiment labels)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import and_, or_

from app.extensions import db
from app.models import (
    AnalysisRun,
    FeedbackItem,
    InsightTheme,
    ItemAnalysis,
    Membership,
    ThemeStatus,
    utcnow,
)
from app.services.insights import analysis, engine
from app.services.insights.item_rows import (
    ACTIVE_WINDOW_DAYS,
    ItemRow,
    analysis_row,
    community_layer,
    fixed_labels,
    load_items,
    zone_of_community,
)
from app.services.insights.search import index_texts, search_tokens
from nlp.themes import OTHER_ID, ThemeSnapshot
from nlp.themes.identity import profile_cosine
from nlp.themes.types import STATUS_MERGED


def split_parts(community_id: int) -> dict[int, list[int]]:
    """For each split theme, the keys of the active themes it was split into."""
    parts: dict[int, list[int]] = defaultdict(list)
    for parent, key in db.session.execute(
        db.select(InsightTheme.parent_key, InsightTheme.key).where(
            InsightTheme.community_id == community_id, InsightTheme.parent_key.is_not(None),
            InsightTheme.status == ThemeStatus.ACTIVE.value)
    ):
        parts[int(parent)].append(int(key))
    return dict(parts)


def _route(item_tokens: list[str], theme_key: int, snapshot: ThemeSnapshot,
           parts: dict[int, list[int]]) -> int:
    """Where a newly predicted item belongs under the snapshot's operator edits: merges are
    followed, seed themes catch items that name their words, and a split theme's items go to
    the part whose keywords they share most."""
    tokens = set(item_tokens)
    best_seed, best_hits = None, 0
    for rec in snapshot.themes:
        if rec.seed_words and rec.status != STATUS_MERGED:
            hits = sum(1 for w in rec.seed_words if w in tokens)
            if hits > best_hits:
                best_seed, best_hits = rec.id, hits
    if best_seed is not None:
        return snapshot.resolve(best_seed)
    key = snapshot.resolve(theme_key)
    records = [snapshot.record(k) for k in parts.get(key, ())]
    records = [r for r in records if r is not None]
    if records:
        profile = dict.fromkeys(item_tokens, 1.0)
        best = max(records, key=lambda r: profile_cosine(profile, r.term_weights))
        return snapshot.resolve(best.id)
    return key


def analyze_into(run: AnalysisRun, ids: Sequence[int]) -> int:
    """Analyse items one by one with the run's stored model into the run's rows."""
    community_id = run.community_id
    items = load_items(community_id, ids)
    model = engine.theme_model_of(run)
    if not items or model is None:
        return 0
    pipe = engine.pipeline(community_layer(community_id))
    snap = analysis.snapshot_of(run, assignments=False)
    zone = zone_of_community(community_id)
    parts = split_parts(community_id)
    labels = fixed_labels(community_id, [i.id for i in items])
    segments = _segments_now(community_id, items)
    seg = engine.segmenter()
    rows, search_rows = [], []
    for item in items:
        result = pipe.analyze_one(item.text, model)
        tokens = seg.tokens(result.text)
        pinned = snap.pinned.get(str(item.id))
        if pinned is not None:
            key = snap.resolve(pinned)
        elif result.theme_id == OTHER_ID:
            key = OTHER_ID
        else:
            key = _route(tokens, result.theme_id, snap, parts)
        rows.append(analysis_row(run.id, community_id, item, result, key, labels.get(item.id),
                         pinned is not None, segments[item.id], zone))
        search_rows.append((item.id, community_id, search_tokens(None, tokens)))
    ids = [i.id for i in items]
    db.session.execute(db.delete(ItemAnalysis).where(ItemAnalysis.run_id == run.id,
                                                     ItemAnalysis.feedback_item_id.in_(ids)))
    db.session.execute(db.insert(ItemAnalysis), rows)
    index_texts(search_rows)
    return len(rows)


def _segments_now(community_id: int, items: Sequence[ItemRow]) -> dict[int, tuple]:
    out = {}
    window = timedelta(days=ACTIVE_WINDOW_DAYS)
    authors = {i.author_id for i in items if i.author_id is not None}
    joined = dict(db.session.execute(
        db.select(Membership.user_id, Membership.joined_at).where(
            Membership.community_id == community_id, Membership.user_id.in_(authors))
    ).all()) if authors else {}
    for item in items:
        if item.author_id is None:
            out[item.id] = (None, 0)
            continue
        recent = db.session.execute(
            db.select(db.func.count(FeedbackItem.id)).where(
                FeedbackItem.community_id == community_id,
                FeedbackItem.author_id == item.author_id,
                FeedbackItem.occurred_at > item.occurred_at - window,
                FeedbackItem.occurred_at <= item.occurred_at,
            )
        ).scalar_one()
        join = joined.get(item.author_id)
        out[item.id] = ((item.occurred_at - join).days if join else None, int(recent))
    return out


def analyze_items(community_id: int, item_ids: Sequence[int]) -> int:
    """Give new or changed items their sentiment and theme in the current run (the
    ``insights.analyze_items`` job). Before a community's first run, a first full run is
    queued instead. Returns how many items were analysed."""
    for _attempt in range(3):
        run = analysis.current_run(community_id)
        if run is None or not analysis.has_model(run.id):
            if analysis.active_run(community_id) is None:
                from app.models import Community

                community = db.session.get(Community, community_id)
                if community is not None:
                    analysis.request_run(community, trigger="first")
            return 0
        run_id = run.id
        count = analyze_into(run, item_ids)
        db.session.commit()
        # A run may have switched while we wrote: then analyse into the new one too.
        if analysis.current_run_id(community_id) == run_id:
            return count
    return count



def _stale(run_id: int):
    """Ids of feedback items whose analysis in the run is missing or older than the item."""
    return (
        db.select(FeedbackItem.id)
        .outerjoin(ItemAnalysis, and_(ItemAnalysis.feedback_item_id == FeedbackItem.id,
                                      ItemAnalysis.run_id == run_id))
        .where(or_(ItemAnalysis.feedback_item_id.is_(None),
                   ItemAnalysis.analyzed_at < FeedbackItem.updated_at))
    )


def stale_item_ids(community_id: int, item_ids: Sequence[int]) -> list[int]:
    """Those of ``item_ids`` whose current analysis is missing or older than the item."""
    run_id = analysis.current_run_id(community_id)
    if run_id is None:
        return list(item_ids)
    stale = set(db.session.execute(
        _stale(run_id).where(FeedbackItem.id.in_(list(item_ids)))).scalars())
    return [i for i in item_ids if i in stale]


# At most this many swept items per query; the job sweeps again when it hit the limit.
SWEEP_LIMIT = 2000


def recent_stale_ids(community_id: int, *, hours: int = 24) -> list[int]:
    """At most ``SWEEP_LIMIT`` items changed in the last ``hours`` whose current analysis is
    missing or older than the item, oldest change first (what an analysis job sweeps up)."""
    run_id = analysis.current_run_id(community_id)
    if run_id is None:
        return []
    cutoff = utcnow() - timedelta(hours=hours)
    return list(db.session.execute(
        _stale(run_id)
        .where(FeedbackItem.community_id == community_id, FeedbackItem.updated_at >= cutoff)
        .order_by(FeedbackItem.updated_at, FeedbackItem.id).limit(SWEEP_LIMIT)
    ).scalars())
