"""Shared fixtures for the nlp tests: a tokenizer and fitted theme models, built once.

The five synthetic topics overlap the code frame (积分, 广告, 卡顿, 活动 are frame themes),
so the fixtures that specify the discovery machinery (automatic k, outliers, quotes,
identity) run without a frame (``NO_FRAME``); the code frame has its own tests.
"""

import jieba
import pytest

from nlp.codeframe import CodeFrame
from nlp.themes import ThemeModel
from tests.nlp.themes.feedback_factory import TestTokenizer, make_items

NO_FRAME = CodeFrame.empty()

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
    return ThemeModel(code_frame=NO_FRAME).fit(
        topic_tokens, texts=texts, ids=ids, sentiments=sentiments
    )
