"""Every sample the demo put, by series, and the CloudWatch statistic over samples: what
CloudWatch must answer for any series, statistic and period (:meth:`PutRecord.expected`)."""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from typing import Iterable

from tui.demo.metrics.samples import Sample, as_stats, as_values


SeriesId = tuple  # (namespace, metric, frozenset of (name, value))


def series_id(namespace: str, name: str, dims: Iterable) -> SeriesId:
    if isinstance(dims, dict):
        dims = dims.items()
    else:
        dims = ((d["Name"], d["Value"]) if isinstance(d, dict) else tuple(d) for d in dims)
    return (namespace, name, frozenset(dims))


_FROZEN: dict[tuple, frozenset] = {}


def _frozen(dims: tuple) -> frozenset:
    f = _FROZEN.get(dims)
    if f is None:
        f = _FROZEN[dims] = frozenset(dims)
    return f


class PutRecord:
    """Every sample put, by series, to compute what CloudWatch must answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.series: dict[SeriesId, list[tuple[float, Sample]]] = defaultdict(list)

    def add(self, namespace: str, name: str, dims: tuple, ts: float, sample: Sample) -> None:
        with self._lock:
            self.series[(namespace, name, _frozen(dims))].append((ts, sample))

    def add_many(self, namespace: str, rows: list, ts: float) -> None:
        """Record a batch's rows of one namespace: (name, dims, sample, unit) each."""
        series = self.series
        with self._lock:
            for name, dims, sample, _unit in rows:
                series[(namespace, name, _frozen(dims))].append((ts, sample))

    def prune(self, before: float) -> None:
        """Forget samples older than ``before``."""
        with self._lock:
            for key in list(self.series):
                pts = self.series[key]
                if pts and pts[0][0] < before:
                    kept = [p for p in pts if p[0] >= before]
                    if kept:
                        self.series[key] = kept
                    else:
                        del self.series[key]

    def keys(self) -> list[SeriesId]:
        with self._lock:
            return list(self.series)

    def samples(self, namespace: str, name: str, dims, start: float, end: float) -> list[Sample]:
        with self._lock:
            pts = list(self.series.get(series_id(namespace, name, dims), ()))
        return [s for t, s in pts if start <= t < end]

    def expected(self, namespace: str, name: str, dims, stat: str, period_start: float,
                 period: int = 60) -> float | None:
        """The value CloudWatch returns for one period of a series (None: no data)."""
        return statistic(self.samples(namespace, name, dims, period_start, period_start + period), stat)


def statistic(samples: list[Sample], stat: str) -> float | None:
    """A CloudWatch statistic over samples (percentiles: nearest rank; a statistic set counts
    as its minimum, its maximum and its other samples at the mean of the rest)."""
    if not samples:
        return None
    n = s = 0.0
    lo, hi = math.inf, -math.inf
    for smp in samples:
        c, sm, mn, mx = as_stats(smp)
        n += c
        s += sm
        lo, hi = min(lo, mn), max(hi, mx)
    if stat == "Sum":
        return s
    if stat == "SampleCount":
        return n
    if stat == "Average":
        return s / n if n else None
    if stat == "Minimum":
        return lo
    if stat == "Maximum":
        return hi
    if stat[:1] in "pP":
        p = float(stat[1:])
        weighted: list[tuple[float, float]] = []
        for smp in samples:
            if smp[0] == "s":
                c, sm, mn, mx = smp[1], smp[2], smp[3], smp[4]
                if c < 2:
                    weighted.append((sm / c if c else 0.0, c))
                else:
                    weighted += [(mn, 1.0), (mx, 1.0)]
                    if c > 2:
                        weighted.append((min(max((sm - mn - mx) / (c - 2), mn), mx), c - 2))
            else:
                vals, counts = as_values(smp)
                weighted += list(zip(vals, counts))
        weighted.sort(key=lambda x: x[0])
        total = sum(w for _, w in weighted)
        target = p / 100.0 * total
        cum = 0.0
        for val, w in weighted:
            cum += w
            if cum >= target - 1e-9 * total:
                return val
        return weighted[-1][0]
    raise ValueError(f"unsupported statistic {stat!r}")
