"""Specification of the theme estimator: k, outliers, fillers, names, quotes, areas, seeds."""

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from nlp.themes import (
    OTHER_ID,
    OTHER_NAME,
    NotFittedError,
    SeedTheme,
    ThemeModel,
    area_names,
    default_seeds,
    model_from_bytes,
    model_to_bytes,
)
from tests.nlp.themes.conftest import NO_FRAME
from tests.nlp.themes.feedback_factory import FILLERS, make_items


def test_auto_k_finds_the_clearly_separated_topics(fitted, topic_items):
    _, truth = topic_items
    assert 4 <= fitted.k_ <= 6
    assert normalized_mutual_info_score(truth, fitted.labels_) > 0.8


def test_explicit_k_is_honoured(topic_tokens):
    model = ThemeModel(k=3, code_frame=NO_FRAME).fit(topic_tokens)
    assert model.k_ == 3


def test_outliers_stay_below_a_fifth_of_items(fitted):
    assert fitted.outlier_share_ < 0.2
    assert (fitted.labels_ == OTHER_ID).mean() < 0.2


def test_every_item_gets_a_theme_id_that_is_listed(fitted):
    listed = {t.id for t in fitted.themes_}
    assert set(fitted.labels_.tolist()) <= listed
    assert sum(t.size for t in fitted.themes_) == len(fitted.labels_)


def test_fillers_never_form_or_join_a_theme(topic_items, tokenizer):
    texts, _ = topic_items
    fill = [FILLERS[i % len(FILLERS)] for i in range(60)]
    all_texts = list(texts) + fill
    flags = [False] * len(texts) + [True] * len(fill)
    model = ThemeModel(tokenizer=tokenizer).fit(all_texts, fillers=flags)
    assert (model.labels_[len(texts):] == OTHER_ID).all()
    named = " ".join(t.name + " ".join(t.keywords) for t in model.themes_ if not t.is_other)
    for word in ("暂无", "还行", "挺好", "没意见"):
        assert word not in named


def test_fillers_still_count_in_the_sentiment_mix_of_other(tokenizer, topic_items):
    texts, _ = topic_items
    all_texts = list(texts) + ["没有", "还行"]
    flags = [False] * len(texts) + [True, True]
    sentiments = [1] * len(texts) + [-1, 0]
    model = ThemeModel(tokenizer=tokenizer).fit(all_texts, fillers=flags, sentiments=sentiments)
    other = model.theme(OTHER_ID)
    assert other.is_other and other.name == OTHER_NAME
    assert other.sentiment_mix[-1] >= 1 and other.sentiment_mix[0] >= 1


def test_names_are_distinct_key_phrases_written_in_the_items(fitted, topic_items):
    texts, _ = topic_items
    real = [t for t in fitted.themes_ if not t.is_other]
    names = [t.name for t in real]
    assert len(set(names)) == len(names)
    for theme in real:
        assert 2 <= len(theme.name) <= 8 and "·" not in theme.name
        members = [texts[i] for i in np.flatnonzero(fitted.labels_ == theme.id)]
        # A phrase the members wrote, not two keywords glued together.
        assert sum(theme.name in t for t in members) >= 2
        assert len(theme.keywords) >= 5


def test_every_theme_has_a_one_line_summary_from_its_own_items(fitted, topic_items):
    texts, _ = topic_items
    for theme in fitted.themes_:
        if theme.is_other:
            continue
        assert theme.summary and len(theme.summary) <= 60
        assert any(theme.summary.rstrip("…") in texts[i] for i in theme.quote_indices)


def test_keywords_describe_the_topic(fitted, topic_items):
    texts, truth = topic_items
    by_topic = {
        "积分": "积分签到兑换礼品", "广告": "广告刷屏推销微商禁言", "卡顿": "闪退卡加载报错"
    }
    for theme in fitted.themes_:
        if theme.is_other:
            continue
        majority = max(set(truth), key=lambda c: sum(
            1 for i, lab in enumerate(fitted.labels_) if lab == theme.id and truth[i] == c))
        if majority in by_topic:
            assert any(any(ch in by_topic[majority] for ch in kw) for kw in theme.keywords[:3])


def test_quotes_come_from_their_own_theme_and_are_diverse(fitted, topic_items):
    texts, _ = topic_items
    for theme in fitted.themes_:
        if theme.is_other:
            continue
        assert 3 <= len(theme.quote_indices) <= 5
        assert all(fitted.labels_[i] == theme.id for i in theme.quote_indices)
        quoted = [texts[i] for i in theme.quote_indices]
        assert len(set(quoted)) == len(quoted)


def test_sentiment_mix_adds_up_to_theme_size(fitted):
    for theme in fitted.themes_:
        assert sum(theme.sentiment_mix.values()) == theme.size
        assert set(theme.sentiment_mix) == {-1, 0, 1}


def test_themes_are_labelled_with_their_operations_area(fitted):
    areas = {t.area for t in fitted.themes_ if not t.is_other}
    assert {"激励与积分", "规则与秩序", "学习与课程", "技术与体验", "活动"} <= areas


def test_default_seed_set_covers_the_nine_operations_areas():
    seeds = default_seeds()
    assert area_names() == [s.name for s in seeds]
    assert len(seeds) == 9
    assert {"用户互动", "内容", "活动", "激励与积分", "技术与体验", "规则与秩序", "品牌",
            "学习与课程", "服务与响应"} == {s.area for s in seeds}
    assert all(len(s.words) >= 25 for s in seeds)


def test_seeded_theme_catches_items_with_its_seed_words(topic_tokens, topic_items):
    texts, _ = topic_items
    seed = SeedTheme(name="回放与课件", words=["回放", "课件"])
    model = ThemeModel(seeds=[seed], code_frame=NO_FRAME).fit(topic_tokens, texts=texts)
    seeded = [t for t in model.themes_ if t.seeded]
    assert len(seeded) == 1 and seeded[0].name == "回放与课件"
    for i, toks in enumerate(topic_tokens):
        if {"回放", "课件"} & set(toks):
            assert model.labels_[i] == seeded[0].id
    assert model.predict([["课程", "回放", "模糊"]])[0] == seeded[0].id


def test_incremental_assignment_matches_the_batch_assignment(fitted, topic_tokens):
    agree = (fitted.predict(topic_tokens) == fitted.labels_).mean()
    assert agree >= 0.9


def test_new_item_is_assigned_to_its_topic_one_at_a_time(fitted, tokenizer, topic_items):
    texts, truth = topic_items
    new_texts, new_truth = make_items(4, seed=99)
    for text, topic in zip(new_texts, new_truth, strict=True):
        tid = fitted.predict_one(tokenizer(text))
        members = [truth[i] for i in np.flatnonzero(fitted.labels_ == tid)]
        assert members and max(set(members), key=members.count) == topic


def test_filler_flag_sends_a_new_item_to_other(fitted):
    assert fitted.predict_one(["签到", "积分"], filler=True) == OTHER_ID


def test_model_round_trips_through_bytes(fitted, topic_tokens):
    blob = model_to_bytes(fitted)
    assert isinstance(blob, bytes)
    loaded = model_from_bytes(blob)
    assert [t.name for t in loaded.themes_] == [t.name for t in fitted.themes_]
    assert (loaded.predict(topic_tokens) == fitted.predict(topic_tokens)).all()
    assert loaded.snapshot().to_dict() == fitted.snapshot().to_dict()


def test_loading_garbage_bytes_is_a_clear_error():
    with pytest.raises(ValueError, match="not a stored theme model"):
        model_from_bytes(b"not a model")


def test_using_the_model_before_fit_is_a_clear_error():
    with pytest.raises(NotFittedError):
        ThemeModel().predict([["积分"]])


def test_texts_without_a_tokenizer_use_the_community_segmenter():
    model = ThemeModel().fit(["积分兑换太难了", "积分兑换的礼品太少"])
    assert "积分" in " ".join(model.themes_[0].keywords)
    assert model.get_params()["tokenizer"] is None


def test_mismatched_lengths_are_a_clear_error(topic_tokens):
    with pytest.raises(ValueError, match="sentiments"):
        ThemeModel().fit(topic_tokens, sentiments=[1, 0])


@pytest.mark.parametrize("n", [0, 1, 2, 5, 20])
def test_tiny_inputs_give_sensible_themes_and_never_fail(n, tokenizer):
    texts, _ = make_items(max(n, 1), seed=n, topics=["积分", "广告", "课程", "卡顿", "活动"])
    texts = texts[:n]
    model = ThemeModel(tokenizer=tokenizer).fit(texts)
    assert len(model.labels_) == n
    if n == 0:
        assert model.themes_ == []
        assert model.predict(["积分兑换"]).tolist() == [OTHER_ID]
        return
    real = [t for t in model.themes_ if not t.is_other]
    assert real, "tiny data must still give at least one theme"
    assert all(t.name and t.name != "未命名" for t in real)
    assert (model.labels_ != OTHER_ID).mean() >= 0.8
    assert len(model.predict(texts)) == n


def test_tiny_input_of_only_fillers_goes_to_other(tokenizer):
    model = ThemeModel(tokenizer=tokenizer).fit(["无", "没有"], fillers=[True, True])
    assert model.labels_.tolist() == [OTHER_ID, OTHER_ID]
    assert [t.name for t in model.themes_] == [OTHER_NAME]


def test_tiny_input_groups_items_that_share_a_word(tokenizer):
    texts = ["积分兑换太难了", "积分清零太快", "小程序闪退", "小程序加载慢", "群里广告多"]
    model = ThemeModel(tokenizer=tokenizer).fit(texts)
    labels = model.labels_
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]


def test_the_keyword_fallback_prefers_subject_words_and_never_repeats():
    from nlp.themes.labels import default_names, fallback_name, pick_name_words

    assert pick_name_words(["超级", "送餐", "买", "礼品"]) == ["送餐", "礼品"]
    assert pick_name_words(["积分", "积分兑换", "礼品"]) == ["积分", "礼品"]
    names = default_names([["积分", "礼品", "签到"], ["积分", "礼品", "清零"]])
    assert names[0] != names[1]
    assert fallback_name(["即将", "今日", "火箭"]) == "火箭"
    assert fallback_name(["积分"], taken={"积分"}) != "积分"


def test_a_name_is_never_made_of_generic_words_only():
    from nlp.themes.labels import fallback_name

    # Only generic words to go on: the theme is called unnamed, not 即将·今日.
    assert fallback_name(["即将", "今日", "一个月", "看出"]) == "未命名话题"
