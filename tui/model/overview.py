"""The overview panes as data: columns, and one row per resource computed from the store.

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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable

from tui.model import aggregate, health, plan
from tui.model import catalog as cat
from tui.model.aggregate import max_or_none, mean_or_none, sum_or_none
from tui.model.catalog import Unit
from tui.model.format import MISSING, format_age, format_duration, format_value
from tui.model.hosts import HostTable, build_host_table
from tui.model.plan import Pane
from tui.model.instances import InstanceFacts
from tui.model.per_device import scale_for, scales
from tui.model.resources import Inventory, Job, epoch_seconds, job_anchor
from tui.model.series import SeriesKey, SeriesStore

#: Seconds of the recent span rates are averaged over.
SPAN = 300
#: A series whose newest point is older than this has no current value.
FRESH = 900

# Health levels a cell can carry (the widgets map them to theme colours).
OK, INFO, WARN, CRIT, DIM = "ok", "info", "warn", "crit", "dim"

#: Points of each host's recent series the job health rules look at.
HOST_POINTS = 30

STATUS_LEVELS = {
    "InService": OK, "Completed": OK, "Succeeded": OK, "Created": OK, "Active": OK,
    "Executing": INFO, "InProgress": INFO, "Pending": INFO, "Creating": INFO, "Updating": INFO,
    "SystemUpdating": INFO, "Starting": INFO,
    "RollingBack": WARN, "Stopping": WARN, "Stopped": WARN, "Deleting": WARN, "CreateFailed": CRIT,
    "UpdateFailed": CRIT, "DeleteFailed": CRIT, "Failed": CRIT, "OutOfService": CRIT,
    # Inference Recommender spells its statuses in capitals
    "COMPLETED": OK, "IN_PROGRESS": INFO, "PENDING": INFO, "STOPPING": WARN, "STOPPED": WARN,
    "DELETING": WARN, "FAILED": CRIT,
}


@dataclass(frozen=True)
class Column:
    """One table column: ``priority`` 0 is always shown; higher numbers hide first."""

    key: str
    label: str
    width: int
    priority: int = 1
    numeric: bool = True
    spark: bool = False
    help: str = ""


@dataclass
class Cell:
    """What a cell shows, how it sorts and its health level."""

    text: str
    sort: float | str | None = None
    level: str = ""


@dataclass
class Row:
    key: str
    name: str
    resource: object
    cells: dict[str, Cell]
    spark: list[float | None] = field(default_factory=list)
    spark_level: str = ""

    def matches(self, needle: str) -> bool:
        """Case-insensitive substring match on the name and every cell's text."""
        needle = needle.lower()
        if not needle:
            return True
        if needle in self.name.lower():
            return True
        return any(needle in c.text.lower() for c in self.cells.values())


BLANK = Cell("", None, "")


def name_cell(name: str) -> Cell:
    """A resource's name: shown as is, sorted without regard to case."""
    return Cell(name, name.lower())


def value_cell(value: float | None, unit: Unit = Unit.NONE, stat: str | None = None, level: str = "") -> Cell:
    return Cell(format_value(value, unit, stat=stat), value, level if value is not None else "")


def util_level(metric: str, value: float | None) -> str:
    """Colour of a utilization: only 0-100 % scales (memory, disk, *Normalized) have fixed
    thresholds; per-core and per-GPU sums are judged against peers by the health rules."""
    return "" if value is None else health.metric_level(metric, value).value


def rate_level(value: float | None) -> str:
    return "" if value is None else health.error_level(value).value


def status_cell(status: str | None) -> Cell:
    if not status:
        return Cell("–", None, "")
    return Cell(status, status, STATUS_LEVELS.get(status, ""))


def duration_cell(seconds: float | None, level: str = "") -> Cell:
    return Cell(format_duration(seconds), seconds, level if seconds is not None else "")


def age_cell(then: float | None, now: int) -> Cell:
    """How long ago ``then`` was; sorts by the age in seconds."""
    if then is None:
        return Cell(MISSING, None, "")
    return Cell(format_age(then, now), now - then, "")


# -- reading the store -------------------------------------------------------------------------

def newest(store: SeriesStore, key: SeriesKey, now: int, fresh: int | None = FRESH) -> tuple[int, float] | None:
    """The newest point at or before ``now`` (and not older than ``fresh`` seconds)."""
    s = store.get(key)
    if s is None or not s.points:
        return None
    ts = max((t for t in s.points if t <= now), default=None)
    if ts is None or (fresh is not None and now - ts > fresh):
        return None
    return ts, s.points[ts]


def latest(store: SeriesStore, key: SeriesKey, now: int, fresh: int | None = FRESH) -> float | None:
    p = newest(store, key, now, fresh)
    return None if p is None else p[1]


def span_sum(store: SeriesStore, key: SeriesKey, anchor: int, span: int = SPAN) -> float | None:
    """Sum of the points in ``(anchor - span, anchor]``; None when the span holds none."""
    s = store.get(key)
    if s is None:
        return None
    vals = [v for t, v in s.points.items() if anchor - span < t <= anchor]
    return sum(vals) if vals else None


def window_sum(store: SeriesStore, key: SeriesKey, now: int) -> float | None:
    return span_sum(store, key, now, store.window)


@dataclass(frozen=True)
class Rate:
    """A count over the recent span of one series (the span ends at its newest point), and
    the span's anchor."""

    total: float | None = None  # sum over the span
    minutes: float = SPAN / 60
    anchor: int | None = None

    @property
    def per_minute(self) -> float | None:
        return None if self.total is None else self.total / self.minutes


def recent_rate(store: SeriesStore, key: SeriesKey, now: int) -> Rate:
    p = newest(store, key, now)
    if p is None:
        return Rate()
    return Rate(span_sum(store, key, p[0]), anchor=p[0])


def trend(store: SeriesStore, keys: Iterable[SeriesKey], now: int, combine: Callable = sum) -> list[float | None]:
    """The window's grid of values, combining several series point by point."""
    series = [s for s in (store.get(k) for k in keys) if s is not None]
    if not series:
        return []
    period = series[0].period
    count = store.window // period
    grids = [s.values(now, count) for s in series if s.period == period]
    return aggregate.combine(grids, combine)


# -- columns -----------------------------------------------------------------------------------

C = Column
NAME_WIDTH = 30
COLUMNS: dict[Pane, tuple[Column, ...]] = {
    Pane.ENDPOINTS: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Status", 11, 0, False),
        C("mode", "Mode", 10, 6, False, help="serverless, multi-model (MME) or inference components (IC)"),
        C("variants", "Var", 3, 7),
        C("instances", "Inst", 4, 4),
        C("inv", "Inv/min", 8, 0, help="average invocations per minute over the last 5 minutes"),
        C("e4xx", "4XX", 6, 6, help="4XX errors in the last 5 minutes"),
        C("e4xx_rate", "4XX%", 6, 5, help="4XX errors / invocations, last 5 minutes"),
        C("e5xx", "5XX", 6, 4, help="5XX errors in the last 5 minutes"),
        C("e5xx_rate", "5XX%", 6, 1, help="5XX errors / invocations, last 5 minutes"),
        C("p50", "p50", 8, 3, help="ModelLatency p50, newest minute"),
        C("p99", "p99", 8, 2, help="ModelLatency p99, newest minute"),
        C("overhead", "Ovhd", 8, 5, help="OverheadLatency average, newest minute"),
        C("cpu", "CPU", 9, 3, help="CPUUtilization average of the newest minute, per vCPU (0-100 %: "
                                   "CloudWatch's sum ÷ the instance type's vCPUs; 'Σ': the sum, type unknown)"),
        C("gpu", "GPU", 9, 3, help="GPUUtilization average of the newest minute, per GPU (0-100 %: "
                                   "CloudWatch's sum ÷ the instance type's GPUs; 'Σ': the sum, type unknown)"),
        C("mem", "Mem", 6, 6, help="MemoryUtilization average, newest minute"),
        C("cache", "Cache", 6, 8, help="multi-model: ModelCacheHit average (share of requests served warm)"),
        C("models", "Models", 6, 8, help="multi-model: LoadedModelCount average per instance"),
        C("setup", "Setup", 8, 8, help="serverless: ModelSetupTime average (cold start)"),
        C("trend", "Invocations", 20, 2, False, True, help="invocations per minute over the window"),
    ),
    Pane.COMPONENTS: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("endpoint", "Endpoint", 22, 3, False),
        C("status", "Status", 11, 0, False),
        C("copies", "Copies", 6, 1, help="current copies (desired when different)"),
        C("inv", "Inv/min", 8, 0, help="invocations per minute, last 5 minutes"),
        C("per_copy", "Inv/copy", 8, 2, help="InvocationsPerCopy per minute, last 5 minutes"),
        C("concurrency", "Conc/copy", 9, 4, help="ConcurrentRequestsPerCopy maximum, newest minute"),
        C("latency", "Latency", 8, 3, help="ModelLatency average, newest minute"),
        C("e5xx", "5XX", 6, 4, help="5XX errors in the last 5 minutes"),
        C("cpu", "CPU", 6, 2, help="CPUUtilizationNormalized average"),
        C("gpu", "GPU", 6, 2, help="GPUUtilizationNormalized average"),
        C("mem", "Mem", 6, 3, help="MemoryUtilizationNormalized average"),
        C("trend", "Inv/copy", 20, 2, False, True, help="invocations per copy over the window"),
    ),
    Pane.JOBS: (
        C("type", "Type", 10, 2, False),
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Status", 11, 0, False),
        C("age", "Age", 7, 4, help="time since the job was created"),
        C("duration", "Duration", 8, 2, help="run time (so far, while running)"),
        C("hosts", "Hosts", 16, 3, False, help="instances x type"),
        C("cpu", "CPU", 9, 2, help="cluster average of each host's newest CPUUtilization per vCPU (0-100 %: "
                                   "CloudWatch's sum ÷ the instance type's vCPUs; 'Σ': the sum, type unknown)"),
        C("gpu", "GPU", 9, 1, help="cluster average of each host's newest GPUUtilization per GPU (0-100 %: "
                                   "CloudWatch's sum ÷ the instance type's GPUs; 'Σ': the sum, type unknown)"),
        C("mem", "Mem", 6, 3, help="cluster average of each host's newest MemoryUtilization"),
        C("disk", "Disk", 6, 5, help="fullest host's newest DiskUtilization"),
        C("health", "Health", 26, 0, False, help="failed, a full disk, a lagging or silent host"),
        C("trend", "GPU/CPU", 20, 2, False, True, help="cluster-average GPU (or CPU) utilization"),
    ),
    Pane.PIPELINES: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Latest", 11, 0, False, help="status of the latest execution"),
        C("last_start", "Started", 8, 2, help="how long ago the latest execution started"),
        C("duration", "Duration", 8, 1, help="latest execution's duration (so far, while running)"),
        C("started", "Started#", 8, 1, help="ExecutionStarted over the window"),
        C("succeeded", "Ok#", 6, 2, help="ExecutionSucceeded over the window"),
        C("failed", "Failed#", 7, 1, help="ExecutionFailed over the window"),
        C("avg_duration", "AvgDur", 8, 3, help="ExecutionDuration average over the window"),
        C("trend", "Executions", 20, 3, False, True, help="executions started over the window"),
    ),
    Pane.LABELING: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Status", 11, 0, False),
        C("age", "Age", 7, 3),
        C("labeled", "Labeled", 9, 0, help="TotalDatasetObjectsLabeled"),
        C("human", "Human", 8, 1, help="DatasetObjectsHumanAnnotated"),
        C("auto", "Auto", 8, 2, help="DatasetObjectsAutoAnnotated"),
        C("failed", "Failed", 7, 1, help="DatasetObjectsLabelingFailed"),
        C("workteam", "Workteam", 16, 4, False),
        C("trend", "Labeled", 20, 3, False, True),
    ),
    Pane.FEATURES: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Status", 11, 0, False),
        C("stores", "Stores", 14, 4, False, help="online and/or offline store"),
        C("reads", "Reads/min", 9, 0, help="GetRecord invocations per minute, last 5 minutes"),
        C("writes", "Writes/min", 10, 1, help="PutRecord invocations per minute, last 5 minutes"),
        C("read_latency", "Read lat", 8, 2, help="GetRecord Latency average"),
        C("write_latency", "Write lat", 9, 3, help="PutRecord Latency average"),
        C("e5xx", "5XX", 6, 2, help="GetRecord + PutRecord 5XX errors, last 5 minutes"),
        C("throttled", "Throttled", 9, 3, help="throttled GetRecord + PutRecord requests, last 5 minutes"),
        C("trend", "Reads", 20, 3, False, True),
    ),
    Pane.RECOMMENDATIONS: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("type", "Type", 9, 3, False),
        C("status", "Status", 11, 0, False),
        C("age", "Age", 7, 4),
        C("inv", "Inv/min", 8, 0, help="ClientInvocations per minute, last 5 minutes"),
        C("errors", "Err%", 6, 1, help="ClientInvocationErrors / ClientInvocations, last 5 minutes"),
        C("latency", "Latency", 8, 1, help="ClientLatency average, newest minute"),
        C("users", "Users", 6, 2, help="NumberOfUsers maximum, newest minute"),
        C("trend", "Invocations", 20, 3, False, True),
    ),
}


def visible_columns(columns: Iterable[Column], width: int, *, name_width: int | None = None,
                    padding: int = 2, grow_spark: bool = True, min_name: int = 20) -> list[Column]:
    """The columns that fit ``width`` cells, dropping the highest priority numbers first.

    ``padding`` is the space a table adds around each column. Which columns stay is decided
    with the name at ``min_name`` cells (a fifth of the width on wide terminals); the spare width then goes back to the name (up to
    ``name_width``) and after that to the sparkline column (up to 40 more cells).
    """
    cols = list(columns)
    want_name = name_width if name_width is not None else next((c.width for c in cols if c.key == "name"), 0)
    short = min(want_name, max(min_name, width // 5))

    def resized(c: Column, w: int) -> Column:
        return C(c.key, c.label, w, c.priority, c.numeric, c.spark, c.help)

    cols = [resized(c, short) if c.key == "name" else c for c in cols]

    def total(cs: list[Column]) -> int:
        return sum(c.width + padding for c in cs)

    shown = list(cols)
    for prio in sorted({c.priority for c in cols if c.priority > 0}, reverse=True):
        if total(shown) <= width:
            break
        # drop the rightmost columns of this priority one at a time
        for c in reversed([c for c in shown if c.priority == prio]):
            if total(shown) <= width:
                break
            shown.remove(c)
    spare = width - total(shown)
    if spare > 0 and want_name > short:
        grow = min(spare, want_name - short)
        shown = [resized(c, c.width + grow) if c.key == "name" else c for c in shown]
        spare -= grow
    elif spare < 0:
        shown = [resized(c, max(8, c.width + spare)) if c.key == "name" else c for c in shown]
    if spare > 0 and grow_spark:
        extra = min(spare, 40)
        shown = [resized(c, c.width + extra) if c.spark else c for c in shown]
    return shown


# -- rows --------------------------------------------------------------------------------------

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
        vks = plan.endpoint_keys(ep)
        cks = [plan.ComponentKeys(ic) for ic in plan.endpoint_components(ep, inv)]
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
        us = Unit.MICROSECONDS
        types = {v.name: v.instance_type for v in ep.variants}

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
            "p50": value_cell(worst("latency_p50"), us, "p50"),
            "p99": value_cell(worst("latency_p99"), us, "p99"),
            "overhead": value_cell(worst("overhead"), us, "Average"),
            "cpu": BLANK if ep.serverless else per_device("cpu", "CPUUtilization"),
            "gpu": BLANK if ep.serverless else per_device("gpu", "GPUUtilization"),
            "mem": value_cell(mem, Unit.PERCENT, level=util_level("MemoryUtilization", mem)),
            "cache": value_cell(pct_of_ratio(mean("cache_hit")), Unit.PERCENT) if ep.multi_model else BLANK,
            "models": value_cell(mean("loaded_models"), Unit.NONE) if ep.multi_model else BLANK,
            "setup": value_cell(worst("setup_time"), us, "Average") if ep.serverless else BLANK,
        }
        spark = trend(store, [k.invocations for k in (cks if from_components else vks)], now)
        level = rate_level(r5) if r5 else ""
        rows.append(Row(ep.key, ep.name, ep, cells, spark, level))
    return rows


def pct_of_ratio(value: float | None) -> float | None:
    """ModelCacheHit's Average is a 0-1 ratio; show it as a percentage."""
    return None if value is None else value * 100.0


def component_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    for ic in inv.components:
        k = plan.ComponentKeys(ic)
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
            "latency": value_cell(latest(store, k.latency_avg, now), Unit.MICROSECONDS, "Average"),
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
    metrics = [cat.find(m, cat.G_INSTANCE) for m in plan.job_metrics(job)]

    def series_for(host: str, m):
        return store.get(plan.job_host_key(job, m.name, host))

    return build_host_table(list(job.hosts), metrics, series_for, job_anchor(job, now), points,
                            scales=scales([m.name for m in metrics], facts))


def per_device_cell(value: float | None, suffix: str = "", level: str = "") -> Cell:
    """A utilization cell with how it is scaled (:class:`~tui.model.per_device.Scale`'s suffix):
    ``"92.0%×8"`` a mean per device of 8, ``"736.0%Σ"`` CloudWatch's sum where the instance type,
    and so the device count, is unknown. No colour by default: a busy GPU is not a problem."""
    cell = value_cell(value, Unit.PERCENT, level=level)
    if value is not None and suffix.strip():
        cell = Cell(cell.text + suffix.strip(), cell.sort, cell.level)
    return cell


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
            return Cell("✔ ok", 4, OK)
        return Cell("", 5, "")
    mark = "✖" if h.level is health.Level.CRIT else "▲"
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
        metrics = plan.job_metrics(job)

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
            "hosts": Cell(hosts, job.instance_count),
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
        k = plan.PipelineKeys(p)
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
        avg_dur = mean_or_none(v for _t, v in _window_points(store, k.duration, now))
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
        rows.append(Row(p.key, p.name, p, cells, trend(store, [k.started], now)))
    return rows


def _window_points(store: SeriesStore, key: SeriesKey, now: int) -> list[tuple[int, float]]:
    s = store.get(key)
    if s is None:
        return []
    return [(t, v) for t, v in s.points.items() if now - store.window < t <= now]


def labeling_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    for lj in inv.labeling_jobs:
        k = plan.LabelingKeys(lj)

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
        k = plan.FeatureKeys(fg)
        reads, writes = recent_rate(store, k.reads, now), recent_rate(store, k.writes, now)
        e5 = sum_or_none([span_sum(store, k.read_5xx, reads.anchor) if reads.anchor else None,
                           span_sum(store, k.write_5xx, writes.anchor) if writes.anchor else None])
        # throttles of reads and writes (a provisioned group throttles its PutRecords first)
        throttled = sum_or_none([span_sum(store, k.throttled, reads.anchor) if reads.anchor else None,
                                 span_sum(store, k.write_throttled, writes.anchor) if writes.anchor else None])
        stores = "+".join(x for x, on in (("online", fg.online_store), ("offline", fg.offline_store)) if on)
        us = Unit.MICROSECONDS
        cells = {
            "name": name_cell(fg.name),
            "status": status_cell(fg.status),
            "stores": Cell(stores, stores, DIM),
            "reads": value_cell(reads.per_minute),
            "writes": value_cell(writes.per_minute),
            "read_latency": value_cell(latest(store, k.read_latency, now), us, "Average"),
            "write_latency": value_cell(latest(store, k.write_latency, now), us, "Average"),
            "e5xx": value_cell(e5, Unit.COUNT, "Sum", CRIT if e5 else OK),
            "throttled": value_cell(throttled, Unit.COUNT, "Sum", WARN if throttled else OK),
        }
        rows.append(Row(fg.key, fg.name, fg, cells, trend(store, [k.reads], now)))
    return rows


def recommendation_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    rows = []
    for rj in inv.recommendation_jobs:
        k = plan.RecommendationKeys(rj)
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
            "latency": value_cell(max_or_none(latest(store, s["latency"], now) for s in k.sets),
                                  Unit.MILLISECONDS, "Average"),
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
}


def pane_rows(pane: Pane, inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    """Every row of ``pane`` (unfiltered, in discovery order)."""
    return ROW_BUILDERS[pane](inv, store, now)


def resource_count(pane: Pane, inv: Inventory) -> int:
    return len(plan.pane_resources(pane, inv))


def sort_rows(rows: list[Row], column: str | None, reverse: bool = False) -> list[Row]:
    """Rows ordered by a column's sort values; rows without a value always go last."""
    if column is None:
        return list(rows)

    def key(r: Row):
        c = r.cells.get(column)
        v = None if c is None else c.sort
        if isinstance(v, str):
            return (0, 1, v)
        return (0, 0, v) if v is not None else (1, 0, 0)

    present = [r for r in rows if key(r)[0] == 0]
    missing = [r for r in rows if key(r)[0] == 1]
    return sorted(present, key=key, reverse=reverse) + missing
