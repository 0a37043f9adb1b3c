"""A tiny tmux driver for end-to-end tests: run a terminal program, type, read the screen.

Each :class:`Tmux` uses a private tmux server (``tmux -L <unique socket>``), so it never
touches anyone's tmux sessions, and :meth:`Tmux.stop` kills that whole server.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import uuid


def available() -> bool:
    return shutil.which("tmux") is not None


class Tmux:
    def __init__(self, width: int = 160, height: int = 48) -> None:
        self.socket = f"sagemon-e2e-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        self.session = "app"

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check,
                              timeout=20)

    def start(self, argv: list[str], env: dict[str, str] | None = None, unset: tuple[str, ...] = (),
              record: str | None = None) -> "Tmux":
        """Run ``argv`` in the pane with ``env`` added and the variables in ``unset`` removed
        (``COLORTERM``: a plain ssh session); ``record`` names a file that gets every byte the
        app writes to the terminal, escape sequences included (tmux ``pipe-pane``)."""
        merged = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
        merged.update(env or {})
        for name in unset:
            merged.pop(name, None)
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in merged.items())
        removed = " ".join(f"-u {shlex.quote(name)}" for name in ("COLUMNS", "LINES", *unset))
        # COLUMNS/LINES inherited from a test runner would pin the app to their size, not the pane's
        command = f"env {removed} {prefix} {' '.join(shlex.quote(a) for a in argv)}"
        if record is not None:  # the pane waits for the pipe before it runs the app
            command = f"sleep 0.3; {command}"
        self._tmux("-f", os.devnull, "new-session", "-d", "-s", self.session, "-x", str(self.width),
                   "-y", str(self.height), command)
        self._tmux("set-option", "-t", self.session, "remain-on-exit", "on")
        if record is not None:
            self._tmux("pipe-pane", "-o", "-t", self.session, f"cat >> {shlex.quote(record)}")
        return self

    def keys(self, *keys: str, literal: bool = False) -> None:
        """Send keys: tmux key names (Enter, Escape, C-c) or, with ``literal``, text as typed."""
        args = ["send-keys", "-t", self.session] + (["-l"] if literal else []) + list(keys)
        self._tmux(*args)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.session, check=False).stdout

    def wait_for(self, pattern: str, timeout: float = 30.0, regex: bool = False) -> str:
        """Wait until ``pattern`` is on screen; returns the screen (raises with it if not)."""
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if (re.search(pattern, screen) if regex else pattern in screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} not on screen after {timeout:.0f}s; the screen is:\n{screen}")

    def wait_gone(self, pattern: str, timeout: float = 10.0) -> str:
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if pattern not in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} still on screen after {timeout:.0f}s:\n{screen}")

    def alive(self) -> bool:
        out = self._tmux("display-message", "-p", "-t", self.session, "#{pane_dead}", check=False).stdout.strip()
        return out == "0"

    def wait_exit(self, timeout: float = 15.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.alive():
                return True
            time.sleep(0.2)
        return False

    def pane_pid(self) -> int | None:
        out = self._tmux("display-message", "-p", "-t", self.session, "#{pane_pid}", check=False).stdout.strip()
        return int(out) if out.isdigit() else None

    def stop(self) -> None:
        self._tmux("kill-server", check=False)
