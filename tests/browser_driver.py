"""Headless Chromium driven over the Chrome DevTools Protocol, for the browser end-to-end test.

A small synchronous client on ``websocket-client``: start Debian's ``chromium`` with
``--headless=new --remote-debugging-port=0`` in a private profile (the port it picked is read
from the profile's ``DevToolsActivePort``), attach to its page, open a URL, read text with
``Runtime.evaluate`` and type with ``Input.dispatchKeyEvent``. Chromium runs in its own process
group, which :meth:`Chromium.stop` ends (its zygote and renderers with it), also after a failure.

textual-serve draws its terminal with xterm.js on a WebGL or canvas renderer, so the screen is
not DOM text: a script added before the page's own (:data:`CAPTURE_TERMINAL`) keeps the xterm
``Terminal`` that the page makes (textual-serve assigns it to ``this.terminal``), and
:meth:`Chromium.screen` reads its buffer, one line per terminal row.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

#: Runs before the page's scripts: the first object given a ``terminal`` that looks like an
#: xterm.js Terminal is kept as ``window.__xterm`` (the property is then set as usual).
CAPTURE_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (!window.__xterm && value && typeof value.write === "function" && "buffer" in value) {
      window.__xterm = value;
    }
  },
});
"""

#: The terminal's visible rows as text, or null before the page has made its terminal.
READ_SCREEN = """
(() => {
  const t = window.__xterm;
  if (!t || !t.element) return null;
  const buffer = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()
"""

#: Input.dispatchKeyEvent fields of the named keys used by the tests.
NAMED_KEYS = {
    "Enter": {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"},
    "Escape": {"key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27},
    "Down": {"key": "ArrowDown", "code": "ArrowDown", "windowsVirtualKeyCode": 40},
    "Up": {"key": "ArrowUp", "code": "ArrowUp", "windowsVirtualKeyCode": 38},
}


def find_chromium() -> str | None:
    """The path of Debian's chromium (or a chromium-browser), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def install_chromium(timeout: float = 600.0) -> str | None:
    """Install Debian's chromium with apt-get where this process may (root), as ``make tools``
    does; the reason it could not, or None once it is there."""
    if find_chromium():
        return None
    if not shutil.which("apt-get"):
        return "chromium is not installed and there is no apt-get to install it"
    if os.geteuid() != 0:
        return "chromium is not installed (make tools installs it with sudo apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"chromium is not installed: {' '.join(cmd)} took over {timeout:.0f}s"
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["failed"])[-1]
            return f"chromium is not installed: {' '.join(cmd)}: {last}"
    return None if find_chromium() else "chromium is not installed: apt-get installed no chromium command"


class CdpError(Exception):
    """A DevTools command answered with an error, or no answer came in time."""


class Chromium:
    """One headless Chromium and a DevTools session on its first page."""

    def __init__(self, profile: Path, width: int = 1600, height: int = 1000) -> None:
        self.profile = profile
        self.width, self.height = width, height
        self.process: subprocess.Popen | None = None
        self.ws = None
        self._id = 0

    def start(self, timeout: float = 30.0) -> None:
        binary = find_chromium()
        if binary is None:
            raise RuntimeError("chromium is not installed")
        self.profile.mkdir(parents=True, exist_ok=True)
        (self.profile / "DevToolsActivePort").unlink(missing_ok=True)  # a previous run's
        self.log = (self.profile / "chromium.log").open("wb")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", f"--user-data-dir={self.profile}",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, start_new_session=True)
        port = self._devtools_port(timeout)
        page = self._page_target(port, timeout)
        import websocket  # websocket-client

        self.ws = websocket.create_connection(page, timeout=timeout, suppress_origin=True)

    def _devtools_port(self, timeout: float) -> int:
        active = self.profile / "DevToolsActivePort"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.process.returncode}: "
                                   f"{(self.profile / 'chromium.log').read_text(errors='replace')[-2000:]}")
            lines = active.read_text().split() if active.exists() else []
            if lines and lines[0].isdigit():
                return int(lines[0])
            time.sleep(0.1)
        raise RuntimeError(f"chromium opened no DevTools port in {timeout:.0f}s")

    @staticmethod
    def _page_target(port: int, timeout: float) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as reply:
                    pages = [t for t in json.load(reply) if t.get("type") == "page"]
            except OSError:  # not listening yet
                pages = []
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.1)
        raise RuntimeError(f"chromium has no page to attach to after {timeout:.0f}s")

    def call(self, method: str, **params):
        """Send one DevTools command and return its result (events in between are dropped)."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open(self, url: str) -> None:
        """Open ``url`` with the terminal capture in place and the page treated as focused."""
        self.call("Page.enable")
        self.call("Page.addScriptToEvaluateOnNewDocument", source=CAPTURE_TERMINAL)
        self.call("Emulation.setFocusEmulationEnabled", enabled=True)
        self.call("Page.navigate", url=url)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise CdpError(f"{expression[:60]!r}: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def screen(self) -> str:
        """The terminal's rows as text ('' before the page has its terminal)."""
        return self.evaluate(READ_SCREEN) or ""

    def wait_until(self, check, what: str, timeout: float = 30.0) -> str:
        """The screen once ``check(screen)`` holds; AssertionError naming ``what``, with the last
        screen, after ``timeout`` seconds."""
        end = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if time.monotonic() > end:
                raise AssertionError(f"{what} after {timeout:.0f}s; the browser's screen:\n{screen}")
            time.sleep(0.25)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """The screen once it shows ``text``."""
        return self.wait_until(lambda screen: text in screen, f"{text!r} not on screen", timeout)

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        """The screen once ``text`` is no longer on it."""
        return self.wait_until(lambda screen: text not in screen, f"{text!r} still on screen", timeout)

    def _key(self, fields: dict) -> None:
        self.evaluate("window.__xterm && window.__xterm.focus()")
        self.call("Input.dispatchKeyEvent", type="keyDown", **fields)
        up = {k: v for k, v in fields.items() if k != "text"}
        self.call("Input.dispatchKeyEvent", type="keyUp", **up)

    def type(self, text: str) -> None:
        """Type printable characters, one key at a time."""
        for ch in text:
            self._key({"key": ch, "text": ch, "unmodifiedText": ch})

    def keys(self, *names: str) -> None:
        """Press named keys (:data:`NAMED_KEYS`)."""
        for name in names:
            self._key(NAMED_KEYS[name])

    def stop(self) -> None:
        """End chromium and every process of its group (renderers, zygote, GPU)."""
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:  # noqa: BLE001 - already gone
                pass
        if self.process is not None:
            stop_group(self.process)
        if getattr(self, "log", None) is not None:
            self.log.close()


def stop_group(process: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM the process group ``process`` leads (started with ``start_new_session``), then
    SIGKILL what is left of it after ``grace`` seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # children that outlived their leader
    except ProcessLookupError:
        pass
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        pass
