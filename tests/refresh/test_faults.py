"""Fault injection against a real local AWS: the app's refresh layer behind a faulty network.

A :class:`~tests.fault_proxy.FaultProxy` sits between the app's own clients (adaptive retries,
short timeouts) and the session's moto server and answers, per AWS operation or for all of
them, as AWS does when it throttles (400 ThrottlingException / Throttling, 429), fails (500,
503), hangs (a delay beyond the read timeout), drops the connection, refuses expired
credentials or a missing IAM permission, or is gone altogether (connection refused) and back.
Each test drives ``Refresher.run`` and folds the reports into an ``AppState`` as the app does,
and uses the proxy's record of every request to prove what was (not) sent.

The issue ("It never falls over in a real account"): the last data stays on screen, marked
STALE with its age; retries follow the schedule (botocore's first, then the next refresh);
a throttled listing does not go on to the other APIs; AccessDenied on one API names the IAM
action in that pane only; expired credentials say how to log in and recover without a
restart; after an outage the gap is backfilled so no minute CloudWatch has is missing.

The last three tests are faults this suite found the product mishandling, fixed since: credentials
expiring between the listing and the metrics, and an HTML page instead of AWS's answer to
GetMetricData (minutes lost for good) or to ListEndpoints (the endpoints vanished).
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import boto3
import botocore.model
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from tests.fault_proxy import FaultProxy, delay, deny, drop, error, expired, garbage, throttle
from tui.aws.session import AwsClients, AwsSettings
from tui.model.catalog import Kind
from tui.model.plan import EndpointKeys
from tui.model.kinds import Pane
from tui.model.state import AppState
from tui.refresh import Refresher

REGION = "ap-northeast-3"  # this module's account: nothing else in the test process lists it
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/ml"
MAX_ATTEMPTS = 2  # AwsSettings.max_attempts: botocore's retries "max_attempts", which counts retries...
ATTEMPTS = MAX_ATTEMPTS + 1  # ...so each call is sent 3 times before the refresh gives up (STALE)
NS = "AWS/SageMaker"


def _dims(endpoint: str) -> list[dict]:
    return [{"Name": "EndpointName", "Value": endpoint}, {"Name": "VariantName", "Value": "AllTraffic"}]


def _put_minutes(cw, endpoint: str, minutes: list[int]) -> None:
    """One Invocations point per minute (epoch seconds), valued after the minute (all distinct)."""
    data = [{"MetricName": "Invocations", "Dimensions": _dims(endpoint),
             "Timestamp": datetime.fromtimestamp(m, timezone.utc), "Value": float(m // 60 % 100000)}
            for m in minutes]
    for i in range(0, len(data), 20):
        cw.put_metric_data(Namespace=NS, MetricData=data[i:i + 20])


def _endpoint(sm, name: str) -> None:
    sm.create_model(ModelName=f"m-{name}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    sm.create_endpoint_config(EndpointConfigName=f"cfg-{name}", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": f"m-{name}", "InitialInstanceCount": 1,
        "InstanceType": "ml.c5.xlarge"}])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"cfg-{name}")


@pytest.fixture(scope="module")
def writer(moto_url):
    """Plain boto3 straight to moto (no proxy): the account being monitored, and CloudWatch's truth."""
    session = boto3.Session(region_name=REGION, **CREDS)
    return lambda service: session.client(service, endpoint_url=moto_url)


@pytest.fixture(scope="module")
def account(writer):
    """A small account: an endpoint with a point per minute for the last 30 minutes, a training job."""
    tag = uuid.uuid4().hex[:8]
    endpoint, job = f"scorer-{tag}", f"train-{tag}"
    sm, cw = writer("sagemaker"), writer("cloudwatch")
    _endpoint(sm, endpoint)
    sm.create_training_job(
        TrainingJobName=job, RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://b/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    now = int(time.time()) // 60 * 60
    _put_minutes(cw, endpoint, [now - 60 * m for m in range(1, 31)])
    return {"endpoint": endpoint, "job": job}


@pytest.fixture
def proxy(moto_url):
    with FaultProxy(moto_url) as p:
        yield p


def app_clients(url: str, *, read_timeout: float = 2, max_attempts: int = MAX_ATTEMPTS) -> AwsClients:
    return AwsClients(AwsSettings(regions=(REGION,), endpoint_url=url, credentials=CREDS,
                                  max_attempts=max_attempts, read_timeout=read_timeout, connect_timeout=1))


def refresher_for(url: str, clock=time.time, **kw) -> Refresher:
    r = Refresher(app_clients(url, **kw), 3600, clock=clock)
    r.percentiles = False  # plain moto answers HTTP 500 to p50/p99: keep that out of these tests
    return r


def invocations_key(state: AppState, endpoint: str):
    ep = next(e for e in state.inventory.endpoints if e.name == endpoint)
    return EndpointKeys(ep, "AllTraffic").invocations


def good_refresh(proxy, account) -> tuple[Refresher, AppState, float]:
    """A refresher that has the data once (its first refresh is a full one)."""
    r = refresher_for(proxy.url)
    state = AppState(window="1h")
    report = r.run(Pane.ENDPOINTS)
    state.apply(report)
    assert report.ok and not state.stale, report.errors
    key = invocations_key(state, account["endpoint"])
    assert len(state.store.get(key).points) >= 29
    return r, state, report.finished


def timed_run(r: Refresher, pane=Pane.ENDPOINTS, **kw):
    t0 = time.monotonic()
    report = r.run(pane, **kw)  # run() never raises: a traceback here fails the test
    return report, time.monotonic() - t0


def assert_stale_with_last_data(state: AppState, account, points_before: dict, good_finished: float) -> None:
    assert state.stale and state.errors
    now = time.time()
    assert state.stale_age(now) == pytest.approx(now - good_finished, abs=1e-6)  # the age of the last good data
    assert account["endpoint"] in [e.name for e in state.inventory.endpoints]  # the last good inventory
    assert state.store.get(invocations_key(state, account["endpoint"])).points == points_before


def assert_recovers(r: Refresher, state: AppState, proxy, account) -> None:
    mark = proxy.mark()
    report, took = timed_run(r)
    state.apply(report)
    assert report.ok and not state.stale and state.stale_age() is None, report.errors
    assert "GetMetricData" in proxy.operations(mark) and not any(c.fault for c in proxy.since(mark))
    assert len(state.store.get(invocations_key(state, account["endpoint"])).points) >= 29
    assert took < 15


# -- the proxy: botocore reads each fault as AWS's own error ----------------------------------------

def _direct(url: str, service: str, read_timeout: float = 10):
    cfg = Config(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=read_timeout, connect_timeout=1)
    return boto3.Session(region_name=REGION, **CREDS).client(service, endpoint_url=url, config=cfg)


CALLS = {  # protocol -> (service, operation, kwargs)
    "json": ("sagemaker", "list_endpoints", {}),
    "json-query-compatible": ("cloudwatch", "list_metrics", {}),
    "query": ("sts", "get_caller_identity", {}),
    "ec2": ("ec2", "describe_instance_types", {"InstanceTypes": ["c5.xlarge"]}),
}
EXPECTED = {  # fault -> error code per protocol (json, json-query-compatible, query, ec2)
    "throttle": (throttle(), ("ThrottlingException", "Throttling", "Throttling", "RequestLimitExceeded")),
    "throttle429": (throttle(429), ("TooManyRequestsException",) * 3 + ("RequestLimitExceeded",)),
    "error500": (error(500), ("InternalFailure",) * 3 + ("InternalError",)),
    "error503": (error(503), ("ServiceUnavailable",) * 3 + ("Unavailable",)),
    "expired": (expired(), ("ExpiredTokenException", "ExpiredToken", "ExpiredToken", "RequestExpired")),
    "deny": (deny(), ("AccessDeniedException", "AccessDenied", "AccessDenied", "UnauthorizedOperation")),
}


@pytest.mark.parametrize("protocol", list(CALLS))
def test_botocore_parses_every_fault_as_the_intended_aws_error(proxy, account, protocol):
    service, op, kwargs = CALLS[protocol]
    client = _direct(proxy.url, service)
    getattr(client, op)(**kwargs)  # no rule: forwarded to moto, and moto's answer comes back
    operation = client.meta.method_to_api_mapping[op]
    assert proxy.since(0)[-1].operation == operation and proxy.since(0)[-1].fault is None
    column = list(CALLS).index(protocol)
    for name, (fault, codes) in EXPECTED.items():
        proxy.clear()
        proxy.inject(fault, operation)
        with pytest.raises(ClientError) as caught:
            getattr(client, op)(**kwargs)
        err = caught.value.response["Error"]
        assert err["Code"] == codes[column], (name, caught.value.response)
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == fault.status
        if name == "deny":
            action = f"{service}:{operation}"
            assert f"is not authorized to perform: {action} on resource" in err["Message"]
        assert proxy.since(0)[-1].fault == str(fault)
    proxy.clear()
    getattr(client, op)(**kwargs)  # cleared: forwarded again


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "query"])
def test_cloudwatch_faults_parse_in_its_other_protocols(proxy, account, monkeypatch, protocol):
    """CloudWatch also speaks CBOR and its old query protocol: the proxy answers in each."""
    order = (protocol,) + tuple(p for p in botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS if p != protocol)
    monkeypatch.setattr(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", order)
    client = _direct(proxy.url, "cloudwatch")
    assert client.meta.service_model.resolved_protocol == protocol
    for fault, code in ((throttle(), "Throttling"), (error(503), "ServiceUnavailable"), (expired(), "ExpiredToken"),
                        (deny(), "AccessDenied")):
        proxy.clear()
        proxy.inject(fault, "GetMetricData")
        with pytest.raises(ClientError) as caught:
            client.get_metric_data(MetricDataQueries=[], StartTime=datetime(2024, 1, 1), EndTime=datetime(2024, 1, 2))
        assert caught.value.response["Error"]["Code"] == code, caught.value.response
        assert proxy.since(0)[-1].operation == "GetMetricData"
        assert proxy.since(0)[-1].protocol == ("cbor" if protocol.endswith("cbor") else "query")
    assert "cloudwatch:GetMetricData" in caught.value.response["Error"]["Message"]


def test_delay_drop_and_a_stopped_proxy_look_like_a_bad_network(proxy, account):
    client = _direct(proxy.url, "sagemaker", read_timeout=1)
    proxy.inject(delay(2), "ListEndpoints")
    t0 = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        client.list_endpoints()
    assert 0.9 < time.monotonic() - t0 < 1.9  # the client's 1 s read timeout, not the 2 s delay
    proxy.clear()
    proxy.inject(drop(), "ListEndpoints", times=1)
    with pytest.raises(ConnectionClosedError):
        client.list_endpoints()
    client.list_endpoints()  # the rule was for one request only
    port = proxy.port
    proxy.down()
    t0 = time.monotonic()
    with pytest.raises(EndpointConnectionError):
        client.list_endpoints()
    assert time.monotonic() - t0 < 0.5  # refused at once, not a timeout
    proxy.up()
    assert proxy.port == port
    client.list_endpoints()
    assert [c.fault for c in proxy.since(0) if c.operation == "ListEndpoints"] == [
        "delay", "drop", None, None]  # the refused call never reached it


# -- the refresh layer behind the faults -----------------------------------------------------------

@pytest.mark.parametrize("status", [400, 429])
def test_throttling_keeps_the_last_data_stale_sends_nothing_more_and_recovers(proxy, account, status):
    r, state, good_finished = good_refresh(proxy, account)
    points = dict(state.store.get(invocations_key(state, account["endpoint"])).points)
    proxy.inject(throttle(status))  # every operation
    mark = proxy.mark()
    report, took = timed_run(r)
    state.apply(report)
    assert not report.ok and "throttled by AWS" in report.errors[0], report.errors
    assert_stale_with_last_data(state, account, points, good_finished)
    ops = proxy.operations(mark)
    assert ops == ["ListEndpoints"] * ATTEMPTS  # botocore's retries first, then the refresh gives up
    assert "GetMetricData" not in ops  # a throttled listing does not go on to the other APIs
    assert not r.renew_session
    if hasattr(report, "throttled"):  # the scheduler's back-off signal (where the product has it)
        assert report.throttled
    assert took < 10
    proxy.clear()
    assert_recovers(r, state, proxy, account)


@pytest.mark.parametrize("status,text", [(500, "HTTP 500"), (503, "AWS is unavailable (HTTP 503)")])
def test_a_burst_of_server_errors_is_retried_then_marks_stale_and_passes(proxy, account, status, text):
    r, state, good_finished = good_refresh(proxy, account)
    points = dict(state.store.get(invocations_key(state, account["endpoint"])).points)
    # shorter than botocore's attempts: absorbed by its retry, the refresh never notices
    proxy.inject(error(status), times=ATTEMPTS - 1)
    mark = proxy.mark()
    report, _ = timed_run(r)
    assert report.ok, report.errors
    assert proxy.operations(mark)[:ATTEMPTS] == ["ListEndpoints"] * ATTEMPTS
    assert [c.fault for c in proxy.since(mark)][:ATTEMPTS] == [f"error({status})"] * (ATTEMPTS - 1) + [None]
    # as long as botocore's attempts: that refresh fails, the data stays, STALE with its age
    proxy.inject(error(status), times=ATTEMPTS)
    mark = proxy.mark()
    report, took = timed_run(r)
    state.apply(report)
    assert not report.ok and text in report.errors[0], report.errors
    assert report.errors[0].startswith("cannot list endpoint")
    assert_stale_with_last_data(state, account, points, good_finished)
    assert proxy.operations(mark)[:ATTEMPTS] == ["ListEndpoints"] * ATTEMPTS
    if status == 503:
        assert "GetMetricData" not in proxy.operations(mark)  # unavailable: nothing more is asked
    assert took < 10
    assert_recovers(r, state, proxy, account)  # the burst is over: the next refresh is clean


@pytest.mark.parametrize("fault,code_text", [(delay(3), "did not answer in time"),
                                              (drop(), "the connection to AWS closed")])
def test_a_hanging_or_dropped_connection_ends_the_refresh_in_bounded_time(proxy, account, fault, code_text):
    r, state, good_finished = good_refresh(proxy, account)
    points = dict(state.store.get(invocations_key(state, account["endpoint"])).points)
    proxy.inject(fault)
    mark = proxy.mark()
    report, took = timed_run(r)  # read_timeout 2 s x 2 attempts (+ backoff) for the delay
    state.apply(report)
    assert not report.ok and code_text in report.errors[0], report.errors
    assert "Traceback" not in " ".join(report.errors)
    assert_stale_with_last_data(state, account, points, good_finished)
    assert proxy.operations(mark) == ["ListEndpoints"] * ATTEMPTS  # nothing after the listing gave up
    assert took < (ATTEMPTS * 2 + 3 if fault.kind == "delay" else 3), took
    proxy.clear()
    assert_recovers(r, state, proxy, account)


def test_access_denied_on_one_api_names_the_action_in_that_pane_only(proxy, account):
    r, state, _ = good_refresh(proxy, account)
    assert account["job"] in [j.name for j in state.inventory.jobs]
    proxy.inject(deny(), "ListTrainingJobs")
    mark = proxy.mark()
    report, _ = timed_run(r, full=True)
    state.apply(report)
    # the rest works: no STALE, the endpoints and their metrics arrive
    assert report.ok and not state.stale, report.errors
    denied = [w for w in report.warnings if "sagemaker:ListTrainingJobs" in w]
    assert len(denied) == 1 and denied[0].startswith("cannot list training"), report.warnings
    assert denied[0].endswith("in ap-northeast-3 (ListTrainingJobs): access denied: the IAM policy does not "
                              "allow sagemaker:ListTrainingJobs"), denied
    # (plain moto has no inference components or recommender jobs: those kinds warn HTTP 500)
    assert not any("endpoints" in w or "access denied" in w for w in report.warnings if w not in denied)
    ops = proxy.operations(mark)
    assert "GetMetricData" in ops and "ListProcessingJobs" in ops and "DescribeAlarms" in ops
    assert [c.fault for c in proxy.since(mark) if c.operation == "ListTrainingJobs"] == ["deny"]  # not retried
    assert account["endpoint"] in [e.name for e in state.inventory.endpoints]
    assert len(state.store.get(invocations_key(state, account["endpoint"])).points) >= 29
    # only the jobs pane carries the error; the endpoints pane has none
    assert [e.operation for e in state.discovery_errors((Kind.TRAINING_JOB,))] == ["ListTrainingJobs"]
    assert "sagemaker:ListTrainingJobs" in state.discovery_errors((Kind.TRAINING_JOB,))[0].message
    assert state.discovery_errors((Kind.ENDPOINT, Kind.PROCESSING_JOB, Kind.TRANSFORM_JOB)) == []
    assert account["job"] in [j.name for j in state.inventory.jobs]  # the last listed jobs stay
    proxy.clear()
    report, _ = timed_run(r, full=True)
    state.apply(report)
    assert report.ok and not state.discovery_errors((Kind.TRAINING_JOB,)), report.warnings


def test_expired_credentials_say_how_to_log_in_and_recover_without_a_restart(proxy, account):
    r, state, good_finished = good_refresh(proxy, account)
    points = dict(state.store.get(invocations_key(state, account["endpoint"])).points)
    session_before = r.clients.session
    proxy.inject(expired())
    mark = proxy.mark()
    report, took = timed_run(r)
    state.apply(report)
    assert not report.ok and "aws sso login" in report.errors[0], report.errors
    assert "credentials expired" in report.errors[0]
    assert_stale_with_last_data(state, account, points, good_finished)
    assert proxy.operations(mark) == ["ListEndpoints"]  # not retried, and nothing after it
    assert r.renew_session and took < 3
    proxy.clear()  # `aws sso login` ran in another terminal
    assert_recovers(r, state, proxy, account)
    assert r.clients.session is not session_before and not r.renew_session  # rebuilt, no restart


def test_a_full_outage_is_backfilled_with_zero_missing_minutes(proxy, writer, account):
    """The proxy stops listening for "20 minutes" (a clock of the test's own) while CloudWatch
    keeps receiving points; after it is back one refresh holds every minute CloudWatch has."""
    cw = writer("cloudwatch")
    endpoint, now = gap_account(writer)  # the clock starts 26 minutes ago
    r = refresher_for(proxy.url, clock=lambda: now[0])
    state = AppState(window="1h")
    report = r.run(Pane.ENDPOINTS)
    state.apply(report)
    assert report.ok, report.errors
    key = invocations_key(state, endpoint)
    assert len(state.store.get(key).points) == 30

    proxy.down()
    failed = 0
    for _ in range(4):  # 4 refreshes, 5 minutes apart, while AWS is gone and points keep landing
        minute = int(now[0]) - int(now[0]) % 60
        _put_minutes(cw, endpoint, [minute + 60 * m for m in range(5)])
        now[0] += 300
        report, took = timed_run(r)
        state.apply(report)
        assert not report.ok and "cannot reach the AWS endpoint" in report.errors[0], report.errors
        assert took < 3  # refused at once (and retried once), not a timeout
        failed += 1
    assert state.stale and failed == 4 and len(state.store.get(key).points) == 30

    proxy.up()
    report, _ = timed_run(r)
    state.apply(report)
    assert report.ok and not state.stale, report.errors

    assert_no_minute_missing(cw, endpoint, now[0], state.store.get(key).points, expect=50)  # 30 + 20 during


def cloudwatch_minutes(cw, endpoint: str, now: float) -> dict[int, float]:
    """CloudWatch's own answer for the hour before ``now`` (straight to moto: no proxy, no app code)."""
    end = int(now) - int(now) % 60 + 60
    truth = cw.get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {"Namespace": NS, "MetricName": "Invocations",
                                                                  "Dimensions": _dims(endpoint)},
                                                       "Period": 60, "Stat": "Sum"}}],
        StartTime=datetime.fromtimestamp(end - 3600, timezone.utc), EndTime=datetime.fromtimestamp(end, timezone.utc),
        ScanBy="TimestampAscending")["MetricDataResults"][0]
    return {int(t.timestamp()): v for t, v in zip(truth["Timestamps"], truth["Values"])}


def assert_no_minute_missing(cw, endpoint: str, now: float, got: dict[int, float], expect: int) -> None:
    expected = cloudwatch_minutes(cw, endpoint, now)
    assert len(expected) == expect
    missing = sorted(set(expected) - set(got))
    assert missing == [], f"{len(missing)} minutes CloudWatch has are missing: {missing}"
    assert {t: got[t] for t in expected} == expected  # and with the same values


def gap_account(writer) -> tuple[str, list[float]]:
    """An endpoint of its own with 30 minutes of points before a clock (a list to move) 26 minutes ago."""
    endpoint = f"gap-{uuid.uuid4().hex[:8]}"
    _endpoint(writer("sagemaker"), endpoint)
    start = (int(time.time()) // 60 - 26) * 60 + 17  # 17 s into a minute
    _put_minutes(writer("cloudwatch"), endpoint, [start - start % 60 - 60 * m for m in range(1, 31)])
    return endpoint, [float(start)]


# -- faults this suite found the product mishandling (fixed since) ---------------------------------

def test_credentials_expiring_during_the_metrics_call_also_renew_the_session(proxy, account):
    r, state, _ = good_refresh(proxy, account)
    proxy.inject(expired(), "GetMetricData")  # the token ran out between the listing and the metrics
    report, _ = timed_run(r)
    assert not report.ok and "aws sso login" in report.errors[0], report.errors
    assert r.renew_session


def test_an_html_page_instead_of_get_metric_data_loses_no_minute(proxy, writer, account):
    cw = writer("cloudwatch")
    endpoint, now = gap_account(writer)
    r = refresher_for(proxy.url, clock=lambda: now[0])
    state = AppState(window="1h")
    state.apply(r.run(Pane.ENDPOINTS))
    key = invocations_key(state, endpoint)
    assert len(state.store.get(key).points) == 30
    minute = int(now[0]) - int(now[0]) % 60
    _put_minutes(cw, endpoint, [minute + 60 * m for m in range(20)])
    now[0] += 20 * 60
    proxy.inject(garbage(), "GetMetricData")
    state.apply(r.run(Pane.ENDPOINTS))
    proxy.clear()
    state.apply(r.run(Pane.ENDPOINTS))
    assert_no_minute_missing(cw, endpoint, now[0], state.store.get(key).points, expect=50)


def test_an_html_page_instead_of_list_endpoints_keeps_the_last_endpoints(proxy, account):
    r, state, _ = good_refresh(proxy, account)
    proxy.inject(garbage(), "ListEndpoints")
    report, _ = timed_run(r)
    state.apply(report)
    assert account["endpoint"] in [e.name for e in state.inventory.endpoints] and state.stale, report
