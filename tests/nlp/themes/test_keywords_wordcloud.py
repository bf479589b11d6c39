"""Specification of keywords (overall, per item, per theme) and word-cloud PNGs."""

import io

import pytest
from PIL import Image

from nlp.keywords import (
    background_idf,
    item_keywords,
    item_keywords_and_candidates,
    item_keywords_many,
    theme_keywords,
    top_keywords,
    top_keywords_of_candidates,
)
from nlp.themes.generic import is_generic
from nlp.wordcloud import FontNotFoundError, find_cjk_font, wordcloud_png


def test_top_keywords_rank_the_subjects_above_everyday_words(topic_tokens):
    top = [w for w, _ in top_keywords(topic_tokens, 15)]
    assert {"积分", "广告", "老师", "刷屏", "签到"} & set(top)
    assert not {"觉得", "感觉", "一个"} & set(top)


def test_top_keyword_weights_are_scaled_to_one_and_sorted(topic_tokens):
    top = top_keywords(topic_tokens, 10)
    weights = [w for _, w in top]
    assert weights[0] == 1.0 and weights == sorted(weights, reverse=True)
    assert top_keywords([], 10) == []


def test_item_keywords_are_the_telling_words_of_the_item():
    kws = item_keywords(["觉得", "积分", "兑换", "礼品", "积分"], 3)
    assert kws[:1] != ["觉得"] and "积分" in kws and len(kws) == 3


def test_a_batch_ranks_each_item_by_background_idf_ties_in_text_order():
    idf, median = background_idf()
    items = [["积分", "兑换", "积分", "觉得", "礼品", "签到"], ["火箭", "即将", "今日", "小时"],
             ["蝰蛇蛮", "鲸鲨咕", "的", "a", "app"], [], ["兑换", "积分"]]
    batch = item_keywords_many(items, 3)
    for tokens, kws in zip(items, batch, strict=True):
        words = [w for w in dict.fromkeys(tokens) if len(w) >= 2 and not is_generic(w)]
        expected = sorted(words, key=lambda w: -idf.get(w, median))[:3]
        assert kws == expected == item_keywords(tokens, 3)
    # Two words the table does not know rank alike (at the median): text order decides.
    assert batch[2][:2] == ["蝰蛇蛮", "鲸鲨咕"]


def test_top_keywords_from_the_items_candidates_equal_those_from_their_tokens(topic_tokens):
    items = [*topic_tokens, ["积分", "积分", "的"], []]
    _, candidates = item_keywords_and_candidates(items, 3)
    assert top_keywords_of_candidates(candidates, 15) == top_keywords(items, 15)
    assert top_keywords_of_candidates([], 5) == []


def test_theme_keywords_come_with_scaled_weights(fitted):
    per_theme = theme_keywords(fitted.themes_, 5)
    for theme in fitted.themes_:
        if not theme.is_other:
            assert per_theme[theme.id][0][1] == 1.0
            assert [w for w, _ in per_theme[theme.id]] == theme.keywords[:5]


def test_word_cloud_is_a_png_of_the_requested_size():
    try:
        find_cjk_font()
    except FontNotFoundError:
        pytest.skip("no CJK font installed")
    png = wordcloud_png({"积分": 1.0, "兑换": 0.6, "广告": 0.5, "直播课": 0.3},
                        width=320, height=200)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert image.size == (320, 200)
    # Drawn glyphs, not a blank canvas.
    assert len(image.convert("L").getcolors(maxcolors=256 * 256)) > 10


def test_empty_word_cloud_is_a_labelled_png():
    try:
        find_cjk_font()
    except FontNotFoundError:
        pytest.skip("no CJK font installed")
    png = wordcloud_png({}, width=200, height=100)
    assert Image.open(io.BytesIO(png)).size == (200, 100)


def test_a_missing_font_is_a_clear_error(tmp_path):
    with pytest.raises(FontNotFoundError, match="CJK font not found"):
        wordcloud_png({"积分": 1.0}, font_path=tmp_path / "none.ttc")


def test_a_word_cloud_leaves_out_lone_characters():
    from nlp.wordcloud import _drawable

    assert _drawable("庆典") and _drawable("app") and _drawable("森林人")
    assert not _drawable("庆") and not _drawable("典") and not _drawable("  ")
