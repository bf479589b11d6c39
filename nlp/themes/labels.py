"""Theme keywords by class-based TF-IDF, and readable default names built from them."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

NAME_SEPARATOR = "·"
# Words that carry degree or quantity but no subject: fine as keywords, poor as names.
_WEAK_NAME = re.compile(
    r"^(?:[一二两三四五六七八九十百千几半多]+[个多半次点些]*|[个多半些]+|超级|非常|特别|十分|"
    r"比较|真的|实在|有点|一点|一些|再也|还是|就是|已经|真是|简直|完全)$"
)


def class_tfidf(
    counts: sparse.csr_matrix, groups: Sequence[np.ndarray], terms: np.ndarray, top: int = 30
) -> list[dict[str, float]]:
    """Per group of rows, its ``top`` terms weighted by c-TF-IDF.

    Term frequency inside the group (normalised by the group's total) times
    log(1 + mean group total / term total over all groups): words frequent in one theme
    and rare across the others rank first. A term must occur in two or more items of a
    group (when the group has enough such terms) so one odd item cannot name a theme.
    """
    if not groups or counts.shape[1] == 0:
        return [{} for _ in groups]
    rows, cols = [], []
    for g, idx in enumerate(groups):
        rows.extend([g] * len(idx))
        cols.extend(np.asarray(idx).tolist())
    member = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(groups), counts.shape[0])
    )
    tf = np.asarray((member @ counts).todense(), dtype=np.float64)
    present = counts.copy()
    present.data[:] = 1.0
    docfreq = np.asarray((member @ present).todense())
    totals = tf.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    term_total = tf.sum(axis=0)
    avg = tf.sum() / max(len(groups), 1)
    idf = np.log1p(avg / np.maximum(term_total, 1e-9))
    weights = (tf / totals) * idf
    out = []
    for g, idx in enumerate(groups):
        w = weights[g].copy()
        if len(idx) >= 4:
            shared = np.where(docfreq[g] >= 2, w, 0.0)
            if (shared > 0).sum() >= 3:
                w = shared
        order = np.argsort(-w)[:top]
        out.append({str(terms[j]): float(w[j]) for j in order if w[j] > 0})
    return out


def pick_name_words(keywords: Sequence[str], n: int = 2, window: int = 6) -> list[str]:
    """The first ``n`` keywords that do not repeat one another (积分 vs 积分兑换).

    Among the first ``window`` keywords, words of two or more characters go first: a
    single character (买, 看) rarely reads as a name on its own. Degree and quantity
    words (超级, 两个) are skipped unless nothing else is left.
    """
    head = [k for k in keywords[:window] if not _WEAK_NAME.match(k)]
    ordered = [k for k in head if len(k) >= 2] + [k for k in head if len(k) < 2]
    ordered += [k for k in keywords[window:] if not _WEAK_NAME.match(k)]
    chosen: list[str] = []
    for kw in ordered + list(keywords):
        if any(kw in c or c in kw for c in chosen):
            continue
        chosen.append(kw)
        if len(chosen) == n:
            break
    return chosen


def default_names(keyword_lists: Sequence[Sequence[str]], taken: Sequence[str] = ()) -> list[str]:
    """A readable name of two keywords per theme (three when two would repeat a name)."""
    used = set(taken)
    names = []
    for kws in keyword_lists:
        name = ""
        for n in (2, 3, 4):
            words = pick_name_words(kws, n)
            name = NAME_SEPARATOR.join(words) if words else "未命名"
            if name not in used:
                break
        base, i = name, 2
        while name in used:
            name = f"{base}({i})"
            i += 1
        used.add(name)
        names.append(name)
    return names
