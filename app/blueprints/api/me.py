"""``GET /api/v1/me``: who the token acts as, and where."""

from __future__ import annotations

from flask import g

from app.blueprints.api import api_bp
from app.blueprints.api.auth import api_token_required
from app.blueprints.api.envelope import ok
from app.security.roles import Role


@api_bp.route("/me")
@api_token_required(Role.MEMBER)
def me():
    """The token's user, community and role."""
    return ok({
        "user": {"id": g.user.id, "display_name": g.user.display_name},
        "community": {"slug": g.community.slug, "name": g.community.name},
        "role": g.role.value,
        "token": {"name": g.api_token.name, "prefix": g.api_token.prefix},
    })
