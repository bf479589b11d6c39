"""The shipped sentiment model: where it is, how it is built, saved and loaded.

The default model ships with the package as ``nlp/models/sentiment-<version>.npz`` (built by
``make models`` from the sources in :mod:`nlp.sentiment.sources`). Loading it needs nothing
but numpy; training happens only when asked (``python -m nlp train-sentiment``) or when the
file is missing from a development checkout.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

from nlp.sentiment.model import MODEL_VERSION, SentimentModel

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_FILENAME = f"sentiment-{MODEL_VERSION}.npz"


def shipped_model_path() -> Path:
    """The model file that ships with the package: ``nlp/models/sentiment-<version>.npz``."""
    return MODELS_DIR / MODEL_FILENAME


def default_model_path(instance_dir: str | Path | None = None) -> Path:
    """The default model file: the shipped one.

    ``instance_dir`` is accepted for callers written when the model was trained into the
    app's instance folder; it is no longer used.
    """
    return shipped_model_path()


def feature_data_fingerprint() -> dict[str, str]:
    """Short SHA-256 digests of the word lists the features read at prediction time (the
    lexicon, sticker and emoji polarities): a saved model is only right with the lists it was
    trained with, so the model records them and a test compares. The stickers' display emoji
    column is left out: the features never read it."""
    from nlp.normalize import EMOJI_PATH, STICKERS_PATH, sticker_rows_without_emoji
    from nlp.sentiment.lexicon import LEXICON_PATH

    contents = {p.name: p.read_bytes() for p in (LEXICON_PATH, EMOJI_PATH)}
    contents[STICKERS_PATH.name] = sticker_rows_without_emoji()
    return {name: hashlib.sha256(contents[name]).hexdigest()[:16]
            for name in (LEXICON_PATH.name, STICKERS_PATH.name, EMOJI_PATH.name)}


def train_default_model(corpora_dir: str | Path | None = None, **params) -> SentimentModel:
    """Fit the default model on the union of its training sources (see
    :mod:`nlp.sentiment.sources`); ``corpora_dir`` holds the public review corpora (None
    trains without them). The sources and their sizes are kept in ``training_info_``."""
    from nlp.sentiment.sources import training_set

    data = training_set(corpora_dir)
    start = time.perf_counter()
    model = SentimentModel(**params).fit(data.texts, data.labels, data.weights,
                                         three_class=data.three_class)
    model.training_info_ = {"sources": data.sources,
                            "seconds": round(time.perf_counter() - start, 1),
                            "data": feature_data_fingerprint()}
    return model


def save_model(model: SentimentModel, path: str | Path) -> Path:
    """Write a fitted model atomically (a reader never sees a half-written file)."""
    return _write_atomic(Path(path), model.to_bytes())


def _write_atomic(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the app's workers must read it
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def load_model(path: str | Path) -> SentimentModel:
    """Load a model written by :func:`save_model`; raises ValueError if it is stale or foreign
    (and FileNotFoundError if there is no file)."""
    return SentimentModel.from_bytes(Path(path).read_bytes())


def load_or_train(cache_path: str | Path | None = None, *, retrain: bool = False,
                  corpora_dir: str | Path | None = None) -> SentimentModel:
    """The model at ``cache_path`` (default: the shipped model).

    A missing, stale or unreadable file is replaced by a copy of the shipped model; the model
    is trained (and saved there) only when ``retrain`` is asked or when the shipped model is
    missing too, as in a development checkout before ``make models``.
    """
    path = Path(cache_path) if cache_path is not None else shipped_model_path()
    if not retrain:
        try:
            return load_model(path)
        except (OSError, ValueError):
            pass  # missing, stale or broken: seed it from the shipped model, or train below
        shipped = shipped_model_path()
        if path != shipped and shipped.exists():
            data = shipped.read_bytes()
            model = SentimentModel.from_bytes(data)
            _write_atomic(path, data)
            return model
    model = train_default_model(corpora_dir)
    save_model(model, path)
    return model
