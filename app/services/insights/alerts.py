"""Alerts about themes: a spike in negative feedback, and a theme appearing for the first time.

The spike rule works on rolling 7-day windows of community-local days, so a burst is seen the
same whichever weekday it falls on:

    c   = the theme's negative items in the 7 days ending on the day under test
    B   = its negative items in each of the 8 windows of 7 days just before
          (at least 4 of them after the community's first analysed item)
    m   = median(B),  s = max(1.4826 × MAD(B), √max(m, 1))
    spike when c ≥ 5 and c > m + 3·s

The median and the median absolute deviation (scaled to a standard deviation) are robust to
an earlier spike in the baseline; the √m floor is the Poisson noise of a count, so a flat
baseline (MAD 0) does not flag every small wobble; the minimum of 5 keeps small numbers
quiet. Steady growth raises the baseline with it and is not flagged. A theme gets one spike
alert per burst: a window that overlaps an alerted one, or follows it directly, raises
nothing new.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

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
from app.services.insights.periods import local_today, week_start, zone_of

K = 3.0
MIN_COUNT = 5
WINDOW_DAYS = 7
BASELINE_WINDOWS = 8
MIN_HISTORY = 4
MAD_SCALE = 1.4826
# A theme's next spike alert needs a window starting this long after the last one's start:
# the window after an alerted one still holds the burst's tail.
QUIET_DAYS = 2 * WINDOW_DAYS
# Spike checks after a full analysis look back this far, so a run that follows a quiet
# spell still reports a burst from the days it missed.
AFTER_RUN_DAYS = 14


@dataclass(frozen=True)
class SpikeCheck:
    """The spike rule applied to one window: the count, the baseline and the verdict."""

    count: int
    median: float
    spread: float
    threshold: float
    history: int
    is_spike: bool


def spike_check(counts: Sequence[int], *, k: float = K, min_count: int = MIN_COUNT,
                windows: int = BASELINE_WINDOWS, min_history: int = MIN_HISTORY
                ) -> SpikeCheck | None:
    """Apply the spike rule to the last of ``counts`` (7-day negative counts of consecutive,
    non-overlapping windows, oldest first).

    Returns None when there are fewer than ``min_history`` windows before the last one.
    """
    if not counts:
        return None
    current = int(counts[-1])
    history = [int(c) for c in counts[:-1]][-windows:]
    if len(history) < min_history:
        return None
    median = float(statistics.median(history))
    mad = float(statistics.median([abs(c - median) for c in history]))
    spread = max(MAD_SCALE * mad, math.sqrt(max(median, 1.0)))
    threshold = median + k * spread
    return SpikeCheck(current, median, round(spread, 3), round(threshold, 3), len(history),
                      current >= min_count and current > threshold)


class DailyNegatives:
    """Per theme, its negative items on each community-local day of a range, with 7-day
    window sums read from prefix sums."""

    def __init__(self, run_id: int, first: date, last: date):
        self.first = first
        self.n_days = (last - first).days + 1
        origin = first.toordinal()
        self.first_item_day = _first_item_day(run_id)
        self._prefix: dict[int, list[int]] = {}
        daily: dict[int, list[int]] = defaultdict(lambda: [0] * self.n_days)
        for key, day, n in db.session.execute(
            db.select(ItemAnalysis.theme_key, ItemAnalysis.day, db.func.count()).where(
                ItemAnalysis.run_id == run_id, ItemAnalysis.day >= origin,
                ItemAnalysis.day < origin + self.n_days, ItemAnalysis.sentiment_label == -1)
            .group_by(ItemAnalysis.theme_key, ItemAnalysis.day)
        ):
            daily[int(key)][int(day) - origin] += int(n)
        for key, counts in daily.items():
            prefix = [0]
            for n in counts:
                prefix.append(prefix[-1] + n)
            self._prefix[key] = prefix

    def theme_keys(self) -> list[int]:
        """Themes with at least one negative item in the range."""
        return list(self._prefix)

    def window(self, key: int, end: date) -> int:
        """Negative items of theme ``key`` in the 7 days ending on ``end``."""
        prefix = self._prefix.get(key)
        if prefix is None:
            return 0
        hi = min(max((end - self.first).days + 1, 0), self.n_days)
        lo = min(max(hi - WINDOW_DAYS, 0), self.n_days)
        return prefix[hi] - prefix[lo]

    def series(self, key: int, end: date) -> list[int]:
        """The baseline windows before the one ending on ``end``, then that window (oldest
        first); windows that start before the community's first item are not history."""
        ends = [end - timedelta(days=WINDOW_DAYS * i) for i in range(BASELINE_WINDOWS, -1, -1)]
        if self.first_item_day is not None:
            ends = [e for e in ends[:-1]
                    if e - timedelta(days=WINDOW_DAYS - 1) >= self.first_item_day] + [end]
        return [self.window(key, e) for e in ends]


def _first_item_day(run_id: int) -> date | None:
    first = db.session.execute(
        db.select(db.func.min(ItemAnalysis.day)).where(ItemAnalysis.run_id == run_id)
    ).scalar()
    return date.fromordinal(int(first)) if first is not None else None


def _themes(community_id: int) -> dict[int, InsightTheme]:
    return {t.key: t for t in db.session.execute(
        db.select(InsightTheme).where(InsightTheme.community_id == community_id,
                                      InsightTheme.status == ThemeStatus.ACTIVE.value,
                                      InsightTheme.is_other.is_(False))
    ).scalars()}


def check_spikes(community: Community, *, days: int = 1, today: date | None = None,
                 notify: bool = True) -> list[InsightAlert]:
    """Raise spike alerts for the 7-day windows ending on each of the last ``days`` days
    (today included) of every theme."""
    run_id = analysis.current_run_id(community.id)
    if run_id is None:
        return []
    today = today or local_today(community)
    first_end = today - timedelta(days=max(days, 1) - 1)
    first = first_end - timedelta(days=WINDOW_DAYS * (BASELINE_WINDOWS + 1) - 1)
    counts = DailyNegatives(run_id, first, today)
    themes = _themes(community.id)
    raised = []
    for key in counts.theme_keys():
        theme = themes.get(key)
        if theme is None:
            continue
        for offset in range((today - first_end).days + 1):
            end = first_end + timedelta(days=offset)
            series = counts.series(key, end)
            check = spike_check(series)
            if check is None or not check.is_spike:
                continue
            alert = _raise_spike(community, theme, end, check, series)
            if alert is not None:
                raised.append(alert)
    if notify and raised:
        _notify(community, raised)
    return raised


def _raise_spike(community: Community, theme: InsightTheme, end: date, check: SpikeCheck,
                 series: list[int]) -> InsightAlert | None:
    """A spike alert for the window ending on ``end``, unless the theme already has one for a
    window overlapping it or just before it: the tail of a burst, counted in the next days'
    windows, is the same burst."""
    start = end - timedelta(days=WINDOW_DAYS - 1)
    same_burst = db.session.execute(
        db.select(InsightAlert.id).where(
            InsightAlert.community_id == community.id,
            InsightAlert.kind == AlertKind.SPIKE.value, InsightAlert.theme_key == theme.key,
            InsightAlert.period_start > start - timedelta(days=QUIET_DAYS),
            InsightAlert.period_start < start + timedelta(days=QUIET_DAYS))
    ).first()
    if same_burst is not None:
        return None
    return _raise(community, AlertKind.SPIKE, theme, start, float(check.count),
                  baseline=check.median, threshold=check.threshold,
                  details={"spread": check.spread, "history": series[:-1],
                           "window_days": WINDOW_DAYS,
                           "rule": f"c >= {MIN_COUNT} and c > median + {K:g}·s"})


def backfill_spikes(community: Community, *, since: date, today: date | None = None
                    ) -> list[InsightAlert]:
    """Check every 7-day window ending from ``since`` to today (e.g. after importing history);
    alerts are dated to the evening of their window's last day and nobody is notified."""
    today = today or local_today(community)
    days = (today - since).days + 1
    alerts = check_spikes(community, days=max(1, days), today=today, notify=False)
    zone = zone_of(community)
    now = utcnow()
    for alert in alerts:
        local_end = datetime.combine(alert.period_end, time(21, 0), tzinfo=zone)
        alert.created_at = min(local_end.astimezone(UTC).replace(tzinfo=None), now)
    return alerts


def check_new_themes(run: AnalysisRun, *, notify: bool = True) -> list[InsightAlert]:
    """Raise an alert for each theme that a run found for the first time (not the first run)."""
    diff = run.diff or {}
    if diff.get("first") or not diff.get("new"):
        return []
    community = db.session.get(Community, run.community_id)
    themes = _themes(run.community_id)
    today = local_today(community)
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
    return check_new_themes(run) + check_spikes(community, days=AFTER_RUN_DAYS)


def check_recent(community_id: int) -> list[InsightAlert]:
    """Spike alerts for the 7 days ending today, after new items were analysed."""
    community = db.session.get(Community, community_id)
    return check_spikes(community) if community is not None else []


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
        body = _l("「%(theme)s」在 %(start)s 至 %(end)s 这 7 天有 %(n)d 条负面反馈，高于此前 "
                  "8 个 7 天的常态（中位数 %(median)s，阈值 %(threshold)s）。",
                  theme=alert.theme_name, start=alert.period_start.isoformat(),
                  end=alert.period_end.isoformat(),
                  n=int(alert.observed), median=f"{alert.baseline or 0:g}",
                  threshold=f"{alert.threshold or 0:.1f}")
    else:
        title = _l("出现新主题：%(theme)s", theme=alert.theme_name)
        body = _l("最新一次分析发现了新主题「%(theme)s」（%(n)d 条反馈）。",
                  theme=alert.theme_name, n=int(alert.observed))
    return title, body


def _notify(community: Community, alerts: Sequence[InsightAlert]) -> None:
    """Tell the community's staff in the app and by email, linking to each theme."""
    from app.services import notifications, webhooks

    people = staff_ids(community.id)
    for alert in alerts:
        title, body = alert_text(alert)
        notifications.notify(
            people, kind="insight.alert", title=title, body=body, community=community,
            link=f"/c/{community.slug}/insights/themes/{alert.theme_key}",
            channels=("in_app", "email"),
        )
        webhooks.announce(community, "insight.alert", title=title, body=body,
                          link=f"/c/{community.slug}/insights/themes/{alert.theme_key}")


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
