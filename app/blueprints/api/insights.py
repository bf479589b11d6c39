"""Insight API: themes with their figures, the items of a theme, and corrections (apply and
undo). Operators and above; see docs/api.md."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from app.blueprints.api import api_bp
from app.blueprints.api.auth import api_token_required
from app.blueprints.api.envelope import fail, ok
from app.blueprints.service_calls import committing
from app.extensions import db
from app.models import Correction, FeedbackItem
from app.security.roles import Role
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.insights import analysis, corrections, detail, inbox, overview
from app.services.insights.inbox import InboxFilters
from app.services.insights.periods import parse_day, period_from

MAX_ITEMS = 100
STATUS_OF = {NotFound: 404, Conflict: 409}


def _error(exc: ServiceError):
    errors = [{"code": exc.code, "message": exc.message,
               **({"field": exc.field} if exc.field else {})}]
    return fail(STATUS_OF.get(type(exc), 400), exc.code, exc.message, errors=errors)


def _iso(value):
    return value.isoformat() if value is not None else None


def _theme_json(stat) -> dict:
    t = stat.theme
    return {
        "key": t.key, "name": t.name, "area": t.area, "status": t.status,
        "keywords": list(t.keywords or [])[:10], "size": t.size,
        "volume": stat.volume, "share": round(stat.share, 4),
        "sentiment": {"negative": stat.negative, "neutral": stat.neutral,
                      "positive": stat.positive},
        "negative_share": (round(stat.negative_share, 4)
                           if stat.negative_share is not None else None),
        "previous_volume": stat.previous,
        "change": round(stat.change, 4) if stat.change is not None else None,
        "trend": stat.trend,
        "acted_on_at": _iso(t.acted_on_at),
        "first_seen_at": _iso(t.first_seen_at),
    }


@api_bp.route("/insights/themes")
@api_token_required(Role.OPERATOR)
def insight_themes():
    """Themes of a period with volume, share, sentiment, change and weekly trend."""
    period = period_from(g.community, request.args.get("period"),
                         parse_day(request.args.get("start")), parse_day(request.args.get("end")))
    sort = request.args.get("sort", "volume")
    data = overview.overview(g.community, period,
                             sort=sort if sort in overview.SORTS else "volume")
    run = data.run
    return ok({
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(),
                   "previous_start": data.previous.start.isoformat(),
                   "previous_end": data.previous.end.isoformat()},
        "run": {"id": run.id, "finished_at": _iso(run.finished_at), "items": run.n_items}
        if run else None,
        "total": data.total, "previous_total": data.previous_total,
        "trend_weeks": [w.isoformat() for w in data.trend_weeks],
        "themes": [_theme_json(s) for s in data.themes],
        "other": {"volume": data.other.volume} if data.other else None,
    })


def _item_json(row) -> dict:
    item, ia = row.item, row.analysis
    return {
        "id": item.id, "text": item.redacted_text, "occurred_at": _iso(item.occurred_at),
        "source_kind": item.source_kind, "channel": item.channel,
        "anonymous": item.author_id is None, "link": row.link,
        "theme_key": ia.theme_key if ia else None,
        "sentiment": None if ia is None else {
            "label": ia.sentiment_label, "model_label": ia.model_label,
            "score": round(ia.sentiment_score, 4), "confidence": round(ia.confidence, 4),
            "corrected": ia.sentiment_corrected},
        "keywords": list(ia.keywords) if ia else [],
        "tags": row.tags,
    }


@api_bp.route("/insights/themes/<int:key>/items")
@api_token_required(Role.OPERATOR)
def insight_theme_items(key: int):
    """A theme's items, newest first, paged with ``cursor``."""
    if detail.theme_by_key(g.community, key) is None:
        return fail(404, "theme_not_found", _("主题不存在。"))
    limit = max(1, min(MAX_ITEMS, request.args.get("limit", 25, type=int) or 25))
    sentiment = request.args.get("sentiment", type=int)
    filters = InboxFilters(theme=key, sentiment=sentiment if sentiment in (-1, 0, 1) else None)
    page = inbox.page(g.community, filters, after=request.args.get("cursor"), limit=limit,
                      with_count=False)
    return ok([_item_json(r) for r in page.rows], next_cursor=page.next_cursor)


def _correction_json(c: Correction) -> dict:
    return {"id": c.id, "kind": c.kind, "summary": c.summary, "theme_keys": c.theme_keys,
            "item_ids": c.item_ids[:100], "created_at": _iso(c.created_at),
            "undone_at": _iso(c.undone_at), "run_id": c.run_id,
            "undoable": corrections.undoable(c)}


PARAMS = {
    "rename": {"theme": int, "name": str},
    "merge": {"source": int, "target": int},
    "split": {"theme": int, "parts": int},
    "move": {"items": list, "target": int},
    "sentiment": {"item": int, "label": int},
    "seed": {"name": str, "words": list},
    "archive": {"theme": int},
    "restore": {"theme": int},
}


def _params(body: dict) -> tuple[str, dict]:
    kind = body.get("kind")
    if kind not in PARAMS:
        raise ServiceError(_("不支持的修改类型。"), code="invalid_kind", field="kind")
    params = {}
    for name, kind_of in PARAMS[kind].items():
        value = body.get(name)
        if kind_of is int and (not isinstance(value, int) or isinstance(value, bool)):
            raise ServiceError(_("字段 %(name)s 需要是整数。", name=name), code="invalid",
                               field=name)
        if kind_of is str and not isinstance(value, str):
            raise ServiceError(_("字段 %(name)s 需要是文本。", name=name), code="invalid",
                               field=name)
        if kind_of is list and not isinstance(value, list):
            raise ServiceError(_("字段 %(name)s 需要是列表。", name=name), code="invalid",
                               field=name)
        params[name] = value
    if kind == "move":
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in params["items"]):
            raise ServiceError(_("字段 items 需要是反馈编号的列表。"), code="invalid",
                               field="items")
        for item_id in params["items"]:
            item = db.session.get(FeedbackItem, item_id)
            if item is None or item.community_id != g.community.id:
                raise NotFound(_("有反馈不存在。"), code="item_not_found", field="items")
    if kind == "sentiment":
        item = db.session.get(FeedbackItem, params["item"])
        if item is None or item.community_id != g.community.id:
            raise NotFound(_("反馈不存在。"), code="item_not_found", field="item")
    return kind, params


@api_bp.route("/insights/corrections", methods=["POST"])
@api_token_required(Role.OPERATOR)
def insight_correct():
    """Apply a correction (rename, merge, split, move, sentiment, seed, archive, restore)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return fail(400, "invalid_json", _("请求体需要是 JSON 对象。"))
    with committing(show=False) as done:
        kind, params = _params(body)
        correction = corrections.apply(g.community, kind, params, actor=g.user)
    if done.error:
        return _error(done.error)
    return ok(_correction_json(correction), status=201)


@api_bp.route("/insights/corrections/<int:correction_id>/undo", methods=["POST"])
@api_token_required(Role.OPERATOR)
def insight_undo(correction_id: int):
    """Undo a correction."""
    correction = db.session.get(Correction, correction_id)
    if correction is None or correction.community_id != g.community.id:
        return fail(404, "not_found", _("修改记录不存在。"))
    with committing(show=False) as done:
        corrections.undo(correction, actor=g.user)
    if done.error:
        return _error(done.error)
    return ok(_correction_json(correction))


@api_bp.route("/insights/runs", methods=["POST"])
@api_token_required(Role.OPERATOR)
def insight_run():
    """Start a full re-analysis in the background."""
    with committing(show=False) as done:
        run = analysis.request_run(g.community, actor=g.user, trigger="api")
    if done.error:
        return _error(done.error)
    return ok(analysis.run_progress(run), status=202)
