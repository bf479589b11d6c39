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
from nlp.sentiment import batch
from nlp.sentiment.clauses import clause_text
from nlp.sentiment.features import SentimentDoc, SentimentFeaturizer
from nlp.sentiment.results import ClauseSentiment, SentimentResult

MODEL_VERSION = "2"
# Per-process caches kept out of the pickled model.
_CACHES = ("_tokens", "_weights")


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
    short_text_words, lexicon_slope:
        Short texts lean on the lexicon: the lexicon logit (``lexicon_slope`` × (positive −
        negative lexicon mass)) gets weight 1 for a one-word text with a sentiment cue and half
        that every ``short_text_words`` further content words, and only ever pulls the score
        towards the lexicon's side (0 turns this off).
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
                 random_state: int = 0, short_text_words: float = 1.5,
                 lexicon_slope: float = 1.5,
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
        self.short_text_words = short_text_words
        self.lexicon_slope = lexicon_slope
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

    # Whether scoring needs the character and word n-grams (the lexicon back-end does not).
    _uses_ngrams = True

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError(
                "SentimentModel is not fitted yet; call fit() or use nlp.sentiment.load_or_train()"
            )

    def __getstate__(self) -> dict:
        """Pickle without the per-process caches (token table, split coefficients)."""
        return {k: v for k, v in self.__dict__.items() if k not in _CACHES}

    def _token_table(self) -> batch.TokenTable:
        featurizer = getattr(self, "featurizer_", None)
        table = self.__dict__.get("_tokens")
        if table is None or table.featurizer is not featurizer:
            table = self._tokens = batch.TokenTable(featurizer, self._stages()[1])
        return table

    def _decision_weights(self):
        weights = self.__dict__.get("_weights")
        if weights is None:
            weights = self._weights = batch.decision_weights(self.featurizer_, self.coef_)
        return weights

    def _group_scores(self, parts: batch.GroupParts) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated scores and sentiment-cue mask of scanned texts or clauses.

        The logistic regression's calibrated logit, blended for short texts with the lexicon
        logit: a one- or two-word answer (好, 很棒, 太差了) carries too few n-grams for the
        regression, whose single strongest n-gram then decides it, while its lexicon cue is
        unambiguous. The lexicon's weight is 1 for one content word and halves every
        ``short_text_words`` further words, so it fades out for ordinary sentences.
        """
        dense = batch.dense_block(parts.lex, parts.signal, parts.question,
                                  self.featurizer_.lexicon_weight)
        decision = batch.group_decision(self.featurizer_, self._decision_weights(), parts.vid,
                                        parts.groups, dense, *parts.chars)
        a, b = self.platt_
        logit = a * (decision + self.intercept_) + b
        pos, neg = parts.polar_mass()
        cues = (pos + neg) > 0
        half = getattr(self, "short_text_words", 1.5)
        if half:
            lean = np.where(cues, 0.5 ** (np.maximum(parts.words - 1, 0) / half), 0.0)
            lexical = getattr(self, "lexicon_slope", 1.5) * (pos - neg)
            blend = (1.0 - lean) * logit + lean * lexical
            # The lexicon only pulls towards its own side: it never makes a text that already
            # leans its way less sure.
            logit = np.where(lexical > 0, np.maximum(logit, blend),
                             np.where(lexical < 0, np.minimum(logit, blend), logit))
        return expit(logit), cues

    def _score(self, texts: Sequence[str], cuts: Sequence[Sequence[str]], signal: np.ndarray,
               clauses: bool = False) -> batch.Scored:
        """Scores of whole texts and, when asked, of every clause of multi-clause texts."""
        table = self._token_table()
        flat, lengths = batch.flatten(cuts)
        tid = table.ids(flat)
        arrays = table.arrays
        docs = batch.groups_from_lengths(lengths)
        featurizer = getattr(self, "featurizer_", None)
        n_vocab = len(featurizer.vocabulary_) if featurizer is not None else 0
        plan = None
        if clauses:
            aligned = batch.aligned(texts, cuts)
            plan = batch.plan_clauses(tid, docs, arrays, aligned)
        clause_texts = batch.clause_texts(plan, docs, texts, flat) if plan is not None else []

        chars: list = [None, None]
        if self._uses_ngrams and featurizer is not None:
            codes, text_lengths = batch.char_stream(texts, featurizer.use_punctuation)
            labels = [batch.doc_char_labels(text_lengths)]
            if plan is not None and len(plan.doc):
                labels.append(batch.clause_char_labels(plan, docs, flat, text_lengths))
            found = batch.char_entries(codes, featurizer.char_ngrams, featurizer.char_bits,
                                       labels)
            chars = found + [None] * (2 - len(found))

        vid, lex, words = batch.scan_groups(tid, docs, arrays, n_vocab)
        doc_parts = batch.GroupParts(vid, docs, lex, signal, words,
                                     batch.question_flags(texts), chars[0])
        score, cue = self._group_scores(doc_parts)
        empty = np.fromiter((not t for t in texts), dtype=bool, count=len(texts))
        score[empty & (signal == 0)] = 0.5
        out = batch.Scored(score, cue, empty, plan, clause_texts, tid=tid,
                           doc_of_token=docs.of_token)
        if plan is not None and len(plan.doc):
            sub, cgroups = batch.clause_groups(plan)
            cvid, clex, cwords = batch.scan_groups(tid[sub], cgroups, arrays, n_vocab)
            out.clause_question = batch.question_flags(clause_texts)
            parts = batch.GroupParts(cvid, cgroups, clex, np.zeros(cgroups.count), cwords,
                                     out.clause_question, chars[1])
            out.clause_score, out.clause_cue = self._group_scores(parts)
        return out

    def _label_arrays(self, score: np.ndarray, cue: np.ndarray, empty: np.ndarray,
                      filler: np.ndarray, question: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Apply the neutral rule; returns labels and the mask of cue-forced neutrals."""
        labels = np.where(score >= 0.5, 1, -1)
        band = np.where(cue, self.neutral_band, self.fact_band)
        labels[np.abs(score - 0.5) < band] = 0
        forced = ~cue & (empty | filler | question)
        labels[forced] = 0
        return labels, forced

    def _analyze(self, texts: Sequence[str | None] | None, *, clauses: bool = False,
                 normalized: Sequence[NormalizedText] | None = None,
                 cuts: Sequence[list[str]] | None = None):
        """Normalise, segment (or reuse), score and label; the arrays behind every prediction."""
        self._check_fitted()
        normalizer, segmenter = self._stages()
        if normalized is None:
            normalized = normalizer.normalize_many(texts)
        texts_n = [n.text for n in normalized]
        if cuts is None:
            cuts = segmenter.cut_many(texts_n)
        n = len(texts_n)
        signal = np.fromiter((n.polarity for n in normalized), dtype=float, count=n)
        filler = np.fromiter((n.is_filler for n in normalized), dtype=bool, count=n)
        scored = self._score(texts_n, cuts, signal, clauses)
        question = batch.question_flags(texts_n)
        labels, forced = self._label_arrays(scored.score, scored.cue, scored.empty, filler,
                                            question)
        return texts_n, cuts, scored, labels, forced

    def _score_docs(self, docs: Sequence[SentimentDoc]) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated scores and the sentiment-cue mask of prepared docs."""
        signal = np.fromiter((d.signal_polarity for d in docs), dtype=float, count=len(docs))
        scored = self._score([d.text for d in docs], [d.tokens for d in docs], signal)
        return scored.score, scored.cue

    def predict_score(self, texts: Sequence[str | None]) -> np.ndarray:
        """Calibrated probability that each text is positive."""
        return self._analyze(texts)[2].score

    def predict(self, texts: Sequence[str | None]) -> np.ndarray:
        """Labels -1 / 0 / 1 (see the neutral rule in the module docstring)."""
        return self._analyze(texts)[3]

    def predict_proba(self, texts: Sequence[str | None]) -> np.ndarray:
        """Probabilities of the classes ``classes_`` = [-1, 0, 1], one row per text.

        Positive and negative mass come from the score; the neutral mass is ``0.5 + band``
        (the text's neutral band) before normalising, so the most probable class is always the
        label :meth:`predict` gives; cue-forced neutrals get most of the mass.
        """
        _, _, scored, _, forced = self._analyze(texts)
        return self._proba3(scored.score, scored.cue, forced)

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
        texts skip doing it twice. Every clause of every multi-clause text is scored in the
        same vectorised batch as the texts themselves.
        """
        return self.predict_many_with_proba(texts, clauses=clauses, normalized=normalized,
                                            cuts=cuts)[0]

    def predict_many_with_proba(self, texts: Sequence[str | None] | None, *, clauses: bool = True,
                                normalized: Sequence[NormalizedText] | None = None,
                                cuts: Sequence[list[str]] | None = None
                                ) -> tuple[list[SentimentResult], np.ndarray]:
        """:meth:`predict_many` plus :meth:`predict_proba` of the same texts, in one pass."""
        texts_n, cuts, scored, labels, forced = self._analyze(
            texts, clauses=clauses, normalized=normalized, cuts=cuts
        )
        clause_lists = self._clause_results(texts_n, cuts, scored, labels) if clauses else None
        score_list = scored.score.tolist()
        label_list = labels.tolist()
        results = [
            SentimentResult(label_list[i], s, abs(s - 0.5) * 2,
                            clause_lists[i] if clause_lists is not None else [])
            for i, s in enumerate(score_list)
        ]
        return results, self._proba3(scored.score, scored.cue, forced)

    def analyze(self, text: str | None) -> SentimentResult:
        """Sentiment of one text, with clause-level results."""
        return self.predict_many([text])[0]

    def _clause_results(self, texts: list[str], cuts, scored: batch.Scored,
                        labels: np.ndarray) -> list[list[ClauseSentiment]]:
        """Per text its clauses: one per clause of split texts, else the text as one clause.

        Clauses whose text is empty (only ellipses or symbols) are left out.
        """
        plan = scored.plan
        arrays = self._token_table().arrays
        out: list[list[ClauseSentiment]] = [[] for _ in texts]
        whole = np.flatnonzero(~plan.split_docs & ~scored.empty)
        if len(whole):
            in_whole = np.zeros(len(texts), dtype=bool)
            in_whole[whole] = True
            at = in_whole[scored.doc_of_token]
            aspects = batch.grouped_aspects(scored.tid[at], scored.doc_of_token[at], whole,
                                            arrays)
            score_list = scored.score[whole].tolist()
            label_list = labels[whole].tolist()
            for i, label, score, asp in zip(whole.tolist(), label_list, score_list, aspects,
                                            strict=True):
                text = clause_text(cuts[i])
                if text:
                    out[i].append(ClauseSentiment(text, label, score, asp))
        n_clauses = len(plan.doc)
        if n_clauses:
            none = np.zeros(n_clauses, dtype=bool)
            clabels, _ = self._label_arrays(scored.clause_score, scored.clause_cue, none, none,
                                            scored.clause_question)
            inside = plan.token_clause >= 0
            aspects = batch.grouped_aspects(scored.tid[inside], plan.token_clause[inside],
                                            np.arange(n_clauses), arrays)
            make = ClauseSentiment
            rows = zip(plan.doc.tolist(), scored.clause_texts, clabels.tolist(),
                       scored.clause_score.tolist(), aspects, strict=True)
            for doc, text, label, score, asp in rows:
                if text:
                    out[doc].append(make(text, label, score, asp))
        return out
