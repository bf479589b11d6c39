"""Closing the loop (你说我改): an operator marks a theme as acted on.

The action is stored with its date (the reports compare the metrics before and after it),
the suggestions it resolves are marked done with the note as the official reply, the
members who contributed to the theme are told, and the action appears on the community's
public changelog.

Who is told: the recorded authors of the theme's suggestions, survey answers and interview
passages or highlights. Anonymous feedback has no author (``author_id IS NULL``) and so can
never lead to anyone; imported chat messages are not a channel members chose to use, so
their authors are not contacted either. People who hear about it through a resolved
suggestion (its submitter and followers) are not told twice.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    Community,
    FeedbackItem,
    InsightTheme,
    InsightThemeAction,
    ItemAnalysis,
    SourceKind,
    Suggestion,
    SuggestionStatus,
    ThemeStatus,
    utcnow,
)
from app.services import audit, notifications
from app.services.errors import NotFound, ServiceError
from app.services.insights import analysis
from app.services.suggestions import changelog as changelog_service

MAX_NOTE = 2000
MAX_SUGGESTIONS = 50
CONTRIBUTING_KINDS = (
    SourceKind.SUGGESTION.value,
    SourceKind.SURVEY_ANSWER.value,
    SourceKind.INTERVIEW_PASSAGE.value,
    SourceKind.INTERVIEW_HIGHLIGHT.value,
)


def contributors(community_id: int, theme_key: int) -> list[int]:
    """The members to tell about an action on a theme: identified authors of its suggestions,
    survey answers and interviews in the current analysis (never anonymous feedback)."""
    run_id = analysis.current_run_id(community_id)
    if run_id is None:
        return []
    return sorted(db.session.execute(
        db.select(FeedbackItem.author_id).distinct()
        .join(ItemAnalysis, db.and_(ItemAnalysis.feedback_item_id == FeedbackItem.id,
                                    ItemAnalysis.run_id == run_id))
        .where(FeedbackItem.community_id == community_id,
               ItemAnalysis.theme_key == theme_key,
               FeedbackItem.author_id.is_not(None),
               FeedbackItem.source_kind.in_(CONTRIBUTING_KINDS))
    ).scalars())


def anonymous_items(community_id: int, theme_key: int) -> int:
    """How many anonymous items the theme holds (counted as supporters, never contacted)."""
    run_id = analysis.current_run_id(community_id)
    if run_id is None:
        return 0
    return int(db.session.execute(
        db.select(db.func.count(FeedbackItem.id))
        .join(ItemAnalysis, db.and_(ItemAnalysis.feedback_item_id == FeedbackItem.id,
                                    ItemAnalysis.run_id == run_id))
        .where(FeedbackItem.community_id == community_id, ItemAnalysis.theme_key == theme_key,
               FeedbackItem.author_id.is_(None),
               FeedbackItem.source_kind.in_(CONTRIBUTING_KINDS))
    ).scalar_one())


def act_on(community: Community, theme: InsightTheme, *, note: str,
           suggestion_ids: list[int] | tuple[int, ...] = (), actor,
           at: datetime | None = None, title: str | None = None) -> InsightThemeAction:
    """Mark a theme as acted on; the caller commits, then flushes notification deliveries.

    The 你说我改 entry carries ``title``, the team's one line on what changed (the theme's
    name when none is given); the suggestions resolved with it publish no entries of their
    own, so one change is one entry."""
    from app.services.suggestions import triage as triage_service

    if theme.community_id != community.id or theme.is_other:
        raise NotFound(_l("主题不存在。"), code="theme_not_found")
    if theme.status in (ThemeStatus.MERGED, ThemeStatus.SPLIT):
        raise ServiceError(_l("该主题已合并或拆分，请在它现在所在的主题上操作。"),
                           code="theme_inactive")
    note = (note or "").replace("\r\n", "\n").strip()
    if not note:
        raise ServiceError(_l("请写下做了哪些改进。"), code="note_required", field="note")
    if len(note) > MAX_NOTE:
        raise ServiceError(_l("说明不能超过 %(n)d 个字。", n=MAX_NOTE), code="note_too_long",
                           field="note")
    ids = sorted({int(i) for i in suggestion_ids})
    if len(ids) > MAX_SUGGESTIONS:
        raise ServiceError(_l("一次最多关联 %(n)d 条建议。", n=MAX_SUGGESTIONS),
                           code="too_many_suggestions", field="suggestions")
    suggestions = list(db.session.execute(
        db.select(Suggestion).where(Suggestion.community_id == community.id,
                                    Suggestion.id.in_(ids))
    ).scalars()) if ids else []
    if len(suggestions) != len(ids):
        raise NotFound(_l("有建议不存在。"), code="suggestion_not_found", field="suggestions")
    when = at or utcnow()
    told_by_suggestion: set[int] = set()
    resolved = []
    for suggestion in suggestions:
        if suggestion.merged_into_id:
            continue
        told_by_suggestion.update(triage_service.audience(suggestion))
        if suggestion.status != SuggestionStatus.DONE:
            triage_service.change_status(suggestion, status=SuggestionStatus.DONE.value,
                                         reply=note, actor=actor, at=when)
            resolved.append(suggestion.id)
    people = contributors(community.id, theme.key)
    recipients = [p for p in people if p not in told_by_suggestion]
    notes = notifications.notify(
        recipients, kind="insight.acted_on", community=community, created_at=when,
        title=_l("你反馈过的「%(theme)s」有了改进", theme=theme.name),
        body=note, link=f"/c/{community.slug}/changes",
        exclude=[getattr(actor, "id", None)],
    )
    changelog_service.add_entry(
        community, title=" ".join((title or "").split()) or theme.name, body=note,
        category=theme.area,
        source_type="theme", source_id=theme.id,
        supporters=len(people) + anonymous_items(community.id, theme.key),
        published_at=when, actor=actor, answers=ids,
    )
    action = InsightThemeAction(
        community_id=community.id, theme_key=theme.key, theme_name=theme.name, note=note,
        acted_on_at=when, actor_id=getattr(actor, "id", None), suggestion_ids=ids,
        notified_count=len(notes),
    )
    db.session.add(action)
    theme.acted_on_at = when
    db.session.flush()
    audit.record("insight.theme_acted_on", "insight_theme", theme.id, actor=actor,
                 community_id=community.id,
                 after={"theme": theme.name, "note": note[:500], "suggestions": ids,
                        "resolved": resolved, "notified": len(notes)})
    return action


def actions(community_id: int, *, theme_key: int | None = None) -> list[InsightThemeAction]:
    """The community's actions on themes, newest first."""
    stmt = db.select(InsightThemeAction).where(InsightThemeAction.community_id == community_id)
    if theme_key is not None:
        stmt = stmt.where(InsightThemeAction.theme_key == theme_key)
    return list(db.session.execute(
        stmt.order_by(InsightThemeAction.acted_on_at.desc(), InsightThemeAction.id.desc())
    ).scalars())
