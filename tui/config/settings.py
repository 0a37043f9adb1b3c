"""Every setting, where it may come from, and how the sources are merged: default < file < env < flag.

The file is TOML at ``$XDG_CONFIG_HOME/sagemon-tui/config.toml`` (``~/.config/...`` when the
variable is unset, on macOS too) unless ``--config PATH`` names another. Environment variables
``SAGEMON_<KEY>`` override it and flags override both. Every value, whatever its source, goes
through the one rule of its option (:mod:`tui.config.rules`).

A file that cannot be used (bad TOML, an unknown key, a value of the wrong type or out of range)
is ignored as a whole: :func:`read_file` returns one line naming the file, the line and the key,
and the settings start from their defaults. A bad environment variable or flag is an error.
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tui.config import rules
from tui.config.rules import UsageError

DEFAULT = "default"


@dataclass(frozen=True)
class Setting:
    """One option: its key (the TOML key and the Options field), environment variable, flag,
    the TOML types the file may give it, its rule and its default."""

    key: str
    env: str | None
    flag: str | None
    types: tuple[type, ...]
    check: Callable[[Any, str], Any]
    default: Any = None
    in_file: bool = True
    help: str = ""


_STR, _LIST, _BOOL, _NUM, _TABLE = (str,), (list, str), (bool,), (int, float), (dict,)
SETTINGS: tuple[Setting, ...] = (
    Setting("profile", "SAGEMON_PROFILE", "--profile", _STR, rules.check_profile,
            help="AWS profile name (default: the environment's credentials)"),
    Setting("regions", "SAGEMON_REGIONS", "--region", _LIST, rules.check_regions, (),
            help="AWS region, or several separated by commas (us-east-1,eu-west-1)"),
    Setting("accounts", "SAGEMON_ACCOUNTS", "--accounts", _LIST, rules.check_accounts, (),
            help="source accounts read through CloudWatch cross-account observability, separated by commas: "
                 "ID (its metrics only), ID=PROFILE, ID=ROLE_ARN (a role to assume), or 'linked' (every "
                 "account linked to this monitoring account); a comma inside a role or profile name stays "
                 "in it, and ';' separates the items instead where a name holds ',' then 12 digits"),
    Setting("endpoint_url", "AWS_ENDPOINT_URL", "--endpoint-url", _STR, rules.check_endpoint_url, in_file=False,
            help="an AWS-compatible endpoint URL (also read from AWS_ENDPOINT_URL)"),
    Setting("refresh", "SAGEMON_REFRESH", "--refresh", (int,), rules.check_refresh, rules.DEFAULT_REFRESH,
            help=f"seconds between refreshes (default {rules.DEFAULT_REFRESH}, minimum {rules.MIN_REFRESH})"),
    Setting("window", "SAGEMON_WINDOW", "--window", _STR, rules.check_window, "3h",
            help="time window shown: 1h, 3h (default), 12h or 24h"),
    Setting("theme", "SAGEMON_THEME", "--theme", _STR, rules.check_theme, "sagemon",
            help="theme name (default sagemon; see Themes in the README)"),
    Setting("color", "SAGEMON_COLOR", "--color", (str, int), rules.check_color, "auto",
            help=f"colours: {', '.join(rules.COLORS)} (default auto: from the terminal)"),
    Setting("ascii", "SAGEMON_ASCII", "--ascii", _BOOL, rules.check_bool, False,
            help="plain ASCII glyphs, for terminals or fonts without block or emoji glyphs"),
    Setting("max_cost_per_day", "SAGEMON_MAX_COST_PER_DAY", "--max-cost-per-day", _NUM, rules.check_max_cost,
            help="keep the estimated CloudWatch cost under this many US dollars a day"),
    Setting("bell", "SAGEMON_BELL", "--bell", _BOOL, rules.check_bool, False,
            help="ring the terminal bell when a watched resource changes (--no-bell: never)"),
    Setting("hidden_panes", "SAGEMON_HIDDEN_PANES", None, _LIST, rules.check_hidden_panes, ()),
    Setting("hidden_columns", "SAGEMON_HIDDEN_COLUMNS", None, _LIST, rules.check_hidden_columns, {}),
    Setting("thresholds", None, None, _TABLE, rules.check_thresholds, {}),
    Setting("keys", None, None, _TABLE, rules.check_keys, {}),
    Setting("live_tail", "SAGEMON_LIVE_TAIL", "--live-tail", _BOOL, rules.check_bool, False,
            help="follow a running job's log with CloudWatch Logs Live Tail (logs:StartLiveTail) instead "
                 "of polling; polling stays the fallback (L toggles it in a log view)"),
    Setting("debug", "SAGEMON_DEBUG", "--debug", _BOOL, rules.check_bool, False,
            help="also write botocore's request log (credentials masked) to the session log file"),
)
BY_KEY = {s.key: s for s in SETTINGS}
_TYPE_NAMES = {str: "a string", list: "a list", bool: "true or false", int: "a whole number",
               float: "a number", dict: "a table"}


def config_home(environ: dict | os._Environ = os.environ) -> Path:
    """``$XDG_CONFIG_HOME`` (a relative one is ignored, as the spec says), else ``~/.config``."""
    base = environ.get("XDG_CONFIG_HOME", "")
    home = environ.get("HOME") or os.path.expanduser("~")
    return Path(base) if os.path.isabs(base) else Path(home) / ".config"


def default_path(environ: dict | os._Environ = os.environ) -> Path:
    return config_home(environ) / "sagemon-tui" / "config.toml"


def line_of(text: str, path: tuple[str, ...]) -> int | None:
    """The line where the key ``path`` (``("thresholds", "DiskUtilization", "warn")``) is set, or
    its table's header; None when it cannot be found (an inline table, a dotted key)."""
    table, key = ".".join(path[:-1]), path[-1]
    full = ".".join(path)
    current = ""
    key_re = re.compile(r"""^["']?%s["']?\s*=""" % re.escape(key))
    for number, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]", s)
        if header:
            current = re.sub(r"""[\s"']""", "", header.group(1))
            if current == full:
                return number
        elif current == table and key_re.match(s):
            return number
    return None


def _where(path: Path, text: str, keys: tuple[str, ...]) -> str:
    line = line_of(text, keys)
    return f"{path}:{line}: {'.'.join(keys)}" if line else f"{path}: {'.'.join(keys)}"


def read_file(path: Path) -> tuple[dict[str, Any], str | None]:
    """The settings a config file gives, checked by their rules, and None; or ({}, the one line
    that says why the file is ignored). A file that does not exist gives ({}, None)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, f"{path}: cannot be read ({exc.strerror or exc})"
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return {}, f"{path}: not UTF-8 text"
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        return {}, f"{path}:{found.group(1)}: not valid TOML: {message}" if found else \
            f"{path}: not valid TOML: {message}"
    values = {}
    try:
        for key, value in data.items():
            setting = BY_KEY.get(key)
            if setting is None or not setting.in_file:
                known = ", ".join(s.key for s in SETTINGS if s.in_file)
                raise UsageError(f"{_where(path, text, (key,))}: unknown key (keys: {known})")
            if isinstance(value, bool) and bool not in setting.types or not isinstance(value, setting.types):
                want = " or ".join(_TYPE_NAMES[t] for t in setting.types)
                raise UsageError(f"{_where(path, text, (key,))} must be {want}, got {value!r}")
            values[key] = _check_in_file(setting, value, path, text)
    except UsageError as exc:
        return {}, str(exc)
    return values, None


def _check_in_file(setting: Setting, value: Any, path: Path, text: str) -> Any:
    """The rule's value; an error names the line of the innermost key the rule complained of."""
    source = f"{path}: {setting.key}"
    try:
        return setting.check(value, source)
    except UsageError as exc:
        message = str(exc)
        if not message.startswith(source):
            raise
        rest = message[len(source):]
        inner = re.match(r"^((?:\.[A-Za-z0-9_-]+)*)", rest).group(1)
        keys = (setting.key,) + tuple(k for k in inner.split(".") if k)
        line = line_of(text, keys)
        while line is None and len(keys) > 1:  # the key itself is not on a line: its table is
            keys = keys[:-1]
            line = line_of(text, keys)
        where = f"{path}:{line}: {setting.key}" if line else source
        raise UsageError(where + rest) from None


@dataclass
class Resolved:
    """The effective value of every setting and where it came from."""

    values: dict[str, Any]
    sources: dict[str, str]
    config_path: Path
    warning: str | None = None


def merge_layers(flags: dict[str, Any], config_path: str | None = None,
            environ: dict | os._Environ = os.environ, skip: tuple[str, ...] = ()) -> Resolved:
    """Merge default < file < environment < flag. ``flags`` holds the raw values given on the
    command line (absent ones left out or None); ``skip`` names settings whose file and
    environment values are ignored (the demo's own AWS has no profile). A bad flag or variable
    is a :class:`UsageError`; a bad file gives :attr:`Resolved.warning` and no file values."""
    if config_path is not None:
        path = Path(os.path.expanduser(config_path))
        if not path.is_file():
            raise UsageError(f"--config: no such file: {config_path!r}")
    else:
        path = default_path(environ)
    from_file, warning = read_file(path)
    values = {s.key: copy.copy(s.default) for s in SETTINGS}
    sources = {s.key: DEFAULT for s in SETTINGS}
    for s in SETTINGS:
        if s.key in from_file and s.key not in skip:
            values[s.key], sources[s.key] = from_file[s.key], str(path)
        env = environ.get(s.env) if s.env else None
        if env not in (None, "") and s.key not in skip:
            values[s.key], sources[s.key] = s.check(env, s.env), s.env
        flag = flags.get(s.key)
        if flag is not None:
            values[s.key], sources[s.key] = s.check(flag, s.flag), s.flag
    return Resolved(values, sources, path, warning)
