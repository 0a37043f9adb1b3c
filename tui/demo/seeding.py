"""Seeding the demo: the fleet created in the local AWS and its history backfilled.

:class:`Seeding` is the part of :class:`~tui.demo.runtime.DemoAws` that populates it: the
newest :data:`RECENT_MINUTES` first, so the app can show the fleet within seconds, then the
rest of the history (one point a minute; 10-second series at :data:`HIGH_RES_STEP` for the
last ``high_res_history_hours``), then the logs. It uses the attributes ``DemoAws`` sets up.
"""

from __future__ import annotations

import gc
import math
import time

from tui.demo.clock import SimClock
from tui.demo.control import SageMakerControl, claim_region
from tui.demo.demo_logs import DemoLogs
from tui.demo.description import write_description
from tui.demo.fleet import FleetWriter, build_fleet
from tui.demo.metrics.publisher import Publisher
from tui.demo.metrics.simulator import Simulator

HIGH_RES_STEP = 10
#: Minutes of history put first, before the rest (the app shows the fleet after these).
RECENT_MINUTES = 15


class Seeding:
    """Create the fleet and backfill its history (mixed into :class:`~tui.demo.runtime.DemoAws`)."""

    def populate(self) -> None:
        """Create the fleet and backfill its history (blocking; sets :attr:`ready`)."""
        if self.ready.is_set():
            return
        if self._conn is None:
            self.start()
        claim_region(self.region, self)
        started = time.perf_counter()
        cpu0 = time.process_time()
        try:
            self.phase = "starting local AWS"
            self._aws.wait_ready(60)
            self.timings["server_ready_s"] = time.perf_counter() - started
            now = time.time()
            self.clock = SimClock(now, self.speed)
            self.fleet = build_fleet(now, self.seed, self.region)
            if self.describe_to:
                write_description(self.describe_to, self.description())
            self._simulator = Simulator(self.fleet, self.clock.sim)
            self._publisher = Publisher(self.client("cloudwatch"), self.record)

            self._check_stopped()
            self.phase = "creating the fleet"
            t = time.perf_counter()
            self._writer = FleetWriter(self.fleet, self.client, SageMakerControl(self.region), self.clock.real)
            self._writer.create_all(now)
            self.timings["create_s"] = time.perf_counter() - t
            self.progress = 0.1
            self.created.set()  # the app may list the fleet now, while its minutes land

            t = time.perf_counter()
            # The local AWS keeps every datapoint as a Python object: collecting garbage while
            # hundreds of thousands of them pile up costs more than the backfill itself. Collect
            # once at the end and freeze the survivors (long-lived by nature) out of later scans.
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                # The newest minutes first, so the fleet is queryable within seconds; the rest
                # of the history follows while the app already shows the fleet.
                self.phase = "backfilling recent minutes"
                self._backfill(now, recent=True)
                self.timings["queryable_s"] = time.perf_counter() - started
                self.queryable.set()
                self.phase = "backfilling history"
                self._backfill(now, recent=False)
            finally:
                gc.collect()
                gc.freeze()
                if was_enabled:
                    gc.enable()
            self.timings["backfill_s"] = time.perf_counter() - t

            self._check_stopped()
            if self.with_logs:
                self.phase = "writing logs"
                t = time.perf_counter()
                self._logs = DemoLogs(self.fleet, self.clock.sim)
                start = self.fleet.t0 - self.history_hours * 3600
                self._logs.write(self.client("logs"), start, self._minute_next, backfill=True)
                self._logs_until = self._minute_next
                self.timings["logs_s"] = time.perf_counter() - t
            # The scenario runs at `speed` from the moment the fleet is ready, not from when
            # population started (so a slow start does not skip scenario time).
            self.clock.t0 = max(self.clock.t0, time.time())
            self._sim_done = self.clock.t0
            self.timings["populate_s"] = time.perf_counter() - started
            self.timings["populate_cpu_s"] = time.process_time() - cpu0  # every thread of the process
            self.progress = 1.0
            self.phase = "ready"
            self.ready.set()
        except BaseException as exc:
            self.error = exc
            self.phase = f"failed: {type(exc).__name__}: {exc}"
            raise

    def _backfill(self, now: float, recent: bool) -> None:
        """Put the history: the last :data:`RECENT_MINUTES` (``recent``) or everything older."""
        sim = self._simulator
        t0m = self.fleet.t0  # minute floor of now
        first = t0m - int(self.history_hours * 60) * 60
        cutoff = max(first, t0m - RECENT_MINUTES * 60)
        minutes = [first + 60 * i for i in range(int((t0m - first) // 60))]
        hr_first = t0m - int(self.high_res_history_hours * 3600) // HIGH_RES_STEP * HIGH_RES_STEP
        hr_end = now - now % HIGH_RES_STEP
        # Older than high_res_history_hours, 10-second series are backfilled one point a minute.
        hires = [m for m in minutes if m < hr_first]
        hires += [hr_first + HIGH_RES_STEP * i for i in range(int((hr_end - hr_first) // HIGH_RES_STEP))]
        has_hires = bool(sim.high_resolution_endpoints())
        total = len(minutes) + (len(hires) if has_hires else 0)
        part = (lambda t: t >= cutoff) if recent else (lambda t: t < cutoff)
        minutes = [m for m in minutes if part(m)]
        hires = [h for h in hires if part(h)] if has_hires else []
        done = self._backfilled
        put = self._publisher.put
        for m in minutes:
            self._check_stopped()
            put([sim.minute(m)], flush=False)
            done += 1
            self.progress = 0.1 + 0.85 * done / max(total, 1)
        for h in hires:
            self._check_stopped()
            put([sim.high_resolution(h, h >= hr_first)], flush=False)
            done += 1
            self.progress = 0.1 + 0.85 * done / max(total, 1)
        self._backfilled = done
        self._publisher.flush()
        self._minute_next = t0m
        self._hires_next = hr_end if has_hires else math.inf

    def _check_stopped(self) -> None:
        if self._stopped:
            raise RuntimeError("the demo was stopped while it was being populated")
