"""Editing a community's own settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Community
from app.services import audit
from app.services.errors import ServiceError


def update_community(community: Community, *, name: str, description: str, actor,
                     retention_days: int | None = None) -> None:
    """Change a community's name, description and retention period (None: the site's)."""
    from app.services.retention import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS

    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("请填写社群名称。"), code="name_required", field="name")
    if retention_days is not None and not (
            MIN_RETENTION_DAYS <= retention_days <= MAX_RETENTION_DAYS):
        raise ServiceError(_l("保留天数需在 %(min)d 到 %(max)d 之间。", min=MIN_RETENTION_DAYS,
                              max=MAX_RETENTION_DAYS), code="retention_days",
                           field="retention_days")
    settings = dict(community.settings or {})
    before = {"name": community.name, "description": community.description,
              "retention_days": settings.get("retention_days")}
    community.name = name[:120]
    community.description = (description or "").strip()
    if retention_days is None:
        settings.pop("retention_days", None)
    else:
        settings["retention_days"] = int(retention_days)
    community.settings = settings
    after = {"name": community.name, "description": community.description,
             "retention_days": settings.get("retention_days")}
    if before != after:
        audit.record("community.updated", "community", community.id, actor=actor,
                     community_id=community.id, before=before, after=after)
