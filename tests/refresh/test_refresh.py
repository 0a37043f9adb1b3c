"""The refresh layer on a local moto server: what is fetched when, failures, never a traceback."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from tui.aws.session import AwsClients, AwsSettings
from tui.model.catalog import Kind
from tui.model.plan import EndpointKeys
from tui.model.schedule import RefreshRequest
from tui.model.kinds import Pane
from tui.model.resources import DiscoveryError, Endpoint, Inventory, Job, Pipeline, Variant, default_hosts
from tui.model.state import AppState, merge_inventory
from tui.refresh import Refresher, RefreshScheduler, snapshot

REGION = "us-east-1"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def moto_url():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    cw = boto3.client("cloudwatch", endpoint_url=url, region_name=REGION, **CREDS)
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    dims = [{"Name": "EndpointName", "Value": "ep-a"}, {"Name": "VariantName", "Value": "AllTraffic"}]
    cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": now - timedelta(minutes=m), "Value": 10.0 * m}
        for m in range(1, 11)])
    cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[
        {"MetricName": "ModelLatency", "Dimensions": dims, "Timestamp": now - timedelta(minutes=m), "Value": 1000.0}
        for m in range(1, 11)])
    yield url
    server.stop()


def clients(url: str, max_attempts: int = 1) -> AwsClients:
    return AwsClients(AwsSettings(regions=(REGION,), endpoint_url=url, credentials=CREDS, max_attempts=max_attempts))


EP = Endpoint("ep-a", "InService", REGION, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
NOW = datetime.now(timezone.utc)
JOB = Job(Kind.TRAINING_JOB, "train-1", "InProgress", REGION, instance_type="ml.p3.2xlarge", instance_count=2,
          start_time=NOW - timedelta(minutes=20), hosts=default_hosts(Kind.TRAINING_JOB, "train-1", 2))


class FakeDiscovery:
    """Records what each refresh asked for; answers from a fixed inventory."""

    def __init__(self, fail: set[Kind] | None = None) -> None:
        self.calls: list[set[Kind]] = []
        self.fail = fail or set()

    def __call__(self, _clients, _regions, *, kinds):
        kinds = set(kinds)
        self.calls.append(kinds)
        inv = Inventory(fetched_at=datetime.now(timezone.utc))
        if Kind.ENDPOINT in kinds and Kind.ENDPOINT not in self.fail:
            inv.endpoints = [EP]
        if Kind.TRAINING_JOB in kinds and Kind.TRAINING_JOB not in self.fail:
            inv.jobs = [JOB]
        if Kind.PIPELINE in kinds:
            inv.pipelines = [Pipeline("pl", REGION)]
        for k in self.fail & kinds:
            inv.errors.append(DiscoveryError(k.value, "List", "AccessDenied", "not allowed", REGION))
        return inv


def test_first_refresh_is_full_then_visible_pane_only(moto_url):
    disc = FakeDiscovery()
    r = Refresher(clients(moto_url), 3600, discover=disc, full_every=3)
    r.percentiles = False  # moto cannot compute p50/p99
    rep1 = r.run(Pane.ENDPOINTS)
    assert rep1.full and set(rep1.panes) == set(Pane)
    assert disc.calls[0] >= {Kind.ENDPOINT, Kind.TRAINING_JOB, Kind.PIPELINE, Kind.FEATURE_GROUP}
    # endpoint (7 series without percentiles: an ml.c5 publishes no GPUUtilization) + 2 hosts x 4
    # metrics + pipeline 4
    assert rep1.series == 7 + 8 + 4
    rep2 = r.run(Pane.ENDPOINTS)
    assert not rep2.full and rep2.panes == (Pane.ENDPOINTS,)
    assert disc.calls[1] == {Kind.ENDPOINT}
    assert rep2.series == 7
    rep3 = r.run(Pane.JOBS)
    assert disc.calls[2] == {Kind.TRAINING_JOB, Kind.PROCESSING_JOB, Kind.TRANSFORM_JOB}
    assert rep3.series == 8
    assert r.run(Pane.ENDPOINTS).full  # every 3rd
    # the numbers landed in the snapshot, and the snapshot is independent of later fetches
    key = EndpointKeys(EP, "AllTraffic").invocations
    s = rep1.store.get(key)
    assert s is not None and sorted(s.points.values())[-1] == 100.0
    assert rep1.store is not r.store


def test_usage_counts_calls_and_metrics(moto_url):
    r = Refresher(clients(moto_url), 3600, discover=FakeDiscovery())
    r.percentiles = False
    rep = r.run(Pane.ENDPOINTS)
    assert rep.usage.metrics_requested == rep.series
    assert rep.usage.by_operation.get("GetMetricData", 0) >= 1
    assert rep.usage.api_calls >= 1


class RefusesPercentiles:
    """A CloudWatch client that answers HTTP 500 to any percentile query (as plain moto does)."""

    def __init__(self, real) -> None:
        self.real = real

    def get_metric_data(self, **kw):
        from botocore.exceptions import ClientError

        if any(q["MetricStat"]["Stat"].startswith("p") for q in kw["MetricDataQueries"]):
            raise ClientError({"Error": {"Code": "InternalFailure", "Message": "Internal Server Error"},
                               "ResponseMetadata": {"HTTPStatusCode": 500}}, "GetMetricData")
        return self.real.get_metric_data(**kw)


def test_percentiles_refused_do_not_take_other_series_down(moto_url):
    c = clients(moto_url)
    r = Refresher(c, 3600, discover=FakeDiscovery())
    r.engine._cloudwatch_for = lambda region: RefusesPercentiles(c.cloudwatch(region))
    t0 = time.time()
    rep = r.run(Pane.ENDPOINTS, full=False)
    assert time.time() - t0 < 30
    assert not r.percentiles
    assert rep.ok, rep.errors
    assert any("percentiles" in w for w in rep.warnings)
    key = EndpointKeys(EP, "AllTraffic").invocations
    assert rep.store.get(key) is not None and rep.store.get(key).points


def test_discovery_failure_keeps_last_good_inventory(moto_url):
    disc = FakeDiscovery()
    r = Refresher(clients(moto_url), 3600, discover=disc, full_every=100)
    r.percentiles = False
    r.run(Pane.ENDPOINTS)
    disc.fail = {Kind.ENDPOINT}
    rep = r.run(Pane.ENDPOINTS)
    assert not rep.ok and "access denied" in rep.errors[0]
    assert [e.name for e in rep.inventory.endpoints] == ["ep-a"]
    state = AppState()
    state.apply(rep)
    assert state.stale and state.inventory.endpoints


def test_unreachable_endpoint_is_an_error_line_not_an_exception():
    r = Refresher(clients("http://127.0.0.1:9"), 3600)
    rep = r.run(Pane.ENDPOINTS)
    assert not rep.ok
    assert "cannot reach" in " ".join(rep.errors) or "cannot list" in " ".join(rep.errors)


def test_growing_the_window_refetches_from_the_start(moto_url):
    r = Refresher(clients(moto_url), 3600, discover=FakeDiscovery())
    r.percentiles = False
    r.run(Pane.ENDPOINTS)
    assert r.engine.fetched_until
    rep = r.run(RefreshRequest(Pane.ENDPOINTS, window=12 * 3600))
    assert rep.store.window == 12 * 3600
    assert r.store.window == 12 * 3600


def test_merge_inventory_keeps_old_for_failed_and_unasked_kinds():
    old = Inventory(endpoints=[EP], jobs=[JOB], pipelines=[Pipeline("old", REGION)])
    new = Inventory(endpoints=[], pipelines=[Pipeline("new", REGION)],
                    errors=[DiscoveryError("endpoint", "ListEndpoints", "AccessDenied", "no", REGION)])
    out = merge_inventory(old, new, {Kind.ENDPOINT, Kind.PIPELINE})
    assert [e.name for e in out.endpoints] == ["ep-a"]  # failed: last good kept
    assert [p.name for p in out.pipelines] == ["new"]  # listed: fresh
    assert out.jobs == [JOB]  # not asked: kept
    partial = Inventory(endpoints=[], errors=[DiscoveryError("endpoint", "DescribeEndpoint", "Throttling", "x",
                                                             REGION, partial=True)])
    assert merge_inventory(old, partial, {Kind.ENDPOINT}).endpoints == []


def test_snapshot_is_a_deep_copy(moto_url):
    r = Refresher(clients(moto_url), 3600, discover=FakeDiscovery())
    r.percentiles = False
    r.run(Pane.ENDPOINTS)
    snap = snapshot(r.store)
    key = EndpointKeys(EP, "AllTraffic").invocations
    before = dict(snap.get(key).points)
    assert before
    r.store.get(key).merge([max(before) + 60], [1.0])  # written through the series: copied first
    r.store.get(key).points = {}
    assert dict(snap.get(key).points) == before


class FakeApp:
    """Stands in for the Textual app: runs workers as threads, collects messages."""

    def __init__(self) -> None:
        self.messages = []
        self.threads = []

    def run_worker(self, fn, **_kw):
        t = threading.Thread(target=self._run, args=(fn,))
        self.threads.append(t)
        t.start()
        return None

    def _run(self, fn):
        import textual.worker as w

        class _W:
            is_cancelled = False

        orig = w.get_current_worker
        w.get_current_worker = lambda: _W()
        try:
            fn()
        finally:
            w.get_current_worker = orig

    def post_message(self, m):
        self.messages.append(m)


def test_scheduler_never_overlaps_and_honours_pause():
    clock = [0.0]
    started = []
    gate = threading.Event()

    class SlowRefresher:
        def run(self, pane, full=False, cancelled=lambda: False, progress=None):
            started.append((pane, full))
            gate.wait(5)
            from tui.model.state import RefreshReport
            return RefreshReport(0, 0, (pane,), full)

    app = FakeApp()
    sch = RefreshScheduler(app, SlowRefresher(), 60, lambda: Pane.JOBS, clock=lambda: clock[0])
    sch.tick()
    assert sch.running and len(app.threads) == 1
    assert sch.request() is False  # queued behind the running one
    sch.tick()
    assert len(app.threads) == 1  # never two at once
    gate.set()
    app.threads[0].join(5)
    sch.finished()
    sch.tick()  # the queued request runs now
    assert len(app.threads) == 2
    app.threads[1].join(5)
    sch.finished()
    sch.set_paused(True)
    clock[0] += 3600
    sch.tick()
    assert len(app.threads) == 2 and sch.seconds_left() is None
    sch.set_paused(False)
    sch.tick()
    assert len(app.threads) == 3
    app.threads[2].join(5)
    assert started[0] == (Pane.JOBS, False)


def test_scheduler_backs_off_while_throttled_and_returns_to_normal():
    from tui.model.state import RefreshReport
    from tui.refresh import MAX_BACKOFF

    clock = [0.0]
    outcome = {"throttled": True}

    class Throttled:
        def run(self, pane, full=False, cancelled=lambda: False, progress=None):
            if outcome["throttled"]:
                return RefreshReport(0, 0, (pane,), full, errors=["throttled by AWS"], throttled=True)
            return RefreshReport(0, 0, (pane,), full)

    app = FakeApp()
    sch = RefreshScheduler(app, Throttled(), 60, lambda: Pane.ENDPOINTS, clock=lambda: clock[0])
    gaps = []
    for _ in range(5):
        sch.tick()
        app.threads[-1].join(5)
        sch.finished(app.messages[-1].report)
        gaps.append(sch.seconds_left())
        clock[0] += sch.seconds_left()
    assert gaps == [120.0, 240.0, 480.0, 60.0 * MAX_BACKOFF, 60.0 * MAX_BACKOFF]  # doubling, capped
    outcome["throttled"] = False
    sch.tick()
    app.threads[-1].join(5)
    sch.finished(app.messages[-1].report)
    assert sch.backoff == 1 and sch.seconds_left() == 60.0  # back to normal by itself
