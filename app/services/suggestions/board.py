"""The public board (建议广场) for members: other members' suggestions (never the author of an
anonymous one), +1 votes (我也想要), following, and comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    Community,
    Suggestion,
    SuggestionComment,
    SuggestionFollow,
    SuggestionStatus,
    SuggestionVote,
    User,
    utcnow,
)
from app.security.roles import Role
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.suggestions.box import box_settings, record_part_feedback, remove_part_feedback

MAX_COMMENT = 1000


def can_view(suggestion: Suggestion, user: User | None, role: Role | None) -> bool:
    """Whether a person may see a suggestion's member page (and its images).

    The team always can; the submitter can see their own; other members can when the board is
    on and the suggestion is not hidden.
    """
    if role is not None and role.at_least(Role.OPERATOR):
        return True
    if user is not None and suggestion.author_id is not None and suggestion.author_id == user.id:
        return True
    if role is None:
        return False
    community = db.session.get(Community, suggestion.community_id)
    return box_settings(community).public_board and not suggestion.is_hidden


def is_open_for_support(suggestion: Suggestion) -> bool:
    """Votes, follows and comments go to live suggestions only (not hidden or merged)."""
    return not suggestion.is_hidden and suggestion.merged_into_id is None


def _require_board(suggestion: Suggestion) -> None:
    community = db.session.get(Community, suggestion.community_id)
    if not box_settings(community).public_board:
        raise NotFound(_l("本社群没有开放建议广场。"), code="board_closed")
    if suggestion.is_hidden:
        raise NotFound(_l("这条建议已被隐藏。"), code="hidden")


@dataclass
class BoardItem:
    """A suggestion as a member sees it on the board."""

    suggestion: Suggestion
    votes: int
    comments: int
    voted: bool
    following: bool


def _counts(ids: list[int], viewer: User | None):
    if not ids:
        return {}, {}, set(), set()
    votes = dict(db.session.execute(
        db.select(SuggestionVote.suggestion_id, db.func.count(SuggestionVote.id))
        .where(SuggestionVote.suggestion_id.in_(ids)).group_by(SuggestionVote.suggestion_id)
    ).all())
    comments = dict(db.session.execute(
        db.select(SuggestionComment.suggestion_id, db.func.count(SuggestionComment.id))
        .where(SuggestionComment.suggestion_id.in_(ids), SuggestionComment.hidden_at.is_(None))
        .group_by(SuggestionComment.suggestion_id)
    ).all())
    voted: set[int] = set()
    following: set[int] = set()
    if viewer is not None:
        voted = set(db.session.execute(
            db.select(SuggestionVote.suggestion_id).where(
                SuggestionVote.suggestion_id.in_(ids), SuggestionVote.user_id == viewer.id)
        ).scalars())
        following = set(db.session.execute(
            db.select(SuggestionFollow.suggestion_id).where(
                SuggestionFollow.suggestion_id.in_(ids), SuggestionFollow.user_id == viewer.id)
        ).scalars())
    return votes, comments, voted, following


def items_for(suggestions: list[Suggestion], viewer: User | None) -> list[BoardItem]:
    """Board items (with counts and the viewer's own vote and follow) for suggestions."""
    ids = [s.id for s in suggestions]
    votes, comments, voted, following = _counts(ids, viewer)
    return [BoardItem(s, int(votes.get(s.id, 0)), int(comments.get(s.id, 0)), s.id in voted,
                      s.id in following) for s in suggestions]


def board(
    community: Community,
    *,
    viewer: User | None,
    status: str | None = None,
    category: str | None = None,
    sort: str = "hot",
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[BoardItem], int]:
    """Visible suggestions (not hidden, not merged away), most supported or newest first."""
    votes = (db.select(db.func.count(SuggestionVote.id))
             .where(SuggestionVote.suggestion_id == Suggestion.id).scalar_subquery())
    stmt = db.select(Suggestion).where(
        Suggestion.community_id == community.id,
        Suggestion.hidden_at.is_(None),
        Suggestion.status != SuggestionStatus.DUPLICATE.value,
    )
    if status:
        stmt = stmt.where(Suggestion.status == status)
    if category:
        stmt = stmt.where(Suggestion.category == category)
    total = int(db.session.execute(
        db.select(db.func.count()).select_from(stmt.subquery())).scalar_one())
    if sort == "new":
        order = (Suggestion.created_at.desc(), Suggestion.id.desc())
    else:
        order = (votes.desc(), Suggestion.updated_at.desc(), Suggestion.id.desc())
    rows = db.session.execute(stmt.order_by(*order).limit(limit).offset(offset)).scalars().all()
    return items_for(list(rows), viewer), total


#: The roadmap's columns, in reading order: what will be done, what is under way, what was done.
ROADMAP_COLUMNS = (SuggestionStatus.PLANNED, SuggestionStatus.IN_PROGRESS, SuggestionStatus.DONE)


def roadmap(community: Community, *, viewer: User | None,
            per_column: int = 30) -> dict[SuggestionStatus, tuple[list[BoardItem], int]]:
    """The board's suggestions by roadmap column (计划中 / 进行中 / 已完成), with each column's
    total: planned and in-progress ones most supported first, done ones most recent first."""
    votes = (db.select(db.func.count(SuggestionVote.id))
             .where(SuggestionVote.suggestion_id == Suggestion.id).scalar_subquery())
    columns = {}
    for status in ROADMAP_COLUMNS:
        stmt = db.select(Suggestion).where(
            Suggestion.community_id == community.id, Suggestion.hidden_at.is_(None),
            Suggestion.status == status.value)
        total = int(db.session.execute(
            db.select(db.func.count()).select_from(stmt.subquery())).scalar_one())
        changed = db.func.coalesce(Suggestion.status_changed_at, Suggestion.updated_at)
        order = ((changed.desc(), Suggestion.id.desc()) if status == SuggestionStatus.DONE
                 else (votes.desc(), changed.desc(), Suggestion.id.desc()))
        rows = db.session.execute(stmt.order_by(*order).limit(per_column)).scalars().all()
        columns[status] = (items_for(list(rows), viewer), total)
    return columns


def toggle_vote(suggestion: Suggestion, user: User) -> bool:
    """+1 (我也想要) or take it back; voting also follows the suggestion. Returns the new state."""
    _require_board(suggestion)
    if suggestion.merged_into_id:
        raise Conflict(_l("这条建议已合并，请到合并后的建议投票。"), code="merged")
    vote = db.session.execute(
        db.select(SuggestionVote).where(SuggestionVote.suggestion_id == suggestion.id,
                                        SuggestionVote.user_id == user.id)
    ).scalar_one_or_none()
    if vote is not None:
        db.session.delete(vote)
        return False
    db.session.add(SuggestionVote(suggestion_id=suggestion.id, user_id=user.id))
    set_following(suggestion, user, True)
    return True


def set_following(suggestion: Suggestion, user: User, follow: bool) -> None:
    """Follow (get notified of status changes and replies) or stop following."""
    if follow and suggestion.merged_into_id:
        raise Conflict(_l("这条建议已合并，请关注合并后的建议。"), code="merged")
    row = db.session.execute(
        db.select(SuggestionFollow).where(SuggestionFollow.suggestion_id == suggestion.id,
                                          SuggestionFollow.user_id == user.id)
    ).scalar_one_or_none()
    if follow and row is None:
        if suggestion.author_id != user.id:
            _require_board(suggestion)
        db.session.add(SuggestionFollow(suggestion_id=suggestion.id, user_id=user.id))
    elif not follow and row is not None:
        db.session.delete(row)
    db.session.flush()


def add_comment(suggestion: Suggestion, user: User, body: str, *, anonymous: bool = False,
                created_at: datetime | None = None) -> SuggestionComment:
    """A member comments on the board; an anonymous comment keeps no author."""
    _require_board(suggestion)
    if suggestion.merged_into_id:
        raise Conflict(_l("这条建议已合并，请到合并后的建议留言。"), code="merged")
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ServiceError(_l("请填写评论内容。"), code="comment_required", field="body")
    if len(body) > MAX_COMMENT:
        raise ServiceError(_l("评论不能超过 %(n)d 个字。", n=MAX_COMMENT), code="comment_too_long",
                           field="body")
    when = created_at or utcnow()
    comment = SuggestionComment(
        suggestion_id=suggestion.id, community_id=suggestion.community_id,
        author_id=None if anonymous else user.id, body=body, created_at=when,
    )
    db.session.add(comment)
    db.session.flush()
    record_part_feedback(suggestion, part="comment", part_id=comment.id, text=body,
                         author_id=comment.author_id, occurred_at=when)
    return comment


def delete_own_comment(comment: SuggestionComment, user: User) -> None:
    """A member removes their own (signed) comment."""
    if comment.author_id is None or comment.author_id != user.id:
        raise ServiceError(_l("只能删除自己的评论。"), code="not_yours")
    suggestion = db.session.get(Suggestion, comment.suggestion_id)
    remove_part_feedback(suggestion, part="comment", part_id=comment.id)
    db.session.delete(comment)


def comments_of(suggestion: Suggestion, *, include_hidden: bool) -> list[SuggestionComment]:
    """Comments, oldest first; hidden ones only for moderators."""
    stmt = db.select(SuggestionComment).where(SuggestionComment.suggestion_id == suggestion.id)
    if not include_hidden:
        stmt = stmt.where(SuggestionComment.hidden_at.is_(None))
    return list(db.session.execute(
        stmt.order_by(SuggestionComment.created_at, SuggestionComment.id)).scalars())
