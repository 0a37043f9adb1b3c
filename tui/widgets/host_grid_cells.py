"""The host grid's columns and cells: column keys and titles, and the text of every cell.

:class:`GridCells` turns a :class:`~tui.model.hosts.HostRow` (or the table's min / median /
max summary) into the grid's cells: the latest value plus a sparkline on a scale shared by the
whole column, a health cell with the reason of the host's worst flag. Each cell is first
reduced to a *signature* (its text and level names), so the grid rewrites a cell only when its
signature changed; the cell itself is a :class:`~tui.widgets.line_cell.LineText` built from
data (nothing from AWS is read as markup) and coloured through the theme's palette.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Span, Text

from tui.model.catalog import MetricDef, Unit
from tui.model.format import format_value, safe_text, sparkline
from tui.model.health import STALE, FlagKind, Level, heat_level, metric_level
from tui.model.hosts import HostRow, HostTable, MetricSummary
from tui.widgets.line_cell import LineText

HOST_COLUMN = "host"
HEALTH_COLUMN = "health"

#: Row keys of the pinned summary rows (no Host dimension value can contain NUL).
SUMMARY_ROWS = ("\0min", "\0median", "\0max")
_SUMMARY_TITLES = {"\0min": "min", "\0median": "median", "\0max": "max"}

#: Short column titles of the instance metrics.
SHORT_NAMES = {
    "CPUUtilization": "CPU",
    "CPUUtilizationNormalized": "CPU norm",
    "CPUReservation": "CPU res",
    "DiskUtilization": "Disk",
    "GPUUtilization": "GPU",
    "GPUUtilizationNormalized": "GPU norm",
    "GPUMemoryUtilization": "GPU mem",
    "GPUMemoryUtilizationNormalized": "GPU mem norm",
    "GPUReservation": "GPU res",
    "MemoryUtilization": "Mem",
    "MemoryReservation": "Mem res",
}

#: Cells hold semantic levels ("warn", "stale", "heat-3", ...); the theme's palette colours them.
LEVELS = {Level.OK: "", Level.WARN: "warn", Level.CRIT: "crit"}

VALUE_WIDTH = 7

#: A column's sparkline scale: (low, high), ``(None, None)`` when nothing is known.
Scale = tuple[float | None, float | None]


def short_name(metric: str) -> str:
    return SHORT_NAMES.get(metric) or metric.replace("Utilization", "") or metric


class HostLabel(LineText):
    """The host-column cell; carries its row key so sorting can find the host."""

    def __init__(self, text: str, row_key: str, style="") -> None:
        super().__init__(text, style=style, no_wrap=True, end="")
        self.row_key = row_key


def column_scales(metrics: list[MetricDef], table: HostTable) -> dict[str, Scale]:
    """One sparkline scale per column so hosts compare at a glance."""
    out: dict[str, Scale] = {}
    for m in metrics:
        top = table.summary.get(m.name, MetricSummary(None, None, None, 0)).max
        if m.unit is Unit.PERCENT:
            out[m.name] = (0.0, max(100.0, top or 0.0))
        else:
            out[m.name] = (0.0, top) if top else (None, None)
    return out


class GridCells:
    """The cells of one grid: their signatures and their texts.

    ``style(level)`` gives the current theme's style of a level name ("warn", "stale+dim",
    "bold", ...); widths and the row noun are read from ``owner`` (the grid) each time, as a
    screen may set them after the grid was made.
    """

    def __init__(self, owner, style: Callable[[str], object]) -> None:
        self.owner = owner
        self.style = style

    def text(self, text: str, level: str) -> Text:
        return LineText(text, style=self.style(level), no_wrap=True, end="")

    # -- host rows ---------------------------------------------------------------------

    def label_signature(self, row: HostRow, stale: bool) -> tuple:
        return (safe_text(row.label), "dim" if stale else "")

    def label_cell(self, host: str, sig: tuple) -> Text:
        return HostLabel(sig[0], host, self.style(sig[1]))

    def metric_signature(self, row: HostRow, m: MetricDef, scale: Scale, stale: bool) -> tuple:
        value = row.latest.get(m.name)
        text = format_value(value, m.unit)
        spark = sparkline(row.recent.get(m.name) or [], self.owner.spark_width, *scale)
        level = metric_level(m.name, value)
        for f in row.flags:
            if f.metric == m.name and f.level.rank > level.rank:
                level = f.level
        level_name = "dim" if stale and level is Level.OK else LEVELS[level]  # old data: greyed
        # the sparkline: the level when flagged, else the heat of a utilization, else "spark"
        heat = heat_level(value) if m.unit is Unit.PERCENT and not stale else None
        return (text, spark, level_name, level_name or heat or "spark")

    def metric_cell(self, sig: tuple) -> Text:
        text, spark, level, spark_level = sig
        value = text.rjust(VALUE_WIDTH)
        start = len(value) + 1
        spans = [Span(start, start + len(spark), self.style(spark_level))]
        if level:
            spans.insert(0, Span(0, len(value), self.style(level)))
        return LineText(f"{value} {spark}", no_wrap=True, end="", spans=spans)

    def health_signature(self, row: HostRow) -> tuple:
        if not row.flags:
            return ("ok", "ok+dim")
        level = STALE if all(f.kind is FlagKind.STALE for f in row.flags) else LEVELS[row.level] or "ok"
        return (safe_text(row.reason, self.owner.health_width), level)

    def row_signatures(self, row: HostRow, metrics: list[MetricDef],
                       scales: dict[str, Scale]) -> list[tuple[str, tuple]]:
        """``(column key, signature)`` of every cell of ``row``, in column order."""
        stale = any(f.kind is FlagKind.STALE for f in row.flags)
        out = [(HOST_COLUMN, self.label_signature(row, stale))]
        out.extend((m.name, self.metric_signature(row, m, scales[m.name], stale)) for m in metrics)
        out.append((HEALTH_COLUMN, self.health_signature(row)))
        return out

    def cell(self, host: str, column: str, sig: tuple) -> Text:
        """The cell of a host row showing ``sig``."""
        if column == HOST_COLUMN:
            return self.label_cell(host, sig)
        if column == HEALTH_COLUMN:
            return self.text(sig[0], sig[1])
        return self.metric_cell(sig)

    # -- summary rows ------------------------------------------------------------------

    def summary_values(self, key: str, metrics: list[MetricDef],
                       table: HostTable) -> list[tuple[str, str, str]]:
        """``(column key, text, level)`` of every cell of the summary row ``key``."""
        which = _SUMMARY_TITLES[key]
        out = [(HOST_COLUMN, which, "italic")]
        for m in metrics:
            s = table.summary.get(m.name)
            value = getattr(s, which) if s is not None else None
            out.append((m.name, format_value(value, m.unit).rjust(VALUE_WIDTH), "bold"))
        if key == SUMMARY_ROWS[0]:
            n, bad = len(table.rows), len(table.flagged)
            one, many = self.owner.noun
            text = (f"{bad} of {n} {one if n == 1 else many} flagged" if bad
                    else f"all {n} {many} ok" if n > 1 else f"the {one} is ok" if n else f"no {many}")
            out.append((HEALTH_COLUMN, text, (LEVELS[table.level] or "ok") if bad else "ok+dim"))
        else:
            out.append((HEALTH_COLUMN, "", ""))
        return out

    def summary_cell(self, key: str, column: str, text: str, level: str) -> Text:
        if column == HOST_COLUMN:
            return HostLabel(text, key, self.style(level))
        return self.text(text, level)
