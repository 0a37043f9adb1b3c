"""Shared plumbing of discovery: limits, call counting and paging, parsing of AWS answers."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from tui.model import catalog
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError


T = TypeVar("T")
R = TypeVar("R")

ALARM = "alarm"
DEFAULT_LOOKBACK = timedelta(hours=24)
DEFAULT_EXECUTIONS = 20
#: Threads for the Describe calls of one kind, and for the (region, kind) tasks of discover().
#: 4 x 4 stays below the 20 pooled connections of one client.
DESCRIBE_WORKERS = 4
DISCOVER_WORKERS = 4
#: Upper bound on the items one List operation returns (paginators stop there). Job listings
#: stop there only once past the longest run of their kind, so no running job is cut off.
MAX_ITEMS = 2000
#: Describe calls for kinds whose List answer already carries the essentials.
FEATURE_GROUP_DESCRIBE_LIMIT = 50
RECOMMENDATION_DESCRIBE_LIMIT = 20
RUNNING_STATUSES = ("InProgress", "Stopping")
TERMINAL_JOB_STATUSES = frozenset({"Completed", "Failed", "Stopped"})
RUNNING_EXECUTION_STATUSES = frozenset({"Executing", "Stopping"})
#: Jobs described per kind and refresh: every running job, plus the newest others up to this.
JOB_DESCRIBE_LIMIT = 200
#: Endpoint states in which a description stays valid while the listing's status and
#: LastModifiedTime are unchanged (in the others, instance counts move: described every time).
SETTLED_ENDPOINT_STATUSES = frozenset({"InService", "Failed", "OutOfService", "UpdateRollbackFailed"})
#: A kept endpoint description is refreshed once older than this (a safety net for changes the
#: listing does not show), at most ENDPOINT_REDESCRIBES per listing, the oldest first.
ENDPOINT_REDESCRIBE_AFTER = timedelta(hours=1)
ENDPOINT_REDESCRIBES = 20
#: Page size of every List call that takes MaxResults (DescribeAlarms: MaxRecords): the API's
#: maximum (its default is 10, so 1,000 endpoints took 100 pages).
LIST_PAGE_SIZE = 100
#: Page size of every List*Jobs call.
JOB_PAGE_SIZE = LIST_PAGE_SIZE
#: The longest a job can run, by kind: a job created earlier cannot be running any more, so job
#: listings never reach further back than this (or the lookback, when longer). Training: 28 days,
#: the maximum of StoppingCondition.MaxRuntimeInSeconds. Processing: 7 days, the same limit for
#: processing jobs. Transform jobs have no documented limit on the job as a whole (only per
#: request), so this is a conservative guess: twice the processing limit. A job seen running is
#: followed past these bounds anyway (described directly, see _JobWatch).
MAX_TRAINING_RUN = timedelta(days=28)
MAX_PROCESSING_RUN = timedelta(days=7)
MAX_TRANSFORM_RUN = timedelta(days=14)
#: Between full listings a refresh lists only the jobs created since the previous listing, reaching
#: this much further back (jobs that show up in listings late, clock skew between here and AWS).
JOB_LIST_OVERLAP = timedelta(minutes=10)
#: How often the whole window (lookback, or the longest run) is listed again; a safety net only.
JOB_FULL_LIST_EVERY = timedelta(hours=1)

#: CloudWatch reads billed per request.
_BILLABLE = frozenset({"ListMetrics", "DescribeAlarms", "GetMetricStatistics"})
_USAGE_LOCK = threading.Lock()


def _sagemaker_namespaces() -> frozenset[str]:
    names = {v for k, v in vars(catalog).items() if k.startswith("NS_") and isinstance(v, str)}
    for metric in catalog.CATALOG:
        names.update(metric.namespaces)
    return frozenset(n.lower() for n in names)


#: Lower-cased namespaces of the metric catalog; alarms on other namespaces are ignored.
SAGEMAKER_NAMESPACES: frozenset[str] = _sagemaker_namespaces()


# --------------------------------------------------------------------------- plumbing


def count_call(usage: Usage | None, operation: str) -> None:
    """Count one API request in ``usage`` (thread-safe; billable CloudWatch reads also as such)."""
    if usage is None:
        return
    with _USAGE_LOCK:
        usage.count_call(operation)
        if operation in _BILLABLE:
            usage.billable_requests += 1


def _call(client, operation: str, usage: Usage | None, **params) -> dict:
    count_call(usage, operation)
    return getattr(client, xform_name(operation))(**params)


def _pages(client, operation: str, usage: Usage | None, *, max_items: int | None = MAX_ITEMS,
           **params) -> Iterable[dict]:
    """Every page of a List/Describe operation, counting one call per page."""
    paginator = client.get_paginator(xform_name(operation))
    config = {"MaxItems": max_items} if max_items else {}
    count_call(usage, operation)
    first = True
    for page in paginator.paginate(PaginationConfig=config, **params):
        if not first:
            count_call(usage, operation)
        first = False
        yield page


class InvalidResponse(BotoCoreError):
    """An answer that is not the API's (a proxy's HTML page, an emulator's gap): AWS always
    returns the list, empty or not, so its absence is a failure, never "no resources"."""

    fmt = "the answer to {operation} held no {key} list (not an AWS answer?)"


def _items(client, operation: str, key: str, usage: Usage | None, **params) -> list[dict]:
    out: list[dict] = []
    for page in _pages(client, operation, usage, **params):
        if key not in page:
            raise InvalidResponse(operation=operation, key=key)
        out.extend(x for x in (page.get(key) or []) if isinstance(x, dict))
    return out


def _map(fn: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    """``[fn(x) for x in items]``, in a small thread pool when there are several."""
    if len(items) <= 1 or workers <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="describe") as pool:
        return list(pool.map(fn, items))


def _region(client, region: str | None) -> str:
    if region:
        return region
    return getattr(getattr(client, "meta", None), "region_name", None) or ""


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
MAX_MESSAGE = 300


def _clean_message(message: str) -> str:
    """One line of text: HTML error pages (proxies, emulators) lose their tags; long text is cut."""
    if message.lstrip().startswith("<"):
        message = _TAG.sub(" ", message)
    message = _SPACE.sub(" ", message).strip()
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "\u2026"


def _error(kind: str, operation: str, exc: BaseException, region: str) -> DiscoveryError:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error") or {}
        code = str(err.get("Code") or "ClientError")
        return DiscoveryError(kind=kind, operation=getattr(exc, "operation_name", None) or operation,
                              code=f"HTTP {code}" if code.isdigit() else code,
                              message=_clean_message(str(err.get("Message") or exc)), region=region)
    return DiscoveryError(kind=kind, operation=operation, code=type(exc).__name__,
                          message=_clean_message(str(exc) or type(exc).__name__), region=region)


def _note(errors: list[DiscoveryError] | None, kind: str, operation: str, exc: BaseException,
          region: str) -> None:
    """Record a failed detail call of a kind that did list (a ``partial`` error)."""
    if errors is not None:
        err = _error(kind, operation, exc, region)
        err.partial = True
        errors.append(err)


def _vanished(exc: BaseException) -> bool:
    """True when a Describe failed because the resource was deleted after it was listed."""
    if not isinstance(exc, ClientError):
        return False
    err = exc.response.get("Error") or {}
    code, message = str(err.get("Code") or ""), str(err.get("Message") or "").lower()
    return code in ("ResourceNotFound", "ResourceNotFoundException") or (
        code == "ValidationException" and "could not find" in message)


def _ts(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _str(value: Any) -> str | None:
    """A non-empty string, or None (AWS and local emulators send "" for absent values)."""
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if isinstance(v, str) and v:
            seen.setdefault(v, None)
    return list(seen)
