"""The warn and critical thresholds of the health levels, per metric: defaults and the config's.

The defaults are the values the health rules have always used. A config file's
``[thresholds.<metric>]`` tables replace them once at start-up (:func:`set_thresholds`); the
health rules (:mod:`tui.model.health`) read :func:`threshold` each time they judge a value, so
every pane, screen and grid colours by the same numbers. Pure Python: no Textual, no boto3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True, slots=True)
class Threshold:
    """A value at ``warn`` or more needs a look; at ``critical`` or more, attention now."""

    warn: float
    critical: float
    unit: str = "percent"


_UTIL = Threshold(85.0, 95.0)

#: Every metric with thresholds, and today's values. A ``*Normalized`` metric not listed here
#: uses ``MemoryUtilization``'s.
DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    "DiskUtilization": Threshold(80.0, 90.0),  # 90 % is also where the "disk full" flag starts
    "MemoryUtilization": _UTIL,  # 95 % is also where the "memory high" flag starts
    "CPUUtilizationNormalized": _UTIL,
    "GPUUtilizationNormalized": _UTIL,
    "GPUMemoryUtilizationNormalized": _UTIL,
    "MemoryUtilizationNormalized": _UTIL,
    "Invocation5XXErrors": Threshold(1.0, 5.0, "percent of invocations"),
    "ModelLatency": Threshold(1000.0, 5000.0, "milliseconds (p99)"),
}

_current: dict[str, Threshold] = dict(DEFAULT_THRESHOLDS)


def set_thresholds(overrides: Mapping[str, tuple[float, float]]) -> None:
    """Judge with ``overrides`` ({metric: (warn, critical)}) over the defaults from now on;
    an empty mapping restores the defaults. Unknown metrics are a :class:`KeyError`."""
    table = dict(DEFAULT_THRESHOLDS)
    for metric, (warn, critical) in overrides.items():
        table[metric] = Threshold(float(warn), float(critical), DEFAULT_THRESHOLDS[metric].unit)
    _current.clear()
    _current.update(table)


def current_thresholds() -> dict[str, Threshold]:
    """The thresholds in use, metric by metric (a copy)."""
    return dict(_current)


def threshold(metric: str) -> Threshold | None:
    """The thresholds in use for ``metric``; None for a metric judged only against its peers."""
    found = _current.get(metric)
    if found is None and metric.endswith("Normalized"):
        return _current["MemoryUtilization"]
    return found
