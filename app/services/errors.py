"""Errors that services raise for input they refuse; views turn them into messages."""

from __future__ import annotations


class ServiceError(Exception):
    """A use case refused its input. ``message`` is shown to the user (Chinese by default)."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(ServiceError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    code = "not_found"


class Conflict(ServiceError):
    """The request clashes with the current state (a duplicate, a spent token…)."""

    code = "conflict"
