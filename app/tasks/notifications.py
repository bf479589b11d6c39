"""Background delivery of notifications (email and other non-in-app channels)."""

from __future__ import annotations

from app.services import notifications
from app.tasks.registry import job


@job("notifications.deliver", label="发送通知", retries=3, retry_delay=60)
def deliver_notifications(task_id: str | None, notification_ids: list[int], channels: list[str],
                          base_url: str | None = None) -> dict:
    """Send the notifications through each background channel and record the outcome."""
    return notifications.deliver(notification_ids, channels, base_url)
