"""Ranking: the respondent puts every item in order of preference.

The canonical answer is the list of item ids from first to last, e.g. ``["o3", "o1", "o2"]``.
Raw answers may also map item ids to positions (``{"o3": 1, "o1": 2, "o2": 3}``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING, Any

from surveys.conditions import COMPARISONS, NO_VALUE_OPERATORS
from surveys.options import Option
from surveys.problems import InvalidAnswer
from surveys.question_types.base import (
    Column,
    Issue,
    QuestionType,
    cell_text,
    check_numeric_operand,
    check_options,
    compare,
    is_blank,
    match_key,
    percent,
    to_number,
)
from surveys.question_types.registry import register
from surveys.stats_results import QuestionStats, RankingItemStats

if TYPE_CHECKING:
    from surveys.definition import Question

_ORDER_SEPARATORS = re.compile(r"\s*(?:→|->|>|＞|┋|\||｜|；|;|、|，|,|\n)\s*")


@dataclass(frozen=True)
class RankingConfig:
    """The items to rank, and whether their starting order is shuffled."""

    options: tuple[Option, ...] = ()
    randomize: bool | None = None


@register
class Ranking(QuestionType):
    """排序题: all items in order of preference."""

    name = "ranking"
    label = "排序题"
    config_class = RankingConfig

    def items(self, q: Question) -> tuple[Option, ...]:
        """The items."""
        return q.config.options

    def check_definition(self, q: Question) -> list[Issue]:
        """At least two items, no other or exclusive flags."""
        return check_options(q.config.options, min_count=2, allow_other=False,
                             allow_exclusive=False, noun="排序项")

    def normalise(self, q: Question, raw: Any) -> Any:
        """A complete order of known items without repeats."""
        if isinstance(raw, dict):
            try:
                positions = {k: to_number(v) for k, v in raw.items()}
            except InvalidAnswer:
                raise InvalidAnswer("invalid_type") from None
            order = sorted(positions, key=positions.__getitem__)
            if sorted(positions.values()) != list(range(1, len(positions) + 1)):
                raise InvalidAnswer("invalid_type")
        elif isinstance(raw, list | tuple):
            order = list(raw)
        else:
            raise InvalidAnswer("invalid_type")
        index = q.option_index
        seen: set[str] = set()
        for item in order:
            if not isinstance(item, str):
                raise InvalidAnswer("invalid_type")
            if item not in index:
                raise InvalidAnswer("invalid_option", value=item)
            if item in seen:
                raise InvalidAnswer("duplicate_choice", value=index[item].label)
            seen.add(item)
        if len(order) < len(index):
            missing = [o.label for o in q.config.options if o.id not in seen]
            raise InvalidAnswer("incomplete_ranking", count=len(missing), missing=missing)
        return order

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """answered / not_answered, and position comparisons for one item (1 = first)."""
        return NO_VALUE_OPERATORS if item is None else COMPARISONS | {"in"}

    def check_operand(self, q: Question, op: str, value: Any, item: str | None) -> Issue | None:
        """Positions from 1 to the number of items."""
        return check_numeric_operand(op, value, 1, len(q.config.options))

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """Compare the item's position (1 = first)."""
        if op in NO_VALUE_OPERATORS:
            return op == "answered"
        return compare(op, answer.index(item) + 1, value)

    def columns(self, q: Question) -> list[Column]:
        """One column per item holding its position."""
        return [Column(o.id, o.label, numeric=True) for o in q.config.options]

    def cells(self, q: Question, answer: Any) -> list[Any]:
        """Each item's position (1 = first)."""
        return [answer.index(o.id) + 1 for o in q.config.options]

    def import_parts(self, q: Question) -> list[tuple[str | None, str]]:
        """One cell with the whole order (``A→B→C``), or one position column per item."""
        return [(None, ""), *super().import_parts(q)]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """Read an ordered list of labels, or per-item positions."""
        main = cells.get(None)
        if not is_blank(main):
            labels = {match_key(o.label): o.id for o in q.config.options}
            order = []
            for token in _ORDER_SEPARATORS.split(cell_text(main)):
                if not token:
                    continue
                key = match_key(token)
                if key in labels:
                    order.append(labels[key])
                elif token in q.option_index:
                    order.append(token)
                else:
                    raise InvalidAnswer("invalid_option", value=token)
            return order
        positions = {part: cell for part, cell in cells.items()
                     if part is not None and not is_blank(cell)}
        return positions or None

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """Average position, first places and the position distribution of each item."""
        n = len(q.config.options)
        rows = []
        for o in q.config.options:
            positions = [a.index(o.id) + 1 for a in answers if o.id in a]
            counts = [positions.count(k) for k in range(1, n + 1)]
            rows.append(RankingItemStats(
                o.id, o.label, len(positions), fmean(positions) if positions else None,
                counts[0] if counts else 0, percent(counts[0] if counts else 0, len(answers)),
                tuple(counts)))
        rows.sort(key=lambda r: (r.average_position is None, r.average_position or 0))
        return QuestionStats(q.id, q.type, q.title, shown, len(answers), ranking=tuple(rows))

    def categories(self, q: Question, answers: Sequence[Any],
                   item: str | None = None) -> list[tuple[str, str]]:
        """One row per item (counted when it is ranked first)."""
        return [(o.id, o.label) for o in q.config.options]

    def category_keys(self, q: Question, answer: Any, item: str | None = None,
                      categories: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The item ranked first."""
        return answer[:1]

    def row_mean(self, q: Question, answers: Sequence[Any], key: str) -> float | None:
        """The item's average position (1 = first)."""
        positions = [a.index(key) + 1 for a in answers if key in a]
        return fmean(positions) if positions else None
