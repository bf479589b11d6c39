"""Fixtures for the survey app tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_statistics_cache():
    from app.services.surveys.results import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def operator(login_as):
    """A signed-in operator of ``community``."""
    return login_as("operator")


@pytest.fixture
def survey_factory(db, community):
    """``survey_factory(definition=…, template=…, **fields)`` in ``community``."""
    from tests.factories import make_survey

    def build(definition=None, **kwargs):
        survey = make_survey(community, definition, **kwargs)
        db.session.commit()
        return survey

    return build
