"""Validation of a definition before publishing: every problem, tied to its page and question."""

import pytest

from surveys import DefinitionError, Survey, loads, validate_definition
from tests.surveys.helpers import survey_with


def found(survey):
    return [(p.code, p.page_id, p.question_id) for p in validate_definition(survey)]


def test_a_sound_definition_has_no_problems(mixed):
    assert validate_definition(mixed) == []


def test_backward_jump_is_reported_on_its_page(mixed_doc):
    mixed_doc["pages"][2]["skip"] = [{"if": {"question": "nps", "op": "gte", "value": 9},
                                      "goto": "p1"}]
    problems = validate_definition(Survey.from_dict(mixed_doc))
    assert [(p.code, p.page_id, p.path) for p in problems] == [
        ("backward_jump", "p3", "pages[2].skip[0].goto")]
    assert "第 3 页「更多」" in problems[0].message


def test_jump_to_the_same_page_is_reported(mixed_doc):
    mixed_doc["pages"][2]["skip"][0]["goto"] = "p3"
    assert found(Survey.from_dict(mixed_doc)) == [("jump_to_same_page", "p3", None)]


def test_jump_to_an_unknown_page_is_reported(mixed_doc):
    mixed_doc["pages"][2]["skip"][0]["goto"] = "p9"
    assert found(Survey.from_dict(mixed_doc)) == [("unknown_page", "p3", None)]


def test_jump_to_the_end_is_allowed(mixed_doc):
    mixed_doc["pages"][2]["skip"][0]["goto"] = "end"
    assert found(Survey.from_dict(mixed_doc)) == []


def test_skip_conditions_may_not_use_questions_of_the_same_or_a_later_page(mixed_doc):
    mixed_doc["pages"][2]["skip"] = [
        {"if": {"question": "rank", "op": "answered"}, "goto": "p4"},
        {"if": {"question": "advice", "op": "answered"}, "goto": "p4"},
    ]
    assert found(Survey.from_dict(mixed_doc)) == [
        ("same_page_reference", "p3", None), ("forward_reference", "p3", None)]


def test_display_logic_may_not_use_itself_or_later_questions(mixed_doc):
    questions = mixed_doc["pages"][1]["questions"]
    questions[1]["show_if"] = {"question": "why_low", "op": "answered"}
    questions[2]["show_if"] = {"question": "stars", "op": "gte", "value": 3}
    questions[3]["show_if"] = {"question": "advice", "op": "answered"}
    assert found(Survey.from_dict(mixed_doc)) == [
        ("self_reference", "p2", "why_low"), ("forward_reference", "p2", "csat"),
        ("forward_reference", "p2", "ces")]


def test_display_logic_may_use_an_earlier_question_on_the_same_page(mixed):
    assert mixed.question("why_low").show_if.question == "nps"
    assert validate_definition(mixed) == []


def test_reference_to_an_unknown_question_is_reported(mixed_doc):
    mixed_doc["pages"][1]["questions"][1]["show_if"] = {"question": "ghost", "op": "answered"}
    problems = validate_definition(Survey.from_dict(mixed_doc))
    assert [(p.code, p.question_id, p.path) for p in problems] == [
        ("unknown_question", "why_low", "pages[1].questions[1].show_if")]
    assert "ghost" in problems[0].message


@pytest.mark.parametrize(("condition", "code"), [
    ({"question": "channel_q", "op": "eq", "value": "tv"}, "unknown_option"),
    ({"question": "channel_q", "op": "in", "value": ["friend", "tv"]}, "unknown_option"),
    ({"question": "channel_q", "op": "in", "value": []}, "invalid_operand"),
    ({"question": "channel_q", "op": "gt", "value": "friend"}, "operator_not_supported"),
    ({"question": "channel_q", "op": "contains", "value": "friend"}, "operator_not_supported"),
    ({"question": "likes", "op": "eq", "value": "dry"}, "operator_not_supported"),
    ({"question": "likes", "op": "contains", "value": "ghost"}, "unknown_option"),
    ({"question": "likes", "op": "contains", "value": 3}, "invalid_operand"),
    ({"question": "nps", "op": "gte", "value": 11}, "invalid_operand"),
    ({"question": "nps", "op": "gte", "value": "9"}, "invalid_operand"),
    ({"question": "nps", "op": "contains", "value": 9}, "operator_not_supported"),
    ({"question": "nps", "op": "in", "value": [9, 12]}, "invalid_operand"),
    ({"question": "csat", "op": "lt", "value": 0}, "invalid_operand"),
    ({"question": "ces", "op": "gt", "value": 8}, "invalid_operand"),
    ({"question": "stars", "op": "eq", "value": 6}, "invalid_operand"),
    ({"question": "age", "op": "gt", "value": "old"}, "invalid_operand"),
    ({"question": "grid", "op": "gte", "value": 4}, "item_required"),
    ({"question": "grid", "item": "ghost", "op": "gte", "value": 4}, "unknown_item"),
    ({"question": "grid", "item": "vibe", "op": "gte", "value": 9}, "invalid_operand"),
    ({"question": "grid", "item": "vibe", "op": "contains", "value": 4},
     "operator_not_supported"),
    ({"question": "nps", "item": "x", "op": "gte", "value": 4}, "item_not_allowed"),
    ({"question": "city", "op": "eq", "value": "sz"}, "unknown_option"),
])
def test_operators_and_values_must_suit_the_question(mixed_doc, condition, code):
    mixed_doc["pages"][3]["questions"][1]["show_if"] = condition
    problems = validate_definition(Survey.from_dict(mixed_doc))
    assert [(p.code, p.question_id) for p in problems] == [(code, "advice")]


@pytest.mark.parametrize(("condition", "code"), [
    ({"question": "rank", "op": "gt", "value": 1}, "item_required"),
    ({"question": "rank", "item": "a", "op": "lte", "value": 4}, "invalid_operand"),
    ({"question": "joined", "op": "gt", "value": "2024/01/01"}, "invalid_operand"),
    ({"question": "joined", "op": "contains", "value": "2024"}, "operator_not_supported"),
])
def test_ranking_and_date_conditions_are_checked(mixed_doc, condition, code):
    mixed_doc["pages"][3]["questions"][1]["show_if"] = condition
    assert [p.code for p in validate_definition(Survey.from_dict(mixed_doc))] == [code]


def test_text_conditions_need_text(mixed_doc):
    mixed_doc["pages"][3]["questions"][1]["show_if"] = {
        "question": "nick", "op": "contains", "value": "  "}
    assert found(Survey.from_dict(mixed_doc)) == [("invalid_operand", "p4", "advice")]


def test_every_leaf_of_a_compound_condition_is_checked(mixed_doc):
    mixed_doc["pages"][3]["questions"][1]["show_if"] = {"or": [
        {"question": "ghost", "op": "answered"},
        {"not": {"question": "nps", "op": "gt", "value": 20}}]}
    assert [p.code for p in validate_definition(Survey.from_dict(mixed_doc))] == [
        "unknown_question", "invalid_operand"]


def test_duplicate_ids_are_reported(mixed_doc):
    mixed_doc["pages"][1]["id"] = "p1"
    mixed_doc["pages"][1]["questions"][0]["id"] = "city"
    mixed_doc["pages"][0]["questions"][1]["options"][1]["id"] = "bj"
    assert {p.code for p in validate_definition(Survey.from_dict(mixed_doc))} >= {
        "duplicate_page_id", "duplicate_question_id", "duplicate_option_id"}


@pytest.mark.parametrize(("question", "code"), [
    ({"type": "single_choice", "options": [{"id": "a", "label": "甲"}]}, "too_few_options"),
    ({"type": "single_choice", "options": [{"id": "a", "label": "甲"},
                                           {"id": "b", "label": "甲"}]},
     "duplicate_option_label"),
    ({"type": "single_choice", "options": [{"id": "a", "label": "甲"},
                                           {"id": "b", "label": " "}]}, "empty_text"),
    ({"type": "single_choice", "options": [{"id": "a", "label": "甲"},
                                           {"id": "b", "label": "都不是", "exclusive": True}]},
     "exclusive_not_allowed"),
    ({"type": "multiple_choice", "options": [{"id": "a", "label": "甲"},
                                             {"id": "o1", "label": "其他", "other": True},
                                             {"id": "o2", "label": "别的", "other": True}]},
     "too_many_other_options"),
    ({"type": "multiple_choice", "min_choices": 3, "max_choices": 2,
      "options": [{"id": "a", "label": "甲"}, {"id": "b", "label": "乙"},
                  {"id": "c", "label": "丙"}]}, "invalid_range"),
    ({"type": "multiple_choice", "max_choices": 5,
      "options": [{"id": "a", "label": "甲"}, {"id": "b", "label": "乙"}]}, "invalid_setting"),
    ({"type": "ranking", "options": [{"id": "a", "label": "甲"},
                                     {"id": "b", "label": "乙", "other": True}]},
     "other_not_allowed"),
    ({"type": "matrix", "items": []}, "too_few_options"),
    ({"type": "matrix", "items": [{"id": "r", "label": "行"}],
      "scale": [{"value": 2, "label": "好"}, {"value": 1, "label": "差"}]}, "invalid_scale"),
    ({"type": "rating", "max_rating": 20}, "invalid_setting"),
    ({"type": "csat", "labels": ["差", "好"]}, "wrong_label_count"),
    ({"type": "ces", "labels": ["1", "2", "3", "4", "5", "6", ""]}, "wrong_label_count"),
    ({"type": "number", "min_value": 10, "max_value": 1}, "invalid_range"),
    ({"type": "short_text", "max_length": 0}, "invalid_setting"),
    ({"type": "long_text", "min_length": 30, "max_length": 20}, "invalid_range"),
    ({"type": "date", "min_date": "2024-13-01"}, "invalid_setting"),
    ({"type": "date", "min_date": "2024-02-01", "max_date": "2024-01-01"}, "invalid_range"),
])
def test_type_specific_settings_are_checked(question, code):
    survey = survey_with({"id": "q1", "title": "题目", **question})
    problems = validate_definition(survey)
    assert code in [p.code for p in problems]
    assert all(p.question_id == "q1" and p.page_id == "p1" for p in problems)
    assert all("第 1 页第 1 题「题目」" in p.message for p in problems)


def test_empty_survey_page_and_title_are_reported():
    survey = Survey.from_dict({"schema_version": 1, "title": " ", "pages": [
        {"id": "p1", "questions": []}]})
    assert {p.code for p in validate_definition(survey)} == {
        "empty_text", "empty_survey", "empty_page"}


def test_loads_with_validate_raises_every_meaning_problem(mixed):
    broken = mixed.to_dict()
    broken["pages"][2]["skip"][0]["goto"] = "p1"
    text = Survey.from_dict(broken).dumps()
    assert loads(text).pages[2].skip[0].goto == "p1"  # drafts still load
    with pytest.raises(DefinitionError) as exc:
        loads(text, validate=True)
    assert [p.code for p in exc.value.problems] == ["backward_jump"]
