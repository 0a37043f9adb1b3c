"""The AWS console page and the ARN of a resource (``o`` and ``Y``), as pure functions.

Console pages are the SageMaker console's deep links, in the resource's region and partition
(``console.aws.amazon.com``, ``console.amazonaws.cn`` in China, ``console.amazonaws-us-gov.com``
in GovCloud):

============================  =============================================================
kind                          page
============================  =============================================================
endpoint                      ``sagemaker/home?region=R#/endpoints/NAME``
inference component           its endpoint's page (which lists its components)
training job                  ``sagemaker/home?region=R#/jobs/NAME``
processing job                ``sagemaker/home?region=R#/processing-jobs/NAME``
transform job                 ``sagemaker/home?region=R#/transform-jobs/NAME``
hyperparameter tuning job     ``sagemaker/home?region=R#/hyper-tuning-jobs/NAME``
labeling job                  ``sagemaker/groundtruth?region=R#/labeling-jobs/details/NAME``
pipeline                      ``sagemaker/home?region=R#/pipelines/NAME``
pipeline execution            ``sagemaker/home?region=R#/pipelines/NAME/executions/ID``
feature group                 ``sagemaker/home?region=R#/feature-groups/NAME/details``
recommendation job            CloudWatch's metrics search for the job (the SageMaker console
                              shows these jobs inside Studio only)
============================  =============================================================

ARNs are ``arn:PARTITION:sagemaker:REGION:ACCOUNT:TYPE/name``; SageMaker writes resource
names in ARNs in lower case. An ARN discovery read (a pipeline's, an execution's) is used as
it is; any other needs the account, and is ``None`` without it.
"""

from __future__ import annotations

from urllib.parse import quote

from tui.model.catalog import Kind
from tui.model.resources import (Alarm, Endpoint, FeatureGroup, InferenceComponent, Job, LabelingJob, Pipeline,
                                 PipelineExecution, RecommendationJob)

#: Kinds by name (the :class:`~tui.model.catalog.Kind` values, plus kinds the app does not list).
TUNING_JOB = "hyper-parameter-tuning-job"
PIPELINE_EXECUTION = "pipeline-execution"

#: ``#/...`` fragment of the SageMaker console page of each kind ({} is the quoted name).
_PAGES = {
    Kind.ENDPOINT.value: "#/endpoints/{}",
    Kind.TRAINING_JOB.value: "#/jobs/{}",
    Kind.PROCESSING_JOB.value: "#/processing-jobs/{}",
    Kind.TRANSFORM_JOB.value: "#/transform-jobs/{}",
    TUNING_JOB: "#/hyper-tuning-jobs/{}",
    Kind.PIPELINE.value: "#/pipelines/{}",
    Kind.FEATURE_GROUP.value: "#/feature-groups/{}/details",
}

#: The resource type in an ARN, per kind.
_ARN_TYPES = {
    Kind.ENDPOINT.value: "endpoint",
    Kind.INFERENCE_COMPONENT.value: "inference-component",
    Kind.TRAINING_JOB.value: "training-job",
    Kind.PROCESSING_JOB.value: "processing-job",
    Kind.TRANSFORM_JOB.value: "transform-job",
    TUNING_JOB: "hyper-parameter-tuning-job",
    Kind.LABELING_JOB.value: "labeling-job",
    Kind.PIPELINE.value: "pipeline",
    Kind.FEATURE_GROUP.value: "feature-group",
    Kind.RECOMMENDATION_JOB.value: "inference-recommendations-job",
}


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def console_host(region: str) -> str:
    domain = {"aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}.get(
        partition(region), "console.aws.amazon.com")
    return f"https://{quote(region, safe='')}.{domain}"


def _q(text: str) -> str:
    return quote(text, safe="-_.~")


def console_url_for(kind: str, name: str, region: str, *, parent: str | None = None) -> str | None:
    """The console page of a resource of ``kind`` (a :class:`Kind` value or :data:`TUNING_JOB`,
    :data:`PIPELINE_EXECUTION`). ``parent``: an inference component's endpoint, an execution's
    pipeline (``name`` is then the execution's id or ARN). None for a kind without a page."""
    kind = getattr(kind, "value", kind)
    if not region or not name:
        return None
    host, r = console_host(region), _q(region)
    if kind == Kind.LABELING_JOB.value:
        return f"{host}/sagemaker/groundtruth?region={r}#/labeling-jobs/details/{_q(name)}"
    if kind == Kind.INFERENCE_COMPONENT.value:
        return console_url_for(Kind.ENDPOINT.value, parent, region) if parent else None
    if kind == PIPELINE_EXECUTION:
        if not parent:
            return None
        execution = name.rsplit("/", 1)[-1]
        return f"{host}/sagemaker/home?region={r}#/pipelines/{_q(parent)}/executions/{_q(execution)}"
    if kind == Kind.RECOMMENDATION_JOB.value:
        return f"{host}/cloudwatch/home?region={r}#metricsV2:graph=~();search={_q(name)}"
    page = _PAGES.get(kind)
    return None if page is None else f"{host}/sagemaker/home?region={r}{page.format(_q(name))}"


def _kind_of(resource) -> str | None:
    kind = getattr(resource, "kind", None)
    return getattr(kind, "value", kind)


def console_url(resource, *, pipeline: Pipeline | None = None) -> str | None:
    """The console page of a model resource (an execution needs its ``pipeline``)."""
    if isinstance(resource, PipelineExecution):
        if pipeline is None:
            return None
        return console_url_for(PIPELINE_EXECUTION, resource.arn, pipeline.region, parent=pipeline.name)
    if isinstance(resource, InferenceComponent):
        return console_url_for(Kind.INFERENCE_COMPONENT.value, resource.name, resource.region,
                               parent=resource.endpoint_name)
    if isinstance(resource, (Endpoint, Job, Pipeline, LabelingJob, FeatureGroup, RecommendationJob)):
        return console_url_for(_kind_of(resource), resource.name, resource.region)
    if isinstance(resource, Alarm) and resource.region:  # CloudWatch's page of the alarm
        return f"{console_host(resource.region)}/cloudwatch/home?region={_q(resource.region)}" \
               f"#alarmsV2:alarm/{_q(resource.name)}"
    return None


def arn_for(kind: str, name: str, region: str, account: str | None) -> str | None:
    """``arn:PARTITION:sagemaker:REGION:ACCOUNT:TYPE/name`` (the name in lower case, as
    SageMaker writes it), or None without an account or for a kind without an ARN type."""
    kind = getattr(kind, "value", kind)
    rtype = _ARN_TYPES.get(kind)
    if rtype is None or not account or not region or not name or not str(account).isdigit():
        return None
    return f"arn:{partition(region)}:sagemaker:{region}:{account}:{rtype}/{name.lower()}"


def resource_arn(resource, account: str | None) -> str | None:
    """The resource's ARN: as discovery read it where it did, else built with ``account``."""
    known = getattr(resource, "arn", None)
    if known:
        return str(known)
    if isinstance(resource, PipelineExecution):
        return None
    name, region = getattr(resource, "name", None), getattr(resource, "region", None)
    kind = _kind_of(resource)
    if not name or not region or kind is None:
        return None
    return arn_for(kind, name, region, getattr(resource, "account", "") or account)  # a source account's own
