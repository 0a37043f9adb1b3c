"""Fewer full garbage collections: the longest pauses of the UI thread with a big fleet.

CPython's cyclic garbage collector scans every tracked object of the process in a full
(generation 2) collection, holding the GIL, whichever thread triggers it: with 1,000 endpoints
the heap holds about 450,000 tracked objects and a full collection takes 150-700 ms on a
2-core machine, during which no key is handled and nothing is drawn. With the default
thresholds ``(700, 10, 10)`` a refresh of 1,000 endpoints triggered one every 2 s (17 in 35 s,
4 s of stalls); measured by ``bench/figures_ui.py``, it was the cause of most keys slower than
100 ms.

:func:`fewer_full_collections` raises the third threshold: a full collection is considered
after 100 generation-1 collections instead of 10 (CPython still waits, besides, until a
quarter of the long-lived objects are new). Young garbage is collected as often as before
(generations 0 and 1 are cheap: about 1 ms); cyclic garbage that outlived two collections
waits longer (tens of seconds at 1,000 endpoints, once per several minutes on a quiet fleet).
Nothing is frozen: the app's own cycles (Textual's render caches, replaced series) are still
collected.
"""

from __future__ import annotations

import gc

#: Generation-1 collections between two full collections (CPython's default: 10).
FULL_EVERY = 100


def fewer_full_collections() -> tuple[int, int, int]:
    """Raise the full-collection threshold to :data:`FULL_EVERY` (never lowers one set
    higher); returns the thresholds now in force."""
    first, second, third = gc.get_threshold()
    if first and third < FULL_EVERY:  # first == 0: collection is disabled; leave it so
        gc.set_threshold(first, second, FULL_EVERY)
    return gc.get_threshold()
