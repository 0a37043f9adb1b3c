"""The endpoint instances screen shows CloudWatch's instance-level normalized utilization.

An account built here (not the demo fleet) has an endpoint with enhanced metrics whose
instances publish CPUUtilizationNormalized, GPUUtilizationNormalized and
GPUMemoryUtilizationNormalized per ``InstanceId`` beside the summed CPU/GPU metrics, and a
second endpoint whose instances publish only the sums. The instances screen (and an
instance's GPU screen) is driven with Textual's pilot through the app's own metric engine
and ListMetrics read; the values drawn are compared with plain boto3 GetMetricData.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from test_endpoint_screens import SIZE, DemoEnv, DrillHarness, screen_text, settle
from tui.model.catalog import Unit
from tui.model.format import format_value
from tui.model.resources import Endpoint, Inventory, Variant
from tui.model.state import AppState

NORMALIZED = ("CPUUtilizationNormalized", "GPUUtilizationNormalized", "GPUMemoryUtilizationNormalized")
SUMS = ("CPUUtilization", "MemoryUtilization", "GPUUtilization", "GPUMemoryUtilization", "DiskUtilization")
INSTANCES = ("i-0aa1", "i-0bb2")


class AccountEnv(DemoEnv):
    """:class:`DemoEnv`'s fetch over an account built in the test (no demo fleet)."""

    def __init__(self, clients, endpoints: list[Endpoint]) -> None:  # not DemoEnv's: there is no demo
        from tui.aws.metrics import MetricEngine
        from tui.model.series import SeriesStore

        self.clients = clients
        self.inventory = Inventory(endpoints=endpoints)
        self.store = SeriesStore(3600)
        self.engine = MetricEngine(self.clients.cloudwatch, self.store)
        self.state = AppState(window="1h", inventory=self.inventory, store=self.store, loaded=True,
                              regions=(endpoints[0].region,))
        self.lock = threading.Lock()
        self.fetched = []


def seed(writer, name: str, normalized: bool) -> None:
    """20 minutes of per-instance points, each metric and instance a distinct value per minute."""
    cw = writer("cloudwatch")
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    names = SUMS + (NORMALIZED if normalized else ())
    data = []
    for i, inst in enumerate(INSTANCES):
        for j, metric in enumerate(names):
            for m in range(20):
                value = round(10 + 7 * i + 3 * j + (m % 5) * 1.37, 2)
                dims = [("EndpointName", name), ("VariantName", "AllTraffic"), ("InstanceId", inst)]
                data.append({"MetricName": metric, "Value": value, "Unit": "Percent",
                             "Timestamp": now - timedelta(minutes=19 - m),
                             "Dimensions": [{"Name": k, "Value": v} for k, v in dims]})
    for start in range(0, len(data), 500):
        cw.put_metric_data(Namespace="/aws/sagemaker/Endpoints", MetricData=data[start:start + 500])


def newest(writer, name: str, inst: str, metric: str) -> float:
    end = datetime.now(timezone.utc)
    resp = writer("cloudwatch").get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
            "Namespace": "/aws/sagemaker/Endpoints", "MetricName": metric,
            "Dimensions": [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "AllTraffic"},
                           {"Name": "InstanceId", "Value": inst}]}, "Period": 60, "Stat": "Average"}}],
        StartTime=end - timedelta(minutes=30), EndTime=end + timedelta(minutes=1), ScanBy="TimestampAscending")
    values = resp["MetricDataResults"][0]["Values"]
    assert values, (metric, inst)
    return values[-1]


def endpoint(name: str, region: str) -> Endpoint:
    return Endpoint(name, "InService", region=region, enhanced_metrics=True, metric_publish_frequency=60,
                    variants=[Variant("AllTraffic", "ml.g5.12xlarge", 2, 2, 1.0, 1.0)])


async def test_instances_screen_shows_normalized_utilization_per_instance(clients, writer, unique):
    from tui.screens.endpoint_hosts import AcceleratorScreen, EndpointInstancesScreen
    from tui.widgets.facts_view import FactsView
    from tui.widgets.host_grid import HostGrid

    with_norm, plain = f"ic-norm-{unique}", f"plain-{unique}"
    seed(writer, with_norm, True)
    seed(writer, plain, False)
    region = clients.settings.regions[0]
    env = AccountEnv(clients, [endpoint(with_norm, region), endpoint(plain, region)])

    app = DrillHarness(env, EndpointInstancesScreen(env.inventory.endpoints[0]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, polls=2)  # the ListMetrics read, then the series it names
        grid = app.screen.query_one("#grid", HostGrid)
        assert grid.host_table is not None
        text = screen_text(app)
        for title in ("CPU norm", "GPU norm", "GPU mem norm"):
            assert title in text, title
        asked = {(k.metric, dict(k.dimensions).get("InstanceId")) for k in env.fetched[-1].keys}
        for inst in INSTANCES:
            row = next(r for r in grid.host_table.rows if r.label == inst)
            for metric in NORMALIZED:
                assert (metric, inst) in asked
                drawn = grid.get_cell(row.host, metric).plain.split()[0]
                assert drawn == format_value(newest(writer, with_norm, inst, metric), Unit.PERCENT), (metric, inst)

        # the instance's own screen says them too (no per-GPU series here: its grid is empty)
        app.push_screen(AcceleratorScreen(env.inventory.endpoints[0], "AllTraffic", INSTANCES[1],
                                          info=app.screen.info, state=env.state))
        await settle(pilot, app)
        facts = app.screen.query_one("#facts", FactsView).text()
        for metric, word in zip(NORMALIZED, ("CPU", "GPU", "GPU memory")):
            value = format_value(newest(writer, with_norm, INSTANCES[1], metric), Unit.PERCENT)
            assert f"{word} (normalized) {value}" in facts, (metric, facts)

    # an endpoint whose instances publish only the sums: no normalized column, none asked for
    env.fetched.clear()
    app = DrillHarness(env, EndpointInstancesScreen(env.inventory.endpoints[1]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, polls=2)
        assert "norm" not in screen_text(app)
        assert not any(k.metric.endswith("Normalized") for r in env.fetched for k in r.keys)
        assert "GPU" in screen_text(app)  # the sums are there
