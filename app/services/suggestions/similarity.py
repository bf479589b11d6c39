"""Similar suggestions, for members while they type and for operators in the inbox.

Suggestions are compared in the insights' theme space (``nlp.similarity.ThemeSpaceSimilarity``:
the analysis' TF-IDF + LSA vectors), fitted over the box together with the shipped corpus of
community feedback, so that two phrasings of one request meet even in a small box.

Members only ever see what the board shows them (nothing hidden, nothing merged away, never an
author); operators see the whole box. The fitted index of each community and audience is
cached in the process and rebuilt when the box changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from app.extensions import db
from app.models import OPEN_STATUSES, Community, Suggestion, SuggestionStatus
from app.services.suggestions.box import feedback_text

if TYPE_CHECKING:
    from nlp.similarity import ThemeSpaceSimilarity

OPEN_VALUES = {s.value for s in OPEN_STATUSES}
MEMBER = "member"
OPERATOR = "operator"
_CACHE_SIZE = 32
_lock = threading.Lock()
_cache: OrderedDict[tuple, tuple[ThemeSpaceSimilarity, list[int]]] = OrderedDict()
_segmenter = None
_background: list[list[str]] | None = None


def segmenter():
    """One segmenter per process (its dictionaries take a moment to load)."""
    global _segmenter
    if _segmenter is None:
        from nlp.segment import Segmenter

        cache = Path(current_app.instance_path) / "cache" / "jieba"
        _segmenter = Segmenter(cache_dir=cache)
    return _segmenter


def background() -> list[list[str]]:
    """The tokens of the shipped community feedback corpus (once per process)."""
    global _background
    if _background is None:
        from nlp.community_corpus import load_rows

        _background = segmenter().tokens_many([row.text for row in load_rows()])
    return _background


def _scope_filter(stmt, audience: str):
    if audience == MEMBER:
        stmt = stmt.where(Suggestion.hidden_at.is_(None),
                          Suggestion.status != SuggestionStatus.DUPLICATE.value)
    return stmt


def _index(community: Community, audience: str) -> tuple[ThemeSpaceSimilarity, list[int]]:
    base = _scope_filter(
        db.select(Suggestion.id, Suggestion.updated_at)
        .where(Suggestion.community_id == community.id), audience,
    ).subquery()
    signature = db.session.execute(
        db.select(db.func.count(), db.func.max(base.c.updated_at), db.func.max(base.c.id))
    ).one()
    key = (community.id, audience, int(signature[0]), str(signature[1]), signature[2])
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    rows = db.session.execute(
        _scope_filter(db.select(Suggestion.id, Suggestion.title, Suggestion.content)
                      .where(Suggestion.community_id == community.id), audience)
        .order_by(Suggestion.id)
    ).all()
    texts = [feedback_text(Suggestion(title=t, content=c)) for _i, t, c in rows]
    from nlp.similarity import ThemeSpaceSimilarity  # scikit-learn: only when an index is built

    model = ThemeSpaceSimilarity(tokenizer=segmenter().tokens, background=background()).fit(texts)
    entry = (model, [r[0] for r in rows])
    with _lock:
        # Drop older versions of this community's index before adding the new one.
        for old in [k for k in _cache if k[:2] == key[:2]]:
            del _cache[old]
        _cache[key] = entry
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return entry


def clear_cache() -> None:
    """Forget every fitted index (tests, or after bulk changes)."""
    with _lock:
        _cache.clear()


@dataclass
class SimilarSuggestion:
    """A suggestion that looks like the text, with its score."""

    suggestion: Suggestion
    score: float


def similar_to_text(community: Community, text: str, *, audience: str = MEMBER,
                    limit: int = 5, exclude: tuple[int, ...] = (),
                    threshold: float | None = None) -> list[SimilarSuggestion]:
    """Existing suggestions similar to ``text``, best first."""
    if not (text or "").strip():
        return []
    model, ids = _index(community, audience)
    skip = [i for i, sid in enumerate(ids) if sid in set(exclude)]
    matches = model.query(text, top_k=limit, exclude=skip, threshold=threshold)
    if not matches:
        return []
    wanted = [ids[m.index] for m in matches]
    found = {s.id: s for s in db.session.execute(
        db.select(Suggestion).where(Suggestion.id.in_(wanted))).scalars()}
    return [SimilarSuggestion(found[ids[m.index]], m.score) for m in matches
            if ids[m.index] in found]


def similar_to(suggestion: Suggestion, *, limit: int = 5,
               threshold: float | None = None) -> list[SimilarSuggestion]:
    """For operators: other suggestions that may be duplicates of this one."""
    community = db.session.get(Community, suggestion.community_id)
    # Itself, where it was merged to, and what was merged into it are not news.
    children = db.session.execute(
        db.select(Suggestion.id).where(Suggestion.merged_into_id == suggestion.id)
    ).scalars().all()
    exclude = (suggestion.id, *children)
    if suggestion.merged_into_id:
        exclude += (suggestion.merged_into_id,)
    return similar_to_text(community, feedback_text(suggestion), audience=OPERATOR,
                           limit=limit, exclude=exclude, threshold=threshold)


# A score from which the inbox flags a pair as a likely duplicate. In the theme space
# paraphrases of one request typically score 0.5-0.9 and unrelated ones below 0.2
# (tests/nlp/test_similarity.py).
LIKELY_DUPLICATE = 0.5


def duplicate_counts(community: Community, suggestions: list[Suggestion],
                     threshold: float = LIKELY_DUPLICATE) -> dict[int, int]:
    """For the inbox: how many likely duplicates each suggestion has in the box."""
    if not suggestions:
        return {}
    model, ids = _index(community, OPERATOR)
    if not ids:
        return {}
    merged = set(db.session.execute(
        db.select(Suggestion.id).where(Suggestion.community_id == community.id,
                                       Suggestion.merged_into_id.is_not(None))
    ).scalars())
    candidates = [i for i, sid in enumerate(ids) if sid not in merged]
    scores = model.similarity_matrix([feedback_text(s) for s in suggestions])[:, candidates]
    candidate_ids = [ids[i] for i in candidates]
    counts = {}
    for row, s in enumerate(suggestions):
        if s.merged_into_id or s.status not in OPEN_VALUES:
            counts[s.id] = 0  # only what still needs triage is worth flagging
            continue
        counts[s.id] = sum(1 for sid, score in zip(candidate_ids, scores[row], strict=True)
                           if score >= threshold and sid != s.id)
    return counts
