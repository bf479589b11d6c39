"""The public changelog (你说我改): entries for what a community's team acted on.

Completed suggestions publish an entry automatically; other features add their own with
``publish_for_source`` (one entry per source, updated in place) or ``add_entry``.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import ChangelogEntry, Community, utcnow
from app.services import audit
from app.services.errors import ServiceError

MAX_TITLE = 200
MAX_BODY = 4000


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
) -> ChangelogEntry:
    """Add an entry to the community's changelog."""
    title, body = _clean(title, body)
    entry = ChangelogEntry(
        community_id=community.id, title=title, body=body, category=category,
        source_type=source_type, source_id=source_id, supporters=max(0, int(supporters)),
        created_by_id=getattr(actor, "id", None), published_at=published_at or utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    audit.record("changelog.published", "changelog_entry", entry.id, actor=actor,
                 community_id=community.id,
                 after={"title": title, "source_type": source_type, "source_id": source_id})
    return entry


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
