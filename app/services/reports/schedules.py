"""Report schedules: weekly or monthly reports generated and e-mailed to a community's
managers.

A Huey periodic task calls ``dispatch_due`` every few minutes. Each due schedule is claimed
with a conditional update (so that several workers never send one twice), gets a report for
the last complete week or month, and a ``reports.deliver`` job that generates the PDF and
e-mails it as an attachment. Failures are recorded on the schedule and retried by Huey.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    Cadence,
    Community,
    Membership,
    Report,
    ReportSchedule,
    ReportStatus,
    User,
    utcnow,
)
from app.security.roles import Role
from app.services import audit, mailer
from app.services.errors import ServiceError
from app.services.reports import documents as report_service
from reports.context import ReportContext
from reports.formatting import fmt_date

log = logging.getLogger(__name__)

MAX_EXTRA_EMAILS = 10
RECIPIENT_ROLES = (Role.MANAGER.value, Role.ADMIN.value)
WEEKDAY_LABELS = [_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"),
                  _l("周日")]


def zone_of(community: Community) -> ZoneInfo:
    """The community's timezone (Asia/Shanghai when unknown)."""
    try:
        return ZoneInfo(community.timezone or "Asia/Shanghai")
    except (KeyError, ValueError):
        return ZoneInfo("Asia/Shanghai")


def next_run_after(cadence: str, send_day: int, send_hour: int, zone: ZoneInfo,
                   after: datetime) -> datetime:
    """The first send time strictly after ``after`` (naive UTC in, naive UTC out)."""
    local = after.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    day = local.date()
    for _ in range(400):
        if cadence == Cadence.WEEKLY:
            matches = day.weekday() == send_day
        else:
            matches = day.day == send_day
        if matches:
            candidate = datetime(day.year, day.month, day.day, send_hour, tzinfo=zone)
            if candidate > local:
                return candidate.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        day += timedelta(days=1)
    raise ValueError("no send time found within 400 days")  # unreachable for valid input


def schedule_period(schedule: ReportSchedule, local_day: date):
    """The period kind, period and comparison period a schedule reports on when it runs
    on ``local_day``: the last complete week or calendar month."""
    kind = "last_week" if schedule.cadence == Cadence.WEEKLY else "last_month"
    period, previous = report_service.resolve_period(kind, local_day)
    return kind, period, previous


# --- recipients ----------------------------------------------------------------------------


def eligible_recipients(community: Community) -> list[User]:
    """Members who may receive the community's reports: its managers and admins."""
    return list(db.session.execute(
        db.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community.id, Membership.role.in_(RECIPIENT_ROLES),
               User.active.is_(True))
        .order_by(User.display_name, User.id)
    ).scalars())


def parse_extra_emails(text: str | Sequence[str] | None) -> list[str]:
    """Validated extra addresses from a comma, semicolon or line separated text."""
    if text is None:
        return []
    from email_validator import EmailNotValidError, validate_email  # first use: see users.py

    if isinstance(text, str):
        for separator in (";", "；", "，", "\n", "\r", " "):
            text = text.replace(separator, ",")
        parts = text.split(",")
    else:
        parts = list(text)
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        try:
            address = validate_email(part, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ServiceError(_l("邮箱地址无效：%(address)s", address=part[:80]),
                               code="invalid_email", field="extra_emails") from None
        if address.lower() not in {a.lower() for a in out}:
            out.append(address)
    if len(out) > MAX_EXTRA_EMAILS:
        raise ServiceError(_l("额外收件人最多 %(n)d 个。", n=MAX_EXTRA_EMAILS),
                           code="too_many_emails", field="extra_emails")
    return out


def _recipients_from_ids(community: Community, user_ids: Sequence[int]) -> list[User]:
    eligible = {u.id: u for u in eligible_recipients(community)}
    wanted = {int(i) for i in user_ids}
    if wanted - set(eligible):
        raise ServiceError(_l("收件人只能是本社群的管理者或管理员。"), code="invalid_recipient",
                           field="recipients")
    return [eligible[i] for i in sorted(wanted)]


def _check_timing(cadence: str, send_day: int, send_hour: int) -> None:
    if cadence not in {c.value for c in Cadence}:
        raise ServiceError(_l("请选择每周或每月。"), code="invalid_cadence", field="cadence")
    if cadence == Cadence.WEEKLY and not 0 <= send_day <= 6:
        raise ServiceError(_l("请选择每周的发送日。"), code="invalid_day", field="send_day")
    if cadence == Cadence.MONTHLY and not 1 <= send_day <= 28:
        raise ServiceError(_l("每月的发送日需在 1 到 28 号之间。"), code="invalid_day",
                           field="send_day")
    if not 0 <= send_hour <= 23:
        raise ServiceError(_l("发送时间需在 0 到 23 点之间。"), code="invalid_hour",
                           field="send_hour")


def save_schedule(
    community: Community,
    *,
    cadence: str,
    send_day: int,
    send_hour: int,
    sections: Sequence[str],
    recipient_ids: Sequence[int],
    extra_emails: str | Sequence[str] | None = None,
    active: bool = True,
    schedule: ReportSchedule | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> ReportSchedule:
    """Create a schedule, or update ``schedule``; the next run is recomputed."""
    _check_timing(cadence, send_day, send_hour)
    recipients = _recipients_from_ids(community, recipient_ids)
    extras = parse_extra_emails(extra_emails)
    if not recipients and not extras:
        raise ServiceError(_l("请至少选择一位收件人。"), code="no_recipients", field="recipients")
    chosen = report_service.clean_sections(sections)
    created = schedule is None
    if schedule is None:
        schedule = ReportSchedule(community_id=community.id,
                                  created_by_id=getattr(actor, "id", None))
        db.session.add(schedule)
    schedule.cadence, schedule.send_day, schedule.send_hour = cadence, send_day, send_hour
    schedule.sections = chosen
    schedule.recipients = recipients
    schedule.extra_emails = extras
    schedule.active = bool(active)
    schedule.next_run_at = next_run_after(cadence, send_day, send_hour, zone_of(community),
                                          now or utcnow())
    db.session.flush()
    audit.record("report_schedule." + ("created" if created else "updated"), "report_schedule",
                 schedule.id, actor=actor, community_id=community.id,
                 after={"cadence": cadence, "send_day": send_day, "send_hour": send_hour,
                        "recipients": [u.id for u in recipients], "extra_emails": len(extras)})
    return schedule


def delete_schedule(schedule: ReportSchedule, *, actor: User | None = None) -> None:
    """Remove a schedule (its past reports stay in the archive)."""
    audit.record("report_schedule.deleted", "report_schedule", schedule.id, actor=actor,
                 community_id=schedule.community_id, before={"cadence": schedule.cadence})
    db.session.delete(schedule)


def list_schedules(community_id: int) -> list[ReportSchedule]:
    """A community's schedules."""
    return list(db.session.execute(
        db.select(ReportSchedule).where(ReportSchedule.community_id == community_id)
        .order_by(ReportSchedule.id)
    ).scalars())


def addresses_for(schedule: ReportSchedule) -> list[tuple[str, str]]:
    """Who gets the next e-mail: recipients who are still managers or admins, and the extra
    addresses, each once."""
    community = db.session.get(Community, schedule.community_id)
    eligible = {u.id for u in eligible_recipients(community)}
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for user in schedule.recipients:
        if user.id in eligible and user.email.lower() not in seen:
            out.append((user.display_name, user.email))
            seen.add(user.email.lower())
    for address in schedule.extra_emails or []:
        if address.lower() not in seen:
            out.append(("", address))
            seen.add(address.lower())
    return out


# --- running -------------------------------------------------------------------------------


def _claim(schedule: ReportSchedule, now: datetime) -> bool:
    """Move the schedule's next run forward, unless another worker already did."""
    community = db.session.get(Community, schedule.community_id)
    following = next_run_after(schedule.cadence, schedule.send_day, schedule.send_hour,
                               zone_of(community), now)
    claimed = db.session.execute(
        db.update(ReportSchedule)
        .where(ReportSchedule.id == schedule.id,
               ReportSchedule.next_run_at == schedule.next_run_at)
        .values(next_run_at=following, last_run_at=now, last_status="generating",
                last_error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def run_schedule(schedule: ReportSchedule, now: datetime, *, actor: User | None = None
                 ) -> Report:
    """Create the report a schedule is due for (the caller commits and enqueues)."""
    community = db.session.get(Community, schedule.community_id)
    local_day = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone_of(community)).date()
    kind, period, previous = schedule_period(schedule, local_day)
    return report_service.create_report(
        community, period_kind=kind, period=period, previous_period=previous,
        sections=schedule.sections, actor=actor, schedule_id=schedule.id)


def dispatch_due(now: datetime | None = None) -> list[int]:
    """Start every active schedule whose time has come; returns the new report ids."""
    from app.services import jobs

    now = now or utcnow()
    due = list(db.session.execute(
        db.select(ReportSchedule).where(ReportSchedule.active.is_(True),
                                        ReportSchedule.next_run_at <= now)
        .order_by(ReportSchedule.next_run_at)
    ).scalars())
    started = []
    for schedule in due:
        if not _claim(schedule, now):
            db.session.rollback()
            continue
        report = run_schedule(schedule, now)
        report_id, community_id = report.id, report.community_id
        db.session.commit()
        jobs.enqueue("reports.deliver", report_id, community_id=community_id)
        started.append(report_id)
    return started


def send_now(schedule: ReportSchedule, *, actor: User) -> Report:
    """Run a schedule at once (the "send now" button); the next run stays as it was."""
    from app.services import jobs

    schedule.last_run_at = utcnow()
    schedule.last_status, schedule.last_error = "generating", None
    report = run_schedule(schedule, utcnow(), actor=actor)
    report_id = report.id
    db.session.commit()
    jobs.enqueue("reports.deliver", report_id, community_id=schedule.community_id,
                 requested_by_id=actor.id)
    return db.session.get(Report, report_id)


def _set_status(schedule_id: int | None, status: str, error: str | None = None,
                sent: bool = False) -> None:
    if schedule_id is None:
        return
    values: dict = {"last_status": status, "last_error": error}
    if sent:
        values["last_sent_at"] = utcnow()
    db.session.execute(db.update(ReportSchedule).where(ReportSchedule.id == schedule_id)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def email_body(report: Report, context: ReportContext | None, link: str | None) -> str:
    """The e-mail text sent with a scheduled report (Chinese, like the report)."""
    community = report.community
    lines = [
        f"{community.name} 的{report.title}已生成，PDF 见附件。",
        f"报告期：{fmt_date(report.period_start)} 至 {fmt_date(report.period_end)}",
        "",
    ]
    if context is not None and context.summary is not None and context.summary.findings:
        lines.append("主要发现：")
        lines += [f"· {f.text}" for f in context.summary.findings[:5]]
        lines.append("")
    if link:
        lines += [f"在线查看历史报告：{link}", ""]
    lines += ["——",
              "报告中的关联分析只描述反馈与社群指标的同步变化，不能据此判断因果。",
              "你收到这封邮件，是因为你是该社群定期报告的收件人；"
              "管理者可在「改进报告 → 定期发送」中修改。"]
    return "\n".join(lines)


def _archive_link(community: Community) -> str | None:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return None
    # jobs run outside a request: build the path in a throwaway request context
    with current_app.test_request_context("/"):
        return base + url_for("reports.index", slug=community.slug)


def deliver(report_id: int, progress: report_service.Progress = report_service._no_progress,
            *, final_attempt: bool = True) -> dict:
    """Generate a scheduled report if needed and e-mail its PDF to the schedule's recipients.

    Addresses already served are skipped on a retry. SMTP failures are recorded on the
    schedule (``retrying``, or ``failed`` on the ``final_attempt``) and re-raised so that
    Huey retries; a missing mail configuration or a failed render is final at once.
    """
    report = db.session.get(Report, report_id)
    if report is None:
        raise report_service.ReportFailed(_l("报告不存在或已被删除。"), code="report_missing")
    schedule_id = report.schedule_id
    if not report.is_ready:
        try:
            report_service.generate(report_id, progress)
        except report_service.ReportFailed as exc:
            _set_status(schedule_id, "failed", exc.message)
            raise
        report = db.session.get(Report, report_id)
    schedule = db.session.get(ReportSchedule, schedule_id) if schedule_id else None
    if schedule is None:
        return {"report": report_id, "sent": []}
    pdf = report_service.pdf_bytes(report)
    if pdf is None:
        _set_status(schedule_id, "failed", str(_l("报告 PDF 文件不存在。")))
        raise report_service.ReportFailed(_l("报告 PDF 文件不存在。"), code="pdf_missing")
    if not mailer.is_configured():
        message = str(_l("未配置邮件服务器（MAIL_SERVER），报告已生成但未发送。"))
        _set_status(schedule_id, "failed", message)
        raise mailer.MailNotConfigured(message)
    context = ReportContext.from_json(report.context_json) if report.context_json else None
    attachment = mailer.Attachment(report_service.download_name(report), pdf,
                                   "application/pdf")
    subject = (f"[{report.community.name}] {report.title} · {fmt_date(report.period_start)} 至 "
               f"{fmt_date(report.period_end)}")
    body = email_body(report, context, _archive_link(report.community))
    done = {a.lower() for a in report.emailed_to or []}
    sent = list(report.emailed_to or [])
    progress(0.95, str(report_service.STAGES["send"]))
    for name, address in addresses_for(schedule):
        if address.lower() in done:
            continue
        message = mailer.compose(subject, body, [(name, address)], attachments=[attachment])
        try:
            mailer.send(message)
        except (smtplib.SMTPException, OSError) as exc:
            report.emailed_to = sent
            db.session.commit()
            _set_status(schedule_id, "failed" if final_attempt else "retrying",
                        str(_l("发送到 %(address)s 失败：%(error)s", address=address,
                               error=str(exc)[:300])))
            raise
        sent.append(address)
    report.emailed_to = sent
    report.emailed_at = utcnow()
    db.session.commit()
    _set_status(schedule_id, "sent", None, sent=True)
    return {"report": report_id, "sent": sent}


def last_report(schedule: ReportSchedule) -> Report | None:
    """The latest report a schedule produced."""
    return db.session.execute(
        db.select(Report).where(Report.schedule_id == schedule.id)
        .order_by(Report.created_at.desc(), Report.id.desc()).limit(1)
    ).scalar_one_or_none()


def failed_reports(schedule: ReportSchedule) -> int:
    """How many of a schedule's reports failed."""
    return db.session.execute(
        db.select(db.func.count(Report.id)).where(Report.schedule_id == schedule.id,
                                                  Report.status == ReportStatus.FAILED.value)
    ).scalar_one()
