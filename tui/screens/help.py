"""The ``?`` screen: every key, what each column means, and how the numbers are computed."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.binding import Binding

from tui.model.kinds import Pane
from tui.widgets.panel_modal import PanelModal

#: (key, what it does) in the order a new user needs them.
KEYS: tuple[tuple[str, str], ...] = (
    (":", "jump to a pane by name, from any screen (:endpoints :components :jobs :pipelines :labeling "
          ":features :recommendations :alarms; prefixes and short forms like :ep :ic :pl :al work)"),
    ("/", "filter the current pane by a substring of any column; Enter keeps it, Esc clears"),
    ("Enter", "open the selected resource"),
    ("Esc", "go back (close a screen, clear the filter)"),
    ("r", "refresh now"),
    ("p", "pause / resume the automatic refresh"),
    ("s / S", "cycle the sort column / reverse the sort (or click a column header)"),
    ("t", "cycle the time window: 1h, 3h, 12h, 24h"),
    ("T", "time travel: every screen at a past moment CloudWatch keeps (15 months: -2d, -36h, 03:10, "
          "2026-11-28 03:10, UTC after it for UTC); PAST in the status bar, live refresh paused; jobs that ran "
          "then are listed, resources created since say not yet, a job opens on its own span (a: the window); "
          "T again or Esc on the overview: live"),
    ("[ / ]", "time travel: the window one step back / forward (forward past now: live); { / } too, "
              "and on a host screen, where [ / ] step hosts"),
    ("Tab / Shift+Tab, 1-8", "next / previous pane, or pane by number (or click a tab)"),
    ("↑ ↓ PgUp PgDn Home End", "move in the table"),
    ("Ctrl+P", "palette: panes, resources by name, themes, windows, profiles, regions, export"),
    ("e", "problems: every failed call or listing of this run, with its time"),
    ("w", "watch the selected resource (a row, or the screen open; again: stop): a notification, and the bell "
          "with bell = true in the config, when a job changes status, ends or fails, a host is newly flagged, an "
          "endpoint's 5XX rate or p99 latency crosses its threshold, or an alarm on it changes state"),
    ("W", "watches: what is watched and what happened, with ages (w there: watch the screen below's resource; "
          "u: unwatch the newest)"),
    ("y / Y", "copy the selected resource's name (y again: its ARN) / its ARN; in a log: the selected line "
              "(the search match, else the newest line in view); over SSH too (OSC 52)"),
    ("o", "the AWS console page of the selected resource: shown and copied"),
    ("x / X", "export this screen's tables and series as CSV / JSON (./sagemon-export-*)"),
    ("Ctrl+S", "save an SVG screenshot (./sagemon-screenshot-*.svg)"),
    ("?", "this help"),
    ("q", "quit"),
)

#: Keys of the drill-down screens (endpoint, job, host, logs, pipeline).
DRILL_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "drill down: endpoint → instances → GPUs, job → host, pipeline → execution steps"),
    ("i", "endpoint: its instances (enhanced metrics)"),
    ("l", "job or host: the live log tail"),
    ("[ / ]", "host: previous / next host of the job"),
    ("h", "job: flagged hosts first"),
    ("c", "job: show / hide the algorithm metric charts"),
    ("a", "job: one that ended before the window opens over its own last hours; a: the window instead "
          "(again: its span)"),
    ("/ then n / N", "logs: search, next / previous match"),
    ("f", "logs: follow new lines on / off"),
    ("g", "logs: read from the first line / back to the newest (an ended job opens at its end)"),
    ("Esc", "back one level; the screen you return to is as you left it"),
)

NOTES = (
    "Inv/min is the average per minute over the 5 minutes ending at the newest CloudWatch point "
    "(points arrive 1-3 minutes late); 4XX/5XX counts and rates use the same 5 minutes.",
    "Latencies and utilizations are the newest point. Job CPU/GPU/Mem are the mean over hosts of each "
    "host's newest value. CPU, GPU and GPU memory are means per device, 0-100 %: CloudWatch publishes "
    "sums over a host's vCPUs and GPUs (an 8-GPU host reads up to 800 %), divided here by the device count "
    "of its instance type (EC2 DescribeInstanceTypes) shown beside the value (×8); Σ marks the raw sum "
    "where the type is unknown; the host screen and an endpoint instance's GPU screen show both. "
    "Columns named norm are CloudWatch's own *UtilizationNormalized (0-100 %).",
    "– means no data; a blank cell means the column does not apply to that resource.",
    "The visible pane refreshes every --refresh seconds, the others every 5th refresh.",
)


def help_renderable() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for key, what in KEYS:
        grid.add_row(Text(key), Text(what))
    grid.add_row(Text(""), Text(""))
    grid.add_row(Text("Drill-down", style="bold"), Text(""))
    for key, what in DRILL_KEYS:
        grid.add_row(Text(key), Text(what))
    grid.add_row(Text(""), Text(""))
    grid.add_row(Text("Panes", style="bold"), Text("  ".join(f"{i + 1} {p.value}" for i, p in enumerate(Pane))))
    for note in NOTES:
        grid.add_row(Text("·"), Text(note, style="dim"))
    return grid


class HelpScreen(PanelModal):
    """Modal key reference; Esc, q or ? closes it."""

    BINDINGS = [*PanelModal.BINDINGS, Binding("question_mark", "close", "Close", show=False)]

    panel_title = "sagemon-tui keys"
    body_id = "help-body"

    def body(self) -> Table:
        return help_renderable()
