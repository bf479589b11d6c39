"""Errors that services raise for input they refuse; views turn them into messages."""

from __future__ import annotations


class ServiceError(Exception):
    """A use case refused its input. ``message`` is shown to the user (Chinese by default)."""

    code = "invalid"

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        # Messages are lazy translations: render them now, in the caller's language.
        self.message = str(message)
        super().__init__(self.message)
        self.field = field
        if code:
            self.code = code


class NotFound(ServiceError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    code = "not_found"


class Conflict(ServiceError):
    """The request clashes with the current state (a duplicate, a spent token…)."""

    code = "conflict"


class PermanentFailure(Exception):
    """A background job failure that a retry would only repeat: jobs that raise it (or a
    subclass) are marked failed at once instead of being retried (see ``app.tasks.registry``).
    """
