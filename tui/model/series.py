"""Time series on a fixed period grid, bounded to a window, with explicit gaps.

A :class:`Series` holds at most the points of its window (older points are dropped as new
ones arrive), so memory never grows with run time. A minute with no data is *missing*
(``None`` in :meth:`Series.values`), never a fake zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from tui.model.catalog import MetricDef, Unit


@dataclass(frozen=True, order=True)
class SeriesKey:
    """Identifies one CloudWatch series and statistic.

    ``dimensions`` keeps the order the catalog gives (name, value) pairs in; ``region``
    separates the same metric in two regions. ``definition`` is the catalog entry the key was
    planned from (None for a metric outside the catalog, e.g. a training job's algorithm
    metrics): it travels with the key to the cell, which formats in its :attr:`unit`. It takes
    no part in equality, hashing or ordering.
    """

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    region: str = ""
    definition: MetricDef | None = field(default=None, compare=False, repr=False)

    @property
    def unit(self) -> Unit:
        """The catalog unit of the metric (``Unit.NONE`` outside the catalog)."""
        return Unit.NONE if self.definition is None else self.definition.unit

    def dim(self, name: str) -> str | None:
        for k, v in self.dimensions:
            if k == name:
                return v
        return None


@dataclass
class Series:
    """Points of one series keyed by their epoch second, aligned to ``period``."""

    period: int
    window: int
    points: dict[int, float] = field(default_factory=dict)
    #: (the points dict, its length, its newest timestamp): kept by :meth:`merge`, so the
    #: newest point is found in O(1); a dict replaced or grown elsewhere is rescanned once.
    _newest: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def capacity(self) -> int:
        return self.window // self.period + 1

    def merge(self, timestamps: Iterable[int], values: Iterable[float]) -> int:
        """Insert or replace points (late points overwrite earlier values); returns how many."""
        n = 0
        top = self.newest_time()
        for ts, v in zip(timestamps, values):
            t = int(ts) - int(ts) % self.period
            self.points[t] = float(v)
            if top is None or t > top:
                top = t
            n += 1
        self._trim()  # never drops the newest point
        self._newest = (self.points, len(self.points), top)
        return n

    def newest_time(self) -> int | None:
        """The timestamp of the newest point (None when empty), without scanning the points."""
        cached = self._newest
        if cached is not None and cached[0] is self.points and cached[1] == len(self.points):
            return cached[2]
        top = max(self.points) if self.points else None
        self._newest = (self.points, len(self.points), top)
        return top

    def _trim(self) -> None:
        if not self.points:
            return
        cutoff = max(self.points) - self.window
        if min(self.points) > cutoff:
            return
        for ts in [t for t in self.points if t <= cutoff]:
            del self.points[ts]

    def latest(self) -> tuple[int, float] | None:
        ts = self.newest_time()
        return None if ts is None else (ts, self.points[ts])

    def last_value(self) -> float | None:
        last = self.latest()
        return None if last is None else last[1]

    def grid(self, end: int, count: int | None = None) -> list[int]:
        """The period-aligned timestamps of the window ending at ``end`` (inclusive)."""
        end -= end % self.period
        count = count if count is not None else self.window // self.period
        return [end - (count - 1 - i) * self.period for i in range(count)]

    def values(self, end: int, count: int | None = None) -> list[float | None]:
        """Values on the grid ending at ``end``; ``None`` where no point exists."""
        return [self.points.get(ts) for ts in self.grid(end, count)]

    def sorted_items(self) -> list[tuple[int, float]]:
        return sorted(self.points.items())


class SeriesStore:
    """All series the app holds, keyed by :class:`SeriesKey`."""

    def __init__(self, window: int = 3 * 3600) -> None:
        self.window = window
        self._series: dict[SeriesKey, Series] = {}

    def get(self, key: SeriesKey) -> Series | None:
        return self._series.get(key)

    def ensure(self, key: SeriesKey, period: int) -> Series:
        s = self._series.get(key)
        if s is None or s.period != period or s.window != self.window:
            s = Series(period=period, window=self.window)
            self._series[key] = s
        return s

    def set_window(self, window: int) -> None:
        """Change the window; series keep their points (trimmed on next merge)."""
        self.window = window
        for s in self._series.values():
            s.window = window

    def drop(self, keys: Iterable[SeriesKey]) -> None:
        for k in keys:
            self._series.pop(k, None)

    def keys(self) -> list[SeriesKey]:
        return list(self._series)

    def __len__(self) -> int:
        return len(self._series)

    def total_points(self) -> int:
        return sum(len(s.points) for s in self._series.values())
