"""Clean checkouts of other commits for benchmarks that compare the product with a baseline
commit in the same run (they share this checkout's virtual environment)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench._report import ROOT


def checkout(ref: str, into: Path) -> Path:
    """A detached worktree of ``ref`` that uses this checkout's virtual environment."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force",
                    str(into), ref], check=True, capture_output=True)
    (into / ".venv").symlink_to(ROOT / ".venv")
    subprocess.run([sys.executable, "scripts/i18n.py", "compile"], cwd=into, check=True,
                   capture_output=True)
    return into


def remove(tree: Path) -> None:
    """Remove a worktree made by :func:`checkout`."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                   capture_output=True)
    shutil.rmtree(tree, ignore_errors=True)


def commit(ref: str) -> str:
    """The short hash of ``ref`` (fixed before a long run: HEAD may move meanwhile)."""
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref],
                          capture_output=True, text=True, check=True).stdout.strip()


def label(ref: str) -> str:
    """``<short hash> <subject>`` of ``ref``."""
    return subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s", ref],
                          capture_output=True, text=True, check=True).stdout.strip()
