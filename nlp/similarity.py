"""Chinese text similarity for finding near-duplicate feedback: TF-IDF cosine over segmenter
tokens (words, optionally adjacent word pairs), blended with character bigrams so that
different cuts of the same phrase still meet.

The estimator follows scikit-learn's conventions: ``__init__`` only stores parameters, ``fit``
learns the vocabulary and the document matrix and returns ``self``, learned attributes end in
``_``, and querying before ``fit`` raises ``NotFittedError``. The tokenizer is injected
(``tokenizer=Segmenter().tokens`` by default), so a community's own segmenter can be used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["SimilarMatch", "TextSimilarity", "ThemeSpaceSimilarity", "char_bigrams",
           "word_ngrams"]

Tokenizer = Callable[[str], list[str]]

# Characters that carry meaning for the character view: Han, letters and digits.
_RE_KEEP = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbfA-Za-z0-9]+")


@dataclass(frozen=True)
class SimilarMatch:
    """A fitted document similar to the query: its position in the fitted texts and the score."""

    index: int
    score: float


def word_ngrams(tokens: Sequence[str], n_max: int = 2) -> list[str]:
    """The tokens plus every run of up to ``n_max`` adjacent tokens, joined by a space."""
    grams = list(tokens)
    for n in range(2, n_max + 1):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_bigrams(text: str) -> list[str]:
    """Overlapping character pairs inside runs of Han characters, letters and digits."""
    grams: list[str] = []
    for run in _RE_KEEP.findall(text.lower()):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    return grams


def best_matches(scores: np.ndarray, limit: float, exclude: Iterable[int] = (),
                 top_k: int = 5) -> list[SimilarMatch]:
    """The indices of ``scores`` best first, scoring at least ``limit`` (and above 0), without
    ``exclude``, at most ``top_k``."""
    skip = set(exclude)
    matches = []
    for i in np.argsort(-scores, kind="stable"):
        score = float(scores[i])
        if score < limit or score <= 0.0:
            break
        if int(i) in skip:
            continue
        matches.append(SimilarMatch(int(i), round(score, 4)))
        if len(matches) >= top_k:
            break
    return matches


def _identity(tokens):
    return tokens


class _Searchable:
    """``query`` for an estimator with ``similarity_matrix``, ``threshold``, ``n_documents_``
    and ``_check_fitted``."""

    def query(
        self,
        text: str,
        *,
        top_k: int = 5,
        threshold: float | None = None,
        exclude: Iterable[int] = (),
    ) -> list[SimilarMatch]:
        """The fitted texts most similar to ``text``, best first, scoring at least ``threshold``."""
        self._check_fitted()
        if self.n_documents_ == 0 or not (text or "").strip():
            return []
        limit = self.threshold if threshold is None else threshold
        return best_matches(self.similarity_matrix([text])[0], limit, exclude, top_k)


class TextSimilarity(_Searchable, BaseEstimator):
    """Find the fitted texts most similar to a query text (cosine of TF-IDF vectors).

    Parameters
    ----------
    tokenizer:
        ``text -> content tokens``; defaults to ``nlp.segment.Segmenter().tokens``.
    max_ngram:
        Longest run of adjacent tokens used as a feature (1, the default, is single words:
        paraphrased duplicates share words more often than word pairs).
    char_weight:
        Share of the character-bigram similarity in the blended score (0 = words only).
    threshold:
        Default minimum score for :meth:`query` and :meth:`pairs`.
    sublinear_tf:
        Use ``1 + log(tf)`` so that repeating a word does not dominate.
    """

    def __init__(
        self,
        tokenizer: Tokenizer | None = None,
        *,
        max_ngram: int = 1,
        char_weight: float = 0.4,
        threshold: float = 0.2,
        sublinear_tf: bool = True,
    ) -> None:
        self.tokenizer = tokenizer
        self.max_ngram = max_ngram
        self.char_weight = char_weight
        self.threshold = threshold
        self.sublinear_tf = sublinear_tf

    # -- fitting ------------------------------------------------------------------------------

    def _tokenizer(self) -> Tokenizer:
        if self.tokenizer is not None:
            return self.tokenizer
        from nlp.segment import Segmenter

        return Segmenter().tokens

    def _word_features(self, texts: Iterable[str]) -> list[list[str]]:
        tokenize = self.tokenizer_
        return [word_ngrams(tokenize(t or ""), self.max_ngram) for t in texts]

    def fit(self, texts: Sequence[str], y=None) -> TextSimilarity:
        """Learn the vocabulary and IDF weights from ``texts`` and keep their vectors."""
        if not 0.0 <= self.char_weight <= 1.0:
            raise ValueError("char_weight must be between 0 and 1")
        if self.max_ngram < 1:
            raise ValueError("max_ngram must be at least 1")
        texts = list(texts)
        self.tokenizer_ = self._tokenizer()
        self.n_documents_ = len(texts)
        self.word_vectorizer_ = None
        self.char_vectorizer_ = None
        self.word_matrix_ = None
        self.char_matrix_ = None
        if texts:
            words = self._word_features(texts)
            if any(words):
                self.word_vectorizer_ = TfidfVectorizer(
                    analyzer=_identity, sublinear_tf=self.sublinear_tf, norm="l2"
                )
                self.word_matrix_ = self.word_vectorizer_.fit_transform(words)
            chars = [char_bigrams(t or "") for t in texts]
            if self.char_weight > 0 and any(chars):
                self.char_vectorizer_ = TfidfVectorizer(
                    analyzer=_identity, sublinear_tf=self.sublinear_tf, norm="l2"
                )
                self.char_matrix_ = self.char_vectorizer_.fit_transform(chars)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_documents_"):
            raise NotFittedError(
                "This TextSimilarity instance is not fitted yet; call fit(texts) first."
            )

    # -- scoring ------------------------------------------------------------------------------

    def _blend(self, word_scores, char_scores):
        w = self.char_weight if char_scores is not None else 0.0
        if word_scores is None:
            return char_scores if char_scores is not None else None
        if char_scores is None:
            return word_scores
        return (1.0 - w) * word_scores + w * char_scores

    def similarity_matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Scores between each of ``texts`` (rows) and every fitted text (columns), in 0..1."""
        self._check_fitted()
        texts = list(texts)
        shape = (len(texts), self.n_documents_)
        word_scores = char_scores = None
        if self.word_vectorizer_ is not None:
            query = self.word_vectorizer_.transform(self._word_features(texts))
            word_scores = (query @ self.word_matrix_.T).toarray()
        if self.char_vectorizer_ is not None:
            query = self.char_vectorizer_.transform([char_bigrams(t or "") for t in texts])
            char_scores = (query @ self.char_matrix_.T).toarray()
        scores = self._blend(word_scores, char_scores)
        if scores is None:
            return np.zeros(shape)
        return np.clip(scores, 0.0, 1.0)

    def pairs(self, threshold: float | None = None) -> list[tuple[int, int, float]]:
        """Pairs ``(i, j, score)`` with ``i < j`` among the fitted texts that look alike."""
        self._check_fitted()
        limit = self.threshold if threshold is None else threshold
        if self.n_documents_ < 2:
            return []
        scores = None
        w = self.char_weight if self.char_matrix_ is not None else 0.0
        if self.word_matrix_ is not None:
            scores = (1.0 - w) * (self.word_matrix_ @ self.word_matrix_.T)
        if self.char_matrix_ is not None:
            chars = (w if scores is not None else 1.0) * (self.char_matrix_ @ self.char_matrix_.T)
            scores = chars if scores is None else scores + chars
        if scores is None:
            return []
        # Stay sparse: a community's whole box can be thousands of texts.
        upper = sparse.triu(scores, k=1).tocoo()
        keep = upper.data >= limit
        found = [(int(i), int(j), round(float(v), 4))
                 for i, j, v in zip(upper.row[keep], upper.col[keep], upper.data[keep],
                                    strict=True)]
        return sorted(found, key=lambda p: (-p[2], p[0], p[1]))


class ThemeSpaceSimilarity(_Searchable, BaseEstimator):
    """Find similar texts by the cosine of their vectors in the insights' theme space.

    The analysis clusters feedback in an LSA space (``nlp.themes.features.ThemeVectorizer``:
    TF-IDF over content words and the character bigrams inside them, reduced by truncated
    SVD). Two phrasings of one complaint share few exact words but land close together in that
    space, where plain TF-IDF cosine scores them low. ``background`` token lists (a corpus of
    community feedback) are fitted along with the texts, so that even a handful of texts gets
    a meaningful space; only the texts themselves are searched.

    Parameters
    ----------
    tokenizer:
        ``text -> content tokens``; defaults to ``nlp.segment.Segmenter().tokens``.
    background:
        Token lists fitted with the texts but never returned as matches.
    n_components:
        Dimensions of the space (fewer when there are not enough texts).
    threshold:
        Default minimum score for :meth:`query` and :meth:`pairs`.
    """

    def __init__(
        self,
        tokenizer: Tokenizer | None = None,
        *,
        background: Sequence[Sequence[str]] = (),
        n_components: int = 100,
        threshold: float = 0.45,
    ) -> None:
        self.tokenizer = tokenizer
        self.background = background
        self.n_components = n_components
        self.threshold = threshold

    def fit(self, texts: Sequence[str], y=None) -> ThemeSpaceSimilarity:
        """Learn the space from the background and ``texts``; keep the texts' vectors."""
        from nlp.themes.features import ThemeVectorizer

        texts = list(texts)
        self.tokenizer_ = self.tokenizer or _default_tokenizer()
        self.n_documents_ = len(texts)
        tokens = [self.tokenizer_(t or "") for t in texts]
        fitted = [list(t) for t in self.background] + tokens
        self.vectorizer_ = None
        self.vectors_ = np.zeros((len(texts), 0), dtype=np.float32)
        if any(fitted):
            # SVD needs fewer components than both documents and features
            dims = max(1, min(self.n_components, len(fitted) - 1))
            self.vectorizer_ = ThemeVectorizer(n_components=dims)
            z = self.vectorizer_.fit_transform(fitted)
            self.vectors_ = z[len(fitted) - len(texts):]
            # texts without a known word have no direction: they match nothing
            self.vectors_[[not t for t in tokens]] = 0.0
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_documents_"):
            raise NotFittedError(
                "This ThemeSpaceSimilarity instance is not fitted yet; call fit(texts) first."
            )

    def similarity_matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Scores between each of ``texts`` (rows) and every fitted text (columns), in 0..1."""
        self._check_fitted()
        texts = list(texts)
        if self.vectorizer_ is None or not self.n_documents_:
            return np.zeros((len(texts), self.n_documents_))
        query = self.vectorizer_.transform([self.tokenizer_(t or "") for t in texts])
        return np.clip(query @ self.vectors_.T, 0.0, 1.0).astype(float)

    def pairs(self, threshold: float | None = None) -> list[tuple[int, int, float]]:
        """Pairs ``(i, j, score)`` with ``i < j`` among the fitted texts that look alike."""
        self._check_fitted()
        limit = self.threshold if threshold is None else threshold
        if self.n_documents_ < 2 or self.vectorizer_ is None:
            return []
        scores = np.triu(self.vectors_ @ self.vectors_.T, k=1)
        i, j = np.nonzero(scores >= limit)
        found = [(int(a), int(b), round(float(scores[a, b]), 4)) for a, b in zip(i, j, strict=True)]
        return sorted(found, key=lambda t: (-t[2], t[0], t[1]))


def _default_tokenizer() -> Tokenizer:
    from nlp.segment import Segmenter

    return Segmenter().tokens
