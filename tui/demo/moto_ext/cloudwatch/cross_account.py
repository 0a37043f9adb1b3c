"""CloudWatch cross-account observability for the local AWS (moto 5.2 has none).

moto keeps one CloudWatch backend per account and region (the account of a request comes from
its access key: one that ``sts:AssumeRole`` returned acts in the role's account). Here a
*monitoring* account is linked to *source* accounts (:func:`link_accounts`, the part of AWS's
Observability Access Manager sinks and links the app needs), and then, as in CloudWatch:

* ListMetrics with ``IncludeLinkedAccounts`` lists the linked accounts' series too, with
  ``OwningAccounts`` (one per metric, in step); ``OwningAccount`` keeps one account's;
* a GetMetricData query with an ``AccountId`` reads that account's series when it is the
  caller's own or linked to it, and answers ``Forbidden`` for it otherwise
  (:func:`query_backend`).
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
#: monitoring account -> its linked source accounts
_links: dict[str, set[str]] = {}


def link_accounts(monitoring: str, *sources: str) -> None:
    """Share the metrics of ``sources`` with ``monitoring`` (in-process, like the ``set_*`` helpers)."""
    with _lock:
        _links.setdefault(monitoring, set()).update(sources)


def unlink_accounts(monitoring: str | None = None) -> None:
    """Remove the links of ``monitoring`` (of every account without one)."""
    with _lock:
        if monitoring is None:
            _links.clear()
        else:
            _links.pop(monitoring, None)


def linked_sources(monitoring: str) -> list[str]:
    with _lock:
        return sorted(_links.get(monitoring, ()))


def backend_of(account: str, region: str) -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[account][region]


def query_backend(backend: Any, query: dict) -> Any | None:
    """The backend a MetricStat query reads: the caller's, or with ``AccountId`` that account's
    when it is the caller's own or linked to it; None: not shared with the caller (Forbidden)."""
    account = query.get("AccountId")
    if not account or account == backend.account_id:
        return backend
    if account in linked_sources(backend.account_id):
        return backend_of(account, backend.region_name)
    return None


def series_with_owners(backend: Any, include_linked: bool, owning: str | None,
                       list_series) -> tuple[list[dict], list[str]]:
    """``list_series(backend)`` of the caller and, with ``include_linked``, of each linked account,
    with the owning account of each; ``owning`` keeps one account's."""
    accounts = [backend.account_id] + (linked_sources(backend.account_id) if include_linked else [])
    metrics: list[dict] = []
    owners: list[str] = []
    for account in accounts:
        if owning and account != owning:
            continue
        found = list_series(backend if account == backend.account_id else backend_of(account, backend.region_name))
        metrics += found
        owners += [account] * len(found)
    return metrics, owners
