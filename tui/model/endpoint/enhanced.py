"""SageMaker's enhanced endpoint metrics: which instances and GPUs publish, how often, their keys.

Where SageMaker publishes enhanced metrics for an endpoint (the ``InstanceId``,
``AcceleratorId`` and ``ContainerId`` dimensions, found with ListMetrics through the
:data:`~tui.model.detail.READ_ENHANCED` read), :func:`enhanced_info` says what was found.
Enhanced utilization metrics are published every 10, 30, 60, 120, 180, 240 or 300 s;
:func:`publish_period` picks the period from the endpoint config when it is known, otherwise
from the spacing of the points (see :func:`infer_period`), never finer. :func:`instance_key`
and :func:`gpu_key` are the per-instance and per-GPU series, :func:`instances_request` and
:func:`gpus_request` the instances and GPU screens' requests. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from tui.model import catalog as cat
from tui.model.catalog import Kind
from tui.model.cells import DIM, INFO, WARN
from tui.model.detail import READ_ENHANCED, DetailRequest, DetailResult
from tui.model.format import format_duration
from tui.model.plan import endpoint_variants, has_gpu
from tui.model.resources import Endpoint
from tui.model.series import Series, SeriesKey

# ==============================================================================================

#: Publishing intervals of SageMaker's enhanced endpoint metrics.
ENHANCED_INTERVALS = (10, 30, 60, 120, 180, 240, 300)
#: Period asked for while the interval is unknown: the finest one, to see the real spacing.
PROBE_PERIOD = ENHANCED_INTERVALS[0]

#: Utilization metrics shown per instance (GPU ones only where the instance has GPUs).
INSTANCE_METRICS = ("CPUUtilization", "MemoryUtilization", "DiskUtilization", "GPUUtilization",
                    "GPUMemoryUtilization")
#: Utilization columns of the instances grid (disk and GPU memory are on the GPU screen).
GRID_METRICS = ("CPUUtilization", "MemoryUtilization", "GPUUtilization")
#: Instance-level utilization CloudWatch normalizes to 0-100 %: shown per instance (a grid
#: column and a fact) where ListMetrics finds the InstanceId series, fetched only then.
NORMALIZED_METRICS = ("CPUUtilizationNormalized", "GPUUtilizationNormalized", "GPUMemoryUtilizationNormalized")
#: Utilization metrics shown per GPU (AcceleratorId).
GPU_METRICS = ("GPUUtilization", "GPUMemoryUtilization")

#: Per-GPU rule: a GPU is hot at this utilization or more ...
HOT_GPU_PCT = 90.0
#: ... when it runs this many points above the median of the other GPUs of its instance.
HOT_GPU_MARGIN = 25.0
#: A hot GPU at this utilization or more is critical.
HOT_GPU_CRIT_PCT = 97.0


@dataclass(frozen=True)
class EnhancedInfo:
    """What the READ_ENHANCED read found for one endpoint.

    ``state``: "pending" (no answer yet), "error", "none" (no enhanced series) or "found".
    ``instances`` maps each variant to its InstanceIds; ``accelerators`` each InstanceId to
    its AcceleratorIds; ``metrics`` each InstanceId to the metric names listed for it.
    """

    state: str
    instances: dict[str, list[str]] = field(default_factory=dict)
    accelerators: dict[str, list[str]] = field(default_factory=dict)
    containers: list[str] = field(default_factory=list)
    error: str | None = None
    metrics: dict[str, list[str]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.state == "found"

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(variant, instance) of every instance, variants in order."""
        return [(v, i) for v, ids in self.instances.items() for i in ids]

    @property
    def instance_count(self) -> int:
        return len(self.pairs)

    @property
    def gpu_count(self) -> int:
        return sum(len(self.accelerators.get(i, [])) for _, i in self.pairs)

    def variant_of(self, instance: str) -> str | None:
        return next((v for v, ids in self.instances.items() if instance in ids), None)


def enhanced_info(ep: Endpoint, detail: DetailResult | None) -> EnhancedInfo:
    """The enhanced dimensions of ``ep`` from a detail result (state "pending" without one)."""
    read = (READ_ENHANCED, ep.region, ep.name)
    if detail is None:
        return EnhancedInfo("pending")
    if read in detail.errors:
        return EnhancedInfo("error", error=detail.errors[read])
    if read not in detail.reads:
        return EnhancedInfo("pending")
    data = detail.reads[read] or {}
    variants = {str(k): list(v) for k, v in (data.get("variants") or {}).items()}
    placed = {i for ids in variants.values() for i in ids}
    loose = [i for i in data.get("instances") or [] if i not in placed]
    if loose:
        names = endpoint_variants(ep)
        if len(names) == 1:  # an instance listed without its variant: the only variant it can be in
            variants[names[0]] = sorted(set(variants.get(names[0], [])) | set(loose))
    variants = {k: v for k, v in variants.items() if v}
    accelerators = {str(k): list(v) for k, v in (data.get("accelerators") or {}).items()}
    containers = list(data.get("containers") or [])
    metrics = {str(k): list(v) for k, v in (data.get("metrics") or {}).items()}
    state = "found" if variants else "none"
    return EnhancedInfo(state, variants, accelerators, containers, metrics=metrics)


def configured_period(ep: Endpoint) -> int | None:
    """The endpoint config's MetricPublishFrequencyInSeconds, when discovery recorded it."""
    for attr in ("metric_publish_frequency", "metric_publish_seconds", "publish_frequency"):
        v = getattr(ep, attr, None)
        if isinstance(v, (int, float)) and v > 0:
            return int(v)
    return None


def infer_period(series: Iterable[Series]) -> int | None:
    """The publishing interval shown by the spacing of points, or ``None`` when it cannot be told.

    The smallest gap between consecutive points of any series is the interval (gaps only
    add missing points). A gap equal to the period the series was fetched with only bounds
    the interval from above, unless that period is the finest enhanced interval (10 s):
    data fetched every 60 s looks the same whether it is published every 10 or 60 s.
    """
    best: int | None = None
    for s in series:
        ts = sorted(s.points)
        gaps = [b - a for a, b in zip(ts, ts[1:]) if b > a]
        if not gaps:
            continue
        gap = min(gaps)
        if gap <= s.period and s.period > PROBE_PERIOD:
            continue  # ambiguous: the points are as dense as they were asked for
        best = gap if best is None else min(best, gap)
    if best is None:
        return None
    fits = [p for p in ENHANCED_INTERVALS if p <= best and best % p == 0]
    return fits[-1] if fits else max([p for p in ENHANCED_INTERVALS if p <= best] or [ENHANCED_INTERVALS[0]])


@dataclass(frozen=True)
class PublishPeriod:
    """The period enhanced series are asked for, and how it was found."""

    seconds: int
    source: str  # "config", "observed" or "probe"

    @property
    def known(self) -> bool:
        return self.source != "probe"

    def text(self) -> str:
        if self.source == "probe":
            return "publishing interval not known yet"
        how = "per the endpoint config" if self.source == "config" else "as observed"
        return f"published every {format_duration(self.seconds)} ({how})"


def publish_period(ep: Endpoint, observed: Iterable[Series] = (), known: int | None = None) -> PublishPeriod:
    """The config's interval; else one already found (``known``); else the observed spacing;
    else the probe period (10 s) until points show the spacing."""
    cfg = configured_period(ep)
    if cfg is not None:
        return PublishPeriod(cfg, "config")
    if known is not None:
        return PublishPeriod(known, "observed")
    seen = infer_period(observed)
    if seen is not None:
        return PublishPeriod(seen, "observed")
    return PublishPeriod(PROBE_PERIOD, "probe")


def enhanced_line(ep: Endpoint, info: EnhancedInfo, period: PublishPeriod | None = None) -> tuple[str, str]:
    """The one line the endpoint screen says about enhanced metrics, and its level."""
    if info.state == "pending":
        return "Enhanced metrics: looking for per-instance series…", DIM
    if info.state == "error":
        return f"Enhanced metrics: cannot list them: {info.error}", WARN
    if info.state == "none":
        if ep.enhanced_metrics:
            return ("Enhanced metrics are enabled, but CloudWatch has no per-instance series for this endpoint "
                    "yet (ListMetrics shows the last 2 weeks)"), WARN
        return ("No enhanced metrics: this endpoint publishes per-variant metrics only (no InstanceId or "
                "AcceleratorId series)"), DIM
    n, gpus = info.instance_count, info.gpu_count
    text = f"Enhanced metrics: {n} instance{'s' if n != 1 else ''}"
    if gpus:
        text += f", {gpus} GPU{'s' if gpus != 1 else ''}"
    if info.containers:
        text += f", {len(info.containers)} container{'s' if len(info.containers) != 1 else ''}"
    if period is not None and period.known:
        text += f", {period.text()}"
    return text + "  ·  i: instances", INFO


def instance_key(ep: Endpoint, variant: str, instance: str, metric: str, stat: str | None = None) -> SeriesKey:
    """An enhanced per-instance series (``EndpointName``, ``VariantName``, ``InstanceId``)."""
    group = cat.G_INSTANCE if metric in INSTANCE_METRICS + NORMALIZED_METRICS else cat.G_INVOCATION
    m = cat.find(metric, group)
    if cat.VARIANT_INSTANCE not in m.enhanced_dimensions:
        raise ValueError(f"{metric} has no per-instance series")
    stat = stat or m.primary_stat
    if stat not in m.stats:
        raise ValueError(f"{metric}: the catalog does not request {stat}")
    values = {"EndpointName": ep.name, "VariantName": variant, "InstanceId": instance}
    return SeriesKey(m.namespace_for(Kind.ENDPOINT), metric, tuple((n, values[n]) for n in cat.VARIANT_INSTANCE),
                     stat, ep.region, m, account=ep.account)


def gpu_key(ep: Endpoint, variant: str, instance: str, accelerator: str, metric: str) -> SeriesKey:
    """An enhanced per-GPU series (``... InstanceId``, ``AcceleratorId``)."""
    m = cat.find(metric, cat.G_INSTANCE)
    if cat.VARIANT_GPU not in m.enhanced_dimensions or metric not in GPU_METRICS:
        raise ValueError(f"{metric} has no per-GPU series")
    values = {"EndpointName": ep.name, "VariantName": variant, "InstanceId": instance, "AcceleratorId": accelerator}
    return SeriesKey(m.namespace_for(Kind.ENDPOINT), metric, tuple((n, values[n]) for n in cat.VARIANT_GPU),
                     cat.AVG, ep.region, m, account=ep.account)


def variant_has_gpu(ep: Endpoint, variant: str, info: EnhancedInfo) -> bool:
    v = next((x for x in ep.variants if x.name == variant), None)
    if any(info.accelerators.get(i) for i in info.instances.get(variant, [])):
        return True
    return v is not None and not v.serverless and has_gpu(v.instance_type) and bool(v.instance_type)


def instance_metric_names(ep: Endpoint, variant: str, info: EnhancedInfo) -> list[str]:
    """The per-instance utilization series of a variant: the sums (GPU ones where it has GPUs)
    and the normalized ones ListMetrics lists for any of its instances."""
    gpu = variant_has_gpu(ep, variant, info)
    listed = {m for i in info.instances.get(variant, []) for m in info.metrics.get(i, [])}
    return [m for m in INSTANCE_METRICS if gpu or not m.startswith("GPU")] + \
        [m for m in NORMALIZED_METRICS if m in listed]


#: Per-instance invocation series: (metric, statistic, column name).
INSTANCE_TRAFFIC = (("Invocations", cat.SUM, "Inv/min"), ("Invocation5XXErrors", cat.SUM, "5XX/min"),
                    ("ModelLatency", cat.AVG, "Latency"))


def instances_keys(ep: Endpoint, info: EnhancedInfo, *, with_gpus: bool = True) -> list[SeriesKey]:
    """Every series of the instances screen: invocations, 5XX and latency, utilization (not GPU
    memory: the GPU screen shows it), and (``with_gpus``) each GPU's utilization for the
    hottest-GPU column."""
    keys: list[SeriesKey] = []
    for variant, inst in info.pairs:
        for metric, stat, _ in INSTANCE_TRAFFIC:
            keys.append(instance_key(ep, variant, inst, metric, stat))
        for metric in instance_metric_names(ep, variant, info):
            if metric != "GPUMemoryUtilization":
                keys.append(instance_key(ep, variant, inst, metric))
        if with_gpus:
            for acc in info.accelerators.get(inst, []):
                keys.append(gpu_key(ep, variant, inst, acc, "GPUUtilization"))
    return list(dict.fromkeys(keys))


def instances_request(ep: Endpoint, info: EnhancedInfo, period: PublishPeriod) -> DetailRequest:
    return DetailRequest(owner=f"endpoint-instances:{ep.key}", keys=tuple(instances_keys(ep, info)),
                         reads=((READ_ENHANCED, ep.region, ep.name),), period=period.seconds,
                         account=ep.account)


def gpu_keys(ep: Endpoint, variant: str, instance: str, accelerators: Iterable[str]) -> list[SeriesKey]:
    return [gpu_key(ep, variant, instance, acc, m) for acc in accelerators for m in GPU_METRICS]


def gpus_request(ep: Endpoint, variant: str, instance: str, info: EnhancedInfo, period: PublishPeriod
                 ) -> DetailRequest:
    keys = gpu_keys(ep, variant, instance, info.accelerators.get(instance, []))
    keys += [instance_key(ep, variant, instance, m) for m in instance_metric_names(ep, variant, info)]
    return DetailRequest(owner=f"endpoint-gpus:{ep.key}:{instance}", keys=tuple(dict.fromkeys(keys)),
                         reads=((READ_ENHANCED, ep.region, ep.name),), period=period.seconds,
                         account=ep.account)
