"""ThemeModel: the theme estimator (fit on a run, predict new items, carry identity forward)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from nlp.codeframe import NONE, CodeFrame, load_code_frame
from nlp.codeframe_classifier import CodeFrameClassifier, default_classifier
from nlp.themes.autok import choose_k
from nlp.themes.features import ThemeVectorizer, feature_entries
from nlp.themes.generic import is_generic, is_keyword_noise, pos_of
from nlp.themes.identity import match_previous
from nlp.themes.kmeans import kmeans_plus_plus, spherical_kmeans
from nlp.themes.labels import class_tfidf, phrase_names, phrase_subjects
from nlp.themes.phrases import apply_phrases, learn_phrases
from nlp.themes.quotes import representative, summary_sentence
from nlp.themes.seeds import area_choice, area_for, default_seeds, seed_choice, seed_hits
from nlp.themes.tiny import similarity_groups
from nlp.themes.types import (
    OTHER_ID,
    OTHER_NAME,
    STATUS_ACTIVE,
    STATUS_ARCHIVED,
    SeedTheme,
    Theme,
    ThemeRecord,
    ThemeSnapshot,
)

TINY_ITEMS = 30
NOVELTY_GAIN = 0.15
# The largest share of a new theme's items that may have had a theme last run: a topic that
# is really new arrives with the new items (or with those no theme held), while a cluster
# made of old themes' items re-cuts them and moves items operators have already read.
NOVEL_FROM_OLD_SHARE = 0.25
# How much a remembered theme's keyword profile adds to the mean of its old items' vectors.
MEMORY_PROFILE_SHARE = 0.25
PROFILE_TERMS = 30
Tokenizer = Callable[[str], Sequence[str]]


class NotFittedError(RuntimeError):
    """Raised when a ThemeModel is used before ``fit``."""


@dataclass
class _Group:
    """A cluster under construction: local member indices and where it came from."""

    members: np.ndarray
    seed: int | None = None
    memory: int | None = None
    theme_id: int | None = None
    extra: list[int] = field(default_factory=list)
    label: str | None = None


class ThemeModel:
    """Themes of a run: code-frame themes first, then discovered themes with automatic k.

    Every item goes through the same steps, in a full run and one at a time: a filler or
    an item without content words goes to 其他; an item naming an operator seed's words
    joins that seed's theme; else an item the code-frame classifier places in a frame theme
    joins it; else it joins the nearest discovered theme, or 其他 when nothing is near.

    Parameters (stored as given, scikit-learn style):

    - ``tokenizer``: callable text -> content tokens, used when ``fit``/``predict``
      receive strings rather than token lists (default: the community
      :class:`~nlp.segment.Segmenter`'s ``tokens``).
    - ``code_frame``: the code frame, or a :class:`~nlp.codeframe_classifier.CodeFrameClassifier`
      (fitted, or fitted here); ``CodeFrame.empty()`` for none. None means the shipped
      frame when ``k`` is automatic; an explicit ``k`` asks for exactly k themes of the
      items (as splitting a theme does), so None then means no frame.
    - ``frame_corrections``: operator corrections that train the frame classifier
      (:class:`~nlp.codeframe.FrameCorrection` or ``(text, key, weight)``).
    - ``phrases``: learn the run's collocations (森林 人 → 森林人) and treat them as words.
    - ``k``: number of discovered themes (not counting frame themes or 其他); None
      chooses it automatically (see :mod:`nlp.themes.autok`). ``k_max`` bounds the choice
      (discovered themes only: the frame's themes are a fixed, familiar list).
    - ``seeds``: operator seed themes (:class:`SeedTheme`); items mentioning a seed's
      words join it, and its centroid stays anchored to the seed words.
    - ``areas``: seed themes used only to label each theme with an operations area
      (default: the shipped nine areas).
    - ``max_outlier_share`` / ``outlier_similarity``: an item whose cosine to its theme
      is below ``outlier_similarity`` goes to 其他, but never more than this share of items.
    - ``min_theme_size``: smaller clusters are dissolved into their neighbours
      (default: 1% of the items, between 3 and 25).
    - ``match_threshold``: how alike a cluster and a previous theme must be to share an id.
    - ``blas_threads``: BLAS threads while fitting (None: the library default). One is
      the default because several workers share the machine, and a contended
      multi-threaded BLAS was measured several times slower than a single thread.

    Learned attributes: ``labels_`` (theme id per item), ``themes_`` (list of
    :class:`Theme`, largest first, 其他 last), ``k_`` (themes found, not counting 其他),
    ``k_scores_`` (silhouette per k tried), ``outlier_share_``, ``vectorizer_``,
    ``centroids_`` and ``theme_ids_`` (rows of centroids_: the discovered and seeded
    themes), ``outlier_threshold_``, ``phrases_`` (learned word pairs), ``frame_`` (the
    fitted :class:`~nlp.codeframe_classifier.CodeFrameClassifier`, or None) and
    ``frame_theme_ids_`` (frame key -> theme id).
    """

    def __init__(
        self,
        tokenizer: Tokenizer | None = None,
        k: int | None = None,
        k_max: int = 30,
        seeds: Sequence[SeedTheme] | None = None,
        areas: Sequence[SeedTheme] | None = None,
        n_components: int = 100,
        char_bigrams: bool = True,
        max_outlier_share: float = 0.1,
        outlier_similarity: float = 0.15,
        min_theme_size: int | None = None,
        n_keywords: int = 10,
        n_quotes: int = 5,
        match_threshold: float = 0.3,
        seed_weight: float = 0.5,
        memory_weight: float = 0.5,
        random_state: int = 0,
        blas_threads: int | None = 1,
        code_frame: CodeFrame | CodeFrameClassifier | None = None,
        frame_corrections: Sequence | None = None,
        phrases: bool = True,
    ):
        self.tokenizer = tokenizer
        self.k = k
        self.k_max = k_max
        self.seeds = seeds
        self.areas = areas
        self.n_components = n_components
        self.char_bigrams = char_bigrams
        self.max_outlier_share = max_outlier_share
        self.outlier_similarity = outlier_similarity
        self.min_theme_size = min_theme_size
        self.n_keywords = n_keywords
        self.n_quotes = n_quotes
        self.match_threshold = match_threshold
        self.seed_weight = seed_weight
        self.memory_weight = memory_weight
        self.random_state = random_state
        self.blas_threads = blas_threads
        self.code_frame = code_frame
        self.frame_corrections = frame_corrections
        self.phrases = phrases

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        X: Sequence[str] | Sequence[Sequence[str]],
        *,
        ids: Sequence[object] | None = None,
        texts: Sequence[str] | None = None,
        sentiments: Sequence[int] | None = None,
        fillers: Sequence[bool] | None = None,
        previous: ThemeSnapshot | None = None,
    ) -> ThemeModel:
        """Find the themes of ``X`` (texts, or token lists from the segmenter).

        ``ids`` are stable item ids (needed for pinned corrections and member overlap),
        ``texts`` the readable texts for quotes (defaults to ``X`` when it holds strings),
        ``sentiments`` the per-item labels (-1/0/1) for each theme's sentiment mix,
        ``fillers`` marks filler answers (they go to 其他), ``previous`` is the last
        run's :meth:`snapshot`.
        """
        if self.blas_threads is None:
            return self._fit(X, ids, texts, sentiments, fillers, previous)
        with threadpool_limits(self.blas_threads):
            return self._fit(X, ids, texts, sentiments, fillers, previous)

    def _fit(self, X, ids, texts, sentiments, fillers, previous) -> ThemeModel:
        raw = self._tokens(X)
        n = len(raw)
        if texts is None and n and isinstance(X[0], str):
            texts = list(X)
        if ids is not None and len(ids) != n:
            raise ValueError(f"ids has {len(ids)} entries for {n} items")
        for name, seq in (("texts", texts), ("sentiments", sentiments), ("fillers", fillers)):
            if seq is not None and len(seq) != n:
                raise ValueError(f"{name} has {len(seq)} entries for {n} items")
        item_ids = [str(i) for i in ids] if ids is not None else None
        previous = previous if previous is not None else ThemeSnapshot()
        filler = np.zeros(n, dtype=bool) if fillers is None else np.asarray(fillers, dtype=bool)
        seeds = self._all_seeds(previous)
        usable = np.fromiter(map(bool, raw), dtype=bool, count=n) & ~filler
        u_idx = np.flatnonzero(usable)
        tokens, picks, frame_key, z_all, counts_all = self._read_items(
            raw, texts, u_idx, seeds
        )
        self._last_fit = (X, tokens)
        u_row = np.full(n, -1, dtype=np.int64)
        u_row[u_idx] = np.arange(len(u_idx))
        # Discovered (and seeded) themes are clustered from the items outside the frame.
        local = np.flatnonzero(usable & (frame_key == NONE))
        z = z_all[u_row[local]] if len(local) else np.zeros((0, z_all.shape[1]), np.float32)
        counts = counts_all[u_row[local]] if counts_all is not None and len(local) else None
        groups = self._discover(z, [tokens[i] for i in local], picks[local], seeds, previous,
                                _history(local, item_ids, previous))
        word_cols = self._word_columns()
        labels_local = self._identify(
            groups, z, counts, word_cols, local, item_ids, seeds, previous
        )
        frame_ids = self._frame_ids(frame_key, previous)
        cents = self._centroids(labels_local, z, seeds)
        labels = np.full(n, OTHER_ID, dtype=np.int64)
        labels[local] = self._assign_local(z, picks[local], cents)
        for i in np.flatnonzero(frame_key != NONE):
            labels[i] = frame_ids[frame_key[i]]
        if item_ids is not None and previous.pinned:
            for i, item in enumerate(item_ids):
                if item in previous.pinned:
                    labels[i] = previous.resolve(previous.pinned[item])
        self.labels_ = labels
        self._build_themes(
            labels, u_idx, u_row, z_all, counts_all, word_cols, tokens, texts, sentiments,
            seeds, previous, item_ids, cents, frame_ids,
        )
        return self

    def _read_items(self, raw, texts, u_idx, seeds):
        """Phrases, seed picks, frame keys and vectors of the usable items.

        Returns the phrase-joined tokens of every item, the seed each item names (-1: none),
        the frame key of every item (``none`` outside the frame), and the vectors and raw
        feature counts of the usable items (rows in ``u_idx`` order).
        """
        n = len(raw)
        self.phrases_ = []
        if self.phrases and len(u_idx):
            self.phrases_ = learn_phrases(
                [raw[i] for i in u_idx], [texts[i] for i in u_idx] if texts is not None else None
            )
        tokens = apply_phrases(raw, self.phrases_)
        picks = np.full(n, -1, dtype=np.int64)
        if len(u_idx):
            # Seed words are matched against the segmenter's words, as operators see them
            # (回放 in 课程 / 回放, whatever the run's phrases join).
            picks[u_idx] = seed_choice(seed_hits([raw[i] for i in u_idx], seeds))
        # One count of every usable item's features serves the frame classifier and the
        # vector space (frame themes need vectors too, for their quotes).
        u_tokens = [tokens[i] for i in u_idx]
        entries = feature_entries(u_tokens, self.char_bigrams) if len(u_idx) else None
        # The classifier always reads character bigrams, whatever the vectors use.
        frame_key = self._classify(n, u_idx, entries if self.char_bigrams else (
            feature_entries(u_tokens) if len(u_idx) else None), picks)
        self.vectorizer_ = None
        self.k_scores_: dict[int, float] = {}
        if not len(u_idx):
            return tokens, picks, frame_key, np.zeros((0, 1), dtype=np.float32), None
        self.vectorizer_ = ThemeVectorizer(
            n_components=self.n_components if len(u_idx) >= TINY_ITEMS else 0,
            char_bigrams=self.char_bigrams,
            random_state=self.random_state,
        )
        z_all = self.vectorizer_.fit_transform(u_tokens, entries=entries)
        return tokens, picks, frame_key, z_all, self.vectorizer_.counts_

    def _discover(self, z, tok_l, picks_l, seeds, previous, history) -> list[_Group]:
        """Groups of the items outside the frame (tiny runs: by similarity), and the
        outlier threshold new items are held to."""
        has_vec = np.linalg.norm(z, axis=1) > 0
        if len(z) < TINY_ITEMS:
            groups, threshold = self._tiny_groups(tok_l, z, has_vec, picks_l, len(seeds))
        else:
            groups, threshold = self._cluster(z, has_vec, picks_l, seeds, previous, history)
        self.outlier_threshold_ = threshold if len(z) else float(self.outlier_similarity)
        return groups

    def _classify(self, n: int, u_idx: np.ndarray, entries, picks: np.ndarray) -> np.ndarray:
        """The frame key of every usable item without a seed (else ``none``)."""
        self.frame_ = self._frame_classifier()
        keys = np.full(n, NONE, dtype=object)
        ask = np.flatnonzero(picks[u_idx] < 0)
        if self.frame_ is not None and len(ask):
            keys[u_idx[ask]] = self.frame_.predict_entries(
                entries, len(u_idx), ask, self._phrase_parts()
            )
        return keys

    def _phrase_parts(self) -> dict[str, tuple[str, str]]:
        """Each learned phrase and the two words it joins (the classifier counts those)."""
        return {a + b: (a, b) for a, b in getattr(self, "phrases_", [])}

    def _frame_classifier(self) -> CodeFrameClassifier | None:
        """The fitted frame classifier for ``code_frame`` and ``frame_corrections``."""
        frame = self.code_frame
        fixes = list(self.frame_corrections or ())
        if isinstance(frame, CodeFrameClassifier):
            if not hasattr(frame, "coef_"):
                frame.fit([_fix(c)[0] for c in fixes], [_fix(c)[1] for c in fixes],
                          [_fix(c)[2] for c in fixes])
            return frame if frame.enabled_.any() else None
        if frame is None and self.k is not None:
            # An explicit k asks for exactly k themes of these items (splitting a theme,
            # ``--k``): no frame unless one is passed.
            return None
        frame = frame if frame is not None else load_code_frame()
        if not frame.enabled_keys():
            return None
        return default_classifier(frame, [_fix(c) for c in fixes], tokenizer=self.tokenizer)

    def _frame_ids(self, frame_key: np.ndarray, previous: ThemeSnapshot) -> dict[str, int]:
        """A theme id per frame key present: the one its record had, or a new one."""
        out: dict[str, int] = {}
        order = self.frame_.classes_.tolist() if self.frame_ is not None else []
        present = set(frame_key[frame_key != NONE].tolist())
        self._frame_own: dict[int, str] = {}
        for key in (k for k in order if k in present):
            rec = previous.frame_record(key)
            if rec is not None:
                own = rec.id
            else:
                own = self._next_id
                self._next_id += 1
            out[key] = previous.resolve(own)
            if out[key] == own:
                # The frame theme itself (not one an operator merged it into).
                self._frame_own[own] = key
        self.frame_theme_ids_ = dict(out)
        return out

    def _word_columns(self) -> np.ndarray | None:
        """Vocabulary columns that may be keywords: whole words that are not generic, and
        that a dictionary knows, or the run learned as a phrase, or are Latin terms or
        longer than two characters (two-character unknown words are mostly the segmenter's
        guesses at a boundary: 比上, 全是)."""
        vec = self.vectorizer_
        if vec is None:
            return None
        phrases = set(self._phrase_parts())
        words = np.flatnonzero(vec.is_word_)
        keep = np.fromiter((_keyword_term(str(t), phrases) for t in vec.terms_[words]),
                           dtype=bool, count=len(words))
        return words[keep]

    def _centroids(self, labels_local: np.ndarray, z: np.ndarray, seeds) -> dict[int, np.ndarray]:
        """The centroid of every discovered or seeded theme: what new items are compared to.

        A seeded theme's centroid is pulled towards its seed words, as during clustering.
        """
        seed_by_id = {
            tid: seeds[j] for j, tid in enumerate(self.seed_theme_ids_) if tid is not None
        }
        cents: dict[int, np.ndarray] = {}
        for tid in np.unique(labels_local).tolist():
            if tid == OTHER_ID:
                continue
            members = labels_local == tid
            centroid = _unit(z[members].mean(axis=0))
            seed = seed_by_id.get(tid)
            if seed is not None and self.vectorizer_ is not None:
                centroid = _unit(
                    centroid + self.vectorizer_.term_vector(dict.fromkeys(seed.words, 1.0))
                )
            if np.linalg.norm(centroid) > 0:
                cents[int(tid)] = centroid.astype(np.float32)
        return cents

    def _assign_local(self, z: np.ndarray, picks: np.ndarray, cents: dict[int, np.ndarray]
                      ) -> np.ndarray:
        """Final labels of the items outside the frame, by the rule :meth:`predict` uses."""
        self.theme_ids_ = np.asarray(list(cents), dtype=np.int64)
        dim = z.shape[1] if z.ndim == 2 else 1
        self.centroids_ = (np.stack(list(cents.values())) if cents
                           else np.zeros((0, dim), dtype=np.float32))
        labels = self._nearest(z)
        for i, j in enumerate(picks.tolist()):
            if j >= 0 and self.seed_theme_ids_[j] is not None:
                labels[i] = self.seed_theme_ids_[j]
        # A theme nobody is nearest to any more is dropped; no item of the run changes.
        alive = np.isin(self.theme_ids_, labels)
        self.theme_ids_, self.centroids_ = self.theme_ids_[alive], self.centroids_[alive]
        return labels

    def _nearest(self, z: np.ndarray) -> np.ndarray:
        """The nearest discovered theme of each vector, or 其他 below the outlier threshold."""
        out = np.full(len(z), OTHER_ID, dtype=np.int64)
        if not len(z) or not len(self.theme_ids_):
            return out
        sims = z @ self.centroids_.T
        best = sims.argmax(axis=1)
        top = sims[np.arange(len(z)), best]
        ok = (top >= self.outlier_threshold_) & (top > 0)
        out[ok] = self.theme_ids_[best[ok]]
        return out

    def warm_up(self) -> ThemeModel:
        """Train (or fetch from the process cache) the frame classifier and load the word
        tables the names use, so the first run does not pay for them."""
        self._frame_classifier()
        is_generic("积分")
        return self

    def fit_predict(self, X, **kwargs) -> np.ndarray:
        """``fit`` then return ``labels_``."""
        return self.fit(X, **kwargs).labels_

    # --------------------------------------------------------------- prediction
    def transform(self, X: Sequence[str] | Sequence[Sequence[str]]) -> np.ndarray:
        """Cosine similarity of each item to each discovered theme (columns: ``theme_ids_``)."""
        self._check_fitted()
        tokens = self.phrase_tokens(self._tokens(X))
        if self.vectorizer_ is None or not len(self.theme_ids_):
            return np.zeros((len(tokens), len(self.theme_ids_)), dtype=np.float32)
        return self.vectorizer_.transform(tokens) @ self.centroids_.T

    def predict(
        self, X: Sequence[str] | Sequence[Sequence[str]], fillers: Sequence[bool] | None = None
    ) -> np.ndarray:
        """The theme id of each new item, by the rule a full run applies to its own items.

        Fillers and items without content words go to 其他; an item naming a seed's
        words joins the seed's theme; else the frame classifier's theme, when it has one in
        this model; else the nearest discovered theme, or 其他.
        """
        self._check_fitted()
        raw = self._tokens(X)
        out = np.full(len(raw), OTHER_ID, dtype=np.int64)
        if not len(raw):
            return out
        tokens = self.phrase_tokens(raw)
        if self.vectorizer_ is not None and len(self.theme_ids_):
            out = self._nearest(self.vectorizer_.transform(tokens))
        picks = seed_choice(seed_hits(raw, self.seeds_))
        ask = np.flatnonzero((picks < 0) & np.fromiter(map(bool, raw), dtype=bool,
                                                       count=len(raw)))
        if self.frame_ is not None and len(ask) and self.frame_theme_ids_:
            # The same features as in the full run: phrase-joined tokens, phrases counted
            # as the words they join.
            entries = feature_entries(tokens)
            keys = self.frame_.predict_entries(entries, len(tokens), ask, self._phrase_parts())
            for i, key in zip(ask.tolist(), keys, strict=True):
                tid = self.frame_theme_ids_.get(key)
                if tid is not None:
                    out[i] = tid
        for i, j in enumerate(picks.tolist()):
            if j >= 0 and self.seed_theme_ids_[j] is not None:
                out[i] = self.seed_theme_ids_[j]
        if fillers is not None:
            out[np.asarray(fillers, dtype=bool)] = OTHER_ID
        return out

    def predict_one(self, tokens: Sequence[str] | str, filler: bool = False) -> int:
        """The theme id of one new item: the incremental path used as feedback arrives."""
        return int(self.predict([tokens], fillers=[filler])[0])

    def phrase_tokens(self, token_lists: Sequence[Sequence[str]]) -> list[list[str]]:
        """Token lists with the run's learned phrases joined (what keywords are made of)."""
        last = getattr(self, "_last_fit", None)
        if last is not None and last[0] is token_lists:
            # The pipeline asks for the tokens it just fitted on: hand them over once.
            self._last_fit = None
            return last[1]
        return apply_phrases(token_lists, getattr(self, "phrases_", []))

    def theme(self, theme_id: int) -> Theme:
        """The fitted :class:`Theme` with ``theme_id``."""
        self._check_fitted()
        for t in self.themes_:
            if t.id == theme_id:
                return t
        raise KeyError(f"no theme {theme_id}")

    def snapshot(self) -> ThemeSnapshot:
        """What the next run needs to keep ids, names, merges, archives and corrections."""
        self._check_fitted()
        return self.snapshot_

    # ------------------------------------------------------------------ helpers
    def _check_fitted(self) -> None:
        if not hasattr(self, "themes_"):
            raise NotFittedError("ThemeModel is not fitted yet: call fit() first")

    def _tokens(self, X) -> list[list[str]]:
        if X is None:
            return []
        items = list(X)
        if not items:
            return []
        if isinstance(items[0], str):
            tokenize = self.tokenizer or self._default_tokenizer()
            return [list(tokenize(t)) for t in items]
        return [t if isinstance(t, list) else list(t) for t in items]

    def get_params(self) -> dict:
        """The constructor parameters (scikit-learn style), e.g. to build a fresh copy."""
        names = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in names if name != "self"}

    def _default_tokenizer(self) -> Tokenizer:
        # The community segmenter's content tokens, built once per model on first need.
        if getattr(self, "_segmenter", None) is None:
            from nlp.segment import Segmenter

            self._segmenter = Segmenter()
        return self._segmenter.tokens

    def _all_seeds(self, previous: ThemeSnapshot) -> list[SeedTheme]:
        seeds = list(self.seeds or [])
        names = {s.name for s in seeds}
        for rec in previous.themes:
            if rec.seed_words and rec.name not in names and rec.status == STATUS_ACTIVE:
                seeds.append(SeedTheme(rec.name, list(rec.seed_words), rec.area, rec.id))
                names.add(rec.name)
        return seeds

    def _min_size(self, n: int) -> int:
        if self.min_theme_size is not None:
            return self.min_theme_size
        return int(min(25, max(3, n // 100)))

    def _tiny_groups(self, tok_u, z, has_vec, picks, n_seeds):
        """Seeds, then groups of similar items, then operations areas, else one group.

        Items sharing nothing with any group go to 其他 only when real groups exist, so
        tiny data never ends with "no topics". An explicit ``k`` caps the groups.
        """
        groups = [_Group(np.flatnonzero(picks == j), seed=j) for j in range(n_seeds)]
        groups = [g for g in groups if len(g.members)]
        free = picks < 0
        found, left = similarity_groups(z, free)
        found = [_Group(m) for m in found]
        left = np.concatenate([left, np.flatnonzero(free & ~has_vec)]).astype(np.int64)
        if len(left) and (groups or found):
            # Attach each single item to the most similar group if it shares anything.
            all_groups = groups + found
            cents = np.stack([_unit(z[g.members].mean(axis=0)) for g in all_groups])
            sims = z[left] @ cents.T
            rest = []
            for i, row in zip(left, sims, strict=True):
                j = int(np.argmax(row))
                if row[j] > 0:
                    all_groups[j].extra.append(int(i))
                else:
                    rest.append(int(i))
            left = np.asarray(rest, dtype=np.int64)
        areas = self._area_groups(tok_u, left)
        placed = set().union(*(g.members.tolist() for g in areas)) if areas else set()
        left = np.asarray([i for i in left if i not in placed], dtype=np.int64)
        found += areas
        if len(left) and not groups and not found:
            found = [_Group(np.sort(left))]
        if self.k is not None and len(found) > self.k:
            # At most k discovered themes: the largest groups stay, and the final
            # assignment places the other groups' items by similarity.
            found = sorted(found, key=lambda g: -(len(g.members) + len(g.extra)))[: self.k]
        return groups + found, 0.0

    def _area_groups(self, tok_u, items: np.ndarray) -> list[_Group]:
        """Items that resemble nothing else in a tiny run, grouped by operations area."""
        if not len(items):
            return []
        areas = list(self.areas) if self.areas is not None else default_seeds()
        choice = area_choice([tok_u[i] for i in items], areas)
        out = []
        for j in np.unique(choice[choice >= 0]):
            out.append(_Group(items[choice == j], label=areas[j].area or areas[j].name))
        return out

    def _cluster(self, z, has_vec, picks, seeds, previous, history):
        """Automatic-k spherical k-means with seed anchors, memory anchors and outliers."""
        rng = np.random.default_rng(self.random_state)
        live = np.flatnonzero(has_vec)
        zl = z[live]
        anchors, weights, kinds = [], [], []
        for j, seed in enumerate(seeds):
            vec = self.vectorizer_.term_vector(dict.fromkeys(seed.words, 1.0))
            caught = zl[picks[live] == j]
            if len(caught) >= 3:
                vec = _unit(vec + _unit(caught.mean(axis=0)))
            if np.linalg.norm(vec) > 0:
                anchors.append(vec)
                weights.append(self.seed_weight)
                kinds.append(("seed", j))
        remembered = [
            r for r in previous.themes
            if not r.seed_words and not r.frame_key and r.term_weights
        ]
        hist = history[live]
        for rec in remembered:
            vec = self.vectorizer_.term_vector(rec.term_weights)
            held = zl[hist == rec.id]
            if len(held) >= 3:
                # The items the theme held last run place it better than its keywords:
                # the clusters then start (and stay) where last run's themes were.
                vec = _unit(_unit(held.mean(axis=0)) + MEMORY_PROFILE_SHARE * vec)
            if np.linalg.norm(vec) > 0:
                anchors.append(vec)
                weights.append(self.memory_weight)
                kinds.append(("memory", rec.id))
        n_anchor = len(anchors)
        if self.k is not None:
            k_total = max(int(self.k), 1)
            anchors, weights, kinds = anchors[:k_total], weights[:k_total], kinds[:k_total]
            n_anchor = len(anchors)
            init = kmeans_plus_plus(zl, k_total, rng, np.asarray(anchors) if anchors else None)
        else:
            choice = choose_k(zl, k_max=self.k_max, random_state=self.random_state)
            self.k_scores_ = choice.scores
            if anchors:
                # Leave room for topics the remembered themes do not cover; extra clusters
                # that explain their items no better than the old themes are folded back.
                extra = max(choice.k - n_anchor, 1 + n_anchor // 5)
                init = kmeans_plus_plus(zl, n_anchor + extra, rng, np.asarray(anchors))
            else:
                init = choice.centers
        k_total = len(init)
        anchor_mat = np.zeros_like(init)
        anchor_w = np.zeros(k_total, dtype=np.float32)
        for j, (vec, w) in enumerate(zip(anchors, weights, strict=True)):
            anchor_mat[j], anchor_w[j] = vec, w
        labels, centers, _ = spherical_kmeans(zl, init, anchor_mat, anchor_w)
        if n_anchor and self.k is None:
            labels = self._fold_unnovel(zl, labels, centers, n_anchor, history[live])
        # An item that names a seed's words belongs to that seed's theme.
        seed_col = {j: c for c, (kind, j) in enumerate(kinds) if kind == "seed"}
        caught = np.array([seed_col.get(int(p), -1) for p in picks[live]], dtype=np.int64)
        labels = np.where(caught >= 0, caught, labels)
        anchored = np.zeros(k_total, dtype=bool)
        anchored[: len(kinds)] = True
        labels = self._dissolve_small(zl, labels, centers, anchored)
        own = (zl * centers[labels]).sum(axis=1)
        cap = np.quantile(own, self.max_outlier_share) if len(own) else 0.0
        threshold = float(min(self.outlier_similarity, cap))
        outlier = (own < threshold) & (caught < 0)
        groups = []
        for c in range(k_total):
            members = live[(labels == c) & ~outlier]
            if not len(members):
                continue
            g = _Group(members)
            if c < len(kinds):
                kind, ref = kinds[c]
                if kind == "seed":
                    g.seed = ref
                else:
                    g.memory = ref
            groups.append(g)
        return groups, threshold

    def _fold_unnovel(self, zl, labels, centers, n_anchor, history):
        """Fold extra clusters into the anchored themes unless they fit their items better.

        A new theme must raise its members' mean similarity to their centroid by
        ``NOVELTY_GAIN`` over the best remembered or seeded theme, and hold 3% of the
        items (at most 300 needed), and at most a quarter of its items may have belonged
        to a theme last run (``NOVEL_FROM_OLD_SHARE``); otherwise it is only a split of an
        old theme or a handful of near-duplicates, and keeping it would break identity
        across runs.
        """
        sims = zl @ centers.T
        best_anchor = sims[:, :n_anchor].argmax(axis=1)
        labels = labels.copy()
        min_new = max(2 * self._min_size(len(zl)), min(int(0.03 * len(zl)), 300))
        for c in range(n_anchor, len(centers)):
            members = labels == c
            if not members.any():
                continue
            gain = float((sims[members, c] - sims[members, best_anchor[members]]).mean())
            had_theme = float((history[members] >= 0).mean())
            if gain < NOVELTY_GAIN or members.sum() < min_new or had_theme > NOVEL_FROM_OLD_SHARE:
                labels[members] = best_anchor[members]
        return labels

    def _dissolve_small(self, zl, labels, centers, anchored):
        """Move members of clusters below the minimum size to their next-best cluster."""
        min_size = self._min_size(len(zl))
        sizes = np.bincount(labels, minlength=len(centers))
        small = (sizes < min_size) & ~anchored
        if not small.any() or small.all():
            return labels
        sims = zl @ centers.T
        sims[:, small] = -np.inf
        moved = small[labels]
        labels = labels.copy()
        labels[moved] = sims[moved].argmax(axis=1)
        return labels

    def _identify(self, groups, z, counts, word_cols, local, item_ids, seeds, previous):
        """Give every group a theme id: seed ids, matched previous ids, or new ids."""
        next_id = max(previous.next_id, max((r.id for r in previous.themes), default=0) + 1)
        members_of = [
            np.asarray(sorted(set(g.members.tolist()) | set(g.extra)), dtype=np.int64)
            for g in groups
        ]
        profiles = self._profiles(members_of, counts, word_cols)
        free = [i for i, g in enumerate(groups) if g.seed is None]
        member_ids = (
            [[item_ids[local[m]] for m in members_of[i]] for i in free]
            if item_ids is not None else None
        )
        candidates = [r.id for r in previous.themes if not r.seed_words and not r.frame_key]
        matched = match_previous(
            [profiles[i] for i in free], member_ids, previous, self.match_threshold, candidates
        )
        seed_ids: list[int | None] = [None] * len(seeds)
        for j, seed in enumerate(seeds):
            if seed.id is not None:
                seed_ids[j] = seed.id
                continue
            rec = next(
                (r for r in previous.themes if r.seed_words and r.name == seed.name), None
            )
            if rec is not None:
                seed_ids[j] = rec.id
            else:
                seed_ids[j] = next_id
                next_id += 1
        for g in groups:
            if g.seed is not None:
                g.theme_id = seed_ids[g.seed]
        self._group_names = {}
        for i, rec_id in zip(free, matched, strict=True):
            if rec_id is not None:
                groups[i].theme_id = previous.resolve(rec_id)
            else:
                groups[i].theme_id = next_id
                next_id += 1
            if groups[i].label:
                self._group_names[groups[i].theme_id] = groups[i].label
        self._next_id = next_id
        self.seed_theme_ids_ = seed_ids
        self.seeds_ = seeds
        labels = np.full(len(local), OTHER_ID, dtype=np.int64)
        for g, members in zip(groups, members_of, strict=True):
            labels[members] = g.theme_id
        return labels

    def _profiles(self, members_of, counts, word_cols):
        if counts is None or word_cols is None or not members_of:
            return [{} for _ in members_of]
        terms = self.vectorizer_.terms_[word_cols]
        return class_tfidf(counts[:, word_cols], members_of, terms, top=PROFILE_TERMS)

    def _build_themes(
        self, labels, u_idx, u_row, z_all, counts_all, word_cols, tokens, texts, sentiments,
        seeds, previous, item_ids, cents, frame_ids,
    ):
        """Keywords, names, areas, quotes, summaries, sentiment mix and the next snapshot."""
        ids = [int(t) for t in np.unique(labels) if t != OTHER_ID]
        groups_global = [np.flatnonzero(labels == t) for t in ids]
        groups_rows = [u_row[g][u_row[g] >= 0] for g in groups_global]
        profiles = self._profiles(groups_rows, counts_all, word_cols)
        frame_of = dict(self._frame_own)
        names = self._names(ids, groups_global, profiles, tokens, texts, seeds, previous,
                            frame_of)
        areas = self.areas if self.areas is not None else default_seeds()
        seed_by_id = {
            tid: seeds[j] for j, tid in enumerate(self.seed_theme_ids_) if tid is not None
        }
        records = {r.id: r for r in previous.themes}
        texts_u = [texts[i] for i in u_idx] if texts is not None else None
        # One array of the labels for every theme's mix (not one conversion per theme).
        sent_arr = np.asarray(sentiments) if sentiments is not None else None
        themes = []
        rows = zip(ids, groups_global, groups_rows, profiles, strict=True)
        for tid, g_glob, g_rows, prof in rows:
            rec = records.get(tid)
            seed = seed_by_id.get(tid)
            key = frame_of.get(tid)
            centroid = cents.get(tid)
            if centroid is None and len(g_rows):
                centroid = _unit(z_all[g_rows].mean(axis=0))
            quotes = []
            if centroid is not None and len(g_rows):
                picked = representative(g_rows, z_all, centroid, texts_u, n=self.n_quotes)
                quotes = [int(u_idx[i]) for i in picked]
            archived = rec is not None and rec.status == STATUS_ARCHIVED
            themes.append(
                Theme(
                    id=tid,
                    name=names[tid],
                    keywords=list(prof)[: self.n_keywords],
                    size=len(g_glob),
                    area=self._area_of(tid, seed, key, prof, areas),
                    quote_indices=quotes,
                    sentiment_mix=_mix(sent_arr, g_glob),
                    keyword_weights={k: round(v, 6) for k, v in list(prof.items())[:PROFILE_TERMS]},
                    name_edited=bool(rec is not None and rec.name_edited),
                    seeded=seed is not None,
                    status=STATUS_ARCHIVED if archived else STATUS_ACTIVE,
                    frame_key=key,
                    summary=summary_sentence(texts, quotes, names[tid], sentiments,
                                             _prevailing(sent_arr, g_glob))
                    if texts is not None else "",
                )
            )
        themes.sort(key=lambda t: (-t.size, t.id))
        other = np.flatnonzero(labels == OTHER_ID)
        if len(other):
            themes.append(
                Theme(
                    id=OTHER_ID, name=OTHER_NAME, keywords=[], size=len(other),
                    sentiment_mix=_mix(sent_arr, other), is_other=True,
                    quote_indices=[int(i) for i in other[: self.n_quotes]],
                )
            )
        self.themes_ = themes
        self.k_ = len([t for t in themes if not t.is_other])
        present = {t.id for t in themes}
        self.frame_theme_ids_ = {k: t for k, t in frame_ids.items() if t in present}
        n_content = int(len(u_idx))
        in_other = int((labels[u_idx] == OTHER_ID).sum()) if n_content else 0
        self.outlier_share_ = in_other / n_content if n_content else 0.0
        self.snapshot_ = self._make_snapshot(themes, labels, item_ids, previous, seed_by_id)

    def _names(self, ids, groups, profiles, tokens, texts, seeds, previous, frame_of):
        """Each theme's name: an operator's rename, the seed's or the frame theme's name,
        the name a matched theme had last run, or a key phrase of its items."""
        seed_by_id = {
            tid: seeds[j] for j, tid in enumerate(self.seed_theme_ids_) if tid is not None
        }
        frame_names = (dict(zip(self.frame_.classes_.tolist(), self.frame_.names_, strict=False))
                       if self.frame_ is not None else {})
        records = {r.id: r for r in previous.themes}
        fixed: dict[int, str] = {}
        for tid in ids:
            rec = records.get(tid)
            if rec is not None and rec.name_edited:
                fixed[tid] = rec.name
            elif tid in seed_by_id:
                fixed[tid] = seed_by_id[tid].name
            elif tid in frame_of:
                fixed[tid] = frame_names.get(frame_of[tid], frame_of[tid])
            elif rec is not None and not rec.frame_key and not rec.seed_words:
                # A theme matched to last run's keeps its name: reports and people refer to it.
                fixed[tid] = rec.name
            elif tid in self._group_names:
                fixed[tid] = self._group_names[tid]
        auto_ids = [t for t in ids if t not in fixed]
        auto = phrase_names(
            tokens, [groups[ids.index(t)] for t in auto_ids], texts=texts,
            taken=list(fixed.values()),
            fallback=[list(profiles[ids.index(t)])[: self.n_keywords] for t in auto_ids],
            subjects=phrase_subjects(self.phrases_),
        )
        return {**fixed, **dict(zip(auto_ids, auto, strict=True))}

    def _area_of(self, tid, seed, key, profile, areas) -> str | None:
        """The operations area: the seed's, the frame theme's, else the keywords' best."""
        if seed is not None and seed.area:
            return seed.area
        if key is not None and self.frame_ is not None:
            area = self.frame_.frame_.theme(key).area
            if area:
                return area
        return area_for(profile, areas)

    def _make_snapshot(self, themes, labels, item_ids, previous, seed_by_id):
        now = {t.id for t in themes}
        records = []
        for t in themes:
            if t.is_other:
                continue
            seed = seed_by_id.get(t.id)
            records.append(
                ThemeRecord(
                    id=t.id, name=t.name, term_weights=dict(t.keyword_weights),
                    name_edited=t.name_edited, status=t.status,
                    seed_words=list(seed.words) if seed is not None else [], area=t.area,
                    frame_key=t.frame_key,
                )
            )
        for rec in previous.themes:
            if rec.id not in now:
                records.append(rec)
        assignments = (
            {item: int(t) for item, t in zip(item_ids, labels.tolist(), strict=True)}
            if item_ids is not None else {}
        )
        return ThemeSnapshot(
            themes=records, assignments=assignments, pinned=dict(previous.pinned),
            next_id=self._next_id,
        )


def _history(local: np.ndarray, item_ids, previous: ThemeSnapshot) -> np.ndarray:
    """The theme each item had last run (resolved through merges), -1 when none."""
    history = np.full(len(local), -1, dtype=np.int64)
    if item_ids is not None and previous.assignments:
        for j, i in enumerate(local.tolist()):
            old = previous.assignments.get(item_ids[i])
            if old is not None and old != OTHER_ID:
                history[j] = previous.resolve(old)
    return history


def _keyword_term(term: str, phrases: set[str]) -> bool:
    if is_keyword_noise(term):
        return False
    return term in phrases or term.isascii() or len(term) > 2 or bool(pos_of(term))


def _fix(correction) -> tuple[str, str, float]:
    """A frame correction as (text, key, weight)."""
    if hasattr(correction, "text"):
        return correction.text, correction.key, float(correction.weight)
    text, key, *rest = correction
    return text, key, float(rest[0]) if rest else 1.0


def _mix(sentiments, members) -> dict[int, int]:
    if sentiments is None:
        return {}
    vals = np.asarray(sentiments)[members]
    return {lab: int((vals == lab).sum()) for lab in (-1, 0, 1)}


def _prevailing(sentiments, members: np.ndarray) -> int | None:
    """The sentiment most of a theme's items share (more than 40% of them), else None."""
    if sentiments is None or not len(members):
        return None
    labels = np.asarray(sentiments)[members]
    values, counts = np.unique(labels, return_counts=True)
    best = int(np.argmax(counts))
    return int(values[best]) if counts[best] > 0.4 * len(labels) else None


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v

