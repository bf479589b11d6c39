"""How big one survey may be.

A survey of 10,000 questions made a 108 MB builder page that took five minutes, so the size
is capped wherever a definition comes in: the builder refuses to add past the cap, a
definition file is counted before it is parsed into objects (:func:`size_problems`), and
publishing checks it again (``definition_checks``).
"""

from __future__ import annotations

from typing import Any

from surveys.problems import DefinitionProblem

MAX_PAGES = 100
MAX_QUESTIONS = 300
#: Options, matrix rows, ranking items: any list a question offers.
MAX_OPTIONS = 200
_MAX_REPORTED = 20


def _questions(data: dict[str, Any]) -> list[tuple[int, int, Any]]:
    found: list[tuple[int, int, Any]] = []
    pages = data.get("pages")
    if not isinstance(pages, list):
        return found
    for i, page in enumerate(pages):
        questions = page.get("questions") if isinstance(page, dict) else None
        if isinstance(questions, list):
            found.extend((i, j, q) for j, q in enumerate(questions))
    return found


def _longest_list(question: Any) -> tuple[str, int]:
    """The question's longest list (options, rows, items), looking one mapping deep."""
    best = ("", 0)
    if not isinstance(question, dict):
        return best
    places = [question, *(v for v in question.values() if isinstance(v, dict))]
    for place in places:
        for key, value in place.items():
            if isinstance(value, list) and key != "show_if" and len(value) > best[1]:
                best = (key, len(value))
    return best


def size_problems(data: Any) -> list[DefinitionProblem]:
    """Whether a raw definition (parsed JSON) is too big, counted without building it."""
    if not isinstance(data, dict):
        return []
    problems: list[DefinitionProblem] = []
    pages = data.get("pages")
    if isinstance(pages, list) and len(pages) > MAX_PAGES:
        problems.append(DefinitionProblem.make("too_many", "pages", where="问卷",
                                               field=f"页数（这份有 {len(pages)} 页）",
                                               max=MAX_PAGES))
    questions = _questions(data)
    if len(questions) > MAX_QUESTIONS:
        problems.append(DefinitionProblem.make(
            "too_many", "pages", where="问卷",
            field=f"题目数（这份有 {len(questions)} 道）", max=MAX_QUESTIONS))
        return problems
    for i, j, question in questions:
        key, count = _longest_list(question)
        if count > MAX_OPTIONS:
            problems.append(DefinitionProblem.make(
                "too_many", f"pages[{i}].questions[{j}].{key}",
                where=f"第 {i + 1} 页第 {j + 1} 题", field=f"选项数（这道有 {count} 个）",
                max=MAX_OPTIONS))
            if len(problems) >= _MAX_REPORTED:
                break
    return problems
