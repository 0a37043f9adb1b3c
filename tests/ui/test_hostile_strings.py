"""Names, reasons and log lines that try to style, move or break the terminal are shown literally.

The same hostile strings go through the job screen (job name, failure reason, algorithm
metric name, hosts), the host screen, the log screen (log lines) and the overview's jobs
table: ANSI colour, cursor, clear-screen and window-title escapes, Rich markup (including an
unbalanced ``[/]`` that a markup parser would reject), very long text and wide characters.
Every frame must keep its size (each row exactly the terminal's width, no escape character
reaching the screen), text that looks like markup must appear as typed, escape sequences and
other control characters must appear as visible symbols with all of their text (an OSC
window title reads ``␛]0;title␇``: neither obeyed nor dropped), and the widgets must sit where
they sit for harmless names.
"""

from __future__ import annotations

import re

import time
from datetime import datetime, timedelta, timezone

from textual.app import App

from tests.harness import Harness
from tui.model.catalog import Kind
from tui.model.job_requests import algorithm_key, job_metrics
from tui.model.logs import LogLine
from tui.model.plan import job_host_key
from tui.model.kinds import Pane
from tui.model.resources import Inventory, Job, default_hosts
from tui.model.series import SeriesStore
from tui.model.state import AppState
from tui.screens.host import HostScreen
from tui.screens.job import JobScreen
from tui.screens.logs import LogScreen
from tui.screens.overview import OverviewScreen
from tui.widgets.host_grid import HostGrid
from tui.widgets.log_view import LogView

#: The epoch suffix of a SageMaker log stream name (``<job>/algo-N-<epoch>``), taken from the clock.
STREAM_EPOCH = int(time.time())

SIZE = (120, 40)
REGION = "us-east-1"
MARKUP = "[bold red]boom[/]"
WIDE = "训练作业🚀ｗｉｄｅ"
ANSI = "\x1b[31mred\x1b[0m\x1b]0;pwned\x07\x1b[2J"
#: How ``ANSI`` is drawn: every ESC and BEL as its control picture, nothing else changed.
ANSI_SHOWN = "␛[31mred␛[0m␛]0;pwned␇␛[2J"
OPEN_TAG = "[bold red]boom"  # job names cannot hold "/" (host values are "JOB/algo-N")
HOSTILE_NAME = f"job-{OPEN_TAG}-{ANSI}-{WIDE}-" + "x" * 400
BENIGN_NAME = "job-plain"
HOSTILE_LINES = [
    f"{MARKUP} loss=[link=http://evil.example]click[/link]",
    f"{ANSI} progress 10%\r progress 100%",
    "[/] unbalanced close tag",
    WIDE * 40,
    "y" * 6000,
    "tab\there\x00nul\x7fdel",
    "👩‍💻 e\u0301 \u202eevil-bidi",
]


def make(name: str) -> tuple[Job, AppState]:
    now = int(time.time()) // 60 * 60
    job = Job(Kind.TRAINING_JOB, name, "Failed", REGION, secondary_status=f"Failed {MARKUP}",
              instance_type="ml.p4d.24xlarge", instance_count=4, hosts=default_hosts(Kind.TRAINING_JOB, name, 4),
              metric_definitions=[f"train:{MARKUP}", "train:" + WIDE],
              start_time=datetime.fromtimestamp(now - 3600, timezone.utc),
              end_time=datetime.fromtimestamp(now - 60, timezone.utc),
              failure_reason=f"AlgorithmError: {ANSI} {MARKUP} [/]\nExitCode 1\n" + "z" * 800)
    store = SeriesStore(3 * 3600)
    ts = [now - (29 - i) * 60 for i in range(30)]
    for k, host in enumerate(job.hosts, start=1):
        for m in job_metrics(job):
            store.ensure(job_host_key(job, m.name, host), 60).merge(ts, [30.0 + k + i % 5 for i in range(30)])
    for metric in job.metric_definitions:
        store.ensure(algorithm_key(job, metric), 60).merge(ts, [2.0 - i / 30 for i in range(30)])
    state = AppState(window="3h", regions=(REGION,), inventory=Inventory(jobs=[job]), store=store,
                     last_success=time.time(), loaded=True)
    return job, state


def frame(app: App) -> list[str]:
    """The screen's rows, checked to be exactly the terminal's size and free of escapes."""
    strips = app.screen._compositor.render_strips()
    assert len(strips) == SIZE[1]
    for strip in strips:
        assert strip.cell_length == SIZE[0], strip.text
        assert "\x1b" not in strip.text and "\x07" not in strip.text and "\r" not in strip.text
    return [strip.text for strip in strips]


def layout(app: App) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Where each widget of the screen sits."""
    return [(type(w).__name__ + (f"#{w.id}" if w.id else ""), tuple(w.region))
            for w in app.screen.query("*") if w.display and w.region.area]


async def drive(name: str) -> dict[str, object]:
    """Open job, host and log screens for a job called ``name``; return each frame and layout."""
    job, state = make(name)
    out: dict[str, object] = {}
    app = Harness(state, JobScreen(job))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        out["job"], out["job_layout"] = frame(app), layout(app)
        out["grid_labels"] = [app.screen.query_one(HostGrid).get_cell(h, "host").plain for h in job.hosts]
        app.screen.query_one(HostGrid).select_host(job.hosts[1])
        await pilot.press("enter")
        for _ in range(8):
            await pilot.pause()
        host = app.screen
        assert isinstance(host, HostScreen)
        t0 = datetime.now(timezone.utc)
        host.show_logs([LogLine(t0 + timedelta(seconds=i), f"{job.hosts[1]}-{STREAM_EPOCH}", text)
                        for i, text in enumerate(HOSTILE_LINES)], f"AccessDenied {MARKUP} {ANSI}")
        await pilot.pause()
        out["host"], out["host_layout"] = frame(app), layout(app)
        out["host_log"] = host.query_one(LogView).plain_lines
        await pilot.press("escape", "l")
        await pilot.pause()
        logs = app.screen
        assert isinstance(logs, LogScreen)
        logs.show_logs([LogLine(t0 + timedelta(seconds=i), f"{name}/algo-{1 + i % 4}-{STREAM_EPOCH}", text)
                        for i, text in enumerate(HOSTILE_LINES)], None)
        await pilot.pause()
        out["logs"], out["logs_layout"] = frame(app), layout(app)
        out["log_lines"] = logs.query_one(LogView).plain_lines
        # the overview's jobs pane with the same job
        await pilot.press("escape", "escape")
        overview = OverviewScreen(state)
        await app.push_screen(overview)
        overview.show_pane(Pane.JOBS)
        await pilot.pause()
        out["overview"], out["overview_layout"] = frame(app), layout(app)
    return out


async def test_hostile_strings_are_literal_and_the_layout_holds():
    bad = await drive(HOSTILE_NAME)
    good = await drive(BENIGN_NAME)

    # every screen keeps its layout: the same widgets in the same places as for a plain name
    for screen in ("job", "host", "logs", "overview"):
        assert bad[f"{screen}_layout"] == good[f"{screen}_layout"], screen

    job = "\n".join(bad["job"])
    # markup-looking text is shown as typed (a markup parser would have eaten the tags)
    assert f"job-{OPEN_TAG}-{ANSI_SHOWN}-训练作业🚀" in job
    assert f"AlgorithmError: {ANSI_SHOWN} [bold red]boom[/] [/] ExitCode 1" in job
    assert "Failed · Failed [bold red]boom[/]" in job
    assert "train:[bold red]boom[/]" in job and "train:训练作业🚀" in job
    assert "␛]0;pwned␇" in job  # the window-title escape is shown, inert, with its text
    assert bad["grid_labels"] == ["algo-1", "algo-2", "algo-3", "algo-4"]

    host = "\n".join(bad["host"])
    assert f"› job-{OPEN_TAG}-{ANSI_SHOWN}-训练作业🚀" in host  # the breadcrumb, cut to fit
    assert "algo-2" in host and "⚠ AccessDenied [bold red]boom[/]" in host
    log = bad["host_log"]
    assert log[0] == "[bold red]boom[/] loss=[link=http://evil.example]click[/link]"
    assert log[1] == " progress 100%"  # a carriage return redraws, as in a terminal
    assert log[2] == "[/] unbalanced close tag"
    assert log[3].startswith(WIDE) and len(log[4]) == 2000 and log[4].endswith("…")
    assert log[5] == "tab here␀nul␡del"
    assert log[6] == "👩‍💻 e\u0301 <U+202E>evil-bidi"  # the bidi override is inert and visible
    assert "[bold red]boom[/] loss=[link=http://evil.example]click[/link]" in host

    logs = "\n".join(bad["logs"])
    lines = bad["log_lines"]
    assert lines[0] == "algo-1 │ [bold red]boom[/] loss=[link=http://evil.example]click[/link]"
    assert lines[1] == "algo-2 │  progress 100%"  # the host stays in front of a redrawn line
    assert lines[2] == "algo-3 │ [/] unbalanced close tag"
    assert "algo-3 │ [/] unbalanced close tag" in logs and "algo-4 │ " + WIDE in logs

    overview = "\n".join(bad["overview"])
    # a name too long for its column is cut in the middle: its literal start stays on screen
    assert re.search(re.escape(f"job-{OPEN_TAG}") + r"[^ ]*…xxxx", overview), overview


#: Log lines carrying one kind of control each: (the line, the symbols drawn for its controls,
#: the payload that must stay on screen). Each line starts with a tag that finds its row.
CONTROL_LINES = [
    ("osc-bel: \x1b]0;window title\x07 after", ["␛", "␇"], "]0;window title"),
    ("osc-st: \x1b]0;st title\x1b\\ after", ["␛]", "␛\\"], "]0;st title"),
    ("csi: \x1b[1;31mbold red\x1b[0m after", ["␛[1;31m", "␛[0m"], "bold red"),
    ("c1-csi: \x9b31mc1 red\x9b0m after", ["<U+009B>31m", "<U+009B>0m"], "c1 red"),
    ("lone-esc: at the end\x1b", ["␛"], "at the end"),
    ("bel: ring\x07the bell", ["␇"], "the bell"),
    ("bs: over\x08\x08\x08\x08typed", ["␈␈␈␈"], "typed"),
    ("del: rub\x7fout", ["␡"], "out"),
]


async def test_control_characters_are_drawn_visibly_with_their_payload():
    job, state = make(BENIGN_NAME)
    app = Harness(state, JobScreen(job))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        logs = app.screen
        assert isinstance(logs, LogScreen)
        t0 = datetime.now(timezone.utc)
        logs.show_logs([LogLine(t0 + timedelta(seconds=i), f"{BENIGN_NAME}/algo-1-{STREAM_EPOCH}", line)
                        for i, (line, _symbols, _payload) in enumerate(CONTROL_LINES)], None)
        await pilot.pause()
        rows = frame(app)  # no ESC, BEL or CR reaches the screen, and every row keeps its width
    for line, symbols, payload in CONTROL_LINES:
        tag = line.split(":")[0] + ":"
        drawn = [row for row in rows if f"algo-1 │ {tag}" in row]
        assert len(drawn) == 1, (tag, rows)
        row = drawn[0]
        for symbol in symbols:
            assert symbol in row, (tag, symbol, row)
        assert payload in row, (tag, payload, row)
        # every printable character of the line is drawn, in order: nothing was swallowed
        left = iter(row)
        assert all(ch in left for ch in line if ch.isprintable()), (tag, row)
