"""Reusable Textual widgets of the drill-down screens; they render model objects only.

* :class:`HostGrid` - one row per host of a job, sortable, filterable, updated in place;
* :class:`MetricChart` - a plotext line chart of one or more series;
* :class:`LogView` - log lines shown literally, with follow mode and search;
* :class:`SparklineText` - a one-line sparkline;
* :class:`PromptLine` - the ``/`` filter or search prompt above the status bar;
* :class:`PanelModal` - a centred, scrollable panel over the current screen (help, problems).

None of them calls AWS: screens hand them :mod:`tui.model` objects. Import each from its own
module (``tui.widgets.host_grid``, ...): the package imports nothing, so the first frame does
not wait for widgets that only drill-down screens use.
"""
