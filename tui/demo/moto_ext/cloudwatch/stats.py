"""CloudWatch statistics over the values of one bucket, and where buckets start.

Sum/Average/Minimum/Maximum/SampleCount aggregate every point exactly; percentiles
(``p50``, ``p99.9``), trimmed statistics (``tm90``, ``TM(10%:90%)``, ``tc``, ``ts``, ``wm``) and
``IQM`` come from the raw values (nearest-rank; a statistic set counts as its minimum, its
maximum and the rest of its samples at the remaining mean). Buckets start at the start time
rounded down as CloudWatch documents it (:func:`bucket_origin`).
"""

from __future__ import annotations

import math
import re

HIGH_RES_PERIODS = (1, 5, 10, 20, 30)


def bucket_origin(start: float, period: int, now: float) -> float:
    """The first bucket's start: StartTime rounded down the way CloudWatch documents it."""
    start = math.floor(start)
    if period < 60:
        step = period
    else:
        age = now - start
        step = 60 if age <= 15 * 86400 else 300 if age <= 63 * 86400 else 3600
    return start - start % step


_NUM = r"(\d{1,2}(?:\.\d+)?|100(?:\.0+)?)"
_PCT = re.compile(rf"^[pP]{_NUM}$")
_TRIM_SHORT = re.compile(rf"^(tm|wm|tc|ts){_NUM}$", re.IGNORECASE)
_TRIM_RANGE = re.compile(rf"^(tm|wm|tc|ts)\({_NUM}%:{_NUM}%\)$", re.IGNORECASE)
BASIC_STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")


def _summary(vals: list) -> tuple[float, float, float, float]:
    """(count, sum, min, max) of single values and statistic sets."""
    n = s = 0.0
    lo, hi = math.inf, -math.inf
    for v in vals:
        if v.__class__ is float:
            n += 1.0
            s += v
            if v < lo:
                lo = v
            if v > hi:
                hi = v
        else:
            mn, mx, sm, c = v
            n += c
            s += sm
            if mn < lo:
                lo = mn
            if mx > hi:
                hi = mx
    return n, s, lo, hi


def weighted_samples(vals: list) -> list[tuple[float, float]]:
    """(value, weight) pairs sorted by value; a statistic set is approximated by its minimum,
    its maximum and its other samples at the mean of the rest."""
    out: list[tuple[float, float]] = []
    for v in vals:
        if v.__class__ is float:
            out.append((v, 1.0))
            continue
        mn, mx, sm, c = v
        if c <= 0:
            continue
        if c < 2:
            out.append((sm / c, c))
            continue
        out.append((mn, 1.0))
        out.append((mx, 1.0))
        if c > 2:
            mid = min(max((sm - mn - mx) / (c - 2), mn), mx)
            out.append((mid, c - 2))
    out.sort(key=lambda x: x[0])
    return out


def weighted_percentile(samples: list[tuple[float, float]], p: float) -> float | None:
    """Nearest-rank percentile of weighted samples (``p`` in 0..100)."""
    if not samples:
        return None
    total = sum(w for _, w in samples)
    if total <= 0:
        return None
    if p <= 0:
        return samples[0][0]
    target = p / 100.0 * total
    eps = 1e-9 * total
    cum = 0.0
    for v, w in samples:
        cum += w
        if cum >= target - eps:
            return v
    return samples[-1][0]


def _trimmed(samples: list[tuple[float, float]], kind: str, a: float, b: float) -> float | None:
    if not samples or b < a:
        return None
    total = sum(w for _, w in samples)
    if total <= 0:
        return None
    kind = kind.lower()
    if kind == "wm":
        pa, pb = weighted_percentile(samples, a), weighted_percentile(samples, b)
        return sum(min(max(v, pa), pb) * w for v, w in samples) / total
    lo, hi = a / 100.0 * total, b / 100.0 * total
    cum = cnt = acc = 0.0
    for v, w in samples:
        c0, cum = cum, cum + w
        ov = min(cum, hi) - max(c0, lo)
        if ov > 0:
            cnt += ov
            acc += v * ov
    if kind == "tc":
        return cnt
    if kind == "ts":
        return acc
    return acc / cnt if cnt > 0 else None


def parse_stat(stat: str):
    """A function computing ``stat`` from a bucket's values, or None if not a valid stat."""
    if stat in BASIC_STATS:
        def basic(vals, _stat=stat):
            n, s, lo, hi = _summary(vals)
            if _stat == "Sum":
                return s
            if _stat == "SampleCount":
                return n
            if _stat == "Average":
                return s / n if n > 0 else None
            if _stat == "Minimum":
                return lo if lo != math.inf else None
            return hi if hi != -math.inf else None
        return basic
    m = _PCT.match(stat)
    if m:
        p = float(m.group(1))
        return lambda vals: weighted_percentile(weighted_samples(vals), p)
    if stat.upper() == "IQM":
        return lambda vals: _trimmed(weighted_samples(vals), "tm", 25.0, 75.0)
    m = _TRIM_SHORT.match(stat)
    if m:
        kind, b = m.group(1), float(m.group(2))
        return lambda vals: _trimmed(weighted_samples(vals), kind, 0.0, b)
    m = _TRIM_RANGE.match(stat)
    if m:
        kind, a, b = m.group(1), float(m.group(2)), float(m.group(3))
        if a > b:
            return None
        return lambda vals: _trimmed(weighted_samples(vals), kind, a, b)
    return None


def valid_period(period: int) -> bool:
    return period in HIGH_RES_PERIODS or (period > 0 and period % 60 == 0)
