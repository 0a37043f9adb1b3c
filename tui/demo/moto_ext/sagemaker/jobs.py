"""SageMaker training, processing and transform jobs for the local AWS.

* training jobs keep the MetricDefinitions they were created with; ListTrainingJobs
  summaries carry SecondaryStatus, processing/transform summaries FailureReason;
* processing jobs keep the ProcessingResources (ClusterConfig) they were created with and
  DescribeProcessingJob returns them;
* :func:`set_job_status` sets a job's status, times and secondary status transitions
  in-process: moto's jobs are always "Completed" until the demo says otherwise.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from .. import _patches
from .common import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, as_naive_utc, backend_for, lock, moto_utcnow


# -- jobs ----------------------------------------------------------------------------------
def training_job_init(self, *args, **kwargs) -> None:
    from moto.sagemaker.models import FakeTrainingJob

    spec = kwargs.get("algorithm_specification")
    if spec is None and len(args) > 4:
        spec = args[4]
    given = copy.deepcopy((spec or {}).get("MetricDefinitions"))
    _patches.original(FakeTrainingJob, "__init__")(self, *args, **kwargs)
    if given:
        self.algorithm_specification["MetricDefinitions"] = given


def response_create_processing_job(self):
    """moto's CreateProcessingJob drops ProcessingResources: keep them on the job, where
    DescribeProcessingJob (built from the job's attributes) returns them."""
    from moto.sagemaker.responses import SageMakerResponse

    result = _patches.original(SageMakerResponse, "create_processing_job")(self)
    job = self.sagemaker_backend.processing_jobs.get(self._get_param("ProcessingJobName"))
    resources = self._get_param("ProcessingResources")
    if job is not None and resources is not None:
        job.processing_resources = copy.deepcopy(resources)
    return result


def backend_list_training_jobs(self, **kwargs) -> dict:
    from moto.sagemaker.models import SageMakerModelBackend

    out = _patches.original(SageMakerModelBackend, "list_training_jobs")(self, **kwargs)
    for summary in out.get("TrainingJobSummaries", []):
        job = self.training_jobs.get(summary["TrainingJobName"])
        if job is not None:
            summary["SecondaryStatus"] = job.secondary_status
    return out


def with_failure_reason(method: str, summaries_key: str, name_key: str, jobs_attr: str):
    def wrapper(self, **kwargs) -> dict:
        from moto.sagemaker.models import SageMakerModelBackend

        out = _patches.original(SageMakerModelBackend, method)(self, **kwargs)
        jobs = getattr(self, jobs_attr)
        for summary in out.get(summaries_key, []):
            job = jobs.get(summary[name_key])
            reason = getattr(job, "failure_reason", None) if job is not None else None
            if reason:
                summary["FailureReason"] = reason
        return out

    wrapper.__name__ = method
    return wrapper


# -- control functions (in-process; the demo's simulator calls these) ---------------------
JOB_KINDS = ("training", "processing", "transform")
JOB_STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
_TERMINAL = ("Completed", "Failed", "Stopped")


def _job(backend, kind: str, name: str):
    if kind not in JOB_KINDS:
        raise ValueError(f"kind must be one of {JOB_KINDS}, not {kind!r}")
    jobs = {"training": backend.training_jobs, "processing": backend.processing_jobs,
            "transform": backend.transform_jobs}[kind]
    try:
        return jobs[name]
    except KeyError:
        raise KeyError(f"no {kind} job named {name!r}") from None


def set_job_status(kind: str, name: str, status: str, *, secondary_status: str | None = None,
                   status_message: str | None = None, failure_reason: str | None = None,
                   start_time: Any = None, end_time: Any = None, region: str = DEFAULT_REGION,
                   account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set a training/processing/transform job's status as Describe*/List* report it.

    Terminal statuses (Completed, Failed, Stopped) get an end time (``end_time`` or now);
    others clear it. For training jobs, ``secondary_status`` appends a SecondaryStatusTransition
    (closing the previous one) unless it is already the current one.
    """
    if status not in JOB_STATUSES:
        raise ValueError(f"status must be one of {JOB_STATUSES}, not {status!r}")
    now = moto_utcnow()
    start_time, end_time = as_naive_utc(start_time), as_naive_utc(end_time)
    with lock:
        job = _job(backend_for(region, account_id), kind, name)
        job.last_modified_time = now
        ended = status in _TERMINAL
        end = (end_time or now) if ended else None
        if failure_reason is not None or status != "Failed":
            job.failure_reason = failure_reason
        if kind == "training":
            job.training_job_status = status
            if start_time is not None:
                job.training_start_time = start_time
            job.training_end_time = end
            if secondary_status is None and ended:
                secondary_status = status
            if secondary_status is not None:
                _transition(job, secondary_status, status_message, now, ended)
        elif kind == "processing":
            job.processing_job_status = status
            if start_time is not None:
                job.processing_start_time = start_time
            job.processing_end_time = end
        else:
            job.transform_job_status = status
            if start_time is not None:
                job.transform_start_time = start_time
            job.transform_end_time = end


def _transition(job, secondary: str, message: str | None, now: datetime, ended: bool) -> None:
    transitions = job.secondary_status_transitions
    last = transitions[-1] if transitions else None
    if last is not None and last.get("Status") == secondary:
        if message:
            last["StatusMessage"] = message
        if ended:
            last.setdefault("EndTime", now)
        else:
            last.pop("EndTime", None)
    else:
        if last is not None and not last.get("EndTime"):
            last["EndTime"] = now
        entry = {"Status": secondary, "StartTime": now, "StatusMessage": message or secondary}
        if ended:
            entry["EndTime"] = now
        transitions.append(entry)
    job.secondary_status = secondary
