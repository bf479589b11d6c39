"""The NLP engine as the app uses it: the shipped sentiment model, each community's
correction layer on top of it, stored theme models per run, and the pipeline.

Everything here is cached per process: the sentiment model loads once (it ships with the
package: nothing trains it at setup or at request time), layers and theme models by the id of
their row.

The NLP libraries (scikit-learn, SciPy, jieba) are imported by the functions that use them,
not with this module: a web worker that never scores a text starts without them.
"""

from __future__ import annotations

import fcntl
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from nlp.codeframe import CodeFrame, FrameCorrection
    from nlp.pipeline import Pipeline
    from nlp.segment import Segmenter
    from nlp.sentiment.community import CommunitySentimentLayer
    from nlp.themes.model import ThemeModel

_lock = threading.RLock()
_sentiment_models: dict[str, object] = {}
_segmenter: Segmenter | None = None
_theme_models: OrderedDict[int, ThemeModel] = OrderedDict()
_layers: OrderedDict[tuple[int, str], CommunitySentimentLayer] = OrderedDict()
_CACHE_SIZE = 8


class EngineUnavailable(RuntimeError):
    """The sentiment model cannot be loaded."""


def sentiment_model_path() -> Path:
    """The sentiment model file: ``INSIGHTS_SENTIMENT_MODEL``, else the model shipped with the
    package (``nlp/models/sentiment-<version>.npz``)."""
    configured = current_app.config.get("INSIGHTS_SENTIMENT_MODEL")
    if configured:
        return Path(configured)
    from nlp.sentiment.training import shipped_model_path

    return shipped_model_path()


def load_or_train_locked(path: Path, *, retrain: bool = False):
    """Load the model; when it has to be written (asked to retrain, or a configured file is
    missing and is seeded from the shipped model), a file lock keeps several processes (web
    workers, job workers, parallel test workers) from writing it at the same time."""
    from nlp.sentiment.training import load_or_train

    path = Path(path)
    if path.exists() and not retrain:
        return load_or_train(path)  # reads only (a stale file is replaced by the shipped one)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return load_or_train(path, retrain=retrain)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_sentiment_model(*, retrain: bool = False) -> Path:
    """Load the sentiment model once, so setup fails early if it cannot (the setup step)."""
    path = sentiment_model_path()
    with _lock:
        model = load_or_train_locked(path, retrain=retrain)
        _sentiment_models[str(path)] = model
    return path


def sentiment_model():
    """The shared sentiment model, loaded once per process (the shipped one unless
    ``INSIGHTS_SENTIMENT_MODEL`` names another file)."""
    path = sentiment_model_path()
    key = str(path)
    model = _sentiment_models.get(key)
    if model is None:
        with _lock:
            model = _sentiment_models.get(key)
            if model is None:
                model = load_or_train_locked(Path(path))
                _sentiment_models[key] = model
    return model


def segmenter() -> Segmenter:
    """The shared segmenter (the community dictionary) used for analysis and search."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                from nlp.segment import Segmenter

                _segmenter = Segmenter()
    return _segmenter


def _remember(cache: OrderedDict, key, value):
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return value


def layer_from_bytes(key: tuple[int, str], data: bytes) -> CommunitySentimentLayer:
    """A community's sentiment layer over the shared model, cached by (row id, stamp)."""
    layer = _layers.get(key)
    if layer is None:
        from nlp.sentiment.community import CommunitySentimentLayer

        layer = _remember(_layers, key,
                          CommunitySentimentLayer.from_bytes(data, base=sentiment_model()))
    return layer


def theme_model(run_id: int, data: bytes) -> ThemeModel:
    """The fitted theme model stored with a run, cached by run id."""
    model = _theme_models.get(run_id)
    if model is None:
        from nlp.themes.storage import model_from_bytes

        model = _remember(_theme_models, run_id, model_from_bytes(data, tokenizer=None))
    return model


def theme_model_of(run) -> ThemeModel | None:
    """The run's stored theme model, loading its bytes only when it is not cached yet."""
    model = _theme_models.get(run.id)
    if model is None:
        data = run.model_bytes
        if not data:
            return None
        model = theme_model(run.id, data)
    return model


def forget_theme_model(run_id: int) -> None:
    """Drop a cached theme model (its run's model bytes changed)."""
    with _lock:
        _theme_models.pop(run_id, None)


def confidence_of(score: float) -> float:
    """How sure the model is, in [0, 1]: the distance of P(positive) from undecided (the same
    measure the sentiment model and its community layer report)."""
    return float(min(1.0, abs(float(score) - 0.5) * 2))


def pipeline(layer: CommunitySentimentLayer | None = None, *, frame: CodeFrame | None = None,
             frame_corrections: Sequence[FrameCorrection] = ()) -> Pipeline:
    """A pipeline with the shared segmenter and sentiment (or a community layer), and the
    community's code frame (the shipped one when None) taught by its operators' corrections.

    Discovered themes are capped at ``INSIGHTS_MAX_THEMES`` (20 by default): operators read
    the overview as one page, and finer splits remain a click away (split a theme).
    """
    from nlp.pipeline import CoreSentiment, Pipeline
    from nlp.themes.model import ThemeModel

    model = layer if layer is not None else sentiment_model()
    k_max = int(current_app.config.get("INSIGHTS_MAX_THEMES", 20))
    return Pipeline(segmenter=segmenter(), sentiment=CoreSentiment(model),
                    theme_model=ThemeModel(k_max=k_max, code_frame=frame,
                                           frame_corrections=list(frame_corrections) or None))
