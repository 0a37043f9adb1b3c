"""Health rules: which hosts of a job, and which endpoints, need a person's attention.

Every rule is a pure function over numbers the model already holds, returns a
:class:`HealthFlag` with a sentence a person can act on ("lagging GPU: 31% vs cluster median
91%"), and uses the named thresholds below, so the UI can explain itself and tests can pin
each boundary.

Host rules (distributed training and processing jobs):

* **stale** - no point for :data:`STALE_SECONDS` while at least one peer still reports;
* **lagging GPU** - a host's recent GPU utilization is far below its peers' median, only when
  that median is meaningfully high (an idle cluster lags nobody);
* **disk full** / **disk filling** - latest DiskUtilization at :data:`DISK_FULL_PCT` or more,
  or rising fast enough to fill within :data:`DISK_FILL_MINUTES`;
* **memory high** - latest MemoryUtilization at :data:`MEMORY_HIGH_PCT` or more.

Levels are ``"ok"``, ``"warn"`` and ``"crit"``; the UI picks the colours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Iterable

from tui.model.catalog import Unit
from tui.model.format import format_age, format_count, format_value, to_milliseconds
from tui.model.thresholds import threshold

if TYPE_CHECKING:
    from tui.model.hosts import HostTable

# -- thresholds --------------------------------------------------------------------------

GPU_METRIC = "GPUUtilization"
DISK_METRIC = "DiskUtilization"
MEMORY_METRIC = "MemoryUtilization"

#: Present points averaged per host for the lagging-GPU rule ...
LAG_WINDOW_POINTS = 5
#: ... looked for among this many extra trailing periods (CloudWatch delivers 1-3 min late).
LAG_GRACE_POINTS = 3
#: A host needs at least this many present points to be judged.
LAG_MIN_POINTS = 2
#: Lagging when below this fraction of the peers' median ...
LAG_RATIO = 0.5
#: ... or more than this many points (per GPU) below it.
LAG_POINTS_BELOW = 30.0
#: The peers' median must be at least this (per GPU) for any host to count as lagging.
LAG_BUSY_MEDIAN = 50.0

#: Latest DiskUtilization at or above this is flagged (warn) ...
DISK_FULL_PCT = 90.0
#: ... and at or above this, critical.
DISK_CRIT_PCT = 95.0
#: Colour threshold for a disk value without a flag.
DISK_WARN_PCT = 80.0
#: Trailing periods fitted for the disk trend.
DISK_TREND_POINTS = 10
#: Points needed to fit a trend.
DISK_TREND_MIN_POINTS = 3
#: A disk projected to be full within this many minutes is flagged.
DISK_FILL_MINUTES = 30.0
#: Slower growth than this (percentage points per minute) is not a trend.
DISK_MIN_SLOPE_PER_MIN = 0.05

#: Latest MemoryUtilization at or above this is flagged (warn) ...
MEMORY_HIGH_PCT = 95.0
#: ... and colour threshold for a memory value without a flag.
MEMORY_WARN_PCT = 85.0

#: A host with no point for this long, while a peer reports, has stopped reporting.
STALE_SECONDS = 300

#: Endpoint 5XX share of invocations (percent) for warn and crit.
ERROR_RATE_WARN_PCT = 1.0
ERROR_RATE_CRIT_PCT = 5.0
#: Endpoint p99 latency (milliseconds) for warn and crit.
LATENCY_P99_WARN_MS = 1000.0
LATENCY_P99_CRIT_MS = 5000.0


class Level(str, Enum):
    """How much attention something needs."""

    OK = "ok"
    WARN = "warn"
    CRIT = "crit"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Level.OK: 0, Level.WARN: 1, Level.CRIT: 2}


#: Buckets of the heat scale of utilization grids: ``heat-0`` (idle) to ``heat-4`` (saturated).
HEAT_BUCKETS = 5
#: Stale data: a level of its own (coloured by the theme's ``sagemon-stale``), not a severity.
STALE = "stale"


def heat_level(percent: float | None) -> str | None:
    """The heat bucket of a utilization in percent: ``"heat-0"`` below 20 % ... ``"heat-4"`` at
    80 % and above; ``None`` for no value. A semantic name: the theme decides the colours."""
    if percent is None or percent != percent:
        return None
    bucket = int(max(0.0, min(percent, 100.0)) // (100 / HEAT_BUCKETS))
    return f"heat-{min(bucket, HEAT_BUCKETS - 1)}"


def worst(levels: Iterable[Level]) -> Level:
    """The most severe of ``levels`` (``OK`` for none)."""
    out = Level.OK
    for lv in levels:
        if _RANK[lv] > _RANK[out]:
            out = lv
    return out


class FlagKind(str, Enum):
    """What a flag is about; the order here is the order flags are listed in."""

    FAILED = "failed"
    STALE = "stale"
    DISK_FULL = "disk-full"
    DISK_FILLING = "disk-filling"
    LAGGING_GPU = "lagging-gpu"
    MEMORY_HIGH = "memory-high"
    ERROR_RATE = "error-rate"
    LATENCY = "latency"


_KIND_ORDER = {k: i for i, k in enumerate(FlagKind)}


@dataclass(frozen=True, slots=True)
class HealthFlag:
    """One finding: what, how bad, why (a sentence), about which host and metric."""

    kind: FlagKind
    level: Level
    reason: str
    host: str | None = None
    metric: str | None = None


def sort_flags(flags: Iterable[HealthFlag]) -> list[HealthFlag]:
    """Worst first, then in :class:`FlagKind` order."""
    return sorted(flags, key=lambda f: (-_RANK[f.level], _KIND_ORDER[f.kind]))


def _pct(v: float) -> str:
    return f"{v:.0f}%"


def _present(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and v == v]


# -- host rules --------------------------------------------------------------------------

def recent_mean(values: list[float | None], points: int = LAG_WINDOW_POINTS,
                grace: int = LAG_GRACE_POINTS, min_points: int = LAG_MIN_POINTS) -> float | None:
    """Mean of the newest ``points`` present values among the last ``points + grace`` slots.

    ``None`` when fewer than ``min_points`` are present.
    """
    tail = _present(values[-(points + grace):])[-points:]
    if len(tail) < max(min_points, 1):
        return None
    return sum(tail) / len(tail)


def _median_sorted(s: list[float]) -> float:
    n = len(s)
    mid = n // 2
    return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2.0


def median(values: Iterable[float]) -> float | None:
    """Median of the values (``None`` for none)."""
    s = sorted(values)
    return _median_sorted(s) if s else None


def _median_without(s: list[float], i: int) -> float:
    """Median of sorted ``s`` with the element at index ``i`` left out (len(s) >= 2)."""
    k = len(s) - 1

    def at(j: int) -> float:
        return s[j] if j < i else s[j + 1]

    mid = k // 2
    return at(mid) if k % 2 else (at(mid - 1) + at(mid)) / 2.0


def lagging_gpu_flags(gpu_recent: dict[str, list[float | None]]) -> dict[str, HealthFlag]:
    """Hosts whose recent GPU utilization is far below their peers' median.

    Each host's level is :func:`recent_mean` of its GPU series; it is compared with the
    median of the *other* hosts (so a 2-host job can still flag its slow host). A host lags
    when its level is below ``LAG_RATIO`` x the median, or more than ``LAG_POINTS_BELOW``
    points below it, and only when that median is at least ``LAG_BUSY_MEDIAN``.

    CloudWatch reports GPU utilization 0-100 % *per GPU*; the point thresholds are scaled by
    the GPU count implied by the busiest host (``ceil(max / 100)``, 100.x still counting as
    one GPU).
    """
    levels = {h: m for h, v in gpu_recent.items() if (m := recent_mean(v)) is not None}
    if len(levels) < 2:
        return {}
    ordered = sorted(levels.items(), key=lambda kv: kv[1])
    s = [v for _, v in ordered]
    scale = max(1, math.ceil(s[-1] / 100.0 - 0.1))
    busy = LAG_BUSY_MEDIAN * scale
    below = LAG_POINTS_BELOW * scale
    out: dict[str, HealthFlag] = {}
    for i, (host, level) in enumerate(ordered):
        med = _median_without(s, i)
        if med < busy:
            continue
        if level < med * LAG_RATIO or level < med - below:
            out[host] = HealthFlag(FlagKind.LAGGING_GPU, Level.WARN,
                                   f"lagging GPU: {_pct(level)} vs cluster median {_pct(med)}",
                                   host, GPU_METRIC)
    return out


def disk_flag(host: str, values: list[float | None], period: int = 60) -> HealthFlag | None:
    """Disk full (latest present value at ``DISK_FULL_PCT`` or more) or filling fast.

    Filling: a least-squares line through the present points of the last
    ``DISK_TREND_POINTS`` periods rises at least ``DISK_MIN_SLOPE_PER_MIN`` points a minute
    and reaches 100 % within ``DISK_FILL_MINUTES``.
    """
    tail = values[-DISK_TREND_POINTS:]
    pts = [(i, v) for i, v in enumerate(tail) if v is not None and v == v]
    if not pts:
        return None
    latest = pts[-1][1]
    if latest >= threshold(DISK_METRIC).critical:  # DISK_FULL_PCT unless the config says otherwise
        level = Level.CRIT if latest >= DISK_CRIT_PCT else Level.WARN
        return HealthFlag(FlagKind.DISK_FULL, level, f"disk {_pct(latest)} full", host, DISK_METRIC)
    if len(pts) < DISK_TREND_MIN_POINTS or latest <= pts[0][1]:  # too few, or not rising
        return None
    n = len(pts)
    mx = sum(i for i, _ in pts) / n
    my = sum(v for _, v in pts) / n
    sxx = sum((i - mx) ** 2 for i, _ in pts)
    if sxx == 0:
        return None
    slope = sum((i - mx) * (v - my) for i, v in pts) / sxx  # points per period
    per_min = slope * 60.0 / max(period, 1)
    if per_min < DISK_MIN_SLOPE_PER_MIN:
        return None
    minutes = (100.0 - latest) / per_min
    if minutes > DISK_FILL_MINUTES:
        return None
    return HealthFlag(FlagKind.DISK_FILLING, Level.WARN,
                      f"disk {_pct(latest)} full, filling: full in ~{max(1, round(minutes))}m",
                      host, DISK_METRIC)


def memory_flag(host: str, latest: float | None) -> HealthFlag | None:
    """Memory nearly full: latest MemoryUtilization at ``MEMORY_HIGH_PCT`` or more."""
    if latest is None or latest != latest or latest < threshold(MEMORY_METRIC).critical:  # MEMORY_HIGH_PCT
        return None
    return HealthFlag(FlagKind.MEMORY_HIGH, Level.WARN, f"memory {_pct(latest)} used", host,
                      MEMORY_METRIC)


def stale_flags(last_seen: dict[str, int | None], now: int, window: int | None = None
                ) -> dict[str, HealthFlag]:
    """Hosts with no point for ``STALE_SECONDS`` or more while some peer reports.

    ``last_seen`` maps each host to the epoch second of its newest point (``None``: none
    known); ``window`` is how far back the model looked, for the reason of a host never seen.
    When no host reports (a finished job, or CloudWatch behind for everyone) nothing is
    flagged.
    """
    fresh = {h for h, t in last_seen.items() if t is not None and now - t < STALE_SECONDS}
    if not fresh:
        return {}
    out: dict[str, HealthFlag] = {}
    for host, t in last_seen.items():
        if host in fresh:
            continue
        if t is None:
            span = f" in the last {format_age(now - window, now)}" if window else ""
            reason = f"no data{span}"
        else:
            reason = f"no data for {format_age(t, now)}"
        out[host] = HealthFlag(FlagKind.STALE, Level.CRIT, reason, host)
    return out


def host_flags(table: HostTable) -> dict[str, list[HealthFlag]]:
    """Every rule over every host of ``table``; hosts without a finding are left out.

    Each host's list is sorted worst first (:func:`sort_flags`).
    """
    found: dict[str, list[HealthFlag]] = {}

    def add(flag: HealthFlag | None) -> None:
        if flag is not None and flag.host is not None:
            found.setdefault(flag.host, []).append(flag)

    names = {m.name for m in table.metrics}
    window = table.points * table.period if table.period else None
    for f in stale_flags({r.host: r.last_seen for r in table.rows}, table.now, window).values():
        add(f)
    if GPU_METRIC in names:
        gpu = {r.host: r.recent.get(GPU_METRIC) or [] for r in table.rows}
        for f in lagging_gpu_flags(gpu).values():
            add(f)
    if DISK_METRIC in names:
        for r in table.rows:
            add(disk_flag(r.host, r.recent.get(DISK_METRIC) or [], table.period))
    if MEMORY_METRIC in names:
        for r in table.rows:
            add(memory_flag(r.host, r.latest.get(MEMORY_METRIC)))
    return {h: sort_flags(fs) for h, fs in found.items()}


def metric_level(metric: str, value: float | None) -> Level:
    """How to colour one value of a per-host metric on its own, without peers.

    Only metrics on a fixed 0-100 scale have fixed thresholds: disk, memory and the
    ``*Normalized`` endpoint metrics. Per-GPU and per-core sums are judged against peers
    (:func:`lagging_gpu_flags`), not here.
    """
    t = threshold(metric) if metric in (DISK_METRIC, MEMORY_METRIC) or metric.endswith("Normalized") else None
    if value is None or value != value or t is None:
        return Level.OK
    return Level.CRIT if value >= t.critical else Level.WARN if value >= t.warn else Level.OK


# -- job summary -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class JobHealth:
    """The one-line health of a job for the overview."""

    level: Level
    reason: str
    flagged_hosts: int = 0
    worst: HealthFlag | None = None


def job_health(status: str | None, table: HostTable | None = None,
               failure_reason: str | None = None) -> JobHealth:
    """Worst host flag of the job, or its failure.

    A ``Failed`` status is critical whatever the hosts say ("failed: <reason>"). Otherwise the
    worst flag of any host is reported with its host's short label, and how many other hosts
    are flagged: ``"algo-7: lagging GPU: 31% vs cluster median 91% (+2 more hosts)"``.
    """
    flagged = [r for r in table.rows if r.flags] if table is not None else []
    worst_flag = None
    worst_label = ""
    for r in flagged:
        f = r.flags[0]
        if worst_flag is None or (-_RANK[f.level], _KIND_ORDER[f.kind]) < (
                -_RANK[worst_flag.level], _KIND_ORDER[worst_flag.kind]):
            worst_flag, worst_label = f, r.label
    if status == "Failed":
        why = failure_reason.strip() if failure_reason else ""
        reason = f"failed: {why}" if why else "failed"
        failed = HealthFlag(FlagKind.FAILED, Level.CRIT, reason)
        return JobHealth(Level.CRIT, reason, len(flagged), failed)
    if worst_flag is None:
        return JobHealth(Level.OK, "", 0, None)
    reason = f"{worst_label}: {worst_flag.reason}"
    others = len(flagged) - 1
    if others:
        reason += f" (+{others} more host{'s' if others > 1 else ''})"
    return JobHealth(worst_flag.level, reason, len(flagged), worst_flag)


# -- endpoints ---------------------------------------------------------------------------

def error_rate(errors: float | None, invocations: float | None) -> float | None:
    """5XX errors as a percentage of invocations; ``None`` without traffic or data."""
    if errors is None or invocations is None or errors != errors or invocations != invocations:
        return None
    if invocations <= 0:
        return None
    return 100.0 * errors / invocations


def error_level(rate_pct: float | None, warn: float | None = None, crit: float | None = None) -> Level:
    """Level of an error rate in percent (``None`` is ``OK``: no traffic, nothing failing); the
    bounds default to the ``Invocation5XXErrors`` thresholds (ERROR_RATE_*_PCT unless configured)."""
    if rate_pct is None or rate_pct != rate_pct:
        return Level.OK
    t = threshold("Invocation5XXErrors")
    warn, crit = (t.warn if warn is None else warn), (t.critical if crit is None else crit)
    return Level.CRIT if rate_pct >= crit else Level.WARN if rate_pct >= warn else Level.OK


def latency_level(value: float | None, unit: Unit = Unit.MICROSECONDS,
                  warn_ms: float | None = None, crit_ms: float | None = None) -> Level:
    """Level of a (p99) latency given in ``unit`` (ModelLatency is in microseconds); the bounds
    default to the ``ModelLatency`` thresholds (LATENCY_P99_*_MS unless configured)."""
    if value is None or value != value:
        return Level.OK
    ms = to_milliseconds(value, unit)
    t = threshold("ModelLatency")
    warn_ms, crit_ms = (t.warn if warn_ms is None else warn_ms), (t.critical if crit_ms is None else crit_ms)
    return Level.CRIT if ms >= crit_ms else Level.WARN if ms >= warn_ms else Level.OK


def endpoint_flags(invocations: float | None, errors_5xx: float | None,
                   p99_latency: float | None, latency_unit: Unit = Unit.MICROSECONDS
                   ) -> list[HealthFlag]:
    """Flags of one endpoint variant from its 5XX count, invocations and p99 latency."""
    out = []
    rate = error_rate(errors_5xx, invocations)
    lv = error_level(rate)
    if lv is not Level.OK:
        out.append(HealthFlag(FlagKind.ERROR_RATE, lv,
                              f"5XX errors {rate:.1f}% of {format_count(invocations)} requests",
                              metric="Invocation5XXErrors"))
    lv = latency_level(p99_latency, latency_unit)
    if lv is not Level.OK:
        out.append(HealthFlag(FlagKind.LATENCY, lv,
                              f"p99 latency {format_value(p99_latency, latency_unit)}",
                              metric="ModelLatency"))
    return sort_flags(out)
