"""Shared helpers for benchmarks: locating corpora and writing results into docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Every figure here is written by `make bench` (or `python -m bench NAME`), which runs the\n"
    "product and its named baseline side by side in the same run. Sections are replaced in\n"
    "place, so each shows the latest run of its benchmark.\n"
)


def corpora_dir() -> Path:
    """Where the shared development corpora live (``HUISHENG_CORPORA`` overrides)."""
    return Path(os.environ.get("HUISHENG_CORPORA", ROOT.parent / "shared" / "corpora"))


def machine_line() -> str:
    """A one-line description of the machine, for the record."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    )


def write_section(name: str, title: str, body: str) -> Path:
    """Replace (or append) the section called ``name`` in docs/benchmarks.md."""
    BENCHMARKS_MD.parent.mkdir(parents=True, exist_ok=True)
    text = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else HEADER
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n## {title}\n\n_{machine_line()}_\n\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text, encoding="utf-8")
    return BENCHMARKS_MD


def md_table(headers: list[str], rows: list[list[object]]) -> str:
    """Format a Markdown table."""
    def fmt(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
