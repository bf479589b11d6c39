"""Scores of the standard customer-experience scales: NPS, CSAT and CES."""

from __future__ import annotations

import math
from collections.abc import Iterable

from surveys.stats_results import CesScore, CsatScore, NpsScore

Z_95 = 1.959963984540054


def nps_group(value: int) -> str:
    """"promoter" (9–10), "passive" (7–8) or "detractor" (0–6)."""
    if value >= 9:
        return "promoter"
    if value >= 7:
        return "passive"
    return "detractor"


def nps_score(values: Iterable[int]) -> NpsScore:
    """NPS of 0–10 answers with a 95% Wald interval on the +1/0/−1 scores.

    Each respondent scores +1 (promoter), 0 (passive) or −1 (detractor); NPS is 100 × their
    mean. With p and d the promoter and detractor shares, the variance of one score is
    p + d − (p − d)², so the standard error of NPS is 100 × sqrt((p + d − (p − d)²) / n).
    """
    promoters = passives = detractors = 0
    for v in values:
        group = nps_group(v)
        if group == "promoter":
            promoters += 1
        elif group == "passive":
            passives += 1
        else:
            detractors += 1
    n = promoters + passives + detractors
    if n == 0:
        return NpsScore(0, 0, 0, 0, 0.0, 0.0, 0.0, None, None, None, None)
    p, d = promoters / n, detractors / n
    score = 100.0 * (p - d)
    low = high = margin = None
    if n >= 2:
        variance = p + d - (p - d) ** 2
        margin = Z_95 * 100.0 * math.sqrt(variance / n)
        low, high = max(-100.0, score - margin), min(100.0, score + margin)
    return NpsScore(n, promoters, passives, detractors, 100.0 * p, 100.0 * passives / n,
                    100.0 * d, score, low, high, margin)


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion, in percent; None when n is 0."""
    if n == 0:
        return None
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return 100.0 * max(0.0, centre - half), 100.0 * min(1.0, centre + half)


def csat_score(values: Iterable[int], satisfied_from: int = 4) -> CsatScore:
    """CSAT %: the share of answers of 4 or 5 on the 1–5 scale, with a Wilson interval."""
    values = list(values)
    n = len(values)
    satisfied = sum(1 for v in values if v >= satisfied_from)
    interval = wilson_interval(satisfied, n)
    return CsatScore(n, satisfied, 100.0 * satisfied / n if n else None,
                     interval[0] if interval else None, interval[1] if interval else None)


def ces_score(values: Iterable[int], easy_from: int = 5) -> CesScore:
    """CES on the 1–7 scale: the mean, and the share of 5–7 ("easy") answers."""
    values = list(values)
    n = len(values)
    easy = sum(1 for v in values if v >= easy_from)
    return CesScore(n, sum(values) / n if n else None, easy, 100.0 * easy / n if n else None)
