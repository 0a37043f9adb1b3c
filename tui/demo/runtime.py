"""The demo account: the local AWS started and stopped, with the fleet seeded and kept alive in it.

    demo = DemoAws(speed=1.0, seed=7)
    conn = demo.start()            # milliseconds: the server starts in the background
    session = boto3.Session(**conn.credentials)   # + endpoint_url=conn.endpoint_url
    demo.populate()                # seconds, blocking: fleet + history; sets demo.ready
    demo.start_live()              # daemon thread: live points, logs and status changes
    ...
    demo.stop()

The scenario clock is :mod:`tui.demo.clock`; seeding the fleet :mod:`tui.demo.seeding`; its
live updates :mod:`tui.demo.live`; its description :mod:`tui.demo.description`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tui.demo import fleet as fleet_mod
from tui.demo.clock import SimClock
from tui.demo.control import release_region
from tui.demo.demo_logs import DemoLogs
from tui.demo.description import describe_fleet
from tui.demo.fleet import Fleet, FleetWriter
from tui.demo.live import LiveUpdates
from tui.demo.metrics.publisher import Publisher
from tui.demo.metrics.record import PutRecord
from tui.demo.metrics.simulator import Simulator
from tui.demo.seeding import Seeding


@dataclass(frozen=True)
class DemoConnection:
    """How to reach the demo's local AWS with plain boto3."""

    endpoint_url: str
    region: str
    credentials: dict[str, str] = field(default_factory=dict)  # for boto3.Session(**credentials)
    account: str = fleet_mod.ACCOUNT_ID


class DemoAws(Seeding, LiveUpdates):
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
        #: Set once the fleet's resources exist (listable; their minutes still to land).
        self.created = threading.Event()
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
        self._publishing = threading.Lock()  # one catch_up at a time (live loop or a reader)
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

    def description(self) -> dict[str, Any]:
        """The fleet's story as plain data (:func:`~tui.demo.description.describe_fleet`)."""
        if self.fleet is None:
            raise RuntimeError("the fleet does not exist yet: call populate() first")
        return describe_fleet(self.fleet)

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
        release_region(self.region, self)
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
