"""Reading a member page's HTML form post into raw answers."""

from surveys import validate_page
from surveys.form_input import answers_from_form


def test_form_fields_become_answers_that_validate(mixed):
    form = {
        "channel_q": ["other"], "channel_q.other": ["小红书"],
        "city": ["sh"],
        "likes": ["dry", "events"],
        "age": ["28"],
        "nps": ["9"],  # on page 2, not read for page 1
    }
    answers = answers_from_form(mixed, form, "p1")
    assert answers == {"channel_q": {"choice": "other", "other": "小红书"}, "city": "sh",
                       "likes": ["dry", "events"], "age": "28"}
    result = validate_page(mixed, answers, "p1")
    assert result.ok and result.answers["age"] == 28


def test_matrix_rows_and_ranking_positions(mixed):
    form = {"grid.content": ["4"], "grid.vibe": [""], "rank.a": ["2"], "rank.b": ["1"],
            "rank.c": ["3"]}
    answers = answers_from_form(mixed, form)
    assert answers["grid"] == {"content": "4"}
    assert answers["rank"] == {"a": "2", "b": "1", "c": "3"}
    assert answers_from_form(mixed, {"rank": ["c", "a", "b"]})["rank"] == ["c", "a", "b"]


def test_missing_fields_are_unanswered(mixed):
    answers = answers_from_form(mixed, {"nps": [""], "why_low": ["  "]}, "p2")
    assert answers == {"nps": "", "why_low": "  "}
    result = validate_page(mixed, answers, "p2")
    assert [(e.question_id, e.code) for e in result.errors] == [("nps", "required")]
    assert answers_from_form(mixed, {}, "p1") == {}
