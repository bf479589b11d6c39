"""Chinese full-text search over feedback items.

Texts are indexed as space-separated tokens cut with the analysis segmenter (the community
dictionary), plus the two- and three-character words inside longer tokens, the way jieba's
search mode indexes: 积分兑换 is indexed as 积分兑换, 积分, 分兑, 兑换, 积分兑 and 分兑换, so a
search for 积分 finds it. A query is cut with the same segmenter and every query word must
occur. SQLite answers through its FTS5 table, PostgreSQL through a GIN index on
``to_tsvector('simple', tokens)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import func, literal_column, text

from app.extensions import db
from app.models import FeedbackItem, SearchText
from app.models.insights import FTS_TABLE
from app.services.insights.engine import segmenter

MAX_QUERY_CHARS = 100
MAX_QUERY_TOKENS = 8
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# FTS5 syntax characters and control characters (a NUL ends the query string in SQLite)
_SAFE = re.compile(r"[\s\x00-\x1f\"'()*:^{}\[\]]+")


def _inner_words(token: str) -> list[str]:
    """The two- and three-character pieces of a long Chinese token."""
    if len(token) < 3 or not _HAN.match(token):
        return []
    pieces = []
    for size in (2, 3):
        if size >= len(token):
            continue
        pieces.extend(token[i:i + size] for i in range(len(token) - size + 1))
    return pieces


def _clean(token: str) -> str:
    return _SAFE.sub("", token)


def search_tokens(text_: str | None, tokens: Sequence[str] | None = None) -> str:
    """The index form of a text: its content tokens and the words inside long ones."""
    words = list(tokens) if tokens is not None else segmenter().tokens(text_ or "")
    seen: dict[str, None] = {}
    for word in words:
        word = _clean(word)
        if not word:
            continue
        seen.setdefault(word, None)
        for piece in _inner_words(word):
            seen.setdefault(piece, None)
    return " ".join(seen)


def query_tokens(query: str | None) -> list[str]:
    """The words a query asks for, cut with the analysis segmenter (at most 8)."""
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    if not query:
        return []
    seen: dict[str, None] = {}
    for part in query.split():
        words = [w for w in map(_clean, segmenter().tokens(part)) if w]
        # A lone character cut off a longer word (课 of 构图课) is cut differently inside
        # sentences (构图 / 课想), so requiring it would miss the texts asked for; a
        # character the searcher typed as a word of its own is kept.
        if any(len(w) > 1 for w in words):
            words = [w for w in words if len(w) > 1 or not _HAN.match(w)]
        for word in words:
            seen.setdefault(word, None)
    if not seen:
        # Only stopwords or symbols: search for the query as written.
        word = _clean(query.lower())
        if word:
            seen[word] = None
    return list(seen)[:MAX_QUERY_TOKENS]


def index_texts(rows: Iterable[tuple[int, int, str]]) -> int:
    """Write the search tokens of ``(feedback_item_id, community_id, tokens)`` rows."""
    rows = list(rows)
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    # Replace rather than upsert: the same statements work on both databases, and the FTS5
    # triggers see a clean delete and insert.
    for start in range(0, len(ids), 500):
        db.session.execute(db.delete(SearchText).where(
            SearchText.feedback_item_id.in_(ids[start:start + 500])))
    db.session.execute(db.insert(SearchText), [
        {"feedback_item_id": i, "community_id": c, "tokens": t} for i, c, t in rows
    ])
    return len(rows)


def index_items(items: Iterable[FeedbackItem]) -> int:
    """Index feedback items by their redacted text."""
    return index_texts((i.id, i.community_id, search_tokens(i.redacted_text)) for i in items)


def matching_ids(words: Sequence[str]):
    """A subquery of the feedback item ids whose text holds every word."""
    words = [w for w in words if w]
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        expression = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        return (
            db.select(literal_column("rowid"))
            .select_from(text(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=expression))
        )
    vector = func.to_tsvector(literal_column("'simple'"), SearchText.tokens)
    query = func.plainto_tsquery(literal_column("'simple'"), " ".join(words))
    # Materialised, so PostgreSQL answers it once from the GIN index: otherwise, for rare
    # words, it walks the items by date and recomputes every text's tsvector until a page
    # is full (measured: 100 ms at 100k items instead of a few).
    hits = (db.select(SearchText.feedback_item_id).where(vector.op("@@")(query))
            .cte("search_hits").prefix_with("MATERIALIZED"))
    return db.select(hits.c.feedback_item_id)


def search_clause(query: str | None):
    """A condition on FeedbackItem for a search box query, or None for an empty query."""
    words = query_tokens(query)
    if not words:
        return None
    return FeedbackItem.id.in_(matching_ids(words))
