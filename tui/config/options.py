"""Options: the settings every command runs with, parsed from flags and merged with the
config file and ``SAGEMON_*`` variables.

:func:`resolve_options` applies defaults < config file < environment < flags
(:mod:`tui.config.settings`) and checks every value with the one rule per option in
:mod:`tui.config.rules`; :func:`build_parser` holds the flags the app, ``config``,
``snapshot`` and ``serve`` share. A bad flag or variable is one line on stderr and exit status 2,
never a traceback. Nothing here imports Textual or boto3, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

from tui import __version__
from tui.config import settings
from tui.config.rules import DEFAULT_REFRESH, UsageError, check_profile

#: The environment variables botocore reads a profile name from, in its order of precedence.
_PROFILE_ENV = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")


@dataclass
class Options:
    """Everything the app, ``config`` and ``snapshot`` run with; :attr:`sources` says where each
    setting came from: ``default``, the config file's path, a variable (``SAGEMON_REFRESH``)
    or a flag (``--refresh``)."""

    profile: str | None = None
    regions: tuple[str, ...] = ()
    accounts: tuple = ()  #: source accounts (cross-account observability): "linked" and {"id", ...} tables
    endpoint_url: str | None = None
    refresh: int = DEFAULT_REFRESH
    window: str = "3h"
    demo: bool = False
    demo_speed: float = 1.0
    demo_describe: str | None = None
    demo_accounts: bool = False  #: with --demo: two source accounts beside the demo account
    extra: dict = field(default_factory=dict)
    config_path: str | None = None  #: the config file read (it may not exist)
    config_warning: str | None = None  #: why the config file was ignored, in one line
    theme: str | None = "sagemon"
    color: str = "auto"  #: one of COLORS
    ascii: bool = False
    max_cost_per_day: float | None = None  #: US dollars
    thresholds: dict = field(default_factory=dict)  #: {metric: (warn, critical)}
    hidden_panes: tuple[str, ...] = ()  #: pane names (Pane values)
    hidden_columns: dict = field(default_factory=dict)  #: {pane name: (column keys)}
    keys: dict = field(default_factory=dict)  #: {action: key(s)}, applied to the app's bindings
    bell: bool = False
    live_tail: bool = False  #: follow logs with CloudWatch Logs Live Tail (polling the fallback)
    debug: bool = False
    sources: dict = field(default_factory=dict)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage too by default)
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def add_common_arguments(p: argparse.ArgumentParser) -> None:
    """The flags every command shares: where to read from and how to show it."""
    by_key = settings.BY_KEY
    p.add_argument("--config", metavar="PATH", dest="config_path",
                   help="the config file (default: $XDG_CONFIG_HOME/sagemon-tui/config.toml, "
                        "~/.config/sagemon-tui/config.toml without it)")
    p.add_argument("--profile", help=by_key["profile"].help)
    p.add_argument("--region", dest="regions", metavar="REGION", help=by_key["regions"].help)
    p.add_argument("--accounts", metavar="ACCOUNTS", help=by_key["accounts"].help)
    p.add_argument("--endpoint-url", help=by_key["endpoint_url"].help)
    p.add_argument("--refresh", metavar="SECONDS", help=by_key["refresh"].help)
    p.add_argument("--window", metavar="WINDOW", help=by_key["window"].help)
    p.add_argument("--theme", metavar="NAME", help=by_key["theme"].help)
    p.add_argument("--color", metavar="MODE", help=by_key["color"].help)
    p.add_argument("--ascii", action="store_true", default=None, help=by_key["ascii"].help)
    p.add_argument("--bell", action=argparse.BooleanOptionalAction, default=None, help=by_key["bell"].help)
    p.add_argument("--max-cost-per-day", metavar="USD", help=by_key["max_cost_per_day"].help)
    p.add_argument("--live-tail", action="store_true", default=None, help=by_key["live_tail"].help)
    p.add_argument("--debug", action="store_true", default=None, help=by_key["debug"].help)


def build_parser(prog: str = "sagemon-tui") -> argparse.ArgumentParser:
    p = _Parser(
        prog=prog,
        description="Live-monitor Amazon SageMaker endpoints, jobs and pipelines through CloudWatch. "
                    "Commands: 'sagemon-tui config' prints the settings in effect and where each came from; "
                    "'sagemon-tui snapshot' prints one table and exits; "
                    "'sagemon-tui serve' serves the app in a web browser on 127.0.0.1.",
        epilog="Keys: ':' jump to a pane, '/' filter, Enter drill down, Esc back, '?' help, 'q' quit.",
    )
    add_common_arguments(p)
    p.add_argument("--demo", action="store_true", help="run against an embedded local AWS with a live demo fleet")
    p.add_argument("--demo-speed", metavar="N", help="with --demo: run the simulated clock N times faster")
    p.add_argument("--demo-accounts", action="store_true",
                   help="with --demo: two source accounts beside the demo account (cross-account observability: "
                        "one reached by a role, one by its metrics only)")
    p.add_argument("--demo-describe", metavar="FILE",
                   help="with --demo: write the demo fleet's description (its resources' names, which are "
                        "dated, and its start time) as JSON to FILE once the fleet exists")
    p.add_argument("--version", action="version", version=f"sagemon-tui {__version__}")
    return p


def resolve_options(argv_or_args: list[str] | argparse.Namespace | None = None, *, warn: bool = True) -> Options:
    """The options of a command line (a list of arguments, or what a parser made of them: a
    parser built on :func:`add_common_arguments`): defaults < config file < ``SAGEMON_*`` <
    flags. A bad value exits 2 with one line on stderr; a bad config file prints one warning
    line there (with ``warn``) and is ignored, the warning kept in :attr:`Options.config_warning`."""
    args = argv_or_args if isinstance(argv_or_args, argparse.Namespace) else build_parser().parse_args(argv_or_args)
    try:
        opts = validate(args)
    except UsageError as exc:
        sys.stderr.write(f"sagemon-tui: error: {exc}\n")
        raise SystemExit(2) from None
    if warn and opts.config_warning:
        sys.stderr.write(f"sagemon-tui: warning: {opts.config_warning}\n")
    return opts


def parse(argv: list[str] | None = None) -> Options:
    """:func:`resolve_options` of a list of arguments."""
    return resolve_options(argv)


def validate(args: argparse.Namespace) -> Options:
    """:class:`Options` from parsed arguments, or a :class:`UsageError`."""
    demo = bool(getattr(args, "demo", False))
    if getattr(args, "endpoint_url", None) == "":
        args.endpoint_url = None  # an empty flag is no flag (as an empty AWS_ENDPOINT_URL)
    if demo and (args.profile or args.endpoint_url):
        raise UsageError("--demo runs its own local AWS: drop --profile/--endpoint-url")
    flags = {s.key: getattr(args, s.key, None) for s in settings.SETTINGS if s.flag}
    found = settings.merge_layers(flags, getattr(args, "config_path", None), os.environ,
                             skip=("profile", "accounts") if demo else ())
    opts = Options(demo=demo, config_path=str(found.config_path), config_warning=found.warning,
                   sources=dict(found.sources), **found.values)
    _demo_options(args, opts)
    if opts.profile is None:
        # botocore refuses to build any session (the demo's too) under an unknown env profile
        env = next((name for name in _PROFILE_ENV if name in os.environ), None)
        if env is not None:
            check_profile(os.environ[env], env)
    return opts


def _demo_options(args: argparse.Namespace, opts: Options) -> None:
    speed, describe = getattr(args, "demo_speed", None), getattr(args, "demo_describe", None)
    if getattr(args, "demo_accounts", False):
        if not opts.demo:
            raise UsageError("--demo-accounts only applies with --demo")
        opts.demo_accounts = True
    if speed is not None:
        if not opts.demo:
            raise UsageError("--demo-speed only applies with --demo")
        try:
            value = float(speed)
        except ValueError:
            raise UsageError(f"--demo-speed must be a number, got {speed!r}") from None
        if not (0 < value <= 3600):
            raise UsageError(f"--demo-speed must be between 0 and 3600, got {speed}")
        opts.demo_speed = value
    if describe is not None:
        if not opts.demo:
            raise UsageError("--demo-describe only applies with --demo")
        if not describe.strip():
            raise UsageError("--demo-describe needs a file path")
        folder = os.path.dirname(os.path.abspath(describe))
        if not os.path.isdir(folder):
            raise UsageError(f"--demo-describe: no such directory: {folder!r}")
        opts.demo_describe = describe


#: Seconds to wait for a connection to ``--endpoint-url`` before starting the full-screen UI.
REACH_TIMEOUT = 3.0


def unreachable(url: str, timeout: float = REACH_TIMEOUT) -> str | None:
    """Why ``url`` cannot be reached at all (a name that does not resolve, a refused
    connection), or None. A slow or hanging endpoint is reachable: the app shows it waiting."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return None
    except socket.timeout:
        return None
    except socket.gaierror as exc:
        return f"the host name {parts.hostname!r} does not resolve ({exc.strerror or exc})"
    except OSError as exc:
        return exc.strerror or str(exc)
