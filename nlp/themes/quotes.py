"""Representative quotes: close to the theme's centre, diverse, and pleasant to read."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_SENTENCE_END = re.compile(r"[。！？!?…~～）)」”\"]$")


def readability(text: str) -> float:
    """A weight in (0, 1]: medium-length, complete sentences read best as quotes."""
    n = len(text.strip())
    if n == 0:
        return 0.0
    if n < 6:
        length = 0.55
    elif n < 12:
        length = 0.8
    elif n <= 80:
        length = 1.0
    elif n <= 160:
        length = 0.85
    else:
        length = 0.7
    return length * (1.0 if _SENTENCE_END.search(text.strip()) or n <= 80 else 0.9)


def representative(
    members: np.ndarray,
    vectors: np.ndarray,
    centroid: np.ndarray,
    texts: Sequence[str] | None,
    n: int = 5,
    diversity: float = 0.35,
    pool: int = 200,
) -> list[int]:
    """Indices (into the full item list) of up to ``n`` quotes, chosen by MMR.

    Relevance is similarity to the centroid times :func:`readability`; each next quote
    maximises (1 - diversity) * relevance - diversity * similarity to quotes already taken,
    and the same text is never quoted twice.
    """
    members = np.asarray(members)
    if len(members) == 0:
        return []
    rel = vectors[members] @ centroid
    if texts is not None:
        rel = rel * np.array([readability(texts[i]) for i in members])
    order = np.argsort(-rel)[:pool]
    cand, cand_rel = members[order], rel[order]
    cand_vec = vectors[cand]
    chosen: list[int] = []
    seen: set[str] = set()
    max_sim = np.full(len(cand), -np.inf)
    available = np.ones(len(cand), dtype=bool)
    while len(chosen) < n and available.any():
        penalty = np.where(np.isfinite(max_sim), max_sim, 0.0)
        score = (1 - diversity) * cand_rel - diversity * penalty
        score[~available] = -np.inf
        j = int(np.argmax(score))
        available[j] = False
        item = int(cand[j])
        key = texts[item].strip() if texts is not None else str(item)
        if key in seen:
            continue
        seen.add(key)
        chosen.append(item)
        max_sim = np.maximum(max_sim, cand_vec @ cand_vec[j])
    return chosen
