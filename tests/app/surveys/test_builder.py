"""The builder: creating surveys (blank, templates, JSON), editing texts, pages, questions and
options, the logic editors (which refuse invalid references), and the preview."""

from __future__ import annotations

import io
import json
import re

import pytest

import surveys as domain
from app.models import Survey, SurveyResponse, SurveySession
from app.services.surveys.texts import QUESTION_TYPE_ORDER
from tests.app.surveys.helpers import SKIP_SURVEY, form_data, idem_of, page_of


def _definition(db, survey_id) -> domain.Survey:
    db.session.expire_all()
    return domain.Survey.from_dict(db.session.get(Survey, survey_id).definition)


def _base(community, survey) -> str:
    return f"/c/{community.slug}/surveys/{survey.id}"


@pytest.mark.parametrize("template", ["community_satisfaction", "event_feedback", "new_member"])
def test_a_survey_starts_from_each_template(client, db, operator, community, template):
    response = client.post(f"/c/{community.slug}/surveys/new",
                           data={"source": f"template:{template}", "access_mode": "member"})
    assert response.status_code == 302
    survey = db.session.execute(db.select(Survey)).scalar_one()
    assert survey.template_key == template and survey.access_mode == "member"
    assert survey.title == domain.load_template(template).title
    assert survey.status == "draft" and survey.live_version is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "可以发布了" in page


def test_blank_and_json_sources(client, db, operator, community):
    client.post(f"/c/{community.slug}/surveys/new",
                data={"source": "blank", "title": "周末外拍报名", "access_mode": "anonymous"})
    blank = db.session.execute(db.select(Survey)).scalar_one()
    assert blank.title == "周末外拍报名"
    assert "这一页没有题目" in client.get(f"/c/{community.slug}/surveys/{blank.id}/").get_data(
        as_text=True) or "问卷至少需要一页和一道题" in client.get(
        f"/c/{community.slug}/surveys/{blank.id}/").get_data(as_text=True)
    upload = (io.BytesIO(json.dumps(SKIP_SURVEY, ensure_ascii=False).encode()), "s.json")
    response = client.post(f"/c/{community.slug}/surveys/new", data={
        "source": "json", "access_mode": "anonymous", "definition_file": upload},
        content_type="multipart/form-data")
    assert response.status_code == 302
    copy = db.session.execute(db.select(Survey).order_by(Survey.id.desc())).scalars().first()
    assert copy.definition["title"] == "跳转问卷"
    exported = client.get(f"/c/{community.slug}/surveys/{copy.id}/definition.json")
    assert domain.loads(exported.data).to_dict() == domain.Survey.from_dict(
        SKIP_SURVEY).to_dict()
    bad = (io.BytesIO(b'{"schema_version": 1, "title": "x", "pages": [{"idd": 1}]}'), "b.json")
    refused = client.post(f"/c/{community.slug}/surveys/new", data={
        "source": "json", "access_mode": "anonymous", "definition_file": bad},
        content_type="multipart/form-data")
    assert refused.status_code == 200
    assert "无法读取问卷定义" in refused.get_data(as_text=True)


@pytest.mark.parametrize("type_name", QUESTION_TYPE_ORDER)
def test_every_question_type_can_be_added(client, db, operator, survey_factory, community,
                                          type_name):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    url = f"{_base(community, survey)}/pages/last/questions/new"
    form = client.get(url, query_string={"type": type_name})
    assert form.status_code == 200
    data = {"type": type_name, "title": f"新题 {type_name}", "required": "y"}
    if type_name in ("single_choice", "multiple_choice", "dropdown", "ranking"):
        data.update({"options-0-label": "甲", "options-1-label": "乙",
                     "bulk": "丙\n其他" if type_name != "ranking" else "丙"})
    if type_name == "matrix":
        data.update({"items-0-label": "内容", "items-1-label": "氛围",
                     **{f"scale-{n}-value": str(n + 1) for n in range(3)},
                     "scale-0-label": "差", "scale-1-label": "中", "scale-2-label": "好"})
    if type_name == "number":
        data.update({"min_value": "1", "max_value": "1,000", "unit": "次"})
    response = client.post(url, query_string={"type": type_name}, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    definition = _definition(db, survey.id)
    added = definition.pages[-1].questions[-1]
    assert added.type == type_name and added.title == f"新题 {type_name}" and added.required
    if type_name in ("single_choice", "multiple_choice", "dropdown"):
        assert [o.label for o in added.options] == ["甲", "乙", "丙", "其他"]
        assert added.other_option is not None
    if type_name == "matrix":
        assert [p.label for p in added.config.scale] == ["差", "中", "好"]
    if type_name == "number":
        assert (added.config.min_value, added.config.max_value, added.config.unit) == (1, 1000,
                                                                                    "次")
    assert domain.validate_definition(definition) == []


def test_editing_options_keeps_their_ids(client, db, operator, survey_factory, community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    response = client.post(f"{_base(community, survey)}/questions/fix", data={
        "type": "dropdown", "title": "最该改进什么？", "required": "y",
        "options-0-id": "ads", "options-0-label": "广告刷屏",
        "options-1-id": "live", "options-1-label": "",
        "options-2-label": "答疑太慢", "randomize": "1", "other_text_required": "y"})
    assert response.status_code == 302
    fix = _definition(db, survey.id).question("fix")
    assert fix.type == "dropdown"
    assert [(o.id, o.label) for o in fix.options] == [("ads", "广告刷屏"), ("o1", "答疑太慢")]
    assert fix.config.randomize is True
    # A type outside the question's family is refused.
    refused = client.post(f"{_base(community, survey)}/questions/fix", data={
        "type": "nps", "title": "x"})
    assert refused.status_code == 200 and _definition(db, survey.id).question("fix").type == \
        "dropdown"


def test_problems_are_listed_and_the_question_form_warns(client, db, operator, survey_factory,
                                                        community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    response = client.post(f"{_base(community, survey)}/questions/fix", data={
        "type": "single_choice", "title": "最该改进什么？", "options-0-label": "只有一个"},
        follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "还有问题需要处理" in body and "至少需要 2 个选项" in body
    assert "发布前还需修改 1 处" in body


def test_pages_and_questions_move_duplicate_and_delete(client, db, operator, survey_factory,
                                                      community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    base = _base(community, survey)
    client.post(f"{base}/questions/why/move", data={"direction": "up"})
    assert [q.id for q in _definition(db, survey.id).pages[0].questions] == ["why", "nps"]
    client.post(f"{base}/questions/why/move", data={"direction": "down"})
    client.post(f"{base}/questions/why/move", data={"direction": "down"})
    pages = _definition(db, survey.id).pages
    assert [q.id for q in pages[1].questions] == ["why", "fix"], "past the end: next page"
    client.post(f"{base}/questions/why/move", data={"page": "first"})
    assert _definition(db, survey.id).page_of("why").id == "first"
    client.post(f"{base}/questions/fix/duplicate", data={})
    copy = _definition(db, survey.id).pages[1].questions[1]
    assert copy.title == "最该改进什么？（副本）" and copy.id not in ("fix",)
    client.post(f"{base}/questions/{copy.id}/delete", data={})
    assert copy.id not in _definition(db, survey.id).locations
    client.post(f"{base}/pages/add", data={"after": "first"})
    pages = _definition(db, survey.id).pages
    assert [p.id for p in pages][1] == "p1" and not pages[1].questions
    client.post(f"{base}/pages/p1", data={"title": "新的一页", "description": "说明"})
    assert _definition(db, survey.id).page("p1").title == "新的一页"
    client.post(f"{base}/pages/p1/move", data={"direction": "down"})
    assert [p.id for p in _definition(db, survey.id).pages] == ["first", "detail", "p1", "last"]
    client.post(f"{base}/pages/p1/delete", data={})
    assert "p1" not in _definition(db, survey.id).page_indexes


def test_deleting_a_question_names_the_logic_that_uses_it(client, db, operator, survey_factory,
                                                        community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    page = client.get(f"{_base(community, survey)}/questions/nps/delete").get_data(as_text=True)
    assert "题目「为什么打低分？」的显示条件" in page
    assert "「细节」页的跳转规则" in page


def test_the_details_form_updates_texts_and_settings(client, db, operator, survey_factory,
                                                    community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    client.post(f"{_base(community, survey)}/details", data={
        "title": "新标题", "welcome": "欢迎！", "thank_you": "谢谢！", "show_progress": "y"})
    definition = _definition(db, survey.id)
    assert (definition.title, definition.welcome, definition.thank_you) == ("新标题", "欢迎！",
                                                                           "谢谢！")
    assert definition.settings.show_progress and not definition.settings.show_question_numbers
    assert db.session.get(Survey, survey.id).title == "新标题"


def test_the_display_logic_editor_saves_and_describes_conditions(client, db, operator,
                                                                 survey_factory, community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    url = f"{_base(community, survey)}/questions/more/logic"
    editor = client.get(url).get_data(as_text=True)
    # Only earlier questions are offered.
    assert 'value="nps"' in editor and 'value="fix"' in editor and 'value="more"' not in editor
    refresh = client.post(url, data={"combinator": "and", "rows-0-question": "fix",
                                     "refresh": "1"})
    assert "是以下之一" in refresh.get_data(as_text=True)
    response = client.post(url, data={
        "combinator": "or", "rows-0-question": "nps", "rows-0-op": "lte", "rows-0-value": "6",
        "rows-1-question": "fix", "rows-1-op": "in", "rows-1-value": ["ads", "live"],
        "rows-1-negate": "1"})
    assert response.status_code == 302
    more = _definition(db, survey.id).question("more")
    assert more.show_if.to_dict() == {"or": [
        {"question": "nps", "op": "lte", "value": 6},
        {"not": {"question": "fix", "op": "in", "value": ["ads", "live"]}}]}
    builder = client.get(f"{_base(community, survey)}/").get_data(as_text=True)
    assert "小于或等于 6 或 并非（「最该改进什么？」是以下之一 「广告」、「直播」）" in builder


@pytest.mark.parametrize(("rows", "message"), [
    ({"rows-0-question": "more", "rows-0-op": "answered"}, "显示条件不能引用本题"),
    ({"rows-0-question": "ghost", "rows-0-op": "answered"}, "ghost"),
    ({"rows-0-question": "nps", "rows-0-op": "contains", "rows-0-value": "x"}, "不支持"),
    ({"rows-0-question": "nps", "rows-0-op": "gte", "rows-0-value": "11"}, "11"),
    ({"rows-0-question": "fix", "rows-0-op": "eq", "rows-0-value": "nope"}, "nope"),
])
def test_the_display_logic_editor_refuses_invalid_conditions(client, db, operator,
                                                             survey_factory, community, rows,
                                                             message):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    response = client.post(f"{_base(community, survey)}/questions/more/logic",
                           data={"combinator": "and", **rows})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "条件有误，未保存" in body and message in body
    assert _definition(db, survey.id).question("more").show_if is None


def test_a_reference_to_a_later_question_is_refused(client, db, operator, survey_factory,
                                                   community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    response = client.post(f"{_base(community, survey)}/questions/why/logic", data={
        "combinator": "and", "rows-0-question": "fix", "rows-0-op": "answered"})
    assert "条件有误，未保存" in response.get_data(as_text=True)
    assert _definition(db, survey.id).question("why").show_if.to_dict() == {
        "question": "nps", "op": "lte", "value": 6}


def test_nested_conditions_use_the_json_editor(client, db, operator, survey_factory, community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    url = f"{_base(community, survey)}/questions/more/logic"
    nested = {"and": [{"question": "nps", "op": "lte", "value": 6},
                      {"or": [{"question": "fix", "op": "eq", "value": "ads"},
                              {"question": "why", "op": "contains", "value": "广告"}]}]}
    response = client.post(url, data={"mode": "json",
                                      "condition_json": json.dumps(nested, ensure_ascii=False)})
    assert response.status_code == 302
    assert _definition(db, survey.id).question("more").show_if.to_dict() == nested
    editor = client.get(url).get_data(as_text=True)
    assert 'name="mode" value="json"' in editor
    broken = client.post(url, data={"mode": "json", "condition_json": "{\"and\": ["})
    assert "JSON 格式错误" in broken.get_data(as_text=True)
    cleared = client.post(url, data={"clear": "1"})
    assert cleared.status_code == 302 and _definition(db, survey.id).question("more").show_if \
        is None


def test_skip_rules_only_jump_forward_and_use_earlier_pages(client, db, operator,
                                                           survey_factory, community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    url = f"{_base(community, survey)}/pages/last/skip"
    editor = client.get(url).get_data(as_text=True)
    assert 'value="fix"' in editor and 'value="more"' not in editor
    assert "结束问卷（直接提交）" in editor
    saved = client.post(url, data={"combinator": "and", "rows-0-question": "fix",
                                   "rows-0-op": "eq", "rows-0-value": "ads", "goto": "end"})
    assert saved.status_code == 302
    rules = _definition(db, survey.id).page("last").skip
    assert rules[0].to_dict() == {"if": {"question": "fix", "op": "eq", "value": "ads"},
                                  "goto": "end"}
    back = client.post(f"{_base(community, survey)}/pages/detail/skip?rule=0", data={
        "combinator": "and", "rows-0-question": "nps", "rows-0-op": "gte", "rows-0-value": "9",
        "goto": "first"})
    assert back.status_code == 200  # "first" is not a choice: the form refuses it
    assert _definition(db, survey.id).page("detail").skip[0].goto == "end"
    same_page = client.post(url, data={"combinator": "and", "rows-0-question": "more",
                                       "rows-0-op": "answered", "goto": "end"})
    assert "条件有误，未保存" in same_page.get_data(as_text=True)
    client.post(f"{_base(community, survey)}/pages/last/skip/0/delete", data={})
    assert _definition(db, survey.id).page("last").skip == ()


def test_the_preview_runs_the_draft_and_stores_nothing(client, db, operator, survey_factory,
                                                      community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    base = _base(community, survey)
    assert "预览模式" in client.get(f"{base}/preview").get_data(as_text=True)
    assert client.post(f"{base}/preview/start", data={}).status_code == 302
    html = client.get(f"{base}/preview").get_data(as_text=True)
    assert page_of(html) == "first" and "回答不会被保存" in html
    done = client.post(f"{base}/preview", data=form_data("first", {"nps": "10"},
                                                         idem_of(html)))
    assert "这是预览，回答没有被保存" in done.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(SurveySession.id))).scalar_one() == 0


def test_an_nps_question_is_marked_as_the_community_nps_in_the_builder(client, db, operator,
                                                                       survey_factory,
                                                                       community):
    survey = survey_factory(SKIP_SURVEY, publish=False)
    page = _definition(db, survey.id).pages[0].id
    url = f"{_base(community, survey)}/pages/{page}/questions/new"
    form = client.get(url, query_string={"type": "nps"}).get_data(as_text=True)
    assert "作为社群 NPS" in form
    response = client.post(url, query_string={"type": "nps"}, data={
        "type": "nps", "title": "你有多大可能把本群推荐给朋友？", "community_nps": "y"})
    assert response.status_code == 302
    qid = _definition(db, survey.id).pages[0].questions[-1].id
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).community_nps_question == qid
    edit = client.get(f"{_base(community, survey)}/questions/{qid}").get_data(as_text=True)
    (box,) = re.findall(r'<input[^>]*name="community_nps"[^>]*>', edit)
    assert "checked" in box
    client.post(f"{_base(community, survey)}/questions/{qid}", data={
        "type": "nps", "title": "你有多大可能把本群推荐给朋友？"})
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).community_nps_question is None


def test_a_new_question_gets_a_code_of_its_type_never_one_a_removed_question_had(
        client, db, operator, survey_factory, community):
    survey = survey_factory(SKIP_SURVEY)  # published: version 1 has nps, why and fix
    base = _base(community, survey)
    url = f"{base}/pages/last/questions/new"

    def add(type_name: str, title: str) -> str:
        response = client.post(url, query_string={"type": type_name},
                               data={"type": type_name, "title": title})
        assert response.status_code == 302
        return _definition(db, survey.id).pages[-1].questions[-1].id

    assert add("rating", "讲师打几分？") == "rating"
    assert add("rating", "助教打几分？") == "rating_2"
    assert add("nps", "再问一次推荐意愿") == "nps_2"  # nps is taken
    client.post(f"{base}/questions/rating_2/delete", data={})
    # the removed question was never published, so its code is free again …
    assert add("rating", "课程打几分？") == "rating_2"
    # … but once published, a question's code stays reserved after it is removed: old
    # answers under that code must not become a new question's answers
    from app.services.surveys import lifecycle as survey_service

    survey_service.publish(db.session.get(Survey, survey.id), actor=None)
    db.session.commit()
    client.post(f"{base}/questions/rating/delete", data={})
    assert add("rating", "换一道打分题") == "rating_3"
    client.post(f"{base}/questions/rating_3/duplicate", data={})
    ids = [q.id for q in _definition(db, survey.id).questions]
    assert "rating" not in ids and "rating_4" in ids
    assert not any(i.startswith("q") and i[1:].isdigit() for i in ids)
