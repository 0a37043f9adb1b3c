"""The inference-component drill-down screen: one component and its copies.

A summary (status, endpoint and variant, model, copies current → desired, traffic, the
latency decomposition, alarms), the component's metrics one per row (invocations and
invocations per copy, concurrent requests per copy, model latency average / p50 / p99,
overhead, 4XX / 5XX / model error rates, CPU / GPU / GPU memory / memory normalized), four
charts and the alarms set on the component. Opened from the components pane or from the
endpoint that hosts it; Esc goes back.
"""

from __future__ import annotations

from textual.app import ComposeResult

from tui.model.alarms import ALARM_COLUMNS, alarm_rows, alarms_for
from tui.model.detail import DetailRequest, DetailResult
from tui.model.drill_views import METRIC_COLUMNS, Fact
from tui.model.endpoint.components import component_charts, component_facts, component_metric_rows
from tui.model.endpoint.keys import component_request
from tui.model.resources import InferenceComponent
from tui.screens.base import ResourceScreen
from tui.widgets.chart_panel import ChartPanel
from tui.widgets.detail_table import DetailTable
from tui.widgets.facts_view import FactsView, LineView, section


class ComponentScreen(ResourceScreen):
    """One inference component: per-copy traffic, latency, errors, utilization, alarms."""

    root_title = "Components"

    def __init__(self, component: InferenceComponent, *, state=None, detail: DetailResult | None = None) -> None:
        super().__init__(state=state, detail=detail)
        self.component = component
        self.crumb = component.name
        self.listed = True

    def detail_request(self) -> DetailRequest:
        return component_request(self.component)

    def refresh_resource(self, state) -> None:
        fresh = next((c for c in state.inventory.components if c.key == self.component.key), None)
        self.listed = fresh is not None or not state.loaded
        if fresh is not None:
            self.component = fresh

    def compose_body(self) -> ComposeResult:
        yield FactsView(id="facts")
        yield section("Metrics (rates: per minute over the last 5 minutes)", "metrics-title")
        yield DetailTable(METRIC_COLUMNS, id="metrics")
        yield ChartPanel(id="charts")
        yield section("Alarms", "alarms-title")
        yield DetailTable(ALARM_COLUMNS, id="alarms")
        yield LineView("No alarms are set on this component.", "dim", id="no-alarms")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#metrics", DetailTable).focus()

    def redraw(self) -> None:
        ic, inv, store, now = self.component, self.inventory, self.state.store, self.now()
        facts = component_facts(ic, inv, store, now)
        if not self.listed:
            facts.insert(0, Fact("Note", "no longer listed by SageMaker (deleted?): showing the last data", "warn"))
        self.query_one("#facts", FactsView).set_facts(facts)
        self.query_one("#metrics", DetailTable).show_rows(component_metric_rows(ic, store, now))
        self.query_one("#charts", ChartPanel).set_specs(component_charts(ic, store, now))
        alarms = alarm_rows(alarms_for(inv, ic.region, ic.account, InferenceComponentName=ic.name), now)
        table = self.query_one("#alarms", DetailTable)
        table.show_rows(alarms)
        table.display = bool(alarms)
        self.query_one("#no-alarms", LineView).display = not alarms


__all__ = ["ComponentScreen"]
