"""What a table shows: columns, rows and their cells, with a sort value and a health level each.

Pure Python (no Textual, no boto3). Every table of the app (the overview panes and the detail
screens' tables) is made of these: a :class:`Row` per resource, a :class:`Cell` per column
holding its text, the value it sorts by and a health level the widgets map to theme colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.model import health
from tui.model.catalog import Unit
from tui.model.format import MISSING, format_age, format_duration, format_value
from tui.model.series import SeriesKey

# Health levels a cell can carry (the widgets map them to theme colours).
OK, INFO, WARN, CRIT, DIM = "ok", "info", "warn", "crit", "dim"

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


def key_cell(value: float | None, key: SeriesKey, level: str = "") -> Cell:
    """A value read from ``key``'s series, formatted in the unit of the catalog entry the key
    carries (and as its statistic: a SampleCount is a count)."""
    return value_cell(value, key.unit, key.stat, level)


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


def per_device_cell(value: float | None, suffix: str = "", level: str = "") -> Cell:
    """A utilization cell with how it is scaled (:class:`~tui.model.per_device.Scale`'s suffix):
    ``"92.0%×8"`` a mean per device of 8, ``"736.0%Σ"`` CloudWatch's sum where the instance type,
    and so the device count, is unknown. No colour by default: a busy GPU is not a problem."""
    cell = value_cell(value, Unit.PERCENT, level=level)
    if value is not None and suffix.strip():
        cell = Cell(cell.text + suffix.strip(), cell.sort, cell.level)
    return cell


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
