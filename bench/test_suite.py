"""How long the test suite takes: the current commit against a baseline commit, same run.

``make test`` runs ruff, mypy and two pytest phases: the pure packages' tests under coverage,
then the app, security, integration and browser tests. This benchmark times all four, run as
the Makefile runs them, on clean checkouts of two commits that share this checkout's virtual
environment:

- the baseline: ``BENCH_SUITE_BASELINE`` (default: the commit before the suite was made
  faster, see ``DEFAULT_BASELINE``);
- the product: ``HEAD``.

They run one after the other on the same machine, so the load is the same for both; each
phase's slowest tests are listed so that the next slowdown is easy to find.

    python -m bench test_suite
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._checkouts import checkout, commit, label, remove
from bench._report import ROOT, md_table, write_section

# main before the suite was made faster: URL builders compiled on first use, PostgreSQL
# tables emptied only where a test wrote, the demo loaded once per test module.
DEFAULT_BASELINE = "d24231d"
PURE_TESTS = ["tests/surveys", "tests/nlp", "tests/reports"]
SLOW_TESTS = ["tests/integration", "tests/browser"]
SLOWEST = 8


def _phase(tree: Path, args: list[str]) -> dict:
    """Run one pytest phase; its wall seconds, outcome counts and slowest tests."""
    env = {**os.environ, "FLASK_APP": "app:create_app"}
    command = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
               "-p", "no:cacheprovider", f"--durations={SLOWEST}", *args]
    started = time.monotonic()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    out = done.stdout
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|skipped|error)",
                                                      out.splitlines()[-1] if out else "")}
    slowest = re.findall(r"^(\d+\.\d+)s (call|setup|teardown)\s+(\S+)", out, re.M)
    return {"seconds": seconds, "exit": done.returncode, "counts": counts,
            "slowest": [(float(s), when, test) for s, when, test in slowest]}


def _checks(tree: Path) -> float:
    """Wall seconds of ruff and mypy (mypy from a cold cache, as on a clean checkout)."""
    started = time.monotonic()
    for tool in ("ruff", "mypy"):
        command = [str(ROOT / ".venv" / "bin" / tool), *(["check", "."] if tool == "ruff" else [])]
        subprocess.run(command, cwd=tree, capture_output=True)
    return time.monotonic() - started


def _suite(tree: Path) -> list[dict]:
    checks = _checks(tree)
    pure = _phase(tree, ["--cov", "--cov-report=", *PURE_TESTS])
    rest = _phase(tree, [*(f"--ignore={t}" for t in PURE_TESTS), *SLOW_TESTS, "tests"])
    pure["checks"] = checks
    return [pure, rest]


def main() -> None:
    """Time both commits' suites and write the section."""
    baseline = os.environ.get("BENCH_SUITE_BASELINE", DEFAULT_BASELINE)
    runs: dict[str, list[dict]] = {}
    base = Path(tempfile.mkdtemp(prefix="huisheng-suite-"))
    started = time.monotonic()
    try:
        # Both commits are fixed before either runs: HEAD may move while the suites run.
        refs = {"baseline": commit(baseline), "product": commit("HEAD")}
        for name, ref in refs.items():
            tree = checkout(ref, base / name)
            try:
                print(f"  {name}: {label(ref)}", flush=True)
                runs[name] = _suite(tree)
            finally:
                remove(tree)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    load = os.getloadavg()[0]

    rows = []
    for name, ref in refs.items():
        pure, rest = runs[name]
        rows.append([f"{name}: `{label(ref)[:70]}`", f"{pure['checks']:.0f}",
                     f"{pure['seconds']:.0f}", f"{rest['seconds']:.0f}",
                     f"{pure['checks'] + pure['seconds'] + rest['seconds']:.0f}",
                     rest["counts"].get("passed", 0) + pure["counts"].get("passed", 0),
                     rest["counts"].get("failed", 0) + pure["counts"].get("failed", 0),
                     "yes" if pure["exit"] == rest["exit"] == 0 else "no"])
    before = sum(p["seconds"] for p in runs["baseline"]) + runs["baseline"][0]["checks"]
    after = sum(p["seconds"] for p in runs["product"]) + runs["product"][0]["checks"]
    slow_rows = [[f"{s:.1f}", when, f"`{test}`"]
                 for s, when, test in sorted(runs["product"][1]["slowest"], reverse=True)]
    body = "\n\n".join([
        __doc__.split("\n\n")[1].replace("\n", " ").strip(),
        md_table(["commit", "ruff + mypy s", "pure tests (coverage) s",
                  "app, integration, browser s",
                  "total s", "passed", "failed", "green"], rows),
        f"The product's checks and tests take {after:.0f} s against the baseline's "
        f"{before:.0f} s ({after / before:.2f}×); `make test` adds only its install check "
        f"(seconds once the venv exists). Load average at the end: {load:.1f} (2 cores).",
        f"The product's {SLOWEST} slowest tests of the second phase:",
        md_table(["seconds", "phase", "test"], slow_rows),
        f"_Benchmark wall time: {(time.monotonic() - started) / 60:.1f} min._",
    ])
    path = write_section("test_suite", "Test suite time (make test's pytest phases)", body)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
