"""SageMaker pipeline executions for the local AWS.

ListPipelineExecutionSteps (moto 5.2 has none; the steps are set in-process by
:func:`set_execution_steps`), and DescribePipelineExecution / ListPipelineExecutions report
the real failure reason (moto says "None"); :func:`set_pipeline_execution_status` moves an
execution along.
"""

from __future__ import annotations

import copy

from .. import _patches
from .common import (DEFAULT_ACCOUNT_ID, DEFAULT_PAGE, DEFAULT_REGION, action_result, as_naive_utc,
                     backend_for, drop_none, utc_epoch_seconds, lock, moto_utcnow, sagemaker_exceptions)


# -- pipeline executions -------------------------------------------------------------------
STEP_STATUSES = ("Starting", "Executing", "Stopping", "Stopped", "Failed", "Succeeded")
PIPELINE_EXECUTION_STATUSES = ("Executing", "Stopping", "Stopped", "Failed", "Succeeded")


def _execution(backend, execution_arn: str):
    from moto.sagemaker.utils import get_pipeline_execution_from_arn

    return get_pipeline_execution_from_arn(backend.pipelines, execution_arn)


def backend_list_pipeline_execution_steps(self, params: dict) -> tuple[list[dict], str | None]:
    exc = sagemaker_exceptions()
    with lock:
        execution = _execution(self, params["PipelineExecutionArn"])
        steps = [dict(s) for s in execution.__dict__.get("steps", [])]
    order = params.get("SortOrder") or "Descending"
    if order not in ("Ascending", "Descending"):
        raise exc.AWSValidationException(
            f"1 validation error detected: Value '{order}' at 'sortOrder' failed to satisfy constraint: "
            "Member must satisfy enum value set: ['Ascending', 'Descending']")
    steps.sort(key=lambda s: utc_epoch_seconds(s["StartTime"]) if s.get("StartTime") else 0.0,
               reverse=order == "Descending")
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or DEFAULT_PAGE)
    page = steps[start:start + size]
    return page, (str(start + size) if start + size < len(steps) else None)


def response_list_pipeline_execution_steps(self):
    steps, token = self.sagemaker_backend.list_pipeline_execution_steps(self._get_params())
    return action_result({"PipelineExecutionSteps": steps, "NextToken": token})


def backend_describe_pipeline_execution(self, pipeline_execution_arn: str) -> dict:
    from moto.sagemaker.models import SageMakerModelBackend

    out = _patches.original(SageMakerModelBackend, "describe_pipeline_execution")(self, pipeline_execution_arn)
    reason = _execution(self, pipeline_execution_arn).pipeline_execution_failure_reason
    if reason:
        out["FailureReason"] = reason
    else:
        out.pop("FailureReason", None)
    return out


def backend_list_pipeline_executions(self, pipeline_name: str) -> dict:
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.utils import get_pipeline_from_name

    out = _patches.original(SageMakerModelBackend, "list_pipeline_executions")(self, pipeline_name)
    executions = get_pipeline_from_name(self.pipelines, pipeline_name).pipeline_executions
    for summary in out.get("PipelineExecutionSummaries", []):
        execution = executions.get(summary.get("PipelineExecutionArn"))
        reason = execution.pipeline_execution_failure_reason if execution is not None else None
        if reason:
            summary["PipelineExecutionFailureReason"] = reason
        else:
            summary.pop("PipelineExecutionFailureReason", None)
    return out


# -- control functions (in-process) ----------------------------------------------------
def set_pipeline_execution_status(execution_arn: str, status: str, *, failure_reason: str | None = None,
                                  region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    if status not in PIPELINE_EXECUTION_STATUSES:
        raise ValueError(f"status must be one of {PIPELINE_EXECUTION_STATUSES}, not {status!r}")
    with lock:
        execution = _execution(backend_for(region, account_id), execution_arn)
        execution.pipeline_execution_status = status
        execution.pipeline_execution_failure_reason = failure_reason
        execution.last_modified_time = moto_utcnow()


def set_execution_steps(execution_arn: str, steps: list[dict], *, region: str = DEFAULT_REGION,
                        account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Replace the steps ListPipelineExecutionSteps returns for an execution.

    Each step is a dict in the API's shape: ``StepName`` and ``StepStatus`` required;
    ``StepDisplayName``, ``StepDescription``, ``StartTime``/``EndTime`` (datetime or epoch
    seconds), ``FailureReason``, ``Metadata`` (e.g. ``{"TrainingJob": {"Arn": ...}}``),
    ``AttemptCount``, ``CacheHitResult`` optional.
    """
    clean = []
    for step in steps:
        if "StepName" not in step or "StepStatus" not in step:
            raise ValueError("each step needs StepName and StepStatus")
        if step["StepStatus"] not in STEP_STATUSES:
            raise ValueError(f"StepStatus must be one of {STEP_STATUSES}, not {step['StepStatus']!r}")
        s = copy.deepcopy(dict(step))
        for k in ("StartTime", "EndTime"):
            if s.get(k) is not None:
                s[k] = as_naive_utc(s[k])
        clean.append(drop_none(s))
    with lock:
        execution = _execution(backend_for(region, account_id), execution_arn)
        execution.steps = clean
        execution.last_modified_time = moto_utcnow()
