"""The playbook data: every operations area has enough concrete actions, every NLP theme area
maps to an operations area, and actions are picked by relevance to a theme's keywords."""

import pytest

from reports.playbook import (
    REPORT_AREAS,
    THEME_AREAS,
    PlaybookError,
    load_playbook,
    parse_playbook,
)


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def test_every_operations_area_has_at_least_five_distinct_actions(playbook):
    assert list(playbook.areas)[:8] == list(REPORT_AREAS)
    for area in REPORT_AREAS:
        texts = [a.text for a in playbook.areas[area]]
        assert len(texts) >= 5, area
        assert len(set(texts)) == len(texts), area
        assert all(len(t) >= 20 and t.endswith("。") for t in texts), area


def test_every_nlp_theme_area_maps_to_an_operations_area(playbook):
    for theme_area in THEME_AREAS:
        assert playbook.report_area_for(theme_area) in REPORT_AREAS
    assert playbook.report_area_for("激励与积分") == "用户激励"
    assert playbook.report_area_for("学习与课程") == "用户教育"
    assert playbook.report_area_for("技术支持") == "技术支持"  # already an operations area


def test_unknown_theme_areas_fall_back_on_keywords_then_on_a_default(playbook):
    assert playbook.report_area_for("其他", ["闪退", "卡顿"]) == "技术支持"
    assert playbook.report_area_for("其他", ["某个无关的词"]) == "用户互动"


def test_actions_are_chosen_by_keyword_relevance(playbook):
    actions = playbook.suggest("用户激励", ["发货", "兑换"], n=2)
    assert actions[0].startswith("将兑换申请的处理时限")
    assert len(actions) == 2
    # without keywords the first actions of the area are used, in file order
    assert playbook.suggest("用户激励", [], n=1) == [playbook.areas["用户激励"][0].text]


def test_unknown_area_is_a_clear_error(playbook):
    with pytest.raises(KeyError, match="no playbook area"):
        playbook.suggest("市场营销")


def test_incomplete_playbooks_are_rejected():
    good = {"areas": {a: {"actions": [{"text": f"{a}动作{i}"} for i in range(5)]}
                      for a in REPORT_AREAS},
            "theme_area_map": dict.fromkeys(THEME_AREAS, "用户互动")}
    parse_playbook(good)
    thin = {**good, "areas": {**good["areas"], "品牌推广": {"actions": [{"text": "只有一条"}]}}}
    with pytest.raises(PlaybookError, match="fewer than 5"):
        parse_playbook(thin)
    unmapped = {**good, "theme_area_map": {"内容": "内容创建"}}
    with pytest.raises(PlaybookError, match="without a report area"):
        parse_playbook(unmapped)
    wrong = {**good, "theme_area_map": {**good["theme_area_map"], "品牌": "不存在的领域"}}
    with pytest.raises(PlaybookError, match="unknown report areas"):
        parse_playbook(wrong)


def test_a_second_theme_of_the_same_area_gets_other_actions(playbook):
    first = playbook.suggest("用户互动", ["回复", "没人理"], 3)
    second = playbook.suggest("用户互动", ["回复", "没人理"], 3, avoid=first)
    assert not set(first) & set(second)
    # Relevance still orders what is left.
    assert second == [a for a in playbook.suggest("用户互动", ["回复", "没人理"], 8)
                      if a not in first][:3]
