"""The ``sagemon-tui`` command line: parse and validate options, then start the app.

Bad flags exit with status 2 and one line on stderr, never a traceback. Heavy imports
(Textual, boto3) happen only after the options are valid, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

from tui import __version__

MIN_REFRESH = 10
DEFAULT_REFRESH = 60
WINDOWS = {"1h": 3600, "3h": 3 * 3600, "12h": 12 * 3600, "24h": 24 * 3600}
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


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
    url = args.endpoint_url if args.endpoint_url is not None else os.environ.get("AWS_ENDPOINT_URL")
    if url is not None and url != "":
        if not re.match(r"^https?://[^\s/]+", url):
            raise UsageError(f"--endpoint-url must be an http(s) URL, got {url!r}")
        opts.endpoint_url = url
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
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
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
