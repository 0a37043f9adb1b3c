"""The Textual app: screens, keys, themes, and the hand-off between the UI and the refresh layer.

Start-up draws the first frame at once; connecting to AWS (or starting and seeding the
local demo AWS) happens in a thread worker that reports its steps in the status bar. Then
a :class:`~tui.refresh.RefreshScheduler` refreshes every ``--refresh`` seconds in thread
workers; each refresh posts one :class:`~tui.refresh.RefreshDone` and the open screens
redraw in place. The UI thread never calls AWS.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.signal import Signal
from textual.theme import Theme

from tui.config.options import Options
from tui.gc_tuning import freeze_start_heap
from tui.exit_deadline import EXIT_DEADLINE, arm_exit_deadline, save_tty_mode
from tui.config.rules import WINDOWS
from tui.config.session_log import add_redactor
from tui.model.thresholds import set_thresholds
from tui.model.format import safe_text
from tui.model.cells import Row
from tui.model.kinds import Pane
from tui.model.schedule import RefreshRequest
from tui.model.state import AppState
from tui.model.detail import DetailRequest, DetailResult
from tui.copy_export_actions import CopyExportActions
from tui.screens.drill import DrillHost, DrillScreen
from tui.screens.registry import screen_class
from tui.screens.help import HelpScreen
from tui.screens.overview import OpenResource, OverviewScreen, PaneShown, SwitchConnection
from tui import color_mode
from tui.model.glyphs import use_ascii
from tui.theme_files import load_theme_files, pick_theme, stylesheet
from tui.widgets.palette import theme_defaults
from tui.widgets.status_bar import StatusBar
from tui.switch import SwitchActions
from tui.watch_actions import WatchActions
from tui.log_follow_actions import LogFollowActions
from tui.refresh_actions import RefreshActions
from tui.time_travel_actions import TimeTravelActions

if TYPE_CHECKING:  # the refresh layer is imported once the first frame is drawn
    from tui.refresh import Connected, Connection, LogLines, RefreshDone, Refresher, RefreshScheduler, RefreshStarted
    from tui.refresh import RefreshProgress, StartupFailed, StartupProgress
    from tui.refresh_detail import LogFeed

DEFAULT_THEME = "sagemon"
#: Seconds between polls of a followed log while a log view is open.
LOG_POLL_SECONDS = 2.0
#: A notification's text is cut to this many cells: one or two lines at 80 columns.
NOTIFY_CELLS = 70
#: Where the session's problems are logged (to the session log file, when the command opened one).
problem_log = logging.getLogger("tui.session")


def sagemon_commands():
    """The palette's provider, imported when the palette first opens (not before the first frame)."""
    from tui.commands import SagemonCommands

    return SagemonCommands


def load_themes() -> list[Theme]:
    """The shipped themes, then the user's own (``$XDG_CONFIG_HOME/sagemon-tui/themes``)."""
    return load_theme_files().themes


class SagemonApp(RefreshActions, TimeTravelActions, LogFollowActions, WatchActions, SwitchActions, CopyExportActions, DrillHost, App):
    """sagemon-tui."""

    CSS_PATH = str(stylesheet())
    TITLE = "sagemon"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {sagemon_commands}
    BINDINGS = [
        # ids: the config's [keys] table rebinds them (tui.config.rules.KEY_ACTIONS)
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("e", "problems", "Problems", show=False, id="problems"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("p", "pause", "Pause", id="pause"),
        Binding("t", "window", "Window", id="window"),
        Binding("y", "copy", "Copy", show=False, id="copy"),
        Binding("Y", "copy(True)", "Copy ARN", show=False, id="copy_arn"),
        Binding("o", "console_url", "Console URL", show=False, id="console_url"),
        Binding("x", "export('csv')", "Export CSV", show=False, id="export_csv"),
        Binding("X", "export('json')", "Export JSON", show=False, id="export_json"),
        Binding("ctrl+s", "screenshot", "Screenshot", show=False, id="screenshot"),
        Binding("w", "watch", "Watch", show=False, id="watch"),
        Binding("W", "watches", "Watches", show=False, id="watches"),
    ] + TimeTravelActions.KEYS  # T, [ ] (tui.time_travel_actions)

    def __init__(self, opts: Options | None = None, *, connection: Connection | None = None,
                 full_every: int | None = None, demo_seed: int | None = None) -> None:
        self.opts = opts or Options()
        # colour mode and glyphs: chosen once, here (the console is made in App.__init__)
        self.color_mode = color_mode.resolve(getattr(self.opts, "color", None), os.environ)
        with color_mode.console_colors(self.color_mode):
            super().__init__()
        color_mode.apply(self, self.color_mode)
        use_ascii(bool(getattr(self.opts, "ascii", False)))
        loaded = load_theme_files()
        for theme in loaded.themes:
            self.register_theme(theme)
        self.theme_problems = list(loaded.problems)
        self.state = AppState(window=self.opts.window, profile=self.opts.profile, regions=tuple(self.opts.regions),
                              refresh_interval=float(self.opts.refresh))
        self.state_signal = Signal(self, "state")
        self.connection = connection
        self.refresher: Refresher | None = None
        self.scheduler: RefreshScheduler | None = None
        self._full_every = full_every
        self._demo_seed = demo_seed
        self._frame = 0  # the status bar's activity glyph (still)
        self._drill: DrillScreen | None = None  # the drill-down screen on top, if any
        self.detail_request: DetailRequest | None = None  # what it needs polled (in each RefreshRequest)
        self._details: dict[str, DetailResult] = {}  # last reads per drill-down owner
        self.log_feed: LogFeed | None = None
        self._log_polling = False
        set_thresholds(self.opts.thresholds)  # the health levels' numbers: the config's, or the defaults
        self.overview = OverviewScreen(self.state, hidden_panes=self.opts.hidden_panes,
                                       hidden_columns=self.opts.hidden_columns)
        self.started = time.monotonic()
        self.first_data_at: float | None = None

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The health colours for themes that do not set them (Textual's built-in ones)."""
        return theme_defaults(self.current_theme)

    def get_line_filters(self):
        """Textual's filters, and no colour at all in colour mode ``none`` (``NO_COLOR``)."""
        return color_mode.line_filters(getattr(self, "color_mode", "auto"), super().get_line_filters())

    # -- start-up ------------------------------------------------------------------------------
    def on_resize(self, event) -> None:
        """Too small a terminal shows what size is needed; the app comes back when it fits."""
        from tui.screens.too_small import MIN_SIZE, TooSmallScreen

        small = event.size.width < MIN_SIZE[0] or event.size.height < MIN_SIZE[1]
        on_top = isinstance(self.screen, TooSmallScreen)
        if small and not on_top:
            self.push_screen(TooSmallScreen())
        elif not small and on_top:
            self.pop_screen()

    def on_mount(self) -> None:
        self.theme, problem = pick_theme(getattr(self.opts, "theme", None), self.available_themes, DEFAULT_THEME)
        for problem in self.theme_problems + ([problem] if problem else []):
            self.notify(safe_text(problem, 300), title="themes", severity="warning", timeout=10, markup=False)
        if self.opts.keys:
            self.set_keymap(self.opts.keys)
        if self.opts.config_warning:
            self.notify(safe_text(self.opts.config_warning, 300), title="config file ignored: using the defaults",
                        severity="warning", timeout=15, markup=False)
        self.push_screen(self.overview)
        self.set_interval(1.0, self._tick)
        self.set_interval(LOG_POLL_SECONDS, self._poll_logs)
        if self.connection is not None:
            self.call_later(self._connected, self.connection)
        else:
            self.state.set_phase("starting local AWS…" if self.opts.demo else "connecting to AWS…")
            # after the first frame: the worker imports boto3 (and moto for the demo), which
            # would otherwise compete with the first paint for the interpreter
            self.call_after_refresh(self._start_connect)
        self._show_status()

    def _start_connect(self) -> None:
        self.run_worker(self._connect_worker, name="connect", group="connect", thread=True, exit_on_error=False)

    def _connect_worker(self) -> None:
        from textual.worker import get_current_worker

        from tui.refresh import Connected, StartupFailed, StartupProgress, connect

        worker = get_current_worker()
        try:
            conn = connect(self.opts, lambda text: self.post_message(StartupProgress(text)),
                           demo_seed=self._demo_seed, cancelled=lambda: worker.is_cancelled)
        except Exception as exc:  # noqa: BLE001 - shown as a line, never a traceback
            from tui.model.state import describe_error
            from tui.refresh import _code

            self.post_message(StartupFailed(describe_error(_code(exc), str(exc), "start-up failed")))
            return
        if worker.is_cancelled:
            if conn.demo is not None:
                conn.demo.stop()
            return
        self.post_message(Connected(conn))

    def on_startup_progress(self, message: StartupProgress) -> None:
        self.state.set_phase(message.text or None)
        if not message.text:
            self._stop_spinner()
        self._show_status()

    def on_startup_failed(self, message: StartupFailed) -> None:
        self.state.set_phase(None)
        self.state.errors = [message.text]
        self.state.stale_since = time.time()
        self._stop_spinner()
        problem_log.warning("start-up failed: %s", message.text)
        self.notify(message.text, title="sagemon-tui", severity="error", timeout=30, markup=False)
        self._broadcast()

    def on_connected(self, message: Connected) -> None:
        self._connected(message.connection)

    def _connected(self, conn: Connection) -> None:
        self.connection = conn
        if hasattr(conn.clients, "redact"):
            add_redactor(conn.clients.redact)  # the session log masks this session's exact credentials
        self.state.set_phase(None)
        self.state.profile = conn.profile
        self.state.account = conn.label
        self.state.regions = tuple(conn.regions)
        from tui.refresh import Refresher, RefreshScheduler
        from tui.refresh_detail import LogFeed

        kwargs = {} if self._full_every is None else {"full_every": self._full_every}
        self.refresher = Refresher(conn.clients, WINDOWS[self.state.window], **kwargs)
        self.refresher.history = conn.history
        self.log_feed = LogFeed(conn.clients, live=self.opts.live_tail, account=conn.account)
        if self._drill is not None:
            self._activate(self._drill)
        self.scheduler = RefreshScheduler(self, self.refresher, self.opts.refresh, self.refresh_request)
        self.scheduler.set_paused(self.state.paused)
        self.scheduler.request(full=True)
        self._show_status()

    # -- refresh -------------------------------------------------------------------------------
    def on_refresh_started(self, message: RefreshStarted) -> None:
        self.state.begin_refresh()
        self._start_spinner()

    def on_refresh_done(self, message: RefreshDone | RefreshProgress) -> None:
        report = message.report
        if self.superseded(report):  # a refresh of the connection switched away from
            return
        self.state.apply(report)
        if self.first_data_at is None and report.inventory is not None:
            self.first_data_at = time.monotonic()
        if report.partial:  # RefreshProgress: a snapshot of a refresh that goes on, shown at once
            return self._broadcast()
        if self.scheduler is not None:
            self.scheduler.finished(report)
            self.state.backoff = self.scheduler.backoff
        self._stop_spinner()
        if not self.heap_frozen:  # the start-up heap, out of every later full collection (tui.gc_tuning)
            self.heap_frozen = freeze_start_heap() > 0
        self._report_problems(report.errors, report.warnings)
        self.check_watches()  # notify what happened to the watched resources (tui.watch_actions)
        self._broadcast()
        self._show_drill(report.detail)

    on_refresh_progress = on_refresh_done

    def _report_problems(self, errors: list[str], warnings: list[str]) -> None:
        """Record the refresh's problems for the problems screen (``e``) and notify what is new
        in one short line: the panes and the status bar say the rest, and a notification never
        covers more than a few lines of an 80x24 terminal (nor the help, which stays on top)."""
        new = self.state.note_problems(errors, warnings)
        for problem in new:  # the session log file (if one is open: see tui.config.session_log)
            problem_log.log(logging.ERROR if problem.level == "error" else logging.WARNING, "%s", problem.text)
        if not new or isinstance(self.screen, ModalScreen):  # the help or problems screen is read
            return
        severity = "error" if any(p.level == "error" for p in new) else "warning"
        if len(new) == 1:
            text = safe_text(new[0].text, NOTIFY_CELLS) + " (e: problems)"
        else:
            text = f"{len(new)} new problems: {safe_text(new[0].text, NOTIFY_CELLS - 24)} … (e: problems)"
        self.notify(text, severity=severity, timeout=6 if severity == "warning" else 8, markup=False)

    def _broadcast(self) -> None:
        """The state changed: hand it down to the screens that follow it (the overview)."""
        self.state_signal.publish(self.state)
        self._show_status()

    def _tick(self) -> None:
        if self.refresher is not None and self.refresher.history is not None and self.refresher.history.is_set() \
                and self.scheduler is not None and not self.scheduler.running:
            self.scheduler.request(full=True)  # the rest of the history landed: re-read the window
        if self.scheduler is not None:
            self.scheduler.tick()
        self._show_status()

    def _start_spinner(self) -> None:
        """A refresh or start-up step began: the status bar says so (a still glyph: no timer
        animates it, so a quiet screen writes nothing to the terminal)."""
        self._show_status()

    def _stop_spinner(self) -> None:
        self._show_status()

    def _show_status(self) -> None:
        left = self.scheduler.seconds_left() if self.scheduler is not None else None
        try:
            bar = self.screen.query_one(StatusBar)
        except Exception:  # noqa: BLE001 - a modal screen without a status bar
            return
        bar.show(self.state, left, self._frame)

    def refresh_request(self) -> RefreshRequest:
        """What the next refresh should fetch (called as it starts): the pane shown and, while the
        overview is the screen in view, the rows on screen (fetched at the refresh rate; the
        rest of the pane and the other panes in the slower tiers)."""
        top = next((s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), None)
        keys = self.overview.visible_row_keys() if top is self.overview else frozenset()
        return RefreshRequest(self.overview.pane, keys, window=WINDOWS.get(self.state.window),
                              interval=float(self.opts.refresh),
                              max_cost_per_day=getattr(self.opts, "max_cost_per_day", None),
                              detail=self.detail_request, at=self.state.at)

    def pane_shown(self, pane: Pane) -> None:
        """The overview switched panes: refresh it now if its data is older than the interval."""
        if self.scheduler is None:
            return
        last = self.state.pane_refreshed.get(pane)
        if last is None or time.time() - last > self.opts.refresh:
            self.scheduler.request()

    # -- navigation ----------------------------------------------------------------------------
    def jump_to(self, pane: Pane) -> None:
        while len(self.screen_stack) > 2 and self.screen is not self.overview:
            self.pop_screen()
        if self.screen is self.overview:
            self.overview.show_pane(pane)

    def open_detail(self, row: Row) -> None:
        """Open the row's resource on its own screen (every kind has one: :mod:`tui.model.kinds`)."""
        cls = screen_class(row.resource)
        if cls is not None:
            self.push_screen(cls(row.resource))  # it reports itself active once shown

    # -- drill-down screens ------------------------------------------------------------------------
    def on_pane_shown(self, message: PaneShown) -> None:
        self.pane_shown(message.pane)

    def on_open_resource(self, message: OpenResource) -> None:
        self.open_detail(message.row)

    def on_switch_connection(self, message: SwitchConnection) -> None:
        if message.verb == "profile":
            self.switch_profile(message.value)
        else:
            self.switch_region(message.value)

    def on_drill_screen_active(self, message: DrillScreen.Active) -> None:
        self._activate(message.drill)

    def _activate(self, screen: DrillScreen | None) -> None:
        """``screen`` is now on top (None: the overview): poll its requests, stop the others'."""
        self._drill = screen
        request = screen.detail_request() if screen is not None else None
        changed = request != self.detail_request
        self.detail_request = request  # goes to the worker with the next RefreshRequest
        if self.log_feed is not None:
            self.log_feed.set_request(screen.log_request() if screen is not None else None, restart=True)
        if screen is not None:
            self._show_drill(None)
            if changed and request is not None and self.scheduler is not None:
                self.scheduler.request()
        elif changed and self.scheduler is not None:
            self.scheduler.request()  # back on the overview: its rows on screen are the fast tier again

    def _show_drill(self, result: DetailResult | None) -> None:
        screen = self._drill
        if screen is None or screen is not self.screen or not screen.is_mounted:
            return
        if result is not None:
            self._details[result.owner] = result
        request = screen.detail_request()
        last = self._details.get(request.owner) if request is not None else None
        try:
            screen.show(self.state, last)
        except Exception as exc:  # noqa: BLE001 - a drawing bug must not take the app down
            self.notify(safe_text(f"{type(exc).__name__}: {exc}", 300), title="cannot draw this screen",
                        severity="error", markup=False)
        # the screen may ask for more once it knows more (hosts, a selected execution)
        if screen.detail_request() != self.detail_request:
            self.detail_request = screen.detail_request()
            if self.scheduler is not None:
                self.scheduler.request()
        if self.log_feed is not None:
            self.log_feed.set_request(screen.log_request())

    def _poll_logs(self) -> None:
        feed = self.log_feed
        if feed is None or feed.request is None or self._log_polling:
            return
        self._log_polling = True
        self.run_worker(self._log_worker, name="logs", group="logs", thread=True, exit_on_error=False)

    def _log_worker(self) -> None:
        try:
            request, lines, error = self.log_feed.poll()
        except Exception as exc:  # noqa: BLE001 - shown on the log view, never a traceback
            request, lines, error = self.log_feed.request, [], f"{type(exc).__name__}: {exc}"
        from tui.refresh import LogLines

        self.post_message(LogLines(request, lines, error))

    def on_log_lines(self, message: LogLines) -> None:
        self._log_polling = False
        screen = self._drill
        if screen is None or screen is not self.screen or message.request is None:
            return
        if screen.log_request() == message.request:
            screen.show_logs(message.lines, message.error)
            self.deliver_follow_mode()

    # -- actions -------------------------------------------------------------------------------
    def action_problems(self) -> None:
        from tui.screens.problems import ProblemsScreen

        if not isinstance(self.screen, ProblemsScreen):
            self.clear_notifications()  # the list says it all; a toast would cover it
            self.push_screen(ProblemsScreen(self.state))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    #: Set once the first complete refresh has frozen the start-up heap.
    heap_frozen = False

    #: Seconds a quitting process may take before it is ended whatever is still running (a call
    #: to a hanging AWS, botocore's retries): set by :func:`run` for the real process only.
    exit_deadline: float | None = None

    async def action_quit(self) -> None:
        if self.scheduler is not None:
            self.scheduler.cancel()
        if self.exit_deadline is not None:
            arm_exit_deadline(self.exit_deadline)
        self.exit()

    def on_unmount(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Stop the demo AWS (if any); safe to call twice."""
        conn = self.connection
        if conn is not None and conn.demo is not None:
            try:
                conn.demo.stop()
            except Exception:  # noqa: BLE001 - leaving anyway
                pass
            conn.demo = None


def run(opts: Options) -> int:
    """Run the app until the user quits; returns the process exit status.

    Quitting is immediate: the terminal is restored as soon as the app exits, and calls still
    in flight (worker and discovery threads waiting on AWS) are abandoned, not joined.
    """
    import os
    import sys
    import threading

    save_tty_mode()
    app = SagemonApp(opts)
    app.exit_deadline = EXIT_DEADLINE
    try:
        app.run()
    finally:
        app.shutdown()
    code = app.return_code or 0
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # threads blocked on AWS would be joined at interpreter exit
    return code
