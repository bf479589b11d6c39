"""Report data from the suggestion box: received, replied and resolved suggestions, the time
to the first official reply, the status mix, and suggestions completed in the period.

Definitions (also in docs/reports.md): *received* counts suggestions sent in the period;
*replied* those of them that had an official reply by the period end; *resolved* the
suggestions moved to 已完成 or 未采纳 during the period, whenever they were sent; the time to
first reply runs from sending to the first official reply, for first replies made in the
period.
"""

from __future__ import annotations

import statistics
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    SUGGESTION_STATUS_LABELS,
    FeedbackItem,
    ItemAnalysis,
    SourceKind,
    Suggestion,
    SuggestionStatus,
    SuggestionUpdate,
    SuggestionVote,
    UpdateKind,
)
from app.services.insights import analysis
from app.services.reports.data import (
    DataProvider,
    DataRequest,
    chinese,
    local_day,
    printable,
    register_provider,
    utc_bounds,
)
from nlp.pii import redact
from reports.context import CompletedSuggestion, SuggestionCounts, SuggestionPipeline

RESOLVED = (SuggestionStatus.DONE.value, SuggestionStatus.DECLINED.value)
#: Completed suggestions shown (each becomes a marker on the metric charts): the most
#: supported first.
MAX_COMPLETED = 5
MAX_REPLY_SAMPLE = 5000


def _first_replies(community_id: int):
    """Per suggestion, the time of its first official reply (a status entry with text)."""
    return (
        db.select(SuggestionUpdate.suggestion_id,
                  db.func.min(SuggestionUpdate.created_at).label("first_reply"))
        .where(SuggestionUpdate.community_id == community_id,
               SuggestionUpdate.kind == UpdateKind.STATUS.value,
               SuggestionUpdate.body.is_not(None), SuggestionUpdate.body != "")
        .group_by(SuggestionUpdate.suggestion_id)
        .subquery()
    )


def counts(community_id: int, start, end) -> tuple[SuggestionCounts, list[float]]:
    """The pipeline's counts for ``[start, end)`` (naive UTC) and the first-reply hours."""
    first = _first_replies(community_id)
    received, replied = db.session.execute(
        db.select(db.func.count(Suggestion.id),
                  db.func.count(first.c.first_reply).filter(first.c.first_reply < end))
        .select_from(Suggestion).outerjoin(first, first.c.suggestion_id == Suggestion.id)
        .where(Suggestion.community_id == community_id, Suggestion.created_at >= start,
               Suggestion.created_at < end)
    ).one()
    resolved = db.session.execute(
        db.select(db.func.count(db.distinct(SuggestionUpdate.suggestion_id)))
        .where(SuggestionUpdate.community_id == community_id,
               SuggestionUpdate.kind == UpdateKind.STATUS.value,
               SuggestionUpdate.to_status.in_(RESOLVED),
               SuggestionUpdate.from_status.is_distinct_from(SuggestionUpdate.to_status),
               SuggestionUpdate.created_at >= start, SuggestionUpdate.created_at < end)
    ).scalar_one()
    pairs = db.session.execute(
        db.select(Suggestion.created_at, first.c.first_reply)
        .join(first, first.c.suggestion_id == Suggestion.id)
        .where(Suggestion.community_id == community_id, first.c.first_reply >= start,
               first.c.first_reply < end)
        .limit(MAX_REPLY_SAMPLE)
    ).all()
    hours = [max(0.0, (reply - sent).total_seconds() / 3600) for sent, reply in pairs]
    # the resolution rate's numerator: of the suggestions received in the period (its
    # denominator), those moved to 已完成 or 未采纳 before the period end
    resolved_by_end = db.select(SuggestionUpdate.id).where(
        SuggestionUpdate.suggestion_id == Suggestion.id,
        SuggestionUpdate.kind == UpdateKind.STATUS.value,
        SuggestionUpdate.to_status.in_(RESOLVED), SuggestionUpdate.created_at < end)
    received_resolved = db.session.execute(
        db.select(db.func.count(Suggestion.id))
        .where(Suggestion.community_id == community_id, Suggestion.created_at >= start,
               Suggestion.created_at < end, resolved_by_end.exists())
    ).scalar_one()
    return SuggestionCounts(
        received=received, replied=replied, resolved=resolved,
        median_first_reply_hours=statistics.median(hours) if hours else None,
        received_resolved=received_resolved,
    ), hours


def status_mix(community_id: int, start, end) -> dict[str, int]:
    """Current statuses of the suggestions received in ``[start, end)``, in display order."""
    rows = dict(db.session.execute(
        db.select(Suggestion.status, db.func.count(Suggestion.id))
        .where(Suggestion.community_id == community_id, Suggestion.created_at >= start,
               Suggestion.created_at < end)
        .group_by(Suggestion.status)
    ).all())
    return {chinese(SUGGESTION_STATUS_LABELS[s]): rows[s.value]
            for s in SuggestionStatus if rows.get(s.value)}


def completed(community_id: int, start, end, zone_day) -> list[CompletedSuggestion]:
    """Suggestions marked 已完成 in ``[start, end)`` that are still done: the most supported
    (+1s) first, then the latest."""
    votes = (db.select(SuggestionVote.suggestion_id, db.func.count().label("votes"))
             .group_by(SuggestionVote.suggestion_id).subquery())
    rows = db.session.execute(
        db.select(Suggestion, db.func.max(SuggestionUpdate.created_at).label("done_at"))
        .join(SuggestionUpdate, SuggestionUpdate.suggestion_id == Suggestion.id)
        .outerjoin(votes, votes.c.suggestion_id == Suggestion.id)
        .where(Suggestion.community_id == community_id,
               Suggestion.status == SuggestionStatus.DONE.value,
               SuggestionUpdate.kind == UpdateKind.STATUS.value,
               SuggestionUpdate.to_status == SuggestionStatus.DONE.value,
               SuggestionUpdate.created_at >= start, SuggestionUpdate.created_at < end)
        .group_by(Suggestion.id, votes.c.votes)
        .order_by(db.func.coalesce(votes.c.votes, 0).desc(),
                  db.func.max(SuggestionUpdate.created_at).desc(), Suggestion.id.desc())
        .limit(MAX_COMPLETED)
    ).all()
    praise = _praise_ids(community_id, [s.id for s, _at in rows])
    # titles are member text: personal details are removed before they reach a report
    return [CompletedSuggestion(title=printable(redact(s.short_title(30)).text),
                                completed_on=zone_day(at), praise=s.id in praise)
            for s, at in rows]


def _praise_ids(community_id: int, ids: list[int]) -> set[int]:
    """The suggestions among ``ids`` that the current analysis read as positive: compliments,
    which a report never credits with a metric change."""
    run_id = analysis.current_run_id(community_id)
    if run_id is None or not ids:
        return set()
    return set(db.session.execute(
        db.select(FeedbackItem.source_id)
        .join(ItemAnalysis, ItemAnalysis.feedback_item_id == FeedbackItem.id)
        .where(ItemAnalysis.run_id == run_id, FeedbackItem.community_id == community_id,
               FeedbackItem.source_kind == SourceKind.SUGGESTION.value,
               FeedbackItem.source_id.in_(ids), ItemAnalysis.sentiment_label > 0)
    ).scalars())


@register_provider
class SuggestionsProvider(DataProvider):
    """The suggestion box in the period and the one before."""

    key = "suggestions"
    label = _l("意见箱")
    sections = ("suggestions",)
    provides = ("suggestions",)

    def collect(self, request: DataRequest) -> dict[str, Any]:
        community = request.community
        start, end = utc_bounds(community, request.period)
        before_start, before_end = utc_bounds(community, request.previous_period)
        current, hours = counts(community.id, start, end)
        previous, _hours = counts(community.id, before_start, before_end)
        if not (current.received or current.resolved or current.replied
                or previous.received or previous.resolved):
            return {}
        return {"suggestions": SuggestionPipeline(
            current=current, previous=previous,
            by_status=status_mix(community.id, start, end),
            first_reply_hours=hours,
            completed=completed(community.id, start, end,
                                lambda at: min(max(local_day(community, at),
                                                   request.period.start), request.period.end)),
        )}

