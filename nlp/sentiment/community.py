"""Per-community sentiment layer learned from operator corrections, on top of the base model.

The layer works on the base model's three-class log-probabilities and adds two corrections:

* **Neighbour evidence.** Each correction votes for its label in texts that look like it
  (cosine similarity of hashed character 1–3-grams, at least ``min_similarity``). The vote is
  ``strength * weight * similarity**2``: an identical text is overridden firmly, a similar one
  nudged. With no corrections nothing is added, so the layer is the identity.
* **Stacking.** Once there are ``min_stack`` corrections covering at least two labels, a
  multinomial logistic regression learns from the base log-probabilities plus the hashed
  n-grams, with the corrections' sample weights; its log-probabilities are blended in with
  weight ``n / (n + stack_halfway)``.

The layer serialises to bytes (``to_bytes`` / ``from_bytes``, an ``.npz`` payload with no
pickled code) so the app can keep one per community in its database; the base model is not
part of it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.special import log_softmax, softmax
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from nlp.sentiment.features import char_ngram_counts

LABELS = np.array([-1, 0, 1])
_FORMAT = "huisheng-community-sentiment/1"


def correction_weights(ages_days: Sequence[float], repeats: Sequence[int] | None = None,
                       half_life_days: float = 90.0) -> np.ndarray:
    """Sample weights for corrections: halve every ``half_life_days``, grow with repeats.

    A correction made ``age`` days ago that operators made ``r`` times weighs
    ``0.5 ** (age / half_life) * (1 + log(r))``.
    """
    ages = np.asarray(ages_days, dtype=float)
    reps = np.ones_like(ages) if repeats is None else np.asarray(repeats, dtype=float)
    return 0.5 ** (np.maximum(ages, 0.0) / half_life_days) * (1.0 + np.log(np.maximum(reps, 1.0)))


def _vectorize(texts: Sequence[str], bits: int) -> sp.csr_matrix:
    counts = char_ngram_counts([(t or "").lower() for t in texts], (1, 3), bits)
    counts.data = 1.0 + np.log(counts.data)
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags(1.0 / norms) @ counts).tocsr()


class CommunitySentimentLayer:
    """Adjust a base sentiment model with one community's corrections (scikit-learn style).

    ``base`` is any object with ``predict_proba(texts) -> (n, 3)`` over labels [-1, 0, 1] and
    ``prepare``/``predict_many`` if :meth:`predict_many` is used (a :class:`SentimentModel`).
    """

    def __init__(self, base=None, *, min_similarity: float = 0.45, strength: float = 8.0,
                 min_stack: int = 12, stack_halfway: float = 40.0, C: float = 1.0,
                 n_bits: int = 18) -> None:
        self.base = base
        self.min_similarity = min_similarity
        self.strength = strength
        self.min_stack = min_stack
        self.stack_halfway = stack_halfway
        self.C = C
        self.n_bits = n_bits

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], labels: Sequence[int],
            sample_weight: Sequence[float] | None = None) -> CommunitySentimentLayer:
        """Learn from corrections (labels in {-1, 0, 1}); returns self. Empty input is allowed."""
        texts = [t or "" for t in texts]
        y = np.asarray(labels, dtype=int).reshape(-1)
        if len(texts) != len(y):
            raise ValueError("texts and labels must have the same length")
        if set(y.tolist()) - {-1, 0, 1}:
            raise ValueError("labels must be -1, 0 or 1")
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if len(w) != len(y) or (w < 0).any():
            raise ValueError("sample_weight must be non-negative, one per text")
        self.texts_ = list(texts)
        self.labels_ = y
        self.weights_ = w
        self.X_ = _vectorize(self.texts_, self.n_bits)
        self.stacker_ = None
        if len(y) >= self.min_stack and len(set(y.tolist())) >= 2:
            self._fit_stacker()
        return self

    def _base_logp(self, texts: Sequence[str]) -> np.ndarray:
        if self.base is None:
            raise NotFittedError("CommunitySentimentLayer needs a base model (base=...)")
        proba = np.clip(self.base.predict_proba(list(texts)), 1e-12, 1.0)
        return np.log(proba)

    def _stack_features(self, base_logp: np.ndarray, X: sp.csr_matrix) -> sp.csr_matrix:
        return sp.hstack([sp.csr_matrix(base_logp), X], format="csr")

    def _fit_stacker(self) -> None:
        feats = self._stack_features(self._base_logp(self.texts_), self.X_)
        self.stacker_ = LogisticRegression(C=self.C, max_iter=2000).fit(
            feats, self.labels_, sample_weight=self.weights_
        )

    # -- predicting ----------------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise NotFittedError("CommunitySentimentLayer is not fitted yet; call fit() first")

    @property
    def n_corrections(self) -> int:
        """How many corrections the layer learned from."""
        self._check_fitted()
        return len(self.labels_)

    def adjust_logp(self, texts: Sequence[str], base_logp: np.ndarray) -> np.ndarray:
        """Adjusted class log-probabilities given the base model's for the same texts."""
        self._check_fitted()
        base_logp = np.asarray(base_logp, dtype=float)
        if not len(self.labels_) or not len(texts):
            return base_logp
        X = _vectorize([t or "" for t in texts], self.n_bits)
        sims = (X @ self.X_.T).toarray()
        sims[sims < self.min_similarity] = 0.0
        onehot = np.eye(3)[self.labels_ + 1]
        votes = (sims ** 2 * self.weights_) @ onehot * self.strength
        logits = base_logp + votes
        if self.stacker_ is not None:
            stack_logp = np.full((len(texts), 3), -20.0)
            cols = [int(c) + 1 for c in self.stacker_.classes_]
            stack_logp[:, cols] = self.stacker_.predict_log_proba(
                self._stack_features(base_logp, X)
            )
            n = len(self.labels_)
            alpha = n / (n + self.stack_halfway)
            logits = (1 - alpha) * logits + alpha * (stack_logp + votes)
        return log_softmax(logits, axis=1)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of labels [-1, 0, 1] after this community's corrections."""
        self._check_fitted()
        texts = list(texts)
        if not len(self.labels_):
            return self.base.predict_proba(texts)
        return softmax(self.adjust_logp(texts, self._base_logp(texts)), axis=1)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Labels -1 / 0 / 1 after this community's corrections."""
        return LABELS[np.argmax(self.predict_proba(texts), axis=1)]

    def predict_many(self, texts: Sequence[str], **kwargs):
        """The base model's ``predict_many`` results with labels adjusted by the corrections.

        Scores (probability of positive) are renormalised between the positive and negative
        classes of the adjusted distribution; clause results stay the base model's.
        """
        from dataclasses import replace

        self._check_fitted()
        texts = list(texts)
        results = self.base.predict_many(texts, **kwargs)
        if not len(self.labels_):
            return results
        base_logp = np.log(np.clip(self.base.predict_proba(texts), 1e-12, 1.0))
        proba = softmax(self.adjust_logp(texts, base_logp), axis=1)
        out = []
        for res, p in zip(results, proba, strict=True):
            label = int(LABELS[int(np.argmax(p))])
            score = float(p[2] / max(p[0] + p[2], 1e-9))
            out.append(replace(res, label=label, score=score,
                               confidence=float(abs(score - 0.5) * 2)))
        return out

    # -- persistence ---------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """Serialise the corrections and settings (not the base model) to bytes."""
        self._check_fitted()
        params = {k: getattr(self, k) for k in
                  ("min_similarity", "strength", "min_stack", "stack_halfway", "C", "n_bits")}
        meta = {"format": _FORMAT, "params": params, "texts": self.texts_}
        buf = io.BytesIO()
        np.savez_compressed(
            buf, meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            labels=self.labels_, weights=self.weights_,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, base=None) -> CommunitySentimentLayer:
        """Rebuild a layer from :meth:`to_bytes` output, on top of ``base``."""
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode())
            if meta.get("format") != _FORMAT:
                raise ValueError("not a serialised CommunitySentimentLayer")
            labels = npz["labels"]
            weights = npz["weights"]
        layer = cls(base, **meta["params"])
        return layer.fit(meta["texts"], labels, weights)

