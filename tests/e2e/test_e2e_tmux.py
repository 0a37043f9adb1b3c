"""End to end: the real ``sagemon-tui --demo`` console script in a private tmux server.

Waits for demo data, then drives it as a person would: ``:jobs`` Enter, ``/`` filter, Esc,
``?`` help, Esc, Enter on a row and Esc back, ``q`` to quit; and reads the screen each time.
The demo's resources are named after the day it starts, so the names looked for come from the
fleet description the app writes (``--demo-describe``), never from a date in this file.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.tmux_driver import Tmux, available

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not available(), reason="tmux is not installed (make tools installs it)")]

SCRIPT = Path(sys.executable).parent / "sagemon-tui"


@pytest.fixture
def tui():
    if not SCRIPT.exists():
        pytest.skip(f"the sagemon-tui console script is not installed next to {sys.executable}")
    t = Tmux(160, 48)
    yield t
    t.stop()


def read_description(path: Path, timeout: float = 60.0) -> dict:
    """The demo fleet's description, once the app has written it."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
        time.sleep(0.2)
    raise AssertionError(f"the app wrote no fleet description to {path} in {timeout:.0f}s")


def test_demo_end_to_end(tui, tmp_path):
    described = tmp_path / "fleet.json"
    tui.start([str(SCRIPT), "--demo", "--demo-describe", str(described)])
    # the first frame comes at once, before the demo AWS is up
    tui.wait_for("sagemon", timeout=10)
    description = read_description(described)
    story = description["story"]
    # the app and this test share one wall clock (under make test-anytime, the moved one)
    assert abs(description["t0"] - time.time()) < 300, (description["t0"], time.time())
    # then real data
    screen = tui.wait_for("updated", timeout=120)
    assert story["split_endpoint"] in screen and "Inv/min" in screen
    assert "Traceback" not in screen

    big, small = story["distributed_job"], story["single_host_job"]
    tui.type(":jobs")
    tui.keys("Enter")
    tui.wait_for("sagemon › Jobs", timeout=20)
    screen = tui.wait_for(big, timeout=20)
    assert "sagemon › Jobs" in screen and "Health" in screen and small in screen

    needle = big[:12]
    tui.type(f"/{needle}")
    screen = tui.wait_for(f"/{needle} (1 of", timeout=10)
    assert small not in screen
    tui.keys("Enter")  # keep the filter, back to the table
    tui.keys("Escape")  # clears it
    screen = tui.wait_for(small, timeout=10)

    tui.type("?")
    screen = tui.wait_for("sagemon-tui keys", timeout=10)
    assert "pause / resume" in screen
    tui.keys("Escape")
    tui.wait_gone("sagemon-tui keys")

    tui.type(":endpoints")
    tui.keys("Enter")
    tui.wait_for("sagemon › Endpoints", timeout=10)
    tui.keys("Enter")  # open the first endpoint's drill-down screen
    tui.wait_for("Variants", timeout=15)
    screen = tui.wait_for("Latency", timeout=15)  # the charts are laid out once their data is in
    assert "sagemon › Endpoints › " in screen
    tui.keys("Escape")
    tui.wait_gone("Variants", timeout=10)  # back on the overview (its table has Inv/min too)
    tui.wait_for("Inv/min", timeout=10)

    tui.type("q")
    assert tui.wait_exit(20), tui.screen()
    assert "Traceback" not in tui.screen()


def test_small_terminal(tui):
    tui.width, tui.height = 80, 24
    tui.start([str(SCRIPT), "--demo"])
    screen = tui.wait_for("updated", timeout=120)
    lines = screen.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
    assert "Name" in screen and "Status" in screen and "Inv/min" in screen
    tui.type("q")
    assert tui.wait_exit(20)
