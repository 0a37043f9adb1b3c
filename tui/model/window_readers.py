"""Readers of one series over the screen's window, for the overview and the drill-down models.

The values of a series on a period grid (:func:`grid`, resampled where the series was fetched
at another period), counts as counts per minute, error ratios point by point, and the points,
sum, maximum and mean of the window (NaN points left out: a NaN is no reading, like a missing
point, so one cannot blank a window's total). The overview and the endpoint, component, pipeline,
labeling, feature-group and recommendation models are made of them. Pure Python.
"""

from __future__ import annotations

from typing import Iterable

from tui.model.aggregate import max_or_none, mean_or_none, sum_or_none
from tui.model.readings import Rate, span_sum
from tui.model.series import SeriesKey, SeriesStore


def series_period(store: SeriesStore, keys: Iterable[SeriesKey], default: int = 60) -> int:
    """The period the first of ``keys`` that is in the store was fetched with."""
    for k in keys:
        s = store.get(k)
        if s is not None:
            return s.period
    return default


def grid(store: SeriesStore, key: SeriesKey, now: int, period: int, span: int | None = None
         ) -> list[float | None]:
    """Values of ``key`` on the ``period`` grid ending at ``now`` over ``span`` seconds
    (default: the store's window); ``None`` where no point exists. A series fetched at
    another period is read on its own grid and resampled onto this one (points falling in
    the same slot are averaged)."""
    span = store.window if span is None else span
    count = max(1, span // period)
    s = store.get(key)
    if s is None:
        return [None] * count
    if s.period == period:
        return s.values(now, count)
    end = now - now % period
    first = end - (count - 1) * period
    slots: dict[int, list[float]] = {}
    for t, v in s.points.items():
        if first <= t <= end + period - 1 and v == v:
            slots.setdefault(first + (t - first) // period * period, []).append(v)
    return [(sum(slots[t]) / len(slots[t])) if t in slots else None
            for t in (first + i * period for i in range(count))]


def per_minute(values: list[float | None], period: int) -> list[float | None]:
    """Counts per period as counts per minute."""
    f = 60.0 / period
    return [None if v is None else v * f for v in values]


def ratio_pct(num: list[float | None], den: list[float | None]) -> list[float | None]:
    """``100 * num / den`` point by point; ``None`` without traffic (a missing error count
    with traffic is a zero)."""
    out: list[float | None] = []
    for n, d in zip(num, den):
        out.append(None if d is None or d <= 0 else 100.0 * (n or 0.0) / d)
    return out


def window_points(store: SeriesStore, key: SeriesKey, now: int) -> list[tuple[int, float]]:
    """The points of ``key`` inside the window ending at ``now``, oldest first."""
    s = store.get(key)
    if s is None:
        return []
    lo = now - store.window
    return sorted((t, v) for t, v in s.points.items() if lo < t <= now and v == v)


def window_sum(store: SeriesStore, key: SeriesKey, now: int) -> float | None:
    """The sum of the window's points (None: none)."""
    return sum_or_none(v for _, v in window_points(store, key, now))


def window_max(store: SeriesStore, key: SeriesKey, now: int) -> float | None:
    return max_or_none(v for _, v in window_points(store, key, now))


def window_mean(store: SeriesStore, key: SeriesKey, now: int) -> float | None:
    return mean_or_none(v for _, v in window_points(store, key, now))


def recent_count(store: SeriesStore, key: SeriesKey, rate: Rate) -> float | None:
    """``key`` summed over the same span as ``rate`` (errors over the invocations' span);
    zero when the span has traffic but no error point (no point means no errors)."""
    if rate.anchor is None:
        return None
    v = span_sum(store, key, rate.anchor)
    return v if v is not None else 0.0
