"""How the shipped model reads community feedback: the rules it must get right, as a member
would read them (complaints in mild words, as questions or requests; negation; intensifiers;
contrast; sarcasm; stickers; topic words that are not sentiment)."""

import pytest

from nlp.sentiment import load_model, shipped_model_path

NEG, NEU, POS = -1, 0, 1


@pytest.fixture(scope="module")
def model():
    return load_model(shipped_model_path())


def label(model, text: str) -> int:
    return int(model.predict([text])[0])


@pytest.mark.parametrize("text", [
    "周四的直播课卡得不行，老师讲构图的时候画面一直转圈",
    "有人借着交流作品的名义拉人去别的群卖保健品，很反感",
    "交了作业石沉大海",
    "直播中途掉线好几次，弹幕提问老师也看不到",
])
def test_the_demo_complaints_read_negative(model, text):
    assert label(model, text) == NEG


@pytest.mark.parametrize(("text", "expected"), [
    ("根本停不下来", POS),  # can't stop (watching): praise
    ("不能再萌啦", POS),  # couldn't be cuter
    ("不能再好了", POS),
    ("一点都不卡了", POS),  # the lag is gone
    ("这次活动我不满意", NEG),
    ("群主一点都不负责", NEG),
])
def test_negation_is_read_with_its_scope(model, text, expected):
    assert label(model, text) == expected


@pytest.mark.parametrize("text", ["好可怕", "好无语", "好累啊", "最近真的好烦", "太坑了"])
def test_hao_and_tai_intensify_a_complaint(model, text):
    assert label(model, text) == NEG


@pytest.mark.parametrize(("text", "expected"), [
    ("虽然活动很好但是太贵了", NEG),
    ("虽然有点贵，但是真的值", POS),
    ("活动挺好 就是太少了", NEG),
    ("不是不好，就是通知太晚了", NEG),
    ("可能是我的问题，但是回放总是加载失败", NEG),
])
def test_what_follows_the_turn_decides_a_mixed_text(model, text, expected):
    assert label(model, text) == expected


@pytest.mark.parametrize("text", [
    "又双叒叕卡了，真是“稳定”呢[微笑]",
    "直播又断了[微笑]",
    "会长又装死[旺柴]",
    "说好的准时开播呢[呵呵]",
])
def test_a_smile_after_a_complaint_is_sarcasm(model, text):
    assert label(model, text) == NEG


@pytest.mark.parametrize(("text", "expected"), [
    ("[强][强]👍", POS),
    ("[发怒][捂脸]😡", NEG),
    ("谢谢助教[玫瑰][爱心]", POS),
    ("没人回[流泪]", NEG),
])
def test_stickers_and_emoji_carry_their_polarity(model, text, expected):
    assert label(model, text) == expected


@pytest.mark.parametrize("text", [
    "为啥每次都这样？",
    "为啥又改时间了？",
    "怎么还没发货",
    "是不是没人管了",
    "报名五分钟就满了？？？",
    "私信三天了还没回",
])
def test_complaints_asked_as_questions_are_negative(model, text):
    assert label(model, text) == NEG


@pytest.mark.parametrize("text", [
    "能不能别再改时间了",
    "求求别刷屏了",
    "建议管管，现在太乱了",
    "求求你们别再拉人进群了",
    "能不能别每天发这么多通知",
])
def test_requests_that_state_a_problem_are_negative(model, text):
    assert label(model, text) == NEG


@pytest.mark.parametrize("text", [
    "请问广告位怎么申请？",
    "请问退款一般多久到账？",
    "建议增加回放功能",
    "希望能多办几次线下活动",
    "下次活动什么时候开始？",
    "我一般晚上看回放",
    "受访者每周参加两次线上分享",
])
def test_suggestions_questions_and_facts_are_neutral(model, text):
    assert label(model, text) == NEU


@pytest.mark.parametrize(("text", "expected"), [
    ("最近广告清理得很干净，辛苦管理员", POS),
    ("退款很快就到账了，客服也很耐心", POS),
    ("群里天天刷屏打广告，烦死了", NEG),
])
def test_topic_words_are_not_sentiment_on_their_own(model, text, expected):
    assert label(model, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("群主每天分享干货，学到很多，感谢！", POS),
    ("这次线下活动组织得非常好，大家玩得很开心", POS),
    ("小程序经常卡顿闪退，太难用了", NEG),
    ("问了好几次都没人回复，很失望", NEG),
    ("好", POS), ("太棒了", POS), ("👍", POS), ("差", NEG), ("太差了", NEG), ("垃圾", NEG),
    ("无", NEU), ("没有", NEU), ("不知道", NEU), ("", NEU),
])
def test_plain_praise_complaints_and_fillers(model, text, expected):
    assert label(model, text) == expected


def test_clauses_split_a_mixed_text_into_its_sides(model):
    result = model.analyze("活动很好玩，但是群里广告太多")
    assert len(result.clauses) == 2
    first, second = result.clauses
    assert first.label == POS and "活动" in first.aspects
    assert second.label == NEG and "广告" in second.aspects


def test_plainly_polar_reviews_are_rarely_called_neutral(model):
    reviews = ["送餐很快，味道也不错", "太难吃了，再也不点了", "质量很好，物流也快",
               "屏幕有坏点，客服还推脱", "书的内容很充实，推荐", "等了两个小时，饭都凉了"]
    assert list(model.predict(reviews)) == [POS, NEG, POS, NEG, POS, NEG]
