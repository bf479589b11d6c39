"""Survey definitions and helpers shared by the survey app tests."""

from __future__ import annotations

import re

ALL_TYPES = {
    "schema_version": 1,
    "title": "全题型问卷",
    "description": "每种题型各一道",
    "welcome": "欢迎参与全题型测试",
    "thank_you": "谢谢，测试完成！",
    "pages": [
        {"id": "p1", "title": "选择题", "questions": [
            {"id": "source", "type": "single_choice", "title": "你从哪里知道本群？",
             "required": True,
             "options": [{"id": "friend", "label": "朋友推荐"},
                         {"id": "article", "label": "公众号"},
                         {"id": "other", "label": "其他", "other": True}]},
            {"id": "likes", "type": "multiple_choice", "title": "你喜欢哪些内容？",
             "min_choices": 1, "max_choices": 2,
             "options": [{"id": "dry", "label": "干货"}, {"id": "events", "label": "活动"},
                         {"id": "jobs", "label": "招聘"},
                         {"id": "other", "label": "其他", "other": True},
                         {"id": "none", "label": "以上都没有", "exclusive": True}]},
            {"id": "city", "type": "dropdown", "title": "所在城市",
             "options": [{"id": "bj", "label": "北京"}, {"id": "sh", "label": "上海"}]},
        ]},
        {"id": "p2", "title": "打分", "questions": [
            {"id": "stars", "type": "rating", "title": "给社群打几颗星", "required": True},
            {"id": "nps", "type": "nps", "title": "推荐意愿", "required": True},
            {"id": "csat", "type": "csat", "title": "满意度"},
            {"id": "ces", "type": "ces", "title": "费力度"},
        ]},
        {"id": "p3", "title": "矩阵和排序", "questions": [
            {"id": "grid", "type": "matrix", "title": "各方面评价", "required": True,
             "items": [{"id": "content", "label": "内容"}, {"id": "vibe", "label": "氛围"}]},
            {"id": "rank", "type": "ranking", "title": "按重要性排序",
             "options": [{"id": "a", "label": "内容"}, {"id": "b", "label": "活动"},
                         {"id": "c", "label": "人脉"}]},
        ]},
        {"id": "p4", "title": "填空", "questions": [
            {"id": "nick", "type": "short_text", "title": "昵称", "max_length": 10,
             "feedback": False},
            {"id": "advice", "type": "long_text", "title": "建议", "min_length": 2,
             "max_length": 50},
            {"id": "age", "type": "number", "title": "年龄", "min_value": 12, "max_value": 80,
             "integer_only": True, "unit": "岁"},
            {"id": "joined", "type": "date", "title": "入群日期", "min_date": "2020-01-01",
             "max_date": "2030-12-31"},
        ]},
    ],
}

VALID_PAGES = {
    "p1": {"source": "other", "source.other": "小红书", "likes": ["dry", "events"], "city": "sh"},
    "p2": {"stars": "4", "nps": "9", "csat": "5", "ces": "6"},
    "p3": {"grid.content": "4", "grid.vibe": "5", "rank.a": "2", "rank.b": "1", "rank.c": "3"},
    "p4": {"nick": "小鹿", "advice": "多办线下活动", "age": "28", "joined": "2024-05-01"},
}

SKIP_SURVEY = {
    "schema_version": 1,
    "title": "跳转问卷",
    "pages": [
        {"id": "first", "title": "第一页", "questions": [
            {"id": "nps", "type": "nps", "title": "推荐意愿", "required": True},
            {"id": "why", "type": "long_text", "title": "为什么打低分？", "required": True,
             "show_if": {"question": "nps", "op": "lte", "value": 6}},
        ]},
        {"id": "detail", "title": "细节", "skip": [
            {"if": {"question": "nps", "op": "gte", "value": 9}, "goto": "end"}],
         "questions": [
            {"id": "fix", "type": "single_choice", "title": "最该改进什么？", "required": True,
             "options": [{"id": "ads", "label": "广告"}, {"id": "live", "label": "直播"}]},
        ]},
        {"id": "last", "title": "最后", "questions": [
            {"id": "more", "type": "long_text", "title": "还有什么想说的？"},
        ]},
    ],
}


def form_data(page_id: str, answers: dict, idem: str, action: str = "next") -> dict:
    """A member-page post: answer fields get the "a." prefix."""
    data = {"page": page_id, "idem": idem, "action": action}
    for key, value in answers.items():
        data[f"a.{key}"] = value
    return data


def idem_of(html: str) -> str:
    """The idempotency key of a rendered member page."""
    return re.search(r'name="idem" type="hidden" value="([^"]+)"', html).group(1)


def page_of(html: str) -> str:
    """The page id of a rendered member page."""
    return re.search(r'name="page" type="hidden" value="([^"]+)"', html).group(1)


def start(client, survey, **query):
    """Open the survey link and press 开始填写; returns the first page's HTML."""
    url = f"/s/{survey.public_key}"
    response = client.get(url, query_string=query)
    assert response.status_code == 200, response.status_code
    response = client.post(url + "/start", data={"ch": query.get("ch", ""),
                                                 "t": query.get("t", "")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = client.get(url)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def answer_pages(client, survey, pages: dict, **query):
    """Start and answer page after page (as the server routes them); returns the last
    response (the redirect after the final submit)."""
    html = start(client, survey, **query)
    url = f"/s/{survey.public_key}"
    for _n in range(20):
        page_id = page_of(html)
        response = client.post(url, data=form_data(page_id, pages.get(page_id, {}),
                                                    idem_of(html)))
        assert response.status_code == 302, (page_id, errors_in(response.get_data(as_text=True)))
        html = client.get(url).get_data(as_text=True)
        if "提交成功" in html:
            return html
    raise AssertionError("survey did not end")


def errors_in(html: str) -> list[str]:
    """Error messages shown on a member page."""
    return re.findall(r'class="error" role="alert">([^<]+)<', html)
