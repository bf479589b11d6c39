"""Store a fitted ThemeModel as bytes (numpy ``.npz`` plus JSON; no pickle) and load it back.

Format 2 adds the learned phrases, the code-frame classifier (its frame, vocabulary, idf and
weights) and the frame themes' ids; format 1 models (stored before the code frame) still
load, without a frame.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict

import numpy as np

from nlp.codeframe import CodeFrame
from nlp.codeframe_classifier import CodeFrameClassifier
from nlp.themes.features import ThemeVectorizer
from nlp.themes.model import ThemeModel, Tokenizer
from nlp.themes.types import SeedTheme, Theme, ThemeSnapshot

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
_FRAME_ARRAYS = ("terms", "idf", "coef", "intercept")
_PARAMS = (
    "k", "k_max", "n_components", "char_bigrams", "max_outlier_share", "outlier_similarity",
    "min_theme_size", "n_keywords", "n_quotes", "match_threshold", "seed_weight",
    "memory_weight", "random_state", "blas_threads",
)


def model_to_bytes(model: ThemeModel) -> bytes:
    """Serialise what a fitted model needs to predict and to seed the next run."""
    model._check_fitted()
    vec = model.vectorizer_
    meta = {
        "version": FORMAT_VERSION,
        "params": {p: getattr(model, p) for p in _PARAMS},
        "themes": [asdict(t) for t in model.themes_],
        "seeds": [asdict(s) for s in model.seeds_],
        "seed_theme_ids": model.seed_theme_ids_,
        "outlier_threshold": model.outlier_threshold_,
        "outlier_share": model.outlier_share_,
        "k": model.k_,
        "k_scores": {str(k): v for k, v in model.k_scores_.items()},
        "snapshot": model.snapshot_.to_dict(),
        "has_vectorizer": vec is not None,
        "char_bigrams": vec.char_bigrams if vec is not None else True,
        "phrases": [list(p) for p in model.phrases_],
        "frame_theme_ids": model.frame_theme_ids_,
        "frame": None,
        "phrases_param": model.phrases,
    }
    arrays = {
        "centroids": model.centroids_,
        "theme_ids": model.theme_ids_,
    }
    if model.frame_ is not None:
        frame_meta, frame_arrays = model.frame_.to_arrays()
        meta["frame"] = frame_meta
        arrays.update({f"frame_{k}": v for k, v in frame_arrays.items()})
    arrays["meta"] = np.asarray(json.dumps(meta, ensure_ascii=False))
    if vec is not None:
        # float16 halves the stored basis; projections only need about three digits.
        arrays.update(
            terms=np.asarray(json.dumps(vec.terms_.tolist(), ensure_ascii=False)), idf=vec.idf_,
            components=vec.components_.astype(np.float16),
        )
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def model_from_bytes(data: bytes, tokenizer: Tokenizer | None = None) -> ThemeModel:
    """Load a model stored by :func:`model_to_bytes`; pass the tokenizer to predict on texts."""
    try:
        npz = np.load(io.BytesIO(data), allow_pickle=False)
        meta = json.loads(str(npz["meta"]))
    except Exception as exc:  # noqa: BLE001 - any decoding failure means the same thing
        raise ValueError(f"not a stored theme model: {exc}") from exc
    if meta.get("version") not in READABLE_VERSIONS:
        raise ValueError(f"unsupported theme model format {meta.get('version')!r}")
    frame = None
    if meta.get("frame"):
        frame = CodeFrameClassifier.from_arrays(
            meta["frame"], {k: npz[f"frame_{k}"] for k in _FRAME_ARRAYS}, tokenizer=tokenizer
        )
    model = ThemeModel(
        tokenizer=tokenizer, **meta["params"],
        code_frame=frame if frame is not None else CodeFrame.empty(),
        phrases=meta.get("phrases_param", meta["version"] >= 2),
    )
    model.frame_ = frame
    model.phrases_ = [tuple(p) for p in meta.get("phrases", [])]
    model.frame_theme_ids_ = {k: int(v) for k, v in meta.get("frame_theme_ids", {}).items()}
    if meta["has_vectorizer"]:
        vec = ThemeVectorizer(char_bigrams=meta["char_bigrams"])
        vec.terms_ = np.asarray(json.loads(str(npz["terms"])), dtype=str)
        vec.vocabulary_ = {t: i for i, t in enumerate(vec.terms_.tolist())}
        vec.is_word_ = ~np.char.startswith(vec.terms_, "#")
        vec.idf_ = npz["idf"]
        vec.components_ = npz["components"].astype(np.float32)
        model.vectorizer_ = vec
    else:
        model.vectorizer_ = None
    model.centroids_ = npz["centroids"]
    model.theme_ids_ = npz["theme_ids"]
    themes = []
    for t in meta["themes"]:
        t["sentiment_mix"] = {int(k): v for k, v in t["sentiment_mix"].items()}
        themes.append(Theme(**t))
    model.themes_ = themes
    model.seeds_ = [SeedTheme(**s) for s in meta["seeds"]]
    model.seed_theme_ids_ = meta["seed_theme_ids"]
    model.outlier_threshold_ = meta["outlier_threshold"]
    model.outlier_share_ = meta["outlier_share"]
    model.k_ = meta["k"]
    model.k_scores_ = {int(k): v for k, v in meta["k_scores"].items()}
    model.snapshot_ = ThemeSnapshot.from_dict(meta["snapshot"])
    return model
