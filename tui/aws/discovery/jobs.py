"""Training, processing and transform jobs: bounded listings, Describe for the running and newest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery.base import (
    DEFAULT_LOOKBACK,
    DESCRIBE_WORKERS,
    JOB_DESCRIBE_LIMIT,
    JOB_LIST_OVERLAP,
    JOB_PAGE_SIZE,
    MAX_ITEMS,
    MAX_PROCESSING_RUN,
    MAX_TRAINING_RUN,
    MAX_TRANSFORM_RUN,
    RUNNING_STATUSES,
    _dict,
    _float,
    _int,
    _list,
    _note,
    _pages,
    _region,
    _str,
    _ts,
    _unique,
    _vanished,
)
from tui.aws.discovery.cache import DescribeCache, _JobWatch
from tui.aws.discovery.deferred import Pending, describe_or_defer
from tui.model import catalog
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, Job, default_hosts


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
               cache: DescribeCache | None, describe_limit: int, pending: list[Pending] | None = None) -> list[Job]:
    api = _JOB_APIS[kind]
    region = _region(sm, region)
    now = now or datetime.now(timezone.utc)
    cache = cache if cache is not None else DescribeCache()
    watch = cache.job_watch(region, api.list_op, api.status)
    summaries = _job_summaries(sm, api, usage, lookback, now, watch)

    def listed(item: tuple[int, dict]) -> Job:
        s = item[1]
        return Job(kind=kind, name=str(s[api.name]), status=_str(s.get(api.status)) or "Unknown", region=region,
                   secondary_status=_str(s.get("SecondaryStatus")), creation_time=_ts(s.get("CreationTime")),
                   failure_reason=_str(s.get("FailureReason")), described=False)

    def summary_only(item: tuple[int, dict]) -> bool:  # not described at all: its listing is all there is
        return item[0] >= describe_limit and _str(item[1].get(api.status)) not in RUNNING_STATUSES

    def ready(item: tuple[int, dict]) -> bool:  # answered without a call
        return summary_only(item) or cache.has_job(sm, api.describe_op, str(item[1][api.name]), api.status, item[1])

    def one(item: tuple[int, dict], errors: list[DiscoveryError] | None) -> Job | None:
        job = listed(item)
        if summary_only(item):  # its listing is all that is ever read of it
            job.described = True
            job.hosts = default_hosts(kind, job.name, job.instance_count)
            return job
        try:
            d = cache.job(sm, api.describe_op, api.describe_param, job.name, api.status, usage, summary=item[1])
        except (ClientError, BotoCoreError) as exc:
            if _vanished(exc):
                watch.forget(job.name)
                return None
            _note(errors, kind.value, api.describe_op, exc, region)
        else:
            watch.described(job.name, d)
            job.described = True  # (a failed Describe leaves it False: instance type and count unknown)
            job.status = _str(d.get(api.status)) or job.status
            job.creation_time = _ts(d.get("CreationTime")) or job.creation_time
            job.failure_reason = _str(d.get("FailureReason")) or job.failure_reason
            _FILL[kind](job, d)
        job.hosts = default_hosts(kind, job.name, job.instance_count)
        return job

    return describe_or_defer(one, list(enumerate(summaries)), placeholder=listed, errors=errors, workers=workers,
                             pending=pending, kind=kind.value, ready=ready)


def list_training_jobs(sm, region: str | None = None, *, lookback: timedelta | None = DEFAULT_LOOKBACK,
                       now: datetime | None = None, usage: Usage | None = None,
                       errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS,
                       cache: DescribeCache | None = None, describe_limit: int = JOB_DESCRIBE_LIMIT,
                       pending: list[Pending] | None = None) -> list[Job]:
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
                      workers=workers, cache=cache, describe_limit=describe_limit, pending=pending)


def list_processing_jobs(sm, region: str | None = None, *, lookback: timedelta | None = DEFAULT_LOOKBACK,
                         now: datetime | None = None, usage: Usage | None = None,
                         errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS,
                         cache: DescribeCache | None = None, describe_limit: int = JOB_DESCRIBE_LIMIT,
                         pending: list[Pending] | None = None) -> list[Job]:
    """Processing jobs created within ``lookback`` (None: all) or still running, newest first."""
    return _list_jobs(sm, Kind.PROCESSING_JOB, region, lookback=lookback, now=now, usage=usage, errors=errors,
                      workers=workers, cache=cache, describe_limit=describe_limit, pending=pending)


def list_transform_jobs(sm, region: str | None = None, *, cw=None, lookback: timedelta | None = DEFAULT_LOOKBACK,
                        now: datetime | None = None, usage: Usage | None = None,
                        errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS,
                        cache: DescribeCache | None = None, describe_limit: int = JOB_DESCRIBE_LIMIT,
                        pending: list[Pending] | None = None) -> list[Job]:
    """Transform jobs created within ``lookback`` (None: all) or still running, newest first.

    With a CloudWatch client ``cw``, their ``JOB/<instance-id>`` hosts are filled from one
    ListMetrics listing (a failure there is reported in ``errors`` and leaves hosts empty).
    """
    region = _region(sm, region)
    mine = [] if pending is not None else None
    jobs = _list_jobs(sm, Kind.TRANSFORM_JOB, region, lookback=lookback, now=now, usage=usage, errors=errors,
                      workers=workers, cache=cache, describe_limit=describe_limit, pending=mine)
    if cw is not None and jobs:
        try:
            hosts = transform_host_map(cw, usage=usage)
        except (ClientError, BotoCoreError) as exc:
            _note(errors, Kind.TRANSFORM_JOB.value, "ListMetrics", exc, region)
        else:
            for job in jobs:
                job.hosts = hosts.get(job.name, [])
            for entry in mine or ():  # a deferred describe keeps the hosts CloudWatch listed
                entry.fn = _with_hosts(entry.fn, hosts)
    if pending is not None:
        pending.extend(mine)
    return jobs


def _with_hosts(fn, hosts: dict[str, list[str]]):
    def run(errors):
        job = fn(errors)
        if job is not None:
            job.hosts = hosts.get(job.name, [])
        return job
    return run


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
