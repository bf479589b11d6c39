"""Pure editing operations for the builder: each returns a new Survey.

They do not check the result; run ``validate_definition`` to see what an edit broke (for
instance a skip rule that now jumps backwards after a page was moved). ``references_to`` lists
the logic that uses a question, so the builder can warn before removing or moving it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from surveys.conditions import leaves
from surveys.definition import Page, Question, Survey


def new_id(existing: set[str] | frozenset[str], prefix: str = "q") -> str:
    """The first ``prefix<n>`` (n = 1, 2, …) not in ``existing``."""
    n = 1
    while f"{prefix}{n}" in existing:
        n += 1
    return f"{prefix}{n}"


#: The code a new question starts from, by type: exports, the API and logic read better with
#: ``nps`` or ``rating_2`` than with ``q7``.
TYPE_CODES = {
    "single_choice": "choice", "multiple_choice": "multi", "dropdown": "dropdown",
    "ranking": "ranking", "matrix": "matrix", "rating": "rating", "nps": "nps", "csat": "csat",
    "ces": "ces", "short_text": "short", "long_text": "text", "number": "number",
    "date": "date",
}


def question_code(type_name: str, taken: set[str] | frozenset[str]) -> str:
    """A code for a new question of ``type_name`` that is not in ``taken``: the type's code
    (``nps``), else the code with the first free number from 2 (``nps_2``). Pass every code
    the survey ever used, so a new question never inherits a removed question's answers."""
    base = TYPE_CODES.get(type_name, "q")
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def question_ids(survey: Survey) -> set[str]:
    """Every question id."""
    return {q.id for q in survey.questions}


def _with_page(survey: Survey, index: int, page: Page) -> Survey:
    pages = list(survey.pages)
    pages[index] = page
    return replace(survey, pages=tuple(pages))


def add_page(survey: Survey, title: str = "", index: int | None = None) -> tuple[Survey, str]:
    """Insert an empty page (at the end by default); returns the survey and the page id."""
    page_id = new_id({p.id for p in survey.pages}, "p")
    pages = list(survey.pages)
    pages.insert(len(pages) if index is None else index, Page(page_id, title))
    return replace(survey, pages=tuple(pages)), page_id


def remove_page(survey: Survey, page_id: str) -> Survey:
    """Remove a page and its questions."""
    return replace(survey, pages=tuple(p for p in survey.pages if p.id != page_id))


def move_page(survey: Survey, page_id: str, index: int) -> Survey:
    """Move a page to position ``index``."""
    pages = [p for p in survey.pages if p.id != page_id]
    pages.insert(index, survey.page(page_id))
    return replace(survey, pages=tuple(pages))


def add_question(survey: Survey, page_id: str, question: Question,
                 index: int | None = None) -> Survey:
    """Insert a question into a page (at the end by default)."""
    i = survey.page_indexes[page_id]
    questions = list(survey.pages[i].questions)
    questions.insert(len(questions) if index is None else index, question)
    return _with_page(survey, i, replace(survey.pages[i], questions=tuple(questions)))


def replace_question(survey: Survey, question: Question) -> Survey:
    """Replace the question that has the same id."""
    i, j = survey.locations[question.id]
    questions = list(survey.pages[i].questions)
    questions[j] = question
    return _with_page(survey, i, replace(survey.pages[i], questions=tuple(questions)))


def remove_question(survey: Survey, question_id: str) -> Survey:
    """Remove a question (logic that refers to it is left for validation to report)."""
    i, _ = survey.locations[question_id]
    page = survey.pages[i]
    return _with_page(survey, i, replace(
        page, questions=tuple(q for q in page.questions if q.id != question_id)))


def move_question(survey: Survey, question_id: str, page_id: str, index: int) -> Survey:
    """Move a question to position ``index`` of page ``page_id``."""
    question = survey.question(question_id)
    return add_question(remove_question(survey, question_id), page_id, question, index)


_COPY_SUFFIX = re.compile(r"（副本\d*）$")


def duplicate_question(survey: Survey, question_id: str,
                       taken: set[str] | frozenset[str] = frozenset()) -> tuple[Survey, str]:
    """Copy a question right after itself with a new code of its type (not in the survey nor
    in ``taken``) and 「（副本）」 after its title."""
    question = survey.question(question_id)
    copy_id = question_code(question.type, question_ids(survey) | set(taken))
    title = _COPY_SUFFIX.sub("", question.title) + "（副本）"
    i, j = survey.locations[question_id]
    copy = replace(question, id=copy_id, title=title)
    return add_question(survey, survey.pages[i].id, copy, j + 1), copy_id


def references_to(survey: Survey, question_id: str) -> list[tuple[str, str | None]]:
    """(page id, question id or None for a skip rule) of every piece of logic that uses the
    question."""
    out: list[tuple[str, str | None]] = []
    for page in survey.pages:
        for rule in page.skip:
            if any(leaf.question == question_id for leaf in leaves(rule.condition)):
                out.append((page.id, None))
                break
        for q in page.questions:
            if q.show_if is not None and any(leaf.question == question_id
                                             for leaf in leaves(q.show_if)):
                out.append((page.id, q.id))
    return out
