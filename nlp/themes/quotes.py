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


_SENTENCE_SPLIT = re.compile(r"(?<=[。！？!?；;\n])")
SUMMARY_MAX_CHARS = 60


def summary_sentence(texts: Sequence[str], quote_indices: Sequence[int], phrase: str = "") -> str:
    """A theme's one-line summary: its most representative sentence.

    The quotes are ranked already (closest to the theme's centre and readable first); the
    first quote that mentions the theme's name phrase wins, else the first quote. Of that
    quote, the sentence with the phrase (else the first sentence) is kept, cut to 60
    characters. The texts are the redacted ones, so the summary is too.
    """
    quotes = [texts[i].strip() for i in quote_indices if texts[i] and texts[i].strip()]
    if not quotes:
        return ""
    chosen = next((q for q in quotes if phrase and phrase in q), quotes[0])
    sentences = [s.strip() for s in _SENTENCE_SPLIT.split(chosen) if s.strip()]
    sentence = next((s for s in sentences if phrase and phrase in s), sentences[0])
    if len(sentence) > SUMMARY_MAX_CHARS:
        sentence = sentence[: SUMMARY_MAX_CHARS - 1].rstrip("，,、 ") + "…"
    return sentence
