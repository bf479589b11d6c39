"""Per-community layer from operator corrections, and uncertainty ranking."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from nlp.sentiment import (
    CommunitySentimentLayer,
    correction_weights,
    entropy_uncertainty,
    margin_uncertainty,
    rank_by_uncertainty,
)

PROBE = ["这次活动很好", "客服太差了", "今天下午三点集合", "打卡活动太卷了", "群公告更新了"]


def test_layer_without_corrections_is_the_identity(small_model):
    layer = CommunitySentimentLayer(small_model).fit([], [])
    np.testing.assert_allclose(layer.predict_proba(PROBE), small_model.predict_proba(PROBE))
    assert list(layer.predict(PROBE)) == list(small_model.predict(PROBE))
    assert layer.predict_many(PROBE) == small_model.predict_many(PROBE)


def test_layer_learns_corrections_and_generalises_to_similar_texts(small_model):
    texts = ["打卡活动太卷了", "这次打卡太卷了，跟不上", "群公告更新了", "群公告又更新了"]
    labels = [1, 1, 0, 0]
    layer = CommunitySentimentLayer(small_model).fit(texts, labels)
    assert list(layer.predict(texts)) == labels
    assert layer.predict(["打卡活动太卷了吧"])[0] == 1
    assert layer.predict(["群公告更新了哦"])[0] == 0
    # Unrelated texts keep the base model's answer.
    assert layer.predict(["客服太差了"])[0] == small_model.predict(["客服太差了"])[0]


def test_heavier_corrections_win_over_lighter_conflicting_ones(small_model):
    texts = ["积分规则改了", "积分规则改了"]
    heavy_positive = CommunitySentimentLayer(small_model).fit(texts, [1, -1], [3.0, 0.5])
    heavy_negative = CommunitySentimentLayer(small_model).fit(texts, [1, -1], [0.5, 3.0])
    assert heavy_positive.predict(["积分规则改了"])[0] == 1
    assert heavy_negative.predict(["积分规则改了"])[0] == -1


def test_stacking_kicks_in_with_enough_corrections(small_model):
    texts = [f"第{i}期打卡营太卷了" for i in range(8)] + [f"第{i}期直播有点水" for i in range(8)]
    labels = [1] * 8 + [-1] * 8
    layer = CommunitySentimentLayer(small_model, min_stack=12).fit(texts, labels)
    assert layer.stacker_ is not None
    assert list(layer.predict(["第9期打卡营太卷了", "第9期直播有点水"])) == [1, -1]


def test_layer_round_trips_through_bytes(small_model):
    layer = CommunitySentimentLayer(small_model).fit(["打卡活动太卷了", "群公告更新了"], [1, 0],
                                                     [2.0, 1.0])
    data = layer.to_bytes()
    assert isinstance(data, bytes)
    clone = CommunitySentimentLayer.from_bytes(data, small_model)
    np.testing.assert_allclose(clone.predict_proba(PROBE), layer.predict_proba(PROBE))
    assert clone.n_corrections == 2


def test_from_bytes_rejects_foreign_data(small_model):
    import io

    buf = io.BytesIO()
    np.savez(buf, meta=np.frombuffer(b'{"format": "other"}', dtype=np.uint8))
    with pytest.raises(ValueError):
        CommunitySentimentLayer.from_bytes(buf.getvalue(), small_model)


def test_layer_validates_its_input_and_fit_state(small_model):
    with pytest.raises(NotFittedError):
        CommunitySentimentLayer(small_model).predict(["好"])
    with pytest.raises(ValueError):
        CommunitySentimentLayer(small_model).fit(["好"], [2])
    with pytest.raises(ValueError):
        CommunitySentimentLayer(small_model).fit(["好", "差"], [1])


def test_predict_many_applies_corrections_to_labels_and_scores(small_model):
    layer = CommunitySentimentLayer(small_model).fit(["客服太差了"], [1], [3.0])
    result = layer.predict_many(["客服太差了"])[0]
    assert result.label == 1 and result.score > 0.5


def test_correction_weights_favour_recent_and_repeated():
    w = correction_weights([0, 90, 0], [1, 1, 3], half_life_days=90)
    assert w[0] == pytest.approx(1.0)
    assert w[1] == pytest.approx(0.5)
    assert w[2] > w[0]


def test_rank_by_uncertainty_puts_the_least_certain_first():
    scores = np.array([0.99, 0.52, 0.1, 0.4, 0.7])
    assert list(rank_by_uncertainty(scores)) == [1, 3, 4, 2, 0]
    assert list(rank_by_uncertainty(scores, method="entropy", limit=2)) == [1, 3]


def test_uncertainty_measures_on_three_classes():
    proba = np.array([[0.9, 0.05, 0.05], [0.34, 0.33, 0.33], [0.5, 0.1, 0.4]])
    assert np.argmax(entropy_uncertainty(proba)) == 1
    assert np.argmax(margin_uncertainty(proba)) == 1
    assert entropy_uncertainty(proba)[1] == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ValueError):
        rank_by_uncertainty(proba, method="bogus")


def test_layer_feeds_uncertainty_ranking(small_model):
    ranked = rank_by_uncertainty(small_model.predict_proba(PROBE))
    assert sorted(ranked) == list(range(len(PROBE)))


def test_layer_over_the_shipped_three_class_model_applies_corrections():
    from nlp.sentiment import load_model, shipped_model_path

    base = load_model(shipped_model_path())
    texts = ["群公告又改版了", "这周的打卡规则调整了"]
    assert list(CommunitySentimentLayer(base).fit([], []).predict(texts)) == \
        list(base.predict(texts))
    layer = CommunitySentimentLayer(base).fit(texts, [-1, 1], [2.0, 2.0])
    assert list(layer.predict(texts)) == [-1, 1]
    proba = layer.predict_proba(texts)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    clone = CommunitySentimentLayer.from_bytes(layer.to_bytes(), base)
    np.testing.assert_allclose(clone.predict_proba(texts), proba)
