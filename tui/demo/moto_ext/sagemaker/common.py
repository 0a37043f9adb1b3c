"""What the SageMaker additions share: defaults, the lock, time and ARN helpers, the per-backend
state of the added resources, and List* filtering, sorting and paging.

Every helper imports moto lazily, so importing the additions costs nothing until they run.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .endpoints import FakeInferenceComponent
    from .labeling import FakeLabelingJob
    from .recommender import FakeRecommendationJob

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_PAGE = 10
MAX_PAGE = 100

#: Guards every change and read of the additions' state (and of moto's objects they change).
lock = threading.RLock()


def moto_utcnow() -> datetime:
    from moto.core.utils import utcnow

    return utcnow()


def as_naive_utc(value: Any) -> datetime | None:
    """moto keeps naive UTC datetimes; accept aware datetimes and epoch seconds too."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def utc_epoch_seconds(value: Any) -> float:
    value = as_naive_utc(value)
    return value.replace(tzinfo=timezone.utc).timestamp()


def arn_of(kind: str, name: str, account_id: str, region: str) -> str:
    from moto.sagemaker.utils import arn_formatter

    return arn_formatter(kind, name, account_id, region)


def sagemaker_exceptions():
    from moto.sagemaker import exceptions

    return exceptions


def backend_for(region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID):
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account_id][region]


class ExtState:
    """What the additions keep per SageMaker backend (account and region)."""

    def __init__(self) -> None:
        self.inference_components: dict[str, FakeInferenceComponent] = {}
        self.labeling_jobs: dict[str, FakeLabelingJob] = {}
        self.recommendation_jobs: dict[str, FakeRecommendationJob] = {}


def ext_state(backend: Any) -> ExtState:
    st = backend.__dict__.get("_ext_state")
    if st is None:
        with lock:
            st = backend.__dict__.get("_ext_state")
            if st is None:
                st = backend.__dict__["_ext_state"] = ExtState()
    return st


def list_page(items: list, *, params: dict, sort_keys: dict[str, Any], default_sort: str = "CreationTime",
              default_order: str = "Ascending", name_of=lambda x: x.name) -> tuple[list, str | None]:
    """Filter by the common List* parameters, sort and page ``items`` (objects with ``name``,
    ``creation_time``, ``last_modified_time``)."""
    exc = sagemaker_exceptions()
    max_results = params.get("MaxResults")
    sort_by = params.get("SortBy") or default_sort
    sort_order = params.get("SortOrder") or default_order
    errors = []
    if max_results is not None and not 1 <= int(max_results) <= MAX_PAGE:
        errors.append(f"Value '{max_results}' at 'maxResults' failed to satisfy constraint: "
                      f"Member must have value less than or equal to {MAX_PAGE}")
    if sort_by not in sort_keys:
        errors.append(f"Value '{sort_by}' at 'sortBy' failed to satisfy constraint: "
                      f"Member must satisfy enum value set: {list(sort_keys)}")
    if sort_order not in ("Ascending", "Descending"):
        errors.append(f"Value '{sort_order}' at 'sortOrder' failed to satisfy constraint: "
                      "Member must satisfy enum value set: ['Ascending', 'Descending']")
    if errors:
        raise exc.AWSValidationException(f"{len(errors)} validation errors detected: {';'.join(errors)}")
    name_contains = params.get("NameContains")
    if name_contains:
        items = [x for x in items if name_contains in name_of(x)]
    for param, attr, after in (("CreationTimeAfter", "creation_time", True),
                               ("CreationTimeBefore", "creation_time", False),
                               ("LastModifiedTimeAfter", "last_modified_time", True),
                               ("LastModifiedTimeBefore", "last_modified_time", False)):
        bound = params.get(param)
        if bound is not None:
            b = utc_epoch_seconds(bound)
            items = [x for x in items if (utc_epoch_seconds(getattr(x, attr)) > b) == after
                     and utc_epoch_seconds(getattr(x, attr)) != b]
    key = sort_keys[sort_by]
    items = sorted(items, key=lambda x: (key(x), name_of(x)), reverse=sort_order == "Descending")
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            start = int(token)
            if start < 0 or start > len(items):
                raise ValueError
        except ValueError:
            raise exc.AWSValidationException("Invalid pagination token") from None
    size = int(max_results) if max_results else DEFAULT_PAGE
    page = items[start:start + size]
    return page, (str(start + size) if start + size < len(items) else None)


def action_result(payload: dict):
    from moto.core.responses import ActionResult

    return ActionResult(payload)


def drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}
