"""Pause Python's cyclic garbage collector while a bulk run builds millions of small objects.

A full analysis creates token lists, clause results and item records by the hundred thousand.
Each few hundred new container objects trigger a collection that walks the young objects,
and every so often the whole heap (jieba's dictionary, the models, the results so far), which
costs about a third of a 100k-item run. The pipeline's objects hold no reference cycles, so
reference counting frees them.

When the collector resumes, the objects made meanwhile (a run's results: long-lived by
nature) go straight to the oldest generation. Left young, the first collection after the
run would walk every one of them (1.8 million objects, about 0.4 s after 100k items) only to
find them alive, and the next older collection again. Whatever cyclic garbage appeared
meanwhile is collected by the next full collection.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; re-entrant and safe across threads.

    The collector is switched back on when the last overlapping block ends, and only if it
    was on when the first one began; the objects then alive are moved to the oldest
    generation (see the module docstring).
    """
    global _depth, _was_enabled
    with _LOCK:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                if not gc.get_freeze_count():
                    # freeze() then unfreeze() moves every tracked object to the oldest
                    # generation without walking them, and restarts the young count. (Not
                    # when the process froze objects on purpose: unfreeze() would free
                    # them too.)
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
