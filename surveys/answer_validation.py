"""Server-side validation of answers against the definition and its logic.

* Only questions on the respondent's path are validated; ``required`` applies only to them.
* An answer to a question that is not on the path (hidden by display logic, or on a skipped
  page) is handled by ``hidden_answers``:

  - ``"drop"`` (default, for the member page): it is left out of the result and listed in
    ``dropped``, so a member who went back and changed an earlier answer is not blocked by a
    stale answer their browser kept;
  - ``"reject"`` (strict, for the API and imports): it is an error with code
    ``hidden_question``.

  Empty values for hidden questions (forms post empty fields) are ignored in both modes.
* An answer to a question the survey does not have is always an error (``unknown_question``).
* ``validate_page`` checks one page as the member leaves it: errors only for that page, with
  earlier pages' answers used for the logic; ``validate_answers`` checks a whole response at
  submit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveys.definition import Survey
from surveys.path import Path, walk
from surveys.problems import AnswerError

HIDDEN_DROP = "drop"
HIDDEN_REJECT = "reject"


@dataclass(frozen=True)
class ValidationResult:
    """Canonical answers of the questions shown, the errors, and the path they imply.

    ``answers`` is what to store: only questions on the path, only valid answers (for a page
    check, only pages up to and including that page). ``next_page_id`` is set by
    ``validate_page``: where the member goes next (None: the survey is complete).
    """

    answers: dict[str, Any]
    errors: tuple[AnswerError, ...]
    dropped: tuple[str, ...]
    path: Path
    next_page_id: str | None = None

    @property
    def ok(self) -> bool:
        """Whether there are no errors."""
        return not self.errors

    def errors_by_question(self) -> dict[str | None, list[AnswerError]]:
        """Errors grouped by question id (None for errors about the whole response)."""
        out: dict[str | None, list[AnswerError]] = {}
        for e in self.errors:
            out.setdefault(e.question_id, []).append(e)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API."""
        return {"ok": self.ok, "answers": self.answers,
                "errors": [e.to_dict() for e in self.errors], "dropped": list(self.dropped),
                "next_page_id": self.next_page_id}


def validate_answers(survey: Survey, answers: Any, *,
                     hidden_answers: str = HIDDEN_DROP) -> ValidationResult:
    """Validate a whole response (at submit)."""
    return _validate(survey, answers, None, hidden_answers)


def validate_page(survey: Survey, answers: Any, page_id: str, *,
                  hidden_answers: str = HIDDEN_DROP) -> ValidationResult:
    """Validate the page ``page_id`` as the member leaves it.

    ``answers`` holds the answers so far (earlier pages merged with this page's); answers to
    later pages are ignored. Raises KeyError for a page the survey does not have.
    """
    survey.page(page_id)
    return _validate(survey, answers, page_id, hidden_answers)


def _validate(survey: Survey, answers: Any, page_id: str | None,
              hidden_answers: str) -> ValidationResult:
    if hidden_answers not in (HIDDEN_DROP, HIDDEN_REJECT):
        raise ValueError(f"hidden_answers must be {HIDDEN_DROP!r} or {HIDDEN_REJECT!r}")
    if not isinstance(answers, Mapping) or not all(isinstance(k, str) for k in answers):
        path = walk(survey, {}, report=()).path(survey)
        return ValidationResult({}, (AnswerError.make(None, "invalid_answers"),), (), path)
    locations = survey.locations
    if page_id is None:
        limit = len(survey.pages)
        w = walk(survey, answers)
    else:
        # Later pages' answers (e.g. kept from an earlier visit) must not steer the path yet.
        limit = survey.page_indexes[page_id] + 1
        answers = {k: v for k, v in answers.items() if locations.get(k, (0, 0))[0] < limit}
        w = walk(survey, answers, report=(page_id,))
    errors = w.errors
    dropped = []
    if len(answers) > len(w.known):
        shown = set(w.questions)
        for key, raw in answers.items():
            if key in shown:
                continue
            where = locations.get(key)
            if where is None:
                errors.append(AnswerError.make(key, "unknown_question", question=key))
                continue
            if where[0] >= limit:
                continue
            q = survey.pages[where[0]].questions[where[1]]
            if q.qtype.is_empty(raw):
                continue
            if hidden_answers == HIDDEN_REJECT:
                errors.append(AnswerError.make(key, "hidden_question",
                                               survey.pages[where[0]].id))
            else:
                dropped.append(key)
    path = w.path(survey)
    if page_id is not None and page_id not in w.pages:
        errors.insert(0, AnswerError.make(None, "page_skipped", page_id))
    next_id = path.next_page(page_id) if page_id is not None and page_id in w.pages else None
    return ValidationResult(dict(w.known), tuple(errors), tuple(dropped), path, next_id)
