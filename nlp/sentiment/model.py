"""The default sentiment model: NB-weighted logistic regression with Platt calibration.

Three classes come from one calibrated probability of positive (``score``) plus neutral cues:

* ``score`` is P(positive) from a logistic regression over :class:`SentimentFeaturizer`
  features, each column scaled by its naive-Bayes log-count ratio (NB-LR), calibrated with a
  Platt sigmoid fitted on a held-out part of the training data.
* **Neutral rule.** A text is 中性 (label 0) when (a) it is empty after normalisation, or a
  filler answer (无 / 没有 / 不知道 …) or a pure question (ends in ？ / 吗 / 呢) and carries no
  sentiment cue (no lexicon word, sticker or emoji); or (b) its score lies within
  ``neutral_band`` of 0.5 (default 0.35 < score < 0.65); for texts without any sentiment cue
  (plain statements of fact) the band widens to ``fact_band`` (default 0.25 < score < 0.75).
  Otherwise the label is 1 when score ≥ 0.5 and -1 below.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from nlp.normalize import NormalizedText, Normalizer
from nlp.segment import Segmenter
from nlp.sentiment.clauses import clause_text, split_clauses
from nlp.sentiment.features import SentimentDoc, SentimentFeaturizer
from nlp.sentiment.results import ClauseSentiment, SentimentResult

MODEL_VERSION = "1"
_QUESTION_ENDS = ("?", "？", "吗", "呢", "么", "嘛")
_ASPECT_FLAGS = ("n", "vn", "nz", "ng", "nr", "ns", "nt", "eng")


def _is_question(text: str) -> bool:
    return text.rstrip("!！。.~～ ").endswith(_QUESTION_ENDS)


class SentimentModel:
    """Chinese sentiment classifier for community feedback (scikit-learn conventions).

    Parameters
    ----------
    C:
        Inverse regularisation strength of the logistic regression. Stronger regularisation
        than in-domain cross-validation would pick, because the model is used far from its
        training domain (product reviews).
    nb_alpha:
        Smoothing of the naive-Bayes log-count ratios that scale the features.
    neutral_band, fact_band:
        Half-widths of the neutral band around 0.5 (see the module docstring).
    calibration_fraction:
        Share of the training data held out to fit the Platt calibration.
    refit:
        Refit on all the data after calibrating. Off by default: keeping the model fitted on
        the non-held-out part trains in about two thirds of the time, keeps the calibration
        fitted to exactly the model that is used, and measured the same macro-F1.
    fit_intercept:
        Off by default: with an intercept, a text with few known features inherits the
        training corpus's lean (short answers came out negative); without it, an
        uninformative text scores near 0.5 and only its features move it.
    segmenter, normalizer, featurizer:
        Swappable pipeline stages; defaults are built when None.
    """

    def __init__(self, *, C: float = 0.5, nb_alpha: float = 1.0, neutral_band: float = 0.15,
                 fact_band: float = 0.25, calibration_fraction: float = 0.15,
                 fit_intercept: bool = False, refit: bool = False, max_iter: int = 2000,
                 random_state: int = 0,
                 segmenter: Segmenter | None = None, normalizer: Normalizer | None = None,
                 featurizer: SentimentFeaturizer | None = None) -> None:
        self.C = C
        self.nb_alpha = nb_alpha
        self.neutral_band = neutral_band
        self.fact_band = fact_band
        self.calibration_fraction = calibration_fraction
        self.fit_intercept = fit_intercept
        self.refit = refit
        self.max_iter = max_iter
        self.random_state = random_state
        self.segmenter = segmenter
        self.normalizer = normalizer
        self.featurizer = featurizer

    # -- pipeline pieces -----------------------------------------------------------------------

    def _stages(self) -> tuple[Normalizer, Segmenter]:
        """The normaliser and segmenter in use (``normalizer_`` / ``segmenter_`` once set)."""
        if getattr(self, "normalizer_", None) is None:
            self.normalizer_ = self.normalizer if self.normalizer is not None else Normalizer()
        if getattr(self, "segmenter_", None) is None:
            self.segmenter_ = self.segmenter if self.segmenter is not None else Segmenter()
        return self.normalizer_, self.segmenter_

    def prepare(self, texts: Sequence[str | None], *,
                normalized: Sequence[NormalizedText] | None = None,
                cuts: Sequence[list[str]] | None = None
                ) -> tuple[list[NormalizedText], list[SentimentDoc]]:
        """Normalise and segment texts (or reuse results the caller already has)."""
        normalizer, segmenter = self._stages()
        if normalized is None:
            normalized = normalizer.normalize_many(texts)
        if cuts is None:
            cuts = segmenter.cut_many([n.text for n in normalized])
        docs = [SentimentDoc(n.text, list(c), float(n.polarity))
                for n, c in zip(normalized, cuts, strict=True)]
        return list(normalized), docs

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], y: Sequence[int], sample_weight=None) -> SentimentModel:
        """Train on texts with binary labels (1 / 0, or 1 / -1); returns self."""
        y_arr = np.asarray(y)
        if set(np.unique(y_arr)) - {0, 1, -1}:
            raise ValueError("labels must be 1 (positive) and 0 or -1 (negative)")
        y_bin = (y_arr > 0).astype(int)
        if len(np.unique(y_bin)) < 2:
            raise ValueError("training needs both positive and negative examples")
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        _, docs = self.prepare(texts)
        featurizer = self.featurizer if self.featurizer is not None else SentimentFeaturizer()
        X = featurizer.fit_transform(docs)
        n_dense = SentimentFeaturizer.N_DENSE if featurizer.use_lexicon else 0
        ratio = self._nb_ratio(X, y_bin, n_dense)
        Xr = (X @ sp.diags(ratio)).tocsr()

        idx = np.arange(len(y_bin))
        fit_idx, cal_idx = train_test_split(
            idx, test_size=self.calibration_fraction, stratify=y_bin,
            random_state=self.random_state,
        )
        held = self._logreg().fit(
            Xr[fit_idx], y_bin[fit_idx], sample_weight=None if weights is None else weights[fit_idx]
        )
        platt = LogisticRegression(C=1e4, max_iter=1000)
        platt.fit(held.decision_function(Xr[cal_idx]).reshape(-1, 1), y_bin[cal_idx])
        final = self._logreg().fit(Xr, y_bin, sample_weight=weights) if self.refit else held

        self.featurizer_ = featurizer
        self.nb_ratio_ = ratio.astype(np.float32)
        self.coef_ = (final.coef_.ravel() * ratio).astype(np.float32)
        self.intercept_ = float(np.ravel(final.intercept_)[0]) if self.fit_intercept else 0.0
        self.platt_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        self.classes_ = np.array([-1, 0, 1])
        self.version_ = MODEL_VERSION
        self.n_train_ = len(y_bin)
        return self

    def _logreg(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=self.max_iter, solver="liblinear",
                                  fit_intercept=self.fit_intercept)

    def _nb_ratio(self, X: sp.csr_matrix, y: np.ndarray, n_dense: int) -> np.ndarray:
        a = self.nb_alpha
        p = a + np.asarray(X[y == 1].sum(axis=0)).ravel()
        q = a + np.asarray(X[y == 0].sum(axis=0)).ravel()
        ratio = np.log((p / p.sum()) / (q / q.sum()))
        if n_dense:
            ratio[-n_dense:] = 1.0
        return ratio

    # -- predicting ----------------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError(
                "SentimentModel is not fitted yet; call fit() or use nlp.sentiment.load_or_train()"
            )

    def _score_docs(self, docs: Sequence[SentimentDoc]) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated scores and the sentiment-cue mask of prepared docs."""
        if not docs:
            return np.zeros(0), np.zeros(0, dtype=bool)
        decision, cues = self.featurizer_.decision_with_cues(
            docs, self.coef_.astype(np.float64), self.intercept_
        )
        a, b = self.platt_
        scores = expit(a * decision + b)
        empty = np.fromiter((not d.text and not d.signal_polarity for d in docs), bool, len(docs))
        scores[empty] = 0.5
        return scores, cues

    def _labels(self, scores: np.ndarray, cues: np.ndarray, docs: Sequence[SentimentDoc],
                fillers: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
        """Apply the neutral rule; returns labels and a mask of cue-forced neutrals."""
        labels = np.where(scores >= 0.5, 1, -1)
        forced = np.zeros(len(docs), dtype=bool)
        for i, doc in enumerate(docs):
            cue = bool(cues[i])
            if not cue and (not doc.text or fillers[i] or _is_question(doc.text)):
                forced[i] = True
                labels[i] = 0
                continue
            band = self.neutral_band if cue else self.fact_band
            if abs(scores[i] - 0.5) < band:
                labels[i] = 0
        return labels, forced

    def predict_score(self, texts: Sequence[str | None]) -> np.ndarray:
        """Calibrated probability that each text is positive."""
        self._check_fitted()
        _, docs = self.prepare(texts)
        return self._score_docs(docs)[0]

    def predict(self, texts: Sequence[str | None]) -> np.ndarray:
        """Labels -1 / 0 / 1 (see the neutral rule in the module docstring)."""
        self._check_fitted()
        normalized, docs = self.prepare(texts)
        scores, cues = self._score_docs(docs)
        labels, _ = self._labels(scores, cues, docs, [n.is_filler for n in normalized])
        return labels

    def predict_proba(self, texts: Sequence[str | None]) -> np.ndarray:
        """Probabilities of the classes ``classes_`` = [-1, 0, 1], one row per text.

        Positive and negative mass come from the score; the neutral mass is ``0.5 + band``
        (the text's neutral band) before normalising, so the most probable class is always the
        label :meth:`predict` gives; cue-forced neutrals get most of the mass.
        """
        self._check_fitted()
        normalized, docs = self.prepare(texts)
        scores, cues = self._score_docs(docs)
        _, forced = self._labels(scores, cues, docs, [n.is_filler for n in normalized])
        return self._proba3(scores, cues, forced)

    def _proba3(self, scores: np.ndarray, cues: np.ndarray, forced: np.ndarray) -> np.ndarray:
        band = np.where(cues, self.neutral_band, self.fact_band)
        neutral = np.where(forced, 4.0, 0.5 + band)
        raw = np.column_stack([1.0 - scores, neutral, scores])
        return raw / raw.sum(axis=1, keepdims=True)

    def predict_many(self, texts: Sequence[str | None], *, clauses: bool = True,
                     normalized: Sequence[NormalizedText] | None = None,
                     cuts: Sequence[list[str]] | None = None) -> list[SentimentResult]:
        """Full results for many texts in one batch, with clause-level sentiment when asked.

        ``normalized`` and ``cuts`` let a pipeline that already normalised and segmented the
        texts skip doing it twice.
        """
        self._check_fitted()
        normalized, docs = self.prepare(texts, normalized=normalized, cuts=cuts)
        scores, cues = self._score_docs(docs)
        labels, _ = self._labels(scores, cues, docs, [n.is_filler for n in normalized])
        clause_lists: list[list[ClauseSentiment]] = [[] for _ in docs]
        if clauses:
            self._add_clauses(docs, scores, labels, clause_lists)
        return [
            SentimentResult(int(labels[i]), float(scores[i]), float(abs(scores[i] - 0.5) * 2),
                            clause_lists[i])
            for i in range(len(docs))
        ]

    def analyze(self, text: str | None) -> SentimentResult:
        """Sentiment of one text, with clause-level results."""
        return self.predict_many([text])[0]

    def _aspects(self, tokens: list[str]) -> list[str]:
        """The clause's nouns (dictionary part of speech n…, vn, eng), in order, once each."""
        seg = self._stages()[1]
        seen: dict[str, None] = {}
        for word in seg.content_tokens(tokens):
            if seg.pos_of(word).startswith(_ASPECT_FLAGS):
                seen.setdefault(word, None)
        return list(seen)

    def _add_clauses(self, docs, scores, labels, out: list[list[ClauseSentiment]]) -> None:
        pending: list[tuple[int, str, list[str]]] = []
        for i, doc in enumerate(docs):
            parts = split_clauses(doc.tokens)
            if len(parts) <= 1:
                if doc.text:
                    out[i].append(ClauseSentiment(clause_text(doc.tokens), int(labels[i]),
                                                  float(scores[i]), self._aspects(doc.tokens)))
                continue
            for toks in parts:
                pending.append((i, clause_text(toks), toks))
        if not pending:
            return
        cdocs = [SentimentDoc(text, toks, 0.0) for _, text, toks in pending]
        cscores, ccues = self._score_docs(cdocs)
        clabels, _ = self._labels(cscores, ccues, cdocs, [False] * len(cdocs))
        for (i, text, toks), label, score in zip(pending, clabels, cscores, strict=True):
            out[i].append(ClauseSentiment(text, int(label), float(score), self._aspects(toks)))
