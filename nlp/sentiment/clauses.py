"""Split a segmented text into clauses at punctuation and at turn words (但是 可是 不过 …)."""

from __future__ import annotations

from nlp.sentiment.lexicon import load_lexicon

# Punctuation that ends a clause (after normalisation, so mostly half-width).
CLAUSE_PUNCTUATION = frozenset("，,。.！!？?；;~～…\n、")


def split_clauses(tokens: list[str]) -> list[list[str]]:
    """Group tokens into clauses.

    A clause ends at punctuation; a turn word (但是, 可是, 不过, 然而, 就是, 只是, 但, 却 …)
    starts a new clause when something came before it in the current one. Working on tokens,
    not characters, keeps words such as 但愿 or 不过瘾 whole. Clauses with nothing but
    punctuation or spaces are dropped.
    """
    contrast = load_lexicon().contrast
    clauses: list[list[str]] = []
    current: list[str] = []
    has_content = False
    for tok in tokens:
        if tok in CLAUSE_PUNCTUATION:
            current.append(tok)
            if has_content:
                clauses.append(current)
            current, has_content = [], False
        elif tok in contrast and has_content:
            clauses.append(current)
            current, has_content = [tok], True
        else:
            current.append(tok)
            if not has_content and tok.strip():
                has_content = True
    if has_content:
        clauses.append(current)
    return clauses


def clause_text(tokens: list[str]) -> str:
    """The text of a clause without its closing punctuation and surrounding spaces."""
    return "".join(tokens).strip().rstrip("，,。.！!？?；;~～…、").strip()
