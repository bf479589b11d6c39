"""The full analysis: normalise → redact → segment → sentiment → themes → keywords.

Each stage runs once per text and can be swapped through the constructor. ``run`` analyses
a batch (a nightly or on-demand run) and returns plain dataclasses plus the fitted theme
model; ``analyze_one`` handles a single new item against a stored model.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from nlp.gc_pause import gc_paused
from nlp.keywords import (
    background_idf,
    item_keywords,
    item_keywords_and_candidates,
    theme_keywords,
    top_keywords_of_candidates,
)
from nlp.sentiment.closers import body_span
from nlp.sentiment.results import ClauseSentiment
from nlp.themes import OTHER_ID, OTHER_NAME, ThemeModel, ThemeSnapshot, model_to_bytes

Progress = Callable[[str, int, int], None]
CHUNK = 5000
STAGES = ("normalize", "redact", "segment", "sentiment", "themes", "keywords")


@dataclass
class SentimentOutcome:
    """What a sentiment stage returns per item: label -1/0/1, P(positive), clauses."""

    label: int
    score: float
    clauses: list[ClauseSentiment] = field(default_factory=list)

    def __reduce__(self) -> tuple[type[SentimentOutcome], tuple[int, float, list]]:
        # Worker processes send outcomes back pickled: a constructor call is smaller and
        # quicker to load than the default attribute dict.
        return SentimentOutcome, (self.label, self.score, self.clauses)


class SentimentStage(Protocol):
    """Anything that scores many items at once from their normalised, redacted form.

    ``normalized`` items have ``text`` (normalised and redacted), ``is_filler`` and
    ``polarity`` (sticker/emoji signal); ``cut_tokens`` are the segmenter's tokens.
    """

    def analyze_many(
        self, normalized: Sequence, cut_tokens: Sequence[Sequence[str]]
    ) -> list[SentimentOutcome]:
        """One outcome per item."""


@dataclass
class ItemResult:
    """The analysis of one item.

    ``text`` is what people read: the original text with PII replaced by placeholders
    (Chinese punctuation, traditional characters and emoji as written). ``normalized_text``
    is the normalised form the analysis read, and ``tokens`` its content words.
    """

    index: int
    text: str
    is_filler: bool
    pii: list[str]
    sentiment_label: int
    sentiment_score: float
    clauses: list[ClauseSentiment]
    theme_id: int
    theme_name: str
    keywords: list[str]
    id: str | None = None
    normalized_text: str = ""
    tokens: list[str] = field(default_factory=list)


@dataclass
class ThemeResult:
    """One theme of a run, with its quotes as text.

    ``frame_key`` is set for code-frame themes (the frame theme's key); ``summary`` is the
    theme's most representative sentence (redacted, like the quotes).
    """

    id: int
    name: str
    keywords: list[str]
    area: str | None
    size: int
    share: float
    quotes: list[str]
    quote_indices: list[int]
    sentiment_mix: dict[int, int]
    keyword_weights: list[tuple[str, float]]
    status: str = "active"
    seeded: bool = False
    name_edited: bool = False
    is_other: bool = False
    frame_key: str | None = None
    summary: str = ""


@dataclass
class RunStats:
    """Run-level figures: counts, the theme search, and seconds spent per stage."""

    n_items: int
    n_filler: int
    n_with_pii: int
    k: int
    outlier_share: float
    k_scores: dict[int, float]
    seconds: dict[str, float]
    top_keywords: list[tuple[str, float]]
    sentiment_counts: dict[int, int]


@dataclass
class AnalysisResult:
    """Everything a run produced; ``snapshot`` feeds the next run, ``model`` new items."""

    items: list[ItemResult]
    themes: list[ThemeResult]
    stats: RunStats
    snapshot: ThemeSnapshot
    model: ThemeModel

    def model_bytes(self) -> bytes:
        """The fitted theme model as bytes, for storage next to the run."""
        return model_to_bytes(self.model)


@dataclass
class PreparedItems:
    """The per-text stages' output for a batch (normalise, redact, segment, sentiment).

    These stages read each text alone, so a batch can be prepared in parts (shards, on any
    worker) and the parts concatenated: :meth:`Pipeline.run_prepared` on the whole gives the
    same result as :meth:`Pipeline.run` on the texts. ``seconds`` are the CPU seconds spent
    per stage. ``to_bytes``/``from_bytes`` store a part as compressed JSON (no pickle: the
    bytes may come from a shared database).
    """

    shown: list[str] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)
    fillers: list[bool] = field(default_factory=list)
    pii: list[list[str]] = field(default_factory=list)
    content: list[list[str]] = field(default_factory=list)
    outcomes: list[SentimentOutcome] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES[:4], 0.0))

    def __len__(self) -> int:
        return len(self.shown)

    @classmethod
    def concat(cls, parts: Sequence[PreparedItems]) -> PreparedItems:
        """One batch of the parts, in their order; stage seconds add up."""
        out = cls()
        for part in parts:
            out.shown.extend(part.shown)
            out.clean.extend(part.clean)
            out.fillers.extend(part.fillers)
            out.pii.extend(part.pii)
            out.content.extend(part.content)
            out.outcomes.extend(part.outcomes)
            for stage, sec in part.seconds.items():
                out.seconds[stage] = out.seconds.get(stage, 0.0) + float(sec)
        return out

    def subset(self, keep: Sequence[int]) -> PreparedItems:
        """The items at positions ``keep``, in that order."""
        return PreparedItems(
            [self.shown[i] for i in keep], [self.clean[i] for i in keep],
            [self.fillers[i] for i in keep], [self.pii[i] for i in keep],
            [self.content[i] for i in keep], [self.outcomes[i] for i in keep],
            dict(self.seconds),
        )

    def to_bytes(self) -> bytes:
        """Compressed JSON of the batch (floats keep their exact value through JSON)."""
        data = {
            "shown": self.shown, "clean": self.clean, "fillers": self.fillers,
            "pii": self.pii, "content": self.content,
            "outcomes": [
                [int(o.label), float(o.score),
                 [[c.text, int(c.label), float(c.score), list(c.aspects)] for c in o.clauses]]
                for o in self.outcomes
            ],
            "seconds": {k: float(v) for k, v in self.seconds.items()},
        }
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return zlib.compress(raw, 3)

    @classmethod
    def from_bytes(cls, blob: bytes) -> PreparedItems:
        """The batch stored by :meth:`to_bytes`."""
        data = json.loads(zlib.decompress(blob).decode("utf-8"))
        outcomes = [
            SentimentOutcome(label, score,
                             [ClauseSentiment(t, lab, sc, asp) for t, lab, sc, asp in clauses])
            for label, score, clauses in data["outcomes"]
        ]
        return cls(data["shown"], data["clean"], data["fillers"], data["pii"],
                   data["content"], outcomes, data["seconds"])


class Pipeline:
    """Orchestrates the six stages; pass any stage to replace the default one.

    ``normalizer`` needs ``normalize(text)`` returning an object with ``text``,
    ``is_filler`` and ``polarity``; ``redactor`` is a callable returning an object with
    ``text`` and ``kinds``; ``segmenter`` needs ``cut(text)`` and ``is_content(token)``;
    ``sentiment`` follows :class:`SentimentStage`; ``theme_model`` is an unfitted
    :class:`ThemeModel` used as a template for each run's parameters. ``n_jobs`` > 1
    runs the per-text stages (normalisation, redaction, segmentation, sentiment) of large
    batches in that many forked worker processes; themes and keywords are vectorised.
    """

    def __init__(
        self,
        normalizer=None,
        redactor: Callable | None = None,
        segmenter=None,
        sentiment: SentimentStage | None = None,
        theme_model: ThemeModel | None = None,
        n_item_keywords: int = 5,
        n_top_keywords: int = 50,
        sentiment_cache: str | Path | None = None,
        n_jobs: int = 1,
    ):
        self.normalizer = normalizer
        self.redactor = redactor
        self.segmenter = segmenter
        self.sentiment = sentiment
        self.theme_model = theme_model
        self.n_item_keywords = n_item_keywords
        self.n_top_keywords = n_top_keywords
        self.sentiment_cache = sentiment_cache
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ stages
    def _stages(self):
        if self.normalizer is None:
            from nlp.normalize import Normalizer

            self.normalizer = Normalizer()
        if self.redactor is None:
            from nlp.pii import redact

            self.redactor = redact
        if self.segmenter is None:
            from nlp.segment import Segmenter

            self.segmenter = Segmenter()
        if self.sentiment is None:
            self.sentiment = default_sentiment_stage(self.sentiment_cache)
        return self.normalizer, self.redactor, self.segmenter, self.sentiment

    def _content(self, cut: Sequence[str]) -> list[str]:
        """The tokens themes and keywords read: content words, without an opening or closing
        sign-off (…，辛苦运营了 / 谢谢！), which says nothing about what the text is about and
        would otherwise group polite complaints into a theme of their own."""
        seg = self.segmenter
        start, end = body_span(cut)
        cut = cut[start:end]
        if hasattr(seg, "content_tokens"):
            return list(seg.content_tokens(cut))
        return [t.lower() if t.isascii() else t for t in cut if seg.is_content(t)]

    def _redact_batch(self, texts: list[str]) -> tuple[list[str], list[list[str]]]:
        """Redacted texts and the PII kinds found in each (batch path for the default)."""
        from nlp import pii

        redactor = self.redactor
        if redactor is pii.redact:
            flags = pii.pii_candidates(texts)
            out_texts, kinds = list(texts), [[] for _ in texts]
            for i in (i for i, f in enumerate(flags) if f):
                found = redactor(texts[i])
                out_texts[i], kinds[i] = found.text, list(found.kinds)
            return out_texts, kinds
        found = [redactor(t) for t in texts]
        return [r.text for r in found], [list(r.kinds) for r in found]

    def _cut_batch(self, texts: list[str]) -> list[list[str]]:
        segmenter = self.segmenter
        if hasattr(segmenter, "cut_many"):
            return segmenter.cut_many(texts)
        return [segmenter.cut(t) for t in texts]

    def _prepare_chunk(self, chunk: Sequence[str | None]):
        """Redact, normalise, segment and score one chunk: every per-text stage, once each.

        PII is redacted in the original text, which is what people read (quotes, the item's
        text); the normalised form of that redacted text is what the analysis reads. When
        normalising reveals PII the original hid (full-width or traditional cue words, an
        emoji between digits), the normalised text is redacted too and shown instead.
        Returns the columns the rest of the run needs (not the full token lists, which only
        sentiment uses) and the seconds spent per stage.
        """
        from nlp import pii

        normalizer = self.normalizer
        raw = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in chunk]
        t0 = time.perf_counter()
        shown, kinds = self._redact_batch(raw)
        t1 = time.perf_counter()
        if hasattr(normalizer, "normalize_many"):
            normed = normalizer.normalize_many(shown)
        else:
            normed = [normalizer.normalize(t) for t in shown]
        t2 = time.perf_counter()
        again = pii.pii_candidates([n.text for n in normed])
        for i in (i for i, f in enumerate(again) if f):
            found = self.redactor(normed[i].text)
            if found.kinds:
                normed[i] = replace(normed[i], text=found.text)
                shown[i] = found.text
                kinds[i] = kinds[i] + list(found.kinds)
        t3 = time.perf_counter()
        clean = [n.text for n in normed]
        pieces = self._cut_batch(clean)
        toks = [self._content(p) for p in pieces]
        t4 = time.perf_counter()
        outcomes = self.sentiment.analyze_many(normed, pieces) if clean else []
        t5 = time.perf_counter()
        return (
            shown, clean, [bool(n.is_filler) for n in normed], kinds, toks, list(outcomes),
            (t2 - t1, (t1 - t0) + (t3 - t2), t4 - t3, t5 - t4),
        )

    def _prepare(self, texts: Sequence[str | None], progress: Progress | None, seconds):
        """Every per-text stage, in chunks (forked when ``n_jobs`` > 1) to report progress."""
        self._stages()
        n = len(texts)
        chunks = [texts[i:i + CHUNK] for i in range(0, n, CHUNK)]
        columns: list[list] = [[], [], [], [], [], []]
        done = 0
        with _chunk_runner(self, len(chunks)) as run_chunks:
            for chunk, result in zip(chunks, run_chunks(chunks), strict=True):
                for col, part in zip(columns, result[:6], strict=True):
                    col.extend(part)
                for stage, sec in zip(STAGES[:4], result[6], strict=True):
                    # Worker seconds add up across processes: this is CPU time per stage.
                    seconds[stage] += sec
                done += len(chunk)
                if progress is not None:
                    progress("prepare", done, n)
        return tuple(columns)

    def warm_up(self) -> Pipeline:
        """Load every stage's dictionaries and models now (before forking workers), and
        train the code-frame classifier of the theme model."""
        self._stages()
        # Repeated characters take the segmenter's second engine, and sentiment may load
        # more (the part-of-speech table) on first use: run every stage once on both kinds of
        # text, one by one and as a batch.
        sample = ["社群積分兑换，活动很好玩，但是广告太多", "哈哈哈好好好", "手机13812345678"]
        self._prepare_chunk(sample[:1])
        self._prepare_chunk(sample * 3)
        background_idf()
        # The code-frame classifier is trained once per process (and frame), like the
        # sentiment model is loaded once.
        self._new_theme_model().warm_up()
        return self

    # --------------------------------------------------------------------- run
    def run(
        self,
        texts: Sequence[str | None],
        *,
        ids: Sequence[object] | None = None,
        previous: ThemeSnapshot | None = None,
        progress: Progress | None = None,
    ) -> AnalysisResult:
        """Analyse a batch of texts (``None`` counts as empty) and fit this run's themes."""
        with gc_paused():
            return self._run(list(texts), ids, previous, progress)

    def prepare(self, texts: Sequence[str | None], *,
                progress: Progress | None = None) -> PreparedItems:
        """Run only the per-text stages on ``texts`` (one shard of a large run)."""
        seconds = dict.fromkeys(STAGES[:4], 0.0)
        with gc_paused():
            columns = self._prepare(list(texts), progress, seconds)
        return PreparedItems(*columns, seconds=seconds)

    def run_prepared(
        self,
        prepared: PreparedItems,
        *,
        ids: Sequence[object] | None = None,
        previous: ThemeSnapshot | None = None,
        progress: Progress | None = None,
    ) -> AnalysisResult:
        """Fit this run's themes and keywords on items that :meth:`prepare` read (the merge
        step of a sharded run); equal to :meth:`run` on the same texts."""
        with gc_paused():
            return self._fit(prepared, ids, previous, progress)

    def _run(self, texts: list[str | None], ids: Sequence[object] | None,
             previous: ThemeSnapshot | None, progress: Progress | None) -> AnalysisResult:
        if ids is not None and len(ids) != len(texts):
            raise ValueError(f"ids has {len(ids)} entries for {len(texts)} texts")
        seconds = dict.fromkeys(STAGES[:4], 0.0)
        columns = self._prepare(texts, progress, seconds)
        return self._fit(PreparedItems(*columns, seconds=seconds), ids, previous, progress)

    def _fit(self, prepared: PreparedItems, ids: Sequence[object] | None,
             previous: ThemeSnapshot | None, progress: Progress | None) -> AnalysisResult:
        n = len(prepared)
        if ids is not None and len(ids) != n:
            raise ValueError(f"ids has {len(ids)} entries for {n} items")
        seconds = {**dict.fromkeys(STAGES, 0.0), **prepared.seconds}
        shown, clean, fillers = prepared.shown, prepared.clean, prepared.fillers
        pii, content, outcomes = prepared.pii, prepared.content, prepared.outcomes
        self._stages()

        t0 = time.perf_counter()
        model = self._new_theme_model()
        model.fit(
            content, texts=shown, ids=ids, sentiments=[o.label for o in outcomes],
            fillers=fillers, previous=previous,
        )
        seconds["themes"] = time.perf_counter() - t0
        if progress is not None:
            progress("themes", n, n)

        t0 = time.perf_counter()
        names = {t.id: t.name for t in model.themes_}
        labels = model.labels_.tolist()
        n_kw = self.n_item_keywords
        # Keywords are read from the run's phrases (森林人, not 森林 and 人).
        words = model.phrase_tokens(content)
        keywords, candidates = item_keywords_and_candidates(words, n_kw)
        str_ids = [str(i) for i in ids] if ids is not None else [None] * n
        columns = zip(shown, fillers, pii, outcomes, labels, keywords, str_ids, clean, content,
                      strict=True)
        items = [
            ItemResult(
                index=i, text=text, is_filler=filler, pii=kinds,
                sentiment_label=outcome.label, sentiment_score=outcome.score,
                clauses=outcome.clauses, theme_id=label,
                theme_name=names.get(label, OTHER_NAME), keywords=kws, id=item_id,
                normalized_text=norm, tokens=toks,
            )
            for i, (text, filler, kinds, outcome, label, kws, item_id, norm, toks)
            in enumerate(columns)
        ]
        themes = self._theme_results(model, shown, n)
        overall = top_keywords_of_candidates(
            (c for c, f in zip(candidates, fillers, strict=True) if not f), self.n_top_keywords
        )
        seconds["keywords"] = time.perf_counter() - t0
        if progress is not None:
            progress("keywords", n, n)
        tally = Counter(o.label for o in outcomes)
        counts = {lab: tally[lab] for lab in (-1, 0, 1)}
        stats = RunStats(
            n_items=n, n_filler=sum(fillers), n_with_pii=sum(1 for p in pii if p),
            k=model.k_, outlier_share=model.outlier_share_, k_scores=dict(model.k_scores_),
            seconds={k: round(v, 4) for k, v in seconds.items()}, top_keywords=overall,
            sentiment_counts=counts,
        )
        return AnalysisResult(items, themes, stats, model.snapshot(), model)

    def analyze_one(self, text: str | None, model: ThemeModel) -> ItemResult:
        """Analyse one new item and place it in ``model``'s nearest theme (or 其他)."""
        self._stages()
        shown, clean, fillers, pii, content, outcomes = self._prepare_chunk([text])[:6]
        outcome = outcomes[0]
        theme_id = model.predict_one(content[0], filler=fillers[0])
        name = OTHER_NAME if theme_id == OTHER_ID else model.theme(theme_id).name
        return ItemResult(
            index=0, text=shown[0], is_filler=fillers[0], pii=pii[0],
            sentiment_label=outcome.label, sentiment_score=outcome.score,
            clauses=outcome.clauses, theme_id=theme_id, theme_name=name,
            keywords=item_keywords(model.phrase_tokens(content)[0], self.n_item_keywords),
            normalized_text=clean[0], tokens=content[0],
        )

    # ----------------------------------------------------------------- helpers
    def _new_theme_model(self) -> ThemeModel:
        if self.theme_model is None:
            return ThemeModel()
        return ThemeModel(**{**self.theme_model.get_params(), "tokenizer": None})

    def _theme_results(self, model: ThemeModel, clean: Sequence[str], n: int):
        weights = theme_keywords(model.themes_)
        return [
            ThemeResult(
                id=t.id, name=t.name, keywords=list(t.keywords), area=t.area, size=t.size,
                share=round(t.size / n, 4) if n else 0.0,
                quotes=[clean[i] for i in t.quote_indices], quote_indices=list(t.quote_indices),
                sentiment_mix=dict(t.sentiment_mix), keyword_weights=weights.get(t.id, []),
                status=t.status, seeded=t.seeded, name_edited=t.name_edited,
                is_other=t.is_other, frame_key=t.frame_key, summary=t.summary,
            )
            for t in model.themes_
        ]


class NullSentiment:
    """A sentiment stage that scores nothing (neutral, 0.5): for theme-only runs."""

    def analyze_many(self, normalized, cut_tokens):
        """Neutral outcomes, one per item."""
        return [SentimentOutcome(0, 0.5) for _ in normalized]


def default_sentiment_stage(cache_path: str | Path | None = None) -> SentimentStage:
    """The product's sentiment model: the shipped one, or the model file at ``cache_path``
    (seeded from the shipped one when missing)."""
    from nlp.sentiment import load_or_train

    return CoreSentiment(load_or_train(Path(cache_path) if cache_path is not None else None))


class CoreSentiment:
    """Adapts :class:`nlp.sentiment.SentimentModel` to :class:`SentimentStage`."""

    def __init__(self, model, clauses: bool = True):
        self.model = model
        self.clauses = clauses

    def analyze_many(self, normalized, cut_tokens):
        """Label, calibrated score and clause sentiments, reusing the pipeline's work."""
        results = self.model.predict_many(
            [n.text for n in normalized], clauses=self.clauses, normalized=normalized,
            cuts=cut_tokens,
        )
        return [SentimentOutcome(r.label, r.score, r.clauses) for r in results]


_WORKER_PIPELINE: Pipeline | None = None


def _worker_chunk(chunk):
    return _WORKER_PIPELINE._prepare_chunk(chunk)


@contextmanager
def _chunk_runner(pipeline: Pipeline, n_chunks: int):
    """Yield a function mapping chunks through ``_prepare_chunk``, forked when worthwhile."""
    if pipeline.n_jobs <= 1 or n_chunks < 2 or "fork" not in mp.get_all_start_methods():
        yield lambda chunks: map(pipeline._prepare_chunk, chunks)
        return
    global _WORKER_PIPELINE
    pipeline.warm_up()
    _WORKER_PIPELINE = pipeline
    pool = mp.get_context("fork").Pool(min(pipeline.n_jobs, n_chunks))
    try:
        yield lambda chunks: pool.imap(_worker_chunk, chunks, chunksize=1)
    finally:
        pool.close()
        pool.join()
        _WORKER_PIPELINE = None
