"""The endpoint drill-down screen.

:class:`EndpointScreen` shows one endpoint: a summary (status, mode, traffic, errors, the
latency decomposition, alarms), one line about enhanced metrics, the variants table
(instances, weights, traffic share, errors, latency, CPU / GPU per device), four charts
(invocations per variant, error rates, model + overhead latency, utilization with the
reservations; for an endpoint hosting inference components the first three are per
component, the variants publishing none), multi-model loading, serverless cold starts, the
inference components it hosts and its alarms.

Keys: Tab moves between the tables; Enter on a component opens its screen; Enter on a
variant, or ``i``, opens the instances where the endpoint publishes enhanced metrics (both
through :mod:`tui.screens.registry`); Esc goes back. It renders the models of
:mod:`tui.model.endpoint` and never calls AWS.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from tui.model.alarms import ALARM_COLUMNS, alarm_rows
from tui.model.cells import Row
from tui.model.detail import DetailRequest, DetailResult
from tui.model.drill_views import METRIC_COLUMNS, Fact
from tui.model.endpoint.charts import endpoint_charts
from tui.model.endpoint.components import COMPONENT_COLUMNS
from tui.model.endpoint.enhanced import EnhancedInfo, PublishPeriod, configured_period, enhanced_info, enhanced_line
from tui.model.endpoint.facts import endpoint_alarms, endpoint_facts
from tui.model.endpoint.keys import endpoint_request
from tui.model.endpoint.mme_serverless import mme_rows, serverless_rows
from tui.model.endpoint.variants import VARIANT_COLUMNS, variant_rows
from tui.model.overview import component_rows
from tui.model.plan import endpoint_components
from tui.model.resources import Endpoint, Inventory
from tui.screens.base import ResourceScreen
from tui.screens.registry import screen_class, screen_named
from tui.widgets.chart_panel import ChartPanel
from tui.widgets.detail_table import DetailTable
from tui.widgets.facts_view import FactsView, LineView, SectionTitle, section


class EndpointScreen(ResourceScreen):
    """One endpoint: variants, latency decomposition, errors, utilization, models, components, alarms."""

    root_title = "Endpoints"
    BINDINGS = [Binding("i", "instances", "Instances")]

    def __init__(self, endpoint: Endpoint, *, state=None, detail: DetailResult | None = None) -> None:
        super().__init__(state=state, detail=detail)
        self.endpoint = endpoint
        self.crumb = endpoint.name
        self.info: EnhancedInfo = enhanced_info(endpoint, detail)
        self.listed = True
        self._known_period: int | None = None

    def detail_request(self) -> DetailRequest:
        return endpoint_request(self.endpoint, self.inventory)

    def accept(self, detail: DetailResult) -> None:
        super().accept(detail)
        info = enhanced_info(self.endpoint, detail)
        if info.state != "pending":
            self.info = info

    def refresh_resource(self, state) -> None:
        fresh = next((e for e in state.inventory.endpoints if e.key == self.endpoint.key), None)
        self.listed = fresh is not None or not state.loaded
        if fresh is not None:
            self.endpoint = fresh

    def compose_body(self) -> ComposeResult:
        yield FactsView(id="facts")
        yield LineView(id="enhanced")
        yield section("Variants", "variants-title")
        yield DetailTable(VARIANT_COLUMNS, id="variants")
        yield ChartPanel(id="charts")
        yield section("Multi-model loading", "mme-title")
        yield DetailTable(METRIC_COLUMNS, id="mme")
        yield section("Serverless", "serverless-title")
        yield DetailTable(METRIC_COLUMNS, id="serverless")
        yield section("Inference components (Enter opens one)", "components-title")
        yield DetailTable(COMPONENT_COLUMNS, id="components")
        yield section("Alarms", "alarms-title")
        yield DetailTable(ALARM_COLUMNS, id="alarms")
        yield LineView("No alarms are set on this endpoint.", "dim", id="no-alarms")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#variants", DetailTable).focus()

    def redraw(self) -> None:
        ep, inv, store, now = self.endpoint, self.inventory, self.state.store, self.now()
        facts = endpoint_facts(ep, inv, store, now)
        if not self.listed:
            facts.insert(0, Fact("Note", "no longer listed by SageMaker (deleted?): showing the last data", "warn"))
        self.query_one("#facts", FactsView).set_facts(facts)
        text, level = enhanced_line(ep, self.info, self._period_hint())
        self.query_one("#enhanced", LineView).set_line(text, level)
        self.query_one("#variants", DetailTable).show_rows(variant_rows(ep, store, now, inv))
        self.query_one("#charts", ChartPanel).set_specs(endpoint_charts(ep, store, now, inv))
        self._section("mme", mme_rows(ep, store, now))
        self._section("serverless", serverless_rows(ep, store, now))
        comps = endpoint_components(ep, inv)
        self._section("components", component_rows(Inventory(components=comps), store, now) if comps else [])
        alarms = alarm_rows(endpoint_alarms(ep, inv), now)
        self._section("alarms", alarms, keep_title=True)
        self.query_one("#no-alarms", LineView).display = not alarms

    def _period_hint(self) -> PublishPeriod | None:
        configured = configured_period(self.endpoint)
        if configured is not None:
            return PublishPeriod(configured, "config")
        return None if self._known_period is None else PublishPeriod(self._known_period, "observed")

    def _section(self, name: str, rows: list[Row], keep_title: bool = False) -> None:
        table = self.query_one(f"#{name}", DetailTable)
        table.show_rows(rows)
        table.display = bool(rows)
        self.query_one(f"#{name}-title", SectionTitle).display = bool(rows) or keep_title

    # -- navigation ------------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        table = event.data_table
        if not isinstance(table, DetailTable):
            return
        event.stop()
        row = table.row_for(event.row_key.value)
        if row is None:
            return
        if table.id == "components":
            self.open_component(row.resource)
        elif table.id == "variants":
            self.action_instances(row.name)

    def open_component(self, component) -> None:
        screen = screen_class(component)
        if screen is not None:
            self.push(screen(component, state=self.state))

    def action_instances(self, variant: str | None = None) -> None:
        if not self.info.found:
            text, _level = enhanced_line(self.endpoint, self.info)
            self.app.notify(text, timeout=6, markup=False)
            return
        screen = screen_named("endpoint-instances")(self.endpoint, info=self.info, state=self.state,
                                                    known_period=self._known_period, variant=variant)
        self.push(screen)

    def remember_period(self, seconds: int) -> None:
        """The instances screen found the publishing interval: say it here too."""
        self._known_period = seconds


__all__ = ["EndpointScreen"]
