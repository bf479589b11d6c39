"""Theme quality: NMI/ARI of the product's themes (choosing k itself) against two baselines.

Data: online_shopping_9_cats (stratified 10k sample, seed 0), nlpcc2017_news_headlines_36k
and teddycup2020_citizen_messages, scored against their category labels.

- product: the pipeline (normalise, redact, segment with the community dictionary) then
  ThemeModel with automatic k. Items in 其他 count as one more cluster.
- baseline A: jieba.lcut TF-IDF (min_df 2, max_df 0.5) + KMeans(k = true k, n_init 4).
- baseline B: sklearn LatentDirichletAllocation (k = true k) on jieba.lcut counts; each
  text goes to its most probable topic.
"""

from __future__ import annotations

import csv
import random
import time
from collections import defaultdict

import jieba
from sklearn.cluster import KMeans
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from bench._report import corpora_dir, md_table, write_section

SEED = 0
DATASETS = (
    ("online_shopping_9_cats", "online_shopping_9_cats.csv", 10_000),
    ("nlpcc2017_news_headlines_36k", "nlpcc2017_news_headlines_36k.csv", None),
    ("teddycup2020_citizen_messages", "teddycup2020_citizen_messages.csv", None),
)


def load(filename: str, sample: int | None) -> tuple[list[str], list[str]]:
    """Texts and categories; a stratified sample (fixed seed) when ``sample`` is set."""
    with (corpora_dir() / filename).open(encoding="utf-8") as fh:
        rows = [(r["text"], r["category"]) for r in csv.DictReader(fh)]
    if sample and len(rows) > sample:
        rng = random.Random(SEED)
        by_cat: dict[str, list] = defaultdict(list)
        for row in rows:
            by_cat[row[1]].append(row)
        picked = []
        for cat in sorted(by_cat):
            group = by_cat[cat]
            picked += rng.sample(group, round(sample * len(group) / len(rows)))
        rows = picked
    return [t for t, _ in rows], [c for _, c in rows]


def product(texts: list[str]) -> tuple[list[int], dict]:
    """Theme ids from the product pipeline (no sentiment: it does not affect themes)."""
    from nlp.pipeline import NullSentiment, Pipeline

    pipe = Pipeline(sentiment=NullSentiment()).warm_up()
    start = time.perf_counter()
    result = pipe.run(texts)
    seconds = time.perf_counter() - start
    labels = [i.theme_id for i in result.items]
    return labels, {
        "k": result.stats.k,
        "outliers": result.stats.outlier_share,
        "seconds": seconds,
        "theme_seconds": result.stats.seconds["themes"],
    }


def stability(texts: list[str]) -> tuple[float, int, int]:
    """Share of items keeping their theme id when 10% new items arrive (other seed)."""
    from nlp.segment import Segmenter
    from nlp.themes import ThemeModel

    tokens = Segmenter().tokens_many(texts)
    cut = int(len(texts) / 1.1)
    ids = [f"i{i}" for i in range(len(texts))]
    first = ThemeModel().fit(tokens[:cut], texts=texts[:cut], ids=ids[:cut])
    second = ThemeModel(random_state=1).fit(
        tokens, texts=texts, ids=ids, previous=first.snapshot()
    )
    return float((second.labels_[:cut] == first.labels_).mean()), first.k_, second.k_


def jieba_tokens(texts: list[str]) -> list[list[str]]:
    """Plain jieba.lcut, as the baselines use it."""
    return [jieba.lcut(t) for t in texts]


def kmeans_baseline(tokens: list[list[str]], k: int) -> list[int]:
    """TF-IDF on jieba tokens + KMeans with the true k."""
    vec = TfidfVectorizer(analyzer=lambda x: x, min_df=2, max_df=0.5)
    return KMeans(k, n_init=4, random_state=SEED).fit_predict(vec.fit_transform(tokens)).tolist()


def lda_baseline(tokens: list[list[str]], k: int) -> list[int]:
    """sklearn LDA with the true k on jieba token counts; argmax topic per text."""
    counts = CountVectorizer(analyzer=lambda x: x, min_df=2, max_df=0.5).fit_transform(tokens)
    lda = LatentDirichletAllocation(k, random_state=SEED, learning_method="batch", max_iter=10)
    return lda.fit_transform(counts).argmax(axis=1).tolist()


def main() -> None:
    """Run every method on every data set and write the table."""
    jieba.setLogLevel(60)
    jieba.initialize()
    rows, missing = [], []
    for name, filename, sample in DATASETS:
        if not (corpora_dir() / filename).exists():
            missing.append(name)
            continue
        texts, truth = load(filename, sample)
        true_k = len(set(truth))
        print(f"{name}: {len(texts)} texts, {true_k} categories", flush=True)
        labels, info = product(texts)
        rows.append([name, "product (auto k)", info["k"], _nmi(truth, labels),
                     _ari(truth, labels), f"{info['outliers']:.1%}",
                     f"{info['seconds']:.1f} (themes {info['theme_seconds']:.1f})"])
        print(f"  product k={info['k']} NMI={rows[-1][3]:.3f}", flush=True)
        start = time.perf_counter()
        tokens = jieba_tokens(texts)
        tok_seconds = time.perf_counter() - start
        for label, fn in (("jieba TF-IDF + KMeans (true k)", kmeans_baseline),
                          ("sklearn LDA (true k)", lda_baseline)):
            start = time.perf_counter()
            pred = fn(tokens, true_k)
            seconds = time.perf_counter() - start + tok_seconds
            rows.append([name, label, true_k, _nmi(truth, pred), _ari(truth, pred), "-",
                         f"{seconds:.1f}"])
            print(f"  {label} NMI={rows[-1][3]:.3f}", flush=True)
    body = __doc__.split("\n", 1)[1].strip() + "\n\n" + md_table(
        ["data set", "method", "k", "NMI", "ARI", "其他 share", "seconds"], rows
    )
    body += "\n\n" + verdict(rows)
    shopping = next((d for d in DATASETS if d[0] == "online_shopping_9_cats"), None)
    if shopping and (corpora_dir() / shopping[1]).exists():
        texts, _ = load(shopping[1], 11_000)
        kept, k1, k2 = stability(texts)
        body += (
            "\n\nIdentity across runs (online_shopping_9_cats, 10k items, then the same "
            "items plus 1k new ones with the first run's snapshot and another random seed): "
            f"{kept:.1%} of the 10k items keep their theme id (target ≥ 90%); "
            f"themes {k1} → {k2}."
        )
    if missing:
        body += f"\n\nSkipped (corpus not found): {', '.join(missing)}."
    write_section("nlp_themes", "Theme quality (NMI/ARI vs categories)", body)
    print(body)


def verdict(rows: list[list]) -> str:
    """One line per data set: does the product beat both baselines on NMI?"""
    lines = []
    for name in dict.fromkeys(r[0] for r in rows):
        mine = next(r[3] for r in rows if r[0] == name and r[1].startswith("product"))
        best = max(r[3] for r in rows if r[0] == name and not r[1].startswith("product"))
        ok = "yes" if mine > best else "NO"
        lines.append(f"- {name}: product NMI {mine:.3f} vs best baseline {best:.3f}: {ok}")
    return "Target (product NMI above both baselines):\n" + "\n".join(lines)


def _nmi(truth, pred) -> float:
    return float(normalized_mutual_info_score(truth, pred))


def _ari(truth, pred) -> float:
    return float(adjusted_rand_score(truth, pred))


if __name__ == "__main__":
    main()
