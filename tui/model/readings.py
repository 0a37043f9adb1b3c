"""Reading current values out of the series store: the newest point, sums over a span, rates
and the window's trend.

Pure Python. How the overview's numbers are taken from :class:`~tui.model.series.SeriesStore`
points is described in :mod:`tui.model.overview`; these are the reads it (and the detail
screens) are made of. Reads over the whole window (its points, sum, maximum, mean) are
:mod:`tui.model.window_readers`'. Points sit on their series' period grid, so a span is read by looking
its few slots up, and the newest point is known without a scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from tui.model import aggregate
from tui.model.series import SeriesKey, SeriesStore

#: Seconds of the recent span rates are averaged over.
SPAN = 300
#: A series whose newest point is older than this has no current value.
FRESH = 900


def newest(store: SeriesStore, key: SeriesKey, now: int, fresh: int | None = FRESH) -> tuple[int, float] | None:
    """The newest point at or before ``now`` (and not older than ``fresh`` seconds)."""
    s = store.get(key)
    if s is None:
        return None
    ts = s.newest_time()  # O(1); only points later than ``now`` (a clock behind) need a scan
    if ts is not None and ts > now:
        ts = max((t for t in s.points if t <= now), default=None)
    if ts is None or (fresh is not None and now - ts > max(fresh, 2 * s.period)):  # hourly points of the past
        return None
    return ts, s.points[ts]


def latest(store: SeriesStore, key: SeriesKey, now: int, fresh: int | None = FRESH) -> float | None:
    p = newest(store, key, now, fresh)
    return None if p is None else p[1]


def span_sum(store: SeriesStore, key: SeriesKey, anchor: int, span: int = SPAN) -> float | None:
    """Sum of the points in ``(anchor - span, anchor]``; None when the span holds none."""
    s = store.get(key)
    if s is None:
        return None
    # points sit on the series' period grid: look the span's few slots up, newest first
    get, period = s.points.get, s.period
    vals = [v for v in (get(t) for t in range(anchor - anchor % period, anchor - span, -period)) if v is not None]
    return sum(vals) if vals else None


@dataclass(frozen=True)
class Rate:
    """A count over the recent span of one series (the span ends at its newest point), and
    the span's anchor."""

    total: float | None = None  # sum over the span
    minutes: float = SPAN / 60
    anchor: int | None = None

    @property
    def per_minute(self) -> float | None:
        return None if self.total is None else self.total / self.minutes


def recent_rate(store: SeriesStore, key: SeriesKey, now: int) -> Rate:
    p = newest(store, key, now)
    if p is None:
        return Rate()
    span = max(SPAN, store.get(key).period)  # a point of the past may cover an hour: its own span
    return Rate(span_sum(store, key, p[0], span), span / 60, anchor=p[0])


def trend(store: SeriesStore, keys: Iterable[SeriesKey], now: int, combine: Callable = sum) -> list[float | None]:
    """The window's grid of values, combining several series point by point."""
    series = [s for s in (store.get(k) for k in keys) if s is not None]
    if not series:
        return []
    period = series[0].period
    count = store.window // period
    grids = [s.values(now, count) for s in series if s.period == period]
    if len(grids) == 1 and combine in (sum, aggregate.mean):  # one series: its own values
        return grids[0]
    return aggregate.combine(grids, combine)
