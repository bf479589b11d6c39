"""Shared fixtures for the nlp tests: one segmenter per session, cached jieba dictionary."""

import pytest

from nlp.segment import Segmenter


@pytest.fixture(scope="session")
def jieba_cache_dir(tmp_path_factory):
    """A per-session directory for jieba's dictionary cache."""
    return tmp_path_factory.mktemp("jieba-cache")


@pytest.fixture(scope="session")
def segmenter(jieba_cache_dir):
    """The default segmenter (community dictionary loaded)."""
    return Segmenter(cache_dir=jieba_cache_dir)
