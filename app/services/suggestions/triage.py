"""Triage for operators: the inbox and its filters, status changes with official replies,
category, tags, assignee, internal notes, moderation, merging duplicates (and undoing it) and
deletion. Every change is written to the audit log with its before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    OPEN_STATUSES,
    SUGGESTION_STATUS_LABELS,
    AuditEntry,
    Community,
    FeedbackItem,
    Membership,
    SourceKind,
    Suggestion,
    SuggestionComment,
    SuggestionFollow,
    SuggestionMerge,
    SuggestionNote,
    SuggestionStatus,
    SuggestionTag,
    SuggestionUpdate,
    SuggestionVote,
    UpdateKind,
    User,
    utcnow,
)
from app.security.roles import Role
from app.services import audit, notifications
from app.services.errors import Conflict, ServiceError
from app.services.insights.feedback import delete_feedback
from app.services.suggestions import changelog as changelog_service
from app.services.suggestions.box import (
    box_settings,
    remove_part_feedback,
    sync_feedback,
    validate_category,
)
from app.services.suggestions.images import delete_files
from app.services.tags import parse_tags

MAX_REPLY = 2000
MAX_NOTE = 2000
# Statuses an operator can pick; DUPLICATE is reached only by merging.
SETTABLE_STATUSES = [s for s in SuggestionStatus if s != SuggestionStatus.DUPLICATE]
# Closing a suggestion always tells the members what was done, or why not.
REPLY_REQUIRED = {SuggestionStatus.DONE, SuggestionStatus.DECLINED}


def _community(suggestion: Suggestion) -> Community:
    return db.session.get(Community, suggestion.community_id)


def member_link(community: Community, suggestion: Suggestion) -> str:
    """The member-facing page of a suggestion (a path)."""
    return f"/c/{community.slug}/s/{suggestion.id}"


def audience(suggestion: Suggestion) -> list[int]:
    """Who hears about a suggestion: its (non-anonymous) submitter and its followers."""
    ids = [suggestion.author_id] if suggestion.author_id else []
    ids += list(db.session.execute(
        db.select(SuggestionFollow.user_id)
        .where(SuggestionFollow.suggestion_id == suggestion.id)
        .order_by(SuggestionFollow.id)
    ).scalars())
    return ids


def supporters(suggestion: Suggestion) -> int:
    """How many people raised it: distinct voters and followers, plus the submitter."""
    voters = set(db.session.execute(
        db.select(SuggestionVote.user_id).where(SuggestionVote.suggestion_id == suggestion.id)
    ).scalars())
    followers = set(db.session.execute(
        db.select(SuggestionFollow.user_id).where(SuggestionFollow.suggestion_id == suggestion.id)
    ).scalars())
    people = voters | followers
    if suggestion.author_id:
        people.add(suggestion.author_id)
    return len(people) + (1 if suggestion.is_anonymous else 0)


# --- status and official replies -------------------------------------------------------------


def change_status(
    suggestion: Suggestion,
    *,
    status: str,
    reply: str | None,
    actor: User,
    at: datetime | None = None,
    changelog_title: str | None = None,
) -> SuggestionUpdate:
    """Move a suggestion to a status and publish an official reply, in one step.

    The submitter (through the tracking link, or in-app) and every follower are told.
    Keeping the status and only replying is allowed; doing neither is refused.

    A completed suggestion reaches the public 你说我改 page only under a title the team
    wrote (``changelog_title``: what changed, 「直播课提供高清回放」), never under the
    member's own words: those are a request, a complaint or a compliment, often cut off. A
    suggestion completed without one keeps the entry it already has, or gets none.
    """
    changelog_title = " ".join((changelog_title or "").split()) or None
    try:
        new = SuggestionStatus(status)
    except ValueError:
        raise ServiceError(_l("请选择有效的状态。"), code="invalid_status",
                           field="status") from None
    if new not in SETTABLE_STATUSES:
        raise ServiceError(_l("标记为重复请使用「合并」。"), code="use_merge", field="status")
    if suggestion.merged_into_id:
        raise Conflict(_l("这条建议已合并到其他建议，请先撤销合并。"), code="merged")
    reply = (reply or "").replace("\r\n", "\n").strip() or None
    old = suggestion.status_enum
    if reply and len(reply) > MAX_REPLY:
        raise ServiceError(_l("回复不能超过 %(n)d 个字。", n=MAX_REPLY), code="reply_too_long",
                           field="reply")
    if new == old and not reply:
        raise ServiceError(_l("状态没有变化，也没有填写回复。"), code="nothing_to_do",
                           field="reply")
    if new != old and new in REPLY_REQUIRED and not reply:
        raise ServiceError(_l("标记为「%(status)s」时请写一句回复，告诉成员做了什么或为什么。",
                              status=SUGGESTION_STATUS_LABELS[new]),
                           code="reply_required", field="reply")
    when = at or utcnow()
    update = SuggestionUpdate(
        suggestion_id=suggestion.id, community_id=suggestion.community_id,
        kind=UpdateKind.STATUS.value, from_status=old.value, to_status=new.value, body=reply,
        actor_id=actor.id, public=True, created_at=when,
    )
    db.session.add(update)
    suggestion.status = new.value
    suggestion.updated_at = when
    if new != old:
        suggestion.status_changed_at = when
    db.session.flush()
    sync_feedback(suggestion)
    community = _community(suggestion)
    if new == SuggestionStatus.DONE:
        entry = changelog_service.entry_for_source(community, "suggestion", suggestion.id)
        title = changelog_title or (entry.title if entry is not None else None)
        if title:
            latest = reply or _latest_reply_text(suggestion)
            changelog_service.publish_for_source(
                community, "suggestion", suggestion.id, title=title, body=latest or "",
                category=suggestion.category, supporters=supporters(suggestion),
                published_at=when if new != old or entry is None else None, actor=actor,
            )
    elif old == SuggestionStatus.DONE:
        changelog_service.withdraw_for_source(community, "suggestion", suggestion.id, actor=actor)
    audit.record(
        "suggestion.status_changed" if new != old else "suggestion.replied", "suggestion",
        suggestion.id, actor=actor, community_id=suggestion.community_id,
        before={"status": old.value},
        after={"status": new.value, "reply": (reply or "")[:500] or None},
    )
    _notify_update(community, suggestion, old, new, reply, actor, when)
    return update


def _latest_reply_text(suggestion: Suggestion) -> str | None:
    return db.session.execute(
        db.select(SuggestionUpdate.body).where(
            SuggestionUpdate.suggestion_id == suggestion.id,
            SuggestionUpdate.public.is_(True), SuggestionUpdate.body.is_not(None),
        ).order_by(SuggestionUpdate.created_at.desc(), SuggestionUpdate.id.desc()).limit(1)
    ).scalar_one_or_none()


def _notify_update(community, suggestion, old, new, reply, actor, when) -> None:
    title = suggestion.short_title()
    if new != old:
        heading = _l("建议「%(title)s」的状态更新为：%(status)s", title=title,
                     status=SUGGESTION_STATUS_LABELS[new])
        kind = "suggestion.status"
    else:
        heading = _l("运营团队回复了建议「%(title)s」", title=title)
        kind = "suggestion.reply"
    if reply:
        body = _l("%(from)s → %(to)s\n\n运营团队回复：%(reply)s",
                  **{"from": SUGGESTION_STATUS_LABELS[old], "to": SUGGESTION_STATUS_LABELS[new],
                     "reply": reply})
    else:
        body = _l("%(from)s → %(to)s", **{"from": SUGGESTION_STATUS_LABELS[old],
                                          "to": SUGGESTION_STATUS_LABELS[new]})
    notifications.notify(
        audience(suggestion), community=community, kind=kind, title=heading, body=body,
        link=member_link(community, suggestion) + "#updates", exclude=[actor], created_at=when,
    )


# --- category, tags, assignee, notes ---------------------------------------------------------


def operators_of(community: Community) -> list[tuple[User, Membership]]:
    """The people who can be assigned: operators, managers and admins of the community."""
    rows = db.session.execute(
        db.select(User, Membership).join(Membership, Membership.user_id == User.id).where(
            Membership.community_id == community.id,
            Membership.role.in_([Role.OPERATOR.value, Role.MANAGER.value, Role.ADMIN.value]),
            User.active.is_(True),
        ).order_by(User.display_name)
    ).all()
    return [(u, m) for u, m in rows]


def triage(
    suggestion: Suggestion,
    *,
    category: str,
    tags: str | list[str],
    assignee_id: int | None,
    actor: User,
) -> bool:
    """Set the category, tags and assignee; returns whether anything changed."""
    community = _community(suggestion)
    if category != suggestion.category:
        category = validate_category(community, category)
    tag_list = parse_tags(tags)
    if assignee_id is not None:
        allowed = {u.id for u, _m in operators_of(community)}
        if assignee_id not in allowed:
            raise ServiceError(_l("只能指派给本社群的运营者。"), code="invalid_assignee",
                               field="assignee")
    before = {"category": suggestion.category, "tags": suggestion.tag_names,
              "assignee_id": suggestion.assignee_id}
    suggestion.category = category
    existing = {t.name: t for t in suggestion.tags}
    for name, tag in existing.items():
        if name not in tag_list:
            suggestion.tags.remove(tag)
    for name in tag_list:
        if name not in existing:
            suggestion.tags.append(SuggestionTag(name=name))
    suggestion.assignee_id = assignee_id
    after = {"category": category, "tags": sorted(tag_list), "assignee_id": assignee_id}
    before["tags"] = sorted(before["tags"])
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return False
    db.session.flush()
    sync_feedback(suggestion)
    audit.record("suggestion.triaged", "suggestion", suggestion.id, actor=actor,
                 community_id=suggestion.community_id,
                 before={k: before[k] for k in changed}, after=changed)
    if "assignee_id" in changed and assignee_id and assignee_id != actor.id:
        notifications.notify(
            [assignee_id], community=community, kind="suggestion.assigned",
            title=_l("你被指派处理建议「%(title)s」", title=suggestion.short_title()),
            body=_l("%(name)s 把这条建议指派给了你。", name=actor.display_name),
            link=f"/c/{community.slug}/suggestions/{suggestion.id}",
        )
    return True


MAX_BULK = 100
BULK_ACTIONS = ("status", "tag", "merge")


def bulk_triage(community: Community, ids: list[int], *, action: str, actor: User,
                status: str | None = None, reply: str | None = None, tags: str = "",
                target_id: int | None = None) -> int:
    """Triage several suggestions at once: one status and reply for all (``status``), tags
    added to each (``tag``), or all merged into one (``merge``, into ``target_id``, which may
    be one of them). Everything or nothing: the first refusal names its suggestion and the
    caller rolls back. Returns how many suggestions changed."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ServiceError(_l("请先勾选要处理的建议。"), code="nothing_selected", field="items")
    if len(ids) > MAX_BULK:
        raise ServiceError(_l("一次最多处理 %(n)d 条建议。", n=MAX_BULK), code="too_many",
                           field="items")
    if action not in BULK_ACTIONS:
        raise ServiceError(_l("请选择批量操作。"), code="invalid_action", field="action")
    found = {s.id: s for s in db.session.execute(
        db.select(Suggestion).where(Suggestion.community_id == community.id,
                                    Suggestion.id.in_(ids))).scalars()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ServiceError(_l("找不到建议 #%(id)d。", id=missing[0]), code="not_found",
                           field="items")
    chosen = [found[i] for i in ids]
    if action == "merge":
        target = found.get(target_id) if target_id in found else db.session.execute(
            db.select(Suggestion).where(Suggestion.community_id == community.id,
                                        Suggestion.id == (target_id or 0))).scalar_one_or_none()
        if target is None:
            raise ServiceError(_l("请填写要合并到的建议编号。"), code="merge_target_missing",
                               field="target")
        sources = [s for s in chosen if s.id != target.id]
        if not sources:
            raise ServiceError(_l("请至少再勾选一条要合并的建议。"), code="nothing_selected",
                               field="items")
        for source in sources:
            _each(source, lambda s=source: merge(s, target, actor=actor))
        return len(sources)
    if action == "status":
        for suggestion in chosen:
            _each(suggestion, lambda s=suggestion: change_status(s, status=status or "",
                                                                 reply=reply, actor=actor))
        return len(chosen)
    wanted = set(parse_tags(tags))
    if not wanted:
        raise ServiceError(_l("请填写要添加的标签。"), code="tags_required", field="tags")
    changed = 0
    for suggestion in chosen:
        changed += _each(suggestion, lambda s=suggestion: triage(
            s, category=s.category, tags=sorted(set(s.tag_names) | wanted),
            assignee_id=s.assignee_id, actor=actor))
    return changed


def _each(suggestion: Suggestion, act):
    """Run one step of a bulk action; a refusal says which suggestion it was about."""
    try:
        return act()
    except ServiceError as exc:
        raise type(exc)(_l("建议 #%(id)d：%(reason)s", id=suggestion.id, reason=exc.message),
                        code=exc.code, field=getattr(exc, "field", None)) from None


def add_note(suggestion: Suggestion, body: str, *, actor: User,
             at: datetime | None = None) -> SuggestionNote:
    """Add an internal note (never shown to members)."""
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ServiceError(_l("请填写备注内容。"), code="note_required", field="body")
    if len(body) > MAX_NOTE:
        raise ServiceError(_l("备注不能超过 %(n)d 个字。", n=MAX_NOTE), code="note_too_long",
                           field="body")
    note = SuggestionNote(suggestion_id=suggestion.id, community_id=suggestion.community_id,
                          author_id=actor.id, body=body, created_at=at or utcnow())
    db.session.add(note)
    db.session.flush()
    audit.record("suggestion.note_added", "suggestion", suggestion.id, actor=actor,
                 community_id=suggestion.community_id, after={"note_id": note.id})
    return note


def notes_of(suggestion: Suggestion) -> list[SuggestionNote]:
    """Internal notes, oldest first."""
    return list(db.session.execute(
        db.select(SuggestionNote).where(SuggestionNote.suggestion_id == suggestion.id)
        .order_by(SuggestionNote.created_at, SuggestionNote.id)
    ).scalars())


# --- moderation ------------------------------------------------------------------------------


def set_hidden(suggestion: Suggestion, hidden: bool, *, actor: User) -> None:
    """Hide a suggestion from the board (and from members' similar results), or show it."""
    if hidden == suggestion.is_hidden:
        return
    suggestion.hidden_at = utcnow() if hidden else None
    sync_feedback(suggestion)
    audit.record("suggestion.hidden" if hidden else "suggestion.unhidden", "suggestion",
                 suggestion.id, actor=actor, community_id=suggestion.community_id,
                 before={"hidden": not hidden}, after={"hidden": hidden})


def set_comment_hidden(comment: SuggestionComment, hidden: bool, *, actor: User) -> None:
    """Hide a comment from the board, or show it again. A hidden comment leaves the analysis."""
    if hidden == comment.is_hidden:
        return
    suggestion = db.session.get(Suggestion, comment.suggestion_id)
    comment.hidden_at = utcnow() if hidden else None
    if hidden:
        remove_part_feedback(suggestion, part="comment", part_id=comment.id)
    else:
        from app.services.suggestions.box import record_part_feedback

        record_part_feedback(suggestion, part="comment", part_id=comment.id, text=comment.body,
                             author_id=comment.author_id, occurred_at=comment.created_at)
    audit.record("suggestion.comment_hidden" if hidden else "suggestion.comment_unhidden",
                 "suggestion", suggestion.id, actor=actor, community_id=suggestion.community_id,
                 after={"comment_id": comment.id, "hidden": hidden})


# --- merging ---------------------------------------------------------------------------------


def merge(source: Suggestion, target: Suggestion, *, actor: User, note: str | None = None,
          at: datetime | None = None) -> SuggestionMerge:
    """Merge ``source`` (a duplicate) into ``target``.

    Votes and followers move to the target, deduplicated (a person who supported both keeps one
    vote there, and their row on the source stays where it is). The source becomes 重复 with a
    link to the target. Everything moved is recorded so that :func:`unmerge` restores it.
    """
    if source.id == target.id:
        raise ServiceError(_l("不能把建议合并到它自己。"), code="merge_self", field="target")
    if source.community_id != target.community_id:
        raise ServiceError(_l("找不到要合并到的建议。"), code="merge_target_missing",
                           field="target")
    if source.merged_into_id:
        raise Conflict(_l("这条建议已经合并过了。"), code="already_merged")
    if target.merged_into_id:
        raise Conflict(_l("目标建议本身已合并到 #%(id)d，请直接合并到那条建议。",
                          id=target.merged_into_id), code="target_merged", field="target")
    note = (note or "").strip() or None
    if note and len(note) > MAX_REPLY:
        raise ServiceError(_l("回复不能超过 %(n)d 个字。", n=MAX_REPLY), code="reply_too_long",
                           field="note")
    when = at or utcnow()
    hearing = audience(source)
    moved_votes = _move_rows(SuggestionVote, source.id, target.id)
    moved_follows = _move_rows(SuggestionFollow, source.id, target.id)
    previous = source.status
    update = SuggestionUpdate(
        suggestion_id=source.id, community_id=source.community_id, kind=UpdateKind.MERGED.value,
        from_status=previous, to_status=SuggestionStatus.DUPLICATE.value, body=note,
        actor_id=actor.id, public=True, related_id=target.id, created_at=when,
    )
    db.session.add(update)
    db.session.flush()
    source.status = SuggestionStatus.DUPLICATE.value
    source.merged_into_id = target.id
    source.status_changed_at = when
    target.updated_at = when
    moved = {"votes": moved_votes, "follows": moved_follows, "update_id": update.id}
    if previous == SuggestionStatus.DONE:
        # Its 你说我改 entry goes with the merge; undoing it brings the written title back.
        entry = changelog_service.entry_for_source(_community(source), "suggestion", source.id)
        if entry is not None:
            moved["changelog_title"] = entry.title
    record = SuggestionMerge(
        community_id=source.community_id, source_id=source.id, target_id=target.id,
        previous_status=previous, merged_by_id=actor.id, merged_at=when, moved=moved,
    )
    db.session.add(record)
    db.session.flush()
    sync_feedback(source)
    if previous == SuggestionStatus.DONE:
        changelog_service.withdraw_for_source(_community(source), "suggestion", source.id,
                                              actor=actor)
    summary = {"merged_into": target.id, "votes_moved": len(moved_votes),
               "follows_moved": len(moved_follows)}
    audit.record("suggestion.merged", "suggestion", source.id, actor=actor,
                 community_id=source.community_id,
                 before={"status": previous, "merged_into": None},
                 after={"status": SuggestionStatus.DUPLICATE.value, **summary})
    audit.record("suggestion.merge_received", "suggestion", target.id, actor=actor,
                 community_id=target.community_id,
                 after={"merged_from": source.id, "votes_moved": len(moved_votes),
                        "follows_moved": len(moved_follows)})
    community = _community(source)
    notifications.notify(
        hearing, community=community, kind="suggestion.merged",
        title=_l("建议「%(title)s」已合并到「%(target)s」", title=source.short_title(),
                 target=target.short_title()),
        body=_l("两条建议说的是同一件事，后续进展会在「%(target)s」中更新，你会继续收到通知。",
                target=target.display_title) + (f"\n\n{note}" if note else ""),
        link=member_link(community, target), exclude=[actor], created_at=when,
    )
    return record


def _move_rows(model, source_id: int, target_id: int) -> list[int]:
    """Move vote or follow rows to the target unless the person already has one there."""
    already = set(db.session.execute(
        db.select(model.user_id).where(model.suggestion_id == target_id)
    ).scalars())
    rows = db.session.execute(
        db.select(model).where(model.suggestion_id == source_id).order_by(model.id)
    ).scalars().all()
    moved = []
    for row in rows:
        if row.user_id not in already:
            row.suggestion_id = target_id
            moved.append(row.id)
    db.session.flush()
    return moved


def active_merge(source: Suggestion) -> SuggestionMerge | None:
    """The merge that made this suggestion a duplicate, if it is still in force."""
    return db.session.execute(
        db.select(SuggestionMerge).where(
            SuggestionMerge.source_id == source.id, SuggestionMerge.undone_at.is_(None)
        ).order_by(SuggestionMerge.id.desc()).limit(1)
    ).scalar_one_or_none()


def unmerge(source: Suggestion, *, actor: User) -> SuggestionMerge:
    """Undo a merge: the source gets back its own votes, followers and previous status."""
    record = active_merge(source)
    if record is None or source.merged_into_id is None:
        raise Conflict(_l("这条建议没有被合并。"), code="not_merged")
    target = db.session.get(Suggestion, record.target_id)
    if target is not None and target.merged_into_id:
        raise Conflict(_l("目标建议 #%(id)d 也已被合并，请先撤销它的合并。", id=target.id),
                       code="target_merged")
    moved = record.moved or {}
    for model, key in ((SuggestionVote, "votes"), (SuggestionFollow, "follows")):
        ids = moved.get(key) or []
        if ids and target is not None:
            db.session.execute(
                db.update(model).where(model.id.in_(ids), model.suggestion_id == target.id)
                .values(suggestion_id=source.id)
            )
    if moved.get("update_id"):
        db.session.execute(db.delete(SuggestionUpdate).where(
            SuggestionUpdate.id == moved["update_id"]))
    source.status = record.previous_status
    source.merged_into_id = None
    source.status_changed_at = utcnow()
    record.undone_at = utcnow()
    record.undone_by_id = actor.id
    db.session.flush()
    db.session.expire_all()
    sync_feedback(source)
    if record.previous_status == SuggestionStatus.DONE and moved.get("changelog_title"):
        changelog_service.publish_for_source(
            _community(source), "suggestion", source.id, title=moved["changelog_title"],
            body=_latest_reply_text(source) or "", category=source.category,
            supporters=supporters(source), actor=actor,
        )
    audit.record("suggestion.unmerged", "suggestion", source.id, actor=actor,
                 community_id=source.community_id,
                 before={"status": SuggestionStatus.DUPLICATE.value,
                         "merged_into": record.target_id},
                 after={"status": record.previous_status, "merged_into": None})
    audit.record("suggestion.merge_undone", "suggestion", record.target_id, actor=actor,
                 community_id=source.community_id, after={"unmerged": source.id})
    return record


def merged_into_this(suggestion: Suggestion) -> list[Suggestion]:
    """Suggestions currently merged into this one."""
    return list(db.session.execute(
        db.select(Suggestion).where(Suggestion.merged_into_id == suggestion.id)
        .order_by(Suggestion.id)
    ).scalars())


# --- deletion --------------------------------------------------------------------------------


def delete(suggestion: Suggestion, *, actor: User, record: bool = True) -> None:
    """Delete a suggestion (spam, or a request of its submitter) with its feedback items,
    images and changelog entry. Suggestions merged into it are unmerged first.

    ``record=False`` leaves out the audit entry, which names the suggestion's title: a
    member's erasure records one entry of its own without their words."""
    for child in merged_into_this(suggestion):
        unmerge(child, actor=actor)
    community = _community(suggestion)
    keys = db.session.execute(
        db.select(FeedbackItem.source_key).where(
            FeedbackItem.community_id == suggestion.community_id,
            FeedbackItem.source_kind == SourceKind.SUGGESTION.value,
            FeedbackItem.source_id == suggestion.id,
        )
    ).scalars().all()
    for key in keys:
        delete_feedback(suggestion.community_id, key)
    changelog_service.withdraw_for_source(community, "suggestion", suggestion.id, actor=actor)
    images = list(suggestion.images)
    if record:
        audit.record("suggestion.deleted", "suggestion", suggestion.id, actor=actor,
                     community_id=suggestion.community_id,
                     before={"title": suggestion.display_title, "status": suggestion.status,
                             "category": suggestion.category})
    db.session.delete(suggestion)
    db.session.flush()
    delete_files(images)


# --- the inbox -------------------------------------------------------------------------------


@dataclass
class InboxFilters:
    """What the operator filters the inbox by."""

    status: str | None = None  # a status, "open", or None for all
    category: str | None = None
    tag: str | None = None
    assignee: str | None = None  # a user id, "me", "none", or None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    hidden: str | None = None  # "only", "exclude" or None
    sort: str = "new"  # new | old | votes | updated


@dataclass
class InboxRow:
    """One line of the inbox."""

    suggestion: Suggestion
    votes: int
    comments: int
    answers: int


def _local_bounds(community: Community, day: date, *, end: bool) -> datetime:
    """A local calendar day boundary as naive UTC (timestamps are stored in UTC)."""
    try:
        zone = ZoneInfo(community.timezone or "Asia/Shanghai")
    except Exception:  # an unknown zone name falls back to China time
        zone = ZoneInfo("Asia/Shanghai")
    moment = datetime.combine(day + timedelta(days=1) if end else day, datetime.min.time(),
                              tzinfo=zone)
    return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def inbox(community: Community, filters: InboxFilters, *, viewer: User, limit: int = 25,
          offset: int = 0) -> tuple[list[InboxRow], int]:
    """The filtered inbox page and the total number of matches."""
    votes = (db.select(db.func.count(SuggestionVote.id))
             .where(SuggestionVote.suggestion_id == Suggestion.id).scalar_subquery())
    comments = (db.select(db.func.count(SuggestionComment.id))
                .where(SuggestionComment.suggestion_id == Suggestion.id).scalar_subquery())
    answers = (db.select(db.func.count(SuggestionUpdate.id))
               .where(SuggestionUpdate.suggestion_id == Suggestion.id,
                      SuggestionUpdate.kind == UpdateKind.SUBMITTER.value).scalar_subquery())
    stmt = db.select(Suggestion).where(Suggestion.community_id == community.id)
    if filters.status == "open":
        stmt = stmt.where(Suggestion.status.in_([s.value for s in OPEN_STATUSES]))
    elif filters.status:
        stmt = stmt.where(Suggestion.status == filters.status)
    if filters.category:
        stmt = stmt.where(Suggestion.category == filters.category)
    if filters.tag:
        stmt = stmt.where(Suggestion.id.in_(
            db.select(SuggestionTag.suggestion_id).where(SuggestionTag.name == filters.tag)))
    if filters.assignee == "me":
        stmt = stmt.where(Suggestion.assignee_id == viewer.id)
    elif filters.assignee == "none":
        stmt = stmt.where(Suggestion.assignee_id.is_(None))
    elif filters.assignee and filters.assignee.isdigit():
        stmt = stmt.where(Suggestion.assignee_id == int(filters.assignee))
    if filters.date_from:
        stmt = stmt.where(Suggestion.created_at >= _local_bounds(community, filters.date_from,
                                                                 end=False))
    if filters.date_to:
        stmt = stmt.where(Suggestion.created_at < _local_bounds(community, filters.date_to,
                                                                end=True))
    if filters.q:
        needle = filters.q.strip()
        stmt = stmt.where(db.or_(Suggestion.content.icontains(needle, autoescape=True),
                                 Suggestion.title.icontains(needle, autoescape=True)))
    if filters.hidden == "only":
        stmt = stmt.where(Suggestion.hidden_at.is_not(None))
    elif filters.hidden == "exclude":
        stmt = stmt.where(Suggestion.hidden_at.is_(None))
    total = int(db.session.execute(
        db.select(db.func.count()).select_from(stmt.subquery())).scalar_one())
    order = {
        "old": (Suggestion.created_at.asc(), Suggestion.id.asc()),
        "votes": (votes.desc(), Suggestion.created_at.desc()),
        "updated": (Suggestion.updated_at.desc(), Suggestion.id.desc()),
    }.get(filters.sort, (Suggestion.created_at.desc(), Suggestion.id.desc()))
    rows = db.session.execute(
        stmt.add_columns(votes, comments, answers).order_by(*order).limit(limit).offset(offset)
    ).all()
    return [InboxRow(s, int(v or 0), int(c or 0), int(a or 0)) for s, v, c, a in rows], total


def status_counts(community: Community) -> dict[str, int]:
    """How many suggestions are in each status."""
    rows = db.session.execute(
        db.select(Suggestion.status, db.func.count(Suggestion.id))
        .where(Suggestion.community_id == community.id).group_by(Suggestion.status)
    ).all()
    counts = {s.value: 0 for s in SuggestionStatus}
    counts.update({status: int(n) for status, n in rows})
    counts["open"] = sum(counts[s.value] for s in OPEN_STATUSES)
    counts["all"] = sum(counts[s.value] for s in SuggestionStatus)
    return counts


def tags_in_use(community: Community) -> list[str]:
    """Every tag used on the community's suggestions, alphabetically."""
    return list(db.session.execute(
        db.select(SuggestionTag.name).join(Suggestion, Suggestion.id == SuggestionTag.suggestion_id)
        .where(Suggestion.community_id == community.id).distinct().order_by(SuggestionTag.name)
    ).scalars())


def categories_for_filter(community: Community) -> list[str]:
    """The configured categories plus any older ones still in use."""
    configured = list(box_settings(community).categories)
    used = db.session.execute(
        db.select(Suggestion.category).where(Suggestion.community_id == community.id).distinct()
    ).scalars().all()
    return configured + sorted(c for c in used if c not in configured)


def history(suggestion: Suggestion) -> list[AuditEntry]:
    """The suggestion's audit entries, newest first."""
    return list(db.session.execute(
        db.select(AuditEntry).where(
            AuditEntry.community_id == suggestion.community_id,
            AuditEntry.target_type == "suggestion", AuditEntry.target_id == suggestion.id,
        ).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).scalars())
