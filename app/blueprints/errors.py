"""Error pages for people and JSON errors for API callers."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
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
    }


def error_response(status: int, message: str | None = None, code: str | None = None):
    """A JSON envelope or an error page, whichever the caller expects."""
    message = message or _messages().get(status) or _("出错了。")
    if wants_json():
        body = {"success": False, "errors": [{"code": code or str(status), "message": message}]}
        return jsonify(body), status
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
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
        return error_response(500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        from app.blueprints.service_calls import rollback

        rollback()
        return error_response(500)
