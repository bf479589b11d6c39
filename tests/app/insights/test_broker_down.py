"""Submissions succeed while Redis (the job queue's broker and the rate limits' store) is
down; their jobs wait in the outbox and run once it is back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from huey.storage import RedisStorage

from app.models import (
    FeedbackItem,
    ItemAnalysis,
    JobRun,
    JobState,
    Suggestion,
    SurveyResponse,
    utcnow,
)
from app.services import job_leases, jobs
from app.services.accounts import users as accounts
from app.services.insights import analysis, hooks
from app.tasks import huey
from app.tasks.queue import HUEY_NAME, redis_pool
from tests.app.surveys.helpers import SKIP_SURVEY
from tests.conftest import sign_in
from tests.factories import make_member, make_survey
from tests.servers import RedisServer

pytestmark = pytest.mark.redis


@pytest.fixture
def broker():
    """A Redis server of this test's own, which the test may stop and start again."""
    server = RedisServer.start()
    state = {"server": server}
    yield state
    state["server"].stop()


@pytest.fixture
def app_config(broker):
    url = broker["server"].url
    return {"INSIGHTS_AUTO_ANALYSIS": True, "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": url, "RATELIMIT_STORAGE_OPTIONS": {
                "socket_connect_timeout": 1}}


@pytest.fixture
def redis_queue(monkeypatch, broker):
    """The job queue on the test's Redis, as a deployment with REDIS_URL has it."""
    storage = RedisStorage(HUEY_NAME, connection_pool=redis_pool(broker["server"].url))
    monkeypatch.setattr(huey, "storage", storage)
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(jobs, "_broker_down_until", 0.0, raising=False)
    monkeypatch.setattr(jobs, "_outbox_dirty", False, raising=False)
    monkeypatch.setattr(hooks, "_claimed_at", {})
    return storage


def _run_worker_until_idle() -> int:
    """What a consumer does: take each queued task and execute it."""
    done = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        done += 1
    return done


def _analysis_row(db, item):
    return db.session.execute(db.select(ItemAnalysis).where(
        ItemAnalysis.run_id == analysis.current_run_id(item.community_id),
        ItemAnalysis.feedback_item_id == item.id)).scalar_one_or_none()


def test_submissions_succeed_while_redis_is_down_and_their_analysis_runs_when_it_returns(
        app, db, client, analysed, broker, redis_queue):
    community, _run = analysed
    member = make_member(community)
    survey = make_survey(community, SKIP_SURVEY)
    token = accounts.create_api_token(community, make_member(community, "operator"), "集成")
    db.session.commit()
    before_items = db.session.execute(db.select(db.func.count(FeedbackItem.id))).scalar_one()

    broker["server"].stop()
    sign_in(client, member)
    posted = client.post(f"/c/{community.slug}/box", data={
        "content": "积分商城能兑换的东西太少了，攒了800积分不知道换什么", "category": "积分与激励"})
    answered = client.post(f"/api/v1/surveys/{survey.id}/responses",
                           headers={"Authorization": f"Bearer {token.secret}"},
                           json={"answers": {"nps": 3, "why": "直播老是卡顿，回放也找不到",
                                             "fix": "live"}})
    assert posted.status_code == 302, posted.get_data(as_text=True)[:500]
    assert answered.status_code == 201, answered.get_json()
    assert db.session.execute(db.select(db.func.count(Suggestion.id))).scalar_one() == 1
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 1
    new_items = list(db.session.execute(
        db.select(FeedbackItem).order_by(FeedbackItem.id).offset(before_items)).scalars())
    assert len(new_items) == 2
    # One analysis job for the community waits in the outbox (it sweeps up both items).
    waiting = list(db.session.execute(db.select(JobRun).where(
        JobRun.name == "insights.analyze_items")).scalars())
    assert [(j.state, j.community_id) for j in waiting] == [("pending", community.id)]
    assert all(_analysis_row(db, item) is None for item in new_items)

    broker["server"] = broker["server"].restart()  # empty, as after a crash
    # What the scheduler's minute tick and a starting worker do.
    assert jobs.dispatch_pending() == 1
    assert _run_worker_until_idle() >= 1
    db.session.expire_all()
    job = db.session.get(JobRun, waiting[0].id)
    assert job.state == JobState.SUCCEEDED.value, job.error
    assert all(_analysis_row(db, item) is not None for item in new_items)


def test_a_job_queued_while_the_broker_is_down_is_sent_by_the_next_successful_one(
        app, db, broker, redis_queue):
    broker["server"].stop()
    waiting = jobs.enqueue("system.selfcheck")
    assert waiting.state == JobState.PENDING.value
    broker["server"] = broker["server"].restart()
    jobs._broker_down_until = 0.0  # the back-off has run out
    sent = jobs.enqueue("system.selfcheck")
    assert sent.state == JobState.QUEUED.value
    db.session.expire_all()
    assert db.session.get(JobRun, waiting.id).state == JobState.QUEUED.value
    assert _run_worker_until_idle() == 2
    db.session.expire_all()
    states = db.session.execute(db.select(JobRun.state)).scalars().all()
    assert states == [JobState.SUCCEEDED.value] * 2


def test_dispatching_twice_queues_a_pending_run_once(app, db, broker, redis_queue):
    broker["server"].stop()
    jobs.enqueue("system.selfcheck")
    broker["server"] = broker["server"].restart()
    assert jobs.dispatch_pending() == 1
    assert jobs.dispatch_pending() == 0
    assert _run_worker_until_idle() == 1


def test_a_job_lost_by_a_redis_that_restarted_empty_is_queued_again(app, db, broker,
                                                                    redis_queue):
    lost = jobs.enqueue("system.selfcheck")
    assert lost.state == JobState.QUEUED.value
    broker["server"].stop()
    broker["server"] = broker["server"].restart()  # without the job
    assert job_leases.recover_stranded() == []  # too recent to tell from a long queue
    later = utcnow() + timedelta(seconds=app.config["JOB_STRANDED_SECONDS"] + 1)
    assert job_leases.recover_stranded(later) == [lost.id]
    assert job_leases.recover_stranded(later) == []
    assert _run_worker_until_idle() == 1
    db.session.expire_all()
    assert db.session.get(JobRun, lost.id).state == JobState.FAILED.value
    states = db.session.execute(db.select(JobRun.state).order_by(JobRun.id)).scalars().all()
    assert states == [JobState.FAILED.value, JobState.SUCCEEDED.value]
    # a job that still waits in the queue, however long, is left alone
    waiting = jobs.enqueue("system.selfcheck")
    much_later = utcnow() + timedelta(days=1)
    assert job_leases.recover_stranded(much_later) == []
    assert db.session.get(JobRun, waiting.id).state == JobState.QUEUED.value
