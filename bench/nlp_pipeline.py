"""Pipeline speed: the full analysis of N feedback items versus plain ``jieba.lcut``.

Items of 35–65 characters (about 50 on average) are cut, with a fixed seed, from the
concatenated review corpora (online_shopping_9_cats, ecommerce_reviews_unlabelled,
waimai_10k). Every size runs in a fresh process, so peak RSS is that size's own; the
baseline (jieba's global tokenizer, dictionary loaded before timing) runs in the same
process on the same texts, before and after the pipeline (the mean of the two counts).
The pipeline is normalise → redact → segment → sentiment → themes (code-frame classifier,
phrase learning, clustering, key-phrase names) → keywords, with forked workers for the
per-text stages (``n_jobs``). ``warm_up()`` runs before the clock starts: it loads the
sentiment model and the dictionaries and trains the code-frame classifier (once per process
and frame, as the app's workers do).
Incremental assignment: a model fitted on 10k items is stored as bytes and loaded, then
500 further items are analysed one at a time (all stages, sentiment included; the theme
step includes the code-frame classifier).
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import time

from bench._report import ROOT, corpora_dir, md_table, write_section

SOURCES = ("online_shopping_9_cats.csv", "ecommerce_reviews_unlabelled.csv", "waimai_10k.csv")
SIZES = (1_000, 10_000, 100_000)
JOBS = 2
SEED = 0


def make_items(n: int, seed: int = SEED) -> list[str]:
    """``n`` feedback-length texts sliced from the concatenated review corpora."""
    texts = []
    for name in SOURCES:
        path = corpora_dir() / name
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                texts += [r["text"] for r in csv.DictReader(fh)]
    if not texts:
        raise SystemExit(f"no corpora found in {corpora_dir()}")
    rng = random.Random(seed)
    rng.shuffle(texts)
    stream = "。".join(texts)
    out, pos = [], 0
    while len(out) < n:
        size = rng.randint(35, 65)
        if pos + size > len(stream):
            pos = rng.randrange(0, 1000)
        out.append(stream[pos:pos + size])
        pos += size
    return out


def _sentiment_stage(clauses: bool = True):
    from nlp.pipeline import default_sentiment_stage
    from nlp.sentiment import default_model_path

    path = default_model_path(ROOT / "instance")
    stage = default_sentiment_stage(path)
    stage.clauses = clauses
    return stage, f"the product model (cached at {path.name})"


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(kids, 1)


def _jieba_seconds(texts: list[str]) -> float:
    import jieba

    start = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    return time.perf_counter() - start


def child(n: int, jobs: int, clauses: bool = True) -> dict:
    """One measurement in this (fresh) process; returns a JSON-able dict."""
    import jieba

    from nlp.pipeline import Pipeline

    texts = make_items(n)
    jieba.setLogLevel(60)
    jieba.initialize()
    jieba.lcut(texts[0])  # HMM tables load on first use: keep that out of the timing
    before = _jieba_seconds(texts)
    stage, sentiment_note = _sentiment_stage(clauses)
    pipe = Pipeline(sentiment=stage, n_jobs=jobs).warm_up()
    start = time.perf_counter()
    result = pipe.run(texts)
    total = time.perf_counter() - start
    # The baseline runs before and after the pipeline and the mean counts, so a change in
    # the machine's load during the run does not favour either side.
    jieba_s = (before + _jieba_seconds(texts)) / 2
    own, kids = _peak_mb()
    return {
        "n": n, "jobs": jobs, "clauses": clauses, "jieba_s": jieba_s, "pipeline_s": total,
        "stages": result.stats.seconds, "k": result.stats.k,
        "outliers": result.stats.outlier_share, "rss_mb": own, "worker_rss_mb": kids,
        "chars": sum(map(len, texts)), "sentiment": sentiment_note,
    }


def latency(clauses: bool = True) -> dict:
    """p50/p95/p99 of analysing one new item against a stored model."""
    from nlp.pipeline import Pipeline
    from nlp.themes import model_from_bytes

    texts = make_items(10_500, seed=SEED + 1)
    stage, _ = _sentiment_stage(clauses)
    pipe = Pipeline(sentiment=stage).warm_up()
    result = pipe.run(texts[:10_000])
    blob = result.model_bytes()
    model = model_from_bytes(blob)
    times, theme_times = [], []
    for text in texts[10_000:]:
        start = time.perf_counter()
        pipe.analyze_one(text, model)
        times.append((time.perf_counter() - start) * 1000)
        tokens = pipe._content(pipe.segmenter.cut(text))
        start = time.perf_counter()
        model.predict_one(tokens)
        theme_times.append((time.perf_counter() - start) * 1000)

    def q(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(p * len(values)))]

    return {"clauses": clauses, "p50": q(times, 0.5), "p95": q(times, 0.95),
            "p99": q(times, 0.99), "theme_p95": q(theme_times, 0.95),
            "model_kb": len(blob) / 1024}


def _run_child(args: list[str]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.nlp_pipeline", *args], cwd=ROOT,
        capture_output=True, text=True, check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure every size in its own process and write the tables."""
    load_start = os.getloadavg()[0]
    runs = []
    for n, jobs, clauses in [(n, JOBS, 1) for n in SIZES] + [(SIZES[-1], 1, 1),
                                                            (SIZES[-1], JOBS, 0)]:
        print(f"pipeline n={n} jobs={jobs} clauses={clauses}", flush=True)
        runs.append(_run_child(["--child", str(n), str(jobs), str(clauses)]))
    print("incremental latency", flush=True)
    lats = [_run_child(["--latency", "1"]), _run_child(["--latency", "0"])]

    rows = [
        [f"{r['n']:,}", r["jobs"], "yes" if r["clauses"] else "no",
         f"{r['jieba_s']:.2f}", f"{r['pipeline_s']:.2f}",
         f"{r['pipeline_s'] / r['jieba_s']:.2f}×", r["k"], f"{r['outliers']:.1%}",
         f"{r['rss_mb']:.0f}", f"{r['worker_rss_mb']:.0f}"]
        for r in runs
    ]
    big = next(r for r in runs if r["n"] == SIZES[-1] and r["jobs"] == JOBS and r["clauses"])
    lat = lats[0]
    stage_rows = [[s, f"{v:.2f}"] for s, v in big["stages"].items()]
    ok_ratio = big["pipeline_s"] <= 1.0 * big["jieba_s"]
    ok_abs = big["pipeline_s"] <= 30
    body = (
        __doc__.split("\n", 1)[1].strip()
        + f"\n\nSentiment stage: {big['sentiment']}. Items average "
        f"{big['chars'] / big['n']:.1f} characters.\n\n"
        + md_table(["items", "n_jobs", "clause sentiment", "plain jieba.lcut s", "pipeline s",
                    "ratio", "themes",
                    "其他 share", "peak RSS MB", "worker peak RSS MB"], rows)
        + f"\n\nStage seconds at {SIZES[-1]:,} items, n_jobs={JOBS} (normalise, redact, "
        "segment and sentiment are summed over the worker processes, so they are CPU "
        "seconds):\n\n"
        + md_table(["stage", "seconds"], stage_rows)
        + "\n\nIncremental assignment of one new item (all stages), model fitted on 10k "
        f"items ({lat['model_kb']:.0f} KB stored):\n\n"
        + md_table(["clause sentiment", "p50 ms", "p95 ms", "p99 ms", "theme step alone p95 ms"],
                   [["yes" if la["clauses"] else "no", f"{la['p50']:.2f}", f"{la['p95']:.2f}",
                     f"{la['p99']:.2f}", f"{la['theme_p95']:.2f}"] for la in lats])
        + f"\n\nTargets at {SIZES[-1]:,} items: ≤ 1.0× plain jieba: "
        f"{'yes' if ok_ratio else 'NO'} ({big['pipeline_s'] / big['jieba_s']:.2f}×); "
        f"≤ 30 s: {'yes' if ok_abs else 'NO'} ({big['pipeline_s']:.1f} s); "
        f"incremental p95 ≤ 20 ms: {'yes' if lat['p95'] <= 20 else 'NO'} ({lat['p95']:.2f} ms)."
    )
    lite = next((r for r in runs if r["n"] == SIZES[-1] and not r["clauses"]), None)
    total_cpu = sum(big["stages"].values())
    top_stage = max(big["stages"], key=big["stages"].get)
    body += (
        f"\n\nWhere the time goes: {top_stage} takes "
        f"{big['stages'][top_stage] / total_cpu:.0%} of the stage seconds at "
        f"{SIZES[-1]:,} items."
    )
    if lite is not None:
        body += (
            f" Without clause-level sentiment the same run takes {lite['pipeline_s']:.1f} s "
            f"({lite['pipeline_s'] / lite['jieba_s']:.2f}× plain jieba), sentiment "
            f"{lite['stages']['sentiment']:.1f} s instead of {big['stages']['sentiment']:.1f} s."
        )
    # Other work on the machine slows the forked workers more than the one-core baseline:
    # the load average says how far the ratios can be trusted.
    body += (f"\n\nLoad average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
             f"end ({os.cpu_count()} cores).")
    write_section("nlp_pipeline", "Pipeline speed (full analysis vs plain jieba)", body)
    print(body)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")))
    elif len(sys.argv) > 1 and sys.argv[1] == "--latency":
        print(json.dumps(latency(sys.argv[2] == "1")))
    else:
        main()
