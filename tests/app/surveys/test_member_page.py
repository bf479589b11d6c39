"""The member's page: every question type renders accessibly and is validated on the server,
page by page; skip and display logic work without JavaScript; options keep their order."""

from __future__ import annotations

import copy
import re

import pytest

from app.models import SurveyResponse, SurveySession
from tests.app.surveys.helpers import (
    ALL_TYPES,
    SKIP_SURVEY,
    VALID_PAGES,
    answer_pages,
    errors_in,
    form_data,
    idem_of,
    page_of,
    start,
)

PAGE_ORDER = ["p1", "p2", "p3", "p4"]


def reach(client, survey, page_id):
    """Start and answer the pages before ``page_id`` validly; returns its HTML."""
    html = start(client, survey)
    for earlier in PAGE_ORDER[: PAGE_ORDER.index(page_id)]:
        response = client.post(f"/s/{survey.public_key}",
                               data=form_data(earlier, VALID_PAGES[earlier], idem_of(html)))
        assert response.status_code == 302, errors_in(response.get_data(as_text=True))
        html = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert page_of(html) == page_id
    return html


def test_the_welcome_screen_shows_texts_and_counts(client, survey_factory):
    survey = survey_factory(ALL_TYPES)
    page = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert "全题型问卷" in page and "欢迎参与全题型测试" in page
    assert "共 13 道题" in page and "分 4 页" in page
    assert "运营团队看不到是谁填的" in page and "也不记录 IP 地址" in page
    assert "开始填写" in page


def test_every_question_type_renders_accessible_controls(client, survey_factory):
    survey = survey_factory(ALL_TYPES)
    pages = {}
    html = start(client, survey)
    for page_id in PAGE_ORDER:
        pages[page_id] = html
        client.post(f"/s/{survey.public_key}", data=form_data(page_id, VALID_PAGES[page_id],
                                                               idem_of(html)))
        html = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    p1, p2, p3, p4 = (pages[p] for p in PAGE_ORDER)
    # Choices: radios with the 其他 text box, checkboxes with an exclusive option, a select.
    assert re.search(r'<fieldset class="sv-question sv-type-single_choice[^"]*" id="q-source"', p1)
    assert 'type="radio" name="a.source" value="friend"' in p1
    assert 'name="a.source.other"' in p1
    assert 'type="checkbox" name="a.likes" value="none"' in p1 and "data-exclusive" in p1
    assert '<select name="a.city"' in p1 and "请选择" in p1
    assert "最多选 2 项" in p1 or "请选 1–2 项" in p1
    # Scales: 5 stars, NPS 0–10, CSAT with its labels, CES with seven points.
    assert len(re.findall(r'name="a.stars" value="\d+"', p2)) == 5
    assert [int(v) for v in re.findall(r'name="a.nps" value="(\d+)"', p2)] == list(range(11))
    assert "非常满意" in p2 and len(re.findall(r'name="a.csat" value="\d"', p2)) == 5
    assert len(re.findall(r'name="a.ces" value="\d"', p2)) == 7
    assert 'role="radiogroup"' in p2
    # Matrix rows and ranking items.
    assert 'name="a.grid.content"' in p3 and 'name="a.grid.vibe"' in p3
    assert 'name="a.rank.a"' in p3 and "第 3 位" in p3
    # Text, number with unit, date with limits.
    assert 'name="a.nick"' in p4 and 'maxlength="10"' in p4
    assert "<textarea" in p4 and 'name="a.advice"' in p4
    assert 'inputmode="numeric"' in p4 and "岁" in p4
    assert 'type="date" name="a.joined"' in p4 and 'min="2020-01-01"' in p4
    # Labels and error slots are tied to the inputs.
    assert 'aria-describedby="q-advice-error' in p4
    assert '<legend class="sv-q-title" id="q-nick-title">' in p4


def test_a_full_valid_response_is_stored_in_canonical_form(client, db, survey_factory):
    survey = survey_factory(ALL_TYPES)
    done = answer_pages(client, survey, VALID_PAGES)
    assert "谢谢，测试完成！" in done
    stored = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert stored.answers == {
        "source": {"choice": "other", "other": "小红书"}, "likes": ["dry", "events"],
        "city": "sh", "stars": 4, "nps": 9, "csat": 5, "ces": 6,
        "grid": {"content": 4, "vibe": 5}, "rank": ["b", "a", "c"],
        "nick": "小鹿", "advice": "多办线下活动", "age": 28, "joined": "2024-05-01",
    }
    assert stored.version_id is not None and stored.option_seed


INVALID = [
    ("p1", {"likes": ["dry"]}, "source", "此题为必答题"),
    ("p1", {"source": "other"}, "source", "请填写「其他」的具体内容"),
    ("p1", {"source": "bogus"}, "source", "选项「bogus」无效"),
    ("p1", {"source": "friend", "likes": ["dry", "events", "jobs"]}, "likes", "最多只能选择 2 项"),
    ("p1", {"source": "friend", "likes": ["dry", "none"]}, "likes",
     "「以上都没有」不能与其他选项同时选择"),
    ("p1", {"source": "friend", "city": "gz"}, "city", "选项「gz」无效"),
    ("p2", {"stars": "7", "nps": "5"}, "stars", "请填写 1 到 5 之间的值"),
    ("p2", {"stars": "3", "nps": "11"}, "nps", "请填写 0 到 10 之间的值"),
    ("p2", {"stars": "3", "nps": "很高"}, "nps", "请填写有效的数字"),
    ("p2", {"stars": "3", "nps": "5", "csat": "0"}, "csat", "请填写 1 到 5 之间的值"),
    ("p2", {"stars": "3", "nps": "5", "ces": "8"}, "ces", "请填写 1 到 7 之间的值"),
    ("p3", {"grid.content": "4"}, "grid", "还有 1 行未作答：氛围"),
    ("p3", {"grid.content": "4", "grid.vibe": "9"}, "grid", "选项「9」无效"),
    ("p3", {"grid.content": "4", "grid.vibe": "4", "rank.a": "1"}, "rank",
     "请为所有选项排序（还差 2 项"),
    ("p4", {"nick": "一二三四五六七八九十十一"}, "nick", "不能超过 10 个字"),
    ("p4", {"advice": "好"}, "advice", "至少需要 2 个字"),
    ("p4", {"age": "28.5"}, "age", "请填写整数"),
    ("p4", {"age": "5"}, "age", "请填写 12 到 80 之间的值"),
    ("p4", {"age": "二十"}, "age", "请填写有效的数字"),
    ("p4", {"joined": "2019-06-01"}, "joined", "请选择 2020-01-01 到 2030-12-31 之间的日期"),
    ("p4", {"joined": "2024-13-45"}, "joined", "请填写有效的日期"),
]


@pytest.mark.parametrize(("page_id", "answers", "question", "message"), INVALID,
                         ids=[f"{q}-{n}" for n, (_p, _a, q, _m) in enumerate(INVALID)])
def test_the_server_refuses_invalid_answers_with_a_clear_message(
        client, db, survey_factory, page_id, answers, question, message):
    survey = survey_factory(ALL_TYPES)
    html = reach(client, survey, page_id)
    response = client.post(f"/s/{survey.public_key}",
                           data=form_data(page_id, answers, idem_of(html)))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    block = re.search(rf'id="q-{question}-error"[^>]*>(.*?)</div>', body, re.S).group(1)
    assert message in block, errors_in(body)
    assert "has-error" in body[body.rindex("<fieldset", 0, body.index(f'id="q-{question}"')):
                               body.index(f'id="q-{question}"')]
    # What the member typed is kept for correcting, and nothing was submitted.
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 0
    assert page_of(body) == page_id


def test_back_keeps_answers_without_checking_them(client, survey_factory):
    survey = survey_factory(ALL_TYPES)
    html = reach(client, survey, "p2")
    client.post(f"/s/{survey.public_key}",
                data=form_data("p2", {"stars": "2", "nps": "99"}, idem_of(html), "back"))
    back = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert page_of(back) == "p1"
    assert 'value="friend"' in back and re.search(r'value="other" checked', back)
    forward = client.post(f"/s/{survey.public_key}",
                          data=form_data("p1", VALID_PAGES["p1"], idem_of(back)))
    assert forward.status_code == 302
    again = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert re.search(r'name="a.stars" value="2" checked', again)


def test_skip_logic_and_display_logic_work_without_javascript(client, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    html = start(client, survey)
    assert re.search(r'id="q-why"[^>]*hidden', html), "hidden until the NPS says otherwise"
    # A detractor: the question revealed by the answer must be answered (and says why).
    response = client.post(f"/s/{survey.public_key}", data=form_data(
        "first", {"nps": "3"}, idem_of(html)) | {"shown": "nps"})
    assert response.status_code == 422
    assert "根据你的回答新增了这道题，请作答" in response.get_data(as_text=True)
    response = client.post(f"/s/{survey.public_key}", data=form_data(
        "first", {"nps": "3", "why": "广告太多"}, idem_of(html)))
    page = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert page_of(page) == "detail" and "第 2 / 3 页" in page


def test_a_promoter_skips_to_the_end_and_hidden_answers_are_dropped(client, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    html = start(client, survey)
    assert "下一页" in html
    response = client.post(f"/s/{survey.public_key}", data=form_data(
        "first", {"nps": "10", "why": "这题被隐藏了"}, idem_of(html)))
    assert response.status_code == 302
    done = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert "提交成功" in done
    stored = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert stored.answers == {"nps": 10}


def test_the_button_reads_submit_on_the_last_page_of_the_path(client, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    html = start(client, survey)
    client.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "10"}, idem_of(html))
                | {"action": "save"})
    saved = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert re.search(r'data-next-button[^>]*>提交</button>', saved)


LOGIC_SOURCE = {
    "id": "p1", "title": "来源", "questions": [
        {"id": "pick", "type": "single_choice", "title": "单选",
         "options": [{"id": "x", "label": "甲"}, {"id": "y", "label": "乙"}]},
        {"id": "multi", "type": "multiple_choice", "title": "多选",
         "options": [{"id": "m1", "label": "一"}, {"id": "m2", "label": "二"}]},
        {"id": "score", "type": "nps", "title": "打分"},
        {"id": "note", "type": "short_text", "title": "文字"},
        {"id": "grid", "type": "matrix", "title": "矩阵",
         "items": [{"id": "r1", "label": "行一"}, {"id": "r2", "label": "行二"}]},
        {"id": "order", "type": "ranking", "title": "排序",
         "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
        {"id": "when", "type": "date", "title": "日期"},
        {"id": "count", "type": "number", "title": "数量"},
    ]}

ANSWERS = {"pick": "x", "multi": ["m2"], "score": "7", "note": "直播卡顿了",
           "grid.r1": "4", "order.a": "2", "order.b": "1", "when": "2024-05-01",
           "count": "12"}

LOGIC_CASES = [
    ({"question": "pick", "op": "eq", "value": "x"}, True),
    ({"question": "pick", "op": "eq", "value": "y"}, False),
    ({"question": "pick", "op": "ne", "value": "y"}, True),
    ({"question": "pick", "op": "in", "value": ["y", "x"]}, True),
    ({"question": "multi", "op": "contains", "value": "m2"}, True),
    ({"question": "multi", "op": "contains", "value": "m1"}, False),
    ({"question": "score", "op": "gt", "value": 6}, True),
    ({"question": "score", "op": "gte", "value": 8}, False),
    ({"question": "score", "op": "lt", "value": 7}, False),
    ({"question": "score", "op": "lte", "value": 7}, True),
    ({"question": "score", "op": "in", "value": [7, 8]}, True),
    ({"question": "note", "op": "contains", "value": "卡顿"}, True),
    ({"question": "note", "op": "eq", "value": "直播卡顿了"}, True),
    ({"question": "note", "op": "ne", "value": "直播卡顿了"}, False),
    ({"question": "grid", "item": "r1", "op": "gte", "value": 4}, True),
    ({"question": "grid", "item": "r2", "op": "answered"}, False),
    ({"question": "grid", "item": "r2", "op": "not_answered"}, True),
    ({"question": "order", "item": "b", "op": "eq", "value": 1}, True),
    ({"question": "when", "op": "lt", "value": "2024-06-01"}, True),
    ({"question": "count", "op": "gte", "value": 10}, True),
    ({"question": "count", "op": "answered"}, True),
    ({"question": "pick", "op": "not_answered"}, False),
    ({"and": [{"question": "pick", "op": "eq", "value": "x"},
              {"question": "score", "op": "gte", "value": 9}]}, False),
    ({"or": [{"question": "pick", "op": "eq", "value": "y"},
             {"question": "score", "op": "gte", "value": 7}]}, True),
    ({"not": {"question": "multi", "op": "contains", "value": "m1"}}, True),
]


@pytest.mark.parametrize(("condition", "shown"), LOGIC_CASES,
                         ids=[f"{n}-{c.get('op', next(iter(c)))}" for n, (c, _s) in
                              enumerate(LOGIC_CASES)])
def test_every_logic_operator_decides_what_the_member_sees(client, survey_factory, condition,
                                                            shown):
    definition = {"schema_version": 1, "title": "逻辑", "pages": [
        copy.deepcopy(LOGIC_SOURCE),
        {"id": "p2", "title": "目标", "questions": [
            {"id": "target", "type": "short_text", "title": "条件题", "required": True,
             "show_if": condition},
            {"id": "always", "type": "short_text", "title": "总是显示"}]}]}
    survey = survey_factory(definition)
    html = start(client, survey)
    response = client.post(f"/s/{survey.public_key}", data=form_data("p1", ANSWERS,
                                                                      idem_of(html)))
    assert response.status_code == 302, errors_in(response.get_data(as_text=True))
    page = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    hidden = bool(re.search(r'id="q-target"[^>]*\bhidden\b', page))
    assert hidden is (not shown)
    # The server agrees: a required question is required only when it is shown.
    submit = client.post(f"/s/{survey.public_key}", data=form_data("p2", {}, idem_of(page)))
    assert (submit.status_code == 422) is shown


def test_option_order_follows_the_stored_seed(client, db, survey_factory):
    definition = copy.deepcopy(ALL_TYPES)
    definition["settings"] = {"randomize_options": True}
    survey = survey_factory(definition)
    orders = set()
    for _n in range(6):
        fresh = client.application.test_client()
        html = start(fresh, survey)
        order = tuple(re.findall(r'name="a.likes" value="(\w+)"', html))
        again = tuple(re.findall(r'name="a.likes" value="(\w+)"',
                                 fresh.get(f"/s/{survey.public_key}").get_data(as_text=True)))
        assert order == again, "a reload shows the same order"
        assert order[-2:] == ("other", "none"), "其他 and 以上都没有 keep their place"
        orders.add(order)
    assert len(orders) > 1, "different respondents see different orders"
    seeds = db.session.execute(db.select(SurveySession.option_seed)).scalars().all()
    assert len(set(seeds)) == 6


def test_a_draft_is_not_reachable_and_a_closed_survey_says_so(client, db, survey_factory):
    draft = survey_factory(ALL_TYPES, publish=False)
    assert client.get(f"/s/{draft.public_key}").status_code == 404
    assert client.get("/s/nonexistent-key").status_code == 404
    closed = survey_factory(ALL_TYPES)
    closed.status = "closed"
    db.session.commit()
    page = client.get(f"/s/{closed.public_key}").get_data(as_text=True)
    assert "已经结束收集" in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_member_form_needs_its_csrf_token(app, app_config, client, survey_factory):
    survey = survey_factory(ALL_TYPES)
    response = client.post(f"/s/{survey.public_key}/start", data={})
    assert response.status_code == 400
    page = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/s/{survey.public_key}/start",
                       data={"csrf_token": token}).status_code == 302
    html = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert client.post(f"/s/{survey.public_key}", data=form_data(
        "p1", VALID_PAGES["p1"], idem_of(html))).status_code == 400


def test_the_member_page_is_served_in_english_too(client, survey_factory):
    survey = survey_factory(ALL_TYPES)
    html = start(client, survey)
    client.post("/set-language", data={"lang": "en", "next": "/"})
    response = client.post(f"/s/{survey.public_key}", data=form_data("p1", {}, idem_of(html)))
    body = response.get_data(as_text=True)
    assert "This question is required" in body
    assert "Next" in body or "Submit" in body
