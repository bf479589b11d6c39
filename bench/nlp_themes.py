"""Theme quality: NMI/ARI against baselines, generic theme names, identity across runs.

The product's themes are scored on our community corpus (its fixed test split, and leave one
kind of community out) and on three public sets, next to two baselines run on the same texts.
Data: our corpus (nlp/data/community_feedback, theme labels: a code-frame key, or the topic
of an ``other:<topic>`` row), online_shopping_9_cats (stratified 10k sample, seed 0),
nlpcc2017_news_headlines_36k and teddycup2020_citizen_messages, scored against their labels.

- product: the pipeline (normalise, redact, segment with the community dictionary) then
  ThemeModel: the shipped code frame (classifier trained on its seed phrases and the
  corpus's train split) and discovered themes with automatic k. Items in 其他 count as one
  more cluster.
- baseline A: jieba.lcut TF-IDF (min_df 2, max_df 0.5) + KMeans(k = true k, n_init 4).
- baseline B: sklearn LatentDirichletAllocation (k = true k) on jieba.lcut counts; each
  text goes to its most probable topic.
- leave-one-kind-out: for each of the corpus's 8 kinds of community, the frame classifier is
  trained without any row of that kind and the product themes that kind's 300 rows.
- generic names: a name is generic when every word of it is generic
  (``nlp.themes.generic``: the stop lists, function parts of speech, and the 5,000 most
  frequent general-Chinese verbs and adjectives).
"""

from __future__ import annotations

import csv
import random
import time
from collections import defaultdict

import jieba
import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from bench._report import corpora_dir, md_table, write_section

SEED = 0
# Further samples for the identity check: one fixed sample says little about a 1% margin.
IDENTITY_SEEDS = range(1, 6)
DATASETS = (
    ("online_shopping_9_cats", "online_shopping_9_cats.csv", 10_000),
    ("nlpcc2017_news_headlines_36k", "nlpcc2017_news_headlines_36k.csv", None),
    ("teddycup2020_citizen_messages", "teddycup2020_citizen_messages.csv", None),
)
COMMUNITY = "community corpus (test split)"
# The product before the code frame, key-phrase names and phrase learning (issue 13), measured
# with this benchmark's data: NMI per data set, and the identity check.
BEFORE = (
    "Before the code frame (the product of 2026-11-25 on the same texts): NMI 0.289 on the "
    "community test split, 0.338 online_shopping_9_cats, 0.188 nlpcc2017_news_headlines_36k, "
    "0.313 teddycup2020_citizen_messages; identity 92.1%; names were keyword pairs "
    "(群里·受访者, 有个·通过, 重新·感谢)."
)
EXAMPLE_NAMES = 12


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


def community_rows(split: str | None = "test", kinds: set[str] | None = None):
    """Texts and topic labels of our corpus (``other:<topic>`` rows count as the topic)."""
    from nlp.community_corpus import load_rows

    rows = load_rows(split, kinds=kinds)
    return [r.text for r in rows], [r.theme.removeprefix("other:") for r in rows]


def product(texts: list[str], code_frame=None):
    """Theme ids and themes from the product pipeline (no sentiment: it does not affect
    themes)."""
    from nlp.pipeline import NullSentiment, Pipeline
    from nlp.themes import ThemeModel

    pipe = Pipeline(sentiment=NullSentiment(), theme_model=ThemeModel(code_frame=code_frame))
    pipe.warm_up()
    start = time.perf_counter()
    result = pipe.run(texts)
    seconds = time.perf_counter() - start
    labels = [i.theme_id for i in result.items]
    in_frame = sum(t.size for t in result.themes if t.frame_key) / max(len(texts), 1)
    return labels, result.themes, {
        "k": result.stats.k, "outliers": result.stats.outlier_share, "seconds": seconds,
        "theme_seconds": result.stats.seconds["themes"], "in_frame": in_frame,
    }


def random_samples(filename: str, size: int, seeds: range) -> list[list[str]]:
    """Plain random samples of a corpus's texts, one per seed (not stratified)."""
    texts, _ = load(filename, None)
    return [random.Random(seed).sample(texts, size) for seed in seeds]


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


def leave_one_kind_out() -> list[list]:
    """Per kind: NMI of the product when the frame classifier never saw that kind's rows."""
    from nlp.codeframe_classifier import CodeFrameClassifier
    from nlp.community_corpus import load_rows

    train = load_rows("train")
    rows = []
    for kind in sorted({r.kind for r in train}):
        clf = CodeFrameClassifier(
            labelled=[(r.text, r.theme) for r in train if r.kind != kind]
        ).fit()
        texts, truth = community_rows(None, {kind})
        labels, themes, info = product(texts, code_frame=clf)
        rows.append([kind, len(texts), _nmi(truth, labels), _ari(truth, labels),
                     f"{info['in_frame']:.0%}", _generic_share(themes)[0]])
        print(f"  leave out {kind}: NMI={rows[-1][2]:.3f}", flush=True)
    return rows


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


def _generic_share(themes) -> tuple[float, list[str]]:
    """Share of the named themes (not 其他) whose name is made only of generic words."""
    from nlp.themes.generic import is_generic_name

    names = [t.name for t in themes if not t.is_other]
    generic = [n for n in names if is_generic_name(n)]
    return (len(generic) / len(names) if names else 0.0), generic


def evaluate(name: str, texts: list[str], truth: list[str], rows: list, names: dict) -> None:
    """Product and both baselines on one data set; appends table rows and theme names."""
    true_k = len(set(truth))
    print(f"{name}: {len(texts)} texts, {true_k} categories", flush=True)
    labels, themes, info = product(texts)
    share, generic = _generic_share(themes)
    names[name] = (themes, share, generic, info["in_frame"])
    rows.append([name, "product (auto k)", info["k"], _nmi(truth, labels), _ari(truth, labels),
                 f"{info['outliers']:.1%}", f"{info['in_frame']:.0%}",
                 f"{info['seconds']:.1f} (themes {info['theme_seconds']:.1f})"])
    print(f"  product k={info['k']} NMI={rows[-1][3]:.3f} generic names {share:.0%}", flush=True)
    start = time.perf_counter()
    tokens = jieba_tokens(texts)
    tok_seconds = time.perf_counter() - start
    for label, fn in (("jieba TF-IDF + KMeans (true k)", kmeans_baseline),
                      ("sklearn LDA (true k)", lda_baseline)):
        start = time.perf_counter()
        pred = fn(tokens, true_k)
        seconds = time.perf_counter() - start + tok_seconds
        rows.append([name, label, true_k, _nmi(truth, pred), _ari(truth, pred), "-", "-",
                     f"{seconds:.1f}"])
        print(f"  {label} NMI={rows[-1][3]:.3f}", flush=True)


def main() -> None:
    """Run every method on every data set and write the tables."""
    jieba.setLogLevel(60)
    jieba.initialize()
    rows, missing, names = [], [], {}
    texts, truth = community_rows("test")
    evaluate(COMMUNITY, texts, truth, rows, names)
    for name, filename, sample in DATASETS:
        if not (corpora_dir() / filename).exists():
            missing.append(name)
            continue
        texts, truth = load(filename, sample)
        evaluate(name, texts, truth, rows, names)
    body = __doc__.split("\n", 1)[1].strip() + "\n\n" + md_table(
        ["data set", "method", "k", "NMI", "ARI", "其他 share", "in frame themes", "seconds"],
        rows,
    )
    body += "\n\n" + verdict(rows) + "\n\n" + BEFORE
    loko = leave_one_kind_out()
    mean = sum(r[2] for r in loko) / len(loko)
    body += (
        "\n\nLeave one kind of community out (the frame classifier trained on the seed "
        "phrases and the other seven kinds' train rows; all 300 rows of the kind themed):\n\n"
        + md_table(["kind left out", "rows", "NMI", "ARI", "in frame themes",
                    "generic names"], loko)
        + f"\n\nMean NMI {mean:.3f} (target for unseen community sets ≥ 0.40: "
        f"{'yes' if min(r[2] for r in loko) >= 0.40 else 'NO'}, lowest "
        f"{min(r[2] for r in loko):.3f})."
    )
    body += "\n\n" + names_section(names)
    shopping = next((d for d in DATASETS if d[0] == "online_shopping_9_cats"), None)
    if shopping and (corpora_dir() / shopping[1]).exists():
        texts, _ = load(shopping[1], 11_000)
        kept, k1, k2 = stability(texts)
        others = [stability(t)[0] for t in random_samples(shopping[1], 11_000, IDENTITY_SEEDS)]
        body += (
            "\n\nIdentity across runs (online_shopping_9_cats, 10k items, then the same "
            "items plus 1k new ones with the first run's snapshot and another random seed): "
            f"{kept:.1%} of the 10k items keep their theme id (target ≥ 95%: "
            f"{'yes' if kept >= 0.95 else 'NO'}); themes {k1} → {k2}. "
            f"The same on {len(others)} plain random samples of 11k (seeds "
            f"{IDENTITY_SEEDS.start}–{IDENTITY_SEEDS.stop - 1}): mean {np.mean(others):.1%}, "
            f"lowest {min(others):.1%} (target: "
            f"{'yes' if min(others) >= 0.95 else 'NO'})."
        )
    if missing:
        body += f"\n\nSkipped (corpus not found): {', '.join(missing)}."
    write_section("nlp_themes", "Theme quality (NMI/ARI vs categories, names)", body)
    print(body)


def names_section(names: dict) -> str:
    """The generic-name share per data set, and the largest discovered themes' names."""
    lines = ["Theme names made only of generic words (target 0 on every set), and the "
             "names and summaries of the largest discovered (not code-frame) themes:"]
    for name, (themes, share, generic, in_frame) in names.items():
        shown = [t for t in themes if not t.is_other and not t.frame_key][:EXAMPLE_NAMES]
        listed = "、".join(t.name for t in shown) or "(none)"
        lines.append(f"\n- {name}: {share:.0%} generic"
                     + (f" ({', '.join(generic)})" if generic else "")
                     + f"; {in_frame:.0%} of the items in code-frame themes. Discovered: "
                     + listed + ".")
        if shown:
            lines.append(f"  Largest one's summary: 「{shown[0].summary}」")
    return "\n".join(lines)


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
