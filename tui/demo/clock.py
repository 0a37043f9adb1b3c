"""The demo's clock: scenario time from real time.

CloudWatch refuses datapoints from the future, so metric and log timestamps are always real
wall-clock time. ``speed`` only changes how fast the *scenario* moves: with ``t0`` the moment
population started, scenario time is ``sim(real) = real`` up to ``t0`` (history is the real
past, backfilled at one point a minute) and ``t0 + (real - t0) * speed`` after it. A point for
the real minute ``m`` carries the scenario state at ``sim(m)``: at speed 60 each real minute's
point shows an hour of scenario progress (job progress, disks filling, diurnal traffic), jobs
finish and pipeline executions start 60 times sooner, and the timestamps AWS reports for
those events are the real times they map back to. Rates (requests per minute) stay per real
minute, so charts keep their scale.
"""

from __future__ import annotations

import time


class SimClock:
    """Scenario time from real time: the identity up to ``t0``, ``speed`` times faster after it."""

    def __init__(self, t0: float, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.t0 = float(t0)
        self.speed = float(speed)

    def sim(self, real: float) -> float:
        return real if real <= self.t0 else self.t0 + (real - self.t0) * self.speed

    def real(self, sim: float) -> float:
        return sim if sim <= self.t0 else self.t0 + (sim - self.t0) / self.speed

    def now(self) -> float:
        return self.sim(time.time())
