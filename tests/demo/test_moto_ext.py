"""The local AWS's additions to moto, over HTTP through boto3 against a real moto server.

Each addition has an exact-result test and a canary that checks the moto underneath still has
the gap (or the method/attribute the addition wraps), so a moto upgrade that fixes or changes
it is noticed. moto keeps state per process: tests use unique names.
"""

from __future__ import annotations

import inspect
import time
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from tests.local_aws import extended_moto_server
from botocore.config import Config
from botocore.exceptions import ClientError

from tui.demo import moto_ext
from tui.demo.moto_ext.cloudwatch import get_metric_data as cw_gmd
from tui.demo.moto_ext.cloudwatch import index as cw_index
from tui.demo.moto_ext.cloudwatch import stats as cw_stats
from tui.demo.moto_ext.sagemaker.common import backend_for

ROLE = "arn:aws:iam::123456789012:role/demo"
ACCOUNT = moto_ext.DEFAULT_ACCOUNT_ID
REGION = "us-east-1"


# -- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module", autouse=True)
def endpoint_url():
    with extended_moto_server() as url:
        yield url


def _client(url, service):
    return boto3.client(service, endpoint_url=url, region_name=REGION, aws_access_key_id="k",
                        aws_secret_access_key="s", config=Config(retries={"max_attempts": 1}))


@pytest.fixture(scope="module")
def sm(endpoint_url):
    return _client(endpoint_url, "sagemaker")


@pytest.fixture(scope="module")
def cw(endpoint_url):
    return _client(endpoint_url, "cloudwatch")


@pytest.fixture
def uid():
    return uuid.uuid4().hex[:8]


def _code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def _sm_classes():
    from moto.sagemaker.models import (
        FakeEndpointConfig,
        FakePipelineExecution,
        FakeProcessingJob,
        FakeTrainingJob,
        FakeTransformJob,
        FeatureGroup,
        SageMakerModelBackend,
    )
    from moto.sagemaker.responses import SageMakerResponse

    return dict(FakeEndpointConfig=FakeEndpointConfig, FakePipelineExecution=FakePipelineExecution,
                FakeProcessingJob=FakeProcessingJob, FakeTrainingJob=FakeTrainingJob,
                FakeTransformJob=FakeTransformJob, FeatureGroup=FeatureGroup,
                SageMakerModelBackend=SageMakerModelBackend, SageMakerResponse=SageMakerResponse)


def _params(fn) -> list[str]:
    return list(inspect.signature(fn).parameters)


def _ic_endpoint(sm, uid, instance_type="ml.g5.12xlarge", endpoints=1):
    """A model plus inference-component style endpoints (no ModelName in the variant)."""
    sm.create_model(ModelName=f"m-{uid}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img:1"})
    sm.create_endpoint_config(
        EndpointConfigName=f"ec-{uid}", ExecutionRoleArn=ROLE,
        ProductionVariants=[{"VariantName": "AllTraffic", "InstanceType": instance_type,
                             "InitialInstanceCount": 2}])
    names = [f"ep{i}-{uid}" for i in range(endpoints)]
    for n in names:
        sm.create_endpoint(EndpointName=n, EndpointConfigName=f"ec-{uid}")
    return names


# -- install -----------------------------------------------------------------------------------
def test_install_is_idempotent_and_uninstall_restores(endpoint_url):
    from moto.cloudwatch.models import CloudWatchBackend

    c = _sm_classes()
    patched_gmd = CloudWatchBackend.get_metric_data
    moto_ext.install()
    assert moto_ext.is_installed() and CloudWatchBackend.get_metric_data is patched_gmd
    orig = moto_ext.original(CloudWatchBackend, "get_metric_data")
    assert orig is not patched_gmd and orig.__module__ == "moto.cloudwatch.models"
    try:
        moto_ext.uninstall()
        assert CloudWatchBackend.get_metric_data is orig
        assert not hasattr(c["SageMakerResponse"], "list_inference_components")
    finally:
        moto_ext.install()
    assert hasattr(c["SageMakerResponse"], "list_inference_components")


# -- 1. inference components -----------------------------------------------------------------
def test_inference_components_create_describe_list_delete(sm, uid):
    ep0, ep1 = _ic_endpoint(sm, uid, endpoints=2)
    spec = {"ModelName": f"m-{uid}", "Container": {"Image": "img:1", "Environment": {"A": "1"}},
            "ComputeResourceRequirements": {"NumberOfAcceleratorDevicesRequired": 1.0,
                                            "MinMemoryRequiredInMb": 1024}}
    arns = {}
    for i, ep in enumerate([ep0, ep0, ep1]):
        name = f"ic{i}-{uid}"
        arns[name] = sm.create_inference_component(
            InferenceComponentName=name, EndpointName=ep, VariantName="AllTraffic", Specification=spec,
            RuntimeConfig={"CopyCount": i + 1})["InferenceComponentArn"]
        time.sleep(0.002)  # distinct creation times
    assert arns[f"ic0-{uid}"] == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:inference-component/ic0-{uid}"

    d = sm.describe_inference_component(InferenceComponentName=f"ic1-{uid}")
    assert d["InferenceComponentName"] == f"ic1-{uid}" and d["EndpointName"] == ep0
    assert d["EndpointArn"] == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/{ep0}"
    assert d["VariantName"] == "AllTraffic" and d["InferenceComponentStatus"] == "InService"
    assert d["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 2}
    assert d["Specification"]["ModelName"] == f"m-{uid}"
    assert d["Specification"]["Container"]["DeployedImage"]["SpecifiedImage"] == "img:1"
    assert d["Specification"]["Container"]["Environment"] == {"A": "1"}
    assert d["Specification"]["ComputeResourceRequirements"]["MinMemoryRequiredInMb"] == 1024
    assert d["CreationTime"] <= d["LastModifiedTime"]

    moto_ext.set_component_copies(f"ic1-{uid}", current=1, desired=4, status="Updating")
    d = sm.describe_inference_component(InferenceComponentName=f"ic1-{uid}")
    assert d["RuntimeConfig"] == {"DesiredCopyCount": 4, "CurrentCopyCount": 1}
    assert d["InferenceComponentStatus"] == "Updating"

    def names(**kw):
        return [s["InferenceComponentName"] for s in sm.list_inference_components(**kw)["InferenceComponents"]]

    assert names(EndpointNameEquals=ep0, SortOrder="Ascending") == [f"ic0-{uid}", f"ic1-{uid}"]
    assert names(EndpointNameEquals=ep0) == [f"ic1-{uid}", f"ic0-{uid}"]  # default: newest first
    assert names(EndpointNameEquals=ep0, StatusEquals="Updating") == [f"ic1-{uid}"]
    assert names(NameContains=f"ic2-{uid}") == [f"ic2-{uid}"]
    page1 = sm.list_inference_components(NameContains=uid, SortBy="Name", SortOrder="Ascending", MaxResults=2)
    assert [s["InferenceComponentName"] for s in page1["InferenceComponents"]] == [f"ic0-{uid}", f"ic1-{uid}"]
    page2 = sm.list_inference_components(NameContains=uid, SortBy="Name", SortOrder="Ascending", MaxResults=2,
                                         NextToken=page1["NextToken"])
    assert [s["InferenceComponentName"] for s in page2["InferenceComponents"]] == [f"ic2-{uid}"]
    assert "NextToken" not in page2
    s = page2["InferenceComponents"][0]
    assert s["EndpointName"] == ep1 and s["InferenceComponentArn"] == arns[f"ic2-{uid}"]
    assert s["InferenceComponentStatus"] == "InService" and s["VariantName"] == "AllTraffic"

    sm.delete_inference_component(InferenceComponentName=f"ic0-{uid}")
    with pytest.raises(ClientError) as e:
        sm.describe_inference_component(InferenceComponentName=f"ic0-{uid}")
    assert _code(e) == "ValidationException"
    assert names(EndpointNameEquals=ep0) == [f"ic1-{uid}"]


def test_inference_component_needs_an_endpoint_and_known_variant(sm, uid):
    (ep,) = _ic_endpoint(sm, uid)
    with pytest.raises(ClientError) as e:
        sm.create_inference_component(InferenceComponentName=f"x-{uid}", EndpointName=f"nope-{uid}",
                                      VariantName="AllTraffic", Specification={"ModelName": f"m-{uid}"},
                                      RuntimeConfig={"CopyCount": 1})
    assert _code(e) == "ValidationException"
    with pytest.raises(ClientError):
        sm.create_inference_component(InferenceComponentName=f"x-{uid}", EndpointName=ep, VariantName="Other",
                                      Specification={"ModelName": f"m-{uid}"}, RuntimeConfig={"CopyCount": 1})
    # the variant defaults to the endpoint's first one
    sm.create_inference_component(InferenceComponentName=f"y-{uid}", EndpointName=ep,
                                  Specification={"ModelName": f"m-{uid}"}, RuntimeConfig={"CopyCount": 3})
    d = sm.describe_inference_component(InferenceComponentName=f"y-{uid}")
    assert d["VariantName"] == "AllTraffic" and d["RuntimeConfig"]["CurrentCopyCount"] == 3


# -- 2. endpoint configs and instance types ------------------------------------------------------
NEW_TYPES = ["ml.g5.xlarge", "ml.g6.12xlarge", "ml.g6e.48xlarge", "ml.p4d.24xlarge", "ml.p5.48xlarge",
             "ml.inf2.48xlarge", "ml.trn1.32xlarge", "ml.trn1n.32xlarge", "ml.c7i.large", "ml.t3.medium"]


def test_endpoint_config_without_model_and_metrics_config_round_trip(sm, uid):
    sm.create_endpoint_config(
        EndpointConfigName=f"ec-{uid}", ExecutionRoleArn=ROLE,
        MetricsConfig={"EnableEnhancedMetrics": True, "MetricPublishFrequencyInSeconds": 10},
        ProductionVariants=[{"VariantName": "AllTraffic", "InstanceType": "ml.p5.48xlarge",
                             "InitialInstanceCount": 2, "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}}])
    d = sm.describe_endpoint_config(EndpointConfigName=f"ec-{uid}")
    assert d["MetricsConfig"] == {"EnableEnhancedMetrics": True, "MetricPublishFrequencyInSeconds": 10}
    assert d["ExecutionRoleArn"] == ROLE
    assert d["ProductionVariants"] == [{"VariantName": "AllTraffic", "InstanceType": "ml.p5.48xlarge",
                                        "InitialInstanceCount": 2,
                                        "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}}]
    sm.create_endpoint(EndpointName=f"ep-{uid}", EndpointConfigName=f"ec-{uid}")
    ep = sm.describe_endpoint(EndpointName=f"ep-{uid}")
    assert ep["ProductionVariants"][0]["CurrentInstanceCount"] == 2
    moto_ext.set_variant_instances(f"ep-{uid}", "AllTraffic", 3, 4)
    moto_ext.set_endpoint_status(f"ep-{uid}", "Updating")
    ep = sm.describe_endpoint(EndpointName=f"ep-{uid}")
    assert ep["EndpointStatus"] == "Updating"
    assert (ep["ProductionVariants"][0]["CurrentInstanceCount"], ep["ProductionVariants"][0]["DesiredInstanceCount"]) == (3, 4)
    # a variant naming a model that does not exist is still refused
    with pytest.raises(ClientError) as e:
        sm.create_endpoint_config(EndpointConfigName=f"bad-{uid}", ProductionVariants=[
            {"VariantName": "v", "ModelName": f"missing-{uid}", "InstanceType": "ml.m5.large",
             "InitialInstanceCount": 1}])
    assert _code(e) == "ValidationException"


@pytest.mark.parametrize("instance_type", NEW_TYPES)
def test_current_instance_types_accepted_for_endpoint_configs(sm, uid, instance_type):
    sm.create_endpoint_config(EndpointConfigName=f"ec-{uid}", ProductionVariants=[
        {"VariantName": "v", "InstanceType": instance_type, "InitialInstanceCount": 1}])
    d = sm.describe_endpoint_config(EndpointConfigName=f"ec-{uid}")
    assert d["ProductionVariants"][0]["InstanceType"] == instance_type


def test_malformed_instance_type_still_refused(sm, uid):
    with pytest.raises(ClientError) as e:
        sm.create_endpoint_config(EndpointConfigName=f"ec-{uid}", ProductionVariants=[
            {"VariantName": "v", "InstanceType": "ml.g5.enormous", "InitialInstanceCount": 1}])
    assert _code(e) == "ValidationException"


def test_current_instance_types_accepted_for_jobs(sm, uid):
    sm.create_model(ModelName=f"m-{uid}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    _training(sm, f"t-{uid}", instance_type="ml.p5.48xlarge")
    sm.create_processing_job(ProcessingJobName=f"p-{uid}", AppSpecification={"ImageUri": "img"}, RoleArn=ROLE,
                             ProcessingResources={"ClusterConfig": {"InstanceType": "ml.trn1.32xlarge",
                                                                    "InstanceCount": 1, "VolumeSizeInGB": 5}})
    sm.create_transform_job(TransformJobName=f"x-{uid}", ModelName=f"m-{uid}",
                            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                            "S3Uri": "s3://b/in"}}},
                            TransformOutput={"S3OutputPath": "s3://b/out"},
                            TransformResources={"InstanceType": "ml.g6.xlarge", "InstanceCount": 1})
    assert sm.describe_training_job(TrainingJobName=f"t-{uid}")["ResourceConfig"]["InstanceType"] == "ml.p5.48xlarge"
    assert sm.describe_transform_job(TransformJobName=f"x-{uid}")["TransformResources"]["InstanceType"] == "ml.g6.xlarge"


def test_canary_endpoint_config_gaps():
    from moto.sagemaker.exceptions import ValidationError

    c = _sm_classes()
    backend = c["SageMakerModelBackend"]("us-east-1", "000000000001")
    orig_validate = moto_ext.original(c["SageMakerModelBackend"], "validate_production_variants")
    with pytest.raises(KeyError):  # moto requires ModelName in every variant
        orig_validate(backend, [{"VariantName": "v", "InstanceType": "ml.m5.large"}])
    orig_type = moto_ext.original(c["FakeEndpointConfig"], "validate_instance_type")
    with pytest.raises(ValidationError):  # moto's list predates ml.g5
        orig_type(object.__new__(c["FakeEndpointConfig"]), "ml.g5.xlarge")
    orig_type(object.__new__(c["FakeEndpointConfig"]), "ml.m5.large")
    # moto's backend takes no MetricsConfig / ExecutionRoleArn (the response method keeps them)
    assert _params(c["SageMakerModelBackend"].create_endpoint_config) == [
        "self", "endpoint_config_name", "production_variants", "data_capture_config", "async_inference_config",
        "tags", "kms_key_id"]
    assert "MetricsConfig" not in inspect.getsource(moto_ext.original(c["SageMakerResponse"], "create_endpoint_config"))


# -- 3. labeling jobs ------------------------------------------------------------------------
def _labeling(sm, name):
    return sm.create_labeling_job(
        LabelingJobName=name, LabelAttributeName="label", RoleArn=ROLE,
        InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://b/in.manifest"}}},
        OutputConfig={"S3OutputPath": "s3://b/out"},
        HumanTaskConfig={
            "WorkteamArn": "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/team",
            "UiConfig": {"UiTemplateS3Uri": "s3://b/ui.html"},
            "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox",
            "TaskTitle": "boxes", "TaskDescription": "draw boxes", "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox"}})


def test_labeling_jobs(sm, uid):
    arn = _labeling(sm, f"lab-a-{uid}")["LabelingJobArn"]
    assert arn == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:labeling-job/lab-a-{uid}"
    time.sleep(0.002)
    _labeling(sm, f"lab-b-{uid}")
    d = sm.describe_labeling_job(LabelingJobName=f"lab-a-{uid}")
    assert d["LabelingJobStatus"] == "InProgress"
    assert d["LabelCounters"] == {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0,
                                  "FailedNonRetryableError": 0, "Unlabeled": 0}
    assert d["HumanTaskConfig"]["WorkteamArn"].endswith("workteam/private-crowd/team")
    assert d["LabelAttributeName"] == "label" and d["RoleArn"] == ROLE and "FailureReason" not in d

    moto_ext.set_labeling_job(f"lab-a-{uid}", counters={"HumanLabeled": 70, "MachineLabeled": 20, "Unlabeled": 10})
    moto_ext.set_labeling_job(f"lab-b-{uid}", "Failed", failure_reason="ClientError: manifest not found")
    d = sm.describe_labeling_job(LabelingJobName=f"lab-a-{uid}")
    assert d["LabelCounters"] == {"TotalLabeled": 90, "HumanLabeled": 70, "MachineLabeled": 20,
                                  "FailedNonRetryableError": 0, "Unlabeled": 10}
    d = sm.describe_labeling_job(LabelingJobName=f"lab-b-{uid}")
    assert d["LabelingJobStatus"] == "Failed" and d["FailureReason"] == "ClientError: manifest not found"
    assert d["LastModifiedTime"] >= d["CreationTime"]

    moto_ext.set_labeling_job(f"lab-a-{uid}", "Completed")
    d = sm.describe_labeling_job(LabelingJobName=f"lab-a-{uid}")
    assert d["LabelingJobOutput"] == {"OutputDatasetS3Uri": f"s3://b/out/lab-a-{uid}/manifests/output/output.manifest"}

    r = sm.list_labeling_jobs(NameContains=uid, MaxResults=1)
    assert [s["LabelingJobName"] for s in r["LabelingJobSummaryList"]] == [f"lab-a-{uid}"]
    r2 = sm.list_labeling_jobs(NameContains=uid, MaxResults=1, NextToken=r["NextToken"])
    assert [s["LabelingJobName"] for s in r2["LabelingJobSummaryList"]] == [f"lab-b-{uid}"]
    assert "NextToken" not in r2
    s = sm.list_labeling_jobs(NameContains=uid, StatusEquals="Failed")["LabelingJobSummaryList"]
    assert len(s) == 1 and s[0]["LabelingJobName"] == f"lab-b-{uid}"
    assert s[0]["WorkteamArn"].endswith("workteam/private-crowd/team") and s[0]["FailureReason"].startswith("ClientError")
    assert s[0]["AnnotationConsolidationLambdaArn"].endswith("ACS-BoundingBox")

    with pytest.raises(ClientError) as e:
        sm.describe_labeling_job(LabelingJobName=f"nope-{uid}")
    assert _code(e) == "ResourceNotFound"


# -- 4. inference recommendations jobs -------------------------------------------------------
def test_inference_recommendations_jobs(sm, uid):
    for i, jt in enumerate(("Default", "Advanced")):
        sm.create_inference_recommendations_job(
            JobName=f"rec{i}-{uid}", JobType=jt, RoleArn=ROLE, JobDescription=f"job {i}",
            InputConfig={"ModelName": f"model{i}-{uid}", "JobDurationInSeconds": 600})
        time.sleep(0.002)
    d = sm.describe_inference_recommendations_job(JobName=f"rec0-{uid}")
    assert d["JobArn"] == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:inference-recommendations-job/rec0-{uid}"
    assert (d["Status"], d["JobType"], d["JobDescription"]) == ("IN_PROGRESS", "Default", "job 0")
    assert d["InputConfig"] == {"ModelName": f"model0-{uid}", "JobDurationInSeconds": 600}
    assert "CompletionTime" not in d

    rec = {"RecommendationId": "r1", "Metrics": {"CostPerHour": 1.5, "CostPerInference": 0.001,
                                                 "MaxInvocations": 1200, "ModelLatency": 35},
           "EndpointConfiguration": {"EndpointName": "e", "VariantName": "v", "InstanceType": "ml.g5.xlarge",
                                     "InitialInstanceCount": 1},
           "ModelConfiguration": {"Compiled": False}}
    moto_ext.set_recommendation_job_status(f"rec0-{uid}", "COMPLETED", recommendations=[rec])
    moto_ext.set_recommendation_job_status(f"rec1-{uid}", "FAILED", failure_reason="Model failed to load")
    d = sm.describe_inference_recommendations_job(JobName=f"rec0-{uid}")
    assert d["Status"] == "COMPLETED" and d["CompletionTime"] >= d["CreationTime"]
    assert d["InferenceRecommendations"][0]["Metrics"]["MaxInvocations"] == 1200
    assert d["InferenceRecommendations"][0]["EndpointConfiguration"]["InstanceType"] == "ml.g5.xlarge"

    jobs = sm.list_inference_recommendations_jobs(NameContains=uid)["InferenceRecommendationsJobs"]
    assert [(j["JobName"], j["Status"]) for j in jobs] == [(f"rec0-{uid}", "COMPLETED"), (f"rec1-{uid}", "FAILED")]
    assert jobs[1]["FailureReason"] == "Model failed to load" and jobs[1]["ModelName"] == f"model1-{uid}"
    assert [j["JobName"] for j in sm.list_inference_recommendations_jobs(
        NameContains=uid, StatusEquals="FAILED")["InferenceRecommendationsJobs"]] == [f"rec1-{uid}"]
    assert [j["JobName"] for j in sm.list_inference_recommendations_jobs(
        ModelNameEquals=f"model0-{uid}")["InferenceRecommendationsJobs"]] == [f"rec0-{uid}"]
    page = sm.list_inference_recommendations_jobs(NameContains=uid, MaxResults=1, SortOrder="Descending")
    assert [j["JobName"] for j in page["InferenceRecommendationsJobs"]] == [f"rec1-{uid}"] and page["NextToken"]
    with pytest.raises(ClientError) as e:
        sm.describe_inference_recommendations_job(JobName=f"nope-{uid}")
    assert _code(e) == "ResourceNotFound"


def test_canary_operations_moto_lacks():
    c = _sm_classes()
    for op in moto_ext.ADDED_OPERATIONS:
        assert moto_ext.was_missing(c["SageMakerResponse"], op), f"moto now implements {op}"
        assert moto_ext.was_missing(c["SageMakerModelBackend"], op), f"moto's backend now has {op}"


# -- 5. pipeline executions and steps --------------------------------------------------------
def _pipeline_execution(sm, uid):
    sm.create_pipeline(PipelineName=f"pl-{uid}", RoleArn=ROLE,
                       PipelineDefinition='{"Version": "2020-12-01", "Steps": []}')
    return sm.start_pipeline_execution(PipelineName=f"pl-{uid}")["PipelineExecutionArn"]


def test_pipeline_execution_steps_and_status(sm, uid):
    arn = _pipeline_execution(sm, uid)
    t0 = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(days=3)
    assert sm.list_pipeline_execution_steps(PipelineExecutionArn=arn)["PipelineExecutionSteps"] == []
    moto_ext.set_execution_steps(arn, [
        {"StepName": "Preprocess", "StepDisplayName": "Prep", "StepStatus": "Succeeded", "StartTime": t0,
         "EndTime": t0 + timedelta(minutes=5),
         "Metadata": {"ProcessingJob": {"Arn": "arn:aws:sagemaker:us-east-1:123456789012:processing-job/p"}}},
        {"StepName": "Train", "StepStatus": "Failed", "StartTime": t0 + timedelta(minutes=5),
         "EndTime": t0 + timedelta(minutes=30), "FailureReason": "AlgorithmError: loss is NaN",
         "Metadata": {"TrainingJob": {"Arn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/t"}}},
        {"StepName": "Evaluate", "StepStatus": "Starting", "StartTime": (t0 + timedelta(minutes=31)).timestamp()},
    ])
    steps = sm.list_pipeline_execution_steps(PipelineExecutionArn=arn)["PipelineExecutionSteps"]
    assert [s["StepName"] for s in steps] == ["Evaluate", "Train", "Preprocess"]  # newest first
    train = steps[1]
    assert train["StepStatus"] == "Failed" and train["FailureReason"] == "AlgorithmError: loss is NaN"
    assert train["StartTime"] == t0 + timedelta(minutes=5) and train["EndTime"] == t0 + timedelta(minutes=30)
    assert train["Metadata"]["TrainingJob"]["Arn"].endswith("training-job/t")
    assert steps[2]["StepDisplayName"] == "Prep" and "EndTime" not in steps[0]
    asc = sm.list_pipeline_execution_steps(PipelineExecutionArn=arn, SortOrder="Ascending", MaxResults=2)
    assert [s["StepName"] for s in asc["PipelineExecutionSteps"]] == ["Preprocess", "Train"]
    rest = sm.list_pipeline_execution_steps(PipelineExecutionArn=arn, SortOrder="Ascending", MaxResults=2,
                                            NextToken=asc["NextToken"])
    assert [s["StepName"] for s in rest["PipelineExecutionSteps"]] == ["Evaluate"]

    moto_ext.set_pipeline_execution_status(arn, "Executing")
    d = sm.describe_pipeline_execution(PipelineExecutionArn=arn)
    assert d["PipelineExecutionStatus"] == "Executing" and "FailureReason" not in d
    summary = sm.list_pipeline_executions(PipelineName=f"pl-{uid}")["PipelineExecutionSummaries"][0]
    assert summary["PipelineExecutionStatus"] == "Executing" and "PipelineExecutionFailureReason" not in summary
    moto_ext.set_pipeline_execution_status(arn, "Failed", failure_reason="Step Train failed")
    d = sm.describe_pipeline_execution(PipelineExecutionArn=arn)
    assert d["PipelineExecutionStatus"] == "Failed" and d["FailureReason"] == "Step Train failed"
    summary = sm.list_pipeline_executions(PipelineName=f"pl-{uid}")["PipelineExecutionSummaries"][0]
    assert summary["PipelineExecutionFailureReason"] == "Step Train failed"

    with pytest.raises(ClientError) as e:
        sm.list_pipeline_execution_steps(PipelineExecutionArn=arn.replace("/execution/", "/execution/zz"))
    assert _code(e) == "ValidationException"
    with pytest.raises(ValueError):
        moto_ext.set_execution_steps(arn, [{"StepName": "x", "StepStatus": "Running"}])


def test_canary_pipeline_execution_gaps(sm, uid):
    c = _sm_classes()
    arn = _pipeline_execution(sm, uid)
    backend = backend_for()
    orig_desc = moto_ext.original(c["SageMakerModelBackend"], "describe_pipeline_execution")
    assert orig_desc(backend, arn)["FailureReason"] == ""  # moto never reports a reason
    orig_list = moto_ext.original(c["SageMakerModelBackend"], "list_pipeline_executions")
    assert orig_list(backend, f"pl-{uid}")["PipelineExecutionSummaries"][0]["PipelineExecutionFailureReason"] == "None"
    execution = next(iter(backend.pipelines[f"pl-{uid}"].pipeline_executions.values()))
    assert {"pipeline_execution_status", "pipeline_execution_failure_reason", "last_modified_time"} <= set(vars(execution))


# -- 6. feature groups -----------------------------------------------------------------------
FEATURES = [{"FeatureName": "id", "FeatureType": "String"}, {"FeatureName": "ts", "FeatureType": "String"}]


def test_feature_groups(sm, uid):
    sm.create_feature_group(FeatureGroupName=f"fg-b-{uid}", RecordIdentifierFeatureName="id",
                            EventTimeFeatureName="ts", FeatureDefinitions=FEATURES,
                            OnlineStoreConfig={"EnableOnlineStore": True}, Description="online only")
    time.sleep(0.002)
    sm.create_feature_group(FeatureGroupName=f"fg-a-{uid}", RecordIdentifierFeatureName="id",
                            EventTimeFeatureName="ts", FeatureDefinitions=FEATURES, RoleArn=ROLE,
                            OfflineStoreConfig={"S3StorageConfig": {"S3Uri": "s3://b/fs"}})
    d = sm.describe_feature_group(FeatureGroupName=f"fg-b-{uid}")
    assert d["FeatureGroupStatus"] == "Created" and d["OnlineStoreConfig"] == {"EnableOnlineStore": True}
    assert d["Description"] == "online only" and "OfflineStoreConfig" not in d and "OfflineStoreStatus" not in d
    d = sm.describe_feature_group(FeatureGroupName=f"fg-a-{uid}")
    assert d["OfflineStoreStatus"] == {"Status": "Active"}
    assert d["OfflineStoreConfig"]["S3StorageConfig"]["S3Uri"] == "s3://b/fs"

    groups = sm.list_feature_groups(NameContains=uid)["FeatureGroupSummaries"]
    assert [g["FeatureGroupName"] for g in groups] == [f"fg-b-{uid}", f"fg-a-{uid}"]  # creation order
    assert groups[0]["FeatureGroupArn"] == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:feature-group/fg-b-{uid}"
    assert groups[0]["FeatureGroupStatus"] == "Created" and "OfflineStoreStatus" not in groups[0]
    assert groups[1]["OfflineStoreStatus"] == {"Status": "Active"}
    by_name = sm.list_feature_groups(NameContains=uid, SortBy="Name", SortOrder="Ascending", MaxResults=1)
    assert [g["FeatureGroupName"] for g in by_name["FeatureGroupSummaries"]] == [f"fg-a-{uid}"]
    moto_ext.set_feature_group_status(f"fg-b-{uid}", "Creating")
    assert [g["FeatureGroupName"] for g in sm.list_feature_groups(
        NameContains=uid, FeatureGroupStatusEquals="Creating")["FeatureGroupSummaries"]] == [f"fg-b-{uid}"]
    with pytest.raises(ClientError) as e:
        sm.describe_feature_group(FeatureGroupName=f"nope-{uid}")
    assert _code(e) == "ResourceNotFound"


def test_canary_feature_group_gaps():
    c = _sm_classes()
    fg_init = moto_ext.original(c["FeatureGroup"], "__init__")
    with pytest.raises(TypeError):  # moto needs an OfflineStoreConfig
        fg_init(object.__new__(c["FeatureGroup"]), region_name=REGION, account_id=ACCOUNT, feature_group_name="f",
                record_identifier_feature_name="id", event_time_feature_name="ts", feature_definitions=FEATURES,
                offline_store_config=None, role_arn=None)
    backend = c["SageMakerModelBackend"]("us-east-1", "000000000002")
    with pytest.raises(KeyError):  # an unknown name is a server error in moto
        moto_ext.original(c["SageMakerModelBackend"], "describe_feature_group")(backend, "nope")
    src = inspect.getsource(moto_ext.original(c["FeatureGroup"], "describe"))
    assert "OnlineStoreConfig" not in src and '"FeatureGroupStatus": "Created"' in src
    assert "OnlineStoreConfig" not in inspect.getsource(moto_ext.original(c["SageMakerResponse"], "create_feature_group"))
    assert _params(fg_init) == ["self", "region_name", "account_id", "feature_group_name",
                                "record_identifier_feature_name", "event_time_feature_name", "feature_definitions",
                                "offline_store_config", "role_arn", "tags"]


# -- 7. job statuses -------------------------------------------------------------------------
def _training(sm, name, instance_type="ml.g5.2xlarge", metric_definitions=None):
    spec = {"TrainingImage": "img", "TrainingInputMode": "File"}
    if metric_definitions:
        spec["MetricDefinitions"] = metric_definitions
    sm.create_training_job(TrainingJobName=name, AlgorithmSpecification=spec, RoleArn=ROLE,
                           OutputDataConfig={"S3OutputPath": "s3://b/o"},
                           ResourceConfig={"InstanceType": instance_type, "InstanceCount": 2, "VolumeSizeInGB": 10},
                           StoppingCondition={"MaxRuntimeInSeconds": 3600})


def test_training_job_status_transitions_and_metric_definitions(sm, uid):
    defs = [{"Name": "train:loss", "Regex": "loss=([0-9.]+)"}, {"Name": "val:acc", "Regex": "acc=([0-9.]+)"}]
    _training(sm, f"tr-{uid}", metric_definitions=defs)
    d = sm.describe_training_job(TrainingJobName=f"tr-{uid}")
    assert d["AlgorithmSpecification"]["MetricDefinitions"] == defs
    assert d["TrainingJobStatus"] == "Completed"  # moto's default until the demo moves it

    start = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=3)
    moto_ext.set_job_status("training", f"tr-{uid}", "InProgress", secondary_status="Starting")
    moto_ext.set_job_status("training", f"tr-{uid}", "InProgress", secondary_status="Training",
                            status_message="Training image download completed. Training in progress.",
                            start_time=start)
    d = sm.describe_training_job(TrainingJobName=f"tr-{uid}")
    assert (d["TrainingJobStatus"], d["SecondaryStatus"]) == ("InProgress", "Training")
    assert d["TrainingStartTime"] == start and "TrainingEndTime" not in d and "FailureReason" not in d
    tr = d["SecondaryStatusTransitions"]
    assert [t["Status"] for t in tr] == ["Starting", "Training"]
    assert "EndTime" in tr[0] and "EndTime" not in tr[1]
    assert tr[1]["StatusMessage"] == "Training image download completed. Training in progress."

    summaries = sm.list_training_jobs(NameContains=uid, StatusEquals="InProgress")["TrainingJobSummaries"]
    assert [(s["TrainingJobName"], s["SecondaryStatus"]) for s in summaries] == [(f"tr-{uid}", "Training")]
    assert "TrainingEndTime" not in summaries[0]
    assert sm.list_training_jobs(NameContains=uid, StatusEquals="Completed")["TrainingJobSummaries"] == []

    end = start + timedelta(hours=1)
    moto_ext.set_job_status("training", f"tr-{uid}", "Failed", failure_reason="AlgorithmError: CUDA OOM",
                            end_time=end)
    d = sm.describe_training_job(TrainingJobName=f"tr-{uid}")
    assert (d["TrainingJobStatus"], d["SecondaryStatus"]) == ("Failed", "Failed")
    assert d["FailureReason"] == "AlgorithmError: CUDA OOM" and d["TrainingEndTime"] == end
    assert [t["Status"] for t in d["SecondaryStatusTransitions"]] == ["Starting", "Training", "Failed"]
    assert all("EndTime" in t for t in d["SecondaryStatusTransitions"])
    s = sm.list_training_jobs(NameContains=uid, StatusEquals="Failed")["TrainingJobSummaries"][0]
    assert s["SecondaryStatus"] == "Failed" and s["TrainingEndTime"] == end


def test_processing_and_transform_job_status(sm, uid):
    sm.create_model(ModelName=f"m-{uid}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    sm.create_processing_job(ProcessingJobName=f"pj-{uid}", AppSpecification={"ImageUri": "img"}, RoleArn=ROLE,
                             ProcessingResources={"ClusterConfig": {"InstanceType": "ml.m5.xlarge",
                                                                    "InstanceCount": 1, "VolumeSizeInGB": 5}})
    sm.create_transform_job(TransformJobName=f"tj-{uid}", ModelName=f"m-{uid}",
                            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                            "S3Uri": "s3://b/in"}}},
                            TransformOutput={"S3OutputPath": "s3://b/out"},
                            TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1})
    moto_ext.set_job_status("processing", f"pj-{uid}", "InProgress")
    moto_ext.set_job_status("transform", f"tj-{uid}", "InProgress")
    d = sm.describe_processing_job(ProcessingJobName=f"pj-{uid}")
    assert d["ProcessingJobStatus"] == "InProgress" and "ProcessingEndTime" not in d
    d = sm.describe_transform_job(TransformJobName=f"tj-{uid}")
    assert d["TransformJobStatus"] == "InProgress" and "TransformEndTime" not in d
    assert [s["ProcessingJobName"] for s in sm.list_processing_jobs(
        StatusEquals="InProgress", NameContains=uid)["ProcessingJobSummaries"]] == [f"pj-{uid}"]

    moto_ext.set_job_status("processing", f"pj-{uid}", "Failed", failure_reason="ClientError: no input")
    moto_ext.set_job_status("transform", f"tj-{uid}", "Stopped")
    d = sm.describe_processing_job(ProcessingJobName=f"pj-{uid}")
    assert d["ProcessingJobStatus"] == "Failed" and d["FailureReason"] == "ClientError: no input"
    assert "ProcessingEndTime" in d
    s = sm.list_processing_jobs(StatusEquals="Failed", NameContains=uid)["ProcessingJobSummaries"]
    assert s[0]["FailureReason"] == "ClientError: no input"
    assert sm.describe_transform_job(TransformJobName=f"tj-{uid}")["TransformJobStatus"] == "Stopped"
    assert [s["TransformJobName"] for s in sm.list_transform_jobs(
        StatusEquals="Stopped", NameContains=uid)["TransformJobSummaries"]] == [f"tj-{uid}"]
    with pytest.raises(KeyError):
        moto_ext.set_job_status("training", f"nope-{uid}", "InProgress")
    with pytest.raises(ValueError):
        moto_ext.set_job_status("training", f"tr-{uid}", "Running")


def test_processing_job_keeps_its_cluster_config(sm, uid):
    cluster = {"InstanceType": "ml.m5.4xlarge", "InstanceCount": 3, "VolumeSizeInGB": 30}
    sm.create_processing_job(ProcessingJobName=f"pr-{uid}", AppSpecification={"ImageUri": "img"}, RoleArn=ROLE,
                             ProcessingResources={"ClusterConfig": cluster})
    d = sm.describe_processing_job(ProcessingJobName=f"pr-{uid}")
    assert d["ProcessingResources"] == {"ClusterConfig": cluster}
    moto_ext.set_job_status("processing", f"pr-{uid}", "InProgress")  # state changes keep it
    d = sm.describe_processing_job(ProcessingJobName=f"pr-{uid}")
    assert d["ProcessingResources"] == {"ClusterConfig": cluster} and d["ProcessingJobStatus"] == "InProgress"


def test_canary_processing_resources_gap():
    c = _sm_classes()
    # moto's response and backend drop ProcessingResources ...
    assert "ProcessingResources" not in inspect.getsource(
        moto_ext.original(c["SageMakerResponse"], "create_processing_job"))
    params = _params(c["SageMakerModelBackend"].create_processing_job)
    assert params == ["self", "app_specification", "experiment_config", "network_config", "processing_inputs",
                      "processing_job_name", "processing_output_config", "role_arn", "tags", "stopping_condition"]
    backend = c["SageMakerModelBackend"]("us-east-1", "000000000004")
    backend.create_processing_job(app_specification={"ImageUri": "img"}, experiment_config=None,
                                  network_config=None, processing_inputs=None, processing_job_name="p",
                                  processing_output_config=None, role_arn=ROLE, tags=None, stopping_condition=None)
    assert "ProcessingResources" not in backend.describe_processing_job("p")
    # ... and Describe is built from the job's attributes, which the addition relies on
    backend.processing_jobs["p"].processing_resources = {"ClusterConfig": {"InstanceCount": 2}}
    assert backend.describe_processing_job("p")["ProcessingResources"] == {"ClusterConfig": {"InstanceCount": 2}}


def test_canary_job_gaps():
    c = _sm_classes()
    job = object.__new__(c["FakeTrainingJob"])
    spec = {"TrainingImage": "i", "MetricDefinitions": [{"Name": "mine", "Regex": "x"}]}
    moto_ext.original(c["FakeTrainingJob"], "__init__")(
        job, "123456789012", "us-east-1", "t", {}, spec, ROLE, [], {"S3OutputPath": "s3://b"}, {}, None, {}, [],
        False, False, False, None, None, None, None, None)
    # moto replaces the given MetricDefinitions and starts every job Completed
    assert job.algorithm_specification["MetricDefinitions"][0]["Name"] == "test:dcg"
    assert (job.training_job_status, job.secondary_status) == ("Completed", "Completed")
    assert {"training_start_time", "training_end_time", "secondary_status_transitions",
            "last_modified_time"} <= set(vars(job))
    assert _params(moto_ext.original(c["FakeTrainingJob"], "__init__"))[:6] == [
        "self", "account_id", "region_name", "training_job_name", "hyper_parameters", "algorithm_specification"]
    backend = c["SageMakerModelBackend"]("us-east-1", "000000000003")
    for method in ("list_training_jobs", "list_processing_jobs", "list_transform_jobs"):
        orig = moto_ext.original(c["SageMakerModelBackend"], method)
        assert _params(orig) == ["self", "next_token", "max_results", "creation_time_after",
                                 "creation_time_before", "last_modified_time_after", "last_modified_time_before",
                                 "name_contains", "status_equals"]
    backend.training_jobs["t"] = job
    out = moto_ext.original(c["SageMakerModelBackend"], "list_training_jobs")(
        backend, next_token=None, max_results=None, creation_time_after=None, creation_time_before=None,
        last_modified_time_after=None, last_modified_time_before=None, name_contains=None, status_equals=None)
    assert "SecondaryStatus" not in out["TrainingJobSummaries"][0]
    src = inspect.getsource(c["FakeProcessingJob"].__init__) + inspect.getsource(c["FakeTransformJob"].__init__)
    assert 'processing_job_status = "Completed"' in src and 'transform_job_status = "Completed"' in src
    assert "self.processing_end_time" in src and "self.transform_end_time" in src and "self.failure_reason" in src
    for method in ("list_processing_jobs", "list_transform_jobs"):  # summaries without FailureReason
        assert "FailureReason" not in inspect.getsource(moto_ext.original(c["SageMakerModelBackend"], method))
    from moto.sagemaker.models import FakeEndpoint

    src = inspect.getsource(FakeEndpoint.__init__)
    assert 'self.endpoint_status = "InService"' in src and "self.production_variants" in src


# -- 8. GetMetricData ------------------------------------------------------------------------
def _base(hours_ago: int = 2) -> int:
    now = int(time.time())
    return now - now % 3600 - hours_ago * 3600  # on an hour boundary


def _ts(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def _q(qid, ns, dims, stat, period=60, metric="Latency", **extra):
    return {"Id": qid, "MetricStat": {"Metric": {"Namespace": ns, "MetricName": metric,
                                                  "Dimensions": [{"Name": k, "Value": v} for k, v in dims]},
                                       "Period": period, "Stat": stat, **extra}}


def _gmd(cw, queries, start, end, **kw):
    r = cw.get_metric_data(MetricDataQueries=queries, StartTime=_ts(start), EndTime=_ts(end), **kw)
    return {x["Id"]: x for x in r["MetricDataResults"]}, r


DIMS = (("EndpointName", "my-endpoint"), ("VariantName", "AllTraffic"))


def test_percentiles_and_trimmed_stats_from_raw_values(cw, uid):
    ns, base = f"T/{uid}", _base()
    values = [float(v) for v in range(1, 101)]
    for chunk in range(0, 100, 20):
        cw.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": "Latency", "Dimensions": [{"Name": k, "Value": v} for k, v in DIMS],
             "Timestamp": _ts(base + 10), "Values": values[chunk:chunk + 20]}])
    stats = {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p99.9": 100.0, "p100": 100.0, "p0": 1.0,
             "tm90": 45.5, "tc90": 90.0, "ts90": 4095.0, "IQM": 50.5, "TM(10%:90%)": 50.5,
             "wm90": (sum(range(1, 91)) + 10 * 90) / 100, "Average": 50.5, "SampleCount": 100.0}
    queries = [_q(f"q{i}", ns, DIMS, stat) for i, stat in enumerate(stats)]
    res, _ = _gmd(cw, queries, base, base + 120)
    for i, (stat, expected) in enumerate(stats.items()):
        assert res[f"q{i}"]["Values"] == [pytest.approx(expected)], stat
        assert res[f"q{i}"]["Timestamps"] == [_ts(base)]
        assert res[f"q{i}"]["StatusCode"] == "Complete"


def test_percentiles_approximated_from_statistic_sets(cw, uid):
    ns, base = f"T/{uid}", _base()
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Latency", "Dimensions": [{"Name": k, "Value": v} for k, v in DIMS],
         "Timestamp": _ts(base + 5), "StatisticValues": {"SampleCount": 5, "Sum": 30, "Minimum": 1, "Maximum": 10}}])
    res, _ = _gmd(cw, [_q("a", ns, DIMS, "p50"), _q("b", ns, DIMS, "p99"), _q("c", ns, DIMS, "p10"),
                       _q("d", ns, DIMS, "Average")], base, base + 60)
    # samples: 1 (x1), 10 (x1) and the other three at (30 - 1 - 10) / 3
    assert res["a"]["Values"] == [pytest.approx(19 / 3)]
    assert res["b"]["Values"] == [10.0] and res["c"]["Values"] == [1.0] and res["d"]["Values"] == [6.0]


def test_exact_basic_stats_period_buckets_and_mixed_data(cw, uid):
    ns, base = f"T/{uid}", _base()
    dims = [{"Name": k, "Value": v} for k, v in DIMS]
    # minute 0: 1, 2, 3 and a statistic set (n=2, sum=10, min=4, max=6); minute 1: 7; minute 7: 20
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Latency", "Dimensions": dims, "Timestamp": _ts(base + s), "Value": v}
        for s, v in ((0, 1.0), (20, 2.0), (59, 3.0), (61, 7.0), (420, 20.0))] + [
        {"MetricName": "Latency", "Dimensions": dims, "Timestamp": _ts(base + 30),
         "StatisticValues": {"SampleCount": 2, "Sum": 10, "Minimum": 4, "Maximum": 6}}])
    stats = ("Sum", "Average", "Minimum", "Maximum", "SampleCount")
    res, _ = _gmd(cw, [_q(s.lower(), ns, DIMS, s) for s in stats], base, base + 600,
                  ScanBy="TimestampAscending")
    assert res["sum"]["Timestamps"] == [_ts(base), _ts(base + 60), _ts(base + 420)]
    assert res["sum"]["Values"] == [16.0, 7.0, 20.0]
    assert res["average"]["Values"] == [16.0 / 5, 7.0, 20.0]
    assert res["minimum"]["Values"] == [1.0, 7.0, 20.0]
    assert res["maximum"]["Values"] == [6.0, 7.0, 20.0]
    assert res["samplecount"]["Values"] == [5.0, 1.0, 1.0]
    # 5-minute buckets; a start time of base+30 s is rounded down to the minute like CloudWatch
    res, _ = _gmd(cw, [_q("s5", ns, DIMS, "Sum", period=300)], base + 30, base + 600, ScanBy="TimestampAscending")
    assert res["s5"]["Timestamps"] == [_ts(base), _ts(base + 300)] and res["s5"]["Values"] == [23.0, 20.0]
    # default order is TimestampDescending
    res, _ = _gmd(cw, [_q("d", ns, DIMS, "Sum")], base, base + 600)
    assert res["d"]["Timestamps"] == [_ts(base + 420), _ts(base + 60), _ts(base)]
    assert res["d"]["Values"] == [20.0, 7.0, 16.0]
    # EndTime is exclusive
    res, _ = _gmd(cw, [_q("e", ns, DIMS, "Sum")], base, base + 420, ScanBy="TimestampAscending")
    assert res["e"]["Values"] == [16.0, 7.0]


def test_dimension_order_and_namespace_are_respected(cw, uid):
    ns, base = f"T/{uid}", _base()
    dims = [{"Name": k, "Value": v} for k, v in DIMS]
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": _ts(base + 1), "Value": 5.0}])
    cw.put_metric_data(Namespace=f"{ns}/other", MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": _ts(base + 1), "Value": 100.0}])
    res, _ = _gmd(cw, [_q("a", ns, DIMS, "Sum", metric="Invocations"),
                       _q("b", ns, DIMS[::-1], "Sum", metric="Invocations"),
                       _q("c", ns, DIMS[:1], "Sum", metric="Invocations")], base, base + 60)
    assert res["a"]["Values"] == [5.0] and res["b"]["Values"] == [5.0]
    assert res["c"]["Values"] == []  # a dimension subset is another metric


def test_unit_filter_and_labels(cw, uid):
    ns, base = f"T/{uid}", _base()
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Latency", "Timestamp": _ts(base + 1), "Value": 5.0, "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Timestamp": _ts(base + 2), "Value": 7.0, "Unit": "Seconds"}])
    res, _ = _gmd(cw, [_q("a", ns, (), "Sum", Unit="Milliseconds"), _q("b", ns, (), "Sum"),
                       dict(_q("c", ns, (), "Maximum"), Label="max latency"),
                       dict(_q("h", ns, (), "Sum"), ReturnData=False)], base, base + 60)
    assert res["a"]["Values"] == [5.0] and res["b"]["Values"] == [12.0]
    assert res["c"]["Label"] == "max latency" and res["a"]["Label"] == "Latency Sum"
    assert "h" not in res


def test_limits_ids_stats_and_periods_are_validated(cw, uid):
    ns, base = f"T/{uid}", _base()
    with pytest.raises(ClientError) as e:
        _gmd(cw, [_q(f"q{i}", ns, (), "Sum") for i in range(501)], base, base + 60)
    assert _code(e) == "ValidationError" and "500" in str(e.value)
    res, _ = _gmd(cw, [_q(f"q{i}", ns, (), "Sum") for i in range(500)], base, base + 60)
    assert len(res) == 500
    with pytest.raises(ClientError) as e:
        _gmd(cw, [_q("q", ns, (), "Sum"), _q("q", ns, (), "Average")], base, base + 60)
    assert _code(e) == "ValidationError" and "not unique" in str(e.value)
    with pytest.raises(ClientError) as e:
        _gmd(cw, [_q("q", ns, (), "p101")], base, base + 60)
    assert _code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        _gmd(cw, [_q("q", ns, (), "Sum", period=90)], base, base + 60)
    assert _code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        _gmd(cw, [_q("q", ns, (), "Sum")], base + 60, base)
    assert _code(e) == "ValidationError"


def test_next_token_paging_with_max_datapoints(cw, uid):
    ns, base = f"T/{uid}", _base()
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": m, "Timestamp": _ts(base + 60 * i), "Value": float(i)} for m in ("A", "B") for i in range(4)])
    queries = [_q("a", ns, (), "Sum", metric="A"), _q("b", ns, (), "Sum", metric="B")]
    kw = dict(ScanBy="TimestampAscending", MaxDatapoints=5)
    r1 = cw.get_metric_data(MetricDataQueries=queries, StartTime=_ts(base), EndTime=_ts(base + 600), **kw)
    got = [(x["Id"], x["Values"], x["StatusCode"]) for x in r1["MetricDataResults"]]
    assert got == [("a", [0.0, 1.0, 2.0, 3.0], "Complete"), ("b", [0.0], "PartialData")]
    r2 = cw.get_metric_data(MetricDataQueries=queries, StartTime=_ts(base), EndTime=_ts(base + 600),
                            NextToken=r1["NextToken"], **kw)
    got = [(x["Id"], x["Values"], x["StatusCode"]) for x in r2["MetricDataResults"]]
    assert got == [("b", [1.0, 2.0, 3.0], "Complete")] and "NextToken" not in r2
    assert r2["MetricDataResults"][0]["Timestamps"] == [_ts(base + 60), _ts(base + 120), _ts(base + 180)]
    with pytest.raises(ClientError) as e:
        cw.get_metric_data(MetricDataQueries=queries, StartTime=_ts(base), EndTime=_ts(base + 600),
                           NextToken="not-a-token", **kw)
    assert _code(e) == "InvalidNextToken"


def test_index_follows_new_and_out_of_order_points(cw, uid):
    ns, base = f"T/{uid}", _base()
    q = [_q("s", ns, (), "Sum")]
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "Latency", "Timestamp": _ts(base + 120), "Value": 1.0}])
    assert _gmd(cw, q, base, base + 600, ScanBy="TimestampAscending")[0]["s"]["Values"] == [1.0]
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "Latency", "Timestamp": _ts(base), "Value": 2.0},
                                                 {"MetricName": "Latency", "Timestamp": _ts(base + 121), "Value": 3.0}])
    res = _gmd(cw, q, base, base + 600, ScanBy="TimestampAscending")[0]["s"]
    assert res["Values"] == [2.0, 4.0] and res["Timestamps"] == [_ts(base), _ts(base + 120)]
    from moto.cloudwatch.models import cloudwatch_backends

    backend = cloudwatch_backends[ACCOUNT][REGION]
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "Latency", "Timestamp": _ts(base), "Value": 1.0}])
    idx = cw_index.metric_index(backend)
    with idx.lock:  # PutMetricData indexed its points already
        assert idx.source is backend.metric_data and idx.count == len(backend.metric_data)


def test_indexed_get_metric_data_is_fast_with_many_points(cw, uid):
    """100 series x 180 one-minute points; 100 queries over 3 hours (moto alone: over a minute)."""
    from moto.cloudwatch.models import MetricDatum, cloudwatch_backends

    ns, base = f"T/{uid}", _base(3)
    backend = cloudwatch_backends[ACCOUNT][REGION]
    backend.metric_data.extend(
        MetricDatum(ns, "CPUUtilization", float(i % 7), [{"Name": "Host", "Value": f"h{s}"}],
                    _ts(base + 60 * i).replace(tzinfo=None))
        for s in range(100) for i in range(180))
    queries = [_q(f"q{s}", ns, (("Host", f"h{s}"),), "Average", metric="CPUUtilization") for s in range(100)]
    cw_gmd.compute_metric_data(backend, queries[:1], _ts(base), _ts(base + 60))  # indexes the new points
    t0 = time.perf_counter()
    records = cw_gmd.compute_metric_data(backend, queries, _ts(base), _ts(base + 3 * 3600), "TimestampAscending")
    elapsed = time.perf_counter() - t0
    assert len(records) == 100 and all(len(r["values"]) == 180 for r in records)
    assert elapsed < 1.5, f"100 queries x 180 points took {elapsed:.2f} s"
    res, _ = _gmd(cw, queries[5:7], base, base + 3 * 3600, ScanBy="TimestampAscending")
    assert res["q5"]["Values"][:8] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0] and len(res["q6"]["Values"]) == 180


def test_canary_get_metric_data_gaps():
    from moto.cloudwatch.models import CloudWatchBackend, MetricAggregatedDatum, MetricDatum

    backend = CloudWatchBackend("us-east-1", "000000000004")
    base = _base()
    backend.put_metric_data("N", [{"MetricName": "M", "Value": v, "Timestamp": _ts(base + 1).replace(tzinfo=None),
                                   "Dimensions": [{"Name": "EndpointName", "Value": "my-endpoint"},
                                                  {"Name": "VariantName", "Value": "AllTraffic"}]}
                                  for v in (1.0, 2.0)])
    orig = moto_ext.original(CloudWatchBackend, "get_metric_data")
    assert _params(orig) == ["self", "queries", "start_time", "end_time", "scan_by"]

    def run(dims, stat):
        q = [{"Id": "q", "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "M", "Dimensions": [
            {"Name": k, "Value": v} for k, v in dims]}, "Period": 60, "Stat": stat}}]
        return orig(backend, queries=q, start_time=_ts(base).replace(tzinfo=None),
                    end_time=_ts(base + 60).replace(tzinfo=None), scan_by="TimestampAscending")[0]["values"]

    assert run(DIMS, "Sum") == [3.0]
    assert run(DIMS[::-1], "Sum") == []  # moto: dimension order matters
    assert run(DIMS, "p90") == [None]  # moto: no percentiles (HTTP 500 when serialized)
    q501 = [{"Id": f"q{i}", "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "M"}, "Period": 60,
                                           "Stat": "Sum"}} for i in range(501)]
    assert len(orig(backend, queries=q501, start_time=_ts(base).replace(tzinfo=None),
                    end_time=_ts(base + 60).replace(tzinfo=None))) == 501  # moto: no 500-query limit
    # what the index reads from moto's data model
    assert isinstance(backend.metric_data, list)
    d = backend.metric_data[0]
    assert isinstance(d, MetricDatum) and {"namespace", "name", "dimensions", "timestamp", "unit", "value"} <= set(vars(d))
    assert (d.dimensions[0].name, d.dimensions[0].value) == ("EndpointName", "my-endpoint")
    assert {"min", "max", "sum", "sample_count"} <= set(inspect.signature(MetricAggregatedDatum).parameters) | {
        "min", "max", "sum"}
    agg = MetricAggregatedDatum("N", "M", 1.0, 2.0, 3.0, 4.0, [], None)
    assert (agg.min, agg.max, agg.sample_count, agg.sum) == (1.0, 2.0, 3.0, 4.0) and not hasattr(agg, "value")
    assert hasattr(backend, "aws_metric_data")
    from moto.cloudwatch.responses import CloudWatchResponse

    src = inspect.getsource(moto_ext.original(CloudWatchResponse, "get_metric_data"))
    assert "NextToken" not in src and "MaxDatapoints" not in src  # moto: no paging
    assert _params(moto_ext.original(CloudWatchBackend, "put_metric_data")) == ["self", "namespace", "metric_data"]
    for added in ("get_metric_data_page", "list_metric_series"):
        assert moto_ext.was_missing(CloudWatchBackend, added)


# -- 9. ListMetrics --------------------------------------------------------------------------
def test_list_metrics_dedupes_filters_and_recently_active(cw, uid):
    ns, now = f"T/{uid}", int(time.time())
    dims = [{"Name": k, "Value": v} for k, v in DIMS]
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": _ts(now - 60 * i), "Value": 1.0}
        for i in range(5)] + [
        {"MetricName": "Invocations", "Dimensions": dims[::-1], "Timestamp": _ts(now), "Value": 1.0},
        {"MetricName": "Invocations", "Dimensions": [{"Name": "EndpointName", "Value": "other"}],
         "Timestamp": _ts(now), "Value": 1.0},
        {"MetricName": "Old", "Dimensions": dims, "Timestamp": _ts(now - 4 * 3600), "Value": 1.0},
        {"MetricName": "Ancient", "Dimensions": dims, "Timestamp": _ts(now - 15 * 86400), "Value": 1.0}])

    def listed(**kw):
        return sorted((m["MetricName"], tuple((d["Name"], d["Value"]) for d in m["Dimensions"]))
                      for m in cw.list_metrics(Namespace=ns, **kw)["Metrics"])

    assert listed() == [("Invocations", DIMS), ("Invocations", (("EndpointName", "other"),)), ("Old", DIMS)]
    assert listed(RecentlyActive="PT3H") == [("Invocations", DIMS), ("Invocations", (("EndpointName", "other"),))]
    assert listed(Dimensions=[{"Name": "VariantName"}]) == [("Invocations", DIMS), ("Old", DIMS)]
    assert listed(Dimensions=[{"Name": "EndpointName", "Value": "other"}]) == [
        ("Invocations", (("EndpointName", "other"),))]
    assert listed(MetricName="Old") == [("Old", DIMS)]
    with pytest.raises(ClientError) as e:
        cw.list_metrics(Namespace=ns, RecentlyActive="PT1H")
    assert _code(e) == "InvalidParameterValue"


def test_list_metrics_pages_of_500(cw, uid):
    ns, now = f"T/{uid}", int(time.time())
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "M", "Dimensions": [{"Name": "Host", "Value": f"h{i}"}], "Timestamp": _ts(now), "Value": 1.0}
        for i in range(501)])
    r1 = cw.list_metrics(Namespace=ns)
    assert len(r1["Metrics"]) == 500 and r1["NextToken"]
    r2 = cw.list_metrics(Namespace=ns, NextToken=r1["NextToken"])
    assert len(r2["Metrics"]) == 1 and "NextToken" not in r2
    hosts = {m["Dimensions"][0]["Value"] for m in r1["Metrics"] + r2["Metrics"]}
    assert hosts == {f"h{i}" for i in range(501)}


def test_canary_list_metrics_gaps():
    from moto.cloudwatch.models import CloudWatchBackend
    from moto.cloudwatch.responses import CloudWatchResponse

    backend = CloudWatchBackend("us-east-1", "000000000005")
    dims = [{"Name": "A", "Value": "1"}, {"Name": "B", "Value": "2"}]
    backend.put_metric_data("N", [{"MetricName": "M", "Value": 1.0, "Dimensions": dims} for _ in range(3)])
    assert len(backend.get_filtered_metrics(None, "N", [])) == 3  # moto repeats multi-dimension series
    assert _params(moto_ext.original(CloudWatchBackend, "list_metrics")) == [
        "self", "next_token", "namespace", "metric_name", "dimensions"]  # no RecentlyActive
    assert "RecentlyActive" not in inspect.getsource(moto_ext.original(CloudWatchResponse, "list_metrics"))


# -- statistics helpers (pure) ---------------------------------------------------------------
def test_percentile_and_stat_parsing():
    assert cw_stats.weighted_percentile([(float(v), 1.0) for v in range(1, 11)], 50) == 5.0
    assert cw_stats.weighted_percentile([], 50) is None
    assert cw_stats.parse_stat("p99.99") is not None and cw_stats.parse_stat("P50") is not None
    for bad in ("p100.5", "Avg", "tm", "TM(90%:10%)", ""):
        assert cw_stats.parse_stat(bad) is None, bad
    assert cw_stats.bucket_origin(1000.5, 300, now=1000.5) == 960  # minute rounding within 15 days
    assert cw_stats.bucket_origin(1_000_000, 300, now=1_000_000 + 20 * 86400) == 1_000_000 - 1_000_000 % 300
    assert cw_stats.bucket_origin(1_000_000, 3600, now=1_000_000 + 70 * 86400) == 1_000_000 - 1_000_000 % 3600
    assert cw_stats.bucket_origin(1007, 5, now=1007) == 1005
