"""The session log: a session's errors and warnings in a file under the user's cache directory.

``$XDG_CACHE_HOME/sagemon-tui/sagemon-tui.log`` (``~/.cache/...`` when the variable is unset),
kept under :data:`MAX_BYTES` by rotation to one ``.1`` file. :func:`start` is the one place a
handler is configured (the command line calls it before the UI starts; the app itself adds no
handler, so tests that build the app see logging as they left it). ``--debug`` adds botocore's
request log. Nothing that looks like a credential is written: every line goes through
:func:`redact` (signed headers, session tokens, access key ids) and the redactors the AWS
session registers (:func:`add_redactor`: its own key id, secret key and token).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

#: The app's loggers are children of this one; the app logs its problems to ``tui.session``.
LOGGER = "tui"
FILE_NAME = "sagemon-tui.log"
#: The file is rotated at this size; one older file is kept, so the log never passes 2 MB ...
MAX_BYTES = 1_000_000
BACKUPS = 1
#: ... and with ``--debug`` (botocore's request log fills a megabyte in seconds) 5 MB, so 10 MB.
DEBUG_MAX_BYTES = 5_000_000
#: botocore loggers too chatty to be of use (every event hook, every data file loaded).
_NOISE = ("botocore.hooks", "botocore.loaders")
_MASK = "****"
_PATTERNS = (
    # a signed request's headers, as botocore logs them ('Authorization': b'AWS4-HMAC-SHA256 ...')
    re.compile(r"""(?i)(authorization['"]?\s*[:=]\s*b?['"]?)[^'"\r\n}]+"""),
    re.compile(r"""(?i)(x-amz-security-token['"]?\s*[:=]\s*b?['"]?)[^'"\s,}&]+"""),
    re.compile(r"""(?i)(aws_(?:secret_access_key|session_token|access_key_id)['"]?\s*[:=]\s*['"]?)[^'"\s,}&]+"""),
    re.compile(r"(?i)((?:Credential|Signature)=)[^,\s&'\"]+"),
    re.compile(r"()\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b"),
)

logging.getLogger(LOGGER).addHandler(logging.NullHandler())  # no "last resort" lines on a terminal

_redactors: list[Callable[[str], str]] = []


def add_redactor(redactor: Callable[[str], str]) -> None:
    """Pass every logged line through ``redactor`` too (an AWS session's exact secrets)."""
    if redactor not in _redactors:
        _redactors.append(redactor)


def redact(text: str) -> str:
    """``text`` with credentials masked: the registered redactors' and the patterns'."""
    for redactor in list(_redactors):
        try:
            text = redactor(text)
        except Exception:  # noqa: BLE001 - a redactor that fails must not stop the log
            pass
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + _MASK, text)
    return text


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_path(environ: dict | os._Environ = os.environ) -> Path:
    """Where the session log is written: ``$XDG_CACHE_HOME`` (absolute) or ``~/.cache``."""
    base = environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path(os.path.expanduser("~")) / ".cache"
    return root / "sagemon-tui" / FILE_NAME


@dataclass
class SessionLog:
    """An open session log; :meth:`close` removes its handler and restores the logger levels."""

    path: Path
    handler: logging.Handler
    saved: dict[str, int] = field(default_factory=dict)

    def close(self) -> None:
        for name, level in self.saved.items():
            logger = logging.getLogger(name)
            logger.removeHandler(self.handler)
            logger.setLevel(level)
        self.handler.close()
        _redactors.clear()


def start(debug: bool = False, path: Path | None = None) -> SessionLog:
    """Open the session log (creating its folder) and send the app's warnings and errors to it,
    and with ``debug`` botocore's request log too. An ``OSError`` when it cannot be opened."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=DEBUG_MAX_BYTES if debug else MAX_BYTES,
                                                   backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(lambda record: not record.name.startswith(_NOISE))
    names = {LOGGER: logging.INFO}
    if debug:
        names["botocore"] = logging.DEBUG
    session = SessionLog(path, handler)
    for name, level in names.items():
        logger = logging.getLogger(name)
        session.saved[name] = logger.level
        logger.setLevel(level)
        logger.addHandler(handler)
    logging.getLogger(f"{LOGGER}.session").info("session started%s", " (debug: botocore requests)" if debug else "")
    return session
