"""The playbook data: every code-frame theme has its own entry with several distinct actions,
each with the phrases that call for it; praise keeps and amplifies; no action text appears
twice; every NLP theme area maps to an operations area; broken files are refused."""

import json
from pathlib import Path

import pytest

from reports.playbook import (
    REPORT_AREAS,
    THEME_AREAS,
    PlaybookError,
    load_playbook,
    parse_playbook,
    phrase_matches,
)

FRAME = Path(__file__).resolve().parents[2] / "nlp" / "data" / "codeframe" / "themes.json"


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def test_every_code_frame_theme_has_an_entry_with_several_distinct_actions(playbook):
    keys = [t["key"] for t in json.loads(FRAME.read_text("utf-8"))["themes"]]
    assert len(keys) == 19
    assert sorted(playbook.themes) == sorted(keys)
    for key in keys:
        play = playbook.themes[key]
        assert len(play.actions) >= 3, key
        assert play.watch, key
        for action in play.actions:
            assert len(action.text) >= 20 and action.text.endswith("。"), action.text
            assert len(action.triggers) >= 2, action.text
    texts = [a.text for a in playbook.all_actions()]
    assert len(texts) == len(set(texts))


def test_only_the_praise_theme_keeps_and_amplifies(playbook):
    assert [k for k, p in playbook.themes.items() if p.amplify] == ["praise"]
    assert len(playbook.amplify_actions) >= 3
    assert any("{phrases}" in q for q in playbook.judgement_questions)


def test_every_nlp_theme_area_maps_to_an_operations_area(playbook):
    for theme_area in THEME_AREAS:
        assert playbook.report_area_for(theme_area) in REPORT_AREAS
    assert playbook.report_area_for("激励与积分") == "用户激励"
    assert playbook.report_area_for("技术支持") == "技术支持"  # already an operations area
    assert playbook.report_area_for("") == "用户互动"


@pytest.mark.parametrize(("phrase", "trigger", "expected"), [
    ("积分规则", "积分", True), ("回放", "没有回放", True), ("广告", "广告", True),
    ("活动", "积分", False), ("卡", "卡顿", False), ("", "积分", False),
])
def test_a_phrase_names_a_trigger_when_one_contains_the_other(phrase, trigger, expected):
    assert phrase_matches(phrase, trigger) is expected


def _good():
    action = [{"text": f"动作{i}", "triggers": ["甲乙", "丙丁"]} for i in range(3)]
    return {
        "themes": {"a": {"watch": "某指标", "actions": action},
                   "b": {"watch": "某指标", "actions": [
                       {**x, "text": x["text"] + "b"} for x in action]}},
        "amplify": {"actions": [{**x, "text": x["text"] + "好"} for x in action]},
        "judgement": {"questions": ["问题一{phrases}", "问题二"]},
        "theme_area_map": dict.fromkeys(THEME_AREAS, "用户互动"),
    }


def test_incomplete_playbooks_are_rejected():
    parse_playbook(_good())
    thin = _good()
    thin["themes"]["a"]["actions"] = thin["themes"]["a"]["actions"][:2]
    with pytest.raises(PlaybookError, match="fewer than 3 actions"):
        parse_playbook(thin)
    blind = _good()
    blind["themes"]["a"]["actions"][0]["triggers"] = ["甲乙"]
    with pytest.raises(PlaybookError, match="fewer than 2 triggers"):
        parse_playbook(blind)
    twice = _good()
    twice["themes"]["b"]["actions"][0]["text"] = "动作0"
    with pytest.raises(PlaybookError, match="appear twice"):
        parse_playbook(twice)
    unwatched = _good()
    del unwatched["themes"]["a"]["watch"]
    with pytest.raises(PlaybookError, match="what to watch"):
        parse_playbook(unwatched)
    unmapped = {**_good(), "theme_area_map": {"内容": "内容创建"}}
    with pytest.raises(PlaybookError, match="without a report area"):
        parse_playbook(unmapped)
    wrong = _good()
    wrong["theme_area_map"]["品牌"] = "不存在的领域"
    with pytest.raises(PlaybookError, match="unknown report areas"):
        parse_playbook(wrong)
