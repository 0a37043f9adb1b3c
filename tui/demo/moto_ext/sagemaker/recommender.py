"""SageMaker Inference Recommender jobs for the local AWS (moto 5.2 has none).

Create/Describe/ListInferenceRecommendationsJobs; a new job is ``IN_PROGRESS``, and
:func:`set_recommendation_job_status` sets its status and recommendations in-process.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from .common import (DEFAULT_ACCOUNT_ID, DEFAULT_REGION, action_result, arn_of, as_naive_utc, backend_for,
                     drop_none, utc_epoch_seconds, ext_state, list_page, lock, moto_utcnow, sagemaker_exceptions)


# -- inference recommendations jobs --------------------------------------------------------
RECOMMENDATION_STATUSES = ("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED", "STOPPING", "STOPPED",
                           "DELETING", "DELETED")


class FakeRecommendationJob:
    def __init__(self, *, name: str, arn: str, params: dict) -> None:
        self.name = name
        self.arn = arn
        self.params = copy.deepcopy(params)
        self.status = "IN_PROGRESS"
        self.failure_reason: str | None = None
        self.completion_time: datetime | None = None
        self.recommendations: list[dict] = []
        self.endpoint_performances: list[dict] = []
        self.creation_time = self.last_modified_time = moto_utcnow()

    def describe(self) -> dict:
        p = self.params
        return drop_none({
            "JobName": self.name,
            "JobDescription": p.get("JobDescription"),
            "JobType": p.get("JobType"),
            "JobArn": self.arn,
            "RoleArn": p.get("RoleArn"),
            "Status": self.status,
            "CreationTime": self.creation_time,
            "CompletionTime": self.completion_time,
            "LastModifiedTime": self.last_modified_time,
            "FailureReason": self.failure_reason,
            "InputConfig": p.get("InputConfig"),
            "StoppingConditions": p.get("StoppingConditions"),
            "InferenceRecommendations": self.recommendations or None,
            "EndpointPerformances": self.endpoint_performances or None,
        })

    def summary(self) -> dict:
        p = self.params
        ic = p.get("InputConfig") or {}
        return drop_none({
            "JobName": self.name,
            "JobDescription": p.get("JobDescription"),
            "JobType": p.get("JobType"),
            "JobArn": self.arn,
            "Status": self.status,
            "CreationTime": self.creation_time,
            "CompletionTime": self.completion_time,
            "RoleArn": p.get("RoleArn"),
            "LastModifiedTime": self.last_modified_time,
            "FailureReason": self.failure_reason,
            "ModelName": ic.get("ModelName"),
            "SamplePayloadUrl": ((ic.get("ContainerConfig") or {}).get("PayloadConfig") or {}).get(
                "SamplePayloadUrl"),
            "ModelPackageVersionArn": ic.get("ModelPackageVersionArn"),
        })


def backend_create_inference_recommendations_job(self, params: dict) -> FakeRecommendationJob:
    name = params["JobName"]
    with lock:
        st = ext_state(self)
        if name in st.recommendation_jobs:
            raise sagemaker_exceptions().ResourceInUseException(message=f"Inference recommendations job {name} already exists.")
        job = st.recommendation_jobs[name] = FakeRecommendationJob(
            name=name, arn=arn_of("inference-recommendations-job", name, self.account_id, self.region_name),
            params=params)
    return job


def _get_recommendation_job(backend, name: str) -> FakeRecommendationJob:
    job = ext_state(backend).recommendation_jobs.get(name)
    if job is None:
        raise sagemaker_exceptions().ResourceNotFound(message=f"Could not find inference recommendations job '{name}'.")
    return job


def backend_describe_inference_recommendations_job(self, job_name: str) -> dict:
    with lock:
        return _get_recommendation_job(self, job_name).describe()


def backend_list_inference_recommendations_jobs(self, params: dict) -> tuple[list[dict], str | None]:
    with lock:
        items = list(ext_state(self).recommendation_jobs.values())
        if params.get("StatusEquals"):
            items = [x for x in items if x.status == params["StatusEquals"]]
        if params.get("ModelNameEquals"):
            items = [x for x in items if (x.params.get("InputConfig") or {}).get("ModelName")
                     == params["ModelNameEquals"]]
        if params.get("ModelPackageVersionArnEquals"):
            items = [x for x in items if (x.params.get("InputConfig") or {}).get("ModelPackageVersionArn")
                     == params["ModelPackageVersionArnEquals"]]
        page, token = list_page(items, params=params, sort_keys={
            "Name": lambda x: x.name, "CreationTime": lambda x: utc_epoch_seconds(x.creation_time),
            "Status": lambda x: x.status})
        return [x.summary() for x in page], token


def response_create_inference_recommendations_job(self):
    job = self.sagemaker_backend.create_inference_recommendations_job(self._get_params())
    return action_result({"JobArn": job.arn})


def response_describe_inference_recommendations_job(self):
    return action_result(self.sagemaker_backend.describe_inference_recommendations_job(self._get_param("JobName")))


def response_list_inference_recommendations_jobs(self):
    items, token = self.sagemaker_backend.list_inference_recommendations_jobs(self._get_params())
    return action_result({"InferenceRecommendationsJobs": items, "NextToken": token})


def set_recommendation_job_status(name: str, status: str, *, failure_reason: str | None = None,
                                  completion_time: Any = None, recommendations: list[dict] | None = None,
                                  endpoint_performances: list[dict] | None = None,
                                  region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set an inference recommendations job's Status (COMPLETED/FAILED/STOPPED get a
    CompletionTime: ``completion_time`` or now) and optionally its InferenceRecommendations."""
    if status not in RECOMMENDATION_STATUSES:
        raise ValueError(f"status must be one of {RECOMMENDATION_STATUSES}, not {status!r}")
    now = moto_utcnow()
    with lock:
        job = _get_recommendation_job(backend_for(region, account_id), name)
        job.status = status
        if status in ("COMPLETED", "FAILED", "STOPPED"):
            job.completion_time = as_naive_utc(completion_time) or now
        else:
            job.completion_time = None
        if failure_reason is not None:
            job.failure_reason = failure_reason
        if recommendations is not None:
            job.recommendations = copy.deepcopy(recommendations)
        if endpoint_performances is not None:
            job.endpoint_performances = copy.deepcopy(endpoint_performances)
        job.last_modified_time = now
