"""Run a program in a real pseudo-terminal and watch what it writes (start-up, idle, memory).

:class:`PtyApp` spawns ``argv`` on a new pty of a given size (TERM=xterm-256color), reads
everything it writes in a thread, and records when marker strings first appear (the first frame,
the first data), every write (time and size), and the process's CPU time and RSS from
``/proc/PID``. Nothing of the app is patched: this is what a user's terminal sees.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (its threads included), in seconds."""
    with open(f"/proc/{pid}/stat", "rb") as fh:
        fields = fh.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/statm", "rb") as fh:
        return int(fh.read().split()[1]) * PAGE / 1e6


class PtyApp:
    """One program on a pty; ``markers`` maps a name to the bytes whose first appearance is timed."""

    def __init__(self, argv: list[str], markers: dict[str, bytes], *, env: dict | None = None,
                 size: tuple[int, int] = (160, 48)) -> None:
        self.markers = dict(markers)
        self.seen: dict[str, float] = {}
        self.writes: list[tuple[float, int]] = []
        self._tail = b""
        self.last_output = b""  # the newest 8 KiB written (to explain a run that failed)
        self._stop = threading.Event()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        full_env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor"})
        full_env.update(env or {})
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=full_env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                r, _, _ = select.select([self.master], [], [], 0.1)
                if not r:
                    if self.proc.poll() is not None:
                        return
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            self.writes.append((now, len(data)))
            hay = self._tail + data
            for name, marker in self.markers.items():
                if name not in self.seen and marker in hay:
                    self.seen[name] = now - self.t0
            self._tail = hay[-256:]
            self.last_output = (self.last_output + data)[-8192:]

    def wait_for(self, name: str, timeout: float) -> float | None:
        """Seconds from spawn to the marker's first appearance (None on timeout or exit)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if name in self.seen:
                return self.seen[name]
            if self.proc.poll() is not None:
                time.sleep(0.2)
                return self.seen.get(name)
            time.sleep(0.01)
        return None

    def screen_tail(self) -> str:
        """The newest output as plain text (escape sequences removed)."""
        import re

        text = self.last_output.decode("utf-8", "replace")
        text = re.sub(r"\x1b\[[0-9;?<>=$]*[A-Za-z~]|\x1b[\]P_].*?(\x07|\x1b\\)|\x1b.", " ", text)
        return re.sub(r"\s+", " ", text)[-600:]

    def bytes_between(self, a: float, b: float) -> tuple[int, int]:
        """(bytes, writes) the program wrote between perf_counter times a and b."""
        sel = [n for t, n in self.writes if a <= t < b]
        return sum(sel), len(sel)

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def stop(self, timeout: float = 5.0) -> None:
        if self.proc.poll() is None:
            try:
                self.type(b"q")
                self.proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(5)
        self._stop.set()
        self._reader.join(2)
        try:
            os.close(self.master)
        except OSError:
            pass
