"""Survey jobs: importing responses from a spreadsheet, and pruning expired answer sessions."""

from __future__ import annotations

from huey import crontab

from app.extensions import db
from app.models import SurveyImport
from app.tasks.registry import job
from app.tasks.runtime import in_app_context, report_progress


@job("surveys.import_responses", label="导入问卷回答", retries=0)
def import_responses(task_id: str | None, import_id: int) -> dict:
    """Run a mapped spreadsheet import: every row or none."""
    from app.services.surveys.importing import run_import

    imp = db.session.get(SurveyImport, import_id)
    if imp is None or imp.status != "queued":
        return {"skipped": True}
    if task_id:
        report_progress(task_id, 0.1, "校验中")
    try:
        imp = run_import(imp)
    except Exception:
        db.session.rollback()
        failed = db.session.get(SurveyImport, import_id)
        failed.status = "failed"
        failed.errors = [{"row": None, "column": None, "column_name": None, "header": None,
                          "question_id": None, "code": "internal_error", "params": {},
                          "message": "导入时发生内部错误，没有写入任何回答，请稍后重试。"}]
        db.session.commit()
        raise
    return {"status": imp.status, "imported": imp.imported_count, "errors": len(imp.errors)}


def prune_sessions() -> int:
    """Delete expired survey sessions; returns how many."""
    from app.services.surveys.responses import prune_sessions as prune

    count = prune()
    db.session.commit()
    return count


def _register_periodic():
    from app.tasks import huey

    @huey.periodic_task(crontab(hour="4", minute="23"), name="surveys.prune_sessions")
    @in_app_context
    def prune_sessions_daily():
        return prune_sessions()

    return prune_sessions_daily


prune_sessions_daily = _register_periodic()
