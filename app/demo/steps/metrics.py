"""Demo step: six months of daily community metrics for 示例社群.

The series follow the story in ``app.demo.vocab``: steady growth with a weekly rhythm (more
activity at the weekend), a referral campaign (裂变) on days 60–92 that triples new members,
a dip in active members and interactions while the 广告刷屏 (days 95–125) and 直播卡顿
(days 80–110) complaints peak, more members leaving during the ad spam, and a recovery once
the ads are dealt with around day 128. Offline events (days 42–56 and 148–162) bring event
participants. A custom metric, 作业打卡, shows operator-defined metrics.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from app.demo import DEMO_SEED, DemoContext, demo_step
from app.demo.steps.community import join_rate
from app.demo.vocab import DEMO_DAYS, THEMES_BY_KEY
from app.services.metrics import values as metric_service

#: The day the ads theme is acted on (入群审核 and a keyword filter), as in the story.
ADS_ACTED_ON_DAY = 128
START_MEMBERS = 1850
#: Relative activity by weekday (Monday first): photographers shoot and post at the weekend.
WEEKLY = (0.94, 0.96, 1.02, 0.99, 1.01, 1.13, 1.10)


def _ramp(day: float, start: int, end: int) -> float:
    """0..1: how far a theme's bump has risen on ``day`` (five-day ramps, as in vocab)."""
    if day < start - 5 or day > end + 5:
        return 0.0
    return max(0.0, min(1.0, (day - start + 5) / 5, (end + 5 - day) / 5))


def ads_pressure(day: float) -> float:
    """How much the ad spam weighs on the community (0..1); it fades fast once acted on."""
    start, end, _factor = THEMES_BY_KEY["ads"].bumps[0]
    level = _ramp(day, start, end)
    if day > ADS_ACTED_ON_DAY:
        level *= math.exp(-(day - ADS_ACTED_ON_DAY) / 3.0)
    return level


def live_pressure(day: float) -> float:
    """How much the lagging live classes weigh on the community (0..1)."""
    start, end, _factor = THEMES_BY_KEY["live"].bumps[0]
    return _ramp(day, start, end)


def event_day(day: int, weekday: int) -> bool:
    """Offline meet-ups happen at weekends while the events theme is busy."""
    return weekday >= 5 and any(start <= day <= end
                                for start, end, _f in THEMES_BY_KEY["events"].bumps)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (normal approximation for large means)."""
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def demo_series(first_day: date, seed: int = DEMO_SEED) -> dict[str, list[float]]:
    """The demo's daily metrics from ``first_day`` (day 0) for ``DEMO_DAYS`` days."""
    rng = random.Random(seed + 400)  # own generator: other steps' draws stay unchanged  # nosec B311
    out: dict[str, list[float]] = {k: [] for k in (
        "new_members", "churned", "total_members", "dau", "interactions", "content_views",
        "clicks", "event_participants", "checkins")}
    total = START_MEMBERS
    for day in range(DEMO_DAYS):
        weekday = (first_day + timedelta(days=day)).weekday()
        rhythm = WEEKLY[weekday]
        ads, live = ads_pressure(day), live_pressure(day)
        new = _poisson(rng, 7.0 * join_rate(day) * (0.85 + 0.3 * (weekday >= 5)))
        churned = _poisson(rng, 1.2 + total * 0.0009 + 7.0 * ads)
        total += new - churned
        dau = total * 0.235 * rhythm * (1 - 0.15 * ads - 0.08 * live) * rng.gauss(1, 0.035)
        interactions = dau * 3.2 * rhythm * (1 - 0.18 * ads - 0.07 * live) * rng.gauss(1, 0.05)
        views = dau * 2.6 * (1 + 0.25 * live) * rng.gauss(1, 0.05)  # replays watched instead
        clicks = views * (0.118 - 0.03 * ads) * rng.gauss(1, 0.06)
        participants = 0.0
        if weekday == 2:  # the Wednesday live class
            participants += dau * 0.42 * (1 - 0.45 * live) * rng.gauss(1, 0.06)
        if event_day(day, weekday):
            participants += rng.randint(28, 64)
        checkins = dau * 0.31 * (1.0 + 0.1 * (weekday >= 5)) * rng.gauss(1, 0.06)
        out["new_members"].append(new)
        out["churned"].append(churned)
        out["total_members"].append(total)
        out["dau"].append(round(dau))
        out["interactions"].append(round(interactions))
        out["content_views"].append(round(views))
        out["clicks"].append(round(clicks))
        out["event_participants"].append(round(participants))
        out["checkins"].append(round(checkins))
    return out


@demo_step(30, "daily community metrics")
def load_metrics(ctx: DemoContext) -> None:
    """Six months of daily metrics and the custom metric 作业打卡."""
    metric_service.create_custom_metric(
        ctx.community, key="checkins", name="作业打卡", unit="人次", aggregation="sum",
        description="每天提交作业打卡的人次（来自打卡小程序）", actor=ctx.staff["operator"])
    first_day = ctx.at(0).date()
    series = demo_series(first_day)
    triples = [(first_day + timedelta(days=i), key, value)
               for key, values in series.items() for i, value in enumerate(values)]
    metric_service.upsert_values(ctx.community.id, triples, source="demo")
    ctx.notes["metrics_first_day"] = first_day
    ctx.notes["ads_acted_on_day"] = ADS_ACTED_ON_DAY
