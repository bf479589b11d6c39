"""Stable theme identity: recognise this run's clusters as the previous run's themes."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from nlp.themes.types import ThemeSnapshot


def profile_cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine similarity of two sparse term-weight profiles."""
    if not a or not b:
        return 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(w * big.get(t, 0.0) for t, w in small.items())
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def match_previous(
    profiles: Sequence[dict[str, float]],
    member_ids: Sequence[Sequence[str]] | None,
    previous: ThemeSnapshot,
    threshold: float = 0.3,
    candidates: Sequence[int] | None = None,
) -> list[int | None]:
    """For each cluster, the id of the previous theme it continues, or None if it is new.

    The score of a (cluster, old theme) pair is the cosine of their keyword profiles,
    blended with the share of the cluster's items that the old theme held last run
    (when item ids are known). Pairs are matched one-to-one by the Hungarian method and
    kept only when the score reaches ``threshold``. Merged and archived themes take part,
    so a cluster that looks like a merged theme is recognised and then folded into the
    theme it was merged into.
    """
    records = [r for r in previous.themes if candidates is None or r.id in set(candidates)]
    if not profiles or not records:
        return [None] * len(profiles)
    score = np.zeros((len(profiles), len(records)))
    for i, prof in enumerate(profiles):
        for j, rec in enumerate(records):
            score[i, j] = profile_cosine(prof, rec.term_weights)
    if member_ids is not None and previous.assignments:
        overlap = np.zeros_like(score)
        # A merged theme's old items now sit in the theme it was merged into, so compare
        # where each record's items went, not the record's own id.
        cols_of: dict[int, list[int]] = {}
        for j, rec in enumerate(records):
            cols_of.setdefault(previous.resolve(rec.id), []).append(j)
        for i, ids in enumerate(member_ids):
            seen = [previous.assignments.get(str(x)) for x in ids]
            known = [t for t in seen if t is not None]
            if not known:
                continue
            for t in known:
                for j in cols_of.get(t, ()):
                    overlap[i, j] += 1.0
            overlap[i] /= len(known)
            # Only clusters with enough history lean on overlap; fresh ones on keywords.
            seen_share = len(known) / max(len(ids), 1)
            score[i] = (1 - 0.6 * seen_share) * score[i] + 0.6 * seen_share * overlap[i]
    rows, cols = linear_sum_assignment(-score)
    out: list[int | None] = [None] * len(profiles)
    for i, j in zip(rows, cols, strict=True):
        if score[i, j] >= threshold:
            out[i] = records[j].id
    return out
