"""Representative quotes: close to the theme's centre, diverse, and pleasant to read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_SENTENCE_END = re.compile(r"[。！？!?…~～）)」”\"]$")


def readability(text: str) -> float:
    """A weight in (0, 1]: medium-length, complete sentences read best as quotes."""
    n = len(text.strip())
    if n == 0:
        return 0.0
    if n < 6:
        length = 0.55
    elif n < 12:
        length = 0.8
    elif n <= 80:
        length = 1.0
    elif n <= 160:
        length = 0.85
    else:
        length = 0.7
    return length * (1.0 if _SENTENCE_END.search(text.strip()) or n <= 80 else 0.9)


def representative(
    members: np.ndarray,
    vectors: np.ndarray,
    centroid: np.ndarray,
    texts: Sequence[str] | None,
    n: int = 5,
    diversity: float = 0.35,
    pool: int = 200,
) -> list[int]:
    """Indices (into the full item list) of up to ``n`` quotes, chosen by MMR.

    Relevance is similarity to the centroid times :func:`readability`; each next quote
    maximises (1 - diversity) * relevance - diversity * similarity to quotes already taken,
    and the same text is never quoted twice.
    """
    import numpy as np

    members = np.asarray(members)
    if len(members) == 0:
        return []
    rel = vectors[members] @ centroid
    if texts is not None:
        rel = rel * np.array([readability(texts[i]) for i in members])
    order = np.argsort(-rel)[:pool]
    cand, cand_rel = members[order], rel[order]
    cand_vec = vectors[cand]
    chosen: list[int] = []
    seen: set[str] = set()
    max_sim = np.full(len(cand), -np.inf)
    available = np.ones(len(cand), dtype=bool)
    while len(chosen) < n and available.any():
        penalty = np.where(np.isfinite(max_sim), max_sim, 0.0)
        score = (1 - diversity) * cand_rel - diversity * penalty
        score[~available] = -np.inf
        j = int(np.argmax(score))
        available[j] = False
        item = int(cand[j])
        key = texts[item].strip() if texts is not None else str(item)
        if key in seen:
            continue
        seen.add(key)
        chosen.append(item)
        max_sim = np.maximum(max_sim, cand_vec @ cand_vec[j])
    return chosen


_SENTENCE_SPLIT = re.compile(r"(?<=[。！？!?；;\n])")
SUMMARY_MAX_CHARS = 60
SUMMARY_MIN_CHARS = 8
# A sticker code or emoji at either end says nothing about the topic.
_EDGE_STICKERS = re.compile(r"^(?:\[[^\[\]]{1,8}\]|[\U0001F300-\U0001FAFF\u2600-\u27BF])+|"
                            r"(?:\[[^\[\]]{1,8}\]|[\U0001F300-\U0001FAFF\u2600-\u27BF\ufe0f])+$")
_EDGE_PUNCT = "，,、：:；; ～~"
# A short thank-you clause at the end of a longer sentence is courtesy, not its point.
_THANKS_CLOSER = re.compile(r"^(?:辛苦|谢谢|感谢|多谢|麻烦|拜托)[^，,]{0,6}$")


def _filler_pattern() -> re.Pattern:
    from nlp.segment import load_filler_phrases

    phrases = sorted(load_filler_phrases(), key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in phrases if p)
    return re.compile(rf"^(?:(?:{alternatives})(?:的|吧|呢)?[{_EDGE_PUNCT}]*)+")


_FILLER: re.Pattern | None = None


def clean_sentence(sentence: str) -> str:
    """A sentence without what members wrap around their point: opening filler (说实话，
    个人感觉, 作为老成员，, 提个小建议：), sticker codes and emoji at either end, and a courtesy
    closer clause (辛苦运营了🙏, 期待后续～). The point itself is kept as written."""
    global _FILLER
    if _FILLER is None:
        _FILLER = _filler_pattern()
    text = sentence.strip()
    for _ in range(3):
        before = text
        text = _EDGE_STICKERS.sub("", text).strip()
        text = _FILLER.sub("", text).strip(_EDGE_PUNCT + " ")
        clauses = re.split(r"([，,])", text)
        last = clean_closer(clauses[-1]) if len(clauses) >= 3 else ""
        if last and (_FILLER.fullmatch(last) or _THANKS_CLOSER.match(last)):
            text = "".join(clauses[:-2]).strip()
        if text == before:
            break
    return text


def clean_closer(clause: str) -> str:
    """A clause stripped of end punctuation and stickers, to compare with the filler list."""
    return _EDGE_STICKERS.sub("", clause.strip()).strip("。！!～~ ")


def summary_sentence(texts: Sequence[str], quote_indices: Sequence[int], phrase: str = "",
                     sentiments: Sequence[int] | None = None, mood: int | None = None) -> str:
    """A theme's one-line summary: its most representative sentence, cleaned of filler.

    The quotes are ranked already (closest to the theme's centre and readable first). When
    the theme has a prevailing sentiment (``mood``, from ``sentiments`` of the items), quotes
    that share it come first, so a theme of complaints is summed up by a complaint. Among
    those, the first quote that mentions the theme's name phrase wins, else the first. Of
    that quote, the sentence with the phrase (else the longest informative one) is kept,
    cleaned (:func:`clean_sentence`) and cut to 60 characters. The texts are the redacted
    ones, so the summary is too.
    """
    quotes = [i for i in quote_indices if texts[i] and texts[i].strip()]
    if not quotes:
        return ""
    if mood is not None and sentiments is not None:
        quotes.sort(key=lambda i: sentiments[i] != mood)  # stable: keeps the ranking
    chosen = next((i for i in quotes if phrase and phrase in texts[i]), quotes[0])
    sentences = [clean_sentence(s) for s in _SENTENCE_SPLIT.split(texts[chosen])]
    sentences = [s for s in sentences if s]
    if not sentences:
        return clean_sentence(texts[chosen]) or texts[chosen].strip()[:SUMMARY_MAX_CHARS]
    sentence = next((s for s in sentences if phrase and phrase in s), None)
    if sentence is None:
        informative = [s for s in sentences if len(s) >= SUMMARY_MIN_CHARS] or sentences
        sentence = max(informative[:3], key=len) if len(informative) > 1 else informative[0]
    if len(sentence) > SUMMARY_MAX_CHARS:
        sentence = sentence[: SUMMARY_MAX_CHARS - 1].rstrip("，,、 ") + "…"
    return sentence
