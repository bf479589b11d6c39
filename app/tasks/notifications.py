"""Background delivery of notifications (email and other non-in-app channels)."""

from __future__ import annotations

from app.services import notifications
from app.tasks.registry import job


@job("notifications.deliver", label="发送通知", retries=3, retry_delay=60)
def deliver_notifications(task_id: str | None, notification_ids: list[int], channels: list[str],
                          base_url: str | None = None) -> dict:
    """Send the notifications through each background channel and record the outcome."""
    return notifications.deliver(notification_ids, channels, base_url)


@job("webhooks.deliver", label="推送到群机器人", retries=3, retry_delay=60)
def deliver_webhook(task_id: str | None, community_id: int, hook_id: str, message: dict) -> dict:
    """Post one message to one of the community's group-chat robots."""
    from app.services import webhooks

    return {"status": webhooks.deliver(community_id, hook_id, message)}
