"""Which CloudWatch series each overview pane and each opened resource needs.

Pure planning from the :mod:`~tui.model.catalog` and an :class:`~tui.model.resources.Inventory`:
no AWS, no drawing. The refresh layer turns these :class:`~tui.model.series.SeriesKey` lists
into GetMetricData requests; the overview model reads the same keys back out of the store, so
what is fetched and what is shown can never drift apart.

Query budget: an endpoint costs 10 series (9 on a CPU instance type; serverless 9; +2 multi-model), a component 8, a
pipeline 4, a labeling job 4, a feature group 7, a recommendation job 4 per endpoint. Jobs cost
3-5 series *per host*, so only jobs that are running or ended inside the window are planned;
older jobs show their Describe facts and no metrics.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Callable, Hashable, Iterable, TypeVar

from tui.model import catalog as cat
from tui.model.catalog import Dims, Kind, MetricDef
from tui.model.instances import fallback_facts
from tui.model.kinds import Pane, pane_resources
from tui.model.resources import (Endpoint, FeatureGroup, InferenceComponent, Inventory, Job, LabelingJob,
                                 Pipeline, RecommendationJob)
from tui.model.series import SeriesKey


# -- series keys -------------------------------------------------------------------------------

#: Feature Store operations the overview shows (reads and writes).
FEATURE_READ_OP = "GetRecord"
FEATURE_WRITE_OP = "PutRecord"

_EXTENDED_STAT = re.compile(r"^(p|tm|tc|ts|wm|pr|iqm)(\d|\()", re.IGNORECASE)


def is_extended_stat(stat: str) -> bool:
    """True for percentile-style statistics (p99, tm90, ...), which some backends refuse."""
    return bool(_EXTENDED_STAT.match(stat))


def def_key(m: MetricDef, kind: Kind, stat: str, region: str, dims: dict[str, str], *,
            names: Dims | None = None, account: str = "") -> SeriesKey:
    """The key of catalog entry ``m`` for one resource of ``kind``, carrying ``m`` (and so its
    unit) to whoever reads the series.

    Dimension names and their order come from the catalog (CloudWatch matches dimension
    sets exactly), unless ``names`` picks another of the metric's sets; ``dims`` supplies
    the values.
    """
    if stat not in m.stats:
        raise ValueError(f"{m.name}: the catalog does not request {stat}")
    names = m.dimensions_for(kind) if names is None else names
    return SeriesKey(m.namespace_for(kind), m.name, tuple((n, dims[n]) for n in names), stat, region, m,
                     account=account)


def metric_key(name: str, kind: Kind, stat: str, region: str, dims: dict[str, str], *,
               group: str | None = None, namespace: str | None = None, names: Dims | None = None,
               account: str = "") -> SeriesKey:
    """:func:`def_key` of the catalog metric ``name`` (looked up in ``group`` or ``namespace``)."""
    return def_key(cat.find(name, group, namespace), kind, stat, region, dims, names=names, account=account)


# -- key objects, built once per resource ---------------------------------------------------------

_T = TypeVar("_T")
#: Key objects by (builder, the identity fields of the resource they were built from): a refresh,
#: the overview rows and the screens drawing it ask for the same resource's keys again and get the
#: same objects back, instead of looking every metric up in the catalog once more.
_BUILT: dict[tuple, object] = {}
#: Emptied when it reaches this size (resources come and go; nothing else ever evicts).
BUILT_MAX = 8192


def built_once(builder: Callable[..., _T], identity: tuple[Hashable, ...], *args) -> _T:
    """``builder(*args)``, built once per ``identity`` (every field of the resource the builder
    reads, so a resource that changes gets new keys)."""
    memo = (builder, identity)
    hit = _BUILT.get(memo)
    if hit is None:
        if len(_BUILT) >= BUILT_MAX:
            _BUILT.clear()
        hit = _BUILT[memo] = builder(*args)
    return hit  # type: ignore[return-value]


def endpoint_identity(ep: Endpoint, variant: str) -> tuple:
    """Every field of ``ep`` the variant key builders read (its variants' fields included)."""
    return (ep.account, ep.region, ep.name, variant, ep.serverless, ep.multi_model, ep.component_based,
            tuple(tuple(vars(v).values()) for v in ep.variants))


def named_identity(resource) -> tuple:
    """Account, region and name: all a component, pipeline, labeling job or feature group's keys read."""
    return (resource.account, resource.region, resource.name)


def key_builder(kind: Kind, region: str, dims: dict[str, str], *, group: str | None = None,
                namespace: str | None = None, names: Dims | None = None,
                account: str = "") -> Callable[[str, str], SeriesKey]:
    """``key(name, stat)``: :func:`metric_key` for one resource, its metrics looked up in
    ``group`` or ``namespace``."""

    def key(name: str, stat: str) -> SeriesKey:
        return metric_key(name, kind, stat, region, dims, group=group, namespace=namespace, names=names,
                          account=account)

    return key


def has_gpu(instance_type: str | None) -> bool:
    """Whether an instance type publishes GPU metrics: from the instance table where it knows
    the type, else by family (g*, p*; a type without a name is assumed to)."""
    if not instance_type:
        return True
    known = fallback_facts(instance_type)
    if known is not None:
        return known.gpus > 0
    family = instance_type.removeprefix("ml.").split(".")[0]
    return family[:1] in ("p", "g")


class EndpointKeys:
    """The overview series of one endpoint variant, by role."""

    def __init__(self, ep: Endpoint, variant: str) -> None:
        k, r, a = Kind.ENDPOINT, ep.region, ep.account
        d = {"EndpointName": ep.name, "VariantName": variant}
        inv = key_builder(k, r, d, namespace=cat.NS_SAGEMAKER, account=a)
        inst = key_builder(k, r, d, group=cat.G_INSTANCE, account=a)
        self.invocations = inv("Invocations", cat.SUM)
        self.errors_4xx = inv("Invocation4XXErrors", cat.SUM)
        self.errors_5xx = inv("Invocation5XXErrors", cat.SUM)
        self.latency_avg = inv("ModelLatency", cat.AVG)
        self.latency_p50 = inv("ModelLatency", cat.P50)
        self.latency_p99 = inv("ModelLatency", cat.P99)
        self.overhead = inv("OverheadLatency", cat.AVG)
        self.cpu = inst("CPUUtilization", cat.AVG)
        self.gpu = inst("GPUUtilization", cat.AVG)
        self.memory = inst("MemoryUtilization", cat.AVG)
        self.setup_time = inv("ModelSetupTime", cat.AVG)
        self.cache_hit = metric_key("ModelCacheHit", k, cat.AVG, r, d, group=cat.G_MME_LOADING, account=a)
        self.loaded_models = metric_key("LoadedModelCount", k, cat.AVG, r, d, group=cat.G_MME_INSTANCE, account=a)
        self.serverless = ep.serverless
        self.multi_model = ep.multi_model
        types = [v.instance_type for v in ep.variants if v.name == variant]
        #: GPUUtilization is requested only where the instance type has GPUs (a CPU type publishes
        #: none: the series would be billed and drawn as "–")
        self.has_gpu = has_gpu(types[0] if types else None)

    @classmethod
    def of(cls, ep: Endpoint, variant: str) -> "EndpointKeys":
        """The keys of ``variant`` of ``ep``, built once (see :func:`built_once`)."""
        return built_once(cls, endpoint_identity(ep, variant), ep, variant)

    def all(self) -> list[SeriesKey]:
        keys = [self.invocations, self.errors_4xx, self.errors_5xx, self.latency_avg, self.latency_p50,
                self.latency_p99, self.overhead]
        if self.serverless:
            keys += [self.setup_time, self.memory]
        else:
            keys += [self.cpu] + ([self.gpu] if self.has_gpu else []) + [self.memory]
        if self.multi_model:
            keys += [self.cache_hit, self.loaded_models]
        return keys


def endpoint_variants(ep: Endpoint) -> list[str]:
    return [v.name for v in ep.variants] or ["AllTraffic"]


def variant_keys(ep: Endpoint) -> list[EndpointKeys]:
    """The overview keys of every variant of ``ep``."""
    return [EndpointKeys.of(ep, v) for v in endpoint_variants(ep)]


class ComponentKeys:
    """The overview series of one inference component."""

    def __init__(self, ic: InferenceComponent) -> None:
        k, r, a = Kind.INFERENCE_COMPONENT, ic.region, ic.account
        d = {"InferenceComponentName": ic.name}
        inv = key_builder(k, r, d, namespace=cat.NS_SAGEMAKER, account=a)
        util = key_builder(k, r, d, group=cat.G_COMPONENT, account=a)
        self.invocations = inv("Invocations", cat.SUM)
        self.per_copy = inv("InvocationsPerCopy", cat.SUM)
        self.concurrency = inv("ConcurrentRequestsPerCopy", cat.MAX)
        self.latency_avg = inv("ModelLatency", cat.AVG)
        self.errors_5xx = inv("Invocation5XXErrors", cat.SUM)
        # what the endpoints pane adds up for an endpoint that hosts components
        self.errors_4xx = inv("Invocation4XXErrors", cat.SUM)
        self.latency_p50 = inv("ModelLatency", cat.P50)
        self.latency_p99 = inv("ModelLatency", cat.P99)
        self.overhead = inv("OverheadLatency", cat.AVG)
        self.cpu = util("CPUUtilizationNormalized", cat.AVG)
        self.gpu = util("GPUUtilizationNormalized", cat.AVG)
        self.memory = util("MemoryUtilizationNormalized", cat.AVG)

    @classmethod
    def of(cls, ic: InferenceComponent) -> "ComponentKeys":
        return built_once(cls, named_identity(ic), ic)

    def all(self) -> list[SeriesKey]:
        return [self.invocations, self.per_copy, self.concurrency, self.latency_avg, self.errors_5xx,
                self.cpu, self.gpu, self.memory]

    def endpoint_traffic(self) -> list[SeriesKey]:
        """The series an endpoint's row is computed from when the endpoint hosts this component
        (its invocation metrics are published per InferenceComponentName, not per variant)."""
        return [self.invocations, self.errors_4xx, self.errors_5xx, self.latency_p50, self.latency_p99,
                self.overhead]


def endpoint_components(ep: Endpoint, inv: Inventory) -> list[InferenceComponent]:
    """The inference components an endpoint hosts (same name, region and account); none unless it
    is component-based."""
    if not ep.component_based:
        return []
    return [ic for ic in inv.components
            if ic.endpoint_name == ep.name and ic.region == ep.region and ic.account == ep.account]


#: Per-host utilization metrics the jobs pane averages over a cluster.
JOB_HOST_METRICS = ("CPUUtilization", "GPUUtilization", "MemoryUtilization", "DiskUtilization")


def job_host_key(job: Job, metric: str, host: str) -> SeriesKey:
    return metric_key(metric, job.kind, cat.AVG, job.region, {"Host": host}, group=cat.G_INSTANCE,
                      account=job.account)


def host_key_grid(job: Job, metrics: Iterable[MetricDef], hosts: Iterable[str]) -> dict[tuple[str, str], SeriesKey]:
    """``{(metric name, host): key}`` of a job's host metrics (each :func:`job_host_key`), built
    once per (kind, account, region, metrics, hosts): a 256-host job has 1,280 of them."""
    ms, hs = tuple(metrics), tuple(hosts)
    return built_once(_host_key_grid, (job.kind, job.account, job.region, tuple(m.name for m in ms), hs), job.kind,
                      job.region, ms, hs, job.account)


def _host_key_grid(kind: Kind, region: str, metrics: tuple[MetricDef, ...], hosts: tuple[str, ...], account: str
                   ) -> dict[tuple[str, str], SeriesKey]:
    return {(m.name, h): def_key(m, kind, cat.AVG, region, {"Host": h}, account=account)
            for m in metrics for h in hosts}


def pane_host_metrics(job: Job) -> list[str]:
    """The host metrics the jobs pane shows for a job: :data:`JOB_HOST_METRICS` published for
    its kind and instance type."""
    out = []
    for name in JOB_HOST_METRICS:
        if name.startswith("GPU") and not has_gpu(job.instance_type):
            continue
        if job.kind not in cat.find(name, cat.G_INSTANCE).kinds:
            continue  # transform jobs publish no DiskUtilization
        out.append(name)
    return out


def job_is_recent(job: Job, now: datetime, window: int) -> bool:
    """Running, or ended inside the window (so its curves are still on screen)."""
    if job.running:
        return True
    end = job.end_time or job.start_time or job.creation_time
    return end is not None and end >= now - timedelta(seconds=window)


def job_keys(job: Job) -> dict[str, dict[str, SeriesKey]]:
    """``{metric: {host: key}}`` of the jobs pane's metrics for every host of a job."""
    names = pane_host_metrics(job)
    grid = host_key_grid(job, (cat.find(n, cat.G_INSTANCE) for n in names), job.hosts)
    return {m: {h: grid[m, h] for h in job.hosts} for m in names}


class PipelineKeys:
    @classmethod
    def of(cls, p: Pipeline) -> "PipelineKeys":
        return built_once(cls, named_identity(p), p)

    def __init__(self, p: Pipeline) -> None:
        key = key_builder(Kind.PIPELINE, p.region, {"PipelineName": p.name}, group=cat.G_PIPELINES, account=p.account)
        self.started = key("ExecutionStarted", cat.SUM)
        self.succeeded = key("ExecutionSucceeded", cat.SUM)
        self.failed = key("ExecutionFailed", cat.SUM)
        self.duration = key("ExecutionDuration", cat.AVG)

    def all(self) -> list[SeriesKey]:
        return [self.started, self.succeeded, self.failed, self.duration]


class LabelingKeys:
    @classmethod
    def of(cls, job: LabelingJob) -> "LabelingKeys":
        return built_once(cls, named_identity(job), job)

    def __init__(self, job: LabelingJob) -> None:
        key = key_builder(Kind.LABELING_JOB, job.region, {"LabelingJobName": job.name}, group=cat.G_GROUND_TRUTH,
                          account=job.account)
        self.labeled = key("TotalDatasetObjectsLabeled", cat.MAX)
        self.human = key("DatasetObjectsHumanAnnotated", cat.MAX)
        self.auto = key("DatasetObjectsAutoAnnotated", cat.MAX)
        self.failed = key("DatasetObjectsLabelingFailed", cat.MAX)

    def all(self) -> list[SeriesKey]:
        return [self.labeled, self.human, self.auto, self.failed]


class FeatureKeys:
    @classmethod
    def of(cls, fg: FeatureGroup) -> "FeatureKeys":
        return built_once(cls, named_identity(fg), fg)

    def __init__(self, fg: FeatureGroup) -> None:
        read, write = (key_builder(Kind.FEATURE_GROUP, fg.region, {"FeatureGroupName": fg.name, "OperationName": op},
                                   group=cat.G_FEATURE_STORE, account=fg.account)
                       for op in (FEATURE_READ_OP, FEATURE_WRITE_OP))
        self.reads = read("Invocations", cat.SUM)
        self.writes = write("Invocations", cat.SUM)
        self.read_latency = read("Latency", cat.AVG)
        self.write_latency = write("Latency", cat.AVG)
        self.read_5xx = read("Operation5XXErrors", cat.SUM)
        self.write_5xx = write("Operation5XXErrors", cat.SUM)
        self.throttled = read("ThrottledRequests", cat.SUM)
        self.write_throttled = write("ThrottledRequests", cat.SUM)

    def all(self) -> list[SeriesKey]:
        return [self.reads, self.writes, self.read_latency, self.write_latency, self.read_5xx, self.write_5xx,
                self.throttled, self.write_throttled]


class RecommendationKeys:
    """Series of one recommendation job: one set per load-tested endpoint (or the job alone)."""

    @classmethod
    def of(cls, job: RecommendationJob) -> "RecommendationKeys":
        return built_once(cls, (job.account, job.region, job.name, tuple(job.endpoint_names)), job)

    def __init__(self, job: RecommendationJob) -> None:
        self.sets: list[dict[str, SeriesKey]] = []
        targets = job.endpoint_names or [None]
        for endpoint in targets:
            if endpoint is None:
                names: Dims = ("JobName",)
                values = {"JobName": job.name}
            else:
                names = ("JobName", "EndpointName")
                values = {"JobName": job.name, "EndpointName": endpoint}
            key = key_builder(Kind.RECOMMENDATION_JOB, job.region, values, group=cat.G_RECOMMENDER, names=names,
                              account=job.account)
            self.sets.append({
                "invocations": key("ClientInvocations", cat.SUM),
                "errors": key("ClientInvocationErrors", cat.SUM),
                "latency": key("ClientLatency", cat.AVG),
                "users": key("NumberOfUsers", cat.MAX),
            })

    def all(self) -> list[SeriesKey]:
        return [k for s in self.sets for k in s.values()]


def pane_keys(pane: Pane, inv: Inventory, now: datetime, window: int) -> list[SeriesKey]:
    """Every series the overview of ``pane`` needs, without duplicates, in a stable order:
    each resource's :func:`resource_keys` (a job's only while it is recent) and, for an
    endpoint, the traffic series of the inference components it hosts."""
    keys: list[SeriesKey] = []
    for resource in pane_resources(pane, inv):
        if isinstance(resource, Job) and not job_is_recent(resource, now, window):
            continue
        keys += resource_keys(resource)
        if isinstance(resource, Endpoint):
            for ic in endpoint_components(resource, inv):
                keys += ComponentKeys.of(ic).endpoint_traffic()
    return list(dict.fromkeys(keys))


def resource_keys(resource, now: datetime | None = None, window: int = 3 * 3600) -> list[SeriesKey]:
    """The series the detail view of one resource shows (its overview series, for every host)."""
    if isinstance(resource, Endpoint):
        return list(dict.fromkeys(k for ek in variant_keys(resource) for k in ek.all()))
    if isinstance(resource, InferenceComponent):
        return ComponentKeys.of(resource).all()
    if isinstance(resource, Job):
        return [k for hosts in job_keys(resource).values() for k in hosts.values()]
    if isinstance(resource, Pipeline):
        return PipelineKeys.of(resource).all()
    if isinstance(resource, LabelingJob):
        return LabelingKeys.of(resource).all()
    if isinstance(resource, FeatureGroup):
        return FeatureKeys.of(resource).all()
    if isinstance(resource, RecommendationJob):
        return RecommendationKeys.of(resource).all()
    return []
