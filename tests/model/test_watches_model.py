"""The watch rules (tui/model/watches.py) on synthetic inventories and series: one event per change of
status, end, failure, newly flagged host, threshold crossing and alarm state, and never one twice."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta, timezone

import pytest

from tui.model.alarms import alarm_pane_rows, mark_alarmed_rows
from tui.model.catalog import Kind
from tui.model.kinds import Pane
from tui.model.overview import pane_rows
from tui.model.plan import EndpointKeys, job_host_key
from tui.model.resources import Alarm, Endpoint, Inventory, Job, Variant, default_hosts
from tui.model.series import SeriesStore
from tui.model.watches import WatchBook

NOW = int(time.time())
MIN = NOW - NOW % 60
R = "us-east-1"


def put(store: SeriesStore, key, values: dict[int, float]) -> None:
    """``values`` maps minutes ago to a value."""
    store.ensure(key, 60).merge([MIN - m * 60 for m in values], list(values.values()))


def _job(status: str = "InProgress", hosts: int = 2, **kw) -> Job:
    nowdt = datetime.fromtimestamp(NOW, timezone.utc)
    return Job(Kind.TRAINING_JOB, "bert", status, R, instance_type="ml.g5.xlarge", instance_count=hosts,
               creation_time=nowdt - timedelta(hours=1), start_time=nowdt - timedelta(minutes=50),
               hosts=default_hosts(Kind.TRAINING_JOB, "bert", hosts), **kw)


def _kinds(events):
    return [e.kind for e in events]


@pytest.fixture
def store():
    return SeriesStore(3 * 3600)


def _disks(store, job, values):
    for host, v in zip(job.hosts, values):
        put(store, job_host_key(job, "DiskUtilization", host), {m: v for m in range(1, 6)})


def test_status_change_end_and_no_repeat(store):
    book = WatchBook()
    job = _job()
    _disks(store, job, [40.0, 40.0])
    book.watch(job, Inventory(jobs=[job]), store, NOW)
    assert book.update(Inventory(jobs=[job]), store, NOW) == []  # nothing changed
    stopping = dataclasses.replace(job, status="Stopping")
    events = book.update(Inventory(jobs=[stopping]), store, NOW)
    assert _kinds(events) == ["status"] and "InProgress → Stopping" in events[0].text
    done = dataclasses.replace(job, status="Completed", end_time=datetime.fromtimestamp(NOW, timezone.utc))
    events = book.update(Inventory(jobs=[done]), store, NOW)
    assert _kinds(events) == ["ended"] and events[0].level == "ok" and events[0].name == "bert"
    assert book.update(Inventory(jobs=[done]), store, NOW) == []  # the same state: no second event
    assert _kinds(book.events) == ["status", "ended"]


def test_failure_is_one_event_with_its_reason(store):
    book = WatchBook()
    job = _job()
    book.watch(job, Inventory(jobs=[job]), store, NOW)
    failed = dataclasses.replace(job, status="Failed", failure_reason="AlgorithmError: CUDA out of memory")
    events = book.update(Inventory(jobs=[failed]), store, NOW)
    assert _kinds(events) == ["failed"] and events[0].level == "crit" and "CUDA out of memory" in events[0].text


def test_newly_flagged_host_once(store):
    book = WatchBook()
    job = _job()
    _disks(store, job, [40.0, 40.0])
    book.watch(job, Inventory(jobs=[job]), store, NOW)
    _disks(store, job, [40.0, 97.0])  # algo-2's disk fills up
    events = book.update(Inventory(jobs=[job]), store, NOW)
    assert _kinds(events) == ["host-flag"] and "algo-2" in events[0].text and events[0].level == "crit"
    assert book.update(Inventory(jobs=[job]), store, NOW) == []


def test_endpoint_error_rate_crosses_its_threshold_and_back(store):
    book = WatchBook()
    ep = Endpoint("fraud", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
    k = EndpointKeys(ep, "AllTraffic")
    put(store, k.invocations, {m: 1000.0 for m in range(1, 6)})
    put(store, k.errors_5xx, {m: 0.0 for m in range(1, 6)})
    inv = Inventory(endpoints=[ep])
    book.watch(ep, inv, store, NOW)
    put(store, k.errors_5xx, {m: 100.0 for m in range(1, 6)})  # 10 %: over the critical 5 %
    events = book.update(inv, store, NOW)
    assert _kinds(events) == ["threshold"] and "5XX error rate" in events[0].text and "10.0%" in events[0].text
    assert events[0].level == "crit"
    assert book.update(inv, store, NOW) == []
    put(store, k.errors_5xx, {m: 0.0 for m in range(1, 6)})
    events = book.update(inv, store, NOW)
    assert _kinds(events) == ["threshold"] and "back under" in events[0].text and events[0].level == "ok"


def test_endpoint_latency_crosses_its_threshold(store):
    book = WatchBook()
    ep = Endpoint("slow", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
    k = EndpointKeys(ep, "AllTraffic")
    put(store, k.latency_p99, {1: 200_000.0})  # 200 ms
    inv = Inventory(endpoints=[ep])
    book.watch(ep, inv, store, NOW)
    put(store, k.latency_p99, {0: 2_000_000.0})  # 2 s: over the 1 s warning
    events = book.update(inv, store, NOW)
    assert _kinds(events) == ["threshold"] and "p99 latency" in events[0].text and events[0].level == "warn"


def test_alarm_flip_on_a_watched_resource_and_on_a_watched_alarm(store):
    ep = Endpoint("fraud", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
    alarm = Alarm("fraud-5xx", "OK", R, "AWS/SageMaker", "Invocation5XXErrors",
                  {"EndpointName": "fraud", "VariantName": "AllTraffic"})
    book = WatchBook()
    book.watch(ep, Inventory(endpoints=[ep], alarms=[alarm]), store, NOW)
    book.watch(alarm, Inventory(endpoints=[ep], alarms=[alarm]), store, NOW)
    firing = dataclasses.replace(alarm, state="ALARM")
    events = book.update(Inventory(endpoints=[ep], alarms=[firing]), store, NOW)
    assert sorted(e.name for e in events) == ["fraud", "fraud-5xx"]
    assert all(e.kind == "alarm" and "OK → ALARM" in e.text and e.level == "crit" for e in events)
    assert book.update(Inventory(endpoints=[ep], alarms=[firing]), store, NOW) == []


def test_a_resource_missing_from_one_refresh_keeps_its_last_state(store):
    book = WatchBook()
    job = _job()
    book.watch(job, Inventory(jobs=[job]), store, NOW)
    assert book.update(Inventory(), store, NOW) == []
    assert book.update(Inventory(jobs=[job]), store, NOW) == []
    assert book.toggle(job, Inventory(jobs=[job]), store, NOW) is False and not book.watches


def test_alarm_pane_rows_and_marks(store):
    ep = Endpoint("fraud", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
    quiet = Endpoint("quiet", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
    job = _job()
    alarms = [Alarm("fraud-5xx", "ALARM", R, "AWS/SageMaker", "Invocation5XXErrors",
                    {"EndpointName": "fraud", "VariantName": "AllTraffic"}, reason="Threshold Crossed"),
              Alarm("bert-disk", "ALARM", R, "/aws/sagemaker/TrainingJobs", "DiskUtilization",
                    {"Host": "bert/algo-1"}),
              Alarm("quiet-lat", "OK", R, "AWS/SageMaker", "ModelLatency", {"EndpointName": "quiet"})]
    inv = Inventory(endpoints=[ep, quiet], jobs=[job], alarms=alarms)
    rows = {r.name: r for r in alarm_pane_rows(inv, store, NOW)}
    assert rows["fraud-5xx"].cells["resource"].text == "fraud" and rows["fraud-5xx"].cells["state"].level == "crit"
    assert rows["bert-disk"].cells["resource"].text == "bert"
    assert rows["quiet-lat"].cells["state"].level == "ok"
    eps = {r.name: r for r in pane_rows(Pane.ENDPOINTS, inv, store, NOW)}
    assert eps["fraud"].cells["name"].level == "crit" and eps["fraud"].cells["name"].text.endswith(" fraud")
    assert eps["quiet"].cells["name"].level == "" and eps["quiet"].cells["name"].text == "quiet"
    jobs = pane_rows(Pane.JOBS, inv, store, NOW)
    assert jobs[0].cells["name"].level == "crit"
    other_region = [dataclasses.replace(a, region="eu-west-1") for a in alarms]
    rows = pane_rows(Pane.ENDPOINTS, Inventory(endpoints=[ep], alarms=other_region), store, NOW)
    mark_alarmed_rows(rows, Inventory(alarms=other_region))
    assert rows[0].cells["name"].text == "fraud"  # an alarm of another region does not mark it


def test_an_alarm_has_its_cloudwatch_console_page_and_arn():
    from tui.model.console_url import console_url, resource_arn

    a = Alarm("fraud-5xx", "ALARM", "eu-west-1", arn="arn:aws:cloudwatch:eu-west-1:123456789012:alarm:fraud-5xx")
    assert console_url(a) == ("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
                              "#alarmsV2:alarm/fraud-5xx")
    assert resource_arn(a, "123456789012") == a.arn
