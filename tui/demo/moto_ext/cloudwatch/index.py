"""The index of the datapoints a CloudWatch backend of the local AWS stores, and PutMetricData
that keeps it current.

moto keeps every datapoint put with PutMetricData in one flat list and scans all of it for
every query and every period. :class:`MetricIndex` keeps, per CloudWatch backend,

    (namespace, metric name, frozenset of (dimension name, value)) -> datapoints sorted by time

following moto's list: PutMetricData stays moto's own code and indexes what it appended
right after (:func:`backend_put_metric_data`; anything appended otherwise is indexed on the
next read). Datapoints moto computes on the fly (its metric providers) come from
:func:`provider_series`.
"""

from __future__ import annotations

import bisect
import math
import threading
from datetime import datetime, timezone
from typing import Any

from .. import _patches

SeriesKey = tuple[str, str, frozenset]


# -- time helpers --------------------------------------------------------------------------
_EPOCH = datetime(1970, 1, 1)


def epoch_of(value: Any) -> float:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # moto's naive UTC
            return (value - _EPOCH).total_seconds()
        return value.timestamp()
    return float(value)


def utc_of(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


# -- the index -----------------------------------------------------------------------------
class MetricSeries:
    """The datapoints of one metric series, kept sorted by time (lazily)."""

    __slots__ = ("dims", "ts", "vals", "units", "ordered", "latest")

    def __init__(self, dims: list[tuple[str, str]]):
        self.dims = dims  # in the order of the first put
        self.ts: list[float] = []
        # a float for a single value; (min, max, sum, count) for a statistic set
        self.vals: list[Any] = []
        self.units: list[Any] = []
        self.ordered = True
        self.latest = -math.inf

    def add(self, t: float, val: Any, unit: Any) -> None:
        if self.ts and t < self.ts[-1]:
            self.ordered = False
        self.ts.append(t)
        self.vals.append(val)
        self.units.append(unit)
        if t > self.latest:
            self.latest = t

    def sort(self) -> None:
        if self.ordered:
            return
        order = sorted(range(len(self.ts)), key=self.ts.__getitem__)
        self.ts = [self.ts[i] for i in order]
        self.vals = [self.vals[i] for i in order]
        self.units = [self.units[i] for i in order]
        self.ordered = True

    def window(self, lo: float, hi: float) -> tuple[int, int]:
        self.sort()
        return bisect.bisect_left(self.ts, lo), bisect.bisect_left(self.ts, hi)


def _datum_value(datum: Any) -> Any:
    if hasattr(datum, "value"):
        return float(datum.value)
    return (float(datum.min), float(datum.max), float(datum.sum), float(datum.sample_count))


def series_key(namespace: str, name: str, dims) -> SeriesKey:
    return (namespace, name, frozenset(dims))


class MetricIndex:
    """Series of one CloudWatch backend, following its ``metric_data`` list."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.source: list | None = None
        self.count = 0
        self.series: dict[SeriesKey, MetricSeries] = {}
        self._by_order: dict[tuple, MetricSeries] = {}  # (namespace, name, dims as put) -> series

    def sync(self, metric_data: list) -> None:
        """Index what was appended to moto's list since the last call (rebuild if replaced)."""
        if self.source is not metric_data or len(metric_data) < self.count:
            self.source = metric_data
            self.count = 0
            self.series = {}
            self._by_order = {}
        n = len(metric_data)
        if n == self.count:
            return
        series, by_order = self.series, self._by_order
        for datum in metric_data[self.count:n]:
            self._add(series, datum, by_order)
        self.count = n

    @staticmethod
    def _add(series: dict[SeriesKey, MetricSeries], datum: Any, by_order: dict | None = None) -> None:
        dims = tuple((d.name, d.value) for d in datum.dimensions)
        ordered = (datum.namespace, datum.name, dims)
        s = by_order.get(ordered) if by_order is not None else None
        if s is None:
            key = series_key(datum.namespace, datum.name, dims)
            s = series.get(key)
            if s is None:
                s = series[key] = MetricSeries(list(dims))
            if by_order is not None:
                by_order[ordered] = s
        s.add(epoch_of(datum.timestamp), _datum_value(datum), datum.unit)

    @classmethod
    def transient(cls, data: list) -> dict[SeriesKey, MetricSeries]:
        """Series for datapoints computed on the fly (moto's metric providers)."""
        out: dict[SeriesKey, MetricSeries] = {}
        for datum in data:
            cls._add(out, datum)
        return out


_index_lock = threading.Lock()


def metric_index(backend: Any) -> MetricIndex:
    """The (synced) index of a CloudWatch backend; use it under ``index.lock``."""
    idx = backend.__dict__.get("_metric_index")
    if idx is None:
        with _index_lock:
            idx = backend.__dict__.get("_metric_index")
            if idx is None:
                idx = backend.__dict__["_metric_index"] = MetricIndex()
    return idx


def provider_series(backend: Any) -> dict[SeriesKey, MetricSeries]:
    try:
        data = backend.aws_metric_data
    except Exception:  # a provider that cannot answer must not break metric reads
        return {}
    return MetricIndex.transient(data) if data else {}


def backend_put_metric_data(self, namespace: str, metric_data: list[dict[str, Any]]) -> None:
    """moto's PutMetricData, then indexing of the new points (so reads do not pay for them)."""
    from moto.cloudwatch.models import CloudWatchBackend

    _patches.original(CloudWatchBackend, "put_metric_data")(self, namespace, metric_data)
    idx = metric_index(self)
    with idx.lock:
        idx.sync(self.metric_data)
