"""The CloudWatch alarms set on a resource: which ones, their rows and their summary line.

:func:`alarms_for` picks the alarms whose dimensions name a resource, :func:`alarm_rows`
orders them worst state first for :data:`ALARM_COLUMNS`, and :func:`alarm_summary` is the
"Alarms" fact of a summary. Pure Python.
"""

from __future__ import annotations

from typing import Iterable

from tui.model import catalog as cat
from tui.model.catalog import Unit
from tui.model.cells import CRIT, DIM, OK, WARN, Cell, Column, Row, age_cell, name_cell
from tui.model.drill_views import Fact
from tui.model.format import format_count, format_value
from tui.model.resources import Alarm, Inventory, epoch_seconds


def alarm_level(state: str | None) -> str:
    return {"ALARM": CRIT, "INSUFFICIENT_DATA": WARN, "OK": OK}.get(state or "", "")


_COMPARISON = {"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=", "LessThanThreshold": "<",
               "LessThanOrEqualToThreshold": "<=", "LessThanLowerOrGreaterThanUpperThreshold": "outside",
               "LessThanLowerThreshold": "<", "GreaterThanUpperThreshold": ">"}

ALARM_COLUMNS: tuple[Column, ...] = (
    Column("name", "Alarm", 34, 0, False),
    Column("state", "State", 10, 0, False),
    Column("metric", "Metric", 22, 2, False),
    Column("condition", "Condition", 12, 1, False),
    Column("since", "Since", 8, 3),
    Column("reason", "Reason", 50, 4, False),
)

_ALARM_ORDER = {"ALARM": 0, "INSUFFICIENT_DATA": 1, "OK": 2}


def alarm_condition(a: Alarm) -> str:
    if a.threshold is None:
        return ""
    op = _COMPARISON.get(a.comparison or "", a.comparison or "")
    unit = Unit.NONE
    if a.metric:
        try:
            unit = cat.find(a.metric, namespace=a.namespace).unit
        except KeyError:
            pass
    value = format_value(a.threshold, unit) if unit.value in ("Microseconds", "Milliseconds", "Seconds") \
        else format_count(a.threshold)
    return f"{op} {value}".strip()


def alarm_rows(alarms: Iterable[Alarm], now: int) -> list[Row]:
    """Alarms worst state first (ALARM, INSUFFICIENT_DATA, OK), then by name."""
    rows = []
    for a in sorted(alarms, key=lambda a: (_ALARM_ORDER.get(a.state, 3), a.name)):
        updated = epoch_seconds(a.updated)
        reason = " ".join((a.reason or "").split())
        cells = {
            "name": name_cell(a.name),
            "state": Cell(a.state, _ALARM_ORDER.get(a.state, 3), alarm_level(a.state)),
            "metric": Cell(a.metric or "", a.metric or "", DIM),
            "condition": Cell(alarm_condition(a), a.threshold),
            "since": age_cell(updated, now),
            "reason": Cell(reason, reason, DIM),
        }
        rows.append(Row(f"alarm:{a.region}:{a.name}", a.name, a, cells))
    return rows


def alarms_for(inv: Inventory, region: str, **dims: str | Iterable[str]) -> list[Alarm]:
    """Alarms in ``region`` whose dimensions name any of the given values (``EndpointName="x"``,
    ``InferenceComponentName=["a", "b"]``)."""
    wanted = {k: ({v} if isinstance(v, str) else set(v)) for k, v in dims.items()}
    out = []
    for a in inv.alarms:
        if a.region and region and a.region != region:
            continue
        if any(a.dimensions.get(k) in vals for k, vals in wanted.items()):
            out.append(a)
    return out


def alarm_summary(alarms: list[Alarm]) -> Fact:
    firing = [a for a in alarms if a.state == "ALARM"]
    if not alarms:
        return Fact("Alarms", "none set", DIM)
    if firing:
        names = ", ".join(a.name for a in firing[:2]) + (f" +{len(firing) - 2}" if len(firing) > 2 else "")
        return Fact("Alarms", f"{len(firing)} of {len(alarms)} in ALARM: {names}", CRIT)
    missing = sum(1 for a in alarms if a.state == "INSUFFICIENT_DATA")
    text = f"{len(alarms)} set, none firing" + (f" ({missing} insufficient data)" if missing else "")
    return Fact("Alarms", text, OK if not missing else WARN)
