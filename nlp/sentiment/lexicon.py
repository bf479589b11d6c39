"""The sentiment lexicon: polar words, negators, degree words and contrast words, and scoring."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "sentiment_lexicon.txt"

# Tokens that close a negation or degree scope.
CLAUSE_BREAKS = frozenset("，,。.！!？?；;~～…\n 、：:")
NEGATION_SCOPE = 3  # tokens after a negator that it can reach
DEGREE_SCOPE = 2


@dataclass(frozen=True)
class Lexicon:
    """Polar words (word -> signed weight), negators, degree words and contrast words."""

    polarity: dict[str, float]
    negators: frozenset[str]
    degree: dict[str, float]
    contrast: frozenset[str]


@lru_cache(maxsize=1)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Read the shipped lexicon (or another file in the same format)."""
    text = Path(path or LEXICON_PATH).read_text(encoding="utf-8")
    sections: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
            continue
        if current is None:
            continue
        sections[current].append(line.split())
    polarity: dict[str, float] = {}
    for parts in sections.get("positive", []):
        polarity[parts[0]] = float(parts[1]) if len(parts) > 1 else 1.0
    for parts in sections.get("negative", []):
        polarity[parts[0]] = -(float(parts[1]) if len(parts) > 1 else 1.0)
    return Lexicon(
        polarity=polarity,
        negators=frozenset(p[0] for p in sections.get("negator", [])),
        degree={p[0]: float(p[1]) for p in sections.get("degree", []) if len(p) > 1},
        contrast=frozenset(p[0] for p in sections.get("contrast", [])),
    )


def token_polarity(token: str, lex: Lexicon) -> float:
    """Polarity of one token, reading a fused negator (不好, 没用, 不满意) as a flip."""
    value = lex.polarity.get(token)
    if value is not None:
        return value
    if len(token) >= 2:
        for neg_len in (2, 1):
            head, rest = token[:neg_len], token[neg_len:]
            if head in lex.negators and rest in lex.polarity:
                return -lex.polarity[rest]
    return 0.0


def lexicon_scores(tokens: list[str], lex: Lexicon | None = None) -> tuple[float, float, int]:
    """Positive mass, negative mass and negator count of a token list.

    A negator flips the polarity of polar words up to ``NEGATION_SCOPE`` tokens later in the
    same clause; a degree word scales the next polar word.
    """
    lex = lex or load_lexicon()
    pos = neg = 0.0
    negated = 0
    scale = 1.0
    neg_left = deg_left = 0
    negators = lex.negators
    for tok in tokens:
        if tok in CLAUSE_BREAKS or tok in lex.contrast:
            neg_left = deg_left = 0
            scale = 1.0
            continue
        if tok in negators:
            neg_left = NEGATION_SCOPE
            negated += 1
            continue
        if tok in lex.degree and tok not in lex.polarity:
            scale = lex.degree[tok]
            deg_left = DEGREE_SCOPE
            continue
        value = token_polarity(tok, lex)
        if value:
            if neg_left > 0:
                value = -value * 0.8  # "不太好" is weaker than "差"
            value *= scale if deg_left > 0 else 1.0
            if value > 0:
                pos += value
            else:
                neg -= value
            scale, deg_left = 1.0, 0
        neg_left = max(0, neg_left - 1)
        deg_left = max(0, deg_left - 1)
    return pos, neg, negated
