"""A clock for demo steps: rows that services stamp with the real time are put on the demo's
timeline instead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event

from app.extensions import db
from app.models import AuditEntry, ChangelogEntry


class Clock:
    """The demo's "now" for rows that services stamp themselves (audit entries, changelog
    rows): while ``now`` is set, they are inserted with it instead of the real time."""

    def __init__(self):
        self.now: datetime | None = None

    def stamp(self, when: datetime) -> None:
        """Use ``when`` as "now" for what is added next (what is pending keeps its time)."""
        db.session.flush()
        self.now = when

    def _before_insert(self, _mapper, _connection, target) -> None:
        if self.now is not None:
            target.created_at = self.now

    def __enter__(self) -> Clock:
        for model in (AuditEntry, ChangelogEntry):
            event.listen(model, "before_insert", self._before_insert)
        return self

    def __exit__(self, *exc) -> None:
        db.session.flush()
        for model in (AuditEntry, ChangelogEntry):
            event.remove(model, "before_insert", self._before_insert)
