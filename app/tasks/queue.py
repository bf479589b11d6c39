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


def make_huey(env: dict[str, str] | None = None) -> Huey:
    """Build the Huey instance that matches the environment."""
    env = dict(os.environ if env is None else env)
    if env.get("HUEY_IMMEDIATE", "").lower() in {"1", "true", "yes"}:
        return MemoryHuey(HUEY_NAME, immediate=True, utc=True)
    redis_url = env.get("REDIS_URL")
    if redis_url:
        return RedisHuey(HUEY_NAME, url=redis_url, utc=True)
    path = Path(env.get("HUEY_SQLITE_PATH") or instance_path() / "huey.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(HUEY_NAME, filename=str(path), utc=True)
