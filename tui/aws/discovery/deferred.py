"""Describe calls deferred past the listing: rows first, details after (progressive start-up).

A lister given a ``pending`` list does not describe what its List call returned: it returns a
placeholder per resource (the listing's name, status and creation time, ``described=False``)
and appends one :class:`Pending` per placeholder, whose :meth:`Pending.run` makes the Describe
calls later and returns the full record. The caller (the refresh layer) shows the placeholders
at once, then runs the pending describes in the order it chooses (the rows on screen first),
in bounded batches. Without ``pending`` the lister describes at once, as before.

Resources whose details are already known without a call (a kept description) are never
deferred: only work that costs an API call is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tui.aws.discovery.base import _map
from tui.model.resources import DiscoveryError

T = TypeVar("T")


@dataclass
class Pending:
    """One resource listed but not described yet.

    ``key`` is its resource key (the placeholder's ``key``), ``kind`` its Kind value, ``fn``
    describes it: called with a list for its partial errors, it returns the described record
    (None: the resource vanished between the listing and the describe).
    """

    key: str
    kind: str
    placeholder: Any
    fn: Callable[[list[DiscoveryError]], Any]

    def run(self) -> tuple[Any, list[DiscoveryError]]:
        """Describe now: ``(record or None, partial errors)``."""
        errors: list[DiscoveryError] = []
        return self.fn(errors), errors


def describe_or_defer(one: Callable[[T, list[DiscoveryError] | None], Any], items: list[T], *,
                      placeholder: Callable[[T], Any], errors: list[DiscoveryError] | None, workers: int,
                      pending: list[Pending] | None, kind: str,
                      ready: Callable[[T], bool] = lambda _item: False) -> list[Any]:
    """``one(item, errors)`` for every item, in a thread pool; with ``pending``, only for the
    items that are ``ready`` (answered without a call): the others become placeholders and
    :class:`Pending` entries. Items ``one`` returns None for (vanished) are left out."""
    if pending is None:
        return [r for r in _map(lambda item: one(item, errors), items, workers) if r is not None]
    now = [item for item in items if ready(item)]
    done = iter(_map(lambda item: one(item, errors), now, workers))
    out = []
    for item in items:
        if ready(item):
            record = next(done)
        else:
            record = placeholder(item)
            pending.append(Pending(record.key, kind, record, lambda errs, item=item: one(item, errs)))
        if record is not None:
            out.append(record)
    return out
