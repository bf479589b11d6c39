"""Bearer-token authentication for the API, scoped to the token's community and role."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.blueprints.api.envelope import fail
from app.extensions import db, limiter
from app.models import utcnow
from app.security.access import AccessPolicy
from app.security.roles import Role
from app.services.accounts import resolve_api_caller


def api_token_required(min_role: Role | str = Role.OPERATOR):
    """Require ``Authorization: Bearer <token>`` whose owner still has ``min_role``.

    Sets ``g.api_token``, ``g.community``, ``g.user`` and ``g.role``.
    """
    min_role = Role(min_role)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _sep, secret = header.partition(" ")
            caller = resolve_api_caller(secret.strip()) if scheme.lower() == "bearer" else None
            if caller is None:
                return fail(401, "unauthorized", _("缺少或无效的 API 令牌。"))
            token, user, role = caller.token, caller.user, caller.role
            if role is None:
                return fail(401, "unauthorized", _("令牌所有者已不在该社群中。"))
            if not role.at_least(min_role):
                return fail(403, "forbidden", _("令牌所有者的角色权限不足。"))
            now = utcnow()
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                token.last_used_at = now
                db.session.commit()
            g.api_token, g.community, g.user, g.role = token, caller.community, user, role
            return view(*args, **kwargs)

        wrapped.access = AccessPolicy("api", min_role)
        return limiter.limit("600 per minute")(wrapped)

    return decorator
