"""The Huey instance, configured from environment variables (no Flask app is built here).

- ``HUEY_IMMEDIATE=1``: run tasks in-process at once (tests).
- ``REDIS_URL`` set: Redis storage, for many workers on many machines.
- otherwise: a SQLite file under the instance folder, so a laptop needs no services.
"""

from __future__ import annotations

import os
from pathlib import Path

from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Huey

from app.config import instance_path

HUEY_NAME = "huisheng"
REDIS_CONNECT_TIMEOUT = 2.0
# Longer than the worker's blocking read (1 s), short enough that a hung Redis fails a
# request instead of holding it.
REDIS_SOCKET_TIMEOUT = 5.0


def redis_pool(url: str):
    """A Redis connection pool whose connections give up after a moment."""
    from redis import ConnectionPool

    return ConnectionPool.from_url(url, socket_connect_timeout=REDIS_CONNECT_TIMEOUT,
                                   socket_timeout=REDIS_SOCKET_TIMEOUT)


def make_huey(env: dict[str, str] | None = None) -> Huey:
    """Build the Huey instance that matches the environment."""
    env = dict(os.environ if env is None else env)
    if env.get("HUEY_IMMEDIATE", "").lower() in {"1", "true", "yes"}:
        return MemoryHuey(HUEY_NAME, immediate=True, utc=True)
    redis_url = env.get("REDIS_URL")
    if redis_url:
        # A broker that does not answer fails fast, so a request that queues a job waits
        # seconds at most and leaves the run in the outbox (app.services.jobs).
        return RedisHuey(HUEY_NAME, connection_pool=redis_pool(redis_url), utc=True)
    path = Path(env.get("HUEY_SQLITE_PATH") or instance_path() / "huey.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(HUEY_NAME, filename=str(path), utc=True)
