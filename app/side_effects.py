"""Every side effect of writing to the database, listed in one place.

A write can do more than store rows: new feedback items are queued for analysis, and a
change to tokens, memberships or users empties the API credentials cache. Each such reaction
is a :class:`SideEffect` in :func:`side_effects`, and :func:`register` attaches them to this
app's own ``db.session`` and engines (never to SQLAlchemy's global ``Session`` or ``Engine``
classes, so another session or engine in the process, a test's or a script's, triggers
nothing).

An effect may react to

* the ORM: ``after_flush`` notes what a flush wrote (in ``session.info``), ``after_commit``
  and ``after_rollback`` keep or drop it;
* plain ``INSERT`` statements into its ``table`` on a connection (the busy paths that skip
  the ORM): they call :func:`inserted`, and ``connection_commit`` / ``connection_rollback``
  keep or drop what was noted on that connection. (A listener on every statement would find
  them by itself, but it costs every statement of the app about 40 µs, half a simple query.)
* the end of each app context (the request, the job or the command): ``at_teardown``, where
  it may queue jobs, since nothing may be written while a session commits.

To add one, write its handlers next to the code they serve and add a ``SideEffect`` below.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import Flask
from sqlalchemy import Table, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SessionHook = Callable[[Session], None]
ConnectionHook = Callable[[Connection], None]


@dataclass(frozen=True)
class SideEffect:
    """One reaction to committed writes; every handler is optional."""

    name: str
    after_flush: SessionHook | None = None
    after_commit: SessionHook | None = None
    after_rollback: SessionHook | None = None
    # (session, the transaction that ended): tells a savepoint's rollback from the whole one
    after_soft_rollback: Callable[[Session, Any], None] | None = None
    table: Table | None = None
    on_insert: Callable[[Connection, Sequence[Mapping[str, Any]]], None] | None = None
    connection_commit: ConnectionHook | None = None
    connection_rollback: ConnectionHook | None = None
    at_teardown: Callable[[], object] | None = None


@cache
def side_effects() -> tuple[SideEffect, ...]:
    """The side effects of database writes, in the order they run."""
    from app.models import FeedbackItem
    from app.services import after_commit
    from app.services.accounts import api_credentials
    from app.services.insights import hooks

    return (
        SideEffect(
            "insights: analyse new and changed feedback items once committed",
            after_flush=hooks.note_changed_items,
            after_commit=hooks.items_committed,
            after_rollback=hooks.items_rolled_back,
            table=FeedbackItem.__table__,
            on_insert=hooks.note_core_insert,
            connection_commit=hooks.core_committed,
            connection_rollback=hooks.core_rolled_back,
            at_teardown=hooks.flush_due,
        ),
        SideEffect(
            "after the commit: notification deliveries, robot messages and retraining staged "
            "in a transaction go out once it commits (app.services.after_commit)",
            after_commit=after_commit.keep_committed,
            after_soft_rollback=after_commit.forget_rolled_back,
        ),
        SideEffect(
            "API credentials: committed account changes empty the cache",
            after_flush=api_credentials.note_account_changes,
            after_commit=api_credentials.account_changes_committed,
            after_rollback=api_credentials.account_changes_rolled_back,
        ),
    )


def inserted(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Tell the side effects that ``rows`` were inserted into ``table`` on ``connection``
    without the ORM (they take effect when that connection commits)."""
    for effect in side_effects():
        if effect.on_insert is not None and effect.table is table:
            effect.on_insert(connection, rows)


def _after_flush(session: Session, _flush_context: object) -> None:
    for effect in side_effects():
        if effect.after_flush is not None:
            effect.after_flush(session)


def _after_commit(session: Session) -> None:
    for effect in side_effects():
        if effect.after_commit is not None:
            effect.after_commit(session)


def _after_rollback(session: Session) -> None:
    for effect in side_effects():
        if effect.after_rollback is not None:
            effect.after_rollback(session)


def _after_soft_rollback(session: Session, previous_transaction: Any) -> None:
    for effect in side_effects():
        if effect.after_soft_rollback is not None:
            effect.after_soft_rollback(session, previous_transaction)


def _connection_commit(connection: Connection) -> None:
    for effect in side_effects():
        if effect.connection_commit is not None:
            effect.connection_commit(connection)


def _connection_rollback(connection: Connection) -> None:
    for effect in side_effects():
        if effect.connection_rollback is not None:
            effect.connection_rollback(connection)


_SESSION_EVENTS = (("after_flush", _after_flush), ("after_commit", _after_commit),
                   ("after_rollback", _after_rollback),
                   ("after_soft_rollback", _after_soft_rollback))
_CONNECTION_EVENTS = (("commit", _connection_commit), ("rollback", _connection_rollback))


def register(app: Flask) -> None:
    """Attach the side effects to the app's session and engines, and run their end-of-context
    work when each app context ends. Call after ``db.init_app(app)``."""
    from app.extensions import db

    # db.session's factory has a session class of its own: listening to the scoped session
    # touches that class only. Every app shares ``db``, so this happens once.
    for name, handler in _SESSION_EVENTS:
        if not event.contains(db.session, name, handler):
            event.listen(db.session, name, handler)
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        for name, handler in _CONNECTION_EVENTS:
            if not event.contains(engine, name, handler):
                event.listen(engine, name, handler)

    # Work staged until the commit (notification deliveries, robot messages, retraining):
    # its owners register their queues when imported; the end of a request queues it.
    from app.services import after_commit, notifications  # noqa: F401
    from app.services.insights import corrections  # noqa: F401

    after_commit.queue_at_request_end(app)

    @app.teardown_appcontext
    def run_side_effects_at_teardown(_exc: BaseException | None) -> None:
        for effect in side_effects():
            if effect.at_teardown is None:
                continue
            try:
                effect.at_teardown()
            except Exception:  # one failing effect must not stop the others or the response
                log.exception("side effect at the end of the context failed: %s", effect.name)
