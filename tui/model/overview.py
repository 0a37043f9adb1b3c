"""The overview panes as data: one row per resource computed from the store.

Pure Python (no Textual, no boto3): the widgets only draw what this module computes, and
the tests check its numbers exactly.

How the numbers are computed (all from :class:`~tui.model.series.SeriesStore` points):

* **per minute** (invocations/min and friends): the average per minute over the *recent
  span*, the 5 minutes ending at the newest point of the series (CloudWatch points arrive
  1-3 minutes late, so "the last complete minute" is often still empty; anchoring at the
  newest point avoids a false dip). Minutes inside the span without a point count as zero
  (CloudWatch publishes no point for a minute without requests). A series whose newest
  point is older than 15 minutes shows "–".
* **error counts and rates**: the errors summed over the *same* span as the invocations
  they are divided by (5XX sum / invocations sum); no invocations, no rate ("–").
* **latencies and utilizations**: the newest point of the series (within 15 minutes).
* **job cluster averages**: the mean over hosts of each host's newest value in the window.
* **counts over the window** (pipelines): the sum of every point in the window.

A value that has no data is ``None`` and shows as "–", never as a made-up zero; a value
that does not apply to a resource (cache hit for a single-model endpoint) is blank.

The columns are in :mod:`tui.model.columns`, the cells in :mod:`tui.model.cells`, the reads
of the store in :mod:`tui.model.readings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable

from tui.model import aggregate, health, plan
from tui.model import catalog as cat
from tui.model.accounts import metrics_only
from tui.model.aggregate import max_or_none, mean_or_none, sum_or_none
from tui.model.catalog import Unit
from tui.model.cells import (BLANK, CRIT, DIM, OK, STATUS_LEVELS, WARN, Cell, Row, age_cell, duration_cell, name_cell,
                             key_cell, per_device_cell, rate_level, status_cell, util_level, value_cell)
from tui.model.format import MISSING
from tui.model.glyphs import glyphs
from tui.model.hosts import HostTable, build_host_table
from tui.model.kinds import Pane, pane_resources
from tui.model.alarms import alarm_pane_rows, mark_alarmed_rows
from tui.model.instances import InstanceFacts
from tui.model.per_device import scale_for, scales
from tui.model.resources import Inventory, Job, epoch_seconds, job_anchor
from tui.model.readings import FRESH, latest, recent_rate, span_sum, trend
from tui.model.series import SeriesKey, SeriesStore
from tui.model.window_readers import window_points, window_sum

#: Points of each host's recent series the job health rules look at.
HOST_POINTS = 30


@dataclass
class Traffic:
    """Invocations and errors of one endpoint over the recent span, summed over its sources
    (variants, or the inference components it hosts); each source's errors are summed over
    that source's own span."""

    total: float | None = None
    per_minute: float | None = None
    errors_4xx: float | None = None
    errors_5xx: float | None = None

    @property
    def present(self) -> bool:
        return self.total is not None


def traffic(store: SeriesStore, sources: Iterable, now: int) -> Traffic:
    """``sources`` carry ``invocations``, ``errors_4xx`` and ``errors_5xx`` keys."""
    sources = list(sources)
    rec = [recent_rate(store, src.invocations, now) for src in sources]

    def errors(attr: str) -> float | None:
        return sum_or_none(span_sum(store, getattr(src, attr), r.anchor)
                            for src, r in zip(sources, rec) if r.anchor is not None)

    return Traffic(sum_or_none(r.total for r in rec), sum_or_none(r.per_minute for r in rec),
                   errors("errors_4xx"), errors("errors_5xx"))


#: Endpoint latency columns that fall back to the worst hosted component's value.
COMPONENT_LATENCIES = ("latency_p50", "latency_p99", "overhead")


def endpoint_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    """One row per endpoint. An endpoint that hosts inference components publishes its
    invocation metrics per component: where its variant series have no data, its traffic is
    the sum over its components, its latencies the worst component's and its sparkline the
    components' summed invocations."""
    rows = []
    for ep in inv.endpoints:
        vks = plan.variant_keys(ep)
        cks = [plan.ComponentKeys.of(ic) for ic in plan.endpoint_components(ep, inv)]
        tr = traffic(store, vks, now)
        from_components = bool(cks) and not tr.present
        if from_components:
            tr = traffic(store, cks, now)
        inv_total, per_min, e4, e5 = tr.total, tr.per_minute, tr.errors_4xx, tr.errors_5xx
        r4, r5 = health.error_rate(e4, inv_total), health.error_rate(e5, inv_total)

        def worst(attr: str, fresh: int | None = FRESH) -> float | None:
            value = max_or_none(latest(store, getattr(vk, attr), now, fresh) for vk in vks)
            if value is None and attr in COMPONENT_LATENCIES:
                value = max_or_none(latest(store, getattr(ck, attr), now, fresh) for ck in cks)
            return value

        def mean(attr: str) -> float | None:
            return mean_or_none(latest(store, getattr(vk, attr), now) for vk in vks)

        mode = "serverless" if ep.serverless else "MME" if ep.multi_model else "IC" if ep.component_based else ""
        types = {v.name: v.instance_type for v in ep.variants}

        def worst_cell(attr: str) -> Cell:
            """The worst latency ``attr``, in the unit its key carries from the catalog."""
            return key_cell(worst(attr), getattr(vks[0], attr))

        def per_device(attr: str, metric: str) -> Cell:
            """The mean over variants of each one's value per vCPU / per GPU (see per_device)."""
            values, suffixes = [], set()
            for name, vk in zip(plan.endpoint_variants(ep), vks):
                value = latest(store, getattr(vk, attr), now)
                if value is not None:
                    sc = scale_for(metric, inv.facts(types.get(name)))
                    values.append(sc.apply(value))
                    suffixes.add(sc.suffix.strip())
            return per_device_cell(mean_or_none(values), suffixes.pop() if len(suffixes) == 1 else "")

        mem = mean("memory")
        cells = {
            "name": name_cell(ep.name),
            "status": status_cell(ep.status),
            "mode": Cell(mode, mode, DIM),
            "variants": Cell(str(len(ep.variants)), len(ep.variants)),
            "instances": BLANK if ep.serverless else Cell(f"{ep.instance_count:,}", ep.instance_count),
            "inv": value_cell(per_min, Unit.NONE),
            "e4xx": value_cell(e4, Unit.COUNT, "Sum", WARN if e4 else OK),
            "e4xx_rate": value_cell(r4, Unit.PERCENT, level=rate_level(r4)),
            "e5xx": value_cell(e5, Unit.COUNT, "Sum", CRIT if e5 else OK),
            "e5xx_rate": value_cell(r5, Unit.PERCENT, level=rate_level(r5)),
            "p50": worst_cell("latency_p50"),
            "p99": worst_cell("latency_p99"),
            "overhead": worst_cell("overhead"),
            "cpu": BLANK if ep.serverless else per_device("cpu", "CPUUtilization"),
            "gpu": BLANK if ep.serverless else per_device("gpu", "GPUUtilization"),
            "mem": value_cell(mem, Unit.PERCENT, level=util_level("MemoryUtilization", mem)),
            "cache": value_cell(pct_of_ratio(mean("cache_hit")), Unit.PERCENT) if ep.multi_model else BLANK,
            "models": value_cell(mean("loaded_models"), Unit.NONE) if ep.multi_model else BLANK,
            "setup": worst_cell("setup_time") if ep.serverless else BLANK,
        }
        if not ep.described:  # listed, its Describe to come: unknown, not zero
            cells.update(dict.fromkeys(("mode", "variants", "instances"), unknown_cell()))
        elif metrics_only(ep):  # a metrics-only account's: never described, so unknown, not zero
            cells.update(dict.fromkeys(("mode", "instances"), Cell(MISSING, None, DIM)))
        spark = trend(store, [k.invocations for k in (cks if from_components else vks)], now)
        level = rate_level(r5) if r5 else ""
        rows.append(Row(ep.key, ep.name, ep, cells, spark, level))
    return rows


def unknown_cell() -> Cell:
    """A detail not known yet (the row is listed, its Describe to come): "…", never a wrong value."""
    return Cell(glyphs().ellipsis, None, DIM)


def pct_of_ratio(value: float | None) -> float | None:
    """ModelCacheHit's Average is a 0-1 ratio; show it as a percentage."""
    return None if value is None else value * 100.0


def component_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    for ic in inv.components:
        k = plan.ComponentKeys.of(ic)
        r_inv = recent_rate(store, k.invocations, now)
        r_copy = recent_rate(store, k.per_copy, now)
        e5 = span_sum(store, k.errors_5xx, r_inv.anchor) if r_inv.anchor is not None else None
        copies = ic.current_copies
        copies_text = "–" if copies is None else f"{copies}" if ic.desired_copies in (None, copies) \
            else f"{copies}→{ic.desired_copies}"
        cpu, gpu, mem = (latest(store, x, now) for x in (k.cpu, k.gpu, k.memory))
        cells = {
            "name": name_cell(ic.name),
            "endpoint": Cell(ic.endpoint_name, ic.endpoint_name.lower(), DIM),
            "status": status_cell(ic.status),
            "copies": Cell(copies_text, copies, WARN if ic.desired_copies not in (None, copies) else ""),
            "inv": value_cell(r_inv.per_minute),
            "per_copy": value_cell(r_copy.per_minute),
            "concurrency": value_cell(latest(store, k.concurrency, now)),
            "latency": key_cell(latest(store, k.latency_avg, now), k.latency_avg),
            "e5xx": value_cell(e5, Unit.COUNT, "Sum", CRIT if e5 else OK),
            "cpu": value_cell(cpu, Unit.PERCENT, level=util_level("CPUUtilizationNormalized", cpu)),
            "gpu": value_cell(gpu, Unit.PERCENT, level=util_level("GPUUtilizationNormalized", gpu)),
            "mem": value_cell(mem, Unit.PERCENT, level=util_level("MemoryUtilizationNormalized", mem)),
        }
        rows.append(Row(ic.key, ic.name, ic, cells, trend(store, [k.per_copy], now)))
    return rows


def host_table(job: Job, store: SeriesStore, now: int, points: int = HOST_POINTS,
               facts: InstanceFacts | None = None) -> HostTable:
    """The per-host table of a job (latest values, recent values, health flags); CPU and GPU
    per device with ``facts`` (see :mod:`tui.model.per_device`)."""
    metrics = [cat.find(m, cat.G_INSTANCE) for m in plan.pane_host_metrics(job)]
    keys = plan.host_key_grid(job, metrics, job.hosts)

    def series_for(host: str, m):
        return store.get(keys[m.name, host])

    return build_host_table(list(job.hosts), metrics, series_for, job_anchor(job, now), points,
                            scales=scales([m.name for m in metrics], facts))



def _job_per_device_cell(value: float | None, table: HostTable | None, metric: str) -> Cell:
    sc = table.scales.get(metric) if table is not None else None
    return per_device_cell(value, sc.suffix if sc is not None else "")


def cluster_average(table: HostTable, metric: str) -> float | None:
    """Mean over hosts of each host's newest value (hosts without one are left out)."""
    return mean_or_none(r.latest.get(metric) for r in table.rows)


def job_health_cell(job: Job, table: HostTable | None) -> Cell:
    """The one flag a person on call looks at first: failed, a full disk, a lagging or silent host."""
    h = health.job_health(job.status, table, job.failure_reason)
    if h.level is health.Level.OK:
        if job.status == "Stopped":
            return Cell("stopped", 3, DIM)
        if job.running or job.status == "Completed":
            return Cell(f"{glyphs().ok} ok", 4, OK)
        return Cell("", 5, "")
    mark = glyphs().crit if h.level is health.Level.CRIT else glyphs().warn
    return Cell(f"{mark} {h.reason}", 0 if h.level is health.Level.CRIT else 1, h.level.value)


def job_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    nowdt = datetime.fromtimestamp(now, timezone.utc)
    for job in inv.jobs:
        recent_job = plan.job_is_recent(job, nowdt, store.window) and bool(job.hosts)
        table = host_table(job, store, now, facts=inv.facts(job.instance_type)) if recent_job else None
        created, started, ended = (epoch_seconds(t) for t in (job.creation_time, job.start_time, job.end_time))
        begin = started or created
        if begin is None:
            duration = None
        elif ended is not None:
            duration = ended - begin
        else:
            duration = now - begin if job.running else None
        itype = (job.instance_type or "").removeprefix("ml.")
        hosts = f"{job.instance_count}×{itype}" if itype else f"{job.instance_count}"
        metrics = plan.pane_host_metrics(job)

        def avg(metric: str) -> float | None:
            return cluster_average(table, metric) if table is not None and metric in metrics else None

        cpu, gpu, mem = avg("CPUUtilization"), avg("GPUUtilization"), avg("MemoryUtilization")
        disk = max_or_none(r.latest.get("DiskUtilization") for r in table.rows) if table is not None else None
        status = job.secondary_status if job.running and job.secondary_status not in (None, "", job.status) \
            else job.status
        cells = {
            "type": Cell(job.type_label, job.type_label, DIM),
            "name": name_cell(job.name),
            "status": Cell(status, job.status, STATUS_LEVELS.get(job.status, "")),
            "age": age_cell(created, now),
            "duration": duration_cell(duration),
            "hosts": Cell(hosts, job.instance_count) if job.described else unknown_cell(),
            "cpu": _job_per_device_cell(cpu, table, "CPUUtilization"),
            "gpu": _job_per_device_cell(gpu, table, "GPUUtilization") if "GPUUtilization" in metrics else BLANK,
            "mem": value_cell(mem, Unit.PERCENT, level=util_level("MemoryUtilization", mem)),
            "disk": value_cell(disk, Unit.PERCENT, level=util_level("DiskUtilization", disk))
            if "DiskUtilization" in metrics else BLANK,
            "health": job_health_cell(job, table),
        }
        spark: list[float | None] = []
        if recent_job:
            keys = plan.job_keys(job)
            metric = "GPUUtilization" if gpu is not None else "CPUUtilization"
            spark = trend(store, keys.get(metric, {}).values(), now, combine=aggregate.mean)
            sc = table.scales.get(metric) if table is not None else None
            if sc is not None and sc.divisor != 1:  # on the scale of the CPU / GPU columns
                spark = [sc.apply(v) for v in spark]
        rows.append(Row(job.key, job.name, job, cells, spark))
    return rows


def pipeline_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    for p in inv.pipelines:
        k = plan.PipelineKeys.of(p)
        ex = p.latest
        status = ex.status if ex else p.status
        start = epoch_seconds(ex.start_time) if ex else None
        running = bool(ex and ex.status in ("Executing", "Stopping"))
        end = None if ex is None or running else epoch_seconds(ex.last_modified)
        if start is None:
            duration = None
        elif running:
            duration = now - start
        else:
            duration = None if end is None else end - start
        started, succeeded, failed = (window_sum(store, x, now) for x in (k.started, k.succeeded, k.failed))
        avg_dur = mean_or_none(v for _t, v in window_points(store, k.duration, now))
        cells = {
            "name": name_cell(p.name),
            "status": status_cell(status),
            "last_start": age_cell(start, now),
            "duration": duration_cell(duration),
            "started": value_cell(started, Unit.COUNT, "Sum"),
            "succeeded": value_cell(succeeded, Unit.COUNT, "Sum", OK if succeeded else ""),
            "failed": value_cell(failed, Unit.COUNT, "Sum", CRIT if failed else OK),
            "avg_duration": duration_cell(None if avg_dur is None else avg_dur / 1000.0),
        }
        if not p.described:  # listed, its executions to come: no status yet, not "none"
            cells.update(dict.fromkeys(("status", "last_start", "duration"), unknown_cell()))
        rows.append(Row(p.key, p.name, p, cells, trend(store, [k.started], now)))
    return rows



def labeling_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    for lj in inv.labeling_jobs:
        k = plan.LabelingKeys.of(lj)

        def val(key: SeriesKey, fallback: int | None) -> float | None:
            v = latest(store, key, now, fresh=None)
            return v if v is not None else (None if fallback is None else float(fallback))

        created = epoch_seconds(lj.creation_time)
        failed = val(k.failed, lj.failed_non_retryable)
        cells = {
            "name": name_cell(lj.name),
            "status": status_cell(lj.status),
            "age": age_cell(created, now),
            "labeled": value_cell(val(k.labeled, lj.total_labeled), Unit.COUNT, "Maximum"),
            "human": value_cell(val(k.human, lj.human_labeled), Unit.COUNT, "Maximum"),
            "auto": value_cell(val(k.auto, lj.machine_labeled), Unit.COUNT, "Maximum"),
            "failed": value_cell(failed, Unit.COUNT, "Maximum", CRIT if failed else OK),
            "workteam": Cell(lj.workteam or "", lj.workteam or "", DIM),
        }
        rows.append(Row(lj.key, lj.name, lj, cells, trend(store, [k.labeled], now)))
    return rows


def feature_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    for fg in inv.feature_groups:
        k = plan.FeatureKeys.of(fg)
        reads, writes = recent_rate(store, k.reads, now), recent_rate(store, k.writes, now)
        e5 = sum_or_none([span_sum(store, k.read_5xx, reads.anchor) if reads.anchor else None,
                           span_sum(store, k.write_5xx, writes.anchor) if writes.anchor else None])
        # throttles of reads and writes (a provisioned group throttles its PutRecords first)
        throttled = sum_or_none([span_sum(store, k.throttled, reads.anchor) if reads.anchor else None,
                                 span_sum(store, k.write_throttled, writes.anchor) if writes.anchor else None])
        stores = "+".join(x for x, on in (("online", fg.online_store), ("offline", fg.offline_store)) if on)
        cells = {
            "name": name_cell(fg.name),
            "status": status_cell(fg.status),
            "stores": Cell(stores, stores, DIM),
            "reads": value_cell(reads.per_minute),
            "writes": value_cell(writes.per_minute),
            "read_latency": key_cell(latest(store, k.read_latency, now), k.read_latency),
            "write_latency": key_cell(latest(store, k.write_latency, now), k.write_latency),
            "e5xx": value_cell(e5, Unit.COUNT, "Sum", CRIT if e5 else OK),
            "throttled": value_cell(throttled, Unit.COUNT, "Sum", WARN if throttled else OK),
        }
        rows.append(Row(fg.key, fg.name, fg, cells, trend(store, [k.reads], now)))
    return rows


def recommendation_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    for rj in inv.recommendation_jobs:
        k = plan.RecommendationKeys.of(rj)
        recs = [recent_rate(store, s["invocations"], now) for s in k.sets]
        total = sum_or_none(r.total for r in recs)
        per_min = sum_or_none(r.per_minute for r in recs)
        errors = sum_or_none(span_sum(store, s["errors"], r.anchor) for s, r in zip(k.sets, recs)
                              if r.anchor is not None)
        rate = health.error_rate(errors, total)
        created = epoch_seconds(rj.creation_time)
        cells = {
            "name": name_cell(rj.name),
            "type": Cell(rj.job_type or "", rj.job_type or "", DIM),
            "status": status_cell(rj.status),
            "age": age_cell(created, now),
            "inv": value_cell(per_min),
            "errors": value_cell(rate, Unit.PERCENT, level=rate_level(rate)),
            "latency": key_cell(max_or_none(latest(store, s["latency"], now) for s in k.sets), k.sets[0]["latency"]),
            "users": value_cell(max_or_none(latest(store, s["users"], now) for s in k.sets)),
        }
        rows.append(Row(rj.key, rj.name, rj, cells, trend(store, [s["invocations"] for s in k.sets], now)))
    return rows


ROW_BUILDERS: dict[Pane, Callable[[Inventory, SeriesStore, int], list[Row]]] = {
    Pane.ENDPOINTS: endpoint_rows,
    Pane.COMPONENTS: component_rows,
    Pane.JOBS: job_rows,
    Pane.PIPELINES: pipeline_rows,
    Pane.LABELING: labeling_rows,
    Pane.FEATURES: feature_rows,
    Pane.RECOMMENDATIONS: recommendation_rows,
    Pane.ALARMS: alarm_pane_rows,
}


def pane_rows(pane: Pane, inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    """Every row of ``pane`` (unfiltered, in discovery order), each with its region's and its
    account's cell."""
    rows = ROW_BUILDERS[pane](inv, store, now)
    mark_alarmed_rows(rows, inv)  # the resources an alarm in ALARM names
    for row in rows:
        region = getattr(row.resource, "region", "")
        row.cells.setdefault("region", Cell(region, region))
        account = getattr(row.resource, "account", "")
        row.cells.setdefault("account", Cell(account, account))
    return rows


def resource_count(pane: Pane, inv: Inventory) -> int:
    return len(pane_resources(pane, inv))
