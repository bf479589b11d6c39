"""Logic conditions: every operator on every kind of question, combinations, and wording."""

import pytest

from surveys import condition_from_dict, describe, evaluate

ANSWERS = {
    "channel_q": "friend",
    "city": "sh",
    "likes": {"choices": ["dry", "other"], "other": "读书会"},
    "age": 30,
    "nps": 6,
    "csat": 4,
    "ces": 5,
    "stars": 3,
    "grid": {"content": 4},
    "rank": ["b", "a", "c"],
    "joined": "2024-05-01",
    "nick": "Xiao Ming",
}


def holds(survey, condition, answers=ANSWERS):
    return evaluate(condition_from_dict(condition), answers, survey)


@pytest.mark.parametrize(("condition", "expected"), [
    # single choice / dropdown
    ({"question": "channel_q", "op": "eq", "value": "friend"}, True),
    ({"question": "channel_q", "op": "eq", "value": "article"}, False),
    ({"question": "channel_q", "op": "ne", "value": "article"}, True),
    ({"question": "channel_q", "op": "ne", "value": "friend"}, False),
    ({"question": "city", "op": "in", "value": ["bj", "sh"]}, True),
    ({"question": "city", "op": "in", "value": ["gz"]}, False),
    # multiple choice
    ({"question": "likes", "op": "contains", "value": "dry"}, True),
    ({"question": "likes", "op": "contains", "value": "other"}, True),
    ({"question": "likes", "op": "contains", "value": "jobs"}, False),
    # numbers and scales
    ({"question": "nps", "op": "lte", "value": 6}, True),
    ({"question": "nps", "op": "lt", "value": 6}, False),
    ({"question": "nps", "op": "gte", "value": 7}, False),
    ({"question": "nps", "op": "gt", "value": 5}, True),
    ({"question": "nps", "op": "eq", "value": 6}, True),
    ({"question": "nps", "op": "ne", "value": 6}, False),
    ({"question": "nps", "op": "in", "value": [0, 6]}, True),
    ({"question": "csat", "op": "gte", "value": 4}, True),
    ({"question": "ces", "op": "lt", "value": 5}, False),
    ({"question": "stars", "op": "eq", "value": 3}, True),
    ({"question": "age", "op": "gt", "value": 29.5}, True),
    ({"question": "age", "op": "in", "value": [18, 25]}, False),
    # matrix row and ranking item
    ({"question": "grid", "item": "content", "op": "gte", "value": 4}, True),
    ({"question": "grid", "item": "content", "op": "lt", "value": 4}, False),
    ({"question": "grid", "item": "vibe", "op": "gte", "value": 1}, False),
    ({"question": "grid", "item": "vibe", "op": "answered"}, False),
    ({"question": "grid", "item": "vibe", "op": "not_answered"}, True),
    ({"question": "grid", "item": "content", "op": "answered"}, True),
    ({"question": "rank", "item": "b", "op": "eq", "value": 1}, True),
    ({"question": "rank", "item": "c", "op": "lte", "value": 2}, False),
    # dates
    ({"question": "joined", "op": "gte", "value": "2024-05-01"}, True),
    ({"question": "joined", "op": "lt", "value": "2024-01-01"}, False),
    # text
    ({"question": "nick", "op": "contains", "value": "ming"}, True),
    ({"question": "nick", "op": "contains", "value": "wang"}, False),
    ({"question": "nick", "op": "eq", "value": "Xiao Ming"}, True),
    ({"question": "nick", "op": "ne", "value": "Xiao Ming"}, False),
    # answered / not answered
    ({"question": "nps", "op": "answered"}, True),
    ({"question": "nps", "op": "not_answered"}, False),
    ({"question": "advice", "op": "answered"}, False),
    ({"question": "advice", "op": "not_answered"}, True),
])
def test_each_operator(mixed, condition, expected):
    assert holds(mixed, condition) is expected


@pytest.mark.parametrize("op", ["eq", "ne", "gt", "gte", "lt", "lte", "in"])
def test_every_value_operator_is_false_on_an_unanswered_question(mixed, op):
    value = [1] if op == "in" else 1
    assert holds(mixed, {"question": "stars", "op": op, "value": value}, {}) is False
    assert holds(mixed, {"not": {"question": "stars", "op": op, "value": value}}, {}) is True


def test_contains_is_false_on_an_unanswered_question(mixed):
    assert holds(mixed, {"question": "likes", "op": "contains", "value": "dry"}, {}) is False


@pytest.mark.parametrize(("condition", "expected"), [
    ({"and": [{"question": "nps", "op": "lte", "value": 6},
              {"question": "city", "op": "eq", "value": "sh"}]}, True),
    ({"and": [{"question": "nps", "op": "lte", "value": 6},
              {"question": "city", "op": "eq", "value": "bj"}]}, False),
    ({"or": [{"question": "nps", "op": "gte", "value": 9},
             {"question": "city", "op": "eq", "value": "sh"}]}, True),
    ({"or": [{"question": "nps", "op": "gte", "value": 9},
             {"question": "city", "op": "eq", "value": "bj"}]}, False),
    ({"not": {"question": "nps", "op": "gte", "value": 9}}, True),
    ({"not": {"or": [{"question": "nps", "op": "gte", "value": 9},
                     {"and": [{"question": "age", "op": "gte", "value": 18},
                              {"question": "likes", "op": "contains", "value": "dry"}]}]}},
     False),
])
def test_and_or_not(mixed, condition, expected):
    assert holds(mixed, condition) is expected


def test_reference_to_a_missing_question_counts_as_unanswered(mixed):
    answers = {**ANSWERS, "ghost": 3}
    assert holds(mixed, {"question": "ghost", "op": "eq", "value": 3}, answers) is False
    assert holds(mixed, {"question": "ghost", "op": "not_answered"}, answers) is True


def test_describe_gives_a_chinese_sentence(mixed):
    condition = condition_from_dict({"and": [
        {"question": "nps", "op": "lte", "value": 6},
        {"or": [{"question": "likes", "op": "contains", "value": "dry"},
                {"not": {"question": "advice", "op": "answered"}}]},
        {"question": "city", "op": "in", "value": ["bj", "sh"]},
        {"question": "grid", "item": "vibe", "op": "gte", "value": 4},
    ]})
    assert describe(condition, mixed) == (
        "「你有多大可能推荐本群？」小于或等于 6 且 "
        "（「你喜欢哪些内容？」包含 「干货分享」 或 并非（「还有什么建议？」已作答）） 且 "
        "「所在城市」是以下之一 「北京」、「上海」 且 「各方面评价」中的「氛围」大于或等于 4")


def test_describe_says_when_no_value_is_chosen_yet(mixed):
    condition = condition_from_dict({"question": "nps", "op": "lte", "value": ""})
    assert describe(condition, mixed) == "「你有多大可能推荐本群？」小于或等于 （未选择值）"
    condition = condition_from_dict({"question": "city", "op": "in", "value": []})
    assert describe(condition, mixed) == "「所在城市」是以下之一 （未选择值）"
