"""Report builder, preview, PDF generation as a job, archive, downloads and render limits."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import date, timedelta

import pytest

from app.models import JobRun, JobState, Report, ReportStatus
from app.services.metrics import values as metric_service
from app.services.reports import documents as report_service
from app.storage import file_storage
from reports.context import Period
from tests.factories import make_member
from tests.factories_reports import (
    install_theme_provider,
    ranking_themes,
    seed_report_community,
    theme_input,
)

PERIOD_DAYS = 28


@pytest.fixture
def themes(monkeypatch):
    found: list = []
    install_theme_provider(monkeypatch, found)
    return found


@pytest.fixture
def seeded(db, community, themes):
    """A community with 240 days of flat metrics and three ranked themes; the period is
    the 28 days up to yesterday."""
    end = metric_service.local_today(community) - timedelta(days=1)
    first = seed_report_community(community, end)
    start = end - timedelta(days=PERIOD_DAYS - 1)
    themes.extend(ranking_themes(first, start, (end - first).days + 1))
    db.session.commit()
    return Period(start, end)


def _custom(period: Period) -> dict:
    return {"period": "custom", "start": period.start.isoformat(),
            "end": period.end.isoformat()}


@pytest.mark.parametrize("kind, today, expected, previous", [
    ("last_week", date(2026, 11, 25), (date(2026, 11, 16), date(2026, 11, 22)),
     (date(2026, 11, 9), date(2026, 11, 15))),
    ("this_week", date(2026, 11, 25), (date(2026, 11, 23), date(2026, 11, 25)),
     (date(2026, 11, 16), date(2026, 11, 18))),
    ("last_month", date(2026, 3, 10), (date(2026, 2, 1), date(2026, 2, 28)),
     (date(2026, 1, 1), date(2026, 1, 31))),
    ("this_month", date(2026, 3, 31), (date(2026, 3, 1), date(2026, 3, 31)),
     (date(2026, 2, 1), date(2026, 2, 28))),
    ("last_month", date(2026, 1, 5), (date(2025, 12, 1), date(2025, 12, 31)),
     (date(2025, 11, 1), date(2025, 11, 30))),
])
def test_report_periods_are_calendar_weeks_and_months(kind, today, expected, previous):
    period, before = report_service.resolve_period(kind, today)
    assert (period.start, period.end) == expected
    assert (before.start, before.end) == previous


def test_custom_periods_are_checked():
    from app.services.errors import ServiceError

    today = date(2026, 11, 24)
    with pytest.raises(ServiceError):
        report_service.resolve_period("custom", today, date(2026, 10, 5), date(2026, 10, 1))
    with pytest.raises(ServiceError):
        report_service.resolve_period("custom", today, date(2026, 11, 1), date(2026, 11, 30))
    period, before = report_service.resolve_period("custom", today, date(2026, 10, 1),
                                                   date(2026, 10, 10))
    assert (before.start, before.end) == (date(2026, 9, 21), date(2026, 9, 30))


def test_the_priority_ranking_is_shown_in_report_order(app, db, community, seeded):
    assembled = report_service.assemble(community, seeded, seeded.previous())
    ranked = [r.theme_name for r in assembled.context.recommendations.items]
    assert ranked == ["广告刷屏", "积分兑换", "干货分享"]
    scores = [round(r.priority.score, 1) for r in assembled.context.recommendations.items]
    assert scores == [90.0, 20.0, 15.0]  # 100·V·N·G
    html = report_service.preview_html(assembled, ["recommendations"], "/report-assets/")
    section = html[html.index('id="sec-recommendations"'):]
    positions = [section.index(name) for name in ranked]
    assert positions == sorted(positions)
    assert "优先级 = 100 × V × N × G" in section


def test_the_builder_opens_without_analysing_and_its_outline_marks_sections_without_data(
        app, client, db, login_as, community, monkeypatch):
    login_as("manager")
    calls = []
    real = report_service.assemble
    monkeypatch.setattr(report_service, "assemble",
                        lambda *a, **kw: calls.append(a) or real(*a, **kw))
    html = client.get("/c/photo/reports/new").get_data(as_text=True)
    assert calls == []  # the page itself never analyses the data
    assert 'id="preview-status"' in html and "js/report-builder.js" in html
    outline_url = re.search(r'data-outline-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    outline = client.get(outline_url)
    assert outline.status_code == 200 and len(calls) == 1
    data = outline.get_json()
    assert data["ok"] and "metrics" in data["no_data"] and data["actions"] == []
    preview = client.get(data["preview_url"])
    assert preview.status_code == 200 and len(calls) == 1  # the prepared preview, once
    csp = preview.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src" not in csp
    assert "frame-ancestors 'self'" in csp and preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    body = preview.get_data(as_text=True)
    css = re.search(r"<style>(.*?)</style>", body, re.S).group(1)
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "<script" not in body
    # a prepared preview is served once; asked again, it is rendered again
    assert client.get(data["preview_url"]).status_code == 200 and len(calls) == 2
    bad = client.get("/c/photo/reports/new/outline?period=custom&start=2026-10-05")
    assert bad.status_code == 400 and bad.get_json()["ok"] is False
    assert "开始和结束日期" in bad.get_json()["error"]


def test_preview_shows_the_chosen_sections_only(app, client, db, login_as, community, seeded):
    login_as("manager")
    query = {**_custom(seeded), "sections": ["themes", "recommendations"]}
    body = client.get("/c/photo/reports/preview", query_string=query).get_data(as_text=True)
    assert 'id="sec-themes"' in body and 'id="sec-recommendations"' in body
    assert 'id="sec-metrics"' not in body
    assert "/report-assets/logo.svg" in body


def _pdf_text(pdf: bytes | None) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert pdf is not None, "the report has no stored PDF"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run([tool, "-layout", handle.name, "-"], capture_output=True, text=True,
                              check=True).stdout


def test_generating_from_the_builder_makes_a_pdf_with_the_seeded_numbers(
        app, client, db, login_as, community, seeded, other_community):
    manager = login_as("manager")
    response = client.post("/c/photo/reports/new", data={
        **_custom(seeded), "action": "generate", "community": "photo",
        "sections": ["summary", "metrics", "themes", "recommendations", "methods"]})
    assert response.status_code == 302
    report = db.session.execute(db.select(Report)).scalar_one()
    db.session.refresh(report)
    assert report.status == ReportStatus.READY, report.error
    assert report.requested_by_id == manager.id and report.page_count >= 5
    run = db.session.execute(db.select(JobRun)).scalar_one()
    assert (run.state, run.progress) == (JobState.SUCCEEDED, 1.0)
    text = _pdf_text(report_service.pdf_bytes(report))
    for heading in ("执行摘要", "社群指标", "热点主题", "改进建议", "方法与说明", "光影同行"):
        assert heading in text
    assert "336" in text          # 12 new members a day over 28 days
    assert "280" in text          # 广告刷屏: 10 items a day over 28 days
    # pages whose running header names the recommendations section
    recs = "".join(page for page in text.split("\f")
                   if page.strip() and page.strip().splitlines()[0].rstrip().endswith("改进建议"))
    assert recs.index("广告刷屏") < recs.index("积分兑换") < recs.index("干货分享")
    # the stored context is what the next report follows up
    assert '"recommendations"' in report.context_json

    download = client.get(f"/c/photo/reports/{report.id}/pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "private, no-store"
    status = client.get(f"/c/photo/reports/{report.id}/status").get_json()
    assert status["ready"] and status["download_url"].endswith("/pdf")
    # A finished report shows its state, not the job's last step.
    run.progress_message = "正在保存"
    db.session.commit()
    page = client.get(f"/c/photo/reports/{report.id}").get_data(as_text=True)
    assert "已生成" in page and "正在保存" not in page

    login_as("operator")
    assert client.get(f"/c/photo/reports/{report.id}/pdf").status_code == 403
    login_as("manager", target=other_community)
    assert client.get(f"/c/photo/reports/{report.id}/pdf").status_code == 404
    assert client.get(f"/c/other/reports/{report.id}/pdf").status_code == 404


def test_the_next_report_follows_up_on_the_previous_one(app, db, community, seeded):
    previous_period = seeded.previous()
    first = report_service.assemble(community, previous_period, previous_period.previous())
    assert first.context.recommendations.items
    stored = report_service.create_report(
        community, period_kind="custom", period=previous_period,
        previous_period=previous_period.previous(), sections=[])
    stored.status, stored.context_json = ReportStatus.READY.value, first.context.to_json()
    db.session.commit()
    following = report_service.assemble(community, seeded, previous_period)
    follow_up = following.context.follow_up
    assert follow_up is not None and follow_up.previous_period == previous_period
    assert [i.theme_key for i in follow_up.items] == [
        r.theme_key for r in first.context.recommendations.items]
    assert "followup" in following.available()


def test_hostile_theme_names_and_quotes_are_escaped_and_clipped(app, db, community, themes):
    from reports.context import Quote

    end = metric_service.local_today(community) - timedelta(days=1)
    first = end - timedelta(days=59)
    name = "<div>" * 5000 + "x" * 100_000
    quote = Quote("<b>" * 10_000 + "广告" * 50_000, "意见箱")
    themes.append(theme_input("evil", name, first, [5] * 60, quotes=[quote]))
    db.session.commit()
    period = Period(end - timedelta(days=27), end)
    assembled = report_service.assemble(community, period, period.previous())
    html = report_service.preview_html(assembled, ["themes"], "/report-assets/")
    assert "<div><div>" not in html and "<b><b>" not in html
    assert "&lt;div&gt;" in html
    assert len(html) < 400_000  # the 100k-character name and the quote were cut


@pytest.mark.parametrize("config, message", [
    ({"REPORT_MAX_HTML_BYTES": 2000}, "超出大小或层级限制"),
    ({"REPORT_RENDER_TIMEOUT": 0.001}, "报告生成超时"),
])
def test_a_report_that_hits_a_render_limit_fails_cleanly_without_retrying(
        app, db, community, config, message):
    app.config.update(config)
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    report = report_service.create_report(community, period_kind="custom", period=period,
                                          previous_period=period.previous(), sections=[])
    db.session.commit()
    report_service.enqueue_generation(report)
    db.session.refresh(report)
    assert report.status == ReportStatus.FAILED
    assert message in report.error
    run = db.session.execute(db.select(JobRun)).scalar_one()
    assert run.state == JobState.FAILED and run.attempts == 1
    assert message in run.error
    assert report_service.pdf_bytes(report) is None


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1:9/logo.png",
    "http://localhost/logo.png",
    "http://169.254.169.254/latest/meta-data",
    "https://example.com/tracker.png",
])
def test_the_app_renderer_refuses_resources_outside_the_report(app, url):
    html = f'<html><body><p>报告</p><img src="{url}"></body></html>'
    with pytest.raises(report_service.ReportFailed) as caught:
        report_service.render_document(html)
    assert caught.value.code == "URLRefusedError"
    assert "不允许的外部资源" in caught.value.message


def test_a_failed_report_can_be_generated_again(app, client, db, login_as, community):
    login_as("manager")
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    report = report_service.create_report(community, period_kind="custom", period=period,
                                          previous_period=period.previous(), sections=[])
    report.status, report.error = ReportStatus.FAILED.value, "报告生成失败。"
    db.session.commit()
    page = client.get(f"/c/photo/reports/{report.id}").get_data(as_text=True)
    assert "报告生成失败。" in page and "重新生成" in page
    app.config["REPORT_MAX_HTML_BYTES"] = 1000
    client.post(f"/c/photo/reports/{report.id}/retry")
    db.session.refresh(report)
    assert report.status == ReportStatus.FAILED and "超出大小" in report.error


def test_a_report_in_progress_refreshes_itself_without_javascript(app, client, db, login_as,
                                                                  community):
    login_as("manager")
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    report = report_service.create_report(community, period_kind="custom", period=period,
                                          previous_period=period.previous(), sections=[])
    db.session.commit()
    page = client.get(f"/c/photo/reports/{report.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh"' in page
    assert 'data-status-url="/c/photo/reports/' in page and "js/reports.js" in page
    status = client.get(f"/c/photo/reports/{report.id}/status").get_json()
    assert status["status"] == "queued" and not status["finished"]


def test_my_reports_lists_only_communities_i_manage(app, client, db, community,
                                                   other_community):
    from tests.conftest import sign_in

    manager = make_member(community, "manager")
    make_member(other_community, "operator", user=manager)
    for c in (community, other_community):
        period = Period(date(2026, 9, 1), date(2026, 9, 30))
        r = report_service.create_report(c, period_kind="custom", period=period,
                                         previous_period=period.previous(), sections=[])
        r.title = f"{c.name}的报告"
    db.session.commit()
    sign_in(client, manager)
    html = client.get("/reports").get_data(as_text=True)
    assert "光影同行的报告" in html and "另一个社群的报告" not in html


@pytest.mark.real_clock
def test_pdfs_that_no_report_refers_to_are_pruned(app, db, community):
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    report = report_service.create_report(community, period_kind="custom", period=period,
                                          previous_period=period.previous(), sections=[])
    report.pdf_name = "kept.pdf"
    db.session.commit()
    storage = file_storage()
    for key in (f"reports/{community.id}/kept.pdf", f"reports/{community.id}/orphan.pdf",
                f"reports/{community.id + 999}/old.pdf"):
        storage.put(key, b"%PDF", content_type="application/pdf")
    db.session.commit()
    assert report_service.prune_orphaned_files() == 0  # too young: may be a render finishing
    assert report_service.prune_orphaned_files(min_age_s=0) >= 2  # earlier tests leave some
    db.session.commit()
    assert [f.key for f in storage.list(f"reports/{community.id}/")] == [
        f"reports/{community.id}/kept.pdf"]
    assert not storage.exists(f"reports/{community.id + 999}/old.pdf")
