"""``sagemon-tui serve``: the same app in a browser, through textual-serve.

::

    sagemon-tui serve                          # http://127.0.0.1:8000, the default credentials
    sagemon-tui serve --port 8080 --profile prod --region us-east-1
    sagemon-tui serve --demo

A small web server (textual-serve: aiohttp and xterm.js) listens on 127.0.0.1 and starts one
``sagemon-tui`` process per browser tab, with the flags given here (less ``--port`` and
``--host``), under this Python. It listens on the loopback address only and refuses any other
``--host``: the page has no authentication and the app reads AWS with the credentials of
whoever started it; and the app's websocket takes only its own page (another site's page in the
same browser cannot open it: :func:`origin_allowed`). From a laptop, reach it through an SSH
port forward, which it prints::

    ssh -N -L 8000:127.0.0.1:8000 bastion

The app's flags are checked before anything listens (:mod:`tui.cli` hands its parser and its
checks in, so this module does not import the command line back). A bad flag or a missing
textual-serve is one line on stderr and exit status 2; a port that cannot be listened on, 1.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import socket
import sys
from collections.abc import Callable
from pathlib import Path

PROG = "sagemon-tui serve"
DEFAULT_PORT = 8000
#: The only address served: the app has AWS credentials behind it and the page has no login.
HOST = "127.0.0.1"
#: What ``--host`` accepts; each means :data:`HOST`.
LOOPBACK_NAMES = (HOST, "localhost")
#: serve's own flags: taken off the command line before it is handed to each app process.
OWN_FLAGS = ("--port", "--host")


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    """serve's flags, on a parser that has the app's (``tui.config.options.build_parser``)."""
    p.description = ("Serve the app in a web browser (textual-serve) on 127.0.0.1 only: every browser tab "
                     "runs its own sagemon-tui with the flags given here. From another machine, use an SSH "
                     "port forward: ssh -N -L PORT:127.0.0.1:PORT HOST, then open http://127.0.0.1:PORT.")
    p.epilog = "Each tab reads AWS with this machine's credentials: there is no login, so it listens on 127.0.0.1 only."
    p.allow_abbrev = False  # serve's flags are taken off the app's command line by their full names
    p.add_argument("--port", metavar="N", default=str(DEFAULT_PORT),
                   help=f"the TCP port to listen on (default: {DEFAULT_PORT})")
    p.add_argument("--host", metavar="ADDRESS", default=HOST,
                   help="the address to listen on: 127.0.0.1 (or localhost) only, the default")


def check_port(text: str) -> int:
    """The port of ``--port``, or ValueError with the reason."""
    try:
        port = int(text)
    except ValueError:
        raise ValueError(f"--port must be a number from 1 to 65535, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"--port must be a number from 1 to 65535, got {text}")
    return port


def check_host(text: str) -> str:
    """The address to listen on for ``--host``, or ValueError: only the loopback address."""
    if text.strip().lower() in LOOPBACK_NAMES:
        return HOST
    raise ValueError(f"--host must be {HOST}: the app reads AWS with your credentials and the page has "
                     f"no login, so it is served on this machine only (reach it with an SSH port forward), "
                     f"not on {text!r}")


def app_arguments(argv: list[str]) -> list[str]:
    """``argv`` of ``serve`` without serve's own flags: the app's flags, as given."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in OWN_FLAGS:
            skip = True  # and its value
        elif not arg.startswith(tuple(f + "=" for f in OWN_FLAGS)):
            out.append(arg)
    return out


def entry_point() -> list[str]:
    """How to start this Python's ``sagemon-tui``: its console script, else ``python -m tui.cli``."""
    script = Path(sys.executable).parent / "sagemon-tui"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "tui.cli"]


def app_command(argv: list[str]) -> str:
    """The shell command textual-serve runs for each browser tab (``exec``: the shell becomes the
    app, so stopping the server stops the app, not a shell in front of it)."""
    return "exec " + shlex.join(entry_point() + app_arguments(argv))


def start_lines(host: str, port: int) -> list[str]:
    """What ``serve`` prints once it listens: the URL and the port forward from another machine."""
    url = f"http://{host}:{port}"
    return [
        f"sagemon-tui serve: open {url} in a browser (each tab runs its own sagemon-tui; Ctrl+C stops)",
        f"From another machine: ssh -N -L {port}:{host}:{port} bastion   (bastion: this host as you ssh to it), "
        f"then open {url} there",
    ]


def origin_allowed(origin: str | None, port: int) -> bool:
    """Whether a browser page from ``origin`` may open the app's websocket: only the served page
    itself (or a client that sends no Origin). Browsers let any web site open a websocket to
    127.0.0.1, so without this a page visited while the port is forwarded could drive the app."""
    return origin is None or origin.rstrip("/").lower() in {f"http://{name}:{port}" for name in LOOPBACK_NAMES}


def port_in_use(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (in use, not allowed), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp listens
        try:
            s.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def main(argv: list[str], parser: argparse.ArgumentParser, check_app: Callable[[argparse.Namespace], None]) -> int:
    """``sagemon-tui serve``: ``parser`` has the app's flags, ``check_app`` checks them as the app
    would (exits with one line when they are bad) before anything listens."""
    add_serve_arguments(parser)
    args = parser.parse_args(argv)
    try:
        host, port = check_host(args.host), check_port(args.port)
    except ValueError as exc:
        parser.error(str(exc))
    check_app(args)
    try:
        from aiohttp import web
        from textual_serve.server import Server
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith(("textual_serve", "aiohttp")):
            raise
        sys.stderr.write(f"{PROG}: error: textual-serve is not installed: install the serve extra (pip install '.[serve]' in a clone, or pipx inject sagemon-tui textual-serve)\n")
        return 2
    why = port_in_use(host, port)
    if why is not None:
        sys.stderr.write(f"{PROG}: cannot listen on {host}:{port}: {why}\n")
        return 1

    class _Server(Server):
        def initialize_logging(self) -> None:
            super().initialize_logging()
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # no line per request

        async def handle_websocket(self, request):
            if not origin_allowed(request.headers.get("Origin"), port):
                return web.Response(status=403, text="sagemon-tui serve: only its own page may connect\n")
            return await super().handle_websocket(request)

        async def on_startup(self, app) -> None:  # our lines instead of textual-serve's logo
            sys.stdout.write("".join(line + "\n" for line in start_lines(host, port)))
            sys.stdout.flush()

    try:
        _Server(app_command(argv), host=host, port=port, title="sagemon-tui").serve()
    except OSError as exc:  # lost the port between the check and the listen
        sys.stderr.write(f"{PROG}: cannot listen on {host}:{port}: {exc.strerror or exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
