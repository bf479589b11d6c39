"""Evaluating and describing logic conditions against the answers given so far.

Semantics: ``answers`` holds canonical answers of the questions the respondent was shown.
A question that was hidden, skipped or left empty is *unanswered*: every operator except
``not_answered`` is false for it (so ``ne`` is false too; wrap in ``not`` for "not equal or
unanswered"). Conditions on a matrix row or ranking item use ``item``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.conditions import OPERATOR_LABELS, AllOf, AnyOf, Compare, Condition, Not
from surveys.definition import Survey


def evaluate(condition: Condition, answers: Mapping[str, Any], survey: Survey) -> bool:
    """Whether ``condition`` holds for the canonical ``answers`` of visible questions.

    A reference to a question the survey does not have counts as unanswered (definitions
    are checked before publishing, so this only matters for drafts).
    """
    if isinstance(condition, Compare):
        answer = answers.get(condition.question)
        op, item = condition.op, condition.item
        if answer is None:
            return op == "not_answered"
        try:
            q = survey.question(condition.question)
        except KeyError:
            return op == "not_answered"
        if item is None and op in ("answered", "not_answered"):
            return op == "answered"
        return q.qtype.evaluate(q, op, answer, condition.value, item)
    if isinstance(condition, AllOf):
        return all(evaluate(c, answers, survey) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(evaluate(c, answers, survey) for c in condition.conditions)
    if isinstance(condition, Not):
        return not evaluate(condition.condition, answers, survey)
    raise TypeError(f"not a condition: {condition!r}")


def describe(condition: Condition, survey: Survey) -> str:
    """A Chinese sentence for a condition, for the builder, e.g.
    ``「推荐意愿」小于或等于 6 且「喜欢的内容」包含「干货分享」``."""
    if isinstance(condition, AllOf | AnyOf):
        joiner = " 且 " if isinstance(condition, AllOf) else " 或 "
        parts = [describe(c, survey) for c in condition.conditions]
        parts = [f"（{p}）" if isinstance(c, AllOf | AnyOf) else p
                 for p, c in zip(parts, condition.conditions, strict=True)]
        return joiner.join(parts)
    if isinstance(condition, Not):
        return f"并非（{describe(condition.condition, survey)}）"
    try:
        q = survey.question(condition.question)
    except KeyError:
        return f"「{condition.question}」{OPERATOR_LABELS.get(condition.op, condition.op)}"
    subject = f"「{q.title}」"
    if condition.item is not None:
        item = q.item_index.get(condition.item)
        subject += f"中的「{item.label if item else condition.item}」"
        if q.type == "ranking":
            subject += "的名次"
    op = OPERATOR_LABELS.get(condition.op, condition.op)
    if condition.op in ("answered", "not_answered"):
        return subject + op
    return f"{subject}{op} {_show_value(q, condition.value)}"


def _show_value(q: Any, value: Any) -> str:
    if value is None or value == "" or value == () or value == []:
        return "（未选择值）"
    if isinstance(value, tuple | list):
        return "、".join(_show_value(q, v) for v in value)
    if isinstance(value, str) and value in q.option_index:
        return f"「{q.option_index[value].label}」"
    if isinstance(value, str):
        return f"「{value}」"
    return str(value)
