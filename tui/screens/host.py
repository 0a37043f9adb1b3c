"""The host screen: one host of a job, every metric over the window against the cluster median.

Top to bottom: the breadcrumb (``sagemon › Jobs › bert-pretrain › algo-7``), the host's
health flags with their reasons and its latest values beside the cluster median, one chart
per instance metric (the host's line and the median of every host of the job), and the
host's own log stream, followed live.

Keys: ``l`` opens the host's log full screen, ``[`` / ``]`` step to the previous / next host
(in the order of the job screen's grid), ``/`` searches the log below, ``f`` toggles
follow, Esc goes back to the job.

Charts are plotext builds (tens of milliseconds each): they are redrawn only when their data
changes, one per frame, so keys stay responsive while a refresh lands.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import Footer, Static

from tui.model.detail import DetailRequest, DetailResult, LogRequest
from tui.model.format import format_age, format_value, safe_text, sparkline
from tui.model.health import Level
from tui.model.hosts import HostRow, HostTable, host_label
from tui.model.job_logs import PANEL_LOOKBACK, host_log_request
from tui.model.job_requests import find_job, host_owner, host_request, job_hosts, series_of
from tui.model.job_views import HostChart, host_charts, job_host_table
from tui.model.resources import Job, job_anchor
from tui.model.time_travel import view_now
from tui.screens.base import LogFollowing, pushed_breadcrumb
from tui.screens.drill import DrillScreen
from tui.screens.registry import screen_named
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.chart import ChartSeries, MetricChart
from tui.widgets.host_grid_cells import short_name
from tui.widgets.log_view import LogView
from tui.widgets.prompt_line import PromptLine
from tui.widgets.status_bar import StatusBar
from tui.model.glyphs import glyphs
from tui.widgets.palette import palette

if TYPE_CHECKING:  # pragma: no cover
    from tui.model.state import AppState

MEDIAN_LABEL = "cluster median"
#: Rows a chart needs to be plotted (MetricChart's title line and its smallest plot).
CHART_ROWS = 9
#: Rows the log panel keeps at least.
LOG_MIN_ROWS = 5


def chart_title(chart: HostChart) -> str:
    """A metric's short name and how it is scaled: ``GPU ×8`` (mean of 8 GPUs), ``CPU Σ`` (a sum)."""
    return short_name(chart.metric.name) + chart.scale.suffix


class HostScreen(LogFollowing, DrillScreen):
    """One host: flags, charts of every metric with the cluster median, and its log."""

    DEFAULT_CSS = """
    HostScreen #host-header { height: auto; padding: 0 1; background: $surface; }
    HostScreen #host-charts { layout: grid; grid-size: 2; grid-gutter: 0 2; height: 7fr; padding: 0 1; }
    HostScreen #host-charts MetricChart { height: 1fr; }
    HostScreen #host-charts.-compact { display: none; }
    HostScreen #host-compact { height: auto; padding: 0 1; display: none; }
    HostScreen #host-compact.-compact { display: block; }
    HostScreen #host-log-title { height: 1; padding: 0 1; background: $boost; }
    HostScreen LogView { height: 3fr; min-height: 3; }
    """

    SEARCH_HINT = "search the log (Enter: search, n/N: next/previous)"

    BINDINGS = [
        *DrillScreen.BINDINGS,
        Binding("l", "logs", "Logs"),
        Binding("left_square_bracket", "step(-1)", "Prev host", key_display="["),
        Binding("right_square_bracket", "step(1)", "Next host", key_display="]"),
        Binding("slash", "search", "Search log", key_display="/", priority=True),
        Binding("f", "follow", "Follow", show=False),
    ]

    def __init__(self, job: Job, host: str, *, hosts: list[str] | None = None, order: list[str] | None = None,
                 state: "AppState | None" = None, span: tuple[int, int] | None = None,
                 name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.job = job
        self.span = span  # the job's own span (a job that ended before the window), or None
        self.host = host
        self.crumb = host_label(host)
        self._hosts = list(hosts) if hosts else []
        self.order = list(order) if order else []
        self.state = state
        self.detail: DetailResult | None = None
        self.table: HostTable | None = None
        self.charts: list[HostChart] = []
        self._chart_sigs: dict[str, tuple] = {}
        self._chart_queue: dict[str, tuple] = {}
        self._draining = False
        self._reset_log()
        self.timings: dict[str, float] = {}

    # -- requests ------------------------------------------------------------------------------
    def hosts(self) -> list[str]:
        return job_hosts(self.job, self.detail) or self._hosts or [self.host]

    def detail_request(self) -> DetailRequest:
        return host_request(self.job, self.host, self.hosts(), span=self.span)

    def log_request(self) -> LogRequest:
        return host_log_request(self.job, self.host, PANEL_LOOKBACK)

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="breadcrumb")
        yield Static(id="host-header")
        yield Grid(id="host-charts")
        yield Static(id="host-compact")
        yield Static(id="host-log-title")
        yield LogView(id="host-log", max_lines=2000)
        yield PromptLine(id="prompt")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._ready = True  # children exist (is_mounted turns True only after this handler)
        if self.state is None:
            self.state = self.app.state if self.hosted else None
        self._mount_log()
        if not self.hosted:
            self._redraw()  # an app that will not call show() right after this screen opens
        else:
            self._draw_breadcrumb()

    # -- updates -------------------------------------------------------------------------------
    def show(self, state: "AppState", detail: DetailResult | None) -> None:
        self.state = state
        if detail is not None and detail.owner == host_owner(self.job, self.host):
            self.detail = detail
        fresh = find_job(state, self.job.key)
        if fresh is not None:
            self.job = fresh
        if self._ready:
            self._redraw()

    def _redraw(self) -> None:
        self._draw_breadcrumb()
        self._draw_log_status()
        state = self.state
        if state is None:
            return
        t0 = time.perf_counter()
        # a finished job: its last minutes; time travel: the moment, or its own span's end
        now = job_anchor(self.job, time.time() if self.span is not None else view_now(state.at, time.time()))
        hosts = self.hosts()
        facts = state.inventory.facts(self.job.instance_type)
        store = series_of(state.store, self.detail, self.span)
        self.table = job_host_table(self.job, hosts, store, now, facts=facts)
        self.charts = host_charts(self.job, self.host, hosts, store, now, facts)
        t1 = time.perf_counter()
        self._draw_header(now)
        self._draw_charts()
        self.timings = {"model_ms": (t1 - t0) * 1000, "widgets_ms": (time.perf_counter() - t1) * 1000}

    def _row(self) -> HostRow | None:
        return self.table.row(self.host) if self.table is not None else None

    def _draw_header(self, now: int) -> None:
        row = self._row()
        hosts = self.hosts()
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(safe_text(self.crumb, 60), "bold")
        position = self.order.index(self.host) + 1 if self.host in self.order else None
        if position is not None:
            head.append(f"  host {position} of {len(self.order)}", "dim")
        head.append("  of ", "dim")
        head.append(safe_text(self.job.name, 80))
        head.append(f"  {self.job.type_label}", "dim")
        head.append("  ")
        pal = palette(self.app)
        head.append(safe_text(self.job.status or "?", 40), pal.status(self.job.status))
        if self.job.instance_type:
            head.append(f"  {safe_text(self.job.instance_type, 40)}")
        if row is not None and row.last_seen is not None:
            head.append("   last point ", "dim")
            head.append(f"{format_age(row.last_seen, time.time())} ago")
        flags = Text(no_wrap=True, overflow="ellipsis")
        if row is not None and row.flags:
            for i, f in enumerate(row.flags):
                if i:
                    flags.append(" · ", "dim")
                mark = glyphs().warn if f.level is Level.WARN else glyphs().crit
                flags.append(f"{mark} ", pal.style(f.level.value))
                flags.append(safe_text(f.reason, 160), pal.style(f.level.value))
        elif row is not None and row.last_seen is not None:
            flags.append(f"{glyphs().dot} no flags: in line with its {max(len(hosts) - 1, 0)} peers",
                         pal.style("ok"))
        else:
            flags.append("○ no metrics for this host in the window", "dim")
        values = Text(no_wrap=True, overflow="ellipsis")
        for i, c in enumerate(self.charts):
            if i:
                values.append("   ")
            values.append(chart_title(c), "bold")
            values.append(" ")
            values.append(format_value(c.latest, c.metric.unit), self._value_style(c))
            values.append(f" (median {format_value(c.median_latest, c.metric.unit)})", "dim")
            if c.scale.per_device and c.raw_latest is not None:  # what CloudWatch publishes
                values.append(f" Σ {format_value(c.raw_latest, c.metric.unit)}", "dim")
        flags.no_wrap = False  # the reasons matter most: they may take a second line
        self.query_one("#host-header", Static).update(Group(head, flags, values))

    def _value_style(self, chart: HostChart, default: str = ""):
        """The theme's style of the chart's metric: its flag's level, else ``default``."""
        row = self._row()
        level = default
        if row is not None:
            for f in row.flags:
                if f.metric == chart.metric.name:
                    level = f.level.value
                    break
        return palette(self.app).style(level) if level else ""

    def _draw_breadcrumb(self) -> None:
        right = f"window {self.state.window}" if self.state is not None else ""
        self.query_one(Breadcrumb).set_path(pushed_breadcrumb(self, self.job.kind), right)

    def _draw_log_status(self) -> None:
        if not self._ready:
            return
        log = self.query_one(LogView)
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("log ", "bold")
        title.append(safe_text(self.crumb, 40), "bold")
        title.append(f"  {self.log_request().group}  ", "dim")
        if not self.log_request().follows:
            title.append("the job has ended: its last lines", "bold")
        else:
            title.append("following" if log.follow else "paused (f follows)",
                         palette(self.app).style("ok" if log.follow else "warn"))
        title.append(f"  {len(log.plain_lines):,} lines", "dim")
        if log.search_text:
            title.append(f"  /{safe_text(log.search_text, 40)}: {len(log.matches)} matches (n/N)", "dim")
        if self.log_error:
            title.append(f"  {glyphs().alert} ", palette(self.app).style("warn"))
            title.append(safe_text(self.log_error, 200), palette(self.app).style("warn"))
        elif not self.log_count:
            title.append("  waiting for log lines…", "dim")
        self.query_one("#host-log-title", Static).update(title)

    # -- charts --------------------------------------------------------------------------------
    def compact(self) -> bool:
        """Too short a terminal to plot every chart (9 rows each, two per row): one line per
        metric instead, the host and the median drawn on one scale."""
        charts = max(len(self.charts), 1)
        needed = 4 + ((charts + 1) // 2) * CHART_ROWS + 1 + LOG_MIN_ROWS + 3
        return self.app.size.height < needed

    def on_resize(self) -> None:
        if self._ready and self.charts:
            self._draw_charts()

    def _draw_charts(self) -> None:
        compact = self.compact()
        self.query_one("#host-charts", Grid).set_class(compact, "-compact")
        self.query_one("#host-compact", Static).set_class(compact, "-compact")
        if compact:
            self._draw_compact()
            return
        box = self.query_one("#host-charts", Grid)
        existing = list(box.query(MetricChart))
        names = [c.metric.name for c in self.charts]
        if [w.id for w in existing] != [f"chart-{n}" for n in names]:
            box.remove_children()
            existing = [MetricChart(chart_title(c), c.metric.unit, period=c.period,
                                    id=f"chart-{c.metric.name}") for c in self.charts]
            box.mount_all(existing)
            self._chart_sigs.clear()
        label = safe_text(self.crumb, 30)
        for c in self.charts:
            title = (f"{chart_title(c)}  {format_value(c.latest, c.metric.unit)}"
                     f" · median {format_value(c.median_latest, c.metric.unit)}")
            sig = (title, c.period, tuple(c.host), tuple(c.median), c.peers)
            if self._chart_sigs.get(c.metric.name) == sig:
                continue
            self._chart_sigs[c.metric.name] = sig
            self._chart_queue[c.metric.name] = (title, c.period, [
                ChartSeries(label, c.host), ChartSeries(f"{MEDIAN_LABEL} ({c.peers} hosts)", c.median)])
        if self._chart_queue and not self._draining:
            self._draining = True
            self.call_after_refresh(self._drain_charts)

    def _draw_compact(self) -> None:
        width = max(self.app.size.width - 2, 40)
        label = safe_text(self.crumb, 12)
        spark = max(8, (width - 9 - 2 * (len(label) + 11) - 4) // 2)
        lines = []
        for c in self.charts:
            present = [v for v in (*c.host, *c.median) if v is not None and v == v]
            hi = max(present, default=0.0)
            if c.metric.is_percent:
                hi = max(hi, 100.0)
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(chart_title(c).ljust(11), "bold")
            line.append(f" {label} ")
            line.append(sparkline(c.host, spark, 0.0, hi or None), self._value_style(c, "spark"))
            line.append(f" {format_value(c.latest, c.metric.unit):>8}")
            line.append("  median ", "dim")
            line.append(sparkline(c.median, spark, 0.0, hi or None), "dim")
            line.append(f" {format_value(c.median_latest, c.metric.unit):>8}", "dim")
            lines.append(line)
        self.query_one("#host-compact", Static).update(Group(*lines))

    def _drain_charts(self) -> None:
        """Hand one chart its new data per frame (each build takes tens of milliseconds)."""
        if not self._chart_queue or not self._ready:
            self._draining = False
            return
        name = next(iter(self._chart_queue))
        title, period, series = self._chart_queue.pop(name)
        try:
            chart = self.query_one(f"#chart-{name}", MetricChart)
        except Exception:  # noqa: BLE001 - the charts were rebuilt meanwhile
            chart = None
        if chart is not None:
            chart.set_series(series, title=title, period=period)
        if self._chart_queue:
            self.call_after_refresh(self._drain_charts)
        else:
            self._draining = False

    # -- keys ----------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        order = self.order or self.hosts()
        if self.host not in order or len(order) < 2:
            return
        self.switch_host(order[(order.index(self.host) + delta) % len(order)])

    def switch_host(self, host: str) -> None:
        """Show another host of the same job (its charts, flags and log) in place."""
        if host == self.host:
            return
        self.host = host
        self.crumb = host_label(host)
        self.detail = None
        self._chart_sigs.clear()
        self._chart_queue.clear()
        self._reset_log()
        log = self.query_one(LogView)
        log.clear()
        log.follow = True
        self._redraw()
        self.announce()  # follow this host's series and log from now on

    def action_logs(self) -> None:
        self.app.push_screen(screen_named("logs")(host_log_request(self.job, self.host), kind=self.job.kind,
                                                  title=f"{self.crumb} of {self.job.name}"))


__all__ = ["HostScreen", "MEDIAN_LABEL"]
