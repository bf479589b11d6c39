"""Plain result objects returned by the sentiment models."""

from __future__ import annotations

from dataclasses import dataclass, field

LABEL_NAMES = {-1: "负面", 0: "中性", 1: "正面"}


@dataclass(frozen=True)
class ClauseSentiment:
    """Sentiment of one clause, with the aspect terms (nouns) it talks about."""

    text: str
    label: int
    score: float
    aspects: list[str] = field(default_factory=list)

    def __reduce__(self) -> tuple[type[ClauseSentiment], tuple[str, int, float, list[str]]]:
        # Pickled as a constructor call (a batch's clauses come back from worker processes
        # this way): the default would give every unpickled clause its own attribute dict,
        # one more object per clause for the garbage collector to walk.
        return ClauseSentiment, (self.text, self.label, self.score, self.aspects)


@dataclass(frozen=True)
class SentimentResult:
    """Sentiment of a text.

    ``label`` is -1 (负面), 0 (中性) or 1 (正面), the most probable class; ``score`` is the
    calibrated probability that the text is positive rather than negative; ``confidence`` is
    how far the score is from undecided, in [0, 1].
    """

    label: int
    score: float
    confidence: float
    clauses: list[ClauseSentiment] = field(default_factory=list)

    @property
    def label_name(self) -> str:
        """The label in Chinese: 负面 / 中性 / 正面."""
        return LABEL_NAMES[self.label]
