"""Spherical k-means on unit vectors, with optional anchored (seeded) centroids."""

from __future__ import annotations

import numpy as np


def kmeans_plus_plus(
    z: np.ndarray, k: int, rng: np.random.Generator, fixed: np.ndarray | None = None
) -> np.ndarray:
    """Pick ``k`` initial centroids by k-means++ on cosine distance, after any ``fixed`` ones."""
    centers = [] if fixed is None else list(fixed)
    n = len(z)
    if n == 0 or k <= 0:
        return np.asarray(centers, dtype=np.float32).reshape(len(centers), z.shape[1])
    if centers:
        dist = np.clip(1.0 - (z @ np.asarray(centers).T).max(axis=1), 0.0, None)
    else:
        centers.append(z[rng.integers(n)])
        dist = np.clip(1.0 - z @ centers[0], 0.0, None)
    while len(centers) < k:
        total = float(dist.sum())
        i = int(rng.choice(n, p=dist / total)) if total > 0 else int(rng.integers(n))
        centers.append(z[i])
        dist = np.minimum(dist, np.clip(1.0 - z @ z[i], 0.0, None))
    return np.asarray(centers, dtype=np.float32)


def spherical_kmeans(
    z: np.ndarray,
    init: np.ndarray,
    anchors: np.ndarray | None = None,
    anchor_weight: np.ndarray | None = None,
    max_iter: int = 30,
    tol: float = 1e-4,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cluster unit rows of ``z`` from ``init``; return (labels, centroids, similarity to own).

    A centroid with an anchor is pulled towards it every step by ``anchor_weight`` (0–1),
    so a seeded or remembered theme keeps its meaning while adapting to the data.
    """
    centers = _unit(np.asarray(init, dtype=np.float32).copy())
    k = len(centers)
    if anchor_weight is None:
        anchor_weight = np.zeros(k, dtype=np.float32)
    prev_obj = -np.inf
    labels = np.zeros(len(z), dtype=np.int64)
    for _ in range(max_iter):
        sims = z @ centers.T
        labels = sims.argmax(axis=1)
        own = sims[np.arange(len(z)), labels]
        obj = float(own.sum())
        sums = group_sums(z, labels, k)
        counts = np.bincount(labels, minlength=k)
        new = _unit(sums)
        empty = counts == 0
        if empty.any():
            # Re-seed an empty centroid on the worst-fitting items so k is kept.
            worst = np.argsort(own)[: int(empty.sum())]
            new[np.flatnonzero(empty)[: len(worst)]] = z[worst]
        if anchors is not None:
            w = anchor_weight[:, None]
            new = _unit((1.0 - w) * new + w * anchors)
        centers = new.astype(np.float32)
        if obj - prev_obj <= tol * max(abs(obj), 1.0):
            break
        prev_obj = obj
    sims = z @ centers.T
    labels = sims.argmax(axis=1)
    return labels, centers, sims[np.arange(len(z)), labels]


def group_sums(z: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Row sums of ``z`` per label, as one dense one-hot product (far faster than add.at)."""
    onehot = np.zeros((len(labels), k), dtype=z.dtype)
    onehot[np.arange(len(labels)), labels] = 1.0
    return onehot.T @ z


def _unit(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms
