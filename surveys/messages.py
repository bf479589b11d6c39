"""Default Chinese messages for every error code; the app may translate by code instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _range_message(params: Mapping[str, Any]) -> str:
    low, high = params.get("min"), params.get("max")
    if isinstance(low, str) or isinstance(high, str):  # ISO dates
        if low is not None and high is not None:
            return f"请选择 {low} 到 {high} 之间的日期"
        return f"不能早于 {low}" if low is not None else f"不能晚于 {high}"
    if low is not None and high is not None:
        return f"请填写 {low} 到 {high} 之间的值"
    if low is not None:
        return f"不能小于 {low}"
    if high is not None:
        return f"不能大于 {high}"
    return "超出允许的范围"


_Template = str | Callable[[Mapping[str, Any]], str]

ANSWER_MESSAGES: dict[str, _Template] = {
    "required": "此题为必答题",
    "invalid_answers": "提交的答案格式不正确",
    "unknown_question": "问卷中没有这道题（{question}）",
    "hidden_question": "根据前面的回答，此题不需要作答",
    "page_skipped": "根据前面的回答，这一页不需要作答",
    "invalid_type": "答案格式不正确",
    "invalid_option": "选项「{value}」无效",
    "invalid_item": "「{value}」不是此题的一项",
    "duplicate_choice": "选项「{value}」重复了",
    "other_text_required": "请填写「{label}」的具体内容",
    "other_too_long": "「{label}」的内容不能超过 {max} 个字",
    "too_few_choices": "请至少选择 {min} 项",
    "too_many_choices": "最多只能选择 {max} 项",
    "exclusive_conflict": "「{label}」不能与其他选项同时选择",
    "out_of_range": _range_message,
    "not_integer": "请填写整数",
    "invalid_number": "请填写有效的数字",
    "too_long": "不能超过 {max} 个字（当前 {length} 个字）",
    "too_short": "至少需要 {min} 个字",
    "invalid_date": "请填写有效的日期，格式如 2024-05-01",
    "incomplete_matrix": "还有 {count} 行未作答：{missing}",
    "incomplete_ranking": "请为所有选项排序（还差 {count} 项：{missing}）",
}

DEFINITION_MESSAGES: dict[str, _Template] = {
    # Structure of the JSON document.
    "invalid_json": "不是有效的 JSON：第 {line} 行第 {column} 列，{reason}",
    "wrong_type": "{path} 应为{expected}",
    "missing_field": "缺少必填字段 {path}",
    "unknown_field": "不认识的字段 {path}",
    "unsupported_version": "不支持的问卷格式版本 {version}（支持 1 至 {current}）",
    "unknown_type": "{path}：没有「{type}」这种题型",
    "invalid_id": ("{path}：编号「{id}」无效，应以字母开头，只含字母、数字、下划线或连字符，"
                   "最长 40 个字符"),
    "reserved_id": "{path}：编号「{id}」是保留字，请换一个",
    "unknown_operator": "{path}：没有「{op}」这种条件运算",
    "missing_value": "{path}：运算「{op}」需要一个比较值",
    "unexpected_value": "{path}：运算「{op}」不需要比较值",
    "empty_group": "{path}：条件组不能为空",
    "too_deep": "{path}：条件嵌套超过 {max} 层",
    "invalid_condition": "{path}：条件应为 and、or、not 之一或包含 question 和 op 的对象",
    # Meaning of the survey.
    "empty_survey": "问卷至少需要一页和一道题",
    "empty_page": "{where}：这一页没有题目",
    "empty_text": "{where}：{field}不能为空",
    "text_too_long": "{where}：{field}最多 {max} 个字符",
    "too_many": "{where}：{field}最多 {max} 个",
    "duplicate_page_id": "{where}：页编号「{id}」重复",
    "duplicate_question_id": "{where}：题目编号「{id}」重复",
    "duplicate_option_id": "{where}：选项编号「{id}」重复",
    "duplicate_option_label": "{where}：选项文字「{label}」重复",
    "too_few_options": "{where}：至少需要 {min} 个选项",
    "too_many_other_options": "{where}：只能有一个「其他」选项",
    "exclusive_not_allowed": "{where}：只有多选题可以设置互斥选项",
    "other_not_allowed": "{where}：这种题型不能设置「其他」选项",
    "invalid_setting": "{where}：{field}的值无效（{reason}）",
    "invalid_range": "{where}：最小值 {min} 大于最大值 {max}",
    "invalid_scale": "{where}：量表刻度应为递增且不重复的整数",
    "wrong_label_count": "{where}：需要正好 {count} 个刻度文字",
    "unknown_question": "{where}：条件引用了不存在的题目「{question}」",
    "self_reference": "{where}：显示条件不能引用本题",
    "forward_reference": "{where}：条件引用了后面的题目「{question}」，只能引用前面的题目",
    "same_page_reference": ("{where}：跳转条件引用了本页的题目「{question}」，"
                            "只能引用前面页面的题目"),
    "unknown_option": "{where}：条件引用了题目「{question}」中不存在的选项「{option}」",
    "unknown_item": "{where}：条件引用了题目「{question}」中不存在的行或项「{item}」",
    "item_required": "{where}：对题目「{question}」使用「{op}」时需要指定行或项（item）",
    "item_not_allowed": "{where}：题目「{question}」没有行或项，不能指定 item",
    "operator_not_supported": "{where}：题目「{question}」（{type}）不支持「{op}」运算",
    "invalid_operand": "{where}：题目「{question}」的比较值「{value}」无效（{reason}）",
    "unknown_page": "{where}：跳转目标页「{page}」不存在",
    "backward_jump": "{where}：不能跳回前面的页面「{page}」",
    "jump_to_same_page": "{where}：不能跳转到本页",
}

IMPORT_MESSAGES: dict[str, _Template] = {
    "file_too_large": "文件过大（{size} 字节），最多 {max} 字节",
    "too_many_rows": "数据行过多（超过 {max} 行）",
    "too_large_unpacked": "表格解压后过大（{size} 字节），最多 {max} 字节",
    "too_many_parts": "表格文件的组成部分过多（{count} 个），最多 {max} 个",
    "too_many_shared_strings": "表格中的不同文字过多（共享字符串超过 {max} 个）",
    "too_many_cells": "表格的单元格过多（超过 {max} 个）",
    "part_too_complex": "表格结构过于复杂（{part} 超过 {max} 个元素）",
    "too_slow": "读取表格超过 {seconds} 秒，已停止",
    "too_many_columns": "列数过多（{count} 列），最多 {max} 列",
    "empty_file": "文件中没有数据",
    "unreadable_file": "无法读取文件：{reason}",
    "unsupported_file": "不支持的文件格式，请上传 CSV 或 XLSX 文件",
    "unknown_column": "对应关系中的列「{name}」不存在",
    "invalid_mapping": "列「{name}」对应的目标无效：{reason}",
    "duplicate_mapping": "列「{name}」与列「{other}」对应到了同一个目标",
    "no_mapping": "没有任何列对应到问卷题目",
    "unmapped_required": ("以下必答题没有对应的列：{questions}"
                          "（如果原数据确实没有这些题，可以不检查必答题后再导入）"),
    "invalid_cell": "无法识别的值「{value}」",
    "invalid_datetime": "无法识别的时间「{value}」",
    "too_many_errors": "错误过多，只列出了前 {max} 条",
}


def format_message(catalog: Mapping[str, _Template], code: str, params: Mapping[str, Any]) -> str:
    """Fill the message template for ``code`` with ``params`` (lists are joined with 、)."""
    template = catalog.get(code)
    if template is None:
        return code
    if callable(template):
        return template(params)
    shown = {k: ("、".join(map(str, v)) if isinstance(v, list | tuple) else v)
             for k, v in params.items()}
    try:
        return template.format_map(shown)
    except (KeyError, IndexError, ValueError):
        return template


def answer_message(code: str, params: Mapping[str, Any]) -> str:
    """Default Chinese message for an answer error code."""
    return format_message(ANSWER_MESSAGES, code, params)


def definition_message(code: str, params: Mapping[str, Any]) -> str:
    """Default Chinese message for a definition problem code."""
    return format_message(DEFINITION_MESSAGES, code, params)


def import_message(code: str, params: Mapping[str, Any]) -> str:
    """Default Chinese message for an import problem code (falls back to answer messages)."""
    if code in IMPORT_MESSAGES:
        return format_message(IMPORT_MESSAGES, code, params)
    return format_message(ANSWER_MESSAGES, code, params)
