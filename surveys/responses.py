"""Plain response objects that statistics, export and import work on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SurveyResponse:
    """One finished response: canonical answers keyed by question id, plus metadata.

    ``channel`` is the distribution channel (e.g. ``wx-group-3``) or None; ``id`` is the
    app's (or, after an import, the source tool's) response id, kept for reference.
    """

    answers: Mapping[str, Any]
    channel: str | None = None
    submitted_at: datetime | None = None
    id: str | None = None


@dataclass(frozen=True)
class FreeText:
    """Free text from a response that should become a feedback item.

    ``source`` is ``"answer"`` for a text question's answer and ``"other"`` for the text
    typed next to an "其他" option (then ``option_id`` names that option).
    """

    question_id: str
    text: str
    source: str = "answer"
    option_id: str | None = None
