"""Builder edits return new surveys; validation shows what an edit broke."""

from surveys import make_question, validate_definition
from surveys.editing import (
    add_page,
    add_question,
    duplicate_question,
    move_page,
    move_question,
    new_id,
    references_to,
    remove_page,
    remove_question,
    replace_question,
)


def test_new_ids_fill_the_first_gap():
    assert new_id({"q1", "q2", "q4"}) == "q3"
    assert new_id(set(), "p") == "p1"


def test_add_page_and_question(mixed):
    survey, page_id = add_page(mixed, "新的一页")
    assert page_id == "p5" and survey.pages[-1].title == "新的一页"
    survey = add_question(survey, page_id, make_question("q1", "short_text", "新题"))
    assert survey.page_of("q1").id == "p5"
    assert len(mixed.pages) == 4  # the original is untouched
    survey, first = add_page(survey, "封面", index=0)
    assert survey.pages[0].id == first


def test_duplicate_question_inserts_a_copy_after_it(mixed):
    survey, copy_id = duplicate_question(mixed, "likes")
    ids = [q.id for q in survey.page("p1").questions]
    assert ids == ["channel_q", "city", "likes", copy_id, "age"]
    copy = survey.question(copy_id)
    assert copy.title == "你喜欢哪些内容？（副本）"
    assert copy.options == mixed.question("likes").options
    again, second = duplicate_question(survey, copy_id)
    assert again.question(second).title == "你喜欢哪些内容？（副本）"
    assert validate_definition(again) == []


def test_replace_and_move_question(mixed):
    changed = replace_question(mixed, make_question("age", "number", "几岁？", max_value=99))
    assert changed.question("age").title == "几岁？"
    moved = move_question(mixed, "advice", "p1", 0)
    assert moved.pages[0].questions[0].id == "advice"
    assert "advice" not in [q.id for q in moved.page("p4").questions]


def test_moving_breaks_logic_and_validation_says_so(mixed):
    moved = move_question(mixed, "nps", "p4", 0)  # why_low now refers forward
    assert {p.code for p in validate_definition(moved)} >= {"forward_reference"}
    pages = move_page(mixed, "p4", 0)
    assert [p.id for p in pages.pages] == ["p4", "p1", "p2", "p3"]
    assert "backward_jump" in {p.code for p in validate_definition(pages)}


def test_references_before_removing(mixed):
    assert references_to(mixed, "nps") == [("p2", "why_low"), ("p3", None)]
    assert references_to(mixed, "city") == []
    removed = remove_question(mixed, "nps")
    assert {p.code for p in validate_definition(removed)} == {"unknown_question"}
    assert [p.id for p in remove_page(mixed, "p3").pages] == ["p1", "p2", "p4"]
