"""One validation rule per option, shared by the flags, the ``SAGEMON_*`` variables and the file.

Each ``check_*`` takes the raw value (a string from a flag or an environment variable, or the
typed value from the TOML file) and ``source``, the words an error starts with (``--refresh``,
``SAGEMON_REFRESH``, ``~/.config/sagemon-tui/config.toml:3: refresh``), and returns the
canonical value or raises :class:`UsageError` with one line that names the source. No Textual,
no boto3 (botocore only when a profile must be checked), so ``--help`` stays instant.
"""

from __future__ import annotations

import math
import os
import re
from urllib.parse import urlsplit

MIN_REFRESH = 10
DEFAULT_REFRESH = 60
WINDOWS = {"1h": 3600, "3h": 3 * 3600, "12h": 12 * 3600, "24h": 24 * 3600}
#: ``--color`` values: ``auto`` reads the terminal (COLORTERM, TERM, NO_COLOR).
COLORS = ("auto", "truecolor", "256", "16", "none")
#: Actions whose key a config file may change (``[keys]`` action = "key"), with what they do.
KEY_ACTIONS = {
    "quit": "quit", "help": "show the keys", "problems": "problems of this run", "refresh": "refresh now",
    "pause": "pause and resume refreshing", "window": "cycle the time window", "sort": "cycle the sort column",
    "reverse_sort": "reverse the sort", "next_pane": "next pane", "prev_pane": "previous pane",
    "watch": "watch the selected resource", "watches": "the watches and what happened",
}
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
#: A DNS name or IPv4 address as botocore accepts it: labels of letters, digits and hyphens.
_HOST_RE = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")
#: One Textual key: modifiers, then one printable character or a key name (f5, question_mark, pageup).
_KEY_RE = re.compile(r"((ctrl|shift|alt|meta|super|hyper)\+)*([^\s,+]|[a-z][a-z0-9_]*)")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
#: How many known profile names an unknown-profile error lists.
_PROFILES_LISTED = 5


class UsageError(Exception):
    """An invalid option value (a flag, an environment variable or a config file entry)."""


def _words(value: object) -> list[str]:
    """A list option's items: a TOML list, or a comma-separated string."""
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[arg-type]
    return [str(v).strip() for v in items if str(v).strip()]


def check_regions(value: object, source: str) -> tuple[str, ...]:
    regions = _words(value)
    if not regions:
        raise UsageError(f"{source} needs at least one region name")
    bad = [r for r in regions if not _REGION_RE.match(r)]
    if bad:
        raise UsageError(f"{source}: not a region name: {bad[0]!r} (expected e.g. us-east-1)")
    return tuple(dict.fromkeys(regions))


_ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
_ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::([0-9]{12}):role/[A-Za-z0-9+=,.@_/-]+$")
#: The ``accounts`` item meaning every source account linked to the monitoring account.
LINKED_ACCOUNTS = "linked"


#: Where a flag's or variable's ``accounts`` text starts a new item: a comma (or ``;``) followed by an
#: account id (then ``=``, a separator or the end) or by ``linked``. Any other comma belongs to the
#: item before it (IAM role names may hold commas: ``role/a,b``).
_ACCOUNT_ITEM_START = re.compile(r"\s*,\s*(?=(?:[0-9]{12}|linked)\s*(?:=|,|$))", re.IGNORECASE)
#: The grammar of a flag's or variable's ``accounts`` value, as its errors say it.
ACCOUNTS_SYNTAX = "ID, ID=PROFILE, ID=ROLE_ARN (ID: 12 digits) or linked, separated by commas (or ';')"


def split_accounts(text: str) -> list[str]:
    """The items of a flag's or variable's ``accounts`` text. With a ``;`` anywhere, items are
    separated by ``;`` only (every comma is part of a name); otherwise by the commas that start
    an item (:data:`_ACCOUNT_ITEM_START`), so a role ARN or profile name may hold commas."""
    parts = text.split(";") if ";" in text else _ACCOUNT_ITEM_START.split(text)
    return [p.strip() for p in parts]


def check_accounts(value: object, source: str) -> tuple:
    """Source accounts of cross-account observability: each a 12-digit id, alone (its metrics
    only), with a profile or with a role to assume; ``linked`` for every linked account. A flag
    or variable gives ``ID``, ``ID=PROFILE`` or ``ID=ROLE_ARN`` items (:func:`split_accounts`:
    commas, or ``;``); the file a list of strings or tables (``{ id = "...", profile = "..." }``,
    ``role_arn``). The value: ``linked`` and ``{"id", "profile" | "role_arn"}`` tables, one per
    account."""
    items = split_accounts(value) if isinstance(value, str) else list(value)  # type: ignore[arg-type]
    out: dict[str, dict] = {}
    linked = False
    for i, item in enumerate(items):
        where = f"{source}.{i + 1}"
        if isinstance(item, str):
            text = item.strip()
            if not text:
                continue
            if text.lower() == LINKED_ACCOUNTS:
                linked = True
                continue
            ident, sep, reach = (part.strip() for part in text.partition("="))
            if not _ACCOUNT_RE.match(ident) or (sep and not reach):
                raise UsageError(f"{where}: {text!r} is not an account: expected {ACCOUNTS_SYNTAX}")
            entry = {"id": ident}
            if sep:
                entry["role_arn" if reach.startswith("arn:") else "profile"] = reach
        elif isinstance(item, dict):
            unknown = sorted(set(item) - {"id", "profile", "role_arn"})
            if unknown:
                raise UsageError(f"{where}.{unknown[0]}: unknown key (keys: id, profile, role_arn)")
            entry = {k: item[k] for k in ("id", "profile", "role_arn") if k in item}
        else:
            raise UsageError(f"{where} must be an account id or a table {{ id = ..., profile = ... }}, got {item!r}")
        out[str(entry.get("id"))] = _account_entry(entry, where)
    return (LINKED_ACCOUNTS,) * linked + tuple(out.values())


def _account_entry(entry: dict, where: str) -> dict:
    ident = entry.get("id")
    if not isinstance(ident, str) or not _ACCOUNT_RE.match(ident):
        raise UsageError(f"{where}: an account id is 12 digits, got {ident!r}")
    if "profile" in entry and "role_arn" in entry:
        raise UsageError(f"{where}: account {ident} takes a profile or a role_arn, not both")
    role = entry.get("role_arn")
    if role is not None:
        found = _ROLE_ARN_RE.match(role) if isinstance(role, str) else None
        if found is None:
            raise UsageError(f"{where}: not a role ARN: {role!r} (expected arn:aws:iam::{ident}:role/NAME)")
        if found.group(1) != ident:
            raise UsageError(f"{where}: the role {role} is in account {found.group(1)}, not {ident}")
    if "profile" in entry:
        entry["profile"] = check_profile(entry["profile"], f"{where}: profile")
    return entry


def check_refresh(value: object, source: str) -> int:
    try:
        refresh = int(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    except ValueError:
        refresh = None
    if refresh is None:
        raise UsageError(f"{source} must be a whole number of seconds, got {value!r}")
    if refresh < MIN_REFRESH:
        raise UsageError(f"{source} must be at least {MIN_REFRESH} seconds, got {refresh}")
    return refresh


def check_window(value: object, source: str) -> str:
    if not isinstance(value, str) or value not in WINDOWS:
        raise UsageError(f"{source} must be one of {', '.join(WINDOWS)}, got {value!r}")
    return str(value)


def check_color(value: object, source: str) -> str:
    text = str(value).strip().lower() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text not in COLORS:
        raise UsageError(f"{source} must be one of {', '.join(COLORS)}, got {value!r}")
    return text


def check_theme(value: object, source: str) -> str:
    if not isinstance(value, str) or not value.strip() or not value.isprintable() or len(value) > 64:
        raise UsageError(f"{source} needs a theme name, got {value!r}")
    return value.strip()


def check_bool(value: object, source: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise UsageError(f"{source} must be true or false, got {value!r}")


def check_max_cost(value: object, source: str) -> float:
    try:
        cost = float(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else None
    except ValueError:
        cost = None
    if cost is None or not math.isfinite(cost) or cost <= 0:
        raise UsageError(f"{source} must be a positive amount of US dollars, got {value!r}")
    return cost


def check_hidden_panes(value: object, source: str) -> tuple[str, ...]:
    from tui.model.kinds import Pane, pane_named

    panes = []
    for name in _words(value):
        pane = pane_named(name)
        if pane is None:
            raise UsageError(f"{source}: no pane named {name!r} (panes: {', '.join(p.value for p in Pane)})")
        panes.append(pane.value)
    if set(panes) >= {p.value for p in Pane}:
        raise UsageError(f"{source}: at least one pane must stay shown")
    return tuple(dict.fromkeys(panes))


def check_hidden_columns(value: object, source: str) -> dict[str, tuple[str, ...]]:
    """``pane.column`` items (``jobs.disk``) as {pane: columns}; a pane's name column stays."""
    from tui.model.columns import COLUMNS
    from tui.model.kinds import pane_named

    out: dict[str, list[str]] = {}
    for item in _words(value):
        pane_name, _, column = item.partition(".")
        pane = pane_named(pane_name)
        if pane is None or not column:
            raise UsageError(f"{source}: expected pane.column such as jobs.disk, got {item!r}")
        keys = [c.key for c in COLUMNS[pane] if c.key != "name"]
        if column not in keys:
            raise UsageError(f"{source}: the {pane.value} pane has no column {column!r} "
                             f"(columns: {', '.join(keys)})")
        out.setdefault(pane.value, []).append(column)
    return {pane: tuple(dict.fromkeys(cols)) for pane, cols in out.items()}


def check_thresholds(value: object, source: str) -> dict[str, tuple[float, float]]:
    """``{metric: {warn = N, critical = N}}``; a bound left out keeps its default."""
    from tui.model.thresholds import DEFAULT_THRESHOLDS

    if not isinstance(value, dict):
        raise UsageError(f"{source} must be a table of metrics, got {value!r}")
    out = {}
    for metric, bounds in value.items():
        where = f"{source}.{metric}"
        if metric not in DEFAULT_THRESHOLDS:
            raise UsageError(f"{where}: no threshold for this metric (metrics: {', '.join(DEFAULT_THRESHOLDS)})")
        if not isinstance(bounds, dict):
            raise UsageError(f"{where} must be a table such as {{ warn = 80, critical = 95 }}, got {bounds!r}")
        unknown = sorted(set(bounds) - {"warn", "critical"})
        if unknown:
            raise UsageError(f"{where}.{unknown[0]}: unknown key (keys: warn, critical)")
        default = DEFAULT_THRESHOLDS[metric]
        pair = []
        for name, fallback in (("warn", default.warn), ("critical", default.critical)):
            v = bounds.get(name, fallback)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise UsageError(f"{where}.{name} must be a number of {default.unit}, 0 or more, got {v!r}")
            pair.append(float(v))
        if pair[0] > pair[1]:
            raise UsageError(f"{where}: warn ({pair[0]:g}) must not be above critical ({pair[1]:g})")
        out[metric] = (pair[0], pair[1])
    return out


def check_keys(value: object, source: str) -> dict[str, str]:
    """``{action: key}``: Textual key names, several separated by commas (``"f5,ctrl+r"``)."""
    if not isinstance(value, dict):
        raise UsageError(f"{source} must be a table of action = \"key\", got {value!r}")
    out = {}
    for action, key in value.items():
        if action not in KEY_ACTIONS:
            raise UsageError(f"{source}.{action}: no such action (actions: {', '.join(KEY_ACTIONS)})")
        keys = [k.strip() for k in key.split(",")] if isinstance(key, str) else []
        if not keys or not all(_KEY_RE.fullmatch(k) for k in keys):
            raise UsageError(f"{source}.{action} must be a key such as \"f5\", \"ctrl+r\" or \"R\", got {key!r}")
        out[action] = ",".join(keys)
    return out


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


def shown_path(path: str) -> str:
    """``path`` with the home directory written ``~``."""
    full = os.path.expanduser(path)
    home = os.path.expanduser("~")
    return "~" + full[len(home):] if home not in ("", "~", os.sep) and full.startswith(home + os.sep) else full


def check_profile(name: object, source: str) -> str:
    """``name`` unless botocore's shared config or credentials file lacks that profile (the files
    are botocore's own choice: ``~/.aws/config`` and ``~/.aws/credentials``, or
    ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE``): then a :class:`UsageError`."""
    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"{source} needs a profile name, got {name!r}")
    import botocore.session
    from botocore.exceptions import BotoCoreError

    session = botocore.session.Session()
    try:
        known = session.available_profiles
    except (BotoCoreError, OSError, ValueError) as exc:  # a config file that cannot be read or parsed
        raise UsageError(f"{source}: cannot read the AWS config files: {' '.join(str(exc).split())}") from None
    if name in known:
        return name
    files = " or ".join(shown_path(session.get_config_variable(var)) for var in ("config_file", "credentials_file"))
    names = [n if n.isprintable() else repr(n) for n in sorted(known)]
    listed = ", ".join(names[:_PROFILES_LISTED]) + (", ..." if len(names) > _PROFILES_LISTED else "")
    raise UsageError(f"{source}: no profile named {name!r} in {files} (known: {listed or 'none'})")
