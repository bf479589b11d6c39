"""Option shuffling: deterministic per seed, pinned options never move."""

from dataclasses import replace

from surveys import Survey, SurveySettings, option_order, presentation_order
from tests.surveys.helpers import survey_with

LABELS = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"]


def shuffled_survey(**extra):
    options = [{"id": f"o{n}", "label": label} for n, label in enumerate(LABELS, start=1)]
    options.insert(3, {"id": "pin", "label": "固定项", "pinned": True})
    options += [{"id": "other", "label": "其他", "other": True},
                {"id": "none", "label": "以上都没有", "exclusive": True}]
    return survey_with({"id": "q1", "type": "multiple_choice", "title": "选",
                        "randomize": True, "options": options, **extra})


def ids(survey, seed, qid="q1"):
    return [o.id for o in option_order(survey, survey.question(qid), seed)]


def test_same_seed_gives_the_same_order():
    survey = shuffled_survey()
    assert ids(survey, "seed-1") == ids(survey, "seed-1")
    assert ids(survey, 12345) == ids(survey, 12345)


def test_different_seeds_give_different_orders():
    survey = shuffled_survey()
    orders = {tuple(ids(survey, f"seed-{n}")) for n in range(20)}
    assert len(orders) > 15


def test_the_order_is_a_permutation():
    survey = shuffled_survey()
    original = [o.id for o in survey.question("q1").options]
    assert sorted(ids(survey, "abc")) == sorted(original)
    assert ids(survey, "abc") != original


def test_pinned_other_and_exclusive_options_keep_their_place():
    survey = shuffled_survey()
    for n in range(30):
        order = ids(survey, f"s{n}")
        assert order[3] == "pin"
        assert order[-2:] == ["other", "none"]


def test_every_movable_option_gets_to_move():
    survey = shuffled_survey()
    firsts = {ids(survey, f"s{n}")[0] for n in range(200)}
    assert firsts == {f"o{n}" for n in range(1, 9)}


def test_order_does_not_depend_on_the_process():
    # SHA-256 based, so this exact order holds on every machine and Python version.
    assert ids(shuffled_survey(), "fixed-seed") == [
        "o2", "o1", "o3", "pin", "o8", "o5", "o7", "o4", "o6", "other", "none"]


def test_no_shuffling_unless_asked():
    survey = shuffled_survey(randomize=False)
    assert ids(survey, "x") == [o.id for o in survey.question("q1").options]


def test_survey_setting_is_the_default_and_questions_override_it(mixed):
    on = replace(mixed, settings=SurveySettings(randomize_options=True))
    assert ids(on, "s", "city") != ids(mixed, "s", "city") or \
        ids(on, "t", "city") != ids(mixed, "t", "city")
    assert ids(mixed, "s", "city") == ["bj", "sh", "gz"]


def test_ranking_items_and_matrix_rows_are_shuffled_too(mixed_doc):
    mixed_doc["pages"][2]["questions"][0]["randomize"] = True
    mixed_doc["pages"][1]["questions"][5]["randomize"] = True
    survey = Survey.from_dict(mixed_doc)
    orders = presentation_order(survey, "seed")
    assert set(orders) == {"channel_q", "city", "likes", "grid", "rank"}
    assert len({presentation_order(survey, f"s{n}")["rank"] for n in range(20)}) > 1
    assert len({presentation_order(survey, f"s{n}")["grid"] for n in range(20)}) == 2
