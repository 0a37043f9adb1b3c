"""What polling costs with a large fleet: calls, metrics and the cost figure of the tiered schedule.

The account (a region of its own on the shared moto server, with the demo's moto additions so
CloudWatch answers percentiles and pages like AWS) holds 1,000 endpoints created through boto3.
Every GetMetricData, ListEndpoints and DescribeEndpoint the app sends is counted by a botocore hook
on the app's own clients, with the queries of each GetMetricData call.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from tui.aws.session import AwsClients, AwsSettings
from tui.model.catalog import Kind
from tui.model.cost import PRICE_PER_METRIC
from tui.model.plan import is_extended_stat, job_keys
from tui.model.kinds import Pane
from tui.model.resources import Inventory, Job, default_hosts
from tui.model.schedule import (SETTLE, CostEstimate, RefreshRequest, Tier, TierLoad, estimate, fit_to_cap)
from tui.model.state import AppState
from tui.refresh import FULL_EVERY, Refresher
from tui.widgets.status_bar import status_text

REGION = "af-south-1"  # this module's account: nothing else in the test process uses it
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/sagemaker"
N = 1000
#: Series of one endpoint on a CPU instance type (percentiles answered; no GPUUtilization).
PER_ENDPOINT = 9
SHOWN = 40  # rows "on screen"


@pytest.fixture(scope="module")
def fleet(moto_url):
    from tui.demo import moto_ext

    moto_ext.install()  # percentiles, 500-query limit, paging: as AWS answers
    sm = boto3.client("sagemaker", endpoint_url=moto_url, region_name=REGION, **CREDS)
    uid = uuid.uuid4().hex[:6]
    sm.create_model(ModelName=f"m-{uid}", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": "123456789012.dkr.ecr.af-south-1.amazonaws.com/x:1"})
    sm.create_endpoint_config(EndpointConfigName=f"c-{uid}", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": f"m-{uid}", "InstanceType": "ml.c5.xlarge",
        "InitialInstanceCount": 1}])
    names = [f"ep-{i:04d}-{uid}" for i in range(N)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: sm.create_endpoint(EndpointName=n, EndpointConfigName=f"c-{uid}"), names))
    return {"url": moto_url, "names": names}


class Calls:
    """Counts the app's calls by operation, and the queries of every GetMetricData call."""

    def __init__(self, clients: AwsClients) -> None:
        self.ops: Counter = Counter()
        self.queries: list[list[dict]] = []
        for client in (clients.cloudwatch(REGION), clients.sagemaker(REGION)):
            client.meta.events.register("provide-client-params.*.*", self._seen)

    def _seen(self, params, model, **_kw) -> None:
        self.ops[model.name] += 1
        if model.name == "GetMetricData":
            self.queries.append(list(params["MetricDataQueries"]))

    def take(self) -> tuple[Counter, list[list[dict]]]:
        out = (self.ops, self.queries)
        self.ops, self.queries = Counter(), []
        return out


def _refresher(fleet) -> tuple[Refresher, Calls]:
    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=fleet["url"], credentials=CREDS))
    calls = Calls(clients)
    return Refresher(clients, 3600), calls


def _request(fleet, shown=SHOWN, **kw) -> RefreshRequest:
    keys = frozenset(f"{REGION}:endpoint:{n}" for n in fleet["names"][:shown])
    return RefreshRequest(Pane.ENDPOINTS, keys, interval=60.0, **kw)


def test_one_get_metric_data_call_per_500_queries_percentiles_included(fleet):
    r, calls = _refresher(fleet)
    rep = r.run(_request(fleet))  # the first refresh: every tier
    ops, queries = calls.take()
    total = sum(len(q) for q in queries)
    assert rep.ok, rep.errors
    assert total == N * PER_ENDPOINT == rep.usage.metrics_requested
    assert ops["GetMetricData"] == len(queries) == math.ceil(total / 500)
    assert all(len(q) <= 500 for q in queries)
    stats = [{q["MetricStat"]["Stat"] for q in call} for call in queries]
    assert any("p99" in s and "Sum" in s for s in stats)  # percentiles ride in the same calls
    assert r.percentiles
    # a steady refresh of only the rows on screen: one call
    r.run(_request(fleet))
    ops, queries = calls.take()
    assert ops["GetMetricData"] == 1 and len(queries[0]) == SHOWN * PER_ENDPOINT


def test_discovery_pages_by_100_and_describes_only_what_changed(fleet):
    from tui.demo.moto_ext import set_endpoint_status

    r, calls = _refresher(fleet)
    first = r.run(_request(fleet))
    ops, _ = calls.take()
    mine = [e for e in first.inventory.endpoints if e.name in set(fleet["names"])]
    assert len(mine) == N
    assert ops["ListEndpoints"] == math.ceil(len(first.inventory.endpoints) / 100)
    assert ops["DescribeEndpoint"] == len(first.inventory.endpoints)
    second = r.run(_request(fleet))
    ops, _ = calls.take()
    assert ops["DescribeEndpoint"] == 0  # nothing changed: every description kept
    assert ops["DescribeEndpointConfig"] == ops["DescribeModel"] == 0
    assert ops["ListEndpoints"] == math.ceil(len(first.inventory.endpoints) / 100)
    assert [e.name for e in second.inventory.endpoints] == [e.name for e in first.inventory.endpoints]
    moved = fleet["names"][7]
    set_endpoint_status(moved, "Updating", region=REGION)
    try:
        third = r.run(_request(fleet))
        ops, _ = calls.take()
        assert ops["DescribeEndpoint"] == 1  # only the one whose status and LastModifiedTime moved
        assert next(e for e in third.inventory.endpoints if e.name == moved).status == "Updating"
    finally:
        set_endpoint_status(moved, "InService", region=REGION)


def test_steady_refreshes_request_the_rows_on_screen_and_a_slow_tier(fleet):
    r, calls = _refresher(fleet)
    r.run(_request(fleet))
    calls.take()
    shown = SHOWN * PER_ENDPOINT
    per_refresh = []
    for _ in range(FULL_EVERY):  # one cycle of the slow tier
        rep = r.run(_request(fleet))
        ops, queries = calls.take()
        per_refresh.append(sum(len(q) for q in queries))
        assert rep.usage.metrics_requested == per_refresh[-1]
        assert ops["GetMetricData"] == math.ceil(per_refresh[-1] / 500)
    fleet_metrics = len(rep.inventory.endpoints) * PER_ENDPOINT
    # between the slow tier's turns: only the rows on screen (at most 3x their metrics)
    assert sorted(per_refresh)[:-1] == [shown] * (FULL_EVERY - 1)
    assert max(per_refresh) == fleet_metrics  # the slow tier's turn: the rest of the pane too
    # the status bar's figure is exactly what was requested over the cycle, per day
    est = rep.estimate
    assert est.metrics_per_refresh == pytest.approx(sum(per_refresh) / FULL_EVERY)
    assert est.per_day() == pytest.approx(sum(per_refresh) / FULL_EVERY * 1440 * PRICE_PER_METRIC)
    state = AppState(refresh_interval=60.0)
    state.apply(rep)
    assert state.cost_per_day() == pytest.approx(est.per_day())
    assert est.per_day() < fleet_metrics * 1440 * PRICE_PER_METRIC / 3  # vs every series every minute


def test_a_cost_cap_stretches_the_slow_tier_and_the_status_bar_says_so(fleet):
    r, calls = _refresher(fleet)
    cap = 20.0  # uncapped: $30.07/day; the slow tier every 9th refresh instead of every 5th
    first = r.run(_request(fleet, max_cost_per_day=cap))
    calls.take()
    est = first.estimate
    assert est.capped and not est.over_cap and est.per_day() <= cap
    assert est.every(Tier.VISIBLE) == 1 and est.every(Tier.PANE) > FULL_EVERY
    uncapped = estimate([TierLoad(t.tier, t.metrics, FULL_EVERY if t.tier in (Tier.PANE, Tier.OTHER) else 1)
                         for t in est.loads], 60.0)
    assert uncapped.per_day() > cap
    every = est.every(Tier.PANE)
    requested = []
    for _ in range(every):
        rep = r.run(_request(fleet, max_cost_per_day=cap))
        calls.take()
        requested.append(rep.usage.metrics_requested)
    assert requested[:-1] == [SHOWN * PER_ENDPOINT] * (every - 1)  # the slow tier waits its stretched turn
    assert requested[-1] > SHOWN * PER_ENDPOINT
    assert sum(requested) / every * 1440 * PRICE_PER_METRIC == pytest.approx(rep.estimate.per_day())
    state = AppState(refresh_interval=60.0)
    state.apply(rep)
    text = status_text(state, seconds_left=30, frame=0, width=200).plain
    assert f"~${rep.estimate.per_day():,.2f}/day (capped $20)" in text


def test_an_ended_job_is_fetched_once_and_kept(moto_url):
    now = datetime.now(timezone.utc)
    ended = Job(Kind.TRAINING_JOB, "ended-long-ago", "Completed", REGION, instance_type="ml.p3.2xlarge",
                instance_count=2, creation_time=now - timedelta(minutes=50), start_time=now - timedelta(minutes=45),
                end_time=now - timedelta(seconds=SETTLE + 60))
    just = Job(Kind.TRAINING_JOB, "just-ended", "Completed", REGION, instance_type="ml.p3.2xlarge", instance_count=1,
               creation_time=now - timedelta(minutes=20), start_time=now - timedelta(minutes=15),
               end_time=now - timedelta(minutes=2))
    running = Job(Kind.TRAINING_JOB, "still-running", "InProgress", REGION, instance_type="ml.p3.2xlarge",
                  instance_count=1, creation_time=now - timedelta(minutes=20), start_time=now - timedelta(minutes=15))
    for job in (ended, just, running):
        job.hosts = default_hosts(job.kind, job.name, job.instance_count)

    def discover(_clients, _regions, *, kinds):
        return Inventory(jobs=[ended, just, running], fetched_at=now)

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=moto_url, credentials=CREDS))
    calls = Calls(clients)
    r = Refresher(clients, 3600, discover=discover)
    r.percentiles = False

    def hosts_queried() -> set[str]:
        _ops, queries = calls.take()
        return {d["Value"].split("/")[0] for call in queries for q in call
                for d in q["MetricStat"]["Metric"]["Dimensions"] if d["Name"] == "Host"}

    r.run(RefreshRequest(Pane.JOBS))
    assert hosts_queried() == {"ended-long-ago", "just-ended", "still-running"}
    for _ in range(3):  # full refreshes too: the ended job's points cannot change any more
        rep = r.run(RefreshRequest(Pane.JOBS, full=True))
        assert hosts_queried() == {"just-ended", "still-running"}
    keys = [k for hosts in job_keys(ended).values() for k in hosts.values()]
    assert all(rep.store.get(k) is not None for k in keys)  # kept, still on screen
    assert all(not is_extended_stat(k.stat) for k in keys)


def test_fit_to_cap_stretches_the_lower_tiers_first_then_the_top():
    loads = (TierLoad(Tier.VISIBLE, 400), TierLoad(Tier.DETAIL, 0), TierLoad(Tier.PANE, 9600, 5),
             TierLoad(Tier.OTHER, 0, 5))
    free = CostEstimate(loads, 60.0, cap=100.0)
    assert fit_to_cap(free) == free  # under the cap: unchanged
    capped = fit_to_cap(CostEstimate(loads, 60.0, cap=10.0))
    assert capped.capped and capped.per_day() <= 10.0 and capped.every(Tier.VISIBLE) == 1
    assert capped.every(Tier.PANE) == 33  # the smallest stretch that fits: 32 would not
    assert CostEstimate(tuple(TierLoad(t.tier, t.metrics, 32 if t.tier is Tier.PANE else t.every)
                              for t in loads), 60.0).per_day() > 10.0
    tight = fit_to_cap(CostEstimate(loads, 60.0, cap=2.0))  # 400 metrics a minute alone cost $5.76
    assert tight.per_day() <= 2.0 and tight.every(Tier.VISIBLE) > 1 and not tight.over_cap


async def test_the_overview_sends_the_rows_in_view_and_a_refresh_fetches_those(fleet):
    from tests.pilot import wait_for
    from tui.app import SagemonApp
    from tui.cli import Options
    from tui.refresh import Connection

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=fleet["url"], credentials=CREDS, max_attempts=1))
    calls = Calls(clients)
    app = SagemonApp(Options(refresh=600), connection=Connection(clients, "test", "123456789012", (REGION,)))
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and len(table.shown) >= N, 120, "first refresh")
        calls.take()
        table.scroll_to(y=500, animate=False)
        await pilot.pause(0.2)
        request = app.refresh_request()
        first = int(table.scroll_offset.y)
        in_view = [r.key for r in table.shown[first:first + table.size.height - table.header_height]]
        assert first > 0 and request.pane is Pane.ENDPOINTS and request.visible_keys == frozenset(in_view)
        assert 10 < len(in_view) < 40
        await pilot.press("r")
        await wait_for(pilot, lambda: app.state.refreshes >= 2, 60, "second refresh")
        _ops, queries = calls.take()
        fetched = {d["Value"] for call in queries for q in call for d in q["MetricStat"]["Metric"]["Dimensions"]
                   if d["Name"] == "EndpointName"}
        assert fetched == {k.split(":")[-1] for k in in_view}  # the rows in view, nothing else
