"""Alerts: the spike rule on synthetic series of 7-day windows, spike and new-theme alerts from real
data, who is told, and acknowledging."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from app.models import AlertKind, InsightAlert, Notification, utcnow
from app.services.errors import Conflict
from app.services.insights import alerts
from app.services.insights.alerts import spike_check
from app.services.insights.periods import local_date, local_today
from tests.app.insights.conftest import analyse, seed_feedback
from tests.clock import AWKWARD_MOMENTS
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
# Each runs at several fixed moments (a Monday just after midnight, a Sunday just before it,
# the last evening of a month, the first night of one, a Wednesday), because a weekly rule
# once missed a burst that straddled Sunday and Monday.


def _spike_community(community, *, hours=(2, 26)):
    """Ten weeks of a few ads complaints, then a loud burst of them in the last day or so."""
    end = utcnow()
    seed_feedback(community, count=90, weeks=12, themes=("content", "events", "live"),
                  key_prefix="base", end=end - timedelta(days=7))
    seed_feedback(community, count=20, weeks=10, themes=("ads",), key_prefix="ads-old",
                  end=end - timedelta(days=10), seed=5)
    import random

    from app.demo.vocab import THEMES_BY_KEY, statement
    from tests.app.insights.conftest import add_item

    rng = random.Random(9)
    first, last = hours
    for i in range(24):
        add_item(community, statement(THEMES_BY_KEY["ads"], -1, rng), key=f"ads-now:{i}",
                 when=end - timedelta(hours=first + (last - first) * i / 23))


def _spikes(db):
    return db.session.execute(db.select(InsightAlert).where(
        InsightAlert.kind == AlertKind.SPIKE.value)).scalars().all()


@pytest.mark.parametrize("clock", AWKWARD_MOMENTS, indirect=True)
def test_a_negative_spike_in_a_theme_raises_an_alert_for_the_staff(clock, app, db, community):
    operator = make_member(community, "operator")
    manager = make_member(community, "manager")
    member = make_member(community, "member")
    db.session.commit()
    _spike_community(community)
    analyse(community)
    spikes = _spikes(db)
    assert spikes, "the loud burst of ads complaints should raise a spike alert"
    alert = max(spikes, key=lambda a: a.observed)
    assert alert.observed >= 5 and alert.observed > alert.threshold > (alert.baseline or 0)
    # Raised for the first window the burst pushed over the threshold: yesterday's or today's.
    assert local_today(community) - timedelta(days=1) <= alert.period_end <= local_today(community)
    told = set(db.session.execute(db.select(Notification.recipient_id).where(
        Notification.kind == "insight.alert")).scalars())
    assert {operator.id, manager.id} <= told and member.id not in told
    note = db.session.execute(db.select(Notification).where(
        Notification.recipient_id == operator.id)).scalars().first()
    assert note.link == f"/c/{community.slug}/insights/themes/{alert.theme_key}"
    assert "email" in (note.deliveries or {}) or note.deliveries.get("in_app")
    # Checking again, today or on the following days, does not raise the same spike twice.
    assert alerts.check_spikes(community) == []
    for days_later in (1, 3, 6):
        later = local_today(community) + timedelta(days=days_later)
        assert alerts.check_spikes(community, today=later, notify=False) == []


@pytest.mark.parametrize("clock", AWKWARD_MOMENTS, indirect=True)
def test_a_burst_across_the_end_of_a_week_is_one_spike(clock, app, db, community):
    """Sunday night and Monday morning together are one burst, not two half-bursts: each
    theme it touches gets exactly one spike alert."""
    make_member(community, "operator")
    db.session.commit()
    _spike_community(community, hours=(1, 40))
    analyse(community)
    spikes = _spikes(db)
    assert spikes
    per_theme = Counter(a.theme_key for a in spikes)
    assert set(per_theme.values()) == {1}
    assert all(a.observed > a.threshold for a in spikes)


@pytest.mark.parametrize("clock", AWKWARD_MOMENTS, indirect=True)
def test_an_alert_is_acknowledged_once(clock, app, db, community):
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


@pytest.mark.parametrize("clock", AWKWARD_MOMENTS, indirect=True)
def test_backfilled_alerts_are_dated_to_their_window_and_notify_nobody(clock, app, db,
                                                                       community):
    make_member(community, "operator")
    _spike_community(community)
    analyse(community)
    db.session.execute(db.delete(InsightAlert))
    db.session.execute(db.delete(Notification))
    db.session.commit()
    raised = alerts.backfill_spikes(community, since=local_today(community) - timedelta(days=90))
    db.session.commit()
    assert raised
    now = utcnow()
    for alert in raised:
        assert local_date(community, alert.created_at) >= alert.period_start
        assert alert.created_at <= now
    assert db.session.execute(db.select(Notification)).first() is None


def test_a_quiet_theme_with_too_little_history_raises_nothing(app, db, community):
    """A community two weeks old has no baseline yet: its first busy week is not a spike."""
    make_member(community, "operator")
    seed_feedback(community, count=30, weeks=2, themes=("ads", "content"), key_prefix="new")
    analyse(community)
    assert _spikes(db) == []
