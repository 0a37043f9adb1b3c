"""The living demo: a local AWS, the fleet created in it, history backfilled, live updates.

    demo = DemoAws(speed=1.0, seed=7)
    conn = demo.start()            # milliseconds: the server starts in the background
    session = boto3.Session(**conn.credentials)   # + endpoint_url=conn.endpoint_url
    demo.populate()                # seconds, blocking: fleet + history; sets demo.ready
    demo.start_live()              # daemon thread: live points, logs and status changes
    ...
    demo.stop()

The clock
---------
CloudWatch refuses datapoints from the future, so metric and log timestamps are always real
wall-clock time. ``speed`` only changes how fast the *scenario* moves: with ``t0`` the moment
population started, scenario time is ``sim(real) = real`` up to ``t0`` (history is the real
past, backfilled at one point a minute) and ``t0 + (real - t0) * speed`` after it. A point for
the real minute ``m`` carries the scenario state at ``sim(m)``: at speed 60 each real minute's
point shows an hour of scenario progress (job progress, disks filling, diurnal traffic), jobs
finish and pipeline executions start 60 times sooner, and the timestamps AWS reports for
those events are the real times they map back to. Rates (requests per minute) stay per real
minute, so charts keep their scale.

Scheduled work keeps arriving (hourly data checks, retraining, batch scoring, labeling
batches, instance sweeps, pipeline executions), so every metric group stays alive however
long the demo runs. Fast scenarios are kept cheap: at most one new resource per schedule and
one new execution per pipeline per real minute (the others are skipped, or for executions
only published as metrics), and log streams get at most two progress lines per real minute.
"""

from __future__ import annotations

import gc
import json
import math
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tui.demo import fleet as fleet_mod
from tui.demo.demo_logs import DemoLogs
from tui.demo.fleet import Fleet, FleetWriter, build_fleet, next_executions
from tui.demo.simulator import Batch, Publisher, PutRecord, Simulator, statistic

HIGH_RES_STEP = 10
#: Minutes of history put first, before the rest (the app shows the fleet after these).
RECENT_MINUTES = 15

#: The local AWS keeps its state per process (per account and region): one demo per region.
_REGIONS_IN_USE: dict[str, "DemoAws"] = {}
_REGIONS_LOCK = threading.Lock()


def _reset_region(region: str, account_id: str) -> None:
    """Forget everything the local AWS holds for a region (a stopped demo's fleet)."""
    from moto.cloudwatch.models import cloudwatch_backends
    from moto.logs.models import logs_backends
    from moto.sagemaker.models import sagemaker_backends

    for backends in (cloudwatch_backends, logs_backends, sagemaker_backends):
        try:
            backends[account_id][region].reset()
        except Exception:  # noqa: BLE001 - nothing to forget
            pass


@dataclass(frozen=True)
class DemoConnection:
    """How to reach the demo's local AWS with plain boto3."""

    endpoint_url: str
    region: str
    credentials: dict[str, str] = field(default_factory=dict)  # for boto3.Session(**credentials)
    account: str = fleet_mod.ACCOUNT_ID


def write_description(path: str, description: dict[str, Any]) -> None:
    """Write ``description`` as JSON to ``path`` atomically (a reader never sees half a file)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(description, fh, indent=2, sort_keys=True)
    os.replace(tmp, path)


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


class _Control:
    """In-process changes to the local AWS that its API cannot express.

    Statuses, steps and counters go through the local AWS's own control functions; past
    creation and start times are set on its objects directly.
    """

    def __init__(self, region: str) -> None:
        from tui.demo import moto_ext

        self.region = region
        self.ext = moto_ext
        self.account_id = moto_ext.DEFAULT_ACCOUNT_ID

    def set_job_status(self, *a, **kw) -> None:
        self.ext.set_job_status(*a, region=self.region, **kw)

    def set_pipeline_execution_status(self, *a, **kw) -> None:
        self.ext.set_pipeline_execution_status(*a, region=self.region, **kw)

    def set_execution_steps(self, *a, **kw) -> None:
        self.ext.set_execution_steps(*a, region=self.region, **kw)

    def set_labeling_job(self, *a, **kw) -> None:
        self.ext.set_labeling_job(*a, region=self.region, **kw)

    def set_recommendation_job_status(self, *a, **kw) -> None:
        self.ext.set_recommendation_job_status(*a, region=self.region, **kw)

    def set_component_copies(self, *a, **kw) -> None:
        self.ext.set_component_copies(*a, region=self.region, **kw)

    def backdate(self, kind: str, name: str, when: float, pipeline: str | None = None) -> None:
        """Give a resource a creation (and start) time in the past."""
        from datetime import datetime, timezone

        from moto.sagemaker.models import sagemaker_backends

        t = datetime.fromtimestamp(when, timezone.utc).replace(tzinfo=None)
        b = sagemaker_backends[self.account_id][self.region]
        ext = b.__dict__.get("_ext_state")
        obj: Any = None
        extra: tuple[str, ...] = ()
        if kind == "model":
            obj = b._models.get(name)
        elif kind == "endpoint-config":
            obj = b.endpoint_configs.get(name)
        elif kind == "endpoint":
            obj = b.endpoints.get(name)
        elif kind in ("training-job", "processing-job", "transform-job"):
            jobs = {"training-job": b.training_jobs, "processing-job": b.processing_jobs,
                    "transform-job": b.transform_jobs}[kind]
            obj = jobs.get(name)
        elif kind == "pipeline":
            obj = b.pipelines.get(name)
        elif kind == "pipeline-execution":
            p = b.pipelines.get(pipeline or "")
            obj = p.pipeline_executions.get(name) if p is not None else None
            extra = ("start_time",)
            if p is not None:
                last = getattr(p, "last_execution_time", None)
                if last is None or isinstance(last, str) or last > t or len(p.pipeline_executions) <= 1:
                    p.last_execution_time = t
                else:
                    p.last_execution_time = max(
                        getattr(e, "start_time", t) for e in p.pipeline_executions.values()
                        if not isinstance(getattr(e, "start_time", t), str))
        elif kind == "feature-group":
            obj = next((fg for fg in b.feature_groups.values() if fg.feature_group_name == name), None)
        elif ext is not None and kind == "labeling-job":
            obj = ext.labeling_jobs.get(name)
        elif ext is not None and kind == "recommendation-job":
            obj = ext.recommendation_jobs.get(name)
        elif ext is not None and kind == "inference-component":
            obj = ext.inference_components.get(name)
        if obj is None:
            return
        for attr in ("creation_time", "last_modified_time") + extra:
            if hasattr(obj, attr):
                setattr(obj, attr, t)


class DemoAws:
    """The demo account: a local AWS with a living SageMaker fleet in it."""

    def __init__(self, speed: float = 1.0, seed: int = 7, history_hours: float = 3.0,
                 region: str = "us-east-1", high_res_history_hours: float | None = None,
                 logs: bool = True, describe_to: str | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = float(speed)
        self.seed = int(seed)
        self.history_hours = float(history_hours)
        self.high_res_history_hours = min(0.5 if high_res_history_hours is None
                                          else float(high_res_history_hours), self.history_hours)
        self.region = region
        self.with_logs = logs
        #: Where to write :meth:`description` as JSON once the fleet exists (``--demo-describe``).
        self.describe_to = describe_to
        self.ready = threading.Event()
        #: Set once the newest minutes are in: the fleet can be shown while older history lands.
        self.queryable = threading.Event()
        self._backfilled = 0
        self.phase = "stopped"
        self.progress = 0.0
        self.error: BaseException | None = None
        self.fleet: Fleet | None = None
        self.clock: SimClock | None = None
        self.record = PutRecord()
        self.timings: dict[str, float] = {}
        self.live_stats = {"ticks": 0, "minutes": 0, "high_res": 0, "events": 0, "cpu_seconds": 0.0,
                           "wall_seconds": 0.0}
        self._aws = None
        self._conn: DemoConnection | None = None
        self._writers: dict[str, Any] = {}
        self._publisher: Publisher | None = None
        self._simulator: Simulator | None = None
        self._logs: DemoLogs | None = None
        self._writer: FleetWriter | None = None
        self._live: threading.Thread | None = None
        self._stop = threading.Event()
        self._stopped = False
        self._lock = threading.Lock()
        self._minute_next = 0.0
        self._hires_next = 0.0
        self._logs_until = 0.0
        self._sim_done = 0.0
        self._last_recurring_real: dict[str, float] = {}
        self._last_exec_real: dict[str, float] = {}
        self._pruned = time.time()

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> DemoConnection:
        """Start the local AWS in the background and say how to reach it (milliseconds)."""
        if self._conn is not None:
            return self._conn
        t = time.perf_counter()
        from tui.demo.server import LocalAws

        self._aws = LocalAws(region=self.region).start(background=True)
        creds = dict(self._aws.credentials)
        creds["region_name"] = self.region
        self._conn = DemoConnection(self._aws.endpoint_url, self.region, creds)
        self.timings["start_ms"] = (time.perf_counter() - t) * 1000.0
        self.phase = "starting"
        return self._conn

    @property
    def connection(self) -> DemoConnection | None:
        return self._conn

    def client(self, service: str):
        """A plain boto3 writer client of the demo account (PutMetricData without client-side
        parameter validation: the demo's own datums are well formed and it halves the cost)."""
        with self._lock:
            c = self._writers.get(service)
            if c is None:
                import boto3
                from botocore.config import Config

                conn = self._conn
                creds = {k: v for k, v in conn.credentials.items() if k != "region_name"}
                c = boto3.Session(region_name=conn.region, **creds).client(
                    service, endpoint_url=conn.endpoint_url,
                    config=Config(parameter_validation=False, retries={"mode": "standard", "max_attempts": 3},
                                  max_pool_connections=10))
                self._writers[service] = c
            return c

    def populate(self) -> None:
        """Create the fleet and backfill its history (blocking; sets :attr:`ready`)."""
        if self.ready.is_set():
            return
        if self._conn is None:
            self.start()
        with _REGIONS_LOCK:
            other = _REGIONS_IN_USE.get(self.region)
            if other is not None and other is not self:
                raise RuntimeError(f"another demo already populates {self.region} in this process: stop it first "
                                   f"or give this one another region")
            _REGIONS_IN_USE[self.region] = self
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
            self._writer = FleetWriter(self.fleet, self.client, _Control(self.region), self.clock.real)
            self._writer.create_all(now)
            self.timings["create_s"] = time.perf_counter() - t
            self.progress = 0.1

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

    def description(self) -> dict[str, Any]:
        """The fleet's story as plain data: who plays each part (names are dated: the running
        training job is named after the day the demo starts), every resource's name by kind, and
        the scenario's start ``t0`` (epoch seconds). Tests and scripts read names from here."""
        f = self.fleet
        if f is None:
            raise RuntimeError("the fleet does not exist yet: call populate() first")
        story = {k: list(v) if isinstance(v, tuple) else v for k, v in f.summary().items()}
        return {
            "t0": f.t0, "region": f.region, "seed": f.seed, "story": story,
            "endpoints": [e.name for e in f.endpoints],
            "inference_components": [c.name for c in f.components],
            "jobs": {kind: [j.name for j in f.jobs_of(kind)] for kind in sorted({j.kind for j in f.jobs})},
            "pipelines": [p.name for p in f.pipelines],
            "labeling_jobs": [j.name for j in f.labeling_jobs],
            "feature_groups": [g.name for g in f.feature_groups],
            "recommendation_jobs": [j.name for j in f.recommendation_jobs],
            "alarms": [a.name for a in f.alarms],
        }

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

    # -- live ------------------------------------------------------------------------------------
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
        if self._logs is not None and self._minute_next > self._logs_until:
            self.live_stats["events"] += self._logs.write(self.client("logs"), self._logs_until, self._minute_next)
            self._logs_until = self._minute_next
        self.live_stats["ticks"] += 1
        self.live_stats["cpu_seconds"] += time.thread_time() - c0
        self.live_stats["wall_seconds"] += time.perf_counter() - w0

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

    def stop(self) -> None:
        """Stop the live thread and the local AWS (idempotent; a running populate() aborts)."""
        self._stopped = True
        self._stop.set()
        live, self._live = self._live, None
        if live is not None:
            live.join(timeout=10)
        for c in list(self._writers.values()):
            try:
                c.close()
            except Exception:  # pragma: no cover - best effort
                pass
        self._writers = {}
        if self._aws is not None:
            self._aws.stop()
            self._aws = None
        with _REGIONS_LOCK:
            if _REGIONS_IN_USE.get(self.region) is self:
                del _REGIONS_IN_USE[self.region]
                from tui.demo import moto_ext

                _reset_region(self.region, moto_ext.DEFAULT_ACCOUNT_ID)
        self.phase = "stopped"

    def __enter__(self) -> "DemoAws":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- for tests and status lines --------------------------------------------------------------
    def expected_value(self, namespace: str, metric: str, dims, stat: str, period_start: float,
                       period: int = 60) -> float | None:
        """What CloudWatch must return for one period of a series, from what the demo put."""
        return self.record.expected(namespace, metric, dims, stat, period_start, period)

    def stats(self) -> dict:
        out: dict[str, Any] = {"phase": self.phase, "progress": round(self.progress, 3), "speed": self.speed}
        out.update({k: round(v, 3) for k, v in self.timings.items()})
        if self._publisher is not None:
            out["put_metric_data"] = self._publisher.stats.as_dict()
        if self._logs is not None:
            out["logs"] = self._logs.stats.as_dict()
        out["live"] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.live_stats.items()}
        out["series"] = len(self.record.series)
        return out

    def status_line(self) -> str:
        if self.ready.is_set():
            return f"demo: {self.phase} (speed x{self.speed:g})"
        return f"demo: {self.phase} {self.progress * 100:.0f}%"
