"""The shipped model's results on a fixed set of texts, clauses included, stay as recorded.

The snapshot (``tests/nlp/data/sentiment_clauses.json``) is rewritten only after a deliberate
change of the model, with ``python -m tests.nlp.sentiment_snapshot``; a refactor of how texts
and clauses are scored must leave every label, score and clause as it was.
"""

import json

import pytest

from nlp.sentiment import load_model, shipped_model_path
from tests.nlp.sentiment_snapshot import SNAPSHOT, model_digest, results


@pytest.fixture(scope="module")
def snapshot():
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_the_snapshot_was_taken_with_the_shipped_model(snapshot):
    assert snapshot["model_sha256"] == model_digest(), (
        "the shipped model changed: rewrite the snapshot with "
        "`python -m tests.nlp.sentiment_snapshot`")


def test_texts_and_clauses_score_as_recorded(snapshot):
    model = load_model(shipped_model_path())
    now = results(model, snapshot["texts"])
    assert len(now) == len(snapshot["results"])
    for text, got, want in zip(snapshot["texts"], now, snapshot["results"], strict=True):
        assert got["label"] == want["label"], text
        assert got["score"] == pytest.approx(want["score"], abs=1e-7), text
        assert got["proba"] == pytest.approx(want["proba"], abs=1e-7), text
        assert [c[:2] + c[3:] for c in got["clauses"]] == \
            [c[:2] + c[3:] for c in want["clauses"]], text
        assert [c[2] for c in got["clauses"]] == \
            pytest.approx([c[2] for c in want["clauses"]], abs=1e-7), text
