"""Community metrics: the catalogue (standard and custom metrics), idempotent upserts of daily
values, daily series for charts and reports, and custom metric definitions.

Values are keyed by (community, metric, local day); writing the same value twice changes
nothing, so imports and API pushes can be replayed safely.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Aggregation, Community, CustomMetric, MetricValue
from app.services import audit
from app.services.errors import Conflict, ServiceError
from reports.context import STANDARD_METRICS, DailySeries, MetricDefinition

#: Largest value a metric may hold (guards against unit mistakes and overflow).
MAX_VALUE = 1e12
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
MAX_CUSTOM_METRICS = 30

#: Chinese labels of the standard metrics, translatable for the web pages.
STANDARD_LABELS = {
    "new_members": _l("新增成员"),
    "total_members": _l("成员总数"),
    "dau": _l("日活跃成员"),
    "mau": _l("月活跃成员"),
    "interactions": _l("互动次数"),
    "content_views": _l("内容浏览"),
    "clicks": _l("内容点击"),
    "event_participants": _l("活动参与"),
    "churned": _l("流失成员"),
}


@dataclass(frozen=True)
class MetricInfo:
    """One metric a community can record: standard or custom."""

    key: str
    label: str
    unit: str
    aggregation: str
    higher_is_better: bool
    custom: bool = False

    def definition(self) -> MetricDefinition:
        """The report engine's description of this metric."""
        return MetricDefinition(self.key, self.label, self.unit, self.aggregation,
                                self.higher_is_better)


def standard_metrics() -> list[MetricInfo]:
    """The standard metrics, in their display order, with labels in the current language."""
    return [MetricInfo(d.key, str(STANDARD_LABELS.get(d.key, d.label)), d.unit, d.aggregation,
                       d.higher_is_better) for d in STANDARD_METRICS.values()]


def custom_metrics(community_id: int) -> list[CustomMetric]:
    """The community's custom metric definitions, by name."""
    return list(db.session.execute(
        db.select(CustomMetric).where(CustomMetric.community_id == community_id)
        .order_by(CustomMetric.name)
    ).scalars())


def catalog(community_id: int) -> list[MetricInfo]:
    """Every metric the community can record: the standard ones, then its custom ones."""
    return standard_metrics() + [
        MetricInfo(c.key, c.name, c.unit, c.aggregation, c.higher_is_better, custom=True)
        for c in custom_metrics(community_id)
    ]


def catalog_by_key(community_id: int) -> dict[str, MetricInfo]:
    """The catalogue as a dict by key."""
    return {m.key: m for m in catalog(community_id)}


def report_definitions(community_id: int) -> list[MetricDefinition]:
    """Definitions of the community's custom metrics, in the report engine's form.

    Standard metrics keep the engine's own (Chinese) labels, since reports are Chinese.
    """
    return [MetricDefinition(c.key, c.name, c.unit, c.aggregation, c.higher_is_better)
            for c in custom_metrics(community_id)]


# --- values --------------------------------------------------------------------------------


def check_value(value: object) -> float:
    """A metric value as a float, or ``ValueError`` with a code (not_number, negative,
    too_large)."""
    if isinstance(value, bool):
        raise ValueError("not_number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError("not_number") from None
    if not math.isfinite(number):
        raise ValueError("not_number")
    if number < 0:
        raise ValueError("negative")
    if number > MAX_VALUE:
        raise ValueError("too_large")
    return number


@dataclass
class UpsertResult:
    """What an upsert did: rows created, changed, and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        """Rows created or changed."""
        return self.created + self.updated


def _insert_for(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def upsert_values(
    community_id: int,
    values: Iterable[tuple[date, str, float]],
    *,
    source: str,
    batch_id: int | None = None,
) -> UpsertResult:
    """Create or update ``(day, metric, value)`` triples; identical values are left alone.

    The caller has validated the triples and commits (or rolls back) the whole batch, so a
    batch is stored completely or not at all. A later triple for the same day and metric
    wins.
    """
    wanted: dict[tuple[str, date], float] = {}
    for day, metric, value in values:
        wanted[(metric, day)] = float(value)
    result = UpsertResult()
    if not wanted:
        return result
    metrics = sorted({m for m, _ in wanted})
    first, last = min(d for _, d in wanted), max(d for _, d in wanted)
    existing = {
        (m, d): (row_id, v) for row_id, m, d, v in db.session.execute(
            db.select(MetricValue.id, MetricValue.metric, MetricValue.day, MetricValue.value)
            .where(MetricValue.community_id == community_id, MetricValue.metric.in_(metrics),
                   MetricValue.day.between(first, last))
        )
    }
    inserts, updates = [], []
    for (metric, day), value in wanted.items():
        found = existing.get((metric, day))
        if found is None:
            inserts.append({"community_id": community_id, "metric": metric, "day": day,
                            "value": value, "source": source, "batch_id": batch_id})
        elif found[1] != value:
            updates.append({"id": found[0], "value": value, "source": source,
                            "batch_id": batch_id})
        else:
            result.unchanged += 1
    dialect = db.session.get_bind().dialect.name
    for chunk in _chunks(inserts, 500):
        stmt = _insert_for(dialect)(MetricValue).values(chunk)
        # a concurrent push may have created the row since we looked: update it instead
        stmt = stmt.on_conflict_do_update(
            index_elements=["community_id", "metric", "day"],
            set_={"value": stmt.excluded.value, "source": stmt.excluded.source,
                  "batch_id": stmt.excluded.batch_id},
        )
        db.session.execute(stmt)
    if updates:
        db.session.execute(db.update(MetricValue), updates)
    result.created, result.updated = len(inserts), len(updates)
    return result


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def daily_series(
    community_id: int, first: date, last: date, keys: Sequence[str] | None = None
) -> list[DailySeries]:
    """One ``DailySeries`` from ``first`` to ``last`` per metric that has data in that span
    (``None`` for days without a value), in catalogue order."""
    stmt = db.select(MetricValue.metric, MetricValue.day, MetricValue.value).where(
        MetricValue.community_id == community_id, MetricValue.day.between(first, last))
    if keys is not None:
        stmt = stmt.where(MetricValue.metric.in_(list(keys)))
    n = (last - first).days + 1
    grids: dict[str, list[float | None]] = {}
    for metric, day, value in db.session.execute(stmt):
        grid = grids.setdefault(metric, [None] * n)
        grid[(day - first).days] = value
    order = [m.key for m in catalog(community_id)]
    ranked = sorted(grids, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [DailySeries(key, first, grids[key]) for key in ranked]


@dataclass
class Coverage:
    """Which days and metrics a community has data for."""

    first_day: date | None
    last_day: date | None
    values: int
    metrics: dict[str, int]


def coverage(community_id: int) -> Coverage:
    """The span of days with metric values, and the number of values per metric."""
    rows = db.session.execute(
        db.select(MetricValue.metric, db.func.count(), db.func.min(MetricValue.day),
                  db.func.max(MetricValue.day))
        .where(MetricValue.community_id == community_id).group_by(MetricValue.metric)
    ).all()
    if not rows:
        return Coverage(None, None, 0, {})
    return Coverage(
        first_day=min(r[2] for r in rows), last_day=max(r[3] for r in rows),
        values=sum(r[1] for r in rows), metrics={r[0]: r[1] for r in rows},
    )


def delete_values(community_id: int, metric: str, first: date | None = None,
                  last: date | None = None) -> int:
    """Remove a metric's values (all, or those between ``first`` and ``last``)."""
    stmt = db.delete(MetricValue).where(MetricValue.community_id == community_id,
                                        MetricValue.metric == metric)
    if first is not None:
        stmt = stmt.where(MetricValue.day >= first)
    if last is not None:
        stmt = stmt.where(MetricValue.day <= last)
    return db.session.execute(stmt).rowcount or 0


# --- custom metrics ------------------------------------------------------------------------


def _clean_definition(name: str, unit: str, aggregation: str, description: str
                      ) -> tuple[str, str, str, str]:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("请填写指标名称。"), code="name_required", field="name")
    if len(name) > 40:
        raise ServiceError(_l("指标名称不能超过 40 个字符。"), code="name_too_long", field="name")
    if aggregation not in {a.value for a in Aggregation}:
        raise ServiceError(_l("请选择有效的汇总方式。"), code="invalid_aggregation",
                           field="aggregation")
    unit = (unit or "").strip()
    if len(unit) > 12:
        raise ServiceError(_l("单位不能超过 12 个字符。"), code="unit_too_long", field="unit")
    return name, unit, aggregation, (description or "").strip()[:200]


def create_custom_metric(
    community: Community, *, key: str, name: str, unit: str = "",
    aggregation: str = Aggregation.SUM.value, higher_is_better: bool = True,
    description: str = "", actor=None,
) -> CustomMetric:
    """Define a custom metric for the community."""
    key = (key or "").strip().lower()
    if not KEY_RE.match(key):
        raise ServiceError(
            _l("指标代码需以小写字母开头，只含小写字母、数字和下划线，长 2–32 个字符。"),
            code="invalid_key", field="key")
    if key in STANDARD_METRICS:
        raise Conflict(_l("该代码是内置指标，请换一个。"), code="key_reserved", field="key")
    name, unit, aggregation, description = _clean_definition(name, unit, aggregation,
                                                             description)
    existing = custom_metrics(community.id)
    if any(c.key == key for c in existing):
        raise Conflict(_l("该指标代码已存在。"), code="key_taken", field="key")
    taken_names = {c.name for c in existing} | {str(m.label) for m in standard_metrics()}
    if name in taken_names:
        raise Conflict(_l("已有同名指标。"), code="name_taken", field="name")
    if len(existing) >= MAX_CUSTOM_METRICS:
        raise ServiceError(_l("每个社群最多定义 %(n)d 个自定义指标。", n=MAX_CUSTOM_METRICS),
                           code="too_many", field="key")
    metric = CustomMetric(community_id=community.id, key=key, name=name, unit=unit,
                          aggregation=aggregation, higher_is_better=bool(higher_is_better),
                          description=description)
    db.session.add(metric)
    db.session.flush()
    audit.record("metric.defined", "custom_metric", metric.id, actor=actor,
                 community_id=community.id, after={"key": key, "name": name})
    return metric


def update_custom_metric(metric: CustomMetric, *, name: str, unit: str, aggregation: str,
                         higher_is_better: bool, description: str = "", actor=None) -> None:
    """Change a custom metric's name, unit, aggregation or direction (its key stays)."""
    name, unit, aggregation, description = _clean_definition(name, unit, aggregation,
                                                             description)
    others = [c for c in custom_metrics(metric.community_id) if c.id != metric.id]
    if name in {c.name for c in others} | {str(m.label) for m in standard_metrics()}:
        raise Conflict(_l("已有同名指标。"), code="name_taken", field="name")
    before = {"name": metric.name, "aggregation": metric.aggregation}
    metric.name, metric.unit, metric.aggregation = name, unit, aggregation
    metric.higher_is_better, metric.description = bool(higher_is_better), description
    audit.record("metric.updated", "custom_metric", metric.id, actor=actor,
                 community_id=metric.community_id, before=before,
                 after={"name": name, "aggregation": aggregation})


def delete_custom_metric(metric: CustomMetric, *, actor=None) -> int:
    """Remove a custom metric and all its values; returns how many values went."""
    removed = delete_values(metric.community_id, metric.key)
    audit.record("metric.deleted", "custom_metric", metric.id, actor=actor,
                 community_id=metric.community_id,
                 before={"key": metric.key, "name": metric.name, "values": removed})
    db.session.delete(metric)
    return removed


def local_today(community: Community) -> date:
    """Today's date in the community's timezone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        zone = ZoneInfo(community.timezone or "Asia/Shanghai")
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    return datetime.now(zone).date()


def default_span(community: Community, days: int = 90) -> tuple[date, date]:
    """The last ``days`` days up to the latest day with data (or today)."""
    cov = coverage(community.id)
    end = cov.last_day or local_today(community)
    return end - timedelta(days=days - 1), end
