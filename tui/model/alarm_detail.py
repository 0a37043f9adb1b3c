"""One CloudWatch alarm's screen as data: its facts, its metric's chart, the resources it watches.

:func:`alarm_request` asks for the alarm's own series (its metric, dimensions and statistic,
as DescribeAlarms gives them); :func:`alarm_facts` says what the alarm is and why it is in its
state; :func:`alarm_charts` draws the metric against the threshold; :func:`watched_rows` lists
the inventory's resources its dimensions name (each opens its own screen). Pure Python.
"""

from __future__ import annotations

from tui.model import catalog as cat
from tui.model.alarms import alarm_condition, alarm_level, alarm_targets
from tui.model.catalog import Unit
from tui.model.cells import DIM, Cell, Column, Row, name_cell, status_cell
from tui.model.detail import DetailRequest
from tui.model.drill_views import ChartLine, ChartSpec, Fact
from tui.model.format import format_age
from tui.model.kinds import KINDS, pane_resources, spec_of
from tui.model.resources import Alarm, Inventory, epoch_seconds
from tui.model.series import SeriesKey, SeriesStore
from tui.model.window_readers import grid, series_period

WATCHED_COLUMNS: tuple[Column, ...] = (
    Column("kind", "Kind", 18, 1, False),
    Column("name", "Name", 40, 0, False),
    Column("status", "Status", 12, 0, False),
)


def alarm_series_key(a: Alarm) -> SeriesKey | None:
    """The series the alarm evaluates (None: a composite alarm, or no metric)."""
    if a.composite or not a.namespace or not a.metric:
        return None
    return SeriesKey(a.namespace, a.metric, tuple(sorted(a.dimensions.items())), a.statistic or cat.AVG, a.region,
                     account=a.account)


def alarm_request(a: Alarm) -> DetailRequest:
    key = alarm_series_key(a)
    return DetailRequest(owner=f"alarm:{a.key}", keys=(key,) if key is not None else ())


def _unit(a: Alarm) -> Unit:
    try:
        return cat.find(a.metric or "", namespace=a.namespace).unit
    except KeyError:
        return Unit.NONE


def alarm_facts(a: Alarm, now: int) -> list[Fact]:
    updated = epoch_seconds(a.updated)
    facts = [Fact("State", a.state + (f"   (since {format_age(updated, now)} ago)" if updated else ""),
                  alarm_level(a.state))]
    if a.reason:
        facts.append(Fact("Reason", " ".join(a.reason.split())))
    if a.composite:
        facts.append(Fact("Rule", a.rule or "", DIM))
        facts.append(Fact("Combines", ", ".join(a.children)))
    else:
        what = f"{a.namespace} / {a.metric}" + (f" ({a.statistic}" if a.statistic else "") \
            + (f", {a.period} s)" if a.statistic and a.period else ")" if a.statistic else "")
        facts.append(Fact("Metric", what))
        if a.threshold is not None:
            facts.append(Fact("Condition", alarm_condition(a)))
    if a.dimensions:
        facts.append(Fact("Dimensions", ", ".join(f"{k}={v}" for k, v in a.dimensions.items()), DIM))
    if a.region:
        facts.append(Fact("Region", a.region, DIM))
    return facts


def alarm_charts(a: Alarm, store: SeriesStore, now: int) -> list[ChartSpec]:
    key = alarm_series_key(a)
    if key is None:
        return []
    period = series_period(store, [key], a.period or 60)
    values = grid(store, key, now, period)
    lines = [ChartLine(f"{a.metric} ({key.stat})", values)]
    if a.threshold is not None:
        lines.append(ChartLine("threshold", [a.threshold] * len(values)))
    return [ChartSpec(f"{a.metric} against the alarm's threshold", _unit(a), period, tuple(lines))]


def watched_resources(a: Alarm, inv: Inventory) -> list:
    """The inventory's resources (in the alarm's region and account) whose names the alarm's
    dimensions hold."""
    names = set(alarm_targets(a))
    out = []
    for pane in dict.fromkeys(spec.pane for spec in KINDS if spec.resource is not Alarm):
        for res in pane_resources(pane, inv):
            if res.name in names and (not a.region or getattr(res, "region", "") in ("", a.region)) \
                    and getattr(res, "account", "") == a.account:
                out.append(res)
    return out


def watched_rows(a: Alarm, inv: Inventory) -> list[Row]:
    rows = []
    for res in watched_resources(a, inv):
        spec = spec_of(res)
        noun = spec.noun if spec else ""
        rows.append(Row(res.key, res.name, res, {"kind": Cell(noun, noun, DIM), "name": name_cell(res.name),
                                                 "status": status_cell(getattr(res, "status", None))}))
    return rows
