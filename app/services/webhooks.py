"""A community's group-chat robots (企业微信, 钉钉, 飞书): which events go to which webhook,
and their delivery in the background.

The robots live in the community's settings (``settings["webhooks"]``), set by a community
admin. Features call :func:`announce` when something happens (a new suggestion, an insight
alert, a finished report); once the transaction is committed, :func:`flush` queues one
``webhooks.deliver`` job per robot (a request does it when it ends, through
``notifications.flush_deliveries``), so no request waits for a chat platform. The webhook
URL holds the robot's key: it is shown and logged only masked, and it never enters a job's
parameters.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Community, utcnow
from app.notifications import webhooks as robots
from app.services import after_commit, audit
from app.services.errors import ServiceError

log = logging.getLogger(__name__)

SETTING = "webhooks"
MAX_HOOKS = 10
_PENDING_KEY = "huisheng.pending_webhooks"

EVENTS: dict[str, object] = {
    "suggestion.new": _l("新建议"),
    "insight.alert": _l("洞察预警"),
    "report.ready": _l("报告生成完成"),
}


@dataclass(frozen=True)
class Hook:
    """One robot of a community, as stored (``url`` holds the key: show ``masked_url``)."""

    id: str
    vendor: str
    name: str
    url: str
    events: tuple[str, ...]
    last: dict = field(default_factory=dict)

    @property
    def masked_url(self) -> str:
        """The URL with its key hidden, for pages and logs."""
        return robots.masked_url(self.url)

    @property
    def vendor_label(self):
        """The platform's name."""
        vendor = robots.VENDORS.get(self.vendor)
        return vendor.label if vendor else self.vendor


def _stored(community: Community) -> list[dict]:
    return [dict(h) for h in community.setting(SETTING, []) or [] if isinstance(h, dict)]


def _save(community: Community, hooks: list[dict]) -> None:
    community.settings = {**(community.settings or {}), SETTING: hooks}  # a new dict: saved


def list_hooks(community: Community) -> list[Hook]:
    """The community's robots, in the order they were added."""
    return [Hook(id=h["id"], vendor=h.get("vendor", ""), name=h.get("name", ""),
                 url=h.get("url", ""), events=tuple(h.get("events", ())),
                 last=dict(h.get("last") or {}))
            for h in _stored(community) if h.get("id")]


def get_hook(community: Community, hook_id: str) -> Hook | None:
    """One robot of this community (None for an unknown id or another community's)."""
    return next((h for h in list_hooks(community) if h.id == hook_id), None)


def _clean_events(events) -> list[str]:
    chosen = [e for e in EVENTS if e in set(events or ())]
    if not chosen:
        raise ServiceError(_l("请至少选择一类要推送的消息。"), code="events_required",
                           field="events")
    return chosen


def add_hook(community: Community, *, vendor: str, name: str, url: str, events, actor) -> Hook:
    """Add a robot after checking its URL (https, the vendor's host) and its events."""
    try:
        url = robots.validate_url(vendor, url)
    except robots.WebhookURLError as exc:
        raise ServiceError(exc.message, code="invalid_url", field="url") from None
    chosen = _clean_events(events)
    hooks = _stored(community)
    if len(hooks) >= MAX_HOOKS:
        raise ServiceError(_l("每个社群最多 %(n)d 个机器人。", n=MAX_HOOKS), code="too_many",
                           field="url")
    if any(h.get("url") == url for h in hooks):
        raise ServiceError(_l("这个 Webhook 地址已经添加过了。"), code="duplicate", field="url")
    name = (name or "").strip()[:60] or str(robots.VENDORS[vendor].label)
    record = {"id": secrets.token_hex(4), "vendor": vendor, "name": name, "url": url,
              "events": chosen, "last": {}}
    _save(community, [*hooks, record])
    audit.record("webhook.added", "community", community.id, actor=actor,
                 community_id=community.id,
                 after={"vendor": vendor, "name": name, "url": robots.masked_url(url),
                        "events": chosen})
    return get_hook(community, record["id"])


def update_events(community: Community, hook_id: str, events, *, actor) -> None:
    """Choose again which events a robot receives."""
    chosen = _clean_events(events)
    hooks = _stored(community)
    for hook in hooks:
        if hook.get("id") == hook_id:
            before = list(hook.get("events", ()))
            hook["events"] = chosen
            break
    else:
        raise ServiceError(_l("机器人不存在。"), code="not_found")
    _save(community, hooks)
    audit.record("webhook.updated", "community", community.id, actor=actor,
                 community_id=community.id, before={"id": hook_id, "events": before},
                 after={"id": hook_id, "events": chosen})


def delete_hook(community: Community, hook_id: str, *, actor) -> None:
    """Remove a robot; messages already queued for it are dropped."""
    hooks = _stored(community)
    kept = [h for h in hooks if h.get("id") != hook_id]
    if len(kept) == len(hooks):
        raise ServiceError(_l("机器人不存在。"), code="not_found")
    _save(community, kept)
    gone = next(h for h in hooks if h.get("id") == hook_id)
    audit.record("webhook.deleted", "community", community.id, actor=actor,
                 community_id=community.id,
                 before={"vendor": gone.get("vendor"), "name": gone.get("name"),
                         "url": robots.masked_url(gone.get("url", ""))})


# --- sending ---------------------------------------------------------------------------------


def _render(text) -> str:
    # Robots post into a shared group chat: the community's language is the site default.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(text)


def announce(community: Community, event: str, *, title, body="", link: str | None = None,
             only_hook: str | None = None) -> int:
    """Remember a message for every robot of the community subscribed to ``event``; queued by
    :func:`flush` after the commit. Returns how many robots will get it."""
    if event not in EVENTS and only_hook is None:
        raise ValueError(f"unknown webhook event {event!r}")
    if link is not None and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("webhook links must be paths inside this site")
    targets = [h for h in list_hooks(community)
               if (h.id == only_hook if only_hook else event in h.events)]
    if not targets:
        return 0
    message = {"event": event, "title": _render(title)[:200], "body": _render(body),
               "link": link}
    after_commit.stage(_PENDING_KEY, [(community.id, hook.id, message) for hook in targets])
    return len(targets)


def discard_pending() -> None:
    """Forget messages that were not queued (after a rollback, or for generated data)."""
    after_commit.discard(_PENDING_KEY)


def flush(base_url: str | None = None, *, committed_only: bool = False) -> int:
    """Queue one delivery job per announced message and robot; call it after committing
    (``committed_only``: only the messages of committed transactions)."""
    from app.services import jobs

    pending = after_commit.take(_PENDING_KEY, committed_only=committed_only)
    base = current_app.config.get("PUBLIC_BASE_URL") or (base_url or "").rstrip("/")
    for community_id, hook_id, message in pending:
        link = message.get("link")
        message = {**message, "link": (base + link) if (link and base) else None}
        jobs.enqueue("webhooks.deliver", community_id, hook_id, message,
                     community_id=community_id)
    return len(pending)


def _record(community: Community, hook_id: str, status: str, detail: str) -> None:
    hooks = _stored(community)
    for hook in hooks:
        if hook.get("id") == hook_id:
            hook["last"] = {"status": status, "detail": detail[:200],
                            "at": utcnow().isoformat(timespec="seconds")}
    _save(community, hooks)
    db.session.commit()


def deliver(community_id: int, hook_id: str, message: dict) -> str:
    """Post one message to one robot (the ``webhooks.deliver`` job) and record the outcome on
    the robot. Raises ``WebhookDeliveryError`` when a retry may help."""
    community = db.session.get(Community, community_id)
    hook = get_hook(community, hook_id) if community is not None else None
    if hook is None:
        return "skipped"  # removed since the message was queued
    event = message.get("event", "")
    if event in EVENTS and event not in hook.events:
        return "skipped"  # unsubscribed since
    outgoing = robots.Message(title=message.get("title", ""), body=message.get("body", ""),
                              link=message.get("link"))
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT", 5))
    try:
        outcome = robots.post(hook.vendor, hook.url, outgoing, timeout=timeout)
    except robots.WebhookDeliveryError as exc:
        log.warning("webhook %s (%s, %s) of community %s failed, will retry: %s",
                    hook.id, hook.vendor, hook.masked_url, community_id, exc)
        _record(community, hook.id, "failed", str(exc))
        raise
    if outcome.status != "sent":
        log.warning("webhook %s (%s, %s) of community %s refused the message: %s",
                    hook.id, hook.vendor, hook.masked_url, community_id, outcome.detail)
    _record(community, hook.id, outcome.status, outcome.detail)
    return outcome.status


def send_test(community: Community, hook_id: str) -> None:
    """Queue a test message to one robot (after the commit, through :func:`flush`)."""
    if get_hook(community, hook_id) is None:
        raise ServiceError(_l("机器人不存在。"), code="not_found")
    announce(community, "test", only_hook=hook_id,
             title=_l("「%(name)s」的回声通知已连通", name=community.name),
             body=_l("这是一条测试消息：新建议、洞察预警和报告会按设置推送到这里。"),
             link=f"/c/{community.slug}/")
