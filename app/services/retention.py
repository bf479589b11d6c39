"""Retention: members' raw free text of closed items is purged after a set number of days.

The retention period is ``RETENTION_DAYS`` (0, the default, keeps text until someone deletes
it), or a community's own ``retention_days`` setting, which takes precedence. A daily job
(``system.purge_expired_text``) then replaces, in every community with a period:

- of suggestions closed (已完成, 未采纳, merged) longer ago than the period: the title and
  content, the comments, and the submitter's answers in the timeline;
- of surveys closed longer ago than the period: every typed answer (text questions, 其他
  texts; choices, scores, numbers and dates stay) and the answers kept in their sessions;
- the original text (``raw_text``) of the feedback items recorded from them.

Aggregates stay: the items, statuses, counts, votes, scores and choices remain, and so does
the redacted text the analysis reads (personal details already removed), so themes,
sentiment and the numbers of dashboards and reports do not move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

from app.extensions import db
from app.models import (
    Community,
    FeedbackItem,
    SourceKind,
    Suggestion,
    SuggestionComment,
    SuggestionStatus,
    SuggestionUpdate,
    Survey,
    SurveyResponse,
    SurveySession,
    SurveyStatus,
    SurveyVersion,
    UpdateKind,
    utcnow,
)

#: What stands in place of purged text (stored data, so one language: the product's).
PURGED_TEXT = "（原文已超过保留期限，已删除）"
CLOSED_SUGGESTION_STATUSES = (SuggestionStatus.DONE.value, SuggestionStatus.DECLINED.value,
                              SuggestionStatus.DUPLICATE.value)
#: Longest retention period a community may set (10 years).
MAX_RETENTION_DAYS = 3650
MIN_RETENTION_DAYS = 30


@dataclass
class Purged:
    """How many pieces of text one purge replaced, by kind."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int) -> None:
        """Count ``n`` more of ``kind``."""
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + n


def retention_days(community: Community) -> int:
    """The community's retention period in days; 0 means text is kept."""
    own = (community.settings or {}).get("retention_days")
    if isinstance(own, int) and own > 0:
        return own
    return max(0, int(current_app.config.get("RETENTION_DAYS") or 0))


def _purge_items(community_id: int, kind: SourceKind, source_id: int) -> int:
    result = db.session.execute(
        db.update(FeedbackItem).where(
            FeedbackItem.community_id == community_id, FeedbackItem.source_kind == kind.value,
            FeedbackItem.source_id == source_id, FeedbackItem.raw_text != PURGED_TEXT)
        .values(raw_text=PURGED_TEXT).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _purge_suggestions(community: Community, cutoff: datetime, purged: Purged) -> None:
    closed_at = db.func.coalesce(Suggestion.status_changed_at, Suggestion.updated_at)
    rows = db.session.execute(db.select(Suggestion).where(
        Suggestion.community_id == community.id,
        Suggestion.status.in_(CLOSED_SUGGESTION_STATUSES), closed_at < cutoff,
        Suggestion.content != PURGED_TEXT)).scalars().all()
    for suggestion in rows:
        suggestion.title = None
        suggestion.content = PURGED_TEXT
        purged.add("suggestions", 1)
        purged.add("comments", db.session.execute(
            db.update(SuggestionComment).where(SuggestionComment.suggestion_id == suggestion.id)
            .values(body=PURGED_TEXT).execution_options(synchronize_session=False)).rowcount)
        purged.add("submitter_answers", db.session.execute(
            db.update(SuggestionUpdate).where(
                SuggestionUpdate.suggestion_id == suggestion.id,
                SuggestionUpdate.kind == UpdateKind.SUBMITTER.value,
                SuggestionUpdate.body.is_not(None))
            .values(body=PURGED_TEXT).execution_options(synchronize_session=False)).rowcount)
        purged.add("feedback_items", _purge_items(community.id, SourceKind.SUGGESTION,
                                                  suggestion.id))
        for item in db.session.execute(db.select(FeedbackItem).where(
                FeedbackItem.community_id == community.id,
                FeedbackItem.source_kind == SourceKind.SUGGESTION.value,
                FeedbackItem.source_id == suggestion.id)).scalars():
            if (item.source_ref or {}).get("title"):
                item.source_ref = {**item.source_ref, "title": None}


def _purge_surveys(community: Community, cutoff: datetime, purged: Purged) -> None:
    import surveys as domain
    from app.services.surveys import lifecycle as survey_service

    closed = db.session.execute(db.select(Survey).where(
        Survey.community_id == community.id, Survey.status == SurveyStatus.CLOSED.value,
        Survey.closed_at.is_not(None), Survey.closed_at < cutoff)).scalars().all()
    for survey in closed:
        changed = 0
        definitions = {}
        responses = db.session.execute(db.select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id).order_by(SurveyResponse.id)).scalars()
        for response in responses:
            if response.version_id not in definitions:
                version = db.session.get(SurveyVersion, response.version_id)
                definitions[response.version_id] = survey_service.version_definition(version)
            answers = domain.without_free_texts(definitions[response.version_id],
                                                response.answers or {}, PURGED_TEXT)
            if answers != response.answers:
                response.answers = answers
                changed += 1
            purged.add("feedback_items", _purge_items(community.id, SourceKind.SURVEY_ANSWER,
                                                      response.id))
        sessions = [sid for sid, kept in db.session.execute(
            db.select(SurveySession.id, SurveySession.answers).where(
                SurveySession.survey_id == survey.id)) if kept]
        if sessions:
            db.session.execute(
                db.update(SurveySession).where(SurveySession.id.in_(sessions))
                .values(answers={}).execution_options(synchronize_session=False))
        cleared = len(sessions)
        purged.add("survey_responses", changed)
        purged.add("survey_sessions", cleared)
        if changed:
            survey.data_revision += 1


def purge_community(community: Community, now: datetime | None = None) -> Purged:
    """Purge the text of ``community``'s closed items older than its retention period
    (nothing when it has none). The caller commits."""
    purged = Purged()
    days = retention_days(community)
    if days <= 0:
        return purged
    cutoff = (now or utcnow()) - timedelta(days=days)
    _purge_suggestions(community, cutoff, purged)
    _purge_surveys(community, cutoff, purged)
    return purged


def purge_expired(now: datetime | None = None) -> dict[int, dict[str, int]]:
    """Purge every community's expired text, one commit per community; returns the counts
    of the communities where something was purged."""
    from app.services import audit

    done = {}
    ids = db.session.execute(db.select(Community.id).order_by(Community.id)).scalars().all()
    for community_id in ids:
        community = db.session.get(Community, community_id)
        purged = purge_community(community, now)
        if purged.counts:
            audit.record("retention.purged", "community", community.id,
                         community_id=community.id, after=dict(sorted(purged.counts.items())))
            done[community.id] = purged.counts
        db.session.commit()
    return done
