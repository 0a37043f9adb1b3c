"""Resource discovery against a real moto server, and with botocore's Stubber where moto has gaps.

moto's state is shared by every test of the run, so each test names its resources with
``unique`` and looks only at those. Stubber checks that requests and canned answers match
the real API model, so the shapes used here are the ones AWS sends.
"""

from __future__ import annotations

import json
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest
from botocore.stub import Stubber

from tui.aws import discovery as d
from tui.aws.guard import ReadOnlyViolation
from tui.aws.session import AwsClients, AwsSettings
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, Variant

ROLE = "arn:aws:iam::123456789012:role/sagemaker"
ACCOUNT = "123456789012"
#: A creation time for stubbed answers: some days before now, whatever the day and hour.
T0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=5)


def _arn(kind: str, name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:sagemaker:{region}:{ACCOUNT}:{kind}/{name}"


@pytest.fixture(scope="module")
def clients(moto_url):
    """The app's guarded clients, shared by this module's tests (building clients is the slow part)."""
    return AwsClients(AwsSettings(regions=("us-east-1",), endpoint_url=moto_url,
                                  credentials={"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}))


@pytest.fixture(scope="module")
def writer(moto_url):
    """Plain boto3 clients (no guard) that play the monitored account."""
    import boto3

    session = boto3.Session(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    made: dict[str, object] = {}

    def client(service: str):
        if service not in made:
            made[service] = session.client(service, endpoint_url=moto_url)
        return made[service]

    return client


def _mine(items, unique):
    return [x for x in items if unique in x.name]


# --------------------------------------------------------------------------- moto


def _seed_endpoints(sm, u: str) -> None:
    sm.create_model(ModelName=f"single-{u}", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": "img", "ModelDataUrl": "s3://b/model.tar.gz"})
    sm.create_model(ModelName=f"mme-{u}", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": "img", "ModelDataUrl": "s3://b/models/", "Mode": "MultiModel"})
    sm.create_endpoint_config(EndpointConfigName=f"two-{u}", ProductionVariants=[
        {"VariantName": "Blue", "ModelName": f"single-{u}", "InitialInstanceCount": 2,
         "InstanceType": "ml.m5.xlarge", "InitialVariantWeight": 0.75},
        {"VariantName": "Green", "ModelName": f"single-{u}", "InitialInstanceCount": 1,
         "InstanceType": "ml.p3.2xlarge", "InitialVariantWeight": 0.25}])
    sm.create_endpoint_config(EndpointConfigName=f"sls-{u}", ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": f"single-{u}",
         "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}])
    sm.create_endpoint_config(EndpointConfigName=f"mme-{u}", ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": f"mme-{u}", "InitialInstanceCount": 1,
         "InstanceType": "ml.m5.xlarge", "InitialVariantWeight": 1.0}])
    for name in ("two", "sls", "mme"):
        sm.create_endpoint(EndpointName=f"{name}-{u}", EndpointConfigName=f"{name}-{u}")


def test_endpoints_variants_serverless_and_multi_model(clients, writer, unique):
    _seed_endpoints(writer("sagemaker"), unique)
    usage = Usage()
    inv = d.discover(clients, kinds={"endpoint"}, usage=usage)

    assert inv.errors == []
    eps = {e.name: e for e in _mine(inv.endpoints, unique)}
    assert sorted(eps) == sorted(f"{n}-{unique}" for n in ("two", "sls", "mme"))

    two = eps[f"two-{unique}"]
    assert (two.status, two.region, two.config_name) == ("InService", "us-east-1", f"two-{unique}")
    assert two.variants == [
        Variant("Blue", "ml.m5.xlarge", current_instance_count=2, desired_instance_count=2,
                current_weight=0.75, desired_weight=0.75),
        Variant("Green", "ml.p3.2xlarge", current_instance_count=1, desired_instance_count=1,
                current_weight=0.25, desired_weight=0.25)]
    assert two.instance_count == 3
    assert (two.multi_model, two.serverless, two.component_based, two.enhanced_metrics) == (False, False, False, False)
    assert two.metric_publish_frequency is None
    assert two.creation_time is not None and two.creation_time.tzinfo is timezone.utc

    sls = eps[f"sls-{unique}"]
    assert sls.serverless and not sls.multi_model
    assert [(v.name, v.serverless_memory_mb, v.serverless_max_concurrency) for v in sls.variants] == [
        ("AllTraffic", 2048, 5)]

    mme = eps[f"mme-{unique}"]
    assert mme.multi_model and not mme.serverless

    # One DescribeEndpoint per endpoint; configs and models described once each.
    everyone = inv.endpoints
    assert usage.by_operation["DescribeEndpoint"] == len(everyone)
    assert usage.by_operation["DescribeEndpointConfig"] == len({e.config_name for e in everyone})
    assert usage.billable_requests == 0


def test_describe_cache_is_reused_across_refreshes(clients, writer, unique):
    sm = writer("sagemaker")
    _seed_endpoints(sm, unique)
    sm.create_training_job(
        TrainingJobName=f"done-{unique}", RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://b/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    sm.create_pipeline(PipelineName=f"settled-{unique}", RoleArn=ROLE,
                       PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}))
    sm.start_pipeline_execution(PipelineName=f"settled-{unique}")
    kinds = {"endpoints", "training-job", "pipelines"}
    cache = d.DescribeCache()
    first = d.discover(clients, kinds=kinds, cache=cache)
    again = Usage()
    inv = d.discover(clients, kinds=kinds, cache=cache, usage=again)
    assert inv.errors == []
    assert len(_mine(inv.endpoints, unique)) == 3
    # Configs, models, ended jobs, settled pipelines' executions and unchanged endpoints (same
    # EndpointStatus and LastModifiedTime in the listing) come from the cache.
    for op in ("DescribeEndpoint", "DescribeEndpointConfig", "DescribeModel", "DescribeTrainingJob",
               "ListPipelineExecutions"):
        assert op not in again.by_operation
    assert _mine(inv.endpoints, unique) == _mine(first.endpoints, unique)
    assert _mine(inv.jobs, unique) == _mine(first.jobs, unique)
    assert _mine(inv.jobs, unique)[0].hosts == [f"done-{unique}/algo-1", f"done-{unique}/algo-2"]
    assert [p.executions for p in _mine(inv.pipelines, unique)] == [p.executions for p in _mine(first.pipelines, unique)]


def test_training_job_hosts_and_transform_hosts_from_list_metrics(clients, writer, unique):
    sm, cw = writer("sagemaker"), writer("cloudwatch")
    sm.create_training_job(
        TrainingJobName=f"train-{unique}", RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File",
                                "MetricDefinitions": [{"Name": "loss", "Regex": "loss=(\\S+)"}]},
        OutputDataConfig={"S3OutputPath": "s3://b/out"},
        ResourceConfig={"InstanceType": "ml.p3.2xlarge", "InstanceCount": 4, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    sm.create_model(ModelName=f"tm-{unique}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    sm.create_transform_job(
        TransformJobName=f"batch-{unique}", ModelName=f"tm-{unique}",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
        TransformOutput={"S3OutputPath": "s3://b/out"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2})
    now = datetime.now(timezone.utc)
    for host in (f"batch-{unique}/i-0bbb", f"batch-{unique}/i-0aaa", f"batchx-{unique}/i-0ccc"):
        for metric in ("CPUUtilization", "MemoryUtilization"):
            cw.put_metric_data(Namespace="/aws/sagemaker/TransformJobs", MetricData=[
                {"MetricName": metric, "Dimensions": [{"Name": "Host", "Value": host}], "Value": 12.5,
                 "Timestamp": now}])

    usage = Usage()
    inv = d.discover(clients, kinds={"jobs"}, usage=usage)
    assert inv.errors == []
    (train,) = [j for j in inv.jobs_of(Kind.TRAINING_JOB) if j.name == f"train-{unique}"]
    assert train.hosts == [f"train-{unique}/algo-{i}" for i in (1, 2, 3, 4)]
    assert (train.instance_type, train.instance_count, train.region) == ("ml.p3.2xlarge", 4, "us-east-1")
    described = sm.describe_training_job(TrainingJobName=f"train-{unique}")
    assert train.status == described["TrainingJobStatus"]
    assert train.secondary_status == described["SecondaryStatus"]
    assert train.metric_definitions == [m["Name"] for m in described["AlgorithmSpecification"]["MetricDefinitions"]]
    assert train.final_metrics == {m["MetricName"]: m["Value"] for m in described["FinalMetricDataList"]}

    (batch,) = [j for j in inv.jobs_of(Kind.TRANSFORM_JOB) if j.name == f"batch-{unique}"]
    assert batch.hosts == [f"batch-{unique}/i-0aaa", f"batch-{unique}/i-0bbb"]
    assert (batch.instance_type, batch.instance_count) == ("ml.m5.xlarge", 2)
    assert d.transform_hosts(clients.cloudwatch(), f"batchx-{unique}") == [f"batchx-{unique}/i-0ccc"]
    assert d.transform_hosts(clients.cloudwatch(), f"none-{unique}") == []
    # One List call per job kind (one time-bounded listing); one ListMetrics page, billable.
    for op in ("ListTrainingJobs", "ListProcessingJobs", "ListTransformJobs"):
        assert usage.by_operation[op] == 1
    assert usage.by_operation["ListMetrics"] == usage.billable_requests == 1


def test_pipelines_with_most_recent_executions_newest_first(clients, writer, unique):
    sm = writer("sagemaker")
    sm.create_pipeline(PipelineName=f"pipe-{unique}", RoleArn=ROLE,
                       PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}))
    arns = []
    for i in range(3):
        arns.append(sm.start_pipeline_execution(PipelineName=f"pipe-{unique}",
                                                PipelineExecutionDisplayName=f"run-{i}")["PipelineExecutionArn"])
        time.sleep(0.002)
    inv = d.discover(clients, kinds={"pipeline"}, executions=2)
    assert inv.errors == []
    (pipe,) = _mine(inv.pipelines, unique)
    assert pipe.arn.endswith(f"pipeline/pipe-{unique}")
    assert [(e.display_name, e.arn) for e in pipe.executions] == [("run-2", arns[2]), ("run-1", arns[1])]
    assert pipe.latest.execution_id == arns[2].rsplit("/", 1)[-1]
    assert pipe.status == pipe.latest.status and pipe.latest.steps is None
    full = d.list_pipeline_executions(clients.sagemaker(), f"pipe-{unique}")
    assert [e.display_name for e in full] == ["run-2", "run-1", "run-0"]


def test_alarms_only_on_sagemaker_namespaces(clients, writer, unique):
    cw = writer("cloudwatch")
    dims = [{"Name": "EndpointName", "Value": f"ep-{unique}"}, {"Name": "VariantName", "Value": "AllTraffic"}]
    cw.put_metric_alarm(AlarmName=f"5xx-{unique}", Namespace="AWS/SageMaker", MetricName="Invocation5XXErrors",
                        Dimensions=dims, Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=5.0,
                        ComparisonOperator="GreaterThanThreshold")
    cw.set_alarm_state(AlarmName=f"5xx-{unique}", StateValue="ALARM", StateReason="5 errors <script>x</script>")
    cw.put_metric_alarm(AlarmName=f"gpu-{unique}", Namespace="/aws/sagemaker/TrainingJobs",
                        MetricName="GPUUtilization", Dimensions=[{"Name": "Host", "Value": f"j-{unique}/algo-1"}],
                        Statistic="Average", Period=300, EvaluationPeriods=2, Threshold=10.0,
                        ComparisonOperator="LessThanThreshold")
    cw.put_metric_alarm(AlarmName=f"ec2-{unique}", Namespace="AWS/EC2", MetricName="CPUUtilization",
                        Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=90.0,
                        ComparisonOperator="GreaterThanThreshold")
    usage = Usage()
    inv = d.discover(clients, kinds={"alarm"}, usage=usage)
    assert inv.errors == []
    alarms = {a.name: a for a in _mine(inv.alarms, unique)}
    assert sorted(alarms) == [f"5xx-{unique}", f"gpu-{unique}"]
    a = alarms[f"5xx-{unique}"]
    assert (a.state, a.namespace, a.metric, a.threshold, a.comparison, a.reason, a.region) == (
        "ALARM", "AWS/SageMaker", "Invocation5XXErrors", 5.0, "GreaterThanThreshold",
        "5 errors <script>x</script>", "us-east-1")
    assert a.dimensions == {"EndpointName": f"ep-{unique}", "VariantName": "AllTraffic"}
    assert a.updated is not None
    g = alarms[f"gpu-{unique}"]
    assert (g.state, g.metric, g.dimensions, g.comparison) == (
        "OK", "GPUUtilization", {"Host": f"j-{unique}/algo-1"}, "LessThanThreshold")
    assert usage.by_operation["DescribeAlarms"] == usage.billable_requests >= 1


def test_enhanced_endpoint_dimensions_from_list_metrics(clients, writer, unique):
    cw = writer("cloudwatch")
    now = datetime.now(timezone.utc)
    ep = f"gpu-{unique}"

    def put(ns, metric, dims):
        cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": metric, "Value": 1.0, "Timestamp": now,
                                                      "Dimensions": [{"Name": k, "Value": v} for k, v in dims]}])

    put("AWS/SageMaker", "Invocations", [("EndpointName", ep), ("VariantName", "A")])
    put("AWS/SageMaker", "Invocations", [("EndpointName", ep), ("VariantName", "A"), ("InstanceId", "i-2")])
    put("AWS/SageMaker", "Invocations", [("EndpointName", ep), ("VariantName", "B"), ("InstanceId", "i-1")])
    for inst, gpu in (("i-2", "0"), ("i-2", "1"), ("i-1", "0")):
        put("/aws/sagemaker/Endpoints", "GPUUtilizationNormalized",
            [("EndpointName", ep), ("VariantName", "A" if inst == "i-2" else "B"), ("InstanceId", inst),
             ("AcceleratorId", gpu)])
    put("/aws/sagemaker/InferenceComponents", "CPUUtilizationNormalized",
        [("InferenceComponentName", f"ic-{unique}"), ("ContainerId", "c-9")])
    put("AWS/SageMaker", "Invocations", [("EndpointName", f"other-{unique}"), ("InstanceId", "i-x")])

    usage = Usage()
    found = d.enhanced_endpoint_dimensions(clients.cloudwatch(), ep, components=[f"ic-{unique}"], usage=usage)
    assert found == {"instances": ["i-1", "i-2"], "accelerators": {"i-1": ["0"], "i-2": ["0", "1"]},
                     "containers": ["c-9"], "variants": {"A": ["i-2"], "B": ["i-1"]},
                     "metrics": {"i-1": ["Invocations"], "i-2": ["Invocations"]}}
    assert usage.by_operation["ListMetrics"] == usage.billable_requests == 4


def test_access_denied_on_one_kind_keeps_the_others(clients, writer, unique):
    writer("cloudwatch").put_metric_alarm(
        AlarmName=f"lat-{unique}", Namespace="AWS/SageMaker", MetricName="ModelLatency", Statistic="Average",
        Period=60, EvaluationPeriods=1, Threshold=1e6, ComparisonOperator="GreaterThanThreshold")
    sm = clients.sagemaker()
    with Stubber(sm) as stub:
        stub.add_client_error("list_endpoints", service_error_code="AccessDeniedException",
                              service_message="User is not authorized to perform: sagemaker:ListEndpoints",
                              http_status_code=400)
        inv = d.discover(clients, kinds={"endpoint", "alarm"})
        stub.assert_no_pending_responses()
    assert inv.endpoints == []
    assert [a.name for a in _mine(inv.alarms, unique)] == [f"lat-{unique}"]
    assert inv.errors == [DiscoveryError(
        kind="endpoint", operation="ListEndpoints", code="AccessDeniedException",
        message="User is not authorized to perform: sagemaker:ListEndpoints", region="us-east-1")]
    assert inv.fetched_at is not None


def test_unreachable_endpoint_reports_every_kind_without_raising():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: connections are refused
    clients = AwsClients(AwsSettings(regions=("us-east-1", "eu-west-1"), endpoint_url=f"http://127.0.0.1:{port}",
                                     max_attempts=1, connect_timeout=1,
                                     credentials={"aws_access_key_id": "x", "aws_secret_access_key": "x"}))
    started = time.monotonic()
    inv = d.discover(clients)
    assert time.monotonic() - started < 10
    assert inv.endpoints == inv.jobs == inv.alarms == []
    assert sorted((e.region, e.kind) for e in inv.errors) == sorted(
        (r, k) for r in ("us-east-1", "eu-west-1") for k in d.KINDS)
    assert {e.code for e in inv.errors} == {"EndpointConnectionError"}


def test_read_only_guard_refuses_create_and_delete_before_sending(clients, writer, unique):
    sm = clients.sagemaker()
    sent = []

    def record(request, **_kw):
        sent.append(request.url)

    sm.meta.events.register("before-send", record)
    try:
        with pytest.raises(ReadOnlyViolation, match="sagemaker.CreateEndpoint"):
            sm.create_endpoint(EndpointName=f"x-{unique}", EndpointConfigName=f"x-{unique}")
        with pytest.raises(ReadOnlyViolation, match="sagemaker.DeleteModel"):
            sm.delete_model(ModelName=f"x-{unique}")
    finally:
        sm.meta.events.unregister("before-send", record)
    assert sent == []
    assert not [e for e in writer("sagemaker").list_endpoints()["Endpoints"] if unique in e["EndpointName"]]


def test_kind_names_and_aliases():
    assert d.normalize_kinds(None) == d.KINDS
    assert d.normalize_kinds({"jobs", "alarms"}) == ("training-job", "processing-job", "transform-job", "alarm")
    assert d.normalize_kinds([Kind.ENDPOINT, "components", "bogus"]) == ("endpoint", "inference-component")


# --------------------------------------------------------------------------- Stubber (moto gaps)


def _endpoint_answers(name: str, config: str, *, enhanced: bool, model: str | None) -> tuple[dict, dict]:
    desc = {"EndpointName": name, "EndpointArn": _arn("endpoint", name), "EndpointConfigName": config,
            "EndpointStatus": "Updating", "CreationTime": T0, "LastModifiedTime": T0,
            "ProductionVariants": [{"VariantName": "AllTraffic", "CurrentWeight": 1.0, "DesiredWeight": 1.0,
                                    "CurrentInstanceCount": 1, "DesiredInstanceCount": 3}]}
    variant: dict = {"VariantName": "AllTraffic", "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1}
    if model:
        variant["ModelName"] = model
    cfg = {"EndpointConfigName": config, "EndpointConfigArn": _arn("endpoint-config", config),
           "CreationTime": T0, "ProductionVariants": [variant]}
    if enhanced:
        cfg["MetricsConfig"] = {"EnableEnhancedMetrics": True, "MetricPublishFrequencyInSeconds": 10}
    return desc, cfg


def test_enhanced_metrics_and_component_endpoints_stubbed(clients):
    sm = clients.sagemaker()
    ep_summary = {"EndpointName": "llm", "EndpointArn": _arn("endpoint", "llm"), "CreationTime": T0,
                  "LastModifiedTime": T0, "EndpointStatus": "Updating"}
    desc, cfg = _endpoint_answers("llm", "llm-cfg", enhanced=True, model=None)
    ic_summary = {"CreationTime": T0, "InferenceComponentArn": _arn("inference-component", "ic-a"),
                  "InferenceComponentName": "ic-a", "EndpointArn": _arn("endpoint", "llm"), "EndpointName": "llm",
                  "VariantName": "AllTraffic", "LastModifiedTime": T0, "InferenceComponentStatus": "InService"}
    ic_desc = {"InferenceComponentName": "ic-a", "InferenceComponentArn": _arn("inference-component", "ic-a"),
               "EndpointName": "llm", "EndpointArn": _arn("endpoint", "llm"), "VariantName": "AllTraffic",
               "CreationTime": T0, "LastModifiedTime": T0, "InferenceComponentStatus": "InService",
               "Specification": {"ModelName": "llama"}, "RuntimeConfig": {"DesiredCopyCount": 4, "CurrentCopyCount": 2}}
    with Stubber(sm) as stub:  # discover(workers=1) fetches kinds one after the other, in KINDS order
        stub.add_response("list_endpoints", {"Endpoints": [ep_summary]},
                          {"SortBy": "Name", "SortOrder": "Ascending", "MaxResults": 100})  # pages of 100
        stub.add_response("describe_endpoint", desc, {"EndpointName": "llm"})
        stub.add_response("describe_endpoint_config", cfg, {"EndpointConfigName": "llm-cfg"})
        stub.add_response("list_inference_components", {"InferenceComponents": [ic_summary]})
        stub.add_response("describe_inference_component", ic_desc, {"InferenceComponentName": "ic-a"})
        inv = d.discover(clients, kinds={"endpoint", "inference-component"}, workers=1)
        stub.assert_no_pending_responses()
    assert inv.errors == []
    (ep,) = inv.endpoints
    assert (ep.status, ep.enhanced_metrics, ep.component_based, ep.multi_model) == ("Updating", True, True, False)
    assert ep.metric_publish_frequency == 10  # from MetricsConfig: the period enhanced series are read at
    assert ep.variants == [Variant("AllTraffic", "ml.g5.12xlarge", current_instance_count=1,
                                   desired_instance_count=3, current_weight=1.0, desired_weight=1.0)]
    (ic,) = inv.components
    assert (ic.name, ic.endpoint_name, ic.variant_name, ic.status, ic.current_copies, ic.desired_copies,
            ic.model_name, ic.region) == ("ic-a", "llm", "AllTraffic", "InService", 2, 4, "llama", "us-east-1")


def test_components_mark_endpoint_when_its_config_is_unreadable(clients):
    sm = clients.sagemaker()
    desc, _ = _endpoint_answers("llm", "llm-cfg", enhanced=False, model=None)
    with Stubber(sm) as stub:
        stub.add_response("list_endpoints", {"Endpoints": [
            {"EndpointName": "llm", "EndpointArn": _arn("endpoint", "llm"), "CreationTime": T0,
             "LastModifiedTime": T0, "EndpointStatus": "InService"}]})
        stub.add_response("describe_endpoint", desc)
        stub.add_client_error("describe_endpoint_config", "AccessDeniedException", "no DescribeEndpointConfig")
        stub.add_response("list_inference_components", {"InferenceComponents": [
            {"CreationTime": T0, "InferenceComponentArn": _arn("inference-component", "ic"),
             "InferenceComponentName": "ic", "EndpointArn": _arn("endpoint", "llm"), "EndpointName": "llm",
             "VariantName": "AllTraffic", "LastModifiedTime": T0}]})
        stub.add_client_error("describe_inference_component", "ThrottlingException", "Rate exceeded")
        inv = d.discover(clients, kinds={"endpoint", "inference-component"}, workers=1)
    (ep,) = inv.endpoints
    assert ep.component_based and ep.variants[0].instance_type is None
    (ic,) = inv.components
    assert (ic.name, ic.status, ic.current_copies) == ("ic", "Unknown", None)
    assert [(e.kind, e.operation, e.code, e.partial) for e in inv.errors] == [
        ("endpoint", "DescribeEndpointConfig", "AccessDeniedException", True),
        ("inference-component", "DescribeInferenceComponent", "ThrottlingException", True)]


def test_endpoint_deleted_between_list_and_describe_is_left_out(clients):
    sm = clients.sagemaker()
    desc, cfg = _endpoint_answers("kept", "kept-cfg", enhanced=False, model="m")
    summaries = [{"EndpointName": n, "EndpointArn": _arn("endpoint", n), "CreationTime": T0, "LastModifiedTime": T0,
                  "EndpointStatus": "Deleting" if n == "gone" else "InService"} for n in ("gone", "kept")]
    errors: list[DiscoveryError] = []
    with Stubber(sm) as stub:
        stub.add_response("list_endpoints", {"Endpoints": summaries})
        stub.add_client_error("describe_endpoint", "ValidationException",
                              'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/gone".')
        stub.add_response("describe_endpoint", desc, {"EndpointName": "kept"})
        stub.add_response("describe_endpoint_config", cfg, {"EndpointConfigName": "kept-cfg"})
        stub.add_response("describe_model", {"ModelName": "m", "CreationTime": T0, "ModelArn": _arn("model", "m"),
                                             "Containers": [{"Image": "img", "Mode": "SingleModel"},
                                                            {"Image": "img2", "Mode": "MultiModel"}]},
                          {"ModelName": "m"})
        eps = d.list_endpoints(sm, errors=errors, workers=1)
        stub.assert_no_pending_responses()
    assert [(e.name, e.multi_model, e.component_based) for e in eps] == [("kept", True, False)]
    assert errors == []


def test_job_lookback_queries_and_processing_hosts_stubbed(clients):
    sm = clients.sagemaker()
    now = T0
    recent = {"ProcessingJobName": "prep", "ProcessingJobArn": _arn("processing-job", "prep"),
              "CreationTime": now - timedelta(hours=1), "ProcessingJobStatus": "Failed"}
    old_running = {"ProcessingJobName": "long", "ProcessingJobArn": _arn("processing-job", "long"),
                   "CreationTime": now - timedelta(days=3), "ProcessingJobStatus": "InProgress"}
    base = {"SortBy": "CreationTime", "SortOrder": "Descending"}

    def described(summary, count, **extra):
        return {"ProcessingJobName": summary["ProcessingJobName"], "ProcessingJobArn": summary["ProcessingJobArn"],
                "ProcessingJobStatus": summary["ProcessingJobStatus"], "CreationTime": summary["CreationTime"],
                "AppSpecification": {"ImageUri": "img"},
                "ProcessingResources": {"ClusterConfig": {"InstanceCount": count, "InstanceType": "ml.m5.xlarge",
                                                          "VolumeSizeInGB": 30}},
                "StoppingCondition": {"MaxRuntimeInSeconds": 86400}, **extra}

    usage = Usage()
    with Stubber(sm) as stub:  # one listing back to the longest a processing job can run (7 days > 6 hours)
        stub.add_response("list_processing_jobs", {"ProcessingJobSummaries": [recent, old_running]},
                          {**base, "MaxResults": 100, "CreationTimeAfter": now - d.MAX_PROCESSING_RUN})
        stub.add_response("describe_processing_job",
                          described(recent, 3, FailureReason="AlgorithmError: exit 1", ProcessingStartTime=now),
                          {"ProcessingJobName": "prep"})
        stub.add_response("describe_processing_job", described(old_running, 2), {"ProcessingJobName": "long"})
        jobs = d.list_processing_jobs(sm, lookback=timedelta(hours=6), now=now, usage=usage, workers=1)
        stub.assert_no_pending_responses()
    assert [(j.name, j.status, j.hosts, j.running) for j in jobs] == [
        ("prep", "Failed", ["prep/algo-1", "prep/algo-2", "prep/algo-3"], False),
        ("long", "InProgress", ["long/algo-1", "long/algo-2"], True)]
    assert jobs[0].failure_reason == "AlgorithmError: exit 1" and jobs[0].start_time == now
    assert usage.by_operation == {"ListProcessingJobs": 1, "DescribeProcessingJob": 2}


def test_job_describe_limit_still_describes_running_jobs(clients):
    sm = clients.sagemaker()
    summaries = [{"TrainingJobName": name, "TrainingJobArn": _arn("training-job", name), "CreationTime": T0,
                  "TrainingJobStatus": status} for name, status in (("old-done", "Completed"), ("live", "InProgress"))]
    desc = {"TrainingJobName": "live", "TrainingJobArn": _arn("training-job", "live"), "TrainingJobStatus": "InProgress",
            "SecondaryStatus": "Training", "CreationTime": T0,
            "AlgorithmSpecification": {"TrainingInputMode": "File", "TrainingImage": "img"},
            "ResourceConfig": {"InstanceGroups": [
                {"InstanceType": "ml.p4d.24xlarge", "InstanceCount": 2, "InstanceGroupName": "gpu"},
                {"InstanceType": "ml.c5.xlarge", "InstanceCount": 1, "InstanceGroupName": "cpu"}],
                "VolumeSizeInGB": 100},
            "ModelArtifacts": {"S3ModelArtifacts": "s3://b/m"}, "RoleArn": ROLE,
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}
    with Stubber(sm) as stub:
        stub.add_response("list_training_jobs", {"TrainingJobSummaries": summaries},
                          {"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": 100})
        stub.add_response("describe_training_job", desc, {"TrainingJobName": "live"})
        jobs = d.list_training_jobs(sm, lookback=None, describe_limit=0, workers=1)
        stub.assert_no_pending_responses()
    assert [(j.name, j.status, j.secondary_status, j.instance_type, j.instance_count, len(j.hosts)) for j in jobs] == [
        ("old-done", "Completed", None, None, 1, 1),
        ("live", "InProgress", "Training", "ml.p4d.24xlarge,ml.c5.xlarge", 3, 3)]


def test_job_refresh_lists_new_jobs_only_and_follows_running_ones_stubbed(clients):
    """With a kept cache, a refresh lists only the jobs created since the previous listing (and a
    few minutes more); the ended job is not described again, the running one is, directly."""
    sm = clients.sagemaker()
    now = T0

    def summary(name, status, age):
        return {"TrainingJobName": name, "TrainingJobArn": _arn("training-job", name), "TrainingJobStatus": status,
                "CreationTime": now - age, "LastModifiedTime": now - age + timedelta(minutes=30)}

    def described(s):
        return {**s, "SecondaryStatus": "Training",
                "AlgorithmSpecification": {"TrainingInputMode": "File", "TrainingImage": "img"},
                "ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
                "ModelArtifacts": {"S3ModelArtifacts": "s3://b/m"}, "RoleArn": ROLE,
                "StoppingCondition": {"MaxRuntimeInSeconds": 86400 * 20}}

    done, long = summary("done", "Completed", timedelta(hours=1)), summary("long", "InProgress", timedelta(days=20))
    base = {"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": 100}
    cache, usage = d.DescribeCache(), Usage()
    with Stubber(sm) as stub:
        stub.add_response("list_training_jobs", {"TrainingJobSummaries": [done, long]},
                          {**base, "CreationTimeAfter": now - d.MAX_TRAINING_RUN})
        stub.add_response("describe_training_job", described(done), {"TrainingJobName": "done"})
        stub.add_response("describe_training_job", described(long), {"TrainingJobName": "long"})
        first = d.list_training_jobs(sm, now=now, cache=cache, workers=1)
        stub.add_response("list_training_jobs", {"TrainingJobSummaries": []},
                          {**base, "CreationTimeAfter": now - d.JOB_LIST_OVERLAP})
        stub.add_response("describe_training_job", described(long), {"TrainingJobName": "long"})
        again = d.list_training_jobs(sm, now=now + timedelta(minutes=1), cache=cache, usage=usage, workers=1)
        stub.assert_no_pending_responses()
    assert [(j.name, j.status) for j in first] == [(j.name, j.status) for j in again] == [
        ("done", "Completed"), ("long", "InProgress")]
    assert usage.by_operation == {"ListTrainingJobs": 1, "DescribeTrainingJob": 1}


def test_labeling_jobs_stubbed(clients):
    sm = clients.sagemaker()
    summary = {"LabelingJobName": "boxes", "LabelingJobArn": _arn("labeling-job", "boxes"), "CreationTime": T0,
               "LastModifiedTime": T0, "LabelingJobStatus": "InProgress",
               "WorkteamArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:workteam/private-crowd/annotators",
               "LabelCounters": {"TotalLabeled": 120, "HumanLabeled": 100, "MachineLabeled": 20,
                                 "FailedNonRetryableError": 3, "Unlabeled": 877}}
    with Stubber(sm) as stub:
        stub.add_response("list_labeling_jobs", {"LabelingJobSummaryList": [summary]},
                          {"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": 100})
        (job,) = d.list_labeling_jobs(sm)
    assert (job.name, job.status, job.region, job.workteam, job.total_labeled, job.human_labeled,
            job.machine_labeled, job.failed_non_retryable, job.unlabeled) == (
        "boxes", "InProgress", "us-east-1", "annotators", 120, 100, 20, 3, 877)


def test_feature_groups_stubbed(clients):
    sm = clients.sagemaker()

    def summary(name, offline):
        s = {"FeatureGroupName": name, "FeatureGroupArn": _arn("feature-group", name), "CreationTime": T0,
             "FeatureGroupStatus": "Created"}
        if offline:
            s["OfflineStoreStatus"] = {"Status": "Active"}
        return s

    desc = {"FeatureGroupArn": _arn("feature-group", "users"), "FeatureGroupName": "users",
            "RecordIdentifierFeatureName": "id", "EventTimeFeatureName": "ts", "CreationTime": T0, "NextToken": "",
            "FeatureDefinitions": [{"FeatureName": "id", "FeatureType": "String"}],
            "OnlineStoreConfig": {"EnableOnlineStore": True}, "FeatureGroupStatus": "Created"}
    with Stubber(sm) as stub:
        stub.add_response("list_feature_groups", {"FeatureGroupSummaries": [summary("users", False),
                                                                            summary("events", True)]})
        stub.add_response("describe_feature_group", desc, {"FeatureGroupName": "users"})
        groups = d.list_feature_groups(sm, describe_limit=1, workers=1)
        stub.assert_no_pending_responses()
    assert [(g.name, g.status, g.online_store, g.offline_store) for g in groups] == [
        ("users", "Created", True, False), ("events", "Created", False, True)]


def test_recommendation_jobs_stubbed(clients):
    sm = clients.sagemaker()
    summary = {"JobName": "rec", "JobDescription": "d", "JobType": "Advanced", "JobArn": _arn("inference-recommendations-job", "rec"),
               "Status": "COMPLETED", "CreationTime": T0, "CompletionTime": T0 + timedelta(hours=1), "RoleArn": ROLE,
               "LastModifiedTime": T0}
    desc = {"JobName": "rec", "JobType": "Advanced", "JobArn": summary["JobArn"], "RoleArn": ROLE,
            "Status": "COMPLETED", "CreationTime": T0, "LastModifiedTime": T0,
            "InputConfig": {"ModelName": "m", "Endpoints": [{"EndpointName": "bench-1"}]},
            "EndpointPerformances": [{"Metrics": {"MaxInvocations": 10, "ModelLatency": 5},
                                      "EndpointInfo": {"EndpointName": "bench-1"}},
                                     {"Metrics": {"MaxInvocations": 20, "ModelLatency": 4},
                                      "EndpointInfo": {"EndpointName": "bench-2"}}]}
    with Stubber(sm) as stub:
        stub.add_response("list_inference_recommendations_jobs", {"InferenceRecommendationsJobs": [summary]})
        stub.add_response("describe_inference_recommendations_job", desc, {"JobName": "rec"})
        (job,) = d.list_recommendation_jobs(sm, workers=1)
    assert (job.name, job.status, job.job_type, job.endpoint_names) == ("rec", "COMPLETED", "Advanced",
                                                                        ["bench-1", "bench-2"])
    assert job.completion_time == T0 + timedelta(hours=1)


def test_execution_steps_stubbed(clients):
    sm = clients.sagemaker()
    arn = f"{_arn('pipeline', 'p')}/execution/abc123"
    steps = [{"StepName": "Train", "StartTime": T0, "EndTime": T0 + timedelta(minutes=5), "StepStatus": "Succeeded",
              "Metadata": {"TrainingJob": {"Arn": _arn("training-job", "pipelines-abc-Train")}}},
             {"StepName": "Check", "StepDisplayName": "Check accuracy", "StartTime": T0 + timedelta(minutes=5),
              "StepStatus": "Failed", "FailureReason": "accuracy < 0.9"},
             {"StepName": "Register"}]
    with Stubber(sm) as stub:
        stub.add_response("list_pipeline_execution_steps", {"PipelineExecutionSteps": steps[:2], "NextToken": "t"},
                          {"PipelineExecutionArn": arn, "SortOrder": "Ascending", "MaxResults": 100})
        stub.add_response("list_pipeline_execution_steps", {"PipelineExecutionSteps": steps[2:]},
                          {"PipelineExecutionArn": arn, "SortOrder": "Ascending", "MaxResults": 100, "NextToken": "t"})
        got = d.list_execution_steps(sm, arn)
    assert [(s.name, s.status, s.step_type, s.failure_reason) for s in got] == [
        ("Train", "Succeeded", "TrainingJob", None), ("Check", "Failed", None, "accuracy < 0.9"),
        ("Register", "Unknown", None, None)]
    # the StepName is what CloudWatch's StepName dimension holds; the display name is for people
    assert [s.label for s in got] == ["Train", "Check accuracy", "Register"]
    assert got[0].end_time == T0 + timedelta(minutes=5)
