"""An endpoint's instances and an instance's GPUs, from SageMaker's enhanced endpoint metrics.

:class:`EndpointInstancesScreen` shows one row per instance of the endpoint (the
``InstanceId`` dimension) in the host grid a distributed job uses: invocations and 5XX per
minute, model latency, CPU, memory and GPU utilization (and CloudWatch's instance-level
CPU / GPU / GPU memory UtilizationNormalized where ListMetrics finds them per InstanceId:
"CPU norm", "GPU norm", "GPU mem norm"), and the hottest GPU of each instance, with health
flags (an instance gone silent, a full disk, a lagging or a hot GPU); below it, utilization
and latency per instance over time. CPU and GPU are means per device, 0-100 % (``CPU ×48``,
``GPU ×4``: CloudWatch's sums divided by the instance type's vCPUs and GPUs), as on a job's
host grid; a legend line under the summary says which columns the app divides, which
CloudWatch normalizes, and that the chart and the GPU screen keep CloudWatch's sums (Σ).
Enter on an instance opens :class:`AcceleratorScreen`: one row per GPU (the ``AcceleratorId``
dimension) and each GPU's utilization and memory over time, so a hot GPU stands out.

The instances and GPUs come from the READ_ENHANCED read (ListMetrics). Enhanced utilization
metrics are published every 10 to 300 s; the screens ask for the interval of the endpoint
config when it is known, otherwise first for the finest one (10 s) and then for the spacing
the points show (see :func:`tui.model.endpoint.enhanced.publish_period`): never finer than
published. At a moment older than two weeks (time travel) the instance screen says that the
instances of that time cannot be listed (ListMetrics names only series with data in the last two
weeks). Keys: ``s`` sorts the grid, Enter drills down, Esc goes back.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult

from tui.model.detail import DetailRequest, DetailResult
from tui.model.endpoint.enhanced import (EnhancedInfo, PublishPeriod, enhanced_info, gpus_request, instance_key,
                                         instance_metric_names, instances_request, publish_period)
from tui.model.endpoint.instance_grid import (gpu_charts, gpu_table, hot_gpu, instance_charts, instance_facts,
                                              instance_host, instance_legend, instance_table, split_instance_host,
                                              variant_facts)
from tui.model.resources import Endpoint
from tui.model.time_travel import unlisted_instances_note
from tui.screens.base import ResourceScreen
from tui.widgets.chart_panel import ChartPanel
from tui.widgets.facts_view import FactsView, LineView
from tui.widgets.host_grid import HostGrid

#: Below this many rows the instance and GPU screens leave their charts out.
MIN_HEIGHT_FOR_CHARTS = 32


def _learn(ep: Endpoint, info: EnhancedInfo, store, pairs: list[tuple[str, str]]) -> PublishPeriod:
    """The publishing period, from the config or from the spacing of the utilization series."""
    series = []
    for variant, inst in pairs:
        for metric in instance_metric_names(ep, variant, info):
            s = store.get(instance_key(ep, variant, inst, metric))
            if s is not None and s.points:
                series.append(s)
    return publish_period(ep, series)


class _EnhancedScreen(ResourceScreen):
    """What the instance and GPU screens share: the endpoint, its enhanced dimensions, the period."""

    scrolling = False
    #: What the grid's rows are: its first column's title and their name in its summary.
    row_title = "Instance"
    noun = ("instance", "instances")
    DEFAULT_CSS = """
    EndpointInstancesScreen #grid, AcceleratorScreen #grid { height: auto; max-height: 60%; }
    EndpointInstancesScreen ChartPanel, AcceleratorScreen ChartPanel { height: 1fr; min-height: 13; grid-rows: 1fr; }
    EndpointInstancesScreen ChartPanel MetricChart, AcceleratorScreen ChartPanel MetricChart { height: 1fr; }
    """

    def __init__(self, endpoint: Endpoint, *, info: EnhancedInfo | None = None, state=None,
                 detail: DetailResult | None = None, known_period: int | None = None) -> None:
        super().__init__(state=state, detail=detail)
        self.endpoint = endpoint
        self.info = info if info is not None else enhanced_info(endpoint, detail)
        self.known_period = known_period

    def accept(self, detail: DetailResult) -> None:
        super().accept(detail)
        info = enhanced_info(self.endpoint, detail)
        if info.state in ("found", "none"):
            self.info = info

    def refresh_resource(self, state) -> None:
        fresh = next((e for e in state.inventory.endpoints if e.key == self.endpoint.key), None)
        if fresh is not None:
            self.endpoint = fresh
        self._learn_period()

    def _learn_period(self) -> None:
        if self.state is None or self.known_period is not None:
            return
        pp = _learn(self.endpoint, self.info, self.state.store, self.observed())
        if pp.source != "observed":
            return
        self.known_period = pp.seconds
        for screen in self.app.screen_stack if self.is_attached else ():
            if screen is self or getattr(screen, "endpoint", None) is None:
                continue
            if screen.endpoint.key != self.endpoint.key:
                continue
            if isinstance(screen, _EnhancedScreen):
                if screen.known_period is None:
                    screen.known_period = pp.seconds
            elif callable(getattr(screen, "remember_period", None)):  # the endpoint's own screen
                screen.remember_period(pp.seconds)

    def observed(self) -> list[tuple[str, str]]:
        return self.info.pairs

    @property
    def period(self) -> PublishPeriod:
        return publish_period(self.endpoint, (), self.known_period)

    def compose_body(self) -> ComposeResult:
        yield FactsView(id="facts")
        yield LineView(id="summary")
        yield LineView(id="legend")
        yield HostGrid(spark_width=4, health_width=36, row_title=self.row_title, noun=self.noun, id="grid")
        yield ChartPanel(id="charts", fill=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#grid", HostGrid).focus()

    def on_resize(self) -> None:
        # on a short terminal the grid needs the rows more than the charts do
        self.query_one("#charts", ChartPanel).squeeze(self.size.height < MIN_HEIGHT_FOR_CHARTS)


class EndpointInstancesScreen(_EnhancedScreen):
    """Every instance of an endpoint with enhanced metrics, in a host grid."""

    def __init__(self, endpoint: Endpoint, *, info: EnhancedInfo | None = None, state=None,
                 detail: DetailResult | None = None, known_period: int | None = None,
                 variant: str | None = None) -> None:
        super().__init__(endpoint, info=info, state=state, detail=detail, known_period=known_period)
        self.crumb = "instances"
        self.variant = variant
        self._placed = False

    def detail_request(self) -> DetailRequest:
        return instances_request(self.endpoint, self.info, self.period)

    def redraw(self) -> None:
        ep, store, now = self.endpoint, self.state.store, self.now()
        info, period = self.info, self.period
        facts = variant_facts(ep, self.inventory)
        self.query_one("#facts", FactsView).display = False
        grid = self.query_one("#grid", HostGrid)
        old = unlisted_instances_note(getattr(self.state, "at", None), time.time())
        if not info.found:
            text = (old or "No enhanced metrics for this endpoint: no InstanceId series in CloudWatch"
                    if info.state == "none" else f"Cannot list the enhanced metrics: {info.error}"
                    if info.state == "error" else "Looking for the endpoint's instances…")
            warn = info.state == "error" or info.state == "none" and bool(old)
            self.query_one("#summary", LineView).set_line(text, "warn" if warn else "dim")
            grid.display = False
            self.query_one("#legend", LineView).display = False
            self.query_one("#charts", ChartPanel).set_specs([])
            return
        grid.display = True
        table = instance_table(ep, info, store, now, facts=facts)
        grid.update_table(table)
        legend = self.query_one("#legend", LineView)  # at an old moment: the instances listed are today's
        legend.set_line(f"{old}: these are the instances of the last 2 weeks" if old
                        else instance_legend(table, facts, bool(info.gpu_count)), "warn" if old else "dim")
        legend.display = True
        n, gpus = info.instance_count, info.gpu_count
        flagged = len(table.flagged)
        text = f"{n} instance{'s' if n != 1 else ''}" + (f", {gpus} GPUs" if gpus else "")
        text += f"   {period.text()}"
        text += f"   {flagged} flagged" if flagged else "   all healthy"
        text += "   ·  Enter: the instance's GPUs" if gpus else ""
        self.query_one("#summary", LineView).set_line(text, "warn" if flagged else "")
        self.query_one("#charts", ChartPanel).set_specs(instance_charts(ep, info, store, now, period.seconds, facts))
        if not self._placed and self.variant:
            first = next((instance_host(ep, v, i) for v, i in info.pairs if v == self.variant), None)
            if first is not None and grid.select_host(first):
                self._placed = True

    def on_host_grid_host_selected(self, event: HostGrid.HostSelected) -> None:
        event.stop()
        variant, instance = split_instance_host(event.host)
        if not self.info.accelerators.get(instance):
            self.app.notify(f"{instance} publishes no per-GPU metrics (no AcceleratorId series)", timeout=5,
                            markup=False)
            return
        self.push(AcceleratorScreen(self.endpoint, variant, instance, info=self.info, state=self.state,
                                    known_period=self.known_period))


class AcceleratorScreen(_EnhancedScreen):
    """The GPUs of one endpoint instance: a row and a line per AcceleratorId."""

    row_title = "GPU"
    noun = ("GPU", "GPUs")

    def __init__(self, endpoint: Endpoint, variant: str, instance: str, *, info: EnhancedInfo | None = None,
                 state=None, detail: DetailResult | None = None, known_period: int | None = None) -> None:
        super().__init__(endpoint, info=info, state=state, detail=detail, known_period=known_period)
        self.variant = variant
        self.instance = instance
        self.crumb = instance

    def detail_request(self) -> DetailRequest:
        return gpus_request(self.endpoint, self.variant, self.instance, self.info, self.period)

    def observed(self) -> list[tuple[str, str]]:
        return [(self.variant, self.instance)]

    def redraw(self) -> None:
        ep, store, now = self.endpoint, self.state.store, self.now()
        variant = next((v for v in ep.variants if v.name == self.variant), None)
        hardware = self.inventory.facts(variant.instance_type) if variant is not None else None
        self.query_one("#facts", FactsView).set_facts(
            instance_facts(ep, self.variant, self.instance, self.info, store, now, hardware))
        self.query_one("#legend", LineView).set_line(
            "GPU, GPU mem: each GPU's own 0-100 % (AcceleratorId); the instance's CPU and GPU above: "
            "means per device, Σ: CloudWatch's sum", "dim")
        table = gpu_table(ep, self.variant, self.instance, self.info, store, now)
        self.query_one("#grid", HostGrid).update_table(table)
        hot = hot_gpu(table)
        if hot is not None:
            row = next(r for r in table.rows if r.label == hot)
            reason = next(f.reason for f in row.flags if f.reason.startswith("hot "))
            self.query_one("#summary", LineView).set_line(reason, row.level.value)
        else:
            n = len(table.rows)
            self.query_one("#summary", LineView).set_line(
                f"{n} GPU{'s' if n != 1 else ''}, none running hot   {self.period.text()}" if n
                else "This instance publishes no per-GPU (AcceleratorId) series", "" if n else "dim")
        self.query_one("#charts", ChartPanel).set_specs(
            gpu_charts(ep, self.variant, self.instance, self.info, store, now, self.period.seconds))


__all__ = ["AcceleratorScreen", "EndpointInstancesScreen"]
