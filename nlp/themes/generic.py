"""Generic words: words that never say what a theme is about (即将, 今日, 看出, 小时, 个人感觉).

A word is generic when any of these holds:

- it is a stopword of the segmenter (stopwords-iso's Chinese list, ours, the community
  filler list: 作为老成员, 个人感觉, 说实话, 原话 …) or our generic nouns (小时, 问题, 错误);
- jieba's dictionary gives it a function part of speech: adverb, pronoun, numeral,
  quantifier, time word, direction, conjunction, preposition, particle, modal, interjection
  or onomatopoeia (即将 d, 今日 t, 大多数 m, 一个月 m);
- the frequency criterion: it is a verb or adjective among the most frequent words of
  general Chinese (jieba's dictionary frequencies, the top ``FREQUENT_TOP`` entries): 看出,
  扩大, 觉得, 需要 are everyday verbs, not subjects;
- it is a calendar or relative time expression (上周三, 下个月, 每周一, 3月5日, 月底, 今晚):
  it says when, never what, and the dictionary tags some of them as names or nouns
  (上周三 nr, 上周五 n), so their part of speech does not catch them;
- it is a single Han character, or has no Han character, letter or digit.

The part-of-speech and frequency criteria do not apply to a noun of the community dictionary
(``nlp/data/community_userdict.txt``): jieba reads 周边 as a direction, 互动 and 更新 as
adverbs and 关注 as an everyday verb, while in community feedback they are what people talk
about (merchandise, interaction, updates, follows). A stopword stays generic.

Theme names are built only from phrases that start and end with a non-generic word, and the
benchmark counts names whose every word is generic (the target is none).
"""

from __future__ import annotations

import re
from functools import lru_cache

FREQUENT_TOP = 5000
# First letters of jieba's function-word part-of-speech flags.
FUNCTION_POS = frozenset("drcpumqtfyeoxw")
# Verb and adjective flags: generic when frequent (vn and an are nominal uses: 直播, 活动).
FREQUENT_GENERIC_POS = frozenset({"v", "vd", "vg", "vi", "vq", "a", "ad", "ag", "al"})
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_HAN = re.compile(r"^[\u4e00-\u9fff]$")
NAME_SEPARATORS = re.compile(r"[·/／、,，\s]+")
_NUMBER = r"(?:[0-9０-９]+|[一二三四五六七八九十两]+)"
_TIME_EXPRESSION = re.compile(
    r"^(?:"
    # weeks and weekdays: 上周三, 这个星期, 每周一, 下礼拜天, 周末
    r"[上下这本前每]?个?(?:周|星期|礼拜)[一二三四五六七日天末]?"
    # months and years: 下个月, 月底, 年初, 上半年
    r"|[上下这本前去今明每]?个?(?:半)?(?:月|年)(?:初|中|底|末|份)?"
    # dates and clock times: 3月5日, 五月, 12号, 8点半, 2024年
    rf"|{_NUMBER}(?:月|号|日|点|年)(?:{_NUMBER}(?:日|号|分)?)?[半多]?"
    # parts of a day: 今晚, 昨天晚上, 明早, 前天, 下午
    r"|[今明昨前后大]*[天晚早](?:上|晚上|早上|中午|下午|夜里)?"
    r"|(?:早上|上午|中午|下午|晚上|傍晚|半夜|凌晨)"
    r")$")


@lru_cache(maxsize=1)
def _frequent_floor() -> int:
    """The dictionary frequency of the ``FREQUENT_TOP``-th most frequent word."""
    import numpy as np

    from nlp.segment import jieba_dictionary

    freqs = np.fromiter(jieba_dictionary()[1].values(), dtype=np.int64)
    if len(freqs) <= FREQUENT_TOP:
        return 0
    return int(np.partition(freqs, len(freqs) - FREQUENT_TOP)[len(freqs) - FREQUENT_TOP])


@lru_cache(maxsize=200_000)
def is_generic(word: str) -> bool:
    """True when ``word`` says nothing about a topic (see the module docstring)."""
    from nlp.segment import jieba_dictionary, load_stopwords

    word = word.strip()
    if not word or not _MEANINGFUL.search(word) or _HAN.match(word):
        return True
    if _TIME_EXPRESSION.match(word):
        return True
    if word in load_stopwords() or word.lower() in load_stopwords():
        return True
    if word in _community_subjects():
        return False
    pos, freq = jieba_dictionary()
    flag = pos.get(word, "")
    if flag and flag[0] in FUNCTION_POS:
        return True
    return flag in FREQUENT_GENERIC_POS and freq.get(word, 0) >= _frequent_floor()


@lru_cache(maxsize=1)
def _community_subjects() -> frozenset[str]:
    """The community dictionary's nouns (周边, 互动, 更新, 回放): the terms of community
    operations, whatever general Chinese makes of them."""
    from nlp.segment import load_user_dictionary

    return frozenset(word for word, _, flag in load_user_dictionary()
                     if flag and (flag[0] == "n" or flag == "vn"))


@lru_cache(maxsize=200_000)
def is_everyday(word: str) -> bool:
    """True for a word among the most frequent of general Chinese whatever its part of
    speech (中国, 公司, 网友, 事件, 女人): a real subject, but on its own too broad to name a
    theme, so a name built on it says what about it (物业费, 公司拖欠工资)."""
    from nlp.segment import jieba_dictionary

    return jieba_dictionary()[1].get(word, 0) >= _frequent_floor()


def name_words(name: str, cut=None) -> list[str]:
    """The words of a theme name: split at separators (·, /), then cut each part."""
    if cut is None:
        cut = _default_cut()
    words: list[str] = []
    for part in NAME_SEPARATORS.split(name):
        if part:
            words.extend(w for w in cut(part) if w.strip())
    return words


@lru_cache(maxsize=1)
def _default_cut():
    from nlp.segment import Segmenter

    return Segmenter().cut


def is_generic_name(name: str, cut=None) -> bool:
    """True when every word of ``name`` is generic (即将·火箭 is not; 即将·今日 is)."""
    words = name_words(name, cut)
    return not words or all(is_generic(w) for w in words)


@lru_cache(maxsize=1)
def _default_segmenter():
    from nlp.segment import Segmenter

    return Segmenter()


# Noun-like flags: nouns, names, places, organisations, nominal verbs, Latin words.
_SUBJECT_POS = ("n", "vn", "nz", "ng", "nr", "ns", "nt", "eng", "an", "j")
# An unknown word that starts with a degree or negation character is an HMM join such as
# 太快 or 很稳: a comment, not a subject.
_DEGREE_START = frozenset("太很挺超真蛮好不没更最越")
# Pure degree adverbs: a word starting with one is a judgement even when a dictionary lists
# it (jieba lists 太短 as a noun).
_DEGREE_ADVERB_START = frozenset("太很挺超蛮越")


def pos_of(word: str) -> str:
    """The dictionaries' part-of-speech flag of ``word`` ("" when they do not know it)."""
    return _default_segmenter().pos_of(word)


@lru_cache(maxsize=200_000)
def is_subject(word: str) -> bool:
    """True for a word that can carry a topic: a noun-like word of the dictionaries (jieba's
    and the community dictionary) or a Latin term. Words the dictionaries do not know are
    mostly the HMM's joins (卡得, 群问), so they are not subjects by themselves.

    A common word that the dictionary reads as a name (:func:`is_misread_name`) is no
    subject."""
    if is_generic(word):
        return False
    if word.isascii():
        return True
    if is_misread_name(word):
        return False
    return pos_of(word).startswith(_SUBJECT_POS) and not is_comment(word)


def is_predicate_form(word: str) -> bool:
    """A verb with its aspect or complement particle (算得 in 算得不对, 看着, 变得): it says how
    something went, never what it was about, so it is no keyword. A dictionary noun stays
    (心得)."""
    if len(word) < 2 or word[-1] not in "得了着" or word.isascii():
        return False
    return pos_of(word[:-1]).startswith("v") and not pos_of(word).startswith("n")


def is_keyword_noise(word: str) -> bool:
    """A word no keyword list shows (item keywords, theme keywords, word clouds): a generic
    word or a verb with its particle."""
    return is_generic(word) or is_predicate_form(word)


def is_misread_name(word: str) -> bool:
    """A person-name flag on one of the most frequent words of general Chinese: the
    dictionary's second reading of a common word (明白 nr), not a name."""
    return pos_of(word) == "nr" and is_everyday(word)


@lru_cache(maxsize=200_000)
def is_comment(word: str) -> bool:
    """True for a word that comments rather than names: an adjective, adverb or idiom (快,
    很差, 没人理), a word that starts with a degree adverb (太短, 越来越快) or, unknown to the
    dictionaries, with a negation or degree character (不太会), or one with a particle or
    copula inside (得太多, 镜是). Such words never join a collocation."""
    if word.isascii():
        return False
    flag = pos_of(word)
    if flag[:1] in ("a", "d", "l") or any(ch in word for ch in "得了的着是"):
        return True
    if len(word) > 1 and word[0] in _DEGREE_ADVERB_START:
        return True
    return not flag and word[0] in _DEGREE_START
