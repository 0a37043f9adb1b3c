"""What a drill-down screen's model hands its widgets: facts, chart specs and metric-table rows.

:class:`Fact` is one labelled line of a resource's summary, :class:`ChartSpec` one chart (its
lines on a common period grid), and :func:`metric_row` one row of a metric table
(:data:`METRIC_COLUMNS`: a metric a row, its newest value, a window figure, a trend). Every
drill-down model (endpoint, component, pipeline, labeling, feature group, recommendation)
builds these; the widgets of :mod:`tui.widgets` draw them. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model.catalog import Unit
from tui.model.cells import DIM, Cell, Column, Row, name_cell, status_cell, value_cell
from tui.model.format import format_count, format_value


@dataclass(frozen=True)
class Fact:
    """One labelled fact of a resource's summary (``level``: ok / info / warn / crit / dim)."""

    label: str
    text: str
    level: str = ""


def status_fact(status: str) -> Fact:
    """A summary's "Status" line, at the level of the resource's status cell."""
    return Fact("Status", status, status_cell(status).level)


@dataclass(frozen=True)
class ChartLine:
    label: str
    values: list[float | None]


@dataclass(frozen=True)
class ChartSpec:
    """One chart: its lines on a common period grid (values in the catalog unit)."""

    title: str
    unit: Unit
    period: int
    lines: tuple[ChartLine, ...]
    lo: float | None = None
    hi: float | None = None

    @property
    def has_data(self) -> bool:
        return any(v is not None for line in self.lines for v in line.values)


#: Columns of a metric table: one metric a row, its current value, a window figure, a trend.
METRIC_COLUMNS: tuple[Column, ...] = (
    Column("name", "Metric", 30, 0, False),
    Column("now", "Now", 10, 0, help="newest value (rates: per minute over the last 5 minutes)"),
    Column("window", "Over the window", 18, 1, False),
    Column("trend", "Trend", 30, 2, False, True),
)

#: Columns of a table of event counts (pipeline executions): the value column holds the
#: total over the window, not a current value.
WINDOW_METRIC_COLUMNS: tuple[Column, ...] = (
    Column("name", "Metric", 30, 0, False),
    Column("now", "In window", 10, 0, help="total over the window (a duration row: the newest in the window)"),
    Column("window", "Detail", 18, 1, False),
    Column("trend", "Trend", 30, 2, False, True),
)


def metric_row(key: str, label: str, now_value: float | None, unit: Unit, *, stat: str | None = None,
               window_text: str = "", level: str = "", spark: list[float | None] | None = None,
               now_text: str | None = None, spark_level: str = "") -> Row:
    """One row of a metric table (:data:`METRIC_COLUMNS`)."""
    now_cell = value_cell(now_value, unit, stat, level) if now_text is None else Cell(now_text, now_value, level)
    cells = {"name": name_cell(label), "now": now_cell,
             "window": Cell(window_text, window_text, DIM if window_text else "")}
    return Row(key, label, None, cells, list(spark or []), spark_level)


def max_text(value: float | None, unit: Unit = Unit.NONE) -> str:
    """A metric row's window figure ``"max 12.3 ms"``; empty without a value."""
    return "" if value is None else f"max {format_value(value, unit)}"


def total_text(total: float | None) -> str:
    """A metric row's window figure ``"1,234 in all"``; empty without a value."""
    return "" if total is None else f"{format_count(total)} in all"


def status_level(status: str | None) -> str:
    """The level of a status, also for the SCREAMING_CASE ones (``IN_PROGRESS``, ``COMPLETED``)."""
    level = status_cell(status).level
    if not level and status and status.upper() == status:
        level = status_cell("".join(p.capitalize() for p in status.lower().split("_"))).level
    return level
