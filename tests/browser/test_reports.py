"""A manager reads the metrics, previews a report, generates its PDF and watches a report in
progress finish (the status is polled by JavaScript)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(live_app):
    from app.demo.steps.metrics import demo_series
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from app.services.metrics import values as metric_service

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community(
            "光影同行摄影社群", "photo", actor=admin,
            description="每周直播课、作业打卡和线下约拍。")
        user = accounts.create_user("wang@example.org", "manager-password-1",
                                    display_name="王主理")
        accounts.add_member(community, user, "manager", actor=admin)
        metric_service.create_custom_metric(community, key="checkins", name="作业打卡",
                                            unit="人次")
        first = metric_service.local_today(community) - timedelta(days=180)
        series = demo_series(first)
        metric_service.upsert_values(
            community.id, [(first + timedelta(days=i), key, value)
                           for key, values in series.items() for i, value in enumerate(values)],
            source="api")
        db.session.commit()
    return {"email": "wang@example.org", "password": "manager-password-1"}


def _sign_in(page, live_server, who):
    page.goto(live_server.url + "/auth/login")
    page.get_by_label("邮箱").fill(who["email"])
    page.get_by_label("密码").fill(who["password"])
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + "/c/photo/")


def test_manager_reads_metrics_and_generates_a_report(page, live_server, manager):
    _sign_in(page, live_server, manager)
    nav = page.get_by_role("navigation", name="社群导航")
    nav.get_by_role("link", name="数据").click()
    expect(page.get_by_role("heading", name="社群数据")).to_be_visible()
    expect(page.locator("#chart-active svg")).to_be_visible()
    expect(page.get_by_text("点击率").first).to_be_visible()

    nav.get_by_role("link", name="改进报告").click()
    page.get_by_role("link", name="生成报告").first.click()
    expect(page.get_by_role("heading", name="生成改进报告")).to_be_visible()
    frame = page.frame_locator("iframe.report-preview")
    expect(frame.get_by_role("heading", name="社群指标")).to_be_visible()
    # only the sections without data say so: there are metrics but no surveys
    expect(page.locator('[data-section="surveys"]').get_by_text("本期无数据，不会出现在报告中")
           ).to_be_visible()
    expect(page.locator('[data-section="metrics"] .badge')).to_be_hidden()
    page.wait_for_timeout(500)

    page.get_by_role("button", name="生成 PDF").click()
    expect(page.get_by_text("已生成").first).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert open(download.path(), "rb").read(4) == b"%PDF"


def test_a_report_in_progress_updates_without_reloading_by_hand(page, live_server, live_app,
                                                                manager):
    from app.extensions import db
    from app.models import Community, Report, ReportStatus
    from app.services.metrics import values as metric_service
    from app.services.reports import documents as report_service
    from app.storage import file_storage

    with live_app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        period, _previous = report_service.resolve_period(
            "last_week", metric_service.local_today(community))
        report = report_service.create_report(community, period_kind="last_week",
                                              period=period, previous_period=period.previous(),
                                              sections=["summary"])
        db.session.commit()
        report_id = report.id
    _sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/c/photo/reports/{report_id}")
    expect(page.locator("#status-progress")).to_be_visible()
    with live_app.app_context():
        report = db.session.get(Report, report_id)
        report.status = ReportStatus.READY.value
        report.pdf_name = f"{report_id}-browser.pdf"
        file_storage().put(report_service.pdf_key(report), b"%PDF-1.4\n%%EOF\n",
                           content_type="application/pdf")
        db.session.commit()
    expect(page.get_by_role("link", name="下载 PDF")).to_be_visible(timeout=15_000)
