"""Courtesy sign-offs: a text is read without its opening or closing thanks and pleases.

Members end complaints politely (…回放一直打不开，辛苦运营了 / …麻烦看一下，谢谢 / …拜托了).
Review corpora taught the n-grams that 谢谢 and 辛苦 are praise, so a polite ending turned
complaints positive and suggestions into thanks. A clause made only of courtesy words
(``[courtesy]`` in the lexicon: 谢谢 辛苦了 麻烦了 拜托), whom they address (``[addressee]``:
运营 群主 老师 大家 …) and particles is a sign-off, not a verdict: when the text says anything
else, such clauses at its start and end are left out of what the model reads. A text that is
only thanks (谢谢群主！辛苦了) keeps them and stays praise.

Framing openers and closers (``[framing]``: 提个小建议 说句实话 讲真 期待后续 加油) are
sign-offs in the same way: 「提个小建议：打卡老是失败，希望修一下，期待后续～」 is read as
「打卡老是失败，希望修一下」, a complaint, not as a suggestion with a hopeful ending. The model
reads texts this way both in training and in prediction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from nlp.sentiment.lexicon import CLAUSE_BREAKS, Lexicon, load_lexicon

# Tokens a sign-off may hold besides courtesy words and addressees (辛苦运营了, 谢谢大家啦～).
_FILLER_CHARS = frozenset("了啦啊呀哈哦呢的嘛们咯喔噢哇吧～~先")
_FILLER_WORDS = frozenset(("一下", "提前", "哈哈", "在此", "真的", "非常", "十分", "万分"))
# Punctuation that only separated the body from the sign-off.
_SOFT_ENDS = frozenset("，,、;；")
# How many tokens, and characters, from either end a framing clause can reach (see _framed).
_FRAMING_REACH = 8
_FRAMING_CHARS = 14


@lru_cache(maxsize=100_000)
def _is_break(tok: str) -> bool:
    # Cached: every sign-off test asks it of the same few thousand tokens again and again.
    return tok in CLAUSE_BREAKS or not tok.strip() or all(not ch.isalnum() for ch in tok)


def _sign_off_word(tok: str, lex: Lexicon) -> int:
    """2 for a courtesy word, 1 for an addressee or particle, 0 for anything else."""
    low = tok.lower()
    if low in lex.courtesy:
        return 2
    if tok in lex.addressees or tok in _FILLER_WORDS or set(tok) <= _FILLER_CHARS:
        return 1
    return 0


def _segments(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """[start, end) of each punctuation-delimited run of tokens (breaks included at its end)."""
    out, start = [], 0
    for i, tok in enumerate(tokens):
        if _is_break(tok) and (i + 1 == len(tokens) or not _is_break(tokens[i + 1])):
            out.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        out.append((start, len(tokens)))
    return out


def _is_sign_off(tokens: Sequence[str], lex: Lexicon) -> bool:
    words = [t for t in tokens if not _is_break(t)]
    kinds = [_sign_off_word(t, lex) for t in words]
    if kinds and min(kinds) > 0 and max(kinds) == 2:
        return True
    # A framing phrase, cut into any tokens, with only addressees and particles around it.
    core = "".join(t for t, k in zip(words, kinds, strict=True) if k != 1)
    return core in lex.framing if core else False


def _end_clause(tokens: Sequence[str], backwards: bool) -> list[str]:
    """The words of the first (or last) clause of ``tokens``."""
    words: list[str] = []
    for tok in (reversed(tokens) if backwards else tokens):
        if _is_break(tok):
            if words:
                break
            continue
        words.append(tok)
    return words[::-1] if backwards else words


def _framed(tokens: Sequence[str], lex: Lexicon) -> bool:
    """Whether the first or the last clause of ``tokens`` is a framing phrase."""
    # A framing clause is a short phrase with at most a few particles and addressees around
    # it, so only the first and last few tokens can hold it.
    ends = lex.framing_tokens
    if ends.isdisjoint(tokens[:_FRAMING_REACH]) and ends.isdisjoint(tokens[-_FRAMING_REACH:]):
        return False
    return any(_is_sign_off(_end_clause(tokens, back), lex) for back in (False, True))


def _may_sign_off(tokens: Sequence[str], lex: Lexicon) -> bool:
    """Cheap test: whether ``tokens`` hold a courtesy word or open or close with framing."""
    return not lex.courtesy.isdisjoint(tokens) or _framed(tokens, lex)


def body_span(tokens: Sequence[str], lex: Lexicon | None = None) -> tuple[int, int]:
    """[start, end) of ``tokens`` without leading and trailing sign-off clauses.

    The whole range when there is no sign-off, or when nothing but sign-offs would be left.
    """
    lex = lex or load_lexicon()
    if not _may_sign_off(tokens, lex):
        return 0, len(tokens)
    segments = _segments(tokens)
    lo, hi = 0, len(segments)
    while hi > lo and _is_sign_off(tokens[slice(*segments[hi - 1])], lex):
        hi -= 1
    while lo < hi and _is_sign_off(tokens[slice(*segments[lo])], lex):
        lo += 1
    if lo >= hi:
        return 0, len(tokens)
    start, end = segments[lo][0], segments[hi - 1][1]
    while end > start and (not tokens[end - 1].strip() or tokens[end - 1] in _SOFT_ENDS):
        end -= 1
    return start, end


@lru_cache(maxsize=4)
def _framing_pattern(phrases: frozenset[str]) -> re.Pattern[str] | None:
    """One regular expression for the framing phrases (longest first), None without any."""
    if not phrases:
        return None
    return re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))


def without_sign_offs(texts: Sequence[str], cuts: Sequence[Sequence[str]]
                      ) -> tuple[list[str], list[Sequence[str]]]:
    """Texts and cuts without their sign-off clauses (see :func:`body_span`).

    A text whose tokens spell it becomes the kept tokens joined, so clause offsets still match;
    any other text keeps its wording and only loses the tokens.
    """
    lex = load_lexicon()
    courtesy = lex.courtesy
    framing = _framing_pattern(lex.framing)
    reach = _FRAMING_CHARS
    out_texts, out_cuts = list(texts), list(cuts)  # unchanged cuts are shared, not copied
    for i, cut in enumerate(out_cuts):
        if courtesy.isdisjoint(cut):
            # Most texts have no framing near either end: one search in C rules them out.
            text = out_texts[i]
            if (framing is None or not (framing.search(text, 0, reach)
                                        or framing.search(text, max(0, len(text) - reach)))
                    or not _framed(cut, lex)):
                continue
        start, end = body_span(cut, lex)
        if (start, end) == (0, len(cut)):
            continue
        kept = list(cut[start:end])
        if out_texts[i] == "".join(cut):
            out_texts[i] = "".join(kept)
        out_cuts[i] = kept
    return out_texts, out_cuts
