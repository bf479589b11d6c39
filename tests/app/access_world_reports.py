"""Metrics, reports and schedules for the access world (community A)."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import Report, ReportStatus
from app.services.metrics import importing as metric_import
from app.services.metrics import values as metric_service
from app.services.reports import documents as report_service
from app.services.reports import schedules as report_schedules
from app.storage import file_storage
from reports.context import Period
from tests.app.access_world import world_builder

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@world_builder
def metrics_and_reports(w) -> None:
    """A week of metric values, a custom metric, a pending import, a ready report with a
    PDF on disk, and a monthly schedule for the manager."""
    first = date(2026, 10, 1)
    metric_service.upsert_values(
        w.a.id, [(first + timedelta(days=i), "dau", 100 + i) for i in range(7)], source="api")
    w.custom_metric = metric_service.create_custom_metric(w.a, key="checkins", name="打卡")
    w.metric_import = metric_import.start_import(
        w.a, filename="metrics.csv", data="日期,活跃人数\n2026-10-08,120\n".encode())
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    w.report = report_service.create_report(
        w.a, period_kind="custom", period=period, previous_period=period.previous(),
        sections=["summary"])
    w.report.status = ReportStatus.READY.value
    w.report.pdf_name = f"{w.report.id}-world.pdf"
    file_storage().put(report_service.pdf_key(w.report), TINY_PDF,
                       content_type="application/pdf", community_id=w.a.id)
    w.schedule = report_schedules.save_schedule(
        w.a, cadence="monthly", send_day=1, send_hour=9, sections=["summary"],
        recipient_ids=[w.users["manager"].id])
    assert isinstance(w.report, Report)
