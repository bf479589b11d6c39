"""Alerts: the spike rule on synthetic weekly series, spike and new-theme alerts from real
data, who is told, and acknowledging."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import AlertKind, InsightAlert, Notification, utcnow
from app.services.errors import Conflict
from app.services.insights import alerts
from app.services.insights.alerts import spike_check
from tests.app.insights.conftest import analyse, seed_feedback
from tests.factories import make_member

# --- the rule on synthetic series -------------------------------------------------------------


def test_a_spike_over_a_steady_baseline_is_detected():
    check = spike_check([4, 6, 5, 5, 7, 4, 6, 5, 19])
    assert check.is_spike
    assert check.median == 5.0 and check.count == 19
    assert check.threshold < 19


def test_a_spike_is_detected_even_after_an_earlier_spike_in_the_baseline():
    # The median and MAD ignore the earlier outlier, which a mean and SD would not.
    assert spike_check([5, 4, 30, 5, 6, 4, 5, 6, 20]).is_spike


def test_steady_growth_is_not_a_spike():
    growth = [10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32]
    for end in range(9, len(growth) + 1):
        assert not spike_check(growth[:end]).is_spike, growth[:end]


def test_small_counts_are_never_a_spike():
    assert not spike_check([0, 0, 0, 0, 0, 0, 0, 0, 4]).is_spike
    assert not spike_check([0, 1, 0, 0, 1, 0, 0, 0, 4]).is_spike
    assert spike_check([0, 1, 0, 0, 1, 0, 0, 0, 6]).is_spike


def test_a_flat_baseline_needs_more_than_a_wobble():
    # MAD is 0 here; the Poisson floor √m keeps 13 from counting against a baseline of 9.
    assert not spike_check([9, 9, 9, 9, 9, 9, 9, 9, 13]).is_spike
    assert spike_check([9, 9, 9, 9, 9, 9, 9, 9, 20]).is_spike


def test_too_little_history_gives_no_verdict():
    assert spike_check([1, 2, 3, 30]) is None
    assert spike_check([1, 2, 3, 2, 30]) is not None


def test_only_the_last_eight_weeks_count_as_baseline():
    # Long ago the theme was loud; the last 8 weeks were quiet, so 15 is a spike now.
    assert spike_check([40, 40, 40, 40, 2, 3, 2, 3, 2, 3, 2, 3, 15]).is_spike


# --- alerts from data ---------------------------------------------------------------------------


def _spike_community(community):
    """Ten weeks of a few ads complaints, then a loud week of them."""
    end = utcnow()
    seed_feedback(community, count=90, weeks=12, themes=("content", "events", "live"),
                  key_prefix="base", end=end - timedelta(days=7))
    seed_feedback(community, count=20, weeks=10, themes=("ads",), key_prefix="ads-old",
                  end=end - timedelta(days=10), seed=5)
    import random

    from app.demo.vocab import THEMES_BY_KEY, statement
    from tests.app.insights.conftest import add_item

    rng = random.Random(9)
    for i in range(24):
        add_item(community, statement(THEMES_BY_KEY["ads"], -1, rng), key=f"ads-now:{i}",
                 when=end - timedelta(hours=2 + i))


def test_a_negative_spike_in_a_theme_raises_an_alert_for_the_staff(app, db, community):
    operator = make_member(community, "operator")
    manager = make_member(community, "manager")
    member = make_member(community, "member")
    db.session.commit()
    _spike_community(community)
    analyse(community)
    spikes = db.session.execute(db.select(InsightAlert).where(
        InsightAlert.kind == AlertKind.SPIKE.value)).scalars().all()
    assert spikes, "the loud week of ads complaints should raise a spike alert"
    alert = max(spikes, key=lambda a: a.observed)
    assert alert.observed >= 5 and alert.observed > alert.threshold > (alert.baseline or 0)
    told = set(db.session.execute(db.select(Notification.recipient_id).where(
        Notification.kind == "insight.alert")).scalars())
    assert {operator.id, manager.id} <= told and member.id not in told
    note = db.session.execute(db.select(Notification).where(
        Notification.recipient_id == operator.id)).scalars().first()
    assert note.link == f"/c/{community.slug}/insights/themes/{alert.theme_key}"
    assert "email" in (note.deliveries or {}) or note.deliveries.get("in_app")
    # Checking again does not raise the same alert twice.
    assert alerts.check_spikes(community) == []


def test_a_theme_seen_for_the_first_time_raises_an_alert(app, db, community):
    seed_feedback(community, count=80, themes=("content", "events"), key_prefix="a")
    analyse(community)
    assert db.session.execute(db.select(InsightAlert)).first() is None
    seed_feedback(community, count=60, themes=("points",), key_prefix="b", seed=4)
    run = analyse(community)
    new = db.session.execute(db.select(InsightAlert).where(
        InsightAlert.kind == AlertKind.NEW_THEME.value)).scalars().all()
    assert {a.theme_key for a in new} == {e["key"] for e in run.diff["new"]}
    assert new


def test_an_alert_is_acknowledged_once(app, db, community):
    operator = make_member(community, "operator")
    _spike_community(community)
    analyse(community)
    alert = db.session.execute(db.select(InsightAlert)).scalars().first()
    assert alerts.open_count(community.id) >= 1
    alerts.acknowledge(alert, actor=operator)
    db.session.commit()
    assert alert.acknowledged_by_id == operator.id and not alert.is_open
    with pytest.raises(Conflict):
        alerts.acknowledge(alert, actor=operator)


def test_backfilled_alerts_are_dated_to_their_week_and_notify_nobody(app, db, community):
    make_member(community, "operator")
    _spike_community(community)
    analyse(community)
    db.session.execute(db.delete(InsightAlert))
    db.session.execute(db.delete(Notification))
    db.session.commit()
    raised = alerts.backfill_spikes(community, since=(utcnow() - timedelta(days=90)).date())
    db.session.commit()
    assert raised
    assert all(a.created_at.date() >= a.period_start for a in raised)
    assert db.session.execute(db.select(Notification)).first() is None
