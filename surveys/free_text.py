"""Free text in a response that should flow into feedback items (text answers, 其他 texts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.definition import Survey
from surveys.responses import FreeText


def extract_free_texts(survey: Survey, answers: Mapping[str, Any]) -> list[FreeText]:
    """Free texts of canonical ``answers`` (a ValidationResult's ``answers``), in question
    order; text questions with ``feedback: false`` (e.g. a nickname) are left out."""
    out: list[FreeText] = []
    for q in survey.questions:
        answer = answers.get(q.id)
        if answer is not None:
            out.extend(q.qtype.free_texts(q, answer))
    return out


def without_free_texts(survey: Survey, answers: Mapping[str, Any], placeholder: str
                       ) -> dict[str, Any]:
    """``answers`` with every typed text (text answers, 其他 texts) replaced by
    ``placeholder``; choices, scores, numbers and dates stay as they were."""
    out = dict(answers)
    for q in survey.questions:
        if out.get(q.id) is not None:
            out[q.id] = q.qtype.without_free_text(q, out[q.id], placeholder)
    return out
