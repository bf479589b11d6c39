"""The code-frame classifier: does an item belong to one of the code frame's themes?

:class:`CodeFrameClassifier` learns the frame (:mod:`nlp.codeframe`) from its seed phrases, our
labelled community corpus (its train split) and the operator corrections the app passes in,
and predicts a frame key or ``"none"`` with a calibrated confidence. It works on content
tokens (the segmenter's ``tokens``), so the theme engine gives it exactly what it clusters,
and it stores as plain arrays (no pickle) inside the theme model.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from nlp.codeframe import (
    MAX_SEED_WEIGHT,
    NONE,
    CodeFrame,
    FrameCorrection,
    Tokenizer,
    load_code_frame,
)

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["CodeFrameClassifier", "background_token_lists", "default_classifier"]


class _Design:
    """Fitted feature space of the classifier: words and character bigrams, with idf.

    Columns are looked up in bulk: words through a dictionary over the distinct words of a
    batch, bigrams as packed code-point pairs with a sorted search, so a batch of 100k items
    costs little more than counting its features.
    """

    def __init__(self, terms: Sequence[str], idf: np.ndarray):
        from nlp.themes.features import BIGRAM_PREFIX, N_CJK

        self.terms = list(terms)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.word_index: dict[str, int] = {}
        codes, cols = [], []
        for i, t in enumerate(self.terms):
            if t[:1] == BIGRAM_PREFIX and len(t) == 3:
                codes.append((ord(t[1]) - 0x4E00) * N_CJK + (ord(t[2]) - 0x4E00))
                cols.append(i)
            else:
                self.word_index[t] = i
        order = np.argsort(np.asarray(codes, dtype=np.int64), kind="stable")
        self.pair_codes = np.asarray(codes, dtype=np.int64)[order]
        self.pair_cols = np.asarray(cols, dtype=np.int64)[order]

    def matrix(self, token_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """TF-IDF rows (sublinear tf, l2) of ``token_lists`` in this vocabulary."""
        from nlp.themes.features import feature_entries

        return self.from_entries(feature_entries(token_lists), len(token_lists))

    def from_entries(self, entries, n_rows: int, keep_rows: np.ndarray | None = None,
                     parts: Mapping[str, tuple[str, ...]] | None = None) -> sparse.csr_matrix:
        """TF-IDF rows from :func:`nlp.themes.features.feature_entries` output.

        ``keep_rows`` (sorted row numbers) selects and renumbers rows; ``parts`` maps a
        joined phrase to the words it was joined from, which are counted in its place. So
        rows from a run's phrase-joined tokens equal rows from the unjoined tokens: one
        answer per text, in a full run and in incremental assignment.
        """
        rows, cols, words, pairs = entries
        n_words = len(words)
        word_col = np.fromiter((self.word_index.get(w, -1) for w in words), dtype=np.int64,
                               count=n_words)
        pair_col = np.full(len(pairs), -1, dtype=np.int64)
        if len(self.pair_codes) and len(pairs):
            pos = np.minimum(np.searchsorted(self.pair_codes, pairs), len(self.pair_codes) - 1)
            found = self.pair_codes[pos] == pairs
            pair_col[found] = self.pair_cols[pos[found]]
        col_map = np.concatenate([word_col, pair_col]).astype(np.int64)
        extra_rows, extra_cols = [], []
        joined = [j for j, word in enumerate(words) if word in parts] if parts else []
        if joined:
            # The entries of the joined phrases, found in one pass over the columns.
            is_joined = np.zeros(len(col_map), dtype=bool)
            is_joined[joined] = True
            hits = np.flatnonzero(is_joined[cols])
            hit_cols, hit_rows = cols[hits], rows[hits]
        for j in joined:
            # Counted as the words it was joined from, never as a word of its own.
            col_map[j] = -1
            at = hit_rows[hit_cols == j]
            for part in _flatten(words[j], parts or {}):
                k = self.word_index.get(part, -1)
                if k >= 0:
                    extra_rows.append(at)
                    extra_cols.append(np.full(len(at), k, dtype=np.int64))
        r = np.concatenate([rows, *extra_rows])
        c = np.concatenate([col_map[cols], *extra_cols])
        ok = c >= 0
        r, c = r[ok], c[ok]
        if keep_rows is not None:
            renumber = np.full(n_rows, -1, dtype=np.int64)
            renumber[keep_rows] = np.arange(len(keep_rows))
            r = renumber[r]
            ok = r >= 0
            r, c = r[ok], c[ok]
            n_rows = len(keep_rows)
        from scipy import sparse  # here, not at import: the web worker never builds a design

        m = sparse.csr_matrix(
            (np.ones(len(r), dtype=np.float32), (r, c)),
            shape=(n_rows, len(self.terms)), dtype=np.float32,
        )
        m.sum_duplicates()
        m.sort_indices()
        m.data = ((1.0 + np.log(m.data)) * self.idf[m.indices]).astype(np.float32)
        row = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        norms = np.sqrt(np.bincount(row, m.data.astype(np.float64) ** 2, minlength=m.shape[0]))
        norms[norms == 0] = 1.0
        m.data = (m.data / norms[row]).astype(np.float32)
        return m


def _flatten(word: str, parts: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The unjoined words of a joined phrase (phrases may be joined from phrases)."""
    if word not in parts:
        return [word]
    return [w for p in parts[word] for w in _flatten(p, parts)]


class CodeFrameClassifier:
    """Decide, per item, which code-frame theme it is about, or ``"none"``.

    Parameters (stored as given, scikit-learn style):

    - ``frame``: the :class:`CodeFrame` (None: the shipped frame).
    - ``tokenizer``: text -> content tokens for training texts given as strings (default:
      the community :class:`~nlp.segment.Segmenter`'s ``tokens`` after normalisation).
    - ``labelled``: extra labelled texts besides the seed phrases: ``"corpus"`` (our
      community corpus's train split; ``other:`` topics count as ``"none"``), None, or a
      sequence of ``(text, key)`` pairs.
    - ``C``: the linear SVM's regularisation (smaller: smoother, fewer items claimed).
    - ``background``: how many general-Chinese pseudo-sentences train the ``"none"`` class
      (word sequences drawn from jieba's IDF table), so text about something else entirely
      (news, product reviews) is recognised as outside the frame.
    - ``threshold``: the calibrated probability an item needs to belong to a theme.
    - ``random_state``: seeds the background sample and the solver (fits are deterministic).

    ``fit(X, y, sample_weight)`` adds operator corrections (texts or token lists, frame keys or
    ``"none"``, weights). Learned attributes: ``classes_`` (frame keys then ``"none"``),
    ``coef_``, ``intercept_``, ``temperature_`` (softmax calibration on held-out rows),
    ``enabled_`` (per class), ``terms_``, ``idf_``, ``n_train_``.
    """

    def __init__(
        self,
        frame: CodeFrame | None = None,
        tokenizer: Tokenizer | None = None,
        labelled: str | Sequence[tuple[str, str]] | None = "corpus",
        C: float = 0.5,
        background: int = 4000,
        threshold: float = 0.45,
        random_state: int = 0,
    ):
        self.frame = frame
        self.tokenizer = tokenizer
        self.labelled = labelled
        self.C = C
        self.background = background
        self.threshold = threshold
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def fit(self, X: Sequence[str] | Sequence[Sequence[str]] | None = None,
            y: Sequence[str] | None = None, sample_weight: Sequence[float] | None = None
            ) -> CodeFrameClassifier:
        """Learn the frame from its seeds, the labelled texts and the corrections ``X``/``y``."""
        frame = self.frame if self.frame is not None else load_code_frame()
        fixes = self._corrections(frame, X, y, sample_weight)
        classes = [*frame.keys(), NONE]
        rows, held, n_background = self._training_rows(frame, fixes)
        self.temperature_ = 0.3
        if held:
            # The held-out quarter of the labelled texts sets the softmax temperature
            # (calibration); then everything is learned again.
            held_ids = {id(t) for t, _ in held}
            kept = [r for r in rows if id(r[0]) not in held_ids]
            design, coef, icpt = self._train(kept, classes, len(kept) - n_background)
            self.temperature_ = _best_temperature(
                design.matrix([t for t, _ in held]) @ coef.T + icpt,
                [classes.index(k) for _, k in held],
            )
        design, coef, icpt = self._train(rows, classes, len(rows) - n_background)
        self.classes_ = np.asarray(classes)
        self.enabled_ = np.asarray([t.enabled for t in frame] + [False])
        self.names_ = [t.name for t in frame]
        self.terms_ = design.terms
        self.idf_ = design.idf
        self._design = design
        self.coef_, self.intercept_ = coef, icpt
        self.n_train_ = len(rows)
        self.frame_ = frame
        return self

    @staticmethod
    def _corrections(frame: CodeFrame, X, y, sample_weight) -> list[tuple]:
        """The corrections as (text or tokens, key, weight), checked against the frame."""
        X = list(X) if X is not None else []
        y = list(y) if y is not None else []
        if len(X) != len(y):
            raise ValueError(f"{len(X)} corrections but {len(y)} keys")
        weights = [1.0] * len(X) if sample_weight is None else [float(w) for w in sample_weight]
        if len(weights) != len(X):
            raise ValueError(f"sample_weight has {len(weights)} entries for {len(X)} texts")
        known = set(frame.keys()) | {NONE}
        unknown = sorted({k for k in y if k not in known})
        if unknown:
            raise ValueError(f"unknown code-frame key(s): {', '.join(unknown)}")
        return list(zip(X, y, weights, strict=True))

    def _training_rows(self, frame: CodeFrame, fixes: list[tuple]):
        """(tokens, key, weight) rows: seeds, labelled texts, corrections, then background;
        the held-out labelled rows (every fourth) and the number of background rows."""
        known = set(frame.keys()) | {NONE}
        seeds = [(p, t.key) for t in frame for p in t.seeds]
        labelled = [(t, k if k in known else NONE) for t, k in self._labelled_rows()]
        tokenize = self._text_tokens()
        lab_toks = [tokenize(t) for t, _ in labelled]
        # A theme with few phrases (one a community just added) weighs as much as a
        # shipped one: its phrases count more, up to MAX_SEED_WEIGHT times.
        per_theme = {t.key: len(t.seeds) for t in frame if t.seeds}
        typical = float(np.median(list(per_theme.values()))) if per_theme else 1.0
        seed_w = {k: float(np.clip(typical / n, 1.0, MAX_SEED_WEIGHT))
                  for k, n in per_theme.items()}
        background = background_token_lists(self.background, self.random_state)
        rows = (
            [(tokenize(p), k, seed_w[k]) for p, k in seeds]
            + [(t, k, 1.0) for t, (_, k) in zip(lab_toks, labelled, strict=True)]
            + [(tokenize(t) if isinstance(t, str) else list(t), k, w) for t, k, w in fixes]
            + [(list(t), NONE, 1.0) for t in background]
        )
        held = [(t, k) for i, (t, (_, k)) in enumerate(zip(lab_toks, labelled, strict=True))
                if i % 4 == 3]
        return rows, held, len(background)

    def _train(self, rows, classes, n_labelled: int):
        """Vocabulary, idf and a one-vs-rest linear SVM over the rows' features.

        The first ``n_labelled`` rows are the frame's own texts (seeds, labelled texts,
        corrections); the rest are background.
        """
        from sklearn.svm import LinearSVC

        from nlp.themes.features import count_features

        toks = [r[0] for r in rows]
        counts, names = count_features(toks)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        # A feature seen once, in one background pseudo-sentence, is noise (random word
        # pairs); features of the frame's own texts are kept even when seen once.
        framed = np.zeros(counts.shape[1], dtype=bool)
        framed[np.unique(counts[:n_labelled].indices)] = True
        keep = np.flatnonzero((df >= 2) | framed)
        n = len(toks)
        idf = (np.log((1.0 + n) / (1.0 + df[keep])) + 1.0).astype(np.float32)
        design = _Design([str(t) for t in names[keep]], idf)
        X = design.matrix(toks)
        y = np.asarray([classes.index(r[1]) for r in rows])
        w = np.asarray([r[2] for r in rows], dtype=np.float64)
        present = np.unique(y)
        svm = LinearSVC(C=self.C, random_state=self.random_state, max_iter=5000)
        svm.fit(X, y, sample_weight=w)
        coef = np.full((len(classes), X.shape[1]), 0.0, dtype=np.float32)
        icpt = np.full(len(classes), -10.0, dtype=np.float32)
        if len(present) == 2:
            # Binary problems come back as one row: the second class is the positive one.
            coef[present[1]], coef[present[0]] = svm.coef_[0], -svm.coef_[0]
            icpt[present[1]], icpt[present[0]] = svm.intercept_[0], -svm.intercept_[0]
        else:
            coef[present] = svm.coef_
            icpt[present] = svm.intercept_
        # float16 precision from the start, so a stored model answers exactly like this one.
        return design, coef.astype(np.float16).astype(np.float32), icpt

    def _labelled_rows(self) -> list[tuple[str, str]]:
        if self.labelled is None:
            return []
        if isinstance(self.labelled, str):
            if self.labelled != "corpus":
                raise ValueError("labelled must be 'corpus', None or (text, key) pairs")
            from nlp.community_corpus import load_rows

            return [(r.text, r.theme) for r in load_rows("train")]
        return [(str(t), str(k)) for t, k in self.labelled]

    def _text_tokens(self) -> Callable[[str], list[str]]:
        if self.tokenizer is not None:
            return lambda text: list(self.tokenizer(text))
        from nlp.normalize import Normalizer
        from nlp.segment import Segmenter

        seg, norm = _default_text_tools(Segmenter, Normalizer)
        return lambda text: seg.tokens(norm.normalize(text).text)

    # --------------------------------------------------------------- prediction
    def check_fitted(self) -> None:
        """Raise NotFittedError unless :meth:`fit` (or loading) has run."""
        if not hasattr(self, "coef_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("CodeFrameClassifier is not fitted yet: call fit() first")

    def decision_function(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """Raw linear scores, items × classes (``classes_``)."""
        self.check_fitted()
        if not len(token_lists):
            return np.zeros((0, len(self.classes_)), dtype=np.float32)
        return self._scores(self._design.matrix([list(t) for t in token_lists]))

    def _scores(self, X: sparse.csr_matrix) -> np.ndarray:
        coef_t = getattr(self, "_coef_t", None)
        if coef_t is None or coef_t.shape[0] != self.coef_.shape[1]:
            # A contiguous transpose, made once: per-item scoring stays well under 1 ms.
            coef_t = self._coef_t = np.ascontiguousarray(self.coef_.T)
        return np.asarray(X @ coef_t, dtype=np.float32) + self.intercept_

    def predict_entries(self, entries, n_rows: int, keep_rows: np.ndarray,
                        parts: Mapping[str, tuple[str, ...]] | None = None) -> np.ndarray:
        """:meth:`predict` for the rows ``keep_rows`` of precomputed feature entries (the
        theme model shares the ones it counts for its own vectors; see ``_Design``)."""
        self.check_fitted()
        if not len(keep_rows):
            return np.zeros(0, dtype=object)
        X = self._design.from_entries(entries, n_rows, keep_rows, parts)
        return self._decide(self._proba(self._scores(X)))[0]

    def predict_proba(self, X: Sequence[str] | Sequence[Sequence[str]]) -> np.ndarray:
        """Calibrated class probabilities, items × classes (the last column is ``"none"``)."""
        return self._proba(self.decision_function(self._as_tokens(X)))

    def _proba(self, scores: np.ndarray) -> np.ndarray:
        scores = scores / np.float32(self.temperature_)
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        return p / p.sum(axis=1, keepdims=True)

    def predict_with_confidence(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Per item, a frame key or ``"none"``, and the probability of that answer.

        An item gets a theme only when that theme is the most probable class, is enabled,
        and its probability reaches ``threshold``; otherwise it is ``"none"`` with the
        probability that it is not about any enabled theme.
        """
        return self._decide(self.predict_proba(X))

    def _decide(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not len(p):
            return np.zeros(0, dtype=object), np.zeros(0, dtype=np.float32)
        best = p.argmax(axis=1)
        conf = p[np.arange(len(p)), best]
        ok = self.enabled_[best] & (conf >= self.threshold)
        keys = np.where(ok, self.classes_[best], NONE).astype(object)
        none_conf = 1.0 - (p * self.enabled_).sum(axis=1)
        return keys, np.where(ok, conf, none_conf).astype(np.float32)

    def predict(self, X) -> np.ndarray:
        """A frame key or ``"none"`` per item (see :meth:`predict_with_confidence`)."""
        return self.predict_with_confidence(X)[0]

    def _as_tokens(self, X) -> list[list[str]]:
        items = list(X) if X is not None else []
        if items and isinstance(items[0], str):
            tokenize = self._text_tokens()
            return [tokenize(t) for t in items]
        return [list(t) for t in items]

    def with_frame(self, frame: CodeFrame) -> CodeFrameClassifier:
        """This fitted classifier showing ``frame``'s names and switches (same keys and
        seeds: nothing is learned again)."""
        self.check_fitted()
        if frame.keys() != self.classes_[:-1].tolist():
            raise ValueError("the frame's keys differ from the ones the classifier learned")
        clf = copy.copy(self)
        clf.frame = clf.frame_ = frame
        clf.names_ = [t.name for t in frame]
        clf.enabled_ = np.asarray([t.enabled for t in frame] + [False])
        return clf

    # ------------------------------------------------------------------ storage
    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """JSON metadata and numpy arrays that :meth:`from_arrays` rebuilds the model from."""
        self.check_fitted()
        meta = {
            "params": {"C": self.C, "background": self.background,
                       "threshold": self.threshold, "random_state": self.random_state},
            "classes": self.classes_.tolist(), "enabled": self.enabled_.tolist(),
            "temperature": self.temperature_, "n_train": self.n_train_,
            "frame": self.frame_.to_dict(),
        }
        arrays = {
            "terms": np.asarray(json.dumps(self.terms_, ensure_ascii=False)),
            "idf": self.idf_, "coef": self.coef_.astype(np.float16),
            "intercept": self.intercept_,
        }
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta: dict, arrays: Mapping[str, np.ndarray],
                    tokenizer: Tokenizer | None = None) -> CodeFrameClassifier:
        """Rebuild a fitted classifier stored by :meth:`to_arrays`."""
        frame = CodeFrame.from_dict(meta["frame"])
        clf = cls(frame=frame, tokenizer=tokenizer, labelled=None, **meta["params"])
        clf.classes_ = np.asarray(meta["classes"])
        clf.enabled_ = np.asarray(meta["enabled"], dtype=bool)
        clf.temperature_ = float(meta["temperature"])
        clf.n_train_ = int(meta["n_train"])
        clf.frame_ = frame
        clf.names_ = [t.name for t in frame]
        clf.terms_ = json.loads(str(arrays["terms"]))
        clf.idf_ = np.asarray(arrays["idf"], dtype=np.float32)
        clf._design = _Design(clf.terms_, clf.idf_)
        clf.coef_ = np.asarray(arrays["coef"], dtype=np.float32)
        clf.intercept_ = np.asarray(arrays["intercept"], dtype=np.float32)
        return clf


@lru_cache(maxsize=1)
def _default_text_tools(segmenter_cls, normalizer_cls):
    """One segmenter and normaliser per process for training texts."""
    return segmenter_cls(), normalizer_cls()


def _best_temperature(scores: np.ndarray, truth: Sequence[int]) -> float:
    """The softmax temperature that minimises the held-out log loss (calibration)."""
    truth = np.asarray(truth)
    best, best_loss = 0.3, np.inf
    for t in np.geomspace(0.05, 2.0, 40):
        s = scores / t
        s = s - s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        loss = float(-logp[np.arange(len(truth)), truth].mean())
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


@lru_cache(maxsize=4)
def background_token_lists(n: int, random_state: int = 0) -> tuple[tuple[str, ...], ...]:
    """``n`` pseudo-sentences of general Chinese words (the ``"none"`` class's examples).

    Words are the two-to-four-character Han entries of jieba's IDF table whose IDF lies
    between 6 and 11 (everyday content words, neither function words nor rarities), minus
    our stopwords; each pseudo-sentence strings 3 to 9 of them together. They give the
    classifier a picture of "about something else", which seed phrases alone cannot.
    """
    if n <= 0:
        return ()
    from nlp.keywords import background_idf
    from nlp.segment import load_stopwords

    idf, _ = background_idf()
    stop = load_stopwords()
    words = sorted(
        w for w, v in idf.items()
        if 6.0 <= v <= 11.0 and 2 <= len(w) <= 4 and w not in stop
        and all("\u4e00" <= ch <= "\u9fff" for ch in w)
    )
    rng = random.Random(random_state)  # noqa: S311 - a reproducible sample, not a secret  # nosec B311
    return tuple(tuple(rng.choice(words) for _ in range(rng.randint(3, 9))) for _ in range(n))


_CLASSIFIERS: dict[tuple, CodeFrameClassifier] = {}


def default_classifier(frame: CodeFrame | None = None, corrections: Sequence = (),
                       tokenizer: Tokenizer | None = None) -> CodeFrameClassifier:
    """A fitted classifier for ``frame`` plus ``corrections``, cached per process.

    ``corrections`` are :class:`FrameCorrection` (or ``(text, key[, weight])`` tuples). The
    cache key is what the classifier learns from (the frame's keys and seed phrases, the
    corrections, the tokenizer), so each community's frame is trained once per process;
    renaming or switching a theme off reuses the trained weights.
    """
    frame = frame if frame is not None else load_code_frame()
    fixes = [c if isinstance(c, FrameCorrection) else FrameCorrection(*c) for c in corrections]
    key = (frame.training_fingerprint(), tuple(fixes),
           id(tokenizer) if tokenizer is not None else None)
    base = _CLASSIFIERS.get(key)
    if base is None:
        base = CodeFrameClassifier(frame=frame, tokenizer=tokenizer).fit(
            [c.text for c in fixes], [c.key for c in fixes], [c.weight for c in fixes]
        )
        if len(_CLASSIFIERS) >= 8:
            _CLASSIFIERS.pop(next(iter(_CLASSIFIERS)))
        _CLASSIFIERS[key] = base
    return base.with_frame(frame)
