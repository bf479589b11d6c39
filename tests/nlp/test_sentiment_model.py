"""Sentiment model: estimator conventions, labels, scores, neutral rule, negation, clauses."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from nlp.sentiment import SentimentModel, SentimentResult, load_or_train
from nlp.sentiment.clauses import clause_text, split_clauses
from nlp.sentiment.lexicon import lexicon_scores, load_lexicon, token_polarity

# ---- estimator conventions on the small synthetic model --------------------------------------


def test_fit_returns_self_and_sets_learned_attributes(segmenter):
    from tests.nlp.conftest import synthetic_corpus

    texts, labels = synthetic_corpus()
    model = SentimentModel(segmenter=segmenter, calibration_fraction=0.25)
    assert model.fit(texts, labels) is model
    for attr in ("coef_", "featurizer_", "platt_", "classes_", "version_"):
        assert hasattr(model, attr)
    assert list(model.classes_) == [-1, 0, 1]


def test_unfitted_model_raises_a_clear_error():
    with pytest.raises(NotFittedError, match="not fitted"):
        SentimentModel().predict(["好"])


def test_fit_rejects_bad_labels(segmenter):
    with pytest.raises(ValueError):
        SentimentModel(segmenter=segmenter).fit(["好", "差"], [1, 2])
    with pytest.raises(ValueError):
        SentimentModel(segmenter=segmenter).fit(["好", "很好"], [1, 1])


def test_small_model_separates_clear_sentences(small_model):
    scores = small_model.predict_score(["这次活动非常棒", "小程序经常卡顿"])
    assert scores[0] > 0.5 > scores[1]


def test_scores_are_probabilities_and_proba_rows_sum_to_one(small_model):
    texts = ["活动很好", "客服太差了", "", "下周见"]
    scores = small_model.predict_score(texts)
    assert ((scores >= 0) & (scores <= 1)).all()
    proba = small_model.predict_proba(texts)
    assert proba.shape == (4, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_most_probable_class_is_the_predicted_label(small_model):
    texts = ["活动很好", "客服太差了", "", "无", "什么时候开始？", "今天下午三点", "课程很有收获"]
    proba = small_model.predict_proba(texts)
    assert list(small_model.classes_[proba.argmax(axis=1)]) == list(small_model.predict(texts))


def test_predict_many_returns_plain_results(small_model):
    results = small_model.predict_many(["活动很好", "客服太差了"])
    assert all(isinstance(r, SentimentResult) for r in results)
    assert [r.label for r in results] == [1, -1]
    assert all(0 <= r.confidence <= 1 for r in results)
    assert results[0].label_name == "正面"


def test_predict_many_reuses_given_normalisation_and_cuts(small_model, segmenter):
    from nlp.normalize import Normalizer

    texts = ["活动很好", "客服太差了"]
    normalized = Normalizer().normalize_many(texts)
    cuts = segmenter.cut_many([n.text for n in normalized])
    a = small_model.predict_many(texts, normalized=normalized, cuts=cuts)
    assert a == small_model.predict_many(texts)


@pytest.mark.parametrize("text", ["", None, "a", "好", "😀", "[哈哈]", "https://t.cn/x", "。。。",
                                  "@群主", "   "])
def test_tiny_inputs_never_raise(small_model, text):
    result = small_model.analyze(text)
    assert result.label in (-1, 0, 1)
    assert 0.0 <= result.score <= 1.0


def test_empty_text_is_neutral_at_one_half(small_model):
    result = small_model.analyze("")
    assert (result.label, result.score, result.clauses) == (0, 0.5, [])


# ---- lexicon and clauses -----------------------------------------------------------------------


def test_lexicon_reads_negation_degree_and_fused_negators():
    lex = load_lexicon()
    assert token_polarity("满意", lex) > 0
    assert token_polarity("不满意", lex) < 0
    pos, neg, negated = lexicon_scores(["不", "太", "满意"], lex)
    assert neg > 0 and pos == 0 and negated == 1
    strong = lexicon_scores(["非常", "满意"], lex)[0]
    weak = lexicon_scores(["有点", "满意"], lex)[0]
    assert strong > weak > 0
    assert lexicon_scores(["刷屏", "广告"], lex)[1] > 0


def test_clauses_split_at_punctuation_and_turn_words(segmenter):
    cut = segmenter.cut("活动很好玩，但是群里广告太多。不过群主很用心")
    clauses = [clause_text(c) for c in split_clauses(cut)]
    assert clauses == ["活动很好玩", "但是群里广告太多", "不过群主很用心"]


def test_turn_word_at_the_start_does_not_make_an_empty_clause(segmenter):
    clauses = split_clauses(segmenter.cut("但是没人回复"))
    assert [clause_text(c) for c in clauses] == ["但是没人回复"]


# ---- the real default model ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "群主每天分享干货，学到很多，感谢！",
    "这次线下活动组织得非常好，大家玩得很开心",
    "直播答疑很及时，老师讲得很清楚",
])
def test_default_model_reads_clear_positive_community_feedback(default_model, text):
    assert default_model.analyze(text).label == 1


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "群里天天有人刷屏打广告，烦死了",
    "小程序经常卡顿闪退，太难用了",
    "问了好几次都没人回复，很失望",
])
def test_default_model_reads_clear_negative_community_feedback(default_model, text):
    assert default_model.analyze(text).label == -1


@pytest.mark.slow
@pytest.mark.parametrize("text", ["无", "没有", "不知道", "下次活动什么时候开始？", ""])
def test_default_model_calls_fillers_and_questions_neutral(default_model, text):
    assert default_model.analyze(text).label == 0


@pytest.mark.slow
@pytest.mark.parametrize(("positive", "negative"), [
    ("这次活动我很满意", "这次活动我不满意"),
    ("群主很负责", "群主一点都不负责"),
    ("课程内容有用", "课程内容没有用"),
])
def test_negation_flips_the_sentiment(default_model, positive, negative):
    pos, neg = default_model.predict_score([positive, negative])
    assert pos > 0.5 > neg


@pytest.mark.slow
def test_stickers_and_emoji_carry_sentiment(default_model):
    up, down = default_model.predict_score(["[强][强]👍", "[发怒][捂脸]😡"])
    assert up > 0.5 > down


@pytest.mark.slow
def test_clause_level_sentiment_splits_activity_from_ads(default_model):
    result = default_model.analyze("活动很好玩，但是群里广告太多")
    assert len(result.clauses) == 2
    first, second = result.clauses
    assert first.label == 1 and "活动" in first.aspects
    assert second.label == -1 and "广告" in second.aspects
    assert first.score > 0.5 > second.score


@pytest.mark.slow
def test_cached_model_loads_instead_of_retraining(default_model, default_model_path):
    import time

    start = time.perf_counter()
    again = load_or_train(default_model_path)
    assert time.perf_counter() - start < 15
    texts = ["活动很好玩", "广告太多"]
    np.testing.assert_allclose(again.predict_score(texts), default_model.predict_score(texts))


# ---- back-ends ------------------------------------------------------------------------------


def test_lexicon_backend_works_without_training_data(segmenter):
    from nlp.sentiment import LexiconSentimentModel

    model = LexiconSentimentModel(segmenter=segmenter)
    with pytest.raises(NotFittedError):
        model.predict(["好"])
    model.fit()
    labels = model.predict(["群主很用心，感谢分享", "群里广告刷屏，太烦人了", "无", "[强]"])
    assert list(labels) == [1, -1, 0, 1]
    assert model.analyze("活动很好玩，但是群里广告太多").clauses[1].label == -1


def test_backend_registry_names_the_models():
    from nlp.sentiment import SENTIMENT_BACKENDS, get_sentiment_backend

    assert get_sentiment_backend("nb-logreg") is SentimentModel
    assert set(SENTIMENT_BACKENDS) >= {"nb-logreg", "lexicon"}
    with pytest.raises(ValueError, match="known"):
        get_sentiment_backend("bert")
