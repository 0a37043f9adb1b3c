"""Time series on a fixed period grid, bounded to a window, with explicit gaps.

A :class:`Series` holds at most the points of its window (older points are dropped as new
ones arrive), so memory never grows with run time. A minute with no data is *missing*
(``None`` in :meth:`Series.values`), never a fake zero; a NaN value is a point.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import ItemsView, Iterable, Iterator, Mapping, ValuesView
from dataclasses import dataclass, field
from operator import itemgetter

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
    #: The account the series lives in, for a query through CloudWatch cross-account
    #: observability (GetMetricData's ``AccountId``); "" : the account signed in to.
    account: str = ""

    @property
    def unit(self) -> Unit:
        """The catalog unit of the metric (``Unit.NONE`` outside the catalog)."""
        return Unit.NONE if self.definition is None else self.definition.unit

    def dim(self, name: str) -> str | None:
        for k, v in self.dimensions:
            if k == name:
                return v
        return None


class SeriesPoints(Mapping):
    """A read-only ``{epoch second: value}`` view of a :class:`Series`' points, oldest first.

    Backed by the series' arrays (no copy), so it follows the series' merges as a dict would;
    assigning new points to the series leaves a view taken before on the old ones. ``get`` and
    ``[]`` find a point by its slot on the period grid, falling back to a binary search. A NaN
    value is a point like any other (``v != v`` tells it apart); a missing slot is absent. Writes
    go through the series (:meth:`Series.merge`, or assigning a mapping to :attr:`Series.points`).
    """

    __slots__ = ("_ts", "_vals", "_period")

    def __init__(self, ts: array, vals: array, period: int) -> None:
        self._ts, self._vals, self._period = ts, vals, period

    def _index(self, t) -> int:
        """The index of the point at ``t`` in the arrays, -1 when there is none."""
        ts = self._ts
        n = len(ts)
        if not n:
            return -1
        if t.__class__ is not int:  # 600.0 finds 600, as in a dict; anything else finds nothing
            try:
                if t != int(t):
                    return -1
                t = int(t)
            except (TypeError, ValueError, OverflowError):
                return -1
        last = ts[-1]
        if t > last:
            return -1
        i = n - 1 - (last - t) // self._period  # where it sits when no slot after it is missing
        if i >= 0 and ts[i] == t:
            return i
        i = bisect_left(ts, t)
        return i if ts[i] == t else -1

    def get(self, t, default=None):
        i = self._index(t)
        return default if i < 0 else self._vals[i]

    def __getitem__(self, t) -> float:
        i = self._index(t)
        if i < 0:
            raise KeyError(t)
        return self._vals[i]

    def __contains__(self, t) -> bool:
        return self._index(t) >= 0

    def __len__(self) -> int:
        return len(self._ts)

    def __iter__(self) -> Iterator[int]:
        return iter(self._ts)

    def items(self) -> ItemsView:
        return _Items(self)

    def values(self) -> ValuesView:
        return _Values(self)

    def __repr__(self) -> str:
        return f"SeriesPoints({dict(self.items())!r})"


class _Items(ItemsView):
    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[int, float]]:
        m = self._mapping
        return zip(m._ts, m._vals)


class _Values(ValuesView):
    __slots__ = ()

    def __iter__(self) -> Iterator[float]:
        return iter(self._mapping._vals)


class Series:
    """Points of one series keyed by their epoch second, aligned to ``period``.

    The points sit in two parallel arrays sorted by time, ``array('q')`` timestamps and
    ``array('d')`` values: 16 bytes a point (a dict of boxed ints and floats took about 100).
    A NaN value is a point that is present but not a number; a missing minute has no entry.
    :attr:`points` is a read-only mapping view of them. :meth:`copy` shares the arrays until
    either side writes (copy on write), so a snapshot costs an object per series, and arrays
    once shared are never changed in place: a snapshot read on another thread never moves.
    """

    __slots__ = ("period", "window", "_ts", "_vals", "_shared", "_aligned")

    def __init__(self, period: int, window: int, points: Mapping[int, float] | None = None) -> None:
        self.period = period
        self.window = window
        self._ts = array("q")
        self._vals = array("d")
        self._shared = False  # the arrays are shared with a copy: copy them before a write
        self._aligned = True  # every timestamp is on the period grid (merge aligns; a mapping may not)
        if points:
            self.points = points

    @property
    def points(self) -> SeriesPoints:
        """The points as a read-only mapping ``{epoch second: value}``, oldest first."""
        return SeriesPoints(self._ts, self._vals, self.period)

    @points.setter
    def points(self, points: Mapping[int, float]) -> None:
        """Replace every point (taken as given: neither aligned to the period nor trimmed)."""
        items = sorted(((int(t), float(v)) for t, v in points.items()), key=itemgetter(0))
        self._ts = array("q", [t for t, _ in items])
        self._vals = array("d", [v for _, v in items])
        self._shared = False
        self._aligned = all(t % self.period == 0 for t in self._ts)

    @property
    def capacity(self) -> int:
        return self.window // self.period + 1

    def copy(self) -> Series:
        """An independent series with the same points (the arrays are copied on the first write)."""
        out = Series(self.period, self.window)
        out._ts, out._vals, out._aligned = self._ts, self._vals, self._aligned
        self._shared = out._shared = True
        return out

    def _own(self) -> None:
        if self._shared:
            self._ts, self._vals = self._ts[:], self._vals[:]
            self._shared = False

    def merge(self, timestamps: Iterable[int], values: Iterable[float]) -> int:
        """Insert or replace points (late points overwrite earlier values); returns how many."""
        period = self.period
        new = []
        for ts, v in zip(timestamps, values):
            t = int(ts)
            new.append((t - t % period, float(v)))
        if new:
            new.sort(key=itemgetter(0))  # stable: of two values for one slot the later one wins
            self._own()
            ts, vals = self._ts, self._vals
            for t, v in new:
                n = len(ts)
                if not n or t > ts[-1]:
                    ts.append(t)
                    vals.append(v)
                    continue
                i = n - 1 - (ts[-1] - t) // period
                if i < 0 or ts[i] != t:
                    i = bisect_left(ts, t)
                    if ts[i] != t:
                        ts.insert(i, t)
                        vals.insert(i, v)
                        continue
                vals[i] = v
        self._trim()  # never drops the newest point
        return len(new)

    def newest_time(self) -> int | None:
        """The timestamp of the newest point (None when empty)."""
        ts = self._ts
        return ts[-1] if ts else None

    def _trim(self) -> None:
        ts = self._ts
        if not ts:
            return
        cut = bisect_right(ts, ts[-1] - self.window)
        if cut:
            self._own()
            del self._ts[:cut]
            del self._vals[:cut]

    def latest(self) -> tuple[int, float] | None:
        ts, vals = self._ts, self._vals
        return (ts[-1], vals[-1]) if ts else None

    def last_value(self) -> float | None:
        vals = self._vals
        return vals[-1] if vals else None

    def grid(self, end: int, count: int | None = None) -> list[int]:
        """The period-aligned timestamps of the window ending at ``end`` (inclusive)."""
        end -= end % self.period
        count = count if count is not None else self.window // self.period
        return [end - (count - 1 - i) * self.period for i in range(count)]

    def values(self, end: int, count: int | None = None) -> list[float | None]:
        """Values on the grid ending at ``end``; ``None`` where no point exists."""
        period = self.period
        end -= end % period
        count = count if count is not None else self.window // period
        if count <= 0:
            return []
        first = end - (count - 1) * period
        ts = self._ts
        lo, hi = bisect_left(ts, first), bisect_right(ts, end)
        if hi - lo == count and self._aligned:  # every slot of the grid holds a point
            return self._vals[lo:hi].tolist()
        out: list[float | None] = [None] * count
        vals = self._vals
        for i in range(lo, hi):
            k, off = divmod(ts[i] - first, period)
            if not off:
                out[k] = vals[i]
        return out

    def sorted_items(self) -> list[tuple[int, float]]:
        return list(zip(self._ts, self._vals))

    def __eq__(self, other) -> bool:
        if not isinstance(other, Series):
            return NotImplemented
        return (self.period, self.window, self._ts, self._vals) == (other.period, other.window, other._ts, other._vals)

    __hash__ = None  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return f"Series(period={self.period!r}, window={self.window!r}, points={dict(self.sorted_items())!r})"


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

    def copy(self) -> SeriesStore:
        """A copy later merges into either store leave alone (the points are copied on write)."""
        out = SeriesStore(self.window)
        out._series = {k: s.copy() for k, s in self._series.items()}
        return out

    def drop(self, keys: Iterable[SeriesKey]) -> None:
        for k in keys:
            self._series.pop(k, None)

    def keys(self) -> list[SeriesKey]:
        return list(self._series)

    def __len__(self) -> int:
        return len(self._series)

    def total_points(self) -> int:
        return sum(len(s.points) for s in self._series.values())
