"""The one way a view commits: call the services inside ``committing()``.

On success the request's changes are committed (and, through the session's ``after_commit``
event, the notifications and group-chat messages they created are queued when the request
ends: no view sends them by hand). On a ``ServiceError`` the changes are rolled back (which
forgets those notifications) and the error is shown under the form field it concerns or
flashed; the view then re-renders its form or redirects, as it chooses::

    with committing(form=form, field="notes", success=_("已保存。")) as done:
        service.update_interview(interview, data, actor=current_user)
    if done:
        return redirect(...)
    return render_template(...)

``tests/test_architecture.py`` fails when a blueprint commits or rolls back by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import flash
from wtforms import Field

from app.extensions import db
from app.services.errors import ServiceError


@dataclass
class Outcome:
    """What ``committing()`` did: ``ok`` after the commit, ``error`` after a rollback for a
    service error. The outcome itself is true when the block committed."""

    ok: bool = False
    error: ServiceError | None = None

    def __bool__(self) -> bool:
        return self.ok


def show_error(exc: ServiceError, form: Any = None, field: str | None = None) -> None:
    """Show a service error under the form field it names (or ``field``), else flash it."""
    for name in (exc.field, field):
        target = getattr(form, name, None) if form is not None and name else None
        if isinstance(target, Field):
            target.errors = [*target.errors, exc.message]
            return
    flash(exc.message, "error")


@contextmanager
def committing(*, form: Any = None, field: str | None = None, success: str | None = None,
               show: bool = True) -> Iterator[Outcome]:
    """Run the block as one transaction: commit and flash ``success``, or on a
    ``ServiceError`` roll back and show it (under a field of ``form``, else flashed; not at
    all with ``show=False``, for views that answer with JSON). Other exceptions, the
    commit's own included, roll back and propagate."""
    outcome = Outcome()
    try:
        yield outcome
    except ServiceError as exc:
        db.session.rollback()
        outcome.error = exc
        if show:
            show_error(exc, form, field)
        return
    except BaseException:
        db.session.rollback()
        raise
    try:
        db.session.commit()
    except BaseException:  # e.g. a unique constraint met at the commit
        db.session.rollback()
        raise
    outcome.ok = True
    if success:
        flash(success, "success")


def run_action(action: Callable[[], Any], *, success: str | None = None, form: Any = None,
               field: str | None = None) -> bool:
    """Call ``action()`` inside ``committing()``; True when it committed."""
    with committing(form=form, field=field, success=success) as outcome:
        action()
    return outcome.ok


def commit() -> None:
    """Commit the request's changes where no service error is expected (a failure is a
    server error: the error handler rolls back)."""
    db.session.commit()


def rollback() -> None:
    """Undo the request's changes outside a ``committing()`` block (the handler of
    unexpected errors)."""
    db.session.rollback()
