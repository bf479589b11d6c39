"""The public changelog (你说我改): entries for what a community's team acted on.

Completed suggestions publish an entry automatically; other features add their own with
``publish_for_source`` (one entry per source, updated in place) or ``add_entry``.

Each entry names the suggestions it answers (``ChangelogAnswer``): the completed suggestion
it was published for, the suggestions of a theme acted on, or those an operator picks for
a hand-written entry. The page lists them under the entry, and a suggestion's page shows the
entries that answer it (or the suggestion it was merged into).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    ChangelogAnswer,
    ChangelogEntry,
    Community,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from app.services import audit
from app.services.errors import ServiceError

MAX_TITLE = 200
MAX_BODY = 4000
#: At most this many suggestions answered by one entry (a theme can settle dozens; more is a
#: mistake in picking).
MAX_ANSWERS = 50
#: How many suggestions the hand-written entry's picker offers.
PICKER_LIMIT = 300


def _clean(title: str, body: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if not title:
        raise ServiceError(_l("请填写标题。"), code="title_required", field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError(_l("标题不能超过 %(n)d 个字。", n=MAX_TITLE), code="title_too_long",
                           field="title")
    if len(body) > MAX_BODY:
        raise ServiceError(_l("内容不能超过 %(n)d 个字。", n=MAX_BODY), code="body_too_long",
                           field="body")
    return title, body


def add_entry(
    community: Community,
    *,
    title: str,
    body: str = "",
    category: str | None = None,
    source_type: str | None = None,
    source_id: int | None = None,
    supporters: int = 0,
    published_at: datetime | None = None,
    actor=None,
    answers: Iterable[int] = (),
) -> ChangelogEntry:
    """Add an entry to the community's changelog; ``answers`` are the ids of the
    suggestions it answers (an entry published for a suggestion always answers it)."""
    title, body = _clean(title, body)
    wanted = list(answers) + ([source_id] if source_type == "suggestion" and source_id else [])
    answered = answerable(community, wanted)
    entry = ChangelogEntry(
        community_id=community.id, title=title, body=body, category=category,
        source_type=source_type, source_id=source_id, supporters=max(0, int(supporters)),
        created_by_id=getattr(actor, "id", None), published_at=published_at or utcnow(),
    )
    entry.answers = [ChangelogAnswer(suggestion_id=s.id) for s in answered]
    db.session.add(entry)
    db.session.flush()
    audit.record("changelog.published", "changelog_entry", entry.id, actor=actor,
                 community_id=community.id,
                 after={"title": title, "source_type": source_type, "source_id": source_id,
                        "answers": [s.id for s in answered]})
    return entry


def answerable(community: Community, ids: Iterable[int]) -> list[Suggestion]:
    """The suggestions ``ids`` name, checked: each must be one of the community's. A merged
    duplicate stands for the suggestion it was merged into.

    Raises ``ServiceError`` (field ``answers``) for an id that is not the community's, or
    for more than ``MAX_ANSWERS``.
    """
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    if len(wanted) > MAX_ANSWERS:
        raise ServiceError(_l("一条改进最多关联 %(n)d 条建议。", n=MAX_ANSWERS),
                           code="too_many_answers", field="answers")
    found = {s.id: s for s in db.session.execute(
        db.select(Suggestion).where(Suggestion.community_id == community.id,
                                    Suggestion.id.in_(wanted))).scalars()}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ServiceError(_l("找不到建议 #%(id)d。", id=missing[0]), code="unknown_suggestion",
                           field="answers")
    out: dict[int, Suggestion] = {}
    for suggestion in (found[i] for i in wanted):
        seen = {suggestion.id}
        while suggestion.merged_into_id and suggestion.merged_into_id not in seen:
            target = db.session.get(Suggestion, suggestion.merged_into_id)
            if target is None:
                break
            suggestion = target
            seen.add(suggestion.id)
        out.setdefault(suggestion.id, suggestion)
    return list(out.values())


def set_answers(entry: ChangelogEntry, ids: Iterable[int], *, actor=None) -> None:
    """Replace the suggestions an entry answers."""
    community = db.session.get(Community, entry.community_id)
    answered = answerable(community, ids)
    before = [a.suggestion_id for a in entry.answers]
    entry.answers = [ChangelogAnswer(suggestion_id=s.id) for s in answered]
    db.session.flush()
    audit.record("changelog.answers_changed", "changelog_entry", entry.id, actor=actor,
                 community_id=entry.community_id, before={"answers": before},
                 after={"answers": [s.id for s in answered]})


def picker_choices(community: Community) -> list[Suggestion]:
    """Suggestions an operator may say a hand-written entry answers: every one that is not
    a merged duplicate, those being worked on or done first, then the most recent."""
    order = db.case({SuggestionStatus.IN_PROGRESS.value: 0, SuggestionStatus.DONE.value: 1,
                     SuggestionStatus.PLANNED.value: 2, SuggestionStatus.NEW.value: 3},
                    value=Suggestion.status, else_=4)
    return list(db.session.execute(
        db.select(Suggestion).where(Suggestion.community_id == community.id,
                                    Suggestion.merged_into_id.is_(None))
        .order_by(order, Suggestion.created_at.desc(), Suggestion.id.desc())
        .limit(PICKER_LIMIT)
    ).scalars())


def answered_by(entries: Sequence[ChangelogEntry]) -> dict[int, list[Suggestion]]:
    """The suggestions each entry answers (by entry id), with the duplicates merged into
    them, oldest first."""
    ids = [e.id for e in entries]
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(ChangelogAnswer.entry_id, Suggestion)
        .join(Suggestion, Suggestion.id == ChangelogAnswer.suggestion_id)
        .where(ChangelogAnswer.entry_id.in_(ids))
        .order_by(Suggestion.created_at, Suggestion.id)
    ).all()
    out: dict[int, list[Suggestion]] = {i: [] for i in ids}
    direct = {s.id for _e, s in rows}
    merged: dict[int, list[Suggestion]] = {}
    if direct:
        for child in db.session.execute(
                db.select(Suggestion).where(Suggestion.merged_into_id.in_(direct))
                .order_by(Suggestion.created_at, Suggestion.id)).scalars():
            merged.setdefault(child.merged_into_id, []).append(child)
    for entry_id, suggestion in rows:
        out[entry_id].append(suggestion)
        out[entry_id].extend(merged.get(suggestion.id, []))
    return out


def entries_answering(suggestion: Suggestion) -> list[ChangelogEntry]:
    """The entries that answer a suggestion, or the suggestion it was merged into, newest
    first."""
    ids = [suggestion.id]
    current = suggestion
    while current.merged_into_id and current.merged_into_id not in ids:
        ids.append(current.merged_into_id)
        current = db.session.get(Suggestion, current.merged_into_id)
        if current is None:
            break
    return list(db.session.execute(
        db.select(ChangelogEntry)
        .join(ChangelogAnswer, ChangelogAnswer.entry_id == ChangelogEntry.id)
        .where(ChangelogEntry.community_id == suggestion.community_id,
               ChangelogAnswer.suggestion_id.in_(ids))
        .order_by(ChangelogEntry.published_at.desc(), ChangelogEntry.id.desc())
        .distinct()
    ).scalars())


def entry_for_source(community: Community, source_type: str, source_id: int
                     ) -> ChangelogEntry | None:
    """The entry published for a source (a suggestion, a theme…), if any."""
    return db.session.execute(
        db.select(ChangelogEntry).where(
            ChangelogEntry.community_id == community.id,
            ChangelogEntry.source_type == source_type,
            ChangelogEntry.source_id == source_id,
        ).order_by(ChangelogEntry.id).limit(1)
    ).scalar_one_or_none()


def publish_for_source(
    community: Community,
    source_type: str,
    source_id: int,
    *,
    title: str,
    body: str = "",
    category: str | None = None,
    supporters: int = 0,
    published_at: datetime | None = None,
    actor=None,
) -> ChangelogEntry:
    """Create or update the single entry that belongs to a source."""
    entry = entry_for_source(community, source_type, source_id)
    if entry is None:
        return add_entry(community, title=title, body=body, category=category,
                         source_type=source_type, source_id=source_id, supporters=supporters,
                         published_at=published_at, actor=actor)
    entry.title, entry.body = _clean(title, body)
    if source_type == "suggestion" and source_id not in {a.suggestion_id for a in entry.answers}:
        entry.answers.append(ChangelogAnswer(suggestion_id=source_id))
    entry.category = category
    entry.supporters = max(0, int(supporters))
    if published_at is not None:
        entry.published_at = published_at
    return entry


def withdraw_for_source(community: Community, source_type: str, source_id: int, *,
                        actor=None) -> int:
    """Remove the entries of a source (it was reopened or deleted); returns how many."""
    entries = db.session.execute(
        db.select(ChangelogEntry).where(
            ChangelogEntry.community_id == community.id,
            ChangelogEntry.source_type == source_type,
            ChangelogEntry.source_id == source_id,
        )
    ).scalars().all()
    for entry in entries:
        audit.record("changelog.withdrawn", "changelog_entry", entry.id, actor=actor,
                     community_id=community.id, before={"title": entry.title})
        db.session.delete(entry)
    return len(entries)


def delete_entry(entry: ChangelogEntry, *, actor) -> None:
    """Remove one entry."""
    audit.record("changelog.withdrawn", "changelog_entry", entry.id, actor=actor,
                 community_id=entry.community_id, before={"title": entry.title})
    db.session.delete(entry)


def entries(community: Community, *, limit: int = 20, offset: int = 0) -> list[ChangelogEntry]:
    """The community's changelog, newest first."""
    return list(db.session.execute(
        db.select(ChangelogEntry)
        .where(ChangelogEntry.community_id == community.id)
        .order_by(ChangelogEntry.published_at.desc(), ChangelogEntry.id.desc())
        .limit(limit).offset(offset)
    ).scalars())
