"""Specification of the code frame: the shipped themes, per-community edits, the classifier."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from nlp.codeframe import NONE, CodeFrame, FrameCorrection, load_code_frame
from nlp.codeframe_classifier import CodeFrameClassifier, default_classifier

# A handful of clear sentences per theme, written for these tests (not from the corpus).
CLEAR = {
    "response": [
        "私信管理员三天了都没人回", "在群里提问半天没人理", "客服回复太慢了，等了一整天",
    ],
    "spam": [
        "群里天天有人发广告刷屏", "又有微商进群拉人推销", "广告太多了，管理员管管吧",
    ],
    "conflict": [
        "群里两个人吵起来了还互相骂人", "有人阴阳怪气地攻击别人", "别在群里引战了",
    ],
    "events": [
        "线下聚会的报名名额太少了", "活动时间临时改了也没提前通知", "周末的沙龙活动组织得很好",
    ],
    "content": [
        "最近分享的文章都没什么干货", "文章写得太浅了，没什么深度", "推送的内容质量越来越差",
    ],
    "archive": [
        "之前分享的资料在聊天记录里翻不到了", "希望把精华内容整理成合集", "群文件太乱，找资料太难",
    ],
    "tech": [
        "直播一直卡顿，画面转圈", "回放视频打不开", "小程序闪退，登录不上",
    ],
    "features": [
        "希望小程序能加一个搜索功能", "建议增加夜间模式", "报名流程太繁琐，能不能简化一下",
    ],
    "points": [
        "积分兑换的礼品太少了", "签到积分怎么突然清零了", "会员等级的权益说明不清楚",
    ],
    "onboarding": [
        "新人进群完全不知道从哪开始", "群里的术语新人看不懂", "新成员很难融入老成员的圈子",
    ],
    "atmosphere": [
        "群里太冷清了，没人聊天", "大家都在潜水，发言的人越来越少", "群里氛围很好，讨论很热闹",
    ],
    "pricing": [
        "会员费又涨价了", "课程价格太贵了，性价比不高", "想退款但是一直不给退",
    ],
    "privacy": [
        "有陌生人通过群加我好友骚扰我", "我的手机号被人泄露了", "有人冒充群主骗钱",
    ],
    "governance": [
        "管理员踢人也不说理由", "群规执行双标，不公平", "禁言规则能不能公开透明一点",
    ],
    "notifications": [
        "每天@所有人太多了，很打扰", "重要通知被聊天消息淹没了", "群消息太多，只能开免打扰",
    ],
    "mentoring": [
        "交了作业一直没有老师点评", "作业批改太慢了", "希望老师多给一些学习方法的指导",
    ],
    "product": [
        "买的东西质量有问题，售后不处理", "发货太慢了，一周还没到", "产品包装破损，客服也不管",
    ],
    "groups": [
        "群已经满员了进不去", "群太多了，不知道该看哪个", "建议按城市分群",
    ],
    "praise": [
        "感谢群主的用心付出", "谢谢管理员，辛苦了", "这个群真的太棒了，学到很多",
    ],
}
ELSEWHERE = ["今天天气不错，出去跑步", "火箭队客场击败湖人", "股市今天大涨", "这道菜的做法很简单"]


@pytest.fixture(scope="module")
def classifier():
    """The shipped frame's classifier (seed phrases + the corpus's train split)."""
    return default_classifier()


def test_the_shipped_frame_has_named_described_themes_with_hundreds_of_seed_phrases():
    frame = load_code_frame()
    assert 15 <= len(frame) <= 25
    assert set(CLEAR) == set(frame.keys())
    for theme in frame:
        assert theme.name and theme.name_en and theme.description and theme.enabled
        assert len(theme.seeds) >= 150
        assert not any(s.startswith("#") for s in theme.seeds)
    assert frame.theme("response").name == "回复慢/没人理"


def test_a_community_renames_disables_extends_and_adds_without_touching_the_shipped_frame():
    frame = load_code_frame({
        "rename": {"response": "答疑太慢"},
        "disable": ["product"],
        "extend": {"points": ["龙币兑换", "龙币清零"]},
        "add": [{"name": "小区停车", "phrases": ["停车位", "车位不够", "乱停车"]}],
    })
    assert frame.theme("response").name == "答疑太慢"
    assert not frame.theme("product").enabled and "product" not in frame.enabled_keys()
    assert "龙币兑换" in frame.theme("points").seeds
    added = frame.theme("custom:小区停车")
    assert added.custom and added.seeds == ("停车位", "车位不够", "乱停车")
    shipped = load_code_frame()
    assert shipped.theme("response").name == "回复慢/没人理"
    assert shipped.theme("product").enabled and "龙币兑换" not in shipped.theme("points").seeds
    assert frame.fingerprint() != shipped.fingerprint()
    assert CodeFrame.from_dict(frame.to_dict()) == frame


def test_edits_one_at_a_time_match_the_stored_form():
    by_calls = load_code_frame().renamed("spam", "广告").disabled("praise").extended(
        "tech", ["掉线"]).with_theme("副本掉落", ["掉落率", "爆率"], key="drops")
    by_dict = load_code_frame({"rename": {"spam": "广告"}, "disable": ["praise"],
                               "extend": {"tech": ["掉线"]},
                               "add": [{"key": "drops", "name": "副本掉落",
                                        "phrases": ["掉落率", "爆率"]}]})
    assert by_calls == by_dict


@pytest.mark.parametrize(("edit", "error"), [
    (lambda f: f.renamed("nope", "x"), KeyError),
    (lambda f: f.renamed("spam", "  "), ValueError),
    (lambda f: f.with_theme("", ["a"]), ValueError),
    (lambda f: f.with_theme("停车", []), ValueError),
    (lambda f: f.with_theme("停车", ["车位"], key="spam"), ValueError),
])
def test_bad_edits_are_clear_errors(edit, error):
    with pytest.raises(error):
        edit(load_code_frame())


@pytest.mark.parametrize(("key", "text"), [(k, t) for k, texts in CLEAR.items() for t in texts])
def test_the_classifier_puts_a_clear_sentence_in_its_theme(classifier, key, text):
    keys, confidence = classifier.predict_with_confidence([text])
    assert keys[0] == key
    assert confidence[0] >= classifier.threshold


@pytest.mark.parametrize("text", ELSEWHERE)
def test_text_about_something_else_belongs_to_no_theme(classifier, text):
    assert classifier.predict([text])[0] == NONE


def test_probabilities_are_calibrated_distributions(classifier):
    p = classifier.predict_proba([t for texts in CLEAR.values() for t in texts] + ELSEWHERE)
    assert p.shape[1] == len(classifier.classes_) and classifier.classes_[-1] == NONE
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert 0.05 <= classifier.temperature_ <= 2.0


def test_corrections_teach_it_a_community_s_own_words():
    text = "团长今晚发车吗"
    fixes = [FrameCorrection("团长又不发车了", "events", 2.0),
             FrameCorrection("今晚还发车吗", "events", 2.0),
             FrameCorrection("发车时间又改了", "events", 2.0)]
    before = default_classifier().predict([text])[0]
    after = default_classifier(corrections=fixes).predict([text])[0]
    assert before != "events" and after == "events"


def test_a_disabled_theme_claims_nothing():
    clf = CodeFrameClassifier(frame=load_code_frame().disabled("spam"), labelled=None).fit()
    assert clf.predict(CLEAR["spam"]).tolist() == [NONE] * 3
    assert clf.predict(CLEAR["tech"][:1])[0] == "tech"


def test_an_added_theme_catches_its_phrases():
    frame = load_code_frame().with_theme(
        "小区停车", ["停车位太少", "车位不够", "乱停车", "外来车占车位", "停车费太贵", "地库停车"])
    clf = CodeFrameClassifier(frame=frame, labelled=None).fit()
    assert clf.predict(["小区的停车位根本不够用"])[0] == "custom:小区停车"


def test_it_stores_as_arrays_and_answers_the_same(classifier):
    texts = [t for texts in CLEAR.values() for t in texts] + ELSEWHERE
    meta, arrays = classifier.to_arrays()
    again = CodeFrameClassifier.from_arrays(meta, arrays)
    assert again.predict(texts).tolist() == classifier.predict(texts).tolist()
    assert np.allclose(again.predict_proba(texts), classifier.predict_proba(texts))


def test_fitting_is_deterministic():
    a = CodeFrameClassifier(labelled=None).fit()
    b = CodeFrameClassifier(labelled=None).fit()
    assert a.terms_ == b.terms_ and np.array_equal(a.coef_, b.coef_)


def test_using_it_before_fit_is_a_clear_error():
    with pytest.raises(NotFittedError):
        CodeFrameClassifier().predict(["积分"])


def test_unknown_correction_keys_are_refused():
    with pytest.raises(ValueError, match="unknown code-frame key"):
        CodeFrameClassifier(labelled=None).fit(["积分兑换"], ["no-such-theme"])


def test_renaming_or_switching_a_theme_off_reuses_the_trained_weights(classifier):
    frame = load_code_frame({"rename": {"spam": "广告"}, "disable": ["praise"]})
    edited = default_classifier(frame)
    assert edited.coef_ is classifier.coef_
    assert edited.names_[frame.keys().index("spam")] == "广告"
    assert edited.predict(CLEAR["praise"][:1])[0] == NONE
    assert classifier.predict(CLEAR["praise"][:1])[0] == "praise"


def test_rows_of_phrase_joined_tokens_equal_rows_of_the_words_they_join(classifier):
    from nlp.themes.features import feature_entries

    plain = [["积分", "兑换", "太", "慢"], ["森林", "人", "活动", "积分", "兑换"], ["客服", "回复"],
             ["积分", "兑换", "积分", "兑换"]]
    parts = {"积分兑换": ("积分", "兑换"), "森林人": ("森林", "人"),
             "森林人活动": ("森林人", "活动")}
    joined = [["积分兑换", "太", "慢"], ["森林人活动", "积分兑换"], ["客服", "回复"],
              ["积分兑换", "积分兑换"]]
    design = classifier._design
    want = design.from_entries(feature_entries(plain), len(plain))
    got = design.from_entries(feature_entries(joined), len(joined), parts=parts)
    assert (abs(want - got) > 1e-6).nnz == 0
    keep = np.array([1, 3])
    got_kept = design.from_entries(feature_entries(joined), len(joined), keep, parts)
    assert (abs(want[keep] - got_kept) > 1e-6).nnz == 0
