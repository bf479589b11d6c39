"""Checks a survey definition means something before it is published.

``validate_definition`` reports every problem, each with the page and question it concerns:
empty or duplicate ids and texts, type-specific settings (options, ranges, scales), and the
logic: display conditions may only use questions shown *before* the question (earlier pages,
or earlier on the same page); skip rules are checked on arrival at their page, so they may only
use questions on *earlier pages* and may only jump *forward* (to a later page or the end).
Operators and comparison values must suit the question they test.
"""

from __future__ import annotations

from typing import Any

from surveys._parsing import ID_PATTERN
from surveys.conditions import NO_VALUE_OPERATORS, Compare, Condition, leaves
from surveys.definition import END, RESERVED_IDS, Page, Question, Survey
from surveys.limits import MAX_PAGES, MAX_QUESTIONS
from surveys.problems import DefinitionProblem

MAX_TITLE = 500
MAX_TEXT = 5000


def page_label(index: int, page: Page) -> str:
    """How problems name a page: 第 2 页「基本信息」."""
    return f"第 {index + 1} 页「{_short(page.title) or page.id}」"


def question_label(page_index: int, position: int, q: Question) -> str:
    """How problems name a question: 第 2 页第 3 题「您的年龄」."""
    return f"第 {page_index + 1} 页第 {position + 1} 题「{_short(q.title) or q.id}」"


def _short(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate_definition(survey: Survey) -> list[DefinitionProblem]:
    """Every problem that should block publishing; an empty list means the survey is valid."""
    problems: list[DefinitionProblem] = []

    def add(code: str, path: str = "", page_id: str | None = None,
            question_id: str | None = None, **params: Any) -> None:
        problems.append(DefinitionProblem.make(code, path, page_id, question_id, **params))

    if not survey.title.strip():
        add("empty_text", "title", where="问卷", field="标题")
    if len(survey.title) > MAX_TITLE:
        add("text_too_long", "title", where="问卷", field="标题", max=MAX_TITLE)
    for name, label in (("description", "说明"), ("welcome", "欢迎语"), ("thank_you", "结束语")):
        if len(getattr(survey, name)) > MAX_TEXT:
            add("text_too_long", name, where="问卷", field=label, max=MAX_TEXT)
    if not survey.pages or not survey.questions:
        add("empty_survey")
    if len(survey.pages) > MAX_PAGES:
        add("too_many", "pages", where="问卷", field="页数", max=MAX_PAGES)
    if len(survey.questions) > MAX_QUESTIONS:
        add("too_many", "pages", where="问卷", field="题目数", max=MAX_QUESTIONS)

    seen_pages: set[str] = set()
    seen_questions: set[str] = set()
    for i, page in enumerate(survey.pages):
        ppath = f"pages[{i}]"
        where = page_label(i, page)
        if not ID_PATTERN.match(page.id) or page.id in RESERVED_IDS:
            add("invalid_id", f"{ppath}.id", page.id, id=page.id)
        if page.id in seen_pages:
            add("duplicate_page_id", f"{ppath}.id", page.id, where=where, id=page.id)
        seen_pages.add(page.id)
        if not page.questions:
            add("empty_page", f"{ppath}.questions", page.id, where=where)
        if len(page.title) > MAX_TITLE:
            add("text_too_long", f"{ppath}.title", page.id, where=where, field="页标题",
                max=MAX_TITLE)
        for j, q in enumerate(page.questions):
            qpath = f"{ppath}.questions[{j}]"
            qwhere = question_label(i, j, q)

            def qadd(code: str, at: str = "", _qpath: str = qpath, _q: Question = q,
                     _where: str = qwhere, _page: Page = page, **params: Any) -> None:
                add(code, f"{_qpath}.{at}" if at else _qpath, _page.id, _q.id,
                    where=_where, **params)

            if not ID_PATTERN.match(q.id):
                qadd("invalid_id", "id", id=q.id)
            if q.id in seen_questions:
                qadd("duplicate_question_id", "id", id=q.id)
            seen_questions.add(q.id)
            if not q.title.strip():
                qadd("empty_text", "title", field="题目文字")
            if len(q.title) > MAX_TITLE:
                qadd("text_too_long", "title", field="题目文字", max=MAX_TITLE)
            if len(q.help_text) > MAX_TEXT:
                qadd("text_too_long", "help_text", field="说明文字", max=MAX_TEXT)
            for code, params in q.qtype.check_definition(q):
                qadd(code, **params)
            if q.show_if is not None:
                for code, params in _check_condition(survey, q.show_if, (i, j), "display"):
                    qadd(code, "show_if", **params)
        for k, rule in enumerate(page.skip):
            rpath = f"{ppath}.skip[{k}]"
            for code, params in _check_condition(survey, rule.condition, (i, None), "skip"):
                add(code, f"{rpath}.if", page.id, where=where, **params)
            if rule.goto == END:
                continue
            target = survey.page_indexes.get(rule.goto)
            if target is None:
                add("unknown_page", f"{rpath}.goto", page.id, where=where, page=rule.goto)
            elif target == i:
                add("jump_to_same_page", f"{rpath}.goto", page.id, where=where)
            elif target < i:
                add("backward_jump", f"{rpath}.goto", page.id, where=where, page=rule.goto)
    return problems


def _check_condition(survey: Survey, condition: Condition, at: tuple[int, int | None],
                     mode: str) -> list[tuple[str, dict[str, Any]]]:
    """Problems with each comparison of a condition used at ``at`` (page index, position)."""
    issues = []
    for leaf in leaves(condition):
        issue = _check_leaf(survey, leaf, at, mode)
        if issue is not None:
            issues.append(issue)
    return issues


def _check_leaf(survey: Survey, leaf: Compare, at: tuple[int, int | None],
                mode: str) -> tuple[str, dict[str, Any]] | None:
    where = survey.locations.get(leaf.question)
    params: dict[str, Any] = {"question": leaf.question}
    if where is None:
        return "unknown_question", params
    if mode == "display":
        if where == at:
            return "self_reference", params
        if where > at:
            return "forward_reference", params
    else:
        if where[0] == at[0]:
            return "same_page_reference", params
        if where[0] > at[0]:
            return "forward_reference", params
    q = survey.question(leaf.question)
    qtype = q.qtype
    if leaf.item is not None:
        if not qtype.items(q):
            return "item_not_allowed", params
        if leaf.item not in q.item_index:
            return "unknown_item", {**params, "item": leaf.item}
    if leaf.op not in qtype.operators(q, leaf.item):
        items = qtype.items(q)
        if leaf.item is None and items and leaf.op in qtype.operators(q, items[0].id):
            return "item_required", {**params, "op": leaf.op}
        return "operator_not_supported", {**params, "op": leaf.op, "type": qtype.label}
    if leaf.op not in NO_VALUE_OPERATORS:
        issue = qtype.check_operand(q, leaf.op, leaf.value, leaf.item)
        if issue is not None:
            code, extra = issue
            return code, {**params, **extra}
    return None
