"""Interface texts of the survey domain in the user's language: question type names, condition
operators, and answer error messages (the domain's defaults are Chinese only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import surveys as domain

QUESTION_TYPE_LABELS = {
    "single_choice": _l("单选题"),
    "multiple_choice": _l("多选题"),
    "dropdown": _l("下拉题"),
    "rating": _l("评分题"),
    "nps": _l("NPS 净推荐值"),
    "csat": _l("CSAT 满意度"),
    "ces": _l("CES 费力度"),
    "matrix": _l("矩阵量表题"),
    "ranking": _l("排序题"),
    "short_text": _l("单行文本"),
    "long_text": _l("多行文本"),
    "number": _l("数字题"),
    "date": _l("日期题"),
}

QUESTION_TYPE_HINTS = {
    "single_choice": _l("从几个选项中选一个，可带「其他」填空"),
    "multiple_choice": _l("可选多项，支持最少/最多选择数和「以上都没有」"),
    "dropdown": _l("选项较多时用下拉列表"),
    "rating": _l("1–5 颗星打分"),
    "nps": _l("0–10 分推荐意愿，自动计算 NPS"),
    "csat": _l("5 级满意度，自动计算 CSAT%"),
    "ces": _l("7 级费力度，衡量办事是否顺畅"),
    "matrix": _l("多个陈述共用一个量表（李克特）"),
    "ranking": _l("按喜好给选项排序"),
    "short_text": _l("一行文字，如昵称、城市"),
    "long_text": _l("开放式意见，会进入反馈分析"),
    "number": _l("数字，可设范围和单位"),
    "date": _l("选择日期"),
}

# Order in the "add a question" menu.
QUESTION_TYPE_ORDER = ("single_choice", "multiple_choice", "dropdown", "nps", "csat", "ces",
                       "rating", "matrix", "ranking", "long_text", "short_text", "number",
                       "date")

OPERATOR_LABELS = {
    "eq": _l("等于"),
    "ne": _l("不等于"),
    "gt": _l("大于"),
    "gte": _l("大于或等于"),
    "lt": _l("小于"),
    "lte": _l("小于或等于"),
    "contains": _l("包含"),
    "in": _l("是以下之一"),
    "answered": _l("已作答"),
    "not_answered": _l("未作答"),
}


def _range(params: Mapping[str, Any]) -> str:
    low, high = params.get("min"), params.get("max")
    if isinstance(low, str) or isinstance(high, str):
        if low is not None and high is not None:
            return _("请选择 %(min)s 到 %(max)s 之间的日期", min=low, max=high)
        if low is not None:
            return _("不能早于 %(min)s", min=low)
        return _("不能晚于 %(max)s", max=high)
    if low is not None and high is not None:
        return _("请填写 %(min)s 到 %(max)s 之间的值", min=_num(low), max=_num(high))
    if low is not None:
        return _("不能小于 %(min)s", min=_num(low))
    if high is not None:
        return _("不能大于 %(max)s", max=_num(high))
    return _("超出允许的范围")


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _missing(params: Mapping[str, Any]) -> str:
    missing = params.get("missing") or []
    return "、".join(str(m) for m in missing) if isinstance(missing, list | tuple) else str(missing)


def answer_error_message(error: domain.AnswerError) -> str:
    """The message of an answer error in the current language."""
    p = dict(error.params)
    code = error.code
    if code == "required":
        return _("此题为必答题")
    if code == "invalid_answers":
        return _("提交的答案格式不正确")
    if code == "unknown_question":
        return _("问卷中没有这道题（%(question)s）", question=p.get("question", ""))
    if code == "hidden_question":
        return _("根据前面的回答，此题不需要作答")
    if code == "page_skipped":
        return _("根据前面的回答，这一页不需要作答")
    if code == "invalid_type":
        return _("答案格式不正确")
    if code == "invalid_option":
        return _("选项「%(value)s」无效", value=p.get("value", ""))
    if code == "invalid_item":
        return _("「%(value)s」不是此题的一项", value=p.get("value", ""))
    if code == "duplicate_choice":
        return _("选项「%(value)s」重复了", value=p.get("value", ""))
    if code == "other_text_required":
        return _("请填写「%(label)s」的具体内容", label=p.get("label", ""))
    if code == "other_too_long":
        return _("「%(label)s」的内容不能超过 %(max)s 个字", label=p.get("label", ""),
                 max=p.get("max", ""))
    if code == "too_few_choices":
        return _("请至少选择 %(min)s 项", min=p.get("min", ""))
    if code == "too_many_choices":
        return _("最多只能选择 %(max)s 项", max=p.get("max", ""))
    if code == "exclusive_conflict":
        return _("「%(label)s」不能与其他选项同时选择", label=p.get("label", ""))
    if code == "out_of_range":
        return _range(p)
    if code == "not_integer":
        return _("请填写整数")
    if code == "invalid_number":
        return _("请填写有效的数字")
    if code == "too_long":
        return _("不能超过 %(max)s 个字（当前 %(length)s 个字）", max=p.get("max", ""),
                 length=p.get("length", ""))
    if code == "too_short":
        return _("至少需要 %(min)s 个字", min=p.get("min", ""))
    if code == "invalid_date":
        return _("请填写有效的日期，格式如 2024-05-01")
    if code == "incomplete_matrix":
        return _("还有 %(count)s 行未作答：%(missing)s", count=p.get("count", ""),
                 missing=_missing(p))
    if code == "incomplete_ranking":
        return _("请为所有选项排序（还差 %(count)s 项：%(missing)s）", count=p.get("count", ""),
                 missing=_missing(p))
    return error.message


def client_messages() -> dict[str, str]:
    """Message templates for the member page's client-side checks (same words as the server);
    ``{min}``, ``{max}``, ``{label}`` and ``{count}`` are filled in by the script."""
    return {
        "required": _("此题为必答题"),
        "other_text_required": _("请填写「{label}」的具体内容"),
        "too_few_choices": _("请至少选择 {min} 项"),
        "too_many_choices": _("最多只能选择 {max} 项"),
        "exclusive_conflict": _("「{label}」不能与其他选项同时选择"),
        "range": _("请填写 {min} 到 {max} 之间的值"),
        "min": _("不能小于 {min}"),
        "max": _("不能大于 {max}"),
        "not_integer": _("请填写整数"),
        "invalid_number": _("请填写有效的数字"),
        "too_long": _("不能超过 {max} 个字"),
        "too_short": _("至少需要 {min} 个字"),
        "date_range": _("请选择 {min} 到 {max} 之间的日期"),
        "date_min": _("不能早于 {min}"),
        "date_max": _("不能晚于 {max}"),
        "incomplete_matrix": _("还有 {count} 行未作答"),
        "incomplete_ranking": _("请为所有选项排序（还差 {count} 项）"),
        "fix_errors": _("请先修改标红的题目"),
        "next": _("下一页"),
        "submit": _("提交"),
        "ranked": _("第 {n} 位"),
        "unranked": _("点按排序"),
    }
