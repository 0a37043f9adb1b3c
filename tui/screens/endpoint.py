"""The endpoint drill-down screen, and the building blocks of the resource drill-down screens.

:class:`EndpointScreen` shows one endpoint: a summary (status, mode, traffic, errors, the
latency decomposition, alarms), one line about enhanced metrics, the variants table
(instances, weights, traffic share, errors, latency, CPU / GPU per device), four charts
(invocations per variant, error rates, model + overhead latency, utilization with the
reservations; for an endpoint hosting inference components the first three are per
component, the variants publishing none), multi-model loading, serverless cold starts, the
inference components it hosts and its alarms.

Keys: Tab moves between the tables; Enter on a component opens it
(:class:`~tui.screens.component.ComponentScreen`); Enter on a variant, or ``i``, opens the
instances (:mod:`tui.screens.endpoint_hosts`) where the endpoint publishes enhanced metrics;
Esc goes back.

The building blocks below are shared by the endpoint, component, pipeline, labeling,
feature-group and recommendation screens: :class:`ResourceScreen` (breadcrumb, a body,
status bar and footer; keeps the last state and detail result), :class:`DetailTable` (rows of :class:`~tui.model.cells.Row`,
updated in place with the cursor kept on its row), :class:`FactsView` (labelled facts) and
:class:`ChartPanel` (a grid of :class:`~tui.widgets.chart.MetricChart`, rebuilt only when
a chart's lines change: a chart costs tens of milliseconds to draw). Screens never call
AWS: they render the models of :mod:`tui.model.endpoint_detail` and its siblings.
"""

from __future__ import annotations

import time
from typing import ClassVar, Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from tui.model.detail import DetailRequest, DetailResult
from tui.model.endpoint_detail import (ALARM_COLUMNS, COMPONENT_COLUMNS, METRIC_COLUMNS, VARIANT_COLUMNS,
                                       ChartSpec, EnhancedInfo, Fact, PublishPeriod, alarm_rows, components_of,
                                       endpoint_alarms, endpoint_charts, endpoint_facts, endpoint_request,
                                       configured_period, enhanced_info, enhanced_line, mme_rows, serverless_rows, variant_rows)
from tui.model.format import safe_text
from tui.widgets.resource_table import cell_text, row_texts
from tui.model.cells import Column, Row
from tui.model.columns import visible_columns
from tui.model.overview import component_rows
from tui.model.resources import Endpoint, Inventory
from tui.screens.drill import DrillScreen
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.chart import ChartSeries, MetricChart
from tui.widgets.status_bar import StatusBar
from tui.widgets.palette import on_theme_change

LEVELS = ("ok", "info", "warn", "crit", "dim")


# ==============================================================================================
# Building blocks
# ==============================================================================================


class DetailTable(DataTable):
    """A table of model rows with fixed columns; :meth:`show_rows` updates it in place.

    Columns that do not fit the width are dropped by priority (as in the overview); rows
    keep the order the model gives; the cursor stays on the same row key across updates.
    Every cell is ``rich.text.Text`` built from data (never markup).
    """

    DEFAULT_CSS = """
    DetailTable { height: auto; max-height: 14; background: $background; scrollbar-size-vertical: 1; }
    DetailTable > .datatable--header { background: $surface; color: $primary; text-style: bold; }
    DetailTable > .detail-table--ok { color: $sagemon-ok; }
    DetailTable > .detail-table--info { color: $sagemon-info; }
    DetailTable > .detail-table--warn { color: $sagemon-warn; text-style: bold; }
    DetailTable > .detail-table--crit { color: $sagemon-crit; text-style: bold; }
    DetailTable > .detail-table--dim { color: $sagemon-dim; }
    DetailTable > .detail-table--spark { color: $sagemon-spark; }
    DetailTable > .detail-table--missing { color: $sagemon-dim; }
    """

    #: Home / End go to the first / last row (DataTable's own Home / End scroll sideways).
    BINDINGS = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "detail-table--ok", "detail-table--info", "detail-table--warn", "detail-table--crit", "detail-table--dim",
        "detail-table--spark", "detail-table--missing",
    }

    def __init__(self, columns: Iterable[Column], *, name_width: int | None = None, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.spec: tuple[Column, ...] = tuple(columns)
        self.name_width = name_width
        self.rows_shown: list[Row] = []
        self._by_key: dict[str, Row] = {}
        self._cells: dict[str, list[Text]] = {}
        self._order: list[str] = []
        self._layout: tuple | None = None
        self._cols: list[Column] = []
        self._styles: dict[str, object] = {}

    # -- public ----------------------------------------------------------------------------------
    @property
    def selected_key(self) -> str | None:
        if not self._order or not 0 <= self.cursor_row < len(self._order):
            return None
        return self._order[self.cursor_row]

    @property
    def selected_row(self) -> Row | None:
        key = self.selected_key
        return None if key is None else self._by_key.get(key)

    def row_for(self, key: str) -> Row | None:
        return self._by_key.get(key)

    def show_rows(self, rows: list[Row]) -> None:
        self.rows_shown = list(rows)
        self._by_key = {r.key: r for r in rows}
        self._render_rows()

    def select_key(self, key: str) -> bool:
        if key in self._order:
            self.move_cursor(row=self._order.index(key), animate=False)
            return True
        return False

    def cell_text(self, key: str, column: str) -> str:
        """The text a cell shows now ("" for a hidden column or an unknown row)."""
        keys = [c.key for c in self._cols]
        cells = self._cells.get(key)
        if cells is None or column not in keys:
            return ""
        return cells[keys.index(column)].plain

    def on_mount(self) -> None:
        on_theme_change(self, self._recolour)

    def _recolour(self) -> None:
        """The theme changed: re-read its colours and redraw every cell."""
        self._styles = {}
        self._render_rows()

    # -- drawing ---------------------------------------------------------------------------------
    def _style(self, level: str):
        if not self._styles:
            for name in LEVELS + ("spark", "missing"):
                try:
                    self._styles[name] = self.get_component_rich_style(f"detail-table--{name}", partial=True)
                except Exception:  # noqa: BLE001 - before the first style pass
                    return ""
        return self._styles.get(level, "")

    def _fit(self) -> list[Column]:
        width = self.size.width or (self.app.size.width if self.is_attached else 120)
        longest = max((len(r.name) for r in self.rows_shown), default=12)
        name_width = self.name_width or max(10, min(self.spec[0].width + 12, longest))
        return visible_columns(self.spec, max(20, width - 2), name_width=name_width, grow_spark=True)

    def _cell(self, row: Row, col: Column) -> Text:
        return cell_text(row, col, self._style, name_columns=("name",))

    def _row_cells(self, row: Row) -> list[Text]:
        return row_texts(row, self._cols, self._style, name_columns=("name",))

    def _render_rows(self) -> None:
        if not self.is_attached:
            return
        selected, index = self.selected_key, self.cursor_row
        cols = self._fit()
        layout = tuple((c.key, c.width) for c in cols)
        if layout != self._layout:
            self._rebuild(cols)
            self._layout = layout
        else:
            self._update()
        if selected is not None and selected in self._order:
            index = self._order.index(selected)
        else:
            index = min(max(index, 0), max(len(self._order) - 1, 0))
        if self._order and index != self.cursor_row:
            self.move_cursor(row=index, animate=False, scroll=False)

    def _rebuild(self, cols: list[Column]) -> None:
        self.clear(columns=True)
        self._cols = cols
        for c in cols:
            self.add_column(Text(c.label, justify="right" if c.numeric else "left", no_wrap=True), width=c.width,
                            key=c.key)
        self._cells, self._order = {}, []
        for r in self.rows_shown:
            cells = self._row_cells(r)
            self.add_row(*cells, key=r.key)
            self._cells[r.key] = cells
            self._order.append(r.key)

    def _update(self) -> None:
        wanted = [r.key for r in self.rows_shown]
        wanted_set = set(wanted)
        for key in [k for k in self._order if k not in wanted_set]:
            self.remove_row(key)
            self._cells.pop(key, None)
        present = set(self._order) & wanted_set
        col_keys = [c.key for c in self._cols]
        for r in self.rows_shown:
            cells = self._row_cells(r)
            if r.key not in present:
                self.add_row(*cells, key=r.key)
                self._cells[r.key] = cells
                continue
            for i, (a, b) in enumerate(zip(self._cells[r.key], cells)):
                if a.plain != b.plain or a.style != b.style:
                    self.update_cell(r.key, col_keys[i], b)
            self._cells[r.key] = cells
        current = [k for k in self._order if k in wanted_set] + [k for k in wanted if k not in present]
        if current != wanted:
            position = {k: i for i, k in enumerate(wanted)}
            self.sort(col_keys[0], key=lambda cell: position.get(getattr(cell, "row_key", ""), len(position)))
        self._order = wanted

    def on_resize(self) -> None:
        self._render_rows()

    def watch_virtual_size(self, old, new) -> None:
        # The table's height follows its rows (height: auto). Rows are measured on idle, often
        # right after a layout pass that measured the table empty; a layout request made then
        # is merged into the pending one and the stale empty height is reused, leaving the
        # rows invisible. Asking again once this refresh is done lays the table out anew.
        if old.height != new.height and self.styles.height is not None and self.styles.height.is_auto:
            self.call_after_refresh(self.refresh, layout=True)


class FactsView(Static):
    """Labelled facts, one a line; values wrap; colours by level from the theme."""

    DEFAULT_CSS = """
    FactsView { height: auto; padding: 0 1; }
    FactsView > .facts--label { color: $sagemon-dim; }
    FactsView > .facts--ok { color: $sagemon-ok; }
    FactsView > .facts--info { color: $sagemon-info; }
    FactsView > .facts--warn { color: $sagemon-warn; text-style: bold; }
    FactsView > .facts--crit { color: $sagemon-crit; text-style: bold; }
    FactsView > .facts--dim { color: $sagemon-dim; }
    """

    COMPONENT_CLASSES = {"facts--label", "facts--ok", "facts--info", "facts--warn", "facts--crit", "facts--dim"}

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.facts: list[Fact] = []

    def on_mount(self) -> None:
        on_theme_change(self, lambda: self.set_facts(self.facts, force=True))  # the new colours

    def set_facts(self, facts: list[Fact], *, force: bool = False) -> None:
        if facts == self.facts and self.is_mounted and not force:
            return
        self.facts = list(facts)
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.add_column(no_wrap=True, width=max([len(f.label) for f in facts] + [6]))
        grid.add_column(ratio=1, overflow="fold")
        label_style = self._rich("label")
        for f in facts:
            grid.add_row(Text(f.label, label_style), Text(safe_text(f.text), self._rich(f.level) if f.level else ""))
        self.update(grid)

    def text(self) -> str:
        """The facts as plain ``label: text`` lines."""
        return "\n".join(f"{f.label}: {f.text}" for f in self.facts)

    def _rich(self, level: str):
        try:
            return self.get_component_rich_style(f"facts--{level}", partial=True)
        except Exception:  # noqa: BLE001 - before the first style pass
            return ""


class LineView(Static):
    """One line of text (plain, never markup) coloured by a level."""

    DEFAULT_CSS = """
    LineView { height: auto; padding: 0 1; }
    LineView.-ok { color: $sagemon-ok; }
    LineView.-info { color: $sagemon-info; }
    LineView.-warn { color: $sagemon-warn; text-style: bold; }
    LineView.-crit { color: $sagemon-crit; text-style: bold; }
    LineView.-dim { color: $sagemon-dim; }
    """

    def __init__(self, text: str = "", level: str = "", **kwargs) -> None:
        super().__init__("", **kwargs)
        self.text = ""
        self.level = ""
        self.set_line(text, level)

    def set_line(self, text: str, level: str = "") -> None:
        if (text, level) == (self.text, self.level) and self.text:
            return
        for lv in LEVELS:
            self.set_class(lv == level, f"-{lv}")
        self.text, self.level = text, level
        self.update(Text(safe_text(text)))


class SectionTitle(Static):
    DEFAULT_CSS = """
    SectionTitle { height: 1; padding: 0 1; margin-top: 1; color: $primary; text-style: bold; }
    """

    def __init__(self, title: str, **kwargs) -> None:
        super().__init__(Text(title), **kwargs)


#: Below this many cells of width a chart panel shows one chart per row.
ONE_CHART_BELOW = 100


class ChartPanel(Grid):
    """Charts in a grid of ``columns``; :meth:`set_specs` changes only the charts whose lines
    changed (each rebuild draws with plotext: tens of milliseconds)."""

    DEFAULT_CSS = """
    ChartPanel { grid-size: 2; grid-gutter: 0 2; height: auto; grid-rows: 13; padding: 0 1; }
    ChartPanel MetricChart { height: 13; }
    """

    def __init__(self, columns: int = 2, *, fill: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns = columns
        self.fill = fill  # take the height the screen gives (else 13 rows per row of charts)
        self.specs: list[ChartSpec] = []
        self.charts: list[MetricChart] = []
        self.updates = 0  #: charts whose lines were replaced (for tests of the cost)

    def on_mount(self) -> None:
        self._lay_out()

    def on_resize(self) -> None:
        self._lay_out()

    @property
    def shown_columns(self) -> int:
        """Charts per row: one below :data:`ONE_CHART_BELOW` cells, where two side by side
        would leave each legend a few letters."""
        width = self.size.width or (self.app.size.width if self.is_attached else 0)
        return 1 if 0 < width < ONE_CHART_BELOW else self.columns

    def _lay_out(self) -> None:
        columns = self.shown_columns
        if self.styles.grid_size_columns != columns:
            self.styles.grid_size_columns = columns
        if not self.fill and self.specs:
            height = max(1, (len(self.specs) + columns - 1) // columns) * 13
            if self.styles.height is None or self.styles.height.value != height:
                self.styles.height = height

    def set_specs(self, specs: list[ChartSpec]) -> None:
        charts = self.charts
        shape = [(s.title, s.unit, s.lo, s.hi) for s in specs]
        if len(charts) != len(specs) or shape != [(s.title, s.unit, s.lo, s.hi) for s in self.specs]:
            self.remove_children()
            charts = self.charts = [MetricChart(s.title, s.unit, period=s.period, lo=s.lo, hi=s.hi) for s in specs]
            if charts:
                self.mount_all(charts)
            self.specs = [ChartSpec(s.title, s.unit, s.period, (), s.lo, s.hi) for s in specs]
            self._lay_out()
        for i, (chart, spec) in enumerate(zip(charts, specs)):
            if spec == self.specs[i]:
                continue
            chart.set_series([ChartSeries(line.label, list(line.values)) for line in spec.lines], title=spec.title,
                             period=spec.period)
            self.updates += 1
        self.specs = list(specs)
        self.display = bool(specs) and not self.squeezed

    @property
    def squeezed(self) -> bool:
        return getattr(self, "_squeezed", False)

    def squeeze(self, squeezed: bool) -> None:
        """Hide the charts when the screen is too short for them and what is above them."""
        self._squeezed = squeezed
        self.display = bool(self.specs) and not squeezed


class ResourceScreen(DrillScreen):
    """A drill-down screen of one resource: breadcrumb, body, status bar, footer.

    Subclasses implement :meth:`compose_body`, :meth:`redraw` and ``detail_request``; the
    app hands :meth:`show` each refresh's state and this screen's detail result (and the
    last ones when the screen opens or comes back on top), and reads ``detail_request``
    again after every ``show``: a screen's request grows once a read has answered.
    """

    DEFAULT_CSS = """
    ResourceScreen #body { height: 1fr; }
    ResourceScreen #body > DataTable { margin: 0 1; }
    """

    #: The breadcrumb's first part when this screen is the first drill-down level.
    root_title: ClassVar[str] = ""
    #: Scroll the body (False: the body fills the screen, e.g. around a host grid).
    scrolling: ClassVar[bool] = True

    def __init__(self, *, state=None, detail: DetailResult | None = None, name: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.state = state
        self.detail: DetailResult | None = detail
        self.draws = 0  #: redraws done (for tests)

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="crumbs")
        body = VerticalScroll(id="body") if self.scrolling else Vertical(id="body")
        with body:
            yield from self.compose_body()
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:  # pragma: no cover - every screen has one
        yield from ()

    def on_mount(self) -> None:
        self._set_crumbs()
        if self.state is not None:
            self._redraw()

    # -- data ------------------------------------------------------------------------------------
    def show(self, state, detail: DetailResult | None) -> None:
        self.state = state
        if detail is not None:
            self.accept(detail)
        self.refresh_resource(state)
        if self.is_mounted:
            self._set_crumbs()
            self._redraw()

    def accept(self, detail: DetailResult) -> None:
        """Keep ``detail`` when it answers this screen's request."""
        req = self.detail_request()
        if req is not None and detail.owner == req.owner:
            self.detail = detail

    def refresh_resource(self, state) -> None:
        """Pick up the fresh copy of this screen's resource from ``state.inventory``."""

    def redraw(self) -> None:  # pragma: no cover - every screen has one
        """Update the widgets in place from ``self.state`` and ``self.detail``."""

    def _redraw(self) -> None:
        self.draws += 1
        self.redraw()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()  # the app shows this screen again, with its current state
        self._set_crumbs()

    @property
    def inventory(self) -> Inventory:
        return self.state.inventory if self.state is not None else Inventory()

    @staticmethod
    def now() -> int:
        return int(time.time())

    # -- breadcrumb --------------------------------------------------------------------------------
    def crumbs(self) -> list[str]:
        root = ""
        for screen in self.app.screen_stack:
            if isinstance(screen, DrillScreen):
                root = getattr(screen, "root_title", "")
                break
        return ([root] if root else []) + self.breadcrumb()

    def _set_crumbs(self) -> None:
        window = f"window {self.state.window}" if self.state is not None else ""
        try:
            # the right side as on the overview and the job screens (the footer shows Esc)
            self.query_one("#crumbs", Breadcrumb).set_path(self.crumbs(), window)
        except Exception:  # noqa: BLE001 - not composed yet
            pass

    def push(self, screen: "ResourceScreen") -> None:
        """Open a deeper level, handing it the data this screen has (it draws at once)."""
        self.app.push_screen(screen)


def section(title: str, id: str) -> SectionTitle:
    return SectionTitle(title, id=id)


# ==============================================================================================
# The endpoint screen
# ==============================================================================================


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
        comps = components_of(ep, inv)
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
        from tui.screens.component import ComponentScreen

        self.push(ComponentScreen(component, state=self.state))

    def action_instances(self, variant: str | None = None) -> None:
        if not self.info.found:
            text, _level = enhanced_line(self.endpoint, self.info)
            self.app.notify(text, timeout=6, markup=False)
            return
        from tui.screens.endpoint_hosts import EndpointInstancesScreen

        screen = EndpointInstancesScreen(self.endpoint, info=self.info, state=self.state,
                                         known_period=self._known_period, variant=variant)
        self.push(screen)

    def remember_period(self, seconds: int) -> None:
        """The instances screen found the publishing interval: say it here too."""
        self._known_period = seconds


__all__ = ["ChartPanel", "DetailTable", "EndpointScreen", "FactsView", "LineView", "ResourceScreen",
           "SectionTitle", "section"]
