"""Exports of the app's views, built from the same model functions the screens draw from.

:func:`pane_export` is an overview pane (its rows as the table, each row's sparkline as a
series), :func:`job_export` a job screen (the job's facts, its host grid and the cluster's
min / median / max, each host's recent values as series), :func:`resource_export` any
drill-down screen made of facts, row tables and charts (an endpoint: its facts, variants and
charts). ``sagemon-tui snapshot`` prints these; ``x`` in the app writes them to files.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from tui.model.export import Export, ExportColumn, ExportRow, ExportSeries, ExportTable, row_series, table_from_rows
from tui.model.format import format_value, safe_text
from tui.model.hosts import HostTable
from tui.model.cells import Row
from tui.model.columns import COLUMNS, pane_columns
from tui.model.kinds import Pane
from tui.model.series import SeriesStore

#: Summary rows of a host table, as the host grid pins them.
SUMMARY = ("min", "median", "max")


def store_period(store: SeriesStore, default: int = 60) -> int:
    """The period the store's series were fetched at (the overview's share one)."""
    for key in store.keys():
        s = store.get(key)
        if s is not None:
            return s.period
    return default


def pane_export(pane: Pane, rows: Sequence[Row], store: SeriesStore, now: int) -> Export:
    """An overview pane: every column of the pane (the screen hides some when narrow), and the
    Account and Region columns where the rows are of more than one."""
    trend = next((c.label for c in COLUMNS[pane] if c.spark), "trend")
    columns = pane_columns(pane, *(len({getattr(r.resource, a, "") for r in rows}) for a in ("region", "account")))
    return Export(pane.value, tables=[table_from_rows(pane.value, columns, rows)],
                  series=row_series(rows, trend, period=store_period(store), end=now))


def chart_series(specs: Iterable, end: int) -> list[ExportSeries]:
    """The lines of :class:`~tui.model.drill_views.ChartSpec` charts ending at ``end``."""
    out = []
    for spec in specs:
        unit = getattr(spec.unit, "value", spec.unit) or ""
        for line in spec.lines:
            out.append(ExportSeries(safe_text(line.label), safe_text(spec.title), list(line.values), spec.period,
                                    end, str(unit)))
    return out


def resource_export(title: str, facts: Iterable, tables: Iterable[tuple[str, Sequence, Sequence[Row]]],
                    charts: Iterable = (), end: int = 0) -> Export:
    """A drill-down screen: ``facts`` (:class:`~tui.model.drill_views.Fact`), ``tables``
    as (title, columns, rows), ``charts`` as chart specs ending at ``end``."""
    return Export(safe_text(title),
                  facts=[(safe_text(f.label), safe_text(f.text)) for f in facts],
                  tables=[table_from_rows(t, cols, rows) for t, cols, rows in tables],
                  series=chart_series(charts, end))


def job_facts_list(facts) -> list[tuple[str, str]]:
    """A :class:`~tui.model.job_views.JobFacts` as the job screen's header says it."""
    status = facts.status + (f" · {facts.secondary}" if facts.secondary else "")
    out = [("Job", facts.name), ("Type", facts.type), ("Status", status), ("Instances", facts.instances)]
    if facts.ended:
        out += [("Ended", facts.ended), ("Ran", facts.elapsed)]
    else:
        out.append(("Elapsed", facts.elapsed))
    if facts.started:
        out.append(("Started", facts.started))
    if facts.failure:
        out.append(("Failed", facts.failure))
    return out


def host_columns(table: HostTable, label: Callable[[str], str]) -> list[ExportColumn]:
    cols = [ExportColumn("host", "Host")]
    for m in table.metrics:
        sc = table.scales.get(m.name)
        cols.append(ExportColumn(m.name, label(m.name) + (sc.suffix if sc is not None else ""), True))
    return cols + [ExportColumn("health", "Health")]


def host_rows_table(table: HostTable, label: Callable[[str], str], title: str = "hosts") -> ExportTable:
    """One row per host: each metric's newest value as the grid shows it, and its flags."""
    rows = []
    for r in table.rows:
        cells = {"host": safe_text(r.label)}
        values = {}
        for m in table.metrics:
            value = r.latest.get(m.name)
            cells[m.name] = format_value(value, m.unit)
            values[m.name] = value
        cells["health"] = safe_text(r.reason) if r.flags else "ok"
        rows.append(ExportRow(safe_text(r.host), safe_text(r.label), cells, values))
    return ExportTable(title, host_columns(table, label), rows)


def cluster_table(table: HostTable, label: Callable[[str], str]) -> ExportTable:
    """The cluster's min / median / max of each metric's newest values."""
    cols = [c for c in host_columns(table, label) if c.key != "health"]
    cols[0] = ExportColumn("host", "Cluster")
    rows = []
    for which in SUMMARY:
        cells, values = {"host": which}, {}
        for m in table.metrics:
            s = table.summary.get(m.name)
            value = getattr(s, which) if s is not None else None
            cells[m.name] = format_value(value, m.unit)
            values[m.name] = value
        rows.append(ExportRow(which, which, cells, values))
    return ExportTable("cluster", cols, rows)


def host_series(table: HostTable, label: Callable[[str], str]) -> list[ExportSeries]:
    out = []
    for r in table.rows:
        for m in table.metrics:
            values = r.recent.get(m.name) or []
            if values:
                out.append(ExportSeries(safe_text(r.label), label(m.name), list(values), table.period, table.now,
                                        str(getattr(m.unit, "value", m.unit))))
    return out


def job_export(title: str, facts, table: HostTable | None, label: Callable[[str], str]) -> Export:
    """A job screen: its facts, the host grid, the cluster summary, each host's recent values."""
    export = Export(safe_text(title), facts=job_facts_list(facts))
    if table is not None:
        export.tables = [host_rows_table(table, label), cluster_table(table, label)]
        export.series = host_series(table, label)
    return export
