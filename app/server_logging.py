"""gunicorn's logger without client addresses or request secrets.

gunicorn writes "Invalid request from ip=203.0.113.9: …" and "Error handling request GET
/s/<survey key>?…" to its error log. Client addresses are personal data the product promises
not to keep, and survey, invitation and tracking links carry secrets in their path, so every
error-log line goes through :class:`PrivateErrorFilter` first. ``gunicorn.conf.py`` selects
:class:`PrivateGunicornLogger`.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

HIDDEN = "[hidden]"
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# At least three groups of hex digits joined by colons (a time like 12:30:45 has no letters
# and at most two colons, and is kept).
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?(?![\w:])")
_IP_FIELD = re.compile(r"\bip=\S+")
_REQUEST = re.compile(r"(Error handling request(?: [A-Z]+)?) (/[^\s?]*)\S*")


def _is_ipv6_like(text: str) -> bool:
    return text.count(":") >= 3 or any(c.isalpha() for c in text)


def _hide_path(match: re.Match[str]) -> str:
    first = match.group(2).split("/")[1]
    return f"{match.group(1)} /{first}/{HIDDEN}" if first else f"{match.group(1)} /"


def scrub(message: str) -> str:
    """The message without client addresses or the secret parts of a request's URI."""
    message = _REQUEST.sub(_hide_path, message)
    message = _IP_FIELD.sub(f"ip={HIDDEN}", message)
    message = _IPV4.sub(HIDDEN, message)
    return _IPV6.sub(lambda m: HIDDEN if _is_ipv6_like(m.group(0)) else m.group(0), message)


class PrivateErrorFilter(logging.Filter):
    """Rewrite each record's message through :func:`scrub` before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        return True


class PrivateGunicornLogger(Logger):
    """gunicorn's logger whose error log never names a client address or a request secret."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, PrivateErrorFilter) for f in self.error_log.filters):
            self.error_log.addFilter(PrivateErrorFilter())
