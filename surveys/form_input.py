"""Raw answers from an HTML form post, for the member page (no JavaScript needed).

Field names, per question ``q``:

* ``q``: the value (option id, number, text, date); repeated for multiple choice
  (checkboxes) and, in order, for ranking;
* ``q.other``: the text typed next to the 其他 option;
* ``q.<item>``: one matrix row's scale value, or one ranking item's position (1 = first).

Pass ``request.form.to_dict(flat=False)`` (field name → list of values). Only the questions
of ``page_id`` (or of the whole survey) are read; the result goes to ``validate_page`` or
``validate_answers`` after merging with the answers of earlier pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from surveys.definition import Question, Survey

SINGLE_VALUE_TYPES = frozenset({"single_choice", "dropdown"})


def answers_from_form(survey: Survey, form: Mapping[str, Sequence[str]],
                      page_id: str | None = None) -> dict[str, Any]:
    """Raw answers of the questions on ``page_id`` (every page when None) found in ``form``."""
    questions = survey.page(page_id).questions if page_id is not None else survey.questions
    answers: dict[str, Any] = {}
    for q in questions:
        value = _read(q, form)
        if value is not None:
            answers[q.id] = value
    return answers


def _first(form: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = form.get(name) or ()
    return values[0] if values else None


def _read(q: Question, form: Mapping[str, Sequence[str]]) -> Any:
    other = _first(form, f"{q.id}.other")
    if q.type in SINGLE_VALUE_TYPES:
        choice = _first(form, q.id)
        if other and other.strip():
            return {"choice": choice, "other": other}
        return choice
    if q.type == "multiple_choice":
        choices = [v for v in form.get(q.id, ()) if v]
        if other and other.strip():
            return {"choices": choices, "other": other}
        return choices if q.id in form else None
    if q.type == "matrix":
        rows = {o.id: _first(form, f"{q.id}.{o.id}") for o in q.config.items}
        rows = {k: v for k, v in rows.items() if v not in (None, "")}
        return rows or None
    if q.type == "ranking":
        order = [v for v in form.get(q.id, ()) if v]
        if order:
            return order
        positions = {o.id: _first(form, f"{q.id}.{o.id}") for o in q.config.options}
        positions = {k: v for k, v in positions.items() if v not in (None, "")}
        return positions or None
    return _first(form, q.id)
