"""Sentiment model: estimator conventions, three classes, the neutral head, lexicon arithmetic."""

import copy
import gc
import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from nlp.sentiment import SentimentModel, SentimentResult
from nlp.sentiment.clauses import clause_text, split_clauses
from nlp.sentiment.lexicon import lexicon_scores, load_lexicon, token_polarity
from nlp.sentiment.results import ClauseSentiment
from tests.nlp.conftest import SUBJECTS, synthetic_corpus

NEUTRAL_TEMPLATES = ["请问{}几点开始？", "建议{}增加回放", "{}明天下午三点", "希望{}多办几次"]


@pytest.fixture(scope="module")
def three_class_model(segmenter):
    """A small model with a neutral head, trained in a second on synthetic sentences."""
    texts, labels = synthetic_corpus()
    neutral = [t.format(s) for s in SUBJECTS for t in NEUTRAL_TEMPLATES]
    return SentimentModel(segmenter=segmenter, calibration_fraction=0.25).fit(
        texts + neutral, [1 if y else -1 for y in labels] + [0] * len(neutral))


# ---- estimator conventions on the small synthetic models -------------------------------------


def test_fit_returns_self_and_sets_learned_attributes(segmenter):
    texts, labels = synthetic_corpus()
    model = SentimentModel(segmenter=segmenter, calibration_fraction=0.25)
    assert model.fit(texts, labels) is model
    for attr in ("coef_", "featurizer_", "platt_", "intercept_", "classes_", "version_"):
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


def test_a_neutral_label_needs_a_three_class_row(segmenter):
    with pytest.raises(ValueError, match="three-class"):
        SentimentModel(segmenter=segmenter).fit(["好", "差", "几点"], [1, -1, 0],
                                                three_class=[False, False, False])


def test_three_class_labels_train_a_neutral_head(three_class_model):
    assert three_class_model.has_neutral_head
    labels = three_class_model.predict(["这次活动非常棒", "小程序经常卡顿", "请问直播几点开始？"])
    assert list(labels) == [1, -1, 0]


def test_binary_labels_fall_back_to_the_neutral_band(small_model):
    assert not small_model.has_neutral_head
    labels = small_model.predict(["这次活动非常棒", "小程序经常卡顿", "", "无", "什么时候开始？"])
    assert list(labels) == [1, -1, 0, 0, 0]


def test_small_model_separates_clear_sentences(small_model):
    scores = small_model.predict_score(["这次活动非常棒", "小程序经常卡顿"])
    assert scores[0] > 0.5 > scores[1]


@pytest.mark.parametrize("model_name", ["small_model", "three_class_model"])
def test_class_probabilities_sum_to_one_and_name_the_label(request, model_name):
    model = request.getfixturevalue(model_name)
    texts = ["活动很好", "客服太差了", "", "无", "什么时候开始？", "今天下午三点", "课程很有收获"]
    scores = model.predict_score(texts)
    assert ((scores >= 0) & (scores <= 1)).all()
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(model.classes_[proba.argmax(axis=1)]) == list(model.predict(texts))


def test_predict_many_returns_plain_results(three_class_model):
    results, proba = three_class_model.predict_many_with_proba(["活动很好", "客服太差了"])
    assert all(isinstance(r, SentimentResult) for r in results)
    assert [r.label for r in results] == [1, -1]
    assert all(0 <= r.confidence <= 1 for r in results)
    assert results[0].label_name == "正面"
    np.testing.assert_allclose(proba, three_class_model.predict_proba(["活动很好", "客服太差了"]))


def test_predict_many_reuses_given_normalisation_and_cuts(three_class_model, segmenter):
    from nlp.normalize import Normalizer

    texts = ["活动很好", "客服太差了"]
    normalized = Normalizer().normalize_many(texts)
    cuts = segmenter.cut_many([n.text for n in normalized])
    a = three_class_model.predict_many(texts, normalized=normalized, cuts=cuts)
    assert a == three_class_model.predict_many(texts)


@pytest.mark.parametrize("text", ["", None, "a", "好", "😀", "[哈哈]", "https://t.cn/x", "。。。",
                                  "@群主", "   ", "“”", "好好好好好"])
def test_tiny_inputs_never_raise(three_class_model, text):
    result = three_class_model.analyze(text)
    assert result.label in (-1, 0, 1)
    assert 0.0 <= result.score <= 1.0


def test_empty_text_is_neutral_at_one_half(three_class_model):
    result = three_class_model.analyze("")
    assert (result.label, result.score, result.clauses) == (0, 0.5, [])
    assert three_class_model.predict_proba([""])[0].argmax() == 1


def test_model_round_trips_through_bytes_without_pickle(three_class_model):
    import io

    data = three_class_model.to_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        assert "meta" in npz.files
    clone = SentimentModel.from_bytes(data)
    texts = ["活动很好，但是广告太多", "请问直播几点开始？", "好辛苦"]
    np.testing.assert_allclose(clone.predict_proba(texts), three_class_model.predict_proba(texts),
                               atol=2e-3)
    assert list(clone.predict(texts)) == list(three_class_model.predict(texts))


def test_from_bytes_rejects_other_payloads():
    with pytest.raises(ValueError):
        SentimentModel.from_bytes(b"not a model")


# ---- lexicon arithmetic ----------------------------------------------------------------------

LEX = load_lexicon()


def test_lexicon_reads_negation_degree_and_fused_negators():
    assert token_polarity("满意", LEX) > 0
    assert token_polarity("不满意", LEX) < 0
    s = lexicon_scores(["不", "太", "满意"], LEX)
    assert s.neg > 0 and s.pos == 0 and s.negated == 1
    strong = lexicon_scores(["非常", "满意"], LEX).pos
    weak = lexicon_scores(["有点", "满意"], LEX).pos
    assert strong > weak > 0
    assert lexicon_scores(["刷屏"], LEX).neg > 0


@pytest.mark.parametrize("word", ["广告", "退款", "问题", "举报", "潜水", "收费", "取消"])
def test_topic_words_are_not_sentiment_on_their_own(word):
    assert token_polarity(word, LEX) == 0


def test_hao_before_a_word_is_a_degree_word_and_praise_at_the_end():
    assert lexicon_scores(["好", "辛苦"], LEX).neg > lexicon_scores(["辛苦"], LEX).neg > 0
    assert lexicon_scores(["好", "可怕"], LEX).pos == 0
    assert lexicon_scores(["很", "好"], LEX).pos > 0
    assert lexicon_scores(["好", "的"], LEX).pos > 0
    assert lexicon_scores(["好", "太多", "了"], LEX).pos > 0  # 好太多了: much better


def test_negators_that_intensify_and_emphatic_negation():
    assert lexicon_scores(["不能", "再萌", "啦"], LEX).pos > 0  # 不能再萌啦
    assert lexicon_scores(["一点", "都", "不卡", "了"], LEX).pos > \
        lexicon_scores(["有点", "不卡"], LEX).pos > 0
    assert lexicon_scores(["根本", "停不下来"], LEX).pos > 0


def test_dont_asks_something_to_stop_without_flipping_it():
    assert lexicon_scores(["别", "刷屏", "了"], LEX).neg > 0
    assert lexicon_scores(["不要", "太", "好吃"], LEX).pos > 0


def test_praise_in_quotation_marks_is_sarcasm():
    s = lexicon_scores(["真是", "“", "稳定", "”", "呢"], LEX)
    assert s.neg > 0 and s.pos == 0 and s.quoted == 1


def test_what_follows_the_last_turn_word_counts_most():
    s = lexicon_scores(["虽然", "活动", "很", "好", "但是", "太贵", "了"], LEX)
    assert s.tail_neg > 0 and s.tail_pos == 0
    assert s.neg > s.pos > 0


def test_two_token_phrases_count_once():
    assert lexicon_scores(["服", "了"], LEX).neg > 0
    assert lexicon_scores(["辛苦", "了"], LEX).pos > 0
    assert lexicon_scores(["没", "回"], LEX).neg > 0


def test_slanted_adjectives_are_mild_complaints():
    assert token_polarity("偏小", LEX) < 0
    assert token_polarity("偏好", LEX) == 0


def test_every_lexicon_entry_is_a_token_the_segmenter_produces(segmenter):
    singles = [w for w in LEX.polarity if segmenter.cut(w) != [w]]
    covered = [w for w in singles if token_polarity(w, LEX) != 0]
    assert sorted(set(singles) - set(covered)) == []
    assert [p for p in LEX.phrases if segmenter.cut("".join(p)) != list(p)] == []


# ---- clauses -----------------------------------------------------------------------------------


def test_clauses_split_at_punctuation_and_turn_words(segmenter):
    cut = segmenter.cut("活动很好玩，但是群里广告太多。不过群主很用心")
    clauses = [clause_text(c) for c in split_clauses(cut)]
    assert clauses == ["活动很好玩", "但是群里广告太多", "不过群主很用心"]


def test_turn_word_at_the_start_does_not_make_an_empty_clause(segmenter):
    clauses = split_clauses(segmenter.cut("但是没人回复"))
    assert [clause_text(c) for c in clauses] == ["但是没人回复"]


# ---- back-ends ------------------------------------------------------------------------------


def test_lexicon_backend_works_without_training_data(segmenter):
    from nlp.sentiment import LexiconSentimentModel

    model = LexiconSentimentModel(segmenter=segmenter)
    with pytest.raises(NotFittedError):
        model.predict(["好"])
    model.fit()
    labels = model.predict(["群主很用心，感谢分享", "群里天天刷屏，太烦人了", "无", "[强]"])
    assert list(labels) == [1, -1, 0, 1]
    assert model.analyze("活动很好玩，但是群里刷屏太多").clauses[1].label == -1


def test_backend_registry_names_the_models():
    from nlp.sentiment import SENTIMENT_BACKENDS, get_sentiment_backend

    assert get_sentiment_backend("nb-logreg") is SentimentModel
    assert set(SENTIMENT_BACKENDS) >= {"nb-logreg", "lexicon"}
    with pytest.raises(ValueError, match="known"):
        get_sentiment_backend("bert")


def test_clause_results_travel_between_processes_unchanged_and_without_an_attribute_dict():
    clause = ClauseSentiment("物流太慢", -1, 0.12345678901234567, ["物流"])
    # The bytes are our own, made just above.
    back = pickle.loads(pickle.dumps([clause, clause], protocol=pickle.HIGHEST_PROTOCOL))  # noqa: S301
    assert back[0] == clause and back[0] is back[1]
    assert back[0].score == clause.score and back[0].aspects == ["物流"]
    assert copy.deepcopy(clause) == clause
    with pytest.raises(AttributeError):
        back[0].label = 1  # type: ignore[misc]
    # Worker processes send back a clause per clause of every item: a materialised
    # per-instance dict would be one more object per clause for the collector to walk.
    assert not any(type(ref) is dict for ref in gc.get_referents(back[0]))
