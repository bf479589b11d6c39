"""Report data: what members said about each theme, which chooses the recommendations.

For each theme of the period (the largest first, as many as the report details) this reads
from the current analysis run: the code-frame theme it is (``InsightTheme.frame_key``), the
words of its negative clauses with the number of items using each (the same "what exactly
people complain about" list as the theme page), and a few of its clearest complaints as
quotes, redacted and cleaned of sticker codes and emoji. Nothing is analysed again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import SOURCE_KIND_LABELS, FeedbackItem, ItemAnalysis
from app.services.insights import analysis
from app.services.insights.detail import negative_aspects
from app.services.reports.data import (
    DataProvider,
    DataRequest,
    chinese,
    printable,
    register_provider,
)
from app.services.reports.data import clean_quote as one_sentence
from app.services.reports.data.themes import NEGATIVE, reported_themes
from nlp.normalize import Normalizer
from reports.context import PhraseCount, Quote
from reports.recommend import PHRASES_SHOWN, QUOTES_SHOWN, ThemeVoice

#: Complaint phrases kept per theme (more than shown: they choose the actions).
PHRASES_KEPT = 12
#: Negative items looked at per theme when choosing quotes.
QUOTE_CANDIDATES = 24
#: Quotes shorter than this say too little; longer ones are cut at a sentence end.
MIN_QUOTE_CHARS = 8
MAX_QUOTE_CHARS = 120
SOURCE_LABELS = {kind.value: label for kind, label in SOURCE_KIND_LABELS.items()}

_normalizer = Normalizer()
# A space between two Chinese characters or marks separates fragments an item was pasted
# together from (an interview paragraph of several answers, a chat burst).
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_FRAGMENT_BREAK = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")
# where a sticker stood before a comma or full stop
_SPACE_BEFORE_MARK = re.compile(r"\s+(?=[,.!?;:，。！？；：、])")


def clean_quote(text: str, phrases: Sequence[str] = (), limit: int = MAX_QUOTE_CHARS) -> str:
    """A quote as printed: sticker codes, emoji, links and @mentions removed, whitespace
    collapsed, one fragment only (the first naming one of ``phrases``, else the first), and
    of that one sentence without the filler and courtesy closers members wrap around their
    point (``reports.data.clean_quote``), cut when it is too long."""
    text = _SPACE_BEFORE_MARK.sub("", printable(_normalizer.normalize(text or "").text))
    fragments = [f for f in _FRAGMENT_BREAK.split(text) if f.strip()]
    if len(fragments) > 1:
        text = next((f for f in fragments if any(p and p in f for p in phrases)), fragments[0])
    return one_sentence(text, phrases, limit)


def _gist(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _repeats(text: str, seen: Sequence[str]) -> bool:
    # compared without punctuation, so a member's repeat with a lead-in is one quote
    gist = _gist(text)
    return any(gist in other or other in gist for other in map(_gist, seen))


def complaint_quotes(run_id: int, theme_key: int, first: int, last: int, n: int,
                     phrases: Sequence[str] = ()) -> list[Quote]:
    """Up to ``n`` negative items of the theme on local days ``first``..``last`` (ordinals),
    the ones the analysis was surest about first, cleaned (see ``clean_quote``) and without
    repeats (a quote inside another, such as an interview highlight of its paragraph)."""
    rows = db.session.execute(
        db.select(FeedbackItem.redacted_text, FeedbackItem.source_kind, ItemAnalysis.day)
        .join(ItemAnalysis, ItemAnalysis.feedback_item_id == FeedbackItem.id)
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.theme_key == theme_key,
               ItemAnalysis.day >= first, ItemAnalysis.day <= last,
               ItemAnalysis.sentiment_label == NEGATIVE, ItemAnalysis.is_filler.is_(False))
        .order_by(ItemAnalysis.confidence.desc(), ItemAnalysis.day.desc(), FeedbackItem.id)
        .limit(QUOTE_CANDIDATES)
    ).all()
    quotes, seen = [], []
    for text, kind, day in rows:
        cleaned = clean_quote(text or "", phrases)
        if len(cleaned) < MIN_QUOTE_CHARS or _repeats(cleaned, seen):
            continue
        seen.append(cleaned)
        label = SOURCE_LABELS.get(kind)
        quotes.append(Quote(cleaned, chinese(label) if label else "",
                            date.fromordinal(int(day))))
        if len(quotes) >= n:
            break
    return quotes


def period_volumes(run_id: int, first: int, last: int) -> dict[int, int]:
    """Items per theme key on local days ``first``..``last`` (ordinals)."""
    rows = db.session.execute(
        db.select(ItemAnalysis.theme_key, db.func.count())
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.day >= first,
               ItemAnalysis.day <= last)
        .group_by(ItemAnalysis.theme_key))
    return {int(key): int(n) for key, n in rows}


@register_provider
class VoicesProvider(DataProvider):
    """Per theme: its code-frame key, its complaint phrases with counts, and its clearest
    complaints as quotes, for the recommendations."""

    key = "voices"
    label = _l("成员说法")
    sections = ("recommendations",)
    provides = ("voices",)

    def collect(self, request: DataRequest) -> dict[str, Any]:
        run_id = analysis.current_run_id(request.community.id)
        if run_id is None:
            return {}
        first, last = request.period.start.toordinal(), request.period.end.toordinal()
        volumes = period_volumes(run_id, first, last)
        themes = [t for t in reported_themes(request.community.id) if volumes.get(t.key)]
        themes.sort(key=lambda t: (-volumes[t.key], t.key))
        voices = []
        for theme in themes[: request.options.top_themes]:
            aspects = negative_aspects(run_id, theme.key, first, last + 1,
                                       limit=max(PHRASES_KEPT, PHRASES_SHOWN))
            phrases = [PhraseCount(printable(a.word), a.items) for a in aspects
                       if printable(a.word)]
            voices.append(ThemeVoice(
                theme_key=str(theme.key), frame_key=theme.frame_key or None, phrases=phrases,
                quotes=complaint_quotes(run_id, theme.key, first, last, QUOTES_SHOWN,
                                        [p.text for p in phrases[:PHRASES_SHOWN]])
                if request.detail else []))
        return {"voices": voices} if voices else {}
