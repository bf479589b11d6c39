"""Automatic choice of the number of themes.

Criterion: the mean cosine silhouette of spherical k-means, on a fixed random sample of
at most ``sample`` items, over a grid of k from 2 to ``k_upper(n)``; the smallest k whose
silhouette is within ``tolerance`` (relative) of the best wins. On clearly separated data
the silhouette peaks at the true number of topics. On real feedback it tends to keep
rising slowly with k, so the upper bound (about sqrt(n/2), at most 30: as many themes as
an operator can read) and the parsimony tolerance decide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import silhouette_score

from nlp.themes.kmeans import kmeans_plus_plus, spherical_kmeans


@dataclass
class KChoice:
    """The chosen k, the silhouette per k tried, and the sample centroids of the winner."""

    k: int
    scores: dict[int, float]
    centers: np.ndarray


def k_upper(n: int, cap: int = 30) -> int:
    """Largest k worth trying for ``n`` items."""
    return int(max(2, min(cap, round((n / 2) ** 0.5))))


def k_grid(lo: int, hi: int) -> list[int]:
    """Every k up to 12, then steps of about 15%, always ending at ``hi``."""
    ks, k = [], lo
    while k <= hi:
        ks.append(k)
        k = k + 1 if k < 12 else max(k + 1, round(k * 1.15))
    if ks[-1] != hi:
        ks.append(hi)
    return ks


def choose_k(
    z: np.ndarray,
    k_max: int = 30,
    sample: int = 1500,
    tolerance: float = 0.03,
    restarts: int = 1,
    random_state: int = 0,
) -> KChoice:
    """Pick k for the unit rows of ``z`` by the silhouette criterion described above."""
    rng = np.random.default_rng(random_state)
    n = len(z)
    zs = z[rng.choice(n, sample, replace=False)] if n > sample else z
    hi = min(k_upper(n, k_max), len(zs) - 1)
    if hi < 2:
        return KChoice(1, {}, zs.mean(axis=0, keepdims=True))
    scores: dict[int, float] = {}
    centers: dict[int, np.ndarray] = {}
    for k in k_grid(2, hi):
        best = None
        for _ in range(restarts):
            labels, c, own = spherical_kmeans(zs, kmeans_plus_plus(zs, k, rng))
            if best is None or own.sum() > best[2]:
                best = (labels, c, float(own.sum()))
        labels = best[0]
        if len(np.unique(labels)) < 2:
            continue
        scores[k] = float(silhouette_score(zs, labels, metric="cosine"))
        centers[k] = best[1]
    if not scores:
        return KChoice(1, {}, zs.mean(axis=0, keepdims=True))
    top = max(scores.values())
    bar = top - tolerance * abs(top)
    k = min(k for k, s in scores.items() if s >= bar)
    return KChoice(k, scores, centers[k])
