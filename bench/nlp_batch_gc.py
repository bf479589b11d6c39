"""Do nlp/sentiment/batch.py's fast decision and nlp/gc_pause.py still pay for themselves?

Sentiment decision: the shipped model's featurizer scores N prepared texts (35–65 characters,
cut from the review corpora as in ``bench/nlp_pipeline``) two ways in one process, best of 3
interleaved rounds: ``decision_with_cues`` (batch.py: each text's decision summed from
(row, column, count) triples, no matrix) and the reference ``transform_with_cues`` (the
sparse TF-IDF feature matrix) times the coefficients, which the fast path equals (a test
checks it to 1e-6). Peak memory of each (tracemalloc, numpy's buffers included) is taken in a
separate untimed pass. The fast path is kept if it is 20% faster or needs half the memory.

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
    """Fast decision versus feature matrix times coefficients, in this process."""
    import numpy as np

    from bench.nlp_pipeline import make_items
    from nlp.sentiment import load_model, shipped_model_path

    model = load_model(shipped_model_path())
    texts = make_items(n)
    _, docs = model.prepare(texts)
    featurizer = model.featurizer_
    coef = model.coef_.astype(np.float64)
    featurizer.decision_with_cues(docs[:200], coef)  # token table built outside the clock
    featurizer.transform_with_cues(docs[:200])
    peak = {}
    for name, run in (("batch", lambda: featurizer.decision_with_cues(docs, coef)),
                      ("matrix", lambda: featurizer.transform_with_cues(docs)[0] @ coef.T)):
        tracemalloc.start()
        run()
        peak[name] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    best = {"batch": float("inf"), "matrix": float("inf")}
    for _ in range(3):
        start = time.perf_counter()
        fast, _cues = featurizer.decision_with_cues(docs, coef)
        best["batch"] = min(best["batch"], time.perf_counter() - start)
        start = time.perf_counter()
        X, _cues = featurizer.transform_with_cues(docs)
        slow = X @ coef.T
        best["matrix"] = min(best["matrix"], time.perf_counter() - start)
    return {"n": n, **best, "peak_batch_mb": peak["batch"], "peak_matrix_mb": peak["matrix"],
            "max_diff": float(np.max(np.abs(fast - slow))),
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
    speedup = s["matrix"] / s["batch"]
    gc_gain = best["on"][1] / best["paused"][1]
    memory = s["peak_matrix_mb"] / max(s["peak_batch_mb"], 1e-9)
    pays = speedup >= 1.2 or memory >= 2
    body = (
        __doc__.split("\n", 1)[1].strip()
        + "\n\n"
        + md_table(["sentiment decision", "texts", "seconds", "µs/text", "× batch",
                    "peak MB"], [
            ["batch.py fast decision (product)", f"{s['n']:,}", f"{s['batch']:.2f}",
             f"{s['batch'] / s['n'] * 1e6:.0f}", "1.00", f"{s['peak_batch_mb']:.0f}"],
            [f"feature matrix × coefficients ({s['matrix_mb']:.0f} MB matrix)", f"{s['n']:,}",
             f"{s['matrix']:.2f}", f"{s['matrix'] / s['n'] * 1e6:.0f}", f"{speedup:.2f}",
             f"{s['peak_matrix_mb']:.0f}"],
        ])
        + f"\n\nLargest difference between the two decisions: {s['max_diff']:.1e}.\n\n"
        + md_table(["pipeline, collector", "items", "wall s", "CPU s", "× paused (CPU)"], [
            ["paused for the run (product)", f"{N_PIPELINE:,}", f"{best['paused'][0]:.2f}",
             f"{best['paused'][1]:.2f}", "1.00"],
            ["left on (baseline)", f"{N_PIPELINE:,}", f"{best['on'][0]:.2f}",
             f"{best['on'][1]:.2f}", f"{gc_gain:.2f}"],
        ])
        + f"\n\nVerdict: batch.py's fast decision {'pays' if pays else 'does NOT pay'} for "
        f"itself ({speedup:.2f}× the speed of the matrix; peak memory {s['peak_batch_mb']:.0f} MB "
        f"against the matrix's {s['peak_matrix_mb']:.0f} MB); "
        "gc_pause "
        f"{'pays' if gc_gain >= 1.05 else 'does NOT pay'} for itself (the run costs "
        f"{gc_gain:.2f}× the CPU time without it). The thresholds for keeping them: 20% faster "
        "or half the memory (batch), 5% less CPU time (gc)."
        + f"\n\nLoad average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
        f"end ({os.cpu_count()} cores)."
    )
    write_section("nlp_batch_gc", "Sentiment fast decision and paused collector: still worth it?",
                  body)
    print(body)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--sentiment":
        print(json.dumps(sentiment(int(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "--pipeline":
        print(json.dumps(pipeline(int(sys.argv[2]), sys.argv[3] == "paused")))
    else:
        main()
