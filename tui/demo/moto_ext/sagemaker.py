"""SageMaker for the local AWS: the operations moto 5.2 lacks, and state the demo can drive.

Added to moto's ``SageMakerModelBackend`` and ``SageMakerResponse`` (so they answer over HTTP
like AWS does):

* inference components: Create/Describe/List/DeleteInferenceComponent;
* labeling jobs: Create/Describe/ListLabelingJobs;
* inference recommendations jobs: Create/Describe/ListInferenceRecommendationsJobs;
* ListPipelineExecutionSteps (steps are set in-process by :func:`set_execution_steps`);
* ListFeatureGroups.

Changed:

* endpoint configs accept production variants without ``ModelName`` (inference-component
  style), every well-formed ``ml.*`` instance type, and keep ``ExecutionRoleArn``,
  ``MetricsConfig``, ``VpcConfig``, ``EnableNetworkIsolation`` for DescribeEndpointConfig;
* CreateFeatureGroup works without an OfflineStoreConfig; DescribeFeatureGroup returns
  OnlineStoreConfig/Description/status and a ResourceNotFound for an unknown name;
* processing jobs keep the ProcessingResources (ClusterConfig) they were created with and
  DescribeProcessingJob returns them;
* training jobs keep the MetricDefinitions they were created with; ListTrainingJobs
  summaries carry SecondaryStatus, processing/transform summaries FailureReason;
* pipeline executions report their real failure reason (moto says "None").

New list operations filter first, then sort (``SortBy``/``SortOrder``) and page
(``MaxResults`` default 10, ``NextToken``). Newly created labeling jobs are ``InProgress``,
recommendation jobs ``IN_PROGRESS``, inference components ``InService`` with their copy count.

The control functions at the end (``set_*``) change state in-process, without HTTP; moto's
jobs are always "Completed" until the demo says otherwise.
"""

from __future__ import annotations

import copy
import random
import re
import string
import threading
from datetime import datetime, timezone
from typing import Any

from . import _patches

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_PAGE = 10
MAX_PAGE = 100

#: Instance types of the form ml.<family>.<size>; moto's own list stops at ml.g4dn/ml.p3.
INSTANCE_TYPE = re.compile(
    r"^ml\.[a-z][a-z0-9-]*\.(?:nano|micro|small|medium|large|xlarge|\d+xlarge|metal(?:-\d+xl)?)$")

_lock = threading.RLock()


# -- common --------------------------------------------------------------------------------
def _utcnow() -> datetime:
    from moto.core.utils import utcnow

    return utcnow()


def _as_naive_utc(value: Any) -> datetime | None:
    """moto keeps naive UTC datetimes; accept aware datetimes and epoch seconds too."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _epoch(value: Any) -> float:
    value = _as_naive_utc(value)
    return value.replace(tzinfo=timezone.utc).timestamp()


def _arn(kind: str, name: str, account_id: str, region: str) -> str:
    from moto.sagemaker.utils import arn_formatter

    return arn_formatter(kind, name, account_id, region)


def _exc():
    from moto.sagemaker import exceptions

    return exceptions


def _backend(region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID):
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account_id][region]


class _State:
    """What the additions keep per SageMaker backend (account and region)."""

    def __init__(self) -> None:
        self.inference_components: dict[str, InferenceComponent] = {}
        self.labeling_jobs: dict[str, LabelingJob] = {}
        self.recommendation_jobs: dict[str, RecommendationJob] = {}


def _state(backend: Any) -> _State:
    st = backend.__dict__.get("_ext_state")
    if st is None:
        with _lock:
            st = backend.__dict__.get("_ext_state")
            if st is None:
                st = backend.__dict__["_ext_state"] = _State()
    return st


def list_page(items: list, *, params: dict, sort_keys: dict[str, Any], default_sort: str = "CreationTime",
              default_order: str = "Ascending", name_of=lambda x: x.name) -> tuple[list, str | None]:
    """Filter by the common List* parameters, sort and page ``items`` (objects with ``name``,
    ``creation_time``, ``last_modified_time``)."""
    exc = _exc()
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
            b = _epoch(bound)
            items = [x for x in items if (_epoch(getattr(x, attr)) > b) == after and _epoch(getattr(x, attr)) != b]
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


def _result(payload: dict):
    from moto.core.responses import ActionResult

    return ActionResult(payload)


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


# -- inference components ------------------------------------------------------------------
IC_STATUSES = ("InService", "Creating", "Updating", "Failed", "Deleting")


class InferenceComponent:
    def __init__(self, *, name: str, arn: str, endpoint_name: str, endpoint_arn: str, variant_name: str,
                 specification: dict, runtime_config: dict, tags: list | None) -> None:
        self.name = name
        self.arn = arn
        self.endpoint_name = endpoint_name
        self.endpoint_arn = endpoint_arn
        self.variant_name = variant_name
        self.specification = copy.deepcopy(specification or {})
        copies = int((runtime_config or {}).get("CopyCount", 1))
        self.desired_copies = copies
        self.current_copies = copies
        self.status = "InService"
        self.failure_reason: str | None = None
        self.tags = tags or []
        self.creation_time = self.last_modified_time = _utcnow()

    def _spec_summary(self) -> dict:
        spec = {k: v for k, v in self.specification.items() if k != "Container"}
        container = self.specification.get("Container")
        if container:
            image = container.get("Image")
            spec["Container"] = _drop_none({
                "DeployedImage": {"SpecifiedImage": image, "ResolvedImage": image,
                                  "ResolutionTime": self.creation_time} if image else None,
                "ArtifactUrl": container.get("ArtifactUrl"),
                "Environment": container.get("Environment"),
            })
        return spec

    def summary(self) -> dict:
        return {
            "CreationTime": self.creation_time,
            "InferenceComponentArn": self.arn,
            "InferenceComponentName": self.name,
            "EndpointArn": self.endpoint_arn,
            "EndpointName": self.endpoint_name,
            "VariantName": self.variant_name,
            "InferenceComponentStatus": self.status,
            "LastModifiedTime": self.last_modified_time,
        }

    def describe(self) -> dict:
        return _drop_none({
            "InferenceComponentName": self.name,
            "InferenceComponentArn": self.arn,
            "EndpointName": self.endpoint_name,
            "EndpointArn": self.endpoint_arn,
            "VariantName": self.variant_name,
            "FailureReason": self.failure_reason,
            "Specification": self._spec_summary(),
            "RuntimeConfig": {"DesiredCopyCount": self.desired_copies, "CurrentCopyCount": self.current_copies},
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "InferenceComponentStatus": self.status,
        })


def _ic_arn(self, name: str) -> str:
    return _arn("inference-component", name, self.account_id, self.region_name)


def backend_create_inference_component(self, inference_component_name: str, endpoint_name: str,
                                       variant_name: str | None, specification: dict | None,
                                       runtime_config: dict | None, tags: list | None) -> InferenceComponent:
    exc = _exc()
    st = _state(self)
    arn = _ic_arn(self, inference_component_name)
    with _lock:
        if inference_component_name in st.inference_components:
            raise exc.ValidationError(message=f"Cannot create already existing inference component \"{arn}\".")
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None:
            ep_arn = _arn("endpoint", endpoint_name, self.account_id, self.region_name)
            raise exc.ValidationError(message=f"Could not find endpoint '{ep_arn}'.")
        variants = [v.get("VariantName") for v in endpoint.production_variants]
        if variant_name is None:
            variant_name = variants[0] if variants else "AllTraffic"
        elif variant_name not in variants:
            raise exc.ValidationError(
                message=f"Could not find variant '{variant_name}' in endpoint '{endpoint.arn}'.")
        model_name = (specification or {}).get("ModelName")
        if model_name and model_name not in self._models:
            m_arn = _arn("model", model_name, self.account_id, self.region_name)
            raise exc.ValidationError(message=f"Could not find model '{m_arn}'.")
        ic = InferenceComponent(name=inference_component_name, arn=arn, endpoint_name=endpoint_name,
                                endpoint_arn=endpoint.arn, variant_name=variant_name,
                                specification=specification or {}, runtime_config=runtime_config or {},
                                tags=tags)
        st.inference_components[inference_component_name] = ic
    return ic


def _get_ic(backend, name: str) -> InferenceComponent:
    ic = _state(backend).inference_components.get(name)
    if ic is None:
        raise _exc().ValidationError(message=f"Could not find inference component '{_ic_arn(backend, name)}'.")
    return ic


def backend_describe_inference_component(self, inference_component_name: str) -> dict:
    with _lock:
        return _get_ic(self, inference_component_name).describe()


def backend_list_inference_components(self, params: dict) -> tuple[list[dict], str | None]:
    with _lock:
        items = list(_state(self).inference_components.values())
        for param, attr in (("EndpointNameEquals", "endpoint_name"), ("VariantNameEquals", "variant_name"),
                            ("StatusEquals", "status")):
            if params.get(param):
                items = [x for x in items if getattr(x, attr) == params[param]]
        page, token = list_page(items, params=params, default_order="Descending", sort_keys={
            "Name": lambda x: x.name, "CreationTime": lambda x: _epoch(x.creation_time),
            "Status": lambda x: x.status})
        return [x.summary() for x in page], token


def backend_delete_inference_component(self, inference_component_name: str) -> None:
    with _lock:
        _get_ic(self, inference_component_name)
        del _state(self).inference_components[inference_component_name]


def response_create_inference_component(self):
    ic = self.sagemaker_backend.create_inference_component(
        inference_component_name=self._get_param("InferenceComponentName"),
        endpoint_name=self._get_param("EndpointName"),
        variant_name=self._get_param("VariantName"),
        specification=self._get_param("Specification"),
        runtime_config=self._get_param("RuntimeConfig"),
        tags=self._get_param("Tags"),
    )
    return _result({"InferenceComponentArn": ic.arn})


def response_describe_inference_component(self):
    return _result(self.sagemaker_backend.describe_inference_component(self._get_param("InferenceComponentName")))


def response_list_inference_components(self):
    items, token = self.sagemaker_backend.list_inference_components(self._get_params())
    return _result({"InferenceComponents": items, "NextToken": token})


def response_delete_inference_component(self):
    from moto.core.responses import EmptyResult

    self.sagemaker_backend.delete_inference_component(self._get_param("InferenceComponentName"))
    return EmptyResult()


# -- endpoint configs ----------------------------------------------------------------------
#: CreateEndpointConfig parameters moto drops, kept on the config as DescribeEndpointConfig shows them.
ENDPOINT_CONFIG_EXTRAS = {
    "ExecutionRoleArn": "execution_role_arn",
    "MetricsConfig": "metrics_config",
    "VpcConfig": "vpc_config",
    "EnableNetworkIsolation": "enable_network_isolation",
    "ExplainerConfig": "explainer_config",
    "ShadowProductionVariants": "shadow_production_variants",
}


def _validate_instance_type(self, instance_type: str) -> None:
    from moto.sagemaker.models import FakeEndpointConfig

    if isinstance(instance_type, str) and INSTANCE_TYPE.match(instance_type):
        return None
    return _patches.original(FakeEndpointConfig, "validate_instance_type")(self, instance_type)


def _validate_production_variants(self, production_variants: list[dict[str, Any]]) -> None:
    from moto.sagemaker.models import SageMakerModelBackend

    with_model = [v for v in production_variants or [] if v.get("ModelName")]
    return _patches.original(SageMakerModelBackend, "validate_production_variants")(self, with_model)


def response_create_endpoint_config(self):
    from moto.sagemaker.responses import SageMakerResponse

    result = _patches.original(SageMakerResponse, "create_endpoint_config")(self)
    config = self.sagemaker_backend.endpoint_configs.get(self._get_param("EndpointConfigName"))
    if config is not None:
        for param, attr in ENDPOINT_CONFIG_EXTRAS.items():
            value = self._get_param(param)
            if value is not None:
                setattr(config, attr, value)
    return result


# -- labeling jobs -------------------------------------------------------------------------
LABELING_STATUSES = ("Initializing", "InProgress", "Completed", "Failed", "Stopping", "Stopped")
COUNTERS = ("TotalLabeled", "HumanLabeled", "MachineLabeled", "FailedNonRetryableError", "Unlabeled")


class LabelingJob:
    def __init__(self, *, name: str, arn: str, params: dict) -> None:
        self.name = name
        self.arn = arn
        self.params = copy.deepcopy(params)
        self.status = "InProgress"
        self.counters = {k: 0 for k in COUNTERS}
        self.failure_reason: str | None = None
        self.job_reference_code = "".join(random.choices(string.ascii_lowercase + string.digits, k=16))
        self.creation_time = self.last_modified_time = _utcnow()

    def _output(self) -> dict | None:
        if self.status != "Completed":
            return None
        path = (self.params.get("OutputConfig") or {}).get("S3OutputPath", "").rstrip("/")
        return {"OutputDatasetS3Uri": f"{path}/{self.name}/manifests/output/output.manifest"}

    def describe(self) -> dict:
        p = self.params
        return _drop_none({
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
        return _drop_none({
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


def backend_create_labeling_job(self, params: dict) -> LabelingJob:
    name = params["LabelingJobName"]
    with _lock:
        st = _state(self)
        if name in st.labeling_jobs:
            raise _exc().ResourceInUseException(message=f"Labeling job {name} already exists.")
        job = st.labeling_jobs[name] = LabelingJob(
            name=name, arn=_arn("labeling-job", name, self.account_id, self.region_name), params=params)
    return job


def _get_labeling_job(backend, name: str) -> LabelingJob:
    job = _state(backend).labeling_jobs.get(name)
    if job is None:
        raise _exc().ResourceNotFound(message=f"Could not find labeling job '{name}'.")
    return job


def backend_describe_labeling_job(self, labeling_job_name: str) -> dict:
    with _lock:
        return _get_labeling_job(self, labeling_job_name).describe()


def backend_list_labeling_jobs(self, params: dict) -> tuple[list[dict], str | None]:
    with _lock:
        items = list(_state(self).labeling_jobs.values())
        if params.get("StatusEquals"):
            items = [x for x in items if x.status == params["StatusEquals"]]
        page, token = list_page(items, params=params, sort_keys={
            "Name": lambda x: x.name, "CreationTime": lambda x: _epoch(x.creation_time),
            "Status": lambda x: x.status})
        return [x.summary() for x in page], token


def response_create_labeling_job(self):
    job = self.sagemaker_backend.create_labeling_job(self._get_params())
    return _result({"LabelingJobArn": job.arn})


def response_describe_labeling_job(self):
    return _result(self.sagemaker_backend.describe_labeling_job(self._get_param("LabelingJobName")))


def response_list_labeling_jobs(self):
    items, token = self.sagemaker_backend.list_labeling_jobs(self._get_params())
    return _result({"LabelingJobSummaryList": items, "NextToken": token})


# -- inference recommendations jobs --------------------------------------------------------
RECOMMENDATION_STATUSES = ("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED", "STOPPING", "STOPPED",
                           "DELETING", "DELETED")


class RecommendationJob:
    def __init__(self, *, name: str, arn: str, params: dict) -> None:
        self.name = name
        self.arn = arn
        self.params = copy.deepcopy(params)
        self.status = "IN_PROGRESS"
        self.failure_reason: str | None = None
        self.completion_time: datetime | None = None
        self.recommendations: list[dict] = []
        self.endpoint_performances: list[dict] = []
        self.creation_time = self.last_modified_time = _utcnow()

    def describe(self) -> dict:
        p = self.params
        return _drop_none({
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
        return _drop_none({
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


def backend_create_inference_recommendations_job(self, params: dict) -> RecommendationJob:
    name = params["JobName"]
    with _lock:
        st = _state(self)
        if name in st.recommendation_jobs:
            raise _exc().ResourceInUseException(message=f"Inference recommendations job {name} already exists.")
        job = st.recommendation_jobs[name] = RecommendationJob(
            name=name, arn=_arn("inference-recommendations-job", name, self.account_id, self.region_name),
            params=params)
    return job


def _get_recommendation_job(backend, name: str) -> RecommendationJob:
    job = _state(backend).recommendation_jobs.get(name)
    if job is None:
        raise _exc().ResourceNotFound(message=f"Could not find inference recommendations job '{name}'.")
    return job


def backend_describe_inference_recommendations_job(self, job_name: str) -> dict:
    with _lock:
        return _get_recommendation_job(self, job_name).describe()


def backend_list_inference_recommendations_jobs(self, params: dict) -> tuple[list[dict], str | None]:
    with _lock:
        items = list(_state(self).recommendation_jobs.values())
        if params.get("StatusEquals"):
            items = [x for x in items if x.status == params["StatusEquals"]]
        if params.get("ModelNameEquals"):
            items = [x for x in items if (x.params.get("InputConfig") or {}).get("ModelName")
                     == params["ModelNameEquals"]]
        if params.get("ModelPackageVersionArnEquals"):
            items = [x for x in items if (x.params.get("InputConfig") or {}).get("ModelPackageVersionArn")
                     == params["ModelPackageVersionArnEquals"]]
        page, token = list_page(items, params=params, sort_keys={
            "Name": lambda x: x.name, "CreationTime": lambda x: _epoch(x.creation_time),
            "Status": lambda x: x.status})
        return [x.summary() for x in page], token


def response_create_inference_recommendations_job(self):
    job = self.sagemaker_backend.create_inference_recommendations_job(self._get_params())
    return _result({"JobArn": job.arn})


def response_describe_inference_recommendations_job(self):
    return _result(self.sagemaker_backend.describe_inference_recommendations_job(self._get_param("JobName")))


def response_list_inference_recommendations_jobs(self):
    items, token = self.sagemaker_backend.list_inference_recommendations_jobs(self._get_params())
    return _result({"InferenceRecommendationsJobs": items, "NextToken": token})


# -- pipeline executions -------------------------------------------------------------------
STEP_STATUSES = ("Starting", "Executing", "Stopping", "Stopped", "Failed", "Succeeded")
PIPELINE_EXECUTION_STATUSES = ("Executing", "Stopping", "Stopped", "Failed", "Succeeded")


def _execution(backend, execution_arn: str):
    from moto.sagemaker.utils import get_pipeline_execution_from_arn

    return get_pipeline_execution_from_arn(backend.pipelines, execution_arn)


def backend_list_pipeline_execution_steps(self, params: dict) -> tuple[list[dict], str | None]:
    exc = _exc()
    with _lock:
        execution = _execution(self, params["PipelineExecutionArn"])
        steps = [dict(s) for s in execution.__dict__.get("steps", [])]
    order = params.get("SortOrder") or "Descending"
    if order not in ("Ascending", "Descending"):
        raise exc.AWSValidationException(
            f"1 validation error detected: Value '{order}' at 'sortOrder' failed to satisfy constraint: "
            "Member must satisfy enum value set: ['Ascending', 'Descending']")
    steps.sort(key=lambda s: _epoch(s["StartTime"]) if s.get("StartTime") else 0.0,
               reverse=order == "Descending")
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or DEFAULT_PAGE)
    page = steps[start:start + size]
    return page, (str(start + size) if start + size < len(steps) else None)


def response_list_pipeline_execution_steps(self):
    steps, token = self.sagemaker_backend.list_pipeline_execution_steps(self._get_params())
    return _result({"PipelineExecutionSteps": steps, "NextToken": token})


def _describe_pipeline_execution(self, pipeline_execution_arn: str) -> dict:
    from moto.sagemaker.models import SageMakerModelBackend

    out = _patches.original(SageMakerModelBackend, "describe_pipeline_execution")(self, pipeline_execution_arn)
    reason = _execution(self, pipeline_execution_arn).pipeline_execution_failure_reason
    if reason:
        out["FailureReason"] = reason
    else:
        out.pop("FailureReason", None)
    return out


def _list_pipeline_executions(self, pipeline_name: str) -> dict:
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


# -- feature groups ------------------------------------------------------------------------
def _feature_group_init(self, *args, **kwargs) -> None:
    from moto.sagemaker.models import FeatureGroup

    original = _patches.original(FeatureGroup, "__init__")
    names = ("region_name", "account_id", "feature_group_name", "record_identifier_feature_name",
             "event_time_feature_name", "feature_definitions", "offline_store_config", "role_arn", "tags")
    bound = dict(zip(names, args))
    bound.update(kwargs)
    if bound.get("offline_store_config"):
        original(self, **bound)
    else:
        bound["offline_store_config"] = {"S3StorageConfig": {"S3Uri": "s3://placeholder"}}
        original(self, **bound)
        self.offline_store_config = None
    self.feature_group_status = "Created"
    self.online_store_config = None
    self.description = None
    self.throughput_config = None
    self.last_modified_time = self.creation_time


def _feature_group_describe(self) -> dict:
    from moto.sagemaker.models import FeatureGroup

    out = _patches.original(FeatureGroup, "describe")(self)
    out["FeatureGroupStatus"] = self.__dict__.get("feature_group_status", "Created")
    if out.get("OfflineStoreConfig"):
        out["OfflineStoreStatus"] = {"Status": "Active"}
    else:
        out.pop("OfflineStoreConfig", None)
    for key, attr in (("OnlineStoreConfig", "online_store_config"), ("Description", "description"),
                      ("ThroughputConfig", "throughput_config"), ("LastModifiedTime", "last_modified_time")):
        value = self.__dict__.get(attr)
        if value is not None:
            out[key] = value
    return out


def _describe_feature_group(self, feature_group_name: str) -> dict:
    from moto.sagemaker.models import SageMakerModelBackend

    try:
        return _patches.original(SageMakerModelBackend, "describe_feature_group")(self, feature_group_name)
    except KeyError:
        raise _exc().ResourceNotFound(
            message=f"Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name "
                    f"{feature_group_name}") from None


def response_create_feature_group(self):
    from moto.sagemaker.responses import SageMakerResponse

    result = _patches.original(SageMakerResponse, "create_feature_group")(self)
    fg = _find_feature_group(self.sagemaker_backend, self._get_param("FeatureGroupName"))
    if fg is not None:
        fg.online_store_config = self._get_param("OnlineStoreConfig")
        fg.description = self._get_param("Description")
        throughput = self._get_param("ThroughputConfig")
        if throughput:
            fg.throughput_config = throughput
    return result


def _find_feature_group(backend, name: str):
    for fg in backend.feature_groups.values():
        if fg.feature_group_name == name:
            return fg
    return None


def backend_list_feature_groups(self, params: dict) -> tuple[list[dict], str | None]:
    def status(fg):
        return fg.__dict__.get("feature_group_status", "Created")

    def offline(fg):
        return "Active" if fg.offline_store_config else None

    with _lock:
        items = list(self.feature_groups.values())
    if params.get("FeatureGroupStatusEquals"):
        items = [x for x in items if status(x) == params["FeatureGroupStatusEquals"]]
    if params.get("OfflineStoreStatusEquals"):
        items = [x for x in items if offline(x) == params["OfflineStoreStatusEquals"]]
    page, token = list_page(items, params=params, name_of=lambda x: x.feature_group_name, sort_keys={
        "Name": lambda x: x.feature_group_name, "FeatureGroupStatus": status,
        "OfflineStoreStatus": lambda x: offline(x) or "", "CreationTime": lambda x: _epoch(x.creation_time)})
    return [_drop_none({
        "FeatureGroupName": x.feature_group_name,
        "FeatureGroupArn": x.arn,
        "CreationTime": x.creation_time,
        "FeatureGroupStatus": status(x),
        "OfflineStoreStatus": {"Status": offline(x)} if offline(x) else None,
    }) for x in page], token


def response_list_feature_groups(self):
    items, token = self.sagemaker_backend.list_feature_groups(self._get_params())
    return _result({"FeatureGroupSummaries": items, "NextToken": token})


# -- jobs ----------------------------------------------------------------------------------
def _training_job_init(self, *args, **kwargs) -> None:
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


def _list_training_jobs(self, **kwargs) -> dict:
    from moto.sagemaker.models import SageMakerModelBackend

    out = _patches.original(SageMakerModelBackend, "list_training_jobs")(self, **kwargs)
    for summary in out.get("TrainingJobSummaries", []):
        job = self.training_jobs.get(summary["TrainingJobName"])
        if job is not None:
            summary["SecondaryStatus"] = job.secondary_status
    return out


def _with_failure_reason(method: str, summaries_key: str, name_key: str, jobs_attr: str):
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
    now = _utcnow()
    start_time, end_time = _as_naive_utc(start_time), _as_naive_utc(end_time)
    with _lock:
        job = _job(_backend(region, account_id), kind, name)
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


def set_pipeline_execution_status(execution_arn: str, status: str, *, failure_reason: str | None = None,
                                  region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    if status not in PIPELINE_EXECUTION_STATUSES:
        raise ValueError(f"status must be one of {PIPELINE_EXECUTION_STATUSES}, not {status!r}")
    with _lock:
        execution = _execution(_backend(region, account_id), execution_arn)
        execution.pipeline_execution_status = status
        execution.pipeline_execution_failure_reason = failure_reason
        execution.last_modified_time = _utcnow()


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
                s[k] = _as_naive_utc(s[k])
        clean.append(_drop_none(s))
    with _lock:
        execution = _execution(_backend(region, account_id), execution_arn)
        execution.steps = clean
        execution.last_modified_time = _utcnow()


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
    with _lock:
        job = _get_labeling_job(_backend(region, account_id), name)
        if status is not None:
            job.status = status
        if counters:
            job.counters.update({k: int(v) for k, v in counters.items()})
            if "TotalLabeled" not in counters:
                job.counters["TotalLabeled"] = job.counters["HumanLabeled"] + job.counters["MachineLabeled"]
        if failure_reason is not None:
            job.failure_reason = failure_reason
        job.last_modified_time = _utcnow()


def set_component_copies(name: str, current: int | None = None, desired: int | None = None, *,
                         status: str | None = None, failure_reason: str | None = None,
                         region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set an inference component's CurrentCopyCount / DesiredCopyCount / status."""
    if status is not None and status not in IC_STATUSES:
        raise ValueError(f"status must be one of {IC_STATUSES}, not {status!r}")
    with _lock:
        ic = _get_ic(_backend(region, account_id), name)
        if current is not None:
            ic.current_copies = int(current)
        if desired is not None:
            ic.desired_copies = int(desired)
        if status is not None:
            ic.status = status
        if failure_reason is not None:
            ic.failure_reason = failure_reason
        ic.last_modified_time = _utcnow()


def set_recommendation_job_status(name: str, status: str, *, failure_reason: str | None = None,
                                  completion_time: Any = None, recommendations: list[dict] | None = None,
                                  endpoint_performances: list[dict] | None = None,
                                  region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set an inference recommendations job's Status (COMPLETED/FAILED/STOPPED get a
    CompletionTime: ``completion_time`` or now) and optionally its InferenceRecommendations."""
    if status not in RECOMMENDATION_STATUSES:
        raise ValueError(f"status must be one of {RECOMMENDATION_STATUSES}, not {status!r}")
    now = _utcnow()
    with _lock:
        job = _get_recommendation_job(_backend(region, account_id), name)
        job.status = status
        if status in ("COMPLETED", "FAILED", "STOPPED"):
            job.completion_time = _as_naive_utc(completion_time) or now
        else:
            job.completion_time = None
        if failure_reason is not None:
            job.failure_reason = failure_reason
        if recommendations is not None:
            job.recommendations = copy.deepcopy(recommendations)
        if endpoint_performances is not None:
            job.endpoint_performances = copy.deepcopy(endpoint_performances)
        job.last_modified_time = now


def set_endpoint_status(name: str, status: str, *, failure_reason: str | None = None,
                        region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set an endpoint's EndpointStatus (moto's endpoints are always InService)."""
    statuses = ("OutOfService", "Creating", "Updating", "SystemUpdating", "RollingBack", "InService",
                "Deleting", "Failed", "UpdateRollbackFailed")
    if status not in statuses:
        raise ValueError(f"status must be one of {statuses}, not {status!r}")
    with _lock:
        endpoint = _backend(region, account_id).endpoints[name]
        endpoint.endpoint_status = status
        endpoint.failure_reason = failure_reason
        endpoint.last_modified_time = _utcnow()


def set_variant_instances(endpoint_name: str, variant_name: str, current: int, desired: int | None = None, *,
                          region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Set a production variant's CurrentInstanceCount (and DesiredInstanceCount)."""
    with _lock:
        endpoint = _backend(region, account_id).endpoints[endpoint_name]
        for v in endpoint.production_variants:
            if v.get("VariantName") == variant_name:
                v["CurrentInstanceCount"] = int(current)
                v["DesiredInstanceCount"] = int(current if desired is None else desired)
                endpoint.last_modified_time = _utcnow()
                return
        raise KeyError(f"endpoint {endpoint_name!r} has no variant {variant_name!r}")


def set_feature_group_status(name: str, status: str, *, region: str = DEFAULT_REGION,
                             account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    statuses = ("Creating", "Created", "CreateFailed", "Deleting", "DeleteFailed")
    if status not in statuses:
        raise ValueError(f"status must be one of {statuses}, not {status!r}")
    with _lock:
        fg = _find_feature_group(_backend(region, account_id), name)
        if fg is None:
            raise KeyError(f"no feature group named {name!r}")
        fg.feature_group_status = status
        fg.last_modified_time = _utcnow()


# -- installation --------------------------------------------------------------------------
#: Operations moto 5.2.5 does not implement at all (response method names).
ADDED_OPERATIONS = (
    "create_inference_component", "describe_inference_component", "list_inference_components",
    "delete_inference_component", "create_labeling_job", "describe_labeling_job", "list_labeling_jobs",
    "create_inference_recommendations_job", "describe_inference_recommendations_job",
    "list_inference_recommendations_jobs", "list_pipeline_execution_steps", "list_feature_groups",
)


def install() -> None:
    from moto.sagemaker.models import FakeEndpointConfig, FakeTrainingJob, FeatureGroup, SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    g = globals()
    for op in ADDED_OPERATIONS:
        _patches.patch(SageMakerModelBackend, op, g[f"backend_{op}"])
        _patches.patch(SageMakerResponse, op, g[f"response_{op}"])

    _patches.patch(FakeEndpointConfig, "validate_instance_type", _validate_instance_type)
    _patches.patch(SageMakerModelBackend, "validate_production_variants", _validate_production_variants)
    _patches.patch(SageMakerResponse, "create_endpoint_config", response_create_endpoint_config)

    _patches.patch(FeatureGroup, "__init__", _feature_group_init)
    _patches.patch(FeatureGroup, "describe", _feature_group_describe)
    _patches.patch(SageMakerModelBackend, "describe_feature_group", _describe_feature_group)
    _patches.patch(SageMakerResponse, "create_feature_group", response_create_feature_group)

    _patches.patch(FakeTrainingJob, "__init__", _training_job_init)
    _patches.patch(SageMakerModelBackend, "list_training_jobs", _list_training_jobs)
    _patches.patch(SageMakerResponse, "create_processing_job", response_create_processing_job)
    _patches.patch(SageMakerModelBackend, "list_processing_jobs", _with_failure_reason(
        "list_processing_jobs", "ProcessingJobSummaries", "ProcessingJobName", "processing_jobs"))
    _patches.patch(SageMakerModelBackend, "list_transform_jobs", _with_failure_reason(
        "list_transform_jobs", "TransformJobSummaries", "TransformJobName", "transform_jobs"))

    _patches.patch(SageMakerModelBackend, "describe_pipeline_execution", _describe_pipeline_execution)
    _patches.patch(SageMakerModelBackend, "list_pipeline_executions", _list_pipeline_executions)
