"""Scale questions answered with one whole number: rating (stars), NPS, CSAT and CES.

The canonical answer is the int chosen, e.g. ``4``. Raw answers may be ints, integral
floats or numeric text (``"4"``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
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
    match_key,
    numeric_summary,
    to_number,
)
from surveys.question_types.registry import register
from surveys.scoring import ces_score, csat_score, nps_group, nps_score
from surveys.stats_results import QuestionStats

if TYPE_CHECKING:
    from surveys.definition import Question

CSAT_LABELS = ("非常不满意", "不满意", "一般", "满意", "非常满意")
CES_LABELS = ("非常困难", "困难", "比较困难", "一般", "比较容易", "容易", "非常容易")
NPS_GROUPS = (("promoter", "推荐者（9–10）"), ("passive", "中立者（7–8）"),
              ("detractor", "贬损者（0–6）"))
_SCORE_CELL = re.compile(r"^\s*(\d+)(?:\.0+)?\s*(分|星|颗星|颗|points?)?\s*$")


@dataclass(frozen=True)
class RatingConfig:
    """Settings of a star rating: 1 to ``max_rating`` stars, with optional end labels."""

    max_rating: int = 5
    low_label: str = ""
    high_label: str = ""


@dataclass(frozen=True)
class NpsConfig:
    """Labels shown under 0 and 10 of an NPS question."""

    low_label: str = "完全不可能"
    high_label: str = "极有可能"


@dataclass(frozen=True)
class CsatConfig:
    """The five labels of the CSAT scale, from 1 to 5."""

    labels: tuple[str, ...] = CSAT_LABELS


@dataclass(frozen=True)
class CesConfig:
    """The seven labels of the CES scale, from 1 to 7."""

    labels: tuple[str, ...] = CES_LABELS


class _Scale(QuestionType):
    """A whole-number scale from ``low(q)`` to ``high(q)``."""

    def low(self, q: Question) -> int:
        """Smallest allowed answer."""
        return 1

    def high(self, q: Question) -> int:
        """Largest allowed answer."""
        raise NotImplementedError

    def point_labels(self, q: Question) -> dict[int, str]:
        """Label of each scale point."""
        return {v: str(v) for v in range(self.low(q), self.high(q) + 1)}

    def normalise(self, q: Question, raw: Any) -> Any:
        """A whole number on the scale."""
        number = to_number(raw)
        if not isinstance(number, int):
            raise InvalidAnswer("not_integer")
        if not self.low(q) <= number <= self.high(q):
            raise InvalidAnswer("out_of_range", min=self.low(q), max=self.high(q))
        return number

    def operators(self, q: Question, item: str | None) -> frozenset[str]:
        """Comparisons, in, and answered / not_answered."""
        return NUMERIC_OPERATORS if item is None else frozenset()

    def check_operand(self, q: Question, op: str, value: Any, item: str | None) -> Issue | None:
        """Numbers on the scale."""
        return check_numeric_operand(op, value, self.low(q), self.high(q))

    def evaluate(self, q: Question, op: str, answer: Any, value: Any, item: str | None) -> bool:
        """Numeric comparison."""
        return compare(op, answer, value)

    def columns(self, q: Question) -> list[Column]:
        """One numeric column."""
        return [Column(None, numeric=True)]

    def parse_cells(self, q: Question, cells: Mapping[str | None, Any]) -> Any:
        """A number (``4``, ``4分``, ``4星``) or a scale label (``满意``)."""
        cell = cells.get(None)
        if is_blank(cell):
            return None
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return cell
        text = cell_text(cell)
        m = _SCORE_CELL.match(text)
        if m:
            return int(m.group(1))
        key = match_key(text)
        for value, label in self.point_labels(q).items():
            if match_key(label) == key:
                return value
        raise InvalidAnswer("invalid_cell", value=text)

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """Mean/median and the distribution over every scale point."""
        counts = Counter(str(a) for a in answers)
        return QuestionStats(
            q.id, q.type, q.title, shown, len(answers),
            categories=count_categories(self.distribution_categories(q), counts, len(answers),
                                        shown),
            numeric=numeric_summary(answers))

    def distribution_categories(self, q: Question) -> list[tuple[str, str]]:
        """The points of the distribution in the statistics."""
        return self.categories(q, ())

    def categories(self, q: Question, answers: Sequence[Any],
                   item: str | None = None) -> list[tuple[str, str]]:
        """One row per scale point."""
        return [(str(v), label) for v, label in self.point_labels(q).items()]

    def category_keys(self, q: Question, answer: Any, item: str | None = None,
                      categories: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The point chosen."""
        return [str(answer)]

    def score(self, q: Question, answers: Sequence[Any],
              item: str | None = None) -> tuple[str, float | None] | None:
        """The mean."""
        return "平均分", fmean(answers) if answers else None


@register
class Rating(_Scale):
    """评分题: 1 to 5 stars (3 to 10 allowed)."""

    name = "rating"
    label = "评分题"
    config_class = RatingConfig

    def high(self, q: Question) -> int:
        """``max_rating``."""
        return q.config.max_rating

    def check_definition(self, q: Question) -> list[Issue]:
        """3 to 10 stars."""
        if not 3 <= q.config.max_rating <= 10:
            return [("invalid_setting", {"field": "最高分", "reason": "应在 3 到 10 之间"})]
        return []

    def point_labels(self, q: Question) -> dict[int, str]:
        """``1 星`` … ``5 星``."""
        return {v: f"{v} 星" for v in range(1, self.high(q) + 1)}


@register
class Nps(_Scale):
    """NPS 净推荐值: 0 to 10, promoters 9–10, passives 7–8, detractors 0–6."""

    name = "nps"
    label = "NPS 净推荐值"
    config_class = NpsConfig

    def low(self, q: Question) -> int:
        """0."""
        return 0

    def high(self, q: Question) -> int:
        """10."""
        return 10

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """The scale statistics plus the NPS block."""
        base = super().summarise(q, answers, shown)
        return replace(base, nps=nps_score(answers))

    def categories(self, q: Question, answers: Sequence[Any],
                   item: str | None = None) -> list[tuple[str, str]]:
        """Promoters, passives and detractors."""
        return list(NPS_GROUPS)

    def category_keys(self, q: Question, answer: Any, item: str | None = None,
                      categories: Sequence[tuple[str, str]] = ()) -> list[str]:
        """The respondent's group."""
        return [nps_group(answer)]

    def distribution_categories(self, q: Question) -> list[tuple[str, str]]:
        """All 11 points: the distribution chart shows them, cross-tabs show the groups."""
        return [(str(v), str(v)) for v in range(11)]

    def score(self, q: Question, answers: Sequence[Any],
              item: str | None = None) -> tuple[str, float | None] | None:
        """The NPS."""
        return "NPS", nps_score(answers).score


class _LabelledScale(_Scale):
    """A scale whose points are labelled by a fixed-length ``labels`` setting."""

    size = 5

    def high(self, q: Question) -> int:
        """The number of points."""
        return self.size

    def point_labels(self, q: Question) -> dict[int, str]:
        """``labels`` numbered from 1."""
        return dict(enumerate(q.config.labels, start=1))

    def check_definition(self, q: Question) -> list[Issue]:
        """Exactly ``size`` non-empty labels."""
        labels = q.config.labels
        if len(labels) != self.size or not all(label.strip() for label in labels):
            return [("wrong_label_count", {"count": self.size})]
        return []


@register
class Csat(_LabelledScale):
    """CSAT 满意度: 1 非常不满意 … 5 非常满意; CSAT % is the share of 4 and 5."""

    name = "csat"
    label = "CSAT 满意度"
    config_class = CsatConfig
    size = 5

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """The scale statistics plus the CSAT block."""
        base = super().summarise(q, answers, shown)
        return replace(base, csat=csat_score(answers))

    def score(self, q: Question, answers: Sequence[Any],
              item: str | None = None) -> tuple[str, float | None] | None:
        """CSAT %."""
        return "CSAT %", csat_score(answers).percent


@register
class Ces(_LabelledScale):
    """CES 费力度: 1 非常困难 … 7 非常容易; summarised by its mean."""

    name = "ces"
    label = "CES 费力度"
    config_class = CesConfig
    size = 7

    def summarise(self, q: Question, answers: Sequence[Any], shown: int) -> QuestionStats:
        """The scale statistics plus the CES block."""
        base = super().summarise(q, answers, shown)
        return replace(base, ces=ces_score(answers))

    def score(self, q: Question, answers: Sequence[Any],
              item: str | None = None) -> tuple[str, float | None] | None:
        """CES mean."""
        return "CES 均值", ces_score(answers).mean
