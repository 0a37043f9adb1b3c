"""The CloudWatch alarms: the Alarms pane, the alarms set on a resource, and the rows they mark.

:func:`alarms_for` picks the alarms whose dimensions name a resource, :func:`alarm_rows`
orders them worst state first for :data:`ALARM_COLUMNS`, and :func:`alarm_summary` is the
"Alarms" fact of a summary. :func:`alarm_pane_rows` builds the Alarms pane
(:data:`ALARM_PANE_COLUMNS`), and :func:`mark_alarmed_rows` marks the overview rows of the
resources an alarm in ALARM names. An alarm is matched to a resource of its account, or of the
account its metric lives in: a metric-math alarm of the monitoring account whose query names a
source account (``AccountId``) watches that account's resource (:func:`alarm_account`). Pure Python.
"""

from __future__ import annotations

from typing import Iterable

from tui.model import catalog as cat
from tui.model.catalog import Unit
from tui.model.cells import CRIT, DIM, OK, WARN, Cell, Column, Row, age_cell, name_cell
from tui.model.drill_views import Fact
from tui.model.format import format_count, format_value
from tui.model.glyphs import glyphs
from tui.model.resources import Alarm, Inventory, epoch_seconds, scope_of
from tui.model.series import SeriesStore


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


def alarm_account(a: Alarm) -> str:
    """The account whose resource an alarm watches: the account of its metric when the alarm
    names one (a metric-math alarm of the monitoring account on a source account's metrics:
    its query's ``AccountId``), else the alarm's own ("" : the signed-in account, alone)."""
    return a.metric_account or a.account


def alarm_scope(a: Alarm) -> str:
    """:func:`~tui.model.resources.scope_of` of the resource an alarm watches (its
    :func:`alarm_account`, then its region)."""
    account = alarm_account(a)
    return f"{account}/{a.region}" if account else a.region


def alarms_for(inv: Inventory, region: str, account: str | None = None, **dims: str | Iterable[str]) -> list[Alarm]:
    """Alarms in ``region`` (and on ``account``'s resources, :func:`alarm_account`: another
    account's same-named resource is another resource) whose dimensions name any of the given
    values (``EndpointName="x"``, ``InferenceComponentName=["a", "b"]``)."""
    wanted = {k: ({v} if isinstance(v, str) else set(v)) for k, v in dims.items()}
    out = []
    for a in inv.alarms:
        if a.region and region and a.region != region or account is not None and alarm_account(a) != account:
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


# -- the Alarms pane ---------------------------------------------------------------------------

ALARM_PANE_COLUMNS: tuple[Column, ...] = (
    Column("state", "State", 19, 0, False, help="OK, ALARM or INSUFFICIENT_DATA"),
    Column("name", "Name", 30, 0, False),
    Column("resource", "Resource", 26, 1, False, help="the endpoint, job, ... the alarm's dimensions name"),
    Column("metric", "Metric", 22, 2, False),
    Column("condition", "Condition", 12, 4, False, help="the comparison with the threshold"),
    Column("since", "Changed", 8, 1, help="time since the alarm's last state change"),
    Column("reason", "Reason", 50, 3, False),
)


def alarm_resource(a: Alarm) -> str:
    """The resource an alarm is about, as its dimensions name it (an endpoint, a job, ...):
    the first of its dimensions' values, a job's host ("job/algo-1") as the job."""
    names = alarm_targets(a)
    return ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else "")


def alarm_targets(a: Alarm) -> list[str]:
    """Every resource name the alarm's dimensions hold (a host dimension "job/algo-1": "job")."""
    out: list[str] = []
    for name, value in a.dimensions.items():
        if name == "VariantName" and len(a.dimensions) > 1:
            continue  # a variant is named by its endpoint
        out.append(value.split("/", 1)[0] if name == "Host" else value)
    return list(dict.fromkeys(v for v in out if v))


def alarm_pane_rows(inv: Inventory, store: SeriesStore, now: int) -> list[Row]:
    """One row per alarm of the inventory, in discovery order (the pane sorts)."""
    rows = []
    for a in inv.alarms:
        updated = epoch_seconds(a.updated)
        reason = " ".join((a.reason or "").split())
        level = alarm_level(a.state)
        mark = glyphs().crit if a.state == "ALARM" else glyphs().warn if level == WARN else glyphs().ok \
            if level == OK else " "
        metric = a.metric or ""
        if a.composite:
            metric = "composite: " + ", ".join(a.children)
        resource = alarm_resource(a)
        cells = {
            "state": Cell(f"{mark} {a.state}", _ALARM_ORDER.get(a.state, 3), level),
            "name": name_cell(a.name),
            "resource": Cell(resource, resource.lower()),
            "metric": Cell(metric, metric, DIM),
            "condition": Cell(alarm_condition(a), a.threshold),
            "since": age_cell(updated, now),
            "reason": Cell(reason, reason, DIM),
        }
        rows.append(Row(a.key, a.name, a, cells))
    return rows


def firing_targets(inv: Inventory) -> dict[tuple[str, str], list[Alarm]]:
    """(region, resource name) -> the alarms in ALARM that name it (the region after the account
    of the resource it watches, :func:`alarm_scope`, for another account's resource)."""
    out: dict[tuple[str, str], list[Alarm]] = {}
    for a in inv.alarms:
        if a.state == "ALARM":
            for name in alarm_targets(a):
                out.setdefault((alarm_scope(a), name), []).append(a)
    return out


def mark_alarmed_rows(rows: list[Row], inv: Inventory) -> None:
    """Mark, in place, the rows of resources an alarm in ALARM names: the alarm glyph before
    the name, at the critical level (the name still sorts and filters as itself)."""
    firing = firing_targets(inv)
    if not firing:
        return
    for row in rows:
        if isinstance(row.resource, Alarm):
            continue
        region = scope_of(row.resource) if hasattr(row.resource, "region") else ""
        hits = firing.get((region, row.name)) or (firing.get(("", row.name)) if region else None)
        cell = row.cells.get("name")
        if hits and cell is not None:
            row.cells["name"] = Cell(f"{glyphs().alert} {cell.text}", cell.sort, CRIT)
