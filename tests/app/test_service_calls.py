"""The one commit path of the views: ``committing()`` commits or rolls back and shows the
error, and the notifications of a committed transaction are queued when the request ends."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from wtforms import Form, StringField

from app.blueprints.service_calls import committing, run_action
from app.models import Community, JobRun, Notification
from app.services import after_commit, notifications
from app.services.errors import ServiceError
from tests.factories import make_member


class NameForm(Form):
    name = StringField()
    notes = StringField()


def _rename(community_id: int, name: str) -> None:
    from app.extensions import db

    db.session.get(Community, community_id).name = name


def _name(db, community_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Community, community_id).name


def test_a_block_that_succeeds_is_committed_and_its_message_flashed(app, db, community):
    with app.test_request_context("/"):
        with committing(success="已保存。") as done:
            _rename(community.id, "新名字")
        assert done and done.error is None
        assert get_flashed_messages(with_categories=True) == [("success", "已保存。")]
        db.session.rollback()  # nothing left to undo: it was committed
    assert _name(db, community.id) == "新名字"


def test_a_service_error_rolls_back_and_lands_under_its_field(app, db, community):
    before = community.name
    db.session.commit()
    with app.test_request_context("/"):
        form = NameForm()
        with committing(form=form, field="notes", success="已保存。") as done:
            _rename(community.id, "不会保存")
            raise ServiceError("名称已被使用。", field="name")
        assert not done and done.error.field == "name"
        assert form.name.errors == ["名称已被使用。"] and not form.notes.errors
        assert get_flashed_messages() == []
    assert _name(db, community.id) == before


def test_an_error_without_a_matching_field_goes_to_the_default_field_or_a_flash(
        app, db, community):
    with app.test_request_context("/"):
        form = NameForm()
        assert not run_action(lambda: _fail("笔记太长。"), form=form, field="notes")
        assert form.notes.errors == ["笔记太长。"]
        assert not run_action(lambda: _fail("已关闭。"))
        assert get_flashed_messages(with_categories=True) == [("error", "已关闭。")]


def _fail(message: str) -> None:
    raise ServiceError(message, field="missing")


def test_other_exceptions_roll_back_and_propagate(app, db, community):
    before = community.name
    db.session.commit()
    with app.test_request_context("/"), pytest.raises(KeyError):
        with committing():
            _rename(community.id, "不会保存")
            raise KeyError("boom")
    assert _name(db, community.id) == before


def test_notifications_wait_for_the_commit_and_a_rollback_forgets_them(app, db, community):
    person = make_member(community)
    db.session.commit()
    with app.test_request_context("/"):
        with committing():
            notifications.notify([person], kind="test", title="标题", community=community,
                                 channels=["in_app", "email"])
            raise ServiceError("不行。")
        assert not after_commit.has_committed()
        with committing():
            notifications.notify([person], kind="test", title="标题", community=community,
                                 channels=["in_app", "email"])
        assert after_commit.has_committed()
        assert notifications.flush_deliveries(committed_only=True) is not None
        assert not after_commit.has_committed()


def test_a_request_queues_the_deliveries_it_committed_without_the_view_asking(
        app, db, client, community):
    """End to end: the status change view does not flush deliveries; the request does."""
    from tests.conftest import sign_in
    from tests.factories_sources import enable_board, make_suggestion

    enable_board(community)
    operator = make_member(community, "operator")
    author = make_member(community)
    suggestion, _code = make_suggestion(community, author=author, content="希望直播课有回放")
    db.session.commit()
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/status",
                data={"status": "done", "reply": "回放已上线"})
    assert db.session.execute(db.select(db.func.count(Notification.id))).scalar_one() == 1
    assert db.session.execute(db.select(JobRun.name)).scalars().all() == [
        "notifications.deliver"]


def test_the_end_of_a_request_hands_committed_work_to_its_owner(app, db, community):
    seen = []

    def queue(base_url):
        items = after_commit.take("test.staged", committed_only=True)
        if items:
            seen.append((items, base_url))

    after_commit.queues_when_committed(queue)
    try:
        with app.test_request_context("/", base_url="https://feedback.example.cn/"):
            with committing():
                after_commit.stage("test.staged", [1])
            with committing():
                after_commit.stage("test.staged", [2])
                raise ServiceError("不行。")
            app.process_response(app.response_class())
    finally:
        after_commit._QUEUERS.remove(queue)
    assert seen == [([1], "https://feedback.example.cn/")]
