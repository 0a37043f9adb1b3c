"""What the endpoint, inference-component and endpoint-instance screens show, as pure data.

An **endpoint screen** shows the endpoint's variants (instances, weights, traffic share,
errors, latency, utilization), the latency decomposition over time (ModelLatency and
OverheadLatency: together the time spent inside SageMaker; the network is added on the
client's side and is not published), error rates, multi-model loading and cache hits,
serverless cold starts, the inference components it hosts and the alarms set on it.

Where SageMaker publishes **enhanced metrics** for the endpoint (the ``InstanceId``,
``AcceleratorId`` and ``ContainerId`` dimensions, found with ListMetrics through the
:data:`~tui.model.detail.READ_ENHANCED` read) the endpoint drills down to its instances
(:func:`instance_table`: the same host table a distributed job uses) and an instance to its
GPUs (:func:`gpu_table`). Enhanced utilization metrics are published every 10, 30, 60, 120,
180, 240 or 300 s; :func:`publish_period` picks the period from the endpoint config when it
is known, otherwise from the spacing of the points (see :func:`infer_period`), never finer.

This module says which series and reads each screen needs (``*_request``) and turns the
series store into rows, facts and chart lines. Series keys of the overview's metrics come
from :mod:`tui.model.plan` (the same keys, so the overview's series are reused). It also
holds the small readers (:func:`grid`, :func:`window_points`, :func:`metric_row` ...) the
pipeline and other drill-down models share. Nothing here imports Textual or boto3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Iterable

from tui.model import catalog as cat
from tui.model import health
from tui.model.aggregate import combine, max_or_none, mean_or_none, sum_or_none
from tui.model.catalog import Kind, MetricDef, Unit
from tui.model.detail import READ_ENHANCED, DetailRequest, DetailResult
from tui.model.format import (MISSING, format_age, format_count, format_duration, format_per_minute, format_value,
                              percent)
from tui.model.health import FlagKind, HealthFlag, Level, median, recent_mean, sort_flags
from tui.model.hosts import HostTable, build_host_table
from tui.model.cells import (BLANK, CRIT, DIM, INFO, OK, WARN, Cell, Column, Row, age_cell, name_cell, rate_level,
                             per_device_cell, status_cell, util_level, value_cell)
from tui.model.columns import COLUMNS
from tui.model.overview import pct_of_ratio, traffic
from tui.model.readings import FRESH, Rate, latest, newest, recent_rate, span_sum
from tui.model.per_device import scale_for
from tui.model.plan import ComponentKeys, EndpointKeys, Pane, endpoint_variants, has_gpu, key_builder, metric_key
from tui.model.resources import Alarm, Endpoint, InferenceComponent, Inventory, Variant, epoch_seconds
from tui.model.series import Series, SeriesKey, SeriesStore

# ==============================================================================================
# Shared readers (the pipeline and other drill-down models use them too)
# ==============================================================================================


@dataclass(frozen=True)
class Fact:
    """One labelled fact of a resource's summary (``level``: ok / info / warn / crit / dim)."""

    label: str
    text: str
    level: str = ""


def status_fact(status: str) -> Fact:
    """A summary's "Status" line, at the level of the resource's status cell."""
    return Fact("Status", status, status_cell(status).level)


@dataclass(frozen=True)
class ChartLine:
    label: str
    values: list[float | None]


@dataclass(frozen=True)
class ChartSpec:
    """One chart: its lines on a common period grid (values in the catalog unit)."""

    title: str
    unit: Unit
    period: int
    lines: tuple[ChartLine, ...]
    lo: float | None = None
    hi: float | None = None

    @property
    def has_data(self) -> bool:
        return any(v is not None for line in self.lines for v in line.values)


def series_period(store: SeriesStore, keys: Iterable[SeriesKey], default: int = 60) -> int:
    """The period the first of ``keys`` that is in the store was fetched with."""
    for k in keys:
        s = store.get(k)
        if s is not None:
            return s.period
    return default


def grid(store: SeriesStore, key: SeriesKey, now: int, period: int, span: int | None = None
         ) -> list[float | None]:
    """Values of ``key`` on the ``period`` grid ending at ``now`` over ``span`` seconds
    (default: the store's window); ``None`` where no point exists. A series fetched at
    another period is read on its own grid and resampled onto this one (points falling in
    the same slot are averaged)."""
    span = store.window if span is None else span
    count = max(1, span // period)
    s = store.get(key)
    if s is None:
        return [None] * count
    if s.period == period:
        return s.values(now, count)
    end = now - now % period
    first = end - (count - 1) * period
    slots: dict[int, list[float]] = {}
    for t, v in s.points.items():
        if first <= t <= end + period - 1 and v == v:
            slots.setdefault(first + (t - first) // period * period, []).append(v)
    return [(sum(slots[t]) / len(slots[t])) if t in slots else None
            for t in (first + i * period for i in range(count))]


def per_minute(values: list[float | None], period: int) -> list[float | None]:
    """Counts per period as counts per minute."""
    f = 60.0 / period
    return [None if v is None else v * f for v in values]


def ratio_pct(num: list[float | None], den: list[float | None]) -> list[float | None]:
    """``100 * num / den`` point by point; ``None`` without traffic (a missing error count
    with traffic is a zero)."""
    out: list[float | None] = []
    for n, d in zip(num, den):
        out.append(None if d is None or d <= 0 else 100.0 * (n or 0.0) / d)
    return out


def window_points(store: SeriesStore, key: SeriesKey, now: int) -> list[tuple[int, float]]:
    """The points of ``key`` inside the window ending at ``now``, oldest first."""
    s = store.get(key)
    if s is None:
        return []
    lo = now - store.window
    return sorted((t, v) for t, v in s.points.items() if lo < t <= now and v == v)


def window_sum(store: SeriesStore, key: SeriesKey, now: int) -> float | None:
    return sum_or_none(v for _, v in window_points(store, key, now))


def window_max(store: SeriesStore, key: SeriesKey, now: int) -> float | None:
    return max_or_none(v for _, v in window_points(store, key, now))


def window_mean(store: SeriesStore, key: SeriesKey, now: int) -> float | None:
    return mean_or_none(v for _, v in window_points(store, key, now))


def recent_count(store: SeriesStore, key: SeriesKey, rate: Rate) -> float | None:
    """``key`` summed over the same span as ``rate`` (errors over the invocations' span);
    zero when the span has traffic but no error point (no point means no errors)."""
    if rate.anchor is None:
        return None
    v = span_sum(store, key, rate.anchor)
    return v if v is not None else 0.0


#: Columns of a metric table: one metric a row, its current value, a window figure, a trend.
METRIC_COLUMNS: tuple[Column, ...] = (
    Column("name", "Metric", 30, 0, False),
    Column("now", "Now", 10, 0, help="newest value (rates: per minute over the last 5 minutes)"),
    Column("window", "Over the window", 18, 1, False),
    Column("trend", "Trend", 30, 2, False, True),
)

#: Columns of a table of event counts (pipeline executions): the value column holds the
#: total over the window, not a current value.
WINDOW_METRIC_COLUMNS: tuple[Column, ...] = (
    Column("name", "Metric", 30, 0, False),
    Column("now", "In window", 10, 0, help="total over the window (a duration row: the newest in the window)"),
    Column("window", "Detail", 18, 1, False),
    Column("trend", "Trend", 30, 2, False, True),
)


def metric_row(key: str, label: str, now_value: float | None, unit: Unit, *, stat: str | None = None,
               window_text: str = "", level: str = "", spark: list[float | None] | None = None,
               now_text: str | None = None, spark_level: str = "") -> Row:
    """One row of a metric table (:data:`METRIC_COLUMNS`)."""
    now_cell = value_cell(now_value, unit, stat, level) if now_text is None else Cell(now_text, now_value, level)
    cells = {"name": name_cell(label), "now": now_cell,
             "window": Cell(window_text, window_text, DIM if window_text else "")}
    return Row(key, label, None, cells, list(spark or []), spark_level)


def max_text(value: float | None, unit: Unit = Unit.NONE) -> str:
    """A metric row's window figure ``"max 12.3 ms"``; empty without a value."""
    return "" if value is None else f"max {format_value(value, unit)}"


def total_text(total: float | None) -> str:
    """A metric row's window figure ``"1,234 in all"``; empty without a value."""
    return "" if total is None else f"{format_count(total)} in all"


def status_level(status: str | None) -> str:
    """The level of a status, also for the SCREAMING_CASE ones (``IN_PROGRESS``, ``COMPLETED``)."""
    level = status_cell(status).level
    if not level and status and status.upper() == status:
        level = status_cell("".join(p.capitalize() for p in status.lower().split("_"))).level
    return level


def alarm_level(state: str | None) -> str:
    return {"ALARM": CRIT, "INSUFFICIENT_DATA": WARN, "OK": OK}.get(state or "", "")


_COMPARISON = {"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=", "LessThanThreshold": "<",
               "LessThanOrEqualToThreshold": "<=", "LessThanLowerOrGreaterThanUpperThreshold": "outside",
               "LessThanLowerThreshold": "<", "GreaterThanUpperThreshold": ">"}

ALARM_COLUMNS: tuple[Column, ...] = (
    Column("name", "Alarm", 34, 0, False),
    Column("state", "State", 10, 0, False),
    Column("metric", "Metric", 22, 2, False),
    Column("condition", "Condition", 12, 1, False),
    Column("since", "Since", 8, 3),
    Column("reason", "Reason", 50, 4, False),
)

_ALARM_ORDER = {"ALARM": 0, "INSUFFICIENT_DATA": 1, "OK": 2}


def alarm_condition(a: Alarm) -> str:
    if a.threshold is None:
        return ""
    op = _COMPARISON.get(a.comparison or "", a.comparison or "")
    unit = Unit.NONE
    if a.metric:
        try:
            unit = cat.find(a.metric, namespace=a.namespace).unit
        except KeyError:
            pass
    value = format_value(a.threshold, unit) if unit.value in ("Microseconds", "Milliseconds", "Seconds") \
        else format_count(a.threshold)
    return f"{op} {value}".strip()


def alarm_rows(alarms: Iterable[Alarm], now: int) -> list[Row]:
    """Alarms worst state first (ALARM, INSUFFICIENT_DATA, OK), then by name."""
    rows = []
    for a in sorted(alarms, key=lambda a: (_ALARM_ORDER.get(a.state, 3), a.name)):
        updated = epoch_seconds(a.updated)
        reason = " ".join((a.reason or "").split())
        cells = {
            "name": name_cell(a.name),
            "state": Cell(a.state, _ALARM_ORDER.get(a.state, 3), alarm_level(a.state)),
            "metric": Cell(a.metric or "", a.metric or "", DIM),
            "condition": Cell(alarm_condition(a), a.threshold),
            "since": age_cell(updated, now),
            "reason": Cell(reason, reason, DIM),
        }
        rows.append(Row(f"alarm:{a.region}:{a.name}", a.name, a, cells))
    return rows


def alarms_for(inv: Inventory, region: str, **dims: str | Iterable[str]) -> list[Alarm]:
    """Alarms in ``region`` whose dimensions name any of the given values (``EndpointName="x"``,
    ``InferenceComponentName=["a", "b"]``)."""
    wanted = {k: ({v} if isinstance(v, str) else set(v)) for k, v in dims.items()}
    out = []
    for a in inv.alarms:
        if a.region and region and a.region != region:
            continue
        if any(a.dimensions.get(k) in vals for k, vals in wanted.items()):
            out.append(a)
    return out


def alarm_summary(alarms: list[Alarm]) -> Fact:
    firing = [a for a in alarms if a.state == "ALARM"]
    if not alarms:
        return Fact("Alarms", "none set", DIM)
    if firing:
        names = ", ".join(a.name for a in firing[:2]) + (f" +{len(firing) - 2}" if len(firing) > 2 else "")
        return Fact("Alarms", f"{len(firing)} of {len(alarms)} in ALARM: {names}", CRIT)
    missing = sum(1 for a in alarms if a.state == "INSUFFICIENT_DATA")
    text = f"{len(alarms)} set, none firing" + (f" ({missing} insufficient data)" if missing else "")
    return Fact("Alarms", text, OK if not missing else WARN)


# ==============================================================================================
# Endpoint
# ==============================================================================================

#: Seconds of history the instance and GPU charts show.
HOST_CHART_SPAN = 1800
#: Periods of recent values kept per cell of the instance and GPU grids.
HOST_POINTS = 30


class VariantDetailKeys:
    """Every series the endpoint screen shows for one variant, by role.

    The overview's keys (:class:`~tui.model.plan.EndpointKeys`) plus the detail-only ones.
    """

    def __init__(self, ep: Endpoint, variant: str) -> None:
        self.name = variant
        self.base = b = EndpointKeys(ep, variant)
        r, e = ep.region, Kind.ENDPOINT
        d = {"EndpointName": ep.name, "VariantName": variant}
        v = next((x for x in ep.variants if x.name == variant), None)
        self.variant = v
        self.serverless = bool(v and v.serverless) or (v is None and ep.serverless)
        self.gpu = not self.serverless and has_gpu(v.instance_type if v else None)
        self.multi_model = ep.multi_model
        self.reserved = ep.component_based and not self.serverless

        inv = key_builder(e, r, d, namespace=cat.NS_SAGEMAKER)
        inst = key_builder(e, r, d, group=cat.G_INSTANCE)
        mme = key_builder(e, r, d, group=cat.G_MME_LOADING)
        self.invocations, self.errors_4xx, self.errors_5xx = b.invocations, b.errors_4xx, b.errors_5xx
        self.model_errors = inv("InvocationModelErrors", cat.SUM)
        self.latency_avg, self.latency_p50, self.latency_p99 = b.latency_avg, b.latency_p50, b.latency_p99
        self.overhead = b.overhead
        self.concurrency = inv("ConcurrentRequestsPerModel", cat.MAX)
        self.cpu, self.gpu_util, self.memory = b.cpu, b.gpu, b.memory
        self.disk = inst("DiskUtilization", cat.AVG)
        self.gpu_memory = inst("GPUMemoryUtilization", cat.AVG)
        self.cpu_reserved = inst("CPUReservation", cat.AVG)
        self.gpu_reserved = inst("GPUReservation", cat.AVG)
        self.memory_reserved = inst("MemoryReservation", cat.AVG)
        # instance-level utilization normalized to 0-100 % (published for inference-component endpoints)
        self.cpu_normalized = inst("CPUUtilizationNormalized", cat.AVG)
        self.gpu_normalized = inst("GPUUtilizationNormalized", cat.AVG)
        self.gpu_memory_normalized = inst("GPUMemoryUtilizationNormalized", cat.AVG)
        # invocations per instance (a variant's own traffic: none where components carry it)
        self.per_instance = inv("InvocationsPerInstance", cat.SUM) if not ep.component_based else None
        self.cache_hit = b.cache_hit
        self.loaded_models = b.loaded_models
        self.loading_wait = mme("ModelLoadingWaitTime", cat.AVG)
        self.loading_wait_max = mme("ModelLoadingWaitTime", cat.MAX)
        self.downloading = mme("ModelDownloadingTime", cat.AVG)
        self.loading = mme("ModelLoadingTime", cat.AVG)
        self.loads = mme("ModelLoadingTime", cat.COUNT)
        self.unloading = mme("ModelUnloadingTime", cat.AVG)
        self.setup_avg = b.setup_time
        self.setup_max = inv("ModelSetupTime", cat.MAX)
        self.cold_starts = inv("ModelSetupTime", cat.COUNT)

    def traffic(self) -> list[SeriesKey]:
        return [self.invocations, self.errors_4xx, self.errors_5xx, self.model_errors, self.latency_avg,
                self.latency_p50, self.latency_p99, self.overhead, self.concurrency] \
            + ([self.per_instance] if self.per_instance is not None else [])

    def utilization(self) -> list[SeriesKey]:
        if self.serverless:
            return [self.memory]
        keys = [self.cpu, self.memory, self.disk]
        if self.gpu:
            keys += [self.gpu_util, self.gpu_memory]
        if self.reserved:
            keys += [self.cpu_reserved, self.memory_reserved] + ([self.gpu_reserved] if self.gpu else [])
            keys += [self.cpu_normalized] + ([self.gpu_normalized, self.gpu_memory_normalized] if self.gpu else [])
        return keys

    def reservation_lines(self) -> list[tuple[str, SeriesKey]]:
        """(label, key) of the reservation and normalized-utilization series this variant has
        (inference-component endpoints only; GPU ones only with GPUs)."""
        if not self.reserved:
            return []
        out = [("CPU reserved", self.cpu_reserved)] + ([("GPU reserved", self.gpu_reserved)] if self.gpu else [])
        out += [("memory reserved", self.memory_reserved), ("CPU used (norm.)", self.cpu_normalized)]
        if self.gpu:
            out += [("GPU used (norm.)", self.gpu_normalized), ("GPU memory (norm.)", self.gpu_memory_normalized)]
        return out

    def mme(self) -> list[SeriesKey]:
        if not self.multi_model:
            return []
        return [self.cache_hit, self.loaded_models, self.loading_wait, self.loading_wait_max, self.downloading,
                self.loading, self.loads, self.unloading]

    def serverless_keys(self) -> list[SeriesKey]:
        return [self.setup_avg, self.setup_max, self.cold_starts] if self.serverless else []

    def all(self) -> list[SeriesKey]:
        return self.traffic() + self.utilization() + self.mme() + self.serverless_keys()


class ComponentDetailKeys:
    """Every series the component screen shows: the overview's plus errors, percentiles,
    overhead and GPU memory."""

    def __init__(self, ic: InferenceComponent) -> None:
        self.base = b = ComponentKeys(ic)
        k, r = Kind.INFERENCE_COMPONENT, ic.region
        d = {"InferenceComponentName": ic.name}

        inv = key_builder(k, r, d, namespace=cat.NS_SAGEMAKER)
        self.invocations, self.per_copy, self.concurrency = b.invocations, b.per_copy, b.concurrency
        self.latency_avg, self.errors_5xx = b.latency_avg, b.errors_5xx
        self.latency_p50 = inv("ModelLatency", cat.P50)
        self.latency_p99 = inv("ModelLatency", cat.P99)
        self.overhead = inv("OverheadLatency", cat.AVG)
        self.errors_4xx = inv("Invocation4XXErrors", cat.SUM)
        self.model_errors = inv("InvocationModelErrors", cat.SUM)
        self.cpu, self.gpu, self.memory = b.cpu, b.gpu, b.memory
        self.gpu_memory = metric_key("GPUMemoryUtilizationNormalized", k, cat.AVG, r, d, group=cat.G_COMPONENT)

    def all(self) -> list[SeriesKey]:
        return [self.invocations, self.per_copy, self.concurrency, self.latency_avg, self.latency_p50,
                self.latency_p99, self.overhead, self.errors_4xx, self.errors_5xx, self.model_errors,
                self.cpu, self.gpu, self.gpu_memory, self.memory]


def components_of(ep: Endpoint, inv: Inventory) -> list[InferenceComponent]:
    return [c for c in inv.components if c.endpoint_name == ep.name and (not c.region or c.region == ep.region)]


def endpoint_keys(ep: Endpoint, components: Iterable[InferenceComponent] = ()) -> list[SeriesKey]:
    """Exactly the series the endpoint screen shows (variants, then its components)."""
    keys: list[SeriesKey] = []
    for v in endpoint_variants(ep):
        keys += VariantDetailKeys(ep, v).all()
    for ic in components:
        ck = ComponentKeys(ic)
        keys += ck.all() + ck.endpoint_traffic()  # the variant table and charts of its endpoint
    return list(dict.fromkeys(keys))


def endpoint_request(ep: Endpoint, inv: Inventory) -> DetailRequest:
    """The endpoint screen's series and its enhanced-metric dimension read."""
    return DetailRequest(owner=f"endpoint:{ep.key}", keys=tuple(endpoint_keys(ep, components_of(ep, inv))),
                         reads=((READ_ENHANCED, ep.region, ep.name),))


def component_request(ic: InferenceComponent) -> DetailRequest:
    return DetailRequest(owner=f"component:{ic.key}", keys=tuple(ComponentDetailKeys(ic).all()))


# -- endpoint facts ---------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return format_value(value, Unit.MICROSECONDS)


@dataclass(frozen=True)
class LatencyBreakdown:
    """The newest average latencies inside SageMaker (microseconds)."""

    model: float | None
    overhead: float | None

    @property
    def total(self) -> float | None:
        if self.model is None and self.overhead is None:
            return None
        return (self.model or 0.0) + (self.overhead or 0.0)

    @property
    def overhead_share(self) -> float | None:
        return percent(self.overhead, self.total) if self.overhead is not None else None

    def text(self) -> str:
        if self.total is None:
            return MISSING
        share = self.overhead_share
        out = f"model {_ms(self.model)} + overhead {_ms(self.overhead)} = {_ms(self.total)} in SageMaker"
        if share is not None:
            out += f" (overhead {share:.0f}%)"
        return out + ", plus the network on the client side"

    def fact(self, p99: float | None, without: str = MISSING) -> Fact:
        """A summary's Latency line: the newest p99, then this breakdown (``without`` when
        there is none)."""
        text = self.text() if self.total is not None else without
        if p99 is not None:
            text = f"p99 {_ms(p99)};  " + text
        return Fact("Latency", text, health.latency_level(p99).value if p99 is not None else "")


def _weighted_latest(store: SeriesStore, keys: list[tuple[SeriesKey, float]], now: int) -> float | None:
    """Mean of the newest values weighted by traffic (each key with its weight)."""
    num = den = 0.0
    for k, w in keys:
        v = latest(store, k, now)
        if v is None:
            continue
        w = w if w > 0 else 1.0
        num += v * w
        den += w
    return num / den if den else None


def latency_breakdown(vks: list[VariantDetailKeys], store: SeriesStore, now: int,
                      rates: dict[str, Rate] | None = None) -> LatencyBreakdown:
    """Newest ModelLatency and OverheadLatency averages, across variants weighted by traffic."""
    rates = rates or {vk.name: recent_rate(store, vk.invocations, now) for vk in vks}
    w = {vk.name: rates[vk.name].total or 0.0 for vk in vks}
    return LatencyBreakdown(_weighted_latest(store, [(vk.latency_avg, w[vk.name]) for vk in vks], now),
                            _weighted_latest(store, [(vk.overhead, w[vk.name]) for vk in vks], now))


def endpoint_mode(ep: Endpoint) -> str:
    parts = ["serverless" if ep.serverless else "multi-model" if ep.multi_model
             else "inference components" if ep.component_based else "real-time"]
    if ep.enhanced_metrics:
        parts.append("enhanced metrics")
    return ", ".join(parts)


def endpoint_facts(ep: Endpoint, inv: Inventory, store: SeriesStore, now: int) -> list[Fact]:
    """The summary above the variants: status, mode, traffic, errors, latency, alarms."""
    vks = [VariantDetailKeys(ep, v) for v in endpoint_variants(ep)]
    rates = {vk.name: recent_rate(store, vk.invocations, now) for vk in vks}
    total = sum_or_none([r.total for r in rates.values()])
    per_min = sum_or_none([r.per_minute for r in rates.values()])
    e5 = sum_or_none([recent_count(store, vk.errors_5xx, rates[vk.name]) for vk in vks])
    e4 = sum_or_none([recent_count(store, vk.errors_4xx, rates[vk.name]) for vk in vks])
    r5, r4 = health.error_rate(e5, total), health.error_rate(e4, total)
    facts = [status_fact(ep.status), Fact("Mode", endpoint_mode(ep), DIM)]
    if ep.failure_reason:
        facts.append(Fact("Failure", " ".join(ep.failure_reason.split()), CRIT))
    if not ep.serverless:
        desired = sum(v.desired_instance_count or 0 for v in ep.variants)
        scaling = bool(desired) and desired != ep.instance_count
        text = f"{ep.instance_count:,}" + (f" → {desired:,} desired" if scaling else "")
        facts.append(Fact("Instances", text, WARN if desired and desired != ep.instance_count else ""))
    comps = components_of(ep, inv)
    if per_min is None and comps:  # traffic of an inference-component endpoint is its components'
        c_rates = [(ComponentKeys(c), recent_rate(store, ComponentKeys(c).invocations, now)) for c in comps]
        total = sum_or_none(r.total for _, r in c_rates)
        per_min = sum_or_none(r.per_minute for _, r in c_rates)
        e5 = sum_or_none(recent_count(store, k.errors_5xx, r) for k, r in c_rates)
        r5, r4 = health.error_rate(e5, total), None
    traffic = "no traffic in the last 15 minutes" if per_min is None else format_per_minute(per_min)
    if per_min is not None:
        traffic += f"   5XX {format_value(r5, Unit.PERCENT)}"
        traffic += f"   4XX {format_value(r4, Unit.PERCENT)}" if r4 is not None or not comps \
            else f"   across {len(comps)} components"
    facts.append(Fact("Traffic", traffic, health.error_level(r5).value if r5 else (DIM if per_min is None else "")))
    lb = latency_breakdown(vks, store, now, rates)
    p99 = max_or_none([latest(store, vk.latency_p99, now) for vk in vks])
    facts.append(lb.fact(p99, "per component: see the components below" if comps else MISSING))
    facts += reservation_facts(vks, store, now)
    facts.append(alarm_summary(alarms_for(inv, ep.region, EndpointName=ep.name,
                                          InferenceComponentName=[c.name for c in comps])))
    created = epoch_seconds(ep.creation_time)
    modified = epoch_seconds(ep.last_modified)
    when = f"created {format_age(created, now)} ago" if created else ""
    if modified and (created is None or modified - created > 60):
        when += f", updated {format_age(modified, now)} ago"
    facts.append(Fact("Config", f"{ep.config_name or MISSING}" + (f"   ({when})" if when else ""), DIM))
    return facts


def reservation_facts(vks: list[VariantDetailKeys], store: SeriesStore, now: int) -> list[Fact]:
    """An inference-component endpoint's "Reserved" line: the share of the instances its
    components reserve (CPU / GPU / MemoryReservation) and what the instances use, normalized
    to 0-100 % (CPU / GPU / GPUMemoryUtilizationNormalized), newest Average of each; one line
    per variant where several."""
    out = []
    shown = [vk for vk in vks if vk.reserved]
    for vk in shown:
        pre = f"{vk.name}: " if len(shown) > 1 else ""
        lines = vk.reservation_lines()
        res = [(lb.removesuffix(" reserved"), latest(store, k, now)) for lb, k in lines if lb.endswith(" reserved")]
        use = [(lb.removesuffix(" (norm.)").removesuffix(" used"), latest(store, k, now)) for lb, k in lines
               if lb.endswith("(norm.)")]

        def part(values: list[tuple[str, float | None]]) -> str:
            return "  ".join(f"{name} {format_value(v, Unit.PERCENT)}" for name, v in values)

        if all(v is None for _, v in res + use):
            text = f"{pre}not published for this endpoint in the window (CPU / GPU / MemoryReservation and the " \
                   f"*UtilizationNormalized instance metrics)"
            out.append(Fact("Reserved", text, DIM))
            continue
        text = f"{pre}{part(res)};  used (normalized): {part(use)}   (Average, newest)"
        top = max_or_none(v for _, v in res)
        out.append(Fact("Reserved", text, WARN if top is not None and top >= 95 else ""))
    return out


# -- variants ----------------------------------------------------------------------------------

C = Column
VARIANT_COLUMNS: tuple[Column, ...] = (
    C("name", "Variant", 20, 0, False),
    C("type", "Instance", 18, 3, False, help="instance type (serverless: memory / max concurrency)"),
    C("instances", "Inst", 5, 1, help="current instances (→ desired while scaling)"),
    C("weight", "Weight", 8, 2, help="share of traffic by weight (→ desired while it changes)"),
    C("traffic", "Traffic", 7, 2, help="share of the invocations over the last 5 minutes"),
    C("inv", "Inv/min", 8, 0, help="invocations per minute over the last 5 minutes"),
    C("e4xx_rate", "4XX%", 6, 3, help="4XX errors / invocations, last 5 minutes"),
    C("e5xx_rate", "5XX%", 6, 0, help="5XX errors / invocations, last 5 minutes"),
    C("model_errors", "ModelErr", 8, 4, help="InvocationModelErrors in the last 5 minutes"),
    C("p50", "p50", 8, 3, help="ModelLatency p50, newest minute"),
    C("p99", "p99", 8, 1, help="ModelLatency p99, newest minute"),
    C("overhead", "Ovhd", 8, 2, help="OverheadLatency average, newest minute"),
    C("concurrency", "Conc", 5, 5, help="ConcurrentRequestsPerModel maximum, newest minute"),
    C("per_instance", "Inv/inst", 8, 4, help="InvocationsPerInstance (Sum) per minute, last 5 minutes"),
    C("cpu", "CPU", 9, 2, help="CPUUtilization average over instances, per vCPU (0-100 %: CloudWatch's sum ÷ "
                                 "the instance type's vCPUs, 'Σ': the sum where the type is unknown)"),
    C("gpu", "GPU", 9, 2, help="GPUUtilization average over instances, per GPU (0-100 %: CloudWatch's sum ÷ "
                                 "the instance type's GPUs, 'Σ': the sum where the type is unknown)"),
    C("gpu_mem", "GPU mem", 9, 4, help="GPUMemoryUtilization average over instances, per GPU (0-100 %: "
                                         "CloudWatch's sum ÷ the instance type's GPUs, 'Σ': the sum where unknown)"),
    C("mem", "Mem", 6, 3, help="MemoryUtilization average over instances"),
    C("disk", "Disk", 6, 5, help="DiskUtilization average over instances"),
    C("trend", "Invocations", 20, 4, False, True, help="invocations per minute over the window"),
)


def _weights(ep: Endpoint) -> dict[str, tuple[float | None, float | None]]:
    cur = {v.name: v.current_weight for v in ep.variants}
    des = {v.name: v.desired_weight for v in ep.variants}
    tc = sum(w for w in cur.values() if w) or None
    td = sum(w for w in des.values() if w) or None
    return {v.name: (percent(cur[v.name], tc) if cur[v.name] is not None else None,
                     percent(des[v.name], td) if des[v.name] is not None else None) for v in ep.variants}


def _count_change(current: int | None, desired: int | None) -> tuple[str, str]:
    if current is None and desired is None:
        return MISSING, ""
    if current is None:
        return f"→{desired}", INFO
    if desired is not None and desired != current:
        return f"{current}→{desired}", WARN
    return f"{current}", ""


def variant_type(v: Variant | None) -> str:
    if v is None:
        return ""
    if v.serverless:
        mem = f"{v.serverless_memory_mb / 1024:g} GB" if v.serverless_memory_mb else "?"
        return f"serverless {mem}/{v.serverless_max_concurrency or '?'}"
    return (v.instance_type or "").removeprefix("ml.")


def _hosted(vk: "VariantDetailKeys", components: Iterable[InferenceComponent]) -> list[ComponentKeys]:
    """Keys of the inference components a variant hosts (their traffic is published per
    component, not per variant)."""
    return [ComponentKeys(c) for c in components if c.variant_name in (None, "", vk.name)]


def variant_rows(ep: Endpoint, store: SeriesStore, now: int, inv: Inventory | None = None) -> list[Row]:
    """One row per variant (the model of the variants table, :data:`VARIANT_COLUMNS`).

    With the inventory: a variant that hosts inference components publishes no invocation
    metrics of its own, so its traffic, errors and latencies are its components' (summed; the
    worst latency); CPU and GPU are per vCPU / per GPU where the instance type is known.
    """
    components = components_of(ep, inv) if inv is not None else []
    vks = [VariantDetailKeys(ep, v) for v in endpoint_variants(ep)]
    rates = {vk.name: recent_rate(store, vk.invocations, now) for vk in vks}
    hosted = {vk.name: _hosted(vk, components) for vk in vks} if ep.component_based else {}
    via = {name: traffic(store, cks, now) for name, cks in hosted.items()
           if cks and rates[name].total is None}
    all_total = sum_or_none([r.total for name, r in rates.items() if name not in via]
                            + [t.total for t in via.values()])
    weights = _weights(ep)
    us = Unit.MICROSECONDS
    rows = []
    for vk in vks:
        rate = rates[vk.name]
        e4, e5 = recent_count(store, vk.errors_4xx, rate), recent_count(store, vk.errors_5xx, rate)
        merr = recent_count(store, vk.model_errors, rate)
        comp = via.get(vk.name)
        if comp is not None:  # from the components it hosts
            minutes = comp.total / comp.per_minute if comp.total and comp.per_minute else rate.minutes
            rate = Rate(comp.total, minutes)
            e4, e5 = comp.errors_4xx, comp.errors_5xx
        r4, r5 = health.error_rate(e4, rate.total), health.error_rate(e5, rate.total)
        v = vk.variant
        inst_text, inst_level = _count_change(v.current_instance_count, v.desired_instance_count) if v \
            else (MISSING, "")
        cur_w, des_w = weights.get(vk.name, (None, None))
        if cur_w is None and des_w is None:
            w_text, w_level = MISSING, ""
        elif cur_w is None or (des_w is not None and abs(des_w - cur_w) > 0.05):
            w_text = f"{_pct0(cur_w)}→{_pct0(des_w)}"
            w_level = WARN
        else:
            w_text, w_level = _pct0(cur_w), ""
        share = percent(rate.total, all_total) if rate.total is not None else None

        def lat(attr: str) -> float | None:
            value = latest(store, getattr(vk, attr), now)
            if value is None and comp is not None:
                value = max_or_none(latest(store, getattr(ck, attr), now) for ck in hosted[vk.name])
            return value

        p99 = lat("latency_p99")
        util = {}
        for col, key, applies in (("cpu", vk.cpu, not vk.serverless), ("gpu", vk.gpu_util, vk.gpu),
                                  ("gpu_mem", vk.gpu_memory, vk.gpu), ("mem", vk.memory, True),
                                  ("disk", vk.disk, not vk.serverless)):
            if not applies:
                util[col] = BLANK
                continue
            metric = {"cpu": "CPUUtilization", "gpu": "GPUUtilization", "gpu_mem": "GPUMemoryUtilization",
                      "mem": "MemoryUtilization", "disk": "DiskUtilization"}[col]
            sc = scale_for(metric, inv.facts(v.instance_type) if inv is not None and v is not None else None)
            val = sc.apply(latest(store, key, now))
            util[col] = per_device_cell(val, sc.suffix, util_level(metric, val))
        cells = {
            "name": name_cell(vk.name),
            "type": Cell(variant_type(v), variant_type(v), DIM),
            "instances": Cell(inst_text, v.current_instance_count if v else None, inst_level)
            if not vk.serverless else BLANK,
            "weight": Cell(w_text, cur_w, w_level),
            "traffic": value_cell(share, Unit.PERCENT),
            "inv": value_cell(None if rate.per_minute is None else round(rate.per_minute, 1)),
            "e4xx_rate": value_cell(r4, Unit.PERCENT, level=WARN if r4 and r4 >= health.ERROR_RATE_CRIT_PCT else ""),
            "e5xx_rate": value_cell(r5, Unit.PERCENT, level=rate_level(r5)),
            "model_errors": value_cell(merr, Unit.COUNT, "Sum", CRIT if merr else ""),
            "p50": value_cell(lat("latency_p50"), us, "p50"),
            "p99": value_cell(p99, us, "p99", level=health.latency_level(p99).value if p99 is not None else ""),
            "overhead": value_cell(lat("overhead"), us, "Average"),
            "concurrency": value_cell(latest(store, vk.concurrency, now)),
            "per_instance": BLANK if vk.per_instance is None else
            value_cell(_round1(recent_rate(store, vk.per_instance, now).per_minute)),
            **util,
        }
        sources = [ck.invocations for ck in hosted[vk.name]] if comp is not None else [vk.invocations]
        period = series_period(store, sources)
        spark = per_minute(combine([grid(store, k, now, period) for k in sources], sum), period)
        level = health.error_level(r5).value if r5 else ""
        rows.append(Row(f"variant:{vk.name}", vk.name, v, cells, spark, level if level != "ok" else ""))
    return rows


def _round1(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _pct0(v: float | None) -> str:
    return MISSING if v is None else f"{v:.0f}%"


# -- endpoint charts ------------------------------------------------------------------------------

def _short(name: str, n: int = 14) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def endpoint_charts(ep: Endpoint, store: SeriesStore, now: int, inv: Inventory | None = None) -> list[ChartSpec]:
    """Traffic per variant, error rates, the latency decomposition and utilization, over the window.

    With the inventory: an endpoint hosting inference components draws its traffic, errors and
    latency from its components (per component; it publishes none per variant), and CPU / GPU
    utilization are per vCPU / per GPU (0-100 %, like memory) where the instance type is known.
    """
    vks = [VariantDetailKeys(ep, v) for v in endpoint_variants(ep)]
    comps = components_of(ep, inv) if inv is not None and ep.component_based else []
    if comps and not any(store.get(vk.invocations) is not None and store.get(vk.invocations).points for vk in vks):
        return _component_charts(comps, store, now) + [_utilization_chart(ep, vks, store, now, inv)]
    period = series_period(store, [vk.invocations for vk in vks])
    multi = len(vks) > 1

    def g(key: SeriesKey) -> list[float | None]:
        return grid(store, key, now, period)

    def tag(base: str, vk: VariantDetailKeys) -> str:
        return f"{base} {_short(vk.name)}" if multi else base

    calls = {vk.name: g(vk.invocations) for vk in vks}
    per_variant = [ChartLine(_short(vk.name, 24) if multi else "invocations", per_minute(calls[vk.name], period))
                   for vk in vks]
    total_inv = combine(calls.values(), sum)
    e5 = combine([g(vk.errors_5xx) for vk in vks], sum)
    e4 = combine([g(vk.errors_4xx) for vk in vks], sum)
    errors = [ChartLine("5XX %", ratio_pct(e5, total_inv)), ChartLine("4XX %", ratio_pct(e4, total_inv))]
    if multi:
        errors = [ChartLine(tag("5XX %", vk), ratio_pct(g(vk.errors_5xx), calls[vk.name])) for vk in vks[:4]] \
            + [ChartLine("4XX % all", ratio_pct(e4, total_inv))]
    latency: list[ChartLine] = []
    for vk in vks[:3]:
        model, overhead = g(vk.latency_avg), g(vk.overhead)
        latency.append(ChartLine(tag("model", vk), model))
        latency.append(ChartLine(tag("overhead", vk), overhead))
        if not multi:
            latency.append(ChartLine("model + overhead", [None if m is None and o is None else (m or 0) + (o or 0)
                                                          for m, o in zip(model, overhead)]))
    title_lat = "Latency: model + overhead (average)"
    charts = [
        ChartSpec("Invocations per minute" + (" by variant" if multi else ""), Unit.NONE, period, tuple(per_variant),
                  lo=0),
        ChartSpec("Error rate", Unit.PERCENT, period, tuple(errors), lo=0, hi=1.0),
        ChartSpec(title_lat, Unit.MICROSECONDS, period, tuple(latency), lo=0),
        _utilization_chart(ep, vks, store, now, inv, period),
    ]
    return charts


def _utilization_chart(ep: Endpoint, vks: list["VariantDetailKeys"], store: SeriesStore, now: int,
                       inv: Inventory | None, period: int | None = None) -> ChartSpec:
    """CPU, GPU and memory of the first variants' instances on one 0-100 % axis: CPU per vCPU
    and GPU per GPU where the instance type is known (``CPU ×8``), CloudWatch's sums (``CPU Σ``)
    where it is not."""
    multi = len(vks) > 1
    period = period or series_period(store, [vk.cpu for vk in vks])
    util: list[ChartLine] = []
    for vk in vks[:3]:
        facts = inv.facts(vk.variant.instance_type) if inv is not None and vk.variant is not None else None
        name = f" {_short(vk.name)}" if multi else ""
        if not vk.serverless:
            sc = scale_for("CPUUtilization", facts)
            util.append(ChartLine(f"CPU{sc.suffix}{name}", [sc.apply(v) for v in grid(store, vk.cpu, now, period)]))
        if vk.gpu:
            sc = scale_for("GPUUtilization", facts)
            util.append(ChartLine(f"GPU{sc.suffix}{name}",
                                  [sc.apply(v) for v in grid(store, vk.gpu_util, now, period)]))
        util.append(ChartLine(f"memory{name}", grid(store, vk.memory, now, period)))
    reserved = [vk for vk in vks if vk.reserved]
    drawn = False
    if len(reserved) == 1 and not multi:  # what the inference components reserve, beside what is used
        for label, key in reserved[0].reservation_lines():
            values = grid(store, key, now, period)
            if label.endswith(" reserved") and any(v is not None for v in values):  # published ones only
                util.append(ChartLine(label, values))
                drawn = True
    title = "Instance utilization" + (" and reservations (Average)" if drawn else "")
    return ChartSpec(title + (" by variant" if multi else ""), Unit.PERCENT, period, tuple(util[:6]), lo=0)


def _component_charts(comps: list[InferenceComponent], store: SeriesStore, now: int) -> list[ChartSpec]:
    """Invocations, error rates and latency of an endpoint that hosts inference components,
    from the components' own series (the endpoint publishes none per variant)."""
    cks = [ComponentKeys(c) for c in comps]
    period = series_period(store, [ck.invocations for ck in cks])

    def g(key: SeriesKey) -> list[float | None]:
        return grid(store, key, now, period)

    calls = [g(ck.invocations) for ck in cks]
    per_component = [ChartLine(_short(c.name, 24), per_minute(v, period)) for c, v in zip(comps[:6], calls)]
    total = combine(calls, sum)
    errors = [ChartLine("5XX %", ratio_pct(combine([g(ck.errors_5xx) for ck in cks], sum), total)),
              ChartLine("4XX %", ratio_pct(combine([g(ck.errors_4xx) for ck in cks], sum), total))]
    latency = [ChartLine(_short(c.name, 20), g(ck.latency_avg)) for c, ck in zip(comps[:4], cks)]
    return [
        ChartSpec("Invocations per minute by inference component", Unit.NONE, period, tuple(per_component), lo=0),
        ChartSpec("Error rate (all its components)", Unit.PERCENT, period, tuple(errors), lo=0, hi=1.0),
        ChartSpec("Model latency by inference component (average)", Unit.MICROSECONDS, period, tuple(latency), lo=0),
    ]


# -- multi-model and serverless -------------------------------------------------------------------

def mme_rows(ep: Endpoint, store: SeriesStore, now: int) -> list[Row]:
    """Multi-model loading: cache hit ratio, loaded models, wait/download/load/unload times."""
    if not ep.multi_model:
        return []
    rows = []
    vks = [VariantDetailKeys(ep, v) for v in endpoint_variants(ep)]
    us = Unit.MICROSECONDS
    for vk in vks:
        pre = f"{vk.name}: " if len(vks) > 1 else ""
        period = series_period(store, [vk.cache_hit])
        hit = latest(store, vk.cache_hit, now)
        hit_pct = pct_of_ratio(hit)
        mean_hit = window_mean(store, vk.cache_hit, now)
        hit_level = "" if hit_pct is None else (CRIT if hit_pct < 50 else WARN if hit_pct < 80 else OK)
        rows.append(metric_row(f"mme:{vk.name}:cache", pre + "Cache hit ratio", hit_pct, Unit.PERCENT,
                               level=hit_level,
                               window_text="" if mean_hit is None else f"mean {mean_hit * 100:.1f}%",
                               spark=[pct_of_ratio(v) for v in grid(store, vk.cache_hit, now, period)]))
        loaded = latest(store, vk.loaded_models, now)
        rows.append(metric_row(f"mme:{vk.name}:loaded", pre + "Loaded models per instance", loaded, Unit.NONE,
                               window_text=max_text(window_max(store, vk.loaded_models, now)),
                               spark=grid(store, vk.loaded_models, now, period)))
        loads = window_sum(store, vk.loads, now)
        rows.append(metric_row(f"mme:{vk.name}:loads", pre + "Model loads (cache misses)",
                               recent_rate(store, vk.loads, now).per_minute, Unit.NONE,
                               now_text=format_per_minute(recent_rate(store, vk.loads, now).per_minute),
                               window_text=total_text(loads),
                               spark=grid(store, vk.loads, now, period)))
        for key, label, wmax in ((vk.loading_wait, "Request wait for a model load", vk.loading_wait_max),
                                 (vk.downloading, "Model download from S3", None),
                                 (vk.loading, "Model load into the container", None),
                                 (vk.unloading, "Model unload", None)):
            top = window_max(store, wmax, now) if wmax is not None else window_max(store, key, now)
            rows.append(metric_row(f"mme:{vk.name}:{key.metric}", pre + label, latest(store, key, now), us,
                                   stat="Average", window_text=max_text(top, us),
                                   spark=grid(store, key, now, period)))
    return rows


def serverless_rows(ep: Endpoint, store: SeriesStore, now: int) -> list[Row]:
    """Serverless: cold starts and their setup time, memory, concurrency against the maximum."""
    rows = []
    vks = [vk for vk in (VariantDetailKeys(ep, v) for v in endpoint_variants(ep)) if vk.serverless]
    us = Unit.MICROSECONDS
    for vk in vks:
        pre = f"{vk.name}: " if len(vks) > 1 else ""
        period = series_period(store, [vk.invocations])
        colds = window_sum(store, vk.cold_starts, now)
        last = newest(store, vk.cold_starts, now, fresh=None)
        text = "none" if colds is None else f"{format_count(colds)} in all"
        if last is not None:
            text += f", last {format_age(last[0], now)} ago"
        # "Now" is the recent rate, like every count of the table; the window's total is beside it
        recent = recent_rate(store, vk.cold_starts, now).per_minute
        if recent is None and store.get(vk.cold_starts) is not None:
            recent = 0.0  # fetched, no point lately: no cold start lately
        rows.append(metric_row(f"sls:{vk.name}:cold", pre + "Cold starts (ModelSetupTime)", recent, Unit.NONE,
                               now_text=format_per_minute(recent) if recent is not None else MISSING,
                               window_text=text, spark=grid(store, vk.cold_starts, now, period)))
        rows.append(metric_row(f"sls:{vk.name}:setup", pre + "Setup time per cold start",
                               latest(store, vk.setup_avg, now, fresh=None), us, stat="Average",
                               window_text=max_text(window_max(store, vk.setup_max, now), us),
                               spark=grid(store, vk.setup_avg, now, period)))
        conc = latest(store, vk.concurrency, now)
        cap = vk.variant.serverless_max_concurrency if vk.variant else None
        use = percent(conc, cap) if cap else None
        level = "" if use is None else (CRIT if use >= 100 else WARN if use >= 80 else "")
        rows.append(metric_row(f"sls:{vk.name}:conc", pre + "Concurrent requests", conc, Unit.NONE, level=level,
                               window_text=(f"of {cap} max" + (f" ({use:.0f}%)" if use is not None else ""))
                               if cap else "", spark=grid(store, vk.concurrency, now, period)))
        mem = latest(store, vk.memory, now)
        size = vk.variant.serverless_memory_mb if vk.variant else None
        rows.append(metric_row(f"sls:{vk.name}:mem", pre + "Memory", mem, Unit.PERCENT,
                               level=util_level("MemoryUtilization", mem),
                               window_text=f"of {size:,} MB" if size else "",
                               spark=grid(store, vk.memory, now, period)))
    return rows


# -- components and alarms ---------------------------------------------------------------------

#: The components table of an endpoint: the components pane's columns without the endpoint.
COMPONENT_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS[Pane.COMPONENTS] if c.key != "endpoint")


def endpoint_alarms(ep: Endpoint, inv: Inventory) -> list[Alarm]:
    return alarms_for(inv, ep.region, EndpointName=ep.name,
                      InferenceComponentName=[c.name for c in components_of(ep, inv)])


# ==============================================================================================
# Enhanced metrics: instances and GPUs
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


def _ns(metric: str, group: str) -> str:
    return cat.find(metric, group).namespace_for(Kind.ENDPOINT)


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
                     stat, ep.region)


def gpu_key(ep: Endpoint, variant: str, instance: str, accelerator: str, metric: str) -> SeriesKey:
    """An enhanced per-GPU series (``... InstanceId``, ``AcceleratorId``)."""
    m = cat.find(metric, cat.G_INSTANCE)
    if cat.VARIANT_GPU not in m.enhanced_dimensions or metric not in GPU_METRICS:
        raise ValueError(f"{metric} has no per-GPU series")
    values = {"EndpointName": ep.name, "VariantName": variant, "InstanceId": instance, "AcceleratorId": accelerator}
    return SeriesKey(m.namespace_for(Kind.ENDPOINT), metric, tuple((n, values[n]) for n in cat.VARIANT_GPU),
                     cat.AVG, ep.region)


def _variant_has_gpu(ep: Endpoint, variant: str, info: EnhancedInfo) -> bool:
    v = next((x for x in ep.variants if x.name == variant), None)
    if any(info.accelerators.get(i) for i in info.instances.get(variant, [])):
        return True
    return v is not None and not v.serverless and has_gpu(v.instance_type) and bool(v.instance_type)


def instance_metric_names(ep: Endpoint, variant: str, info: EnhancedInfo) -> list[str]:
    """The per-instance utilization series of a variant: the sums (GPU ones where it has GPUs)
    and the normalized ones ListMetrics lists for any of its instances."""
    gpu = _variant_has_gpu(ep, variant, info)
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
                         reads=((READ_ENHANCED, ep.region, ep.name),), period=period.seconds)


def gpu_keys(ep: Endpoint, variant: str, instance: str, accelerators: Iterable[str]) -> list[SeriesKey]:
    return [gpu_key(ep, variant, instance, acc, m) for acc in accelerators for m in GPU_METRICS]


def gpus_request(ep: Endpoint, variant: str, instance: str, info: EnhancedInfo, period: PublishPeriod
                 ) -> DetailRequest:
    keys = gpu_keys(ep, variant, instance, info.accelerators.get(instance, []))
    keys += [instance_key(ep, variant, instance, m) for m in instance_metric_names(ep, variant, info)]
    return DetailRequest(owner=f"endpoint-gpus:{ep.key}:{instance}", keys=tuple(dict.fromkeys(keys)),
                         reads=((READ_ENHANCED, ep.region, ep.name),), period=period.seconds)


def rebucket(s: Series, period: int, how: str = "sum") -> Series:
    """``s`` on a coarser ``period`` grid: points summed (counts) or averaged (``"mean"``)."""
    if s.period >= period:
        return s
    slots: dict[int, list[float]] = {}
    for t, v in s.points.items():
        if v == v:
            slots.setdefault(t - t % period, []).append(v)
    out = Series(period=period, window=s.window)
    out.points = {t: (sum(vs) if how == "sum" else sum(vs) / len(vs)) for t, vs in slots.items()}
    return out


def pointwise_max(series: list[Series]) -> Series | None:
    """One series holding, at each timestamp, the largest value of ``series`` (same period)."""
    series = [s for s in series if s is not None]
    if not series:
        return None
    out = Series(period=series[0].period, window=series[0].window)
    for s in series:
        for t, v in s.points.items():
            if v == v and (t not in out.points or v > out.points[t]):
                out.points[t] = v
    return out


def hot_gpu_flags(gpu_recent: dict[str, list[float | None]], labels: dict[str, str] | None = None
                  ) -> dict[str, HealthFlag]:
    """GPUs running far hotter than the other GPUs of their instance.

    Each GPU's level is :func:`~tui.model.health.recent_mean` of its utilization (0-100 %);
    it is hot at ``HOT_GPU_PCT`` or more when it is ``HOT_GPU_MARGIN`` points or more above
    the median of the others (critical from ``HOT_GPU_CRIT_PCT``). One GPU alone is compared
    with nothing and never flagged.
    """
    labels = labels or {}
    levels = {h: m for h, v in gpu_recent.items() if (m := recent_mean(v)) is not None}
    out: dict[str, HealthFlag] = {}
    if len(levels) < 2:
        return out
    for host, level in levels.items():
        others = median(v for h, v in levels.items() if h != host)
        if others is None or level < HOT_GPU_PCT or level - others < HOT_GPU_MARGIN:
            continue
        lv = Level.CRIT if level >= HOT_GPU_CRIT_PCT else Level.WARN
        name = labels.get(host, host)
        out[host] = HealthFlag(FlagKind.LAGGING_GPU, lv,
                               f"hot {name} {level:.0f}% (others {others:.0f}%)",
                               host, "GPUUtilization")
    return out


def _synthetic(base: MetricDef, name: str, description: str) -> MetricDef:
    return replace(base, name=name, description=description, group="Endpoint instance")


INV_PER_MIN = _synthetic(cat.find("Invocations", cat.G_INVOCATION), "Inv/min",
                         "invocations in the newest minute (Invocations Sum per InstanceId)")
ERR_PER_MIN = _synthetic(cat.find("Invocation5XXErrors", cat.G_INVOCATION), "5XX/min",
                         "5XX errors in the newest minute")
LATENCY = _synthetic(cat.find("ModelLatency", cat.G_INVOCATION), "Latency", "ModelLatency average")
HOTTEST_GPU = _synthetic(cat.find("GPUUtilization", cat.G_INSTANCE), "Hottest GPU",
                         "the busiest GPU of the instance (GPUUtilization per AcceleratorId)")
_TRAFFIC_DEFS = {"Inv/min": ("Invocations", cat.SUM, "sum"), "5XX/min": ("Invocation5XXErrors", cat.SUM, "sum"),
                 "Latency": ("ModelLatency", cat.AVG, "mean")}


def anchor(store: SeriesStore, keys: Iterable[SeriesKey], now: int, fresh: int = FRESH) -> int:
    """The time a host grid ends at: the newest point of ``keys`` when it is at most ``fresh``
    seconds old (points arrive minutes late; the grid should not look empty meanwhile, and
    hosts are judged against each other), else ``now``."""
    newest_ts = max((max(s.points) for s in (store.get(k) for k in keys) if s is not None and s.points), default=None)
    if newest_ts is None or newest_ts > now or now - newest_ts > fresh:
        return now
    return newest_ts


def instance_host(ep: Endpoint, variant: str, instance: str) -> str:
    """The row id of an instance in the instances grid: its label is the part after the
    first ``/`` (the instance id, or ``variant/instance-id`` on a multi-variant endpoint)."""
    if len(endpoint_variants(ep)) > 1:
        return f"{ep.name}/{variant}/{instance}"
    return f"{variant}/{instance}"


def split_instance_host(host: str) -> tuple[str, str]:
    """(variant, instance) of an :func:`instance_host` id."""
    parts = host.split("/")
    return parts[-2], parts[-1]


def instance_table(ep: Endpoint, info: EnhancedInfo, store: SeriesStore, now: int,
                   points: int = HOST_POINTS) -> HostTable:
    """One row per instance: invocations, 5XX and latency per minute, utilization at the
    published interval, the hottest GPU; health flags (a silent instance, a full disk, a
    lagging GPU, memory, a hot GPU)."""
    gpu = any(_variant_has_gpu(ep, v, info) for v in info.instances)
    names = [m for m in GRID_METRICS if gpu or not m.startswith("GPU")]
    names += [m for m in NORMALIZED_METRICS if any(m in instance_metric_names(ep, v, info) for v in info.instances)]
    metrics = [INV_PER_MIN, ERR_PER_MIN, LATENCY] + [cat.find(m, cat.G_INSTANCE) for m in names]
    if any(info.accelerators.get(i) for _, i in info.pairs):
        metrics.append(HOTTEST_GPU)
    hosts = [instance_host(ep, v, i) for v, i in info.pairs]
    now = anchor(store, [instance_key(ep, v, i, m) for v, i in info.pairs for m in names], now)

    def series_for(host: str, m: MetricDef) -> Series | None:
        variant, inst = split_instance_host(host)
        if m.name in _TRAFFIC_DEFS:
            metric, stat, how = _TRAFFIC_DEFS[m.name]
            s = store.get(instance_key(ep, variant, inst, metric, stat))
            return None if s is None else rebucket(s, 60, how)
        if m is HOTTEST_GPU:
            return pointwise_max([store.get(gpu_key(ep, variant, inst, a, "GPUUtilization"))
                                  for a in info.accelerators.get(inst, [])])
        if m.name.startswith("GPU") and not _variant_has_gpu(ep, variant, info) \
                or m.name not in instance_metric_names(ep, variant, info):
            return None
        return store.get(instance_key(ep, variant, inst, m.name))

    table = build_host_table(hosts, metrics, series_for, now, points)
    for host in hosts:
        variant, inst = split_instance_host(host)
        row = table.row(host)
        # disk is not a column (the GPU screen shows it) but a full or filling disk is a flag
        disk = store.get(instance_key(ep, variant, inst, health.DISK_METRIC))
        if disk is not None and row is not None:
            flag = health.disk_flag(host, disk.values(now, points), disk.period)
            if flag is not None:
                row.flags = sort_flags(row.flags + [flag])
        # a hot GPU shows on its instance's row
        accs = info.accelerators.get(inst, [])
        if len(accs) < 2:
            continue
        recent = {}
        for a in accs:
            s = store.get(gpu_key(ep, variant, inst, a, "GPUUtilization"))
            recent[a] = s.values(now, points) if s is not None else []
        flags = hot_gpu_flags(recent)
        if flags and row is not None:
            for f in flags.values():
                row.flags.append(HealthFlag(f.kind, f.level, f.reason, host, HOTTEST_GPU.name))
            row.flags = sort_flags(row.flags)
    return table


def gpu_host(instance: str, accelerator: str) -> str:
    return f"{instance}/{accelerator}"


def gpu_table(ep: Endpoint, variant: str, instance: str, info: EnhancedInfo, store: SeriesStore, now: int,
              points: int = HOST_POINTS) -> HostTable:
    """One row per GPU of an instance (GPUUtilization, GPUMemoryUtilization 0-100 %) with
    the hot-GPU rule on top of the host rules."""
    accs = info.accelerators.get(instance, [])
    metrics = [cat.find(m, cat.G_INSTANCE) for m in GPU_METRICS]
    hosts = [gpu_host(instance, a) for a in accs]
    now = anchor(store, [gpu_key(ep, variant, instance, a, "GPUUtilization") for a in accs], now)

    def series_for(host: str, m: MetricDef) -> Series | None:
        return store.get(gpu_key(ep, variant, instance, host.rsplit("/", 1)[1], m.name))

    table = build_host_table(hosts, metrics, series_for, now, points)
    flags = hot_gpu_flags({r.host: r.recent.get("GPUUtilization") or [] for r in table.rows},
                          {r.host: r.label for r in table.rows})
    for host, f in flags.items():
        row = table.row(host)
        if row is not None:
            row.flags = sort_flags(row.flags + [f])
    return table


def hot_gpu(table: HostTable) -> str | None:
    """The label of the hottest flagged GPU of a :func:`gpu_table` (None when none is hot)."""
    hot = [r for r in table.rows if any(f.reason.startswith("hot ") for f in r.flags)]
    if not hot:
        return None
    return max(hot, key=lambda r: r.latest.get("GPUUtilization") or 0.0).label


def host_chart(title: str, unit: Unit, lines: list[tuple[str, SeriesKey]], store: SeriesStore, now: int,
               period: int, span: int = HOST_CHART_SPAN, limit: int = 6, lo: float | None = 0,
               hi: float | None = None) -> ChartSpec:
    """Lines of several hosts' series over the last ``span`` seconds; with more than
    ``limit`` lines the ones with the highest newest values are kept."""
    pts = max(2, span // period)
    drawn = [(label, grid(store, key, now, period, pts * period)) for label, key in lines]
    if len(drawn) > limit:
        def newest_value(vals: list[float | None]) -> float:
            return next((v for v in reversed(vals) if v is not None), -math.inf)
        drawn = sorted(drawn, key=lambda lv: newest_value(lv[1]), reverse=True)[:limit]
    return ChartSpec(title, unit, period, tuple(ChartLine(lb, vals) for lb, vals in drawn), lo=lo, hi=hi)


def instance_charts(ep: Endpoint, info: EnhancedInfo, store: SeriesStore, now: int, period: int
                    ) -> list[ChartSpec]:
    """Utilization per instance (GPU where there are GPUs, else CPU) and latency per instance."""
    gpu = any(_variant_has_gpu(ep, v, info) for v in info.instances)
    metric = "GPUUtilization" if gpu else "CPUUtilization"
    label = {(v, i): i if len(info.instances) == 1 else f"{v}/{i}" for v, i in info.pairs}
    util = [(label[(v, i)], instance_key(ep, v, i, metric)) for v, i in info.pairs]
    lat = [(label[(v, i)], instance_key(ep, v, i, "ModelLatency", cat.AVG)) for v, i in info.pairs]
    title = "GPU utilization per instance (all GPUs summed)" if gpu else "CPU utilization per instance"
    return [host_chart(title, Unit.PERCENT, util, store, now, period),
            host_chart("Model latency per instance", Unit.MICROSECONDS, lat, store, now, 60, span=3 * 3600)]


def gpu_charts(ep: Endpoint, variant: str, instance: str, info: EnhancedInfo, store: SeriesStore, now: int,
               period: int) -> list[ChartSpec]:
    accs = info.accelerators.get(instance, [])
    out = []
    for metric, title in (("GPUUtilization", "GPU utilization per GPU"),
                          ("GPUMemoryUtilization", "GPU memory per GPU")):
        lines = [(a, gpu_key(ep, variant, instance, a, metric)) for a in accs]
        out.append(host_chart(title, Unit.PERCENT, lines, store, now, period, limit=8, hi=100.0))
    return out


def instance_facts(ep: Endpoint, variant: str, instance: str, info: EnhancedInfo, store: SeriesStore, now: int
                   ) -> list[Fact]:
    """The instance's own numbers above its GPU grid."""
    v = next((x for x in ep.variants if x.name == variant), None)
    facts = [Fact("Instance", f"{instance}  ({variant}, {variant_type(v) or 'unknown type'})", "")]
    parts = []
    for m in instance_metric_names(ep, variant, info):
        val = latest(store, instance_key(ep, variant, instance, m), now)
        parts.append(f"{_SHORT.get(m, m)} {format_value(val, Unit.PERCENT)}")
    facts.append(Fact("Utilization", "   ".join(parts), ""))
    return facts


_SHORT = {"CPUUtilization": "CPU", "MemoryUtilization": "memory", "DiskUtilization": "disk",
          "GPUUtilization": "GPU (sum)", "GPUMemoryUtilization": "GPU memory (sum)",
          "CPUUtilizationNormalized": "CPU (normalized)", "GPUUtilizationNormalized": "GPU (normalized)",
          "GPUMemoryUtilizationNormalized": "GPU memory (normalized)"}


# ==============================================================================================
# Inference component
# ==============================================================================================

def component_facts(ic: InferenceComponent, inv: Inventory, store: SeriesStore, now: int) -> list[Fact]:
    k = ComponentDetailKeys(ic)
    rate = recent_rate(store, k.invocations, now)
    e5 = recent_count(store, k.errors_5xx, rate)
    e4 = recent_count(store, k.errors_4xx, rate)
    r5, r4 = health.error_rate(e5, rate.total), health.error_rate(e4, rate.total)
    copies = ic.current_copies
    copies_text = MISSING if copies is None else f"{copies}"
    level = ""
    if ic.desired_copies is not None and ic.desired_copies != copies:
        copies_text += f" → {ic.desired_copies} desired"
        level = WARN
    facts = [status_fact(ic.status),
             Fact("Endpoint", f"{ic.endpoint_name}  (variant {ic.variant_name or MISSING})", DIM),
             Fact("Model", ic.model_name or MISSING, DIM),
             Fact("Copies", copies_text, level)]
    traffic = "no traffic in the last 15 minutes" if rate.per_minute is None else \
        (f"{format_per_minute(rate.per_minute)}   5XX {format_value(r5, Unit.PERCENT)}"
         f"   4XX {format_value(r4, Unit.PERCENT)}")
    per_copy = recent_rate(store, k.per_copy, now).per_minute
    if per_copy is not None:
        traffic += f"   ({format_per_minute(per_copy)} per copy)"
    facts.append(Fact("Traffic", traffic, health.error_level(r5).value if r5 else ""))
    lb = LatencyBreakdown(latest(store, k.latency_avg, now), latest(store, k.overhead, now))
    p99 = latest(store, k.latency_p99, now)
    facts.append(lb.fact(p99))
    facts.append(alarm_summary(alarms_for(inv, ic.region, InferenceComponentName=ic.name)))
    return facts


def component_rows(ic: InferenceComponent, store: SeriesStore, now: int) -> list[Row]:
    """The component's metrics, one per row: traffic per copy, latency, errors, utilization."""
    k = ComponentDetailKeys(ic)
    period = series_period(store, [k.invocations])
    us = Unit.MICROSECONDS
    rate = recent_rate(store, k.invocations, now)

    def g(key: SeriesKey) -> list[float | None]:
        return grid(store, key, now, period)

    def rate_row(key: SeriesKey, label: str) -> Row:
        r = recent_rate(store, key, now)
        total = window_sum(store, key, now)
        return metric_row(f"ic:{key.metric}:{key.stat}", label, r.per_minute, Unit.NONE,
                          now_text=format_per_minute(r.per_minute), window_text=total_text(total),
                          spark=per_minute(g(key), period))

    rows = [rate_row(k.invocations, "Invocations"), rate_row(k.per_copy, "Invocations per copy")]
    conc = latest(store, k.concurrency, now)
    rows.append(metric_row("ic:conc", "Concurrent requests per copy", conc, Unit.NONE,
                           window_text=max_text(window_max(store, k.concurrency, now)),
                           spark=g(k.concurrency)))
    for key, label in ((k.latency_avg, "Model latency (average)"), (k.latency_p50, "Model latency p50"),
                       (k.latency_p99, "Model latency p99"), (k.overhead, "Overhead latency (average)")):
        val = latest(store, key, now)
        lv = health.latency_level(val).value if key is k.latency_p99 and val is not None else ""
        rows.append(metric_row(f"ic:{key.metric}:{key.stat}", label, val, us, stat=key.stat, level=lv,
                               window_text=max_text(window_max(store, key, now), us), spark=g(key)))
    for key, label in ((k.errors_5xx, "5XX errors"), (k.errors_4xx, "4XX errors"),
                       (k.model_errors, "Model errors")):
        n = recent_count(store, key, rate)
        r = health.error_rate(n, rate.total)
        total = window_sum(store, key, now)
        lv = health.error_level(r).value if key is k.errors_5xx and r else ("warn" if r and r >= 5 else "")
        rows.append(metric_row(f"ic:{key.metric}", label, r, Unit.PERCENT, level=lv,
                               now_text=MISSING if r is None else f"{r:.2f}%",
                               window_text=total_text(total),
                               spark=ratio_pct(g(key), g(k.invocations))))
    for key, label in ((k.cpu, "CPU (normalized)"), (k.gpu, "GPU (normalized)"),
                       (k.gpu_memory, "GPU memory (normalized)"), (k.memory, "Memory (normalized)")):
        val = latest(store, key, now)
        rows.append(metric_row(f"ic:{key.metric}", label, val, Unit.PERCENT,
                               level=util_level(key.metric, val),
                               window_text=max_text(window_max(store, key, now), Unit.PERCENT),
                               spark=g(key), spark_level=""))
    return rows


def component_charts(ic: InferenceComponent, store: SeriesStore, now: int) -> list[ChartSpec]:
    k = ComponentDetailKeys(ic)
    period = series_period(store, [k.invocations])

    def g(key: SeriesKey) -> list[float | None]:
        return grid(store, key, now, period)

    model, overhead = g(k.latency_avg), g(k.overhead)
    return [
        ChartSpec("Invocations per minute", Unit.NONE, period,
                  (ChartLine("all copies", per_minute(g(k.invocations), period)),
                   ChartLine("per copy", per_minute(g(k.per_copy), period)),
                   ChartLine("concurrent/copy (max)", g(k.concurrency))), lo=0),
        ChartSpec("Latency: model + overhead (average)", Unit.MICROSECONDS, period,
                  (ChartLine("model", model), ChartLine("overhead", overhead),
                   ChartLine("model p99", g(k.latency_p99))), lo=0),
        ChartSpec("Error rate", Unit.PERCENT, period,
                  (ChartLine("5XX %", ratio_pct(g(k.errors_5xx), g(k.invocations))),
                   ChartLine("4XX %", ratio_pct(g(k.errors_4xx), g(k.invocations)))), lo=0, hi=1.0),
        ChartSpec("Utilization (normalized)", Unit.PERCENT, period,
                  (ChartLine("CPU", g(k.cpu)), ChartLine("GPU", g(k.gpu)), ChartLine("GPU memory", g(k.gpu_memory)),
                   ChartLine("memory", g(k.memory))), lo=0, hi=100.0),
    ]
