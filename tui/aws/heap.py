"""Give the C heap's free memory back to the system after a GetMetricData fetch.

A first full-window fetch parses a few megabytes of answer per call; every later refresh copies
the arrays of each series it merges (they are shared with the snapshot the UI holds) and frees
the old ones when the UI lets the snapshot go. glibc keeps the freed pages of its heap (and
raises its mmap threshold after freeing big blocks, so later answers land in the heap too), so
the process kept growing by megabytes a minute with the window full. ``malloc_trim(0)`` returns
the free pages (about 7 ms with tens of MB to give back, under 1 ms otherwise), and
:func:`limit_arenas` keeps the short-lived fetch threads from each filling an arena of their own.
glibc only (found through ctypes; elsewhere both do nothing); the trim runs without the GIL, so
the UI thread goes on meanwhile.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading

#: A fetch that brought at least this many datapoints is followed by a trim: every refresh that
#: merged points (each merge copies the arrays of a series shared with the snapshot the UI
#: holds: megabytes of blocks freed and taken again at every refresh); a trim costs a few ms.
TRIM_AFTER_POINTS = 1
#: glibc's mallopt parameter for the number of malloc arenas, and the number the app allows.
M_ARENA_MAX = -8
ARENAS = 2

_lock = threading.Lock()
_glibc: dict = {}  # "malloc_trim" / "mallopt": the functions, None where missing; found on first use


def _libc_function(name: str, argtypes: list):
    with _lock:
        if name not in _glibc:
            fn = None
            if sys.platform.startswith("linux"):
                try:
                    fn = getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
                    fn.argtypes, fn.restype = argtypes, ctypes.c_int
                except (OSError, AttributeError):  # not glibc (musl has neither)
                    fn = None
            _glibc[name] = fn
        return _glibc[name]


def _malloc_trim():
    return _libc_function("malloc_trim", [ctypes.c_size_t])


def limit_arenas(arenas: int = ARENAS) -> bool:
    """At most ``arenas`` malloc arenas from now on. glibc gives threads arenas of their own (up
    to 8 per core), each keeping the memory freed in it: the short-lived fetch threads of every
    refresh left the process growing by megabytes a minute with the window full. Call it before
    threads start; False where there is no ``mallopt``."""
    fn = _libc_function("mallopt", [ctypes.c_int, ctypes.c_int])
    return bool(fn is not None and fn(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Return the heap's free pages to the system; False where there is no ``malloc_trim``."""
    fn = _malloc_trim()
    if fn is None:
        return False
    fn(0)
    return True


def after_fetch(datapoints: int) -> bool:
    """:func:`trim` when a fetch brought at least :data:`TRIM_AFTER_POINTS` datapoints."""
    return trim() if datapoints >= TRIM_AFTER_POINTS else False
