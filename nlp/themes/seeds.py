"""Seed themes: the default community-operations areas and the word matching behind them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse

from nlp.themes.types import SeedTheme

SEEDS_PATH = Path(__file__).resolve().parent.parent / "data" / "theme_seeds.json"
AREA_MIN_SHARE = 0.12


@lru_cache(maxsize=1)
def _default_seed_data() -> tuple[tuple[str, tuple[str, ...]], ...]:
    data = json.loads(SEEDS_PATH.read_text(encoding="utf-8"))
    return tuple((a["name"], tuple(a["words"])) for a in data["areas"])


def default_seeds() -> list[SeedTheme]:
    """The shipped seed themes, one per operations area (用户互动 … 服务与响应)."""
    return [
        SeedTheme(name=name, words=list(words), area=name)
        for name, words in _default_seed_data()
    ]


def area_names() -> list[str]:
    """The nine operations areas, in their display order."""
    return [name for name, _ in _default_seed_data()]


def area_for(
    keyword_weights: dict[str, float], areas: Sequence[SeedTheme] | None = None
) -> str | None:
    """The operations area whose seed words best cover a theme's weighted keywords, or None.

    A keyword counts for an area when it is a seed word, or contains one (两个字 at least),
    so 积分兑换 counts for 激励与积分. The area must hold at least ``AREA_MIN_SHARE`` of
    the keyword weight, so a theme about something else gets no area.
    """
    areas = list(areas) if areas is not None else default_seeds()
    total = sum(keyword_weights.values())
    if total <= 0:
        return None
    best, best_score = None, 0.0
    for seed in areas:
        words = set(seed.words)
        score = 0.0
        for kw, w in keyword_weights.items():
            if kw in words or any(len(s) >= 2 and s in kw for s in words):
                score += w
        if score > best_score:
            best, best_score = seed.area or seed.name, score
    return best if best_score / total >= AREA_MIN_SHARE else None


def seed_hits(
    token_lists: Sequence[Sequence[str]], seeds: Sequence[SeedTheme]
) -> sparse.csr_matrix:
    """Items × seeds matrix counting how many of each seed's words every item mentions."""
    # Here, not at import: looking up a theme's area must not load NumPy or SciPy.
    import numpy as np
    from scipy import sparse

    if not seeds:
        return sparse.csr_matrix((len(token_lists), 0), dtype=np.float32)
    lookup: dict[str, list[int]] = {}
    for j, seed in enumerate(seeds):
        for w in set(seed.words):
            lookup.setdefault(w, []).append(j)
    rows, cols = [], []
    for i, toks in enumerate(token_lists):
        for t in set(toks):
            for j in lookup.get(t, ()):
                rows.append(i)
                cols.append(j)
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(token_lists), len(seeds)))


def area_choice(token_lists: Sequence[Sequence[str]], areas: Sequence[SeedTheme]) -> np.ndarray:
    """Per item, the area whose seed words it mentions most (a word may contain a seed
    word, as 签到积分 contains 积分), or -1. Used to place items of tiny runs."""
    import numpy as np

    out = np.full(len(token_lists), -1, dtype=np.int64)
    for i, toks in enumerate(token_lists):
        best, best_hits = -1, 0
        for j, seed in enumerate(areas):
            hits = sum(
                1 for t in set(toks)
                if t in seed.words or any(len(w) >= 2 and w in t for w in seed.words)
            )
            if hits > best_hits:
                best, best_hits = j, hits
        out[i] = best
    return out


def seed_choice(hits: sparse.csr_matrix) -> np.ndarray:
    """Per item, the seed with the most word hits, or -1 when it mentions none."""
    import numpy as np

    if hits.shape[1] == 0:
        return np.full(hits.shape[0], -1, dtype=np.int64)
    dense_best = np.asarray(hits.argmax(axis=1)).ravel()
    has = np.asarray(hits.max(axis=1).todense()).ravel() > 0
    return np.where(has, dense_best, -1)
