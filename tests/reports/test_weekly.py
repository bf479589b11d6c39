"""Weekly aggregation: Monday-based weeks, flows summed, levels averaged, stocks' last value,
and partial weeks left as gaps."""

from datetime import date

import pytest

from reports.analytics.weekly import WeeklySeries, weekly_aggregate, weekly_ratio

MONDAY = date(2026, 10, 5)


def test_full_weeks_are_summed_from_monday():
    days = list(range(1, 15))  # two weeks: 1..7 and 8..14
    weekly = weekly_aggregate(MONDAY, days, "sum")
    assert weekly.start == MONDAY
    assert weekly.values == [28.0, 77.0]


def test_partial_weeks_at_either_end_become_gaps_for_sums():
    thursday = date(2026, 10, 8)  # data starts mid-week and ends mid-week
    weekly = weekly_aggregate(thursday, [1.0] * 12, "sum")
    assert weekly.start == MONDAY
    assert weekly.values == [None, 7.0, None]


def test_means_need_four_days_and_ignore_missing_days():
    values = [10, None, 20, None, 30, 20, None, 5, 5, 5, 5, None, None, None]
    weekly = weekly_aggregate(MONDAY, values, "mean")
    assert weekly.values == [pytest.approx(20.0), pytest.approx(5.0)]
    assert weekly_aggregate(MONDAY, [1, None, None, None, None, None, 2], "mean").values == [None]


def test_stocks_take_the_last_value_of_the_week():
    weekly = weekly_aggregate(MONDAY, [100, 101, 102, 103, 104, 105, 106, 107], "last")
    assert weekly.values == [106.0, 107.0]


def test_a_missing_day_makes_a_weekly_sum_a_gap_rather_than_a_dip():
    values = [5.0] * 7 + [5.0, None, 5.0, 5.0, 5.0, 5.0, 5.0]
    assert weekly_aggregate(MONDAY, values, "sum").values == [35.0, None]


def test_unknown_aggregation_is_rejected():
    with pytest.raises(ValueError, match="unknown aggregation"):
        weekly_aggregate(MONDAY, [1.0], "median")


def test_weekly_ratio_aligns_weeks_and_skips_small_denominators():
    negative = WeeklySeries(MONDAY, [3.0, 1.0, 0.0])
    volume = WeeklySeries(date(2026, 9, 28), [99.0, 6.0, 2.0, 10.0])
    ratio = weekly_ratio(negative, volume, min_denominator=3)
    assert ratio.start == MONDAY
    assert ratio.values == [0.5, None, 0.0]
