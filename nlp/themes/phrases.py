"""Collocations: adjacent words that a run uses as one (森林 人 → 森林人, 水平 对置 → 水平对置).

The segmenter's dictionary keeps known terms whole (the community user dictionary); a
community's own entities (a car model, a game's dungeon, a fan club) are learned per run:
a pair of adjacent content words becomes one word when

- it occurs in at least ``min_count`` items (3, or one item in a thousand in large runs),
- its normalised pointwise mutual information is at least ``min_npmi`` (the two words
  mostly occur together, not just often),
- the joined form is at most 8 characters, neither word is generic or a comment (快,
  太难: a judgement is not part of a name) or a clause (算不算, 交不上), a single Han
  character only ends a pair and is no verb or adjective (森林人, 周年庆: a suffix; not 找
  or 算), the second word is no adverb-like, function or complement word (学姐 主动,
  作业 混在), an unknown word does not start with a function character or preposition (只会,
  那节, 比看: the segmenter's joins), and
- where the texts are known, the joined form is written as such (no punctuation or other
  words between) in most of the items that have the pair, and in most of them its edge
  characters do not form a common word with the characters next to it (the 前提 of
  直播前提前测试 is half of 提前: the segmenter's cut, not the members' phrase).

Two rounds allow three-word phrases (水平 对置 发动机). The table is stored with the theme
model and applied the same way to every item of a run and to every new item.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from nlp.themes.generic import is_comment, is_generic, is_misread_name, pos_of

MAX_CHARS = 8
ROUNDS = 2
# Characters that start the segmenter's unknown-word joins of a function word and more
# (prepositions included: 比看 in 比看视频强 is 比 + 看).
FUNCTION_INITIALS = frozenset("只那这一很太挺超真蛮好不没更最都也就还才又再已被把给让比跟和与从向")
# Flags of words that never end a name: distinguishing words (主动, 临时), pronouns, numerals,
# measure words, prepositions, conjunctions, particles, interjections.
_NOT_NAME_END = ("b", "r", "m", "q", "p", "c", "u", "y", "e", "o")
# Verb complements: an unknown word ending in one is a verb with its complement (混在, 发到),
# which waits for its object; the phrase is the start of a clause.
_COMPLEMENT_ENDS = frozenset("在到给于")
# A word across a pair's edge (提前 in 直播前提前) counts when the dictionary finds it at least
# this often, and at least this share as often as the pair's own edge word (前提).
OVERLAP_MIN_FREQ = 50
OVERLAP_SHARE = 0.1
# Collocations are frequent by definition: an evenly spaced sample of this many items finds
# them as well as the whole run, at a fraction of the cost on large runs.
SAMPLE = 20_000


def learn_phrases(
    token_lists: Sequence[Sequence[str]],
    texts: Sequence[str] | None = None,
    *,
    min_count: int | None = None,
    min_npmi: float = 0.5,
    literal_share: float = 0.6,
) -> list[tuple[str, str]]:
    """The adjacent word pairs to merge, in the order they must be applied."""
    n = len(token_lists)
    if n == 0:
        return []
    step = -(-n // SAMPLE)
    if step > 1:
        token_lists = token_lists[::step]
        texts = texts[::step] if texts is not None else None
    if min_count is None:
        min_count = max(3, len(token_lists) // 1000)
    merges: list[tuple[str, str]] = []
    current = [list(t) for t in token_lists]
    for _ in range(ROUNDS):
        found = _round(current, texts, min_count, min_npmi, literal_share)
        if not found:
            break
        merges.extend(found)
        current = apply_phrases(current, found)
    return merges


def _round(token_lists, texts, min_count, min_npmi, literal_share) -> list[tuple[str, str]]:
    """One round: document frequencies of words and adjacent pairs, then the NPMI test."""
    flat = list(chain.from_iterable(token_lists))
    if len(flat) < 2:
        return []
    words = list(dict.fromkeys(flat))
    vocab = {w: i for i, w in enumerate(words)}
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
    docs = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)
    n_docs, v = len(token_lists), len(vocab)
    same = docs[1:] == docs[:-1]
    key = (ids[:-1] * v + ids[1:])[same]
    pair_doc = docs[1:][same]
    # Document frequencies: a pair or a word counts once per item.
    pair_keys, pair_df = _counts(_distinct(key * n_docs + pair_doc) // n_docs)
    word_df = np.bincount(_distinct(ids * n_docs + docs) // n_docs, minlength=v)
    cand = pair_df >= min_count
    if not cand.any():
        return []
    keys = pair_keys[cand]
    a, b = np.divmod(keys, v)
    p_ab = pair_df[cand] / n_docs
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log(p_ab / ((word_df[a] / n_docs) * (word_df[b] / n_docs)))
        npmi = npmi / -np.log(np.minimum(p_ab, 1.0 - 1e-9))
    by_key = np.argsort(key, kind="stable")
    sorted_keys = key[by_key]
    out: list[tuple[str, str]] = []
    taken: set[str] = set()
    for j in np.argsort(-npmi, kind="stable").tolist():
        if not npmi[j] >= min_npmi:
            break
        left, right = words[a[j]], words[b[j]]
        if left in taken or right in taken or not _mergeable(left, right):
            continue
        if texts is not None:
            lo, hi = np.searchsorted(sorted_keys, [keys[j], keys[j] + 1])
            where = pair_doc[by_key[lo:hi]][:50].tolist()
            joined = left + right
            # Tokens are lower-cased ASCII (nd), texts as written (ND镜).
            written = [t for t in ((texts[i] or "").lower() for i in where) if joined in t]
            if len(written) < literal_share * len(where) or _cut_across(left, right, written):
                continue
        # A word joins one phrase per round, so overlapping pairs do not fight.
        taken.update((left, right))
        out.append((left, right))
    return out


def _cut_across(left: str, right: str, texts: Sequence[str]) -> bool:
    """Whether the pair's edge characters mostly belong to a word across its boundary:
    直播前提前测试 is cut 直播 / 前提 / 前 / 测试, and the 前提 of 直播前提 is half of 提前.
    The word across must be a common one (the dictionary's 理得 of 整理得很好 is not)."""
    from nlp.segment import jieba_dictionary

    freq = jieba_dictionary()[1]
    joined = left + right

    def common(word: str, than: str) -> bool:
        return freq.get(word, 0) >= max(OVERLAP_MIN_FREQ, OVERLAP_SHARE * freq.get(than, 0))

    across = 0
    for text in texts:
        at = text.find(joined)
        after = text[at + len(joined):at + len(joined) + 1]
        before = text[at - 1:at] if at > 0 else ""
        if (after and common(right[-1] + after, right)) or (
                before and common(before + left[0], left)):
            across += 1
    return across * 2 >= len(texts) > 0


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a comparison: faster than numpy's hashing unique)."""
    values = np.sort(values)
    if not len(values):
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _counts(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of an already sorted array and how often each occurs."""
    if not len(sorted_values):
        return sorted_values, sorted_values
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    return sorted_values[starts], np.diff(np.r_[starts, len(sorted_values)])


def _mergeable(left: str, right: str) -> bool:
    """Two words that may form one name (see the module docstring)."""
    if len(left) + len(right) > MAX_CHARS or (left.isascii() and right.isascii()):
        return False
    if len(left) == 1 and _is_han(left):
        # A bare character attaches as a suffix (森林人, 周年庆), not as a prefix: 庆+活动
        # is a cut of 周年庆 / 活动 gone wrong.
        return False
    flag = pos_of(right)
    if len(right) == 1:
        if flag[:1] in ("v", "a", "d", "") and not flag.endswith("g"):
            # 找, 算, 写: a verb after a noun is a clause, not a suffix; bound morphemes such
            # as 庆 (vg) and 典 (zg) do end names.
            return False
    elif flag[:1] in _NOT_NAME_END or (not flag and right[-1] in _COMPLEMENT_ENDS):
        return False
    if is_misread_name(left):
        return False  # 明白 参数: the dictionary's name reading of a common verb
    for word in (left, right):
        if not (_is_han(word) or (word.isascii() and word.isalnum())):
            return False
        if len(word) > 1 and (is_generic(word) or is_comment(word) or _is_clause(word)):
            return False
        if not word.isascii() and not pos_of(word) and word[0] in FUNCTION_INITIALS:
            return False  # 只会, 那节, 一看: the HMM's joins of a function character
    return True


def _is_clause(word: str) -> bool:
    """A negated or questioning word, never part of a name: A-not-A questions (算不算, 有没有),
    negated results (交不上, 看不懂) and judgements (不太好), unless a dictionary lists the
    word as a noun (不锈钢)."""
    return ("不" in word or "没" in word) and not pos_of(word).startswith("n")


def _is_han(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def apply_phrases(token_lists: Sequence[Sequence[str]], merges: Sequence[tuple[str, str]]
                  ) -> list[list[str]]:
    """Every item's tokens with the learned pairs joined, left to right, pair by pair."""
    if not merges:
        return [list(t) for t in token_lists]
    table = {pair: i for i, pair in enumerate(merges)}
    firsts = {left for left, _ in merges}
    return [_apply_one(list(toks), table, firsts) if not firsts.isdisjoint(toks) else list(toks)
            for toks in token_lists]


def _apply_one(toks: list[str], table: dict[tuple[str, str], int], firsts: set[str]
               ) -> list[str]:
    # Apply merges in their learned order so the result does not depend on the item.
    while True:
        best, at = None, -1
        for i in range(len(toks) - 1):
            if toks[i] in firsts:
                rank = table.get((toks[i], toks[i + 1]))
                if rank is not None and (best is None or rank < best):
                    best, at = rank, i
        if best is None:
            return toks
        toks[at:at + 2] = [toks[at] + toks[at + 1]]
