"""Names of the channels feedback comes through, for people to read.

Feedback items, survey responses and exports keep short channel codes (``suggestion-box``,
``interview-phone``, ``wx-group-1``); pages and exports show names instead. A code is named by
the app itself (the suggestion box, interview channels) or by the community: its channel
presets (常用渠道, which new surveys start with) and its surveys' channels. A code nobody named
is shown as it is.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.extensions import db
from app.models import INTERVIEW_CHANNEL_LABELS, Community, Survey, User
from app.services import audit
from app.services.surveys.lifecycle import CHANNEL_PRESETS_SETTING, clean_channels, set_channels

SUGGESTION_BOX_CHANNEL = "suggestion-box"
INTERVIEW_PREFIX = "interview-"


def builtin_names() -> dict[str, str]:
    """The codes the app writes itself, with their names in the current language."""
    names = {SUGGESTION_BOX_CHANNEL: _("意见箱")}
    for channel, label in INTERVIEW_CHANNEL_LABELS.items():
        names[f"{INTERVIEW_PREFIX}{channel.value}"] = _("访谈（%(how)s）", how=label)
    return names


def presets(community: Community) -> list[dict[str, str]]:
    """The community's usual channels, ``[{"key", "label"}]`` in their order."""
    return [dict(c) for c in community.setting(CHANNEL_PRESETS_SETTING, []) or []]


def set_presets(community: Community, channels: list[tuple[str, str]], *,
                actor: User | None) -> None:
    """Replace the community's usual channels ((key, name) pairs, checked like a survey's)."""
    clean = clean_channels(channels)
    before = presets(community)
    if clean == before:
        return
    # a new dict, so that the JSON column sees the change
    community.settings = {**(community.settings or {}), CHANNEL_PRESETS_SETTING: clean}
    audit.record("community.channel_presets_changed", "community", community.id, actor=actor,
                 community_id=community.id, before={"channels": before},
                 after={"channels": clean})


def add_presets_to(survey: Survey, community: Community, *, actor: User | None) -> int:
    """Add the community's usual channels that the survey lacks; returns how many."""
    current = list(survey.channels or [])
    keys = {c["key"] for c in current}
    missing = [c for c in presets(community) if c["key"] not in keys]
    if missing:
        set_channels(survey, [(c["key"], c["label"]) for c in current + missing], actor=actor)
    return len(missing)


def community_names(community_id: int) -> dict[str, str]:
    """Every channel code the community named, with its name: its surveys' channels (the
    most recently created survey wins when two name a code differently), then its presets,
    which win."""
    names: dict[str, str] = {}
    rows = db.session.execute(
        db.select(Survey.channels).where(Survey.community_id == community_id)
        .order_by(Survey.id)
    ).scalars()
    for channels in rows:
        for channel in channels or []:
            if channel.get("key") and channel.get("label"):
                names[channel["key"]] = channel["label"]
    community = db.session.get(Community, community_id)
    if community is not None:
        names.update({c["key"]: c["label"] for c in presets(community)})
    return names


def channel_names(community_id: int) -> dict[str, str]:
    """Code → name for every channel the community or the app named."""
    return {**community_names(community_id), **builtin_names()}


def channel_name(code: str | None, names: dict[str, str]) -> str:
    """The name of ``code``, or the code itself when nobody named it."""
    if not code:
        return ""
    return names.get(code, code)
