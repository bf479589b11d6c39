"""New feedback gets its sentiment and theme right after it is committed, from the stored
model of the current run, honouring the operators' corrections."""

from __future__ import annotations

import pytest

from app.models import AnalysisRun, FeedbackItem, ItemAnalysis, JobRun, RunStatus, SourceKind
from app.services.insights import analysis, corrections, hooks, inbox
from app.services.insights.inbox import InboxFilters
from tests.app.insights.conftest import add_item, analyse, seed_feedback
from tests.conftest import sign_in
from tests.factories import make_member


@pytest.fixture
def app_config():
    """These tests watch the automatic analysis, which the rest of the suite turns off."""
    return {"INSIGHTS_AUTO_ANALYSIS": True}


def _row(db, item_id):
    return db.session.execute(db.select(ItemAnalysis).where(
        ItemAnalysis.run_id == analysis.current_run_id(
            db.session.get(FeedbackItem, item_id).community_id),
        ItemAnalysis.feedback_item_id == item_id)).scalar_one_or_none()


def test_a_new_item_is_analysed_as_soon_as_it_is_committed(app, db, analysed):
    community, run = analysed
    item = add_item(community, "直播课卡得不行，老师讲构图的时候画面一直转圈", key="new")
    assert _row(db, item.id) is None
    assert hooks.flush_due() == 1  # what the end of every request, job or command does
    row = _row(db, item.id)
    assert row is not None and row.run_id == run.id
    assert row.sentiment_label in (-1, 0, 1) and row.keywords
    job = db.session.execute(db.select(JobRun).where(JobRun.name == "insights.analyze_items")
                             ).scalar_one()
    assert job.params["args"] == [community.id, [item.id]]
    assert inbox.page(community, InboxFilters(q="转圈")).rows[0].item.id == item.id


def test_a_suggestion_submitted_over_http_is_analysed_by_the_end_of_the_request(
        app, db, client, analysed):
    community, _run = analysed
    member = make_member(community)
    db.session.commit()
    sign_in(client, member)
    response = client.post(f"/c/{community.slug}/box", data={
        "content": "积分商城能兑换的东西太少了，攒了800积分不知道换什么", "category": "积分与激励"})
    assert response.status_code == 302
    item = db.session.execute(db.select(FeedbackItem).where(
        FeedbackItem.source_kind == SourceKind.SUGGESTION.value)).scalar_one()
    assert _row(db, item.id) is not None


def test_a_changed_text_is_analysed_again(app, db, analysed):
    community, _run = analysed
    item = add_item(community, "活动很好玩，认识了很多同好", key="x")
    hooks.flush_due()
    first = _row(db, item.id).keywords
    add_item(community, "群里广告太多了，刷屏的广告号管理员处理得太慢", key="x")
    hooks.flush_due()
    assert _row(db, item.id).keywords != first
    assert inbox.page(community, InboxFilters(q="刷屏")).rows[0].item.id == item.id


def test_items_inserted_without_the_orm_are_analysed_too(app, db, analysed):
    community, run = analysed
    from app.models import utcnow

    now = utcnow()
    rows = [{"community_id": community.id, "source_kind": "survey_answer",
             "source_key": f"survey:9:response:{i}:q1", "source_ref": {}, "raw_text": text,
             "redacted_text": text, "pii_kinds": [], "occurred_at": now, "created_at": now,
             "updated_at": now}
            for i, text in enumerate(["直播回放找不到，很可惜", "积分兑换的东西太少了"])]
    from app.services.insights.feedback import insert_new_feedback

    insert_new_feedback(rows, db.session.connection())
    db.session.commit()
    assert hooks.flush_due() == 1
    ids = db.session.execute(db.select(FeedbackItem.id).where(
        FeedbackItem.source_kind == "survey_answer")).scalars().all()
    assert len(ids) == 2 and all(_row(db, i) is not None for i in ids)


def test_nothing_is_queued_when_nothing_was_committed(app, db, analysed):
    community, _run = analysed
    from app.services.insights.feedback import FeedbackInput, record_feedback

    record_feedback(FeedbackInput(community_id=community.id, source_kind="import",
                                  source_key="rolled-back", text="这条会回滚"))
    db.session.rollback()
    assert hooks.flush_due() == 0


def test_the_first_feedback_of_a_community_starts_its_first_analysis(app, db, community):
    seed_feedback(community, count=30)
    hooks.flush_due()
    run = db.session.execute(db.select(AnalysisRun)).scalar_one()
    assert run.trigger == "first" and run.status == RunStatus.SUCCEEDED
    assert analysis.current_run_id(community.id) == run.id


def test_new_items_follow_seed_themes_and_merges(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    corrections.apply(community, "seed", {"name": "签到打卡", "words": ["打卡"]},
                      actor=operator)
    db.session.commit()
    seed_key = max(corrections.history(community.id, limit=1)[0].theme_keys)
    item = add_item(community, "打卡小程序经常提交失败，图片传了好几次", key="seeded")
    hooks.flush_due()
    assert _row(db, item.id).theme_key == seed_key

    probe = add_item(community, "直播回放找不到，错过了那节课很可惜", key="probe")
    hooks.flush_due()
    live_key = _row(db, probe.id).theme_key
    assert live_key not in (0, seed_key)
    other = db.session.execute(db.select(ItemAnalysis.theme_key).where(
        ItemAnalysis.run_id == run.id,
        ItemAnalysis.theme_key.not_in([0, live_key, seed_key]))).scalars().first()
    corrections.apply(community, "merge", {"source": live_key, "target": other},
                      actor=operator)
    db.session.commit()
    again = add_item(community, "直播回放找不到，错过了构图课很可惜", key="after-merge")
    hooks.flush_due()
    assert _row(db, again.id).theme_key == other


def test_an_item_analysed_during_a_run_is_caught_up_before_the_switch(app, db, analysed,
                                                                     monkeypatch):
    community, _run = analysed
    real_switch = analysis.switch_to
    late = {}

    def arrive_then_switch(run, **kwargs):
        late["item"] = add_item(community, "周年庆活动准备得很用心，抽奖和作品展都很棒",
                                key="late")
        return real_switch(run, **kwargs)

    monkeypatch.setattr(analysis, "switch_to", arrive_then_switch)
    second = analyse(community)
    row = db.session.execute(db.select(ItemAnalysis).where(
        ItemAnalysis.run_id == second.id,
        ItemAnalysis.feedback_item_id == late["item"].id)).scalar_one_or_none()
    assert row is not None


@pytest.fixture
def queued_huey(monkeypatch):
    """The job queue as the worker sees it: jobs wait in the queue instead of running."""
    from app.tasks import huey

    monkeypatch.setattr(hooks, "_claimed_at", {})
    huey.immediate = False
    huey.flush()
    yield huey
    huey.flush()
    huey.immediate = True


def _run_queued(huey) -> int:
    """Run every queued job as the worker would once its delay has passed."""
    from datetime import datetime, timedelta

    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task, timestamp=datetime.utcnow() + timedelta(minutes=1))
        ran += 1
    return ran


def test_a_stream_of_items_shares_one_job_that_sweeps_them_all(app, db, analysed, queued_huey):
    community, run = analysed
    first = add_item(community, "直播课卡得不行，画面一直转圈", key="s1")
    assert hooks.flush_due() == 1
    # While that job is on its way, later requests queue nothing ...
    later = [add_item(community, text, key=f"s{i}") for i, text in enumerate(
        ["群里广告太多了，管理员处理得太慢", "积分兑换的东西太少了"], start=2)]
    assert hooks.flush_due() == 0
    assert db.session.execute(db.select(db.func.count()).select_from(JobRun).where(
        JobRun.name == "insights.analyze_items")).scalar_one() == 1
    assert _row(db, later[0].id) is None
    # ... and the one job analyses every item, the later ones included.
    assert _run_queued(queued_huey) == 1
    db.session.expire_all()
    assert all(_row(db, i.id) is not None for i in [first, *later])
    # The flag is off again: the next item gets a job of its own.
    hooks._claimed_at.clear()
    add_item(community, "活动很好玩，认识了很多同好", key="s9")
    assert hooks.flush_due() == 1


def test_a_flag_left_by_a_lost_job_expires(app, db, analysed, queued_huey):
    community, _run = analysed
    import time

    queued_huey.put(hooks._flag_key(community.id), time.time() - 3600)
    add_item(community, "直播回放找不到，很可惜", key="lost")
    assert hooks.flush_due() == 1


def test_a_job_that_could_not_be_queued_leaves_no_flag(app, db, analysed, queued_huey,
                                                         monkeypatch):
    community, _run = analysed
    from app.services import jobs

    def broken(*_a, **_k):
        raise RuntimeError("queue down")

    monkeypatch.setattr(jobs, "enqueue", broken)
    add_item(community, "积分商城能兑换的东西太少了", key="broken")
    assert hooks.flush_due() == 0
    assert queued_huey.get(hooks._flag_key(community.id), peek=True) is None


def test_a_job_sweeps_again_until_fewer_than_a_sweeps_worth_are_left(app, db, analysed,
                                                                        monkeypatch):
    community, _run = analysed
    from app.services.insights import incremental
    from app.tasks.insights import analyze_items

    monkeypatch.setattr(incremental, "SWEEP_LIMIT", 2)
    items = [add_item(community, text, key=f"w{i}") for i, text in enumerate(
        ["直播课卡得不行", "群里广告太多了", "积分兑换的东西太少了", "活动很好玩", "打卡经常失败"])]
    hooks.suppress_due()
    assert analyze_items.call_local(community.id, [])["analysed"] == 5
    db.session.expire_all()
    assert all(_row(db, i.id) is not None for i in items)


def test_a_flag_set_by_another_process_is_trusted_until_its_job_can_start(
        app, db, analysed, queued_huey, monkeypatch):
    community, _run = analysed
    import time

    # Another process queued the job a moment ago: this one sees its flag and queues nothing.
    queued_huey.put(hooks._flag_key(community.id), time.time())
    add_item(community, "直播课卡得不行，画面一直转圈", key="seen1")
    assert hooks.flush_due() == 0
    # The job cannot start before its delay: meanwhile the store is not asked again.
    peeks = []
    real_get = queued_huey.get
    monkeypatch.setattr(queued_huey, "get", lambda *a, **k: peeks.append(a) or real_get(*a, **k))
    add_item(community, "群里广告太多了", key="seen2")
    assert hooks.flush_due() == 0
    assert peeks == []
    # Once the job may have started (and taken the flag off), the store is asked again.
    hooks._claimed_at[community.id] -= hooks._LOCAL_WINDOW_SECONDS
    queued_huey.get(hooks._flag_key(community.id))  # the job started
    peeks.clear()
    add_item(community, "积分兑换的东西太少了", key="seen3")
    assert hooks.flush_due() == 1
    assert peeks


def test_items_written_on_a_plain_connection_need_no_session_while_a_job_waits(
        app, db, analysed, queued_huey):
    community, _run = analysed
    import time

    from app.extensions import db as flask_db
    from app.services.insights.feedback import (
        FeedbackInput,
        insert_new_feedback,
        prepare_new_feedback,
    )

    def write_plainly(key: str) -> None:
        rows = prepare_new_feedback(
            [FeedbackInput(community.id, "survey_answer", key, "打卡经常失败")])
        with flask_db.engine.begin() as conn:  # as the API's submit path writes
            insert_new_feedback(rows, conn)

    queued_huey.put(hooks._flag_key(community.id), time.time())
    with app.app_context():
        write_plainly("plain-1")
        assert hooks.flush_due() == 0
        assert not flask_db.session.registry.has()
    queued_huey.get(hooks._flag_key(community.id))
    hooks._claimed_at.clear()
    with app.app_context():
        write_plainly("plain-2")
        assert hooks.flush_due() == 1
    assert _run_queued(queued_huey) == 1
    item = db.session.execute(db.select(FeedbackItem).where(
        FeedbackItem.source_key == "plain-2")).scalar_one()
    assert _row(db, item.id) is not None
