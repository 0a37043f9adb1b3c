"""The job screen: one training, processing or transform job and every host it runs on.

Top to bottom: the breadcrumb (``sagemon › Jobs › bert-pretrain › …``), the job's facts
(type, status and secondary status, instance type x count, elapsed time, failure reason),
the hosts that need attention with the reason, for training jobs a chart per algorithm
metric of the job's metric definitions (``train:loss`` ..., the y axis fitted to the curve),
and the host grid: one row per host, one column per instance metric (value and sparkline),
cluster min/median/max pinned on top.

Keys: Enter opens the host under the cursor, ``l`` the live log of every host, ``/``
filters hosts (by name or health reason; Enter keeps the filter, Esc clears it), ``s``/``S``
sort by a column, ``h`` puts the flagged hosts on top (again: the given order), ``c`` shows
or hides the algorithm charts, Esc goes back.

The screen never calls AWS: :meth:`JobScreen.detail_request` names the series (every host's
instance metrics, the algorithm metrics) and reads (a transform job's hosts) it needs, and
:meth:`JobScreen.show` redraws from the app state in place.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Static

from tui.model.catalog import Kind, Unit
from tui.model.detail import DetailRequest, DetailResult, LogRequest
from tui.model.format import format_age, format_value, safe_text
from tui.model.hosts import HostTable, host_label
from tui.model.job_logs import LogDedup, error_lines, job_log_request
from tui.model.job_requests import (algorithm_names, find_job, hosts_error, job_hosts, job_metrics, job_owner,
                                    job_request, own_span, series_of)
from tui.model.job_views import AlgorithmChart, algorithm_charts, job_host_table, job_facts
from tui.model.logs import LogLine
from tui.model.per_device import legend
from tui.model.resources import Job, job_anchor
from tui.model.time_travel import last_series_time, moment_span, unlisted_instances_note
from tui.screens.base import pushed_breadcrumb
from tui.screens.drill import DrillScreen
from tui.screens.registry import screen_named
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.chart import ChartSeries, MetricChart
from tui.widgets.host_grid import HostGrid
from tui.widgets.host_grid_cells import HEALTH_COLUMN, HOST_COLUMN, VALUE_WIDTH, short_name
from tui.widgets.prompt_line import PromptLine
from tui.widgets.status_bar import StatusBar
from tui.model.glyphs import glyphs
from tui.widgets.palette import palette

if TYPE_CHECKING:  # pragma: no cover
    from tui.model.state import AppState

#: Algorithm metrics drawn as charts (the rest are listed with their latest value).
MAX_ALGORITHM_CHARTS = 3
#: Below this many terminal rows the algorithm charts start hidden (``c`` shows them).
CHARTS_MIN_HEIGHT = 34
#: The host grid's sparkline width (HostGrid's default) and the health column's bounds.
SPARK_WIDTH = 8
HEALTH_MIN_WIDTH = 38
HEALTH_MAX_WIDTH = 72
#: Flagged hosts named in the header; the rest are counted.
HEADER_FLAGS = 4
#: Newest lines of a failed job's log searched for its error lines.
ERROR_SCAN_LINES = 2000


def algorithm_line(charts: list[AlgorithmChart]) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    for i, c in enumerate(charts):
        if i:
            out.append("   ")
        out.append(safe_text(c.name, 60), "bold")
        out.append(" ")
        out.append(format_value(c.latest, Unit.NONE), "" if c.latest is not None else "dim")
    return out


class JobScreen(DrillScreen):
    """One job: facts, algorithm metrics and the per-host utilization grid."""

    DEFAULT_CSS = """
    JobScreen #job-header { height: auto; padding: 0 1; background: $surface; }
    JobScreen #job-charts { height: 11; display: none; }
    JobScreen #job-charts.-shown { display: block; }
    JobScreen #job-charts MetricChart { height: 11; width: 1fr; padding: 0 1; }
    JobScreen #hosts-note { height: auto; padding: 0 1; color: $text-muted; display: none; }
    JobScreen HostGrid { height: 1fr; }
    """

    _ready = False  # composed and mounted: widgets can be drawn

    BINDINGS = [
        *DrillScreen.BINDINGS,
        Binding("l", "logs", "Logs"),
        Binding("slash", "filter", "Filter", key_display="/", priority=True),
        Binding("c", "toggle_charts", "Charts", show=False),
        Binding("s", "sort", "Sort", priority=True),
        Binding("S", "reverse_sort", "Reverse sort", show=False, priority=True),
        Binding("h", "flagged_first", "Flagged first"),
        Binding("a", "own_span", "Own span", show=False),
    ]

    def __init__(self, job: Job, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.job = job
        self.crumb = job.name
        self.state: AppState | None = None
        self.detail: DetailResult | None = None
        #: A job that ended before the window is shown over its own last hours; None: so by
        #: default, a (False / True): the window instead, or its span again.
        self.own_span_on: bool | None = None
        self.table: HostTable | None = None
        self._charts_pref: bool | None = None  # None: automatic (by terminal height)
        self._chart_data: dict[str, tuple] = {}
        self._announced: DetailRequest | None = None
        self._hosts: list[str] = []
        self.timings: dict[str, float] = {}  # last show(): model and widget milliseconds
        # A failed job's log, read to its end: its last error lines go next to the FailureReason.
        self._log_lines: list[LogLine] = []
        self._log_dedup = LogDedup()
        self.error_lines: list[str] = []

    # -- what the refresh layer polls ----------------------------------------------------------
    def hosts(self) -> list[str]:
        """The job's hosts; a transform job's from its read, the last ones found if a read failed."""
        found = job_hosts(self.job, self.detail)
        if found:
            self._hosts = found
        return self._hosts

    def span(self) -> tuple[int, int] | None:
        """The job's own span (it ended before the window), unless ``a`` asked for the window."""
        if self.own_span_on is False or self.state is None:
            return None
        if self.state.at is not None:  # time travel: the job's whole span, wherever the moment is
            return moment_span(self.job, time.time())
        return own_span(self.job, time.time(), self.state.store.window)

    def detail_request(self) -> DetailRequest:
        return job_request(self.job, self.hosts(), algorithm_names(self.job, self.detail), span=self.span())

    def action_own_span(self) -> None:
        if self.state is None or (self.state.at is None and own_span(self.job, time.time(),
                                                                     self.state.store.window) is None):
            self.notify("the window already shows this job", timeout=3)
            return
        self.own_span_on = self.own_span_on is False
        self._redraw()

    def log_request(self) -> LogRequest | None:
        # A failed job's log is read once, to its end, for the error lines beside its reason;
        # otherwise the job's log opens on its own screen (l).
        if self.job.status == "Failed" and self.job.end_time is not None:
            return job_log_request(self.job)
        return None

    def show_logs(self, lines: list[LogLine], error: str | None) -> None:
        new = self._log_dedup.fresh(list(lines))
        if not new:
            return
        self._log_lines = (self._log_lines + new)[-ERROR_SCAN_LINES:]
        self.error_lines = error_lines(self._log_lines, self.job.name)
        if self._ready:
            self._redraw()

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="breadcrumb")
        yield Static(id="job-header")
        yield Horizontal(id="job-charts")
        yield Static(id="hosts-note")
        yield HostGrid(id="hosts", health_width=self._health_width())
        yield PromptLine(id="prompt")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def _health_width(self) -> int:
        """The health column takes what the metric columns leave of the terminal's width."""
        metrics = len(job_metrics(self.job))
        spare = self.app.size.width - 14 - metrics * (VALUE_WIDTH + 1 + SPARK_WIDTH + 2) - 4
        return max(HEALTH_MIN_WIDTH, min(HEALTH_MAX_WIDTH, spare))

    def on_mount(self) -> None:
        self._ready = True  # children exist (is_mounted turns True only after this handler)
        self.query_one(HostGrid).focus()
        if self.state is None:
            self.state = self.app.state if self.hosted else None
        if not self.hosted:
            self._redraw()  # an app that will not call show() right after this screen opens
        else:
            self._draw_breadcrumb()

    def on_resize(self) -> None:
        self._place_charts()

    # -- updates -------------------------------------------------------------------------------
    def show(self, state: "AppState", detail: DetailResult | None) -> None:
        self.state = state
        if detail is not None and detail.owner == job_owner(self.job):
            self.detail = detail
        fresh = find_job(state, self.job.key)
        if fresh is not None:
            self.job = fresh
        if self._ready:
            self._redraw()

    def _redraw(self) -> None:
        state = self.state
        if state is None:
            self._draw_header(None)
            return
        t0 = time.perf_counter()
        # a finished job: its last minutes; time travel: the moment, or its own span's end
        now = job_anchor(self.job, time.time() if self.span() is not None else state.at or time.time())
        hosts = self.hosts()
        store = series_of(state.store, self.detail, self.span())
        self.table = table = job_host_table(self.job, hosts, store, now, facts=self._facts())
        names = algorithm_names(self.job, self.detail)
        charts = algorithm_charts(self.job, names, store, now)
        t1 = time.perf_counter()
        self.query_one(HostGrid).update_table(table)
        self._draw_header(table, charts)
        self._draw_charts(charts)
        self._draw_note(table, hosts)
        self._draw_breadcrumb()
        self.timings = {"model_ms": (t1 - t0) * 1000, "widgets_ms": (time.perf_counter() - t1) * 1000}
        self._request_changed()

    def _request_changed(self) -> None:
        """Tell the app when what this screen needs changed (a transform job's hosts arrived)."""
        request = self.detail_request()
        if request != self._announced:
            first = self._announced is None
            self._announced = request
            if not first:
                self.announce()

    def _draw_header(self, table: HostTable | None, charts: list[AlgorithmChart] | None = None) -> None:
        f = job_facts(self.job)
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f.name, "bold")
        head.append(f"  {f.type}  ", "dim")
        pal = palette(self.app)
        head.append(f.status, pal.status(self.job.status))
        if f.secondary:
            head.append(f" · {f.secondary}")
        head.append(f"   {f.instances}")
        if f.ended:  # how it ended matters more than when it started
            head.append("   ended ", "dim")
            head.append(f.ended)
            head.append("   ran ", "dim")
            head.append(f.elapsed)
        else:
            head.append("   elapsed ", "dim")
            head.append(f.elapsed)
        if f.started:
            head.append("   started ", "dim")
            head.append(f.started)
        lines = [head]
        if f.failure:
            fail = Text()  # wraps: the reason is what an on-call engineer came for
            fail.append(f"{glyphs().crit} failed: ", pal.style("crit"))
            fail.append(f.failure, pal.style("crit") + Style(bold=False))
            lines.append(fail)
        if self.error_lines:
            errs = Text(no_wrap=True, overflow="ellipsis")
            errs.append("  last error lines of its log (l: the whole log)", "dim")
            for line in self.error_lines:
                errs.append("\n  ")
                errs.append(safe_text(line, 300), pal.style("crit") + Style(bold=False))
            lines.append(errs)
        flags = self._flags_line(table) if table is not None else None
        if flags is not None:
            lines.append(flags)
        units = legend(table.scales, self._facts()) if table is not None else ""
        if units:
            lines.append(Text(units, "dim", no_wrap=True, overflow="ellipsis"))
        if charts:
            lines.append(algorithm_line(charts))
        self.query_one("#job-header", Static).update(Group(*lines))

    def _facts(self):
        return self.state.inventory.facts(self.job.instance_type) if self.state is not None else None

    def _flags_line(self, table: HostTable) -> Text | None:
        pal = palette(self.app)
        out = Text()  # may wrap: on a narrow terminal the grid's health column is off screen
        n = len(table.rows)
        flagged = sorted(table.flagged, key=lambda r: -r.level.rank)
        if not n:
            out.append("no hosts known yet", "dim")
            return out
        if not flagged:
            reporting = max((s.reporting for s in table.summary.values()), default=0)
            if not reporting:
                return None  # the note above the grid says why
            dot = glyphs().dot
            out.append(f"{dot} all {n} hosts ok" if n > 1 else f"{dot} the host is ok", pal.style("ok"))
            if not self.job.running and self.job.end_time is not None:
                out.append("  (its last minutes: the grid and charts end where the job ended)", "dim")
            return out
        out.append(f"{glyphs().warn} {len(flagged)} of {n} hosts flagged: ", pal.style(table.level.value))
        for i, row in enumerate(flagged[:HEADER_FLAGS]):
            if i:
                out.append(" · ", "dim")
            out.append(safe_text(row.label, 40), "bold")
            out.append(" ")
            out.append(safe_text(row.reason, 120), pal.style(row.level.value))
        if len(flagged) > HEADER_FLAGS:
            out.append(f" · +{len(flagged) - HEADER_FLAGS} more (sort by Health: s)", "dim")
        return out

    def _draw_note(self, table: HostTable, hosts: list[str]) -> None:
        note = self.query_one("#hosts-note", Static)
        text = ""
        if not hosts:
            err = hosts_error(self.job, self.detail)
            if err:
                text = f"{glyphs().alert} cannot list this job's hosts: {safe_text(err, 200)}"
            elif self.job.kind is Kind.TRANSFORM_JOB:
                when = last_series_time(self.state.at if self.state is not None else None, self.job)
                text = (unlisted_instances_note(when, time.time(), "hosts") if self.detail is not None else "") \
                    or "listing the transform job's hosts (CloudWatch ListMetrics)…"
            else:
                text = "this job has no hosts yet"
        elif (span := self.span()) is not None:
            when = " – ".join(datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M") for t in span)
            text = f"its own span: {when} UTC (a: the last {self.state.window} instead)"
            if not any(s.reporting for s in table.summary.values()):
                text += " · reading it from CloudWatch…" if self.detail is None or self.detail.store is None \
                    else " · CloudWatch holds no host metrics for it"
        elif not any(s.reporting for s in table.summary.values()):
            window = self.state.window if self.state is not None else ""
            text = f"no host metrics in the last {window}"
            if self.job.end_time is not None and not self.job.running:
                text += f": the job ended {format_age(self.job.end_time)} ago"
                if self.state is not None and own_span(self.job, time.time(), self.state.store.window):
                    text += f", before the window (a: its own last {window})"
            elif self.state is not None and not self.state.last_success:
                text = "waiting for the first refresh…"
        note.update(Text(text))
        note.display = bool(text)

    def _draw_breadcrumb(self) -> None:
        grid = self.query_one(HostGrid)
        parts = pushed_breadcrumb(self, self.job.kind)
        if grid.filter_text:
            total = len(self.table.rows) if self.table is not None else 0
            parts.append(f"/{grid.filter_text} ({len(grid.visible_hosts)} of {total})")
        right = []
        if grid.sort_column is not None:
            col = grid.sort_column
            label = {HOST_COLUMN: "host", HEALTH_COLUMN: "health"}.get(col) or short_name(col)
            right.append(f"sort {label} {glyphs().down if grid.sort_reverse else glyphs().up}")
        if self.state is not None:
            right.append(f"window {self.state.window}")
        self.query_one(Breadcrumb).set_path(parts, "  ".join(right))

    # -- algorithm charts --------------------------------------------------------------------------
    def charts_shown(self) -> bool:
        if self.job.kind is not Kind.TRAINING_JOB or not self._chart_data:
            return False
        if not any(v is not None for _period, values in self._chart_data.values() for v in values):
            return False  # nothing measured in the window: the header line says "–"
        if self._charts_pref is not None:
            return self._charts_pref
        return self.app.size.height >= CHARTS_MIN_HEIGHT

    def _place_charts(self) -> None:
        box = self.query_one("#job-charts", Horizontal)
        box.set_class(self.charts_shown(), "-shown")

    def _draw_charts(self, charts: list[AlgorithmChart]) -> None:
        box = self.query_one("#job-charts", Horizontal)
        wanted = charts[:MAX_ALGORITHM_CHARTS]
        existing = list(box.query(MetricChart))
        if [c.title for c in existing] != [c.name for c in wanted]:
            box.remove_children()
            existing = [MetricChart(c.name, Unit.NONE, period=c.period, zero_based=False) for c in wanted]
            box.mount_all(existing)
            self._chart_data.clear()
        for widget, c in zip(existing, wanted):
            sig = (c.period, tuple(c.line))
            if self._chart_data.get(c.name) != sig:  # plotext draws only when the data changed
                self._chart_data[c.name] = sig
                widget.set_series([ChartSeries(c.name, c.line)], period=c.period)
        self._place_charts()

    # -- keys ----------------------------------------------------------------------------------
    def action_toggle_charts(self) -> None:
        self._charts_pref = not self.charts_shown()
        self._place_charts()

    def action_filter(self) -> None:
        prompt = self.query_one(PromptLine)
        if prompt.shown:
            prompt.type_key("slash", "/")
            return
        prompt.open(self.query_one(HostGrid).filter_text, "filter hosts: part of a name or a health reason")

    @on(Input.Changed, "#prompt")
    def _typed(self, event: Input.Changed) -> None:
        if self.query_one(PromptLine).shown:
            self._filter(event.value)

    def prompt_cancelled(self, prompt: PromptLine, value: str) -> None:
        self._filter("")
        self._close_prompt()

    def prompt_accepted(self, prompt: PromptLine, value: str) -> None:
        self._filter(value)
        self._close_prompt()

    def _close_prompt(self) -> None:
        self.query_one(PromptLine).close()
        self.query_one(HostGrid).focus()

    def _filter(self, text: str) -> None:
        self.query_one(HostGrid).set_filter(text)
        self._draw_breadcrumb()

    def action_flagged_first(self) -> None:
        """Sort by health: the worst hosts on top, cursor on the worst (again: the given order)."""
        grid = self.query_one(HostGrid)
        if grid.sort_column == HEALTH_COLUMN:
            grid.sort_by(None)
        else:
            grid.sort_by(HEALTH_COLUMN)
            if grid.visible_hosts:
                grid.select_host(grid.visible_hosts[0])
        self._draw_breadcrumb()

    def action_sort(self) -> None:
        self._sort_key("s")

    def action_reverse_sort(self) -> None:
        self._sort_key("S")

    def _sort_key(self, key: str) -> None:
        # a screen key (so the breadcrumb can say what the rows are sorted by), typed into the
        # prompt while it is open
        prompt = self.query_one(PromptLine)
        if prompt.shown:
            prompt.type_key(key, key)
            return
        grid = self.query_one(HostGrid)
        grid.action_cycle_sort() if key == "s" else grid.action_reverse_sort()
        self._draw_breadcrumb()

    def on_click(self) -> None:  # a click on a column header sorts too
        self.call_after_refresh(self._draw_breadcrumb)

    @on(HostGrid.HostSelected)
    def _host_selected(self, event: HostGrid.HostSelected) -> None:
        event.stop()
        self.open_host(event.host)

    def open_host(self, host: str) -> None:
        grid = self.query_one(HostGrid)
        order = grid.visible_hosts or self.hosts()
        self.app.push_screen(screen_named("job-host")(self.job, host, hosts=self.hosts(), order=order,
                                                      state=self.state, span=self.span()))

    def action_logs(self) -> None:
        hosts = self.hosts()
        width = max((len(host_label(h)) for h in hosts), default=6)
        self.app.push_screen(screen_named("logs")(job_log_request(self.job), kind=self.job.kind,
                                                  job_name=self.job.name, label_width=min(width, 24),
                                                  title=f"every host of {self.job.name}"))


__all__ = ["JobScreen"]
