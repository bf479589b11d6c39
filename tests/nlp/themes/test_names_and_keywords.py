"""Names a person would write, keywords that say what people talk about, entities kept whole."""

import pytest

from nlp.keywords import item_keywords, top_keywords
from nlp.pipeline import NullSentiment, Pipeline
from nlp.segment import Segmenter
from nlp.themes.generic import is_generic, is_generic_name
from nlp.themes.phrases import apply_phrases, learn_phrases
from tests.nlp.themes.community_factory import make_feedback
from tests.nlp.themes.feedback_factory import make_items


@pytest.fixture(scope="module")
def result():
    texts, truth = make_feedback(30, seed=5)
    return texts, truth, Pipeline(sentiment=NullSentiment()).run(texts)


@pytest.mark.parametrize("word", ["即将", "今日", "一个月", "大多数", "看出", "扩大", "到底",
                                  "个人感觉", "原话", "小时", "错误", "说实话", "觉得",
                                  # time expressions the dictionary tags as names or nouns
                                  "上周三", "上周五", "下个月", "每周一", "3月5日", "月底",
                                  "昨天晚上"])
def test_generic_words_are_recognised(word):
    assert is_generic(word)


@pytest.mark.parametrize("word", ["火箭", "副本", "小区", "停车", "回放", "积分", "森林人", "app",
                                  "周报", "月卡", "年费", "晚会", "月饼"])
def test_subject_words_are_not_generic(word):
    assert not is_generic(word)


@pytest.mark.parametrize("word", ["周边", "互动", "更新", "关注"])
def test_community_dictionary_nouns_are_subjects_whatever_jieba_tags_them(word):
    # jieba: 周边 is a direction (f), 互动 and 更新 adverbs (d), 关注 an everyday verb; in
    # community feedback they are merchandise, interaction, updates and follows.
    assert not is_generic(word)


@pytest.mark.parametrize(("name", "generic"), [
    ("一个月·今日", True), ("大多数·看出", True), ("即将", True),
    ("回放上传慢", False), ("副本掉落", False), ("小区停车", False),
])
def test_a_name_is_generic_when_every_word_of_it_is(name, generic):
    assert is_generic_name(name) is generic


def test_discovered_themes_are_named_by_the_phrase_their_members_use(result):
    texts, truth, res = result
    names: dict[str, list[str]] = {}
    for theme in res.themes:
        if theme.frame_key or theme.is_other:
            continue
        members = [truth[i.index] for i in res.items if i.theme_id == theme.id]
        names.setdefault(max(set(members), key=members.count), []).append(theme.name)
    assert "小区停车" in names["parking"]
    assert any("副本掉落" in name for name in names["drops"])
    assert "森林人" in names["forester"]


def test_no_theme_name_is_made_only_of_generic_words(result):
    _, _, res = result
    for theme in res.themes:
        if not theme.is_other:
            assert not is_generic_name(theme.name), theme.name
            assert "·" not in theme.name or theme.frame_key


def test_filler_openers_never_name_a_theme_or_count_as_keywords(result):
    _, _, res = result
    shown = " ".join(t.name + " " + " ".join(t.keywords) for t in res.themes)
    shown += " " + " ".join(w for w, _ in res.stats.top_keywords)
    for filler in ("老成员", "个人感觉", "说实话", "原话", "吐槽"):
        assert filler not in shown


def test_generic_words_are_not_content_tokens_so_not_aspects_either():
    seg = Segmenter()
    tokens = seg.tokens("个人感觉原话是这么说的：等了三个小时还是显示错误，问题一直没解决")
    assert not {"个人感觉", "原话", "小时", "错误", "问题"} & set(tokens)
    assert seg.tokens("作为老成员，我觉得群里广告太多了") == ["广告", "太多"]


def test_keyword_lists_leave_out_generic_words():
    tokens = [["即将", "火箭", "今日", "发射"], ["一个月", "火箭", "看出", "发射"]] * 3
    top = [w for w, _ in top_keywords(tokens, 10)]
    assert top and not any(is_generic(w) for w in top)
    assert set(item_keywords(["即将", "火箭", "今日", "小时"], 5)) == {"火箭"}


def test_entity_phrases_stay_whole_in_keywords_names_and_clouds(result):
    _, _, res = result
    words = [w for w, _ in res.stats.top_keywords]
    assert "森林人" in words and "森林" not in words
    cloud = {w for t in res.themes for w, _ in t.keyword_weights}
    assert "森林人" in cloud and "森林" not in cloud
    assert any(w.startswith("水平对置") for w in cloud) and "水平" not in cloud
    assert "副本掉落" in cloud


def test_collocations_are_learned_from_the_run_and_applied_to_every_item():
    seg = Segmenter()
    texts = ["森林人的油耗怎么样", "我的森林人最近异响", "森林人保养贵吗", "森林人的保养周期",
             "水平对置发动机很稳", "水平对置发动机的声音", "水平对置发动机烧机油",
             "建议分成交流群和通知群", "今天天气不错", "森林里有人在跑步", "水平一般"]
    tokens = [seg.tokens(t) for t in texts]
    merges = learn_phrases(tokens, texts)
    joined = apply_phrases(tokens, merges)
    assert "森林人" in joined[0] and "森林" not in joined[0]
    assert any(w.startswith("水平对置") for w in joined[4])
    # A pair that is not a unit stays apart: 森林里 / 人, 水平 / 一般.
    assert "森林" in joined[9] and "水平" in joined[10]


def test_judgements_never_join_a_name_and_single_characters_only_end_one():
    from nlp.themes.phrases import _mergeable

    assert _mergeable("森林", "人") and _mergeable("nd", "镜") and _mergeable("水平", "对置")
    assert not _mergeable("庆", "活动")  # a bare character does not start a phrase
    assert not _mergeable("有效期", "太短") and not _mergeable("积分", "找")


@pytest.mark.parametrize("left, right", [
    ("学姐", "主动"), ("集合地点", "临时"),  # a modifier does not end a name
    ("作业", "混在"),  # a verb with its complement waits for its object
    ("算不算", "违规"), ("新手", "交不上"), ("氛围", "不太好"),  # questions, negated results
    ("比看", "视频"),  # the segmenter's join of a preposition
    ("明白", "参数"),  # a common verb that the dictionary also lists as a name
])
def test_clause_fragments_never_become_collocations(left, right):
    from nlp.themes.phrases import _mergeable

    assert not _mergeable(left, right)


@pytest.mark.parametrize("left, right", [
    ("森林", "人"), ("水平", "对置"), ("镜头", "布"), ("积分", "有效期"), ("城市", "分组"),
    ("课件", "下载"), ("中途", "掉线"), ("管理员", "轮值"), ("不锈钢", "锅"),
])
def test_names_and_actions_still_join(left, right):
    from nlp.themes.phrases import _mergeable

    assert _mergeable(left, right)


def test_names_follow_the_topics_in_plain_feedback_too():
    texts, _ = make_items(40, seed=31)
    res = Pipeline(sentiment=NullSentiment()).run(texts)
    for theme in res.themes:
        if not theme.is_other and not theme.frame_key:
            assert 2 <= len(theme.name) <= 8 and not is_generic_name(theme.name)


def test_clause_aspects_never_list_generic_words():
    from nlp.sentiment import LexiconSentimentModel

    result = LexiconSentimentModel().fit().analyze(
        "个人感觉直播回放太卡了，原话是等了三个小时还显示错误，群里广告也多")
    aspects = {a for clause in result.clauses for a in clause.aspects}
    assert {"直播回放", "广告"} <= aspects
    assert not {"个人感觉", "原话", "小时", "错误", "群里"} & aspects


def test_an_everyday_word_names_a_theme_only_when_nothing_more_specific_fits():
    from nlp.themes.generic import is_everyday
    from nlp.themes.labels import phrase_names

    assert is_everyday("公司") and is_everyday("中国") and not is_everyday("副本")
    # Every item says 公司; the most common thing said about it is 拖欠工资 (3 of 10).
    tokens = ([["公司", "拖欠", "工资"]] * 3 + [["公司", "加班"]] * 2 + [["公司", "食堂"]] * 2
              + [["公司", "班车"], ["公司", "宿舍"], ["公司", "培训"]])
    texts = ["".join(t) for t in tokens]
    import numpy as np

    [name] = phrase_names(tokens, [np.arange(len(tokens))], texts)
    assert name != "公司" and "工资" in name


@pytest.mark.parametrize("word, predicate", [
    ("算得", True), ("看着", True), ("变得", True), ("取得", True),  # a verb and its particle
    ("心得", False), ("积分", False), ("了解", False), ("app", False),
])
def test_a_verb_with_its_particle_is_no_keyword(word, predicate):
    from nlp.keywords import is_keyword_candidate
    from nlp.themes.generic import is_predicate_form

    assert is_predicate_form(word) is predicate
    if predicate:
        assert not is_keyword_candidate(word)


def test_theme_keywords_leave_out_verbs_with_their_particle():
    texts = ["打卡积分算得不对，连续打卡只记了一半", "积分算得有问题，打卡七天只算了三天",
             "积分兑换的东西太少，打卡积分算得乱七八糟"] * 6
    from nlp.themes import ThemeModel

    tokenizer = Segmenter().tokens
    model = ThemeModel(code_frame=None).fit([tokenizer(t) for t in texts], texts=texts)
    words = {w for theme in model.themes_ for w in theme.keywords}
    assert "积分" in words and "算得" not in words


def test_a_pair_cut_across_a_common_word_is_no_collocation():
    from nlp.themes.phrases import _cut_across

    # 直播前提前测试 is cut 直播 / 前提 / 前 / 测试: 前提 is half of 提前.
    assert _cut_across("直播", "前提", ["希望直播前提前测试网络", "直播前提前十分钟进场"])
    # 整理得很好: the dictionary has 理得 (心安理得), far too rare to count.
    assert not _cut_across("资料库", "整理", ["资料库整理得很好", "资料库整理得不错"])
    assert not _cut_across("森林", "人", ["森林人很好开", "森林人的油耗"])


def test_learned_phrases_skip_the_segmenters_cross_cuts():
    seg = Segmenter()
    texts = ["直播前提前测试一下网络和设备", "希望直播前提前调试好麦克风", "直播前提前通知大家",
             "课件下载太慢了", "课件下载地址在哪里"] * 3
    merges = learn_phrases([seg.tokens(t) for t in texts], texts)
    assert ("直播", "前提") not in merges
    assert ("课件", "下载") in merges
