"""The inference-component screen: its summary, its metrics one per row, its charts.

Also :data:`COMPONENT_COLUMNS`, the table of the components an endpoint hosts (the components
pane's columns without the endpoint). Pure Python.
"""

from __future__ import annotations

from tui.model import health
from tui.model.alarms import alarm_summary, alarms_for
from tui.model.catalog import Unit
from tui.model.cells import DIM, WARN, Column, Row, util_level
from tui.model.columns import COLUMNS
from tui.model.drill_views import ChartLine, ChartSpec, Fact, max_text, metric_row, status_fact, total_text
from tui.model.endpoint.facts import LatencyBreakdown
from tui.model.endpoint.keys import ComponentDetailKeys
from tui.model.format import MISSING, format_per_minute, format_value
from tui.model.kinds import Pane
from tui.model.readings import latest, recent_rate
from tui.model.resources import InferenceComponent, Inventory
from tui.model.series import SeriesKey, SeriesStore
from tui.model.window_readers import grid, per_minute, ratio_pct, recent_count, series_period, window_max, window_sum

#: The components table of an endpoint: the components pane's columns without the endpoint.
COMPONENT_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS[Pane.COMPONENTS] if c.key != "endpoint")


def component_facts(ic: InferenceComponent, inv: Inventory, store: SeriesStore, now: int) -> list[Fact]:
    k = ComponentDetailKeys.of(ic)
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
    lb = LatencyBreakdown(latest(store, k.latency_avg, now), latest(store, k.overhead, now), k.latency_avg.unit)
    p99 = latest(store, k.latency_p99, now)
    facts.append(lb.fact(p99))
    facts.append(alarm_summary(alarms_for(inv, ic.region, ic.account, InferenceComponentName=ic.name)))
    return facts


def component_metric_rows(ic: InferenceComponent, store: SeriesStore, now: int) -> list[Row]:
    """The component's metrics, one per row: traffic per copy, latency, errors, utilization."""
    k = ComponentDetailKeys.of(ic)
    period = series_period(store, [k.invocations])
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
        lv = health.latency_level(val, key.unit).value if key is k.latency_p99 and val is not None else ""
        rows.append(metric_row(f"ic:{key.metric}:{key.stat}", label, val, key.unit, stat=key.stat, level=lv,
                               window_text=max_text(window_max(store, key, now), key.unit), spark=g(key)))
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
    k = ComponentDetailKeys.of(ic)
    period = series_period(store, [k.invocations])

    def g(key: SeriesKey) -> list[float | None]:
        return grid(store, key, now, period)

    model, overhead = g(k.latency_avg), g(k.overhead)
    return [
        ChartSpec("Invocations per minute", Unit.NONE, period,
                  (ChartLine("all copies", per_minute(g(k.invocations), period)),
                   ChartLine("per copy", per_minute(g(k.per_copy), period)),
                   ChartLine("concurrent/copy (max)", g(k.concurrency))), lo=0),
        ChartSpec("Latency: model + overhead (average)", k.latency_avg.unit, period,
                  (ChartLine("model", model), ChartLine("overhead", overhead),
                   ChartLine("model p99", g(k.latency_p99))), lo=0),
        ChartSpec("Error rate", Unit.PERCENT, period,
                  (ChartLine("5XX %", ratio_pct(g(k.errors_5xx), g(k.invocations))),
                   ChartLine("4XX %", ratio_pct(g(k.errors_4xx), g(k.invocations)))), lo=0, hi=1.0),
        ChartSpec("Utilization (normalized)", Unit.PERCENT, period,
                  (ChartLine("CPU", g(k.cpu)), ChartLine("GPU", g(k.gpu)), ChartLine("GPU memory", g(k.gpu_memory)),
                   ChartLine("memory", g(k.memory))), lo=0, hi=100.0),
    ]
