"""Sums, maxima and means over values that may be missing.

A metric value without data is ``None``; these aggregate only the values present and give
``None`` when there are none, never a made-up zero. Pure Python.
"""

from __future__ import annotations

from typing import Callable, Iterable


def mean(values: list[float]) -> float:
    """The mean of a non-empty list."""
    return sum(values) / len(values)


def sum_or_none(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def max_or_none(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def mean_or_none(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return mean(present) if present else None


def combine(columns: Iterable[list[float | None]], how: Callable[[list[float]], float]) -> list[float | None]:
    """Point by point ``how`` of the present values of several equally long lists."""
    out: list[float | None] = []
    for col in zip(*columns):
        present = [v for v in col if v is not None]
        out.append(how(present) if present else None)
    return out
