"""Importing daily metrics from CSV/XLSX: column mapping, per-row errors, all or nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest

from app.models import ImportStatus, MetricImport, MetricValue
from app.services.errors import ServiceError
from app.services.metrics import importing as metric_import
from app.services.metrics import values as metric_service
from tests.factories_reports import xlsx_bytes

TODAY = date(2026, 11, 24)


def _values(db, community):
    return {(v.metric, v.day): v.value for v in db.session.execute(
        db.select(MetricValue).where(MetricValue.community_id == community.id)).scalars()}


def _start(community, text: str | bytes, filename="metrics.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return metric_import.start_import(community, filename=filename, data=data)


def _apply(record, date_column=0, columns=None):
    columns = columns if columns is not None else {
        int(k): v for k, v in record.mapping["columns"].items()}
    return metric_import.apply_import(record, date_column=date_column, columns=columns,
                                      today=TODAY)


@pytest.mark.parametrize("header, expected", [
    ("日期", "date"), ("新增成员", "new_members"), ("活跃人数", "dau"), ("消息数", "interactions"),
    ("阅读量", "content_views"), ("点击量", "clicks"), ("DAU", "dau"), ("退群人数", "churned"),
    ("新增成员（人）", "new_members"), ("成员总数", "total_members"), ("月活", "mau"),
])
def test_headers_suggest_their_metric(header, expected):
    catalog = metric_service.standard_metrics()
    date_col, mapping = metric_import.suggest_mapping(["x", header], catalog)
    found = "date" if date_col == 1 else mapping.get(1)
    assert found == expected


def test_custom_metrics_are_suggested_by_their_name(app, db, community):
    metric_service.create_custom_metric(community, key="checkins", name="作业打卡")
    date_col, mapping = metric_import.suggest_mapping(
        ["日期", "作业打卡", "备注"], metric_service.catalog(community.id))
    assert date_col == 0 and mapping == {1: "checkins"}


@pytest.mark.parametrize("cell, expected", [
    ("2026-10-01", date(2026, 10, 1)), ("2026/10/1", date(2026, 10, 1)),
    ("2026.10.01", date(2026, 10, 1)), ("20261001", date(2026, 10, 1)),
    ("2026年10月1日", date(2026, 10, 1)), ("２０２６－１０－０１", date(2026, 10, 1)),
    (46296, date(2026, 10, 1)),
])
def test_dates_are_read_in_common_chinese_spreadsheet_forms(cell, expected):
    assert metric_import.parse_day(cell) == expected


@pytest.mark.parametrize("cell, code", [("2026-02-30", "bad_date"), ("昨天", "bad_date"),
                                        ("", "missing_date"), ("10/01", "bad_date")])
def test_bad_dates_are_named(cell, code):
    with pytest.raises(ValueError, match=code):
        metric_import.parse_day(cell)


@pytest.mark.parametrize("cell, expected", [("1,234", 1234.0), (" 12 ", 12.0), ("", None),
                                            ("-", None), (3.5, 3.5), ("１２", 12.0)])
def test_numbers_allow_thousands_separators_and_blanks(cell, expected):
    assert metric_import.parse_number(cell) == expected


@pytest.mark.parametrize("cell, code", [("十二", "not_number"), ("-5", "negative"),
                                        ("1e13", "too_large"), ("12%", "not_number")])
def test_bad_numbers_are_named(cell, code):
    with pytest.raises(ValueError, match=code):
        metric_import.parse_number(cell)


def test_a_good_csv_is_imported_with_the_suggested_mapping(app, db, community):
    record = _start(community, "日期,新增成员,活跃人数,备注\n"
                               "2026-10-01,12,340,国庆\n2026-10-02,8,352,\n")
    assert record.mapping == {"date": 0, "columns": {"1": "new_members", "2": "dau"}}
    outcome = _apply(record)
    db.session.commit()
    assert outcome.ok and outcome.written == 4
    assert _values(db, community) == {
        ("new_members", date(2026, 10, 1)): 12, ("dau", date(2026, 10, 1)): 340,
        ("new_members", date(2026, 10, 2)): 8, ("dau", date(2026, 10, 2)): 352}
    assert record.status == ImportStatus.APPLIED
    assert (record.first_day, record.last_day) == (date(2026, 10, 1), date(2026, 10, 2))


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_stored(app, db, community):
    metric_service.upsert_values(community.id, [(date(2026, 9, 30), "dau", 300.0)], source="api")
    db.session.commit()
    record = _start(community, "日期,新增成员,活跃人数\n"
                               "2026-10-01,12,340\n"       # row 2: fine
                               "2026-10-32,8,352\n"        # row 3: no such day
                               "2026-10-03,八,360\n"       # row 4: not a number
                               "2026-10-04,5,-1\n"         # row 5: negative
                               "2026-10-01,7,355\n"        # row 6: same day as row 2
                               "2027-01-01,1,1\n")         # row 7: in the future
    outcome = _apply(record)
    db.session.commit()
    assert not outcome.ok
    found = {(e.row, e.code) for e in outcome.errors}
    assert found == {(3, "bad_date"), (4, "not_number"), (5, "negative"),
                     (6, "duplicate_date"), (7, "future_date")}
    duplicate = next(e for e in outcome.errors if e.code == "duplicate_date")
    assert duplicate.other == 2
    assert _values(db, community) == {("dau", date(2026, 9, 30)): 300.0}  # nothing new
    stored = db.session.get(MetricImport, record.id)
    assert stored.status == ImportStatus.FAILED and stored.error_count == 5
    assert metric_import.row_error_message(stored.errors[0])


def test_a_failed_file_can_be_mapped_again(app, db, community):
    record = _start(community, "日期,活跃人数,备注\n2026-10-01,340,好\n2026-10-02,352,一般\n")
    bad = _apply(record, columns={1: "dau", 2: "interactions"})
    db.session.commit()
    assert not bad.ok and {e.column for e in bad.errors} == {"备注"}
    good = _apply(record, columns={1: "dau"})
    db.session.commit()
    assert good.ok and len(_values(db, community)) == 2


def test_reimporting_overwrites_values_and_counts_unchanged_ones(app, db, community):
    _apply(_start(community, "日期,活跃人数\n2026-10-01,340\n2026-10-02,352\n"))
    db.session.commit()
    again = _apply(_start(community, "日期,活跃人数\n2026-10-01,340\n2026-10-02,400\n"))
    db.session.commit()
    assert (again.written, again.unchanged) == (1, 1)
    assert _values(db, community)[("dau", date(2026, 10, 2))] == 400
    assert db.session.execute(db.select(db.func.count(MetricValue.id))).scalar_one() == 2


def test_gbk_encoded_csv_from_chinese_excel_is_read(app, db, community):
    record = _start(community, "日期,活跃人数\n2026/10/1,340\n".encode("gb18030"))
    assert record.headers == ["日期", "活跃人数"]
    assert _apply(record).ok


def test_xlsx_with_real_dates_and_numbers_is_imported(app, db, community):
    from datetime import datetime

    data = xlsx_bytes([["日期", "阅读量", "点击量"],
                       [datetime(2026, 10, 1), 1200, 130],
                       [datetime(2026, 10, 2), 1340.0, None]])
    record = _start(community, data, filename="数据.xlsx")
    assert record.file_format == "xlsx"
    outcome = _apply(record)
    db.session.commit()
    assert outcome.ok and outcome.written == 3
    assert _values(db, community)[("clicks", date(2026, 10, 1))] == 130


@pytest.mark.parametrize("data, filename, code", [
    (b"", "a.csv", "empty_file"),
    (b"x" * (metric_import.MAX_IMPORT_BYTES + 1), "a.csv", "file_too_large"),
    ("日期,活跃人数\n".encode(), "a.csv", "no_rows"),
    ("日期\n2026-10-01\n".encode(), "a.csv", "too_few_columns"),
    (b"PK\x03\x04not really a zip", "a.xlsx", "bad_file"),
    (b"\xff\xfe\x00\x00", "a.xls", "bad_format"),
])
def test_unusable_files_are_refused_before_anything_is_kept(app, db, community, data,
                                                            filename, code):
    with pytest.raises(ServiceError) as caught:
        metric_import.start_import(community, filename=filename, data=data)
    assert caught.value.code == code
    assert db.session.execute(db.select(db.func.count(MetricImport.id))).scalar_one() == 0


def test_too_many_rows_are_refused(app, db, community):
    rows = "\n".join(f"2026-01-01,{i}" for i in range(metric_import.MAX_ROWS + 5))
    with pytest.raises(ServiceError) as caught:
        _start(community, "日期,活跃人数\n" + rows)
    assert caught.value.code == "too_many_rows"


@pytest.mark.parametrize("date_column, columns, code", [
    (None, {1: "dau"}, "no_date_column"), (0, {}, "no_metric_columns"),
    (0, {1: "dau", 2: "dau"}, "metric_twice"), (0, {1: "nope"}, "unknown_metric"),
])
def test_invalid_mappings_are_refused(app, db, community, date_column, columns, code):
    record = _start(community, "日期,活跃人数,消息数\n2026-10-01,340,12\n")
    with pytest.raises(ServiceError) as caught:
        metric_import.apply_import(record, date_column=date_column, columns=columns,
                                   today=TODAY)
    assert caught.value.code == code


def test_the_import_pages_map_columns_and_show_row_errors(app, client, db, login_as,
                                                          community):
    login_as("operator")
    upload = client.post("/c/photo/metrics/import", data={
        "file": (io.BytesIO("日期,活跃人数\n2026-10-01,340\n2026-10-02,很多\n".encode()),
                 "m.csv")}, content_type="multipart/form-data")
    assert upload.status_code == 302
    mapping_url = upload.headers["Location"]
    page = client.get(mapping_url).get_data(as_text=True)
    assert "活跃人数" in page and '<option selected value="dau">' in page
    result = client.post(mapping_url, data={"date_column": "0", "col_1": "dau"})
    html = result.get_data(as_text=True)
    assert "没有导入任何数据" in html and "不是数字" in html and "很多" in html
    assert db.session.execute(db.select(db.func.count(MetricValue.id))).scalar_one() == 0


def test_an_operator_can_discard_a_pending_import(app, client, db, login_as, community):
    login_as("operator")
    record = _start(community, "日期,活跃人数\n2026-10-01,340\n")
    db.session.commit()
    client.post(f"/c/photo/metrics/import/{record.id}/discard")
    db.session.refresh(record)
    assert record.status == ImportStatus.DISCARDED
    with pytest.raises(ServiceError, match="失效"):
        metric_import.load_table(record)  # the uploaded file is gone


def test_imports_are_isolated_between_communities(app, client, db, login_as, community,
                                                  other_community):
    record = _start(other_community, "日期,活跃人数\n2026-10-01,340\n")
    db.session.commit()
    login_as("operator")
    assert client.get(f"/c/photo/metrics/import/{record.id}").status_code == 404


def test_uploads_left_without_a_mapping_are_pruned_after_a_week(app, db, community):
    from datetime import timedelta

    from app.models import utcnow

    stale = _start(community, "日期,活跃人数\n2026-10-01,340\n")
    fresh = _start(community, "日期,活跃人数\n2026-10-02,341\n")
    stale.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert metric_import.prune_stale_uploads() == 1
    assert stale.status == ImportStatus.DISCARDED and fresh.status == ImportStatus.PENDING
    with pytest.raises(ServiceError):
        metric_import.load_table(stale)
    assert metric_import.load_table(fresh).rows


def test_the_csv_template_defuses_formula_like_metric_names(app, client, db, login_as,
                                                          community):
    metric_service.create_custom_metric(community, key="evil", name="=HYPERLINK(\"x\")")
    db.session.commit()
    login_as("operator")
    body = client.get("/c/photo/metrics/import/template.csv").get_data(as_text=True)
    assert body.startswith("\ufeff日期,")
    assert "'=HYPERLINK" in body


@pytest.mark.parametrize("text", ["2026-10-01", "2026/10/1", "2026年10月1日", "20261001",
                                  "２０２６－１０－０１", "2026年10月1日8:30",
                                  "2026-10-01T08:30+08:00"])
def test_every_date_reader_understands_the_same_spellings(text):
    from surveys.importing import parse_datetime
    from surveys.question_types.date import parse_date

    assert metric_import.parse_day(text) == date(2026, 10, 1)
    assert parse_date(text) == date(2026, 10, 1)
    assert parse_datetime(text).date() == date(2026, 10, 1)
