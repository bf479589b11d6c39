"""PII redaction: every kind, validation of numbers, and property tests."""

import random

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nlp.pii import (
    PLACEHOLDERS,
    id_checksum_ok,
    is_valid_id_number,
    luhn_ok,
    redact,
    redact_text,
)

# ---- builders for valid numbers --------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(area: str, birth: str, seq: str) -> str:
    body = area + birth + seq
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def make_card(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError("unreachable")


# ---- each kind --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind"), [
    ("我的手机13812345678有事打我", "mobile"),
    ("电话 +86 138-1234-5678 找我", "mobile"),
    ("联系 8613812345678 谢谢", "mobile"),
    ("号码 138 1234 5678 谢谢", "mobile"),
    ("快递员电话13812345678", "mobile"),
    ("全角１３８１２３４５６７８也算", "mobile"),
    ("办公室010-62345678找我", "landline"),
    ("请拨（0755）86001234", "landline"),
    ("座机 021 5432 1098 转 123", "landline"),
    ("证件 " + make_id("110105", "19491231", "002"), "id_card"),
    ("老身份证 110105491231002 还能用", "id_card"),
    ("邮箱 test.user@example.com.cn 联系", "email"),
    ("全角邮箱ａｂｃ＠ｑｑ．ｃｏｍ联系", "email"),
    ("半角加全角 abc＠163．com 联系", "email"),
    ("卡号 " + make_card("622202", 19, random.Random(1)) + " 转账", "bank_card"),
    ("打到 " + " ".join(["6222", "0212", "3456", "7890"]) + " 吧", None),
    ("加我微信 wxid_abc123 聊", "wechat"),
    ("vx：Huisheng_2023 备注来意", "wechat"),
    ("V信号是 community-ops 哦", "wechat"),
    ("有事加我QQ：123456789", "qq"),
    ("扣扣 98765432 谢谢", "qq"),
])
def test_each_kind_is_replaced_with_its_placeholder(text, kind):
    out = redact(text)
    if kind is None:
        # Only redacted when the grouped number is a Luhn-valid card.
        digits = "6222021234567890"
        assert (out.kinds == ["bank_card"]) == luhn_ok(digits)
        return
    assert out.kinds == [kind]
    assert PLACEHOLDERS[kind] in out.text


def test_spans_point_into_the_original_text():
    text = "手机13812345678，邮箱a@b.cn"
    out = redact(text)
    assert [text[s.start:s.end] for s in out.spans] == ["13812345678", "a@b.cn"]
    assert out.text == "手机[手机号]，邮箱[邮箱]"


def test_cue_word_stays_and_only_the_id_goes():
    assert redact_text("加我微信 abc_123456") == "加我微信 [微信号]"


@pytest.mark.parametrize("text", [
    "价格199元，买了3件，2023-11-25到货",
    "型号RTX4090，内存16GB，屏幕15.6寸，分辨率1920x1080",
    "订单号 123456789012345678 还没发货",
    "订单号：19513967161 衣服很好",
    "快递单号SF020879439555 到了",
    "运单号 0755 8600 1234 查不到",
    "总共花了12345元，折扣8.5折，满300减50",
    "版本号 3.10.12，build 20231125",
    "第1期训练营，第2周打卡，积分1500分",
    "微信群里的活动很好玩",
    "加我一个吧，群里人太少",
    "QQ群的氛围不错",
    "110105194912310021 这个校验位不对",
    "6222021234567891 随便写的卡号",
])
def test_ordinary_text_is_left_alone(text):
    assert redact_text(text) == text


def test_checksum_helpers():
    assert id_checksum_ok(make_id("110105", "19491231", "002"))
    assert not id_checksum_ok("110105194912310021")
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


@pytest.mark.parametrize("text", ["", None, "a", "1", "😀", "[手机号]", "https://t.cn/x"])
def test_tiny_inputs_never_raise(text):
    assert isinstance(redact(text).text, str)


# ---- properties -------------------------------------------------------------------------------

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
FILLER = st.text(alphabet=st.one_of(HAN, st.sampled_from("，。！？、 ")), max_size=30)
PROVINCES = ["11", "12", "31", "32", "44", "51", "65", "81"]


@st.composite
def id_numbers(draw):
    area = draw(st.sampled_from(PROVINCES)) + f"{draw(st.integers(0, 9999)):04d}"
    year = draw(st.integers(1930, 2015))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    seq = f"{draw(st.integers(0, 999)):03d}"
    return make_id(area, f"{year}{month:02d}{day:02d}", seq)


@st.composite
def card_numbers(draw):
    rng = random.Random(draw(st.integers(0, 10**9)))
    prefix = draw(st.sampled_from(["62", "4", "51", "55", "6217", "6228"]))
    return make_card(prefix, draw(st.integers(16, 19)), rng)


@st.composite
def mobile_numbers(draw):
    second = draw(st.sampled_from("3456789"))
    rest = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    number = "1" + second + rest
    style = draw(st.integers(0, 3))
    if style == 1:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if style == 2:
        return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
    if style == 3:
        return "86" + number
    return number


@st.composite
def emails(draw):
    local = draw(st.from_regex(r"[a-z][a-z0-9._]{0,10}[a-z0-9]", fullmatch=True))
    domain = draw(st.sampled_from(["qq.com", "163.com", "example.com.cn", "gmail.com"]))
    at = draw(st.sampled_from(["@", "＠"]))
    dot_domain = domain if at == "@" else domain.replace(".", "．")
    return f"{local}{at}{dot_domain}"


PII = st.one_of(
    id_numbers().map(lambda v: ("id_card", v)),
    card_numbers().map(lambda v: ("bank_card", v)),
    mobile_numbers().map(lambda v: ("mobile", v)),
    emails().map(lambda v: ("email", v)),
)

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(before=FILLER, after=FILLER, item=PII)
def test_generated_pii_in_chinese_text_is_always_removed(before, after, item):
    kind, value = item
    out = redact(before + value + after)
    assert value not in out.text
    if kind == "bank_card" and is_valid_id_number(value):
        kind = "id_card"  # a card number that is also a valid ID number is redacted as one
    assert PLACEHOLDERS[kind] in out.text
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 11:
        assert digits not in "".join(ch for ch in out.text if ch.isdigit())


@PROPS
@given(before=FILLER, after=FILLER, item=PII)
def test_redaction_is_idempotent(before, after, item):
    once = redact_text(before + item[1] + after)
    assert redact_text(once) == once


@PROPS
@given(text=st.text(alphabet=st.one_of(HAN, st.sampled_from("，。！？、 abcxyz")), max_size=80))
def test_text_without_pii_is_unchanged(text):
    assume("加我" not in text)  # 加我 + letters is a WeChat ID by design
    assert redact_text(text) == text


@PROPS
@given(number=id_numbers(), wrong=st.integers(1, 10))
def test_id_with_wrong_check_digit_is_not_an_id(number, wrong):
    check = "10X98765432"
    bad = number[:17] + check[(check.index(number[17]) + wrong) % 11]
    assert "id_card" not in redact("号码" + bad + "。").kinds


@PROPS
@given(number=card_numbers(), delta=st.integers(1, 9))
def test_card_with_wrong_luhn_digit_is_not_a_card(number, delta):
    bad = number[:-1] + str((int(number[-1]) + delta) % 10)
    assert "bank_card" not in redact("卡" + bad + "。").kinds
