"""Derived community measures, checked against hand-computed values."""

import math

import numpy as np
import pytest

from reports.analytics.derived import (
    click_through,
    derive_mau,
    growth_rate,
    interactions_per_active,
    percent_change,
    ratio_of_sums,
    stickiness,
)


def test_growth_rate_is_the_relative_change_of_member_totals():
    assert growth_rate(8000, 8400) == pytest.approx(0.05)
    assert growth_rate(0, 10) is None
    assert growth_rate(None, 10) is None


def test_percent_change_uses_the_magnitude_of_a_negative_base():
    assert percent_change(-5, -10) == pytest.approx(0.5)
    assert percent_change(90, 100) == pytest.approx(-0.1)


def test_stickiness_is_dau_over_mau_and_undefined_without_mau():
    out = stickiness([200, 300, 100], [1000, 1000, 0])
    assert out[0] == pytest.approx(0.2)
    assert out[1] == pytest.approx(0.3)
    assert math.isnan(out[2])


def test_interactions_per_active_member_and_click_through():
    assert interactions_per_active([600, None], [200, 100])[0] == pytest.approx(3.0)
    assert math.isnan(interactions_per_active([600, None], [200, 100])[1])
    assert click_through([8, 30], [100, 300]).tolist() == pytest.approx([0.08, 0.1])


def test_ratio_of_sums_uses_only_days_where_both_are_present():
    assert ratio_of_sums([10, 20, None, 40], [100, 100, 100, None]) == pytest.approx(0.15)
    assert ratio_of_sums([1], [0]) is None


def test_derived_mau_is_the_30_day_dau_sum_capped_by_total_members():
    dau = [10.0] * 40
    total = [250.0] * 35 + [1000.0] * 5
    mau = derive_mau(dau, total, window=30)
    assert np.isnan(mau[:29]).all()  # no complete window yet: unknown, not small
    assert mau[29] == 250.0          # 300 counted active-days, but only 250 members
    assert mau[39] == 300.0          # now the DAU sum is the smaller bound


def test_derived_mau_is_unknown_when_a_day_in_the_window_is_missing():
    dau = [10.0] * 35
    dau[31] = None
    mau = derive_mau(dau, window=30)
    assert mau[30] == 300.0
    assert np.isnan(mau[31:]).all()
