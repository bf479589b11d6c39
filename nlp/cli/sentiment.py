"""``python -m nlp sentiment``: add sentiment label and score columns to a CSV file."""

from __future__ import annotations

import argparse
import sys

from nlp.cli.common import CliError, Progress, default_model_path, fail, read_csv, write_csv

HELP = ("add sentiment columns (label -1/0/1 = 负面/中性/正面, score = probability of positive "
        "rather than negative) to a CSV file")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("--input", required=True, metavar="F.csv",
                        help="CSV file with a header row")
    parser.add_argument("--text-column", default="text", metavar="NAME",
                        help="column holding the text (default: text)")
    parser.add_argument("--output", required=True, metavar="O.csv",
                        help="where to write the input columns plus label and score ('-' = stdout)")
    parser.add_argument("--model", metavar="PATH", default=None,
                        help="trained model file (default: $HUISHENG_SENTIMENT_MODEL, else the "
                             "model shipped in nlp/models/)")
    parser.add_argument("--label-column", default="label", metavar="NAME",
                        help="name of the added label column (default: label)")
    parser.add_argument("--score-column", default="score", metavar="NAME",
                        help="name of the added score column (default: score)")
    parser.add_argument("--encoding", default="utf-8-sig",
                        help="input encoding (default: UTF-8, with or without BOM)")
    parser.add_argument("--batch-size", type=int, default=2000, metavar="N",
                        help="texts per batch (default: 2000)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    if args.batch_size < 1:
        return fail("--batch-size must be at least 1")
    try:
        columns, rows = read_csv(args.input, args.text_column, args.encoding)
        clash = [c for c in (args.label_column, args.score_column) if c in columns]
        if clash:
            raise CliError(
                f"the input already has column(s) {', '.join(clash)}; pick other names with "
                "--label-column / --score-column so nothing in the input is overwritten"
            )
        model = _load_model(args.model, quiet=args.quiet)
        texts = [row.get(args.text_column) or "" for row in rows]
        progress = Progress(len(texts), "sentiment", enabled=not args.quiet)
        for start in range(0, len(texts), args.batch_size):
            batch = texts[start:start + args.batch_size]
            for row, result in zip(rows[start:start + args.batch_size],
                                   model.predict_many(batch, clauses=False), strict=True):
                row[args.label_column] = result.label
                row[args.score_column] = f"{result.score:.4f}"
            progress.update(len(batch))
        progress.close()
        write_csv(args.output, columns + [args.label_column, args.score_column], rows)
    except CliError as exc:
        return fail(str(exc))
    if args.output != "-" and not args.quiet:
        print(f"wrote {len(rows)} rows to {args.output}", file=sys.stderr)
    return 0


def _load_model(path: str | None, quiet: bool):
    from nlp.sentiment.training import load_model, load_or_train, shipped_model_path

    if path is not None:
        try:
            return load_model(path)
        except FileNotFoundError:
            raise CliError(
                f"model file not found: {path} "
                "(create it with: python -m nlp train-sentiment --output PATH)"
            ) from None
        except Exception as exc:  # noqa: BLE001 - any unreadable model is the same user error
            raise CliError(f"cannot load model {path}: {exc}") from exc
    target = default_model_path()
    if not target.exists() and not shipped_model_path().exists() and not quiet:
        print(f"training the sentiment model once (a few minutes) into {target} …",
              file=sys.stderr)
    try:
        return load_or_train(target)
    except OSError as exc:
        raise CliError(f"cannot write the model to {target}: {exc.strerror or exc}") from exc
