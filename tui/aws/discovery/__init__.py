"""Resource discovery: lists what SageMaker runs in each region, as :mod:`tui.model.resources` records.

:func:`discover` fetches every kind in every region in parallel and never raises for AWS
trouble: a kind the caller may not list (AccessDenied), a throttled or unreachable API, or a
malformed answer yields an empty list for that kind and a
:class:`~tui.model.resources.DiscoveryError` in :attr:`Inventory.errors`; the other kinds
are still returned. The per-kind functions (:func:`list_endpoints`, :func:`list_training_jobs`,
...) let a caller refresh one kind; they raise botocore errors when the List call itself
fails and append per-resource detail failures to ``errors`` as ``partial`` errors (keeping
the summary data; the kind's list is still current). A resource deleted between its List
and Describe calls is left out.

Kinds are named by :class:`~tui.model.catalog.Kind` values (``"endpoint"``,
``"training-job"``, ...) plus ``"alarm"``; the :class:`Inventory` field names
(``"endpoints"``, ``"jobs"``, ...) are accepted as aliases.

API calls are counted in an optional :class:`~tui.model.cost.Usage` (one per request, and
CloudWatch ListMetrics/DescribeAlarms requests also as billable requests).

The package has one module per job: :mod:`.base` (limits, paging, parsing), :mod:`.cache`
(what is kept across refreshes), :mod:`.deferred` (Describe calls run after the listing), one module per resource family (:mod:`.endpoints`, :mod:`.jobs`,
:mod:`.pipelines`, :mod:`.labeling`, :mod:`.feature_groups`, :mod:`.recommendations`,
:mod:`.alarms`) and :mod:`.inventory` (:func:`discover`); every public name is importable from
the package itself.
"""

from __future__ import annotations

from tui.aws.discovery.base import (
    ALARM, DEFAULT_LOOKBACK, DEFAULT_EXECUTIONS, DESCRIBE_WORKERS, DISCOVER_WORKERS, MAX_ITEMS,
    FEATURE_GROUP_DESCRIBE_LIMIT, RECOMMENDATION_DESCRIBE_LIMIT, RUNNING_STATUSES,
    TERMINAL_JOB_STATUSES, RUNNING_EXECUTION_STATUSES, JOB_DESCRIBE_LIMIT, JOB_PAGE_SIZE,
    MAX_TRAINING_RUN, MAX_PROCESSING_RUN, MAX_TRANSFORM_RUN, JOB_LIST_OVERLAP, JOB_FULL_LIST_EVERY,
    SAGEMAKER_NAMESPACES, count_call, InvalidResponse, MAX_MESSAGE, LIST_PAGE_SIZE,
)
from tui.aws.discovery.cache import DescribeCache
from tui.aws.discovery.deferred import Pending
from tui.aws.discovery.endpoints import (
    list_endpoints, list_inference_components, enhanced_endpoint_dimensions,
)
from tui.aws.discovery.jobs import (
    list_training_jobs, list_processing_jobs, list_transform_jobs, transform_host_map, transform_hosts,
)
from tui.aws.discovery.pipelines import list_pipeline_executions, list_pipelines, list_execution_steps
from tui.aws.discovery.labeling import list_labeling_jobs
from tui.aws.discovery.feature_groups import list_feature_groups
from tui.aws.discovery.recommendations import list_recommendation_jobs
from tui.aws.discovery.alarms import list_alarms
from tui.aws.discovery.inventory import KINDS, normalize_kinds, discover

__all__ = [
    "ALARM",
    "DEFAULT_LOOKBACK",
    "DEFAULT_EXECUTIONS",
    "DESCRIBE_WORKERS",
    "DISCOVER_WORKERS",
    "MAX_ITEMS",
    "FEATURE_GROUP_DESCRIBE_LIMIT",
    "RECOMMENDATION_DESCRIBE_LIMIT",
    "RUNNING_STATUSES",
    "TERMINAL_JOB_STATUSES",
    "RUNNING_EXECUTION_STATUSES",
    "JOB_DESCRIBE_LIMIT",
    "JOB_PAGE_SIZE",
    "MAX_TRAINING_RUN",
    "MAX_PROCESSING_RUN",
    "MAX_TRANSFORM_RUN",
    "JOB_LIST_OVERLAP",
    "JOB_FULL_LIST_EVERY",
    "SAGEMAKER_NAMESPACES",
    "count_call",
    "InvalidResponse",
    "MAX_MESSAGE",
    "LIST_PAGE_SIZE",
    "DescribeCache",
    "Pending",
    "list_endpoints",
    "list_inference_components",
    "enhanced_endpoint_dimensions",
    "list_training_jobs",
    "list_processing_jobs",
    "list_transform_jobs",
    "transform_host_map",
    "transform_hosts",
    "list_pipeline_executions",
    "list_pipelines",
    "list_execution_steps",
    "list_labeling_jobs",
    "list_feature_groups",
    "list_recommendation_jobs",
    "list_alarms",
    "KINDS",
    "normalize_kinds",
    "discover",
]
