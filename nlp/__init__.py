"""Pure Chinese NLP: normalisation, PII redaction, segmentation, sentiment and themes.

This package never imports Flask, the database or ``app``.
"""

from nlp.normalize import NormalizedText, Normalizer, Signal, normalize, normalize_many
from nlp.pii import PiiSpan, Redaction, redact, redact_many, redact_text
from nlp.segment import Segmenter, load_stopwords, load_user_dictionary
from nlp.sentiment import (
    ClauseSentiment,
    CommunitySentimentLayer,
    SentimentModel,
    SentimentResult,
    correction_weights,
    load_or_train,
    rank_by_uncertainty,
)

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
    "load_stopwords",
    "load_or_train",
    "load_user_dictionary",
    "normalize",
    "normalize_many",
    "rank_by_uncertainty",
    "redact",
    "redact_many",
    "redact_text",
]
