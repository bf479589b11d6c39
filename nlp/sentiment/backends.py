"""Registry of sentiment back-ends, and the training-free lexicon back-end."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import expit
from sklearn.exceptions import NotFittedError

from nlp.normalize import Normalizer
from nlp.segment import Segmenter
from nlp.sentiment.model import MODEL_VERSION, SentimentModel


class LexiconSentimentModel(SentimentModel):
    """Sentiment from the lexicon, negation, degree words, stickers and emoji alone.

    Needs no training data (``fit`` only marks it ready); it is far less accurate than
    :class:`SentimentModel`. Its score is ``sigmoid(slope * (positive mass - negative mass))``;
    having no neutral head, it labels with the neutral band, and it shares the clause splitting
    and the result types of :class:`SentimentModel`.
    """

    def __init__(self, *, slope: float = 1.2, neutral_band: float = 0.15,
                 fact_band: float = 0.25, segmenter: Segmenter | None = None,
                 normalizer: Normalizer | None = None) -> None:
        # The lexicon already discounts what precedes a turn word; no tail is scored apart.
        super().__init__(neutral_band=neutral_band, fact_band=fact_band, segmenter=segmenter,
                         normalizer=normalizer, tail_weight=0.0)
        self.slope = slope

    def fit(self, texts: Sequence[str] | None = None, y=None, sample_weight=None
            ) -> LexiconSentimentModel:
        """Nothing to learn; returns self (ready to predict)."""
        self.classes_ = np.array([-1, 0, 1])
        self.version_ = MODEL_VERSION
        self.fitted_ = True
        return self

    def _check_fitted(self) -> None:
        if not getattr(self, "fitted_", False):
            raise NotFittedError("LexiconSentimentModel is not ready; call fit() first")

    _uses_ngrams = False

    def _group_scores(self, parts, tail=None) -> tuple[np.ndarray, np.ndarray, None]:
        pos, neg = parts.polar_mass()
        return expit(self.slope * (pos - neg)), (pos + neg) > 0, None

    def to_bytes(self) -> bytes:
        """Not saved: the lexicon back-end has nothing learned (build it with ``fit()``)."""
        raise NotImplementedError("the lexicon back-end has nothing to save")


SENTIMENT_BACKENDS: dict[str, type[SentimentModel]] = {
    "nb-logreg": SentimentModel,
    "lexicon": LexiconSentimentModel,
}


def get_sentiment_backend(name: str) -> type[SentimentModel]:
    """The sentiment model class registered as ``name`` ("nb-logreg" is the default model)."""
    try:
        return SENTIMENT_BACKENDS[name]
    except KeyError:
        known = ", ".join(SENTIMENT_BACKENDS)
        raise ValueError(f"unknown sentiment back-end {name!r}; known: {known}") from None
