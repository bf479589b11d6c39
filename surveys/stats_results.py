"""Result dataclasses of statistics and scoring, ready for the app to render and chart.

Percentages are floats from 0 to 100, not rounded; the app formats them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: Below this many respondents a group's percentages and score swing with a few answers.
SMALL_BASE = 30


@dataclass(frozen=True)
class CategoryCount:
    """How many respondents gave one answer category.

    ``percent`` is of the respondents who answered the question, ``percent_of_shown`` of
    those who were shown it (for multiple choice both can add up to more than 100).
    """

    key: str
    label: str
    count: int
    percent: float
    percent_of_shown: float


@dataclass(frozen=True)
class NumericSummary:
    """Count, mean, median, extremes and sample standard deviation of numeric answers."""

    count: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None
    stdev: float | None


NPS_CI_METHOD = (
    "Wald interval on the per-respondent scores (+1 promoter, 0 passive, -1 detractor): "
    "NPS ± 1.96 × 100 × sqrt((p + d − (p − d)²) / n), clipped to [−100, 100]"
)


@dataclass(frozen=True)
class NpsScore:
    """Net Promoter Score: promoters 9–10, passives 7–8, detractors 0–6, score −100..100.

    ``ci_low``/``ci_high`` are the 95% confidence interval (method in ``NPS_CI_METHOD``),
    None with fewer than two answers.
    """

    total: int
    promoters: int
    passives: int
    detractors: int
    promoter_percent: float
    passive_percent: float
    detractor_percent: float
    score: float | None
    ci_low: float | None
    ci_high: float | None
    margin: float | None
    method: str = NPS_CI_METHOD


@dataclass(frozen=True)
class CsatScore:
    """CSAT: the share of 4 and 5 answers on the 5-point scale, with a Wilson 95% interval."""

    total: int
    satisfied: int
    percent: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class CesScore:
    """CES on the 7-point scale: the mean, and the share of "easy" answers (5–7)."""

    total: int
    mean: float | None
    easy: int
    easy_percent: float | None


@dataclass(frozen=True)
class MatrixItemStats:
    """Distribution, mean and median of one Likert matrix row."""

    item_id: str
    label: str
    answered: int
    distribution: tuple[CategoryCount, ...]
    mean: float | None
    median: float | None


@dataclass(frozen=True)
class RankingItemStats:
    """How one ranking item was placed: its average position (1 = first) and first places.

    ``positions[k]`` counts the respondents who put the item at position ``k + 1``.
    """

    item_id: str
    label: str
    count: int
    average_position: float | None
    first_place: int
    first_place_percent: float
    positions: tuple[int, ...]


@dataclass(frozen=True)
class TextSummary:
    """How many non-empty text answers there are and their average length in characters."""

    count: int
    average_length: float | None


@dataclass(frozen=True)
class QuestionStats:
    """Statistics of one question; only the blocks that apply to its type are set.

    ``shown`` counts respondents whose path included the question, ``answered`` those who gave
    a non-empty answer.
    """

    question_id: str
    type: str
    title: str
    shown: int
    answered: int
    categories: tuple[CategoryCount, ...] | None = None
    numeric: NumericSummary | None = None
    nps: NpsScore | None = None
    csat: CsatScore | None = None
    ces: CesScore | None = None
    matrix: tuple[MatrixItemStats, ...] | None = None
    ranking: tuple[RankingItemStats, ...] | None = None
    text: TextSummary | None = None
    other_texts: int = 0

    @property
    def answered_percent(self) -> float:
        """Share of those shown the question who answered it."""
        return 100.0 * self.answered / self.shown if self.shown else 0.0


@dataclass(frozen=True)
class SurveyStatistics:
    """Statistics of a whole survey over a set of responses."""

    total_responses: int
    questions: tuple[QuestionStats, ...]
    channels: tuple[CategoryCount, ...] = ()
    first_submitted_at: datetime | None = None
    last_submitted_at: datetime | None = None
    _by_id: dict[str, QuestionStats] = field(default_factory=dict, repr=False, compare=False)

    def question(self, question_id: str) -> QuestionStats:
        """The statistics of one question, by id."""
        if not self._by_id:
            self._by_id.update({q.question_id: q for q in self.questions})
        return self._by_id[question_id]


@dataclass(frozen=True)
class CrossTabColumn:
    """One column of a cross-tab: a choice of the "by" question or a channel.

    ``base`` counts the respondents in the column who answered the row question; column
    percentages are of this base.
    """

    key: str | None
    label: str
    base: int

    @property
    def small(self) -> bool:
        """Whether too few respondents are in the column to read much into it (n < 30)."""
        return 0 < self.base < SMALL_BASE


@dataclass(frozen=True)
class CrossTabRow:
    """One row of a cross-tab: counts and column percentages per column, plus the total.

    ``means`` is set for ranking rows: the average position of the item in each column.
    """

    key: str
    label: str
    counts: tuple[int, ...]
    percents: tuple[float, ...]
    total: int
    total_percent: float
    means: tuple[float | None, ...] | None = None


@dataclass(frozen=True)
class CrossTab:
    """A question (rows) by a single-choice question or the channel (columns).

    ``scores`` gives one summary per column when the row question has one (NPS score, CSAT %,
    CES mean, mean rating or number), with ``score_label`` naming it; ``overall_score`` is the
    same over all columns. ``excluded`` counts responses left out because they did not
    answer the "by" question.
    """

    question_id: str
    item: str | None
    by: str
    columns: tuple[CrossTabColumn, ...]
    rows: tuple[CrossTabRow, ...]
    total_base: int
    excluded: int
    score_label: str | None = None
    scores: tuple[float | None, ...] | None = None
    overall_score: float | None = None
