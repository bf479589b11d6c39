"""Helpers and shared definitions for the survey domain tests."""

from surveys import Survey

MIXED = {
    "schema_version": 1,
    "title": "社群体验调查",
    "description": "测试用问卷",
    "welcome": "欢迎",
    "thank_you": "谢谢",
    "pages": [
        {
            "id": "p1",
            "title": "基本情况",
            "questions": [
                {"id": "channel_q", "type": "single_choice", "title": "你从哪里知道本群？",
                 "required": True,
                 "options": [{"id": "friend", "label": "朋友推荐"},
                             {"id": "article", "label": "公众号文章"},
                             {"id": "other", "label": "其他", "other": True}]},
                {"id": "city", "type": "dropdown", "title": "所在城市",
                 "options": [{"id": "bj", "label": "北京"}, {"id": "sh", "label": "上海"},
                             {"id": "gz", "label": "广州"}]},
                {"id": "likes", "type": "multiple_choice", "title": "你喜欢哪些内容？",
                 "min_choices": 1, "max_choices": 2,
                 "options": [{"id": "dry", "label": "干货分享"},
                             {"id": "events", "label": "线上活动"},
                             {"id": "jobs", "label": "招聘信息"},
                             {"id": "other", "label": "其他", "other": True},
                             {"id": "none", "label": "以上都没有", "exclusive": True}]},
                {"id": "age", "type": "number", "title": "你的年龄", "min_value": 12,
                 "max_value": 80, "integer_only": True, "unit": "岁"},
            ],
        },
        {
            "id": "p2",
            "title": "评价",
            "questions": [
                {"id": "nps", "type": "nps", "title": "你有多大可能推荐本群？", "required": True},
                {"id": "why_low", "type": "long_text", "title": "哪里让你不满意？",
                 "required": True, "max_length": 50,
                 "show_if": {"question": "nps", "op": "lte", "value": 6}},
                {"id": "csat", "type": "csat", "title": "总体满意度"},
                {"id": "ces", "type": "ces", "title": "找到需要的信息容易吗？"},
                {"id": "stars", "type": "rating", "title": "给群主打分"},
                {"id": "grid", "type": "matrix", "title": "各方面评价",
                 "items": [{"id": "content", "label": "内容"},
                           {"id": "vibe", "label": "氛围"}]},
            ],
        },
        {
            "id": "p3",
            "title": "更多",
            "skip": [{"if": {"question": "nps", "op": "gte", "value": 9}, "goto": "p4"}],
            "questions": [
                {"id": "rank", "type": "ranking", "title": "按重要性排序",
                 "options": [{"id": "a", "label": "内容"}, {"id": "b", "label": "活动"},
                             {"id": "c", "label": "人脉"}]},
                {"id": "joined", "type": "date", "title": "入群日期",
                 "min_date": "2020-01-01", "max_date": "2030-12-31"},
            ],
        },
        {
            "id": "p4",
            "title": "最后",
            "questions": [
                {"id": "nick", "type": "short_text", "title": "昵称", "max_length": 10,
                 "feedback": False},
                {"id": "advice", "type": "long_text", "title": "还有什么建议？"},
            ],
        },
    ],
}



def survey_with(*questions, pages=None):
    """A one-page survey with the given question dicts (or the given pages)."""
    if pages is None:
        pages = [{"id": "p1", "title": "一", "questions": list(questions)}]
    return Survey.from_dict({"schema_version": 1, "title": "测试", "pages": pages})
