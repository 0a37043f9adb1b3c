"""SageMaker Ground Truth labeling jobs for the local AWS (moto 5.2 has none).

Create/Describe/ListLabelingJobs; a new job is ``InProgress`` with zero LabelCounters, and
:func:`set_labeling_job` moves its status and counters along in-process.
"""

from __future__ import annotations

import copy
import random
import string

from .common import (DEFAULT_ACCOUNT_ID, DEFAULT_REGION, action_result, arn_of, backend_for, drop_none,
                     utc_epoch_seconds, ext_state, list_page, lock, moto_utcnow, sagemaker_exceptions)


# -- labeling jobs -------------------------------------------------------------------------
LABELING_STATUSES = ("Initializing", "InProgress", "Completed", "Failed", "Stopping", "Stopped")
COUNTERS = ("TotalLabeled", "HumanLabeled", "MachineLabeled", "FailedNonRetryableError", "Unlabeled")


class FakeLabelingJob:
    def __init__(self, *, name: str, arn: str, params: dict) -> None:
        self.name = name
        self.arn = arn
        self.params = copy.deepcopy(params)
        self.status = "InProgress"
        self.counters = {k: 0 for k in COUNTERS}
        self.failure_reason: str | None = None
        self.job_reference_code = "".join(random.choices(string.ascii_lowercase + string.digits, k=16))
        self.creation_time = self.last_modified_time = moto_utcnow()

    def _output(self) -> dict | None:
        if self.status != "Completed":
            return None
        path = (self.params.get("OutputConfig") or {}).get("S3OutputPath", "").rstrip("/")
        return {"OutputDatasetS3Uri": f"{path}/{self.name}/manifests/output/output.manifest"}

    def describe(self) -> dict:
        p = self.params
        return drop_none({
            "LabelingJobStatus": self.status,
            "LabelCounters": dict(self.counters),
            "FailureReason": self.failure_reason,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "JobReferenceCode": self.job_reference_code,
            "LabelingJobName": self.name,
            "LabelingJobArn": self.arn,
            "LabelAttributeName": p.get("LabelAttributeName"),
            "InputConfig": p.get("InputConfig"),
            "OutputConfig": p.get("OutputConfig"),
            "RoleArn": p.get("RoleArn"),
            "LabelCategoryConfigS3Uri": p.get("LabelCategoryConfigS3Uri"),
            "StoppingConditions": p.get("StoppingConditions"),
            "LabelingJobAlgorithmsConfig": p.get("LabelingJobAlgorithmsConfig"),
            "HumanTaskConfig": p.get("HumanTaskConfig"),
            "Tags": p.get("Tags"),
            "LabelingJobOutput": self._output(),
        })

    def summary(self) -> dict:
        htc = self.params.get("HumanTaskConfig") or {}
        return drop_none({
            "LabelingJobName": self.name,
            "LabelingJobArn": self.arn,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "LabelingJobStatus": self.status,
            "LabelCounters": dict(self.counters),
            "WorkteamArn": htc.get("WorkteamArn"),
            "PreHumanTaskLambdaArn": htc.get("PreHumanTaskLambdaArn"),
            "AnnotationConsolidationLambdaArn": (htc.get("AnnotationConsolidationConfig") or {}).get(
                "AnnotationConsolidationLambdaArn"),
            "FailureReason": self.failure_reason,
            "LabelingJobOutput": self._output(),
            "InputConfig": self.params.get("InputConfig"),
        })


def backend_create_labeling_job(self, params: dict) -> FakeLabelingJob:
    name = params["LabelingJobName"]
    with lock:
        st = ext_state(self)
        if name in st.labeling_jobs:
            raise sagemaker_exceptions().ResourceInUseException(message=f"Labeling job {name} already exists.")
        job = st.labeling_jobs[name] = FakeLabelingJob(
            name=name, arn=arn_of("labeling-job", name, self.account_id, self.region_name), params=params)
    return job


def _get_labeling_job(backend, name: str) -> FakeLabelingJob:
    job = ext_state(backend).labeling_jobs.get(name)
    if job is None:
        raise sagemaker_exceptions().ResourceNotFound(message=f"Could not find labeling job '{name}'.")
    return job


def backend_describe_labeling_job(self, labeling_job_name: str) -> dict:
    with lock:
        return _get_labeling_job(self, labeling_job_name).describe()


def backend_list_labeling_jobs(self, params: dict) -> tuple[list[dict], str | None]:
    with lock:
        items = list(ext_state(self).labeling_jobs.values())
        if params.get("StatusEquals"):
            items = [x for x in items if x.status == params["StatusEquals"]]
        page, token = list_page(items, params=params, sort_keys={
            "Name": lambda x: x.name, "CreationTime": lambda x: utc_epoch_seconds(x.creation_time),
            "Status": lambda x: x.status})
        return [x.summary() for x in page], token


def response_create_labeling_job(self):
    job = self.sagemaker_backend.create_labeling_job(self._get_params())
    return action_result({"LabelingJobArn": job.arn})


def response_describe_labeling_job(self):
    return action_result(self.sagemaker_backend.describe_labeling_job(self._get_param("LabelingJobName")))


def response_list_labeling_jobs(self):
    items, token = self.sagemaker_backend.list_labeling_jobs(self._get_params())
    return action_result({"LabelingJobSummaryList": items, "NextToken": token})


def set_labeling_job(name: str, status: str | None = None, *, counters: dict[str, int] | None = None,
                     failure_reason: str | None = None, region: str = DEFAULT_REGION,
                     account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Update a labeling job's status and/or LabelCounters (merged; TotalLabeled follows
    HumanLabeled + MachineLabeled unless given)."""
    if status is not None and status not in LABELING_STATUSES:
        raise ValueError(f"status must be one of {LABELING_STATUSES}, not {status!r}")
    unknown = set(counters or {}) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown label counters: {sorted(unknown)}")
    with lock:
        job = _get_labeling_job(backend_for(region, account_id), name)
        if status is not None:
            job.status = status
        if counters:
            job.counters.update({k: int(v) for k, v in counters.items()})
            if "TotalLabeled" not in counters:
                job.counters["TotalLabeled"] = job.counters["HumanLabeled"] + job.counters["MachineLabeled"]
        if failure_reason is not None:
            job.failure_reason = failure_reason
        job.last_modified_time = moto_utcnow()
