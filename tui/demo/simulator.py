"""The demo's metric simulator: CloudWatch datapoints for every resource of the fleet.

For one publishing period (a real minute, or ten real seconds for endpoints with enhanced
metrics) :class:`Simulator` produces the datapoints that SageMaker would publish, as
PutMetricData datums grouped by namespace. Metric names, namespaces and dimension names all
come from :mod:`tui.model.catalog`; this module only decides *values* (with the generators of
:mod:`tui.demo.shapes`) and *which* catalog metrics apply to which resource.

How values are shaped as CloudWatch sees them:

* counts of requests (Invocations, errors, cache hits) are statistic sets of 0/1 samples, so
  Sum is the count and Average the rate, as SageMaker publishes them;
* latencies are raw ``Values`` (a fixed set of quantiles of the period's distribution), so
  CloudWatch computes percentiles (p50, p99) from them;
* utilizations are one value per instance, so Average and Maximum across instances work;
* pipeline and labeling-job events are published in the period they happen.

Every datum put is also recorded (:class:`PutRecord`) so tests can compute the value
CloudWatch must return for any series, statistic and period (:meth:`PutRecord.expected`).
Timestamps are real time; scenario state is read at the scenario time of the period (see
:mod:`tui.demo.runtime` for the clock).
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from tui.demo import shapes
from tui.demo.fleet import (PROCESSING, TRAINING, TRANSFORM, ComponentSpec, EndpointSpec, Fleet, JobSpec,
                            VariantSpec)
from tui.model.catalog import (CATALOG, G_COMPONENT, G_FEATURE_STORE, G_GROUND_TRUTH, G_INSTANCE, G_INVOCATION,
                               G_MME_INSTANCE, G_MME_LOADING, G_PIPELINES, G_RECOMMENDER, NS_TRAINING,
                               VARIANT_GPU, VARIANT_INSTANCE, Kind, MetricDef, instance_metrics)

MAX_DATUMS_PER_CALL = 1000
#: Scenario job kinds to catalog kinds.
JOB_KIND = {TRAINING: Kind.TRAINING_JOB, PROCESSING: Kind.PROCESSING_JOB, TRANSFORM: Kind.TRANSFORM_JOB}
#: The dimension naming a training job's algorithm metrics (MetricDefinitions). These metrics
#: are the job's own, not SageMaker's, so they are not in the catalog.
TRAINING_JOB_DIMENSION = "TrainingJobName"

_BY_GROUP: dict[tuple[str, str], MetricDef] = {(m.group, m.name): m for m in CATALOG}


def metric(group: str, name: str) -> MetricDef:
    """The catalog entry of ``name`` in ``group`` (KeyError for a name the catalog lacks)."""
    return _BY_GROUP[(group, name)]


def group_metrics(group: str) -> dict[str, MetricDef]:
    return {m.name: m for m in CATALOG if m.group == group}


# -- samples ---------------------------------------------------------------------------------------
# A sample is what one datum carries:
#   ("v", value)                      one value
#   ("s", count, sum, minimum, maximum)  a statistic set
#   ("vc", values, counts)            raw values with counts
Sample = tuple


def v(x: float) -> Sample:
    return ("v", float(x))


def flags(n: int, k: int) -> Sample:
    """``k`` of ``n`` requests flagged (errors, cache hits): 0/1 samples as a statistic set."""
    return ("s", float(n), float(k), 0.0 if k < n else 1.0, 1.0 if k > 0 else 0.0)


def ones(n: int) -> Sample:
    """``n`` events each counted once (Sum = SampleCount = n)."""
    return ("s", float(n), float(n), 1.0, 1.0)


def values(xs: list[float], counts: list[float] | None = None) -> Sample:
    return ("vc", [float(x) for x in xs], [float(c) for c in (counts or [1.0] * len(xs))])


def merge(a: Sample, b: Sample) -> Sample:
    """Two samples of the same series and period as one (for roll-up dimension sets)."""
    if a[0] == "s" and b[0] == "s":
        return ("s", a[1] + b[1], a[2] + b[2], min(a[3], b[3]), max(a[4], b[4]))
    if a[0] == "s" or b[0] == "s":  # mixed statistic set and values: keep a statistic set
        sa, sb = _as_stats(a), _as_stats(b)
        return ("s", sa[0] + sb[0], sa[1] + sb[1], min(sa[2], sb[2]), max(sa[3], sb[3]))
    va, ca = _as_values(a)
    vb, cb = _as_values(b)
    return ("vc", va + vb, ca + cb)


def _as_values(s: Sample) -> tuple[list[float], list[float]]:
    if s[0] == "v":
        return [s[1]], [1.0]
    return list(s[1]), list(s[2])


def _as_stats(s: Sample) -> tuple[float, float, float, float]:
    """(count, sum, min, max)."""
    if s[0] == "s":
        return s[1], s[2], s[3], s[4]
    vals, counts = _as_values(s)
    return sum(counts), sum(x * c for x, c in zip(vals, counts)), min(vals), max(vals)


_DIMENSIONS: dict[tuple, list[dict]] = {}


def to_datum(name: str, dims: tuple[tuple[str, str], ...], ts: float, sample: Sample, unit: str,
             high_resolution: bool = False) -> dict:
    """A PutMetricData datum in boto3's shape."""
    dl = _DIMENSIONS.get(dims)
    if dl is None:  # shared between datums of the same series: botocore only reads it
        dl = _DIMENSIONS[dims] = [{"Name": k, "Value": val} for k, val in dims]
    d: dict = {"MetricName": name, "Dimensions": dl, "Timestamp": int(ts), "Unit": unit}
    kind = sample[0]
    if kind == "v":
        d["Value"] = sample[1]
    elif kind == "s":
        d["StatisticValues"] = {"SampleCount": sample[1], "Sum": sample[2], "Minimum": sample[3],
                                "Maximum": sample[4]}
    else:
        d["Values"] = sample[1]
        d["Counts"] = sample[2]
    if high_resolution:
        d["StorageResolution"] = 1
    return d


# -- what was put -------------------------------------------------------------------------------
SeriesId = tuple  # (namespace, metric, frozenset of (name, value))


def series_id(namespace: str, name: str, dims: Iterable) -> SeriesId:
    if isinstance(dims, dict):
        dims = dims.items()
    else:
        dims = ((d["Name"], d["Value"]) if isinstance(d, dict) else tuple(d) for d in dims)
    return (namespace, name, frozenset(dims))


_FROZEN: dict[tuple, frozenset] = {}


def _frozen(dims: tuple) -> frozenset:
    f = _FROZEN.get(dims)
    if f is None:
        f = _FROZEN[dims] = frozenset(dims)
    return f


class PutRecord:
    """Every sample put, by series, to compute what CloudWatch must answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.series: dict[SeriesId, list[tuple[float, Sample]]] = defaultdict(list)

    def add(self, namespace: str, name: str, dims: tuple, ts: float, sample: Sample) -> None:
        with self._lock:
            self.series[(namespace, name, _frozen(dims))].append((ts, sample))

    def add_many(self, namespace: str, rows: list, ts: float) -> None:
        """Record a batch's rows of one namespace: (name, dims, sample, unit) each."""
        series = self.series
        with self._lock:
            for name, dims, sample, _unit in rows:
                series[(namespace, name, _frozen(dims))].append((ts, sample))

    def prune(self, before: float) -> None:
        """Forget samples older than ``before``."""
        with self._lock:
            for key in list(self.series):
                pts = self.series[key]
                if pts and pts[0][0] < before:
                    kept = [p for p in pts if p[0] >= before]
                    if kept:
                        self.series[key] = kept
                    else:
                        del self.series[key]

    def keys(self) -> list[SeriesId]:
        with self._lock:
            return list(self.series)

    def samples(self, namespace: str, name: str, dims, start: float, end: float) -> list[Sample]:
        with self._lock:
            pts = list(self.series.get(series_id(namespace, name, dims), ()))
        return [s for t, s in pts if start <= t < end]

    def expected(self, namespace: str, name: str, dims, stat: str, period_start: float,
                 period: int = 60) -> float | None:
        """The value CloudWatch returns for one period of a series (None: no data)."""
        return statistic(self.samples(namespace, name, dims, period_start, period_start + period), stat)


def statistic(samples: list[Sample], stat: str) -> float | None:
    """A CloudWatch statistic over samples (percentiles: nearest rank; a statistic set counts
    as its minimum, its maximum and its other samples at the mean of the rest)."""
    if not samples:
        return None
    n = s = 0.0
    lo, hi = math.inf, -math.inf
    for smp in samples:
        c, sm, mn, mx = _as_stats(smp)
        n += c
        s += sm
        lo, hi = min(lo, mn), max(hi, mx)
    if stat == "Sum":
        return s
    if stat == "SampleCount":
        return n
    if stat == "Average":
        return s / n if n else None
    if stat == "Minimum":
        return lo
    if stat == "Maximum":
        return hi
    if stat[:1] in "pP":
        p = float(stat[1:])
        weighted: list[tuple[float, float]] = []
        for smp in samples:
            if smp[0] == "s":
                c, sm, mn, mx = smp[1], smp[2], smp[3], smp[4]
                if c < 2:
                    weighted.append((sm / c if c else 0.0, c))
                else:
                    weighted += [(mn, 1.0), (mx, 1.0)]
                    if c > 2:
                        weighted.append((min(max((sm - mn - mx) / (c - 2), mn), mx), c - 2))
            else:
                vals, counts = _as_values(smp)
                weighted += list(zip(vals, counts))
        weighted.sort(key=lambda x: x[0])
        total = sum(w for _, w in weighted)
        target = p / 100.0 * total
        cum = 0.0
        for val, w in weighted:
            cum += w
            if cum >= target - 1e-9 * total:
                return val
        return weighted[-1][0]
    raise ValueError(f"unsupported statistic {stat!r}")


# -- the batch of one period --------------------------------------------------------------------------
@dataclass
class Batch:
    """Datums of one publishing period, by namespace, with roll-ups merged at the end."""

    ts: float
    high_resolution: bool = False
    data: dict[str, list[tuple[str, tuple, Sample, str]]] = field(default_factory=lambda: defaultdict(list))
    rollups: dict[tuple[str, str, tuple, str], Sample] = field(default_factory=dict)

    def put(self, namespace: str, name: str, dims: tuple, sample: Sample, unit: str) -> None:
        self.data[namespace].append((name, dims, sample, unit))

    def rollup(self, namespace: str, name: str, dims: tuple, sample: Sample, unit: str) -> None:
        key = (namespace, name, dims, unit)
        prev = self.rollups.get(key)
        self.rollups[key] = sample if prev is None else merge(prev, sample)

    def finish(self) -> None:
        for (ns, name, dims, unit), sample in self.rollups.items():
            self.data[ns].append((name, dims, sample, unit))
        self.rollups = {}

    def __len__(self) -> int:
        return sum(len(x) for x in self.data.values())


def emit(batch: Batch, md: MetricDef, kind: Kind, dimvals: dict[str, str], sample: Sample | None,
         dims: tuple[str, ...] | None = None, rollups: bool = True) -> None:
    """Put ``sample`` for catalog metric ``md`` of a resource of ``kind``.

    The namespace and dimension names come from the catalog: ``dims`` (one of the metric's
    dimension sets, or an enhanced one) or the set naming one resource of ``kind``. With
    ``rollups``, the sample is also merged into the metric's coarser dimension sets (e.g.
    OperationName alone, or none: the account) that ``dimvals`` covers.
    """
    if sample is None:
        return
    plan = _EMIT_PLANS.get((id(md), kind, dims))
    if plan is None:
        names = dims if dims is not None else md.dimensions_for(kind)
        others = () if (not rollups or dims is not None) else tuple(
            o for o in md.dimensions if o != names and set(o) < set(names))
        plan = _EMIT_PLANS[(id(md), kind, dims)] = (names, md.namespace_for(kind), md.unit.value, others)
    names, ns, unit, others = plan
    batch.put(ns, md.name, tuple([(n, dimvals[n]) for n in names]), sample, unit)
    if not rollups:
        return
    for other in others:
        if all(n in dimvals for n in other):
            batch.rollup(ns, md.name, tuple([(n, dimvals[n]) for n in other]), sample, unit)


#: Per (metric, kind, explicit dimension set): dimension names, namespace, unit, roll-up sets.
_EMIT_PLANS: dict[tuple, tuple] = {}


# -- the simulator -----------------------------------------------------------------------------------
INV = group_metrics(G_INVOCATION)
IC_UTIL = group_metrics(G_COMPONENT)
MME = group_metrics(G_MME_LOADING)
MME_INST = group_metrics(G_MME_INSTANCE)
INST = group_metrics(G_INSTANCE)
REC = group_metrics(G_RECOMMENDER)
GT = group_metrics(G_GROUND_TRUTH)
FS = group_metrics(G_FEATURE_STORE)
PL = group_metrics(G_PIPELINES)

_INSTANCE_METRICS = {k: instance_metrics(k) for k in Kind}

#: Instance metrics reported per GPU (AcceleratorId) with enhanced metrics.
PER_ACCELERATOR = ("GPUUtilization", "GPUMemoryUtilization")


class Simulator:
    """Datapoints for the fleet, one publishing period at a time."""

    def __init__(self, fleet: Fleet, sim: Callable[[float], float] | None = None,
                 quantiles: tuple[float, ...] = shapes.LATENCY_QUANTILES) -> None:
        self.fleet = fleet
        self.seed = fleet.seed
        self.sim = sim or (lambda t: t)
        self.quantiles = quantiles
        self._keys: dict[tuple, int] = {}
        self._cold: dict[str, float] = {}

    def key(self, *parts: object) -> int:
        k = self._keys.get(parts)
        if k is None:
            k = self._keys[parts] = shapes.series_seed(self.seed, *parts)
        return k

    # -- periods ----------------------------------------------------------------------------------
    def minute(self, ts: float) -> Batch:
        """Every datum for the real minute starting at ``ts``."""
        a, b = self.sim(ts), self.sim(ts + 60)
        batch = Batch(ts)
        for ep in self.fleet.endpoints:
            self._endpoint(batch, ep, a)
        for ic in self.fleet.components:
            self._component(batch, ic, a)
        for job in self.fleet.jobs:
            if job.running_at(a):
                self._job(batch, job, a)
        self._pipelines(batch, a, b)
        self._ground_truth(batch, a, b)
        self._feature_store(batch, a)
        self._recommender(batch, a)
        batch.finish()
        return batch

    def high_resolution(self, ts: float, high_resolution: bool = True) -> Batch:
        """Datums of endpoints publishing faster than every minute (a 10 s bucket; with
        ``high_resolution`` False, the same series as one standard-resolution point)."""
        batch = Batch(ts, high_resolution=high_resolution)
        t = self.sim(ts)
        for ep in self.fleet.endpoints:
            if ep.publish_interval < 60:
                self._endpoint_instances(batch, ep, t, enhanced=ep.enhanced)
        batch.finish()
        return batch

    def high_resolution_endpoints(self) -> list[EndpointSpec]:
        return [e for e in self.fleet.endpoints if e.publish_interval < 60]

    # -- endpoints ----------------------------------------------------------------------------------
    def _traffic(self, ep: EndpointSpec, variant: VariantSpec, t: float) -> int:
        return shapes.request_count(self.key(ep.name, variant.name, "req"), t, ep.rpm * variant.weight)

    def _error_fraction(self, ep: EndpointSpec, t: float) -> float:
        if ep.error_start is None:
            return ep.error_rate
        return shapes.error_fraction(t, ep.error_start, ep.error_rise, ep.error_rate, ep.error_peak)

    def _endpoint(self, batch: Batch, ep: EndpointSpec, t: float) -> None:
        if t < ep.created:
            return
        for var in ep.variants:
            dv = {"EndpointName": ep.name, "VariantName": var.name}
            if ep.rpm > 0:
                n = self._traffic(ep, var, t)
                self._invocations(batch, Kind.ENDPOINT, dv, n, t, ep, var)
                if ep.enhanced:
                    self._instance_invocations(batch, ep, var, n, t)
                if ep.mme_models:
                    self._multi_model(batch, ep, var, dv, n, t)
                if var.serverless:
                    self._serverless(batch, ep, dv, n, t)
        if ep.publish_interval >= 60:
            self._endpoint_instances(batch, ep, t, enhanced=False)

    def _latency(self, key: int, t: float, median_ms: float, load: float, tail: float = 1.0,
                 scale: float = 1000.0) -> Sample:
        xs = shapes.latency_samples(key, t, median_ms * scale, load, tail, self.quantiles)
        return values(xs)

    def _invocations(self, batch: Batch, kind: Kind, dv: dict, n: int, t: float, ep: EndpointSpec | None,
                     var: VariantSpec | None, ic: ComponentSpec | None = None) -> None:
        """Invocation metrics of one variant (kind ENDPOINT) or component (kind INFERENCE_COMPONENT)."""
        if n <= 0:
            return
        name = ic.name if ic else ep.name
        key = self.key(name, dv.get("VariantName", ""), "inv")
        err = self._error_fraction(ep, t) if ep else 0.0008
        e5 = shapes.binomial(key, t, n, err, 1)
        e4 = shapes.binomial(key, t, n, ep.client_error_rate if ep else 0.001, 2)
        em = shapes.binomial(key, t, e5, 0.7, 3)
        load = shapes.load_factor(t)
        median = ic.median_ms if ic else ep.median_ms
        if var is not None and var.name.startswith("challenger"):
            median *= 1.25
        tail = 1.0 + 6.0 * err  # timeouts stretch the tail of an erroring model
        emit(batch, INV["Invocations"], kind, dv, ones(n))
        emit(batch, INV["Invocation4XXErrors"], kind, dv, flags(n, e4))
        emit(batch, INV["Invocation5XXErrors"], kind, dv, flags(n, e5))
        emit(batch, INV["InvocationModelErrors"], kind, dv, flags(n, em))
        lat = self._latency(self.key(name, dv.get("VariantName", ""), "lat"), t, median, load, tail)
        emit(batch, INV["ModelLatency"], kind, dv, lat)
        overhead = ep.overhead_ms if ep else 4.0
        emit(batch, INV["OverheadLatency"], kind, dv,
             self._latency(self.key(name, dv.get("VariantName", ""), "ovh"), t, overhead, load * 0.5))
        mean_s = sum(lat[1]) / len(lat[1]) / 1e6
        concurrency = n / 60.0 * mean_s
        if kind is Kind.ENDPOINT:
            per_instance = n / max(var.instance_count, 1) if not var.serverless else float(n)
            emit(batch, INV["InvocationsPerInstance"], kind, dv, v(round(per_instance, 2)))
            peak = concurrency * (1.8 + 0.6 * shapes.uniform(key, t, 9)) + 1
            emit(batch, INV["ConcurrentRequestsPerModel"], kind, dv, v(round(peak)))
        else:
            copies = max(ic.copies, 1)
            emit(batch, INV["InvocationsPerCopy"], kind, dv, v(round(n / copies, 2)))
            peak = concurrency / copies * (1.8 + 0.6 * shapes.uniform(key, t, 9)) + 1
            emit(batch, INV["ConcurrentRequestsPerCopy"], kind, dv, v(round(peak)))

    def _instance_invocations(self, batch: Batch, ep: EndpointSpec, var: VariantSpec, n: int, t: float) -> None:
        """Per-instance invocation metrics of an endpoint with enhanced metrics (InstanceId)."""
        shares = [1.0 + 0.08 * shapes.smooth_noise(self.key(ep.name, i, "share"), t, 300) for i in var.instance_ids]
        counts = shapes.split_counts(n, shares)
        err = self._error_fraction(ep, t)
        load = shapes.load_factor(t)
        for iid, k in zip(var.instance_ids, counts):
            if k <= 0:
                continue
            dv = {"EndpointName": ep.name, "VariantName": var.name, "InstanceId": iid}
            key = self.key(ep.name, iid, "inv")
            hot = ep.hot_gpu is not None and ep.hot_gpu[0] == iid
            for md in INV.values():
                if VARIANT_INSTANCE not in md.enhanced_dimensions:
                    continue
                if md.name == "Invocations":
                    s = ones(k)
                elif md.name == "Invocation5XXErrors":
                    s = flags(k, shapes.binomial(key, t, k, err, 1))
                elif md.name == "Invocation4XXErrors":
                    s = flags(k, shapes.binomial(key, t, k, ep.client_error_rate, 2))
                elif md.name == "ModelLatency":
                    s = self._latency(self.key(ep.name, iid, "lat"), t, ep.median_ms * (1.35 if hot else 1.0),
                                      load, 1.4 if hot else 1.0)
                elif md.name == "OverheadLatency":
                    s = self._latency(self.key(ep.name, iid, "ovh"), t, ep.overhead_ms, load * 0.5)
                else:
                    continue
                emit(batch, md, Kind.ENDPOINT, dv, s, dims=VARIANT_INSTANCE)

    def _serverless(self, batch: Batch, ep: EndpointSpec, dv: dict, n: int, t: float) -> None:
        """ModelSetupTime: a cold start after an idle stretch (or a scale-out at busy times)."""
        key = self.key(ep.name, "cold")
        idle_before = shapes.request_count(self.key(ep.name, dv["VariantName"], "req"), t - 60, ep.rpm) == 0
        scale_out = shapes.uniform(key, t, 1) < 0.06
        if n > 0 and (idle_before or scale_out):
            colds = 1 + (1 if shapes.uniform(key, t, 2) < 0.2 else 0)
            xs = [round((2.2 + 4.5 * shapes.uniform(key, t, 3 + i)) * 1e6) for i in range(colds)]
            emit(batch, INV["ModelSetupTime"], Kind.ENDPOINT, dv, values(xs))

    def _multi_model(self, batch: Batch, ep: EndpointSpec, var: VariantSpec, dv: dict, n: int, t: float) -> None:
        key = self.key(ep.name, var.name, "mme")
        hit_rate = 0.93 + 0.04 * shapes.smooth_noise(key, t, 1800)
        hits = n - shapes.binomial(key, t, n, 1 - hit_rate, 4)
        misses = n - hits
        emit(batch, MME["ModelCacheHit"], Kind.ENDPOINT, dv, flags(n, hits))
        if misses > 0:
            k = min(misses, 5)
            dl = [round((0.6 + 2.2 * shapes.uniform(key, t, 10 + i)) * 1e6) for i in range(k)]
            ld = [round((0.4 + 1.4 * shapes.uniform(key, t, 20 + i)) * 1e6) for i in range(k)]
            wait = [d + l + round(40_000 * shapes.uniform(key, t, 30 + i)) for i, (d, l) in enumerate(zip(dl, ld))]
            emit(batch, MME["ModelDownloadingTime"], Kind.ENDPOINT, dv, values(dl))
            emit(batch, MME["ModelLoadingTime"], Kind.ENDPOINT, dv, values(ld))
            emit(batch, MME["ModelLoadingWaitTime"], Kind.ENDPOINT, dv, values(wait))
            ul = [round((0.05 + 0.2 * shapes.uniform(key, t, 40 + i)) * 1e6) for i in range(k)]
            emit(batch, MME["ModelUnloadingTime"], Kind.ENDPOINT, dv, values(ul))
        loaded = [round(38 + 10 * shapes.load_factor(t) + 3 * shapes.smooth_noise(self.key(ep.name, iid, "lm"), t))
                  for iid in var.instance_ids]
        emit(batch, MME_INST["LoadedModelCount"], Kind.ENDPOINT, dv, values(loaded))

    # instance utilization ---------------------------------------------------------------------------
    def _endpoint_instances(self, batch: Batch, ep: EndpointSpec, t: float, enhanced: bool) -> None:
        if t < ep.created:
            return
        components = [c for c in self.fleet.components if c.endpoint == ep.name]
        for var in ep.variants:
            dv = {"EndpointName": ep.name, "VariantName": var.name}
            per_instance = self._instance_values(ep, var, t, components)
            for md in _INSTANCE_METRICS[Kind.ENDPOINT]:
                if not self._applies(md, ep, var):
                    continue
                vals = [row[md.name] for row in per_instance if md.name in row]
                if not vals:
                    continue
                emit(batch, md, Kind.ENDPOINT, dv, values(vals))
                if not enhanced:
                    continue
                for iid, row in zip(var.instance_ids, per_instance):
                    if md.name in row and VARIANT_INSTANCE in md.enhanced_dimensions:
                        emit(batch, md, Kind.ENDPOINT, dict(dv, InstanceId=iid), v(row[md.name]),
                             dims=VARIANT_INSTANCE)
                    if md.name in PER_ACCELERATOR and VARIANT_GPU in md.enhanced_dimensions:
                        for acc, val in row.get("per_gpu", {}).get(md.name, []):
                            emit(batch, md, Kind.ENDPOINT, dict(dv, InstanceId=iid, AcceleratorId=acc), v(val),
                                 dims=VARIANT_GPU)
            if components and not var.serverless:
                self._reservations(batch, var, dv, components, t)

    @staticmethod
    def _applies(md: MetricDef, ep: EndpointSpec, var: VariantSpec) -> bool:
        if var.serverless:
            return md.name == "MemoryUtilization"
        if "Reservation" in md.name:
            return ep.role == "components"
        if md.name.endswith("Normalized"):
            return ep.role == "components" and ("GPU" not in md.name or var.gpus_per_instance > 0)
        if "GPU" in md.name:
            return var.gpus_per_instance > 0
        return True

    def _instance_values(self, ep: EndpointSpec, var: VariantSpec, t: float,
                         components: list[ComponentSpec]) -> list[dict]:
        """Utilization of each instance of a variant (CPU and GPU summed over cores/GPUs)."""
        load = shapes.load_factor(t)
        if components:
            busy = sum(c.rpm * c.median_ms for c in components)
            activity = min(1.0, busy / 300_000.0) * (0.55 + 0.45 * load)
        elif ep.rpm > 0:
            activity = 0.15 + 0.6 * load * (1.0 + 2.5 * self._error_fraction(ep, t))
        else:
            activity = 0.003
        rows = []
        if var.serverless:
            key = self.key(ep.name, "mem")
            return [{"MemoryUtilization": shapes.utilization(key, t, 31 + 12 * load, 1.5, 3)}]
        cores, ngpu = var.vcpus_per_instance, var.gpus_per_instance
        for i, iid in enumerate(var.instance_ids):
            key = self.key(ep.name, iid)
            if ep.rpm <= 0 and not components:  # an idle endpoint: health checks only
                core = shapes.utilization(key, t, 0.6, 0.15, 0.2)
            else:  # GPU models leave the CPU mostly to pre- and post-processing
                core = shapes.utilization(key, t, (3 + 24 * activity) if ngpu else (4 + 62 * activity), 2.0, 4)
            row = {
                "CPUUtilization": round(core * cores, 1),
                "MemoryUtilization": shapes.utilization(self.key(ep.name, iid, "mem"), t,
                                                        (62 if components else 34) + 6 * activity, 0.6, 2),
                "DiskUtilization": shapes.utilization(self.key(ep.name, iid, "disk"), t, 18 + 5 * (i % 2), 0.1, 0.5),
                "CPUUtilizationNormalized": core,
            }
            if ngpu:
                per_gpu_u, per_gpu_m = [], []
                for g in range(ngpu):
                    acc = f"GPU{g}"
                    gk = self.key(ep.name, iid, acc)
                    hot = ep.hot_gpu == (iid, acc)
                    u = shapes.utilization(gk, t, 97.5 if hot else 18 + 62 * activity * (0.85 + 0.1 * g / ngpu),
                                           1.0 if hot else 4.0, 2.0)
                    m = shapes.utilization(self.key(ep.name, iid, acc, "m"), t, 94.0 if hot else 41 + 18 * activity,
                                           0.4 if hot else 1.5, 1.0)
                    per_gpu_u.append((acc, u))
                    per_gpu_m.append((acc, m))
                row["GPUUtilization"] = round(sum(u for _, u in per_gpu_u), 1)
                row["GPUMemoryUtilization"] = round(sum(m for _, m in per_gpu_m), 1)
                row["GPUUtilizationNormalized"] = round(row["GPUUtilization"] / ngpu, 2)
                row["GPUMemoryUtilizationNormalized"] = round(row["GPUMemoryUtilization"] / ngpu, 2)
                row["per_gpu"] = {"GPUUtilization": per_gpu_u, "GPUMemoryUtilization": per_gpu_m}
            rows.append(row)
        return rows

    def _reservations(self, batch: Batch, var: VariantSpec, dv: dict, components: list[ComponentSpec],
                      t: float) -> None:
        cores = var.vcpus_per_instance * var.instance_count
        ngpu = var.gpus_per_instance * var.instance_count
        from tui.demo.fleet import INSTANCE_TYPES
        mem_mb = INSTANCE_TYPES.get(var.instance_type or "", (0, 0, 16))[2] * 1024 * var.instance_count
        cpu = sum(c.cpus_per_copy * c.copies for c in components) / max(cores, 1) * 100
        gpu = sum(c.gpus_per_copy * c.copies for c in components) / max(ngpu, 1) * 100
        mem = sum(c.memory_mb_per_copy * c.copies for c in components) / max(mem_mb, 1) * 100
        for name, val in (("CPUReservation", cpu), ("GPUReservation", gpu), ("MemoryReservation", mem)):
            emit(batch, INST[name], Kind.ENDPOINT, dv, v(round(min(val, 100.0), 2)))

    # inference components -----------------------------------------------------------------------------
    def _component(self, batch: Batch, ic: ComponentSpec, t: float) -> None:
        if t < ic.created:
            return
        dv = {"InferenceComponentName": ic.name}
        n = shapes.request_count(self.key(ic.name, "req"), t, ic.rpm)
        self._invocations(batch, Kind.INFERENCE_COMPONENT, dv, n, t, None, None, ic)
        load = shapes.load_factor(t)
        busy = min(1.0, ic.rpm * ic.median_ms / 60000.0 / max(ic.copies, 1) / 4.0) * (0.5 + 0.5 * load)
        key = self.key(ic.name, "util")
        levels = {
            "CPUUtilizationNormalized": 8 + 40 * busy,
            "GPUUtilizationNormalized": 12 + 78 * busy,
            "GPUMemoryUtilizationNormalized": 72 + 14 * busy if ic.gpus_per_copy else 0,
            "MemoryUtilizationNormalized": 44 + 20 * busy,
        }
        for md in IC_UTIL.values():
            level = levels.get(md.name)
            if level is None:
                continue
            emit(batch, md, Kind.INFERENCE_COMPONENT, dv,
                 v(shapes.utilization(self.key(ic.name, md.name), t, level, 2.0, 3)))

    # jobs ------------------------------------------------------------------------------------------------
    def _job(self, batch: Batch, job: JobSpec, t: float) -> None:
        kind = JOB_KIND[job.kind]
        ngpu, cores = job.gpus_per_host, job.vcpus_per_host
        p = job.progress_at(t)
        for host in job.hosts:
            dv = {"Host": host}
            key = self.key(job.name, host)
            lag = host == job.lag_host
            warm = shapes.smoothstep(t, job.start, job.start + 4 * 60)  # containers start, data loads
            if job.kind == TRAINING:
                core = (22 if ngpu else 88) * warm
                gpu = (25.0 if lag else 92.0) * warm
                gmem = (58.0 if lag else 79.0) * warm
                if job.final_status == "Failed" and ngpu:  # memory climbs until the OOM
                    gmem = shapes.ramp(t, job.start, job.end, 62.0, 99.6)
                    gpu = 88.0 * warm
                mem, disk = 46.0 + 4 * p, 31.0 + 12 * p
            elif job.kind == PROCESSING:
                core, gpu, gmem, mem, disk = 71.0 * warm, 0.0, 0.0, 58.0 + 8 * p, 24.0 + 6 * p
            else:
                core, gpu, gmem, mem, disk = 54.0 * warm, 68.0 * warm, 52.0 * warm, 37.0 + 5 * p, 0.0
            if host == job.disk_host and job.disk_fill:
                a, b, lo, hi = job.disk_fill
                disk = shapes.ramp(t, a, b, lo, hi) if t < b else hi
            vals = {
                "CPUUtilization": round(shapes.utilization(key, t, core, 2.5, 3) * cores, 1),
                "MemoryUtilization": shapes.utilization(self.key(job.name, host, "mem"), t, mem, 0.8, 1.5),
                "DiskUtilization": shapes.utilization(self.key(job.name, host, "disk"), t, disk, 0.15, 0.3),
            }
            if ngpu:
                vals["GPUUtilization"] = round(shapes.utilization(self.key(job.name, host, "gpu"), t, gpu,
                                                                  2.0 if not lag else 3.0, 2) * ngpu, 1)
                vals["GPUMemoryUtilization"] = round(shapes.utilization(self.key(job.name, host, "gmem"), t, gmem,
                                                                        0.5, 1) * ngpu, 1)
            for md in _INSTANCE_METRICS[kind]:
                if md.name in vals:
                    emit(batch, md, kind, dv, v(vals[md.name]))
        if job.kind == TRAINING and job.metric_definitions:
            self._algorithm_metrics(batch, job, t)

    def _algorithm_metrics(self, batch: Batch, job: JobSpec, t: float) -> None:
        """The job's MetricDefinitions, published by SageMaker under the job's name."""
        dims = ((TRAINING_JOB_DIMENSION, job.name),)
        p = job.progress_at(t)
        key = self.key(job.name, "algo")
        for name, _regex in job.metric_definitions:
            if name.endswith("loss"):
                val = shapes.loss_curve(p, key, t, start=2.4 if job.gpus_per_host else 0.69,
                                        floor=1.45 if "pretrain" in job.name else 0.12)
            elif int(t // 60) % 5 == 0:
                val = shapes.accuracy_curve(p, key, t)
            else:
                continue
            batch.put(NS_TRAINING, name, dims, v(val), "None")

    # pipelines -----------------------------------------------------------------------------------------
    def _pipelines(self, batch: Batch, a: float, b: float) -> None:
        for p in self.fleet.pipelines:
            dv = {"PipelineName": p.name}
            started = 0
            ended: dict[str, list[float]] = defaultdict(list)
            for ex in p.executions:
                if a <= ex.start < b:
                    started += 1
                if a <= ex.end < b:
                    ended[ex.status].append((ex.end - ex.start) * 1000.0)
                for st in ex.steps:
                    sdv = dict(dv, StepName=st.name)
                    if a <= st.start < b:
                        emit(batch, PL["StepStarted"], Kind.PIPELINE, sdv, v(1))
                    if a <= st.end < b:
                        emit(batch, PL[f"Step{st.status}"], Kind.PIPELINE, sdv, v(1))
                        emit(batch, PL["StepDuration"], Kind.PIPELINE, sdv,
                             values([round((st.end - st.start) * 1000.0)]))
            if started:
                emit(batch, PL["ExecutionStarted"], Kind.PIPELINE, dv, v(started))
            for status, durations in ended.items():
                emit(batch, PL[f"Execution{status}"], Kind.PIPELINE, dv, v(len(durations)))
                emit(batch, PL["ExecutionDuration"], Kind.PIPELINE, dv, values([round(d) for d in durations]))

    # Ground Truth ----------------------------------------------------------------------------------------
    def _ground_truth(self, batch: Batch, a: float, b: float) -> None:
        active_teams: dict[str, float] = defaultdict(float)
        for job in self.fleet.labeling_jobs:
            dv = {"LabelingJobName": job.name}
            if job.start <= a < job.end:
                c = job.counters_at(a)
                emit(batch, GT["DatasetObjectsHumanAnnotated"], Kind.LABELING_JOB, dv, v(c["human"]))
                emit(batch, GT["DatasetObjectsAutoAnnotated"], Kind.LABELING_JOB, dv, v(c["auto"]))
                emit(batch, GT["DatasetObjectsLabelingFailed"], Kind.LABELING_JOB, dv, v(c["failed"]))
                emit(batch, GT["TotalDatasetObjectsLabeled"], Kind.LABELING_JOB, dv, v(c["total"]))
                active_teams[job.workteam] += job.total_objects / max(job.end - job.start, 1.0) * 60.0
            if a <= job.end < b:
                name = {"Completed": "JobsSucceeded", "Failed": "JobsFailed", "Stopped": "JobsStopped"}[job.final_status]
                emit(batch, GT[name], Kind.LABELING_JOB, {}, v(1))
        for team in self.fleet.workteams:
            rate = active_teams.get(team.name)
            if not rate:
                continue
            dv = {"Workteam": team.name}
            key = self.key(team.name, "tasks")
            load = shapes.diurnal(a, 14.0, 0.5) / 1.5
            active = max(1, round(team.workers * load * (0.7 + 0.2 * shapes.uniform(key, a, 1))))
            submitted = shapes.binomial(key, a, max(1, round(rate * 1.1 * load)), 0.9, 2)
            accepted = submitted + shapes.binomial(key, a, 4, 0.4, 3)
            declined = shapes.binomial(key, a, 3, 0.1, 4)
            returned = shapes.binomial(key, a, 3, 0.06, 5)
            emit(batch, GT["ActiveWorkers"], Kind.WORKTEAM, dv, v(active))
            emit(batch, GT["TasksAccepted"], Kind.WORKTEAM, dv, v(accepted))
            emit(batch, GT["TasksSubmitted"], Kind.WORKTEAM, dv, v(submitted))
            emit(batch, GT["TasksDeclined"], Kind.WORKTEAM, dv, v(declined))
            emit(batch, GT["TasksReturned"], Kind.WORKTEAM, dv, v(returned))
            if submitted:
                secs = [round(25 + 50 * shapes.uniform(key, a, 10 + i)) for i in range(min(submitted, 3))]
                mean = sum(secs) / len(secs)
                emit(batch, GT["TimeSpent"], Kind.WORKTEAM, dv,
                     ("s", float(submitted), round(mean * submitted, 1), float(min(secs)), float(max(secs))))

    # Feature Store ----------------------------------------------------------------------------------------
    def _feature_store(self, batch: Batch, t: float) -> None:
        load = shapes.load_factor(t)
        for fg in self.fleet.feature_groups:
            if t < fg.created:
                continue
            for op, rpm in fg.rpm.items():
                dv = {"FeatureGroupName": fg.name, "OperationName": op}
                key = self.key(fg.name, op)
                n = shapes.request_count(key, t, rpm)
                if n <= 0:
                    continue
                write = op == "PutRecord"
                throttle_p = 0.0
                if fg.provisioned and write:
                    throttle_p = max(0.0, load - 0.82) * 0.25
                throttled = shapes.binomial(key, t, n, throttle_p, 1)
                emit(batch, FS["Invocations"], Kind.FEATURE_GROUP, dv, v(n))
                emit(batch, FS["Operation4XXErrors"], Kind.FEATURE_GROUP, dv,
                     flags(n, shapes.binomial(key, t, n, 0.0015, 2)))
                emit(batch, FS["Operation5XXErrors"], Kind.FEATURE_GROUP, dv,
                     flags(n, shapes.binomial(key, t, n, 0.0002, 3)))
                emit(batch, FS["ThrottledRequests"], Kind.FEATURE_GROUP, dv, flags(n, throttled))
                median_ms = {"GetRecord": 7.0, "PutRecord": 14.0, "BatchGetRecord": 22.0}.get(op, 10.0)
                emit(batch, FS["Latency"], Kind.FEATURE_GROUP, dv, self._latency(self.key(fg.name, op, "lat"), t,
                                                                                 median_ms, load))
                units = n * (10 if op == "BatchGetRecord" else 1) * (2 if write else 1)
                if fg.provisioned:
                    name = "ConsumedWriteCapacityUnits" if write else "ConsumedReadCapacityUnits"
                else:
                    name = "ConsumedWriteRequestsUnits" if write else "ConsumedReadRequestsUnits"
                emit(batch, FS[name], Kind.FEATURE_GROUP, dv, v(units))

    # Inference Recommender --------------------------------------------------------------------------------
    def _recommender(self, batch: Batch, t: float) -> None:
        for job in self.fleet.recommendation_jobs:
            cur = job.endpoint_at(t)
            if cur is None:
                continue
            endpoint, progress = cur
            dv = {"JobName": job.name, "EndpointName": endpoint}
            key = self.key(job.name, endpoint)
            users = max(1, math.ceil(job.max_users * min(1.0, progress * 1.15)))
            capacity = job.max_users * (0.45 + 0.35 * job.endpoints.index(endpoint) / max(len(job.endpoints) - 1, 1))
            saturation = max(0.0, users / capacity - 1.0)
            n = round(users * 60 / (1.1 + 1.8 * saturation))
            errors = shapes.binomial(key, t, n, min(0.4, 0.002 + 0.25 * saturation), 1)
            emit(batch, REC["NumberOfUsers"], Kind.RECOMMENDATION_JOB, dv, v(users))
            emit(batch, REC["ClientInvocations"], Kind.RECOMMENDATION_JOB, dv, v(n))
            emit(batch, REC["ClientInvocationErrors"], Kind.RECOMMENDATION_JOB, dv, v(errors))
            emit(batch, REC["ClientLatency"], Kind.RECOMMENDATION_JOB, dv,
                 self._latency(key, t, 950.0 * (1 + 1.5 * saturation), min(1.0, users / capacity), scale=1.0))


# -- publishing ----------------------------------------------------------------------------------------
@dataclass
class PublishStats:
    calls: int = 0
    datums: int = 0
    values: int = 0
    seconds: float = 0.0
    errors: int = 0
    last_error: str = ""

    def as_dict(self) -> dict:
        return {"calls": self.calls, "datums": self.datums, "values": self.values,
                "seconds": round(self.seconds, 3), "errors": self.errors}


class Publisher:
    """Puts batches with PutMetricData (at most 1000 datums a call) and records what was put."""

    def __init__(self, cloudwatch, record: PutRecord | None = None) -> None:
        self.cloudwatch = cloudwatch
        self.record = record
        self.stats = PublishStats()
        self._lock = threading.Lock()
        self._pending: dict[str, list[dict]] = {}

    def put(self, batches: Iterable[Batch], flush: bool = True) -> None:
        """Put the batches' datums; with ``flush`` False, a namespace's last partial call is
        kept for the next put (fewer, fuller calls during a backfill)."""
        pending = self._pending
        for batch in batches:
            ts, hr = batch.ts, batch.high_resolution
            for ns, rows in batch.data.items():
                out = pending.setdefault(ns, [])
                out.extend([to_datum(name, dims, ts, sample, unit, hr) for name, dims, sample, unit in rows])
                if self.record is not None:
                    self.record.add_many(ns, rows, ts)
                if len(out) >= MAX_DATUMS_PER_CALL:
                    self._flush(ns, out, final=False)
        if flush:
            self.flush()

    def flush(self) -> None:
        for ns, out in self._pending.items():
            self._flush(ns, out, final=True)

    def _flush(self, ns: str, out: list[dict], final: bool) -> None:
        while len(out) >= MAX_DATUMS_PER_CALL or (final and out):
            chunk = out[:MAX_DATUMS_PER_CALL]
            del out[:MAX_DATUMS_PER_CALL]
            t = time.perf_counter()
            try:
                self.cloudwatch.put_metric_data(Namespace=ns, MetricData=chunk)
            except Exception as exc:  # noqa: BLE001 - a failed put must not stop the demo
                with self._lock:
                    self.stats.errors += 1
                    self.stats.last_error = f"{type(exc).__name__}: {exc}"
                continue
            finally:
                dt = time.perf_counter() - t
            with self._lock:
                self.stats.calls += 1
                self.stats.datums += len(chunk)
                self.stats.values += sum(len(d["Values"]) if "Values" in d else 1 for d in chunk)
                self.stats.seconds += dt
