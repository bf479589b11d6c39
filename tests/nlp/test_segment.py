"""Segmentation: community dictionary, stopwords, per-instance words, equality with jieba."""

import pickle

import jieba
import pytest

from nlp.segment import Segmenter, _jieba_set_word, load_stopwords, load_user_dictionary

SENTENCES = [
    "活动很好玩，但是群里广告太多",
    "群主每天在社群里发干货，打卡积分可以兑换礼品",
    "私域运营靠裂变拉新，视频号直播答疑也不错",
    "这个小程序经常卡顿闪退，公众号推送太多了",
    "有人在群里刷屏打广告，管理员应该踢人",
    "潜水好久了今天冒泡，水群的人太多",
    "yyds！绝绝子，看完直接破防了，内卷不如躺平摸鱼",
    "买了3斤苹果，价格12.5元，2023-11-25到货，型号RTX4090",
    "客服回复慢......等了60-70分钟，I-V特性不一样",
    "好好好好好，赞赞赞赞，不好不好不好",
    "第一行\n第二行\r\n第三行 有空格\t制表符",
    "English words mixed 中文 and numbers 123 with symbols #tag 50% off",
    "我爱北京天安门，小明硕士毕业于中国科学院计算所",
    "",
    "。",
    "a",
]


@pytest.fixture(scope="module")
def reference(segmenter):
    """A plain jieba.Tokenizer holding exactly the segmenter's dictionary."""
    segmenter.cut("初始化")
    tok = jieba.Tokenizer()
    tok.initialize()
    for word, freq, tag in segmenter._resolved:
        _jieba_set_word(tok, word, freq, tag)
    return tok


def test_user_dictionary_has_at_least_300_terms():
    words = [w for w, _, _ in load_user_dictionary()]
    assert len(words) >= 300
    for term in ["社群", "群主", "打卡", "积分", "拉新", "私域", "裂变", "直播", "答疑", "干货",
                 "刷屏", "广告", "潜水", "群公告", "冒泡", "水群", "踢人", "小程序", "公众号",
                 "视频号", "社群运营", "yyds", "绝绝子", "破防", "内卷", "躺平", "摸鱼"]:
        assert term in words


def test_stopwords_are_loaded():
    stop = load_stopwords()
    assert {"的", "了", "是", "我们"} <= stop
    assert len(stop) > 300


def test_community_terms_are_kept_whole(segmenter):
    cut = segmenter.cut("社群运营要看群公告，视频号直播答疑，别水群刷屏，yyds绝绝子")
    for term in ["社群运营", "群公告", "视频号", "直播", "答疑", "水群", "刷屏", "yyds", "绝绝子"]:
        assert term in cut


def test_plain_jieba_splits_terms_the_dictionary_keeps(segmenter):
    plain = jieba.Tokenizer()
    assert "社群运营" not in plain.lcut("社群运营很重要")
    assert "社群运营" in segmenter.cut("社群运营很重要")


@pytest.mark.parametrize("text", SENTENCES)
def test_cut_equals_jieba_with_the_same_dictionary(segmenter, reference, text):
    assert segmenter.cut(text) == reference.lcut(text)


@pytest.fixture(scope="module")
def jieba_only(jieba_cache_dir):
    return Segmenter(fast=False, cache_dir=jieba_cache_dir)


@pytest.mark.parametrize("text", SENTENCES)
def test_jieba_only_mode_gives_the_same_cut(segmenter, jieba_only, text):
    assert jieba_only.cut(text) == segmenter.cut(text)


def test_tokens_drop_stopwords_punctuation_and_numbers(segmenter):
    toks = segmenter.tokens("我们的群里有123个人，广告太多了！！YYDS")
    assert "的" not in toks and "我们" not in toks and "123" not in toks
    assert "，" not in toks and "！" not in toks
    assert "广告" in toks
    assert "yyds" in toks


def test_tokens_many_equals_tokens(segmenter):
    assert segmenter.tokens_many(SENTENCES) == [segmenter.tokens(t) for t in SENTENCES]


def test_extra_words_stay_in_their_own_instance(jieba_cache_dir):
    text = "我们的鹅鹅鹅读书会很棒，晨读打卡营也好"
    base = Segmenter(cache_dir=jieba_cache_dir)
    custom = Segmenter(extra_words=["鹅鹅鹅读书会", "晨读打卡营"], cache_dir=jieba_cache_dir)
    assert "鹅鹅鹅读书会" in custom.cut(text) and "晨读打卡营" in custom.cut(text)
    assert "鹅鹅鹅读书会" not in base.cut(text) and "晨读打卡营" not in base.cut(text)
    assert "晨读打卡营" not in Segmenter(cache_dir=jieba_cache_dir).cut(text)
    assert "晨读打卡营" not in jieba.lcut(text)


def test_add_words_after_use_takes_effect_only_there(jieba_cache_dir):
    a = Segmenter(cache_dir=jieba_cache_dir)
    b = Segmenter(cache_dir=jieba_cache_dir)
    text = "周五的星火分享夜办得好, 2个星火分享夜"
    assert "星火分享夜" not in a.cut(text)
    a.add_words(["星火分享夜"])
    assert a.cut(text).count("星火分享夜") == 2
    assert "星火分享夜" not in b.cut(text)


def test_segmenter_pickles_and_rebuilds(segmenter):
    custom = Segmenter(extra_words=["晨读打卡营"])
    custom.cut("晨读打卡营")
    clone = pickle.loads(pickle.dumps(custom))  # noqa: S301 (our own object)
    assert clone.cut("参加晨读打卡营") == custom.cut("参加晨读打卡营")
    assert len(pickle.dumps(custom)) < 100_000


@pytest.mark.parametrize("text", ["", " ", "a", "好", "😀", "[哈哈]", "https://t.cn/x", "\n"])
def test_tiny_inputs_never_raise(segmenter, text):
    assert isinstance(segmenter.cut(text), list)
    assert isinstance(segmenter.tokens(text), list)


def test_tag_marks_community_terms_as_nouns(segmenter):
    tags = dict(segmenter.tag("群里广告太多，社群运营要加强"))
    assert tags["社群运营"] == "n"
    assert tags["广告"].startswith("n")


def test_content_tokens_of_a_cut_equal_tokens(segmenter):
    text = "群主每天在社群里发干货"
    assert segmenter.content_tokens(segmenter.cut(text)) == segmenter.tokens(text)


def test_stopwords_include_the_maintained_stopwords_iso_list_and_our_fillers():
    import stopwordsiso

    stop = load_stopwords()
    assert (set(stopwordsiso.stopwords("zh")) - {"人"}) <= stop
    # Our own additions: generic nouns and single-word community fillers.
    assert {"小时", "错误", "问题", "个人感觉", "说实话", "原话"} <= stop
    # 人 ends entity names (森林人), so the theme engine's phrase learning needs it.
    assert "人" not in stop


@pytest.mark.parametrize(("text", "expected"), [
    ("作为老成员，群里广告太多了", ["广告", "太多"]),
    ("想反馈一下：积分清零太快", ["积分", "清零", "太快"]),
    ("提个小建议：建议分成交流群和通知群", ["分成", "交流群", "通知群"]),
])
def test_filler_phrases_are_dropped_where_they_stand_whole(segmenter, text, expected):
    assert segmenter.tokens(text) == expected


def test_filler_words_apart_from_their_phrase_stay_content(segmenter):
    # 老成员 on its own is a subject; only the opener 作为老成员 is filler.
    assert "老成员" in segmenter.tokens("老成员都不怎么说话了")


@pytest.mark.parametrize(("text", "words"), [
    ("希望直播前提前测试一下网络", ["直播", "前", "提前", "测试"]),
    ("活动前提前通知一下", ["活动", "前", "提前", "通知"]),
    ("前提是大家都同意", ["前提", "是"]),
    ("在这个前提下", ["这个", "前提", "下"]),
])
def test_before_then_in_advance_is_not_cut_as_premise(segmenter, text, words):
    cut = segmenter.cut(text)
    assert all(w in cut for w in words), cut
