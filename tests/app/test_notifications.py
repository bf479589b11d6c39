"""Notifications: in-app rows with read and unread, email through SMTP in a background job
(skipped and logged without a mail server, or when the person turned it off), and the channel
registry that takes new channels as one class."""

from __future__ import annotations

import email
import logging
from email.policy import default as default_policy

import pytest

from app.models import JobRun, Notification
from app.notifications.channels import CHANNELS, Channel, DeliveryResult, register_channel
from app.services import notifications
from app.services.suggestions import triage
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board, make_suggestion
from tests.servers import free_port


class Inbox:
    """Messages received by the local SMTP server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(
            envelope.content, policy=default_policy)))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def people(db, community):
    enable_board(community)
    operator = make_member(community, "operator", display_name="运营小林")
    author = make_member(community, display_name="阿青", email="aqing@example.org")
    follower = make_member(community, display_name="小鹿", email="xiaolu@example.org")
    db.session.commit()
    return operator, author, follower


def _status_change(app, client, community, people, reply="回放已上线"):
    operator, author, follower = people
    suggestion, _c = make_suggestion(community, author=author, title="直播回放",
                                     content="希望直播课有回放")
    db = app.extensions["sqlalchemy"]
    db.session.commit()
    sign_in(client, follower)
    client.post(f"/c/{community.slug}/s/{suggestion.id}/follow", data={"follow": "1"})
    sign_in(client, operator)
    client.post(f"/c/{community.slug}/suggestions/{suggestion.id}/status",
                data={"status": "done", "reply": reply})
    return suggestion


def test_status_changes_send_emails_to_submitter_and_followers_through_the_job(
        app, db, client, community, people, smtp):
    controller, inbox = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      PUBLIC_BASE_URL="https://feedback.example.cn")
    suggestion = _status_change(app, client, community, people)
    operator, author, follower = people
    recipients = sorted(r for rcpts, _m in inbox.messages for r in rcpts)
    assert recipients == ["aqing@example.org", "xiaolu@example.org"]
    _rcpts, message = inbox.messages[0]
    assert message["Subject"].startswith(f"[{community.name}]")
    assert "已完成" in message["Subject"]
    body = message.get_content()
    assert "回放已上线" in body
    assert f"https://feedback.example.cn/c/{community.slug}/s/{suggestion.id}#updates" in body
    run = db.session.execute(db.select(JobRun).where(
        JobRun.name == "notifications.deliver")).scalar_one()
    assert run.state == "succeeded" and run.requested_by_id is None
    notes = db.session.execute(db.select(Notification)).scalars().all()
    assert {n.recipient_id for n in notes} == {author.id, follower.id}
    assert all(n.deliveries["email"]["status"] == "sent" for n in notes)


def test_without_a_mail_server_email_is_skipped_and_logged(app, db, client, community, people,
                                                           caplog):
    app.config["MAIL_SERVER"] = ""
    with caplog.at_level(logging.INFO, logger="app.notifications.channels"):
        _status_change(app, client, community, people)
    notes = db.session.execute(db.select(Notification)).scalars().all()
    assert len(notes) == 2
    assert all(n.deliveries["email"] == {"status": "skipped", "detail": "no_mail_server",
                                         "at": n.deliveries["email"]["at"]} for n in notes)
    assert "MAIL_SERVER is not set" in caplog.text
    assert "aqing@example.org" not in caplog.text, "no addresses in the logs"


def test_people_can_turn_email_off(app, db, client, community, people, smtp):
    controller, inbox = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    operator, author, follower = people
    sign_in(client, follower)
    client.post(f"/c/{community.slug}/notifications/preferences", data={})
    assert not notifications.channel_enabled(follower.id, "email")
    _status_change(app, client, community, people)
    assert [r for rcpts, _m in inbox.messages for r in rcpts] == ["aqing@example.org"]
    note = db.session.execute(db.select(Notification).where(
        Notification.recipient_id == follower.id)).scalar_one()
    assert note.deliveries["email"]["detail"] == "opted_out"


def test_the_bell_counts_unread_and_opening_marks_read(app, db, client, community, people):
    operator, author, follower = people
    suggestion = _status_change(app, client, community, people)
    sign_in(client, author)
    page = client.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert 'class="bell-count">1<' in page
    listing = client.get(f"/c/{community.slug}/notifications").get_data(as_text=True)
    assert "直播回放" in listing and "回放已上线" in listing
    note = db.session.execute(db.select(Notification).where(
        Notification.recipient_id == author.id)).scalar_one()
    response = client.post(f"/c/{community.slug}/notifications/{note.id}/open")
    assert response.headers["Location"].endswith(f"/c/{community.slug}/s/{suggestion.id}#updates")
    db.session.refresh(note)
    assert note.read_at is not None
    assert "bell-count" not in client.get(f"/c/{community.slug}/").get_data(as_text=True)
    unread = client.get(f"/c/{community.slug}/notifications?show=unread").get_data(as_text=True)
    assert "没有未读通知" in unread


def test_nobody_opens_or_reads_someone_elses_notifications(app, db, client, community, people):
    operator, author, follower = people
    _status_change(app, client, community, people)
    note = db.session.execute(db.select(Notification).where(
        Notification.recipient_id == author.id)).scalar_one()
    sign_in(client, follower)
    client.post(f"/c/{community.slug}/notifications/{note.id}/open")
    db.session.refresh(note)
    assert note.read_at is None
    client.post(f"/c/{community.slug}/notifications/read-all")
    db.session.refresh(note)
    assert note.read_at is None
    sign_in(client, operator)  # the actor got none, and sees nobody else's
    assert "回放已上线" not in client.get(
        f"/c/{community.slug}/notifications").get_data(as_text=True)


def test_mark_all_read(app, db, client, community, people):
    operator, author, follower = people
    s1, _ = make_suggestion(community, author=author, content="一")
    s2, _ = make_suggestion(community, author=author, content="二")
    triage.change_status(s1, status="in_progress", reply="看看", actor=operator)
    triage.change_status(s2, status="in_progress", reply="看看", actor=operator)
    db.session.commit()
    assert notifications.unread_count(author, community) == 2
    sign_in(client, author)
    client.post(f"/c/{community.slug}/notifications/read-all")
    assert notifications.unread_count(author, community) == 0


def test_a_new_channel_is_one_registered_class(app, db, community, people):
    operator, author, follower = people
    sent = []

    @register_channel
    class ChatBotChannel(Channel):
        name = "test_bot"
        label = "测试机器人"

        def send(self, notification, base_url=None):
            sent.append((notification.recipient_id, notification.title))
            return DeliveryResult.sent("ok")

    try:
        notes = notifications.notify([author, follower], kind="insight.alert",
                                     title="主题「广告刷屏」本周激增", body="比上周多 3 倍",
                                     link=f"/c/{community.slug}/", community=community,
                                     channels=("in_app", "test_bot"))
        db.session.commit()
        notifications.flush_deliveries()
        assert sorted(sent) == sorted([(author.id, "主题「广告刷屏」本周激增"),
                                       (follower.id, "主题「广告刷屏」本周激增")])
        for note in notes:
            db.session.refresh(note)
            assert note.deliveries["test_bot"]["status"] == "sent"
    finally:
        CHANNELS.pop("test_bot", None)


def test_notification_texts_follow_the_recipients_language(app, db, community, people):
    operator, author, follower = people
    follower.locale = "en"
    suggestion, _c = make_suggestion(community, author=author, content="直播卡")
    from app.services.suggestions.board import set_following

    set_following(suggestion, follower, True)
    triage.change_status(suggestion, status="declined", reply="暂时不换平台", actor=operator)
    db.session.commit()
    by = {n.recipient_id: n for n in db.session.execute(db.select(Notification)).scalars()}
    assert "状态更新为" in by[author.id].title
    assert "status" in by[follower.id].title.lower()


def test_links_must_stay_inside_the_site(app, db, community, people):
    _op, author, _f = people
    with pytest.raises(ValueError):
        notifications.notify([author], kind="x", title="t", link="https://evil.example/")
