"""The live log screen: a job's (every host) or one host's CloudWatch Logs, followed as they grow.

Lines are shown literally (ANSI colour codes, Rich-markup-looking text and control characters
never style anything: :class:`~tui.widgets.log_view.LogView` makes them safe). In a job's
log each line starts with its host (``algo-7 │ …``) so interleaved hosts stay readable.

Keys: ``f`` toggles follow (scroll with new lines), ``/`` searches (Enter: search, ``n`` /
``N``: next / previous match, Esc: cancel), arrows and PgUp/PgDn scroll, Esc goes back.

The screen never calls AWS: :meth:`LogScreen.log_request` says what to follow and the app's
log feed delivers the new lines through :meth:`LogScreen.show_logs`. A feed that starts over
(after a screen on top of this one was closed) may send lines again; they are dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from tui.model.catalog import Kind
from tui.model.detail import DetailResult, LogRequest
from tui.model.format import safe_text
from tui.model.job_detail import LogDedup, log_text, stream_label
from tui.screens.drill import DrillScreen
from tui.screens.job import PromptLine, pushed_breadcrumb
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.log_view import LogView
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:  # pragma: no cover
    from tui.model.logs import LogLine
    from tui.model.state import AppState


class LogScreen(DrillScreen):
    """A full-screen live log tail."""

    DEFAULT_CSS = """
    LogScreen #log-status { height: 1; padding: 0 1; background: $boost; }
    LogScreen LogView { height: 1fr; }
    """

    _ready = False  # composed and mounted: widgets can be drawn

    BINDINGS = [
        *DrillScreen.BINDINGS,
        Binding("slash", "search", "Search", key_display="/", priority=True),
        Binding("f", "follow", "Follow", show=False),
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
        self.error: str | None = None
        self.received = 0
        self.streams: set[str] = set()
        self._dedup = LogDedup()
        self._pending: list[str] = []

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
        log = self.query_one(LogView)
        log.focus()
        if self.state is None:
            self.state = getattr(self.app, "state", None)
        if self._pending:
            log.write_lines(self._pending)
            self._pending = []
        self.watch(log, "follow", lambda _v: self._draw_status(), init=False)
        self._draw_breadcrumb()
        self._draw_status()

    # -- updates -------------------------------------------------------------------------------
    def show(self, state: "AppState", detail: DetailResult | None) -> None:
        self.state = state
        if self._ready:
            self._draw_breadcrumb()

    def show_logs(self, lines: "list[LogLine]", error: str | None) -> None:
        new = self._dedup.fresh(list(lines))
        self.error = error
        self.received += len(new)
        for line in new:
            self.streams.add(line.stream)
        texts = [log_text(line, self.job_name, self.label_width) for line in new]
        if not self._ready:
            self._pending += texts
            return
        if texts:
            self.query_one(LogView).write_lines(texts)
        self._draw_status()

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
        out.append("▶ following" if log.follow else "⏸ paused (f follows)", "green" if log.follow else "yellow")
        out.append(f"  {len(log.plain_lines):,} lines", "dim")
        if self.job_name is not None and self.streams:
            hosts = sorted({stream_label(s, self.job_name) for s in self.streams})
            out.append(f" from {len(hosts)} host{'s' if len(hosts) != 1 else ''}", "dim")
        if log.search_text:
            current = log.current_match
            where = f" (at line {current + 1:,})" if current is not None else ""
            out.append(f"  /{safe_text(log.search_text, 40)}: {len(log.matches):,} matches{where}, n/N", "bold")
        if self.error:
            out.append("  ⚠ ", "bold yellow")
            out.append(safe_text(self.error, 240), "yellow")
        elif not self.received:
            out.append("  waiting for log lines…", "dim")
        return out

    def _draw_status(self) -> None:
        if self._ready:
            self.query_one("#log-status", Static).update(self.status_text())

    # -- keys ----------------------------------------------------------------------------------
    def action_follow(self) -> None:
        self.query_one(LogView).action_toggle_follow()

    def action_search(self) -> None:
        prompt = self.query_one(PromptLine)
        if prompt.shown:
            prompt.type_key("slash", "/")
            return
        prompt.open(self.query_one(LogView).search_text, "search (Enter: search, n/N: next/previous)")

    def prompt_accepted(self, prompt: PromptLine, value: str) -> None:
        self.query_one(LogView).set_search(value)
        self._close_prompt()

    def prompt_cancelled(self, prompt: PromptLine, value: str) -> None:
        self._close_prompt()

    def _close_prompt(self) -> None:
        self.query_one(PromptLine).close()
        self.query_one(LogView).focus()
        self._draw_status()

    def on_key(self, event) -> None:
        if event.key in ("n", "N"):  # the view jumps (its own binding); the status says where
            self.call_after_refresh(self._draw_status)


__all__ = ["LogScreen"]
