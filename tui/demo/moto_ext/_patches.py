"""Bookkeeping for the additions made to moto's backend and response classes.

Every attribute the local AWS replaces or adds is recorded once, with what the class held
before (its own ``__dict__`` entry, or :data:`MISSING`) and what attribute lookup found
(possibly inherited), so the additions can be undone exactly and the original behaviour
stays callable (:func:`original`).
"""

from __future__ import annotations

import threading
from typing import Any

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False})()

_lock = threading.RLock()
#: (class, attribute) -> (class's own value before patching, value lookup found before patching)
_records: dict[tuple[type, str], tuple[Any, Any]] = {}


def patch(cls: type, name: str, value: Any) -> None:
    """Set ``cls.name = value``, remembering the original the first time."""
    with _lock:
        key = (cls, name)
        if key not in _records:
            _records[key] = (cls.__dict__.get(name, MISSING), getattr(cls, name, MISSING))
        setattr(cls, name, value)


def original(cls: type, name: str) -> Any:
    """What ``cls.name`` was before it was patched (MISSING if it did not exist).

    For an attribute never patched, the current value.
    """
    with _lock:
        rec = _records.get((cls, name))
    if rec is None:
        return getattr(cls, name, MISSING)
    return rec[1]


def was_missing(cls: type, name: str) -> bool:
    """True when moto did not have ``cls.name`` at all before it was patched."""
    with _lock:
        rec = _records.get((cls, name))
    return rec is not None and rec[1] is MISSING


def patched() -> list[tuple[type, str]]:
    with _lock:
        return list(_records)


def restore_all() -> None:
    """Undo every patch (newest first)."""
    with _lock:
        for (cls, name), (own, _found) in reversed(list(_records.items())):
            if own is MISSING:
                if name in cls.__dict__:
                    delattr(cls, name)
            else:
                setattr(cls, name, own)
        _records.clear()
