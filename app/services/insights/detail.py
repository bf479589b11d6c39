"""One theme in depth: representative quotes, where its feedback came from, sentiment week by
week, what exactly people are negative about (the aspects of negative clauses), the
suggestions behind it with their statuses, interview highlights, actions and history."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.extensions import db
from app.models import (
    Community,
    Correction,
    FeedbackItem,
    InsightAlert,
    InsightTheme,
    InsightThemeAction,
    ItemAnalysis,
    SourceKind,
    Suggestion,
)
from app.services.insights import analysis
from app.services.insights.overview import trend_window
from app.services.insights.periods import Period
from nlp.themes.generic import is_generic
from nlp.themes.quotes import clean_sentence

MAX_ASPECT_ITEMS = 4000
MAX_ASPECTS = 12


@dataclass
class Quote:
    """A feedback item shown as a quote."""

    item: FeedbackItem
    analysis: ItemAnalysis | None


@dataclass
class Aspect:
    """Something people are negative about within a theme: a word of negative clauses."""

    word: str
    clauses: int
    items: int
    examples: list[str] = field(default_factory=list)


@dataclass
class LinkedSuggestion:
    """A suggestion whose text belongs to the theme."""

    suggestion: Suggestion
    items: int


@dataclass
class ThemeDetail:
    """Everything the theme page shows."""

    theme: InsightTheme
    period: Period
    volume: int
    sentiment: dict[int, int]
    quotes: list[Quote]
    negative_quotes: list[Quote]
    sources: list[tuple[str, int]]
    weeks: list[date]
    weekly: dict[int, list[int]]
    aspects: list[Aspect]
    suggestions: list[LinkedSuggestion]
    highlights: list[Quote]
    actions: list[InsightThemeAction]
    alerts: list[InsightAlert]
    corrections: list[Correction]
    merged_in: list[InsightTheme]
    parts: list[InsightTheme]


def theme_by_key(community: Community, key: int) -> InsightTheme | None:
    """The community's theme with this stable key."""
    return db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community.id,
                                      InsightTheme.key == key)
    ).scalar_one_or_none()


def _quotes(run_id: int, ids: list[int]) -> list[Quote]:
    if not ids:
        return []
    rows = db.session.execute(
        db.select(FeedbackItem, ItemAnalysis).outerjoin(
            ItemAnalysis, db.and_(ItemAnalysis.feedback_item_id == FeedbackItem.id,
                                  ItemAnalysis.run_id == run_id))
        .where(FeedbackItem.id.in_(ids))
    ).all()
    by_id = {item.id: Quote(item, ia) for item, ia in rows}
    return [by_id[i] for i in ids if i in by_id]


def _in_period(stmt, run_id: int, key: int, start: int, end: int):
    """Rows of one theme on local days [start, end) (date ordinals)."""
    return stmt.where(ItemAnalysis.run_id == run_id, ItemAnalysis.theme_key == key,
                      ItemAnalysis.day >= start, ItemAnalysis.day < end)


def negative_aspects(run_id: int, key: int, start, end, *, limit: int = MAX_ASPECTS
                     ) -> list[Aspect]:
    """The words of the theme's negative clauses, most frequent first, with examples.

    Every clause the model labelled negative counts, also inside items that are positive
    overall (活动很好玩 | 但是群里广告太多了); words are counted once per item.
    """
    rows = db.session.execute(
        _in_period(db.select(ItemAnalysis.clauses), run_id, key, start, end)
        .order_by(ItemAnalysis.occurred_at.desc()).limit(MAX_ASPECT_ITEMS)
    ).scalars().all()
    clause_counts: Counter[str] = Counter()
    item_counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for clauses in rows:
        seen: set[str] = set()
        for clause in clauses or []:
            if clause.get("label") != -1:
                continue
            # What members wrap around their point (作为老成员，个人感觉) names nothing they
            # complain about: only words of the clause's point count, and never generic ones.
            point = clean_sentence(clause.get("text", ""))
            for word in clause.get("aspects") or []:
                if len(word) < 2 or word not in point or is_generic(word):
                    continue
                clause_counts[word] += 1
                if word not in seen:
                    item_counts[word] += 1
                    seen.add(word)
                text = clause.get("text", "")
                if text and len(examples[word]) < 3 and text not in examples[word]:
                    examples[word].append(text)
    ranked = sorted(item_counts, key=lambda w: (-item_counts[w], -clause_counts[w], w))
    return [Aspect(w, clause_counts[w], item_counts[w], examples[w]) for w in ranked[:limit]]


def linked_suggestions(community: Community, run_id: int, key: int, *, limit: int = 20
                       ) -> list[LinkedSuggestion]:
    """Suggestions with text in the theme (in any period), most items first."""
    rows = db.session.execute(
        db.select(FeedbackItem.source_id, db.func.count(FeedbackItem.id))
        .join(ItemAnalysis, db.and_(ItemAnalysis.feedback_item_id == FeedbackItem.id,
                                    ItemAnalysis.run_id == run_id))
        .where(FeedbackItem.community_id == community.id,
               FeedbackItem.source_kind == SourceKind.SUGGESTION.value,
               FeedbackItem.source_id.is_not(None), ItemAnalysis.theme_key == key)
        .group_by(FeedbackItem.source_id)
        .order_by(db.func.count(FeedbackItem.id).desc(), FeedbackItem.source_id.desc())
        .limit(limit)
    ).all()
    counts = dict(rows)
    if not counts:
        return []
    suggestions = db.session.execute(
        db.select(Suggestion).where(Suggestion.community_id == community.id,
                                    Suggestion.id.in_(list(counts)))
    ).scalars().all()
    by_id = {s.id: s for s in suggestions}
    return [LinkedSuggestion(by_id[i], int(n)) for i, n in rows if i in by_id]


def detail(community: Community, key: int, period: Period) -> ThemeDetail | None:
    """The theme page's data for a period, or None when there is no such theme."""
    theme = theme_by_key(community, key)
    run_id = analysis.current_run_id(community.id)
    if theme is None or run_id is None:
        return None
    start, end = period.start.toordinal(), period.end.toordinal() + 1
    sentiment = {-1: 0, 0: 0, 1: 0}
    for label, n in db.session.execute(
        _in_period(db.select(ItemAnalysis.sentiment_label, db.func.count(ItemAnalysis.id)),
                   run_id, key, start, end).group_by(ItemAnalysis.sentiment_label)
    ):
        sentiment[int(label)] = int(n)
    sources = [(kind, int(n)) for kind, n in db.session.execute(
        _in_period(db.select(ItemAnalysis.source_kind, db.func.count(ItemAnalysis.id)),
                   run_id, key, start, end)
        .group_by(ItemAnalysis.source_kind).order_by(db.func.count(ItemAnalysis.id).desc())
    )]
    first_week, n_weeks = trend_window(community, period)
    weeks = [first_week + timedelta(weeks=i) for i in range(n_weeks)]
    weekly = _weekly_by_label(community, run_id, key, first_week, n_weeks)
    # The most clearly negative among the period's latest 300 negative items.
    latest = (
        _in_period(db.select(ItemAnalysis.feedback_item_id, ItemAnalysis.confidence,
                             ItemAnalysis.occurred_at), run_id, key, start, end)
        .where(ItemAnalysis.sentiment_label == -1)
        .order_by(ItemAnalysis.day.desc()).limit(300).subquery()
    )
    negative_ids = db.session.execute(
        db.select(latest.c.feedback_item_id)
        .order_by(latest.c.confidence.desc(), latest.c.occurred_at.desc()).limit(5)
    ).scalars().all()
    highlight_ids = db.session.execute(
        db.select(ItemAnalysis.feedback_item_id).where(
            ItemAnalysis.run_id == run_id, ItemAnalysis.theme_key == key,
            ItemAnalysis.source_kind == SourceKind.INTERVIEW_HIGHLIGHT.value)
        .order_by(ItemAnalysis.occurred_at.desc()).limit(10)
    ).scalars().all()
    return ThemeDetail(
        theme=theme, period=period, volume=sum(sentiment.values()), sentiment=sentiment,
        quotes=_quotes(run_id, list(theme.quote_item_ids or [])),
        negative_quotes=_quotes(run_id, list(negative_ids)),
        sources=sources, weeks=weeks, weekly=weekly,
        aspects=negative_aspects(run_id, key, start, end),
        suggestions=linked_suggestions(community, run_id, key),
        highlights=_quotes(run_id, list(highlight_ids)),
        actions=list(db.session.execute(
            db.select(InsightThemeAction).where(InsightThemeAction.community_id == community.id,
                                                InsightThemeAction.theme_key == key)
            .order_by(InsightThemeAction.acted_on_at.desc())
        ).scalars()),
        alerts=list(db.session.execute(
            db.select(InsightAlert).where(InsightAlert.community_id == community.id,
                                          InsightAlert.theme_key == key)
            .order_by(InsightAlert.period_start.desc()).limit(10)
        ).scalars()),
        corrections=theme_corrections(community.id, key),
        merged_in=list(db.session.execute(
            db.select(InsightTheme).where(InsightTheme.community_id == community.id,
                                          InsightTheme.merged_into_key == key)
        ).scalars()),
        parts=list(db.session.execute(
            db.select(InsightTheme).where(InsightTheme.community_id == community.id,
                                          InsightTheme.parent_key == key)
        ).scalars()),
    )


def _weekly_by_label(community: Community, run_id: int, key: int, first_week: date,
                     n_weeks: int) -> dict[int, list[int]]:
    """The theme's items per week by sentiment label."""
    origin = first_week.toordinal()
    bucket = (ItemAnalysis.day - origin) // 7
    out = {-1: [0] * n_weeks, 0: [0] * n_weeks, 1: [0] * n_weeks}
    for index, label, n in db.session.execute(
        db.select(bucket, ItemAnalysis.sentiment_label, db.func.count())
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.theme_key == key,
               ItemAnalysis.day >= origin, ItemAnalysis.day < origin + 7 * n_weeks)
        .group_by(bucket, ItemAnalysis.sentiment_label)
    ):
        if index is not None and 0 <= int(index) < n_weeks:
            out[int(label)][int(index)] += int(n)
    return out


def theme_corrections(community_id: int, key: int, *, limit: int = 20) -> list[Correction]:
    """Recent corrections that touched the theme."""
    recent = db.session.execute(
        db.select(Correction).where(Correction.community_id == community_id)
        .order_by(Correction.id.desc()).limit(300)
    ).scalars().all()
    return [c for c in recent if key in (c.theme_keys or [])][:limit]


