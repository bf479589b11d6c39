"""Alerts about themes: a spike in negative feedback, and a theme appearing for the first time.

The spike rule (weeks run Monday to Sunday in the community's time zone):

    c   = the theme's negative items in the week under test (the week so far, for this week)
    B   = its negative items in each of the 8 weeks before (at least 4 weeks of history)
    m   = median(B),  s = max(1.4826 × MAD(B), √max(m, 1))
    spike when c ≥ 5 and c > m + 3·s

The median and the median absolute deviation (scaled to a standard deviation) are robust to
an earlier spike in the baseline; the √m floor is the Poisson noise of a count, so a flat
baseline (MAD 0) does not flag every small wobble; the minimum of 5 keeps small numbers
quiet. Steady growth raises the baseline with it and is not flagged.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    AlertKind,
    AnalysisRun,
    Community,
    InsightAlert,
    InsightTheme,
    ItemAnalysis,
    Membership,
    ThemeStatus,
    utcnow,
)
from app.security.roles import Role
from app.services.errors import Conflict
from app.services.insights import analysis

K = 3.0
MIN_COUNT = 5
BASELINE_WEEKS = 8
MIN_HISTORY = 4
MAD_SCALE = 1.4826


@dataclass(frozen=True)
class SpikeCheck:
    """The spike rule applied to one week: the count, the baseline and the verdict."""

    count: int
    median: float
    spread: float
    threshold: float
    history: int
    is_spike: bool


def spike_check(counts: Sequence[int], *, k: float = K, min_count: int = MIN_COUNT,
                weeks: int = BASELINE_WEEKS, min_history: int = MIN_HISTORY) -> SpikeCheck | None:
    """Apply the spike rule to the last of ``counts`` (weekly negative counts, oldest first).

    Returns None when there are fewer than ``min_history`` weeks before the last one.
    """
    if not counts:
        return None
    current = int(counts[-1])
    history = [int(c) for c in counts[:-1]][-weeks:]
    if len(history) < min_history:
        return None
    median = float(statistics.median(history))
    mad = float(statistics.median([abs(c - median) for c in history]))
    spread = max(MAD_SCALE * mad, math.sqrt(max(median, 1.0)))
    threshold = median + k * spread
    return SpikeCheck(current, median, round(spread, 3), round(threshold, 3), len(history),
                      current >= min_count and current > threshold)


def week_start(day: date) -> date:
    """The Monday of a day's week."""
    return day - timedelta(days=day.weekday())


def local_day(when: datetime, zone: ZoneInfo) -> date:
    """The community-local date of a naive UTC datetime."""
    return when.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


def _zone(community: Community) -> ZoneInfo:
    try:
        return ZoneInfo(community.timezone or "Asia/Shanghai")
    except Exception:
        return ZoneInfo("Asia/Shanghai")


def weekly_negative_counts(community: Community, run_id: int, first_week: date,
                           last_week: date) -> dict[int, list[int]]:
    """Per theme, its negative items in each week from ``first_week`` to ``last_week``
    (Mondays; weeks are community-local, as the analysis stores each item's local day)."""
    n_weeks = (last_week - first_week).days // 7 + 1
    origin = first_week.toordinal()
    bucket = (ItemAnalysis.day - origin) // 7
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * n_weeks)
    for key, index, n in db.session.execute(
        db.select(ItemAnalysis.theme_key, bucket, db.func.count()).where(
            ItemAnalysis.run_id == run_id, ItemAnalysis.day >= origin,
            ItemAnalysis.day < origin + 7 * n_weeks, ItemAnalysis.sentiment_label == -1)
        .group_by(ItemAnalysis.theme_key, bucket)
    ):
        if index is not None and 0 <= int(index) < n_weeks:
            counts[int(key)][int(index)] += int(n)
    return dict(counts)


def _themes(community_id: int) -> dict[int, InsightTheme]:
    return {t.key: t for t in db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community_id,
                                      InsightTheme.status == ThemeStatus.ACTIVE.value,
                                      InsightTheme.is_other.is_(False))
    ).scalars()}


def check_spikes(community: Community, *, weeks: int = 2, today: date | None = None,
                 notify: bool = True) -> list[InsightAlert]:
    """Raise spike alerts for the last ``weeks`` weeks (this one included) of every theme."""
    run_id = analysis.current_run_id(community.id)
    if run_id is None:
        return []
    today = today or local_day(utcnow(), _zone(community))
    last = week_start(today)
    first_tested = last - timedelta(weeks=weeks - 1)
    first = first_tested - timedelta(weeks=BASELINE_WEEKS)
    counts = weekly_negative_counts(community, run_id, first, last)
    themes = _themes(community.id)
    raised = []
    for key, series in counts.items():
        theme = themes.get(key)
        if theme is None:
            continue
        for offset in range(weeks):
            end = BASELINE_WEEKS + offset + 1
            check = spike_check(series[:end])
            if check is None or not check.is_spike:
                continue
            period = first + timedelta(weeks=end - 1)
            alert = _raise(community, AlertKind.SPIKE, theme, period, float(check.count),
                           baseline=check.median, threshold=check.threshold,
                           details={"spread": check.spread, "history": series[:end - 1][-8:],
                                    "rule": f"c >= {MIN_COUNT} and c > median + {K:g}·s"})
            if alert is not None:
                raised.append(alert)
    if notify and raised:
        _notify(community, raised)
    return raised


def backfill_spikes(community: Community, *, since: date, today: date | None = None
                    ) -> list[InsightAlert]:
    """Check every week from ``since`` to today (e.g. after importing history); alerts are
    dated to their week and nobody is notified of old weeks."""
    today = today or local_day(utcnow(), _zone(community))
    weeks = (week_start(today) - week_start(since)).days // 7 + 1
    alerts = check_spikes(community, weeks=max(1, weeks), today=today, notify=False)
    zone = _zone(community)
    for alert in alerts:
        # Dated to the end of its week, as if it had been raised then.
        local_end = datetime.combine(alert.period_start + timedelta(days=6), time(21, 0),
                                     tzinfo=zone)
        alert.created_at = local_end.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return alerts


def check_new_themes(run: AnalysisRun, *, notify: bool = True) -> list[InsightAlert]:
    """Raise an alert for each theme that a run found for the first time (not the first run)."""
    diff = run.diff or {}
    if diff.get("first") or not diff.get("new"):
        return []
    community = db.session.get(Community, run.community_id)
    themes = _themes(run.community_id)
    today = local_day(utcnow(), _zone(community))
    raised = []
    for entry in diff["new"]:
        theme = themes.get(entry["key"])
        if theme is None:
            continue
        alert = _raise(community, AlertKind.NEW_THEME, theme, week_start(today),
                       float(entry["size"]), details={"keywords": theme.keywords[:5],
                                                      "run_id": run.id})
        if alert is not None:
            raised.append(alert)
    if notify and raised:
        _notify(community, raised)
    return raised


def check_after_run(run: AnalysisRun) -> list[InsightAlert]:
    """New-theme and spike alerts once a run is visible."""
    community = db.session.get(Community, run.community_id)
    return check_new_themes(run) + check_spikes(community)


def check_recent(community_id: int) -> list[InsightAlert]:
    """Spike alerts for the current week, after new items were analysed."""
    community = db.session.get(Community, community_id)
    return check_spikes(community, weeks=1) if community is not None else []


def _raise(community: Community, kind: AlertKind, theme: InsightTheme, period: date,
           observed: float, *, baseline: float | None = None, threshold: float | None = None,
           details: dict | None = None) -> InsightAlert | None:
    """Create an alert unless the same one (kind, theme, week) exists."""
    exists = db.session.execute(
        db.select(InsightAlert.id).where(
            InsightAlert.community_id == community.id, InsightAlert.kind == kind.value,
            InsightAlert.theme_key == theme.key, InsightAlert.period_start == period)
    ).first()
    if exists is not None:
        return None
    alert = InsightAlert(community_id=community.id, kind=kind.value, theme_key=theme.key,
                         theme_name=theme.name, period_start=period, observed=observed,
                         baseline=baseline, threshold=threshold, details=details or {})
    db.session.add(alert)
    db.session.flush()
    return alert


def staff_ids(community_id: int) -> list[int]:
    """The community's operators, managers and admins (who receive alerts)."""
    roles = [r.value for r in (Role.OPERATOR, Role.MANAGER, Role.ADMIN)]
    return list(db.session.execute(
        db.select(Membership.user_id).where(Membership.community_id == community_id,
                                            Membership.role.in_(roles))
    ).scalars())


def alert_text(alert: InsightAlert):
    """The title and body of an alert, as lazy strings (rendered in each reader's language)."""
    if alert.kind == AlertKind.SPIKE:
        title = _l("负面反馈激增：%(theme)s", theme=alert.theme_name)
        body = _l("「%(theme)s」在 %(week)s 这一周有 %(n)d 条负面反馈，高于近 8 周的常态"
                  "（中位数 %(median)s，阈值 %(threshold)s）。",
                  theme=alert.theme_name, week=alert.period_start.isoformat(),
                  n=int(alert.observed), median=f"{alert.baseline or 0:g}",
                  threshold=f"{alert.threshold or 0:.1f}")
    else:
        title = _l("出现新主题：%(theme)s", theme=alert.theme_name)
        body = _l("最新一次分析发现了新主题「%(theme)s」（%(n)d 条反馈）。",
                  theme=alert.theme_name, n=int(alert.observed))
    return title, body


def _notify(community: Community, alerts: Sequence[InsightAlert]) -> None:
    """Tell the community's staff in the app and by email, linking to each theme."""
    from app.services import notifications

    people = staff_ids(community.id)
    for alert in alerts:
        title, body = alert_text(alert)
        notifications.notify(
            people, kind="insight.alert", title=title, body=body, community=community,
            link=f"/c/{community.slug}/insights/themes/{alert.theme_key}",
            channels=("in_app", "email"),
        )


def flush_notifications() -> None:
    """Queue the email deliveries of alerts created in this transaction (after commit)."""
    from app.services import notifications

    notifications.flush_deliveries(base_url=current_app.config.get("PUBLIC_BASE_URL") or None)


def list_alerts(community_id: int, *, open_only: bool = False, theme_key: int | None = None,
                limit: int = 50) -> list[InsightAlert]:
    """The community's alerts, newest first."""
    stmt = db.select(InsightAlert).where(InsightAlert.community_id == community_id)
    if open_only:
        stmt = stmt.where(InsightAlert.acknowledged_at.is_(None))
    if theme_key is not None:
        stmt = stmt.where(InsightAlert.theme_key == theme_key)
    return list(db.session.execute(
        stmt.order_by(InsightAlert.created_at.desc(), InsightAlert.id.desc()).limit(limit)
    ).scalars())


def open_count(community_id: int) -> int:
    """How many alerts nobody has acknowledged yet."""
    return int(db.session.execute(
        db.select(db.func.count(InsightAlert.id)).where(
            InsightAlert.community_id == community_id, InsightAlert.acknowledged_at.is_(None))
    ).scalar_one())


def acknowledge(alert: InsightAlert, *, actor) -> None:
    """Mark an alert as seen and handled."""
    if alert.acknowledged_at is not None:
        raise Conflict(_l("这条提醒已经确认过了。"), code="already_acknowledged")
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = getattr(actor, "id", None)
