"""The benchmark's reference fleet, seeded on the embedded moto server through boto3.

The demo scenario (:func:`tui.demo.fleet.build_fleet`) is the base; it is scaled to the sizes of
issue 13 with clones of its healthy endpoints, components, jobs and pipelines:

* ``endpoints`` endpoints (300, or 1,000 for the responsiveness and rendering figures),
* 30 inference components, 50 running jobs including one training job with 64 hosts and one
  with 256, 20 pipelines, and ``history`` finished jobs days old (3,000),
* metric data only for the window the app reads (``window_minutes``), put with batched
  PutMetricData by the demo's own :class:`~tui.demo.metrics.publisher.Publisher` (1,000 datums a call).

:class:`ReferenceAws` also counts what the server is asked: every API call by operation (a WSGI
middleware in front of moto) and, for GetMetricData, the metric queries and datapoints returned
(a wrapper around the backend method). The app under test is unchanged: it reads this server
through ``--endpoint-url`` (a subprocess) or an :class:`~tui.refresh.Connection` (in-process).
"""

from __future__ import annotations

import copy
import gc
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from tui.demo import fleet as F
from tui.demo.control import SageMakerControl
from tui.demo.metrics.publisher import Publisher
from tui.demo.metrics.simulator import Simulator
from tui.demo.server import LocalAws


@dataclass
class Sizes:
    endpoints: int = 300
    components: int = 30
    running_jobs: int = 50
    pipelines: int = 20
    history: int = 3000
    window_minutes: int = 60


@dataclass
class ApiCounts:
    """What the server was asked, by operation; GetMetricData queries and datapoints."""

    calls: Counter = field(default_factory=Counter)
    gmd_queries: int = 0
    gmd_datapoints: int = 0
    gmd_percentile_queries: int = 0
    #: One entry per GetMetricData call: (epoch seconds, {period: queries}).
    gmd_log: list = field(default_factory=list)

    def copy(self) -> "ApiCounts":
        return ApiCounts(Counter(self.calls), self.gmd_queries, self.gmd_datapoints, self.gmd_percentile_queries,
                         list(self.gmd_log))

    def minus(self, other: "ApiCounts") -> "ApiCounts":
        c = Counter(self.calls)
        c.subtract(other.calls)
        return ApiCounts(+c, self.gmd_queries - other.gmd_queries, self.gmd_datapoints - other.gmd_datapoints,
                         self.gmd_percentile_queries - other.gmd_percentile_queries,
                         self.gmd_log[len(other.gmd_log):])

    def as_dict(self) -> dict:
        sm = sum(n for op, n in self.calls.items() if op.startswith("sagemaker:"))
        return {"GetMetricData_calls": self.calls.get("monitoring:GetMetricData", 0),
                "metrics_requested": self.gmd_queries, "datapoints": self.gmd_datapoints,
                "percentile_queries": self.gmd_percentile_queries,
                "ListMetrics_calls": self.calls.get("monitoring:ListMetrics", 0),
                "DescribeAlarms_calls": self.calls.get("monitoring:DescribeAlarms", 0),
                "sagemaker_calls": sm, "all_calls": sum(self.calls.values()),
                "GetMetricData_excess_calls": excess_calls(self.gmd_log),
                "by_operation": dict(sorted(self.calls.items()))}


def excess_calls(log: list, gap: float = 2.0) -> int:
    """GetMetricData calls beyond ceil(queries/500) per period, summed over refreshes (a refresh
    is a burst of calls less than ``gap`` seconds apart)."""
    import math

    excess, burst, last = 0, [], None

    def close() -> int:
        per: Counter = Counter()
        for _t, periods in burst:
            per.update(periods)
        return len(burst) - sum(math.ceil(q / 500) for q in per.values())

    for t, periods in log:
        if last is not None and t - last > gap and burst:
            excess += close()
            burst = []
        burst.append((t, periods))
        last = t
    if burst:
        excess += close()
    return excess


def _operation(environ) -> str:
    """``service:Operation`` of one request (JSON, smithy RPC v2 CBOR and query protocols)."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    path = environ.get("PATH_INFO", "")
    auth = environ.get("HTTP_AUTHORIZATION", "")
    service = auth.split("Credential=")[1].split("/")[3] if "Credential=" in auth else "?"
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}"
    if "/operation/" in path:
        return f"{service}:{path.rsplit('/', 1)[-1]}"
    return f"{service}:?"


class _CountingApp:
    """WSGI middleware: count each request by operation (query protocol: read Action=)."""

    def __init__(self, app, counts: ApiCounts, lock: threading.Lock) -> None:
        self.app, self.counts, self.lock = app, counts, lock

    def __call__(self, environ, start_response):
        op = _operation(environ)
        if op.endswith(":?") and environ.get("REQUEST_METHOD") == "POST":
            import io

            n = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(n) if n else b""
            environ["wsgi.input"] = io.BytesIO(body)
            action = parse_qs(body.decode("utf-8", "replace")).get("Action", ["?"])[0]
            op = op[:-1] + action
        with self.lock:
            self.counts.calls[op] += 1
        return self.app(environ, start_response)


class ReferenceAws:
    """The moto server, counting, with the reference fleet seeded into it."""

    def __init__(self, sizes: Sizes, seed: int = 11, region: str = "us-east-1") -> None:
        self.sizes, self.seed = sizes, seed
        self.aws = LocalAws(region)
        self.counts = ApiCounts()
        self._lock = threading.Lock()
        self.fleet: F.Fleet | None = None
        self.timings: dict[str, float] = {}
        self.put_stats: dict = {}

    # -- server ---------------------------------------------------------------------------------
    def start(self) -> "ReferenceAws":
        self.aws.start()
        wsgi = self.aws._server._server  # werkzeug's server: its handler calls server.app
        wsgi.app = _CountingApp(wsgi.app, self.counts, self._lock)
        from moto.cloudwatch.models import CloudWatchBackend

        inner = CloudWatchBackend.get_metric_data_page
        counts, lock = self.counts, self._lock

        def counted(backend, queries, *a, **kw):
            results, token = inner(backend, queries, *a, **kw)
            with lock:
                if not kw.get("next_token"):
                    counts.gmd_queries += sum(1 for q in queries if q.get("ReturnData", True) is not False)
                    counts.gmd_percentile_queries += sum(
                        1 for q in queries if str(q.get("MetricStat", {}).get("Stat", "")).startswith(("p", "tm")))
                    periods = Counter(str(q.get("MetricStat", {}).get("Period", q.get("Period", "?"))) for q in queries)
                    counts.gmd_log.append((time.time(), dict(periods)))
                counts.gmd_datapoints += sum(len(r.get("values", ())) for r in results)
            return results, token

        CloudWatchBackend.get_metric_data_page = counted
        return self

    @property
    def url(self) -> str:
        return self.aws.endpoint_url

    @property
    def credentials(self) -> dict[str, str]:
        return dict(self.aws.credentials)

    def snapshot(self) -> ApiCounts:
        with self._lock:
            return self.counts.copy()

    def stop(self) -> None:
        """Stop the server and forget the region's resources (the next fleet starts empty)."""
        from tui.demo.control import reset_region

        self.stop_live()
        self.aws.stop()
        reset_region(self.aws.region, self.aws.account_id)

    # -- the fleet ------------------------------------------------------------------------------
    def build(self, now: float) -> F.Fleet:
        s, seed = self.sizes, self.seed
        f = F.build_fleet(now, seed, self.aws.region)
        t0 = f.t0
        healthy = [e for e in f.endpoints if e.role == "healthy"]
        types = ["ml.c5.large", "ml.m5.xlarge", "ml.c5.xlarge", "ml.g5.xlarge", "ml.m5.2xlarge"]
        i = 0
        while len(f.endpoints) < s.endpoints:
            base = healthy[i % len(healthy)]
            name = f"ref-ep-{i:04d}"
            var = F.variant_spec(seed, name, "AllTraffic", f"{name}-model", types[i % len(types)], 1 + i % 3)
            f.endpoints.append(F.EndpointSpec(name, "healthy", [var], created=base.created,
                                              rpm=20 + (i * 37) % 900, median_ms=5 + (i * 7) % 60,
                                              framework=base.framework))
            i += 1
        genai = f.endpoint(f.component_endpoint)
        base_ic = f.components
        i = 0
        while len(f.components) < s.components:
            ic = copy.copy(base_ic[i % len(base_ic)])
            ic.name, ic.model_name = f"ref-ic-{i:03d}", f"ref-ic-{i:03d}-model"
            ic.endpoint = genai.name
            f.components.append(ic)
            i += 1
        running = [j for j in f.jobs if j.running_at(t0)]
        big = []
        for n in (64, 256):
            name = f"ref-train-{n}-hosts"
            big.append(F.JobSpec(F.TRAINING, name, "ml.p4d.24xlarge", n, start=t0 - 6 * F.HOUR,
                                 end=t0 + 3 * 86400, hosts=F.host_names(F.TRAINING, name, n, seed),
                                 metric_definitions=(("train:loss", r"loss=([0-9\.]+)"),), framework="pytorch-ddp"))
        f.jobs.extend(big)
        i = 0
        while len(running) + len(big) + i < s.running_jobs:
            kind = (F.TRAINING, F.PROCESSING, F.TRANSFORM)[i % 3]
            name = f"ref-{kind}-{i:03d}"
            f.jobs.append(F.JobSpec(kind, name, "ml.m5.xlarge", 1 + i % 2, start=t0 - (20 + i) * F.MINUTE,
                                    end=t0 + 6 * F.HOUR, hosts=F.host_names(kind, name, 1 + i % 2, seed)))
            i += 1
        for k in range(s.history):
            kind = (F.TRAINING, F.PROCESSING, F.TRANSFORM)[k % 3]
            name = f"ref-old-{kind}-{k:05d}"
            start = t0 - 2 * 86400 - k * 600
            f.jobs.append(F.JobSpec(kind, name, "ml.m5.large", 1, start=start, end=start + 1800,
                                    final_status="Failed" if k % 17 == 0 else "Completed",
                                    failure_reason="ClientError: bench" if k % 17 == 0 else None,
                                    hosts=F.host_names(kind, name, 1, seed)))
        i = 0
        base_p = list(f.pipelines)
        while len(f.pipelines) < s.pipelines:
            p0 = base_p[i % len(base_p)]
            p = F.PipelineSpec(f"ref-pipeline-{i:02d}", p0.description, p0.steps, p0.period,
                               (p0.phase + i * 600) % p0.period, p0.created)
            start = p.phase + ((t0 - 6 * F.HOUR - p.phase) // p.period + 1) * p.period
            while start <= t0:
                p.executions.append(F.schedule_execution(p, start, seed))
                start += p.period
            f.pipelines.append(p)
            i += 1
        self.fleet = f
        return f

    def seed_fleet(self) -> None:
        """Create every resource and put the window's metric data (blocking)."""
        now = time.time()
        f = self.build(now)
        t = time.perf_counter()
        writer = F.FleetWriter(f, self.aws.client, SageMakerControl(self.aws.region))
        writer.create_all(now)
        self.timings["create_s"] = time.perf_counter() - t
        t = time.perf_counter()
        sim = Simulator(f)
        pub = Publisher(self.aws.client("cloudwatch"))
        was = gc.isenabled()
        gc.disable()
        try:
            for m in range(self.sizes.window_minutes, 0, -1):
                pub.put([sim.minute(f.t0 - m * 60)], flush=False)
            pub.flush()
        finally:
            gc.collect()
            gc.freeze()
            if was:
                gc.enable()
        self.timings["metrics_s"] = time.perf_counter() - t
        self.put_stats = pub.stats.as_dict()

    def start_live(self) -> None:
        """Publish each new real minute of the fleet as it completes (a daemon thread)."""
        self._live_stop = threading.Event()
        sim, pub = Simulator(self.fleet), Publisher(self.aws.client("cloudwatch"))
        nxt = [self.fleet.t0]

        def run() -> None:
            while not self._live_stop.wait(1.0):
                while nxt[0] + 60 <= time.time():
                    pub.put([sim.minute(nxt[0])])
                    nxt[0] += 60

        self._live = threading.Thread(target=run, name="reference-live", daemon=True)
        self._live.start()

    def stop_live(self) -> None:
        if getattr(self, "_live", None) is not None:
            self._live_stop.set()
            self._live.join(30)
            self._live = None

    def series_count(self) -> int:
        """Distinct metric series the server holds (what a naive client would request)."""
        from tui.demo.moto_ext.cloudwatch.index import metric_index
        from moto.cloudwatch.models import cloudwatch_backends

        backend = cloudwatch_backends[self.aws.account_id][self.aws.region]
        idx = metric_index(backend)
        with idx.lock:
            idx.sync(backend.metric_data)
            return len(idx.series)

    def summary(self) -> dict:
        f = self.fleet
        running = [j for j in f.jobs if j.running_at(f.t0)]
        return {"endpoints": len(f.endpoints), "inference_components": len(f.components),
                "running_jobs": len(running), "max_hosts": max(j.instance_count for j in running),
                "pipelines": len(f.pipelines), "finished_jobs": len(f.jobs) - len(running),
                "window_minutes": self.sizes.window_minutes, "seed_s": {k: round(v, 1) for k, v in self.timings.items()},
                "put_metric_data": self.put_stats}
