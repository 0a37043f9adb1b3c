"""An endpoint's instances grid and an instance's GPU grid, their charts and facts.

:func:`instance_table` is the host table a distributed job uses, one row per instance
(invocations, 5XX and latency per minute, utilization, the hottest GPU) with health flags (a
silent instance, a full disk, a lagging or a hot GPU); :func:`gpu_table` one row per GPU of an
instance.

Utilization is shown in the units people think in, as on a job's host grid: CloudWatch
publishes an instance's ``CPUUtilization`` as the sum over its vCPUs and ``GPUUtilization`` /
``GPUMemoryUtilization`` as sums over its GPUs; the grid divides them by the device counts of
the variant's instance type (:func:`variant_facts`, :mod:`tui.model.per_device`), titles the
columns ``CPU ×48`` / ``GPU ×4`` and judges health on the means; ``*UtilizationNormalized``
columns are CloudWatch's own 0-100 % figures; :func:`instance_legend` says which is which and
where the raw sums are (the instance charts and the GPU screen's facts). Pure Python.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Iterable, Mapping

from tui.model import catalog as cat
from tui.model import health
from tui.model.catalog import MetricDef, Unit
from tui.model.drill_views import ChartLine, ChartSpec, Fact
from tui.model.endpoint.enhanced import (GPU_METRICS, GRID_METRICS, HOT_GPU_CRIT_PCT, HOT_GPU_MARGIN, HOT_GPU_PCT,
                                         NORMALIZED_METRICS, EnhancedInfo, variant_has_gpu, gpu_key,
                                         instance_key, instance_metric_names)
from tui.model.endpoint.variants import variant_type
from tui.model.format import format_value
from tui.model.health import FlagKind, HealthFlag, Level, median, recent_mean, sort_flags
from tui.model.hosts import HostTable, build_host_table
from tui.model.instances import InstanceFacts
from tui.model.per_device import SUMMED_OVER, Scale, scale_for
from tui.model.plan import endpoint_variants
from tui.model.readings import FRESH, latest
from tui.model.resources import Endpoint, Inventory
from tui.model.series import Series, SeriesKey, SeriesStore
from tui.model.window_readers import grid

#: Seconds of history the instance and GPU charts show.
HOST_CHART_SPAN = 1800
#: Periods of recent values kept per cell of the instance and GPU grids.
HOST_POINTS = 30


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
    top: dict[int, float] = {}
    for s in series:
        for t, v in s.points.items():
            if v == v and (t not in top or v > top[t]):
                top[t] = v
    return Series(period=series[0].period, window=series[0].window, points=top)


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


def variant_facts(ep: Endpoint, inv: Inventory | None) -> dict[str, InstanceFacts | None]:
    """The hardware of each variant's instance type, by variant name (None: unknown type,
    serverless, or no inventory)."""
    return {v.name: inv.facts(v.instance_type) if inv is not None and not v.serverless else None
            for v in ep.variants}


def _divided(s: Series | None, divisor: int) -> Series | None:
    """``s`` with every value divided by ``divisor`` (a copy; ``s`` itself when 1)."""
    if s is None or divisor == 1:
        return s
    out = Series(period=s.period, window=s.window)
    out.points = {t: v / divisor for t, v in s.points.items()}
    return out


def _mixed(metric: str, variants: dict[str, Scale]) -> Scale:
    """The column of a metric whose instances are of several types: each value divided by its
    own instance's device count (the legend says which)."""
    return Scale(metric, 1, all(sc.per_device for sc in variants.values()), "",
                 f"{metric}: " + "; ".join(f"{v}: {sc.note.split(': ', 1)[-1]}" for v, sc in variants.items()))


def instance_scales(ep: Endpoint, info: EnhancedInfo, metrics: Iterable[str],
                    facts: Mapping[str, InstanceFacts | None]) -> dict[str, dict[str, Scale]]:
    """Per summed metric (CPU, GPU, GPU memory), the :class:`~tui.model.per_device.Scale` of
    each variant it applies to (GPU ones only where the variant has GPUs)."""
    out: dict[str, dict[str, Scale]] = {}
    for m in metrics:
        if m not in SUMMED_OVER:
            continue
        out[m] = {v: scale_for(m, facts.get(v)) for v in info.instances
                  if not m.startswith("GPU") or variant_has_gpu(ep, v, info)}
    return out


def instance_table(ep: Endpoint, info: EnhancedInfo, store: SeriesStore, now: int,
                   points: int = HOST_POINTS, facts: Mapping[str, InstanceFacts | None] | None = None) -> HostTable:
    """One row per instance: invocations, 5XX and latency per minute, utilization at the
    published interval, the hottest GPU; health flags (a silent instance, a full disk, a
    lagging GPU, memory, a hot GPU).

    CPU and GPU are means per device (0-100 %) where ``facts`` (:func:`variant_facts`) knows
    the instance type, CloudWatch's sums otherwise; the table's ``scales`` say which, per
    column (``×48``, ``Σ``), and the health rules judge what is shown."""
    gpu = any(variant_has_gpu(ep, v, info) for v in info.instances)
    names = [m for m in GRID_METRICS if gpu or not m.startswith("GPU")]
    names += [m for m in NORMALIZED_METRICS if any(m in instance_metric_names(ep, v, info) for v in info.instances)]
    metrics = [INV_PER_MIN, ERR_PER_MIN, LATENCY] + [cat.find(m, cat.G_INSTANCE) for m in names]
    if any(info.accelerators.get(i) for _, i in info.pairs):
        metrics.append(HOTTEST_GPU)
    hosts = [instance_host(ep, v, i) for v, i in info.pairs]
    now = anchor(store, [instance_key(ep, v, i, m) for v, i in info.pairs for m in names], now)
    per_variant = instance_scales(ep, info, names, facts or {})
    # one type for a column: the grid divides it (and titles it); several: each instance by its own
    uniform = {m: next(iter(vs.values())) for m, vs in per_variant.items() if vs and len(set(vs.values())) == 1}
    own = {m: vs for m, vs in per_variant.items() if vs and m not in uniform}

    def series_for(host: str, m: MetricDef) -> Series | None:
        variant, inst = split_instance_host(host)
        if m.name in _TRAFFIC_DEFS:
            metric, stat, how = _TRAFFIC_DEFS[m.name]
            s = store.get(instance_key(ep, variant, inst, metric, stat))
            return None if s is None else rebucket(s, 60, how)
        if m is HOTTEST_GPU:
            return pointwise_max([store.get(gpu_key(ep, variant, inst, a, "GPUUtilization"))
                                  for a in info.accelerators.get(inst, [])])
        if m.name.startswith("GPU") and not variant_has_gpu(ep, variant, info) \
                or m.name not in instance_metric_names(ep, variant, info):
            return None
        s = store.get(instance_key(ep, variant, inst, m.name))
        if m.name in own:
            sc = own[m.name].get(variant)
            return _divided(s, sc.divisor if sc is not None else 1)
        return s

    table = build_host_table(hosts, metrics, series_for, now, points, scales=uniform)
    table.scales.update({m: _mixed(m, vs) for m, vs in own.items()})
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


def instance_charts(ep: Endpoint, info: EnhancedInfo, store: SeriesStore, now: int, period: int,
                    facts: Mapping[str, InstanceFacts | None] | None = None) -> list[ChartSpec]:
    """Utilization per instance (GPU where there are GPUs, else CPU) as CloudWatch publishes it
    (the sum over the instance's GPUs or vCPUs: the grid above shows the means), and latency
    per instance."""
    gpu = any(variant_has_gpu(ep, v, info) for v in info.instances)
    metric = "GPUUtilization" if gpu else "CPUUtilization"
    label = {(v, i): i if len(info.instances) == 1 else f"{v}/{i}" for v, i in info.pairs}
    util = [(label[(v, i)], instance_key(ep, v, i, metric)) for v, i in info.pairs]
    lat = [(label[(v, i)], instance_key(ep, v, i, "ModelLatency", cat.AVG)) for v, i in info.pairs]
    counts = {sc.divisor for sc in instance_scales(ep, info, [metric], facts or {}).get(metric, {}).values()}
    device = "GPUs" if gpu else "vCPUs"
    over = f"its {counts.pop()} {device}" if len(counts) == 1 and 1 not in counts else f"its {device}"
    title = f"{'GPU' if gpu else 'CPU'} Σ over {over} (CloudWatch's sum)"  # one line per instance
    return [host_chart(title, Unit.PERCENT, util, store, now, period),
            host_chart("Model latency per instance", cat.find("ModelLatency", cat.G_INVOCATION).unit, lat, store, now,
                       60, span=3 * 3600)]


def gpu_charts(ep: Endpoint, variant: str, instance: str, info: EnhancedInfo, store: SeriesStore, now: int,
               period: int) -> list[ChartSpec]:
    accs = info.accelerators.get(instance, [])
    out = []
    for metric, title in (("GPUUtilization", "GPU utilization per GPU"),
                          ("GPUMemoryUtilization", "GPU memory per GPU")):
        lines = [(a, gpu_key(ep, variant, instance, a, metric)) for a in accs]
        out.append(host_chart(title, Unit.PERCENT, lines, store, now, period, limit=8, hi=100.0))
    return out


def instance_facts(ep: Endpoint, variant: str, instance: str, info: EnhancedInfo, store: SeriesStore, now: int,
                   facts: InstanceFacts | None = None) -> list[Fact]:
    """The instance's own numbers above its GPU grid: its hardware (with ``facts``), then each
    utilization, CPU and GPU as means per device with CloudWatch's sum beside them
    (``GPU 92.0% ×4 (Σ 368.0%)``), or the sum alone where the type is unknown."""
    v = next((x for x in ep.variants if x.name == variant), None)
    kind = variant_type(v) or "unknown type"
    if facts is not None:
        kind += f": {facts.vcpus} vCPUs" + (f", {facts.gpu_label}" if facts.gpus else "")
    out = [Fact("Instance", f"{instance}  ({variant}, {kind})", "")]
    parts = []
    for m in instance_metric_names(ep, variant, info):
        raw = latest(store, instance_key(ep, variant, instance, m), now)
        sc = scale_for(m, facts)
        if sc.per_device:
            text = f"{format_value(sc.apply(raw), Unit.PERCENT)} ×{sc.divisor}"
            text += f" (Σ {format_value(raw, Unit.PERCENT)})" if raw is not None else ""
        else:
            text = format_value(raw, Unit.PERCENT) + (" Σ" if m in SUMMED_OVER and raw is not None else "")
        parts.append(f"{_SHORT.get(m, m)} {text}")
    out.append(Fact("Utilization", "   ".join(parts), ""))
    return out


def instance_legend(table: HostTable, facts: Mapping[str, InstanceFacts | None], gpus: bool) -> str:
    """One line under the instances grid: which columns the app divides per device (and by
    what), which CloudWatch normalizes, and where CloudWatch's raw sums are."""
    summed = {m: sc for m, sc in table.scales.items() if m in SUMMED_OVER}
    per_device = {m: sc for m, sc in summed.items() if sc.per_device}
    types = {f.instance_type: f for f in facts.values() if f is not None}
    titles = ", ".join(f"{_TITLES[m]}{sc.suffix}" for m, sc in summed.items())
    parts = []
    if per_device and len(types) == 1:
        kind = next(iter(types))
        counts = [f"{sc.divisor} {SUMMED_OVER[m]}s" for m, sc in per_device.items() if m != "GPUMemoryUtilization"]
        parts.append(f"{titles}: means per device by the app (CloudWatch's sum ÷ {', ÷ '.join(counts)} of {kind})")
    elif per_device:  # several instance types: each instance by its own
        kinds = [f"{name.removeprefix('ml.')} {f.vcpus} vCPUs" + (f", {f.gpus} GPUs" if f.gpus else "")
                 for name, f in sorted(types.items())]
        parts.append(f"{titles}: means per device by the app, each instance ÷ its own type's ({'; '.join(kinds)})")
    if len(per_device) < len(summed):
        parts.append("Σ: CloudWatch's sum (instance type unknown)")
    if any(m.name in NORMALIZED_METRICS for m in table.metrics):
        parts.append("norm: normalized by CloudWatch")
    parts.append("raw sums: the chart below" + (", the GPU screen (Enter)" if gpus else ""))
    return "; ".join(parts)


#: The grid's column titles of the summed metrics (as :func:`tui.widgets.host_grid_cells.short_name` has them).
_TITLES = {"CPUUtilization": "CPU", "GPUUtilization": "GPU", "GPUMemoryUtilization": "GPU mem"}

_SHORT = {"CPUUtilization": "CPU", "MemoryUtilization": "memory", "DiskUtilization": "disk",
          "GPUUtilization": "GPU", "GPUMemoryUtilization": "GPU memory",
          "CPUUtilizationNormalized": "CPU (normalized)", "GPUUtilizationNormalized": "GPU (normalized)",
          "GPUMemoryUtilizationNormalized": "GPU memory (normalized)"}
