"""The per-host table of a distributed job: one row per host, one column per instance metric.

:func:`build_host_table` reads each host's series on the period grid ending at ``now`` and
keeps, per metric, the recent values (for a sparkline) and the latest present value; it adds
the cluster's min / median / max per metric and runs the health rules of
:mod:`tui.model.health` so every row carries its flags. It is pure and fast enough to run on
every refresh of a 256-host job (see ``bench/grid_256.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from tui.model.catalog import MetricDef
from tui.model.health import HealthFlag, Level, host_flags, median, worst
from tui.model.per_device import Scale
from tui.model.series import Series

#: Period assumed when no host has any series yet.
DEFAULT_PERIOD = 60


def host_label(host: str) -> str:
    """The short name of a Host dimension value: ``"bert-pretrain/algo-7"`` -> ``"algo-7"``.

    The job name (before the first ``/``) cannot contain a slash; the rest is kept whole.
    """
    return host.partition("/")[2] or host


@dataclass(slots=True)
class HostRow:
    """One host: its latest value and recent values per metric (keyed by metric name).

    ``recent`` lists the values of the last ``points`` periods ending at the table's ``now``,
    ``None`` where no point exists; ``latest`` is the newest present value among them
    (``None`` when the window holds none). ``last_seen`` is the epoch second of the host's
    newest point in any metric, ``None`` when none is known.
    """

    host: str
    label: str
    latest: dict[str, float | None]
    recent: dict[str, list[float | None]]
    last_seen: int | None
    flags: list[HealthFlag] = field(default_factory=list)

    def value(self, metric: str) -> float | None:
        return self.latest.get(metric)

    @property
    def level(self) -> Level:
        return self.flags[0].level if self.flags else Level.OK

    @property
    def reason(self) -> str:
        """Every flag's reason, worst first, joined with ``"; "`` (empty when healthy)."""
        return "; ".join(f.reason for f in self.flags)


@dataclass(frozen=True, slots=True)
class MetricSummary:
    """The cluster's spread of one metric's latest values; ``reporting`` hosts had one."""

    min: float | None
    median: float | None
    max: float | None
    reporting: int


@dataclass
class HostTable:
    """Rows in the order the hosts were given, plus the cluster summary per metric."""

    metrics: list[MetricDef]
    rows: list[HostRow]
    summary: dict[str, MetricSummary]
    now: int
    period: int
    points: int
    #: Per metric, how its values were scaled (per device) and what they mean; empty: as published.
    scales: dict[str, Scale] = field(default_factory=dict)
    _index: dict[str, HostRow] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._index:
            self._index = {r.host: r for r in self.rows}

    def row(self, host: str) -> HostRow | None:
        return self._index.get(host)

    @property
    def hosts(self) -> list[str]:
        return [r.host for r in self.rows]

    @property
    def flagged(self) -> list[HostRow]:
        return [r for r in self.rows if r.flags]

    @property
    def level(self) -> Level:
        return worst(r.level for r in self.rows)


def _min_median_max(values: list[float]) -> MetricSummary:
    if not values:
        return MetricSummary(None, None, None, 0)
    return MetricSummary(min(values), median(values), max(values), len(values))


def build_host_table(job_hosts: list[str], metrics: list[MetricDef],
                     series_for: Callable[[str, MetricDef], Series | None], now: int,
                     points: int = 30, *, assess: bool = True,
                     scales: Mapping[str, Scale] | None = None) -> HostTable:
    """Read every host's series into a :class:`HostTable`.

    ``series_for(host, metric)`` returns the host's series of that metric (or ``None``);
    values are read on each series' own period grid, ``points`` periods ending at ``now``.
    NaN points count as missing. ``scales`` divides a metric's values (CloudWatch's sums over
    vCPUs or GPUs become means per device, see :mod:`tui.model.per_device`), so the health
    rules judge what is shown. With ``assess`` the health rules fill each row's ``flags``.
    """
    scales = dict(scales or {})
    divisors = {name: sc.divisor for name, sc in scales.items() if sc.divisor != 1}
    names = [m.name for m in metrics]
    labels = [host_label(h) for h in job_hosts]
    if len(set(labels)) != len(labels):
        seen: dict[str, int] = {}
        for lb in labels:
            seen[lb] = seen.get(lb, 0) + 1
        labels = [h if seen[lb] > 1 else lb for h, lb in zip(job_hosts, labels)]

    grids: dict[int, list[int]] = {}
    period_seen: int | None = None
    rows: list[HostRow] = []
    columns: dict[str, list[float]] = {n: [] for n in names}
    empty = [None] * points
    for host, label in zip(job_hosts, labels):
        latest: dict[str, float | None] = {}
        recent: dict[str, list[float | None]] = {}
        last_seen: int | None = None
        for m, name in zip(metrics, names):
            s = series_for(host, m)
            if s is None or not s.points:
                latest[name] = None
                recent[name] = list(empty)
                if s is not None and period_seen is None:
                    period_seen = s.period
                continue
            period = s.period
            if period_seen is None:
                period_seen = period
            grid = grids.get(period)
            if grid is None:
                end = now - now % period
                grid = grids[period] = [end - (points - 1 - i) * period for i in range(points)]
            vals = s.values(now, points)  # the grid above, read from the arrays in bulk
            div = divisors.get(name)
            if div is not None:
                vals = [v / div if v is not None else None for v in vals]
            value = None
            for i in range(points - 1, -1, -1):
                v = vals[i]
                if v is not None:
                    if v != v:  # NaN: missing
                        continue
                    value = v
                    ts = grid[i]
                    if last_seen is None or ts > last_seen:
                        last_seen = ts
                    break
            if value is None:
                newest = s.latest()
                if newest is not None and newest[1] == newest[1] and (last_seen is None or newest[0] > last_seen):
                    last_seen = newest[0]
            else:
                columns[name].append(value)
            latest[name] = value
            recent[name] = vals
        rows.append(HostRow(host, label, latest, recent, last_seen))

    table = HostTable(metrics=list(metrics), rows=rows,
                      summary={n: _min_median_max(columns[n]) for n in names}, now=now,
                      period=period_seen or DEFAULT_PERIOD, points=points, scales=scales)
    if assess:
        for host, flags in host_flags(table).items():
            row = table.row(host)
            if row is not None:
                row.flags = flags
    return table
