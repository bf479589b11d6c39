"""ThemeModel: the theme estimator (fit on a run, predict new items, carry identity forward)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from nlp.themes.autok import choose_k
from nlp.themes.features import ThemeVectorizer
from nlp.themes.identity import match_previous
from nlp.themes.kmeans import kmeans_plus_plus, spherical_kmeans
from nlp.themes.labels import class_tfidf, default_names
from nlp.themes.quotes import representative
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
    """Cluster feedback into named themes, with automatic k, seeds and stable identity.

    Parameters (stored as given, scikit-learn style):

    - ``tokenizer``: callable text -> content tokens, used when ``fit``/``predict``
      receive strings rather than token lists (default: the community
      :class:`~nlp.segment.Segmenter`'s ``tokens``).
    - ``k``: number of themes (not counting 其他); None chooses it automatically
      (see :mod:`nlp.themes.autok`). ``k_max`` bounds the automatic choice.
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
    ``centroids_`` and ``theme_ids_`` (rows of centroids_), ``outlier_threshold_``.
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
        tokens = self._tokens(X)
        n = len(tokens)
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

        usable = np.fromiter(map(bool, tokens), dtype=bool, count=n) & ~filler
        local = np.flatnonzero(usable)
        tok_u = [tokens[i] for i in local]
        self.vectorizer_ = None
        self.k_scores_: dict[int, float] = {}
        z = np.zeros((len(local), 1), dtype=np.float32)
        counts = None
        if len(local):
            self.vectorizer_ = ThemeVectorizer(
                n_components=self.n_components if len(local) >= TINY_ITEMS else 0,
                char_bigrams=self.char_bigrams,
                random_state=self.random_state,
            )
            z = self.vectorizer_.fit_transform(tok_u)
            counts = self.vectorizer_.counts_
        has_vec = np.linalg.norm(z, axis=1) > 0
        picks = seed_choice(seed_hits(tok_u, seeds))

        if len(local) < TINY_ITEMS:
            groups, threshold = self._tiny_groups(tok_u, z, has_vec, picks, len(seeds))
        else:
            history = np.full(len(local), -1, dtype=np.int64)
            if item_ids is not None and previous.assignments:
                for j, i in enumerate(local):
                    old = previous.assignments.get(item_ids[i])
                    if old is not None and old != OTHER_ID:
                        history[j] = previous.resolve(old)
            groups, threshold = self._cluster(z, has_vec, picks, seeds, previous, history)
        self.outlier_threshold_ = threshold

        word_cols = (
            np.flatnonzero(self.vectorizer_.is_word_) if self.vectorizer_ is not None else None
        )
        labels_local = self._identify(
            groups, z, counts, word_cols, local, item_ids, seeds, previous
        )
        labels = np.full(n, OTHER_ID, dtype=np.int64)
        labels[local] = labels_local
        if item_ids is not None and previous.pinned:
            for i, item in enumerate(item_ids):
                if item in previous.pinned:
                    labels[i] = previous.resolve(previous.pinned[item])
        self.labels_ = labels
        self._build_themes(
            labels, local, z, counts, word_cols, texts, sentiments, seeds, previous, item_ids
        )
        return self

    def fit_predict(self, X, **kwargs) -> np.ndarray:
        """``fit`` then return ``labels_``."""
        return self.fit(X, **kwargs).labels_

    # --------------------------------------------------------------- prediction
    def transform(self, X: Sequence[str] | Sequence[Sequence[str]]) -> np.ndarray:
        """Cosine similarity of each item to each theme centroid (columns: ``theme_ids_``)."""
        self._check_fitted()
        tokens = self._tokens(X)
        if self.vectorizer_ is None or not len(self.theme_ids_):
            return np.zeros((len(tokens), len(self.theme_ids_)), dtype=np.float32)
        return self.vectorizer_.transform(tokens) @ self.centroids_.T

    def predict(
        self, X: Sequence[str] | Sequence[Sequence[str]], fillers: Sequence[bool] | None = None
    ) -> np.ndarray:
        """The theme id of each new item (OTHER_ID for fillers, empty and distant items)."""
        self._check_fitted()
        tokens = self._tokens(X)
        out = np.full(len(tokens), OTHER_ID, dtype=np.int64)
        if not len(tokens) or self.vectorizer_ is None or not len(self.theme_ids_):
            return out
        sims = self.vectorizer_.transform(tokens) @ self.centroids_.T
        best = sims.argmax(axis=1)
        ok = sims[np.arange(len(tokens)), best] >= self.outlier_threshold_
        out[ok] = self.theme_ids_[best[ok]]
        picks = seed_choice(seed_hits(tokens, self.seeds_))
        for i, j in enumerate(picks):
            if j >= 0 and self.seed_theme_ids_[j] is not None:
                out[i] = self.seed_theme_ids_[j]
        if fillers is not None:
            out[np.asarray(fillers, dtype=bool)] = OTHER_ID
        return out

    def predict_one(self, tokens: Sequence[str] | str, filler: bool = False) -> int:
        """The theme id of one new item: the incremental path used as feedback arrives."""
        return int(self.predict([tokens], fillers=[filler])[0])

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
        tiny data never ends with "no topics".
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
            if not r.seed_words and r.term_weights
        ]
        for rec in remembered:
            vec = self.vectorizer_.term_vector(rec.term_weights)
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
        items (at most 300 needed), and at most half of its items may have belonged to
        a theme last run; otherwise it is only a split of an old theme or a handful of
        near-duplicates, and keeping it would break identity across runs.
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
            if gain < NOVELTY_GAIN or members.sum() < min_new or had_theme > 0.5:
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
        candidates = [r.id for r in previous.themes if not r.seed_words]
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
        self, labels, local, z, counts, word_cols, texts, sentiments, seeds, previous, item_ids
    ):
        """Keywords, names, areas, quotes, sentiment mix and the snapshot for the next run."""
        pos = np.full(len(labels), -1, dtype=np.int64)
        pos[local] = np.arange(len(local))
        ids = [int(t) for t in np.unique(labels) if t != OTHER_ID]
        groups_global = [np.flatnonzero(labels == t) for t in ids]
        groups_local = [pos[g][pos[g] >= 0] for g in groups_global]
        profiles = self._profiles(groups_local, counts, word_cols)
        seed_by_id = {
            tid: seeds[j] for j, tid in enumerate(self.seed_theme_ids_) if tid is not None
        }
        records = {r.id: r for r in previous.themes}
        fixed_names = {}
        for tid in ids:
            rec = records.get(tid)
            if tid in seed_by_id:
                fixed_names[tid] = seed_by_id[tid].name
            elif rec is not None and rec.name_edited:
                fixed_names[tid] = rec.name
            elif tid in self._group_names:
                fixed_names[tid] = self._group_names[tid]
        auto_ids = [t for t in ids if t not in fixed_names]
        auto = default_names(
            [list(profiles[ids.index(t)])[: self.n_keywords] for t in auto_ids],
            taken=list(fixed_names.values()),
        )
        names = {**fixed_names, **dict(zip(auto_ids, auto, strict=True))}
        areas = self.areas if self.areas is not None else default_seeds()
        texts_l = [texts[i] for i in local] if texts is not None else None
        themes, cents, cent_ids = [], [], []
        rows = zip(ids, groups_global, groups_local, profiles, strict=True)
        for tid, g_glob, g_loc, prof in rows:
            rec = records.get(tid)
            seed = seed_by_id.get(tid)
            centroid = _unit(z[g_loc].mean(axis=0)) if len(g_loc) else None
            if seed is not None and self.vectorizer_ is not None:
                centroid = _unit(
                    (centroid if centroid is not None else 0)
                    + self.vectorizer_.term_vector(dict.fromkeys(seed.words, 1.0))
                )
            quotes = []
            if centroid is not None:
                picked = representative(g_loc, z, centroid, texts_l, n=self.n_quotes)
                quotes = [int(local[i]) for i in picked]
                cents.append(centroid)
                cent_ids.append(tid)
            archived = rec is not None and rec.status == STATUS_ARCHIVED
            status = STATUS_ARCHIVED if archived else STATUS_ACTIVE
            themes.append(
                Theme(
                    id=tid,
                    name=names[tid],
                    keywords=list(prof)[: self.n_keywords],
                    size=len(g_glob),
                    area=(seed.area if seed is not None and seed.area else area_for(prof, areas)),
                    quote_indices=quotes,
                    sentiment_mix=_mix(sentiments, g_glob),
                    keyword_weights={k: round(v, 6) for k, v in list(prof.items())[:PROFILE_TERMS]},
                    name_edited=bool(rec is not None and rec.name_edited),
                    seeded=seed is not None,
                    status=status,
                )
            )
        themes.sort(key=lambda t: (-t.size, t.id))
        other = np.flatnonzero(labels == OTHER_ID)
        if len(other):
            themes.append(
                Theme(
                    id=OTHER_ID, name=OTHER_NAME, keywords=[], size=len(other),
                    sentiment_mix=_mix(sentiments, other), is_other=True,
                    quote_indices=[int(i) for i in other[: self.n_quotes]],
                )
            )
        self.themes_ = themes
        self.k_ = len([t for t in themes if not t.is_other])
        dim = z.shape[1] if z.ndim == 2 else 1
        self.centroids_ = np.asarray(cents, dtype=np.float32).reshape(len(cents), dim)
        self.theme_ids_ = np.asarray(cent_ids, dtype=np.int64)
        n_content = int(len(local))
        in_other = int((labels[local] == OTHER_ID).sum()) if n_content else 0
        self.outlier_share_ = in_other / n_content if n_content else 0.0
        self.snapshot_ = self._make_snapshot(themes, labels, item_ids, previous, seed_by_id)

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


def _mix(sentiments, members) -> dict[int, int]:
    if sentiments is None:
        return {}
    vals = np.asarray(sentiments)[members]
    return {lab: int((vals == lab).sum()) for lab in (-1, 0, 1)}


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v

