"""Demo step: two monthly improvement reports in the archive (the later one follows up on the
earlier one's recommendations) and a monthly schedule for the manager.

It runs last, so that the reports read every source the other steps have loaded.
"""

from __future__ import annotations

from app.demo import DemoContext, demo_step
from app.extensions import db
from app.services.reports import documents as report_service
from app.services.reports import schedules as report_schedules


@demo_step(900, "improvement report and schedule")
def load_report(ctx: DemoContext) -> None:
    """Render the reports (PDF) of the month before last and of last month, and schedule one
    every month for the manager."""
    manager = ctx.staff["manager"]
    today = ctx.at(180).date()
    period, previous = report_service.resolve_period("last_month", today)
    earlier, before = report_service.resolve_period("last_month", period.start)
    for report_period, compared in ((earlier, before), (period, previous)):
        report = report_service.create_report(
            ctx.community, period_kind="last_month", period=report_period,
            previous_period=compared, sections=report_service.clean_sections(None),
            actor=manager)
        report_service.render_into(report)
        db.session.flush()  # the later report finds the earlier one to follow up on
    report_schedules.save_schedule(
        ctx.community, cadence="monthly", send_day=1, send_hour=9,
        sections=report_service.clean_sections(None), recipient_ids=[manager.id],
        actor=ctx.staff["admin"])
    ctx.notes["demo_report_id"] = report.id
