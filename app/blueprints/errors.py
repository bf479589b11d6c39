"""Error pages for people and JSON errors for API callers."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, render_template
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from app.security.access import wants_json
from app.security.body_limits import human_size

log = logging.getLogger(__name__)


def _messages():
    return {
        400: _("请求无法处理，请检查填写的内容后重试。"),
        401: _("请先登录。"),
        403: _("你没有权限访问此页面。"),
        404: _("找不到你要访问的页面，它可能已被删除，或你没有访问权限。"),
        405: _("不支持此操作。"),
        413: _("提交的内容太大了。"),
        429: _("操作太频繁了，请稍后再试。"),
        500: _("服务器出了点问题，我们已记录下来，请稍后再试。"),
        503: _("数据库暂时无法访问，请稍后再试。如果你刚才提交了内容，它可能没有保存，"
               "请稍后返回上一页重新提交。"),
    }


# How long a client should wait before trying again while the database is away (seconds).
RETRY_AFTER_SECONDS = 5
# SQLite's messages for a busy file, as opposed to a missing table or bad SQL.
_SQLITE_UNAVAILABLE = ("locked", "busy", "unable to open", "disk i/o")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` means the database cannot be reached right now (a server restarting,
    a dropped connection, an exhausted pool, a locked SQLite file) rather than a bug."""
    if isinstance(exc, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return False
    if type(exc.orig).__module__.startswith("sqlite3"):
        message = str(exc.orig).lower()
        return any(part in message for part in _SQLITE_UNAVAILABLE)
    return True


def _unavailable_response(exc: BaseException):
    """503 with Retry-After; the page needs no database (no user, community or bell)."""
    from app.blueprints.service_calls import rollback

    orig = getattr(exc, "orig", None) or exc
    # One line, no traceback and no SQL: the statement's parameters are members' answers.
    first_line = (str(orig).strip().splitlines() or [""])[0][:300]
    log.warning("database unavailable: %s: %s", type(orig).__name__, first_line)
    try:
        rollback()
    except Exception:  # the connection is gone; the pool replaces it on the next checkout
        log.debug("rollback after a lost connection failed", exc_info=True)
    # Whatever the request had loaded is expired by the rollback and cannot be reloaded.
    g._login_user = AnonymousUserMixin()
    g.community = None
    g.role = None
    response, status = error_response(503, None, "database_unavailable")
    response = current_app.make_response((response, status))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def error_response(status: int, message: str | None = None, code: str | None = None):
    """A JSON envelope or an error page, whichever the caller expects."""
    message = message or _messages().get(status) or _("出错了。")
    if wants_json():
        body = {"success": False, "errors": [{"code": code or str(status), "message": message}]}
        return jsonify(body), status
    template = (f"errors/{status}.html" if status in (403, 404, 500, 503)
                else "errors/generic.html")
    return render_template(template, status=status, message=message), status


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, _("页面已过期或表单无效，请刷新页面后重试。"), "csrf")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if exc.code == 413 and g.get("form_parts_limit"):
            return error_response(413, _("提交的表单字段太多了：最多 %(n)d 个。",
                                         n=g.form_parts_limit), "too_many_fields")
        if exc.code == 413 and g.get("body_limit"):
            return error_response(413, _("提交的内容太大了：这里最多接受 %(size)s。",
                                         size=human_size(g.body_limit)), "too_large")
        return error_response(exc.code, None, exc.name.lower().replace(" ", "_"))

    @app.errorhandler(InternalServerError)
    def server_error(exc):
        # An error in an after-request hook arrives here wrapped.
        if database_unavailable(getattr(exc, "original_exception", None)):
            return _unavailable_response(exc.original_exception)
        return error_response(500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if database_unavailable(exc):
            return _unavailable_response(exc)
        log.exception("unhandled error")
        from app.blueprints.service_calls import rollback

        rollback()
        return error_response(500)
