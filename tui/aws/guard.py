"""The read-only guard: a botocore event hook that refuses any mutating operation.

It runs at ``before-parameter-build``, before a request is built, signed or sent, so a
refused call never reaches the network. Only operations whose names start with List,
Describe or Get, and the CloudWatch Logs read calls StartLiveTail and FilterLogEvents, pass.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError

READ_PREFIXES = ("List", "Describe", "Get")
READ_OPERATIONS = frozenset({"StartLiveTail", "FilterLogEvents"})


class ReadOnlyViolation(BotoCoreError):
    """Raised before sending a request for an operation that could change the account."""

    fmt = "sagemon-tui is read-only: refused to call {service}.{operation}"


def is_read_only(operation: str) -> bool:
    return operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS


def _refuse_writes(model=None, **_kwargs) -> None:
    if model is None:
        return
    if not is_read_only(model.name):
        raise ReadOnlyViolation(service=model.service_model.service_name, operation=model.name)


def install(events) -> None:
    """Register the guard on a botocore event emitter (a session's or a client's)."""
    events.register("before-parameter-build", _refuse_writes, unique_id="sagemon-read-only-guard")
