"""Sending e-mail through the SMTP server configured in ``MAIL_*``.

Small on purpose: ``compose`` builds a message (plain text, optional attachments with
Chinese file names), ``send`` delivers it. Report schedules use it, and any other sender
(notifications) can too. Call it from background jobs, never inside a web request.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.services.errors import PermanentFailure, ServiceError


class MailNotConfigured(ServiceError, PermanentFailure):
    """No SMTP server is configured (``MAIL_SERVER`` is empty)."""

    code = "mail_not_configured"


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


def is_configured() -> bool:
    """Whether an SMTP server is configured."""
    return bool(current_app.config.get("MAIL_SERVER"))


def compose(
    subject: str,
    body: str,
    to: Sequence[tuple[str, str]],
    *,
    attachments: Sequence[Attachment] = (),
    sender: str | None = None,
) -> EmailMessage:
    """A plain-text message to ``to`` (``(name, address)`` pairs) with attachments."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender or current_app.config["MAIL_SENDER"]
    message["To"] = ", ".join(formataddr((name, address)) for name, address in to)
    message["Message-ID"] = make_msgid(domain="huisheng")
    message.set_content(body)
    for item in attachments:
        maintype, _, subtype = item.mimetype.partition("/")
        message.add_attachment(item.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=item.filename)
    return message


def send(message: EmailMessage) -> None:
    """Deliver ``message`` through the configured SMTP server.

    Raises ``MailNotConfigured`` without a server, and ``smtplib.SMTPException`` or
    ``OSError`` when the server cannot be reached or refuses the message (worth a retry).
    """
    config = current_app.config
    host = config.get("MAIL_SERVER")
    if not host:
        raise MailNotConfigured(_l("未配置邮件服务器（MAIL_SERVER），无法发送邮件。"))
    port = int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT", 30))
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
