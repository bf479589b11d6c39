"""Communities are isolated: another community's survey, response or invitation is "not
found", whatever the URL says, and a response is only reachable through its own survey."""

from __future__ import annotations

import pytest

from app.models import SurveyInvitation
from app.services.surveys import invitations as survey_invitations
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import responses as runs
from tests.app.surveys.helpers import SKIP_SURVEY
from tests.factories import make_survey


@pytest.fixture
def foreign(db, other_community):
    """A survey of the other community, with a response and an invitation."""
    survey = make_survey(other_community, SKIP_SURVEY, access_mode="token")
    version, definition = survey_service.live_definition(survey)
    response = runs.store_response(survey, version, definition,
                                   runs.NewResponse(answers={"nps": 10}))
    invitation = survey_invitations.create_invitations(survey, count=1, actor=None,
                                                       link_for=lambda t: t)[0].invitation
    db.session.commit()
    return survey, response, invitation


@pytest.mark.parametrize("path", [
    "/", "/details", "/settings", "/share", "/stats", "/responses", "/crosstab",
    "/open-answers", "/export.csv", "/invitations", "/import", "/preview", "/qr.svg",
    "/poster.png",
    "/questions/nps", "/pages/first", "/definition.json",
])
def test_another_communitys_survey_is_not_found(client, login_as, community, foreign, path):
    login_as("admin")  # an admin of "photo", not of "other"
    survey, _response, _invitation = foreign
    assert client.get(f"/c/{community.slug}/surveys/{survey.id}{path}").status_code == 404


def test_objects_of_another_community_or_survey_are_not_found(client, db, login_as, community,
                                                             survey_factory, foreign):
    login_as("operator")
    survey, response, invitation = foreign
    mine = survey_factory(SKIP_SURVEY)
    other_of_mine = survey_factory(SKIP_SURVEY)
    version, definition = survey_service.live_definition(mine)
    own = runs.store_response(mine, version, definition, runs.NewResponse(answers={"nps": 9}))
    db.session.commit()
    base = f"/c/{community.slug}/surveys"
    assert client.get(f"{base}/{mine.id}/responses/{response.id}").status_code == 404
    assert client.get(f"{base}/{other_of_mine.id}/responses/{own.id}").status_code == 404
    assert client.get(f"{base}/{mine.id}/responses/{own.id}").status_code == 200
    assert client.post(f"{base}/{mine.id}/invitations/{invitation.id}/revoke").status_code == 404
    assert db.session.get(SurveyInvitation, invitation.id).revoked_at is None
    listing = client.get(f"{base}/").get_data(as_text=True)
    assert survey.title in listing  # the same title exists in both communities…
    assert f"/surveys/{survey.id}/" not in listing  # …but only our surveys are linked
