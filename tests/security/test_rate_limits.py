"""Rate limits hold across processes: shared through Redis when it is configured, and
otherwise each process enforces its share, so N processes do not give N times the limit."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import from_environment
from app.security.rate_limits import share_of
from tests.conftest import make_test_config

WRONG_LOGIN = {"email": "x@example.org", "password": "wrong-password"}


def test_the_storage_follows_ratelimit_storage_uri_then_redis_url():
    assert from_environment({})["RATELIMIT_STORAGE_URI"] == "memory://"
    assert from_environment({"REDIS_URL": "redis://r:6379/0"})["RATELIMIT_STORAGE_URI"] \
        == "redis://r:6379/0"
    env = {"REDIS_URL": "redis://r:6379/0", "RATELIMIT_STORAGE_URI": "redis://limits:6379/2"}
    assert from_environment(env)["RATELIMIT_STORAGE_URI"] == "redis://limits:6379/2"


def test_the_process_count_comes_from_gunicorn_or_is_set():
    assert from_environment({})["RATELIMIT_PROCESSES"] == 1
    assert from_environment({"WEB_CONCURRENCY": "4"})["RATELIMIT_PROCESSES"] == 4
    env = {"WEB_CONCURRENCY": "4", "RATELIMIT_PROCESSES": "3"}
    assert from_environment(env)["RATELIMIT_PROCESSES"] == 3


def test_each_process_gets_its_share_of_a_limit_rounded_up():
    assert share_of("10 per minute;50 per hour", 2) == "5 per minute;25 per hour"
    assert share_of("600/minute", 4) == "150/minute"
    assert share_of("20 per minute, 200 per hour", 3) == "7 per minute;67 per hour"
    assert share_of("1 per minute", 4) == "1 per minute"
    assert share_of("10 per minute", 1) == "10 per minute"
    with pytest.raises(ValueError):
        share_of("lots per minute", 2)


def _attempts(apps, count):
    return [apps[i % len(apps)].test_client().post("/auth/login", data=WRONG_LOGIN).status_code
            for i in range(count)]


def test_without_redis_each_process_enforces_its_share(database_url):
    config = make_test_config(database_url, RATELIMIT_ENABLED=True,
                              RATELIMIT_STORAGE_URI="memory://", RATELIMIT_PROCESSES=2,
                              LOGIN_RATE_LIMIT="4 per minute")
    # One of two gunicorn workers, counting in its own memory: 2 of the 4 attempts are its
    # share, so both workers together allow the 4 that were configured.
    assert _attempts([create_app(config)], 3) == [200, 200, 429]


@pytest.mark.redis
def test_with_redis_the_limit_is_shared_and_not_divided(redis_server, database_url):
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()
    config = make_test_config(database_url, RATELIMIT_ENABLED=True,
                              RATELIMIT_STORAGE_URI=redis_server.url, RATELIMIT_PROCESSES=2,
                              LOGIN_RATE_LIMIT="4 per minute")
    first, second = create_app(config), create_app(config)
    assert _attempts([first, second], 5) == [200, 200, 200, 200, 429]


def test_production_without_redis_says_the_limits_are_per_process(database_url, caplog):
    config = make_test_config(database_url, APP_ENV="production", RATELIMIT_ENABLED=True,
                              RATELIMIT_STORAGE_URI="memory://", RATELIMIT_PROCESSES=3)
    create_app(config)
    assert "RATELIMIT_PROCESSES=3" in caplog.text
