"""Sentiment scoring on the one featuriser path, and does nlp/gc_pause.py still pay for itself?

Sentiment: the shipped model scores N prepared texts (35–65 characters, cut from the review
corpora as in ``bench/nlp_pipeline``; normalised and segmented before the clock), best of 3
rounds: the decision alone (``transform_with_cues``, the sparse TF-IDF feature matrix, times
the coefficients) and the whole scoring of ``predict_many`` with every clause of every text
(the clauses' feature rows come from the same featuriser). Peak memory of each (tracemalloc,
numpy's buffers included) is taken in a separate untimed pass. batch.py's own fast decision
(rows summed from (row, column, count) triples) was removed after this benchmark found it
1.02× the speed of the matrix with 245 MB peak memory against the matrix's 168 MB (run
2026-12-07 16:31 UTC, 20,000 texts: 363 against 369 µs/text).

Garbage collector: the full pipeline (``Pipeline.run``, n_jobs=2 as in the product) on the
same N texts, in fresh processes, with the collector paused for the run (``gc_paused``, the
product) and left on (the baseline); best of 2 interleaved rounds each. CPU seconds are those
of the process and its forked workers: steadier than wall time on a shared machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc

from bench._report import ROOT, md_table, write_section

N_SENTIMENT = 20_000
N_PIPELINE = 20_000
JOBS = 2


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def sentiment(n: int) -> dict:
    """The decision on the feature matrix, and predict_many with clauses, in this process."""
    import numpy as np

    from bench.nlp_pipeline import make_items
    from nlp.sentiment import load_model, shipped_model_path

    model = load_model(shipped_model_path())
    texts = make_items(n)
    normalized, docs = model.prepare(texts)
    cuts = model._stages()[1].cut_many([t.text for t in normalized])
    featurizer = model.featurizer_
    coef = model.coef_.astype(np.float64)
    featurizer.transform_with_cues(docs[:200])  # token table built outside the clock
    model.predict_many(texts[:200], normalized=normalized[:200], cuts=cuts[:200])
    runs = {"decision": lambda: featurizer.transform_with_cues(docs)[0] @ coef.T,
            "scoring": lambda: model.predict_many(texts, normalized=normalized, cuts=cuts)}
    peak = {}
    for name, run in runs.items():
        tracemalloc.start()
        run()
        peak[name] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(3):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    X = featurizer.transform(docs)
    results = model.predict_many(texts[:2000], normalized=normalized[:2000], cuts=cuts[:2000])
    return {"n": n, **best, "peak_decision_mb": peak["decision"],
            "peak_scoring_mb": peak["scoring"],
            "clauses": sum(len(r.clauses) for r in results) / len(results),
            "matrix_mb": (X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20}


def pipeline(n: int, paused: bool) -> dict:
    """One pipeline run in this (fresh) process, with or without the collector paused."""
    import jieba

    import nlp.pipeline as pipeline_module
    from bench.nlp_pipeline import _sentiment_stage, make_items

    if not paused:
        pipeline_module.gc_paused = contextlib.nullcontext
    texts = make_items(n)
    jieba.setLogLevel(60)
    stage, _note = _sentiment_stage(True)
    pipe = pipeline_module.Pipeline(sentiment=stage, n_jobs=JOBS).warm_up()
    cpu, start = _cpu(), time.perf_counter()
    pipe.run(texts)
    return {"wall": time.perf_counter() - start, "cpu": _cpu() - cpu}


def _child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.nlp_batch_gc", *args], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure both and write the section."""
    load_start = os.getloadavg()[0]
    print(f"sentiment decision, {N_SENTIMENT:,} texts", flush=True)
    s = _child("--sentiment", str(N_SENTIMENT))
    runs: dict[str, list[dict]] = {"paused": [], "on": []}
    for round_ in range(2):
        for mode in ("paused", "on") if round_ == 0 else ("on", "paused"):
            print(f"pipeline {N_PIPELINE:,} items, collector {mode}", flush=True)
            runs[mode].append(_child("--pipeline", str(N_PIPELINE), mode))
    best = {mode: (min(r["wall"] for r in rs), min(r["cpu"] for r in rs))
            for mode, rs in runs.items()}
    gc_gain = best["on"][1] / best["paused"][1]
    n = s["n"]
    body = (
        __doc__.split("\n", 1)[1].strip()
        + "\n\n"
        + md_table(["sentiment", "texts", "seconds", "µs/text", "peak MB"], [
            [f"decision: feature matrix ({s['matrix_mb']:.0f} MB) × coefficients", f"{n:,}",
             f"{s['decision']:.2f}", f"{s['decision'] / n * 1e6:.0f}",
             f"{s['peak_decision_mb']:.0f}"],
            [f"predict_many with clauses ({s['clauses']:.1f} clauses per text)", f"{n:,}",
             f"{s['scoring']:.2f}", f"{s['scoring'] / n * 1e6:.0f}",
             f"{s['peak_scoring_mb']:.0f}"],
        ])
        + "\n\n"
        + md_table(["pipeline, collector", "items", "wall s", "CPU s", "× paused (CPU)"], [
            ["paused for the run (product)", f"{N_PIPELINE:,}", f"{best['paused'][0]:.2f}",
             f"{best['paused'][1]:.2f}", "1.00"],
            ["left on (baseline)", f"{N_PIPELINE:,}", f"{best['on'][0]:.2f}",
             f"{best['on'][1]:.2f}", f"{gc_gain:.2f}"],
        ])
        + "\n\nVerdict: gc_pause "
        f"{'pays' if gc_gain >= 1.05 else 'does NOT pay'} for itself (the run costs "
        f"{gc_gain:.2f}× the CPU time without it; the threshold for keeping it is 5% less CPU "
        "time). Sentiment speed against SnowNLP is in the Speed table of the sentiment section."
        + f"\n\nLoad average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
        f"end ({os.cpu_count()} cores)."
    )
    write_section("nlp_batch_gc", "Sentiment scoring path and paused collector", body)
    print(body)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--sentiment":
        print(json.dumps(sentiment(int(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "--pipeline":
        print(json.dumps(pipeline(int(sys.argv[2]), sys.argv[3] == "paused")))
    else:
        main()
