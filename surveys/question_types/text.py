"""Text questions: short text (one line) and long text (paragraphs).

The canonical answer is the cleaned text: line breaks unified, control characters removed,
ends stripped (short text also turns line breaks into spaces). Lengths count characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from surveys.conditions import NO_VALUE_OPERATORS
from surveys.problems import InvalidAnswer
from surveys.question_types.base import (
    Column,
    Issue,
    QuestionType,
    cell_text,
    clean_text,
    is_blank,
)
from surveys.question_types.registry import register
from surveys.responses import FreeText
from surveys.stats_results import QuestionStats, TextSummary

if TYPE_CHECKING:
    from surveys.definition import Question

MAX_TEXT_LENGTH = 10_000


@dataclass(frozen=True)
class ShortTextConfig:
    """Length limits, a placeholder, and whether answers become feedback items."""

    max_length: int = 200
    min_length: int = 0
    placeholder: str = ""
    feedback: bool = True


@dataclass(frozen=True)
class LongTextConfig:
    """Length limits, a placeholder, and whether answers become feedback items."""

    max_length: int = 2000
    min_length: int = 0
    placeholder: str = ""
    feedback: bool = True


@register
class ShortText(QuestionType):
    """单行文本: a short answer on one line."""

    name = "short_text"
    label = "单行文本"
    config_class = ShortTextConfig
    multiline = False

    def check_definition(self, q: Question) -> list[Issue]:
        """1 ≤ max_length ≤ 10000 and 0 ≤ min_length ≤ max_length."""
        c = q.config
        issues: list[Issue] = []
        if not 1 <= c.max_length <= MAX_TEXT_LENGTH:
            issues.append(("invalid_setting", {"field": "最大字数",
                                               "reason": f"应在 1 到 {MAX_TEXT_LENGTH} 之间"}))
        if c.min_length < 0 or c.min_length > c.max_length:
            issues.append(("invalid_range", {"min": c.min_length, "max": c.max_length}))
        return issues

    def is_empty(self, raw: Any) -> bool:
        """Blank once cleaned (only spaces or control characters)."""
        if isinstance(raw, str):
            return not clean_text(raw, self.multiline)
        return super().is_empty(raw)

    def normalise(self, q: Question, raw: Any) -> Any:
        """Clean text within the length limits (numbers are accepted as their text)."""
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = cell_text(raw)
        if not isinstance(raw, str):
            raise InvalidAnswer("invalid_type")
        text = clean_text(raw, self.multiline)
        if len(text) > q.config.max_length:
            raise InvalidAnswer("too_long", max=q.config.max_length, length=len(text))
        if len(text) < q.config.min_length:
            raise InvalidAnswer("too_short", min=q.config.min_length, length=len(text))
        return text

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """eq, ne, contains (case-insensitive) and answered / not_answered."""
        return frozenset({"eq", "ne", "contains"}) | NO_VALUE_OPERATORS if item is None \
            else frozenset()

    def check_operand(self, q: Question, op: str, value: Any, item: str | None) -> Issue | None:
        """Non-empty text."""
        if not isinstance(value, str) or not value.strip():
            return "invalid_operand", {"value": value, "reason": "应为非空文字"}
        return None

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """Exact (eq/ne) or case-insensitive substring (contains) comparison."""
        if op == "eq":
            return answer == value.strip()
        if op == "ne":
            return answer != value.strip()
        if op == "contains":
            return value.strip().casefold() in answer.casefold()
        return False

    def columns(self, q: Question) -> list[Column]:
        """One text column."""
        return [Column(None)]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """The cell's text."""
        cell = cells.get(None)
        return None if is_blank(cell) else cell_text(cell)

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """How many answered, and their average length."""
        avg = sum(len(a) for a in answers) / len(answers) if answers else None
        return QuestionStats(q.id, q.type, q.title, shown, len(answers),
                             text=TextSummary(len(answers), avg))

    def free_texts(self, q: Question, answer: Any) -> list[FreeText]:
        """The answer, unless the question is marked as not feedback (e.g. a nickname)."""
        return [FreeText(q.id, answer)] if q.config.feedback else []

    def without_free_text(self, q: Question, answer: Any, placeholder: str) -> Any:
        """The placeholder for any answer, feedback or not (a nickname is typed text too)."""
        return placeholder if isinstance(answer, str) and answer else answer


@register
class LongText(ShortText):
    """多行文本: a longer answer that may have several paragraphs."""

    name = "long_text"
    label = "多行文本"
    config_class = LongTextConfig
    multiline = True
