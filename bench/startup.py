"""Start-up time: ``flask --help`` and a web worker's ``create_app()``, product against baselines.

Three things run in the same run, interleaved so that they share the machine's load:

- the product: ``HEAD``;
- the baseline commit: ``BENCH_STARTUP_BASELINE`` (default: main before start-up was worked
  on, see ``DEFAULT_BASELINE``), in a clean checkout that shares this virtual environment;
- the libraries alone: a fresh interpreter that imports Flask's CLI and the Flask extensions
  the app uses (Flask-SQLAlchemy, Flask-Babel, Flask-Limiter, Flask-Login, Flask-WTF), the
  floor under any app built on them.

Each command runs in a fresh process, as a user or a process manager starts it, with bytecode
caches written (one untimed run first). ``flask --help`` is timed from process start to exit;
a web worker's start is a process that imports the app and builds it with ``create_app()``
(its wall time, and ``create_app()``'s own time inside it).

    python -m bench startup
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._checkouts import checkout, commit, label, remove
from bench._report import ROOT, md_table, write_section

# main before start-up was worked on: scikit-learn, SciPy and jieba were imported with the
# blueprints, and every rule's URL builders were compiled when the app was built.
DEFAULT_BASELINE = "07fd60c"
RUNS = 15
HELP_TARGET_S = 1.0
WORKER_TARGET_S = 1.5

_LIBRARIES = ("import flask.cli, flask_sqlalchemy, flask_babel, flask_limiter, flask_login, "
              "flask_wtf")
_WORKER = ("import time; t = time.perf_counter(); from app import create_app; create_app(); "
           "print(time.perf_counter() - t)")


def _env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONDONTWRITEBYTECODE", "REDIS_URL", "DATABASE_URL", "FLASK_DEBUG"}}
    env.update(FLASK_APP="app:create_app", APP_ENV="development",
               INSTANCE_PATH=str(instance / "instance"),
               HUEY_SQLITE_PATH=str(instance / "huey.db"))
    return env


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds of one process, and its standard output."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def _commands() -> dict[str, list[str]]:
    python = str(ROOT / ".venv" / "bin" / "python")
    return {"help": [python, "-m", "flask", "--help"], "worker": [python, "-c", _WORKER]}


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered), "min": ordered[0],
            "p90": ordered[max(0, round(0.9 * len(ordered)) - 1)]}


def main() -> None:
    """Time the three, interleaved, and write the section."""
    baseline = os.environ.get("BENCH_STARTUP_BASELINE", DEFAULT_BASELINE)
    refs = {"baseline": commit(baseline), "product": commit("HEAD")}
    work = Path(tempfile.mkdtemp(prefix="huisheng-startup-"))
    trees = {"product": ROOT, "baseline": checkout(refs["baseline"], work / "baseline")}
    env = _env(work)
    load_before = os.getloadavg()[0]
    times: dict[tuple[str, str], list[float]] = {}
    try:
        python = str(ROOT / ".venv" / "bin" / "python")
        jobs = {("libraries", "help"): ([python, "-c", _LIBRARIES], ROOT)}
        for name, tree in trees.items():
            for what, command in _commands().items():
                jobs[(name, what)] = (command, tree)
        for command, cwd in jobs.values():  # bytecode caches, dictionaries, compiled catalogs
            _timed(command, cwd, env)
        for _ in range(RUNS):
            for key, (command, cwd) in jobs.items():
                seconds, out = _timed(command, cwd, env)
                times.setdefault(key, []).append(seconds)
                if key[1] == "worker":
                    times.setdefault((key[0], "create_app"), []).append(
                        float(out.strip().splitlines()[-1]))
    finally:
        remove(trees["baseline"])
    load_after = os.getloadavg()[0]

    s = {key: _summary(values) for key, values in times.items()}
    rows = []
    for what, title in (("help", "`flask --help`, process start to exit"),
                        ("worker", "web worker: import and `create_app()`, process start to exit"),
                        ("create_app", "`create_app()` alone (inside that process)")):
        for name in ("libraries", "baseline", "product"):
            if (name, what) not in s:
                continue
            who = {"libraries": "libraries alone (Flask CLI + extensions imported)",
                   "baseline": f"baseline `{label(refs['baseline'])[:60]}`",
                   "product": f"**product** `{refs['product']}`"}[name]
            m = s[(name, what)]
            rows.append([title, who, f"{m['median']:.2f}", f"{m['min']:.2f}", f"{m['p90']:.2f}"])
    help_s = s[("product", "help")]["median"]
    worker_s = s[("product", "worker")]["median"]
    body = "\n\n".join([
        __doc__.split("\n\n", 1)[1].rsplit("\n\n", 1)[0].strip(),
        f"Each row: {RUNS} runs.",
        md_table(["what", "who", "median s", "min s", "p90 s"], rows),
        f"Targets: `flask --help` < {HELP_TARGET_S:.0f} s: "
        f"{'yes' if help_s < HELP_TARGET_S else 'NO'} ({help_s:.2f} s, "
        f"{s[('baseline', 'help')]['median'] / help_s:.1f}× faster than the baseline); "
        f"a web worker starts in < {WORKER_TARGET_S} s: "
        f"{'yes' if worker_s < WORKER_TARGET_S else 'NO'} ({worker_s:.2f} s).",
        f"Load average {load_before:.1f} at the start, {load_after:.1f} at the end (2 cores).",
    ])
    path = write_section("startup", "Start-up (flask --help, web worker)", body)
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
