"""Uncertainty sampling: which items should operators label first (the 待标注 queue)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _as_proba(scores_or_proba) -> np.ndarray:
    """Accept P(positive) per item (1-D) or class probabilities (n, k); return (n, k)."""
    arr = np.asarray(scores_or_proba, dtype=float)
    if arr.ndim == 1:
        arr = np.column_stack([1.0 - arr, arr])
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise ValueError("expected scores (n,) or class probabilities (n, k>=2)")
    return arr


def margin_uncertainty(scores_or_proba) -> np.ndarray:
    """1 minus the gap between the two most likely classes: 1 = undecided, 0 = sure."""
    p = np.sort(_as_proba(scores_or_proba), axis=1)
    return 1.0 - (p[:, -1] - p[:, -2])


def entropy_uncertainty(scores_or_proba) -> np.ndarray:
    """Entropy of the class distribution, scaled to [0, 1] by its maximum."""
    p = np.clip(_as_proba(scores_or_proba), 1e-12, 1.0)
    return -(p * np.log(p)).sum(axis=1) / np.log(p.shape[1])


UNCERTAINTY_MEASURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "margin": margin_uncertainty,
    "entropy": entropy_uncertainty,
}


def get_uncertainty_measure(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The uncertainty measure called ``name`` ("margin" or "entropy")."""
    try:
        return UNCERTAINTY_MEASURES[name]
    except KeyError:
        known = ", ".join(UNCERTAINTY_MEASURES)
        raise ValueError(f"unknown uncertainty measure {name!r}; known: {known}") from None


def rank_by_uncertainty(scores_or_proba, *, method: str = "margin",
                        limit: int | None = None) -> np.ndarray:
    """Indices of items from least to most certain (ties keep input order)."""
    u = get_uncertainty_measure(method)(scores_or_proba)
    order = np.argsort(-u, kind="stable")
    return order if limit is None else order[:limit]
