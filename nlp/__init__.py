"""Pure Chinese NLP: normalisation, PII redaction, segmentation, sentiment and themes.

This package never imports Flask, the database or ``app``. The main entry points are
re-exported here and imported on first use, so that ``import nlp.normalize`` (or a web worker
that never scores a text) does not pay for scikit-learn and SciPy::

    from nlp import Segmenter, SentimentModel, normalize, redact_text
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlp.normalize import NormalizedText, Normalizer, Signal, normalize, normalize_many
    from nlp.pii import PiiSpan, Redaction, redact, redact_many, redact_text
    from nlp.segment import Segmenter, load_stopwords, load_user_dictionary
    from nlp.sentiment.community import CommunitySentimentLayer, correction_weights
    from nlp.sentiment.model import SentimentModel
    from nlp.sentiment.results import ClauseSentiment, SentimentResult
    from nlp.sentiment.training import load_or_train
    from nlp.sentiment.uncertainty import rank_by_uncertainty

_EXPORTS = {
    "NormalizedText": "nlp.normalize",
    "Normalizer": "nlp.normalize",
    "Signal": "nlp.normalize",
    "normalize": "nlp.normalize",
    "normalize_many": "nlp.normalize",
    "PiiSpan": "nlp.pii",
    "Redaction": "nlp.pii",
    "redact": "nlp.pii",
    "redact_many": "nlp.pii",
    "redact_text": "nlp.pii",
    "Segmenter": "nlp.segment",
    "load_stopwords": "nlp.segment",
    "load_user_dictionary": "nlp.segment",
    "CommunitySentimentLayer": "nlp.sentiment.community",
    "correction_weights": "nlp.sentiment.community",
    "SentimentModel": "nlp.sentiment.model",
    "ClauseSentiment": "nlp.sentiment.results",
    "SentimentResult": "nlp.sentiment.results",
    "load_or_train": "nlp.sentiment.training",
    "rank_by_uncertainty": "nlp.sentiment.uncertainty",
}

__all__ = [
    "ClauseSentiment",
    "CommunitySentimentLayer",
    "NormalizedText",
    "Normalizer",
    "PiiSpan",
    "Redaction",
    "Segmenter",
    "SentimentModel",
    "SentimentResult",
    "Signal",
    "correction_weights",
    "load_or_train",
    "load_stopwords",
    "load_user_dictionary",
    "normalize",
    "normalize_many",
    "rank_by_uncertainty",
    "redact",
    "redact_many",
    "redact_text",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'nlp' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
