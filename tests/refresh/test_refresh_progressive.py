"""Progressive start-up: rows from the listings first, the rows on screen described first.

The account (a region of its own on the shared moto server) holds 240 endpoints created through
boto3, sharing three endpoint configs and three models. Every call the app sends is recorded in
order by a botocore hook on the app's own clients, so the tests can say what had been called
when each partial snapshot was posted.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from tui.aws.session import AwsClients, AwsSettings
from tui.model.kinds import Pane
from tui.model.overview import endpoint_rows
from tui.model.schedule import RefreshRequest
from tui.model.state import AppState
from tui.refresh import Refresher
from tui.refresh_describe import BATCH, WORKERS
from tui.widgets.status_bar import status_text

REGION = "eu-central-2"  # this module's account: nothing else in the test process uses it
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/sagemaker"
N = 240
CONFIGS = 3


@pytest.fixture(scope="module")
def fleet(moto_url):
    sm = boto3.client("sagemaker", endpoint_url=moto_url, region_name=REGION, **CREDS)
    uid = uuid.uuid4().hex[:6]
    for c in range(CONFIGS):
        sm.create_model(ModelName=f"m{c}-{uid}", ExecutionRoleArn=ROLE,
                        PrimaryContainer={"Image": "123456789012.dkr.ecr.eu-central-2.amazonaws.com/x:1"})
        sm.create_endpoint_config(EndpointConfigName=f"c{c}-{uid}", ProductionVariants=[{
            "VariantName": "AllTraffic", "ModelName": f"m{c}-{uid}", "InstanceType": "ml.c5.xlarge",
            "InitialInstanceCount": 1 + c}])
    names = [f"ep-{i:04d}-{uid}" for i in range(N)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: sm.create_endpoint(EndpointName=names[i], EndpointConfigName=f"c{i % CONFIGS}-{uid}"),
                      range(N)))
    return {"url": moto_url, "names": names, "uid": uid, "sm": sm}


class CallLog:
    """Every call of the app's clients, in the order sent: (operation, endpoint name or None)."""

    def __init__(self, clients: AwsClients) -> None:
        self.calls: list[tuple[str, str | None]] = []
        self._lock = threading.Lock()
        for client in (clients.cloudwatch(REGION), clients.sagemaker(REGION)):
            client.meta.events.register("provide-client-params.*.*", self._seen)

    def _seen(self, params, model, **_kw) -> None:
        with self._lock:
            self.calls.append((model.name, params.get("EndpointName")))

    def ops(self, name: str) -> list[str | None]:
        with self._lock:
            return [ep for op, ep in self.calls if op == name]


def _refresher(fleet) -> tuple[Refresher, CallLog]:
    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=fleet["url"], credentials=CREDS))
    log = CallLog(clients)
    return Refresher(clients, 3600), log


def _key(name: str) -> str:
    return f"{REGION}:endpoint:{name}"


def test_rows_are_posted_before_any_describe_and_the_visible_rows_are_described_first(fleet):
    refresher, log = _refresher(fleet)
    names = fleet["names"]
    shown = names[200:220]  # rows on screen far down the listing order: not simply the first ones
    request = RefreshRequest(Pane.ENDPOINTS, frozenset(_key(n) for n in shown))
    seen = []  # (snapshot, DescribeEndpoint calls made when it was posted, calls of any kind)

    def progress(partial):
        seen.append((partial, len(log.ops("DescribeEndpoint")), len(log.calls)))

    report = refresher.run(request, full=True, progress=progress)

    first, describes, _ = seen[0]
    assert first.partial and describes == 0  # every row before any DescribeEndpoint
    assert sorted(e.name for e in first.inventory.endpoints) == sorted(names)
    assert not any(e.described for e in first.inventory.endpoints)
    assert first.loading == f"describing 0 of {N} endpoints"

    # the rows on screen are described first, then their metrics are fetched and posted
    order = log.ops("DescribeEndpoint")
    assert set(order[:len(shown)]) == set(shown)
    second, describes, calls_then = seen[1]
    assert describes == len(shown) and second.store is not None
    assert {e.name for e in second.inventory.endpoints if e.described} == set(shown)
    assert any(op == "GetMetricData" for op, _ep in log.calls[:calls_then])
    assert second.loading == f"describing {len(shown)} of {N} endpoints"

    # the rest in batches, a snapshot after each (not after the last: the final report follows)
    rest = N - len(shown)
    assert len(seen) == 2 + (rest - 1) // BATCH
    assert seen[2][0].loading == f"describing {len(shown) + BATCH} of {N} endpoints"
    assert [s[1] for s in seen] == sorted(s[1] for s in seen)
    assert not report.partial and report.ok
    assert all(e.described and e.variants for e in report.inventory.endpoints)
    assert sorted(set(order)) == sorted(names) and len(order) == N


def test_configs_and_models_are_described_once_per_name_across_endpoints_and_refreshes(fleet):
    refresher, log = _refresher(fleet)
    refresher.run(RefreshRequest(Pane.ENDPOINTS), full=True)
    assert len(log.ops("DescribeEndpoint")) == N
    assert len(log.ops("DescribeEndpointConfig")) == CONFIGS
    assert len(log.ops("DescribeModel")) == CONFIGS

    # a new endpoint on a known config: its Describe alone; nothing posted before the final
    # report, the other rows being known (no row flickers to "…" on a later refresh)
    name = f"ep-late-{fleet['uid']}"
    fleet["sm"].create_endpoint(EndpointName=name, EndpointConfigName=f"c1-{fleet['uid']}")
    try:
        log.calls.clear()
        seen = []
        report = refresher.run(RefreshRequest(Pane.ENDPOINTS), full=True, progress=seen.append)
        assert log.ops("DescribeEndpoint") == [name]
        assert log.ops("DescribeEndpointConfig") == [] and log.ops("DescribeModel") == []
        assert len(seen) == 1 and len(seen[0].inventory.endpoints) == N + 1
        assert [e.name for e in seen[0].inventory.endpoints if not e.described] == [name]
        assert all(e.described for e in report.inventory.endpoints)

        log.calls.clear()
        seen.clear()
        refresher.run(RefreshRequest(Pane.ENDPOINTS), full=True, progress=seen.append)
        assert seen == [] and log.ops("DescribeEndpoint") == []  # nothing new: nothing partial
    finally:
        fleet["sm"].delete_endpoint(EndpointName=name)


def test_a_row_not_yet_described_shows_an_ellipsis_and_the_status_bar_says_what_is_loading(fleet):
    refresher, _log = _refresher(fleet)
    seen = []
    report = refresher.run(RefreshRequest(Pane.ENDPOINTS, frozenset()), full=True, progress=seen.append)
    first = seen[0]
    rows = endpoint_rows(first.inventory, report.store, 0)
    assert len(rows) == N
    assert {(r.cells["instances"].text, r.cells["variants"].text, r.cells["mode"].text) for r in rows} == \
        {("…", "…", "…")}
    assert {r.cells["status"].text for r in rows} == {"InService"}  # what ListEndpoints said
    done = {r.name: r for r in endpoint_rows(report.inventory, report.store, 0)}
    assert done[fleet["names"][2]].cells["instances"].text == "3"  # config 2: 3 instances

    state = AppState(regions=(REGION,))
    state.begin_refresh()
    state.apply(first)
    assert state.loaded and len(state.inventory.endpoints) == N and state.refreshing
    line = status_text(state, seconds_left=None, frame=0, width=160).plain
    assert f"describing 0 of {N} endpoints" in line and "STALE" not in line
    state.apply(report)
    assert state.loading is None and not state.refreshing
    assert "describing" not in status_text(state, seconds_left=None, frame=0, width=160).plain


@pytest.fixture
def proxy(moto_url):
    from tests.fault_proxy import FaultProxy

    with FaultProxy(moto_url) as p:
        yield p


def _proxied(proxy) -> Refresher:
    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=proxy.url, credentials=CREDS, max_attempts=0,
                                     read_timeout=5, connect_timeout=1))
    return Refresher(clients, 3600)


def test_a_throttled_describe_stops_the_describes_and_backs_off_and_the_next_refresh_goes_on(fleet, proxy):
    from tests.fault_proxy import throttle

    refresher = _proxied(proxy)
    proxy.inject(throttle(), "DescribeEndpoint")
    seen = []
    report = refresher.run(RefreshRequest(Pane.ENDPOINTS), full=True, progress=seen.append)
    asked = [c for c in proxy.since(0) if c.operation == "DescribeEndpoint"]
    assert len(asked) <= 2 * WORKERS  # the calls in flight, then no more: the quota is shared
    assert report.throttled and report.ok  # the rows are current; the scheduler backs off
    assert any("DescribeEndpoint" in w and "throttled" in w for w in report.warnings)
    assert len(report.inventory.endpoints) == N and not any(e.described for e in report.inventory.endpoints)
    assert seen[0].loading == f"describing 0 of {N} endpoints"

    proxy.clear()
    report = refresher.run(RefreshRequest(Pane.ENDPOINTS), full=True)
    assert not report.throttled and all(e.described for e in report.inventory.endpoints)


def test_a_denied_config_leaves_the_endpoints_described_and_says_which_action(fleet, proxy):
    from tests.fault_proxy import deny

    refresher = _proxied(proxy)
    proxy.inject(deny(), "DescribeEndpointConfig")
    report = refresher.run(RefreshRequest(Pane.ENDPOINTS), full=True)
    assert report.ok and not report.throttled
    assert all(e.described for e in report.inventory.endpoints)  # DescribeEndpoint answered
    assert any("sagemaker:DescribeEndpointConfig" in w for w in report.warnings)
    assert len([c for c in proxy.since(0) if c.operation == "DescribeEndpoint"]) == N  # not stopped
