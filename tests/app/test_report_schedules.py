"""Report schedules: timing, recipients, the periodic dispatch, and the e-mail with the PDF
attached, delivered through a real SMTP server (aiosmtpd) that the test starts."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models import JobRun, JobState, Report, ReportSchedule, ReportStatus
from app.services.errors import ServiceError
from app.services.reports import documents as report_service
from app.services.reports import schedules as report_schedules
from tests.factories import make_member
from tests.factories_reports import seed_report_community
from tests.servers import free_port

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _utc(*args) -> datetime:
    """A Shanghai wall-clock time as naive UTC."""
    return datetime(*args, tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


@pytest.mark.parametrize("cadence, day, hour, after, expected", [
    ("weekly", 0, 8, _utc(2026, 11, 24, 10), _utc(2026, 11, 30, 8)),   # a Tuesday → Monday
    ("weekly", 1, 8, _utc(2026, 11, 24, 7), _utc(2026, 11, 24, 8)),    # later the same day
    ("weekly", 1, 8, _utc(2026, 11, 24, 8), _utc(2026, 12, 1, 8)),     # exactly now → next
    ("monthly", 1, 9, _utc(2026, 11, 24, 10), _utc(2026, 12, 1, 9)),
    ("monthly", 28, 23, _utc(2027, 2, 28, 23, 30), _utc(2027, 3, 28, 23)),
])
def test_next_run_is_the_next_local_send_time(cadence, day, hour, after, expected):
    assert report_schedules.next_run_after(cadence, day, hour, SHANGHAI, after) == expected


def test_recipients_must_be_managers_or_admins_and_extra_addresses_valid(app, db, community):
    manager = make_member(community, "manager")
    operator = make_member(community, "operator")
    db.session.commit()
    kwargs = {"cadence": "monthly", "send_day": 1, "send_hour": 9, "sections": []}
    with pytest.raises(ServiceError) as caught:
        report_schedules.save_schedule(community, recipient_ids=[operator.id], **kwargs)
    assert caught.value.code == "invalid_recipient"
    with pytest.raises(ServiceError) as caught:
        report_schedules.save_schedule(community, recipient_ids=[manager.id],
                                       extra_emails="boss@example.cn, 不是邮箱", **kwargs)
    assert caught.value.code == "invalid_email"
    with pytest.raises(ServiceError) as caught:
        report_schedules.save_schedule(community, recipient_ids=[], **kwargs)
    assert caught.value.code == "no_recipients"
    schedule = report_schedules.save_schedule(
        community, recipient_ids=[manager.id], extra_emails="Boss@Example.cn；boss@example.cn",
        **kwargs)
    assert schedule.extra_emails == ["Boss@example.cn"]


def _due_schedule(db, community, recipients, due_at=None, **fields):
    schedule = report_schedules.save_schedule(
        community, cadence=fields.pop("cadence", "monthly"), send_day=1, send_hour=9,
        sections=fields.pop("sections", ["summary", "metrics"]),
        recipient_ids=[u.id for u in recipients], **fields)
    schedule.next_run_at = due_at or datetime.now(ZoneInfo("UTC")).replace(
        tzinfo=None) - timedelta(minutes=1)
    db.session.commit()
    return schedule


def test_a_due_schedule_is_dispatched_once_for_the_last_complete_month(app, db, community,
                                                                        monkeypatch):
    queued = []
    monkeypatch.setattr("app.services.jobs.enqueue",
                        lambda name, *args, **kw: queued.append((name, args)))
    manager = make_member(community, "manager")
    schedule = _due_schedule(db, community, [manager], due_at=datetime(2026, 12, 1, 1, 0))
    now = datetime(2026, 12, 1, 1, 5)  # 09:05 in Shanghai on 1 December
    started = report_schedules.dispatch_due(now)
    assert len(started) == 1 and queued == [("reports.deliver", (started[0],))]
    report = db.session.get(Report, started[0])
    assert (report.period_start, report.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (report.previous_start, report.previous_end) == (date(2026, 10, 1),
                                                            date(2026, 10, 31))
    assert report.schedule_id == schedule.id and report.title == "社群改进月报"
    db.session.refresh(schedule)
    assert schedule.next_run_at == _utc(2027, 1, 1, 9)
    assert report_schedules.dispatch_due(now) == []  # a second check finds nothing due
    schedule.active = False
    schedule.next_run_at = now
    db.session.commit()
    assert report_schedules.dispatch_due(now) == []


def test_a_schedule_claimed_by_another_worker_is_skipped(app, db, community, monkeypatch):
    monkeypatch.setattr("app.services.jobs.enqueue", lambda *a, **k: None)
    manager = make_member(community, "manager")
    schedule = _due_schedule(db, community, [manager], due_at=datetime(2026, 12, 1, 1, 0))
    db.session.refresh(schedule)
    db.session.expunge(schedule)  # what this worker read: due on 1 December
    # meanwhile another worker claimed it and moved it on
    db.session.execute(db.update(ReportSchedule).values(next_run_at=datetime(2027, 1, 1)))
    db.session.commit()
    assert report_schedules._claim(schedule, datetime(2026, 12, 1, 1, 5)) is False


def _seed(db, community):
    end = date.today() - timedelta(days=1)
    seed_report_community(community, end, days=90)
    db.session.commit()


def test_the_scheduled_email_arrives_with_the_pdf_attached(app, db, community, smtp_server):
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_SENDER="回声 <reports@huisheng.test>",
                      PUBLIC_BASE_URL="https://feedback.example.cn")
    _seed(db, community)
    manager = make_member(community, "manager", display_name="王主理",
                          email="manager@example.org")
    schedule = _due_schedule(db, community, [manager], extra_emails="boss@example.org")
    started = report_schedules.dispatch_due()
    assert len(started) == 1
    report = db.session.get(Report, started[0])
    db.session.refresh(report)
    assert report.status == ReportStatus.READY
    assert sorted(rcpt for rcpts, _ in inbox.messages for rcpt in rcpts) == [
        "boss@example.org", "manager@example.org"]
    message = email.message_from_bytes(inbox.messages[0][1], policy=email.policy.default)
    assert "光影同行" in message["Subject"] and "社群改进月报" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "PDF 见附件" in body and "https://feedback.example.cn/c/photo/reports/" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().startswith("改进报告-photo-")
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF") and pdf == report_service.pdf_bytes(report)
    db.session.refresh(schedule)
    assert schedule.last_status == "sent" and schedule.last_sent_at is not None
    assert sorted(report.emailed_to) == ["boss@example.org", "manager@example.org"]


def test_an_smtp_failure_is_shown_and_retried_without_regenerating(app, db, community,
                                                                   smtp_server):
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    _seed(db, community)
    manager = make_member(community, "manager", email="manager@example.org")
    schedule = _due_schedule(db, community, [manager])
    (report_id,) = report_schedules.dispatch_due()
    db.session.refresh(schedule)
    assert schedule.last_status == "retrying"
    assert "manager@example.org" in schedule.last_error
    run = db.session.execute(db.select(JobRun)).scalar_one()
    assert run.state == JobState.RETRYING and "Connection refused" in run.error
    report = db.session.get(Report, report_id)
    assert report.status == ReportStatus.READY and report.emailed_to == []
    pdf_name = report.pdf_name
    # the retry, once the mail server is back
    app.config["MAIL_PORT"] = controller.port
    report_schedules.deliver(report_id)
    db.session.refresh(report)
    db.session.refresh(schedule)
    assert report.pdf_name == pdf_name  # the PDF was not rendered again
    assert schedule.last_status == "sent" and len(inbox.messages) == 1


def test_without_a_mail_server_the_report_is_archived_and_the_failure_shown(app, db,
                                                                           community):
    app.config["MAIL_SERVER"] = ""
    manager = make_member(community, "manager")
    schedule = _due_schedule(db, community, [manager], sections=["methods"])
    (report_id,) = report_schedules.dispatch_due()
    db.session.refresh(schedule)
    assert schedule.last_status == "failed" and "MAIL_SERVER" in schedule.last_error
    run = db.session.execute(db.select(JobRun)).scalar_one()
    assert run.state == JobState.FAILED and run.attempts == 1
    assert db.session.get(Report, report_id).is_ready


def test_managers_set_up_a_schedule_on_the_page(app, client, db, login_as, community):
    manager = login_as("manager")
    response = client.post("/c/photo/reports/schedules", data={
        "cadence": "weekly", "weekday": "0", "day_of_month": "1", "send_hour": "8",
        "recipients": [str(manager.id)], "extra_emails": "boss@example.org",
        "sections": ["summary", "metrics"], "active": "y"})
    assert response.status_code == 302
    schedule = db.session.execute(db.select(ReportSchedule)).scalar_one()
    assert (schedule.cadence, schedule.send_day, schedule.send_hour) == ("weekly", 0, 8)
    assert [u.id for u in schedule.recipients] == [manager.id]
    page = client.get("/c/photo/reports/schedules").get_data(as_text=True)
    assert "boss@example.org" in page and "尚未配置邮件服务器" in page
    bad = client.post("/c/photo/reports/schedules", data={
        "cadence": "monthly", "day_of_month": "1", "send_hour": "8",
        "recipients": [str(manager.id)], "extra_emails": "not-an-address",
        "sections": ["summary"], "active": "y"}).get_data(as_text=True)
    assert "邮箱地址无效" in bad


def test_a_recipient_who_is_no_longer_a_manager_is_skipped(app, db, community):
    from app.models import Membership

    manager = make_member(community, "manager", email="was-manager@example.org")
    admin = make_member(community, "admin", email="admin@example.org")
    schedule = _due_schedule(db, community, [manager, admin])
    membership = db.session.execute(db.select(Membership).where(
        Membership.user_id == manager.id)).scalar_one()
    membership.role = "operator"
    db.session.commit()
    assert [a for _n, a in report_schedules.addresses_for(schedule)] == ["admin@example.org"]
