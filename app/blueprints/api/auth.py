"""Bearer-token authentication for the API, scoped to the token's community and role."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.blueprints.api.envelope import fail
from app.blueprints.service_calls import commit
from app.extensions import limiter
from app.models import utcnow
from app.security.access import AccessPolicy
from app.security.rate_limits import limit_for
from app.security.roles import Role
from app.services.accounts.api_credentials import record_use, resolve_api_credentials
from app.services.accounts.users import resolve_api_caller


def _api_limit() -> str:
    return limit_for("API_RATE_LIMIT")


def api_token_required(min_role: Role | str = Role.OPERATOR, *, objects: bool = True):
    """Require ``Authorization: Bearer <token>`` whose owner still has ``min_role``.

    Sets ``g.api_token``, ``g.community``, ``g.user`` and ``g.role``. Busy endpoints pass
    ``objects=False`` to get plain ``g.api_credentials`` and ``g.community_id`` instead (no
    model objects, and at most one plain query every couple of seconds: see
    ``app.services.accounts.api_credentials``).
    """
    min_role = Role(min_role)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _sep, secret = header.partition(" ")
            secret = secret.strip() if scheme.lower() == "bearer" else ""
            if not objects:
                return _with_credentials(view, secret, min_role, args, kwargs)
            caller = resolve_api_caller(secret) if secret else None
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
                commit()
            g.api_token, g.community, g.user, g.role = token, caller.community, user, role
            g.community_id = caller.community.id
            return view(*args, **kwargs)

        wrapped.access = AccessPolicy("api", min_role)
        limited = limiter.limit(_api_limit)(wrapped)

        @wraps(wrapped)
        def entry(*args, **kwargs):
            # A disabled limiter would still look up and evaluate the limits on every call.
            return (limited if limiter.enabled else wrapped)(*args, **kwargs)

        return entry

    return decorator


def _with_credentials(view, secret: str, min_role: Role, args, kwargs):
    credentials = resolve_api_credentials(secret) if secret else None
    if credentials is None:
        return fail(401, "unauthorized", _("缺少或无效的 API 令牌。"))
    if credentials.role is None:
        return fail(401, "unauthorized", _("令牌所有者已不在该社群中。"))
    if not credentials.role.at_least(min_role):
        return fail(403, "forbidden", _("令牌所有者的角色权限不足。"))
    if record_use(secret, credentials):
        commit()
    g.api_credentials, g.role = credentials, credentials.role
    g.community_id = credentials.community_id
    return view(*args, **kwargs)
