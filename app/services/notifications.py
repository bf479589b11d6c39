"""Notifications: create them for people, list and mark them read, and hand them to the
delivery channels.

Typical use in a view or task::

    notifications.notify(users, community=c, kind="suggestion.status", title=_l(...),
                         body=_l(...), link="/c/demo/s/12")

In a request the background deliveries (email…) are queued when the request ends, if the
transaction that created them was committed (``app.services.after_commit``); a rollback
forgets them. A job or command calls ``flush_deliveries()`` after its commit.

``title`` and ``body`` may be lazy strings: they are rendered in each recipient's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import force_locale

from app.extensions import db
from app.models import Notification, NotificationPreference, User, utcnow
from app.notifications.channels import CHANNELS, DEFAULT_CHANNELS, get_channel
from app.services import after_commit

_PENDING_KEY = "huisheng.pending_notifications"


def _render(text, locale: str) -> str:
    with force_locale(locale):
        return str(text)


def _recipients(people: Iterable[User | int], exclude: Iterable[User | int | None]) -> list[User]:
    excluded = {p if isinstance(p, int) else p.id for p in exclude if p is not None}
    ids: list[int] = []
    for person in people:
        if person is None:
            continue
        pid = person if isinstance(person, int) else person.id
        if pid not in excluded and pid not in ids:
            ids.append(pid)
    if not ids:
        return []
    users = db.session.execute(db.select(User).where(User.id.in_(ids))).scalars().all()
    by_id = {u.id: u for u in users if u.active}
    return [by_id[i] for i in ids if i in by_id]


def notify(
    people: Iterable[User | int],
    *,
    kind: str,
    title,
    body="",
    link: str | None = None,
    community=None,
    channels: Iterable[str] = DEFAULT_CHANNELS,
    exclude: Iterable[User | int | None] = (),
    created_at: datetime | None = None,
) -> list[Notification]:
    """Create one notification per person (deduplicated, inactive users and ``exclude``
    skipped) and remember the background deliveries for :func:`flush_deliveries`."""
    if link is not None and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("notification links must be paths inside this site")
    channels = [c for c in channels if c in CHANNELS]
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    texts: dict[str, tuple[str, str]] = {}  # rendered once per language
    created = []
    for user in _recipients(people, exclude):
        locale = user.locale or default_locale
        if locale not in texts:
            texts[locale] = (_render(title, locale)[:200], _render(body, locale))
        note = Notification(
            recipient_id=user.id,
            community_id=getattr(community, "id", community),
            kind=kind,
            title=texts[locale][0],
            body=texts[locale][1],
            link=link,
            deliveries={"in_app": {"status": "sent"}} if "in_app" in channels else {},
            created_at=created_at or utcnow(),
        )
        db.session.add(note)
        created.append(note)
    if not created:
        return []
    db.session.flush()
    background = [c for c in channels if CHANNELS[c].background]
    if background:
        after_commit.stage(_PENDING_KEY, [([n.id for n in created], background)])
    return created


def discard_pending_deliveries() -> None:
    """Forget deliveries that were not queued (after a rollback, or for generated data)."""
    from app.services import webhooks

    after_commit.discard(_PENDING_KEY)
    webhooks.discard_pending()


def flush_deliveries(base_url: str | None = None, *, committed_only: bool = False):
    """Queue the background deliveries of notifications created since the last flush.

    Call it after committing (a request does it when it ends); it also queues the group-chat
    robots' messages (``webhooks.announce``). Returns the JobRun, or None when there was
    nothing to send.
    """
    from app.services import jobs, webhooks

    webhooks.flush(base_url, committed_only=committed_only)
    pending = after_commit.take(_PENDING_KEY, committed_only=committed_only)
    if not pending:
        return None
    by_channels: dict[tuple[str, ...], list[int]] = {}
    for ids, channels in pending:
        by_channels.setdefault(tuple(channels), []).extend(ids)
    run = None
    for channels, ids in by_channels.items():
        run = jobs.enqueue("notifications.deliver", ids, list(channels),
                           base_url=(base_url or "").rstrip("/") or None)
    return run


def channel_enabled(user_id: int, channel: str) -> bool:
    """Whether the person wants this channel (every channel is on until turned off)."""
    pref = db.session.execute(
        db.select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.channel == channel
        )
    ).scalar_one_or_none()
    return pref is None or pref.enabled


def set_channel_enabled(user: User, channel: str, enabled: bool) -> None:
    """Turn an optional channel on or off for a person."""
    if channel not in CHANNELS or not CHANNELS[channel].optional:
        raise ValueError(f"channel {channel!r} cannot be switched")
    pref = db.session.execute(
        db.select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.channel == channel
        )
    ).scalar_one_or_none()
    if pref is None:
        pref = NotificationPreference(user_id=user.id, channel=channel)
        db.session.add(pref)
    pref.enabled = bool(enabled)


def deliver(notification_ids: list[int], channels: list[str], base_url: str | None = None) -> dict:
    """Deliver notifications through background channels and record each outcome (the job)."""
    counts: dict[str, int] = {}
    notes = db.session.execute(
        db.select(Notification).where(Notification.id.in_(notification_ids))
    ).scalars().all()
    for note in notes:
        deliveries = dict(note.deliveries or {})
        for name in channels:
            if deliveries.get(name, {}).get("status") == "sent":
                continue  # a retried job must not send twice
            channel = get_channel(name)
            if channel.optional and not channel_enabled(note.recipient_id, name):
                result_status, detail = "skipped", "opted_out"
            else:
                try:
                    result = channel.send(note, base_url)
                    result_status, detail = result.status, result.detail
                except Exception as exc:  # record it, then let the job retry
                    deliveries[name] = {"status": "failed", "detail": type(exc).__name__,
                                        "at": utcnow().isoformat(timespec="seconds")}
                    note.deliveries = deliveries
                    db.session.commit()
                    raise
            deliveries[name] = {"status": result_status, "detail": detail,
                                "at": utcnow().isoformat(timespec="seconds")}
            counts[f"{name}:{result_status}"] = counts.get(f"{name}:{result_status}", 0) + 1
        note.deliveries = deliveries
    db.session.commit()
    return counts


# --- reading ---------------------------------------------------------------------------------


def unread_count(user: User, community=None) -> int:
    """How many unread notifications a person has (in one community, or everywhere)."""
    stmt = db.select(db.func.count(Notification.id)).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)
    )
    if community is not None:
        stmt = stmt.where(Notification.community_id == community.id)
    return int(db.session.execute(stmt).scalar_one())


def list_for(user: User, *, community=None, unread_only: bool = False, limit: int = 30,
             offset: int = 0) -> list[Notification]:
    """A person's notifications, newest first."""
    stmt = db.select(Notification).where(Notification.recipient_id == user.id)
    if community is not None:
        stmt = stmt.where(Notification.community_id == community.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return list(db.session.execute(stmt.limit(limit).offset(offset)).scalars())


def get_for(user: User, notification_id: int) -> Notification | None:
    """One of the person's own notifications."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.recipient_id != user.id:
        return None
    return note


def mark_read(note: Notification) -> None:
    """Mark one notification as read."""
    if note.read_at is None:
        note.read_at = utcnow()


def mark_all_read(user: User, *, community=None) -> int:
    """Mark every unread notification of a person (in one community) as read."""
    stmt = db.update(Notification).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)
    )
    if community is not None:
        stmt = stmt.where(Notification.community_id == community.id)
    result = db.session.execute(stmt.values(read_at=utcnow()))
    return result.rowcount or 0



@after_commit.queues_when_committed
def _queue_committed_deliveries(base_url: str | None) -> None:
    flush_deliveries(base_url=base_url, committed_only=True)
