"""Two source accounts beside the demo account, for ``--demo --demo-accounts``: the Account column,
per-account drill screens and a metrics-only account, seen without a real AWS organisation.

The demo account is the *monitoring* account (cross-account observability); the local AWS links
two source accounts to it (:func:`~tui.demo.moto_ext.link_accounts`):

* :data:`ROLE_ACCOUNT`, reached by a role the app assumes (``sts:AssumeRole``): a ``fraud-detector-prod``
  endpoint of its own (same name as the demo account's, other traffic), a second endpoint and a
  running training job with its log (read with the role's credentials);
* :data:`METRICS_ACCOUNT`, reached through its metrics only: one endpoint's invocation and
  per-instance (enhanced) series, and nothing any listing can see.

Their series are written once, from ``HISTORY`` minutes before the start up to ``AHEAD`` minutes
after it (CloudWatch answers only up to the query's end, so they appear as time passes): no
thread keeps them alive, and after ``AHEAD`` minutes their newest points age. Writer clients are
plain boto3 (the app's clients stay read-only).
"""

from __future__ import annotations

import time

ROLE_ACCOUNT = "210987654321"
METRICS_ACCOUNT = "310987654321"
ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/SagemonRead"
EXECUTION_ROLE = f"arn:aws:iam::{ROLE_ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole"
HISTORY, AHEAD = 180, 240  # minutes of series before and after the start
#: (endpoint, instance type, instances, invocations a minute, model latency in µs) of the role account
ENDPOINTS = (("fraud-detector-prod", "ml.c5.2xlarge", 2, 640.0, 11_000.0),
             ("claims-triage-eu", "ml.m5.xlarge", 1, 95.0, 23_000.0))
JOB = "claims-bert-finetune"
LOG_GROUP = "/aws/sagemaker/TrainingJobs"
METRICS_ENDPOINT, METRICS_INSTANCES = "partner-ranker", ("i-0c1a2b3c4d5e6f701", "i-0c1a2b3c4d5e6f702")


def accounts_setting() -> tuple[dict, ...]:
    """The ``accounts`` setting the demo's app runs with: the role account and the metrics-only one."""
    return ({"id": ROLE_ACCOUNT, "role_arn": ROLE_ARN}, {"id": METRICS_ACCOUNT})


def _source_session(conn, account: str):
    import boto3

    creds = {k: v for k, v in (conn.credentials or {}).items() if k != "region_name"}
    sts = boto3.Session(region_name=conn.region, **creds).client("sts", endpoint_url=conn.endpoint_url)
    got = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/demo-seed", RoleSessionName="demo-seed")
    c = got["Credentials"]
    return boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                         aws_session_token=c["SessionToken"], region_name=conn.region)


def _put(cw, namespace: str, series: list[tuple[str, dict, float]], start: float) -> None:
    """Each (metric, dimensions, value a minute) from ``HISTORY`` minutes before ``start`` to
    ``AHEAD`` after it, with a slow wave so the sparklines move."""
    data = []
    for metric, dims, value in series:
        for m in range(-HISTORY, AHEAD):
            wave = 1.0 + 0.25 * ((m % 40) - 20) / 20
            data.append({"MetricName": metric, "Timestamp": start + m * 60, "Value": value * wave,
                         "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]})
    for i in range(0, len(data), 1000):
        cw.put_metric_data(Namespace=namespace, MetricData=data[i:i + 1000])


def _role_account(conn, start: float) -> None:
    session = _source_session(conn, ROLE_ACCOUNT)
    url = conn.endpoint_url
    sm, cw = session.client("sagemaker", endpoint_url=url), session.client("cloudwatch", endpoint_url=url)
    for name, itype, count, rpm, latency in ENDPOINTS:
        sm.create_model(ModelName=name, ExecutionRoleArn=EXECUTION_ROLE, PrimaryContainer={"Image": "demo"})
        sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": count, "InstanceType": itype,
             "InitialVariantWeight": 1.0}])
        sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
        dims = {"EndpointName": name, "VariantName": "AllTraffic"}
        _put(cw, "AWS/SageMaker", [("Invocations", dims, rpm), ("ModelLatency", dims, latency),
                                   ("Invocation4XXErrors", dims, rpm * 0.004)], start)
        _put(cw, "/aws/sagemaker/Endpoints", [("CPUUtilization", dims, 180.0 * count)], start)
    sm.create_training_job(
        TrainingJobName=JOB, RoleArn=EXECUTION_ROLE,
        AlgorithmSpecification={"TrainingImage": "demo", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://demo/out"},
        ResourceConfig={"InstanceType": "ml.g5.2xlarge", "InstanceCount": 2, "VolumeSizeInGB": 100},
        StoppingCondition={"MaxRuntimeInSeconds": 86400})
    for host in ("algo-1", "algo-2"):
        dims = {"Host": f"{JOB}/{host}"}
        _put(cw, "/aws/sagemaker/TrainingJobs", [("CPUUtilization", dims, 540.0), ("GPUUtilization", dims, 88.0),
                                                 ("MemoryUtilization", dims, 61.0)], start)
    logs = session.client("logs", endpoint_url=url)
    logs.create_log_group(logGroupName=LOG_GROUP)
    for host in ("algo-1", "algo-2"):
        stream = f"{JOB}/{host}-{int(start)}"
        logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
        logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=stream, logEvents=[
            {"timestamp": int((start - (30 - i) * 60) * 1000),
             "message": f"[{host}] account {ROLE_ACCOUNT}: epoch {i // 10 + 1} step {i * 50} loss {2.1 - i * 0.05:.3f}"}
            for i in range(30)])


def _metrics_account(conn, start: float) -> None:
    cw = _source_session(conn, METRICS_ACCOUNT).client("cloudwatch", endpoint_url=conn.endpoint_url)
    dims = {"EndpointName": METRICS_ENDPOINT, "VariantName": "AllTraffic"}
    _put(cw, "AWS/SageMaker", [("Invocations", dims, 210.0), ("ModelLatency", dims, 15_000.0)], start)
    _put(cw, "/aws/sagemaker/Endpoints", [("CPUUtilization", {**dims, "InstanceId": i}, 150.0)
                                          for i in METRICS_INSTANCES], start)


def seed_source_accounts(conn, start: float | None = None) -> tuple[dict, ...]:
    """Create both source accounts in the demo's local AWS (``conn``: its
    :class:`~tui.demo.runtime.DemoConnection`), link them to the demo account and return the
    ``accounts`` setting that watches them."""
    from tui.demo.moto_ext import link_accounts

    start = time.time() if start is None else start
    start -= start % 60
    _role_account(conn, start)
    _metrics_account(conn, start)
    link_accounts(conn.account, ROLE_ACCOUNT, METRICS_ACCOUNT)
    return accounts_setting()
