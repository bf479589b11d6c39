"""The sentiment lexicon and its arithmetic: polar words and phrases, negation, degree, markers.

:func:`lexicon_scores` is the plain definition of what the model's lexicon features mean;
:mod:`nlp.sentiment.batch` computes the same numbers vectorised over whole batches (a test
checks that the two agree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "sentiment_lexicon.txt"

# Tokens that close a negation or degree scope.
CLAUSE_BREAKS = frozenset("，,。.！!？?；;~～…\n 、：:")
NEGATION_SCOPE = 3  # tokens after a negator that it can reach
DEGREE_SCOPE = 2
NEGATED_WEIGHT = 0.8  # "不太好" is weaker than "差"
INTENSIFIED_NEGATOR = 1.8  # 不能再好了: a negator before 再 intensifies
EMPHATIC_DEGREE = 1.6  # 一点都不卡: "a little" before 都 / 也 is emphatic
CONTRAST_DISCOUNT = 0.3  # 虽然很好，但是太贵了: what comes before the last turn word counts less
DECLINE_SCOPE = 4  # tokens back that a decline word (变少, 下降) reaches: 刷屏的人明显少了
# Opening and closing quotation marks: praise inside them is sarcasm (真是“稳定”呢).
OPEN_QUOTES = frozenset("“‘「『\"")
CLOSE_QUOTES = frozenset("”’」』\"")
# Particles that may follow a word without making it a modifier (好的, 好了, 好啊).
PARTICLES = "了啊呀啦哦的吧呢嘛哈么喔噢哇"
# First characters of a token after which 好 stays praise (好太多了, 好很多, 好多了: "much better").
COMPARATIVE_HEADS = "太很多更"
# 偏 + a one-character adjective is "too …" (偏小, 偏贵, 偏淡): a mild complaint.
SLANT_PREFIX, SLANT_VALUE = "偏", -0.5
SLANT_EXCEPTIONS = frozenset(("偏好", "偏偏", "偏向", "偏方"))
# Tokens after which an emphatic degree word is emphatic (一点都不, 一点也不).
EMPHATIC_NEXT = frozenset(("都", "也", "都不", "也不", "都没", "也没"))
# "<number><unit>" tokens: a stretch of time (三天, 一周, 两个小时, 半个月, 48小时).
_TIMESPAN = re.compile(
    r"^(?:[0-9]+|[一二两三四五六七八九十几半多数]+)(?:个)?(?:多)?"
    r"(?:天|日|周|星期|礼拜|月|年|小时|钟头|分钟)(?:多)?$"
)

# Marker bits (see the file's header): what a token says about the text it is in.
M_WHY, M_WHY_SOFT, M_PERSIST, M_REQUEST, M_PROHIBIT, M_ASK = 1, 2, 4, 8, 16, 32
M_NEG_INTENSIFY, M_EMPHATIC, M_TIMESPAN, M_DECLINE = 64, 128, 256, 512
_MARKER_SECTIONS = {
    "why": M_WHY, "why_soft": M_WHY_SOFT, "persist": M_PERSIST, "request": M_REQUEST,
    "prohibit": M_PROHIBIT, "ask": M_ASK, "neg_intensify": M_NEG_INTENSIFY,
    "emphatic": M_EMPHATIC, "decline": M_DECLINE,
}


@dataclass(frozen=True)
class Lexicon:
    """Polar words and two-token phrases, negators, degree and contrast words, markers."""

    polarity: dict[str, float]
    negators: frozenset[str]
    degree: dict[str, float]
    contrast: frozenset[str]
    markers: dict[str, int] = field(default_factory=dict)
    phrases: dict[tuple[str, str], float] = field(default_factory=dict)
    courtesy: frozenset[str] = frozenset()  # thanks and please (谢谢 辛苦了 麻烦了)
    addressees: frozenset[str] = frozenset()  # whom a sign-off thanks (运营 群主 老师 大家)
    # Framing openers and closers (提个小建议 说句实话 期待后续), as their tokens joined.
    framing: frozenset[str] = frozenset()
    framing_tokens: frozenset[str] = frozenset()  # every token of those phrases

    def marks(self, token: str) -> int:
        """Marker bits of a token (timespans are recognised by their form)."""
        bits = self.markers.get(token, 0)
        if len(token) <= 8 and _TIMESPAN.match(token):
            bits |= M_TIMESPAN
        return bits

    @property
    def phrase_heads(self) -> frozenset[str]:
        """First tokens of the two-token phrases."""
        heads = self.__dict__.get("_heads")
        if heads is None:
            heads = frozenset(a for a, _ in self.phrases)
            object.__setattr__(self, "_heads", heads)  # frozen dataclass: cache by hand
        return heads


def _sections(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
        elif current is not None:
            sections[current].append(line.split())
    return sections


@lru_cache(maxsize=1)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Read the shipped lexicon (or another file in the same format)."""
    sections = _sections(Path(path or LEXICON_PATH).read_text(encoding="utf-8"))
    polarity: dict[str, float] = {}
    phrases: dict[tuple[str, str], float] = {}
    for name, sign in (("positive", 1.0), ("negative", -1.0)):
        for parts in sections.get(name, []):
            value = sign * (float(parts[1]) if len(parts) > 1 else 1.0)
            pieces = parts[0].split("+")
            if len(pieces) == 2:
                phrases[(pieces[0], pieces[1])] = value
            elif len(pieces) == 1:
                polarity[parts[0]] = value
            # Longer phrases are not matched; the data file keeps to two tokens.
    markers: dict[str, int] = {}
    for name, bit in _MARKER_SECTIONS.items():
        for parts in sections.get(name, []):
            markers[parts[0]] = markers.get(parts[0], 0) | bit
    return Lexicon(
        polarity=polarity,
        negators=frozenset(p[0] for p in sections.get("negator", [])),
        degree={p[0]: float(p[1]) for p in sections.get("degree", []) if len(p) > 1},
        contrast=frozenset(p[0] for p in sections.get("contrast", [])),
        markers=markers,
        phrases=phrases,
        courtesy=frozenset(form for p in sections.get("courtesy", [])
                           for form in (p[0].lower(), p[0].upper(), p[0].capitalize())),
        addressees=frozenset(p[0] for p in sections.get("addressee", [])),
        framing=frozenset(p[0].replace("+", "") for p in sections.get("framing", [])),
        framing_tokens=frozenset(t for p in sections.get("framing", [])
                                 for t in p[0].split("+")),
    )


def _fused_polarity(token: str, lex: Lexicon) -> float | None:
    value = lex.polarity.get(token)
    if value is not None:
        return value
    if len(token) >= 2:
        for neg_len in (2, 1):
            head, rest = token[:neg_len], token[neg_len:]
            if head in lex.negators and rest in lex.polarity:
                return -lex.polarity[rest]
    return None


def token_polarity(token: str, lex: Lexicon) -> float:
    """Polarity of one token, reading fused words the segmenter keeps whole.

    A fused negator flips (不好, 没用, 不满意); a fused degree word scales (太棒, 好慢, 真不错);
    a leading 再 is read through (再萌 in 不能再萌); 偏 + an adjective is a mild complaint
    (偏小, 偏贵); a trailing particle is ignored (太棒了, 不好了). The segmenter keeps many
    such short phrases as one token, and they are most of what a one-line answer says.
    """
    value = _fused_polarity(token, lex)
    if value is not None:
        return value
    core = token.rstrip(PARTICLES) if len(token) >= 2 else token
    if core != token and core:
        value = _fused_polarity(core, lex)
        if value is not None:
            return value
    for deg_len in (2, 1):
        head, rest = core[:deg_len], core[deg_len:]
        if rest and head in lex.degree and head not in lex.negators:
            value = _fused_polarity(rest, lex)
            if value is not None:
                return value * lex.degree[head]
    if len(core) >= 2 and core[0] == "再":
        value = _fused_polarity(core[1:], lex)
        if value is not None:
            return value
    if len(core) == 2 and core[0] == SLANT_PREFIX and core not in SLANT_EXCEPTIONS \
            and "\u4e00" <= core[1] <= "\u9fff":
        return SLANT_VALUE
    return 0.0


# Lexicon roles of a token, in the order token_role decides them.
ROLE_POLAR, ROLE_BREAK, ROLE_CONTRAST, ROLE_NEGATOR, ROLE_DEGREE = 0, 1, 2, 3, 4


def token_role(tok: str, lex: Lexicon) -> tuple[int, float]:
    """(lexicon role, value) of one token on its own, before its neighbours are looked at.

    Roles: break (punctuation or space), contrast (a turn word), negator, degree (value =
    its multiplier), or polar (value = its polarity, 0 for neutral words). "Don't" words
    (别, 不要) are plain: they do not flip what follows.
    """
    if tok in CLAUSE_BREAKS or not tok.strip():
        return ROLE_BREAK, 0.0
    if tok in lex.contrast:
        return ROLE_CONTRAST, 0.0
    if lex.markers.get(tok, 0) & M_PROHIBIT:
        return ROLE_POLAR, 0.0
    if tok in lex.negators:
        return ROLE_NEGATOR, 0.0
    if tok in lex.degree and tok not in lex.polarity:
        return ROLE_DEGREE, lex.degree[tok]
    return ROLE_POLAR, token_polarity(tok, lex)


def is_modifiable(tok: str, lex: Lexicon) -> bool:
    """Whether a token is a content word that a preceding 好 / 实在 would modify (好辛苦, 好几次),
    rather than a particle (好的, 好了), a turn word or a comparative (好太多了, 好很多)."""
    return bool(tok.strip()) and tok not in CLAUSE_BREAKS and tok not in PARTICLES \
        and tok[0] not in "的了啊呀吧呢嘛" and tok[0] not in COMPARATIVE_HEADS \
        and tok not in lex.contrast


@dataclass(frozen=True)
class LexiconScores:
    """What :func:`lexicon_scores` finds in a token list."""

    pos: float
    neg: float
    negated: int
    tail_pos: float
    tail_neg: float
    quoted: int
    markers: int  # OR of the marker bits present (a soft why only counts before 又 / 没 …)


def resolved_roles(tokens: list[str], lex: Lexicon
                   ) -> tuple[list[int], list[float], int, list[bool]]:
    """Per token its role and value once its neighbours are read; the quoted praise count; and
    per token whether it was read as a degree word (好辛苦).

    In this order: two-token phrases (a pair matches when the pair before it does not); 好 /
    实在 followed by a content word become degree words; a neg-intensifier before a 再… token
    becomes a degree word; an emphatic degree word before 都 / 也 gets the emphatic
    multiplier; praise between quotation marks flips; last, a decline word (变少, 下降) flips
    the nearest polar word up to ``DECLINE_SCOPE`` tokens before it in its clause, and then
    counts 0 itself (with no polar word there it keeps its own value).
    """
    n = len(tokens)
    roles, values = zip(*(token_role(t, lex) for t in tokens), strict=True) if n else ((), ())
    roles, values = list(roles), list(values)
    pair = [i + 1 < n and (tokens[i], tokens[i + 1]) in lex.phrases for i in range(n)]
    touched = [False] * n
    for i in range(n):
        if pair[i] and not (i > 0 and pair[i - 1]):
            roles[i], values[i] = ROLE_POLAR, lex.phrases[(tokens[i], tokens[i + 1])]
            roles[i + 1], values[i + 1] = ROLE_POLAR, 0.0
            touched[i] = touched[i + 1] = True
    quoted = 0
    intensified = [False] * n
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < n else ""
        dual = tok in lex.degree and tok in lex.polarity
        if dual and roles[i] == ROLE_POLAR and not touched[i] and nxt \
                and is_modifiable(nxt, lex):
            roles[i], values[i] = ROLE_DEGREE, lex.degree[tok]
            intensified[i] = True
        elif roles[i] == ROLE_NEGATOR and lex.markers.get(tok, 0) & M_NEG_INTENSIFY \
                and nxt.startswith("再"):
            roles[i], values[i] = ROLE_DEGREE, INTENSIFIED_NEGATOR
        elif roles[i] == ROLE_DEGREE and lex.markers.get(tok, 0) & M_EMPHATIC \
                and nxt in EMPHATIC_NEXT:
            values[i] = EMPHATIC_DEGREE
        elif roles[i] == ROLE_POLAR and values[i] > 0 and 0 < i < n - 1 \
                and tokens[i - 1] in OPEN_QUOTES and nxt in CLOSE_QUOTES:
            values[i] = -values[i]
            quoted += 1
    # A decline word turns the polar word just before it in its clause (干货变少了: less of
    # something good; 刷屏的人少了: less of something bad) and then says nothing itself.
    read = list(values)
    for i, tok in enumerate(tokens):
        if not lex.markers.get(tok, 0) & M_DECLINE or roles[i] != ROLE_POLAR:
            continue
        for j in range(i - 1, max(-1, i - 1 - DECLINE_SCOPE), -1):
            if roles[j] in (ROLE_BREAK, ROLE_CONTRAST):
                break
            if roles[j] == ROLE_POLAR and read[j] != 0:
                values[j] = -read[j]
                values[i] = 0.0
                break
    return roles, values, quoted, intensified


def _marker_bits(tokens: list[str], lex: Lexicon) -> int:
    bits = 0
    for i, tok in enumerate(tokens):
        mark = lex.marks(tok)
        if mark & M_WHY_SOFT:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if lex.marks(nxt) & M_PERSIST or nxt in lex.negators:
                bits |= M_WHY
        bits |= mark & ~M_WHY_SOFT
    return bits


def lexicon_scores(tokens: list[str], lex: Lexicon | None = None) -> LexiconScores:
    """The lexicon reading of a token list (the definition the vectorised scan follows).

    After :func:`resolved_roles`, a negator flips (and weakens) the polar words up to
    ``NEGATION_SCOPE`` tokens later in the same clause; a degree word scales the first polar
    word within ``DEGREE_SCOPE`` tokens; punctuation and turn words close both scopes. What
    precedes the last turn word counts ``CONTRAST_DISCOUNT`` times in ``pos`` / ``neg``; the
    tail sums cover what follows it (0 when there is none).
    """
    lex = lex or load_lexicon()
    roles, values, quoted, _ = resolved_roles(tokens, lex)
    pos = neg = tail_pos = tail_neg = 0.0
    negated = 0
    scale = 1.0
    neg_left = deg_left = 0
    last_turn = max((i for i, r in enumerate(roles) if r == ROLE_CONTRAST), default=-1)
    for i, (role, value) in enumerate(zip(roles, values, strict=True)):
        if role in (ROLE_BREAK, ROLE_CONTRAST):
            neg_left = deg_left = 0
            scale = 1.0
            continue
        if role == ROLE_NEGATOR:
            neg_left = NEGATION_SCOPE
            negated += 1
            continue
        if role == ROLE_DEGREE:
            scale = value
            deg_left = DEGREE_SCOPE
            continue
        if value:
            if neg_left > 0:
                value = -value * NEGATED_WEIGHT
            value *= scale if deg_left > 0 else 1.0
            if last_turn >= 0 and i > last_turn:
                tail_pos += max(value, 0.0)
                tail_neg += max(-value, 0.0)
            elif last_turn >= 0:
                value *= CONTRAST_DISCOUNT
            if value > 0:
                pos += value
            else:
                neg -= value
            scale, deg_left = 1.0, 0
        neg_left = max(0, neg_left - 1)
        deg_left = max(0, deg_left - 1)
    return LexiconScores(pos, neg, negated, tail_pos, tail_neg, quoted,
                         _marker_bits(tokens, lex))
