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


SUBJECTS = ["活动", "群主", "课程", "直播", "客服", "小程序", "分享", "答疑", "积分规则", "社群"]
POSITIVE = ["很好", "非常棒", "很有收获", "太喜欢了", "很满意", "干货满满", "很专业", "很及时",
            "真不错", "让人开心"]
NEGATIVE = ["太差了", "很失望", "广告太多", "经常卡顿", "回复太慢", "太无聊", "很敷衍", "没意思",
            "让人生气", "乱七八糟"]


def synthetic_corpus() -> tuple[list[str], list[int]]:
    """Short labelled community sentences built from templates (no external data)."""
    texts, labels = [], []
    for i, subject in enumerate(SUBJECTS):
        for j, (pos, neg) in enumerate(zip(POSITIVE, NEGATIVE, strict=True)):
            lead = ["这次", "我觉得", "", "今天的"][(i + j) % 4]
            texts += [f"{lead}{subject}{pos}", f"{lead}{subject}{neg}"]
            labels += [1, 0]
    return texts, labels


@pytest.fixture(scope="session")
def small_model(segmenter):
    """A sentiment model trained in a second on synthetic sentences (for unit tests)."""
    from nlp.sentiment import SentimentModel

    texts, labels = synthetic_corpus()
    return SentimentModel(segmenter=segmenter, calibration_fraction=0.25).fit(texts, labels)


@pytest.fixture(scope="session")
def default_model_path(tmp_path_factory):
    """Path of a copy of the shipped default model, for tests that write next to it."""
    from nlp.sentiment import load_or_train

    path = tmp_path_factory.mktemp("models") / "sentiment.joblib"
    load_or_train(path)
    return path


@pytest.fixture(scope="session")
def default_model(default_model_path):
    """The real default model (the shipped file), loaded once per session."""
    from nlp.sentiment import load_model

    return load_model(default_model_path)
