"""Start-up stays light: the CLI and a web worker do not import the NLP and statistics libraries
(nor Alembic, which only ``flask db`` needs, nor the job queue before the first job).

scikit-learn and SciPy alone cost more than a second at import; they load when a text is scored,
a theme model is fitted or a report computes a p-value, never when the app is built. These
tests run in a fresh interpreter, because this test process has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What a web worker or ``flask --help`` must not import (imported where used instead).
# Alembic only for ``flask db``; Huey (with psycopg and redis) with the first queued job.
# Markdown rendering and email validation load with the first note or address they handle.
HEAVY = ("sklearn", "scipy", "jieba", "matplotlib", "weasyprint", "alembic", "huey",
         "markdown_it", "email_validator")

_PROBE = """
import json, sys
from app import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(FLASK_APP="app:create_app", APP_ENV="development", PYTHONPATH=str(ROOT),
               INSTANCE_PATH=str(tmp_path / "instance"), HUEY_SQLITE_PATH=str(tmp_path / "h.db"))
    return env


def test_create_app_imports_no_heavy_library(tmp_path):
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=_env(tmp_path),
                         check=True, capture_output=True, text=True).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    assert "app" in loaded and "flask" in loaded  # the probe did build the app
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_flask_help_answers_without_heavy_libraries(tmp_path):
    # ``-X importtime`` lists every module the command imported, on stderr.
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "flask", "--help"],
                            cwd=ROOT, env=_env(tmp_path), check=True, capture_output=True,
                            text=True)
    assert "Commands:" in result.stdout and "users" in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0]
                for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "app" in imported
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))


def test_every_lazily_exported_name_resolves():
    import importlib

    for name in ("nlp", "nlp.sentiment", "nlp.themes", "reports"):
        package = importlib.import_module(name)
        assert sorted(package.__all__) == sorted(package._EXPORTS), name
        for export in package.__all__:
            assert getattr(package, export) is not None, f"{name}.{export}"


_GC_PROBE = """
import gc, json
import click
from app import create_app

before = gc.get_freeze_count()
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
plain = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count() - before}
with click.Context(click.Command("probe")):
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
command = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count() - before}
print(json.dumps({"plain": plain, "command": command}))
"""


def test_building_the_app_leaves_the_collector_on_and_freezes_only_for_the_flask_command(
        tmp_path):
    # The collector is paused while the app is built and must be back on afterwards. Only a
    # process the ``flask`` command started keeps its start-up objects out of the collector's
    # way: a test process builds thousands of apps, and frozen objects are never collected.
    out = subprocess.run([sys.executable, "-c", _GC_PROBE], cwd=ROOT, env=_env(tmp_path),
                         check=True, capture_output=True, text=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["plain"] == {"enabled": True, "frozen": 0}
    assert seen["command"]["enabled"] is True
    assert seen["command"]["frozen"] > 10_000
