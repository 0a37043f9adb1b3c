"""The endpoint screen's summary: status, mode, traffic, errors, latency, reservations, alarms.

:class:`LatencyBreakdown` splits the time spent inside SageMaker into ModelLatency and
OverheadLatency (the network is added on the client's side and is not published);
:func:`endpoint_facts` is the summary above the variants table. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import health
from tui.model.accounts import METRICS_ONLY_FACT, metrics_only
from tui.model.aggregate import max_or_none, sum_or_none
from tui.model.alarms import alarm_summary, alarms_for
from tui.model.catalog import Unit
from tui.model.cells import CRIT, DIM, WARN
from tui.model.drill_views import Fact, status_fact
from tui.model.endpoint.keys import VariantDetailKeys
from tui.model.format import MISSING, format_age, format_per_minute, format_value, percent
from tui.model.plan import ComponentKeys, endpoint_components, endpoint_variants
from tui.model.readings import Rate, latest, recent_rate
from tui.model.resources import Alarm, Endpoint, Inventory, epoch_seconds
from tui.model.series import SeriesKey, SeriesStore
from tui.model.window_readers import recent_count


@dataclass(frozen=True)
class LatencyBreakdown:
    """The newest average latencies inside SageMaker, in ``unit`` (the catalog's unit of the
    ModelLatency key they were read from)."""

    model: float | None
    overhead: float | None
    unit: Unit

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
        ms = self.formatted
        out = f"model {ms(self.model)} + overhead {ms(self.overhead)} = {ms(self.total)} in SageMaker"
        if share is not None:
            out += f" (overhead {share:.0f}%)"
        return out + ", plus the network on the client side"

    def fact(self, p99: float | None, without: str = MISSING) -> Fact:
        """A summary's Latency line: the newest p99, then this breakdown (``without`` when
        there is none)."""
        text = self.text() if self.total is not None else without
        if p99 is not None:
            text = f"p99 {self.formatted(p99)};  " + text
        return Fact("Latency", text, health.latency_level(p99, self.unit).value if p99 is not None else "")

    def formatted(self, value: float | None) -> str:
        return format_value(value, self.unit)


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
                            _weighted_latest(store, [(vk.overhead, w[vk.name]) for vk in vks], now),
                            vks[0].latency_avg.unit)


def endpoint_mode(ep: Endpoint) -> str:
    parts = ["serverless" if ep.serverless else "multi-model" if ep.multi_model
             else "inference components" if ep.component_based else "real-time"]
    if ep.enhanced_metrics:
        parts.append("enhanced metrics")
    return ", ".join(parts)


def endpoint_facts(ep: Endpoint, inv: Inventory, store: SeriesStore, now: int) -> list[Fact]:
    """The summary above the variants: status, mode, traffic, errors, latency, alarms."""
    vks = [VariantDetailKeys.of(ep, v) for v in endpoint_variants(ep)]
    rates = {vk.name: recent_rate(store, vk.invocations, now) for vk in vks}
    total = sum_or_none([r.total for r in rates.values()])
    per_min = sum_or_none([r.per_minute for r in rates.values()])
    e5 = sum_or_none([recent_count(store, vk.errors_5xx, rates[vk.name]) for vk in vks])
    e4 = sum_or_none([recent_count(store, vk.errors_4xx, rates[vk.name]) for vk in vks])
    r5, r4 = health.error_rate(e5, total), health.error_rate(e4, total)
    unknown = metrics_only(ep)  # its account reached through its metrics alone: no Describe facts
    facts = [status_fact(ep.status), Fact("Mode", METRICS_ONLY_FACT if unknown else endpoint_mode(ep), DIM)]
    if ep.failure_reason:
        facts.append(Fact("Failure", " ".join(ep.failure_reason.split()), CRIT))
    if unknown:
        facts.append(Fact("Instances", METRICS_ONLY_FACT, DIM))
    elif not ep.serverless:
        desired = sum(v.desired_instance_count or 0 for v in ep.variants)
        scaling = bool(desired) and desired != ep.instance_count
        text = f"{ep.instance_count:,}" + (f" → {desired:,} desired" if scaling else "")
        facts.append(Fact("Instances", text, WARN if desired and desired != ep.instance_count else ""))
    comps = endpoint_components(ep, inv)
    if per_min is None and comps:  # traffic of an inference-component endpoint is its components'
        c_rates = [(ComponentKeys.of(c), recent_rate(store, ComponentKeys.of(c).invocations, now)) for c in comps]
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
    facts.append(alarm_summary(alarms_for(inv, ep.region, ep.account, EndpointName=ep.name,
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


def endpoint_alarms(ep: Endpoint, inv: Inventory) -> list[Alarm]:
    return alarms_for(inv, ep.region, ep.account, EndpointName=ep.name,
                      InferenceComponentName=[c.name for c in endpoint_components(ep, inv)])
