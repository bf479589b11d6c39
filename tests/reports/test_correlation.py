"""Lagged correlation on synthetic weekly series with known answers."""

import math

import numpy as np
import pytest
from scipy import stats

from reports.analytics.correlation import (
    effective_n,
    lag1_autocorrelation,
    lagged_correlation,
    strength_label,
)


def test_pearson_and_spearman_match_hand_computed_values():
    # x = 1..5, y = 2,4,5,4,5: deviations give sum(dx*dy) = 6, sum(dx^2) = 10, sum(dy^2) = 6,
    # so r = 6 / sqrt(60); the ranks of y are 1, 2.5, 4.5, 2.5, 4.5, so rho = 7 / sqrt(90)
    scan = lagged_correlation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5], max_lag=0, transform="none",
                              min_points=3)
    best = scan.best
    assert best.n == 5
    assert best.pearson_r == pytest.approx(0.7745966692414834)
    assert best.spearman_rho == pytest.approx(0.7378647873726218)


def test_p_value_is_the_usual_one_when_the_series_are_not_autocorrelated():
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0])
    y = np.array([1.0, 2.0, 4.0, 3.0, 6.0, 8.0, 7.0, 6.0, 5.0, 3.0, 5.0, 8.0])
    assert lag1_autocorrelation(x) * lag1_autocorrelation(y) <= 0  # so n_eff = n
    best = lagged_correlation(x, y, max_lag=0, transform="none").best
    expected = stats.pearsonr(x, y)
    assert best.n_effective == 12
    assert best.pearson_r == pytest.approx(expected.statistic)
    assert best.pearson_p == pytest.approx(expected.pvalue)
    # Fisher z interval: tanh(atanh(r) -/+ 1.96 / sqrt(n - 3))
    half = 1.959963984540054 / math.sqrt(9)
    assert best.ci_low == pytest.approx(math.tanh(math.atanh(expected.statistic) - half))
    assert best.ci_high == pytest.approx(math.tanh(math.atanh(expected.statistic) + half))


def test_metric_that_follows_the_theme_two_weeks_later_is_found_at_lag_two():
    rng = np.random.default_rng(3)
    theme = rng.poisson(40, 30).astype(float)
    metric = np.full(30, np.nan)
    metric[2:] = 1000 - 3 * theme[:-2]  # the metric falls two weeks after the theme rises
    scan = lagged_correlation(theme, metric, max_lag=4, transform="diff")
    assert scan.best_lag == 2
    assert scan.best.pearson_r == pytest.approx(-1.0)
    assert scan.best.spearman_rho == pytest.approx(-1.0)
    assert scan.best.n == 27  # 30 weeks, minus 1 for differencing, minus 2 for the lag
    assert [c.lag for c in scan.by_lag] == [0, 1, 2, 3, 4]
    assert abs(scan.by_lag[0].pearson_r) < 0.5


def test_first_differences_remove_the_spurious_correlation_of_two_trends():
    rng = np.random.default_rng(11)
    t = np.arange(40, dtype=float)
    theme = t + rng.normal(0, 2, 40)         # both grow over time, independently
    metric = 2 * t + rng.normal(0, 4, 40)
    levels = lagged_correlation(theme, metric, max_lag=0, transform="none").best
    changes = lagged_correlation(theme, metric, max_lag=0, transform="diff").best
    detrended = lagged_correlation(theme, metric, max_lag=0, transform="detrend").best
    assert levels.pearson_r > 0.9
    assert abs(changes.pearson_r) < 0.35
    assert abs(detrended.pearson_r) < 0.35


def test_autocorrelation_shrinks_the_effective_sample_size():
    assert effective_n(40, 0.5, 0.5) == pytest.approx(40 * 0.75 / 1.25)
    assert effective_n(40, 0.5, -0.5) == 40
    assert effective_n(10, 0.99, 0.99) == 3.0


def test_the_best_lag_p_value_is_bonferroni_adjusted_for_the_lags_tried():
    rng = np.random.default_rng(5)
    theme = rng.normal(size=26)
    metric = 0.6 * theme + rng.normal(size=26)
    scan = lagged_correlation(theme, metric, max_lag=3, transform="none")
    assert scan.best_p_adjusted == pytest.approx(min(1.0, scan.best.pearson_p * 4))
    assert any("Bonferroni" in note for note in scan.caveats)


def test_few_points_are_flagged_and_too_few_give_no_result():
    short = lagged_correlation([1, 3, 2, 5, 4, 6, 8, 7, 9], [2, 1, 4, 3, 6, 5, 8, 9, 7],
                               max_lag=1, transform="none", min_points=6)
    assert short.best is not None
    assert any("不确定性很大" in note for note in short.caveats)
    none = lagged_correlation([1, 2, 3, 4], [4, 3, 2, 1], max_lag=0, min_points=6)
    assert none.best is None
    assert none.caveats and "未计算相关" in none.caveats[0]


def test_constant_series_and_gaps_are_handled_without_errors():
    flat = lagged_correlation([5.0] * 12, list(range(12)), max_lag=1, transform="none")
    assert flat.best is None
    assert all(c.pearson_r is None for c in flat.by_lag)
    gappy = lagged_correlation([1, None, 3, 4, 5, 6, 7, 8, 9, 10],
                               [2, 4, 6, None, 10, 12, 14, 16, 18, 20],
                               max_lag=0, transform="none", min_points=5)
    assert gappy.best.n == 8
    assert gappy.best.pearson_r == pytest.approx(1.0)


def test_misaligned_series_and_unknown_transforms_are_rejected():
    with pytest.raises(ValueError, match="aligned"):
        lagged_correlation([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="unknown transform"):
        lagged_correlation([1, 2, 3], [1, 2, 3], transform="log")


@pytest.mark.parametrize(("r", "label"), [(0.1, "很弱"), (-0.3, "弱"), (-0.52, "中等程度"),
                                          (0.7, "较强"), (-0.95, "很强")])
def test_strength_labels(r, label):
    assert strength_label(r) == label


def test_the_fast_ranks_and_p_values_match_scipy():
    import numpy as np
    from scipy import stats

    from reports.analytics.correlation import average_ranks, t_two_sided_p

    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 12, 40):
        values = np.round(rng.normal(size=n), 1)  # rounding makes ties
        assert np.allclose(average_ranks(values), stats.rankdata(values))
    for t, dof in ((0.0, 5), (1.3, 10), (-2.7, 3.4), (8.0, 30)):
        assert t_two_sided_p(t, dof) == pytest.approx(2 * stats.t.sf(abs(t), dof), rel=1e-9)
