"""Move the wall clock of every Python process of a test run (``make test-anytime``).

With ``SAGEMON_TEST_CLOCK`` set and this folder on ``PYTHONPATH``, Python imports this module
at start-up, in pytest and in every Python child it starts (the app under tmux included), and
moves ``time.time``, ``datetime.now`` and their kin with ``time_machine``; monotonic clocks,
sleeps and timeouts are untouched, and the moved clock keeps ticking. The spec is one of

* ``+41d7h13m`` / ``-173d``: an offset from the real clock (days, hours, minutes, seconds);
* ``midnight-100s``: 100 seconds before the next midnight UTC (the run crosses the date line).

A run whose clock cannot be moved stops at once rather than pass on the real clock.
"""

from __future__ import annotations

import os
import re
import sys
import time

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def _offset(spec: str, now: float) -> float:
    m = re.fullmatch(r"midnight([+-]\d+)s", spec)
    if m:
        return (now // 86400 + 1) * 86400 + int(m.group(1)) - now
    m = re.fullmatch(r"([+-])((?:\d+[dhms])+)", spec)
    if not m:
        raise ValueError(f"SAGEMON_TEST_CLOCK={spec!r}: expected e.g. +41d7h13m, -173d or midnight-100s")
    seconds = sum(int(n) * _UNITS[u] for n, u in re.findall(r"(\d+)([dhms])", m.group(2)))
    return seconds if m.group(1) == "+" else -seconds


def _move() -> None:
    spec = os.environ.get("SAGEMON_TEST_CLOCK", "").strip()
    if not spec:
        return
    # Children inherit the absolute destination, so every process of the run shares one clock.
    dest = os.environ.get("SAGEMON_TEST_CLOCK_AT")
    try:
        import time_machine

        if dest is None:
            dest = repr(time.time() + _offset(spec, time.time()))
            os.environ["SAGEMON_TEST_CLOCK_AT"] = dest
            os.environ["SAGEMON_TEST_CLOCK_SINCE"] = repr(time.monotonic())
            since = time.monotonic()
        else:
            since = float(os.environ.get("SAGEMON_TEST_CLOCK_SINCE", time.monotonic()))
        # The destination was set when the run began: a child started later is as far past it.
        time_machine.travel(float(dest) + (time.monotonic() - since), tick=True).start()
    except Exception as exc:  # noqa: BLE001 - never pass on the real clock by accident
        sys.stderr.write(f"tests/clock: cannot move the clock ({spec}): {type(exc).__name__}: {exc}\n")
        raise SystemExit(3) from None


_move()
