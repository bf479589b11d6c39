"""Invariants an operator can rely on: one answer per text, stable ids and stable names."""

import numpy as np
import pytest

from nlp.pipeline import NullSentiment, Pipeline
from nlp.themes import ThemeModel, model_from_bytes
from tests.nlp.themes.community_factory import make_feedback
from tests.nlp.themes.feedback_factory import make_items

REPEATED = "群里的术语好多看不懂，比如ND镜"


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(sentiment=NullSentiment())


@pytest.fixture(scope="module")
def run(pipeline):
    """Community feedback with one sentence sent five times (as in the demo)."""
    texts, _ = make_feedback(25, seed=4)
    texts = texts[:40] + [REPEATED] + texts[40:80] + [REPEATED] * 2 + texts[80:] + [REPEATED] * 2
    ids = [f"r{i}" for i in range(len(texts))]
    return texts, ids, pipeline.run(texts, ids=ids)


def test_identical_texts_in_one_run_get_the_same_theme(run):
    texts, _, res = run
    themes = {item.theme_id for item, text in zip(res.items, texts, strict=True)
              if text == REPEATED}
    assert len(themes) == 1


def test_a_text_gets_the_same_theme_in_the_full_run_and_one_at_a_time(run, pipeline):
    texts, _, res = run
    stored = model_from_bytes(res.model_bytes())
    for item, text in zip(res.items, texts, strict=True):
        assert pipeline.analyze_one(text, stored).theme_id == item.theme_id, text


def test_predict_repeats_the_fit_labels_exactly(run):
    _, _, res = run
    model = res.model
    tokens = [i.tokens for i in res.items]
    fillers = [i.is_filler for i in res.items]
    assert model.predict(tokens, fillers=fillers).tolist() == model.labels_.tolist()


def test_a_theme_matched_in_the_next_run_keeps_its_name(run, pipeline):
    texts, ids, res = run
    more, _ = make_feedback(2, seed=9)
    again = pipeline.run(texts + more, ids=ids + [f"m{i}" for i in range(len(more))],
                         previous=res.snapshot)
    before = {t.id: t.name for t in res.themes if not t.is_other}
    for theme in again.themes:
        if theme.id in before:
            assert theme.name == before[theme.id]


@pytest.mark.parametrize("frame", ["shipped", "none"])
def test_ninety_five_percent_keep_their_theme_when_ten_percent_new_items_arrive(
        tokenizer, frame):
    from nlp.codeframe import CodeFrame

    params = {"code_frame": CodeFrame.empty()} if frame == "none" else {}
    texts, _ = make_items(60, seed=21)
    texts += make_feedback(12, seed=22)[0]
    new = make_items(8, seed=23)[0] + make_feedback(2, seed=24)[0]
    tokens = [tokenizer(t) for t in texts + new]
    ids = [f"x{i}" for i in range(len(tokens))]
    n = len(texts)
    first = ThemeModel(**params).fit(tokens[:n], texts=texts, ids=ids[:n])
    second = ThemeModel(random_state=7, **params).fit(
        tokens, texts=texts + new, ids=ids, previous=first.snapshot())
    assert np.mean(second.labels_[:n] == first.labels_) >= 0.95
