"""End to end: quitting is instant whatever AWS does.

The real ``sagemon-tui`` runs in tmux against an "AWS" that accepts connections and never
answers (every call hangs until botocore's read timeout, then retries). ``q`` and Ctrl+C
while calls hang must end the process within two seconds, with the terminal handed back.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.tmux_driver import Tmux, available

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not available(), reason="tmux is not installed (make tools installs it)")]

SCRIPT = Path(sys.executable).parent / "sagemon-tui"
#: The issue's bound for a quit, measured from the key to the process being gone.
QUIT_SECONDS = 2.0


@pytest.fixture
def hanging_aws():
    """A TCP server on 127.0.0.1 that accepts every connection, reads, and never replies."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)  # kept open, never answered

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", held
    stop.set()
    thread.join(2)
    for c in held:
        c.close()
    server.close()


@pytest.fixture
def tui():
    if not SCRIPT.exists():
        pytest.skip(f"the sagemon-tui console script is not installed next to {sys.executable}")
    t = Tmux(120, 30)
    yield t
    t.stop()


@pytest.mark.parametrize("key", ["q", "C-c"])
def test_quit_while_every_call_hangs(tui, hanging_aws, tmp_path, key):
    url, held = hanging_aws
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    tui.start([str(SCRIPT), "--endpoint-url", url, "--region", "us-east-1"], env=env)
    tui.wait_for("sagemon", timeout=20)
    end = time.monotonic() + 20
    while not held and time.monotonic() < end:  # discovery's calls are in flight, and hang
        time.sleep(0.1)
    assert held, "the app never called the hanging AWS"
    time.sleep(1.0)
    assert tui.alive()
    t0 = time.monotonic()
    if key == "q":
        tui.type("q")
    else:
        tui.keys("C-c")
    assert tui.wait_exit(10), tui.screen()
    took = time.monotonic() - t0
    assert took <= QUIT_SECONDS, f"the process took {took:.1f}s to end after {key}"
    screen = tui.screen()
    assert "Traceback" not in screen


def test_a_hanging_aws_is_shown_within_seconds(tui, hanging_aws, tmp_path):
    """The status bar says it is waiting for AWS seconds after the refresh is due, long before
    botocore's timeouts end the refresh."""
    from tui.model.state import WAIT_GRACE

    url, _held = hanging_aws
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    t0 = time.monotonic()
    tui.start([str(SCRIPT), "--endpoint-url", url, "--region", "us-east-1"], env=env)
    # connecting (the account's identity) or refreshing: either hangs, and says so with its seconds
    screen = tui.wait_for(r"(waiting for AWS|connecting to AWS…) \d+s", timeout=WAIT_GRACE + 10, regex=True)
    assert time.monotonic() - t0 < WAIT_GRACE + 10 and "Traceback" not in screen
    tui.type("q")
    assert tui.wait_exit(5)
