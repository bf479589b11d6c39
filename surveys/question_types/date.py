"""Date questions, with an optional earliest and latest date.

The canonical answer is an ISO date string, ``"2024-05-01"``. Raw answers may also be
``2024/5/1``, ``2024.5.1``, ``2024年5月1日`` (any spelling of :mod:`surveys.dates`) or a
date/datetime object (from a spreadsheet).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from surveys.conditions import COMPARISONS, NO_VALUE_OPERATORS
from surveys.dates import parse_date_text
from surveys.problems import InvalidAnswer
from surveys.question_types.base import (
    Column,
    Issue,
    QuestionType,
    cell_text,
    compare,
    count_categories,
    is_blank,
)
from surveys.question_types.registry import register
from surveys.stats_results import QuestionStats

if TYPE_CHECKING:
    from surveys.definition import Question

def parse_date(value: Any) -> date:
    """A date from ISO or common Chinese spellings, or a date/datetime; raises InvalidAnswer."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return parse_date_text(value)
        except ValueError:
            pass
    raise InvalidAnswer("invalid_date")


@dataclass(frozen=True)
class DateConfig:
    """Earliest and latest allowed dates, as ISO strings."""

    min_date: str | None = None
    max_date: str | None = None


@register
class Date(QuestionType):
    """日期题: a calendar date."""

    name = "date"
    label = "日期题"
    config_class = DateConfig

    def check_definition(self, q: Question) -> list[Issue]:
        """Both limits are ISO dates, and the earliest is not after the latest."""
        issues: list[Issue] = []
        bounds = {}
        for name, label in (("min_date", "最早日期"), ("max_date", "最晚日期")):
            value = getattr(q.config, name)
            if value is None:
                continue
            try:
                bounds[name] = date.fromisoformat(value)
            except ValueError:
                issues.append(("invalid_setting", {"field": label,
                                                   "reason": "应为 YYYY-MM-DD 格式的日期"}))
        if len(bounds) == 2 and bounds["min_date"] > bounds["max_date"]:
            issues.append(("invalid_range", {"min": q.config.min_date, "max": q.config.max_date}))
        return issues

    def normalise(self, q: Question, raw: Any) -> Any:
        """An ISO date within the limits."""
        iso = parse_date(raw).isoformat()
        c = q.config
        if (c.min_date and iso < c.min_date) or (c.max_date and iso > c.max_date):
            raise InvalidAnswer("out_of_range", min=c.min_date, max=c.max_date)
        return iso

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """Comparisons (earlier = smaller) and answered / not_answered."""
        return COMPARISONS | NO_VALUE_OPERATORS if item is None else frozenset()

    def check_operand(self, q: Question, op: str, value: Any, item: str | None) -> Issue | None:
        """An ISO date."""
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return "invalid_operand", {"value": value, "reason": "应为 YYYY-MM-DD 格式的日期"}
        return None

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """ISO strings compare in date order."""
        return compare(op, answer, value)

    def columns(self, q: Question) -> list[Column]:
        """One date column."""
        return [Column(None)]

    def cells(self, q: Question, answer: Any) -> list[Any]:
        """The date as a ``date`` (XLSX shows a real date, CSV its ISO form)."""
        return [date.fromisoformat(answer)]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """A date cell or date text."""
        cell = cells.get(None)
        if is_blank(cell):
            return None
        return cell if isinstance(cell, date) else cell_text(cell)

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """Answers per month."""
        counts = Counter(a[:7] for a in answers)
        return QuestionStats(
            q.id, q.type, q.title, shown, len(answers),
            categories=count_categories(self.categories(q, answers), counts, len(answers), shown))

    def categories(self, q: Question, answers: Sequence[Any],
                   item: str | None = None) -> list[tuple[str, str]]:
        """The months that occur, in order."""
        return [(m, m) for m in sorted({a[:7] for a in answers})]

    def category_keys(self, q: Question, answer: Any, item: str | None = None,
                      categories: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The answer's month."""
        return [answer[:7]]
