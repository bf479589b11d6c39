"""Shared fixtures for the nlp tests: a tokenizer and fitted theme models, built once."""

import jieba
import pytest

from nlp.themes import ThemeModel
from tests.nlp.themes.feedback_factory import TestTokenizer, make_items

jieba.setLogLevel(60)


@pytest.fixture(scope="session")
def tokenizer():
    return TestTokenizer()


@pytest.fixture(scope="session")
def topic_items():
    """200 items on five clearly separated topics."""
    return make_items(40, seed=1)


@pytest.fixture(scope="session")
def topic_tokens(topic_items, tokenizer):
    return [tokenizer(t) for t in topic_items[0]]


@pytest.fixture(scope="session")
def fitted(topic_items, topic_tokens):
    """A model fitted on the five-topic items, with ids and sentiments."""
    texts, _ = topic_items
    ids = [f"item-{i}" for i in range(len(texts))]
    sentiments = [(-1, 0, 1)[i % 3] for i in range(len(texts))]
    return ThemeModel().fit(topic_tokens, texts=texts, ids=ids, sentiments=sentiments)
