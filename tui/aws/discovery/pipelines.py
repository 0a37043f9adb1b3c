"""Pipelines, their recent executions and an execution's steps."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery.base import (
    LIST_PAGE_SIZE, DEFAULT_EXECUTIONS, DESCRIBE_WORKERS, _call, _dict, _items, _list, _note,
    _region, _str, _ts,
)
from tui.aws.discovery.cache import DescribeCache
from tui.aws.discovery.deferred import Pending, describe_or_defer
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, Pipeline, PipelineExecution, PipelineStep


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
                   workers: int = DESCRIBE_WORKERS, cache: DescribeCache | None = None,
                   pending: list[Pending] | None = None) -> list[Pipeline]:
    """Every pipeline with its ``executions`` most recent executions, newest first.

    With a kept ``cache``, a pipeline whose LastExecutionTime has not moved and whose
    executions have all ended costs no ListPipelineExecutions call. With ``pending`` (see
    :mod:`.deferred`) the pipelines whose executions need a call are returned as their listing
    (``described=False``) and those calls appended there for later.
    """
    region = _region(sm, region)
    cache = cache if cache is not None else DescribeCache()
    summaries = [s for s in _items(sm, "ListPipelines", "PipelineSummaries", usage, SortBy="Name",
                                   SortOrder="Ascending", MaxResults=LIST_PAGE_SIZE) if _str(s.get("PipelineName"))]

    def listed(s: dict) -> Pipeline:
        return Pipeline(name=str(s["PipelineName"]), region=region, arn=_str(s.get("PipelineArn")) or "",
                        creation_time=_ts(s.get("CreationTime")),
                        last_execution_time=_ts(s.get("LastExecutionTime")), described=False)

    def ready(s: dict) -> bool:  # its executions are kept (or none are asked for): no call
        return executions <= 0 or cache.executions(region, str(s["PipelineName"]), _ts(s.get("LastExecutionTime")),
                                                   executions) is not None

    def one(s: dict, errors: list[DiscoveryError] | None) -> Pipeline:
        p = listed(s)
        p.described = True
        if executions > 0:
            cached = cache.executions(region, p.name, p.last_execution_time, executions)
            if cached is not None:
                p.executions = cached
            else:
                try:
                    p.executions = list_pipeline_executions(sm, p.name, limit=executions, usage=usage)
                except (ClientError, BotoCoreError) as exc:
                    _note(errors, Kind.PIPELINE.value, "ListPipelineExecutions", exc, region)
                    p.described = False  # its status stays unknown ("…"), not blank
                else:
                    cache.store_executions(region, p.name, p.last_execution_time, executions, p.executions)
        if p.latest is not None:
            p.status = p.latest.status
        return p

    return describe_or_defer(one, summaries, placeholder=listed, errors=errors, workers=workers, pending=pending,
                             kind=Kind.PIPELINE.value, ready=ready)


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
                    PipelineExecutionArn=execution_arn, SortOrder="Ascending", MaxResults=LIST_PAGE_SIZE):
        steps.append(PipelineStep(name=_str(s.get("StepName")) or _str(s.get("StepDisplayName")) or "",
                                  display_name=_str(s.get("StepDisplayName")),
                                  status=_str(s.get("StepStatus")) or "Unknown",
                                  step_type=_step_type(_dict(s.get("Metadata"))),
                                  start_time=_ts(s.get("StartTime")), end_time=_ts(s.get("EndTime")),
                                  failure_reason=_str(s.get("FailureReason"))))
    return steps
