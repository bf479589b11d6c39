"""A member's data rights (PIPL): everything the community holds about one member, as JSON.

The export covers what points to the member within one community: the account, the
membership, signed suggestions, comments, votes and follows, survey responses linked to them
and interviews that name them as interviewee. Anonymous suggestions and responses point to
nobody, so they are neither found nor exported. Secrets kept for the member's own safety
(password hash, session nonce, key and code hashes) are left out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select

from app.extensions import db
from app.models import (
    Interview,
    Membership,
    Suggestion,
    SuggestionComment,
    SuggestionFollow,
    SuggestionVote,
    SurveyResponse,
)
from app.models.base import utcnow
from app.services import audit

EXPORT_FORMAT = 1
_SECRET_PARTS = ("hash", "nonce", "secret", "token", "seed", "_key", "sealed")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_dict(row: Any) -> dict[str, Any]:
    """A row's columns as JSON-ready values, without the secrets kept to protect them."""
    return {
        column.key: _plain(getattr(row, column.key))
        for column in inspect(row).mapper.column_attrs
        if not any(part in column.key for part in _SECRET_PARTS)
    }


def export_member(membership: Membership, *, actor: Any | None = None) -> dict[str, Any]:
    """Everything about ``membership``'s member in its community (recorded in the audit log)."""
    user, community_id = membership.user, membership.community_id

    def rows(statement) -> list[dict[str, Any]]:
        return [row_dict(r) for r in db.session.execute(statement).scalars()]

    in_community = Suggestion.community_id == community_id
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "community_id": community_id,
        "account": row_dict(user),
        "membership": row_dict(membership),
        "suggestions": rows(select(Suggestion).where(
            in_community, Suggestion.author_id == user.id).order_by(Suggestion.id)),
        "comments": rows(select(SuggestionComment).where(
            SuggestionComment.community_id == community_id,
            SuggestionComment.author_id == user.id).order_by(SuggestionComment.id)),
        "votes": rows(select(SuggestionVote).join(Suggestion).where(
            in_community, SuggestionVote.user_id == user.id).order_by(SuggestionVote.id)),
        "follows": rows(select(SuggestionFollow).join(Suggestion).where(
            in_community, SuggestionFollow.user_id == user.id).order_by(SuggestionFollow.id)),
        "survey_responses": rows(select(SurveyResponse).where(
            SurveyResponse.community_id == community_id,
            SurveyResponse.respondent_id == user.id).order_by(SurveyResponse.id)),
        "interviews_as_interviewee": rows(select(Interview).where(
            Interview.community_id == community_id,
            Interview.interviewee_id == user.id).order_by(Interview.id)),
    }
    audit.record("member.data_exported", "membership", membership.id, actor=actor,
                 community_id=community_id)
    return data
