"""The one-line status bar: who and where, how fresh, what it costs.

Left: account/profile, region(s), time window. Right: a mark while a refresh runs,
"updated HH:MM:SS", the countdown to the next refresh (or PAUSED; or, while time travelling,
PAST and the moment shown, with its age, and "live paused"), a STALE marker with the
exact age of the last good data when the last refresh failed or the running one is overdue
("waiting for AWS 25s" beside it, within seconds of the refresh's start, not when it ends), and the API calls and metrics
requested so far with the CloudWatch cost per day of the polling schedule ("~$4.10/day (capped
$5)" when ``--max-cost-per-day`` stretched it; "(cap $5)" when it did not have to). Segments
are dropped from least to most important when the terminal is narrow.
"""

from __future__ import annotations

import math
import time
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from tui.model.format import format_count, format_duration, safe_text
from tui.model.glyphs import glyphs
from tui.model.state import AppState
from tui.model.time_travel import moment_label

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def countdown(seconds: float) -> str:
    """Time to the next refresh in whole minutes (``4m``; ``<1m`` within the minute): at idle the
    line changes once a minute, not every second, so it costs the terminal next to nothing."""
    return "<1m" if seconds < 60 else f"{math.ceil(seconds / 60)}m"


def status_text(state: AppState, *, seconds_left: float | None, frame: int, width: int,
                styles: dict[str, str] | None = None, now: float | None = None) -> Text:
    """The status line for ``width`` cells (pure: the tests call it directly)."""
    st = {"key": "bold", "dim": "dim", "stale": "bold reverse", "warn": "bold", "spin": "bold", "ok": "",
          "past": "bold reverse"}
    st.update(styles or {})
    now = time.time() if now is None else now
    sep = ("  ", "")

    # (priority, segment) — lower priority numbers survive longest
    left: list[tuple[int, list[tuple[str, str]]]] = []
    who = state.account or "…"
    if state.profile and state.profile not in (state.account, "default"):
        who = f"{state.profile}@{who}"
    g = glyphs()  # the Unicode or the --ascii table
    spinner = g.spinner
    left.append((0, [(f"{g.brand} sagemon ", st["key"])]))
    left.append((3, [(safe_text(who, 28), "")]))
    regions = ",".join(state.regions) if state.regions else "…"
    left.append((2, [(safe_text(regions, 40), "")]))
    left.append((1, [(f"{g.clock}{state.window}", "")]))

    right: list[tuple[int, list[tuple[str, str]]]] = []
    waited = state.waiting(now)
    if state.phase:
        slow = state.phase_waiting(now)
        right.append((0, [(spinner[frame % len(spinner)] + " ", st["spin"]), (state.phase, st["warn"])]
                      + ([(f" {int(slow)}s", st["warn"])] if slow is not None else [])))
    elif waited is not None:  # overdue: say so now, not when the refresh finally gives up
        right.append((0, [(spinner[frame % len(spinner)] + f" waiting for AWS {int(waited)}s", st["warn"])]))
    elif state.refreshing:  # what a start-up still describes ("describing 240 of 1,000 endpoints")
        right.append((0, [(spinner[frame % len(spinner)] + " " + (state.loading or "refreshing"), st["spin"])]))
    if state.stale_now(now):
        age = state.stale_age(now) or 0.0
        right.append((0, [(f" STALE {format_duration(age).replace(' ', '')} ", st["stale"])]))
    if state.last_success is not None:
        right.append((1, [("updated ", st["dim"]),
                          (datetime.fromtimestamp(state.last_success).strftime("%H:%M:%S"), "")]))
    if state.at is not None:  # time travel: the view is historical, live refresh paused for it
        right.append((0, [(f" PAST {moment_label(state.at, now)} ", st["past"])]))
        right.append((2, [("live paused (T: live)", st["warn"])]))
    elif state.paused:
        right.append((0, [(f"{g.paused} PAUSED", st["warn"])]))
    elif seconds_left is not None and not state.phase:
        right.append((2, [("next ", st["dim"]), (countdown(seconds_left), "")]
                      + ([(f" (throttled: backing off ×{state.backoff})", st["warn"])] if state.backoff > 1 else [])))
    if state.usage.api_calls or state.usage.metrics_requested:
        cost = state.cost_per_day(now)
        right.append((4, [(format_count(state.usage.api_calls, compact=True), ""), (" calls ", st["dim"]),
                          (format_count(state.usage.metrics_requested, compact=True), ""),
                          (" metrics ", st["dim"])]))
        est, capped = state.estimate, []
        if est is not None and est.cap is not None:
            cap = f"${est.cap:,.0f}" if est.cap == int(est.cap) else f"${est.cap:,.2f}"
            if est.over_cap:
                capped = [(f" (over the {cap} cap at the slowest schedule)", st["warn"])]
            else:
                capped = [(f" (capped {cap})" if est.capped else f" (cap {cap})", st["dim"])]
        right.append((3, [(f"~${cost:,.2f}/day", "")] + capped))

    def length(segs) -> int:
        return sum(len(t) for _p, seg in segs for t, _s in seg) + len(sep[0]) * max(0, len(segs) - 1)

    segs_l, segs_r = list(left), list(right)
    while length(segs_l) + length(segs_r) + 2 > width:
        candidates = [(p, i, "l") for i, (p, _s) in enumerate(segs_l)] + \
                     [(p, i, "r") for i, (p, _s) in enumerate(segs_r)]
        p, i, side = max(candidates, key=lambda c: (c[0], c[2] == "l"))
        if p == 0:
            break
        (segs_l if side == "l" else segs_r).pop(i)

    out = Text(no_wrap=True, overflow="ellipsis")
    for n, (_p, seg) in enumerate(segs_l):
        if n:
            out.append(sep[0])
        for t, s in seg:
            out.append(t, s)
    right_text = Text(no_wrap=True)
    for n, (_p, seg) in enumerate(segs_r):
        if n:
            right_text.append(sep[0])
        for t, s in seg:
            right_text.append(t, s)
    gap = width - out.cell_len - right_text.cell_len
    out.append(" " * max(1, gap))
    out.append_text(right_text)
    out.truncate(width, overflow="ellipsis")
    return out


class StatusBar(Static):
    """The last line above the footer on every screen; the app calls :meth:`show` about once a
    second, and the line is redrawn only when its text or colours changed."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    COMPONENT_CLASSES = {"status-bar--key", "status-bar--dim", "status-bar--stale", "status-bar--warn",
                         "status-bar--spin", "status-bar--past"}

    _shown: tuple | None = None  # the plain text and spans on screen

    def show(self, state: AppState, seconds_left: float | None, frame: int) -> None:
        styles = {}
        for name in ("key", "dim", "stale", "warn", "spin", "past"):
            styles[name] = self.get_component_rich_style(f"status-bar--{name}", partial=True)
        width = max(20, self.size.width - 2 if self.size.width else 80)
        text = status_text(state, seconds_left=seconds_left, frame=frame, width=width, styles=styles)
        shown = (text.plain, tuple(text.spans))
        if shown != self._shown:  # one line, one height: no layout pass
            self._shown = shown
            self.update(text, layout=False)
