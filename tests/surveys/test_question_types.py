"""Every question type: accepted answers and their canonical form, and each refusal's code."""

from dataclasses import dataclass

import pytest

from surveys import QUESTION_TYPES, get_question_type, make_question, validate_answers
from surveys.question_types import QuestionType, register
from surveys.question_types.registry import UnknownQuestionType
from tests.surveys.helpers import survey_with

SINGLE = {"id": "q1", "type": "single_choice", "title": "来源",
          "options": [{"id": "a", "label": "朋友"}, {"id": "b", "label": "公众号"},
                      {"id": "o", "label": "其他", "other": True}]}
MULTI = {"id": "q1", "type": "multiple_choice", "title": "喜欢", "min_choices": 2,
         "max_choices": 3,
         "options": [{"id": "a", "label": "干货"}, {"id": "b", "label": "活动"},
                     {"id": "c", "label": "招聘"}, {"id": "d", "label": "八卦"},
                     {"id": "o", "label": "其他", "other": True},
                     {"id": "none", "label": "以上都没有", "exclusive": True}]}


def check(question, raw):
    """(canonical answer or None, error codes, error params) of one answer."""
    survey = survey_with(question)
    result = validate_answers(survey, {"q1": raw})
    return (result.answers.get("q1"), [e.code for e in result.errors],
            [dict(e.params) for e in result.errors])


def test_registry_holds_every_type_of_the_issue():
    assert set(QUESTION_TYPES) == {
        "single_choice", "multiple_choice", "dropdown", "rating", "nps", "csat", "ces",
        "matrix", "ranking", "short_text", "long_text", "number", "date"}
    assert get_question_type("nps").label == "NPS 净推荐值"
    with pytest.raises(UnknownQuestionType):
        get_question_type("slider")


def test_a_new_type_is_one_registered_class():
    @dataclass(frozen=True)
    class YesNoConfig:
        yes_label: str = "是"

    class YesNo(QuestionType):
        name = "yes_no_test"
        label = "是非题"
        config_class = YesNoConfig

        def normalise(self, q, raw):
            if not isinstance(raw, bool):
                from surveys.problems import InvalidAnswer
                raise InvalidAnswer("invalid_type")
            return raw

    register(YesNo)
    try:
        survey = survey_with({"id": "q1", "type": "yes_no_test", "title": "是吗？",
                              "yes_label": "对"})
        assert survey.question("q1").config.yes_label == "对"
        assert validate_answers(survey, {"q1": True}).answers == {"q1": True}
        assert validate_answers(survey, {"q1": "x"}).errors[0].code == "invalid_type"
    finally:
        del QUESTION_TYPES["yes_no_test"]
    with pytest.raises(ValueError, match="taken"):
        register(type("Again", (QuestionType,), {"name": "nps"}))


# -- single choice and dropdown ----------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("a", "a"),
    ({"choice": "b"}, "b"),
    ({"choice": "o", "other": "  小红书 "}, {"choice": "o", "other": "小红书"}),
    ({"choice": None, "other": "抖音"}, {"choice": "o", "other": "抖音"}),
    ({"choice": "a", "other": "ignored"}, "a"),
])
def test_single_choice_accepts_and_normalises(raw, expected):
    assert check(SINGLE, raw)[:2] == (expected, [])


@pytest.mark.parametrize(("raw", "code"), [
    ("z", "invalid_option"),
    (["a"], "invalid_type"),
    (3, "invalid_type"),
    ({"choice": "a", "extra": 1}, "invalid_type"),
    ("o", "other_text_required"),
    ({"choice": "o", "other": "长" * 201}, "other_too_long"),
    ({"choice": "o", "other": 5}, "invalid_type"),
])
def test_single_choice_refuses(raw, code):
    assert check(SINGLE, raw)[1] == [code]


def test_other_text_can_be_optional():
    question = {**SINGLE, "other_text_required": False}
    assert check(question, "o")[:2] == ("o", [])


def test_dropdown_behaves_like_single_choice():
    question = {**SINGLE, "type": "dropdown"}
    assert check(question, "b")[:2] == ("b", [])
    assert check(question, "x")[1] == ["invalid_option"]


# -- multiple choice ---------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    (["c", "a"], ["a", "c"]),
    ({"choices": ["a", "o"], "other": "读书会"}, {"choices": ["a", "o"], "other": "读书会"}),
    ({"choices": ["a"], "other": "读书会"}, {"choices": ["a", "o"], "other": "读书会"}),
    (["none"], ["none"]),
])
def test_multiple_choice_accepts_and_normalises(raw, expected):
    assert check(MULTI, raw)[:2] == (expected, [])


@pytest.mark.parametrize(("raw", "code", "params"), [
    (["a"], "too_few_choices", {"min": 2, "count": 1}),
    (["a", "b", "c", "d"], "too_many_choices", {"max": 3, "count": 4}),
    (["a", "none"], "exclusive_conflict", {"label": "以上都没有"}),
    (["a", "zz"], "invalid_option", {"value": "zz"}),
    (["a", "a"], "duplicate_choice", {"value": "干货"}),
    (["a", "o"], "other_text_required", {"label": "其他"}),
    ("a,b", "invalid_option", {"value": "a,b"}),
    ([1, 2], "invalid_type", {}),
    ({"choices": "a"}, "invalid_type", {}),
])
def test_multiple_choice_refuses(raw, code, params):
    _answer, codes, all_params = check(MULTI, raw)
    assert codes == [code]
    assert all_params[0] == params


def test_multiple_choice_error_messages_are_chinese():
    survey = survey_with(MULTI)
    error = validate_answers(survey, {"q1": ["a", "b", "c", "d"]}).errors[0]
    assert error.message == "最多只能选择 3 项"
    assert error.to_dict()["code"] == "too_many_choices"


# -- scales ------------------------------------------------------------------------------

@pytest.mark.parametrize(("qtype", "low", "high"), [
    ("rating", 1, 5), ("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7)])
def test_scales_accept_their_range_only(qtype, low, high):
    question = {"id": "q1", "type": qtype, "title": "打分"}
    assert check(question, low)[:2] == (low, [])
    assert check(question, str(high))[:2] == (high, [])
    assert check(question, float(high))[:2] == (high, [])
    _answer, codes, params = check(question, high + 1)
    assert codes == ["out_of_range"] and params == [{"min": low, "max": high}]
    assert check(question, low - 1)[1] == ["out_of_range"]
    assert check(question, 2.5)[1] == ["not_integer"]
    assert check(question, "很好")[1] == ["invalid_number"]
    assert check(question, True)[1] == ["invalid_number"]


def test_rating_scale_length_is_configurable():
    question = {"id": "q1", "type": "rating", "title": "打分", "max_rating": 10}
    assert check(question, 10)[:2] == (10, [])


# -- matrix --------------------------------------------------------------------------------

MATRIX = {"id": "q1", "type": "matrix", "title": "评价",
          "items": [{"id": "r1", "label": "内容"}, {"id": "r2", "label": "氛围"}]}


def test_matrix_accepts_values_on_its_scale():
    assert check(MATRIX, {"r2": "4", "r1": 5})[:2] == ({"r1": 5, "r2": 4}, [])
    assert check(MATRIX, {"r1": 3})[:2] == ({"r1": 3}, [])


@pytest.mark.parametrize(("question", "raw", "code"), [
    (MATRIX, {"r1": 6}, "invalid_option"),
    (MATRIX, {"r1": "好"}, "invalid_option"),
    (MATRIX, {"r9": 3}, "invalid_item"),
    (MATRIX, [3, 4], "invalid_type"),
    ({**MATRIX, "required": True}, {"r1": 3}, "incomplete_matrix"),
    ({**MATRIX, "required": True}, {"r1": None, "r2": ""}, "required"),
])
def test_matrix_refuses(question, raw, code):
    assert check(question, raw)[1] == [code]


def test_matrix_custom_scale():
    question = {**MATRIX, "scale": [{"value": 0, "label": "否"}, {"value": 1, "label": "是"}]}
    assert check(question, {"r1": 0, "r2": 1})[:2] == ({"r1": 0, "r2": 1}, [])
    assert check(question, {"r1": 3})[1] == ["invalid_option"]


# -- ranking -------------------------------------------------------------------------------

RANKING = {"id": "q1", "type": "ranking", "title": "排序",
           "options": [{"id": "a", "label": "内容"}, {"id": "b", "label": "活动"},
                       {"id": "c", "label": "人脉"}]}


@pytest.mark.parametrize(("raw", "expected"), [
    (["c", "a", "b"], ["c", "a", "b"]),
    ({"a": 2, "b": 3, "c": 1}, ["c", "a", "b"]),
])
def test_ranking_accepts_a_complete_order(raw, expected):
    assert check(RANKING, raw)[:2] == (expected, [])


@pytest.mark.parametrize(("raw", "code"), [
    (["a", "b"], "incomplete_ranking"),
    (["a", "b", "b"], "duplicate_choice"),
    (["a", "b", "z"], "invalid_option"),
    ({"a": 1, "b": 1, "c": 2}, "invalid_type"),
    ("a>b>c", "invalid_type"),
])
def test_ranking_refuses(raw, code):
    assert check(RANKING, raw)[1] == [code]


# -- text ----------------------------------------------------------------------------------

def test_short_text_is_cleaned_to_one_line():
    question = {"id": "q1", "type": "short_text", "title": "昵称"}
    assert check(question, "  小\r\n明\x00 ")[:2] == ("小 明", [])
    assert check(question, 42)[:2] == ("42", [])


def test_long_text_keeps_paragraphs():
    question = {"id": "q1", "type": "long_text", "title": "建议"}
    assert check(question, "第一段\r\n\r\n第二段\t")[:2] == ("第一段\n\n第二段", [])


@pytest.mark.parametrize(("question", "raw", "code", "params"), [
    ({"type": "short_text", "max_length": 5}, "一二三四五六", "too_long",
     {"max": 5, "length": 6}),
    ({"type": "long_text", "min_length": 5}, "太短", "too_short", {"min": 5, "length": 2}),
    ({"type": "long_text"}, ["列表"], "invalid_type", {}),
])
def test_text_refuses(question, raw, code, params):
    question = {"id": "q1", "title": "文本", **question}
    _answer, codes, all_params = check(question, raw)
    assert codes == [code] and all_params[0] == params


def test_whitespace_only_text_counts_as_unanswered():
    question = {"id": "q1", "type": "long_text", "title": "建议", "required": True}
    assert check(question, "   \n ")[1] == ["required"]
    assert check(question, "\x00\x07 ")[1] == ["required"]
    assert check({**question, "required": False}, "\x00")[:2] == (None, [])


# -- number --------------------------------------------------------------------------------

NUMBER = {"id": "q1", "type": "number", "title": "次数", "min_value": 0, "max_value": 1000}


@pytest.mark.parametrize(("raw", "expected"), [
    (12, 12), ("12", 12), ("3.5", 3.5), (7.0, 7), ("１２", 12), ("1,000", 1000), (" 0 ", 0),
])
def test_number_accepts_numbers_and_numeric_text(raw, expected):
    answer, codes, _ = check(NUMBER, raw)
    assert (answer, codes) == (expected, [])
    assert type(answer) is type(expected)


@pytest.mark.parametrize(("question", "raw", "code"), [
    (NUMBER, -1, "out_of_range"),
    (NUMBER, 1000.5, "out_of_range"),
    (NUMBER, "十二", "invalid_number"),
    (NUMBER, "nan", "invalid_number"),
    (NUMBER, float("inf"), "invalid_number"),
    (NUMBER, True, "invalid_number"),
    (NUMBER, "1e400", "invalid_number"),
    ({**NUMBER, "integer_only": True}, 2.5, "not_integer"),
])
def test_number_refuses(question, raw, code):
    assert check(question, raw)[1] == [code]


def test_number_out_of_range_message_names_the_range():
    survey = survey_with(NUMBER)
    assert validate_answers(survey, {"q1": 5000}).errors[0].message == "请填写 0 到 1000 之间的值"


# -- date ----------------------------------------------------------------------------------

DATE = {"id": "q1", "type": "date", "title": "日期", "min_date": "2024-01-01",
        "max_date": "2024-12-31"}


@pytest.mark.parametrize("raw", ["2024-05-01", "2024/5/1", "2024.05.01", "2024年5月1日",
                                 "2024-05-01 10:30:00"])
def test_date_accepts_common_spellings(raw):
    assert check(DATE, raw)[:2] == ("2024-05-01", [])


@pytest.mark.parametrize(("raw", "code"), [
    ("2023-12-31", "out_of_range"), ("2025-01-01", "out_of_range"), ("2024-02-30", "invalid_date"),
    ("明天", "invalid_date"), (20240501, "invalid_date"),
])
def test_date_refuses(raw, code):
    assert check(DATE, raw)[1] == [code]


def test_date_range_message_speaks_of_dates():
    survey = survey_with(DATE)
    assert validate_answers(survey, {"q1": "2023-01-01"}).errors[0].message == \
        "请选择 2024-01-01 到 2024-12-31 之间的日期"


# -- emptiness -----------------------------------------------------------------------------

@pytest.mark.parametrize(("question", "empty"), [
    (SINGLE, {"choice": "", "other": " "}),
    (MULTI, {"choices": [], "other": ""}),
    (MULTI, []),
    (MATRIX, {}),
    (RANKING, []),
    (NUMBER, ""),
    (DATE, None),
])
def test_empty_answers_count_as_unanswered(question, empty):
    assert check({**question, "required": True}, empty)[1] == ["required"]
    assert check(question, empty)[:2] == (None, [])


def test_make_question_works_for_every_type():
    for name in QUESTION_TYPES:
        q = make_question("q1", name, "题目")
        assert q.qtype is QUESTION_TYPES[name]
