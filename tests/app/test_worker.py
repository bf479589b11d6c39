"""A real Huey worker process picks up jobs from SQLite storage, and from a real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"HUEY_IMMEDIATE", "REDIS_URL"}}
    env.update(
        FLASK_APP="app:create_app",
        APP_ENV="development",
        INSTANCE_PATH=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.db'}",
        HUEY_SQLITE_PATH=str(tmp_path / "huey.db"),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def _flask(env, *args):
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True)


def _run_job_through_worker(tmp_path: Path, env: dict[str, str]) -> str:
    _flask(env, "db", "upgrade")
    consumer = subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "app.tasks.huey", "-w", "1", "-k",
         "thread", "-d", "0.1", "-m", "0.5"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        enqueue = (
            "from app import create_app\n"
            "from app.services import jobs\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            "    print(jobs.enqueue('system.selfcheck').task_id)\n"
        )
        subprocess.run([sys.executable, "-c", enqueue], cwd=ROOT, env=env, check=True,
                       capture_output=True, text=True)
        engine = create_engine(env["DATABASE_URL"])
        deadline = time.monotonic() + 30
        state = None
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                state = conn.execute(text("SELECT state FROM job_runs")).scalar_one_or_none()
            if state in ("succeeded", "failed"):
                break
            time.sleep(0.2)
        engine.dispose()
        return state
    finally:
        consumer.send_signal(2)  # SIGINT: a graceful stop
        try:
            consumer.wait(timeout=15)
        except subprocess.TimeoutExpired:
            consumer.kill()


def test_worker_runs_jobs_from_sqlite_storage(tmp_path):
    assert _run_job_through_worker(tmp_path, _env(tmp_path)) == "succeeded"


@pytest.mark.redis
def test_worker_runs_jobs_from_redis(tmp_path, redis_server):
    env = _env(tmp_path, REDIS_URL=redis_server.url)
    assert _run_job_through_worker(tmp_path, env) == "succeeded"


@pytest.mark.redis
def test_redis_url_selects_redis_storage(redis_server):
    from huey import RedisHuey, SqliteHuey

    from app.tasks.queue import make_huey

    assert isinstance(make_huey({"REDIS_URL": redis_server.url}), RedisHuey)
    assert isinstance(make_huey({"HUEY_SQLITE_PATH": "/tmp/x-huey.db"}), SqliteHuey)


@pytest.mark.redis
def test_rate_limits_are_shared_through_redis(redis_server, database_url):
    """Two app processes (two apps here) share one login budget when Redis is configured."""
    import redis

    from app import create_app
    from tests.conftest import make_test_config

    redis.Redis.from_url(redis_server.url).flushdb()

    config = make_test_config(database_url, RATELIMIT_ENABLED=True,
                              RATELIMIT_STORAGE_URI=redis_server.url,
                              LOGIN_RATE_LIMIT="2 per minute")
    first, second = create_app(config), create_app(config)
    data = {"email": "x@example.org", "password": "wrong-password"}
    codes = [first.test_client().post("/auth/login", data=data).status_code,
             second.test_client().post("/auth/login", data=data).status_code,
             first.test_client().post("/auth/login", data=data).status_code]
    assert codes == [200, 200, 429]

    keys = redis.Redis.from_url(redis_server.url).keys("*")
    assert keys, "the limiter stored nothing in Redis"
    assert not any(b"127.0.0.1" in key for key in keys), "raw client addresses must not be stored"


def test_a_starting_worker_recovers_the_job_a_killed_one_held(tmp_path):
    """The row a ``kill -9`` leaves (running, lease lapsed) is failed and run again as soon
    as a worker starts, without waiting for the scheduler."""
    env = _env(tmp_path)
    _flask(env, "db", "upgrade")
    engine = create_engine(env["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO job_runs (task_id, name, state, params, progress, attempts, lapses,"
            " enqueued_at, started_at, lease_expires_at, worker) VALUES ('dead', "
            "'system.selfcheck', 'running', '{\"args\": [], \"kwargs\": {}}', 0, 1, 0, "
            "datetime('now', '-10 minutes'), datetime('now', '-10 minutes'), "
            "datetime('now', '-1 minutes'), 'gone:1')"))
    consumer = subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "app.tasks.huey", "-w", "1", "-k",
         "thread", "-d", "0.1", "-m", "0.5"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        rows = []
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT task_id, state, lapses FROM job_runs ORDER BY id")).all()
            if len(rows) == 2 and rows[1][1] == "succeeded":
                break
            time.sleep(0.2)
    finally:
        consumer.send_signal(2)
        try:
            consumer.wait(timeout=15)
        except subprocess.TimeoutExpired:
            consumer.kill()
        engine.dispose()
    assert [(r[1], r[2]) for r in rows] == [("failed", 0), ("succeeded", 1)]
