"""Work staged in a transaction that may happen only once it is committed (notification
deliveries, group-chat messages).

A service stages items under a key of the session (``stage``). The app's session moves them
to the committed side when it commits and forgets them when its transaction rolls back (the
two listeners below, listed in ``app.side_effects``). At the end of a request the app hands
what was committed to the owner's ``@queues_when_committed`` function; jobs and commands call
that function after their commit.

Staged today: notification deliveries and robot messages (``notifications``, ``webhooks``),
and the community sentiment layer's retraining after label corrections
(``insights.corrections``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, request

from app.extensions import db

_PENDING = "huisheng.after_commit.pending"
_COMMITTED = "huisheng.after_commit.committed"
# What the end of a request runs when committed work waits: each takes the base URL.
_QUEUERS: list[Callable[[str | None], Any]] = []


def queues_when_committed(queue: Callable[[str | None], Any]) -> Callable[[str | None], Any]:
    """Register a function that queues committed staged work (it takes the request's base
    URL); the end of every request that committed staged work calls it."""
    if queue not in _QUEUERS:
        _QUEUERS.append(queue)
    return queue


def stage(key: str, items: list[Any]) -> None:
    """Keep ``items`` under ``key`` until the session's transaction ends."""
    pending = db.session.info.setdefault(_PENDING, {})
    pending.setdefault(key, []).extend(items)


def take(key: str, *, committed_only: bool = False) -> list[Any]:
    """Remove and return the items staged under ``key``: those committed, then (unless
    ``committed_only``) those still pending, for callers that flush just before a commit of
    their own (``jobs.enqueue`` commits)."""
    info = db.session.info
    items = list(info.get(_COMMITTED, {}).pop(key, ()))
    if not committed_only:
        items.extend(info.get(_PENDING, {}).pop(key, ()))
    return items


def discard(key: str) -> None:
    """Forget the items of ``key`` that were not queued yet (generated data)."""
    for side in (_PENDING, _COMMITTED):
        db.session.info.get(side, {}).pop(key, None)


def has_committed() -> bool:
    """Whether committed items wait to be queued."""
    return any(db.session.info.get(_COMMITTED, {}).values())


def keep_committed(session) -> None:
    """The session committed: what it staged is due."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    committed = session.info.setdefault(_COMMITTED, {})
    for key, items in pending.items():
        committed.setdefault(key, []).extend(items)


def forget_rolled_back(session, previous_transaction) -> None:
    """The session's transaction rolled back: forget what it staged."""
    # Only the outermost transaction's rollback undoes everything staged; a savepoint's
    # rollback leaves the enclosing transaction (and its staged items) alive.
    if previous_transaction.parent is None and not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def queue_at_request_end(app: Flask) -> None:
    """Queue what a request committed when it ends, so that no view has to (the session's
    listeners are in ``app.side_effects``)."""

    @app.after_request
    def queue_committed(response):
        if has_committed():
            for queue in list(_QUEUERS):
                queue(request.host_url)
        return response
