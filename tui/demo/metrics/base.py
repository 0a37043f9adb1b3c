"""What every resource family of the simulator shares: the fleet, the scenario clock, seeded
series keys and latency samples, and the catalog's instance metrics per kind."""

from __future__ import annotations

from typing import Callable

from tui.demo import shapes
from tui.demo.fleet import Fleet
from tui.demo.metrics.samples import Sample, values
from tui.model.catalog import Kind, instance_metrics

INSTANCE_METRICS = {k: instance_metrics(k) for k in Kind}


class SimulatorBase:
    """The fleet, the clock and the seeded keys of the simulator's series."""

    def __init__(self, fleet: Fleet, sim: Callable[[float], float] | None = None,
                 quantiles: tuple[float, ...] = shapes.LATENCY_QUANTILES) -> None:
        self.fleet = fleet
        self.seed = fleet.seed
        self.sim = sim or (lambda t: t)
        self.quantiles = quantiles
        self._keys: dict[tuple, int] = {}
        self._cold: dict[str, float] = {}

    def key(self, *parts: object) -> int:
        k = self._keys.get(parts)
        if k is None:
            k = self._keys[parts] = shapes.series_seed(self.seed, *parts)
        return k

    def _latency(self, key: int, t: float, median_ms: float, load: float, tail: float = 1.0,
                 scale: float = 1000.0) -> Sample:
        xs = shapes.latency_samples(key, t, median_ms * scale, load, tail, self.quantiles)
        return values(xs)
