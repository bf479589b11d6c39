"""New and changed feedback items get analysed soon after they are committed.

A session listener notes the feedback items whose text, time, author or kind changed in a
flush; when the transaction commits they become due, and at the end of the app context
(the request, the job or the command that wrote them) one ``insights.analyze_items`` job per
community is queued. Queueing is deferred to that point because nothing may be written to
the session while it is committing, and so that a request's items go out as one job.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.models import FeedbackItem

log = logging.getLogger(__name__)

PENDING = "insights.pending_items"
DUE = "insights.due_items"
WATCHED = ("redacted_text", "occurred_at", "author_id", "source_kind")


def _note(session: Session, flush_context) -> None:
    pending = session.info.setdefault(PENDING, set())
    for obj in session.new:
        if isinstance(obj, FeedbackItem):
            pending.add((obj.community_id, obj.id))
    for obj in session.dirty:
        if isinstance(obj, FeedbackItem):
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in WATCHED):
                pending.add((obj.community_id, obj.id))


def _commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        session.info.setdefault(DUE, set()).update(pending)


def _rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def take_due(session: Session) -> dict[int, list[int]]:
    """Remove and return the committed item ids waiting for analysis, by community."""
    due = session.info.pop(DUE, None) or set()
    by_community: dict[int, list[int]] = {}
    for community_id, item_id in due:
        if community_id is not None and item_id is not None:
            by_community.setdefault(community_id, []).append(item_id)
    return {c: sorted(ids) for c, ids in by_community.items()}


def flush_due() -> int:
    """Queue analysis of committed items (called at the end of each app context).

    Uncommitted changes are discarded first, exactly as the end of the context would.
    Returns how many jobs were queued.
    """
    from flask import current_app

    from app.extensions import db
    from app.services import jobs

    session = db.session()
    if not session.info.get(DUE):
        return 0
    due = take_due(session)
    if not current_app.config.get("INSIGHTS_AUTO_ANALYSIS", True):
        return 0
    session.rollback()
    queued = 0
    for community_id, ids in due.items():
        try:
            jobs.enqueue("insights.analyze_items", community_id, ids, community_id=community_id)
            queued += 1
        except Exception:  # the nightly run still picks these items up
            session.rollback()
            log.exception("could not queue analysis of %d items", len(ids))
    return queued


def suppress_due() -> None:
    """Forget the items waiting for analysis (a full run covers them anyway)."""
    from app.extensions import db

    session = db.session()
    session.info.pop(PENDING, None)
    session.info.pop(DUE, None)


def register(app: Flask) -> None:
    """Listen to sessions and queue the analysis when each app context ends."""
    if not event.contains(Session, "after_flush", _note):
        event.listen(Session, "after_flush", _note)
        event.listen(Session, "after_commit", _commit)
        event.listen(Session, "after_rollback", _rollback)

    @app.teardown_appcontext
    def queue_item_analysis(exc):
        try:
            flush_due()
        except Exception:
            log.exception("queueing item analysis failed")
