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

from nlp.themes.generic import is_keyword_noise

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
    return len(token) >= 2 and not is_keyword_noise(token)


def word_weights(token_lists: Iterable[Sequence[str]]) -> dict[str, float]:
    """Background-IDF weight of every candidate word: items mentioning it × its IDF."""
    idf, median = background_idf()
    df = Counter(chain.from_iterable(map(set, token_lists)))
    return {w: c * idf.get(w, median) for w, c in df.items() if is_keyword_candidate(w)}


def top_keywords(token_lists: Iterable[Sequence[str]], n: int = 20) -> list[tuple[str, float]]:
    """The ``n`` heaviest words of a collection, with weights scaled so the top is 1."""
    return _scaled_top(word_weights(token_lists), n)


def _scaled_top(weights: dict[str, float], n: int) -> list[tuple[str, float]]:
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
    return item_keywords_many([tokens], n)[0]


def item_keywords_many(token_lists: Sequence[Sequence[str]], n: int = 5) -> list[list[str]]:
    """:func:`item_keywords` of every item of a batch (one dictionary pass per item)."""
    return item_keywords_and_candidates(token_lists, n)[0]


def item_keywords_and_candidates(
    token_lists: Sequence[Sequence[str]], n: int = 5
) -> tuple[list[list[str]], list[list[str]]]:
    """Per item its :func:`item_keywords` and all its keyword candidates, once each in text
    order (what :func:`top_keywords_of_candidates` counts)."""
    table = _key_table()
    table.learn(token_lists)
    known = table.key.__contains__
    key = table.key.__getitem__
    # dict.fromkeys keeps each word's first occurrence in text order, and the sort is stable.
    candidates = [list(filter(known, dict.fromkeys(tokens))) for tokens in token_lists]
    return [sorted(c, key=key)[:n] for c in candidates], candidates


def top_keywords_of_candidates(candidates: Iterable[Sequence[str]], n: int = 20
                               ) -> list[tuple[str, float]]:
    """:func:`top_keywords` of items given as their candidates (from
    :func:`item_keywords_and_candidates`): each word once per item, non-candidates left out."""
    idf, median = background_idf()
    df = Counter(chain.from_iterable(candidates))
    return _scaled_top({w: c * idf.get(w, median) for w, c in df.items()}, n)


class _KeyTable:
    """The sort key of item_keywords (minus the background IDF; words the table does not know
    rank at the median) of every keyword candidate seen so far, and the words seen that are
    not candidates, so each word is judged once per process rather than once per use."""

    def __init__(self) -> None:
        self.idf, self.median = background_idf()
        self.key: dict[str, float] = {}
        self.seen: set[str] = set()

    def __len__(self) -> int:
        return len(self.seen)

    def learn(self, token_lists: Iterable[Sequence[str]]) -> None:
        """Judge the words of ``token_lists`` that this table has not seen."""
        new = set(chain.from_iterable(token_lists))
        new -= self.seen
        if not new:
            return
        idf, median, key = self.idf, self.median, self.key
        for w in new:
            if is_keyword_candidate(w):
                key[w] = -idf.get(w, median)
        self.seen |= new


# A full table is replaced, never cleared, so a thread still sorting with the old one is not
# disturbed.
_TABLE: list[_KeyTable] = []
_TABLE_LIMIT = 2_000_000


def _key_table() -> _KeyTable:
    if _TABLE and len(_TABLE[0]) <= _TABLE_LIMIT:
        return _TABLE[0]
    table = _KeyTable()
    _TABLE[:] = [table]
    return table


def theme_keywords(themes: Iterable, n: int = 10) -> dict[int, list[tuple[str, float]]]:
    """Per theme id, its c-TF-IDF keywords with weights scaled so the top is 1."""
    out = {}
    for theme in themes:
        pairs = list(theme.keyword_weights.items())[:n]
        top = pairs[0][1] if pairs and pairs[0][1] > 0 else 1.0
        out[theme.id] = [(w, round(v / top, 4)) for w, v in pairs]
    return out
