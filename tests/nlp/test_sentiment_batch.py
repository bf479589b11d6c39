"""The vectorised scorer: the same features as the definitions, clauses as their own texts."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.sentiment import batch
from nlp.sentiment.clauses import clause_text, split_clauses
from nlp.sentiment.features import SentimentDoc
from nlp.sentiment.lexicon import (
    M_ASK,
    M_PERSIST,
    M_PROHIBIT,
    M_REQUEST,
    M_TIMESPAN,
    M_WHY,
    lexicon_scores,
    load_lexicon,
    resolved_roles,
)

NEUTRAL_TEMPLATES = ["请问{}几点开始？", "建议{}增加回放", "{}明天下午三点", "希望{}多办几次"]


@pytest.fixture(scope="module")
def three_class_model(segmenter):
    """A small model with a neutral head, trained in a second on synthetic sentences."""
    from nlp.sentiment import SentimentModel
    from tests.nlp.conftest import SUBJECTS, synthetic_corpus

    texts, labels = synthetic_corpus()
    neutral = [t.format(s) for s in SUBJECTS for t in NEUTRAL_TEMPLATES]
    return SentimentModel(segmenter=segmenter, calibration_fraction=0.25).fit(
        texts + neutral, [1 if y else -1 for y in labels] + [0] * len(neutral))


TEXTS = [
    "活动很好玩，但是群里广告太多",
    "群主每天分享干货，学到很多，感谢！",
    "不太满意，回复太慢了。不过老师讲得还行",
    "小程序经常卡顿闪退，太难用了！！！",
    "",
    "好",
    "。。。",
    "Keng die，包装太out了",
    "下次活动什么时候开始？",
    "真的不是很好，但是也不差，就是有点贵",
    "好辛苦啊，为啥又改时间了？？",
    "真是“稳定”呢[微笑]，能不能别再卡了",
    "一点都不卡了，不能再好了",
]


@pytest.mark.parametrize("model_name", ["small_model", "three_class_model"])
def test_fast_decision_equals_the_feature_matrix_times_the_coefficients(request, model_name):
    model = request.getfixturevalue(model_name)
    _, docs = model.prepare(TEXTS)
    featurizer = model.featurizer_
    coef = model.coef_.astype(np.float64)
    fast, cues = featurizer.decision_with_cues(docs, coef)
    X, matrix_cues = featurizer.transform_with_cues(docs)
    # The fast path gathers its weights as float32 (sums in float64): equal to 1e-6.
    np.testing.assert_allclose(fast, (X @ coef.T), atol=1e-6)
    np.testing.assert_allclose(featurizer.decision_with_cues(docs, coef[0])[0], X @ coef[0],
                               atol=1e-6)
    assert list(cues) == list(matrix_cues)


@pytest.mark.parametrize("model_name", ["small_model", "three_class_model"])
def test_every_clause_scores_as_its_own_text_would(request, model_name, segmenter):
    from nlp.normalize import NormalizedText
    from nlp.sentiment.closers import without_sign_offs

    small_model = request.getfixturevalue(model_name)
    results = small_model.predict_many(TEXTS)
    for text, result in zip(TEXTS, results, strict=True):
        # Sign-off clauses (…，感谢) are not read: the clauses are those of the body.
        cut = segmenter.cut(small_model._stages()[0].normalize(text).text)
        parts = split_clauses(without_sign_offs(["".join(cut)], [cut])[1][0])
        if len(parts) < 2:
            continue
        parts = [p for p in parts if clause_text(p)]
        alone = small_model.predict_many(
            [clause_text(p) for p in parts], clauses=False,
            normalized=[NormalizedText(clause_text(p)) for p in parts], cuts=parts,
        )
        assert [c.text for c in result.clauses] == [clause_text(p) for p in parts]
        for clause, own in zip(result.clauses, alone, strict=True):
            assert clause.score == pytest.approx(own.score, abs=1e-9)
            assert clause.label == own.label


def test_texts_with_one_clause_are_their_own_clause(small_model):
    result = small_model.analyze("群主很用心")
    assert len(result.clauses) == 1
    assert result.clauses[0].label == result.label
    assert result.clauses[0].score == result.score
    assert "群主" in result.clauses[0].aspects


def test_clauses_of_nothing_but_symbols_are_left_out(small_model):
    result = small_model.analyze("...，活动很好玩，但是广告太多")
    assert [c.text for c in result.clauses] == ["活动很好玩", "但是广告太多"]


@pytest.mark.parametrize("model_name", ["small_model", "three_class_model"])
def test_a_batch_gives_what_each_text_gives_alone(request, model_name):
    model = request.getfixturevalue(model_name)
    together = model.predict_many(TEXTS)
    alone = [model.analyze(t) for t in TEXTS]
    for a, b in zip(together, alone, strict=True):
        assert (a.label, [c.text for c in a.clauses]) == (b.label, [c.text for c in b.clauses])
        assert a.score == pytest.approx(b.score, abs=1e-9)


# ---- the lexicon arithmetic, vectorised, against the plain definition ------------------------

LEX = load_lexicon()
TOKENS = ["好", "满意", "差", "广告", "不", "没", "很", "太", "有点", "，", "。", "但是", "不过",
          "活动", "群主", "的", "了", "不满意", "太棒了", " ", "？", "辛苦", "一点", "都", "不能",
          "再萌", "“", "稳定", "”", "别", "刷屏", "为啥", "又", "怎么", "建议", "请问", "三天",
          "没", "回", "就", "太多", "偏小", "卡"]
MARK_COLUMNS = [(batch.LEX_WHY, M_WHY), (batch.LEX_PERSIST, M_PERSIST),
                (batch.LEX_REQUEST, M_REQUEST), (batch.LEX_PROHIBIT, M_PROHIBIT),
                (batch.LEX_ASK, M_ASK), (batch.LEX_TIMESPAN, M_TIMESPAN)]


def _scan(featurizer, token_lists):
    table = featurizer._token_table()
    flat, lengths = batch.flatten(token_lists)
    tid = table.ids(flat)
    groups = batch.groups_from_lengths(lengths)
    extra: dict = {}
    vid, lex, _ = batch.scan_groups(tid, groups, table.arrays, len(featurizer.vocabulary_),
                                    table.pairs(), extra)
    return vid, lex, extra["intensified"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=14), min_size=1, max_size=6))
def test_vectorised_lexicon_reading_follows_the_definition(small_model, token_lists):
    _, lex, _ = _scan(small_model.featurizer_, token_lists)
    for toks, row in zip(token_lists, lex, strict=True):
        ref = lexicon_scores(toks, LEX)
        expected = [ref.pos, ref.neg, float(ref.negated > 0), ref.tail_pos, ref.tail_neg,
                    ref.quoted]
        np.testing.assert_allclose(row[:6], expected, atol=1e-9)
        for col, bit in MARK_COLUMNS:
            assert row[col] == float(bool(ref.markers & bit)), (toks, col)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=14), min_size=1, max_size=6))
def test_dense_features_are_the_lexicon_reading_scaled(small_model, token_lists):
    featurizer = small_model.featurizer_
    docs = [SentimentDoc("".join(toks), toks) for toks in token_lists]
    _, _, dense, _ = featurizer._scan(docs)
    w = featurizer.lexicon_weight
    for toks, row in zip(token_lists, dense, strict=True):
        ref = lexicon_scores(toks, LEX)
        expected = [math.log1p(ref.pos), math.log1p(ref.neg), float(ref.negated > 0),
                    math.log1p(ref.tail_pos), math.log1p(ref.tail_neg)]
        np.testing.assert_allclose(row[:5], np.array(expected) * w, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=16))
def test_negated_words_are_their_own_features_up_to_three_tokens(small_model, tokens):
    featurizer = small_model.featurizer_
    vocab = featurizer.vocabulary_
    vid, _, _ = _scan(featurizer, [tokens])
    intensified = resolved_roles(tokens, LEX)[3]
    scope = 0
    expected = []
    for tok, degree in zip(tokens, intensified, strict=True):
        v = vocab.get("很" if degree else tok, -1)
        if tok in ("，", "。", " ", "？"):
            scope, v = 0, -1
        elif tok in LEX.negators:
            scope = 3
        elif scope:
            scope -= 1
            if v >= 0:
                v += len(vocab)
        expected.append(v)
    assert list(vid) == expected


def test_hao_read_as_a_degree_word_is_written_as_hen_for_the_ngrams(small_model):
    featurizer = small_model.featurizer_
    _, _, intensified = _scan(featurizer, [["好", "辛苦"], ["很", "好"], ["好", "的"]])
    assert list(intensified) == [True, False, False, False, False, False]
    texts = batch.rewrite_intensifiers(["好辛苦", "很好", "好的"], ["好", "辛苦", "很", "好", "好",
                                        "的"], np.array([2, 2, 2]), intensified)
    assert texts == ["很辛苦", "很好", "好的"]


# ---- short answers lean on the lexicon -----------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("text", ["好", "挺好", "很棒", "太棒了", "好！", "满意", "赞", "👍"])
def test_one_word_praise_is_positive(default_model, text):
    assert default_model.analyze(text).label == 1


@pytest.mark.slow
@pytest.mark.parametrize("text", ["差", "太差了", "好慢", "失望", "不好", "垃圾"])
def test_one_word_complaints_are_negative(default_model, text):
    assert default_model.analyze(text).label == -1


def test_the_lexicon_reads_fused_degree_words_and_particles():
    from nlp.sentiment.lexicon import token_polarity

    assert token_polarity("太棒了", LEX) > token_polarity("棒", LEX) > 0
    assert token_polarity("好慢", LEX) < 0
    assert token_polarity("不好了", LEX) < 0
    assert token_polarity("好人", LEX) == 0
