"""The living demo: live points, logs and status changes, one tick at a time.

:class:`LiveUpdates` is the part of :class:`~tui.demo.runtime.DemoAws` that keeps the fleet
alive once it is seeded. Scheduled work keeps arriving (hourly data checks, retraining, batch
scoring, labeling batches, instance sweeps, pipeline executions), so every metric group stays
alive however long the demo runs. Fast scenarios are kept cheap: at most one new resource per
schedule and one new execution per pipeline per real minute (the others are skipped, or for
executions only published as metrics), and log streams get at most two progress lines per
real minute. It uses the attributes ``DemoAws`` sets up.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from tui.demo import fleet as fleet_mod
from tui.demo.fleet import next_executions
from tui.demo.metrics.batch import Batch
from tui.demo.metrics.record import statistic
from tui.demo.seeding import HIGH_RES_STEP


class LiveUpdates:
    """Live updates of the seeded fleet (mixed into :class:`~tui.demo.runtime.DemoAws`)."""

    def start_live(self) -> None:
        """Publish live points, append logs and move statuses along in a daemon thread."""
        if self._live is not None:
            return
        if not self.ready.is_set():
            raise RuntimeError("populate() first")
        self._stop.clear()
        self._live = threading.Thread(target=self._run_live, name="demo-live", daemon=True)
        self._live.start()

    @property
    def tick_seconds(self) -> float:
        return 1.0 if self.speed >= 12 else 5.0

    def _run_live(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            try:
                self.tick()
            except Exception as exc:  # noqa: BLE001 - the live demo keeps going; the error is shown
                self.error = exc
                self.phase = f"live error: {type(exc).__name__}: {exc}"

    def tick(self, now: float | None = None) -> None:
        """One live step: scenario changes up to ``now``, then any complete periods' points."""
        w0, c0 = time.perf_counter(), time.thread_time()
        now = time.time() if now is None else now
        sim_now = self.clock.sim(now)
        if sim_now > self._sim_done:
            self._advance(self._sim_done, sim_now, now)
            self._sim_done = sim_now
        self.catch_up(now)
        if self._logs is not None and self._minute_next > self._logs_until:
            self.live_stats["events"] += self._logs.write(self.client("logs"), self._logs_until, self._minute_next)
            self._logs_until = self._minute_next
        self.live_stats["ticks"] += 1
        self.live_stats["cpu_seconds"] += time.thread_time() - c0
        self.live_stats["wall_seconds"] += time.perf_counter() - w0

    def catch_up(self, now: float | None = None) -> None:
        """Publish every complete period up to ``now`` (the metric part of :meth:`tick`, without
        scenario changes): a demo without its live loop stays current for whoever reads it."""
        now = time.time() if now is None else now
        with self._publishing:
            self._publish_until(now)

    def _publish_until(self, now: float) -> None:
        batches: list[Batch] = []
        horizon = self.history_hours * 3600
        if now - self._minute_next > horizon:  # suspended for longer than the history: skip ahead
            self._minute_next = now - now % 60 - horizon
        while self._minute_next + 60 <= now:
            batches.append(self._simulator.minute(self._minute_next))
            self._minute_next += 60
            self.live_stats["minutes"] += 1
        if self._hires_next != math.inf:
            if now - self._hires_next > horizon:
                self._hires_next = now - now % HIGH_RES_STEP - horizon
            while self._hires_next + HIGH_RES_STEP <= now:
                batches.append(self._simulator.high_resolution(self._hires_next))
                self._hires_next += HIGH_RES_STEP
                self.live_stats["high_res"] += 1
        if batches:
            self._publisher.put(batches)
            self._evaluate_alarms()
            if now - self._pruned > 3600:  # keep what tests and alarms need, not every point ever put
                self.record.prune(now - max(self.history_hours, 24.0) * 3600 - 3600)
                self._pruned = now

    def _advance(self, a: float, b: float, now: float) -> None:
        """Scenario changes in (a, b]: new jobs and executions, status transitions."""
        f, w = self.fleet, self._writer
        # Scheduled work (data checks, retraining, batch scoring, labeling batches, instance
        # sweeps): at most one new resource per schedule and real minute.
        for r in f.recurring:
            while r.next_start <= b:
                start = r.next_start
                r.next_start += r.period
                if now - self._last_recurring_real.get(r.prefix, -math.inf) < 60:
                    continue
                item = fleet_mod.occurrence(f, r, start)
                if r.kind == "labeling":
                    f.labeling_jobs.append(item)
                    w.create_labeling_job(item, b)
                elif r.kind == "recommendation":
                    f.recommendation_jobs.append(item)
                    w.create_recommendation_job(item, b)
                else:
                    f.jobs.append(item)
                    w.create_job(item, b)
                self._last_recurring_real[r.prefix] = now
        # Pipeline executions: only the latest due one per pipeline and real minute.
        due: dict[str, Any] = {}
        for ex in next_executions(f, b):
            due[ex.pipeline] = ex
        for name, ex in due.items():
            p = f.pipeline(name)
            if now - self._last_exec_real.get(name, -math.inf) < 60 and ex.end <= b:
                p.executions.append(ex)  # recorded (metrics) but too brief to show as a resource
                continue
            p.executions.append(ex)
            w.start_execution(ex, b)
            self._last_exec_real[name] = now
        for p in f.pipelines:
            for ex in p.executions[-3:]:
                w.sync_execution(ex, b)
        for job in f.jobs:
            if job.name in w.created_jobs and getattr(job, "_reported", None) != job.status_at(b):
                w.sync_job(job, b)
        for lj in f.labeling_jobs[-4:]:
            if lj.start <= b:
                w.sync_labeling(lj, b)
        for rj in f.recommendation_jobs[-3:]:
            w.sync_recommendation(rj, b)

    def _evaluate_alarms(self) -> None:
        """Alarms marked to follow their metric flip between OK and ALARM on the latest point."""
        ops = {"GreaterThanThreshold": lambda x, y: x > y, "GreaterThanOrEqualToThreshold": lambda x, y: x >= y,
               "LessThanThreshold": lambda x, y: x < y, "LessThanOrEqualToThreshold": lambda x, y: x <= y}
        for a in self.fleet.alarms:
            if a.alarm_when is None:
                continue
            key = (a.namespace, a.metric, frozenset(a.dimensions))
            pts = self.record.series.get(key)
            if not pts:
                continue
            ts, sample = pts[-1]
            val = statistic([sample], a.statistic if not a.statistic.startswith("p") else "Maximum")
            breach = val is not None and ops[a.comparison](val, a.threshold)
            state = "ALARM" if breach else "OK"
            if state != a.state:
                reason = (f"Threshold Crossed: 1 datapoint [{val:.1f}] was "
                          f"{'greater' if 'Greater' in a.comparison else 'less'} than the threshold ({a.threshold}).")
                self._writer.set_alarm(a, state, reason)
