"""What the job and host screens draw from the series store, as pure data.

The host grid of a job (:func:`job_host_table`: one row per host, every instance metric, flags),
one host's charts against the cluster median (:func:`host_charts`), a training job's algorithm
metrics (:func:`algorithm_charts`, short gaps bridged) and the job screen's header
(:func:`job_facts`). The series they read are named by :mod:`tui.model.job_requests`. Nothing
here imports Textual or boto3.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from tui.model.catalog import MetricDef
from tui.model.format import format_age, format_duration, safe_text
from tui.model.health import median
from tui.model.hosts import HostTable, build_host_table
from tui.model.instances import InstanceFacts
from tui.model.job_requests import algorithm_key, job_metrics, key_grid
from tui.model.per_device import Scale, scale_for, scales
from tui.model.resources import Job, epoch_seconds
from tui.model.series import Series, SeriesStore

#: Periods of recent values the host grid keeps per cell (sparkline and health rules).
GRID_POINTS = 30


# -- the grid ------------------------------------------------------------------------------------

def job_host_table(job: Job, hosts: list[str], store: SeriesStore, now: int, points: int = GRID_POINTS,
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
    device with ``facts``, as :func:`job_host_table`)."""
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


def _started_text(dt: datetime | None) -> str | None:
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
                    elapsed=format_duration(elapsed_seconds(job, now)), started=_started_text(job.start_time),
                    failure=failure, ended=_ended(job, time.time() if now is None else now))


def _ended(job: Job, now: float) -> str | None:
    end = epoch_seconds(job.end_time)
    if job.running or end is None:
        return None
    return f"{format_age(end, now)} ago, {job.end_time.strftime('%H:%M %Z').strip()}"


__all__ = [
    "AlgorithmChart", "BRIDGE_PERIODS", "GRID_POINTS", "HostChart", "JobFacts", "algorithm_charts", "bridge_gaps",
    "cluster_median", "elapsed_seconds", "host_charts", "job_host_table", "job_facts",
]
