"""Editing a community's own settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import Community
from app.services import audit
from app.services.errors import ServiceError


def update_community(community: Community, *, name: str, description: str, actor) -> None:
    """Change a community's name and description."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("请填写社群名称。"), code="name_required", field="name")
    before = {"name": community.name, "description": community.description}
    community.name = name[:120]
    community.description = (description or "").strip()
    after = {"name": community.name, "description": community.description}
    if before != after:
        audit.record("community.updated", "community", community.id, actor=actor,
                     community_id=community.id, before=before, after=after)
