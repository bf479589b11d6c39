"""Taking one person's quotes out of a stored report context keeps every number."""

from __future__ import annotations

from reports.context import CompletedSuggestion, InterviewHighlight, Quote
from reports.redact import REMOVED, drop_quotes
from reports.sample import sample_context


def test_their_quotes_leave_every_section_and_the_numbers_stay():
    context = sample_context(n_themes=2, n_surveys=1, wordclouds=False, with_previous=False)
    theme = context.themes.themes[0]
    theme.quotes = [Quote("报名入口太难找了"), Quote("别人的话要留下")]
    context.interviews = [InterviewHighlight(title="成员访谈", summary="提到报名入口太难找了",
                                             quotes=["报名入口太难找了", "另一位的话"])]
    context.suggestions.completed = [CompletedSuggestion(title="周末开放自习室",
                                                         completed_on=context.period.end)]
    volume, total = theme.volume, context.themes.total_feedback

    changed = drop_quotes(context, lambda text: "报名入口" in text,
                          lambda title: title == "周末开放自习室")

    assert changed == 2
    assert [q.text for q in theme.quotes] == ["别人的话要留下"]
    assert context.interviews[0].quotes == ["另一位的话"]
    assert context.interviews[0].summary == "提到" + REMOVED
    assert context.suggestions.completed[0].title == REMOVED
    assert (theme.volume, context.themes.total_feedback) == (volume, total)
    assert "报名入口" not in context.to_json()


def test_a_context_that_does_not_quote_them_is_left_alone():
    context = sample_context(n_themes=2, n_surveys=1, wordclouds=False, with_previous=False)
    before = context.to_json()
    assert drop_quotes(context, lambda text: False) == 0
    assert context.to_json() == before
