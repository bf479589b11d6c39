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


# Turn words that open the verdict of a mixed text when they start a clause. 却 反而 结果 and
# the like sit inside a clause or tell a story (说好八点，结果九点才开), so they are left out.
TAIL_TURNS = frozenset({"但是", "可是", "不过", "然而", "就是", "只是", "但", "只不过", "可惜"})


def turn_tail(tokens: list[str]) -> list[str] | None:
    """The tokens after the last clause-opening turn word, when something came before it.

    「老师讲得很好，就是回放一直没上传」 → 回放 一直 没 上传. None when the text has no such
    turn, when nothing with content precedes it, or when nothing with content follows it.
    A turn word opens a clause when it comes first or right after punctuation (or a space):
    「就是好吃」 alone, or 「但是」 inside 「不但是」, turns nothing.
    """
    last = -1
    content_before = False
    seen_content = False
    for i, tok in enumerate(tokens):
        if tok in TAIL_TURNS and seen_content and (
                i == 0 or tokens[i - 1] in CLAUSE_PUNCTUATION or not tokens[i - 1].strip()):
            last, content_before = i, True
        elif tok.strip() and tok not in CLAUSE_PUNCTUATION:
            seen_content = True
    if not content_before:
        return None
    tail = tokens[last + 1:]
    if not any(t.strip() and t not in CLAUSE_PUNCTUATION for t in tail):
        return None
    return list(tail)
