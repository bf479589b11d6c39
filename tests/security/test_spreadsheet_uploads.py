"""Spreadsheet bombs at the upload pages, and the mapping pages' preview read once (issue 15,
item 2): a small XLSX file that unpacks into millions of shared strings or cells is refused at
once with the limit it broke, and a mapping page never reads the file again."""

from __future__ import annotations

import io
import time

import pytest

from app.models import MetricImport, SurveyImport
from app.services.metrics import importing as metric_import
from app.services.surveys import importing as survey_import
from surveys.spreadsheet import SheetError
from tests.factories import make_survey
from tests.xlsx_bombs import one_row_of_cells, shared_strings, xlsx

SURVEY = {"schema_version": 1, "title": "导入", "pages": [{"id": "p1", "title": "一", "questions": [
    {"id": "nps", "type": "nps", "title": "推荐意愿"},
    {"id": "say", "type": "long_text", "title": "想说的话"}]}]}
CSV = "序号,推荐意愿,想说的话\n1,9,很好\n2,3,太卡了\n".encode()


@pytest.fixture
def survey(db, community):
    made = make_survey(community, SURVEY)
    db.session.commit()
    return made


def _upload(client, url, data, name, **fields):
    return client.post(url, data={"file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def test_a_shared_strings_bomb_is_refused_at_the_survey_upload_with_its_real_limit(
        client, db, community, login_as, survey):
    login_as("operator")
    bomb = xlsx({"xl/sharedStrings.xml": shared_strings(11_000_000)})
    assert len(bomb) < 500 * 1024
    started = time.monotonic()
    page = _upload(client, f"/c/{community.slug}/surveys/{survey.id}/import", bomb,
                   "回答.xlsx").get_data(as_text=True)
    assert time.monotonic() - started < 5
    assert "共享字符串超过 500,000 个" in page
    assert "文件超过 10 MB" not in page and "文件过大" not in page
    assert db.session.execute(db.select(db.func.count(SurveyImport.id))).scalar_one() == 0


def test_a_cell_bomb_is_refused_at_the_metrics_upload_with_its_real_limit(
        client, db, community, login_as):
    login_as("operator")
    bomb = xlsx({"xl/worksheets/sheet1.xml": one_row_of_cells(2_000_000)})
    assert len(bomb) < 120 * 1024
    started = time.monotonic()
    page = _upload(client, f"/c/{community.slug}/metrics/import", bomb,
                   "数据.xlsx").get_data(as_text=True)
    assert time.monotonic() - started < 5
    assert "单元格过多（超过 300,000 个）" in page
    assert "最大 5 MB）" not in page  # the old message named the file size for any refusal
    assert db.session.execute(db.select(db.func.count(MetricImport.id))).scalar_one() == 0


def _unreadable(*_args, **_kwargs):
    raise SheetError("unreadable_file", reason="read again")


def test_the_survey_mapping_page_shows_the_preview_kept_on_upload(
        client, db, community, login_as, survey, monkeypatch):
    login_as("operator")
    upload = _upload(client, f"/c/{community.slug}/surveys/{survey.id}/import", CSV, "a.csv")
    assert upload.status_code == 302
    monkeypatch.setattr(survey_import.domain, "read_sheet", _unreadable)
    for _ in range(2):
        page = client.get(upload.headers["Location"])
        assert page.status_code == 200 and "太卡了" in page.get_data(as_text=True)


def test_the_metrics_mapping_page_shows_the_preview_kept_on_upload(
        client, db, community, login_as, monkeypatch):
    login_as("operator")
    upload = _upload(client, f"/c/{community.slug}/metrics/import",
                     "日期,活跃人数\n2026-10-01,812\n2026-10-02,790\n".encode(), "m.csv")
    assert upload.status_code == 302
    monkeypatch.setattr(metric_import.domain, "read_sheet", _unreadable)
    for _ in range(2):
        page = client.get(upload.headers["Location"]).get_data(as_text=True)
        assert "790" in page and "read again" not in page
