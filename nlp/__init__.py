"""Pure Chinese NLP: normalisation, PII redaction, segmentation, sentiment and themes.

This package never imports Flask, the database or ``app``.
"""

from nlp.normalize import NormalizedText, Normalizer, Signal, normalize, normalize_many
from nlp.pii import PiiSpan, Redaction, redact, redact_many, redact_text
from nlp.segment import Segmenter, load_stopwords, load_user_dictionary

__all__ = [
    "NormalizedText",
    "Normalizer",
    "PiiSpan",
    "Redaction",
    "Segmenter",
    "Signal",
    "load_stopwords",
    "load_user_dictionary",
    "normalize",
    "normalize_many",
    "redact",
    "redact_many",
    "redact_text",
]
