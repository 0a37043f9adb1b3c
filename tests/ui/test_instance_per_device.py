"""The endpoint instances screen shows CPU and GPU per device, as a person reads them.

An account built here (not the demo fleet) has an endpoint with enhanced metrics on
ml.g5.12xlarge (48 vCPUs, 4 GPUs) whose two instances publish CloudWatch's sums: CPU up to
4,800 %, GPU and GPU memory up to 400 %. The instances screen, driven with Textual's pilot
through the app's own metric engine and ListMetrics read, must draw each sum divided by the
device count (CPU ÷ 48, GPU ÷ 4), title the columns ``CPU ×48`` / ``GPU ×4``, judge health on
the means, say so in its legend, and keep the raw sum on the GPU screen. Every figure is
compared with plain boto3 GetMetricData divided by the counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from test_endpoint_screens import SIZE, DrillHarness, screen_text, settle
from test_instance_normalized import AccountEnv
from tui.model.catalog import Unit
from tui.model.format import format_value
from tui.model.resources import Endpoint, Variant

NS = "/aws/sagemaker/Endpoints"
INSTANCES = ("i-0cc1", "i-0dd2")
#: CloudWatch's sums per instance at the newest minute: (CPU over 48 vCPUs, GPU and GPU memory over 4 GPUs).
SUMS = {"i-0cc1": {"CPUUtilization": 1536.0, "GPUUtilization": 368.0, "GPUMemoryUtilization": 300.0},
        "i-0dd2": {"CPUUtilization": 960.0, "GPUUtilization": 120.0, "GPUMemoryUtilization": 100.0}}
COUNTS = {"CPUUtilization": 48, "GPUUtilization": 4, "GPUMemoryUtilization": 4}


def seed(writer, name: str) -> None:
    """20 minutes of per-instance sums (the newest minute at :data:`SUMS`, older ones a little
    lower), memory and disk, and each GPU of the first instance."""
    cw = writer("cloudwatch")
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    data = []

    def point(metric: str, value: float, minute: int, **dims: str) -> None:
        dims = {"EndpointName": name, "VariantName": "AllTraffic", **dims}
        data.append({"MetricName": metric, "Value": value, "Unit": "Percent",
                     "Timestamp": now - timedelta(minutes=19 - minute),
                     "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]})

    for m in range(20):
        lower = 1.0 - max(0, 14 - m) * 0.01  # the last 5 minutes at SUMS, older ones lower
        for inst in INSTANCES:
            for metric, value in SUMS[inst].items():
                point(metric, round(value * lower, 2), m, InstanceId=inst)
            point("MemoryUtilization", 40.0, m, InstanceId=inst)
            point("DiskUtilization", 20.0, m, InstanceId=inst)
        for g in range(4):
            point("GPUUtilization", 92.0, m, InstanceId=INSTANCES[0], AcceleratorId=f"GPU{g}")
            point("GPUMemoryUtilization", 75.0, m, InstanceId=INSTANCES[0], AcceleratorId=f"GPU{g}")
    for start in range(0, len(data), 500):
        cw.put_metric_data(Namespace=NS, MetricData=data[start:start + 500])


def newest(writer, name: str, inst: str, metric: str) -> float:
    end = datetime.now(timezone.utc)
    resp = writer("cloudwatch").get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
            "Namespace": NS, "MetricName": metric,
            "Dimensions": [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "AllTraffic"},
                           {"Name": "InstanceId", "Value": inst}]}, "Period": 60, "Stat": "Average"}}],
        StartTime=end - timedelta(minutes=30), EndTime=end + timedelta(minutes=1), ScanBy="TimestampAscending")
    values = resp["MetricDataResults"][0]["Values"]
    assert values, (metric, inst)
    return values[-1]


async def test_instances_grid_divides_the_sums_by_the_instance_types_devices(clients, writer, unique):
    from tui.screens.endpoint_hosts import AcceleratorScreen, EndpointInstancesScreen
    from tui.widgets.facts_view import FactsView, LineView
    from tui.widgets.host_grid import HostGrid

    name = f"g5-per-device-{unique}"
    seed(writer, name)
    region = clients.settings.regions[0]
    ep = Endpoint(name, "InService", region=region, enhanced_metrics=True, metric_publish_frequency=60,
                  variants=[Variant("AllTraffic", "ml.g5.12xlarge", 2, 2, 1.0, 1.0)])
    env = AccountEnv(clients, [ep])

    app = DrillHarness(env, EndpointInstancesScreen(ep))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, polls=2)  # the ListMetrics read, then the series it names
        screen = app.screen
        grid = screen.query_one("#grid", HostGrid)
        table = grid.host_table
        assert table is not None
        assert str(grid.columns["CPUUtilization"].label).startswith("CPU ×48")
        assert str(grid.columns["GPUUtilization"].label).startswith("GPU ×4")
        for inst in INSTANCES:
            row = next(r for r in table.rows if r.label == inst)
            for metric in ("CPUUtilization", "GPUUtilization"):
                raw = newest(writer, name, inst, metric)
                assert raw == SUMS[inst][metric]
                mean = raw / COUNTS[metric]
                assert row.value(metric) == mean, (inst, metric)
                drawn = grid.get_cell(row.host, metric).plain.split()[0]
                assert drawn == format_value(mean, Unit.PERCENT), (inst, metric, drawn)
                assert mean <= 100
        # health on the means: the idle instance lags the busy one at 30 % vs 92 % per GPU
        slow = next(r for r in table.rows if r.label == INSTANCES[1])
        assert "lagging GPU: 30% vs cluster median 92%" in slow.reason
        assert "lagging GPU: 30% vs cluster median" in screen_text(app)
        legend = screen.query_one("#legend", LineView).text
        assert legend == ("CPU ×48, GPU ×4: means per device by the app (CloudWatch's sum ÷ 48 vCPUs, ÷ 4 GPUs of "
                          "ml.g5.12xlarge); raw sums: the chart below, the GPU screen (Enter)")
        assert legend in " ".join(screen_text(app).split())
        # the chart keeps CloudWatch's sum, titled as one
        chart = screen.query_one("#charts").specs[0]
        assert "Σ" in chart.title and "its 4 GPUs" in chart.title
        assert max(v for line in chart.lines for v in line.values if v is not None) == SUMS[INSTANCES[0]][
            "GPUUtilization"]

        # the instance's GPU screen: per device with CloudWatch's sum beside it
        app.push_screen(AcceleratorScreen(ep, "AllTraffic", INSTANCES[0], info=screen.info, state=env.state))
        await settle(pilot, app)
        facts = app.screen.query_one("#facts", FactsView).text()
        assert "g5.12xlarge: 48 vCPUs, 4 × NVIDIA A10G 22 GiB" in facts
        for metric, word in (("CPUUtilization", "CPU"), ("GPUUtilization", "GPU"),
                             ("GPUMemoryUtilization", "GPU memory")):
            raw = newest(writer, name, INSTANCES[0], metric)
            text = (f"{word} {format_value(raw / COUNTS[metric], Unit.PERCENT)} ×{COUNTS[metric]} "
                    f"(Σ {format_value(raw, Unit.PERCENT)})")
            assert text in facts, (text, facts)
