"""The respondent's path through a survey: which pages and questions they are shown.

Pages are visited in order. On arriving at a page its skip rules are checked in order; the
first that holds sends the respondent to its target page (or to the end) and the page is not
shown. On a shown page, each question with display logic is shown only if its condition
holds. Conditions only see the (valid) answers of questions that were shown before, so an
answer left behind on a question that later became hidden never steers the logic.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from surveys.definition import END, Survey
from surveys.logic import evaluate
from surveys.problems import AnswerError, InvalidAnswer


@dataclass(frozen=True)
class Path:
    """The pages and questions shown for a set of answers.

    Pages after the last answered one are provisional: they follow from the answers so far.
    """

    pages: tuple[str, ...]
    questions: tuple[str, ...]
    hidden_questions: tuple[str, ...]
    skipped_pages: tuple[str, ...]
    ended_early: bool

    def includes(self, question_id: str) -> bool:
        """Whether the question is shown."""
        return question_id in self.questions

    def next_page(self, page_id: str | None) -> str | None:
        """The page shown after ``page_id`` (the first page for None); None at the end."""
        if page_id is None:
            return self.pages[0] if self.pages else None
        try:
            k = self.pages.index(page_id)
        except ValueError:
            return None
        return self.pages[k + 1] if k + 1 < len(self.pages) else None

    def previous_page(self, page_id: str) -> str | None:
        """The page shown before ``page_id``, for a "back" button; None on the first page."""
        try:
            k = self.pages.index(page_id)
        except ValueError:
            return None
        return self.pages[k - 1] if k > 0 else None

    def position(self, page_id: str) -> tuple[int, int]:
        """(1-based number of the page on the path, number of pages on the path), for a
        progress bar; (0, total) when the page is not on the path."""
        total = len(self.pages)
        return (self.pages.index(page_id) + 1 if page_id in self.pages else 0), total


@dataclass
class Walk:
    """What walking a survey with a set of answers found (internal to this package)."""

    known: dict[str, Any] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    ended_early: bool = False
    errors: list[AnswerError] = field(default_factory=list)

    def path(self, survey: Survey) -> Path:
        """The Path of this walk."""
        shown = set(self.pages)
        skipped = tuple(p.id for p in survey.pages if p.id not in shown)
        return Path(tuple(self.pages), tuple(self.questions), tuple(self.hidden), skipped,
                    self.ended_early)


ALL_PAGES = None


def walk(survey: Survey, answers: Mapping[str, Any], *,
         report: Collection[str] | None = ALL_PAGES) -> Walk:
    """Walk the survey with raw ``answers``, normalising the answers of shown questions.

    Errors (required, invalid) are collected for shown questions on the pages in ``report``
    (every page when None); invalid answers elsewhere just count as unanswered.
    """
    w = Walk()
    known = w.known
    pages = survey.pages
    i = 0
    while i < len(pages):
        page = pages[i]
        target = None
        for rule in page.skip:
            if evaluate(rule.condition, known, survey):
                target = rule.goto
                break
        if target is not None:
            if target == END:
                w.ended_early = True
                break
            j = survey.page_indexes.get(target)
            if j is not None and j > i:  # definitions are checked; never loop on a bad one
                i = j
                continue
        reporting = report is ALL_PAGES or page.id in report
        for q in page.questions:
            if q.show_if is not None and not evaluate(q.show_if, known, survey):
                w.hidden.append(q.id)
                continue
            w.questions.append(q.id)
            raw = answers.get(q.id)
            qtype = q.qtype
            if qtype.is_empty(raw):
                if reporting and q.required:
                    w.errors.append(AnswerError.make(q.id, "required", page.id))
                continue
            try:
                known[q.id] = qtype.normalise(q, raw)
            except InvalidAnswer as exc:
                if reporting:
                    w.errors.append(AnswerError.make(q.id, exc.code, page.id, **exc.params))
        w.pages.append(page.id)
        i += 1
    return w


def compute_path(survey: Survey, answers: Mapping[str, Any]) -> Path:
    """The pages and questions shown for these (raw or canonical) answers; invalid answers
    count as unanswered."""
    return walk(survey, answers, report=()).path(survey)


def next_page_id(survey: Survey, answers: Mapping[str, Any], current: str | None) -> str | None:
    """The page to show after ``current`` (the first page for None), or None at the end."""
    return compute_path(survey, answers).next_page(current)
