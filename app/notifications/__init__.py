"""Delivery channels for notifications: a registry of classes with ``send(notification)``.

The in-app channel is the notification row itself; email goes out through SMTP in a
background job. A new channel (WeChat Work, DingTalk, a chat bot) is one class registered with
``@register_channel``; see ``app.notifications.channels``.
"""

from app.notifications.channels import (
    CHANNELS,
    DEFAULT_CHANNELS,
    Channel,
    DeliveryResult,
    EmailChannel,
    InAppChannel,
    get_channel,
    register_channel,
)

__all__ = [
    "CHANNELS",
    "DEFAULT_CHANNELS",
    "Channel",
    "DeliveryResult",
    "EmailChannel",
    "InAppChannel",
    "get_channel",
    "register_channel",
]
