"""The vectorised scorer: the same features as the definitions, clauses as their own texts."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.sentiment.clauses import clause_text, split_clauses
from nlp.sentiment.features import SentimentDoc
from nlp.sentiment.lexicon import lexicon_scores, load_lexicon

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
]


def test_fast_decision_equals_the_feature_matrix_times_the_coefficients(small_model):
    _, docs = small_model.prepare(TEXTS)
    featurizer = small_model.featurizer_
    coef = small_model.coef_.astype(np.float64)
    fast, cues = featurizer.decision_with_cues(docs, coef)
    X, matrix_cues = featurizer.transform_with_cues(docs)
    np.testing.assert_allclose(fast, X @ coef, atol=1e-9)
    assert list(cues) == list(matrix_cues)


def test_every_clause_scores_as_its_own_text_would(small_model, segmenter):
    from nlp.normalize import NormalizedText

    results = small_model.predict_many(TEXTS)
    for text, result in zip(TEXTS, results, strict=True):
        parts = split_clauses(segmenter.cut(small_model._stages()[0].normalize(text).text))
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


def test_texts_with_one_clause_are_their_own_clause(small_model):
    result = small_model.analyze("群主很用心")
    assert len(result.clauses) == 1
    assert result.clauses[0].label == result.label
    assert result.clauses[0].score == result.score
    assert "群主" in result.clauses[0].aspects


def test_clauses_of_nothing_but_symbols_are_left_out(small_model):
    result = small_model.analyze("...，活动很好玩，但是广告太多")
    assert [c.text for c in result.clauses] == ["活动很好玩", "但是广告太多"]


def test_a_batch_gives_what_each_text_gives_alone(small_model):
    together = small_model.predict_many(TEXTS)
    alone = [small_model.analyze(t) for t in TEXTS]
    for a, b in zip(together, alone, strict=True):
        assert (a.label, [c.text for c in a.clauses]) == (b.label, [c.text for c in b.clauses])
        assert a.score == pytest.approx(b.score, abs=1e-9)


# ---- the lexicon arithmetic, vectorised, against the plain definition ------------------------

LEX = load_lexicon()
TOKENS = ["好", "满意", "差", "广告", "不", "没", "很", "太", "有点", "，", "。", "但是", "不过",
          "活动", "群主", "的", "了", "不满意", "太棒了", " ", "？"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=14), min_size=1, max_size=6))
def test_vectorised_lexicon_features_follow_the_definition(small_model, token_lists):
    featurizer = small_model.featurizer_
    docs = [SentimentDoc("".join(toks), toks) for toks in token_lists]
    _, _, dense = featurizer._scan(docs)
    w = featurizer.lexicon_weight
    for toks, row in zip(token_lists, dense, strict=True):
        pos, neg, negated = lexicon_scores(toks, LEX)
        turns = [i for i, t in enumerate(toks) if t in LEX.contrast]
        tail_pos, tail_neg = (lexicon_scores(toks[turns[-1] + 1:], LEX)[:2] if turns
                              else (0.0, 0.0))
        expected = [math.log1p(pos), math.log1p(neg), float(negated > 0), math.log1p(tail_pos),
                    math.log1p(tail_neg)]
        np.testing.assert_allclose(row[:5], np.array(expected) * w, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=16))
def test_negated_words_are_their_own_features_up_to_three_tokens(small_model, tokens):
    featurizer = small_model.featurizer_
    vocab = featurizer.vocabulary_
    vid, _, _ = featurizer._scan([SentimentDoc("".join(tokens), tokens)])
    scope = 0
    expected = []
    for tok in tokens:
        v = vocab.get(tok, -1)
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
