"""Demo step: an improvement report in the archive and a monthly schedule for the manager.

It runs last, so that the report reads every source the other steps have loaded.
"""

from __future__ import annotations

from app.demo import DemoContext, demo_step
from app.services import report_schedules
from app.services import reports as report_service


@demo_step(900, "improvement report and schedule")
def load_report(ctx: DemoContext) -> None:
    """Render last month's report (PDF) and schedule one every month for the manager."""
    manager = ctx.staff["manager"]
    today = ctx.at(180).date()
    period, previous = report_service.resolve_period("last_month", today)
    report = report_service.create_report(
        ctx.community, period_kind="last_month", period=period, previous_period=previous,
        sections=report_service.clean_sections(None), actor=manager)
    report_service.render_into(report)
    report_schedules.save_schedule(
        ctx.community, cadence="monthly", send_day=1, send_hour=9,
        sections=report_service.clean_sections(None), recipient_ids=[manager.id],
        actor=ctx.staff["admin"])
    ctx.notes["demo_report_id"] = report.id
