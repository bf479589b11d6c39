"""Recording changes in the audit log."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import AuditEntry


def record(
    action: str,
    target_type: str,
    target_id: int | None = None,
    *,
    actor=None,
    community_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the session (the caller commits with the change itself)."""
    actor_id = getattr(actor, "id", None) if actor is not None else None
    entry = AuditEntry(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_id=actor_id,
        community_id=community_id,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


def recent(community_id: int, *, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    """The latest audit entries of a community, newest first."""
    return list(
        db.session.execute(
            db.select(AuditEntry)
            .where(AuditEntry.community_id == community_id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
            .offset(offset)
        ).scalars()
    )
