"""Fixtures for the app tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _forget_per_process_caches():
    """Tests reuse database ids (tables are emptied between tests): drop the survey caches
    that are keyed by id and the API credentials cache, so no test sees another test's
    survey or token."""
    from app.services.accounts.api_credentials import forget_credentials
    from app.services.surveys import lifecycle as survey_service

    survey_service.forget_submission_info()
    forget_credentials()
    yield
    survey_service.forget_submission_info()
    forget_credentials()
