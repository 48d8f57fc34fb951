"""A pass's memory: Python's full garbage collections only between batches."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def garbage_collected_between_batches() -> Iterator[Callable[[], None]]:
    """Python's full garbage collections, during a pass, only when the caller says a batch is done.

    A full collection walks every live object. Left to itself, Python ran five during a zone-year
    pass, each longer than the last (0.3–0.5 s, with the staged batch alive); this process also
    feeds the helper, so the helper waited too. Here the objects alive before the pass (modules,
    suites, Prefect) are frozen out of collections, automatic full collections are held off, and
    the function yielded collects between batches, when a stored batch's objects are garbage
    (0.1–0.2 s). Young objects are still collected as usual; everything is restored afterwards
    (objects a host program froze itself are left frozen, and then nothing more is frozen).
    """
    thresholds, freezing = gc.get_threshold(), gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
    try:
        yield gc.collect
    finally:
        gc.set_threshold(*thresholds)
        if freezing:
            gc.unfreeze()
