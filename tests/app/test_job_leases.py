"""Jobs whose worker died (kill -9, the OOM killer): their lease lapses, the recovery fails
them and queues them again, the previous analysis stays visible, and nothing is made twice."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app.models import (
    AnalysisRun,
    InsightTheme,
    ItemAnalysis,
    JobRun,
    JobState,
    Report,
    ReportStatus,
    RunStatus,
    utcnow,
)
from app.services import job_leases
from app.services.errors import Conflict
from app.services.insights import analysis
from app.services.reports import documents as report_service
from app.tasks import leases
from reports.context import Period
from tests.app.insights.conftest import (  # noqa: F401
    analysed,
    members,
    seed_feedback,
    trained_sentiment_model,  # noqa: F401
)


def _dead_job(db, name: str, args: list, *, lease_ago: float = 5, lapses: int = 0,
              community_id=None) -> JobRun:
    """The row a worker leaves behind when it is killed mid-job."""
    job = JobRun(task_id=uuid.uuid4().hex, name=name, community_id=community_id,
                 state=JobState.RUNNING.value, params={"args": args, "kwargs": {}},
                 attempts=1, started_at=utcnow() - timedelta(minutes=10),
                 lease_expires_at=utcnow() - timedelta(seconds=lease_ago),
                 worker="gone:4242", lapses=lapses)
    db.session.add(job)
    db.session.commit()
    return job


def _killed_analysis(db, community, **job_options):
    run = AnalysisRun(community_id=community.id, status=RunStatus.RUNNING.value,
                      started_at=utcnow() - timedelta(minutes=10),
                      previous_run_id=analysis.current_run_id(community.id))
    db.session.add(run)
    db.session.commit()
    job = _dead_job(db, "insights.full_run", [run.id], community_id=community.id,
                    **job_options)
    run.job_run_id = job.id
    # half of the rows it was writing when it died
    item_ids = db.session.execute(db.select(ItemAnalysis.feedback_item_id).limit(30)
                                  ).scalars().all()
    first = db.session.execute(db.select(ItemAnalysis).limit(1)).scalar_one()
    for item_id in item_ids:
        db.session.add(ItemAnalysis(run_id=run.id, community_id=community.id,
                                    feedback_item_id=item_id, occurred_at=first.occurred_at,
                                    day=first.day, source_kind=first.source_kind))
    db.session.commit()
    return run, job


def test_a_killed_analysis_is_failed_and_retried_without_duplicates(app, db, analysed):  # noqa: F811
    community, first = analysed
    themes_before = db.session.execute(db.select(db.func.count(InsightTheme.id))).scalar()
    run, job = _killed_analysis(db, community)
    # before the recovery: every new run is refused, and people still see the first run
    with pytest.raises(Conflict):
        analysis.request_run(community)
    assert analysis.current_run_id(community.id) == first.id

    assert job_leases.recover_lapsed() == [job.id]

    db.session.expire_all()
    dead = db.session.get(JobRun, job.id)
    assert dead.state == JobState.FAILED and "lease" in dead.error
    retried = db.session.get(AnalysisRun, run.id)
    assert retried.status == RunStatus.SUCCEEDED and retried.job_run_id != job.id
    assert db.session.get(JobRun, retried.job_run_id).lapses == 1
    assert analysis.current_run_id(community.id) == run.id
    # one row per item, one theme row per key, and one run per request
    rows = db.session.execute(db.select(db.func.count(ItemAnalysis.id)).where(
        ItemAnalysis.run_id == run.id)).scalar()
    assert rows == 100
    keys = db.session.execute(db.select(InsightTheme.key)).scalars().all()
    assert len(keys) == len(set(keys)) and len(keys) >= themes_before - 3
    assert db.session.execute(db.select(db.func.count(AnalysisRun.id))).scalar() == 2
    # and the next run can be requested again
    assert analysis.request_run(community).status == RunStatus.SUCCEEDED


def test_a_job_within_its_lease_is_left_alone(app, db, analysed):  # noqa: F811
    community, _first = analysed
    run, job = _killed_analysis(db, community, lease_ago=-60)
    assert job_leases.recover_lapsed() == []
    db.session.expire_all()
    assert db.session.get(JobRun, job.id).state == JobState.RUNNING
    assert db.session.get(AnalysisRun, run.id).status == RunStatus.RUNNING


def test_a_job_that_keeps_killing_its_worker_is_failed_not_retried(app, db, analysed):  # noqa: F811
    community, first = analysed
    app.config["JOB_LEASE_RETRIES"] = 2
    run, job = _killed_analysis(db, community, lapses=2)
    assert job_leases.recover_lapsed() == [job.id]
    db.session.expire_all()
    failed = db.session.get(AnalysisRun, run.id)
    assert failed.status == RunStatus.FAILED and "多次中断" in failed.error
    assert failed.job_run_id == job.id
    assert analysis.current_run_id(community.id) == first.id
    # the admin can retry it by hand now
    assert analysis.retry_run(failed).status == RunStatus.SUCCEEDED


def test_two_recoveries_at_once_queue_the_job_once(app, db, analysed):  # noqa: F811
    community, _first = analysed
    _run, job = _killed_analysis(db, community)
    # a second scheduler that read the same candidates before the first one claimed them
    lapsed_before = db.session.execute(
        db.select(JobRun.id).where(job_leases._lapsed(utcnow()))).scalars().all()
    assert job.id in lapsed_before
    assert job_leases.recover_lapsed() == [job.id]
    assert job_leases.recover_lapsed() == []
    assert db.session.execute(db.select(db.func.count(JobRun.id)).where(
        JobRun.name == "insights.full_run", JobRun.lapses == 1)).scalar() == 1


def test_a_row_started_before_leases_existed_is_recovered(app, db, community):
    job = _dead_job(db, "system.selfcheck", [])
    job.lease_expires_at = None
    db.session.commit()
    assert job_leases.recover_lapsed() == [job.id]
    again = db.session.execute(db.select(JobRun).where(JobRun.id != job.id)).scalar_one()
    assert again.name == "system.selfcheck" and again.state == JobState.SUCCEEDED
    assert again.lapses == 1


def test_a_killed_report_render_is_generated_once(app, db, community, monkeypatch):
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    report = report_service.create_report(community, period_kind="custom", period=period,
                                          previous_period=period.previous(), sections=[])
    report.status = ReportStatus.RUNNING.value
    db.session.commit()
    job = _dead_job(db, "reports.generate", [report.id], community_id=community.id)
    report.job_task_id = job.task_id
    db.session.commit()
    renders = []
    real = report_service.render_document

    def counting(html):
        renders.append(1)
        return real(html)

    monkeypatch.setattr(report_service, "render_document", counting)
    assert job_leases.recover_lapsed() == [job.id]
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert report.status == ReportStatus.READY and report.pdf_name
    assert report.job_task_id != job.task_id and len(renders) == 1
    assert db.session.execute(db.select(db.func.count(Report.id))).scalar() == 1
    # a second sweep finds nothing more to do
    assert job_leases.recover_lapsed() == []


def test_a_running_job_takes_a_lease_that_the_heartbeat_renews(app, db, community):
    from app.services import jobs

    run = jobs.enqueue("system.selfcheck")
    assert run.state == JobState.SUCCEEDED and run.lease_expires_at is None
    assert run.worker and ":" in run.worker
    job = _dead_job(db, "system.selfcheck", [], lease_ago=1)
    assert leases.renew(app, [job.task_id]) == 1
    db.session.refresh(job)
    assert job.lease_expires_at > utcnow() + timedelta(seconds=30)
    assert job_leases.recover_lapsed() == []
