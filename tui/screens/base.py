"""The bases of the drill-down screens: :class:`ResourceScreen`, :class:`LogFollowing` and
:func:`pushed_breadcrumb`.

Breadcrumb, a body (scrolling or filling the screen), status bar and footer; it keeps the
last state and this screen's detail result, picks up the fresh copy of its resource on each
refresh and redraws in place. The endpoint, component, instances, pipeline, labeling,
feature-group and recommendation screens are made on it; they never call AWS.

:class:`LogFollowing` is the live log of a screen with a :class:`~tui.widgets.log_view.LogView`
(the log screen and the host screen's log panel), and :func:`pushed_breadcrumb` the breadcrumb
of a screen pushed from an overview pane (the job, host and log screens).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer

from tui.model.catalog import Kind
from tui.model.detail import DetailResult
from tui.model.job_logs import LogDedup, log_text
from tui.model.kinds import pane_of_kind
from tui.model.resources import Inventory
from tui.model.time_travel import view_now
from tui.screens.drill import DrillScreen
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.log_view import LogView
from tui.widgets.prompt_line import PromptLine
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:  # pragma: no cover
    from tui.model.logs import LogLine


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

    def now(self) -> int:
        """The end of the window drawn: now, or the moment shown while time travelling."""
        return view_now(getattr(self.state, "at", None), time.time())

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


def pane_title(kind: Kind) -> str:
    pane = pane_of_kind(kind)
    return pane.title if pane is not None else ""


def pushed_breadcrumb(screen: DrillScreen, kind: Kind) -> list[str]:
    """The overview pane's title, then every drill-down level up to ``screen``."""
    parts = [pane_title(kind)] if pane_title(kind) else []
    try:
        parts += screen.breadcrumb()
    except Exception:  # noqa: BLE001 - not on the stack yet
        parts.append(screen.crumb)
    return parts


class LogFollowing:
    """A screen's live log: new lines deduplicated and written to its :class:`LogView` (held
    until the screen is mounted), ``f`` to follow, ``/`` to search through its
    :class:`PromptLine`.

    The screen calls :meth:`_reset_log` when it is made, sets ``_ready`` and calls
    :meth:`_mount_log` once mounted, and draws the log's status in :meth:`_draw_log_status`.
    With ``job_name`` set, each line starts with its host (padded to ``label_width``).
    """

    #: The search prompt's hint.
    SEARCH_HINT = "search (Enter: search, n/N: next/previous)"

    def recolour(self, state) -> None:
        """A theme switch: the screen and its log's status line (following / paused) again."""
        super().recolour(state)  # type: ignore[misc]
        self._draw_log_status()

    _ready = False  # composed and mounted: widgets can be drawn
    job_name: str | None = None
    label_width: int = 0

    def _reset_log(self) -> None:
        """Start over: no line seen yet (a new tail)."""
        self._dedup = LogDedup()
        self._pending_lines: list[str] = []
        self.log_error: str | None = None
        self.log_count = 0
        self.log_read = False  # a poll has answered (with lines or none)
        self.log_streams: set[str] = set()

    def _mount_log(self) -> None:
        log = self.query_one(LogView)
        log.focus()
        if self._pending_lines:
            log.write_lines(self._pending_lines)
            self._pending_lines = []
        self.watch(log, "follow", lambda _v: self._draw_log_status(), init=False)

    def _draw_log_status(self) -> None:
        raise NotImplementedError

    def show_logs(self, lines: "list[LogLine]", error: str | None) -> None:
        new = self._dedup.fresh(list(lines))
        self.log_read = True
        self.log_error = error
        self.log_count += len(new)
        self.log_streams.update(line.stream for line in new)
        texts = [log_text(line, self.job_name, self.label_width) for line in new]
        if not self._ready:
            self._pending_lines += texts
            return
        if texts:
            self.query_one(LogView).write_lines(texts)
        self._draw_log_status()

    def action_follow(self) -> None:
        self.query_one(LogView).action_toggle_follow()

    def action_search(self) -> None:
        prompt = self.query_one(PromptLine)
        if prompt.shown:
            prompt.type_key("slash", "/")
            return
        prompt.open(self.query_one(LogView).search_text, self.SEARCH_HINT)

    def prompt_accepted(self, prompt: PromptLine, value: str) -> None:
        self.query_one(LogView).set_search(value)
        self._close_prompt()

    def prompt_cancelled(self, prompt: PromptLine, value: str) -> None:
        self._close_prompt()

    def _close_prompt(self) -> None:
        self.query_one(PromptLine).close()
        self.query_one(LogView).focus()
        self._draw_log_status()


__all__ = ["LogFollowing", "ResourceScreen", "pane_title", "pushed_breadcrumb"]
