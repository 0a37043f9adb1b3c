"""The GetMetricData engine against a real moto server: exact values, batching,
incremental windows, late-point replacement and gap backfill after an outage."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import boto3
import pytest
from botocore.config import Config

from tui.aws.metrics import MAX_QUERIES_PER_CALL, MetricEngine, MetricRequest, choose_period, query_id
from tui.model.series import SeriesKey, SeriesStore


def _ts(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def _base() -> int:
    now = int(time.time())
    return now - now % 60 - 2 * 3600  # two hours ago, on a minute boundary


def _record_requests(client):
    seen = []
    client.meta.events.register("provide-client-params.cloudwatch.GetMetricData",
                                lambda params, **kw: seen.append(dict(params)))
    return seen


def test_exact_values_sum_average_and_gaps(clients, writer, unique):
    cw_w = writer("cloudwatch")
    ns, base = f"Test/{unique}", _base()
    dims = [{"Name": "EndpointName", "Value": "ep"}, {"Name": "VariantName", "Value": "AllTraffic"}]
    # minute 0: values 1, 2, 3; minute 1: none (a gap); minute 2: value 10
    cw_w.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": _ts(base + 5), "Value": v}
        for v in (1.0, 2.0, 3.0)] + [
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": _ts(base + 125), "Value": 10.0}])
    store = SeriesStore(window=3 * 3600)
    engine = MetricEngine(clients.cloudwatch, store)
    d = (("EndpointName", "ep"), ("VariantName", "AllTraffic"))
    k_sum = SeriesKey(ns, "Invocations", d, "Sum", "us-east-1")
    k_avg = SeriesKey(ns, "Invocations", d, "Average", "us-east-1")
    k_max = SeriesKey(ns, "Invocations", d, "Maximum", "us-east-1")
    res = engine.fetch([MetricRequest(k_sum), MetricRequest(k_avg), MetricRequest(k_max)], now=base + 240)
    assert res.ok and res.updated == {k_sum, k_avg, k_max}
    assert store.get(k_sum).values(end=base + 180, count=4) == [6.0, None, 10.0, None]
    assert store.get(k_avg).values(end=base + 120, count=3) == [2.0, None, 10.0]
    assert store.get(k_max).values(end=base + 120, count=3) == [3.0, None, 10.0]
    assert res.usage.api_calls == 1 and res.usage.metrics_requested == 3 and res.usage.datapoints == 6


def test_1201_queries_make_three_calls_with_stable_ids(clients, writer, unique):
    ns, base = f"Test/{unique}", _base()
    now = base + 600
    store = SeriesStore(window=900)  # a short window keeps the server's work small
    engine = MetricEngine(clients.cloudwatch, store, max_workers=1)
    cw = clients.cloudwatch()
    seen = _record_requests(cw)
    reqs = [MetricRequest(SeriesKey(ns, "CPUUtilization", (("Host", f"job/algo-{i}"),), "Average", "us-east-1"))
            for i in range(1201)]
    writer("cloudwatch").put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "CPUUtilization", "Dimensions": [{"Name": "Host", "Value": "job/algo-7"}],
         "Timestamp": _ts(now - 120), "Value": 42.0}])
    res = engine.fetch(reqs, now=now)
    assert res.ok
    assert [len(p["MetricDataQueries"]) for p in seen] == [500, 500, 201]
    assert res.usage.metric_data_calls == 3 and res.usage.metrics_requested == 1201
    assert all(p["ScanBy"] == "TimestampAscending" for p in seen)
    assert store.get(reqs[7].key).last_value() == 42.0
    assert store.get(reqs[8].key).last_value() is None  # fetched, no data: no fake zero
    ids = [q["Id"] for p in seen for q in p["MetricDataQueries"]]
    assert len(set(ids)) == 1201 and ids[7] == query_id(reqs[7].key, 60)
    assert MAX_QUERIES_PER_CALL == 500


def test_incremental_window_late_points_and_gap_backfill(clients, writer, unique, moto_url):
    cw_w = writer("cloudwatch")
    ns, base = f"Test/{unique}", _base()
    key = SeriesKey(ns, "Invocations", (("EndpointName", "e"),), "Sum", "us-east-1")
    dims = [{"Name": "EndpointName", "Value": "e"}]

    def put(minute: int, value: float):
        cw_w.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": _ts(base + minute * 60 + 1),
             "Value": value}])

    store = SeriesStore(window=3600)
    live = clients.cloudwatch()
    seen = _record_requests(live)
    state = {"down": False}
    dead = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                        aws_access_key_id="x", aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 1}, connect_timeout=0.5))
    engine = MetricEngine(lambda region: dead if state["down"] else live, store)

    for m in range(0, 10):
        put(m, 1.0)
    engine.fetch([MetricRequest(key)], now=base + 10 * 60)
    first = seen[-1]
    assert int(first["EndTime"].timestamp()) - int(first["StartTime"].timestamp()) >= 3600  # whole window

    # A late point for minute 8 arrives (its Sum grows), plus a new minute 10.
    put(8, 4.0)
    put(10, 1.0)
    engine.fetch([MetricRequest(key)], now=base + 11 * 60)
    second = seen[-1]
    assert int(second["StartTime"].timestamp()) == base + 10 * 60 - 300  # last complete point - overlap
    assert store.get(key).points[base + 8 * 60] == 5.0  # replaced, not duplicated

    # Outage: refreshes fail for 30 minutes while points keep arriving.
    state["down"] = True
    for m in range(11, 41):
        put(m, 2.0)
    failed = engine.fetch([MetricRequest(key)], now=base + 25 * 60)
    assert not failed.ok and failed.errors and failed.errors[0].key == key
    state["down"] = False
    engine.fetch([MetricRequest(key)], now=base + 41 * 60)
    third = seen[-1]
    assert int(third["StartTime"].timestamp()) == base + 11 * 60 - 300  # covers the whole gap
    values = store.get(key).values(end=base + 40 * 60, count=41)
    assert None not in values, "a minute was lost"
    assert values[8] == 5.0 and values[11:] == [2.0] * 30


@pytest.mark.parametrize("window, published, expected", [
    (3600, 60, 60),
    (3 * 3600, 10, 10),          # high resolution within 3 h
    (12 * 3600, 10, 60),         # beyond 3 h only 1-minute data
    (24 * 3600, 60, 60),
    (20 * 86400, 60, 300),       # older than 15 days: 5-minute retention
    (100 * 86400, 60, 3600),     # older than 63 days: 1-hour retention
    (3600, 300, 300),            # never finer than published
])
def test_choose_period(window, published, expected):
    assert choose_period(window, now=0, published=published) == expected


def test_next_token_pages_and_internal_error_status_with_stubber():
    """Paging and per-series InternalError, validated against the real API model (Stubber)."""
    from botocore.stub import ANY, Stubber

    cw = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    store = SeriesStore(window=3600)
    engine = MetricEngine(lambda region: cw, store)
    now = 1_800_000_000 - 1_800_000_000 % 60
    good = SeriesKey("AWS/SageMaker", "Invocations", (("EndpointName", "a"), ("VariantName", "v")), "Sum")
    bad = SeriesKey("AWS/SageMaker", "Invocations", (("EndpointName", "b"), ("VariantName", "v")), "Sum")
    qg, qb = query_id(good, 60), query_id(bad, 60)
    t = lambda m: _ts(now - 600 + m * 60)  # noqa: E731
    with Stubber(cw) as stub:
        stub.add_response("get_metric_data", {
            "MetricDataResults": [
                {"Id": qg, "Label": "a", "Timestamps": [t(0), t(1)], "Values": [1.0, 2.0], "StatusCode": "PartialData"},
                {"Id": qb, "Label": "b", "Timestamps": [], "Values": [], "StatusCode": "InternalError"},
            ],
            "NextToken": "page-2",
        }, {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY, "ScanBy": "TimestampAscending"})
        stub.add_response("get_metric_data", {
            "MetricDataResults": [
                {"Id": qg, "Label": "a", "Timestamps": [t(2)], "Values": [3.0], "StatusCode": "Complete"},
            ],
        }, {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY, "ScanBy": "TimestampAscending",
            "NextToken": "page-2"})
        res = engine.fetch([MetricRequest(good), MetricRequest(bad)], now=now)
        stub.assert_no_pending_responses()
    assert store.get(good).sorted_items() == [(now - 600, 1.0), (now - 540, 2.0), (now - 480, 3.0)]
    assert res.usage.metric_data_calls == 2 and res.usage.metrics_requested == 4
    assert [e.key for e in res.errors] == [bad] and res.errors[0].code == "InternalError"
    # the failed series is not marked fetched: the next refresh asks for its whole window again
    assert (bad, 60) not in engine.fetched_until and engine.fetched_until[(good, 60)] == now


def test_forbidden_and_missing_results_mark_only_their_series_with_stubber():
    """A Forbidden result (cross-account access not shared) and a query the answer leaves out
    fail only their series, with a reason, and are asked for again next time; an answer with
    no results at all (not a GetMetricData answer) fails the call instead of reading as empty."""
    from botocore.stub import ANY, Stubber

    cw = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    store = SeriesStore(window=3600)
    engine = MetricEngine(lambda region: cw, store)
    now = 1_800_000_000 - 1_800_000_000 % 60
    keys = [SeriesKey("AWS/SageMaker", "Invocations", (("EndpointName", n), ("VariantName", "v")), "Sum")
            for n in ("ok", "other-account", "left-out")]
    ok, forbidden, missing = keys
    params = {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY, "ScanBy": "TimestampAscending"}
    with Stubber(cw) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {"Id": query_id(ok, 60), "Label": "ok", "Timestamps": [_ts(now - 120)], "Values": [5.0],
             "StatusCode": "Complete"},
            {"Id": query_id(forbidden, 60), "Label": "x", "Timestamps": [], "Values": [], "StatusCode": "Forbidden"},
        ]}, params)
        res = engine.fetch([MetricRequest(k) for k in keys], now=now)
        stub.add_response("get_metric_data", {"Messages": []}, params)  # no MetricDataResults at all
        empty = engine.fetch([MetricRequest(ok)], now=now + 600)
        stub.assert_no_pending_responses()
    codes = {e.key: e.code for e in res.errors}
    assert codes == {forbidden: "Forbidden", missing: "MissingResult"}
    assert "cross-account" in next(e.message for e in res.errors if e.code == "Forbidden")
    assert (forbidden, 60) not in engine.fetched_until and (missing, 60) not in engine.fetched_until
    assert engine.fetched_until[(ok, 60)] == now and store.get(ok).sorted_items() == [(now - 120, 5.0)]
    assert empty.call_errors and "InvalidResponse" in empty.call_errors[0]
    assert engine.fetched_until[(ok, 60)] == now  # not advanced: those minutes are read again


def test_an_internal_error_answered_on_the_next_page_is_not_a_failure_with_stubber():
    from botocore.stub import ANY, Stubber

    cw = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    store = SeriesStore(window=3600)
    engine = MetricEngine(lambda region: cw, store)
    now = 1_800_000_000 - 1_800_000_000 % 60
    key = SeriesKey("AWS/SageMaker", "Invocations", (("EndpointName", "a"), ("VariantName", "v")), "Sum")
    qid = query_id(key, 60)
    params = {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY, "ScanBy": "TimestampAscending"}
    with Stubber(cw) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {"Id": qid, "Label": "a", "Timestamps": [], "Values": [], "StatusCode": "InternalError"}],
            "NextToken": "again"}, params)
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {"Id": qid, "Label": "a", "Timestamps": [_ts(now - 60)], "Values": [7.0], "StatusCode": "Complete"}]},
            {**params, "NextToken": "again"})
        res = engine.fetch([MetricRequest(key)], now=now)
        stub.assert_no_pending_responses()
    assert res.errors == [] and store.get(key).sorted_items() == [(now - 60, 7.0)]
    assert engine.fetched_until[(key, 60)] == now
