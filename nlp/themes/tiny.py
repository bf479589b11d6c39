"""Themes for tiny inputs (under ~30 items), where clustering has nothing to stand on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np


def keyword_groups(
    token_lists: Sequence[Sequence[str]], available: np.ndarray, min_size: int = 2
) -> list[np.ndarray]:
    """Greedy groups of items sharing a word: the most shared word first, then the next.

    Only items flagged in ``available`` take part; each item joins at most one group.
    Longer words win ties, so 积分兑换 is preferred to 兑换 when both are equally shared.
    """
    free = set(np.flatnonzero(available).tolist())
    groups: list[np.ndarray] = []
    while True:
        df = Counter(t for i in free for t in set(token_lists[i]))
        shared = [(c, len(t), t) for t, c in df.items() if c >= min_size]
        if not shared:
            break
        _, _, word = max(shared)
        members = sorted(i for i in free if word in token_lists[i])
        groups.append(np.asarray(members))
        free.difference_update(members)
    return groups
