"""New and changed feedback items get analysed soon after they are committed.

These are the handlers of one entry of ``app.side_effects``, which attaches them to the
app's session and engines. The flush handler notes the feedback items whose text, time,
author or kind changed in a flush; when the transaction commits they become due, and at the
end of the app context (the request, the job or the command that wrote them) one
``insights.analyze_items`` job per community is queued. Queueing is deferred to that point
because nothing may be written to the session while it is committing, and so that a
request's items go out as one job.

Under a stream of submissions, one job per request would cost more than the submissions
themselves, so a community has at most one analysis job on its way: a flag in the job
queue's own store is set when the job is queued and taken off when the job starts, and the
job then also sweeps every recently changed item that is not analysed yet. A request that
finds the flag set queues nothing: its items were committed before the job will look.

Busy paths may insert feedback items with a plain ``INSERT`` on the connection (no ORM
objects, ``feedback.insert_new_feedback``, which reports them through
``side_effects.inserted``); those are noted by (community, source key) on the connection, and
they become due when that connection commits.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.models import FeedbackItem

log = logging.getLogger(__name__)

ANALYZE_JOB = "insights.analyze_items"
PENDING = "insights.pending_items"
DUE = "insights.due_items"
WATCHED = ("redacted_text", "occurred_at", "author_id", "source_kind")
CORE_KEYS = "insights.inserted_keys"
_committed_keys = threading.local()
# The job waits this long in the worker, so items of the next moments join it.
JOB_DELAY_SECONDS = 1.0
# Within this time after the flag was set (the job waits twice as long), the job surely has
# not started yet: a process that set or saw the flag does not look again meanwhile.
_LOCAL_WINDOW_SECONDS = 0.5
# A flag older than this belongs to a job that was lost (a wiped queue): it is replaced.
_FLAG_EXPIRES_SECONDS = 600
_claimed_at: dict[int, float] = {}
_claim_lock = threading.Lock()


def _flag_key(community_id: int) -> str:
    return f"insights.analysis-due.{community_id}"


def _claim(community_id: int) -> bool:
    """Whether this caller should queue the community's analysis job (no job on its way)."""
    from app.tasks import huey

    if huey.immediate:
        return True
    now = time.monotonic()
    with _claim_lock:
        if now - _claimed_at.get(community_id, float("-inf")) < _LOCAL_WINDOW_SECONDS:
            return False
    from app.services import jobs

    if jobs.broker_backing_off():
        return _claim_in_outbox(community_id, now)
    try:
        return _claim_flag(huey, community_id, now)
    except Exception as exc:  # the queue's broker is away: fall back to the outbox
        jobs.broker_unreachable(exc)
        return _claim_in_outbox(community_id, now)


def _claim_in_outbox(community_id: int, now: float) -> bool:
    """While the broker is away, one analysis job per community waits in the outbox: the
    job sweeps up every recent item when it runs, so more would only repeat it."""
    from app.services import jobs

    with _claim_lock:
        _claimed_at[community_id] = now
    return jobs.pending_count(ANALYZE_JOB, community_id) == 0


def _claim_flag(huey, community_id: int, now: float) -> bool:
    """Set the community's flag in the queue's store, unless a job is already on its way."""
    key = _flag_key(community_id)
    # Reading first: while a job waits, every request finds the flag, and a read is cheaper
    # than a failed write.
    since = huey.get(key, peek=True)
    if since is not None:
        age = time.time() - float(since)
        if age < _FLAG_EXPIRES_SECONDS:
            # The flag's job cannot start before JOB_DELAY_SECONDS after it was set: until
            # then this process need not look again.
            with _claim_lock:
                _claimed_at[community_id] = max(_claimed_at.get(community_id, float("-inf")),
                                                now - max(age, 0.0))
            return False
        huey.get(key)  # lost with its job: take it over
    if not huey.put_if_empty(key, time.time()):
        return False
    with _claim_lock:
        _claimed_at[community_id] = now
    return True


def release(community_id: int) -> None:
    """Take the community's flag off (the job starts, or could not be queued)."""
    from app.tasks import huey

    if not huey.immediate:
        try:
            huey.get(_flag_key(community_id))
        except Exception:  # the broker is away, and the flag with it
            log.warning("could not take off the analysis flag of community %s", community_id)


def note_changed_items(session: Session) -> None:
    """After a flush: note the feedback items whose watched columns it wrote."""
    pending = session.info.setdefault(PENDING, set())
    for obj in session.new:
        if isinstance(obj, FeedbackItem):
            pending.add((obj.community_id, obj.id))
    for obj in session.dirty:
        if isinstance(obj, FeedbackItem):
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in WATCHED):
                pending.add((obj.community_id, obj.id))


def items_committed(session: Session) -> None:
    """After a commit: the noted items are due for analysis."""
    pending = session.info.pop(PENDING, None)
    if pending:
        session.info.setdefault(DUE, set()).update(pending)


def items_rolled_back(session: Session) -> None:
    """After a rollback: nothing noted since the last commit is due."""
    session.info.pop(PENDING, None)


def note_core_insert(conn, rows) -> None:
    """Note feedback items inserted without the ORM on ``conn`` (by community and source key):
    they become due when that connection commits (``side_effects.inserted`` calls this)."""
    keys = conn.info.setdefault(CORE_KEYS, set())
    keys.update((row["community_id"], row["source_key"]) for row in rows
                if row.get("community_id") and row.get("source_key"))


def _notes_of(conn):
    """The connection's notes, or None when the connection was lost (its notes went with it:
    asking would raise, and hide the error that lost it)."""
    if conn.invalidated:
        return None
    return conn.info


def core_committed(conn) -> None:
    """A connection committed: its inserted items are due (in this thread)."""
    notes = _notes_of(conn)
    keys = notes.pop(CORE_KEYS, None) if notes is not None else None
    if keys:
        due = getattr(_committed_keys, "keys", None) or set()
        due.update(keys)
        _committed_keys.keys = due


def core_rolled_back(conn) -> None:
    """A connection rolled back: forget the items inserted on it."""
    notes = _notes_of(conn)
    if notes is not None:
        notes.pop(CORE_KEYS, None)


def _resolve_keys(session: Session, keys) -> set[tuple[int, int]]:
    """(community, item id) of items inserted by key in this thread."""
    by_community: dict[int, list[str]] = {}
    for community_id, key in keys:
        by_community.setdefault(community_id, []).append(key)
    found = set()
    for community_id, source_keys in by_community.items():
        for start in range(0, len(source_keys), 500):
            found.update((community_id, item_id) for item_id in session.execute(
                FeedbackItem.__table__.select().with_only_columns(FeedbackItem.__table__.c.id)
                .where(FeedbackItem.__table__.c.community_id == community_id,
                       FeedbackItem.__table__.c.source_key.in_(source_keys[start:start + 500]))
            ).scalars())
    return found


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

    inserted = getattr(_committed_keys, "keys", None) or set()
    if inserted:
        _committed_keys.keys = set()
    # A request that wrote only through a plain connection never opened a session: do not
    # make one just to look.
    due = take_due(db.session()) if db.session.registry.has() else {}
    if not due and not inserted:
        return 0
    if not current_app.config.get("INSIGHTS_AUTO_ANALYSIS", True):
        return 0
    communities = set(due) | {community_id for community_id, _key in inserted}
    claimed = [community_id for community_id in sorted(communities) if _claim(community_id)]
    if not claimed:  # the usual case under load: a job is already on its way
        return 0
    session = db.session()
    session.rollback()
    queued = 0
    for community_id in claimed:
        ids = set(due.get(community_id, ()))
        keys = [(c, k) for c, k in inserted if c == community_id]
        try:
            if keys:
                ids.update(i for _c, i in _resolve_keys(session, keys))
            jobs.enqueue(ANALYZE_JOB, community_id, sorted(ids),
                         community_id=community_id, delay=JOB_DELAY_SECONDS)
            queued += 1
        except Exception:  # the nightly run still picks these items up
            session.rollback()
            release(community_id)
            log.exception("could not queue analysis of %d items", len(ids))
    return queued


def suppress_due() -> None:
    """Forget the items waiting for analysis (a full run covers them anyway)."""
    from app.extensions import db

    session = db.session()
    session.info.pop(PENDING, None)
    session.info.pop(DUE, None)
    _committed_keys.keys = set()

