"""Before/after comparison of a daily metric around an event, with known answers."""

from datetime import date, timedelta

import pytest

from reports.analytics.before_after import compare_before_after

START = date(2026, 1, 1)
EVENT = START + timedelta(days=28)


def _series(before, event_value, after):
    return [*before, event_value, *after]


def test_means_change_and_welch_test_match_hand_computed_values():
    # before alternates 9/11 (mean 10), after alternates 11/13 (mean 12); both have sample
    # variance 28/27, so Welch's t = 2 / sqrt(2 * (28/27) / 28) = 7.3485 with 54 degrees
    values = _series([9, 11] * 14, 1000, [11, 13] * 14)  # the event day itself is ignored
    result = compare_before_after(START, values, EVENT, window_days=28, metric_key="dau",
                                  event_label="改进上线")
    assert (result.n_before, result.n_after) == (28, 28)
    assert result.mean_before == pytest.approx(10.0)
    assert result.mean_after == pytest.approx(12.0)
    assert result.change == pytest.approx(2.0)
    assert result.change_pct == pytest.approx(0.2)
    assert result.welch_t == pytest.approx(7.348469228349534)
    assert result.welch_p < 1e-8
    assert result.ci_low < 2.0 < result.ci_high
    assert 1.5 < result.ci_low and result.ci_high < 2.5
    assert result.interval_excludes_zero


def test_no_change_gives_an_interval_that_contains_zero():
    weekly = [100, 104, 98, 101, 97, 120, 125]
    values = _series(weekly * 4, 100, weekly * 4)
    result = compare_before_after(START, values, EVENT)
    assert result.change == pytest.approx(0.0)
    assert result.ci_low <= 0.0 <= result.ci_high
    assert not result.interval_excludes_zero


def test_weekly_seasonality_is_not_mistaken_for_noise_by_the_block_bootstrap():
    # a weekly cycle plus a clear +5 shift: 7-day blocks keep whole weeks together, so the
    # interval is narrow even though day-to-day values swing by 30
    weekly = [100, 104, 98, 101, 97, 125, 130]
    values = _series(weekly * 4, 100, [v + 5 for v in weekly] * 4)
    result = compare_before_after(START, values, EVENT)
    assert result.change == pytest.approx(5.0)
    assert result.ci_low > 0
    assert result.welch_p > 0.05  # the plain t-test treats the weekly cycle as noise


def test_a_window_cut_short_by_the_data_uses_the_days_available():
    values = _series([10] * 28, 10, [12] * 9)
    result = compare_before_after(START, values, EVENT)
    assert result.n_after == 9
    assert result.mean_after == 12
    assert compare_before_after(START, _series([10] * 28, 10, [12] * 5), EVENT) is None


def test_missing_days_are_left_out():
    values = _series([10, None] * 14, 10, [20, None] * 14)
    result = compare_before_after(START, values, EVENT)
    assert (result.n_before, result.n_after) == (14, 14)
    assert result.change == pytest.approx(10.0)


def test_results_are_reproducible():
    values = _series([9, 11, 10, 12] * 7, 0, [10, 13, 11, 12] * 7)
    first = compare_before_after(START, values, EVENT)
    second = compare_before_after(START, values, EVENT)
    assert (first.ci_low, first.ci_high) == (second.ci_low, second.ci_high)
