"""Import from 问卷星 / 腾讯问卷-style spreadsheets: mapping, cell formats, all-or-nothing."""

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import Workbook

from surveys import ColumnTarget, import_responses, import_sheet, read_sheet, suggest_mapping
from surveys.importing import column_letter, mapping_from_suggestions, parse_datetime
from surveys.spreadsheet import Limits, SheetError

WJX_HEADERS = [
    "序号", "提交答卷时间", "所用时间", "来源", "来自IP",
    "1、你从哪里知道本群？", "2、所在城市", "3、你喜欢哪些内容？", "4、你的年龄",
    "5、你有多大可能推荐本群？", "6、哪里让你不满意？", "7、总体满意度",
    "8、找到需要的信息容易吗？",
    "9、给群主打分", "10(内容)", "10(氛围)", "11、按重要性排序", "12、入群日期", "13、昵称",
    "14、还有什么建议？",
]
WJX_ROWS = [
    ["1", "2024/5/1 20:15:03", "95秒", "微信", "1.2.3.4(上海)",
     "其他〖小红书〗", "上海", "干货分享┋其他〖读书会〗", "28",
     "10", "(跳过)", "满意", "6", "5", "非常同意", "4", "(跳过)", "(跳过)", "小王", "多办活动"],
    ["2", "2024/5/2 8:01:00", "120秒", "QQ", "5.6.7.8(北京)",
     "朋友推荐", "北京", "以上都没有", "",
     "3", "广告太多了", "不满意", "2", "2", "2", "1", "内容→人脉→活动", "2024年3月1日", "", ""],
    ["3", "2024-05-03 12:00", "60秒", "", "9.9.9.9",
     "2", "", "干货分享|线上活动", "35岁",
     "8", "(跳过)", "4", "5", "4", "同意", "一般", "活动→内容→人脉", "2024/4/2", "", "(空)"],
]


def wjx_csv(rows=WJX_ROWS, headers=WJX_HEADERS, encoding="gbk"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def test_suggested_mapping_for_a_wjx_export(mixed):
    sheet = read_sheet(wjx_csv())
    suggestions = suggest_mapping(mixed, sheet.headers)
    targets = {s.header: (s.target.key if s.target else None) for s in suggestions}
    assert targets["序号"] == "@id"
    assert targets["提交答卷时间"] == "@submitted_at"
    assert targets["来源"] == "@channel"
    assert targets["来自IP"] is None and targets["所用时间"] is None  # never imported
    assert targets["1、你从哪里知道本群？"] == "channel_q"
    assert targets["3、你喜欢哪些内容？"] == "likes"
    assert targets["10(内容)"] == "grid.content"
    assert targets["10(氛围)"] == "grid.vibe"
    assert targets["14、还有什么建议？"] == "advice"
    exact = next(s for s in suggestions if s.header == "5、你有多大可能推荐本群？")
    assert exact.score == 1.0 and exact.reason == "title"


def test_fuzzy_titles_still_match(mixed):
    headers = ["Q5. 您有多大可能推荐本群", "【多选题】你喜欢哪些内容", "第4题 您的年龄是",
               "完全无关的列"]
    targets = [s.target.key if s.target else None for s in suggest_mapping(mixed, headers)]
    assert targets == ["nps", "likes", "age", None]


def test_each_target_is_suggested_once(mixed):
    targets = [s.target for s in suggest_mapping(mixed, ["所在城市", "所在城市"])]
    assert targets[0].key == "city" and targets[1] is None


def test_wjx_gbk_csv_imports_with_the_suggested_mapping(mixed):
    result = import_responses(mixed, wjx_csv(), "问卷星.csv")
    assert result.errors == ()
    assert result.rows_read == 3
    first, second, third = result.responses
    assert first.answers == {
        "channel_q": {"choice": "other", "other": "小红书"}, "city": "sh",
        "likes": {"choices": ["dry", "other"], "other": "读书会"}, "age": 28, "nps": 10,
        "csat": 4, "ces": 6, "stars": 5, "grid": {"content": 5, "vibe": 4}, "nick": "小王",
        "advice": "多办活动"}
    assert (first.id, first.channel, first.submitted_at) == (
        "1", "微信", datetime(2024, 5, 1, 20, 15, 3))
    assert second.answers["likes"] == ["none"]
    assert second.answers["why_low"] == "广告太多了"
    assert second.answers["rank"] == ["a", "c", "b"]
    assert second.answers["joined"] == "2024-03-01"
    assert "age" not in second.answers
    assert third.answers["channel_q"] == "article"  # "2" = the second option
    assert third.answers["likes"] == ["dry", "events"]
    assert third.answers["age"] == 35
    assert third.answers["grid"] == {"content": 4, "vibe": 3}
    assert third.channel is None


def test_utf8_and_utf16_files_read_the_same(mixed):
    for data in (wjx_csv(encoding="utf-8"), wjx_csv(encoding="utf-8-sig")):
        assert import_responses(mixed, data).ok
    tsv = io.StringIO()
    csv.writer(tsv, delimiter="\t").writerows([WJX_HEADERS, *WJX_ROWS])
    result = import_responses(mixed, tsv.getvalue().encode("utf-16"))
    assert result.ok and len(result.responses) == 3


def test_per_option_columns_with_one_and_zero(mixed):
    headers = ["1、你从哪里知道本群？", "5、你有多大可能推荐本群？", "3(干货分享)", "3(线上活动)",
               "3(招聘信息)", "3(其他)", "3(以上都没有)"]
    rows = [["朋友推荐", "9", "1", "0", "1", "0", "0"],
            ["朋友推荐", "9", "0", "0", "0", "0", "1"]]
    result = import_responses(mixed, wjx_csv(rows, headers))
    assert result.errors == ()
    assert [r.answers["likes"] for r in result.responses] == [["dry", "jobs"], ["none"]]


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_returned(mixed):
    rows = [list(r) for r in WJX_ROWS]
    rows[0][5] = "电视广告"     # row 2, column F: not an option
    rows[2][9] = "11"          # row 4, column J: NPS out of range
    rows[2][7] = "干货分享┋以上都没有"  # row 4, column H: exclusive conflict
    result = import_responses(mixed, wjx_csv(rows))
    assert result.responses == ()
    assert not result.ok
    found = [(e.row, e.column_name, e.question_id, e.code) for e in result.errors]
    assert found == [
        (2, "F", "channel_q", "invalid_option"),
        (4, "H", "likes", "exclusive_conflict"),
        (4, "J", "nps", "out_of_range"),
    ]
    assert result.errors[0].header == "1、你从哪里知道本群？"
    assert "电视广告" in result.errors[0].message


def test_required_and_logic_errors_are_reported_per_row(mixed):
    rows = [list(r) for r in WJX_ROWS]
    rows[1][10] = ""            # detractor without the required why_low
    rows[0][16] = "内容→活动→人脉"  # a promoter answered page 3, which the logic skips
    result = import_responses(mixed, wjx_csv(rows))
    assert [(e.row, e.question_id, e.code) for e in result.errors] == [
        (2, "rank", "hidden_question"), (3, "why_low", "required")]
    assert result.errors[1].column_name == "K"
    relaxed = import_responses(mixed, wjx_csv(rows), hidden_answers="drop",
                               enforce_required=False)
    assert relaxed.ok and "rank" not in relaxed.responses[0].answers


def test_errors_stop_at_the_limit(mixed):
    rows = [list(WJX_ROWS[0]) for _ in range(30)]
    for row in rows:
        row[5] = "电视"
    result = import_responses(mixed, wjx_csv(rows), max_errors=10)
    assert result.truncated
    assert len(result.errors) == 11 and result.errors[-1].code == "too_many_errors"


def test_explicit_mapping_by_header_name_index_or_key(mixed):
    headers = ["推荐分", "来源渠道", "其他列"]
    rows = [["9", "wx", "x"], ["6", "qq", "y"]]
    mapping = {"推荐分": "nps", 1: ColumnTarget(meta="@channel"), "其他列": None}
    result = import_responses(mixed, wjx_csv(rows, headers), mapping=mapping,
                              enforce_required=False)
    assert result.ok
    assert [(r.answers, r.channel) for r in result.responses] == [
        ({"nps": 9}, "wx"), ({"nps": 6}, "qq")]


def test_default_channel_for_rows_without_one(mixed):
    headers = ["1、你从哪里知道本群？", "5、你有多大可能推荐本群？"]
    result = import_responses(mixed, wjx_csv([["1", "9"]], headers), channel="导入")
    assert result.responses[0].channel == "导入"


@pytest.mark.parametrize(("mapping", "code"), [
    ({"不存在的列": "nps"}, "unknown_column"),
    ({7: "nps"}, "unknown_column"),
    ({0: "ghost"}, "invalid_mapping"),
    ({0: "likes.ghost"}, "invalid_mapping"),
    ({0: "@ip"}, "invalid_mapping"),
    ({0: "nps", 1: "nps"}, "duplicate_mapping"),
    ({0: None}, "no_mapping"),
    ({0: "advice"}, "unmapped_required"),
])
def test_mapping_problems_are_reported_before_any_row(mixed, mapping, code):
    data = wjx_csv([["9", "8"]], ["推荐分", "评分"])
    result = import_responses(mixed, data, mapping=mapping)
    assert [(e.row, e.code) for e in result.errors] == [(None, code)]
    assert result.responses == ()


def test_xlsx_from_another_tool_with_real_dates_and_numbers(mixed):
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "提交时间", "Q1 你从哪里知道本群？", "Q5 你有多大可能推荐本群？",
               "Q7 总体满意度", "Q12 入群日期"])
    ws.append([101, datetime(2024, 6, 1, 9, 30), "朋友推荐", 7, "非常满意", datetime(2024, 1, 2)])
    ws.append([102, datetime(2024, 6, 2, 9, 30), "公众号文章", 9.0, 3, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = import_responses(mixed, buffer.getvalue(), "tencent.xlsx",
                              assume_timezone=timezone(timedelta(hours=8)))
    assert result.errors == ()
    first, second = result.responses
    assert first.id == "101"
    assert first.submitted_at == datetime(2024, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    assert first.answers == {"channel_q": "friend", "nps": 7, "csat": 5,
                             "joined": "2024-01-02"}
    assert second.answers == {"channel_q": "article", "nps": 9, "csat": 3}


def test_unreadable_time_is_an_error(mixed):
    headers = ["1、你从哪里知道本群？", "5、你有多大可能推荐本群？", "提交时间"]
    data = wjx_csv([["朋友推荐", "9", "昨天"]], headers)
    result = import_responses(mixed, data)
    assert [(e.row, e.column_name, e.code) for e in result.errors] == [
        (2, "C", "invalid_datetime")]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-01 08:09:10", datetime(2024, 5, 1, 8, 9, 10)),
    ("2024/5/1 8:09", datetime(2024, 5, 1, 8, 9)),
    ("2024年5月1日 8:09:10", datetime(2024, 5, 1, 8, 9, 10)),
    ("2024-05-01", datetime(2024, 5, 1)),
    ("2024-05-01T08:09:10+08:00",
     datetime(2024, 5, 1, 8, 9, 10, tzinfo=timezone(timedelta(hours=8)))),
    ("2024-05-01 08:09:10.5Z", datetime(2024, 5, 1, 8, 9, 10, 500000, tzinfo=timezone.utc)),
])
def test_submission_times_in_common_spellings(text, expected):
    assert parse_datetime(text) == expected


# -- files and limits ----------------------------------------------------------------------

def test_file_size_limit(mixed):
    result = import_responses(mixed, wjx_csv(), limits=Limits(max_bytes=100))
    assert [(e.row, e.code) for e in result.errors] == [(None, "file_too_large")]
    assert "100" in result.errors[0].message


def test_row_limit(mixed):
    result = import_responses(mixed, wjx_csv(WJX_ROWS * 3), limits=Limits(max_rows=5))
    assert [e.code for e in result.errors] == ["too_many_rows"]
    assert import_responses(mixed, wjx_csv(WJX_ROWS * 2), limits=Limits(max_rows=6)).ok


def test_column_limit(mixed):
    result = import_responses(mixed, wjx_csv(), limits=Limits(max_columns=10))
    assert [e.code for e in result.errors] == ["too_many_columns"]


@pytest.mark.parametrize(("data", "filename", "code"), [
    (b"", "a.csv", "empty_file"),
    (b"\n\n", "a.csv", "empty_file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", "unsupported_file"),
    (b"PK\x03\x04 not really a zip", "a.xlsx", "unreadable_file"),
    (bytes(range(128, 256)) * 4, "a.csv", "unreadable_file"),
])
def test_bad_files_give_clear_errors(mixed, data, filename, code):
    result = import_responses(mixed, data, filename)
    assert [e.code for e in result.errors] == [code]
    assert result.errors[0].message


def test_zip_bombs_are_refused_before_parsing():
    buffer = io.BytesIO()
    wb = Workbook()
    wb.active.append(["x" * 1000] * 50)
    wb.save(buffer)
    with pytest.raises(SheetError) as exc:
        read_sheet(buffer.getvalue(), "a.xlsx", Limits(max_uncompressed_bytes=1000))
    assert exc.value.code == "too_large_unpacked"


def test_import_sheet_accepts_a_sheet_read_earlier(mixed):
    sheet = read_sheet(wjx_csv())
    mapping = mapping_from_suggestions(suggest_mapping(mixed, sheet.headers))
    assert import_sheet(mixed, sheet, mapping).ok


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == [
        "A", "Z", "AA", "AZ", "ZZ", "AAA"]
