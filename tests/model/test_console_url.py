"""Console URLs and ARNs of every kind the app lists (``o`` and ``Y``): pure functions."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from tui.model.catalog import Kind
from tui.model.console_url import (PIPELINE_EXECUTION, TUNING_JOB, arn_for, console_url, console_url_for,
                                   resource_arn)
from tui.model.resources import (Endpoint, FeatureGroup, InferenceComponent, Job, LabelingJob, Pipeline,
                                 PipelineExecution, RecommendationJob)

R = "eu-west-1"
HOME = f"https://{R}.console.aws.amazon.com/sagemaker/home?region={R}"
ACCOUNT = "123456789012"


@pytest.mark.parametrize("resource, url, arn", [
    (Endpoint("Fraud-Prod", "InService", R), f"{HOME}#/endpoints/Fraud-Prod",
     f"arn:aws:sagemaker:{R}:{ACCOUNT}:endpoint/fraud-prod"),
    (InferenceComponent("llama", "genai-ep", "AllTraffic", "InService", R), f"{HOME}#/endpoints/genai-ep",
     f"arn:aws:sagemaker:{R}:{ACCOUNT}:inference-component/llama"),
    (Job(Kind.TRAINING_JOB, "bert", "InProgress", R), f"{HOME}#/jobs/bert",
     f"arn:aws:sagemaker:{R}:{ACCOUNT}:training-job/bert"),
    (Job(Kind.PROCESSING_JOB, "dq", "Completed", R), f"{HOME}#/processing-jobs/dq",
     f"arn:aws:sagemaker:{R}:{ACCOUNT}:processing-job/dq"),
    (Job(Kind.TRANSFORM_JOB, "score", "Completed", R), f"{HOME}#/transform-jobs/score",
     f"arn:aws:sagemaker:{R}:{ACCOUNT}:transform-job/score"),
    (LabelingJob("cats", "InProgress", R),
     f"https://{R}.console.aws.amazon.com/sagemaker/groundtruth?region={R}#/labeling-jobs/details/cats",
     f"arn:aws:sagemaker:{R}:{ACCOUNT}:labeling-job/cats"),
    (FeatureGroup("customers", "Created", R), f"{HOME}#/feature-groups/customers/details",
     f"arn:aws:sagemaker:{R}:{ACCOUNT}:feature-group/customers"),
    (RecommendationJob("rec-1", "COMPLETED", R),
     f"https://{R}.console.aws.amazon.com/cloudwatch/home?region={R}#metricsV2:graph=~();search=rec-1",
     f"arn:aws:sagemaker:{R}:{ACCOUNT}:inference-recommendations-job/rec-1"),
    (Pipeline("train-pipe", R, arn=f"arn:aws:sagemaker:{R}:{ACCOUNT}:pipeline/train-pipe"),
     f"{HOME}#/pipelines/train-pipe", f"arn:aws:sagemaker:{R}:{ACCOUNT}:pipeline/train-pipe"),
])
def test_every_kind_has_its_page_and_arn(resource, url, arn):
    assert console_url(resource) == url
    assert resource_arn(resource, ACCOUNT) == arn


def test_a_pipeline_execution_opens_under_its_pipeline():
    pipe = Pipeline("train-pipe", R)
    arn = f"arn:aws:sagemaker:{R}:{ACCOUNT}:pipeline/train-pipe/execution/abc123"
    ex = PipelineExecution(arn, "Failed")
    assert console_url(ex, pipeline=pipe) == f"{HOME}#/pipelines/train-pipe/executions/abc123"
    assert console_url(ex) is None  # without its pipeline there is no page
    assert resource_arn(ex, None) == arn  # read by discovery: known without the account
    assert console_url_for(PIPELINE_EXECUTION, "abc123", R, parent="train-pipe") == \
        f"{HOME}#/pipelines/train-pipe/executions/abc123"


def test_kinds_the_app_does_not_list_yet():
    assert console_url_for(TUNING_JOB, "hpo-7", R) == f"{HOME}#/hyper-tuning-jobs/hpo-7"
    assert arn_for(TUNING_JOB, "HPO-7", R, ACCOUNT) == \
        f"arn:aws:sagemaker:{R}:{ACCOUNT}:hyper-parameter-tuning-job/hpo-7"
    assert console_url_for(Kind.WORKTEAM.value, "team", R) is None


def test_partitions():
    ep = Endpoint("e", "InService", "cn-north-1")
    assert console_url(ep) == "https://cn-north-1.console.amazonaws.cn/sagemaker/home?region=cn-north-1#/endpoints/e"
    assert resource_arn(ep, ACCOUNT) == f"arn:aws-cn:sagemaker:cn-north-1:{ACCOUNT}:endpoint/e"
    gov = Job(Kind.TRAINING_JOB, "j", "Completed", "us-gov-west-1")
    assert console_url(gov).startswith("https://us-gov-west-1.console.amazonaws-us-gov.com/sagemaker/home?")
    assert resource_arn(gov, ACCOUNT).startswith("arn:aws-us-gov:sagemaker:us-gov-west-1:")


def test_no_arn_without_the_account_and_hostile_names_stay_inert():
    assert resource_arn(Endpoint("e", "InService", R), None) is None
    assert resource_arn(Endpoint("e", "InService", R), "not-an-account") is None
    name = "evil\x1b]52;c;AAAA\x07/../#x y"
    url = console_url(Endpoint(name, "InService", R))
    assert url.isprintable() and " " not in url and "\x1b" not in url
    fragment = urlsplit(url).fragment
    assert fragment.count("/") == 2 and "#" not in fragment  # the name cannot add path parts
    assert unquote(fragment.rsplit("/", 1)[-1]) == name
