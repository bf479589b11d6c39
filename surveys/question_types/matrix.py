"""Likert matrix: several statements (items, shown as rows) rated on one shared scale.

The canonical answer maps item ids to scale values in item order, e.g.
``{"r1": 4, "r2": 5}``. A required matrix needs every row; an optional one accepts any rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, median
from typing import TYPE_CHECKING, Any

from surveys.conditions import NO_VALUE_OPERATORS
from surveys.options import Option, ScalePoint
from surveys.problems import InvalidAnswer
from surveys.question_types.base import (
    NUMERIC_OPERATORS,
    Column,
    Issue,
    QuestionType,
    cell_text,
    check_numeric_operand,
    check_options,
    compare,
    count_categories,
    is_blank,
    match_key,
    to_number,
)
from surveys.question_types.registry import register
from surveys.stats_results import MatrixItemStats, QuestionStats

if TYPE_CHECKING:
    from surveys.definition import Question

AGREEMENT_SCALE = (
    ScalePoint(1, "非常不同意"), ScalePoint(2, "不同意"), ScalePoint(3, "一般"),
    ScalePoint(4, "同意"), ScalePoint(5, "非常同意"),
)


@dataclass(frozen=True)
class MatrixConfig:
    """Rows (``items``), the shared ``scale`` (default: 5-point agreement) and row shuffling."""

    items: tuple[Option, ...] = ()
    scale: tuple[ScalePoint, ...] = AGREEMENT_SCALE
    randomize: bool | None = None


@register
class Matrix(QuestionType):
    """矩阵量表题: each row rated on the same scale."""

    name = "matrix"
    label = "矩阵量表题"
    config_class = MatrixConfig

    def items(self, q: Question) -> tuple[Option, ...]:
        """The rows."""
        return q.config.items

    def check_definition(self, q: Question) -> list[Issue]:
        """At least one row and two scale points, increasing whole numbers."""
        issues = check_options(q.config.items, min_count=1, allow_other=False,
                               allow_exclusive=False, noun="行")
        values = [p.value for p in q.config.scale]
        if len(values) < 2 or values != sorted(set(values)):
            issues.append(("invalid_scale", {}))
        if any(not p.label.strip() for p in q.config.scale):
            issues.append(("empty_text", {"field": "量表刻度文字"}))
        return issues

    def normalise(self, q: Question, raw: Any) -> Any:
        """Known rows with values on the scale; a required matrix needs every row."""
        if not isinstance(raw, dict):
            raise InvalidAnswer("invalid_type")
        scale = {p.value for p in q.config.scale}
        index = q.item_index
        values: dict[str, int] = {}
        for key, value in raw.items():
            if key not in index:
                raise InvalidAnswer("invalid_item", value=key)
            if value is None or value == "":
                continue
            try:
                number = to_number(value)
            except InvalidAnswer:
                raise InvalidAnswer("invalid_option", value=value) from None
            if number not in scale:
                raise InvalidAnswer("invalid_option", value=value)
            values[key] = number
        if not values:
            raise InvalidAnswer("invalid_type")
        if q.required and len(values) < len(index):
            missing = [o.label for o in q.config.items if o.id not in values]
            raise InvalidAnswer("incomplete_matrix", count=len(missing), missing=missing)
        return {o.id: values[o.id] for o in q.config.items if o.id in values}

    def is_empty(self, raw: Any) -> bool:
        """No row answered."""
        if isinstance(raw, dict):
            return all(v is None or v == "" for v in raw.values())
        return super().is_empty(raw)

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """answered / not_answered for the matrix; comparisons for one row."""
        return NO_VALUE_OPERATORS if item is None else NUMERIC_OPERATORS

    def check_operand(self, q: Question, op: str, value: Any, item: str | None) -> Issue | None:
        """Numbers within the scale."""
        values = [p.value for p in q.config.scale] or [0]
        return check_numeric_operand(op, value, min(values), max(values))

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """Compare one row's value (a missing row compares false)."""
        if item not in answer:
            return op == "not_answered"
        if op in NO_VALUE_OPERATORS:
            return op == "answered"
        return compare(op, answer[item], value)

    def columns(self, q: Question) -> list[Column]:
        """One numeric column per row."""
        return [Column(o.id, o.label, numeric=True) for o in q.config.items]

    def cells(self, q: Question, answer: Any) -> list[Any]:
        """The scale value of each row."""
        return [answer.get(o.id) for o in q.config.items]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """Per-row cells holding a scale value or a scale label."""
        labels = {match_key(p.label): p.value for p in q.config.scale}
        out: dict[str, Any] = {}
        for part, cell in cells.items():
            if part is None or is_blank(cell):
                continue
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                out[part] = cell
                continue
            text = cell_text(cell)
            key = match_key(text)
            out[part] = labels.get(key, text)
        return out or None

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """Distribution, mean and median per row."""
        rows = []
        points = [(str(p.value), p.label) for p in q.config.scale]
        for o in q.config.items:
            values = [a[o.id] for a in answers if o.id in a]
            counts = Counter(str(v) for v in values)
            rows.append(MatrixItemStats(
                o.id, o.label, len(values),
                count_categories(points, counts, len(values), shown),
                fmean(values) if values else None,
                float(median(values)) if values else None))
        return QuestionStats(q.id, q.type, q.title, shown, len(answers), matrix=tuple(rows))

    def categories(self, q: Question, answers: Sequence[Any],
                   item: str | None = None) -> list[tuple[str, str]]:
        """The scale points of one row."""
        return [(str(p.value), p.label) for p in q.config.scale]

    def category_keys(self, q: Question, answer: Any, item: str | None = None,
                      categories: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The point given to the row."""
        return [str(answer[item])] if item in answer else []

    def score(self, q: Question, answers: Sequence[Any],
              item: str | None = None) -> tuple[str, float | None] | None:
        """The row's mean."""
        values = [a[item] for a in answers if item in a]
        return "平均分", fmean(values) if values else None
