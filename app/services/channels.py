"""Names of the channels feedback comes through, for people to read.

Feedback items, survey responses and exports keep short channel codes (``suggestion-box``,
``interview-phone``, ``wx-group-1``); pages and exports show names instead. A code is named by
the app itself (the suggestion box, interview channels) or by the community: its surveys'
channels. A code nobody named is shown as it is.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.extensions import db
from app.models import INTERVIEW_CHANNEL_LABELS, Survey

SUGGESTION_BOX_CHANNEL = "suggestion-box"
INTERVIEW_PREFIX = "interview-"


def builtin_names() -> dict[str, str]:
    """The codes the app writes itself, with their names in the current language."""
    names = {SUGGESTION_BOX_CHANNEL: _("意见箱")}
    for channel, label in INTERVIEW_CHANNEL_LABELS.items():
        names[f"{INTERVIEW_PREFIX}{channel.value}"] = _("访谈（%(how)s）", how=label)
    return names


def community_names(community_id: int) -> dict[str, str]:
    """Every channel code the community named, with its name: its surveys' channels (the
    most recently created survey wins when two name a code differently)."""
    names: dict[str, str] = {}
    rows = db.session.execute(
        db.select(Survey.channels).where(Survey.community_id == community_id)
        .order_by(Survey.id)
    ).scalars()
    for channels in rows:
        for channel in channels or []:
            if channel.get("key") and channel.get("label"):
                names[channel["key"]] = channel["label"]
    return names


def channel_names(community_id: int) -> dict[str, str]:
    """Code → name for every channel the community or the app named."""
    return {**community_names(community_id), **builtin_names()}


def channel_name(code: str | None, names: dict[str, str]) -> str:
    """The name of ``code``, or the code itself when nobody named it."""
    if not code:
        return ""
    return names.get(code, code)
