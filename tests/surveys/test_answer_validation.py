"""Answer validation against the definition and the logic, per page and at submit."""

import pytest

from surveys import HIDDEN_REJECT, validate_answers, validate_page

COMPLETE_PROMOTER = {
    "channel_q": "friend", "city": "bj", "likes": ["dry", "events"], "age": "28",
    "nps": 10, "csat": 5, "ces": 6, "stars": 5, "grid": {"content": 5, "vibe": 4},
    "nick": "小明", "advice": "多办线下活动",
}


def codes(result):
    return [(e.question_id, e.code) for e in result.errors]


def test_a_complete_response_validates_to_canonical_answers(mixed):
    result = validate_answers(mixed, COMPLETE_PROMOTER)
    assert result.ok
    assert result.answers["age"] == 28
    assert result.answers["likes"] == ["dry", "events"]
    assert result.dropped == ()
    assert result.path.pages == ("p1", "p2", "p4")


def test_required_applies_only_to_visible_questions(mixed):
    answers = dict(COMPLETE_PROMOTER)
    assert validate_answers(mixed, answers).ok  # why_low is required but hidden
    answers["nps"] = 4
    assert codes(validate_answers(mixed, answers)) == [("why_low", "required")]
    answers["why_low"] = "广告太多"
    assert validate_answers(mixed, answers).ok


def test_missing_required_answers_are_each_reported(mixed):
    result = validate_answers(mixed, {})
    assert codes(result) == [("channel_q", "required"), ("nps", "required")]
    assert result.errors[0].page_id == "p1"
    assert result.errors[0].message == "此题为必答题"


def test_answers_to_hidden_questions_are_dropped_by_default(mixed):
    answers = {**COMPLETE_PROMOTER, "why_low": "之前写的", "rank": ["a", "b", "c"]}
    result = validate_answers(mixed, answers)
    assert result.ok
    assert set(result.dropped) == {"why_low", "rank"}
    assert "why_low" not in result.answers and "rank" not in result.answers


def test_answers_to_hidden_questions_are_errors_in_strict_mode(mixed):
    answers = {**COMPLETE_PROMOTER, "why_low": "之前写的", "rank": ["a", "b", "c"]}
    result = validate_answers(mixed, answers, hidden_answers=HIDDEN_REJECT)
    assert codes(result) == [("why_low", "hidden_question"), ("rank", "hidden_question")]
    assert result.errors[1].page_id == "p3"


def test_empty_values_for_hidden_questions_are_ignored_even_in_strict_mode(mixed):
    answers = {**COMPLETE_PROMOTER, "why_low": "", "rank": []}
    result = validate_answers(mixed, answers, hidden_answers=HIDDEN_REJECT)
    assert result.ok and result.dropped == ()


def test_unknown_questions_are_always_errors(mixed):
    result = validate_answers(mixed, {**COMPLETE_PROMOTER, "ghost": 1})
    assert codes(result) == [("ghost", "unknown_question")]


def test_answers_that_are_not_an_object_are_refused(mixed):
    for bad in (["a"], "x", None, {1: "a"}):
        result = validate_answers(mixed, bad)
        assert codes(result) == [(None, "invalid_answers")]


def test_hidden_answers_mode_must_be_known(mixed):
    with pytest.raises(ValueError):
        validate_answers(mixed, {}, hidden_answers="ignore")


def test_several_errors_are_reported_per_question(mixed):
    result = validate_answers(mixed, {**COMPLETE_PROMOTER, "likes": ["dry", "none"],
                                      "age": 200, "nick": "名字" * 10})
    assert codes(result) == [("likes", "exclusive_conflict"), ("age", "out_of_range"),
                             ("nick", "too_long")]
    by_question = result.errors_by_question()
    assert by_question["age"][0].params == {"min": 12, "max": 80}


def test_page_validation_reports_only_that_page(mixed):
    result = validate_page(mixed, {"age": 5}, "p1")
    assert codes(result) == [("channel_q", "required"), ("age", "out_of_range")]
    result = validate_page(mixed, {"channel_q": "friend", "nick": "x" * 50}, "p1")
    assert result.ok
    assert result.answers == {"channel_q": "friend"}
    assert result.next_page_id == "p2"


def test_page_validation_gives_the_next_page_from_the_logic(mixed):
    earlier = {"channel_q": "friend"}
    assert validate_page(mixed, {**earlier, "nps": 9}, "p2").next_page_id == "p4"
    assert validate_page(mixed, {**earlier, "nps": 3, "why_low": "无聊"}, "p2").next_page_id == "p3"
    result = validate_page(mixed, {**earlier, "nps": 3}, "p2")
    assert codes(result) == [("why_low", "required")]
    assert validate_page(mixed, COMPLETE_PROMOTER, "p4").next_page_id is None


def test_page_validation_ignores_answers_of_later_pages(mixed):
    answers = {"channel_q": "friend", "nps": 3, "why_low": "x", "nick": "名字" * 10}
    result = validate_page(mixed, answers, "p2")
    assert result.ok
    assert "nick" not in result.answers


def test_page_validation_of_a_skipped_page_is_an_error(mixed):
    result = validate_page(mixed, {"channel_q": "friend", "nps": 10}, "p3")
    assert codes(result) == [(None, "page_skipped")]
    assert result.errors[0].page_id == "p3"


def test_page_validation_of_an_unknown_page_raises(mixed):
    with pytest.raises(KeyError):
        validate_page(mixed, {}, "p9")


def test_result_serialises_for_the_api(mixed):
    data = validate_page(mixed, {"age": 5}, "p1").to_dict()
    assert data["ok"] is False
    assert data["errors"][1] == {"question_id": "age", "page_id": "p1", "code": "out_of_range",
                                 "params": {"min": 12, "max": 80},
                                 "message": "请填写 12 到 80 之间的值"}
