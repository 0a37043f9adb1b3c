"""The live log screen: a job's (every host) or one host's CloudWatch Logs, followed as they grow.

Lines are shown literally (ANSI colour codes, Rich-markup-looking text and control characters
never style anything: :class:`~tui.widgets.log_view.LogView` makes them safe). In a job's
log each line starts with its host (``algo-7 │ …``) so interleaved hosts stay readable.

Keys: ``f`` toggles follow (scroll with new lines), ``/`` searches (Enter: search, ``n`` /
``N``: next / previous match, Esc: cancel), ``g`` reads the log from its first line (again:
back to its newest lines), arrows and PgUp/PgDn scroll, Esc goes back.

An ended resource's log (a finished or failed job) opens at its last lines, the ones that say
how it ended, and is not followed: nothing more will come.

The screen never calls AWS: :meth:`LogScreen.log_request` says what to follow and the app's
log feed delivers the new lines through :meth:`LogScreen.show_logs`. A feed that starts over
(after a screen on top of this one was closed) may send lines again; they are dropped: see
:class:`~tui.screens.base.LogFollowing`, which the host screen's log panel uses too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from tui.model.catalog import Kind
from tui.model.detail import DetailResult, LogRequest
from tui.model.format import safe_text
from tui.model.logs import FollowMode
from tui.model.job_logs import stream_label
from tui.screens.base import LogFollowing, pushed_breadcrumb
from tui.screens.drill import DrillScreen
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.log_view import LogView
from tui.widgets.prompt_line import PromptLine
from tui.widgets.status_bar import StatusBar
from tui.model.glyphs import glyphs
from tui.widgets.palette import palette

if TYPE_CHECKING:  # pragma: no cover
    from tui.model.state import AppState


class LogScreen(LogFollowing, DrillScreen):
    """A full-screen live log tail."""

    DEFAULT_CSS = """
    LogScreen #log-status { height: 1; padding: 0 1; background: $boost; }
    LogScreen LogView { height: 1fr; }
    """

    BINDINGS = [
        *DrillScreen.BINDINGS,
        Binding("slash", "search", "Search", key_display="/", priority=True),
        Binding("f", "follow", "Follow", show=False),
        Binding("g", "from_begin", "From start"),
        Binding("L", "app.toggle_live_tail", "Live Tail", show=False),
    ]

    crumb = "logs"

    def __init__(self, request: LogRequest, *, kind: Kind | None = None, job_name: str | None = None,
                 label_width: int = 0, title: str = "", max_lines: int = 5000,
                 name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.request = request
        self.kind = kind
        self.job_name = job_name  # set: several hosts' streams, each line starts with its host
        self.label_width = label_width
        self.heading = title
        self.max_lines = max_lines
        self.state: AppState | None = None
        self.follow_mode: FollowMode | None = None  # Live Tail or polling, as the app's feed says
        self._reset_log()

    def log_request(self) -> LogRequest:
        return self.request

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="breadcrumb")
        yield Static(id="log-status")
        yield LogView(id="log", max_lines=self.max_lines)
        yield PromptLine(id="prompt")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._ready = True  # children exist (is_mounted turns True only after this handler)
        if self.state is None:
            self.state = self.app.state if self.hosted else None
        self._mount_log()
        self._draw_breadcrumb()
        self._draw_log_status()

    # -- updates -------------------------------------------------------------------------------
    def show(self, state: "AppState", detail: DetailResult | None) -> None:
        self.state = state
        if self._ready:
            self._draw_breadcrumb()

    # -- drawing -------------------------------------------------------------------------------
    def _draw_breadcrumb(self) -> None:
        parts = pushed_breadcrumb(self, self.kind) if self.kind is not None else self.breadcrumb()
        right = safe_text(self.request.group, 100)
        self.query_one(Breadcrumb).set_path(parts, right)

    def status_text(self) -> Text:
        log = self.query_one(LogView)
        out = Text(no_wrap=True, overflow="ellipsis")
        if self.heading:
            out.append(safe_text(self.heading, 80), "bold")
            out.append("  ")
        req = self.request
        if req.from_begin:
            out.append("⇤ from its first line (g: newest)", "bold")
            out.append("  ")
        if req.follows:
            g = glyphs()
            mode = self.follow_mode
            following = mode.text if mode is not None else "following"
            out.append(f"{g.follow} {following}" if log.follow else f"{g.paused} paused (f follows)",
                       palette(self.app).style("ok" if log.follow else "warn"))
            if mode is not None and mode.note:
                out.append(f"  {safe_text(mode.note, 160)} (L: Live Tail)", palette(self.app).style("warn"))
        else:
            out.append("■ ended: no more lines will come", "bold")
            if not req.from_begin:
                out.append(f"  (its last {req.lookback // 60} min; g: from the start)", "dim")
        out.append(f"  {len(log.plain_lines):,} lines", "dim")
        if self.job_name is not None and self.log_streams:
            hosts = sorted({stream_label(s, self.job_name) for s in self.log_streams})
            out.append(f" from {len(hosts)} host{'s' if len(hosts) != 1 else ''}", "dim")
        if log.search_text:
            current = log.current_match
            where = f" (at line {current + 1:,})" if current is not None else ""
            out.append(f"  /{safe_text(log.search_text, 40)}: {len(log.matches):,} matches{where}, n/N", "bold")
        if self.log_error:
            out.append(f"  {glyphs().alert} ", palette(self.app).style("warn"))
            out.append(safe_text(self.log_error, 240), palette(self.app).style("warn"))
        elif not self.log_count:
            out.append("  waiting for log lines…" if req.follows or not self.log_read else
                       "  no log lines in this span", "dim")
        return out

    def _draw_log_status(self) -> None:
        if self._ready:
            self.query_one("#log-status", Static).update(self.status_text())

    def action_from_begin(self) -> None:
        """Read the log from its first line (or, again, from its newest lines)."""
        if self.request.begin is None:
            self.notify("the start of this log is not known", severity="warning", timeout=4)
            return
        self.request = replace(self.request, from_begin=not self.request.from_begin)
        self._reset_log()
        log = self.query_one(LogView)
        log.clear()
        log.follow = not self.request.from_begin  # from the start: stay at the first line
        self._draw_log_status()
        self.announce()  # the feed starts a new tail from the new start

    def show_follow_mode(self, mode: FollowMode) -> None:
        """How the app follows this log (Live Tail or polling, and why not Live Tail)."""
        if mode != self.follow_mode:
            self.follow_mode = mode
            self._draw_log_status()

    # -- keys ----------------------------------------------------------------------------------
    def on_key(self, event) -> None:
        if event.key in ("n", "N"):  # the view jumps (its own binding); the status says where
            self.call_after_refresh(self._draw_log_status)


__all__ = ["LogScreen"]
