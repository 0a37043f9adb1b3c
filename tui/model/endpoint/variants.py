"""The endpoint screen's variants table: one row per production variant.

Instances (current → desired), weights, traffic share, errors, latency percentiles,
concurrency and utilization (CPU / GPU per device where the instance type is known); a
variant hosting inference components reads its traffic from its components. Pure Python.
"""

from __future__ import annotations

from typing import Iterable

from tui.model import health
from tui.model.aggregate import combine, max_or_none, sum_or_none
from tui.model.catalog import Unit
from tui.model.cells import (BLANK, CRIT, INFO, WARN, DIM, Cell, Column, Row, key_cell, name_cell, per_device_cell,
                             rate_level, util_level, value_cell)
from tui.model.endpoint.keys import VariantDetailKeys
from tui.model.format import MISSING, percent
from tui.model.overview import traffic
from tui.model.per_device import scale_for
from tui.model.plan import ComponentKeys, endpoint_components, endpoint_variants
from tui.model.readings import Rate, latest, recent_rate
from tui.model.resources import Endpoint, InferenceComponent, Inventory, Variant
from tui.model.series import SeriesStore
from tui.model.window_readers import grid, per_minute, recent_count, series_period


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
    return [ComponentKeys.of(c) for c in components if c.variant_name in (None, "", vk.name)]


def variant_rows(ep: Endpoint, store: SeriesStore, now: int, inv: Inventory | None = None) -> list[Row]:
    """One row per variant (the model of the variants table, :data:`VARIANT_COLUMNS`).

    With the inventory: a variant that hosts inference components publishes no invocation
    metrics of its own, so its traffic, errors and latencies are its components' (summed; the
    worst latency); CPU and GPU are per vCPU / per GPU where the instance type is known.
    """
    components = endpoint_components(ep, inv) if inv is not None else []
    vks = [VariantDetailKeys.of(ep, v) for v in endpoint_variants(ep)]
    rates = {vk.name: recent_rate(store, vk.invocations, now) for vk in vks}
    hosted = {vk.name: _hosted(vk, components) for vk in vks} if ep.component_based else {}
    via = {name: traffic(store, cks, now) for name, cks in hosted.items()
           if cks and rates[name].total is None}
    all_total = sum_or_none([r.total for name, r in rates.items() if name not in via]
                            + [t.total for t in via.values()])
    weights = _weights(ep)
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
            "p50": key_cell(lat("latency_p50"), vk.latency_p50),
            "p99": key_cell(p99, vk.latency_p99,
                            level=health.latency_level(p99, vk.latency_p99.unit).value if p99 is not None else ""),
            "overhead": key_cell(lat("overhead"), vk.overhead),
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
