"""``/api/v1/metrics``: push daily community metrics (idempotent upserts) and read them back."""

from __future__ import annotations

from datetime import date, timedelta

from flask import g, request
from flask_babel import gettext as _

from app.blueprints.api import api_bp
from app.blueprints.api.auth import api_token_required
from app.blueprints.api.envelope import fail, ok
from app.blueprints.service_calls import committing
from app.security.roles import Role
from app.services.metrics import importing as metric_import
from app.services.metrics import values as metric_service

MAX_READ_DAYS = 1000


@api_bp.route("/metrics", methods=["POST"])
@api_token_required(Role.OPERATOR)
def push_metrics():
    """Create or update daily values; the same payload twice changes nothing."""
    payload = request.get_json(silent=True)
    if payload is None:
        return fail(400, "invalid_json", _("请求体需要是 JSON。"))
    with committing(show=False) as done:
        outcome = metric_import.push_values(g.community, payload, actor=g.user,
                                            today=metric_service.local_today(g.community))
    if isinstance(done.error, metric_import.PayloadInvalid):
        return fail(400, "invalid", done.error.message, errors=done.error.errors)
    if done.error is not None:
        raise done.error
    record = outcome.record
    return ok({
        "import_id": record.id,
        "days": record.rows_total,
        "first_day": record.first_day.isoformat(),
        "last_day": record.last_day.isoformat(),
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    })


def _day_arg(name: str) -> date | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@api_bp.route("/metrics", methods=["GET"])
@api_token_required(Role.OPERATOR)
def read_metrics():
    """Daily values between ``from`` and ``to`` (default: the last 30 days with data)."""
    coverage = metric_service.coverage(g.community.id)
    last = _day_arg("to") or coverage.last_day or metric_service.local_today(g.community)
    first = _day_arg("from") or last - timedelta(days=29)
    if first > last:
        return fail(400, "invalid_range", _("from 不能晚于 to。"))
    if (last - first).days + 1 > MAX_READ_DAYS:
        return fail(400, "range_too_long", _("一次最多读取 %(n)d 天。", n=MAX_READ_DAYS))
    keys = [k for k in request.args.getlist("metric") if k] or None
    series = metric_service.daily_series(g.community.id, first, last, keys)
    catalog = metric_service.catalog_by_key(g.community.id)
    return ok({
        "from": first.isoformat(),
        "to": last.isoformat(),
        "metrics": [
            {"key": s.key, "label": catalog[s.key].label if s.key in catalog else s.key,
             "values": [{"date": d.isoformat(), "value": v}
                        for d, v in zip(s.dates(), s.values, strict=True) if v is not None]}
            for s in series
        ],
    })


@api_bp.route("/metrics/definitions", methods=["GET"])
@api_token_required(Role.OPERATOR)
def metric_definitions():
    """The metric keys this community accepts: the standard ones and its custom metrics."""
    return ok([
        {"key": m.key, "label": m.label, "unit": m.unit, "aggregation": m.aggregation,
         "higher_is_better": m.higher_is_better, "custom": m.custom}
        for m in metric_service.catalog(g.community.id)
    ])
