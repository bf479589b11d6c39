"""Our own labelled community feedback corpus (``nlp/data/community_feedback/*.csv``).

Rows were written for Huisheng the way members of several kinds of Chinese online community
write (slang, sticker codes, sarcasm, complaints phrased as questions) and carry a 3-class
sentiment and one code-frame theme each. They train the sentiment model and the code-frame
classifier, and a fixed held-out split tests them.

The split is a property of the text, not of the file order: a row is in the test split when
the first 8 hex digits of the MD5 of its text, as an integer, are divisible by ``TEST_EVERY``
(one row in four). Adding rows never moves an existing row between splits.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).with_name("data") / "community_feedback"
TEST_EVERY = 4
SENTIMENTS = (-1, 0, 1)
OTHER_PREFIX = "other:"


@dataclass(frozen=True)
class FeedbackRow:
    """One labelled text: sentiment in {-1, 0, 1}, and a code-frame key or ``other:<topic>``."""

    text: str
    sentiment: int
    theme: str
    kind: str
    source: str

    @property
    def split(self) -> str:
        """``"test"`` for the held-out quarter, else ``"train"``."""
        return split_of(self.text)

    @property
    def in_frame(self) -> bool:
        """Whether the row's theme is a code-frame theme (not an ``other:`` topic)."""
        return not self.theme.startswith(OTHER_PREFIX)


def split_of(text: str) -> str:
    """The split a text belongs to (stable across corpus edits)."""
    digest = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    return "test" if int(digest[:8], 16) % TEST_EVERY == 0 else "train"


def load_rows(split: str | None = None, *, directory: Path | None = None,
              kinds: set[str] | None = None) -> list[FeedbackRow]:
    """Every row of the corpus (or of one ``split``: "train" / "test"), file by file in name
    order. Raises ValueError naming the file and line of a malformed row."""
    if split not in (None, "train", "test"):
        raise ValueError(f"unknown split {split!r}: use 'train', 'test' or None")
    rows = []
    for path in sorted((directory or CORPUS_DIR).glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for line, record in enumerate(csv.DictReader(fh), start=2):
                row = _row(record, path, line)
                if kinds is not None and row.kind not in kinds:
                    continue
                if split is None or row.split == split:
                    rows.append(row)
    return rows


def _row(record: dict, path: Path, line: int) -> FeedbackRow:
    try:
        text = (record["text"] or "").strip()
        sentiment = int(record["sentiment"])
        theme = (record["theme"] or "").strip()
        kind = (record["kind"] or "").strip()
        source = (record["source"] or "").strip()
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path.name}:{line}: malformed row ({exc})") from None
    if not text or sentiment not in SENTIMENTS or not theme:
        raise ValueError(f"{path.name}:{line}: needs a text, a sentiment in -1/0/1 and a theme")
    return FeedbackRow(text, sentiment, theme, kind, source)
