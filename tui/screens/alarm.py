"""The alarm drill-down screen: one CloudWatch alarm on a SageMaker metric.

Its facts (state and since when, the reason CloudWatch gives, the metric, statistic and
period, the condition, the dimensions; a composite alarm's rule and the alarms it combines),
the metric's chart against the threshold over the window, and the resources its dimensions
name (Enter opens one). Opened from the Alarms pane; Esc goes back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable

from tui.model.alarm_detail import (WATCHED_COLUMNS, alarm_charts, alarm_facts, alarm_request, watched_rows)
from tui.model.detail import DetailRequest, DetailResult
from tui.model.drill_views import Fact
from tui.model.resources import Alarm
from tui.screens.base import ResourceScreen
from tui.screens.registry import screen_class
from tui.widgets.chart_panel import ChartPanel
from tui.widgets.detail_table import DetailTable
from tui.widgets.facts_view import FactsView, LineView, section

_GONE = Fact("Note", "no longer listed by CloudWatch (deleted?): showing the last data", "warn")


class AlarmScreen(ResourceScreen):
    """One CloudWatch alarm: its state and reason, its metric against the threshold, what it watches."""

    root_title = "Alarms"

    def __init__(self, alarm: Alarm, *, state=None, detail: DetailResult | None = None) -> None:
        super().__init__(state=state, detail=detail)
        self.resource = alarm
        self.crumb = alarm.name
        self.listed = True

    @property
    def alarm(self) -> Alarm:
        return self.resource

    def detail_request(self) -> DetailRequest:
        return alarm_request(self.alarm)

    def refresh_resource(self, state) -> None:
        fresh = next((a for a in state.inventory.alarms if a.key == self.alarm.key), None)
        self.listed = fresh is not None or not state.loaded
        if fresh is not None:
            self.resource = fresh

    def compose_body(self) -> ComposeResult:
        yield FactsView(id="facts")
        yield ChartPanel(id="charts")
        yield section("Resources it watches (Enter opens one)", "watched-title")
        yield DetailTable(WATCHED_COLUMNS, id="watched")
        yield LineView("None of the resources its dimensions name is listed.", "dim", id="no-watched")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#watched", DetailTable).focus()

    def redraw(self) -> None:
        store, now = self.state.store, self.now()
        facts = alarm_facts(self.alarm, now)
        if not self.listed:
            facts.insert(0, _GONE)
        self.query_one("#facts", FactsView).set_facts(facts)
        self.query_one("#charts", ChartPanel).set_specs(alarm_charts(self.alarm, store, now))
        rows = watched_rows(self.alarm, self.inventory)
        table = self.query_one("#watched", DetailTable)
        table.show_rows(rows)
        table.display = bool(rows)
        self.query_one("#no-watched", LineView).display = not rows

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        table = event.data_table
        if not isinstance(table, DetailTable) or table.id != "watched":
            return
        event.stop()
        row = table.row_for(event.row_key.value)
        screen = screen_class(row.resource) if row is not None else None
        if screen is not None:
            self.push(screen(row.resource, state=self.state))
