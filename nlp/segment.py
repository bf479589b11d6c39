"""Chinese word segmentation: jieba's algorithm and dictionary, community words and stopwords.

Each :class:`Segmenter` owns its own engines, so words added for one community never leak into
another. Text is cut by rjieba, the Rust port of jieba that uses the same dictionary, prefix
DAG, route DP and HMM, with the differences between the two engines handled here: ASCII runs
inside a Han block are re-split the way jieba's HMM stage splits them, and the few tie-prone
inputs (runs such as 好好好 or 不好不好, and texts with line breaks) go to a private
``jieba.Tokenizer``. The result equals ``jieba.lcut`` with the same user words (tests check
this on fixed sentences; the benchmark reports agreement on real text).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_DICT_PATH = DATA_DIR / "community_userdict.txt"
STOPWORDS_PATH = DATA_DIR / "stopwords.txt"
FILLER_PATH = DATA_DIR / "community_filler.txt"
# stopwords-iso's Chinese list (the maintained general list) is used with ours, except for
# characters that end entity names in community feedback (森林人, 带货人): the phrase merging
# of the theme engine needs to see them.
STOPWORDS_ISO_KEEP = frozenset({"人"})

# jieba's own block regexes (jieba.re_han_default, jieba.re_skip_default).
_RE_HAN_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)", re.U)
_RE_SKIP = re.compile(r"(\r\n|\s)", re.U)
_RE_BLOCK_ASCII = re.compile(r"[a-zA-Z0-9+#&\._%\-]+")
# jieba.finalseg's split of non-Han runs inside a block.
_RE_FINALSEG_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# Runs like 好好好 or 不好不好 give equal-probability routes whose tie-break differs between
# the engines; texts and blocks with them go to jieba itself.
_RE_TIE_PRONE = re.compile(r"([\u4E00-\u9FD5])\1\1|([\u4E00-\u9FD5]{2})\2")
_RE_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]")
_RE_NUMBER = re.compile(r"[0-9０-９.,%％\-+]+")

_JIEBA_INIT_LOCK = threading.Lock()
_MEMO_LIMIT = 200_000


def _parse_word_lines(lines: Iterable[str]) -> list[tuple[str, int | None, str | None]]:
    """Parse jieba user-dictionary lines ``word [freq] [pos]`` (comments and blanks skipped)."""
    words: list[tuple[str, int | None, str | None]] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        rest = parts[1:]
        freq = int(rest.pop(0)) if rest and rest[0].isdigit() else None
        words.append((parts[0], freq, rest[0] if rest else None))
    return words


@lru_cache(maxsize=1)
def load_user_dictionary() -> tuple[tuple[str, int | None, str | None], ...]:
    """The shipped community-operations user dictionary as ``(word, freq, pos)`` triples."""
    return tuple(_parse_word_lines(USER_DICT_PATH.read_text(encoding="utf-8").splitlines()))


@lru_cache(maxsize=1)
def jieba_dictionary() -> tuple[dict[str, str], dict[str, int]]:
    """Part-of-speech flag and frequency of every word in jieba's main dictionary (read once)."""
    import jieba

    table: dict[str, str] = {}
    freq: dict[str, int] = {}
    with open(Path(jieba.__file__).resolve().parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3:
                table[parts[0]] = parts[2]
            if len(parts) >= 2 and parts[1].isdigit():
                freq[parts[0]] = int(parts[1])
    return table, freq


def jieba_pos_table() -> dict[str, str]:
    """Part-of-speech flag of every word in jieba's main dictionary (read once, lazily)."""
    return jieba_dictionary()[0]


def _read_list(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a shipped word list."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.strip().startswith("#")]


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """Stopwords for content tokens: stopwords-iso's Chinese list, ours and the filler words.

    Our list (``data/stopwords.txt``) adds negation and degree words, chat particles and
    generic nouns (小时, 问题, 错误); single-word community fillers (个人感觉, 说实话, 原话)
    come from ``data/community_filler.txt``.
    """
    import stopwordsiso

    iso = set(stopwordsiso.stopwords("zh")) - STOPWORDS_ISO_KEEP
    return frozenset(iso) | frozenset(_read_list(STOPWORDS_PATH)) | frozenset(
        p for p in load_filler_phrases() if " " not in p
    )


@lru_cache(maxsize=1)
def load_filler_phrases() -> tuple[str, ...]:
    """The community filler phrases (作为老成员, 个人感觉, 说实话, 吐槽一下 …)."""
    return tuple(_read_list(FILLER_PATH))


def _jieba_set_word(tok, word: str, freq: int, tag: str | None = None) -> None:
    """Set a word's frequency in a jieba tokenizer, replacing (not adding to) an existing one.

    ``jieba.Tokenizer.add_word`` adds the new frequency to the total without removing the old
    one when the word already exists; the Rust engine replaces it. Removing the old count here
    keeps both engines' dictionaries, and so their segmentations, identical.
    """
    old = tok.FREQ.get(word, 0)
    tok.add_word(word, freq, tag)
    tok.total -= old


def _is_punct_or_space(token: str) -> bool:
    """True when every character is punctuation, a symbol or whitespace."""
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


class Segmenter:
    """Segment Chinese text with jieba's algorithm, the community dictionary and per-instance words.

    Parameters
    ----------
    extra_words:
        Operator terms for one community (``"word"`` or ``("word", freq)``); they stay in this
        instance only.
    stopwords:
        Extra stopwords added to the shipped list for :meth:`tokens`.
    use_user_dictionary:
        Load the shipped community-operations dictionary (default True).
    hmm:
        Use jieba's HMM for unknown words (jieba's default, True).
    fast:
        Cut pure Han blocks with rjieba (same algorithm and dictionary). False uses only jieba.
    cache_dir:
        Where the private jieba tokenizer keeps its dictionary cache (jieba's default temp dir
        when None); the cache turns its ~1 s dictionary build into a fast load.
    """

    def __init__(
        self,
        extra_words: Iterable[str | tuple[str, int]] = (),
        *,
        stopwords: Iterable[str] = (),
        use_user_dictionary: bool = True,
        hmm: bool = True,
        fast: bool = True,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.extra_words = list(extra_words)
        self.stopwords = list(stopwords)
        self.use_user_dictionary = use_user_dictionary
        self.hmm = hmm
        self.fast = fast
        self.cache_dir = str(cache_dir) if cache_dir is not None else None
        self._reset_engines()

    # -- state and pickling -------------------------------------------------------------------

    def _reset_engines(self) -> None:
        """Drop the engines; they are rebuilt on first use."""
        self._fast_engine = None
        self._jieba = None
        # (word, freq) in the order they were added; the frequencies are resolved once by the
        # primary engine and replayed into the other, so both hold identical dictionaries.
        self._resolved: list[tuple[str, int, str | None]] | None = None
        self._stop = load_stopwords() | frozenset(self.stopwords)
        self._memo: dict[str, str] = {}
        self._pos: dict[str, str] | None = None
        self._fillers: dict[str, list[tuple[int, tuple[str, ...]]]] | None = None

    def __getstate__(self) -> dict:
        """Pickle only the parameters; engines are rebuilt lazily in the receiving process."""
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["_resolved"] = self._resolved
        return state

    def __setstate__(self, state: dict) -> None:
        resolved = state.pop("_resolved", None)
        self.__dict__.update(state)
        self._reset_engines()
        self._resolved = resolved

    def _word_list(self) -> list[tuple[str, int | None, str | None]]:
        words: list[tuple[str, int | None, str | None]] = []
        if self.use_user_dictionary:
            words.extend(load_user_dictionary())
        for item in self.extra_words:
            # Operator terms are community-specific names (activities, groups, products).
            if isinstance(item, str):
                words.append((item.strip(), None, "n"))
            else:
                freq = int(item[1]) if len(item) > 1 and item[1] is not None else None
                words.append((str(item[0]).strip(), freq, item[2] if len(item) > 2 else "n"))
        return [(w, f, t) for w, f, t in words if w]

    def add_words(self, words: Iterable[str | tuple[str, int]]) -> Segmenter:
        """Add community terms to this instance only; returns self."""
        new = list(words)
        self.extra_words.extend(new)
        self._pos = None
        if self._resolved is not None:
            pending = self._word_list()[len(self._resolved):]
            self._add_resolved(pending)
        return self

    def _add_resolved(self, words: list[tuple[str, int | None, str | None]]) -> None:
        """Resolve frequencies through the primary engine, then replay them into the other."""
        resolved: list[tuple[str, int, str | None]] = []
        if self.fast:
            engine = self._fast_engine
            for word, freq, tag in words:
                resolved.append((word, int(engine.add_word(word, freq, tag)), tag))
            if self._jieba is not None:
                for word, freq, tag in resolved:
                    _jieba_set_word(self._jieba, word, freq, tag)
        else:
            tok = self._jieba
            for word, freq, tag in words:
                if freq is None:
                    freq = tok.suggest_freq(word, tune=False)
                _jieba_set_word(tok, word, freq, tag)
                resolved.append((word, int(freq), tag))
        if self._resolved is None:
            self._resolved = []
        self._resolved.extend(resolved)

    @property
    def _fast_cutter(self):
        if self._fast_engine is None:
            import rjieba

            self._fast_engine = rjieba.Jieba()
            if self._resolved is None:
                self._add_resolved(self._word_list())
            else:
                for word, freq, tag in self._resolved:
                    self._fast_engine.add_word(word, freq, tag)
        return self._fast_engine

    @property
    def _jieba_tokenizer(self):
        if self._jieba is None:
            import jieba

            if self.fast:
                self._fast_cutter  # noqa: B018  (the fast engine resolves the frequencies)
            with _JIEBA_INIT_LOCK:
                jieba.setLogLevel(60)
                tok = jieba.Tokenizer()
                if self.cache_dir:
                    Path(self.cache_dir).mkdir(parents=True, exist_ok=True)
                    tok.tmp_dir = self.cache_dir
                tok.initialize()
            self._jieba = tok
            if self._resolved is None:
                self._add_resolved(self._word_list())
            else:
                for word, freq, tag in self._resolved:
                    _jieba_set_word(tok, word, freq, tag)
        return self._jieba

    # -- cutting ------------------------------------------------------------------------------

    def _merge_ascii_runs(self, toks: list[str], out: list[str]) -> None:
        """Re-split ASCII runs the way jieba's HMM stage does (the Rust engine keeps them whole).

        Inside a block jieba gathers consecutive single-character pieces and splits their non-Han
        part with ``finalseg``'s pattern: letter/digit runs and the text between them.
        """
        run: list[str] = []
        has_word = self._fast_engine.has_word
        for tok in toks:
            if (tok.isascii() and _RE_BLOCK_ASCII.fullmatch(tok)
                    and not (len(tok) > 1 and has_word(tok))):
                run.append(tok)
                continue
            if run:
                out.extend(p for p in _RE_FINALSEG_SKIP.split("".join(run)) if p)
                run.clear()
            out.append(tok)
        if run:
            out.extend(p for p in _RE_FINALSEG_SKIP.split("".join(run)) if p)

    def _cut_into(self, text: str, out: list[str]) -> None:
        fast = self._fast_cutter if self.fast and self.hmm else None
        if fast is not None and not _RE_TIE_PRONE.search(text):
            if not _RE_LINE_BREAK.search(text):
                if _RE_BLOCK_ASCII.search(text):
                    self._merge_ascii_runs(fast.cut(text, True), out)
                else:
                    out.extend(fast.cut(text, True))
                return
        for blk in _RE_HAN_BLOCK.split(text):
            if not blk:
                continue
            if _RE_HAN_BLOCK.fullmatch(blk):
                if fast is not None and not _RE_TIE_PRONE.search(blk):
                    self._merge_ascii_runs(fast.cut(blk, True), out)
                else:
                    out.extend(self._jieba_tokenizer.cut(blk, HMM=self.hmm))
            else:
                for piece in _RE_SKIP.split(blk):
                    if not piece:
                        continue
                    if _RE_SKIP.fullmatch(piece):
                        out.append(piece)
                    else:
                        out.extend(piece)

    def cut(self, text: str) -> list[str]:
        """All tokens of ``text`` in order, exactly as ``jieba.lcut`` with the same dictionary."""
        out: list[str] = []
        if text:
            self._cut_into(text, out)
        return out

    def cut_many(self, texts: Sequence[str]) -> list[list[str]]:
        """:meth:`cut` over many texts."""
        return [self.cut(t) for t in texts]

    def tag(self, text: str) -> list[tuple[str, str]]:
        """Words with jieba part-of-speech flags (n, v, a, …); community terms are tagged n.

        The words come from the engines' tagging mode, which can differ from :meth:`cut` on
        ASCII runs; use it for aspects and keywords, not where exact tokens matter.
        """
        if not text:
            return []
        if self.fast:
            return [(w, f) for w, f in self._fast_cutter.tag(text, self.hmm)]
        import jieba.posseg

        tagger = jieba.posseg.POSTokenizer(self._jieba_tokenizer)
        return [(p.word, p.flag) for p in tagger.cut(text, HMM=self.hmm)]

    def pos_of(self, word: str) -> str:
        """Dictionary part-of-speech flag of a word ("" for words the dictionaries lack)."""
        if self._pos is None:
            self._pos = {w: t for w, _, t in self._word_list() if t}
        flag = self._pos.get(word)
        if flag is None:
            flag = jieba_pos_table().get(word, "")
            if not flag and word.isascii() and word.isalpha() and len(word) > 1:
                flag = "eng"  # as jieba's tagger marks Latin words
        return flag

    def content_tokens(self, cut: list[str]) -> list[str]:
        """Content tokens of an existing :meth:`cut` result (what :meth:`tokens` returns)."""
        return self._content(cut)

    def is_content(self, token: str) -> bool:
        """True for a token worth keeping as content: not a stopword, punctuation or number."""
        return bool(self._content_form(token))

    def _content_form(self, token: str) -> str:
        """The token as a content token (ASCII lower-cased), or "" when it is not content."""
        if token in self._stop or not token.strip():
            return ""
        if token.isascii():
            token = token.lower()
            if token in self._stop or not any(ch.isalnum() for ch in token):
                return ""
        if _RE_NUMBER.fullmatch(token) or _is_punct_or_space(token):
            return ""
        return token

    def tokens(self, text: str) -> list[str]:
        """Content tokens: no stopwords, punctuation or pure numbers; ASCII lower-cased."""
        return self._content(self.cut(text))

    def _content(self, cut: list[str]) -> list[str]:
        memo = self._memo
        forms = list(map(memo.get, cut))
        if None in forms:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            for i, form in enumerate(forms):
                if form is None:
                    form = forms[i] = memo[cut[i]] = self._content_form(cut[i])
        fillers = self._filler_sequences()
        if not fillers.keys().isdisjoint(cut):
            self._drop_fillers(cut, forms, fillers)
        return [f for f in forms if f]

    def _filler_sequences(self) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
        """Multi-word filler phrases as this segmenter cuts them, keyed by their first
        content word (with its offset in the phrase).

        A phrase made only of stopwords (我 / 觉得 / 吧) is dropped by the stopword filter
        already; keying the rest by a content word (老成员 of 作为 / 老成员) keeps the check
        off the common words most texts contain.
        """
        if self._fillers is None:
            table: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
            for phrase in load_filler_phrases():
                words = tuple(w for w in self.cut(phrase) if w.strip())
                content = [i for i, w in enumerate(words) if self._content_form(w)]
                if len(words) > 1 and content:
                    table.setdefault(words[content[0]], []).append((content[0], words))
            for seqs in table.values():
                seqs.sort(key=lambda s: len(s[1]), reverse=True)  # the longest phrase wins
            self._fillers = table
        return self._fillers

    @staticmethod
    def _drop_fillers(cut: list[str], forms: list[str], fillers) -> None:
        """Blank the content forms of every filler phrase standing whole in ``cut``."""
        for i, word in enumerate(cut):
            for offset, seq in fillers.get(word, ()):
                start = i - offset
                if start >= 0 and tuple(cut[start:start + len(seq)]) == seq:
                    for j in range(start, start + len(seq)):
                        forms[j] = ""
                    break

    def tokens_many(self, texts: Sequence[str]) -> list[list[str]]:
        """:meth:`tokens` over many texts (the fast batch path)."""
        cut = self.cut
        content = self._content
        return [content(cut(t)) if t else [] for t in texts]

    def __repr__(self) -> str:
        return f"Segmenter(extra_words={len(self.extra_words)}, fast={self.fast}, hmm={self.hmm})"
