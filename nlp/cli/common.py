"""Helpers shared by the CLI commands: CSV input/output, errors, progress bar, model path."""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

DEFAULT_MODEL_ENV = "HUISHENG_SENTIMENT_MODEL"


class CliError(Exception):
    """A user-facing error: printed as ``error: ...`` and exits with status 2."""


def fail(message: str) -> int:
    """Print an error message to stderr; returns the exit status for it."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def read_csv(path: str, text_column: str, encoding: str = "utf-8-sig"
             ) -> tuple[list[str], list[dict[str, str]]]:
    """Read a CSV with a header; returns its columns and rows. Raises CliError on bad input."""
    p = Path(path)
    if not p.exists():
        raise CliError(f"input file not found: {path}")
    if p.is_dir():
        raise CliError(f"input is a directory, not a CSV file: {path}")
    try:
        with open(p, encoding=encoding, newline="") as fh:
            reader = csv.DictReader(fh)
            columns = list(reader.fieldnames or [])
            if not columns:
                raise CliError(f"input file is empty or has no header row: {path}")
            if text_column not in columns:
                raise CliError(
                    f"column {text_column!r} not found in {path}; "
                    f"available columns: {', '.join(columns)} (choose one with --text-column)"
                )
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise CliError(f"cannot read {path} as {encoding} text ({exc.reason}); "
                       "save it as UTF-8 or pass --encoding") from exc
    except csv.Error as exc:
        raise CliError(f"malformed CSV in {path}: {exc}") from exc
    except OSError as exc:
        raise CliError(f"cannot read input file {path}: {exc.strerror or exc}") from exc
    return columns, rows


def write_csv(path: str, columns: list[str], rows: list[dict[str, object]]) -> None:
    """Write rows as CSV atomically (``-`` writes to stdout). Raises CliError on failure."""
    if path == "-":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp.exists():
            tmp.unlink()
        raise CliError(f"cannot write output file {path}: {exc.strerror or exc}") from exc


class Progress:
    """A one-line progress bar on stderr (silent when disabled)."""

    def __init__(self, total: int, label: str, enabled: bool = True, width: int = 30) -> None:
        self.total = max(total, 0)
        self.label = label
        self.enabled = enabled and total > 0
        self.width = width
        self.start = time.perf_counter()
        self.done = 0

    def update(self, n: int) -> None:
        """Advance by ``n`` items and redraw."""
        self.done = min(self.total, self.done + n)
        if not self.enabled:
            return
        frac = self.done / self.total if self.total else 1.0
        filled = int(frac * self.width)
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {frac:6.1%} {self.done}/{self.total} "
                         f"{rate:,.0f}/s")
        sys.stderr.flush()

    def close(self) -> None:
        """Finish the line."""
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def default_model_path() -> Path:
    """The sentiment model file: $HUISHENG_SENTIMENT_MODEL, else the shipped model."""
    from nlp.sentiment.training import shipped_model_path

    env = os.environ.get(DEFAULT_MODEL_ENV)
    return Path(env) if env else shipped_model_path()
