"""The ``sagemon-tui`` command line: parse and validate options, then start the app.

Bad flags exit with status 2 and one line on stderr, never a traceback, before the full-screen
UI opens. That includes an AWS profile (``--profile``, or ``AWS_PROFILE`` /
``AWS_DEFAULT_PROFILE`` in the environment) that botocore's shared config and credentials
files do not define, and an endpoint URL (``--endpoint-url`` or ``AWS_ENDPOINT_URL``) whose
scheme, host or port is unusable. Heavy imports (Textual, boto3) happen only after the options
are valid, and botocore only when a profile must be checked, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tui import __version__

MIN_REFRESH = 10
DEFAULT_REFRESH = 60
WINDOWS = {"1h": 3600, "3h": 3 * 3600, "12h": 12 * 3600, "24h": 24 * 3600}
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
#: A DNS name or IPv4 address as botocore accepts it: labels of letters, digits and hyphens.
_HOST_RE = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")
#: The environment variables botocore reads a profile name from, in its order of precedence.
_PROFILE_ENV = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
#: How many known profile names an unknown-profile error lists.
_PROFILES_LISTED = 5


class UsageError(Exception):
    """An invalid command line value."""


@dataclass
class Options:
    profile: str | None = None
    regions: tuple[str, ...] = ()
    endpoint_url: str | None = None
    refresh: int = DEFAULT_REFRESH
    window: str = "3h"
    demo: bool = False
    demo_speed: float = 1.0
    demo_describe: str | None = None
    extra: dict = field(default_factory=dict)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage too by default)
        self.exit(2, f"sagemon-tui: error: {message} (see sagemon-tui --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="sagemon-tui",
        description="Live-monitor Amazon SageMaker endpoints, jobs and pipelines through CloudWatch.",
        epilog="Keys: ':' jump to a pane, '/' filter, Enter drill down, Esc back, '?' help, 'q' quit.",
    )
    p.add_argument("--profile", help="AWS profile name (default: the environment's credentials)")
    p.add_argument("--region", help="AWS region, or several separated by commas (us-east-1,eu-west-1)")
    p.add_argument("--endpoint-url", help="an AWS-compatible endpoint URL (also read from AWS_ENDPOINT_URL)")
    p.add_argument("--refresh", metavar="SECONDS", help=f"seconds between refreshes "
                   f"(default {DEFAULT_REFRESH}, minimum {MIN_REFRESH})")
    p.add_argument("--window", metavar="WINDOW", help="time window shown: 1h, 3h (default), 12h or 24h")
    p.add_argument("--demo", action="store_true", help="run against an embedded local AWS with a live demo fleet")
    p.add_argument("--demo-speed", metavar="N", help="with --demo: run the simulated clock N times faster")
    p.add_argument("--demo-describe", metavar="FILE",
                   help="with --demo: write the demo fleet's description (its resources' names, which are "
                        "dated, and its start time) as JSON to FILE once the fleet exists")
    p.add_argument("--version", action="version", version=f"sagemon-tui {__version__}")
    return p


def parse(argv: list[str] | None = None) -> Options:
    args = build_parser().parse_args(argv)
    try:
        return validate(args)
    except UsageError as exc:
        sys.stderr.write(f"sagemon-tui: error: {exc}\n")
        raise SystemExit(2) from None


def validate(args: argparse.Namespace) -> Options:
    opts = Options(profile=args.profile, demo=args.demo)
    if args.region is not None:
        regions = tuple(r.strip() for r in args.region.split(",") if r.strip())
        if not regions:
            raise UsageError("--region needs at least one region name")
        bad = [r for r in regions if not _REGION_RE.match(r)]
        if bad:
            raise UsageError(f"--region: not a region name: {bad[0]!r} (expected e.g. us-east-1)")
        opts.regions = tuple(dict.fromkeys(regions))
    from_env = args.endpoint_url is None
    url = os.environ.get("AWS_ENDPOINT_URL") if from_env else args.endpoint_url
    if url is not None and url != "":
        opts.endpoint_url = check_endpoint_url(url, "AWS_ENDPOINT_URL" if from_env else "--endpoint-url")
    if args.refresh is not None:
        try:
            refresh = int(args.refresh)
        except ValueError:
            raise UsageError(f"--refresh must be a whole number of seconds, got {args.refresh!r}") from None
        if refresh < MIN_REFRESH:
            raise UsageError(f"--refresh must be at least {MIN_REFRESH} seconds, got {refresh}")
        opts.refresh = refresh
    if args.window is not None:
        if args.window not in WINDOWS:
            raise UsageError(f"--window must be one of {', '.join(WINDOWS)}, got {args.window!r}")
        opts.window = args.window
    if args.demo_speed is not None:
        if not args.demo:
            raise UsageError("--demo-speed only applies with --demo")
        try:
            speed = float(args.demo_speed)
        except ValueError:
            raise UsageError(f"--demo-speed must be a number, got {args.demo_speed!r}") from None
        if not (0 < speed <= 3600):
            raise UsageError(f"--demo-speed must be between 0 and 3600, got {args.demo_speed}")
        opts.demo_speed = speed
    if args.demo_describe is not None:
        if not args.demo:
            raise UsageError("--demo-describe only applies with --demo")
        if not args.demo_describe.strip():
            raise UsageError("--demo-describe needs a file path")
        folder = os.path.dirname(os.path.abspath(args.demo_describe))
        if not os.path.isdir(folder):
            raise UsageError(f"--demo-describe: no such directory: {folder!r}")
        opts.demo_describe = args.demo_describe
    if args.demo and (args.profile or args.endpoint_url):
        raise UsageError("--demo runs its own local AWS: drop --profile/--endpoint-url")
    if args.profile is not None:
        check_profile(args.profile, "--profile")
    else:
        # botocore refuses to build any session (the demo's too) under an unknown env profile
        env = next((name for name in _PROFILE_ENV if name in os.environ), None)
        if env is not None:
            check_profile(os.environ[env], env)
    return opts


def check_endpoint_url(url: str, source: str) -> str:
    """``url`` if it is an http(s) URL with a host and a valid port, else a :class:`UsageError`
    that names the bad part. ``source`` is where the URL came from (the flag or variable)."""
    bad = next((ch for ch in url if ch.isspace() or not ch.isprintable()), None)
    if bad is not None:
        what = "whitespace" if bad.isspace() else "a control character"
        raise UsageError(f"{source}: the URL contains {what} ({bad!r}): {url!r}")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed IPv6 bracket, ...
        raise UsageError(f"{source}: not a valid URL ({exc}): {url!r}") from None
    if parts.scheme not in ("http", "https"):
        got = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise UsageError(f"{source} must be an http(s) URL such as http://localhost:4566, got {url!r} ({got})")
    hostport = parts.netloc.rpartition("@")[2]
    if hostport.startswith("["):  # an IPv6 address: urlsplit has checked the brackets
        host, _, rest = hostport[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
    else:
        host, colon, port = hostport.partition(":")
        port = port if colon else None
        if host and not _HOST_RE.fullmatch(host):
            raise UsageError(f"{source}: not a valid host name: {host!r} in {url!r}")
    if not host:
        raise UsageError(f"{source}: no host in {url!r} (expected e.g. http://localhost:4566)")
    if port is not None and not (re.fullmatch(r"[0-9]{1,5}", port) and 1 <= int(port) <= 65535):
        raise UsageError(f"{source}: the port must be a number from 1 to 65535, got {port!r} in {url!r}")
    return url


def _shown_path(path: str) -> str:
    full = os.path.expanduser(path)
    home = os.path.expanduser("~")
    return "~" + full[len(home):] if home not in ("", "~", os.sep) and full.startswith(home + os.sep) else full


def check_profile(name: str, source: str) -> None:
    """A :class:`UsageError` unless botocore's shared config or credentials file defines the
    profile ``name`` (the files are botocore's own choice: ``~/.aws/config`` and
    ``~/.aws/credentials``, or ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE``)."""
    if not name.strip():
        raise UsageError(f"{source} needs a profile name, got {name!r}")
    import botocore.session
    from botocore.exceptions import BotoCoreError

    session = botocore.session.Session()
    try:
        known = session.available_profiles
    except (BotoCoreError, OSError, ValueError) as exc:  # a config file that cannot be read or parsed
        raise UsageError(f"{source}: cannot read the AWS config files: {' '.join(str(exc).split())}") from None
    if name in known:
        return
    files = " or ".join(_shown_path(session.get_config_variable(var))
                        for var in ("config_file", "credentials_file"))
    names = [n if n.isprintable() else repr(n) for n in sorted(known)]
    listed = ", ".join(names[:_PROFILES_LISTED]) + (", ..." if len(names) > _PROFILES_LISTED else "")
    raise UsageError(f"{source}: no profile named {name!r} in {files} (known: {listed or 'none'})")


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


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
    if opts.endpoint_url:
        why = unreachable(opts.endpoint_url)
        if why is not None:
            sys.stderr.write(f"sagemon-tui: cannot reach {opts.endpoint_url}: {why}\n")
            return 1
    try:
        from tui.app import run
        return run(opts)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        sys.stderr.write(f"sagemon-tui: {type(exc).__name__}: {exc}\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
