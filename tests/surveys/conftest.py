"""Fixtures for the survey domain tests."""

import copy

import pytest

from surveys import Survey
from tests.surveys.helpers import MIXED


@pytest.fixture
def mixed_doc():
    """A fresh copy of the mixed definition dict (every question type, some logic)."""
    return copy.deepcopy(MIXED)


@pytest.fixture(scope="session")
def mixed():
    """The mixed survey (every question type, display and skip logic)."""
    return Survey.from_dict(copy.deepcopy(MIXED))
