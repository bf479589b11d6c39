"""The channel registry: channel name -> class with ``send(notification, base_url)``.

Channels other than in-app are delivered by the ``notifications.deliver`` job, never inside a
web request. Each delivery's outcome is recorded on the notification (``deliveries``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import ClassVar

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Notification
from app.services import mailer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one delivery: ``sent``, ``skipped`` or ``failed``, with a detail."""

    status: str
    detail: str = ""

    @classmethod
    def sent(cls, detail: str = "") -> DeliveryResult:
        """The message went out."""
        return cls("sent", detail)

    @classmethod
    def skipped(cls, detail: str) -> DeliveryResult:
        """Nothing was sent, on purpose (no server, no address, turned off)."""
        return cls("skipped", detail)

    @classmethod
    def failed(cls, detail: str) -> DeliveryResult:
        """Sending was tried and did not work."""
        return cls("failed", detail)


class Channel:
    """A way to deliver a notification. Subclasses set ``name`` and ``label`` and implement
    ``send``; ``background`` channels are delivered by the job after the request commits."""

    name: ClassVar[str] = ""
    label: ClassVar[object] = ""
    background: ClassVar[bool] = True
    # Whether people can turn this channel off on their notifications page.
    optional: ClassVar[bool] = True

    def is_configured(self) -> bool:
        """Whether the site has what this channel needs (a server, a webhook…)."""
        return True

    def send(self, notification: Notification, base_url: str | None = None) -> DeliveryResult:
        """Deliver one notification; raise only for errors worth a retry."""
        raise NotImplementedError


CHANNELS: dict[str, type[Channel]] = {}


def register_channel(cls: type[Channel]) -> type[Channel]:
    """Class decorator: make a channel available under ``cls.name``."""
    if not cls.name:
        raise ValueError("a channel needs a name")
    CHANNELS[cls.name] = cls
    return cls


def get_channel(name: str) -> Channel:
    """An instance of the channel registered as ``name``."""
    try:
        return CHANNELS[name]()
    except KeyError:
        known = sorted(CHANNELS)
        raise KeyError(f"unknown notification channel {name!r}; known: {known}") from None


@register_channel
class InAppChannel(Channel):
    """The bell and the notifications page: the stored row is the message."""

    name = "in_app"
    label = _l("站内通知")
    background = False
    optional = False

    def send(self, notification: Notification, base_url: str | None = None) -> DeliveryResult:
        """Nothing to do: people read the stored notification in the app."""
        return DeliveryResult.sent()


def absolute_link(link: str | None, base_url: str | None) -> str | None:
    """The notification's link as an absolute URL, using ``PUBLIC_BASE_URL`` when set."""
    if not link:
        return None
    base = current_app.config.get("PUBLIC_BASE_URL") or (base_url or "").rstrip("/")
    return (base + link) if base else link


@register_channel
class EmailChannel(Channel):
    """Email through the SMTP server in ``MAIL_*``; skipped when none is configured."""

    name = "email"
    label = _l("邮件")

    def is_configured(self) -> bool:
        """Whether an SMTP server is set."""
        return bool(current_app.config.get("MAIL_SERVER"))

    def compose(self, notification: Notification, base_url: str | None = None) -> EmailMessage:
        """The email for a notification, in the recipient's language."""
        user = notification.recipient
        locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        link = absolute_link(notification.link, base_url)
        community = notification.community
        with force_locale(locale):
            subject = notification.title
            if community is not None:
                subject = f"[{community.name}] {subject}"
            lines = [notification.body.strip(), ""]
            if link:
                lines += [_("查看详情：%(link)s", link=link), ""]
            lines += ["——", _("你收到这封邮件，是因为你提交或关注了相关内容。"
                             "如不想再收到邮件，可在「通知」页面关闭邮件通知。")]
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = current_app.config["MAIL_SENDER"]
        message["To"] = formataddr((user.display_name, user.email))
        message["Message-ID"] = make_msgid(domain="huisheng")
        message.set_content("\n".join(lines).strip() + "\n")
        return message

    def send(self, notification: Notification, base_url: str | None = None) -> DeliveryResult:
        """Send the email; skipped without a server or an address, SMTP errors raise."""
        if not self.is_configured():
            log.info("email for notification %s skipped: MAIL_SERVER is not set", notification.id)
            return DeliveryResult.skipped("no_mail_server")
        if not notification.recipient.email:
            return DeliveryResult.skipped("no_address")
        # one SMTP sender for the whole app (TLS, SSL, login and timeout from MAIL_*)
        mailer.send(self.compose(notification, base_url))
        return DeliveryResult.sent()


DEFAULT_CHANNELS: tuple[str, ...] = ("in_app", "email")
