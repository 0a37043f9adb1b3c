"""The ``sagemon-tui`` command line: parse and validate options, then start the app.

Settings come from defaults, the config file, ``SAGEMON_*`` variables and flags, in that order
of precedence (:mod:`tui.config.settings`); :func:`~tui.config.options.resolve_options` merges them
into :class:`Options` and is what every command uses (``sagemon-tui``, ``sagemon-tui config``, ``sagemon-tui
snapshot``). Bad flags or variables exit with status 2 and one line on stderr, never a
traceback, before the full-screen UI opens. That includes an AWS profile (``--profile``, or
``AWS_PROFILE`` / ``AWS_DEFAULT_PROFILE`` in the environment) that botocore's shared config and
credentials files do not define, and an endpoint URL (``--endpoint-url`` or
``AWS_ENDPOINT_URL``) whose scheme, host or port is unusable. A config file that cannot be used
is one warning line, and the defaults. Heavy imports (Textual, boto3) happen only after the
options are valid, and botocore only when a profile must be checked, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from tui.config import settings
from tui.config.options import Options, build_parser, parse, resolve_options, unreachable


def _toml(value) -> str:
    """``value`` as a TOML literal, so a line of ``sagemon-tui config`` reads back as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml(v)}" for k, v in value.items()) + " }"


def describe(opts: Options) -> list[str]:
    """One line per setting: ``key = value  # where it came from`` (the value in TOML; a setting
    with no value says ``unset``)."""
    lines = []
    for s in settings.SETTINGS:
        value = getattr(opts, s.key)
        if s.key == "hidden_columns":
            value = [f"{pane}.{col}" for pane, cols in value.items() for col in cols]
        elif s.key == "thresholds":
            value = {m: {"warn": w, "critical": c} for m, (w, c) in value.items()}
        lines.append(f"{s.key} = {'unset' if value is None else _toml(value)}  # {opts.sources.get(s.key, 'default')}")
    return lines


def config_main(argv: list[str]) -> int:
    """``sagemon-tui config [--path]``: the settings in effect and where each came from, or
    where the config file is."""
    p = build_parser("sagemon-tui config")
    p.description = "Print the settings in effect, one per line, and where each came from."
    p.add_argument("--path", action="store_true", help="print where the config file is read from, and exit")
    args = p.parse_args(argv)
    if args.path:
        path = args.config_path or str(settings.default_path())
        sys.stdout.write(os.path.expanduser(path) + "\n")
        return 0
    opts = resolve_options(args)
    sys.stdout.write("".join(line + "\n" for line in describe(opts)))
    return 0


def _open_session_log(opts: Options):
    """The session log (see :mod:`tui.config.session_log`), or None with one warning line."""
    from tui.config import session_log

    try:
        log = session_log.start(debug=opts.debug)
    except OSError as exc:
        sys.stderr.write(f"sagemon-tui: warning: no session log: {session_log.log_path()}: "
                         f"{exc.strerror or exc}\n")
        return None
    if opts.config_warning:
        logging.getLogger("tui.session").warning("config: %s", opts.config_warning)
    return log


def check_app(args: argparse.Namespace) -> Options:
    """The app's options as the app would check them at its start, for a command that starts it
    later (``serve``): a bad flag exits 2, an unreachable ``--endpoint-url`` 1, with one line."""
    opts = resolve_options(args)
    if opts.endpoint_url and (why := unreachable(opts.endpoint_url)) is not None:
        sys.stderr.write(f"sagemon-tui: cannot reach {opts.endpoint_url}: {why}\n")
        raise SystemExit(1)
    return opts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["config"]:
        return config_main(argv[1:])
    if argv[:1] == ["snapshot"]:
        try:
            from tui.snapshot import main as snapshot_main
        except ModuleNotFoundError as exc:
            if exc.name != "tui.snapshot":
                raise
            sys.stderr.write("sagemon-tui: error: this build has no snapshot command\n")
            return 2
        return snapshot_main(argv[1:])
    if argv[:1] == ["serve"]:
        from tui.serve import main as serve_main
        return serve_main(argv[1:], build_parser("sagemon-tui serve"), check_app)
    opts = parse(argv)
    if opts.endpoint_url:
        why = unreachable(opts.endpoint_url)
        if why is not None:
            sys.stderr.write(f"sagemon-tui: cannot reach {opts.endpoint_url}: {why}\n")
            return 1
    log = _open_session_log(opts)
    try:
        from tui.app import run
        return run(opts)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        sys.stderr.write(f"sagemon-tui: {type(exc).__name__}: {exc}\n")
        logging.getLogger("tui.session").error("the app stopped: %s: %s", type(exc).__name__, exc, exc_info=exc)
        return 1
    finally:
        if log is not None:
            log.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
