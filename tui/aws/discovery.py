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
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from tui.model import catalog
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import (
    Alarm,
    DiscoveryError,
    Endpoint,
    FeatureGroup,
    InferenceComponent,
    Inventory,
    Job,
    LabelingJob,
    Pipeline,
    PipelineExecution,
    PipelineStep,
    RecommendationJob,
    Variant,
    default_hosts,
)

T = TypeVar("T")
R = TypeVar("R")

ALARM = "alarm"
#: Every kind :func:`discover` knows, in the order results are assembled.
KINDS: tuple[str, ...] = (
    Kind.ENDPOINT.value,
    Kind.INFERENCE_COMPONENT.value,
    Kind.TRAINING_JOB.value,
    Kind.PROCESSING_JOB.value,
    Kind.TRANSFORM_JOB.value,
    Kind.PIPELINE.value,
    Kind.LABELING_JOB.value,
    Kind.FEATURE_GROUP.value,
    Kind.RECOMMENDATION_JOB.value,
    ALARM,
)
_JOB_KINDS = (Kind.TRAINING_JOB.value, Kind.PROCESSING_JOB.value, Kind.TRANSFORM_JOB.value)
_ALIASES: dict[str, tuple[str, ...]] = {
    "endpoints": (Kind.ENDPOINT.value,),
    "components": (Kind.INFERENCE_COMPONENT.value,),
    "inference-components": (Kind.INFERENCE_COMPONENT.value,),
    "jobs": _JOB_KINDS,
    "training-jobs": (Kind.TRAINING_JOB.value,),
    "processing-jobs": (Kind.PROCESSING_JOB.value,),
    "transform-jobs": (Kind.TRANSFORM_JOB.value,),
    "pipelines": (Kind.PIPELINE.value,),
    "labeling_jobs": (Kind.LABELING_JOB.value,),
    "labeling-jobs": (Kind.LABELING_JOB.value,),
    "feature_groups": (Kind.FEATURE_GROUP.value,),
    "feature-groups": (Kind.FEATURE_GROUP.value,),
    "recommendation_jobs": (Kind.RECOMMENDATION_JOB.value,),
    "recommendation-jobs": (Kind.RECOMMENDATION_JOB.value,),
    "alarms": (ALARM,),
}

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
#: Page size of every List*Jobs call: the API's maximum (its default is 10).
JOB_PAGE_SIZE = 100
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


class _JobWatch:
    """What the listings of one job kind in one region found, kept across refreshes (in a
    :class:`DescribeCache`) so a refresh lists only what is new.

    ``jobs`` holds the latest summary of every job that may be shown: the running ones, whatever
    their age (a job seen InProgress or Stopping stays here, updated from its Describe answers,
    until it has ended), and the others created since ``finished_from`` (every one of them;
    ``all_history``: every one listed, lookback None). ``listed_at`` is the ``now`` of the last
    listing, ``full_at`` of the last one over the whole window.
    """

    def __init__(self, status_key: str) -> None:
        self.status_key = status_key
        self.lock = threading.Lock()
        self.jobs: dict[str, dict] = {}
        self.listed_at: datetime | None = None
        self.full_at: datetime | None = None
        self.finished_from: datetime | None = None
        self.all_history = False

    def running(self, summary: dict) -> bool:
        return summary.get(self.status_key) in RUNNING_STATUSES

    def needs_full_listing(self, now: datetime, lookback: timedelta | None) -> bool:
        if self.listed_at is None or self.full_at is None or now < self.listed_at:
            return True
        if now - self.full_at >= JOB_FULL_LIST_EVERY:
            return True
        if self.all_history:
            return False
        return lookback is None or self.finished_from is None or now - lookback < self.finished_from

    def merge(self, listed: dict[str, dict], now: datetime, lookback: timedelta | None, full: bool) -> None:
        """Take a listing's summaries in: a full listing replaces everything but the remembered
        running jobs; jobs ended before ``now - lookback`` are dropped."""
        if full:
            jobs = {n: s for n, s in self.jobs.items() if self.running(s)}
            self.full_at = now
            self.all_history = lookback is None
        else:
            jobs = dict(self.jobs)
        jobs.update(listed)
        self.listed_at = now
        if lookback is not None:
            cut = now - lookback
            jobs = {n: s for n, s in jobs.items()
                    if self.running(s) or (_ts(s.get("CreationTime")) or now) >= cut}
            self.finished_from = cut
            self.all_history = False
        self.jobs = jobs

    def described(self, name: str, answer: dict) -> None:
        """A job's Describe answer: its status (and LastModifiedTime) replace the listed ones."""
        status = _str(answer.get(self.status_key))
        with self.lock:
            summary = self.jobs.get(name)
            if summary is None or not status:
                return
            summary = dict(summary)
            summary[self.status_key] = status
            if answer.get("LastModifiedTime") is not None:
                summary["LastModifiedTime"] = answer["LastModifiedTime"]
            self.jobs[name] = summary

    def forget(self, name: str) -> None:
        with self.lock:
            self.jobs.pop(name, None)


class DescribeCache:
    """Describe answers that cannot change any more, by (region, operation, name).

    Endpoint configs and models are immutable once created (updating an endpoint means a new
    config); a job's description is final once the job has ended (and kept while its listing
    shows the same status and LastModifiedTime); a pipeline's executions are reused while its
    LastExecutionTime is unchanged and none of them is still running. It also holds what job
    listings found (:meth:`job_watch`), so a refresh lists only new jobs and follows the running
    ones it knows. Thread-safe; only successful answers are kept. Keep one instance across refreshes.
    """

    def __init__(self) -> None:
        self._data: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[str, str, str], threading.Lock] = {}
        self._watches: dict[tuple[str, str], _JobWatch] = {}

    def _get(self, client, operation: str, param: str, name: str, usage: Usage | None,
             keep: Callable[[dict], bool] | None = None, valid: Callable[[dict], bool] | None = None) -> dict:
        key = (_region(client, None), operation, name)
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and (valid is None or valid(hit)):
                return hit
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # threads asking for the same name wait for one call
            with self._lock:
                hit = self._data.get(key)
            if hit is not None and (valid is None or valid(hit)):
                return hit
            answer = _call(client, operation, usage, **{param: name})
            with self._lock:
                if keep is None or keep(answer):
                    self._data[key] = answer
                else:
                    self._data.pop(key, None)
            return answer

    def endpoint_config(self, sm, name: str, usage: Usage | None = None) -> dict:
        return self._get(sm, "DescribeEndpointConfig", "EndpointConfigName", name, usage)

    def model(self, sm, name: str, usage: Usage | None = None) -> dict:
        return self._get(sm, "DescribeModel", "ModelName", name, usage)

    def job(self, sm, operation: str, param: str, name: str, status_key: str, usage: Usage | None = None, *,
            summary: dict | None = None) -> dict:
        """A job's Describe answer; kept once the job has ended (Completed, Failed, Stopped).

        With the job's list ``summary``, a kept answer is used only while the summary agrees with
        it: same status, LastModifiedTime not later (a job's summary moves when the job does).
        """
        def same(answer: dict) -> bool:
            if summary is None:
                return True
            status = _str(summary.get(status_key))
            if status and status != answer.get(status_key):
                return False
            listed, kept = _ts(summary.get("LastModifiedTime")), _ts(answer.get("LastModifiedTime"))
            return listed is None or kept is None or listed <= kept

        return self._get(sm, operation, param, name, usage,
                         keep=lambda answer: answer.get(status_key) in TERMINAL_JOB_STATUSES, valid=same)

    def job_watch(self, region: str, operation: str, status_key: str) -> _JobWatch:
        """What the ``operation`` (ListTrainingJobs, ...) listings of ``region`` found so far."""
        with self._lock:
            watch = self._watches.get((region, operation))
            if watch is None:
                watch = self._watches[(region, operation)] = _JobWatch(status_key)
            return watch

    def executions(self, region: str, pipeline: str, last_execution: datetime | None, limit: int
                   ) -> list[PipelineExecution] | None:
        """The ``limit`` newest executions stored for a pipeline whose LastExecutionTime is
        still ``last_execution`` (None when not stored, or stored for a smaller limit)."""
        with self._lock:
            hit = self._data.get((region, "ListPipelineExecutions", pipeline))
        if hit is None or last_execution is None or hit[0] != last_execution or hit[1] < limit:
            return None
        return [copy.copy(e) for e in hit[2][:limit]]

    def store_executions(self, region: str, pipeline: str, last_execution: datetime | None, limit: int,
                         executions: list[PipelineExecution]) -> None:
        if last_execution is None or any(e.status in RUNNING_EXECUTION_STATUSES for e in executions):
            return
        with self._lock:
            self._data[(region, "ListPipelineExecutions", pipeline)] = (
                last_execution, limit, [copy.copy(e) for e in executions])

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._key_locks.clear()
            self._watches.clear()


# --------------------------------------------------------------------------- endpoints


def _is_multi_model(model: dict) -> bool:
    containers = [_dict(model.get("PrimaryContainer"))] + _list(model.get("Containers"))
    return any(c.get("Mode") == "MultiModel" for c in containers)


def _describe_endpoint(sm, summary: dict, region: str, usage: Usage | None, cache: DescribeCache,
                       errors: list[DiscoveryError] | None) -> Endpoint | None:
    kind = Kind.ENDPOINT.value
    name = str(summary.get("EndpointName") or "")
    ep = Endpoint(name=name, status=_str(summary.get("EndpointStatus")) or "Unknown", region=region,
                  creation_time=_ts(summary.get("CreationTime")),
                  last_modified=_ts(summary.get("LastModifiedTime")))
    try:
        desc = _call(sm, "DescribeEndpoint", usage, EndpointName=name)
    except (ClientError, BotoCoreError) as exc:
        if _vanished(exc):
            return None
        _note(errors, kind, "DescribeEndpoint", exc, region)
        return ep
    ep.status = _str(desc.get("EndpointStatus")) or ep.status
    ep.config_name = _str(desc.get("EndpointConfigName")) or ""
    ep.creation_time = _ts(desc.get("CreationTime")) or ep.creation_time
    ep.last_modified = _ts(desc.get("LastModifiedTime")) or ep.last_modified
    ep.failure_reason = _str(desc.get("FailureReason"))

    config: dict = {}
    if ep.config_name:
        try:
            config = cache.endpoint_config(sm, ep.config_name, usage)
        except (ClientError, BotoCoreError) as exc:
            _note(errors, kind, "DescribeEndpointConfig", exc, region)
    config_variants = {str(v.get("VariantName")): v for v in _list(config.get("ProductionVariants"))}
    metrics_config = _dict(config.get("MetricsConfig")) or _dict(desc.get("MetricsConfig"))
    ep.enhanced_metrics = metrics_config.get("EnableEnhancedMetrics") is True
    frequency = metrics_config.get("MetricPublishFrequencyInSeconds")
    ep.metric_publish_frequency = frequency if isinstance(frequency, int) and frequency > 0 else None

    seen: set[str] = set()
    for live in _list(desc.get("ProductionVariants")):
        vname = str(live.get("VariantName") or "")
        seen.add(vname)
        ep.variants.append(_variant(vname, live, config_variants.get(vname, {})))
    for vname, cfg in config_variants.items():  # not deployed yet (endpoint Creating/Updating)
        if vname not in seen:
            ep.variants.append(_variant(vname, {}, cfg))

    if config_variants:
        ep.component_based = any(not _str(v.get("ModelName")) for v in config_variants.values())
    for model_name in _unique(_str(v.get("ModelName")) or "" for v in config_variants.values()):
        try:
            if _is_multi_model(cache.model(sm, model_name, usage)):
                ep.multi_model = True
                break
        except (ClientError, BotoCoreError) as exc:
            _note(errors, kind, "DescribeModel", exc, region)
    return ep


def _variant(name: str, live: dict, cfg: dict) -> Variant:
    serverless = (_dict(live.get("CurrentServerlessConfig")) or _dict(live.get("DesiredServerlessConfig"))
                  or _dict(cfg.get("ServerlessConfig")))
    v = Variant(name=name, instance_type=_str(cfg.get("InstanceType")))
    if live:
        v.current_instance_count = _int(live.get("CurrentInstanceCount"))
        v.desired_instance_count = _int(live.get("DesiredInstanceCount"))
        v.current_weight = _float(live.get("CurrentWeight"))
        v.desired_weight = _float(live.get("DesiredWeight"))
    else:
        v.desired_instance_count = _int(cfg.get("InitialInstanceCount"))
        v.desired_weight = _float(cfg.get("InitialVariantWeight"))
    if serverless:
        v.serverless_memory_mb = _int(serverless.get("MemorySizeInMB"))
        v.serverless_max_concurrency = _int(serverless.get("MaxConcurrency"))
    return v


def list_endpoints(sm, region: str | None = None, *, usage: Usage | None = None,
                   cache: DescribeCache | None = None, errors: list[DiscoveryError] | None = None,
                   workers: int = DESCRIBE_WORKERS) -> list[Endpoint]:
    """Every endpoint with its variants (ListEndpoints, then DescribeEndpoint/-EndpointConfig/-Model).

    ``component_based`` here reflects the endpoint config (a variant without ModelName);
    :func:`discover` also marks endpoints that inference components are listed for.
    """
    region = _region(sm, region)
    cache = cache if cache is not None else DescribeCache()
    summaries = _items(sm, "ListEndpoints", "Endpoints", usage, SortBy="Name", SortOrder="Ascending")
    summaries = [s for s in summaries if _str(s.get("EndpointName"))]
    found = _map(lambda s: _describe_endpoint(sm, s, region, usage, cache, errors), summaries, workers)
    return [ep for ep in found if ep is not None]


def list_inference_components(sm, region: str | None = None, *, endpoint_name: str | None = None,
                              usage: Usage | None = None, errors: list[DiscoveryError] | None = None,
                              workers: int = DESCRIBE_WORKERS) -> list[InferenceComponent]:
    """Inference components (of one endpoint when ``endpoint_name`` is given) with their copy counts."""
    region = _region(sm, region)
    kind = Kind.INFERENCE_COMPONENT.value
    params: dict[str, Any] = {"SortBy": "Name", "SortOrder": "Ascending"}
    if endpoint_name:
        params["EndpointNameEquals"] = endpoint_name
    summaries = [s for s in _items(sm, "ListInferenceComponents", "InferenceComponents", usage, **params)
                 if _str(s.get("InferenceComponentName"))]

    def one(s: dict) -> InferenceComponent | None:
        ic = InferenceComponent(name=str(s["InferenceComponentName"]),
                                endpoint_name=_str(s.get("EndpointName")) or "",
                                variant_name=_str(s.get("VariantName")) or "",
                                status=_str(s.get("InferenceComponentStatus")) or "Unknown",
                                region=region, creation_time=_ts(s.get("CreationTime")))
        try:
            d = _call(sm, "DescribeInferenceComponent", usage, InferenceComponentName=ic.name)
        except (ClientError, BotoCoreError) as exc:
            if _vanished(exc):
                return None
            _note(errors, kind, "DescribeInferenceComponent", exc, region)
            return ic
        ic.endpoint_name = _str(d.get("EndpointName")) or ic.endpoint_name
        ic.variant_name = _str(d.get("VariantName")) or ic.variant_name
        ic.status = _str(d.get("InferenceComponentStatus")) or ic.status
        ic.creation_time = _ts(d.get("CreationTime")) or ic.creation_time
        runtime = _dict(d.get("RuntimeConfig"))
        ic.current_copies = _int(runtime.get("CurrentCopyCount"))
        ic.desired_copies = _int(runtime.get("DesiredCopyCount"))
        ic.model_name = _str(_dict(d.get("Specification")).get("ModelName"))
        return ic

    return [ic for ic in _map(one, summaries, workers) if ic is not None]


# --------------------------------------------------------------------------- jobs


@dataclass(frozen=True)
class _JobApi:
    kind: Kind
    list_op: str
    summaries: str
    name: str
    status: str
    describe_op: str
    describe_param: str


_JOB_APIS = {
    Kind.TRAINING_JOB: _JobApi(Kind.TRAINING_JOB, "ListTrainingJobs", "TrainingJobSummaries",
                               "TrainingJobName", "TrainingJobStatus", "DescribeTrainingJob", "TrainingJobName"),
    Kind.PROCESSING_JOB: _JobApi(Kind.PROCESSING_JOB, "ListProcessingJobs", "ProcessingJobSummaries",
                                 "ProcessingJobName", "ProcessingJobStatus", "DescribeProcessingJob",
                                 "ProcessingJobName"),
    Kind.TRANSFORM_JOB: _JobApi(Kind.TRANSFORM_JOB, "ListTransformJobs", "TransformJobSummaries",
                                "TransformJobName", "TransformJobStatus", "DescribeTransformJob",
                                "TransformJobName"),
}


def _max_run(kind: Kind) -> timedelta:
    """The longest a job of ``kind`` can run (see MAX_TRAINING_RUN)."""
    return {Kind.TRAINING_JOB: MAX_TRAINING_RUN, Kind.PROCESSING_JOB: MAX_PROCESSING_RUN,
            Kind.TRANSFORM_JOB: MAX_TRANSFORM_RUN}[kind]


def _list_job_window(sm, api: _JobApi, usage: Usage | None, after: datetime | None,
                     cap_before: datetime | None) -> dict[str, dict]:
    """The jobs created after ``after`` (None: all), by name: one listing, newest first, in pages
    of JOB_PAGE_SIZE. With ``cap_before``, it stops at MAX_ITEMS jobs, but only once past the
    jobs created since ``cap_before`` (the ones that may still run)."""
    params: dict[str, Any] = {"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": JOB_PAGE_SIZE}
    if after is not None:
        params["CreationTimeAfter"] = after
    found: dict[str, dict] = {}
    for page in _pages(sm, api.list_op, usage, max_items=None, **params):
        past = False
        for s in _list(page.get(api.summaries)):
            name = _str(s.get(api.name))
            if name and name not in found:
                found[name] = s
            created = _ts(s.get("CreationTime"))
            past = cap_before is not None and created is not None and created < cap_before
        if past and len(found) >= MAX_ITEMS:
            break
    return found


def _job_summaries(sm, api: _JobApi, usage: Usage | None, lookback: timedelta | None,
                   now: datetime, watch: _JobWatch | None = None) -> list[dict]:
    """Jobs created within ``lookback`` (None: all) plus every job still InProgress or Stopping, newest first.

    SageMaker applies StatusEquals to a page after cutting it, so asking for the running jobs
    by status would page through the account's whole history. Instead one listing, newest first,
    reaches back to ``now - max(lookback, longest run of the kind)``: every job that can still run
    is in it, and its cost grows with the jobs created in that window, not with the history.
    With a kept ``watch`` (see :meth:`DescribeCache.job_watch`) a refresh lists only the jobs
    created since the previous listing (minus JOB_LIST_OVERLAP), the whole window again every
    JOB_FULL_LIST_EVERY or when the lookback grew; the running jobs it knows are returned from
    memory (their Describe answers keep them current), even once older than any listing reaches.
    """
    watch = watch if watch is not None else _JobWatch(api.status)
    now = _ts(now) or datetime.now(timezone.utc)
    longest = _max_run(api.kind)
    with watch.lock:
        full = watch.needs_full_listing(now, lookback)
        if full or watch.listed_at is None:
            after = None if lookback is None else now - max(lookback, longest)
            listed = _list_job_window(sm, api, usage, after, cap_before=now - longest)
        else:
            listed = _list_job_window(sm, api, usage, watch.listed_at - JOB_LIST_OVERLAP, cap_before=None)
        watch.merge(listed, now, lookback, full)
        summaries = list(watch.jobs.values())
    epoch = datetime.min.replace(tzinfo=timezone.utc)
    return sorted(summaries, key=lambda s: _ts(s.get("CreationTime")) or epoch, reverse=True)


def _fill_training(job: Job, d: dict) -> None:
    rc = _dict(d.get("ResourceConfig"))
    groups = _list(rc.get("InstanceGroups"))
    if groups:  # heterogeneous cluster
        job.instance_count = sum(_int(g.get("InstanceCount")) or 0 for g in groups) or 1
        job.instance_type = ",".join(_unique(_str(g.get("InstanceType")) or "" for g in groups)) or None
    else:
        job.instance_count = _int(rc.get("InstanceCount")) or 1
        job.instance_type = _str(rc.get("InstanceType"))
    job.secondary_status = _str(d.get("SecondaryStatus"))
    job.start_time = _ts(d.get("TrainingStartTime"))
    job.end_time = _ts(d.get("TrainingEndTime"))
    algo = _dict(d.get("AlgorithmSpecification"))
    job.metric_definitions = _unique(_str(m.get("Name")) or "" for m in _list(algo.get("MetricDefinitions")))
    for m in _list(d.get("FinalMetricDataList")):
        name, value = _str(m.get("MetricName")), _float(m.get("Value"))
        if name and value is not None:
            job.final_metrics[name] = value


def _fill_processing(job: Job, d: dict) -> None:
    cluster = _dict(_dict(d.get("ProcessingResources")).get("ClusterConfig"))
    job.instance_count = _int(cluster.get("InstanceCount")) or 1
    job.instance_type = _str(cluster.get("InstanceType"))
    job.start_time = _ts(d.get("ProcessingStartTime"))
    job.end_time = _ts(d.get("ProcessingEndTime"))
    job.failure_reason = job.failure_reason or _str(d.get("ExitMessage"))


def _fill_transform(job: Job, d: dict) -> None:
    res = _dict(d.get("TransformResources"))
    job.instance_count = _int(res.get("InstanceCount")) or 1
    job.instance_type = _str(res.get("InstanceType"))
    job.start_time = _ts(d.get("TransformStartTime"))
    job.end_time = _ts(d.get("TransformEndTime"))


_FILL = {Kind.TRAINING_JOB: _fill_training, Kind.PROCESSING_JOB: _fill_processing,
         Kind.TRANSFORM_JOB: _fill_transform}


def _list_jobs(sm, kind: Kind, region: str | None, *, lookback: timedelta | None, now: datetime | None,
               usage: Usage | None, errors: list[DiscoveryError] | None, workers: int,
               cache: DescribeCache | None, describe_limit: int) -> list[Job]:
    api = _JOB_APIS[kind]
    region = _region(sm, region)
    now = now or datetime.now(timezone.utc)
    cache = cache if cache is not None else DescribeCache()
    watch = cache.job_watch(region, api.list_op, api.status)
    summaries = _job_summaries(sm, api, usage, lookback, now, watch)

    def one(item: tuple[int, dict]) -> Job | None:
        i, s = item
        job = Job(kind=kind, name=str(s[api.name]), status=_str(s.get(api.status)) or "Unknown", region=region,
                  secondary_status=_str(s.get("SecondaryStatus")), creation_time=_ts(s.get("CreationTime")),
                  failure_reason=_str(s.get("FailureReason")))
        if i >= describe_limit and not job.running:
            job.hosts = default_hosts(kind, job.name, job.instance_count)
            return job
        try:
            d = cache.job(sm, api.describe_op, api.describe_param, job.name, api.status, usage, summary=s)
        except (ClientError, BotoCoreError) as exc:
            if _vanished(exc):
                watch.forget(job.name)
                return None
            _note(errors, kind.value, api.describe_op, exc, region)
        else:
            watch.described(job.name, d)
            job.status = _str(d.get(api.status)) or job.status
            job.creation_time = _ts(d.get("CreationTime")) or job.creation_time
            job.failure_reason = _str(d.get("FailureReason")) or job.failure_reason
            _FILL[kind](job, d)
        job.hosts = default_hosts(kind, job.name, job.instance_count)
        return job

    return [job for job in _map(one, list(enumerate(summaries)), workers) if job is not None]


def list_training_jobs(sm, region: str | None = None, *, lookback: timedelta | None = DEFAULT_LOOKBACK,
                       now: datetime | None = None, usage: Usage | None = None,
                       errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS,
                       cache: DescribeCache | None = None, describe_limit: int = JOB_DESCRIBE_LIMIT) -> list[Job]:
    """Training jobs created within ``lookback`` (None: all) or still running, newest first.

    Hosts are ``JOB/algo-1`` .. ``JOB/algo-N`` for the job's instance count. Every running
    job is described, the others only up to ``describe_limit`` (newest first). One listing
    (pages of 100, newest first) reaches back to the lookback or the longest run of the kind
    (:data:`MAX_TRAINING_RUN`, ...), whichever is longer. With a kept ``cache``, ended jobs are
    described once, a refresh lists only the jobs created since the previous one, and a job
    seen running is described directly until it has ended, however old. The same holds for
    the other job kinds.
    """
    return _list_jobs(sm, Kind.TRAINING_JOB, region, lookback=lookback, now=now, usage=usage, errors=errors,
                      workers=workers, cache=cache, describe_limit=describe_limit)


def list_processing_jobs(sm, region: str | None = None, *, lookback: timedelta | None = DEFAULT_LOOKBACK,
                         now: datetime | None = None, usage: Usage | None = None,
                         errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS,
                         cache: DescribeCache | None = None, describe_limit: int = JOB_DESCRIBE_LIMIT) -> list[Job]:
    """Processing jobs created within ``lookback`` (None: all) or still running, newest first."""
    return _list_jobs(sm, Kind.PROCESSING_JOB, region, lookback=lookback, now=now, usage=usage, errors=errors,
                      workers=workers, cache=cache, describe_limit=describe_limit)


def list_transform_jobs(sm, region: str | None = None, *, cw=None, lookback: timedelta | None = DEFAULT_LOOKBACK,
                        now: datetime | None = None, usage: Usage | None = None,
                        errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS,
                        cache: DescribeCache | None = None, describe_limit: int = JOB_DESCRIBE_LIMIT) -> list[Job]:
    """Transform jobs created within ``lookback`` (None: all) or still running, newest first.

    With a CloudWatch client ``cw``, their ``JOB/<instance-id>`` hosts are filled from one
    ListMetrics listing (a failure there is reported in ``errors`` and leaves hosts empty).
    """
    region = _region(sm, region)
    jobs = _list_jobs(sm, Kind.TRANSFORM_JOB, region, lookback=lookback, now=now, usage=usage, errors=errors,
                      workers=workers, cache=cache, describe_limit=describe_limit)
    if cw is not None and jobs:
        try:
            hosts = transform_host_map(cw, usage=usage)
        except (ClientError, BotoCoreError) as exc:
            _note(errors, Kind.TRANSFORM_JOB.value, "ListMetrics", exc, region)
        else:
            for job in jobs:
                job.hosts = hosts.get(job.name, [])
    return jobs


def transform_host_map(cw, *, usage: Usage | None = None, metric_name: str | None = "CPUUtilization"
                       ) -> dict[str, list[str]]:
    """``{job name: sorted ["JOB/<instance-id>", ...]}`` for every transform job ListMetrics sees.

    ListMetrics cannot filter on a prefix, so one listing serves all jobs. Only one metric
    (CPUUtilization, published by every instance) is listed to keep the pages few; pass
    ``metric_name=None`` to list them all.
    """
    params: dict[str, Any] = {"Namespace": catalog.NS_TRANSFORM, "Dimensions": [{"Name": "Host"}]}
    if metric_name:
        params["MetricName"] = metric_name
    found: dict[str, set[str]] = {}
    for page in _pages(cw, "ListMetrics", usage, max_items=None, **params):
        for metric in _list(page.get("Metrics")):
            for dim in _list(metric.get("Dimensions")):
                value = _str(dim.get("Value"))
                if dim.get("Name") == "Host" and value and "/" in value:
                    job, _, instance = value.partition("/")
                    if job and instance:
                        found.setdefault(job, set()).add(value)
    return {job: sorted(hosts) for job, hosts in found.items()}


def transform_hosts(cw, job_name: str, *, usage: Usage | None = None) -> list[str]:
    """The ``JOB/<instance-id>`` Host values CloudWatch has for a transform job (last two weeks)."""
    return transform_host_map(cw, usage=usage).get(job_name, [])


# --------------------------------------------------------------------------- pipelines


def list_pipeline_executions(sm, pipeline_name: str, *, limit: int = DEFAULT_EXECUTIONS,
                             usage: Usage | None = None) -> list[PipelineExecution]:
    """The ``limit`` most recent executions of a pipeline, newest first (steps not fetched)."""
    if limit <= 0:
        return []
    summaries: list[dict] = []
    params: dict[str, Any] = {"PipelineName": pipeline_name, "SortBy": "CreationTime", "SortOrder": "Descending",
                              "MaxResults": min(limit, 100)}
    while len(summaries) < limit:
        page = _call(sm, "ListPipelineExecutions", usage, **params)
        summaries.extend(_list(page.get("PipelineExecutionSummaries")))
        token = _str(page.get("NextToken"))
        if not token or token == params.get("NextToken"):
            break
        params["NextToken"] = token
    execs = [PipelineExecution(arn=str(s["PipelineExecutionArn"]),
                               status=_str(s.get("PipelineExecutionStatus")) or "Unknown",
                               display_name=_str(s.get("PipelineExecutionDisplayName")),
                               start_time=_ts(s.get("StartTime")),
                               failure_reason=_str(s.get("PipelineExecutionFailureReason")))
             for s in summaries if _str(s.get("PipelineExecutionArn"))]
    epoch = datetime.min.replace(tzinfo=timezone.utc)
    execs.sort(key=lambda e: e.start_time or epoch, reverse=True)
    return execs[:limit]


def list_pipelines(sm, region: str | None = None, *, executions: int = DEFAULT_EXECUTIONS,
                   usage: Usage | None = None, errors: list[DiscoveryError] | None = None,
                   workers: int = DESCRIBE_WORKERS, cache: DescribeCache | None = None) -> list[Pipeline]:
    """Every pipeline with its ``executions`` most recent executions, newest first.

    With a kept ``cache``, a pipeline whose LastExecutionTime has not moved and whose
    executions have all ended costs no ListPipelineExecutions call.
    """
    region = _region(sm, region)
    cache = cache if cache is not None else DescribeCache()
    summaries = [s for s in _items(sm, "ListPipelines", "PipelineSummaries", usage, SortBy="Name",
                                   SortOrder="Ascending") if _str(s.get("PipelineName"))]

    def one(s: dict) -> Pipeline:
        p = Pipeline(name=str(s["PipelineName"]), region=region, arn=_str(s.get("PipelineArn")) or "",
                     creation_time=_ts(s.get("CreationTime")), last_execution_time=_ts(s.get("LastExecutionTime")))
        if executions > 0:
            cached = cache.executions(region, p.name, p.last_execution_time, executions)
            if cached is not None:
                p.executions = cached
            else:
                try:
                    p.executions = list_pipeline_executions(sm, p.name, limit=executions, usage=usage)
                except (ClientError, BotoCoreError) as exc:
                    _note(errors, Kind.PIPELINE.value, "ListPipelineExecutions", exc, region)
                else:
                    cache.store_executions(region, p.name, p.last_execution_time, executions, p.executions)
        if p.latest is not None:
            p.status = p.latest.status
        return p

    return _map(one, summaries, workers)


def _step_type(metadata: dict) -> str | None:
    keys = [k for k, v in metadata.items() if isinstance(k, str) and v]
    return keys[0] if keys else None


def list_execution_steps(sm, execution_arn: str, *, usage: Usage | None = None) -> list[PipelineStep]:
    """The steps of one pipeline execution, in the order they started.

    ``step_type`` is the kind of resource the step ran (the key of its Metadata, e.g.
    ``TrainingJob``), or None when SageMaker reports none yet.
    """
    steps = []
    for s in _items(sm, "ListPipelineExecutionSteps", "PipelineExecutionSteps", usage,
                    PipelineExecutionArn=execution_arn, SortOrder="Ascending"):
        steps.append(PipelineStep(name=_str(s.get("StepName")) or _str(s.get("StepDisplayName")) or "",
                                  display_name=_str(s.get("StepDisplayName")),
                                  status=_str(s.get("StepStatus")) or "Unknown",
                                  step_type=_step_type(_dict(s.get("Metadata"))),
                                  start_time=_ts(s.get("StartTime")), end_time=_ts(s.get("EndTime")),
                                  failure_reason=_str(s.get("FailureReason"))))
    return steps


# --------------------------------------------------------------------------- other kinds


def list_labeling_jobs(sm, region: str | None = None, *, usage: Usage | None = None,
                       errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS
                       ) -> list[LabelingJob]:
    """Labeling jobs with their label counters (all from ListLabelingJobs), newest first."""
    region = _region(sm, region)
    out = []
    for s in _items(sm, "ListLabelingJobs", "LabelingJobSummaryList", usage, SortBy="CreationTime",
                    SortOrder="Descending"):
        name = _str(s.get("LabelingJobName"))
        if not name:
            continue
        c = _dict(s.get("LabelCounters"))
        out.append(LabelingJob(name=name, status=_str(s.get("LabelingJobStatus")) or "Unknown", region=region,
                               creation_time=_ts(s.get("CreationTime")), workteam_arn=_str(s.get("WorkteamArn")),
                               total_labeled=_int(c.get("TotalLabeled")), human_labeled=_int(c.get("HumanLabeled")),
                               machine_labeled=_int(c.get("MachineLabeled")),
                               failed_non_retryable=_int(c.get("FailedNonRetryableError")),
                               unlabeled=_int(c.get("Unlabeled")), failure_reason=_str(s.get("FailureReason"))))
    return out


def list_feature_groups(sm, region: str | None = None, *, describe_limit: int = FEATURE_GROUP_DESCRIBE_LIMIT,
                        usage: Usage | None = None, errors: list[DiscoveryError] | None = None,
                        workers: int = DESCRIBE_WORKERS) -> list[FeatureGroup]:
    """Feature groups, newest first.

    ``offline_store`` comes from the listing (OfflineStoreStatus is present only with an
    offline store); ``online_store`` needs DescribeFeatureGroup, done for the first
    ``describe_limit`` groups only (the others report False).
    """
    region = _region(sm, region)
    kind = Kind.FEATURE_GROUP.value
    summaries = [s for s in _items(sm, "ListFeatureGroups", "FeatureGroupSummaries", usage, SortBy="CreationTime",
                                   SortOrder="Descending") if _str(s.get("FeatureGroupName"))]

    def one(item: tuple[int, dict]) -> FeatureGroup:
        i, s = item
        fg = FeatureGroup(name=str(s["FeatureGroupName"]), status=_str(s.get("FeatureGroupStatus")) or "Unknown",
                          region=region, creation_time=_ts(s.get("CreationTime")),
                          offline_store=bool(_dict(s.get("OfflineStoreStatus")).get("Status")))
        if i < describe_limit:
            try:
                d = _call(sm, "DescribeFeatureGroup", usage, FeatureGroupName=fg.name)
            except (ClientError, BotoCoreError) as exc:
                _note(errors, kind, "DescribeFeatureGroup", exc, region)
            else:
                fg.online_store = _dict(d.get("OnlineStoreConfig")).get("EnableOnlineStore") is True
                fg.offline_store = fg.offline_store or bool(_dict(d.get("OfflineStoreConfig")))
                fg.status = _str(d.get("FeatureGroupStatus")) or fg.status
        return fg

    return _map(one, list(enumerate(summaries)), workers)


def _recommendation_endpoints(d: dict) -> list[str]:
    names = [_str(e.get("EndpointName")) or "" for e in _list(_dict(d.get("InputConfig")).get("Endpoints"))]
    names += [_str(_dict(p.get("EndpointInfo")).get("EndpointName")) or ""
              for p in _list(d.get("EndpointPerformances"))]
    names += [_str(_dict(r.get("EndpointConfiguration")).get("EndpointName")) or ""
              for r in _list(d.get("InferenceRecommendations"))]
    return _unique(names)


def list_recommendation_jobs(sm, region: str | None = None, *,
                             describe_limit: int = RECOMMENDATION_DESCRIBE_LIMIT, usage: Usage | None = None,
                             errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS
                             ) -> list[RecommendationJob]:
    """Inference Recommender jobs, newest first; the first ``describe_limit`` with their endpoint names."""
    region = _region(sm, region)
    kind = Kind.RECOMMENDATION_JOB.value
    summaries = [s for s in _items(sm, "ListInferenceRecommendationsJobs", "InferenceRecommendationsJobs", usage,
                                   SortBy="CreationTime", SortOrder="Descending") if _str(s.get("JobName"))]

    def one(item: tuple[int, dict]) -> RecommendationJob:
        i, s = item
        job = RecommendationJob(name=str(s["JobName"]), status=_str(s.get("Status")) or "Unknown", region=region,
                                job_type=_str(s.get("JobType")), creation_time=_ts(s.get("CreationTime")),
                                completion_time=_ts(s.get("CompletionTime")),
                                failure_reason=_str(s.get("FailureReason")))
        if i < describe_limit:
            try:
                d = _call(sm, "DescribeInferenceRecommendationsJob", usage, JobName=job.name)
            except (ClientError, BotoCoreError) as exc:
                _note(errors, kind, "DescribeInferenceRecommendationsJob", exc, region)
            else:
                job.endpoint_names = _recommendation_endpoints(d)
                job.status = _str(d.get("Status")) or job.status
                job.completion_time = _ts(d.get("CompletionTime")) or job.completion_time
                job.failure_reason = _str(d.get("FailureReason")) or job.failure_reason
        return job

    return _map(one, list(enumerate(summaries)), workers)


def _alarm_metric(a: dict) -> tuple[str | None, str | None, list[dict]]:
    """(namespace, metric, dimensions) of an alarm; for metric-math alarms, its first SageMaker metric."""
    if _str(a.get("Namespace")):
        return _str(a.get("Namespace")), _str(a.get("MetricName")), _list(a.get("Dimensions"))
    first: tuple[str | None, str | None, list[dict]] = (None, None, [])
    for q in _list(a.get("Metrics")):
        m = _dict(_dict(q.get("MetricStat")).get("Metric"))
        ns = _str(m.get("Namespace"))
        if not ns:
            continue
        found = (ns, _str(m.get("MetricName")), _list(m.get("Dimensions")))
        if ns.lower() in SAGEMAKER_NAMESPACES:
            return found
        first = first if first[0] else found
    return first


def list_alarms(cw, region: str | None = None, *, usage: Usage | None = None,
                namespaces: Iterable[str] | None = None) -> list[Alarm]:
    """CloudWatch metric alarms on SageMaker namespaces (DescribeAlarms, every page)."""
    region = _region(cw, region)
    wanted = SAGEMAKER_NAMESPACES if namespaces is None else frozenset(n.lower() for n in namespaces)
    out = []
    for page in _pages(cw, "DescribeAlarms", usage, max_items=None, AlarmTypes=["MetricAlarm"]):
        for a in _list(page.get("MetricAlarms")):
            name = _str(a.get("AlarmName"))
            ns, metric, dims = _alarm_metric(a)
            if not name or not ns or ns.lower() not in wanted:
                continue
            out.append(Alarm(name=name, state=_str(a.get("StateValue")) or "Unknown", region=region, namespace=ns,
                             metric=metric,
                             dimensions={str(d.get("Name")): str(d.get("Value")) for d in dims if d.get("Name")},
                             reason=_str(a.get("StateReason")), threshold=_float(a.get("Threshold")),
                             comparison=_str(a.get("ComparisonOperator")),
                             updated=_ts(a.get("StateUpdatedTimestamp"))))
    return out


def enhanced_endpoint_dimensions(cw, endpoint_name: str, *, components: Iterable[str] = (),
                                 usage: Usage | None = None) -> dict:
    """Enhanced-metric dimension values CloudWatch has for an endpoint (last two weeks).

    Returns ``{"instances": [InstanceId, ...], "accelerators": {InstanceId: [AcceleratorId, ...]},
    "containers": [ContainerId, ...], "variants": {VariantName: [InstanceId, ...]}}``, all
    sorted. ContainerId values published without EndpointName are found through the names
    of the endpoint's inference ``components``.
    """
    instances: set[str] = set()
    accelerators: dict[str, set[str]] = {}
    containers: set[str] = set()
    variants: dict[str, set[str]] = {}

    def scan(namespace: str, dimension: str, value: str) -> None:
        for page in _pages(cw, "ListMetrics", usage, max_items=None, Namespace=namespace,
                           Dimensions=[{"Name": dimension, "Value": value}]):
            for metric in _list(page.get("Metrics")):
                dims = {str(d.get("Name")): _str(d.get("Value")) for d in _list(metric.get("Dimensions"))}
                inst, acc, cont, var = (dims.get("InstanceId"), dims.get("AcceleratorId"),
                                        dims.get("ContainerId"), dims.get("VariantName"))
                if inst:
                    instances.add(inst)
                    if var:
                        variants.setdefault(var, set()).add(inst)
                    if acc:
                        accelerators.setdefault(inst, set()).add(acc)
                if cont:
                    containers.add(cont)

    for ns in (catalog.NS_ENDPOINTS, catalog.NS_SAGEMAKER):
        scan(ns, "EndpointName", endpoint_name)
    for component in _unique(components):
        for ns in (catalog.NS_INFERENCE_COMPONENTS, catalog.NS_SAGEMAKER):
            scan(ns, "InferenceComponentName", component)
    return {"instances": sorted(instances),
            "accelerators": {k: sorted(v) for k, v in sorted(accelerators.items())},
            "containers": sorted(containers),
            "variants": {k: sorted(v) for k, v in sorted(variants.items())}}


# --------------------------------------------------------------------------- discover


def normalize_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The known kinds named by ``kinds`` (Kind values, "alarm", or Inventory field names), in order."""
    if kinds is None:
        return KINDS
    wanted: set[str] = set()
    for k in kinds:
        name = str(getattr(k, "value", k))
        wanted.update(_ALIASES.get(name, (name,)))
    return tuple(k for k in KINDS if k in wanted)


def _fetch(clients, region: str, kind: str, *, usage: Usage | None, lookback: timedelta | None,
           executions: int, cache: DescribeCache, now: datetime) -> tuple[str, str, list, list[DiscoveryError]]:
    errors: list[DiscoveryError] = []
    operation = {
        Kind.ENDPOINT.value: "ListEndpoints", Kind.INFERENCE_COMPONENT.value: "ListInferenceComponents",
        Kind.TRAINING_JOB.value: "ListTrainingJobs", Kind.PROCESSING_JOB.value: "ListProcessingJobs",
        Kind.TRANSFORM_JOB.value: "ListTransformJobs", Kind.PIPELINE.value: "ListPipelines",
        Kind.LABELING_JOB.value: "ListLabelingJobs", Kind.FEATURE_GROUP.value: "ListFeatureGroups",
        Kind.RECOMMENDATION_JOB.value: "ListInferenceRecommendationsJobs", ALARM: "DescribeAlarms",
    }[kind]
    try:
        if kind == ALARM:
            items: list = list_alarms(clients.cloudwatch(region), region, usage=usage)
        else:
            sm = clients.sagemaker(region)
            common = {"usage": usage, "errors": errors}
            if kind == Kind.ENDPOINT.value:
                items = list_endpoints(sm, region, cache=cache, **common)
            elif kind == Kind.INFERENCE_COMPONENT.value:
                items = list_inference_components(sm, region, **common)
            elif kind == Kind.TRAINING_JOB.value:
                items = list_training_jobs(sm, region, lookback=lookback, now=now, cache=cache, **common)
            elif kind == Kind.PROCESSING_JOB.value:
                items = list_processing_jobs(sm, region, lookback=lookback, now=now, cache=cache, **common)
            elif kind == Kind.TRANSFORM_JOB.value:
                items = list_transform_jobs(sm, region, cw=clients.cloudwatch(region), lookback=lookback,
                                            now=now, cache=cache, **common)
            elif kind == Kind.PIPELINE.value:
                items = list_pipelines(sm, region, executions=executions, cache=cache, **common)
            elif kind == Kind.LABELING_JOB.value:
                items = list_labeling_jobs(sm, region, **common)
            elif kind == Kind.FEATURE_GROUP.value:
                items = list_feature_groups(sm, region, **common)
            else:
                items = list_recommendation_jobs(sm, region, **common)
    except Exception as exc:  # noqa: BLE001 - any failure of one kind is reported, never raised
        return region, kind, [], errors + [_error(kind, operation, exc, region)]
    return region, kind, items, errors


_FIELD = {
    Kind.ENDPOINT.value: "endpoints", Kind.INFERENCE_COMPONENT.value: "components",
    Kind.TRAINING_JOB.value: "jobs", Kind.PROCESSING_JOB.value: "jobs", Kind.TRANSFORM_JOB.value: "jobs",
    Kind.PIPELINE.value: "pipelines", Kind.LABELING_JOB.value: "labeling_jobs",
    Kind.FEATURE_GROUP.value: "feature_groups", Kind.RECOMMENDATION_JOB.value: "recommendation_jobs",
    ALARM: "alarms",
}


def discover(clients, regions: Iterable[str] | None = None, *, kinds: Iterable[str] | None = None,
             usage: Usage | None = None, lookback: timedelta | None = DEFAULT_LOOKBACK,
             executions: int = DEFAULT_EXECUTIONS, cache: DescribeCache | None = None,
             now: datetime | None = None, workers: int = DISCOVER_WORKERS) -> Inventory:
    """Discover ``kinds`` (default: all) in ``regions`` (default: the clients' regions).

    Every (region, kind) pair is fetched independently in a thread pool; failures become
    :class:`DiscoveryError` entries and empty lists, never exceptions. Endpoints that
    inference components are listed for are marked ``component_based``. Pass the same
    ``cache`` on every refresh so endpoint configs, models and ended jobs are described
    once, and settled pipelines' executions are not listed again.
    """
    region_list = _unique(regions if regions is not None else clients.regions)
    wanted = normalize_kinds(kinds)
    cache = cache if cache is not None else DescribeCache()
    now = now or datetime.now(timezone.utc)
    tasks = [(r, k) for r in region_list for k in wanted]
    inv = Inventory()
    if tasks:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(tasks))), thread_name_prefix="discover") as pool:
            futures = [pool.submit(_fetch, clients, r, k, usage=usage, lookback=lookback, executions=executions,
                                   cache=cache, now=now) for r, k in tasks]
            results = [f.result() for f in futures]
        for _region_name, kind, items, errors in results:
            getattr(inv, _FIELD[kind]).extend(items)
            inv.errors.extend(errors)
    hosting = {(c.region, c.endpoint_name) for c in inv.components}
    for ep in inv.endpoints:
        if (ep.region, ep.name) in hosting:
            ep.component_based = True
    inv.fetched_at = datetime.now(timezone.utc)
    return inv
