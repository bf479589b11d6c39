"""The API's response envelope."""

from __future__ import annotations

from typing import Any

from flask import jsonify


def ok(data: Any, status: int = 200, **meta: Any):
    """A successful response."""
    body = {"success": True, "data": data}
    if meta:
        body["meta"] = meta
    return jsonify(body), status


def fail(status: int, code: str, message: str, *, errors: list[dict] | None = None):
    """A failed response with one or more errors."""
    body = {"success": False, "errors": errors or [{"code": code, "message": message}]}
    return jsonify(body), status
