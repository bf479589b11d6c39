"""Survey definitions: JSON round trips and strict parsing with clear, located errors."""

import json

import pytest

from surveys import (
    SCHEMA_VERSION,
    AllOf,
    Compare,
    DefinitionError,
    Not,
    Option,
    Survey,
    condition_from_dict,
    dumps,
    loads,
    make_question,
)
from surveys.definition import MIGRATIONS


def codes(exc_info):
    return [(p.code, p.path) for p in exc_info.value.problems]


def test_definition_round_trips_through_dict_and_json(mixed, mixed_doc):
    again = Survey.from_dict(mixed.to_dict())
    assert again == mixed
    assert loads(dumps(mixed)) == mixed
    assert loads(dumps(mixed).encode("utf-8")) == mixed


def test_to_dict_leaves_out_defaults_but_keeps_what_was_set(mixed):
    data = mixed.to_dict()
    assert data["schema_version"] == SCHEMA_VERSION
    likes = data["pages"][0]["questions"][2]
    assert likes["min_choices"] == 1 and likes["max_choices"] == 2
    assert likes["options"][3] == {"id": "other", "label": "其他", "other": True}
    assert "randomize" not in likes and "help_text" not in likes and "required" not in likes
    assert data["pages"][2]["skip"] == [
        {"if": {"question": "nps", "op": "gte", "value": 9}, "goto": "p4"}]


def test_dumps_keeps_chinese_readable(mixed):
    assert "社群体验调查" in dumps(mixed)


def test_questions_and_pages_are_looked_up_by_id(mixed):
    assert mixed.question("nps").type == "nps"
    assert mixed.page_of("why_low").id == "p2"
    assert mixed.page("p3").skip[0].goto == "p4"
    assert [q.id for q in mixed.questions][:3] == ["channel_q", "city", "likes"]
    with pytest.raises(KeyError):
        mixed.question("nope")


def test_invalid_json_reports_line_and_column():
    with pytest.raises(DefinitionError) as exc:
        loads('{"schema_version": 1,\n "title": "x",, }')
    problem = exc.value.problems[0]
    assert problem.code == "invalid_json"
    assert problem.params["line"] == 2
    assert "第 2 行" in problem.message


def test_non_utf8_bytes_are_an_invalid_json_problem():
    with pytest.raises(DefinitionError) as exc:
        loads("{\"title\": \"满意度\"}".encode("gbk"))
    assert exc.value.problems[0].code == "invalid_json"


def test_absurdly_nested_json_is_an_invalid_json_problem():
    with pytest.raises(DefinitionError) as exc:
        loads("[" * 100_000 + "]" * 100_000)
    assert exc.value.problems[0].code == "invalid_json"


def test_top_level_must_be_an_object():
    with pytest.raises(DefinitionError) as exc:
        Survey.from_dict([1, 2])
    assert codes(exc) == [("wrong_type", "")]


def test_missing_required_fields_are_all_listed():
    with pytest.raises(DefinitionError) as exc:
        Survey.from_dict({"schema_version": 1})
    assert ("missing_field", "title") in codes(exc)
    assert ("missing_field", "pages") in codes(exc)


def test_unsupported_schema_version_is_refused():
    with pytest.raises(DefinitionError) as exc:
        Survey.from_dict({"schema_version": 99, "title": "x", "pages": []})
    assert codes(exc) == [("unsupported_version", "schema_version")]
    assert "99" in exc.value.problems[0].message


def test_older_schema_versions_go_through_migrations(monkeypatch):
    monkeypatch.setattr("surveys.definition.SCHEMA_VERSION", 2)
    monkeypatch.setitem(MIGRATIONS, 1, lambda d: {**d, "title": d["title"] + "（升级）"})
    survey = Survey.from_dict({"schema_version": 1, "title": "旧", "pages": []})
    assert survey.title == "旧（升级）"


def test_every_structural_problem_is_reported_with_its_path(mixed_doc):
    q = mixed_doc["pages"][0]["questions"]
    q[0]["required"] = "yes"
    q[1]["colour"] = "red"
    q[2]["max_choices"] = "two"
    q[3]["type"] = "slider"
    mixed_doc["pages"][1]["questions"][0]["id"] = "1nps"
    mixed_doc["settings"] = {"randomize_options": 1}
    with pytest.raises(DefinitionError) as exc:
        Survey.from_dict(mixed_doc)
    found = codes(exc)
    assert ("wrong_type", "pages[0].questions[0].required") in found
    assert ("unknown_field", "pages[0].questions[1].colour") in found
    assert ("wrong_type", "pages[0].questions[2].max_choices") in found
    assert ("unknown_type", "pages[0].questions[3].type") in found
    assert ("invalid_id", "pages[1].questions[0].id") in found
    assert ("wrong_type", "settings.randomize_options") in found
    by_path = {p.path: p for p in exc.value.problems}
    assert by_path["pages[0].questions[2].max_choices"].question_id == "likes"
    assert by_path["pages[0].questions[2].max_choices"].page_id == "p1"
    assert "slider" in by_path["pages[0].questions[3].type"].message


def test_options_are_parsed_strictly(mixed_doc):
    mixed_doc["pages"][0]["questions"][0]["options"][1] = {"id": "x"}
    mixed_doc["pages"][0]["questions"][1]["options"] = "北京,上海"
    with pytest.raises(DefinitionError) as exc:
        Survey.from_dict(mixed_doc)
    assert ("missing_field", "pages[0].questions[0].options[1].label") in codes(exc)
    assert ("wrong_type", "pages[0].questions[1].options") in codes(exc)


def test_end_is_a_reserved_page_id(mixed_doc):
    mixed_doc["pages"][3]["id"] = "end"
    with pytest.raises(DefinitionError) as exc:
        Survey.from_dict(mixed_doc)
    assert ("reserved_id", "pages[3].id") in codes(exc)


@pytest.mark.parametrize(("condition", "code"), [
    ({"question": "nps", "op": "like", "value": 1}, "unknown_operator"),
    ({"question": "nps", "op": "eq"}, "missing_value"),
    ({"question": "nps", "op": "answered", "value": 3}, "unexpected_value"),
    ({"and": []}, "empty_group"),
    ({"question": "nps"}, "invalid_condition"),
    ({"question": "nps", "op": "in", "value": 3}, "wrong_type"),
    ({"question": "nps", "op": "eq", "value": {"a": 1}}, "wrong_type"),
    ({"question": "nps", "op": "eq", "value": 1, "extra": 2}, "unknown_field"),
    ("nps <= 6", "wrong_type"),
])
def test_malformed_conditions_are_refused(condition, code):
    with pytest.raises(DefinitionError) as exc:
        condition_from_dict(condition)
    assert code in [p.code for p in exc.value.problems]


def test_deeply_nested_conditions_are_refused():
    condition = {"question": "q", "op": "answered"}
    for _ in range(12):
        condition = {"not": condition}
    with pytest.raises(DefinitionError) as exc:
        condition_from_dict(condition)
    assert exc.value.problems[0].code == "too_deep"


def test_conditions_parse_into_dataclasses_and_back():
    data = {"and": [{"question": "nps", "op": "lte", "value": 6},
                    {"not": {"question": "likes", "op": "contains", "value": "dry"}},
                    {"question": "grid", "item": "vibe", "op": "in", "value": [1, 2]}]}
    parsed = condition_from_dict(data)
    assert parsed == AllOf((Compare("nps", "lte", 6),
                            Not(Compare("likes", "contains", "dry")),
                            Compare("grid", "in", (1, 2), "vibe")))
    assert parsed.to_dict() == data


def test_make_question_builds_type_settings_from_python_values():
    q = make_question("likes", "multiple_choice", "喜欢？", required=True, max_choices=2,
                      options=[{"id": "a", "label": "甲"}, Option("b", "乙", exclusive=True)])
    assert q.config.max_choices == 2
    assert q.options == (Option("a", "甲"), Option("b", "乙", exclusive=True))
    with pytest.raises(TypeError):
        make_question("n", "number", "几岁？", colour="red")


def test_question_gets_the_default_settings_of_its_type():
    q = make_question("c", "csat", "满意吗？")
    assert q.config.labels[0] == "非常不满意" and q.config.labels[-1] == "非常满意"
    assert json.loads(json.dumps(q.to_dict())) == {"id": "c", "type": "csat", "title": "满意吗？"}
