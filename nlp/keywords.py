"""Keywords overall, per theme and per item, weighted against a general-Chinese background.

A word's weight is the number of items that mention it times its inverse document
frequency in general Chinese text (jieba's own IDF table, shipped with jieba), so words
that every text uses (觉得, 问题) sink and the community's own subjects rise. Generic words
(see :mod:`nlp.themes.generic`) are never keywords.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain
from pathlib import Path

import jieba

from nlp.themes.generic import is_generic, is_predicate_form

IDF_PATH = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"


@lru_cache(maxsize=1)
def background_idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table and its median (the weight of words it does not know)."""
    table: dict[str, float] = {}
    with IDF_PATH.open(encoding="utf-8") as fh:
        for line in fh:
            word, _, value = line.strip().rpartition(" ")
            if word:
                table[word] = float(value)
    values = sorted(table.values())
    return table, values[len(values) // 2] if values else 10.0


def is_keyword_candidate(token: str) -> bool:
    """Words of two or more characters, or ASCII terms such as app / bug, that are not
    generic (:func:`nlp.themes.generic.is_generic`: 即将, 今日, 看出, 小时 never say what
    people talk about) nor a verb with its particle (算得, 看着)."""
    return len(token) >= 2 and not is_generic(token) and not is_predicate_form(token)


def word_weights(token_lists: Iterable[Sequence[str]]) -> dict[str, float]:
    """Background-IDF weight of every candidate word: items mentioning it × its IDF."""
    idf, median = background_idf()
    df = Counter(chain.from_iterable(map(set, token_lists)))
    return {w: c * idf.get(w, median) for w, c in df.items() if is_keyword_candidate(w)}


def top_keywords(token_lists: Iterable[Sequence[str]], n: int = 20) -> list[tuple[str, float]]:
    """The ``n`` heaviest words of a collection, with weights scaled so the top is 1."""
    weights = word_weights(token_lists)
    best = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    if not best:
        return []
    top = best[0][1]
    return [(w, round(v / top, 4)) for w, v in best]


def item_keywords(tokens: Sequence[str], n: int = 5) -> list[str]:
    """The ``n`` most telling words of one item (for the per-item keyword column).

    Items are short, so a repeated word counts once: the background IDF alone ranks them,
    ties kept in text order.
    """
    rank = _rank_table()
    words = [w for w in dict.fromkeys(tokens) if is_keyword_candidate(w)]
    unknown = rank[None]
    for w in words:
        if w not in rank:
            rank[w] = unknown
    return sorted(words, key=rank.__getitem__)[:n]


# Minus each word's background IDF (the sort key of item_keywords); words the table does not
# know are added at the median as they are seen. A full table is replaced, never cleared, so
# a thread still sorting with the old one is not disturbed.
_RANK: list[dict[str | None, float]] = []
_RANK_LIMIT = 2_000_000


def _rank_table() -> dict[str | None, float]:
    if _RANK and len(_RANK[0]) <= _RANK_LIMIT:
        return _RANK[0]
    idf, median = background_idf()
    rank: dict[str | None, float] = {w: -v for w, v in idf.items()}
    rank[None] = -median
    _RANK[:] = [rank]
    return rank


def theme_keywords(themes: Iterable, n: int = 10) -> dict[int, list[tuple[str, float]]]:
    """Per theme id, its c-TF-IDF keywords with weights scaled so the top is 1."""
    out = {}
    for theme in themes:
        pairs = list(theme.keyword_weights.items())[:n]
        top = pairs[0][1] if pairs and pairs[0][1] > 0 else 1.0
        out[theme.id] = [(w, round(v / top, 4)) for w, v in pairs]
    return out
