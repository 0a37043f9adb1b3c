"""Profile and region switching inside the app (the command palette, ``:profile NAME``, ``:region NAME``).

A switch connects again in a thread worker through the start-up path
(:func:`tui.refresh_connect.reconnect`) while the current connection keeps refreshing; only
once the new one is ready is the old refresher stopped, every resource and series of the
old account or region forgotten, the screens above the overview closed, and refreshing
started on the new connection (:meth:`SagemonApp._connected`), so the status bar names the
new profile and region(s). A switch that cannot be made (an SSO profile that is not logged
in, a profile without credentials, an unknown profile) is one line and the app stays on the
connection it had. The demo runs its own local AWS: it has no profile to switch to.
"""

from __future__ import annotations

import dataclasses
import time
from functools import partial

from textual.message import Message

from tui.config.rules import UsageError, check_regions
from tui.model.format import safe_text
from tui.model.resources import Inventory
from tui.model.series import SeriesStore
from tui.refresh_connect import Connection, SwitchRefused, reconnect

#: Shown when a profile switch is asked for in the demo.
DEMO_PROFILE_REFUSED = "the demo runs its own local AWS: no profile to switch to (start without --demo)"


class Switched(Message):
    """A switch connected: ``opts`` carry the new profile and regions."""

    def __init__(self, connection: Connection, opts) -> None:
        super().__init__()
        self.connection, self.opts = connection, opts


class SwitchFailed(Message):
    """A switch could not be made; the app keeps its connection."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def forget_connection_data(state) -> None:
    """Clear everything of the old account or region from ``state`` in place (the screens hold
    this object); the window, pause, the run's problems and API usage stay."""
    state.inventory = Inventory()
    state.store = SeriesStore()
    state.loaded = False
    state.account = None
    state.errors, state.warnings, state.stale_since = [], [], None
    state.last_success = state.last_attempt = state.last_duration = None
    state.refreshing, state.refresh_started_at = False, None
    state.pane_refreshed = {}
    state.active_problems = set()
    state.recent_costs, state.estimate, state.backoff = [], None, 1


class SwitchActions:
    """The app's side of switching (mixed into :class:`~tui.app.SagemonApp`)."""

    #: When the current connection started refreshing: a report of a refresh started before it
    #: belongs to the previous connection and is dropped (:meth:`superseded`).
    connected_at: float = 0.0

    def switch_profile(self, profile: str) -> None:
        """Connect again with ``profile`` (the regions stay as they are)."""
        if self.opts.demo:
            self.notify(DEMO_PROFILE_REFUSED, severity="warning", timeout=6, markup=False)
            return
        profile = profile.strip()
        if not profile:
            return
        if profile == (self.state.profile or self.opts.profile) and self.connection is not None:
            self.notify(f"already on profile {safe_text(profile, 60)}", timeout=3, markup=False)
            return
        # the profile's own region unless regions were chosen (a flag, the config or a switch)
        self._start_switch(dataclasses.replace(self.opts, profile=profile),
                           f"profile {profile}")

    def switch_region(self, regions: str | tuple[str, ...]) -> None:
        """Connect again to ``regions`` (one name, or several separated by commas)."""
        try:
            wanted = tuple(check_regions(regions, "region"))
        except UsageError as exc:
            self.notify(safe_text(str(exc), 200), severity="warning", timeout=6, markup=False)
            return
        if not wanted:
            return
        if wanted == tuple(self.state.regions) and self.connection is not None:
            self.notify(f"already on {', '.join(wanted)}", timeout=3, markup=False)
            return
        self._start_switch(dataclasses.replace(self.opts, regions=wanted), f"region {','.join(wanted)}")

    def _start_switch(self, opts, what: str) -> None:
        if self.opts.demo and self.connection is None:
            self.notify("the demo is still starting: switch once it shows its fleet", severity="warning",
                        timeout=4, markup=False)
            return
        self.state.set_phase(f"switching to {what}…")
        self._show_status()
        self.run_worker(partial(self._switch_worker, opts), name="switch", group="switch", exclusive=True,
                        thread=True, exit_on_error=False)

    def _switch_worker(self, opts) -> None:
        from textual.worker import get_current_worker

        from tui.model.state import describe_error
        from tui.refresh import _code

        worker = get_current_worker()
        try:
            conn = reconnect(opts, self.connection, lambda text: None)
        except SwitchRefused as exc:
            message: Message = SwitchFailed(str(exc))
        except Exception as exc:  # noqa: BLE001 - one line, the app stays connected as it was
            message = SwitchFailed(describe_error(_code(exc), str(exc), "cannot switch", opts.profile))
        else:
            message = Switched(conn, opts)
        if not worker.is_cancelled:
            self.post_message(message)

    def on_switch_failed(self, message: SwitchFailed) -> None:
        self.state.set_phase(None)
        self.notify(safe_text(message.text, 300), title="not switched", severity="error", timeout=12, markup=False)
        self._show_status()

    def on_switched(self, message: Switched) -> None:
        """Stop the old refresher, forget the old data, and start on the new connection."""
        if self.scheduler is not None:
            self.scheduler.cancel()
        self.workers.cancel_group(self, "connect")  # a start-up connection still on its way
        self.scheduler = None
        self.refresher = None
        if self.log_feed is not None:
            self.log_feed.set_request(None, restart=True)
        self.log_feed = None
        while len(self.screen_stack) > 2 and self.screen is not self.overview:
            self.pop_screen()  # every drill-down screen shows a resource of the old connection
        self.detail_request, self._drill = None, None
        self._details.clear()
        self.opts = message.opts
        forget_connection_data(self.state)
        self.connected_at = time.time()
        self._connected(message.connection)
        self._broadcast()
        conn = message.connection
        who = "demo" if self.opts.demo else (conn.profile or "default credentials")
        self.notify(f"connected: {who}, {', '.join(conn.regions)}", timeout=4, markup=False)

    def superseded(self, report) -> bool:
        """Whether a refresh's report belongs to a connection switched away from."""
        return getattr(report, "started", self.connected_at) < self.connected_at
