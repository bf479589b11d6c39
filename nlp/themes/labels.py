"""Theme keywords by class-based TF-IDF, and names a person would write: key phrases.

A discovered theme is named by the phrase its members keep using (回放上传慢, 副本掉落,
小区停车): runs of one to three adjacent content words, 2–8 characters, written that way in
the texts, that start and end with a non-generic word and hold a subject (a noun-like word or
a term the dictionaries do not know). The phrase must be common in the theme (coverage) and
rare elsewhere (the share of its mentions that fall in the theme); longer phrases get a
bonus, so a specific phrase wins over its first word when it covers most of its uses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from nlp.themes.generic import (
    is_comment,
    is_everyday,
    is_generic,
    is_misread_name,
    is_subject,
    pos_of,
)

NAME_SEPARATOR = "·"
# Words that carry degree or quantity but no subject: fine as keywords, poor as names.
_WEAK_NAME = re.compile(
    r"^(?:[一二两三四五六七八九十百千几半多]+[个多半次点些]*|[个多半些]+|超级|非常|特别|十分|"
    r"比较|真的|实在|有点|一点|一些|再也|还是|就是|已经|真是|简直|完全)$"
)
# Words common in every kind of feedback (有人…, 开始…): they say who or when, never what.
_GENERIC_NAME = frozenset(
    "有人 没人 大家 我们 你们 他们 作为 开始 不到 不够 太长 太短 感觉 觉得 希望 可以 能不能 "
    "是不是 有没有 一下 出来 起来 时候 东西 事情 总是 经常 每次 之后 以后 现在 最近".split()
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


# Per theme, at most this many members (evenly spaced) are read for candidate phrases.
PHRASE_SAMPLE = 200
MAX_PHRASE_WORDS = 3
MIN_PHRASE_CHARS, MAX_PHRASE_CHARS = 2, 8
LENGTH_BONUS = 0.3
LITERAL_SHARE = 0.5
# A longer phrase replaces the best one it extends when it covers this share of its items
# (a smaller share when the bare word is an everyday one, too broad to stand alone).
EXTEND_SHARE = 0.4
EXTEND_SHARE_EVERYDAY = 0.15
# A bare everyday word gives way to the best other phrase that scores this share of it.
EVERYDAY_YIELD = 0.2
UNNAMED = "未命名话题"
# A-not-A (算不算, 能不能, 有没有): the yes-no question form of Chinese verbs.
_A_NOT_A = re.compile(r"^(.)[不没]\1")


def phrase_candidates(tokens: Sequence[str]) -> set[tuple[str, ...]]:
    """The candidate name phrases of one item: runs of 1–3 adjacent content words."""
    out = set()
    n = len(tokens)
    for i in range(n):
        if is_generic(tokens[i]):
            continue
        for k in range(1, MAX_PHRASE_WORDS + 1):
            if i + k > n:
                break
            gram = tuple(tokens[i:i + k])
            if not is_generic(gram[-1]):
                out.add(gram)
    return out


def _valid_phrase(gram: tuple[str, ...], subjects: frozenset[str] = frozenset()) -> bool:
    text = "".join(gram)
    if not MIN_PHRASE_CHARS <= len(text) <= MAX_PHRASE_CHARS:
        return False
    if len(set(gram)) < len(gram):
        return False  # 群群, 好好: repetition, not a phrase
    if len(gram) > 1 and not all(w in subjects or w.isascii() or pos_of(w) for w in gram):
        return False  # 比上, 只记: the segmenter's guesses make no part of a name
    if len(gram) > 1 and (_A_NOT_A.match(gram[0]) or not _is_head(gram[-1], subjects)):
        return False  # 是不是正品 asks, 儿子简直超级 breaks off: neither names anything
    if len(gram) > 1 and is_misread_name(gram[0]) and gram[0] not in subjects:
        return False  # 明白参数: 明白 is "understand" here, whose object is a whole clause
    return any(w in subjects or is_subject(w) for w in gram)


def _is_head(word: str, subjects: frozenset[str]) -> bool:
    """Whether ``word`` can end a name: Chinese phrases put their head last, a noun or an
    action (人, 掉落, 停车), never a modifier (超级, 主动)."""
    return word in subjects or word.isascii() or pos_of(word)[:1] in ("n", "v")


def phrase_subjects(merges: Sequence[tuple[str, str]]) -> frozenset[str]:
    """Learned phrases that hold a subject word (森林人, 副本掉落): subjects themselves.

    Chinese phrases put their head last, so a phrase must end in a noun or an action
    (人, 掉落, 停车): 学姐主动, ending in a modifier, is a clause cut short, not a name."""
    out: set[str] = set()
    for left, right in merges:
        if _A_NOT_A.match(left):
            continue  # 算不算违规, 能不能回放: a yes-no question, not a name
        holds = left in out or right in out or is_subject(left) or is_subject(right)
        if holds and _is_head(right, frozenset(out)):
            out.add(left + right)
    return frozenset(out)


def phrase_names(
    token_lists: Sequence[Sequence[str]],
    groups: Sequence[np.ndarray],
    texts: Sequence[str] | None = None,
    taken: Sequence[str] = (),
    fallback: Sequence[Sequence[str]] | None = None,
    subjects: frozenset[str] = frozenset(),
) -> list[str]:
    """One key-phrase name per group of item indices (see the module docstring).

    ``texts`` (the items' texts) confirm that a multi-word phrase is written as such;
    ``taken`` names are never reused; ``fallback`` keyword lists name a group that has no
    usable phrase (two non-generic keywords joined by ``·``); ``subjects`` are words that
    count as subjects besides the dictionaries' nouns (the run's learned phrases).
    """
    samples = [_sample(np.asarray(g)) for g in groups]
    # Each sampled item's candidates are found once, then counted and checked (_written)
    # from this table.
    found: dict[int, set[tuple[str, ...]]] = {}
    for s in samples:
        for i in s.tolist():
            if i not in found:
                found[i] = phrase_candidates(token_lists[i])
    per_group = [Counter(p for i in s.tolist() for p in found[i]) for s in samples]
    weights = [len(g) / max(len(s), 1) for g, s in zip(groups, samples, strict=True)]
    total: Counter = Counter()
    for counts, w in zip(per_group, weights, strict=True):
        for gram, c in counts.items():
            total[gram] += c * w
    used = set(taken)
    names = []
    for g, (counts, sample, w) in enumerate(zip(per_group, samples, weights, strict=True)):
        ranked = _rank(counts, total, len(sample), w, subjects)

        def usable(gram, sample=sample):
            text = "".join(gram)
            return text not in used and (
                len(gram) == 1 or texts is None or _written(gram, sample, found, texts)
            )

        best = next((r for r in ranked if usable(r[0])), None)
        name = None
        if best is not None:
            best = _extend(best, ranked, usable, subjects)
            if _bare_everyday(best[0], subjects):
                other = next((r for r in ranked if usable(r[0])
                              and not _bare_everyday(r[0], subjects)), None)
                if other is not None and other[1] >= EVERYDAY_YIELD * best[1]:
                    best = other
            name = "".join(best[0])
        if name is None:
            kws = list(fallback[g]) if fallback is not None else []
            name = fallback_name(kws, used)
        used.add(name)
        names.append(name)
    return names


def _bare_everyday(gram: tuple[str, ...], subjects: frozenset[str]) -> bool:
    return len(gram) == 1 and gram[0] not in subjects and is_everyday(gram[0])


def _extend(best, ranked, usable, subjects=frozenset()):
    """The best phrase that extends a bare word (副本 → 副本掉落, 小区 → 小区停车) and still
    covers a good part of its items (``EXTEND_SHARE``), else ``best``: a name says what
    about the subject. A phrase the run learned (副本掉落) is specific already."""
    gram, _, coverage = best
    if len(gram) > 1 or gram[0] in subjects:
        return best
    share = EXTEND_SHARE_EVERYDAY if is_everyday(gram[0]) else EXTEND_SHARE
    longer = [
        r for r in ranked
        if len(r[0]) > len(gram) and _contains(r[0], gram) and r[2] >= share * coverage
    ]
    return next((r for r in longer if usable(r[0])), best)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    k = len(shorter)
    return any(longer[i:i + k] == shorter for i in range(len(longer) - k + 1))


def fallback_name(keywords: Sequence[str], taken: set[str] | Sequence[str] = ()) -> str:
    """A name when no phrase qualifies: the first keyword that is a subject, else the first
    non-generic one; 未命名话题 when there is none (never a generic word)."""
    taken = set(taken)
    for test in (is_subject, lambda k: not is_generic(k) and not is_comment(k)):
        for kw in keywords:
            if len(kw) >= 2 and test(kw) and kw not in taken:
                return kw
    name, i = UNNAMED, 2
    while name in taken:
        name = f"{UNNAMED}({i})"
        i += 1
    return name


def _sample(members: np.ndarray) -> np.ndarray:
    if len(members) <= PHRASE_SAMPLE:
        return members
    pick = np.linspace(0, len(members) - 1, PHRASE_SAMPLE).round().astype(np.int64)
    return members[pick]


def _rank(counts: Counter, total: Counter, size: int, weight: float,
          subjects: frozenset[str] = frozenset()) -> list[tuple[tuple[str, ...], float, float]]:
    """Valid candidate phrases of one group, best first, as (phrase, score, coverage).

    Score: coverage (share of the group's items with the phrase) × specificity (share of
    the phrase's mentions that fall in this group) × a bonus per extra word.
    """
    scored = []
    min_count = 2 if size >= 4 else 1
    for gram, c in counts.items():
        if c < min_count or not _valid_phrase(gram, subjects):
            continue
        coverage = c / max(size, 1)
        specificity = (c * weight) / total[gram]
        score = coverage * specificity * (1.0 + LENGTH_BONUS * (len(gram) - 1))
        scored.append((-score, -len("".join(gram)), gram, coverage))
    scored.sort()
    return [(gram, -neg, cov) for neg, _, gram, cov in scored]


def _written(gram, sample, found, texts) -> bool:
    """Whether the joined phrase is written as such in most sampled items that have it
    (``found``: the candidates of each sampled item)."""
    text = "".join(gram)
    having = [i for i in sample.tolist() if gram in found[i]][:30]
    hits = sum(1 for i in having if text in (texts[i] or "").lower())
    return bool(having) and hits >= LITERAL_SHARE * len(having)


def pick_name_words(keywords: Sequence[str], n: int = 2, window: int = 6) -> list[str]:
    """The first ``n`` keywords that do not repeat one another (积分 vs 积分兑换).

    Among the first ``window`` keywords, words of two or more characters go first: a
    single character (买, 看) rarely reads as a name on its own. Degree and quantity
    words (超级, 两个) and generic words (有人, 开始) are skipped unless nothing else is left.
    """
    def weak(k: str) -> bool:
        return k in _GENERIC_NAME or bool(_WEAK_NAME.match(k)) or is_generic(k)

    head = [k for k in keywords[:window] if not weak(k)]
    ordered = [k for k in head if len(k) >= 2] + [k for k in head if len(k) < 2]
    ordered += [k for k in keywords[window:] if not weak(k)]
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
