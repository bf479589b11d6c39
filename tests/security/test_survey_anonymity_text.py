"""Invitation-link and member surveys are not anonymous, and say so (issue 15, item 5): the
welcome page states who can see what in each mode, no template promises anonymity whatever
its mode, and the builder warns when a survey's text and its mode disagree."""

from __future__ import annotations

import pytest

import surveys as domain
from app.models import AccessMode
from app.services.surveys import invitations as survey_invitations
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import privacy as survey_privacy
from tests.factories import make_survey


@pytest.mark.parametrize("mode", ["token", "member"])
@pytest.mark.parametrize("template", [t.key for t in domain.list_templates()])
def test_no_template_promises_anonymity_in_an_identifying_mode(app, db, community, mode,
                                                                template):
    survey = make_survey(community, template=template, access_mode=mode)
    assert survey_privacy.anonymity_mismatch(
        survey, survey_service.draft_definition(survey)) is None


def test_the_builder_warns_when_the_text_promises_anonymity_in_token_mode(
        app, db, client, community, login_as):
    login_as("operator")
    survey = make_survey(community, template="community_satisfaction", access_mode="token")
    definition = survey_service.draft_definition(survey)
    survey_service.save_definition(survey, domain.Survey.from_dict(
        {**definition.to_dict(), "description": "大约 3 分钟，可以匿名填写。"}))
    db.session.commit()
    page = client.get(f"/c/{community.slug}/surveys/{survey.id}/").get_data(as_text=True)
    assert 'id="privacy-warning"' in page and "「匿名」" in page and "一次性邀请链接" in page
    survey.access_mode = AccessMode.ANONYMOUS.value
    db.session.commit()
    page = client.get(f"/c/{community.slug}/surveys/{survey.id}/").get_data(as_text=True)
    assert 'id="privacy-warning"' not in page


def test_the_welcome_page_says_who_sees_what_in_each_mode(app, db, client, community,
                                                         login_as):
    anonymous = make_survey(community, template="community_satisfaction")
    db.session.commit()
    page = client.get(f"/s/{anonymous.public_key}").get_data(as_text=True)
    assert "运营团队看不到是谁填的" in page
    token = make_survey(community, template="community_satisfaction", access_mode="token")
    db.session.commit()
    link = survey_invitations.create_invitations(
        token, count=1, labels=["张三"], actor=None,
        link_for=lambda t: f"/s/{token.public_key}?t={t}")[0]
    db.session.commit()
    page = client.get(link.url).get_data(as_text=True)
    assert "不是匿名的" in page and "可以匿名填写" not in page
