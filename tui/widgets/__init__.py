"""Reusable Textual widgets of the drill-down screens; they render model objects only.

* :class:`HostGrid` - one row per host of a job, sortable, filterable, updated in place;
* :class:`MetricChart` - a plotext line chart of one or more series;
* :class:`LogView` - log lines shown literally, with follow mode and search;
* :class:`SparklineText` - a one-line sparkline.

None of them calls AWS: screens hand them :mod:`tui.model` objects.
"""

from tui.widgets.chart import ChartSeries, MetricChart
from tui.widgets.host_grid import HostGrid
from tui.widgets.log_view import LogView
from tui.widgets.sparkline_text import SparklineText

__all__ = ["ChartSeries", "HostGrid", "LogView", "MetricChart", "SparklineText"]
