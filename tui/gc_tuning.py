"""Shorter full garbage collections: the longest pauses of the UI thread with a big fleet.

CPython's cyclic garbage collector scans every tracked object of the process in a full
(generation 2) collection, holding the GIL, whichever thread triggers it. With 1,000
endpoints the heap holds about 450,000 tracked objects, most of them made at start-up and kept
for good (the modules, botocore's service models, Textual's widgets and styles, the first
window's rows); a full collection took 150-700 ms on a 2-core machine, during which no key is
handled and nothing is drawn (measured by ``bench/figures_ui.py``: the cause of most keys
slower than 100 ms).

:func:`freeze_start_heap` runs once, after the first complete refresh: it collects, then moves
what is still alive into CPython's permanent generation (``gc.freeze``), which later
collections do not scan. The thresholds stay CPython's own, so cyclic garbage made later (render
caches, replaced rows) is collected as soon as before. Raising the full-collection threshold
instead (10 -> 100) was measured too: fewer stalls, but the deferred garbage took the app's RSS
from about 150 MB to 190-216 MB (``python -m bench.memory_app``).
"""

from __future__ import annotations

import gc


def freeze_start_heap() -> int:
    """Collect, then move every object still alive into the permanent generation, which no
    later collection scans; returns how many objects are frozen. Objects frozen are still freed
    by reference counting when dropped; only a frozen cycle would wait for ``gc.unfreeze``.
    Once per process: a heap already frozen (another app of the same process, as in the tests)
    is left as it is, so later apps' garbage stays collectable."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
    return gc.get_freeze_count()
