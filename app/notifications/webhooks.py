"""Group-chat robots reached through incoming webhooks: 企业微信, 钉钉 and 飞书 / Lark.

Each vendor knows its hosts, the shape of its webhook URL, its JSON message and how it says
"ok". ``post`` sends one message with a short timeout and never follows redirects, so a
webhook cannot be turned into a request to some other host. Nothing here writes the URL's
key into a log or an error: use :func:`masked_url` for anything shown or logged.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

MAX_URL_LENGTH = 500
# A chat message is a notice, not the full text: the link leads to the rest.
MAX_BODY_CHARS = 600
MAX_RESPONSE_BYTES = 64 * 1024


class WebhookURLError(ValueError):
    """The URL is not one we send to; ``message`` is shown to the admin."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class WebhookDeliveryError(Exception):
    """A delivery failed in a way worth retrying (network, timeout, 5xx, rate limit).

    The text holds the vendor and a short reason, never the URL."""


@dataclass(frozen=True)
class Message:
    """What a robot posts: a title, a plain-text body and an absolute link (optional)."""

    title: str
    body: str = ""
    link: str | None = None


@dataclass(frozen=True)
class Outcome:
    """One delivery: ``sent`` or ``failed`` (not worth a retry), with a short detail."""

    status: str
    detail: str = ""


@dataclass(frozen=True)
class Vendor:
    """A chat platform's incoming-webhook robot."""

    name: str
    label: object
    hosts: tuple[str, ...]
    path_pattern: re.Pattern
    secret_param: str | None  # the query parameter holding the key, if the key is in the query
    payload: Callable[[Message], dict[str, Any]]
    accepted: Callable[[dict[str, Any]], tuple[bool, str]]


_MARKDOWN_SPECIALS = str.maketrans({"[": "［", "]": "］", "<": "＜", ">": "＞", "`": "'",
                                    "*": "＊", "_": "＿", "#": "＃"})


def plain(text: str) -> str:
    """Member text made inert inside a markdown message: no links, headings or emphasis that
    a member could smuggle into the operators' group chat."""
    return (text or "").translate(_MARKDOWN_SPECIALS)


def _short(text: str) -> str:
    text = (text or "").strip()
    return text if len(text) <= MAX_BODY_CHARS else text[:MAX_BODY_CHARS - 1] + "…"


def _markdown(message: Message, *, heading: str) -> str:
    lines = [f"{heading} {plain(message.title)}"]
    if message.body:
        lines += ["", plain(_short(message.body))]
    if message.link:
        lines += ["", f"[{plain(str(_l('查看详情')))}]({message.link})"]
    return "\n".join(lines)


def _wecom_payload(message: Message) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": _markdown(message, heading="###")}}


def _dingtalk_payload(message: Message) -> dict[str, Any]:
    return {"msgtype": "markdown",
            "markdown": {"title": message.title[:60], "text": _markdown(message, heading="####")}}


def _feishu_payload(message: Message) -> dict[str, Any]:
    paragraphs: list[list[dict[str, str]]] = []
    if message.body:
        paragraphs.append([{"tag": "text", "text": _short(message.body)}])
    if message.link:
        paragraphs.append([{"tag": "a", "text": str(_l("查看详情")), "href": message.link}])
    return {"msg_type": "post",
            "content": {"post": {"zh_cn": {"title": message.title, "content": paragraphs}}}}


def _errcode_ok(answer: dict[str, Any]) -> tuple[bool, str]:
    code = answer.get("errcode", 0)
    return code == 0, f"errcode {code}: {str(answer.get('errmsg', ''))[:120]}"


def _feishu_ok(answer: dict[str, Any]) -> tuple[bool, str]:
    code = answer.get("code", answer.get("StatusCode", 0))
    text = str(answer.get("msg", answer.get("StatusMessage", "")))
    return code == 0, f"code {code}: {text[:120]}"


VENDORS: dict[str, Vendor] = {
    vendor.name: vendor for vendor in (
        Vendor("wecom", _l("企业微信群机器人"), ("qyapi.weixin.qq.com",),
               re.compile(r"/cgi-bin/webhook/send"), "key", _wecom_payload, _errcode_ok),
        Vendor("dingtalk", _l("钉钉群机器人"), ("oapi.dingtalk.com",),
               re.compile(r"/robot/send"), "access_token", _dingtalk_payload, _errcode_ok),
        Vendor("feishu", _l("飞书 / Lark 群机器人"), ("open.feishu.cn", "open.larksuite.com"),
               re.compile(r"/open-apis/bot/v2/hook/[A-Za-z0-9-]{8,}"), None, _feishu_payload,
               _feishu_ok),
    )
}


def extra_hosts() -> set[str]:
    """Hosts (``host`` or ``host:port``) the operator allows besides the vendors' own, e.g. a
    local test server or a relay (``WEBHOOK_EXTRA_HOSTS``)."""
    return {h.strip().lower() for h in current_app.config.get("WEBHOOK_EXTRA_HOSTS") or ()
            if h.strip()}


def validate_url(vendor_name: str, url: str) -> str:
    """The cleaned webhook URL, or :class:`WebhookURLError` saying what is wrong with it.

    Vendor hosts need https, the default port and the vendor's webhook path with its key;
    a host in ``WEBHOOK_EXTRA_HOSTS`` may be anything (http too), since the operator chose it.
    """
    vendor = VENDORS.get(vendor_name)
    if vendor is None:
        raise WebhookURLError(_l("请选择机器人所在的平台。"))
    url = (url or "").strip()
    if not url:
        raise WebhookURLError(_l("请填写 Webhook 地址。"))
    if len(url) > MAX_URL_LENGTH or any(c.isspace() for c in url):
        raise WebhookURLError(_l("Webhook 地址格式不正确。"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookURLError(_l("Webhook 地址格式不正确。")) from None
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise WebhookURLError(_l("Webhook 地址格式不正确。"))
    netloc = f"{host}:{port}" if port else host
    if host in extra_hosts() or netloc in extra_hosts():
        if parts.scheme not in ("http", "https"):
            raise WebhookURLError(_l("Webhook 地址格式不正确。"))
        return url
    if parts.scheme != "https":
        raise WebhookURLError(_l("Webhook 地址必须以 https:// 开头。"))
    if host not in vendor.hosts or port not in (None, 443):
        raise WebhookURLError(_l("%(vendor)s的 Webhook 地址应在 %(hosts)s 上。",
                                 vendor=vendor.label, hosts=" / ".join(vendor.hosts)))
    if not vendor.path_pattern.fullmatch(parts.path):
        raise WebhookURLError(_l("这不是%(vendor)s的 Webhook 地址，请从机器人设置中复制完整地址。",
                                 vendor=vendor.label))
    if vendor.secret_param and not dict(parse_qsl(parts.query)).get(vendor.secret_param):
        raise WebhookURLError(_l("Webhook 地址缺少密钥（%(param)s），请复制完整地址。",
                                 param=vendor.secret_param))
    return url


def _mask(value: str) -> str:
    return value[:4] + "****" if len(value) > 4 else "****"


def masked_url(url: str) -> str:
    """The URL with its key hidden: every query value, and any long path segment (飞书 keeps
    its token in the path), keep only their first four characters."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "****"
    segments = [(_mask(s) if len(s) >= 16 else s) for s in parts.path.split("/")]
    query = "&".join(f"{k}={_mask(v)}" for k, v in parse_qsl(parts.query, keep_blank_values=True))
    masked = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{'/'.join(segments)}"
    return masked + (f"?{query}" if query else "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a webhook answers directly; following would reach an unchecked host


_opener = urllib.request.build_opener(_NoRedirect)


def post(vendor_name: str, url: str, message: Message, *, timeout: float) -> Outcome:
    """Send one message. Returns ``sent`` or ``failed`` (refused: wrong key, keyword…);
    raises :class:`WebhookDeliveryError` for what a retry may fix."""
    vendor = VENDORS[vendor_name]
    if urlsplit(url).scheme not in ("http", "https"):
        return Outcome("failed", "bad_scheme")
    data = json.dumps(vendor.payload(message), ensure_ascii=False).encode("utf-8")
    # the scheme is checked above and the host by validate_url when the robot was added
    request = urllib.request.Request(  # noqa: S310
        url, data=data, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "User-Agent": "Huisheng-webhook"},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            raw = response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        if exc.code == 429 or exc.code >= 500:
            raise WebhookDeliveryError(f"{vendor_name}: HTTP {exc.code}") from None
        return Outcome("failed", f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookDeliveryError(f"{vendor_name}: {type(reason).__name__}") from None
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return Outcome("failed", "not_json")
    if not isinstance(answer, dict):
        return Outcome("failed", "not_json")
    ok, detail = vendor.accepted(answer)
    return Outcome("sent") if ok else Outcome("failed", detail)
