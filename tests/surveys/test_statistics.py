"""Statistics and cross-tabs on six responses, checked against numbers worked out by hand.

The six responses to the mixed survey (nps ≥ 9 skips page 3; nps ≤ 6 shows why_low):

    R1 wx1  friend  likes dry+events  age 20  nps 10 csat 5 ces 7 stars 5 grid 5/4
    R2 wx1  article likes dry+其他     age 30  nps 9  csat 4 ces 6 stars 4 grid 4/4
    R3 qq   friend  likes 以上都没有    age 40  nps 7  csat 3 ces 4 stars 3 grid 3/-  rank a,b,c
    R4 qq   其他     likes jobs                 nps 5  csat 2 ces 2 stars 2 grid 2/1  rank b,a,c
    R5 -    article                            nps 0  csat 1 ces 1 stars 1           rank a,c,b
    R6 wx1  friend  likes dry          age 25  nps 8  csat 4
"""

from datetime import datetime

import pytest

from surveys import BY_CHANNEL, CrossTabError, SurveyResponse, compute_statistics, cross_tab

RESPONSES = [
    SurveyResponse({"channel_q": "friend", "likes": ["dry", "events"], "age": 20, "nps": 10,
                    "csat": 5, "ces": 7, "stars": 5, "grid": {"content": 5, "vibe": 4},
                    "nick": "A", "advice": "很好"}, "wx1", datetime(2024, 3, 1, 9, 0), "r1"),
    SurveyResponse({"channel_q": "article", "likes": {"choices": ["dry", "other"],
                                                      "other": "读书会"},
                    "age": 30, "nps": 9, "csat": 4, "ces": 6, "stars": 4,
                    "grid": {"content": 4, "vibe": 4}}, "wx1", datetime(2024, 3, 2), "r2"),
    SurveyResponse({"channel_q": "friend", "likes": ["none"], "age": 40, "nps": 7, "csat": 3,
                    "ces": 4, "stars": 3, "grid": {"content": 3}, "rank": ["a", "b", "c"],
                    "joined": "2024-03-05"}, "qq", datetime(2024, 4, 1), "r3"),
    SurveyResponse({"channel_q": {"choice": "other", "other": "小红书"}, "likes": ["jobs"],
                    "nps": 5, "why_low": "广告多", "csat": 2, "ces": 2, "stars": 2,
                    "grid": {"content": 2, "vibe": 1}, "rank": ["b", "a", "c"],
                    "joined": "2024-03-20", "advice": "少发广告"}, "qq", None, "r4"),
    SurveyResponse({"channel_q": "article", "nps": 0, "why_low": "没意思", "csat": 1, "ces": 1,
                    "stars": 1, "rank": ["a", "c", "b"], "joined": "2024-04-01"},
                   None, datetime(2024, 5, 6), "r5"),
    SurveyResponse({"channel_q": "friend", "likes": ["dry"], "age": 25, "nps": 8, "csat": 4},
                   "wx1", datetime(2024, 2, 29), "r6"),
]


@pytest.fixture(scope="module")
def stats(mixed):
    return compute_statistics(mixed, RESPONSES, channel_labels={"wx1": "微信一群"})


def categories(q):
    return {c.key: (c.count, round(c.percent, 2)) for c in q.categories}


def test_totals_channels_and_dates(stats):
    assert stats.total_responses == 6
    assert [(c.key, c.label, c.count, round(c.percent, 2)) for c in stats.channels] == [
        ("wx1", "微信一群", 3, 50.0), ("qq", "qq", 2, 33.33), ("", "未标注渠道", 1, 16.67)]
    assert stats.first_submitted_at == datetime(2024, 2, 29)
    assert stats.last_submitted_at == datetime(2024, 5, 6)


def test_single_choice_counts_and_percentages(stats):
    q = stats.question("channel_q")
    assert (q.shown, q.answered, q.other_texts) == (6, 6, 1)
    assert categories(q) == {"friend": (3, 50.0), "article": (2, 33.33), "other": (1, 16.67)}


def test_multiple_choice_percentages_are_of_respondents_who_answered(stats):
    q = stats.question("likes")
    assert (q.shown, q.answered) == (6, 5)
    # dry was chosen by 3 of the 5 who answered (60 %), i.e. 3 of the 6 shown (50 %).
    assert categories(q) == {"dry": (3, 60.0), "events": (1, 20.0), "jobs": (1, 20.0),
                             "other": (1, 20.0), "none": (1, 20.0)}
    assert q.categories[0].percent_of_shown == 50.0


def test_number_mean_median_and_distribution(stats):
    q = stats.question("age")
    # 20, 30, 40, 25: mean 115/4 = 28.75; median (25 + 30) / 2 = 27.5;
    # sample variance (8.75² + 1.25² + 11.25² + 3.75²) / 3 = 218.75 / 3 → sd 8.539.
    assert q.numeric.count == 4
    assert q.numeric.mean == 28.75
    assert q.numeric.median == 27.5
    assert (q.numeric.minimum, q.numeric.maximum) == (20, 40)
    assert q.numeric.stdev == pytest.approx(8.539, abs=1e-3)
    assert categories(q) == {"20": (1, 25.0), "25": (1, 25.0), "30": (1, 25.0),
                             "40": (1, 25.0)}


def test_nps_block_and_distribution(stats):
    q = stats.question("nps")
    # 10, 9 promoters; 8, 7 passives; 5, 0 detractors → NPS (2 − 2) / 6 = 0.
    assert (q.nps.promoters, q.nps.passives, q.nps.detractors) == (2, 2, 2)
    assert q.nps.score == 0.0
    assert q.numeric.mean == 6.5 and q.numeric.median == 7.5
    assert len(q.categories) == 11
    assert categories(q)["10"] == (1, 16.67) and categories(q)["6"] == (0, 0.0)


def test_display_logic_sets_who_was_shown(stats):
    q = stats.question("why_low")
    assert (q.shown, q.answered) == (2, 2)
    assert q.text.count == 2 and q.text.average_length == 3.0


def test_csat_and_ces_blocks(stats):
    csat = stats.question("csat")
    # 5, 4, 3, 2, 1, 4: three of six are 4 or 5 → 50 %; mean 19 / 6.
    assert csat.csat.percent == 50.0 and csat.csat.satisfied == 3
    assert csat.numeric.mean == pytest.approx(19 / 6)
    assert categories(csat) == {"1": (1, 16.67), "2": (1, 16.67), "3": (1, 16.67),
                                "4": (2, 33.33), "5": (1, 16.67)}
    assert csat.categories[3].label == "满意"
    ces = stats.question("ces")
    # 7, 6, 4, 2, 1: mean 20 / 5 = 4.0; two of five are 5–7 → 40 %.
    assert ces.ces.mean == 4.0 and ces.ces.easy_percent == 40.0
    assert stats.question("stars").numeric.mean == 3.0


def test_likert_distribution_per_row(stats):
    grid = stats.question("grid")
    assert grid.answered == 4
    content, vibe = grid.matrix
    # content 5, 4, 3, 2 → mean 3.5; vibe 4, 4, 1 → mean 3, median 4.
    assert (content.answered, content.mean, content.median) == (4, 3.5, 3.5)
    assert (vibe.answered, vibe.mean, vibe.median) == (3, 3.0, 4.0)
    assert [(c.key, c.label, c.count, round(c.percent, 2)) for c in vibe.distribution] == [
        ("1", "非常不同意", 1, 33.33), ("2", "不同意", 0, 0.0), ("3", "一般", 0, 0.0),
        ("4", "同意", 2, 66.67), ("5", "非常同意", 0, 0.0)]


def test_ranking_average_positions(stats):
    rank = stats.question("rank")
    # Page 3 is shown to R3–R6 (nps < 9); R3, R4, R5 ranked.
    assert (rank.shown, rank.answered) == (4, 3)
    rows = {r.item_id: r for r in rank.ranking}
    # a: 1, 2, 1 → 4/3; b: 2, 1, 3 → 2; c: 3, 3, 2 → 8/3.
    assert [r.item_id for r in rank.ranking] == ["a", "b", "c"]
    assert rows["a"].average_position == pytest.approx(4 / 3)
    assert rows["b"].average_position == 2.0
    assert rows["c"].average_position == pytest.approx(8 / 3)
    assert (rows["a"].first_place, round(rows["a"].first_place_percent, 2)) == (2, 66.67)
    assert rows["a"].positions == (2, 1, 0) and rows["c"].positions == (0, 1, 2)


def test_dates_by_month_and_text_counts(stats):
    assert categories(stats.question("joined")) == {"2024-03": (2, 66.67),
                                                   "2024-04": (1, 33.33)}
    advice = stats.question("advice")
    assert (advice.shown, advice.answered, advice.text.average_length) == (6, 2, 3.0)
    assert stats.question("nick").answered == 1


def test_statistics_of_no_responses(mixed):
    empty = compute_statistics(mixed, [])
    assert empty.total_responses == 0
    assert empty.question("nps").nps.score is None
    assert empty.question("likes").categories[0].percent == 0.0


# -- cross-tabs ----------------------------------------------------------------------------

def table(ct):
    return {r.key: (list(r.counts), [round(p, 2) for p in r.percents]) for r in ct.rows}


def test_nps_by_channel(mixed):
    ct = cross_tab(mixed, RESPONSES, "nps", BY_CHANNEL, channel_labels={"wx1": "微信一群"})
    assert [(c.key, c.label, c.base) for c in ct.columns] == [
        ("wx1", "微信一群", 3), ("qq", "qq", 2), (None, "未标注渠道", 1)]
    assert table(ct) == {
        "promoter": ([2, 0, 0], [66.67, 0.0, 0.0]),
        "passive": ([1, 1, 0], [33.33, 50.0, 0.0]),
        "detractor": ([0, 1, 1], [0.0, 50.0, 100.0]),
    }
    assert ct.score_label == "NPS"
    # wx1: (2 − 0) / 3 = 66.67; qq: (0 − 1) / 2 = −50; none: −100; all: 0.
    assert [round(s, 2) for s in ct.scores] == [66.67, -50.0, -100.0]
    assert ct.overall_score == 0.0
    assert ct.rows[0].total == 2 and round(ct.rows[0].total_percent, 2) == 33.33


def test_multiple_choice_by_single_choice(mixed):
    ct = cross_tab(mixed, RESPONSES, "likes", "channel_q")
    assert [(c.key, c.base) for c in ct.columns] == [("friend", 3), ("article", 1),
                                                    ("other", 1)]
    assert table(ct) == {
        "dry": ([2, 1, 0], [66.67, 100.0, 0.0]),
        "events": ([1, 0, 0], [33.33, 0.0, 0.0]),
        "jobs": ([0, 0, 1], [0.0, 0.0, 100.0]),
        "other": ([0, 1, 0], [0.0, 100.0, 0.0]),
        "none": ([1, 0, 0], [33.33, 0.0, 0.0]),
    }
    assert ct.total_base == 5 and ct.excluded == 0 and ct.scores is None


def test_csat_by_single_choice_gives_csat_per_column(mixed):
    ct = cross_tab(mixed, RESPONSES, "csat", "channel_q")
    # friend 5, 3, 4 → 2/3; article 4, 1 → 1/2; other 2 → 0.
    assert ct.score_label == "CSAT %"
    assert [round(s, 2) for s in ct.scores] == [66.67, 50.0, 0.0]


def test_matrix_row_by_channel(mixed):
    ct = cross_tab(mixed, RESPONSES, "grid", item="content")
    assert [c.base for c in ct.columns] == [2, 2, 0]
    assert table(ct)["5"] == ([1, 0, 0], [50.0, 0.0, 0.0])
    assert ct.scores == (4.5, 2.5, None)


def test_ranking_by_channel_gives_average_positions(mixed):
    ct = cross_tab(mixed, RESPONSES, "rank")
    rows = {r.key: r for r in ct.rows}
    assert rows["a"].counts == (0, 1, 1)  # ranked first
    assert rows["a"].means == (None, 1.5, 1.0)
    assert rows["c"].means == (None, 3.0, 2.0)


def test_respondents_without_the_by_answer_are_excluded(mixed):
    ct = cross_tab(mixed, RESPONSES, "nps", "city")
    assert ct.excluded == 6 and ct.total_base == 0
    assert all(c.base == 0 for c in ct.columns)


def test_text_and_number_cross_tabs(mixed):
    ct = cross_tab(mixed, RESPONSES, "advice")
    assert table(ct) == {"answered": ([1, 1, 0], [100.0, 100.0, 0.0])}
    ages = cross_tab(mixed, RESPONSES, "age", "channel_q")
    assert table(ages)["40"] == ([1, 0, 0], [33.33, 0.0, 0.0])
    assert ages.scores == (pytest.approx(85 / 3), 30.0, None)


@pytest.mark.parametrize(("question", "by", "item"), [
    ("ghost", BY_CHANNEL, None), ("nps", "likes", None), ("nps", "ghost", None),
    ("grid", BY_CHANNEL, None), ("nps", BY_CHANNEL, "content"),
])
def test_impossible_cross_tabs_raise(mixed, question, by, item):
    with pytest.raises(CrossTabError):
        cross_tab(mixed, RESPONSES, question, by, item=item)
