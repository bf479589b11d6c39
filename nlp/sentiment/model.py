"""The default sentiment model: two NB-weighted logistic-regression heads, each calibrated.

Three classes (负面 -1 / 中性 0 / 正面 1) come from two heads over the same
:class:`SentimentFeaturizer` features, each column scaled by the head's naive-Bayes log-count
ratio (NB-LR) and each head calibrated with a Platt sigmoid on held-out training data:

* the **polarity head** gives ``score`` = P(positive | the text takes a side). It learns from
  every labelled review and every positive or negative community text;
* the **neutral head** gives P(中性): a suggestion, a question for information or a statement
  of fact. Only three-class data can teach it (our community corpus); binary review corpora
  take part as (lightly weighted) examples of texts that do take a side.

The class probabilities are ``P(0) = n``, ``P(1) = (1 - n) * score``, ``P(-1) = (1 - n) *
(1 - score)``, and the label is the most probable class. A text that is empty after
normalisation, or a filler answer (无 / 没有 / 不知道 …) without a sentiment cue, is 中性.

A model trained on binary labels only has no neutral head; it falls back to the **neutral
band**: 中性 when the score lies within ``neutral_band`` of 0.5 (``fact_band`` for texts
without a sentiment cue), or for a cue-less pure question.
"""

from __future__ import annotations

import io
import json
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
from nlp.sentiment.clauses import TAIL_TURNS, clause_text, turn_tail
from nlp.sentiment.closers import without_sign_offs
from nlp.sentiment.features import SentimentDoc, SentimentFeaturizer
from nlp.sentiment.results import ClauseSentiment, SentimentResult

MODEL_VERSION = "3"
MODEL_FORMAT = f"huisheng-sentiment/{MODEL_VERSION}"
LABELS = np.array([-1, 0, 1])
# Per-process caches kept out of the pickled model.
_CACHES = ("_tokens", "_weights")
# P(neutral) given to texts that are neutral by rule (empty, cue-less filler answers).
_FORCED_NEUTRAL = 0.9
# Hyperparameters that prediction reads, saved with the model.
_PREDICT_PARAMS = ("C", "neutral_C", "nb_alpha", "neutral_band", "fact_band",
                   "calibration_fraction", "fit_intercept", "refit", "max_iter", "random_state",
                   "short_text_words", "lexicon_slope", "contrast_weight", "reservation_weight",
                   "binary_neutral_weight", "tail_weight")
_FEATURIZER_PARAMS = ("char_ngrams", "char_bits", "bigram_bits", "min_df", "use_lexicon",
                      "lexicon_weight", "use_punctuation")


class SentimentModel:
    """Chinese three-class sentiment for community feedback (scikit-learn conventions).

    Parameters
    ----------
    C, neutral_C:
        Inverse regularisation strength of the polarity and the neutral head. The polarity
        head's 3 was chosen by cross-validation on the training rows (``python -m
        bench._sentiment_cv``): it fits the reviews better than 1 (0.3 is worse still) and
        as well as 10 without costing the community three-class F1; at 10 and above the
        n-grams outweigh the lexicon rules (干货减少了 no longer reads as a complaint).
    nb_alpha:
        Smoothing of the naive-Bayes log-count ratios that scale the features.
    neutral_band, fact_band:
        Half-widths of the neutral band around 0.5, used only by a model without a neutral
        head (trained on binary labels; see the module docstring).
    calibration_fraction:
        Share of the training data held out to fit the Platt calibrations.
    refit:
        Refit both heads on all the data after calibrating (on by default: the community
        corpus is small, and every row of it counts).
    binary_neutral_weight:
        Weight, in the neutral head, of rows from binary corpora (reviews, which take a
        side) relative to their sample weight.
    short_text_words, lexicon_slope:
        Short texts lean on the lexicon: the lexicon logit (``lexicon_slope`` × (positive −
        negative lexicon mass)) gets weight 1 for a one-word text with a sentiment cue and half
        that every ``short_text_words`` further content words, and only ever pulls the score
        towards the lexicon's side (0 turns this off).
    reservation_weight:
        The same pull for a tail without lexicon mass after praise (老师很专业，但是每次都拖堂):
        the turn alone says the tail is a reservation (see :func:`batch.turn_lean`).
    contrast_weight:
        A mixed text (虽然很好，但是太贵了; 挺好的，就是太少了) leans on what follows its last
        turn word: the logit of that tail's lexicon mass gets this weight, and only ever pulls
        the score towards the tail's side (0 turns this off).
    tail_weight:
        A mixed text whose tail, after a clause-opening turn word, is a complaint (老师讲得很好，
        就是回放一直没上传) leans on that tail's own score, n-grams and all: the tail's logit
        gets this weight, and only ever pulls the score towards negative (0 turns this off).
        In feedback the complaint after the turn is what to act on; praise after a turn is
        left to the lexicon's contrast rule. Review corpora rate the whole purchase (东西不错，
        就是物流慢 is a good review), so this costs a little there (``docs/benchmarks.md``).
    fit_intercept:
        Whether the polarity head has an intercept. Off by default: with one, a text with few
        known features inherits the training corpora's lean; without it, an uninformative
        text scores near 0.5 and only its features move it. (The neutral head always has one:
        how common neutral texts are is what it must learn.)
    segmenter, normalizer, featurizer:
        Swappable pipeline stages; defaults are built when None.
    """

    def __init__(self, *, C: float = 3.0, neutral_C: float = 0.5, nb_alpha: float = 1.0,
                 neutral_band: float = 0.15, fact_band: float = 0.25,
                 calibration_fraction: float = 0.15, fit_intercept: bool = False,
                 refit: bool = True, max_iter: int = 2000, random_state: int = 0,
                 short_text_words: float = 1.5, lexicon_slope: float = 1.5,
                 contrast_weight: float = 0.15, reservation_weight: float = 0.6,
                 binary_neutral_weight: float = 0.05, tail_weight: float = 0.5,
                 segmenter: Segmenter | None = None, normalizer: Normalizer | None = None,
                 featurizer: SentimentFeaturizer | None = None) -> None:
        self.C = C
        self.neutral_C = neutral_C
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
        self.contrast_weight = contrast_weight
        self.reservation_weight = reservation_weight
        self.binary_neutral_weight = binary_neutral_weight
        self.tail_weight = tail_weight
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
        texts_b, cuts_b = without_sign_offs([n.text for n in normalized], cuts)
        docs = [SentimentDoc(t, list(c), float(n.polarity), float(n.sarcasm), float(n.courtesy))
                for n, t, c in zip(normalized, texts_b, cuts_b, strict=True)]
        return list(normalized), docs

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], y: Sequence[int], sample_weight=None, *,
            three_class: Sequence[bool] | None = None) -> SentimentModel:
        """Train on labelled texts; returns self.

        Labels are -1 / 0 / 1 (负面 / 中性 / 正面). Labels without any -1 are binary (1 /
        0 = positive / negative, as review corpora have them). ``three_class`` marks the rows
        labelled with all three classes (by default every row, when the labels hold a -1):
        only their 0 means neutral, and they teach the neutral head, to which the other rows
        add ``binary_neutral_weight`` of their weight as examples of texts that take a side.
        Without three-class rows holding both neutral and polar texts, the model has no
        neutral head and uses the neutral band.
        """
        labels, three = _three_class_labels(y, three_class)
        polar = labels != 0
        if len(np.unique(labels[polar])) < 2:
            raise ValueError("training needs both positive and negative examples")
        weights = (np.ones(len(labels)) if sample_weight is None
                   else np.asarray(sample_weight, dtype=float))
        _, docs = self.prepare(texts)
        featurizer = self.featurizer if self.featurizer is not None else SentimentFeaturizer()
        X = featurizer.fit_transform(docs)
        n_dense = SentimentFeaturizer.N_DENSE if featurizer.use_lexicon else 0

        # Stratify the calibration split by label and kind of row, so each head is calibrated
        # on data like the data it learns from.
        strata = (labels + 1) * 2 + three
        counts = np.bincount(strata, minlength=6)
        fit_idx, cal_idx = train_test_split(
            np.arange(len(labels)), test_size=self.calibration_fraction,
            stratify=strata if counts[counts > 0].min() >= 2 else None,
            random_state=self.random_state,
        )
        in_fit = np.zeros(len(labels), dtype=bool)
        in_fit[fit_idx] = True

        heads = [(polar, (labels > 0).astype(int), weights, self.C, self.fit_intercept)]
        neutral_rows = three | (polar & (self.binary_neutral_weight > 0))
        if (three & (labels == 0)).any() and (three & polar).any():
            w_neutral = np.where(three, weights, weights * self.binary_neutral_weight)
            heads.append((neutral_rows, (labels == 0).astype(int), w_neutral, self.neutral_C,
                          True))
        coefs, intercepts, platts = [], [], []
        for k, (rows, target, w, C, intercept) in enumerate(heads):
            # The polarity head reads only the dense columns that say which side a text takes.
            Xh = _without_dense(X, n_dense, batch.POLARITY_DENSE) if k == 0 else X
            coef, b, platt = self._fit_head(Xh, rows, target, w, in_fit, C, intercept, n_dense)
            coefs.append(coef)
            intercepts.append(b)
            platts.append(platt)

        self.featurizer_ = featurizer
        self.coef_ = np.vstack(coefs).astype(np.float32)
        self.intercept_ = np.array(intercepts, dtype=np.float64)
        self.platt_ = np.array(platts, dtype=np.float64)
        self.classes_ = LABELS.copy()
        self.version_ = MODEL_VERSION
        self.n_train_ = len(labels)
        self.__dict__.pop("_weights", None)
        return self

    def _fit_head(self, X: sp.csr_matrix, rows: np.ndarray, target: np.ndarray,
                  weights: np.ndarray, in_fit: np.ndarray, C: float, intercept: bool,
                  n_dense: int) -> tuple[np.ndarray, float, tuple[float, float]]:
        """One NB-LR head: coefficients (NB ratio folded in), intercept, Platt (slope, bias)."""
        ratio = self._nb_ratio(X[rows], target[rows], n_dense)
        Xr = (X @ sp.diags(ratio)).tocsr()
        fit_rows = rows & in_fit
        cal_rows = rows & ~in_fit
        held = self._logreg(C, intercept).fit(Xr[fit_rows], target[fit_rows],
                                              sample_weight=weights[fit_rows])
        platt = LogisticRegression(C=1e4, max_iter=1000)
        if len(np.unique(target[cal_rows])) == 2:
            platt.fit(held.decision_function(Xr[cal_rows]).reshape(-1, 1), target[cal_rows],
                      sample_weight=weights[cal_rows])
            slope, bias = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        else:  # too little data to calibrate: trust the regression's own probabilities
            slope, bias = 1.0, 0.0
        final = held
        if self.refit:
            final = self._logreg(C, intercept).fit(Xr[rows], target[rows],
                                                   sample_weight=weights[rows])
        b = float(np.ravel(final.intercept_)[0]) if intercept else 0.0
        return final.coef_.ravel() * ratio, b, (slope, bias)

    def _logreg(self, C: float, intercept: bool) -> LogisticRegression:
        return LogisticRegression(C=C, max_iter=self.max_iter, solver="liblinear",
                                  fit_intercept=intercept, random_state=self.random_state)

    def _nb_ratio(self, X: sp.csr_matrix, y: np.ndarray, n_dense: int) -> np.ndarray:
        a = self.nb_alpha
        p = a + np.asarray(X[y == 1].sum(axis=0)).ravel()
        q = a + np.asarray(X[y == 0].sum(axis=0)).ravel()
        ratio = np.log((p / p.sum()) / (q / q.sum()))
        if n_dense:
            ratio[-n_dense:] = 1.0
        return ratio

    @property
    def has_neutral_head(self) -> bool:
        """Whether the model learned 中性 from three-class data (else it uses the band)."""
        self._check_fitted()
        return self.coef_.shape[0] > 1

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

    def _group_scores(self, parts: batch.GroupParts, tail: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Calibrated P(positive), the sentiment-cue mask and P(neutral) of texts or clauses.

        The polarity head's calibrated logit is blended for short texts with the lexicon
        logit: a one- or two-word answer (好, 很棒, 太差了) carries too few n-grams for the
        regression, whose single strongest n-gram then decides it, while its lexicon cue is
        unambiguous. The lexicon's weight is 1 for one content word and halves every
        ``short_text_words`` further words, so it fades out for ordinary sentences. A mixed
        text is then pulled towards what follows its last turn word: first by the tail's own
        score (``tail``, the logits from :meth:`_tail_logits`; ``tail_weight``), then by the
        tail's lexicon (``contrast_weight``, ``reservation_weight``).
        """
        dense = parts.dense(self.featurizer_.lexicon_weight)
        decision = batch.group_decision(self.featurizer_, self._decision_weights(), parts.vid,
                                        parts.groups, dense, *parts.chars)
        decision += self.intercept_
        a, b = self.platt_[0]
        logit = a * decision[:, 0] + b
        if tail is not None:
            has = ~np.isnan(tail)
            # Only a complaining tail pulls (see ``tail_weight``).
            side = np.where(has, np.minimum(tail, 0.0), 0.0)
            w = self.tail_weight
            logit = _pull(logit, (1.0 - w) * logit + w * side, side)
        pos, neg = parts.polar_mass()
        cues = (pos + neg) > 0
        half = self.short_text_words
        if half:
            lean = np.where(cues, 0.5 ** (np.maximum(parts.words - 1, 0) / half), 0.0)
            lexical = self.lexicon_slope * (pos - neg)
            blend = (1.0 - lean) * logit + lean * lexical
            logit = _pull(logit, blend, lexical)
        if self.contrast_weight:
            turned = parts.lex[:, batch.LEX_TURNED] > 0
            tail = self.lexicon_slope * (parts.lex[:, batch.LEX_TAIL_POS]
                                         - parts.lex[:, batch.LEX_TAIL_NEG])
            # A tail without lexicon mass after praise is a reservation (see batch.turn_lean):
            # it pulls with its own, larger weight, since no word of it says how strongly.
            silent = turned & (tail == 0)
            tail = np.where(silent, self.lexicon_slope * batch.turn_lean(parts.lex), tail)
            tail = np.where(turned, tail, 0.0)
            weight = np.where(silent, self.reservation_weight, self.contrast_weight)
            blend = (1.0 - weight) * logit + weight * tail
            logit = _pull(logit, blend, tail)
        neutral = None
        if decision.shape[1] > 1:
            a_n, b_n = self.platt_[1]
            neutral = expit(a_n * decision[:, 1] + b_n)
        return expit(logit), cues, neutral

    def _score(self, texts: Sequence[str], cuts: Sequence[Sequence[str]], signal: np.ndarray,
               clauses: bool = False, sarcasm: np.ndarray | None = None,
               courtesy: np.ndarray | None = None, tails: bool = True) -> batch.Scored:
        """Scores of whole texts and, when asked, of every clause of multi-clause texts.

        With ``tails``, a mixed text then leans on the score of what follows its last
        clause-opening turn word (see ``tail_weight``).
        """
        table = self._token_table()
        flat, lengths = batch.flatten(cuts)
        tid = table.ids(flat)
        pairs = table.pairs()
        arrays = table.arrays
        docs = batch.groups_from_lengths(lengths)
        featurizer = getattr(self, "featurizer_", None)
        n_vocab = len(featurizer.vocabulary_) if featurizer is not None else 0
        plan = None
        if clauses:
            aligned = batch.aligned(texts, cuts)
            plan = batch.plan_clauses(tid, docs, arrays, aligned)
        clause_texts = batch.clause_texts(plan, docs, texts, flat) if plan is not None else []

        extra: dict = {}
        vid, lex, words = batch.scan_groups(tid, docs, arrays, n_vocab, pairs, extra)
        chars: list = [None, None]
        if self._uses_ngrams and featurizer is not None:
            codes, text_lengths = batch.char_stream(texts, featurizer.use_punctuation)
            batch.rewrite_intensifier_codes(codes, text_lengths, flat, lengths,
                                            extra["intensified"])
            labels = [batch.doc_char_labels(text_lengths)]
            if plan is not None and len(plan.doc):
                labels.append(batch.clause_char_labels(plan, docs, flat, text_lengths))
            found = batch.char_entries(codes, featurizer.char_ngrams, featurizer.char_bits,
                                       labels)
            chars = found + [None] * (2 - len(found))

        flags = batch.text_flags(texts)
        doc_parts = batch.GroupParts(vid, docs, lex, signal, words, flags, chars[0], sarcasm,
                                     courtesy)
        tail = self._tail_logits(cuts) if tails and self.tail_weight else None
        score, cue, neutral = self._group_scores(doc_parts, tail)
        empty = np.fromiter((not t for t in texts), dtype=bool, count=len(texts))
        score[empty & (signal == 0)] = 0.5
        out = batch.Scored(score, cue, empty, plan, clause_texts, tid=tid,
                           doc_of_token=docs.of_token, neutral=neutral, flags=flags)
        if plan is not None and len(plan.doc):
            sub, cgroups = batch.clause_groups(plan)
            cvid, clex, cwords = batch.scan_groups(tid[sub], cgroups, arrays, n_vocab, pairs)
            out.clause_flags = batch.text_flags(clause_texts)
            parts = batch.GroupParts(cvid, cgroups, clex, np.zeros(cgroups.count), cwords,
                                     out.clause_flags, chars[1])
            out.clause_score, out.clause_cue, out.clause_neutral = self._group_scores(parts)
        return out

    def _tail_logits(self, cuts: Sequence[Sequence[str]]) -> np.ndarray | None:
        """Per text, the logit of its turn tail's own score (NaN without a tail; None when no
        text has one). See ``tail_weight``."""
        found = [(i, tail) for i, toks in enumerate(cuts)
                 if not TAIL_TURNS.isdisjoint(toks) and (tail := turn_tail(list(toks)))]
        if not found:
            return None
        tail_cuts = [tail for _, tail in found]
        tail_score = self._score(["".join(t) for t in tail_cuts], tail_cuts,
                                 np.zeros(len(found)), tails=False).score
        out = np.full(len(cuts), np.nan)
        out[[i for i, _ in found]] = _logit(tail_score)
        return out

    def _label_proba(self, score: np.ndarray, cue: np.ndarray, neutral: np.ndarray | None,
                     empty: np.ndarray, filler: np.ndarray, question: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Labels and class probabilities ([-1, 0, 1] columns) from the scores.

        With a neutral head the label is the most probable class; texts that are empty or
        cue-less fillers are neutral by rule. Without one, the neutral band decides.
        """
        if neutral is None:
            return self._band_label_proba(score, cue, empty, filler, question)
        forced = ~cue & (empty | filler)
        neutral = np.where(forced, np.maximum(neutral, _FORCED_NEUTRAL), neutral)
        proba = np.column_stack([(1.0 - neutral) * (1.0 - score), neutral,
                                 (1.0 - neutral) * score])
        labels = LABELS[np.argmax(proba, axis=1)]
        return labels, proba

    def _band_label_proba(self, score: np.ndarray, cue: np.ndarray, empty: np.ndarray,
                          filler: np.ndarray, question: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray]:
        """The neutral band rule; the neutral mass is ``0.5 + band`` before normalising, so the
        most probable class is always the label (cue-forced neutrals get most of the mass)."""
        labels = np.where(score >= 0.5, 1, -1)
        band = np.where(cue, self.neutral_band, self.fact_band)
        labels[np.abs(score - 0.5) < band] = 0
        forced = ~cue & (empty | filler | question)
        labels[forced] = 0
        raw = np.column_stack([1.0 - score, np.where(forced, 4.0, 0.5 + band), score])
        return labels, raw / raw.sum(axis=1, keepdims=True)

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
        # Opening and closing thanks (…，辛苦运营了) are a sign-off, not a verdict.
        texts_n, cuts = without_sign_offs(texts_n, cuts)
        n = len(texts_n)
        signal = np.zeros(n)
        sarcasm = np.zeros(n)
        courtesy = np.zeros(n)
        # Few texts carry stickers or emoji: read the signals of those only.
        for i in [i for i, item in enumerate(normalized) if item.signals]:
            signal[i] = normalized[i].polarity
            sarcasm[i] = normalized[i].sarcasm
            courtesy[i] = normalized[i].courtesy
        filler = np.fromiter((n.is_filler for n in normalized), dtype=bool, count=n)
        scored = self._score(texts_n, cuts, signal, clauses, sarcasm, courtesy)
        labels, proba = self._label_proba(scored.score, scored.cue, scored.neutral,
                                          scored.empty, filler, scored.flags[:, 0])
        return texts_n, cuts, scored, labels, proba

    def _score_docs(self, docs: Sequence[SentimentDoc]) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated scores and the sentiment-cue mask of prepared docs."""
        signal = np.fromiter((d.signal_polarity for d in docs), dtype=float, count=len(docs))
        sarcasm = np.fromiter((d.sarcasm for d in docs), dtype=float, count=len(docs))
        courtesy = np.fromiter((d.courtesy for d in docs), dtype=float, count=len(docs))
        scored = self._score([d.text for d in docs], [d.tokens for d in docs], signal,
                             sarcasm=sarcasm, courtesy=courtesy)
        return scored.score, scored.cue

    def predict_score(self, texts: Sequence[str | None]) -> np.ndarray:
        """Calibrated probability that each text is positive rather than negative."""
        return self._analyze(texts)[2].score

    def predict(self, texts: Sequence[str | None]) -> np.ndarray:
        """Labels -1 / 0 / 1: the most probable class (see the module docstring)."""
        return self._analyze(texts)[3]

    def predict_proba(self, texts: Sequence[str | None]) -> np.ndarray:
        """Calibrated probabilities of the classes ``classes_`` = [-1, 0, 1], one row per text.

        The most probable class is always the label :meth:`predict` gives.
        """
        return self._analyze(texts)[4]

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
        texts_n, cuts, scored, labels, proba = self._analyze(
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
        return results, proba

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
            clabels, _ = self._label_proba(scored.clause_score, scored.clause_cue,
                                           scored.clause_neutral, none, none,
                                           scored.clause_flags[:, 0])
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

    # -- persistence ---------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """Serialise the fitted model to an ``.npz`` payload (JSON metadata, no pickled code).

        Only columns that the features can reach (non-zero IDF) are stored, with coefficients
        and IDF weights as float16: the file is a few megabytes, and scores move by less than
        1e-3.
        """
        self._check_fitted()
        fz = self.featurizer_
        n_char = 1 << fz.char_bits
        n_word = fz.n_word_features
        char_cols = np.flatnonzero(fz.char_idf_).astype(np.int32)
        word_cols = np.flatnonzero(fz.word_idf_).astype(np.int32)
        coef = self.coef_
        meta = {
            "format": MODEL_FORMAT,
            "params": {k: getattr(self, k) for k in _PREDICT_PARAMS},
            "featurizer": {k: getattr(fz, k) for k in _FEATURIZER_PARAMS},
            "vocabulary": sorted(fz.vocabulary_, key=fz.vocabulary_.__getitem__),
            "intercept": self.intercept_.tolist(),
            "platt": self.platt_.tolist(),
            "n_train": int(self.n_train_),
            "info": getattr(self, "training_info_", {}),
        }
        arrays = {
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            "char_cols": char_cols,
            "char_idf": fz.char_idf_[char_cols].astype(np.float16),
            "char_coef": coef[:, char_cols].astype(np.float16),
            "word_cols": word_cols,
            "word_idf": fz.word_idf_[word_cols].astype(np.float16),
            "word_coef": coef[:, n_char + word_cols].astype(np.float16),
            "dense_coef": coef[:, n_char + n_word:].astype(np.float32),
        }
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, **stages) -> SentimentModel:
        """Rebuild a model from :meth:`to_bytes` output (``segmenter=`` / ``normalizer=`` may
        be given); raises ValueError for anything else, or another version's payload."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                meta = json.loads(npz["meta"].tobytes().decode())
                arrays = {k: npz[k] for k in npz.files if k != "meta"}
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"not a saved sentiment model ({exc})") from None
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a version {MODEL_VERSION} sentiment model "
                             f"(format {meta.get('format')!r})")
        fparams = dict(meta["featurizer"])
        fparams["char_ngrams"] = tuple(fparams["char_ngrams"])
        fz = SentimentFeaturizer(**fparams)
        fz.vocabulary_ = {t: i for i, t in enumerate(meta["vocabulary"])}
        n_char = 1 << fz.char_bits
        n_word = fz.n_word_features
        fz.char_idf_ = np.zeros(n_char, dtype=np.float32)
        fz.char_idf_[arrays["char_cols"]] = arrays["char_idf"]
        fz.word_idf_ = np.zeros(n_word, dtype=np.float32)
        fz.word_idf_[arrays["word_cols"]] = arrays["word_idf"]
        n_heads = arrays["dense_coef"].shape[0]
        coef = np.zeros((n_heads, n_char + n_word + arrays["dense_coef"].shape[1]),
                        dtype=np.float32)
        coef[:, arrays["char_cols"]] = arrays["char_coef"]
        coef[:, n_char + arrays["word_cols"]] = arrays["word_coef"]
        coef[:, n_char + n_word:] = arrays["dense_coef"]
        model = cls(**meta["params"], **stages)
        model.featurizer_ = fz
        model.coef_ = coef
        model.intercept_ = np.asarray(meta["intercept"], dtype=np.float64)
        model.platt_ = np.asarray(meta["platt"], dtype=np.float64)
        model.classes_ = LABELS.copy()
        model.version_ = MODEL_VERSION
        model.n_train_ = meta["n_train"]
        model.training_info_ = meta.get("info", {})
        return model


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1.0 - 1e-6)
    return np.log(p / (1.0 - p))


def _pull(logit: np.ndarray, blend: np.ndarray, side: np.ndarray) -> np.ndarray:
    """``blend`` where it moves ``logit`` towards the sign of ``side``, else ``logit``.

    A lexicon rule only pulls towards its own side: it never makes a text that already leans
    its way less sure.
    """
    return np.where(side > 0, np.maximum(logit, blend),
                    np.where(side < 0, np.minimum(logit, blend), logit))


def _without_dense(X: sp.csr_matrix, n_dense: int, keep: Sequence[int]) -> sp.csr_matrix:
    """``X`` with the dense columns not in ``keep`` zeroed (their coefficients stay 0)."""
    if not n_dense:
        return X
    mask = np.ones(X.shape[1])
    mask[X.shape[1] - n_dense:] = 0.0
    mask[[X.shape[1] - n_dense + c for c in keep]] = 1.0
    return (X @ sp.diags(mask)).tocsr()


def _three_class_labels(y: Sequence[int], three_class: Sequence[bool] | None
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Labels in {-1, 0, 1} and the mask of three-class rows (see :meth:`SentimentModel.fit`)."""
    y_arr = np.asarray(y)
    if y_arr.ndim != 1 or set(np.unique(y_arr).tolist()) - {0, 1, -1}:
        raise ValueError("labels must be -1 (negative), 0 (neutral) and 1 (positive), "
                         "or 1 / 0 for binary data")
    y_arr = y_arr.astype(int)
    if not (y_arr == -1).any():
        # Binary labels: 0 is the negative class, and no row can teach 中性.
        return np.where(y_arr > 0, 1, -1), np.zeros(len(y_arr), dtype=bool)
    if three_class is None:
        return y_arr, np.ones(len(y_arr), dtype=bool)
    three = np.asarray(three_class, dtype=bool)
    if three.shape != y_arr.shape:
        raise ValueError("three_class must hold one flag per label")
    if (~three & (y_arr == 0)).any():
        raise ValueError("a 0 label needs a three-class row (binary rows are -1 or 1)")
    return y_arr, three
