"""The endpoint screen's charts over the window.

Invocations per variant (per component for an endpoint hosting inference components, which
publishes none per variant), error rates, the latency decomposition (model + overhead) and
instance utilization with the components' reservations. Pure Python.
"""

from __future__ import annotations

from tui.model.aggregate import combine
from tui.model.catalog import Unit
from tui.model.drill_views import ChartLine, ChartSpec
from tui.model.endpoint.keys import VariantDetailKeys
from tui.model.per_device import scale_for
from tui.model.plan import ComponentKeys, endpoint_components, endpoint_variants
from tui.model.resources import Endpoint, InferenceComponent, Inventory
from tui.model.series import SeriesKey, SeriesStore
from tui.model.window_readers import grid, per_minute, ratio_pct, series_period


def _short(name: str, n: int = 14) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def endpoint_charts(ep: Endpoint, store: SeriesStore, now: int, inv: Inventory | None = None) -> list[ChartSpec]:
    """Traffic per variant, error rates, the latency decomposition and utilization, over the window.

    With the inventory: an endpoint hosting inference components draws its traffic, errors and
    latency from its components (per component; it publishes none per variant), and CPU / GPU
    utilization are per vCPU / per GPU (0-100 %, like memory) where the instance type is known.
    """
    vks = [VariantDetailKeys.of(ep, v) for v in endpoint_variants(ep)]
    comps = endpoint_components(ep, inv) if inv is not None else []
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
        ChartSpec(title_lat, vks[0].latency_avg.unit, period, tuple(latency), lo=0),
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
    cks = [ComponentKeys.of(c) for c in comps]
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
        ChartSpec("Model latency by inference component (average)", cks[0].latency_avg.unit, period, tuple(latency),
                  lo=0),
    ]
