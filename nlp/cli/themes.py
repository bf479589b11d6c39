"""``python -m nlp themes``: theme a CSV column; writes theme_id and theme_name per row.

The output keeps every input column and appends ``theme_id`` and ``theme_name`` (these
names are stable: other tools read them), then ``frame_key`` (the code-frame key of a
code-frame theme, empty for discovered themes and 其他). A themes summary (id, name, size,
share, area, keywords, quotes, then frame_key and summary) goes to stdout and, with
``--summary``, to a CSV or JSON file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nlp.cli.common import CliError, fail, read_csv, write_csv

NAME = "themes"
HELP = "group the texts of a CSV column into themes (writes theme_id, theme_name)"
OUTPUT_COLUMNS = ("theme_id", "theme_name", "frame_key")
SUMMARY_COLUMNS = ("id", "name", "size", "share", "area", "keywords", "quotes", "frame_key",
                   "summary")
PROGRESS_MIN_ROWS = 1000
STAGE_LABELS = {
    "prepare": "清洗/分词/情感", "themes": "主题", "keywords": "关键词",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("--input", required=True, help="CSV file with a header row (UTF-8)")
    parser.add_argument("--text-column", default="text", help="column holding the text")
    parser.add_argument("--output", required=True,
                        help="CSV to write: input columns + theme_id, theme_name ('-' = stdout)")
    parser.add_argument("--k", type=int, default=None,
                        help="number of themes, all discovered (default: the code frame's "
                             "themes, then discovered ones, chosen automatically)")
    parser.add_argument("--no-frame", action="store_true",
                        help="no code-frame themes: discover every theme (texts that are "
                             "not community feedback, e.g. news or product reviews)")
    parser.add_argument("--id-column", default=None,
                        help="column with stable item ids (kept in the summary JSON)")
    parser.add_argument("--summary", default=None,
                        help="also write the themes summary to this .csv or .json file")
    parser.add_argument("--encoding", default="utf-8-sig", help="input encoding")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def run(args: argparse.Namespace) -> int:
    """Execute the command; returns the process exit status."""
    try:
        return _run(args)
    except CliError as exc:
        return fail(str(exc))


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m nlp themes`` goes through the registry)."""
    parser = argparse.ArgumentParser(prog=f"python -m nlp {NAME}", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def _run(args: argparse.Namespace) -> int:
    if args.k is not None and args.k < 1:
        raise CliError("--k must be a positive whole number")
    header, rows = read_csv(args.input, args.text_column, args.encoding)
    if args.id_column is not None and args.id_column not in header:
        raise CliError(f"id column {args.id_column!r} not in {args.input}")
    if args.output != "-" and not Path(args.output).resolve().parent.exists():
        raise CliError(f"output folder does not exist: {Path(args.output).parent}")
    clash = [c for c in OUTPUT_COLUMNS if c in header]
    if clash:
        raise CliError(f"input already has column(s) {', '.join(clash)}; rename them first")

    from nlp.codeframe import CodeFrame
    from nlp.pipeline import NullSentiment, Pipeline
    from nlp.themes import ThemeModel

    texts = [row.get(args.text_column) or "" for row in rows]
    ids = [row.get(args.id_column) for row in rows] if args.id_column else None
    show = not args.quiet and len(texts) >= PROGRESS_MIN_ROWS
    frame = CodeFrame.empty() if args.no_frame else None
    pipeline = Pipeline(sentiment=NullSentiment(),
                        theme_model=ThemeModel(k=args.k, code_frame=frame))
    result = pipeline.run(texts, ids=ids, progress=_progress_bar if show else None)
    if show:
        print(file=sys.stderr)

    names = {t.id: _safe_cell(t.name) for t in result.themes}
    keys = {t.id: t.frame_key or "" for t in result.themes}
    for row, item in zip(rows, result.items, strict=True):
        row["theme_id"], row["theme_name"] = item.theme_id, names[item.theme_id]
        row["frame_key"] = keys[item.theme_id]
    write_csv(args.output, header + list(OUTPUT_COLUMNS), rows)

    summary = [_summary_row(t) for t in result.themes]
    if args.summary:
        _write_summary(Path(args.summary), summary)
    if not args.quiet and args.output != "-":
        _print_summary(summary, len(texts))
    return 0


def _safe_cell(value: str) -> str:
    """Defuse spreadsheet formulas in a generated cell (a name starting with = + - @)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _summary_row(theme) -> dict:
    return {
        "id": theme.id, "name": theme.name, "size": theme.size, "share": theme.share,
        "area": theme.area or "", "keywords": list(theme.keywords),
        "quotes": list(theme.quotes), "frame_key": theme.frame_key or "",
        "summary": theme.summary,
    }


def _write_summary(path: Path, summary: list[dict]) -> None:
    if not path.parent.exists():
        raise CliError(f"summary folder does not exist: {path.parent}")
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        return
    write_csv(str(path), list(SUMMARY_COLUMNS), [
        {**row, "name": _safe_cell(row["name"]), "keywords": " ".join(row["keywords"]),
         "quotes": " | ".join(_safe_cell(q) for q in row["quotes"]),
         "summary": _safe_cell(row["summary"])}
        for row in summary
    ])


def _print_summary(summary: list[dict], total: int) -> None:
    print(f"{len([s for s in summary if s['id'] != 0])} themes over {total} rows")
    for s in summary:
        line = (s["summary"] or (s["quotes"][0] if s["quotes"] else ""))[:40]
        print(f"{s['id']:>4}  {s['name']:<16} {s['size']:>7} ({s['share']:.1%})  "
              f"{' '.join(s['keywords'][:6])}  「{line}」")


def _progress_bar(stage: str, done: int, total: int) -> None:
    width = 30
    frac = done / total if total else 1.0
    bar = "#" * int(frac * width) + "." * (width - int(frac * width))
    label = STAGE_LABELS.get(stage, stage)
    print(f"\r[{bar}] {frac:4.0%} {label} {done}/{total}", end="", file=sys.stderr, flush=True)
