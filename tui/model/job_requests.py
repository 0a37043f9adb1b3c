"""Which job, hosts, series and reads the job and host screens ask for, as pure data.

A job screen (training, processing or transform) shows one row per host with every instance
metric the catalog publishes for the job's kind and, for training jobs, the algorithm metrics
of the job's metric definitions (``train:loss`` ..., published in ``/aws/sagemaker/TrainingJobs``
with the ``TrainingJobName`` dimension). A host screen shows one host's metrics next to the
cluster median, so it needs every host's series of those metrics. This module names the job
(:func:`find_job`), its hosts (:func:`job_hosts`), the series keys (:func:`key_grid`,
:func:`algorithm_key`) and each screen's request (:func:`job_request`, :func:`host_request`),
and where a job that ended before the window is read from (:func:`own_span`, :func:`series_of`).

Series keys of host metrics come from :func:`tui.model.plan.host_key_grid` (built once per job), the keys the
overview uses, so the job pane's series are reused when a job screen opens. Nothing here
imports Textual or boto3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.model import catalog as cat
from tui.model.catalog import Kind, MetricDef
from tui.model.detail import READ_ALGORITHM_METRICS, READ_TRANSFORM_HOSTS, DetailRequest, DetailResult, Read
from tui.model.plan import has_gpu, host_key_grid, job_host_key
from tui.model.resources import Job, epoch_seconds
from tui.model.series import SeriesKey, SeriesStore

if TYPE_CHECKING:  # pragma: no cover
    from tui.model.state import AppState

#: Where SageMaker publishes a training job's algorithm metrics (its metric definitions).
ALGORITHM_NAMESPACE = cat.NS_TRAINING
ALGORITHM_DIMENSION = "TrainingJobName"
ALGORITHM_STAT = cat.AVG

#: Column order of the host grid: what a person scans first comes first.
METRIC_ORDER = ("CPUUtilization", "CPUUtilizationNormalized", "GPUUtilization", "GPUUtilizationNormalized",
                "GPUMemoryUtilization", "GPUMemoryUtilizationNormalized", "MemoryUtilization",
                "DiskUtilization", "CPUReservation", "GPUReservation", "MemoryReservation")


def find_job(state: "AppState", key: str) -> Job | None:
    """The fresh copy of the job ``key`` in the state's inventory (None: it is gone)."""
    for job in state.inventory.jobs:
        if job.key == key:
            return job
    return None


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


def key_grid(job: Job, hosts: list[str], metrics: list[MetricDef] | None = None
             ) -> dict[tuple[str, str], SeriesKey]:
    """Every host's key of every metric, keyed by ``(metric name, host)`` (built once per job,
    metrics and hosts by :func:`tui.model.plan.host_key_grid`)."""
    return host_key_grid(job, job_metrics(job) if metrics is None else metrics, hosts)


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
    return SeriesKey(ALGORITHM_NAMESPACE, name, ((ALGORITHM_DIMENSION, job.name),), ALGORITHM_STAT, job.region,
                     account=job.account)


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
    return DetailRequest(owner=job_owner(job), keys=tuple(dict.fromkeys(keys)), reads=_reads(job, True), span=span,
                         account=job.account)


def host_request(job: Job, host: str, hosts: list[str], span: tuple[int, int] | None = None) -> DetailRequest:
    """The host screen: the host's metrics and, for the cluster median, every host's."""
    peers = hosts if host in hosts else [host, *hosts]
    metrics = job_metrics(job)
    keys = [host_key(job, m.name, host) for m in metrics] + host_keys(job, peers, metrics)
    return DetailRequest(owner=host_owner(job, host), keys=tuple(dict.fromkeys(keys)), reads=_reads(job, False),
                         span=span, account=job.account)


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


__all__ = [
    "ALGORITHM_DIMENSION", "ALGORITHM_NAMESPACE", "ALGORITHM_STAT", "METRIC_ORDER", "algorithm_key",
    "algorithm_metrics_read", "algorithm_names", "find_job", "host_key", "host_keys", "host_owner", "host_request",
    "hosts_error", "job_hosts", "job_metrics", "job_owner", "job_request", "key_grid", "own_span", "series_of",
    "transform_hosts_read",
]
