"""A simple detail screen for Enter: the resource's fields and its metrics' latest values.

While it is open the refresh layer also fetches this resource's series (every host of a
job); Esc goes back to the overview with the cursor where it was.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime
from enum import Enum

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.model import catalog as cat
from tui.model.format import MISSING, format_age, format_value, safe_text, sparkline
from tui.model.readings import latest
from tui.model.plan import pane_of_kind, resource_keys
from tui.model.resources import Inventory
from tui.model.series import SeriesKey
from tui.model.state import AppState, KIND_FIELDS
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.status_bar import StatusBar

TREND_WIDTH = 30
_HIDDEN_FIELDS = {"kind", "metric_definitions"}


def find_resource(inv: Inventory, key: str):
    for attr in dict.fromkeys(KIND_FIELDS.values()):
        for r in getattr(inv, attr):
            if r.key == key:
                return r
    return None


def _value_text(value) -> str:
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        return f"{value.strftime('%Y-%m-%d %H:%M:%S %Z').strip()} ({format_age(value)} ago)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or MISSING
    if isinstance(value, list):
        if not value:
            return MISSING
        if dataclasses.is_dataclass(value[0]):
            return f"{len(value)}"
        shown = ", ".join(str(v) for v in value[:8])
        return shown + (f" … (+{len(value) - 8})" if len(value) > 8 else "")
    return str(value)


def facts_renderable(resource) -> Table:
    """Every field of the resource as name/value lines (plain text, never markup)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for f in dataclasses.fields(resource):
        if f.name in _HIDDEN_FIELDS:
            continue
        value = getattr(resource, f.name)
        grid.add_row(Text(f.name.replace("_", " ")), Text(safe_text(_value_text(value), 400)))
        if isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            for item in value[:10]:
                parts = [f"{g.name}={_value_text(getattr(item, g.name))}" for g in dataclasses.fields(item)
                         if getattr(item, g.name) not in (None, [], {})]
                grid.add_row(Text(""), Text("· " + safe_text(", ".join(parts), 300), style="dim"))
    return grid


def _unit(key: SeriesKey) -> cat.Unit:
    try:
        return cat.find(key.metric, namespace=key.namespace).unit
    except KeyError:
        return cat.Unit.NONE


def _dims(key: SeriesKey, resource_name: str) -> str:
    vals = [v for _n, v in key.dimensions if v != resource_name]
    return " ".join(v.rsplit("/", 1)[-1] if "/" in v else v for v in vals)


class DetailScreen(Screen):
    """One resource: facts on top, its metrics below."""

    DEFAULT_CSS = """
    DetailScreen #facts { height: auto; max-height: 45%; padding: 0 1; border-bottom: solid $panel; }
    DetailScreen #metrics { height: 1fr; }
    """

    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, state: AppState, resource, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.resource = resource
        self.key = resource.key
        self._rows: list[SeriesKey] = []

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="breadcrumb")
        with VerticalScroll(id="facts"):
            yield Static(facts_renderable(self.resource), id="facts-body")
        table = DataTable(id="metrics", cursor_type="row")
        yield table
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        pane = pane_of_kind(self.resource.kind)
        crumbs = [pane.title if pane else "", safe_text(self.resource.name)]
        self.query_one(Breadcrumb).set_path([c for c in crumbs if c], f"window {self.state.window}")
        table = self.query_one("#metrics", DataTable)
        for label, key, width in (("Metric", "metric", 28), ("Stat", "stat", 8), ("Dimension", "dim", 24),
                                  ("Latest", "latest", 10), ("Trend", "trend", TREND_WIDTH)):
            table.add_column(label, key=key, width=width)
        table.focus()
        self.state_changed()

    def state_changed(self) -> None:
        fresh = find_resource(self.state.inventory, self.key)
        if fresh is not None and fresh is not self.resource:
            self.resource = fresh
            self.query_one("#facts-body", Static).update(facts_renderable(fresh))
        keys = resource_keys(self.resource)
        table = self.query_one("#metrics", DataTable)
        now = int(time.time())
        if keys != self._rows:
            table.clear()
            for k in keys:
                table.add_row(*self._cells(k, now), key=self._row_key(k))
            self._rows = keys
            return
        for k in keys:
            cells = self._cells(k, now)
            rk = self._row_key(k)
            table.update_cell(rk, "latest", cells[3])
            table.update_cell(rk, "trend", cells[4])

    @staticmethod
    def _row_key(k: SeriesKey) -> str:
        return "|".join([k.namespace, k.metric, k.stat] + [v for _n, v in k.dimensions])

    def _cells(self, k: SeriesKey, now: int) -> list[Text]:
        store = self.state.store
        value = latest(store, k, now, fresh=None)
        s = store.get(k)
        values = s.values(now, store.window // s.period) if s is not None else []
        trend = sparkline(values, TREND_WIDTH, lo=0.0) if values else ""
        return [Text(k.metric), Text(k.stat, style="dim"), Text(safe_text(_dims(k, self.resource.name), 24)),
                Text(format_value(value, _unit(k), stat=k.stat), justify="right"), Text(trend)]

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_unmount(self) -> None:
        closed = getattr(self.app, "detail_closed", None)
        if closed is not None:
            closed(self)
