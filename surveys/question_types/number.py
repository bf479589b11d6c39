"""Number questions, with an optional range and an integer-only setting.

The canonical answer is an int when the value is whole, else a float. Raw answers may be
numbers or numeric text (``"12"``, ``"3.5"``, ``"1,200"``, full-width digits).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING, Any

from surveys.problems import InvalidAnswer
from surveys.question_types.base import (
    NUMERIC_OPERATORS,
    Column,
    Issue,
    QuestionType,
    cell_text,
    check_numeric_operand,
    compare,
    count_categories,
    is_blank,
    numeric_summary,
    to_number,
)
from surveys.question_types.registry import register
from surveys.stats_results import QuestionStats

if TYPE_CHECKING:
    from surveys.definition import Question

MAX_DISTINCT_SHOWN = 20
BINS = 10


@dataclass(frozen=True)
class NumberConfig:
    """Range, integer-only, and a unit shown after the box (e.g. 岁, 次)."""

    min_value: float | None = None
    max_value: float | None = None
    integer_only: bool = False
    unit: str = ""


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@register
class Number(QuestionType):
    """数字题: a number, optionally whole and within a range."""

    name = "number"
    label = "数字题"
    config_class = NumberConfig

    def check_definition(self, q: Question) -> list[Issue]:
        """min_value ≤ max_value."""
        c = q.config
        if c.min_value is not None and c.max_value is not None and c.min_value > c.max_value:
            return [("invalid_range", {"min": c.min_value, "max": c.max_value})]
        return []

    def normalise(self, q: Question, raw: Any) -> Any:
        """A finite number within the range, whole if integer_only."""
        number = to_number(raw)
        c = q.config
        if c.integer_only and not isinstance(number, int):
            raise InvalidAnswer("not_integer")
        if (c.min_value is not None and number < c.min_value) or \
                (c.max_value is not None and number > c.max_value):
            raise InvalidAnswer("out_of_range", min=c.min_value, max=c.max_value)
        return number

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """Comparisons, in, and answered / not_answered."""
        return NUMERIC_OPERATORS if item is None else frozenset()

    def check_operand(self, q: Question, op: str, value: Any, item: str | None) -> Issue | None:
        """Numbers (any value; the range is not enforced so that "> max" stays expressible)."""
        return check_numeric_operand(op, value)

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """Numeric comparison."""
        return compare(op, answer, value)

    def columns(self, q: Question) -> list[Column]:
        """One numeric column."""
        return [Column(None, numeric=True)]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """A number, or numeric text (a trailing unit such as 岁 is ignored)."""
        cell = cells.get(None)
        if is_blank(cell):
            return None
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return cell
        text = cell_text(cell)
        unit = q.config.unit
        if unit and text.endswith(unit):
            text = text[: -len(unit)].strip()
        return text

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """Mean/median and a distribution (distinct values, or 10 equal-width bins)."""
        cats = self.categories(q, answers)
        counts: dict[str, int] = {}
        for a in answers:
            for key in self.category_keys(q, a, None, cats):
                counts[key] = counts.get(key, 0) + 1
        return QuestionStats(
            q.id, q.type, q.title, shown, len(answers),
            categories=count_categories(cats, counts, len(answers), shown),
            numeric=numeric_summary(answers))

    def categories(self, q: Question, answers: Sequence[Any],
                   item: str | None = None) -> list[tuple[str, str]]:
        """Each distinct value when there are few whole values, else equal-width bins."""
        distinct = sorted(set(answers))
        if not distinct:
            return []
        if len(distinct) <= MAX_DISTINCT_SHOWN:
            return [(str(v), _fmt(v)) for v in distinct]
        low, high = distinct[0], distinct[-1]
        width = (high - low) / BINS
        out = []
        for k in range(BINS):
            a, b = low + k * width, (high if k == BINS - 1 else low + (k + 1) * width)
            out.append((f"bin:{a!r}:{b!r}", f"{_fmt(a)}–{_fmt(b)}"))
        return out

    def category_keys(self, q: Question, answer: Any, item: str | None = None,
                      categories: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The value itself, or its bin when ``categories`` are bins."""
        if categories and categories[0][0].startswith("bin:"):
            return [bin_key(answer, categories)]
        return [str(answer)]

    def score(self, q: Question, answers: Sequence[Any],
              item: str | None = None) -> tuple[str, float | None] | None:
        """The mean."""
        return "平均值", fmean(answers) if answers else None


def bin_key(value: float, cats: Sequence[tuple[str, str]]) -> str:
    """The key of the half-open bin [a, b) holding ``value`` (the last bin is closed)."""
    for key, _label in cats:
        _, a, b = key.split(":")
        low, high = float(a), float(b)
        if low <= value < high or (value == high and key == cats[-1][0]):
            return key
    return cats[-1][0]
