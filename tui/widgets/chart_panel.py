"""A grid of metric charts for the drill-down screens: :class:`ChartPanel`.

It draws :class:`~tui.model.drill_views.ChartSpec` charts with
:class:`~tui.widgets.chart.MetricChart`, rebuilding only the charts whose lines changed (a
chart costs tens of milliseconds to draw), one chart a row on a narrow terminal.
"""

from __future__ import annotations

from textual.containers import Grid

from tui.model.drill_views import ChartSpec
from tui.widgets.chart import ChartSeries, MetricChart

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


__all__ = ["ONE_CHART_BELOW", "ChartPanel"]
