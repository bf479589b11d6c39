"""Report jobs: generating a report's PDF, delivering scheduled reports by e-mail, the
periodic check for due schedules, and the nightly clean-up of stale uploads and orphaned
PDFs."""

from __future__ import annotations

from huey import crontab

from app.extensions import db
from app.models import JobRun
from app.services import job_leases
from app.tasks.registry import get_job, job
from app.tasks.runtime import in_app_context, report_progress

DELIVER_RETRIES = 3


def _progress(task_id: str | None):
    def progress(fraction: float, message: str) -> None:
        if task_id is not None:
            report_progress(task_id, fraction, message)
    return progress


def _final_attempt(task_id: str | None, name: str) -> bool:
    """Whether this run is the job's last attempt (Huey keeps the task id across retries)."""
    if task_id is None:
        return True
    attempts = db.session.execute(
        db.select(JobRun.attempts).where(JobRun.task_id == task_id)
    ).scalar_one_or_none()
    retries = get_job(name).task.retries or 0
    return attempts is None or attempts > retries


@job("reports.generate", label="生成改进报告", retries=1, retry_delay=60,
     on_lapse=job_leases.on_report_lapse)
def generate_report(task_id: str | None, report_id: int) -> dict:
    """Generate one report's PDF and store it with its context."""
    from app.services.reports import documents as report_service

    report = report_service.generate(report_id, _progress(task_id))
    return {"report": report.id, "pages": report.page_count}


@job("reports.redact", label="重新生成已删改引语的报告", retries=1, retry_delay=60,
     on_lapse=job_leases.on_report_lapse)
def redact_report(task_id: str | None, report_id: int) -> dict:
    """Render a report again from its stored context after a member's quotes left it."""
    from app.services.reports import documents as report_service

    report = report_service.rerender_stored(report_id)
    return {"report": report_id, "pages": report.page_count if report else None}


@job("reports.deliver", label="发送定期改进报告", retries=DELIVER_RETRIES, retry_delay=300,
     on_lapse=job_leases.on_report_lapse)
def deliver_report(task_id: str | None, report_id: int) -> dict:
    """Generate a scheduled report if needed and e-mail it to the schedule's recipients."""
    from app.services.reports import schedules as report_schedules

    return report_schedules.deliver(report_id, _progress(task_id),
                                    final_attempt=_final_attempt(task_id, "reports.deliver"))


def _register_periodic():
    from app.tasks import huey

    @huey.periodic_task(crontab(minute="*/5"), name="reports.dispatch_schedules")
    @in_app_context
    def dispatch_schedules():
        from app.services.reports import schedules as report_schedules

        return report_schedules.dispatch_due()

    @huey.periodic_task(crontab(hour="3", minute="41"), name="reports.prune_files")
    @in_app_context
    def prune_files():
        from app.extensions import db
        from app.services.metrics import importing as metric_import
        from app.services.reports import documents as report_service

        pruned = {"uploads": metric_import.prune_stale_uploads(),
                  "pdfs": report_service.prune_orphaned_files()}
        db.session.commit()
        return pruned

    return dispatch_schedules, prune_files


dispatch_schedules, prune_files = _register_periodic()
