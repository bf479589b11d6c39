"""Calling a service from a form view: commit and flash on success, roll back and flash the
service's own message on failure."""

from __future__ import annotations

from flask import flash

from app.extensions import db
from app.services.errors import ServiceError


def run_action(action, *, success: str | None = None) -> bool:
    """Call ``action()``; commit and flash ``success``, or roll back and flash the error."""
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True
