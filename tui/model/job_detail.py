"""What the job, host and job-log screens show, as pure data.

A job screen (training, processing or transform) shows one row per host with every instance
metric the catalog publishes for the job's kind, the cluster's spread and health flags, and
for training jobs the algorithm metrics of the job's metric definitions (``train:loss`` ...,
published in ``/aws/sagemaker/TrainingJobs`` with the ``TrainingJobName`` dimension). A host
screen shows one host's metrics over the window next to the cluster median of each metric,
so it needs every host's series of those metrics. This module says which series and reads
each screen needs (:func:`job_request`, :func:`host_request`), which log streams to follow
(:func:`job_log_request`, :func:`host_log_request`), and turns the series store into what
is drawn (:func:`host_table`, :func:`host_charts`, :func:`algorithm_charts`, :func:`job_facts`).

Series keys of host metrics come from :func:`tui.model.plan.job_host_key`, the builder the
overview uses, so the job pane's series are reused when a job screen opens. Nothing here
imports Textual or boto3.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from tui.model import catalog as cat
from tui.model.catalog import Kind, MetricDef
from tui.model.detail import (READ_ALGORITHM_METRICS, READ_TRANSFORM_HOSTS, DetailRequest, DetailResult,
                              LogRequest, Read)
from tui.model.format import format_age, format_duration, safe_text
from tui.model.health import median
from tui.model.hosts import HostTable, build_host_table, host_label
from tui.model.instances import InstanceFacts
from tui.model.logs import LogLine
from tui.model.per_device import Scale, scale_for, scales
from tui.model.plan import has_gpu, job_host_key
from tui.model.resources import Job, epoch_seconds
from tui.model.series import Series, SeriesKey, SeriesStore

#: Where SageMaker publishes a training job's algorithm metrics (its metric definitions).
ALGORITHM_NAMESPACE = cat.NS_TRAINING
ALGORITHM_DIMENSION = "TrainingJobName"
ALGORITHM_STAT = cat.AVG

#: CloudWatch Logs group of each job kind (streams are ``JOB/algo-N-<epoch>``,
#: ``JOB/<instance-id>-<epoch>`` for transform jobs).
LOG_GROUPS = {
    Kind.TRAINING_JOB: "/aws/sagemaker/TrainingJobs",
    Kind.PROCESSING_JOB: "/aws/sagemaker/ProcessingJobs",
    Kind.TRANSFORM_JOB: "/aws/sagemaker/TransformJobs",
}

#: Column order of the host grid: what a person scans first comes first.
METRIC_ORDER = ("CPUUtilization", "CPUUtilizationNormalized", "GPUUtilization", "GPUUtilizationNormalized",
                "GPUMemoryUtilization", "GPUMemoryUtilizationNormalized", "MemoryUtilization",
                "DiskUtilization", "CPUReservation", "GPUReservation", "MemoryReservation")

#: Periods of recent values the host grid keeps per cell (sparkline and health rules).
GRID_POINTS = 30
#: Seconds of log lines a new tail reads back: the log screen, and the host screen's log panel.
#: They differ on purpose: opening the log screen from the host screen starts a tail of its own.
LOG_LOOKBACK = 3600
PANEL_LOOKBACK = 900


# -- metrics and hosts ---------------------------------------------------------------------------

def job_metrics(job: Job) -> list[MetricDef]:
    """Every instance metric of the catalog for the job's kind, GPU ones only on GPU instances."""
    order = {name: i for i, name in enumerate(METRIC_ORDER)}
    out = [m for m in cat.instance_metrics(job.kind)
           if not (m.name.startswith("GPU") and not has_gpu(job.instance_type))]
    return sorted(out, key=lambda m: (order.get(m.name, len(order)), m.name))


def transform_hosts_read(job: Job) -> Read:
    return (READ_TRANSFORM_HOSTS, job.region, job.name)


def algorithm_metrics_read(job: Job) -> Read:
    return (READ_ALGORITHM_METRICS, job.region, job.name)


def job_hosts(job: Job, detail: DetailResult | None = None) -> list[str]:
    """The job's Host dimension values: the job's own, else a transform job's from its read."""
    if job.hosts:
        return list(job.hosts)
    if detail is not None and job.kind is Kind.TRANSFORM_JOB:
        found = detail.reads.get(transform_hosts_read(job))
        if isinstance(found, (list, tuple)):
            return [h for h in found if isinstance(h, str)]
    return []


def hosts_error(job: Job, detail: DetailResult | None) -> str | None:
    """Why a transform job's hosts could not be listed (None: no problem known)."""
    if detail is None or job.hosts:
        return None
    return detail.errors.get(transform_hosts_read(job))


def host_key(job: Job, metric: str, host: str) -> SeriesKey:
    return job_host_key(job, metric, host)


@lru_cache(maxsize=32)
def _key_grid(kind: Kind, region: str, metrics: tuple[str, ...], hosts: tuple[str, ...]
              ) -> dict[tuple[str, str], SeriesKey]:
    """``{(metric, host): key}``: one key per metric from the plan's builder, the same key with
    each host's value for the rest (a 256-host job has 1,280 of them, built on every refresh)."""
    out: dict[tuple[str, str], SeriesKey] = {}
    probe = Job(kind, "", "", region)
    for name in metrics:
        proto = job_host_key(probe, name, "\0")
        for host in hosts:
            dims = tuple((n, host if v == "\0" else v) for n, v in proto.dimensions)
            out[name, host] = SeriesKey(proto.namespace, proto.metric, dims, proto.stat, proto.region)
    return out


def key_grid(job: Job, hosts: list[str], metrics: list[MetricDef] | None = None
             ) -> dict[tuple[str, str], SeriesKey]:
    """Every host's key of every metric, keyed by ``(metric name, host)``."""
    metrics = job_metrics(job) if metrics is None else metrics
    return _key_grid(job.kind, job.region, tuple(m.name for m in metrics), tuple(hosts))


def algorithm_names(job: Job, detail: DetailResult | None = None) -> list[str]:
    """The job's algorithm metric names: its metric definitions, then any other published ones."""
    if job.kind is not Kind.TRAINING_JOB:
        return []
    names = list(dict.fromkeys(job.metric_definitions))
    if detail is not None:
        found = detail.reads.get(algorithm_metrics_read(job))
        if isinstance(found, (list, tuple)):
            names += [n for n in found if isinstance(n, str) and n not in names]
    return names


def algorithm_key(job: Job, name: str) -> SeriesKey:
    return SeriesKey(ALGORITHM_NAMESPACE, name, ((ALGORITHM_DIMENSION, job.name),), ALGORITHM_STAT, job.region)


def job_owner(job: Job) -> str:
    return f"job:{job.key}"


def host_owner(job: Job, host: str) -> str:
    return f"host:{job.key}:{host}"


def _reads(job: Job, algorithm_fallback: bool) -> tuple[Read, ...]:
    reads: list[Read] = []
    if job.kind is Kind.TRANSFORM_JOB and not job.hosts:
        reads.append(transform_hosts_read(job))
    if algorithm_fallback and job.kind is Kind.TRAINING_JOB and not job.metric_definitions:
        reads.append(algorithm_metrics_read(job))
    return tuple(reads)


def host_keys(job: Job, hosts: list[str], metrics: list[MetricDef] | None = None) -> list[SeriesKey]:
    """Every host's series of every metric, metric by metric."""
    metrics = job_metrics(job) if metrics is None else metrics
    grid = key_grid(job, hosts, metrics)
    return [grid[m.name, h] for m in metrics for h in hosts]


def job_request(job: Job, hosts: list[str], algorithms: list[str] | None = None,
                span: tuple[int, int] | None = None) -> DetailRequest:
    """The job screen: every host's instance metrics and the training job's algorithm metrics
    (over ``span`` instead of the window: see :func:`own_span`).

    A transform job without known hosts also asks for its hosts; a training job without metric
    definitions asks which algorithm metrics it publishes.
    """
    names = algorithm_names(job) if algorithms is None else algorithms
    keys = host_keys(job, hosts) + [algorithm_key(job, n) for n in names]
    return DetailRequest(owner=job_owner(job), keys=tuple(dict.fromkeys(keys)), reads=_reads(job, True), span=span)


def host_request(job: Job, host: str, hosts: list[str], span: tuple[int, int] | None = None) -> DetailRequest:
    """The host screen: the host's metrics and, for the cluster median, every host's."""
    peers = hosts if host in hosts else [host, *hosts]
    metrics = job_metrics(job)
    keys = [host_key(job, m.name, host) for m in metrics] + host_keys(job, peers, metrics)
    return DetailRequest(owner=host_owner(job, host), keys=tuple(dict.fromkeys(keys)), reads=_reads(job, False),
                         span=span)


def own_span(job: Job, now: float, window: int) -> tuple[int, int] | None:
    """The span a job that ended before the window can be shown over instead (its last
    ``window`` seconds, or all of it when shorter), or None when the window shows it."""
    end = epoch_seconds(job.end_time)
    if job.running or end is None or end >= now - window:
        return None
    start = epoch_seconds(job.start_time or job.creation_time)
    first = int(end) - window if start is None else max(int(start), int(end) - window)
    return first - first % 60, int(end) - int(end) % 60 + 60


def series_of(store: SeriesStore, detail: DetailResult | None, span: tuple[int, int] | None) -> SeriesStore:
    """Where a job screen reads its series: its own span's store once it has arrived."""
    if span is not None and detail is not None and detail.store is not None:
        return detail.store
    return store


# -- logs ----------------------------------------------------------------------------------------

#: Seconds after a job's end its last log lines may still carry (flushed as the host stops).
LOG_END_GRACE = 120


def _log_span(job: Job) -> dict:
    """When a job's log begins and, once the job has ended, where it ends (epoch seconds)."""
    begin = epoch_seconds(job.start_time or job.creation_time)
    end = epoch_seconds(job.end_time)
    if job.running or end is None:
        return {"begin": begin}
    return {"begin": begin, "end": end + LOG_END_GRACE}


def job_log_request(job: Job) -> LogRequest:
    """Every stream of the job (one per host); an ended job's log is read up to its end."""
    return LogRequest(region=job.region, group=LOG_GROUPS[job.kind], prefix=f"{job.name}/", lookback=LOG_LOOKBACK,
                      **_log_span(job))


def host_stream_prefix(job: Job, host: str) -> str:
    """The stream-name prefix of one host: ``JOB/algo-7-`` (so algo-7 does not match algo-70).

    Transform streams are named after the instance id, which is of fixed length.
    """
    if job.kind is Kind.TRANSFORM_JOB:
        return host
    return f"{host}-"


def host_log_request(job: Job, host: str, lookback: int = LOG_LOOKBACK) -> LogRequest:
    return LogRequest(region=job.region, group=LOG_GROUPS[job.kind], prefix=host_stream_prefix(job, host),
                      lookback=lookback, **_log_span(job))


def stream_label(stream: str, job_name: str) -> str:
    """A stream's host as people call it: ``"JOB/algo-7-1764000000"`` -> ``"algo-7"``."""
    rest = stream[len(job_name) + 1:] if stream.startswith(job_name + "/") else stream
    head, sep, tail = rest.rpartition("-")
    if sep and tail.isdigit() and len(tail) >= 9:  # an epoch-seconds suffix
        rest = head
    return rest


def _redrawn(part: str) -> str:
    """What a terminal shows of a line with carriage returns: the text after the last one."""
    if "\r" not in part:
        return part
    pieces = [p for p in part.split("\r") if p]
    return pieces[-1] if pieces else ""


def log_text(line: LogLine, job_name: str | None = None, width: int = 0) -> str:
    """One event for a log view: one trailing newline dropped, progress-bar carriage returns
    applied, and with ``job_name`` every line of the event prefixed with its host."""
    message = line.message
    if message.endswith("\n"):
        message = message[:-1]
    parts = [_redrawn(p) for p in message.split("\n")]
    if job_name is None:
        return "\n".join(parts)
    label = stream_label(line.stream, job_name).ljust(width)
    return "\n".join(f"{label} │ {p}" for p in parts)


#: What an error looks like in a training or processing log (frameworks, CUDA, the OS, SageMaker).
_ERROR_WORDS = re.compile(
    r"Traceback|Error\b|Exception\b|\bERROR\b|\bFATAL\b|\bCRITICAL\b|out of memory|\bOOM\b|Killed|"
    r"Segmentation fault|core dumped|exit code[: ]+[1-9]|ExitCode [1-9]|NCCL WARN|failed|FAILED", re.IGNORECASE)
#: Error lines a failed job's screen shows next to its FailureReason.
ERROR_LINES = 4


def error_lines(lines: list[LogLine], job_name: str, limit: int = ERROR_LINES) -> list[str]:
    """The last ``limit`` error-looking lines of a job's log (oldest first), each as
    ``algo-1 │ text``; an event of several lines counts each line."""
    found: list[str] = []
    for line in reversed(lines):
        host = stream_label(line.stream, job_name)
        for part in reversed(log_text(line).split("\n")):
            if part.strip() and _ERROR_WORDS.search(part):
                found.append(f"{host} │ {part.strip()}")
                if len(found) >= limit:
                    return found[::-1]
    return found[::-1]


class LogDedup:
    """Drops log lines already shown, so a tail that starts over (a screen returned to) does
    not repeat them.

    Lines are remembered for ``overlap`` seconds behind the newest one; anything older than
    that window is taken as already shown.
    """

    def __init__(self, overlap: float = 300.0, max_keys: int = 20_000) -> None:
        self.overlap = overlap
        self.max_keys = max_keys
        self.newest: float | None = None
        self._seen: dict[tuple[float, str, str], None] = {}

    def fresh(self, lines: list[LogLine]) -> list[LogLine]:
        out = []
        for line in lines:
            ts = line.timestamp.timestamp()
            if self.newest is not None and ts < self.newest - self.overlap:
                continue
            key = (ts, line.stream, line.message)
            if key in self._seen:
                continue
            self._seen[key] = None
            out.append(line)
            if self.newest is None or ts > self.newest:
                self.newest = ts
        if self.newest is not None and len(self._seen) > 1024:
            floor = self.newest - self.overlap
            keep = [k for k in self._seen if k[0] >= floor]
            self._seen = dict.fromkeys(keep[-self.max_keys:])
        return out


# -- the grid ------------------------------------------------------------------------------------

def host_table(job: Job, hosts: list[str], store: SeriesStore, now: int, points: int = GRID_POINTS,
               metrics: list[MetricDef] | None = None, facts: InstanceFacts | None = None) -> HostTable:
    """The host grid of a job from the series store (flags included).

    With ``facts`` (the job's instance type), CPU, GPU and GPU memory are means per device
    (0-100 %) instead of CloudWatch's sums, and the table's ``scales`` say so per column.
    """
    metrics = job_metrics(job) if metrics is None else metrics
    get = store.get
    keys = key_grid(job, hosts, metrics)

    def series_for(host: str, m: MetricDef) -> Series | None:
        return get(keys[m.name, host])

    return build_host_table(hosts, metrics, series_for, now, points, scales=scales([m.name for m in metrics], facts))


# -- charts --------------------------------------------------------------------------------------

def _period(series: list[Series | None], default: int = 60) -> int:
    for s in series:
        if s is not None:
            return s.period
    return default


def cluster_median(series: list[Series | None], end: int, count: int, period: int) -> list[float | None]:
    """Per period slot, the median of the hosts that have a point there (None: none has).

    Only series on ``period`` take part; NaN points count as missing.
    """
    end -= end % period
    grid = [end - (count - 1 - i) * period for i in range(count)]
    columns: list[list[float]] = [[] for _ in grid]
    for s in series:
        if s is None or s.period != period or not s.points:
            continue
        pts = s.points
        for i, ts in enumerate(grid):
            v = pts.get(ts)
            if v is not None and v == v:
                columns[i].append(v)
    return [median(c) if c else None for c in columns]


@dataclass(frozen=True)
class HostChart:
    """One metric of one host over the window, with the cluster median on the same grid.

    Values are per device where ``scale`` says so (``scale.per_device``); ``raw_latest`` is
    the newest value as CloudWatch publishes it (a sum over the host's vCPUs or GPUs).
    """

    metric: MetricDef
    host: list[float | None]
    median: list[float | None]
    period: int
    latest: float | None
    median_latest: float | None
    peers: int  # hosts with any point of this metric in the window
    scale: Scale = field(default_factory=lambda: Scale(""))
    raw_latest: float | None = None


def _last(values: list[float | None]) -> float | None:
    for v in reversed(values):
        if v is not None and v == v:
            return v
    return None


def host_charts(job: Job, host: str, hosts: list[str], store: SeriesStore, now: int,
                facts: InstanceFacts | None = None) -> list[HostChart]:
    """Every metric of ``host`` over the store's window, each with the cluster median (per
    device with ``facts``, as :func:`host_table`)."""
    out = []
    peers = hosts if host in hosts else [host, *hosts]
    metrics = job_metrics(job)
    keys = key_grid(job, peers, metrics)
    for m in metrics:
        sc = scale_for(m.name, facts)
        own = store.get(keys[m.name, host])
        everyone = [store.get(keys[m.name, h]) for h in peers]
        period = own.period if own is not None else _period(everyone)
        count = max(1, store.window // period)
        raw = own.values(now, count) if own is not None else [None] * count
        values = [sc.apply(v) for v in raw]
        med = [sc.apply(v) for v in cluster_median(everyone, now, count, period)]
        reporting = sum(1 for s in everyone if s is not None and s.points)
        out.append(HostChart(m, values, med, period, _last(values), _last(med), reporting, sc, _last(raw)))
    return out


#: Algorithm metrics are often logged every few steps or epochs: interior gaps up to this many
#: periods are drawn as a straight line between the measured points.
BRIDGE_PERIODS = 15


def bridge_gaps(values: list[float | None], max_gap: int = BRIDGE_PERIODS) -> list[float | None]:
    """Fill interior runs of at most ``max_gap`` missing values linearly between their neighbours.

    Leading and trailing gaps, and longer ones, stay missing (the line breaks there).
    """
    out = list(values)
    prev: int | None = None
    for i, v in enumerate(values):
        if v is None or v != v:
            continue
        if prev is not None and 1 < i - prev <= max_gap + 1:
            a, b = values[prev], v
            for j in range(prev + 1, i):
                out[j] = a + (b - a) * (j - prev) / (i - prev)
        prev = i
    return out


@dataclass(frozen=True)
class AlgorithmChart:
    """One algorithm metric of a training job over the window (``values`` as measured,
    ``line`` with short gaps bridged for drawing)."""

    name: str
    values: list[float | None]
    period: int
    latest: float | None
    line: list[float | None]


def algorithm_charts(job: Job, names: list[str], store: SeriesStore, now: int) -> list[AlgorithmChart]:
    out = []
    for name in names:
        s = store.get(algorithm_key(job, name))
        period = s.period if s is not None else 60
        count = max(1, store.window // period)
        values = s.values(now, count) if s is not None else [None] * count
        out.append(AlgorithmChart(name, values, period, _last(values), bridge_gaps(values)))
    return out


# -- facts ---------------------------------------------------------------------------------------

def elapsed_seconds(job: Job, now: float | None = None) -> float | None:
    """How long the job has run (until its end, when it ended); None before it starts."""
    start = job.start_time or job.creation_time
    if start is None:
        return None
    end = job.end_time.timestamp() if job.end_time is not None and not job.running else (
        time.time() if now is None else now)
    return max(0.0, end - start.timestamp())


@dataclass(frozen=True)
class JobFacts:
    """The header of a job screen, as strings made safe for the terminal."""

    name: str
    type: str
    status: str
    secondary: str | None
    instances: str
    elapsed: str
    started: str | None
    failure: str | None
    #: Once the job has ended: how long ago, and the time (the grid and charts end there).
    ended: str | None = None


def _when(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%d %H:%M %Z").strip()


def job_facts(job: Job, now: float | None = None) -> JobFacts:
    itype = job.instance_type or "?"
    instances = f"{itype} × {job.instance_count}"
    secondary = job.secondary_status if job.secondary_status and job.secondary_status != job.status else None
    failure = None
    if job.failure_reason:
        failure = safe_text(" ".join(job.failure_reason.split()), 400)
    return JobFacts(name=safe_text(job.name, 64), type=job.type_label, status=safe_text(job.status or "?", 40),
                    secondary=safe_text(secondary, 60) if secondary else None, instances=safe_text(instances, 60),
                    elapsed=format_duration(elapsed_seconds(job, now)), started=_when(job.start_time),
                    failure=failure, ended=_ended(job, time.time() if now is None else now))


def _ended(job: Job, now: float) -> str | None:
    end = epoch_seconds(job.end_time)
    if job.running or end is None:
        return None
    return f"{format_age(end, now)} ago, {job.end_time.strftime('%H:%M %Z').strip()}"


__all__ = [
    "ALGORITHM_DIMENSION", "ALGORITHM_NAMESPACE", "ALGORITHM_STAT", "AlgorithmChart", "BRIDGE_PERIODS", "ERROR_LINES",
    "GRID_POINTS", "HostChart", "JobFacts", "LOG_END_GRACE", "LOG_GROUPS", "LOG_LOOKBACK", "LogDedup", "METRIC_ORDER",
    "PANEL_LOOKBACK", "algorithm_charts", "algorithm_key", "algorithm_metrics_read", "algorithm_names",
    "bridge_gaps", "cluster_median", "elapsed_seconds", "error_lines", "host_charts", "host_key", "host_keys", "host_label",
    "host_log_request", "host_owner", "host_request", "host_stream_prefix", "host_table", "hosts_error",
    "job_facts", "job_hosts", "job_log_request", "job_metrics", "job_owner", "job_request", "key_grid",
    "log_text", "own_span", "series_of", "stream_label", "transform_hosts_read",
]
