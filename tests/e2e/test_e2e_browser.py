"""End to end in a browser: ``sagemon-tui serve --demo`` opened in headless Chromium.

The real console script serves the demo on a free port (textual-serve); Debian's chromium opens
it and is driven over the DevTools protocol (``tests/browser_driver.py``): the terminal's text
is read from the page's xterm.js buffer, keys are pressed with ``Input.dispatchKeyEvent``. It
checks what a person would see: the overview lists the demo's endpoints, ``:jobs`` Enter shows
the jobs, a filter and Enter open a job's screen, ``q`` ends the session. The names looked for
come from the fleet description the app writes (``--demo-describe``), never from a date here.

Skipped only where chromium is missing and cannot be installed (``make tools`` installs it).
The server, the app it starts and chromium each run in their own process group, ended by the
fixtures, also when the test fails.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import websocket  # websocket-client

from tests.browser_driver import Chromium, install_chromium, stop_group

pytestmark = pytest.mark.e2e

SCRIPT = Path(sys.executable).parent / "sagemon-tui"


@pytest.fixture(scope="module")
def chromium_ready():
    why = install_chromium()
    if why is not None:
        pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """``sagemon-tui serve --demo`` on a free port: (port, the description file, its output)."""
    if not SCRIPT.exists():
        pytest.skip(f"the sagemon-tui console script is not installed next to {sys.executable}")
    port, described, output = free_port(), tmp_path / "fleet.json", tmp_path / "serve.log"
    # pytest's own terminal size must not reach the app: the browser's is sent by textual-serve
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    with output.open("wb") as log:
        server = subprocess.Popen(
            [str(SCRIPT), "serve", "--demo", "--demo-describe", str(described), "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        end = time.monotonic() + 20
        while time.monotonic() < end and server.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"sagemon-tui serve did not listen on {port}:\n{output.read_text()}")
        yield port, described, output
    finally:
        stop_group(server)  # the server and every app it started (same process group)


@pytest.fixture
def browser(chromium_ready, tmp_path):
    chromium = Chromium(tmp_path / "chromium-profile", width=1600, height=1000)
    try:
        chromium.start()
        yield chromium
    finally:
        chromium.stop()


def lines(screen: str) -> list[str]:
    return [line.strip() for line in screen.splitlines()]


def read_description(path: Path, browser: Chromium, output: Path, timeout: float = 45.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                pass  # being written
        time.sleep(0.2)
    raise AssertionError(f"the served app wrote no fleet description to {path} in {timeout:.0f}s; the "
                         f"browser's screen:\n{browser.screen()}\nserve's output:\n{output.read_text()}")


def test_serve_demo_in_headless_chromium(served, browser):
    port, described, output = served
    url = f"http://127.0.0.1:{port}"
    printed = output.read_text(encoding="utf-8")
    assert url in printed and f"ssh -N -L {port}:127.0.0.1:{port} " in printed, printed

    browser.open(f"{url}/?fontsize=12")
    browser.wait_for("sagemon", timeout=20)  # the app's first frame, before the demo AWS is up
    description = read_description(described, browser, output)
    endpoints, story = description["endpoints"], description["story"]

    screen = browser.wait_for("updated", timeout=40)  # the first refresh is on screen
    screen = browser.wait_for(story["split_endpoint"], timeout=20)
    missing = [name for name in endpoints if name not in screen]
    assert not missing, f"endpoints not on the overview: {missing}\n{screen}"
    assert "sagemon › Endpoints" in screen and "Inv/min" in screen and "Traceback" not in screen

    job, other = story["single_host_job"], story["distributed_job"]
    browser.type(":jobs")
    browser.keys("Enter")
    screen = browser.wait_for("sagemon › Jobs", timeout=15)
    screen = browser.wait_for(job, timeout=15)
    assert other in screen and "Health" in screen

    # Each key waits for the one before to act: the app takes a second Enter typed while the
    # prompt is still open as the prompt's again (as a person typing Enter Enter fast would).
    browser.type(f"/{job}")  # the prompt is a line of its own above the status bar: the job's name
    screen = browser.wait_until(lambda screen: job in lines(screen) and f"/{job} (1 of" in screen,
                                f"no filter prompt for {job}, or the table not filtered", 10)
    assert other not in screen
    browser.keys("Enter")  # keep the filter: the prompt closes, the cursor is on the job
    browser.wait_until(lambda screen: job not in lines(screen), "the filter prompt stayed open", 10)
    browser.keys("Enter")  # open the selected job
    screen = browser.wait_for(f"sagemon › Jobs › {job}", timeout=20)
    screen = browser.wait_for("algo-1", timeout=30)  # its host table
    facts = next(line for line in screen.splitlines() if line.strip().startswith(job))
    assert "training" in facts and "× 1" in facts, facts
    assert "Traceback" not in screen

    # another site's page may not open the app's websocket (the browser would send its Origin)
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(f"ws://127.0.0.1:{port}/ws?width=80&height=24", timeout=10,
                                    origin="https://evil.example")
    assert refused.value.status_code == 403

    # Esc, then wait for it to act: a key sent within Textual's escape delay would read as Alt+key
    browser.keys("Escape")
    screen = browser.wait_gone(f"sagemon › Jobs › {job}", timeout=10)
    assert "sagemon › Jobs" in screen and job in screen  # back on the jobs table, as it was
    browser.type("q")  # the app ends; the page says so
    end = time.monotonic() + 15
    while not browser.evaluate("document.body.classList.contains('-closed')"):
        assert time.monotonic() < end, f"the session did not end after q:\n{browser.screen()}"
        time.sleep(0.2)
