"""GetMetricData timestamps parsed straight to epoch ints (tui/aws/raw_timestamps.py) against the
moto server: the same values and instants plain boto3 reads, only for GetMetricData, on every
session the app makes (renewed, role sessions), still guarded read-only; and the heap trim after
a big fetch (tui/aws/heap.py)."""

from __future__ import annotations

import gc
import os
import sys
import time
from datetime import datetime, timedelta, timezone

import boto3
import botocore.session
import pytest

from tui.aws import heap
from tui.aws.guard import ReadOnlyViolation
from tui.aws.metrics import MetricEngine, MetricRequest
from tui.aws.raw_timestamps import EpochParserFactory, wire_epoch
from tui.aws.session import AwsClients, AwsSettings
from tui.model.series import SeriesKey, SeriesStore

from tests.conftest import CREDENTIALS, REGION


def _put_series(cw, ns: str, now: int) -> tuple[list[dict], list[SeriesKey]]:
    """Three series over the last 40 minutes, points off the minute (moto answers the instants
    as put), one with gaps; returns the queries and the engine's keys for them."""
    base = now - now % 60 - 40 * 60
    data = []
    for i, (metric, every) in enumerate((("Invocations", 1), ("ModelLatency", 1), ("Errors", 3))):
        for m in range(0, 40, every):
            data.append({"MetricName": metric, "Dimensions": [{"Name": "EndpointName", "Value": "ep"}],
                         "Timestamp": datetime.fromtimestamp(base + m * 60 + 7 + i, timezone.utc),
                         "Value": float(m * 3 + i) + 0.5})
    for k in range(0, len(data), 500):
        cw.put_metric_data(Namespace=ns, MetricData=data[k:k + 500])
    keys = [SeriesKey(ns, metric, (("EndpointName", "ep"),), stat, REGION)
            for metric in ("Invocations", "ModelLatency", "Errors") for stat in ("Sum", "Average")]
    queries = [{"Id": f"q{i}", "MetricStat": {"Metric": {"Namespace": ns, "MetricName": k.metric,
                                                         "Dimensions": [{"Name": "EndpointName", "Value": "ep"}]},
                                              "Period": 60, "Stat": k.stat}}
               for i, k in enumerate(keys)]
    return queries, keys


def _range(now: int) -> tuple[int, int]:
    """The last hour on the minute grid (the range the engine asks for a 1 h window)."""
    return now - 3600 - (now - 3600) % 60, now - now % 60 + 60


def _gmd(cw, queries: list[dict], now: int) -> dict:
    start, end = _range(now)
    return cw.get_metric_data(MetricDataQueries=queries, StartTime=datetime.fromtimestamp(start, timezone.utc),
                              EndTime=datetime.fromtimestamp(end, timezone.utc), ScanBy="TimestampAscending")


def test_app_client_answers_epoch_ints_equal_to_plain_boto3(clients, writer, unique):
    now = int(time.time())
    queries, _keys = _put_series(writer("cloudwatch"), f"Raw/{unique}", now)
    plain = _gmd(writer("cloudwatch"), queries, now)["MetricDataResults"]
    raw = _gmd(clients.cloudwatch(), queries, now)["MetricDataResults"]
    assert [r["Id"] for r in raw] == [r["Id"] for r in plain] == [q["Id"] for q in queries]
    points = 0
    for a, b in zip(raw, plain):
        assert a["Values"] == b["Values"] and a["StatusCode"] == b["StatusCode"] == "Complete"
        assert all(type(t) is int for t in a["Timestamps"])
        assert all(isinstance(t, datetime) for t in b["Timestamps"])
        assert a["Timestamps"] == [int(t.timestamp()) for t in b["Timestamps"]]
        points += len(a["Values"])
    assert points == 2 * (40 + 40 + 14)  # every point put came back, to the second


def test_engine_store_is_the_same_through_app_and_plain_clients(clients, writer, unique):
    """The metric engine fed by the app's client (ints) and by a plain boto3 client (datetimes)
    holds identical series, and those are plain boto3's values on the minute grid."""
    now = int(time.time())
    queries, keys = _put_series(writer("cloudwatch"), f"Raw/{unique}", now)
    plain_cw = boto3.Session(region_name=REGION, **CREDENTIALS).client("cloudwatch", endpoint_url=clients.endpoint_url)
    stores = []
    for cloudwatch_for in (clients.cloudwatch, lambda region: plain_cw):
        store = SeriesStore(window=3600)
        res = MetricEngine(cloudwatch_for, store).fetch([MetricRequest(k) for k in keys], now=now)
        assert res.ok and res.updated == set(keys) and res.usage.datapoints == 2 * (40 + 40 + 14)
        stores.append(store)
    via_app, via_plain = stores
    reference = _gmd(writer("cloudwatch"), queries, now)["MetricDataResults"]
    for key, ref in zip(keys, reference):
        assert via_app.get(key) == via_plain.get(key)
        expected = [(int(t.timestamp()) // 60 * 60, v) for t, v in zip(ref["Timestamps"], ref["Values"])]
        assert via_app.get(key).sorted_items() == expected


def test_only_get_metric_data_is_raw(clients, writer, unique):
    """Every other answer keeps botocore's datetimes (alarms' state times, a listing's dates)."""
    writer("cloudwatch").put_metric_alarm(
        AlarmName=f"a-{unique}", MetricName="Invocations", Namespace=f"Raw/{unique}", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold")
    alarm = clients.cloudwatch().describe_alarms(AlarmNames=[f"a-{unique}"])["MetricAlarms"][0]
    assert isinstance(alarm["StateUpdatedTimestamp"], datetime)
    assert abs(alarm["StateUpdatedTimestamp"].timestamp() - time.time()) < 300


def test_renewed_and_role_sessions_are_raw_and_guarded(clients, writer, unique):
    now = int(time.time())
    queries, _keys = _put_series(writer("cloudwatch"), f"Raw/{unique}", now)
    clients.renew()
    core = botocore.session.get_session()
    core.set_credentials(CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"])
    role = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=clients.endpoint_url,
                                  credentials={"botocore_session": core}))
    assert role.session._session is core
    assert isinstance(core.get_component("response_parser_factory"), EpochParserFactory)
    for c in (clients, role):
        ts = _gmd(c.cloudwatch(), queries, now)["MetricDataResults"][0]["Timestamps"]
        assert ts and all(type(t) is int for t in ts)
        with pytest.raises(ReadOnlyViolation):
            c.cloudwatch().put_metric_data(Namespace=f"Raw/{unique}", MetricData=[{"MetricName": "x", "Value": 1.0}])
    assert writer("cloudwatch").list_metrics(Namespace=f"Raw/{unique}", MetricName="x")["Metrics"] == []


def test_query_protocol_answer_parses_to_the_same_ints(moto_url, writer, unique):
    """The query (XML) protocol sends ISO 8601 text: parsed to the same ints as JSON's numbers."""
    import urllib.parse
    import urllib.request

    now = int(time.time())
    queries, _keys = _put_series(writer("cloudwatch"), f"Raw/{unique}", now)
    start, end = _range(now)
    form = {"Action": "GetMetricData", "Version": writer("cloudwatch").meta.service_model.api_version,
            "ScanBy": "TimestampAscending",
            "StartTime": datetime.fromtimestamp(start, timezone.utc).isoformat(),
            "EndTime": datetime.fromtimestamp(end, timezone.utc).isoformat()}
    q = queries[0]
    form.update({"MetricDataQueries.member.1.Id": q["Id"],
                 "MetricDataQueries.member.1.MetricStat.Metric.Namespace": q["MetricStat"]["Metric"]["Namespace"],
                 "MetricDataQueries.member.1.MetricStat.Metric.MetricName": q["MetricStat"]["Metric"]["MetricName"],
                 "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name": "EndpointName",
                 "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value": "ep",
                 "MetricDataQueries.member.1.MetricStat.Period": "60",
                 "MetricDataQueries.member.1.MetricStat.Stat": "Sum"})
    req = urllib.request.Request(moto_url, data=urllib.parse.urlencode(form).encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/{time.strftime('%Y%m%d', time.gmtime(now))}/"
                         f"{REGION}/monitoring/aws4_request, SignedHeaders=host, Signature=0"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        body, status, headers = resp.read(), resp.status, dict(resp.headers)
    assert b"<Timestamps>" in body
    shape = writer("cloudwatch").meta.service_model.operation_model("GetMetricData").output_shape
    parsed = EpochParserFactory().create_parser("query").parse(
        {"body": body, "status_code": status, "headers": headers}, shape)
    ts = parsed["MetricDataResults"][0]["Timestamps"]
    expected = _gmd(writer("cloudwatch"), queries[:1], now)["MetricDataResults"][0]["Timestamps"]
    assert ts == [int(t.timestamp()) for t in expected] and len(ts) == 40


def test_wire_epoch_of_every_wire_form():
    now = time.time()
    whole = int(now)
    when = datetime.fromtimestamp(whole, timezone.utc)
    assert wire_epoch(whole) == whole
    assert wire_epoch(whole + 0.75) == whole  # a fraction of a second is dropped, never rounded up
    assert wire_epoch(str(whole)) == whole
    assert wire_epoch(when.isoformat()) == whole
    assert wire_epoch(when.strftime("%Y-%m-%dT%H:%M:%SZ")) == whole
    assert wire_epoch(when.strftime("%Y-%m-%dT%H:%M:%S.250Z")) == whole
    east = when.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert wire_epoch(east.isoformat()) == whole
    with pytest.raises(ValueError):
        wire_epoch("not a time")


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux") or not os.path.exists("/proc/self/status"),
                    reason="malloc_trim is glibc's")
def test_heap_trim_gives_freed_memory_back():
    if heap._malloc_trim() is None:
        pytest.skip("no malloc_trim (not glibc)")
    assert heap.after_fetch(heap.TRIM_AFTER_POINTS - 1) is False  # nothing fetched, nothing freed
    gc.collect()
    heap.trim()
    blocks = [bytes(1500) for _ in range(40_000)]  # 60 MB of malloc'd blocks (beyond pymalloc's 512 B)
    keep = blocks[::64]  # a few survivors pin the heap: free() alone cannot shrink it
    del blocks
    before = _rss_kib()
    assert heap.after_fetch(heap.TRIM_AFTER_POINTS) is True
    after = _rss_kib()
    assert before - after > 30_000, (before, after)  # most of the 60 MB is back with the system
    assert len(keep) == 625


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's")
def test_engine_limits_malloc_arenas():
    """The engine caps glibc's arenas before its fetch threads run (each would keep its own)."""
    if heap._libc_function("mallopt", []) is None:
        pytest.skip("no mallopt (not glibc)")
    calls = []
    real = heap._glibc["mallopt"]
    heap._glibc["mallopt"] = lambda param, value: calls.append((param, value)) or 1
    try:
        MetricEngine(lambda region: None, SeriesStore())
    finally:
        heap._glibc["mallopt"] = real
    assert calls == [(heap.M_ARENA_MAX, heap.ARENAS)] and heap.ARENAS <= 2
    assert heap.limit_arenas() is True  # the real call, accepted by glibc


def _two_region_keys(unique: str) -> list[SeriesKey]:
    return [SeriesKey(f"Raw/{unique}", f"M{i}", (("EndpointName", "ep"),), "Sum", region)
            for region in (REGION, "us-west-2") for i in range(10)]


def _in_flight(clients, pause: float = 0.0, barrier=None):
    """Count GetMetricData calls in flight on the app's clients of both regions (events on the
    real clients, answered by moto); ``barrier`` makes each call wait for the other."""
    import threading

    lock, now, seen = threading.Lock(), [0], []

    def before(**kw):
        with lock:
            now[0] += 1
            seen.append(now[0])
        if barrier is not None:
            barrier.wait()
        time.sleep(pause)

    def after(**kw):
        with lock:
            now[0] -= 1

    for region in (REGION, "us-west-2"):
        events = clients.cloudwatch(region).meta.events
        events.register("before-call.cloudwatch.GetMetricData", before)
        events.register("after-call.cloudwatch.GetMetricData", after)
    return seen


def test_big_first_window_calls_run_one_at_a_time(clients, unique, monkeypatch):
    """Two full-window calls (one per region) each above BIG_CALL_POINTS never overlap; below it
    they run side by side (each waits at a barrier for the other: serialised, it would break)."""
    import threading

    from tui.aws import metrics

    now = int(time.time())
    monkeypatch.setattr(metrics, "BIG_CALL_POINTS", 10 * 60)  # 10 series x 3 h is "big"
    seen = _in_flight(clients, pause=0.3)
    engine = MetricEngine(clients.cloudwatch, SeriesStore(window=3 * 3600))
    res = engine.fetch([MetricRequest(k) for k in _two_region_keys(unique)], now=now)
    assert res.ok and res.usage.metric_data_calls == 2 and max(seen) == 1

    monkeypatch.setattr(metrics, "BIG_CALL_POINTS", 10 ** 9)
    barrier = threading.Barrier(2, timeout=10)
    seen = _in_flight(clients, barrier=barrier)
    engine = MetricEngine(clients.cloudwatch, SeriesStore(window=3 * 3600))
    res = engine.fetch([MetricRequest(k) for k in _two_region_keys(f"{unique}b")], now=now)
    assert res.ok and res.usage.metric_data_calls == 2 and max(seen) == 2 and not barrier.broken


def test_service_models_are_plain_dicts_and_clients_still_work(clients, writer, unique):
    """tui/aws/model_files.py: the session's models are plain dicts (an OrderedDict costs about
    half as much again), in botocore's order, and the clients built from them call AWS."""
    from collections import OrderedDict

    loader = clients.session._session.get_component("data_loader")
    model = loader.load_service_model("cloudwatch", "service-2")
    assert type(model) is dict and type(model["shapes"]["GetMetricDataInput"]) is dict
    stock = botocore.session.get_session().get_component("data_loader").load_service_model("cloudwatch", "service-2")
    assert isinstance(stock, OrderedDict) and list(stock["shapes"]) == list(model["shapes"])
    writer("sagemaker").create_model(ModelName=f"m-{unique}", ExecutionRoleArn="arn:aws:iam::123456789012:role/r",
                                     PrimaryContainer={"Image": "img"})
    model = clients.sagemaker().describe_model(ModelName=f"m-{unique}")
    assert model["ModelName"] == f"m-{unique}" and isinstance(model["CreationTime"], datetime)
