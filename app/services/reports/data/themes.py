"""Report data from the insight workspace: the themes of the community's current analysis run.

Everything is read from what the analysis stored (per-item theme and sentiment in
``ItemAnalysis``, the theme rows, cached word clouds, actions taken on themes); nothing is
analysed again at report time. Quotes are the redacted texts of the feedback items.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    SOURCE_KIND_LABELS,
    SUGGESTION_STATUS_LABELS,
    Community,
    FeedbackItem,
    InsightTheme,
    InsightThemeAction,
    ItemAnalysis,
    SourceKind,
    Suggestion,
    SuggestionStatus,
    SuggestionUpdate,
    UpdateKind,
)
from app.services.insights import analysis, wordclouds
from app.services.reports.data import (
    DataProvider,
    DataRequest,
    chinese,
    clean_quote,
    local_day,
    printable,
    register_provider,
    utc_bounds,
)
from app.services.reports.data.previous import previous_report, stored_context
from reports.assemble import FollowUpStatus, ThemeInput
from reports.context import Quote

#: The longest quote printed; longer items are cut at a sentence end where possible.
MAX_QUOTE_CHARS = 120
#: Candidates looked at per theme when choosing the period's quotes.
QUOTE_CANDIDATES = 40
#: Sentiment labels as stored by the analysis.
NEGATIVE, NEUTRAL, POSITIVE = -1, 0, 1
SOURCE_LABELS = {kind.value: label for kind, label in SOURCE_KIND_LABELS.items()}


def daily_counts(run_id: int, first: date, last: date
                 ) -> dict[int, dict[int, list[int]]]:
    """Per theme key, per sentiment label, the items of each local day from ``first`` to
    ``last`` (inclusive)."""
    days = (last - first).days + 1
    out: dict[int, dict[int, list[int]]] = defaultdict(
        lambda: {NEGATIVE: [0] * days, NEUTRAL: [0] * days, POSITIVE: [0] * days})
    origin = first.toordinal()
    rows = db.session.execute(
        db.select(ItemAnalysis.theme_key, ItemAnalysis.day, ItemAnalysis.sentiment_label,
                  db.func.count())
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.day >= origin,
               ItemAnalysis.day <= last.toordinal())
        .group_by(ItemAnalysis.theme_key, ItemAnalysis.day, ItemAnalysis.sentiment_label)
    )
    for key, day, label, n in rows:
        label = max(NEGATIVE, min(POSITIVE, int(label)))
        out[int(key)][label][int(day) - origin] += int(n)
    return out


def reported_themes(community_id: int) -> list[InsightTheme]:
    """The themes a report may show: active, and not the catch-all "other" theme."""
    rows = db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community_id)
        .order_by(InsightTheme.key)
    ).scalars().all()
    return [t for t in rows if t.is_visible]


def acted_on_days(community: Community, last_day: date) -> dict[int, tuple[date, str]]:
    """Per theme key, the local day and note of its latest action up to ``last_day``."""
    out: dict[int, tuple[date, str]] = {}
    rows = db.session.execute(
        db.select(InsightThemeAction.theme_key, InsightThemeAction.acted_on_at,
                  InsightThemeAction.note)
        .where(InsightThemeAction.community_id == community.id)
        .order_by(InsightThemeAction.acted_on_at, InsightThemeAction.id)
    ).all()
    for key, at, note in rows:
        day = local_day(community, at)
        if day <= last_day:
            out[int(key)] = (day, note or "")
    return out


def period_quotes(run_id: int, theme: InsightTheme, first: int, last: int, n: int
                  ) -> list[Quote]:
    """Up to ``n`` quotes of the theme from local days ``first``..``last`` (ordinals): its
    representative items that fall in the period first, then the items the analysis was most
    sure about, taking the negative and the other sentiments in turn so that both sides of
    the theme are heard."""
    base = (
        db.select(FeedbackItem.id, FeedbackItem.redacted_text, FeedbackItem.source_kind,
                  ItemAnalysis.day, ItemAnalysis.sentiment_label)
        .join(ItemAnalysis, ItemAnalysis.feedback_item_id == FeedbackItem.id)
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.theme_key == theme.key,
               ItemAnalysis.day >= first, ItemAnalysis.day <= last,
               ItemAnalysis.is_filler.is_(False))
    )
    representative = list(theme.quote_item_ids or [])[:QUOTE_CANDIDATES]
    rows = []
    if representative:
        found = {r.id: r for r in db.session.execute(
            base.where(FeedbackItem.id.in_(representative))).all()}
        rows += [found[i] for i in representative if i in found]
    if len(rows) < n:
        by_confidence = base.order_by(ItemAnalysis.confidence.desc(), ItemAnalysis.day.desc())
        negative = db.session.execute(
            by_confidence.where(ItemAnalysis.sentiment_label == NEGATIVE)
            .limit(QUOTE_CANDIDATES // 2)).all()
        other = db.session.execute(
            by_confidence.where(ItemAnalysis.sentiment_label != NEGATIVE)
            .limit(QUOTE_CANDIDATES // 2)).all()
        for i in range(max(len(negative), len(other))):
            rows += [r[i] for r in (negative, other) if i < len(r)]
    theme_words = [w for w in [theme.name, *(theme.keywords or [])[:12]] if w]
    quotes, seen = [], set()
    for row in rows:
        text = clean_quote(row.redacted_text or "", theme_words, MAX_QUOTE_CHARS)
        if len(text) < 6 or text in seen or row.id in seen:
            continue
        seen.update((text, row.id))
        label = SOURCE_LABELS.get(row.source_kind)
        quotes.append(Quote(text=text, source=chinese(label) if label else "",
                            day=date.fromordinal(int(row.day))))
        if len(quotes) >= n:
            break
    return quotes


def _wordcloud(community: Community, theme: InsightTheme) -> bytes | None:
    weights = wordclouds.theme_weights(theme)
    if not weights:
        return None
    return wordclouds.cloud_png(community, weights, size="small")


def linked_suggestions(request: DataRequest, run_id: int, keys: list[int]
                       ) -> dict[int, list[tuple[str, date | None]]]:
    """Per theme key, the status of each suggestion the analysis put in the theme (sent by
    the period end) and the local day it was last marked 已完成 (``None`` if never)."""
    if not keys:
        return {}
    _start, end = utc_bounds(request.community, request.period)
    done = (db.select(SuggestionUpdate.suggestion_id,
                      db.func.max(SuggestionUpdate.created_at).label("done_at"))
            .where(SuggestionUpdate.community_id == request.community.id,
                   SuggestionUpdate.kind == UpdateKind.STATUS.value,
                   SuggestionUpdate.to_status == SuggestionStatus.DONE.value,
                   SuggestionUpdate.created_at < end)
            .group_by(SuggestionUpdate.suggestion_id).subquery())
    rows = db.session.execute(
        db.select(ItemAnalysis.theme_key, Suggestion.status, done.c.done_at)
        .join(FeedbackItem, FeedbackItem.id == ItemAnalysis.feedback_item_id)
        .join(Suggestion, db.and_(Suggestion.id == FeedbackItem.source_id,
                                  Suggestion.community_id == FeedbackItem.community_id))
        .outerjoin(done, done.c.suggestion_id == Suggestion.id)
        .where(ItemAnalysis.run_id == run_id, ItemAnalysis.theme_key.in_(keys),
               FeedbackItem.community_id == request.community.id,
               FeedbackItem.source_kind == SourceKind.SUGGESTION.value,
               Suggestion.created_at < end)
    ).all()
    out: dict[int, list[tuple[str, date | None]]] = defaultdict(list)
    for key, status, done_at in rows:
        out[int(key)].append((status, local_day(request.community, done_at) if done_at else None))
    return out


#: Suggestion statuses that mean the team took a suggestion up (in order of progress).
TAKEN_UP = (SuggestionStatus.IN_PROGRESS.value, SuggestionStatus.PLANNED.value,
            SuggestionStatus.DONE.value)


def follow_up_status(theme_key: str, since: date, acted: tuple[date, str] | None,
                     suggestions: list[tuple[str, date | None]]) -> FollowUpStatus:
    """What became of a recommended theme since ``since`` (the previous report's period
    start), from the real state: the theme marked as acted on (你说我改) or one of its
    suggestions completed since then is 已采纳; a suggestion of it taken up (处理中,
    已采纳/计划中, or completed earlier) is 推进中; otherwise 未采纳."""
    if acted is not None and acted[0] >= since:
        return FollowUpStatus(theme_key, "acted", acted[0], printable(acted[1])[:200])
    done = sorted(day for status, day in suggestions
                  if status == SuggestionStatus.DONE.value and day is not None and day >= since)
    counts = Counter(status for status, _day in suggestions if status in TAKEN_UP)
    note = "；".join(f"相关建议{chinese(SUGGESTION_STATUS_LABELS[SuggestionStatus(s)])} "
                    f"{counts[s]} 条" for s in TAKEN_UP if counts[s])
    if done:
        return FollowUpStatus(theme_key, "acted", done[-1], note)
    if counts:
        return FollowUpStatus(theme_key, "in_progress", None, note)
    return FollowUpStatus(theme_key, "not_acted")


def _follow_up(request: DataRequest, acted: dict[int, tuple[date, str]], run_id: int
               ) -> list[FollowUpStatus]:
    """What became of each theme the previous report recommended (see
    ``follow_up_status``); an action older than that report's period is what it knew."""
    report = previous_report(request)
    if report is None or not report.context_json:
        return []
    try:
        previous = stored_context(report)
    except (ValueError, TypeError, KeyError):
        return []
    if previous.recommendations is None:
        return []
    keys = {}
    for rec in previous.recommendations.items:
        try:
            keys[rec.theme_key] = int(rec.theme_key)
        except ValueError:
            continue
    linked = linked_suggestions(request, run_id, list(keys.values()))
    return [follow_up_status(theme_key, previous.period.start, acted.get(key),
                             linked.get(key, []))
            for theme_key, key in keys.items()]


@register_provider
class ThemesProvider(DataProvider):
    """Daily theme counts by sentiment from the current analysis run, with keywords, the
    period's quotes, word clouds and the dates themes were acted on."""

    key = "themes"
    label = _l("反馈主题")
    sections = ("themes", "recommendations")
    provides = ("themes", "follow_up")

    def collect(self, request: DataRequest) -> dict[str, Any]:
        community = request.community
        run_id = analysis.current_run_id(community.id)
        if run_id is None:
            return {}
        first, last = request.history_start, request.last_day
        counts = daily_counts(run_id, first, last)
        themes = [t for t in reported_themes(community.id) if t.key in counts]
        acted = acted_on_days(community, last)
        period_first = request.period.start.toordinal()
        offset = (request.period.start - first).days

        def in_period(theme: InsightTheme) -> int:
            return sum(sum(series[offset:]) for series in counts[theme.key].values())

        def in_comparison(theme: InsightTheme) -> int:
            lo = (request.previous_period.start - first).days
            return sum(sum(series[max(0, lo):]) for series in counts[theme.key].values())

        # themes silent in both the period and the one before only add noise
        themes = [t for t in themes if in_comparison(t)]
        if not themes:
            return {}
        themes.sort(key=lambda t: (-in_period(t), t.key))
        detailed = {t.key for t in themes[: request.options.top_themes]} \
            if request.detail else set()
        inputs = []
        for theme in themes:
            series = counts[theme.key]
            day_note = acted.get(theme.key)
            inputs.append(ThemeInput(
                key=str(theme.key), name=printable(theme.name) or f"主题 {theme.key}",
                area=theme.area or "", start=first,
                positive=series[POSITIVE], neutral=series[NEUTRAL], negative=series[NEGATIVE],
                keywords=list(theme.keywords or [])[:12],
                quotes=period_quotes(run_id, theme, period_first, last.toordinal(),
                                     request.options.quotes_per_theme)
                if theme.key in detailed else [],
                wordcloud_png=_wordcloud(community, theme) if theme.key in detailed else None,
                acted_on=day_note[0] if day_note else None,
            ))
        out: dict[str, Any] = {"themes": inputs}
        follow_up = _follow_up(request, acted, run_id)
        if follow_up:
            out["follow_up"] = follow_up
        return out
