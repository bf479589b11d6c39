"""Export to CSV and XLSX: layout, formula defusing, numbers kept numeric, round trips."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from surveys import (
    SurveyResponse,
    defuse,
    export_columns,
    export_csv,
    export_table,
    export_xlsx,
    import_responses,
    validate_answers,
)
from surveys.spreadsheet import undefuse
from tests.surveys.helpers import survey_with
from tests.surveys.test_statistics import RESPONSES

CST = timezone(timedelta(hours=8))


def canonical(survey, responses):
    return [SurveyResponse(validate_answers(survey, r.answers).answers, r.channel,
                           r.submitted_at, r.id) for r in responses]


def read_csv(data):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_columns_expand_multiple_choice_matrix_and_ranking(mixed):
    keys = [c.key for c in export_columns(mixed)]
    assert keys[:4] == ["@id", "@submitted_at", "@channel", "channel_q"]
    assert keys[4:6] == ["channel_q._other", "city"]
    assert keys[6:12] == ["likes.dry", "likes.events", "likes.jobs", "likes.other",
                          "likes.none", "likes._other"]
    assert "grid.content" in keys and "grid.vibe" in keys
    assert ["rank.a", "rank.b", "rank.c"] == [k for k in keys if k.startswith("rank")]
    headers = [c.header for c in export_columns(mixed)]
    assert "你喜欢哪些内容？ — 干货分享 [likes.dry]" in headers
    assert "你喜欢哪些内容？ — 其他（填写内容） [likes._other]" in headers
    assert headers[1] == "提交时间 [@submitted_at]"
    assert [c.key for c in export_columns(mixed, include_meta=False)][0] == "channel_q"


def test_one_row_per_response_with_readable_cells(mixed):
    table = export_table(mixed, canonical(mixed, RESPONSES))
    assert len(table.rows) == 6
    row = dict(zip([c.key for c in table.columns], table.rows[1], strict=True))
    assert row["@id"] == "r2" and row["@channel"] == "wx1"
    assert row["channel_q"] == "公众号文章"
    assert (row["likes.dry"], row["likes.events"], row["likes.other"]) == (1, 0, 1)
    assert row["likes._other"] == "读书会"
    assert row["grid.vibe"] == 4
    assert row["rank.a"] is None  # page 3 was skipped
    row4 = dict(zip([c.key for c in table.columns], table.rows[3], strict=True))
    assert (row4["rank.a"], row4["rank.b"], row4["rank.c"]) == (2, 1, 3)
    assert row4["joined"] == date(2024, 3, 20)
    assert row4["likes.dry"] == 0 and row4["likes.jobs"] == 1


def test_answers_left_on_hidden_questions_are_not_exported(mixed):
    response = SurveyResponse({"channel_q": "friend", "nps": 10, "why_low": "stale",
                               "rank": ["a", "b", "c"]})
    row = dict(zip([c.key for c in export_columns(mixed)],
                   export_table(mixed, [response]).rows[0], strict=True))
    assert row["why_low"] is None and row["rank.a"] is None


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'=x", "'x"])
def test_defuse_prefixes_what_a_spreadsheet_could_run_and_undoes_exactly(text):
    assert defuse(text) == "'" + text
    assert undefuse(defuse(text)) == text


@pytest.mark.parametrize("text", ["你好", "1+1", "a=b", "x-1", ""])
def test_harmless_text_is_left_alone(text):
    assert defuse(text) == text
    assert undefuse(defuse(text)) == text


DANGEROUS = [
    SurveyResponse({"q1": "=HYPERLINK(\"http://evil\",\"点我\")", "q2": -5, "q3": "+86 138"},
                   "@chan", None, "-r1"),
    SurveyResponse({"q1": "=cmd|' /C calc'!A0", "q2": 7, "q3": "@everyone"}, "=x", None, "r2"),
]


def dangerous_survey():
    return survey_with({"id": "q1", "type": "long_text", "title": "=题目"},
                       {"id": "q2", "type": "number", "title": "温度", "min_value": -50},
                       {"id": "q3", "type": "short_text", "title": "电话"})


def test_csv_defuses_formulas_but_keeps_numbers():
    rows = read_csv(export_csv(dangerous_survey(), DANGEROUS))
    assert rows[0][3] == "'=题目 [q1]"
    assert rows[1][0] == "'-r1" and rows[1][2] == "'@chan"
    assert rows[1][3] == "'=HYPERLINK(\"http://evil\",\"点我\")"
    assert rows[1][4] == "-5"  # a real number stays a number
    assert rows[1][5] == "'+86 138"
    assert rows[2][3] == "'=cmd|' /C calc'!A0" and rows[2][5] == "'@everyone"


def test_xlsx_defuses_formulas_but_keeps_numbers():
    ws = load_workbook(io.BytesIO(export_xlsx(dangerous_survey(), DANGEROUS))).active
    cells = [list(row) for row in ws.iter_rows()]
    assert all(c.data_type != "f" for row in cells for c in row)
    assert cells[0][3].value == "'=题目 [q1]"
    assert cells[1][3].value.startswith("'=HYPERLINK")
    assert cells[1][4].value == -5 and cells[1][4].data_type == "n"
    assert cells[2][4].value == 7
    assert cells[1][0].value == "'-r1"
    assert ws.freeze_panes == "A2"
    assert cells[0][0].font.b


def test_xlsx_keeps_dates_and_converts_times_to_the_given_zone(mixed):
    aware = SurveyResponse({"channel_q": "friend", "nps": 3, "joined": "2024-03-05"}, "qq",
                           datetime(2024, 3, 5, 16, 30, tzinfo=timezone.utc), "r9")
    ws = load_workbook(io.BytesIO(export_xlsx(mixed, [aware], timezone=CST))).active
    row = {h.value: c.value for h, c in zip(ws[1], ws[2], strict=True)}
    assert row["提交时间 [@submitted_at]"] == datetime(2024, 3, 6, 0, 30)
    assert row["入群日期 [joined]"] == datetime(2024, 3, 5)
    rows = read_csv(export_csv(mixed, [aware], timezone=CST))
    assert rows[1][1] == "2024-03-06 00:30:00+08:00"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips(mixed, fmt):
    original = canonical(mixed, RESPONSES)
    data = export_csv(mixed, original) if fmt == "csv" else export_xlsx(mixed, original)
    result = import_responses(mixed, data, f"export.{fmt}", hidden_answers="reject")
    assert result.errors == ()
    assert [r.answers for r in result.responses] == [r.answers for r in original]
    assert [r.channel for r in result.responses] == [r.channel for r in original]
    assert [r.id for r in result.responses] == [r.id for r in original]
    assert [r.submitted_at for r in result.responses] == [r.submitted_at for r in original]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dangerous_text_round_trips_unchanged(fmt):
    survey = dangerous_survey()
    data = export_csv(survey, DANGEROUS) if fmt == "csv" else export_xlsx(survey, DANGEROUS)
    result = import_responses(survey, data, f"x.{fmt}")
    assert result.errors == ()
    assert [r.answers for r in result.responses] == [r.answers for r in DANGEROUS]
    assert [r.id for r in result.responses] == ["-r1", "r2"]
    assert [r.channel for r in result.responses] == ["@chan", "=x"]
