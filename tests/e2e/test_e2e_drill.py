"""End to end: drill from the overview into a job, a host and its log, and back, with real keys.

Runs the real ``sagemon-tui --demo`` console script (next to the Python running the tests)
in a private tmux server and reads the screen as a person would: ``:jobs``, the 16-host
training job (Enter), its grid with the lagging GPU and the full disk flagged, the lagging
host (Enter) with its charts and log, ``l`` for the live log, then Esc back one level at a
time, each screen as it was left.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.e2e.test_e2e_tmux import read_description
from tests.tmux_driver import Tmux, available

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not available(), reason="tmux is not installed (make tools installs it)")]

SCRIPT = Path(sys.executable).parent / "sagemon-tui"
APP_SOURCE = Path(__file__).resolve().parents[2] / "tui" / "app.py"


@pytest.fixture
def tui():
    if not SCRIPT.exists():
        pytest.skip(f"the sagemon-tui console script is not installed next to {sys.executable}")
    if "registry" not in APP_SOURCE.read_text(encoding="utf-8"):
        pytest.skip("the app does not open drill-down screens from the overview yet (tui/screens/registry.py)")
    t = Tmux(160, 48)
    yield t
    t.stop()


def host_rows(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if re.match(r"^ algo-\d+\s", line)]


def test_overview_job_host_logs_and_back(tui, tmp_path):
    # Under pytest, child processes can inherit COLUMNS=80 LINES=24 (set below os.environ by
    # a terminal library), which the app would take over the real pane size: say the real one.
    described = tmp_path / "fleet.json"
    tui.start([str(SCRIPT), "--demo", "--demo-describe", str(described)],
              env={"COLUMNS": str(tui.width), "LINES": str(tui.height)})
    tui.wait_for("sagemon", timeout=10)
    story = read_description(described)["story"]
    job = story["distributed_job"]  # named after the day the demo started
    lagging, disk = (h.rsplit("/", 1)[-1] for h in (story["lagging_host"], story["disk_full_host"]))
    assert (lagging, disk) == ("algo-7", "algo-12")  # the keys below move the cursor to algo-7
    tui.wait_for("demo@", timeout=180)  # connected to the demo AWS once its history is in
    tui.wait_for("updated", timeout=60)

    tui.type(":jobs")
    tui.keys("Enter")
    tui.wait_for(job, timeout=20)
    tui.type(f"/{job}")
    tui.keys("Enter")
    tui.wait_for("(1 of", timeout=10)
    tui.keys("Enter")  # open the job under the cursor

    # the job screen: 16 hosts, the lagging GPU and the full disk flagged with their reasons
    screen = tui.wait_for(r" algo-16 ", timeout=30, regex=True)
    screen = tui.wait_for("hosts flagged", timeout=90)
    assert f"sagemon › Jobs › {job}" in screen, screen
    assert "training" in screen and "InProgress" in screen and "ml.p4d.24xlarge × 16" in screen
    rows = host_rows(screen)
    assert len(rows) == 16, screen
    assert "lagging GPU" in next(r for r in rows if r.startswith(" algo-7 "))
    assert re.search(r"disk \d+% full", next(r for r in rows if r.startswith(" algo-12 ")))
    assert "Traceback" not in screen

    # Enter on algo-7 (the cursor starts on algo-1)
    tui.keys("Down", "Down", "Down", "Down", "Down", "Down")
    tui.keys("Enter")
    screen = tui.wait_for(f"sagemon › Jobs › {job} › algo-7 ", timeout=30)
    screen = tui.wait_for("cluster median (16 hosts)", timeout=30)  # the charts' legends
    assert "▲ lagging GPU" in screen
    screen = tui.wait_for("straggler", timeout=60)  # the host's own log, below its charts
    assert "log algo-7" in screen

    # l: the host's live log, full screen
    tui.type("l")
    screen = tui.wait_for(r"› algo-7 › logs", timeout=20, regex=True)
    screen = tui.wait_for("NCCL WARN", timeout=60)
    assert "following" in screen
    tui.type("/straggler")
    tui.keys("Enter")
    screen = tui.wait_for("/straggler:", timeout=10)
    assert "matches" in screen

    # Esc: back one level at a time
    tui.keys("Escape")
    screen = tui.wait_gone("› logs", timeout=10)
    assert "cluster median (16 hosts)" in screen and "› algo-7" in screen
    tui.keys("Escape")
    screen = tui.wait_gone("› algo-7", timeout=10)
    assert len(host_rows(screen)) == 16 and "hosts flagged" in screen
    tui.keys("Enter")  # the cursor is still on algo-7: the same host opens again
    screen = tui.wait_for("› algo-7 ", timeout=30)
    assert "log algo-7" in screen
    tui.keys("Escape")
    tui.wait_gone("› algo-7", timeout=10)
    tui.keys("Escape")
    screen = tui.wait_gone("hosts flagged", timeout=10)
    assert job in screen and "sagemon › Jobs" in screen
    tui.type("q")
    assert tui.wait_exit(15)
