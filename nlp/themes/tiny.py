"""Themes for tiny inputs (under ~30 items), where k-means has nothing to stand on."""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

TINY_MIN_SIMILARITY = 0.1


def similarity_groups(z: np.ndarray, available: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Average-linkage groups of the available items whose mean cosine exceeds 0.1.

    Returns the groups of two or more items, and the leftover single items. On tiny data
    words rarely repeat, so any real overlap (a shared word or character pair) counts.
    """
    idx = np.flatnonzero(available & (np.linalg.norm(z, axis=1) > 0))
    if len(idx) < 2:
        return [], idx
    tree = linkage(z[idx], method="average", metric="cosine")
    flat = fcluster(tree, t=1.0 - TINY_MIN_SIMILARITY, criterion="distance")
    groups, single = [], []
    for c in np.unique(flat):
        members = idx[flat == c]
        (groups.append(members) if len(members) >= 2 else single.extend(members.tolist()))
    return groups, np.asarray(sorted(single), dtype=np.int64)
