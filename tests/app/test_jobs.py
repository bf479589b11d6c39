"""Background jobs: enqueueing records a JobRun, the lifecycle is mirrored, failures show."""

from __future__ import annotations

import pytest

from app.models import JobRun, JobState
from app.services import jobs
from app.tasks.registry import JOBS, job

# Two jobs that exist only for these tests: one reports progress, one fails.
if "test.progress" not in JOBS:

    @job("test.progress", label="测试进度", retries=0)
    def progress_job(task_id, steps):
        from app.tasks.runtime import report_progress

        for i in range(steps):
            report_progress(task_id, (i + 1) / steps, f"step {i + 1}")
        return {"steps": steps}

    @job("test.boom", label="测试失败", retries=0)
    def boom_job(task_id):
        raise RuntimeError("积分表不存在")


def test_selfcheck_job_succeeds_and_is_recorded(app, db):
    run = jobs.enqueue("system.selfcheck")
    db.session.refresh(run)
    assert run.state == JobState.SUCCEEDED
    assert run.started_at is not None and run.finished_at is not None
    assert run.attempts == 1
    assert run.progress == 1.0


def test_progress_is_reported(app, db):
    run = jobs.enqueue("test.progress", 4)
    db.session.refresh(run)
    assert run.state == JobState.SUCCEEDED
    assert run.progress_message == "step 4"
    assert run.params == {"args": [4], "kwargs": {}}


def test_failure_is_recorded_with_its_error_and_can_be_retried(app, db):
    run = jobs.enqueue("test.boom")
    db.session.refresh(run)
    assert run.state == JobState.FAILED
    assert "积分表不存在" in run.error
    again = jobs.retry(run)
    assert again.id != run.id
    db.session.refresh(again)
    assert again.state == JobState.FAILED


def test_only_failed_jobs_can_be_retried(app, db):
    run = jobs.enqueue("system.selfcheck")
    db.session.refresh(run)
    from app.services.errors import Conflict

    with pytest.raises(Conflict):
        jobs.retry(run)


def test_admin_jobs_page_lists_state_and_error(app, client, login_as, db):
    jobs.enqueue("test.boom")
    jobs.enqueue("system.selfcheck")
    login_as("superuser")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "后台任务自检" in page
    assert "失败" in page and "已完成" in page
    assert "积分表不存在" in page
    failed_only = client.get("/admin/jobs?state=failed").get_data(as_text=True)
    assert "后台任务自检" not in failed_only


def test_admin_can_queue_a_selfcheck_from_the_page(app, client, login_as, db):
    login_as("superuser")
    client.post("/admin/jobs/selfcheck")
    runs = db.session.execute(db.select(JobRun)).scalars().all()
    assert [r.name for r in runs] == ["system.selfcheck"]


def test_prune_removes_only_old_finished_runs(app, db):
    from datetime import timedelta

    from app.models import utcnow
    from app.tasks.system import prune_job_history

    old = JobRun(task_id="old", name="system.selfcheck", state="succeeded",
                 finished_at=utcnow() - timedelta(days=90))
    recent = JobRun(task_id="recent", name="system.selfcheck", state="succeeded",
                    finished_at=utcnow())
    running = JobRun(task_id="running", name="system.selfcheck", state="running")
    db.session.add_all([old, recent, running])
    db.session.commit()
    assert prune_job_history() == 1
    left = {r.task_id for r in db.session.execute(db.select(JobRun)).scalars()}
    assert left == {"recent", "running"}
