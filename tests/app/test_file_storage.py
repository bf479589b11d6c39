"""The file storage (``app.storage``): the same contract on local disk and in the database,
and every file the app keeps (report PDFs, suggestion images, uploads waiting for their
mapping) stored, served and deleted through it with either backend."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from pathlib import Path

import pytest

from app.config import ConfigError, from_environment
from app.models import Report, ReportStatus, StoredFile, Suggestion, SuggestionImage
from app.services.metrics import importing as metric_import
from app.services.reports import documents as report_service
from app.services.suggestions import triage
from app.services.surveys import importing as import_service
from app.storage import DatabaseStorage, FileMissing, LocalStorage, check_key, file_storage
from reports.context import Period
from tests.app.surveys.helpers import SKIP_SURVEY
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import image_bytes

STORAGES = ("local", "database")


@pytest.fixture(params=STORAGES)
def app_config(request):
    return {"FILE_STORAGE": request.param}


@pytest.fixture
def storage(app, tmp_path):
    """The configured backend; on disk in a folder of its own, so listings see only what
    the test stored."""
    if app.config["FILE_STORAGE"] == "local":
        return LocalStorage(tmp_path)
    return file_storage()


def _on_disk(app, key: str) -> bool:
    return (Path(app.instance_path) / key).is_file()


def _rows(db) -> list[str]:
    return list(db.session.execute(db.select(StoredFile.key).order_by(StoredFile.key)).scalars())


# --- the contract ----------------------------------------------------------------------------


def test_the_configured_backend_is_used(app):
    expected = {"local": LocalStorage, "database": DatabaseStorage}[app.config["FILE_STORAGE"]]
    assert isinstance(file_storage(), expected)


def test_put_get_open_exists_delete(app, db, community, storage):
    data = bytes(range(256)) * 40  # binary, with NUL bytes
    info = storage.put("reports/1/a.pdf", data, content_type="application/pdf",
                       community_id=community.id)
    db.session.commit()
    assert info.size == len(data)
    assert storage.exists("reports/1/a.pdf") and not storage.exists("reports/1/b.pdf")
    assert storage.get("reports/1/a.pdf") == data
    with storage.open("reports/1/a.pdf") as handle:
        assert handle.read() == data
    storage.put("reports/1/a.pdf", b"second", content_type="application/pdf")
    db.session.commit()
    assert storage.get("reports/1/a.pdf") == b"second"
    storage.delete("reports/1/a.pdf")
    storage.delete("reports/1/a.pdf")  # deleting what is gone is fine
    db.session.commit()
    assert not storage.exists("reports/1/a.pdf")
    with pytest.raises(FileMissing):
        storage.get("reports/1/a.pdf")
    with pytest.raises(FileMissing):
        storage.open("reports/1/a.pdf")


def test_listing_by_prefix_does_not_mix_similar_prefixes(app, db, storage):
    for key in ("reports/1/x.pdf", "reports/10/y.pdf", "reports/1_/z.pdf",
                "uploads/suggestions/1/i.png"):
        storage.put(key, b"x", content_type="application/octet-stream")
    db.session.commit()
    assert [f.key for f in storage.list("reports/1/")] == ["reports/1/x.pdf"]
    assert [f.key for f in storage.list("reports/")] == [
        "reports/1/x.pdf", "reports/10/y.pdf", "reports/1_/z.pdf"]
    assert [f.key for f in storage.list("uploads/")] == ["uploads/suggestions/1/i.png"]
    assert all(f.size == 1 and f.created_at is not None for f in storage.list("reports/"))


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../secret", "reports/../../x", "a//b",
                                 "reports/.hidden", "reports\\x.pdf", "reports/x.", "a/ b",
                                 "x" * 201])
def test_unsafe_keys_are_refused(app, storage, key):
    with pytest.raises(ValueError):
        check_key(key)
    with pytest.raises(ValueError):
        storage.put(key, b"x", content_type="text/plain")
    with pytest.raises(ValueError):
        storage.get(key)


def test_a_database_file_is_rolled_back_with_its_transaction(app, db):
    storage = DatabaseStorage()
    storage.put("uploads/metric-imports/1-x.csv", b"a,b", content_type="text/csv")
    db.session.rollback()
    assert not storage.exists("uploads/metric-imports/1-x.csv")
    storage.put("uploads/metric-imports/1-x.csv", b"a,b", content_type="text/csv")
    db.session.commit()
    row = db.session.execute(db.select(StoredFile)).scalar_one()
    assert (row.size, row.sha256, row.content_type) == (
        3, hashlib.sha256(b"a,b").hexdigest(), "text/csv")


def test_local_writes_leave_no_temporary_files(app, tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put("reports/2/r.pdf", b"%PDF", content_type="application/pdf")
    assert sorted(p.name for p in (tmp_path / "reports" / "2").iterdir()) == ["r.pdf"]
    (tmp_path / "reports" / "2" / ".r2.pdf.abcd.tmp").write_bytes(b"half")  # a write under way
    assert [f.key for f in storage.list("reports/")] == ["reports/2/r.pdf"]


def test_file_storage_setting_is_checked():
    assert from_environment({"FILE_STORAGE": "DATABASE"})["FILE_STORAGE"] == "database"
    assert from_environment({})["FILE_STORAGE"] == "local"
    with pytest.raises(ConfigError, match="FILE_STORAGE"):
        from_environment({"FILE_STORAGE": "s3"})


# --- the app's files -------------------------------------------------------------------------


def _where(app, db, key: str) -> str:
    """Where a key's file lives: on this machine's disk or in the database (never both)."""
    on_disk, in_db = _on_disk(app, key), key in _rows(db)
    assert not (on_disk and in_db)
    return "local" if on_disk else "database" if in_db else "nowhere"


def test_a_rendered_report_is_stored_downloaded_and_deleted(app, db, client, community):
    backend = app.config["FILE_STORAGE"]
    manager = make_member(community, "manager")
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    report = report_service.create_report(community, period_kind="custom", period=period,
                                          previous_period=period.previous(), sections=[])
    db.session.commit()
    report_service.enqueue_generation(report)
    db.session.refresh(report)
    assert report.status == ReportStatus.READY, report.error
    key = report_service.pdf_key(report)
    assert _where(app, db, key) == backend
    sign_in(client, manager)
    response = client.get(f"/c/{community.slug}/reports/{report.id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.data == report_service.pdf_bytes(report)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    report_id = report.id
    response = client.post(f"/c/{community.slug}/reports/{report_id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Report, report_id) is None
    assert _where(app, db, key) == "nowhere"


def test_a_report_whose_file_is_gone_answers_404(app, db, client, community, storage):
    manager = make_member(community, "manager")
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    report = report_service.create_report(community, period_kind="custom", period=period,
                                          previous_period=period.previous(), sections=[])
    report.status, report.pdf_name = ReportStatus.READY.value, "1-gone.pdf"
    db.session.commit()
    sign_in(client, manager)
    assert client.get(f"/c/{community.slug}/reports/{report.id}/pdf").status_code == 404
    assert report_service.pdf_bytes(report) is None


def test_suggestion_images_are_stored_served_and_deleted_with_their_suggestion(
        app, db, client, community):
    backend = app.config["FILE_STORAGE"]
    member = make_member(community, "member")
    operator = make_member(community, "operator")
    db.session.commit()
    sign_in(client, member)
    png = image_bytes("PNG", size=(40, 30))
    response = client.post(f"/c/{community.slug}/box", data={
        "content": "报名页面打不开，截图如下", "category": "技术与体验",
        "images": [(io.BytesIO(png), "shot.png")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    image = db.session.execute(db.select(SuggestionImage)).scalar_one()
    key = f"uploads/suggestions/{community.id}/{image.stored_name}"
    assert _where(app, db, key) == backend
    sign_in(client, operator)
    served = client.get(f"/c/{community.slug}/s/{image.suggestion_id}/images/{image.id}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.data == file_storage().get(key)
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    triage.delete(db.session.get(Suggestion, image.suggestion_id), actor=operator)
    db.session.commit()
    assert _where(app, db, key) == "nowhere"


def test_a_metric_upload_waits_in_the_storage_until_it_is_applied(app, db, client, community):
    backend = app.config["FILE_STORAGE"]
    record = metric_import.start_import(community, filename="m.csv",
                                        data="日期,活跃人数\n2026-10-01,340\n".encode())
    db.session.commit()
    key = metric_import.stored_key(record)
    assert _where(app, db, key) == backend
    assert metric_import.load_table(record).rows == [["2026-10-01", "340"]]
    sign_in(client, make_member(community, "operator"))
    db.session.commit()
    response = client.post(f"/c/{community.slug}/metrics/import/{record.id}", data={
        "date_column": "0", "col_1": "dau"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert _where(app, db, key) == "nowhere"


def test_a_discarded_metric_upload_deletes_its_file(app, db, client, community):
    record = metric_import.start_import(community, filename="m.csv",
                                        data="日期,活跃人数\n2026-10-01,340\n".encode())
    db.session.commit()
    key = metric_import.stored_key(record)
    sign_in(client, make_member(community, "operator"))
    db.session.commit()
    response = client.post(f"/c/{community.slug}/metrics/import/{record.id}/discard")
    assert response.status_code == 302
    db.session.expire_all()
    assert _where(app, db, key) == "nowhere"


def test_a_survey_upload_waits_in_the_storage_and_goes_with_its_survey(app, db, community):
    from app.services.surveys import lifecycle as survey_service
    from tests.factories import make_survey

    backend = app.config["FILE_STORAGE"]
    survey = make_survey(community, SKIP_SURVEY)
    imp = import_service.upload(survey, "问题\n好\n".encode(), "a.csv", actor=None)
    db.session.commit()
    assert imp.data is None and _where(app, db, imp.file_key) == backend
    assert import_service.has_file(imp) and import_service.file_bytes(imp) == "问题\n好\n".encode()
    key = imp.file_key
    survey_service.delete_survey(survey, actor=None)
    db.session.commit()
    assert _where(app, db, key) == "nowhere"


def test_orphaned_report_files_are_pruned_on_either_backend(app, db, community):
    storage = file_storage()
    storage.put(f"reports/{community.id}/orphan.pdf", b"%PDF", content_type="application/pdf")
    db.session.commit()
    assert report_service.prune_orphaned_files(min_age_s=0) >= 1  # earlier tests leave some
    db.session.commit()
    assert not storage.exists(f"reports/{community.id}/orphan.pdf")


# --- switching backends ----------------------------------------------------------------------


def test_copying_files_to_the_other_backend_keeps_keys_bytes_and_communities(
        app, db, community, tmp_path):
    from app.storage.transfer import community_of, copy_files

    if app.config["FILE_STORAGE"] != "local":
        pytest.skip("the copy does not depend on the configured backend")
    disk, database = LocalStorage(tmp_path), DatabaseStorage()
    files = {f"reports/{community.id}/3-ab.pdf": b"%PDF-1.7 a",
             f"uploads/suggestions/{community.id}/cd.png": image_bytes("PNG"),
             f"uploads/metric-imports/{community.id}-ef.csv": "日期,活跃人数\n".encode(),
             "reports/9999/7-gone.pdf": b"%PDF of a deleted community"}
    for key, data in files.items():
        disk.put(key, data, content_type="application/octet-stream")
    database.put(f"reports/{community.id}/3-ab.pdf", b"%PDF-1.7 a",
                 content_type="application/pdf", community_id=community.id)
    db.session.commit()
    assert copy_files(disk, database) == (3, 1)
    assert {key: database.get(key) for key in files} == files
    rows = dict(db.session.execute(db.select(StoredFile.key, StoredFile.community_id)).all())
    assert rows == {f"reports/{community.id}/3-ab.pdf": community.id,
                    f"uploads/suggestions/{community.id}/cd.png": community.id,
                    f"uploads/metric-imports/{community.id}-ef.csv": community.id,
                    "reports/9999/7-gone.pdf": None}
    content_types = dict(db.session.execute(
        db.select(StoredFile.key, StoredFile.content_type)).all())
    assert content_types[f"uploads/suggestions/{community.id}/cd.png"] == "image/png"
    assert copy_files(disk, database) == (0, 4)
    back = LocalStorage(tmp_path / "back")
    assert copy_files(database, back) == (4, 0)
    assert {key: back.get(key) for key in files} == files
    assert community_of("uploads/survey-imports/5/2-x.csv") == 5
    assert community_of("elsewhere/5/x") is None


def test_the_copy_command_reports_what_it_copied(app, db, community):
    if app.config["FILE_STORAGE"] != "local":
        pytest.skip("the copy does not depend on the configured backend")
    key = f"uploads/suggestions/{community.id}/copied-by-the-command.png"
    file_storage().put(key, image_bytes("PNG"), content_type="image/png")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["files", "copy", "--from", "local", "--to", "database"])
    assert result.exit_code == 0, result.output
    assert re.search(r"copied [1-9]\d* file\(s\) from local to database; 0 already there",
                     result.output)
    assert DatabaseStorage().exists(key)
    file_storage().delete(key)
    result = runner.invoke(args=["files", "copy", "--from", "local", "--to", "local"])
    assert result.exit_code != 0 and "must differ" in result.output
