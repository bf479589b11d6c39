"""Property: any valid response survives export and import, whatever text it holds."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import SurveyResponse, export_csv, export_xlsx, import_responses, validate_answers
from tests.surveys.helpers import MIXED, survey_with

SURVEY = survey_with(pages=MIXED["pages"])

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
risky = st.sampled_from(["=", "+", "-", "@", "'", "\t", "", "=HYPERLINK(", "-1", ",", "\"", ";"])


@st.composite
def responses(draw):
    prefix = draw(risky)
    answers = {
        "channel_q": draw(st.sampled_from(
            ["friend", "article", {"choice": "other", "other": prefix + draw(texts)}])),
        "likes": draw(st.sampled_from([["dry"], ["dry", "jobs"], ["none"],
                                       {"choices": ["other"], "other": prefix + "x"}])),
        "age": draw(st.integers(12, 80)),
        "nps": draw(st.integers(0, 10)),
        "why_low": prefix + draw(texts),
        "csat": draw(st.integers(1, 5)),
        "grid": {"content": draw(st.integers(1, 5))},
        "rank": draw(st.permutations(["a", "b", "c"])),
        "joined": draw(st.dates(date(2020, 1, 1), date(2030, 12, 31))).isoformat(),
        "advice": prefix + draw(texts),
    }
    result = validate_answers(SURVEY, answers)
    # Ids and channels are codes: surrounding whitespace is not kept, so none is drawn.
    channel = draw(st.one_of(st.none(), risky)) or ""
    return SurveyResponse(result.answers, channel.strip() + "ch" if channel else None,
                          None, prefix.strip() + "id")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(responses(), min_size=1, max_size=4))
def test_export_import_round_trip(batch):
    batch = [r for r in batch if r.answers.get("nps") is not None]
    for data, name in ((export_csv(SURVEY, batch), "x.csv"),
                       (export_xlsx(SURVEY, batch), "x.xlsx")):
        result = import_responses(SURVEY, data, name, enforce_required=False)
        assert result.errors == ()
        assert [r.answers for r in result.responses] == [r.answers for r in batch]
        assert [r.id for r in result.responses] == [r.id for r in batch]
