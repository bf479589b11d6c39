"""NPS, CSAT and CES scores against hand-computed values."""

import pytest

from surveys import ces_score, csat_score, nps_score
from surveys.scoring import nps_group, wilson_interval


def test_nps_groups_follow_the_standard_cut_offs():
    assert [nps_group(v) for v in range(11)] == ["detractor"] * 7 + ["passive"] * 2 + \
        ["promoter"] * 2


def test_nps_score_and_confidence_interval_by_hand():
    # 12 answers: promoters 10,10,9,9,9 (5); passives 8,8,7 (3); detractors 6,5,3,0 (4).
    # NPS = 100 × (5 − 4) / 12 = 8.33.
    # Scores +1/0/−1: p = 5/12, d = 4/12; variance = p + d − (p − d)² = 0.75 − 1/144
    #   = 0.743056; standard error = 100 × sqrt(0.743056 / 12) = 24.884;
    # margin = 1.96 × 24.884 = 48.77; interval = 8.33 ± 48.77 = [−40.44, 57.11].
    nps = nps_score([10, 10, 9, 9, 9, 8, 8, 7, 6, 5, 3, 0])
    assert (nps.total, nps.promoters, nps.passives, nps.detractors) == (12, 5, 3, 4)
    assert nps.promoter_percent == pytest.approx(41.667, abs=1e-3)
    assert nps.passive_percent == pytest.approx(25.0)
    assert nps.detractor_percent == pytest.approx(33.333, abs=1e-3)
    assert nps.score == pytest.approx(8.333, abs=1e-3)
    assert nps.margin == pytest.approx(48.77, abs=0.01)
    assert nps.ci_low == pytest.approx(-40.44, abs=0.01)
    assert nps.ci_high == pytest.approx(57.11, abs=0.01)
    assert "Wald" in nps.method


def test_nps_interval_is_clipped_and_needs_two_answers():
    few = nps_score([0, 10])
    assert few.score == 0.0
    assert (few.ci_low, few.ci_high) == (-100.0, 100.0)
    alone = nps_score([9])
    assert alone.score == 100.0 and alone.ci_low is None and alone.margin is None
    unanimous = nps_score([10, 9, 9, 10])
    assert unanimous.score == 100.0 and unanimous.margin == 0.0


def test_nps_of_nothing_has_no_score():
    empty = nps_score([])
    assert empty.total == 0 and empty.score is None and empty.ci_low is None


def test_csat_is_the_share_of_four_and_five():
    # 8 answers, 5 of them 4 or 5 → 62.5 %; Wilson 95 % interval for 5/8 = [30.57, 86.32].
    csat = csat_score([5, 4, 4, 3, 2, 5, 1, 4])
    assert (csat.total, csat.satisfied) == (8, 5)
    assert csat.percent == 62.5
    assert csat.ci_low == pytest.approx(30.57, abs=0.01)
    assert csat.ci_high == pytest.approx(86.32, abs=0.01)
    assert csat_score([]).percent is None


def test_ces_is_summarised_by_its_mean():
    # (7 + 6 + 5 + 5 + 4 + 2 + 1) / 7 = 30 / 7 = 4.2857; 4 of 7 answers are 5–7 (57.14 %).
    ces = ces_score([7, 6, 5, 5, 4, 2, 1])
    assert ces.mean == pytest.approx(4.2857, abs=1e-4)
    assert (ces.easy, ces.easy_percent) == (4, pytest.approx(57.142857))
    assert ces_score([]).mean is None


def test_wilson_interval_edges():
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(27.75, abs=0.01)
