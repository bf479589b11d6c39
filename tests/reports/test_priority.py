"""The recommendation priority score and ranking, on a case whose order can be reasoned out."""

from dataclasses import fields

import pytest

from reports.analytics.correlation import LaggedCorrelation
from reports.analytics.priority import (
    FORMULA_TEXT,
    PriorityFactors,
    PriorityInput,
    adverse_lower_bound,
    priority_factors,
    rank_themes,
)


def _theme(key, volume, previous, negative):
    return PriorityInput(key=key, name=key, volume=volume, previous_volume=previous,
                         negative_share=negative)


def test_ranking_follows_volume_negativity_and_growth():
    # the largest volume is 200, so V = volume / 200:
    #   A: V .5 × N .8 × G 1 (doubled)  → 40
    #   C: V .25 × N .9 × G 1 (doubled) → 22.5
    #   B: V .5 × N .8 × G .5 (flat)    → 20
    #   E: V .4 × N .5 × G 1 (new)      → 20 (ties B; B has more volume)
    #   D: V 1 × N .1 × G .5            → 5
    #   F: no negative feedback         → 0
    themes = [_theme("D", 200, 200, 0.1), _theme("B", 100, 100, 0.8),
              _theme("E", 80, 0, 0.5), _theme("A", 100, 50, 0.8),
              _theme("F", 150, 100, 0.0), _theme("C", 50, 25, 0.9)]
    ranked = rank_themes(themes)
    assert [f.key for f in ranked] == ["A", "C", "B", "E", "D", "F"]
    assert [f.rank for f in ranked] == [1, 2, 3, 4, 5, 6]
    assert [f.score for f in ranked] == pytest.approx([40.0, 22.5, 20.0, 20.0, 5.0, 0.0])


def test_factors_are_normalised_as_stated():
    f = priority_factors(_theme("x", 30, 40, 0.25), max_volume=60)
    assert f.volume_factor == pytest.approx(0.5)
    assert f.negativity_factor == pytest.approx(0.25)
    assert f.growth == pytest.approx(-0.25)
    assert f.growth_factor == pytest.approx(0.375)
    assert f.score == pytest.approx(100 * 0.5 * 0.25 * 0.375)


def test_no_factor_is_the_same_constant_for_every_theme():
    # a factor equal for all themes says nothing; the score has only factors that vary
    assert not any(f.name == "association_factor" for f in fields(PriorityFactors))
    assert FORMULA_TEXT == "优先级 = 100 × V × N × G"


def test_growth_is_clipped_to_plus_minus_one_hundred_percent():
    assert priority_factors(_theme("x", 500, 100, 0.5), 500).growth_factor == 1.0
    assert priority_factors(_theme("x", 0, 100, 0.5), 500).growth_factor == 0.0


def test_adverse_bound_takes_the_unfavourable_direction_of_the_interval():
    falling_with_theme = LaggedCorrelation(1, 20, 20, -0.7, 0.001, -0.87, -0.37, -0.6, 0.01)
    assert adverse_lower_bound(falling_with_theme, higher_is_better=True) == pytest.approx(0.37)
    # churn rising with the theme is unfavourable; churn falling is not
    assert adverse_lower_bound(falling_with_theme, higher_is_better=False) == 0.0
    unclear = LaggedCorrelation(0, 10, 10, -0.3, 0.4, -0.8, 0.4, -0.2, 0.5)
    assert adverse_lower_bound(unclear, higher_is_better=True) == 0.0


def test_negative_share_outside_zero_to_one_is_rejected():
    with pytest.raises(ValueError, match="negative_share"):
        priority_factors(_theme("x", 10, 10, 61.0), 10)
