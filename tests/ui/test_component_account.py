"""An account that holds ONLY inference-component endpoints, built here, through the real app.

The account (a region of its own on the session's moto server, with the project's moto
additions for inference components) holds two endpoints whose endpoint configs name no model:

* ``llm-a-…``: one variant of 2 × ml.g5.12xlarge (48 vCPUs, 4 GPUs), hosting two components;
* ``llm-b-…``: one variant of 1 × ml.g6.2xlarge (8 vCPUs, 1 GPU), hosting two components.

CloudWatch holds, for the last 30 minutes, one point a minute: each component's traffic
(AWS/SageMaker, InferenceComponentName: Invocations, Invocation4XXErrors, Invocation5XXErrors,
ModelLatency), its utilization (/aws/sagemaker/InferenceComponents: CPU/GPU/Memory
UtilizationNormalized) and each variant's instance utilization (/aws/sagemaker/Endpoints,
EndpointName + VariantName: CPU/GPU/MemoryUtilization, sums over devices). Nothing is published
per variant in AWS/SageMaker: the endpoints' traffic exists only as their components'.

Numbers on screen are compared with plain boto3 GetMetricData (not the app's engine or model).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from tests.pilot import screen_text, wait_for
from tui.model.catalog import NS_ENDPOINTS, NS_INFERENCE_COMPONENTS, NS_SAGEMAKER, Unit
from tui.model.format import format_per_minute, format_value
from tui.model.kinds import Pane

REGION = "me-central-1"  # this module's account: nothing else in the test process uses it
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/ml"
MINUTES = 30

# endpoint -> (variant, instance type, instance count, vCPUs, GPUs, CPU sum, GPU sum, memory %)
ENDPOINTS = {
    "a": ("AllTraffic", "ml.g5.12xlarge", 2, 48, 4, 1200.0, 240.0, 41.0),
    "b": ("main", "ml.g6.2xlarge", 1, 8, 1, 400.0, 70.0, 63.0),
}
# component -> (endpoint, invocations per minute base, 4XX every, 5XX every, latency µs, cpu, gpu, mem normalized)
COMPONENTS = {
    "a-chat": ("a", 120.0, 4, 3, 85_000.0, 22.0, 71.0, 35.0),
    "a-embed": ("a", 600.0, 0, 5, 9_000.0, 12.0, 33.0, 18.0),
    "b-rerank": ("b", 45.0, 2, 0, 31_000.0, 40.0, 55.0, 47.0),
    "b-summarize": ("b", 8.0, 0, 2, 420_000.0, 65.0, 88.0, 72.0),
}


@pytest.fixture(scope="module")
def account(moto_url):
    """The account, built with plain boto3 on the session's moto server."""
    from tui.demo import moto_ext

    was_installed = moto_ext.is_installed()
    moto_ext.install()  # CreateInferenceComponent & co, endpoint configs without ModelName
    session = boto3.Session(region_name=REGION, **CREDS)
    sm, cw = (session.client(s, endpoint_url=moto_url) for s in ("sagemaker", "cloudwatch"))
    uid = f"{int(time.time()) % 100000:05d}"
    eps = {k: f"llm-{k}-{uid}" for k in ENDPOINTS}
    ics = {k: f"ic-{k}-{uid}" for k in COMPONENTS}
    for k, (variant, itype, count, *_rest) in ENDPOINTS.items():
        # the shape of tui/demo/fleet.py FleetWriter.create_endpoints for role "components"
        sm.create_endpoint_config(EndpointConfigName=f"{eps[k]}-cfg", ExecutionRoleArn=ROLE, ProductionVariants=[{
            "VariantName": variant, "InitialVariantWeight": 1.0, "InstanceType": itype,
            "InitialInstanceCount": count, "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
            "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 1, "MaxInstanceCount": 4}}])
        sm.create_endpoint(EndpointName=eps[k], EndpointConfigName=f"{eps[k]}-cfg")
    for k, (ep, *_rest) in COMPONENTS.items():
        model = f"{ics[k]}-model"
        sm.create_model(ModelName=model, ExecutionRoleArn=ROLE, PrimaryContainer={
            "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124",
            "ModelDataUrl": f"s3://models/{model}/"})
        sm.create_inference_component(
            InferenceComponentName=ics[k], EndpointName=eps[ep], VariantName=ENDPOINTS[ep][0],
            Specification={"ModelName": model, "ComputeResourceRequirements": {
                "NumberOfCpuCoresRequired": 4, "NumberOfAcceleratorDevicesRequired": 1,
                "MinMemoryRequiredInMb": 16384}},
            RuntimeConfig={"CopyCount": 1})

    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    stamps = [now - timedelta(minutes=m) for m in range(1, MINUTES + 1)]

    def put(namespace: str, metric: str, dims: dict[str, str], values, unit: str = "None") -> None:
        data = [{"MetricName": metric, "Dimensions": [{"Name": n, "Value": v} for n, v in dims.items()],
                 "Timestamp": t, "Value": float(v), "Unit": unit} for t, v in zip(stamps, values)]
        cw.put_metric_data(Namespace=namespace, MetricData=data)

    for k, (_ep, rate, every4, every5, lat, cpu, gpu, mem) in COMPONENTS.items():
        dims = {"InferenceComponentName": ics[k]}
        put(NS_SAGEMAKER, "Invocations", dims, [rate + m % 4 for m in range(MINUTES)], "Count")
        put(NS_SAGEMAKER, "Invocation4XXErrors", dims,
            [(1 + m % 2) if every4 and m % every4 == 0 else 0 for m in range(MINUTES)], "Count")
        put(NS_SAGEMAKER, "Invocation5XXErrors", dims,
            [(2 + m % 3) if every5 and m % every5 == 0 else 0 for m in range(MINUTES)], "Count")
        put(NS_SAGEMAKER, "ModelLatency", dims, [lat + 100 * (m % 5) for m in range(MINUTES)], "Microseconds")
        for metric, base in (("CPUUtilizationNormalized", cpu), ("GPUUtilizationNormalized", gpu),
                             ("MemoryUtilizationNormalized", mem)):
            put(NS_INFERENCE_COMPONENTS, metric, dims, [base + m % 3 for m in range(MINUTES)], "Percent")
    for k, (variant, _t, _n, _v, _g, cpu, gpu, mem) in ENDPOINTS.items():
        dims = {"EndpointName": eps[k], "VariantName": variant}
        for metric, base in (("CPUUtilization", cpu), ("GPUUtilization", gpu), ("MemoryUtilization", mem)):
            put(NS_ENDPOINTS, metric, dims, [base + m % 3 for m in range(MINUTES)], "Percent")
    yield {"url": moto_url, "cw": cw, "eps": eps, "ics": ics}
    if not was_installed:  # the additions are process-wide: leave moto as this module found it
        moto_ext.uninstall()


# -- plain boto3 reference values -------------------------------------------------------------------

def gmd(cw, namespace: str, metric: str, dims: dict[str, str], stat: str) -> list[tuple[datetime, float]]:
    end = datetime.now(timezone.utc)
    resp = cw.get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
            "Namespace": namespace, "MetricName": metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]}, "Period": 60, "Stat": stat}}],
        StartTime=end - timedelta(minutes=60), EndTime=end + timedelta(minutes=1), ScanBy="TimestampAscending")
    r = resp["MetricDataResults"][0]
    return list(zip(r["Timestamps"], r["Values"]))


def recent_sum(points, anchor: datetime) -> float:
    return sum(v for t, v in points if anchor - timedelta(minutes=5) < t <= anchor)


class Component:
    """One component's figures the way the app computes them, from plain boto3."""

    def __init__(self, cw, name: str) -> None:
        self.name = name
        d = {"InferenceComponentName": name}
        self.inv = gmd(cw, NS_SAGEMAKER, "Invocations", d, "Sum")
        anchor = self.inv[-1][0]
        self.total = recent_sum(self.inv, anchor)
        self.per_minute = self.total / 5.0
        self.e4 = recent_sum(gmd(cw, NS_SAGEMAKER, "Invocation4XXErrors", d, "Sum"), anchor)
        self.e5 = recent_sum(gmd(cw, NS_SAGEMAKER, "Invocation5XXErrors", d, "Sum"), anchor)
        self.latency = gmd(cw, NS_SAGEMAKER, "ModelLatency", d, "Average")[-1][1]
        self.util = {m: gmd(cw, NS_INFERENCE_COMPONENTS, m, d, "Average")[-1][1]
                     for m in ("CPUUtilizationNormalized", "GPUUtilizationNormalized", "MemoryUtilizationNormalized")}


def components_of(account, ep: str) -> list[str]:
    return [k for k, spec in COMPONENTS.items() if spec[0] == ep]


def endpoint_figures(account, ep: str) -> dict:
    comps = [Component(account["cw"], account["ics"][k]) for k in components_of(account, ep)]
    total = sum(c.total for c in comps)
    variant = ENDPOINTS[ep][0]
    dims = {"EndpointName": account["eps"][ep], "VariantName": variant}
    newest = {m: gmd(account["cw"], NS_ENDPOINTS, m, dims, "Average")[-1][1]
              for m in ("CPUUtilization", "GPUUtilization", "MemoryUtilization")}
    return {"comps": comps, "per_minute": sum(c.per_minute for c in comps), "total": total,
            "e5_pct": 100.0 * sum(c.e5 for c in comps) / total, "e4_pct": 100.0 * sum(c.e4 for c in comps) / total,
            "cpu": newest["CPUUtilization"] / ENDPOINTS[ep][3], "gpu": newest["GPUUtilization"] / ENDPOINTS[ep][4],
            "mem": newest["MemoryUtilization"]}


# -- driving the app -----------------------------------------------------------------------------------

def make_app(url: str):
    from tui.app import SagemonApp
    from tui.aws.session import AwsClients, AwsSettings
    from tui.cli import Options
    from tui.refresh import Connection

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=url, credentials=CREDS, max_attempts=1))
    return SagemonApp(Options(refresh=60), connection=Connection(clients, "test", "123456789012", (REGION,)))


async def open_row(app, pilot, pane: str, name: str, screen_type):
    """``:pane`` Enter, ``/name`` Enter, Enter: the resource's screen."""
    await pilot.press("colon", *pane, "enter", "slash", *name, "enter")
    table = app.overview.table()
    await wait_for(pilot, lambda: [r.name for r in table.shown] == [name], 10, f"{name} alone in :{pane}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, screen_type), 10, f"the screen of {name}")
    return app.screen


def by_name(table) -> dict:
    return {r.name: r for r in table.shown}


# -- the overview ------------------------------------------------------------------------------------

async def test_endpoints_and_components_panes_show_the_components_traffic(account):
    app = make_app(account["url"])
    async with app.run_test(size=(160, 48)) as pilot:
        table = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and len(table.shown) == 2, 30, "first refresh")
        rows = by_name(table)
        assert set(rows) == set(account["eps"].values())
        for ep, (variant, itype, count, vcpus, gpus, *_r) in ENDPOINTS.items():
            facts = app.state.inventory.facts(itype)
            assert (facts.source, facts.vcpus, facts.gpus) == ("aws", vcpus, gpus), facts
            row = rows[account["eps"][ep]]
            want = endpoint_figures(account, ep)
            assert row.cells["mode"].text == "IC"
            assert row.cells["instances"].text == str(count)
            assert row.cells["inv"].sort == pytest.approx(want["per_minute"])
            assert table.get_cell(row.key, "inv").plain == format_value(want["per_minute"], Unit.NONE)
            assert row.cells["e5xx_rate"].text == format_value(want["e5_pct"], Unit.PERCENT)
            assert row.cells["e4xx_rate"].text == format_value(want["e4_pct"], Unit.PERCENT)
            assert row.cells["cpu"].text == format_value(want["cpu"], Unit.PERCENT) + f"×{vcpus}"
            assert row.cells["gpu"].text == format_value(want["gpu"], Unit.PERCENT) + f"×{gpus}"
            assert row.cells["mem"].text == format_value(want["mem"], Unit.PERCENT)
            # latencies: the worst component's newest p99, as CloudWatch computes it
            p99 = max(gmd(account["cw"], NS_SAGEMAKER, "ModelLatency", {"InferenceComponentName": c.name},
                          "p99")[-1][1] for c in want["comps"])
            assert row.cells["p99"].text == format_value(p99, Unit.MICROSECONDS, stat="p99")
            assert any(v for v in row.spark if v), "the sparkline sums the components' invocations"
        text = screen_text(app)
        assert all(name in text for name in account["eps"].values())

        await pilot.press("colon", *"components", "enter")
        comps = app.overview.table(Pane.COMPONENTS)
        await wait_for(pilot, lambda: len(comps.shown) == 4, 10, "four components")
        rows = by_name(comps)
        assert set(rows) == set(account["ics"].values())
        for k, (ep, *_r) in COMPONENTS.items():
            name = account["ics"][k]
            c = Component(account["cw"], name)
            row = rows[name]
            assert row.cells["endpoint"].text == account["eps"][ep]
            assert row.cells["copies"].text == "1"
            assert row.cells["inv"].sort == pytest.approx(c.per_minute)
            assert comps.get_cell(row.key, "inv").plain == format_value(c.per_minute, Unit.NONE)
            assert row.cells["e5xx"].sort == pytest.approx(c.e5)
            assert row.cells["latency"].text == format_value(c.latency, Unit.MICROSECONDS, stat="Average")
            assert row.cells["cpu"].text == format_value(c.util["CPUUtilizationNormalized"], Unit.PERCENT)
            assert row.cells["gpu"].text == format_value(c.util["GPUUtilizationNormalized"], Unit.PERCENT)
            assert row.cells["mem"].text == format_value(c.util["MemoryUtilizationNormalized"], Unit.PERCENT)
            # no InvocationsPerCopy published in this account: shown as missing, not as 0
            assert row.cells["per_copy"].text == "–"


# -- the endpoint screen -----------------------------------------------------------------------------

def check_endpoint_screen(app, account, ep: str) -> dict:
    """The model behind the endpoint screen (size-independent): variants, charts, components."""
    from tui.widgets.detail_table import DetailTable

    screen = app.screen
    variant, itype, count, vcpus, gpus, *_r = ENDPOINTS[ep]
    want = endpoint_figures(account, ep)
    variants = screen.query_one("#variants", DetailTable)
    row = variants.row_for(f"variant:{variant}")
    assert row.cells["inv"].text == format_value(round(want["per_minute"], 1), Unit.NONE)
    assert row.cells["inv"].sort == pytest.approx(want["per_minute"], abs=0.05)
    assert row.cells["traffic"].text == "100.0%"
    assert row.cells["e5xx_rate"].text == format_value(want["e5_pct"], Unit.PERCENT)
    assert row.cells["instances"].text == str(count)
    assert row.cells["cpu"].text == format_value(want["cpu"], Unit.PERCENT) + f"×{vcpus}"
    assert row.cells["gpu"].text == format_value(want["gpu"], Unit.PERCENT) + f"×{gpus}"

    specs = screen.query_one("#charts").specs
    titles = [s.title for s in specs]
    assert titles[:3] == ["Invocations per minute by inference component", "Error rate (all its components)",
                          "Model latency by inference component (average)"], titles
    mine = {account["ics"][k] for k in components_of(account, ep)}
    assert {line.label for line in specs[0].lines} == mine
    assert {line.label for line in specs[2].lines} == mine
    for spec in specs[:3]:
        for line in spec.lines:
            assert any(v is not None for v in line.values), (spec.title, line.label)
    # the newest per-minute point of each component's line is its newest Invocations Sum
    for c, line in zip((Component(account["cw"], n) for n in sorted(mine)),
                       sorted(specs[0].lines, key=lambda x: x.label)):
        assert [v for v in line.values if v is not None][-1] == pytest.approx(c.inv[-1][1])
    util = specs[3]
    labels = [line.label for line in util.lines]
    assert {f"CPU ×{vcpus}", f"GPU ×{gpus}", "memory"} <= set(labels), labels
    cpu_line = next(line for line in util.lines if line.label == f"CPU ×{vcpus}")
    assert [v for v in cpu_line.values if v is not None][-1] == pytest.approx(want["cpu"])

    components = screen.query_one("#components", DetailTable)
    assert [r.name for r in components.rows_shown] == sorted(mine)
    for c_row in components.rows_shown:
        c = Component(account["cw"], c_row.name)
        assert c_row.cells["inv"].sort == pytest.approx(c.per_minute)
    return want


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_endpoint_screen_reads_its_components(account, size):
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable

    ep = "a" if size[0] > 100 else "b"
    name = account["eps"][ep]
    app = make_app(account["url"])
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 30, "first refresh")
        screen = await open_row(app, pilot, "endpoints", name, EndpointScreen)
        variants = screen.query_one("#variants", DetailTable)
        variant = ENDPOINTS[ep][0]
        await wait_for(pilot, lambda: variants.row_for(f"variant:{variant}") is not None
                       and variants.row_for(f"variant:{variant}").cells["inv"].text != "–"
                       and screen.query_one("#charts").specs
                       and any(v is not None for line in screen.query_one("#charts").specs[0].lines
                               for v in line.values), 20, "the endpoint's data")
        await pilot.pause()
        want = check_endpoint_screen(app, account, ep)
        text = screen_text(app)
        lines = text.splitlines()
        assert f"Endpoints › {name}" in lines[0] or f"Endpoints › {name}" in text
        assert all(len(line) <= size[0] for line in lines), max(lines, key=len)
        # the key numbers as drawn: the variant's invocations per minute and its 5XX %
        shown = [c.key for c in variants._cols]
        assert {"name", "inv", "e5xx_rate"} <= set(shown), shown
        inv_text = format_value(round(want["per_minute"], 1), Unit.NONE)
        assert variants.cell_text(f"variant:{variant}", "inv") == inv_text
        row_line = next((line for line in lines if line.lstrip().startswith(variant)), None)
        assert row_line is not None, text
        assert inv_text in row_line and format_value(want["e5_pct"], Unit.PERCENT) in row_line, row_line
        # the charts as drawn: each heading starts with its title (cut to fit) and its legend
        # names every component, in full
        panel = screen.query_one("#charts")
        heads = [c.build_text(c.size.width, 1).plain for c in panel.charts]
        mine = [account["ics"][k] for k in components_of(account, ep)]
        assert heads[0].startswith("Invocations per minute by inf"), heads
        assert heads[1].startswith("Error rate (all its components) (%)  ■ 5XX %  ■ 4XX %"), heads
        assert heads[2].startswith("Model latency by inf"), heads
        for head in (heads[0], heads[2]):
            assert all(f"■ {n}" in head for n in mine), head
        if size[0] > 100:
            assert panel.shown_columns == 2
            assert "Inference components (Enter opens one)" in text
            assert all(n in text for n in mine)
        else:
            # one chart per row, as wide as the screen
            assert panel.shown_columns == 1 and all(c.size.width >= 70 for c in panel.charts)


async def test_utilization_legend_names_the_per_device_lines(account):
    from tui.screens.endpoint import EndpointScreen

    app = make_app(account["url"])
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 30, "first refresh")
        screen = await open_row(app, pilot, "endpoints", account["eps"]["a"], EndpointScreen)
        panel = screen.query_one("#charts")
        await wait_for(pilot, lambda: len(panel.charts) == 4 and any(
            v is not None for line in panel.specs[3].lines for v in line.values), 20, "utilization data")
        await pilot.pause()
        util = next(c for c in panel.charts if c.title.startswith("Instance utilization"))
        # the spec holds the per-device lines (asserted in the test above); the drawn legend must too
        head = util.build_text(util.size.width, 1).plain
        assert "■ CPU ×48" in head and "■ GPU ×4" in head, head


# -- a component's screen -----------------------------------------------------------------------------

def check_component_screen(app, account, name: str) -> None:
    from tui.screens.component import ComponentScreen
    from tui.widgets.detail_table import DetailTable

    screen = app.screen
    assert isinstance(screen, ComponentScreen) and screen.component.name == name
    c = Component(account["cw"], name)
    metrics = screen.query_one("#metrics", DetailTable)
    assert metrics.cell_text("ic:Invocations:Sum", "now") == format_per_minute(c.per_minute)
    assert metrics.cell_text("ic:ModelLatency:Average", "now") == \
        format_value(c.latency, Unit.MICROSECONDS, stat="Average")
    assert metrics.cell_text("ic:Invocation5XXErrors", "now") == f"{100.0 * c.e5 / c.total:.2f}%"
    assert metrics.cell_text("ic:CPUUtilizationNormalized", "now") == \
        format_value(c.util["CPUUtilizationNormalized"], Unit.PERCENT)
    assert metrics.cell_text("ic:GPUUtilizationNormalized", "now") == \
        format_value(c.util["GPUUtilizationNormalized"], Unit.PERCENT)
    spec = screen.query_one("#charts").specs[0]
    all_copies = next(line for line in spec.lines if line.label == "all copies")
    assert [v for v in all_copies.values if v is not None][-1] == pytest.approx(c.inv[-1][1])
    assert format_per_minute(c.per_minute) in screen_text(app)


async def test_component_screens_from_the_pane_and_from_the_endpoint(account):
    from tui.screens.component import ComponentScreen
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable

    app = make_app(account["url"])
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 30, "first refresh")
        # Enter on a row of the Components pane
        name = account["ics"]["b-summarize"]
        await open_row(app, pilot, "components", name, ComponentScreen)
        metrics = app.screen.query_one("#metrics", DetailTable)
        await wait_for(pilot, lambda: metrics.row_for("ic:Invocations:Sum") is not None
                       and metrics.cell_text("ic:Invocations:Sum", "now") != "–", 20, "the component's data")
        await pilot.pause()
        check_component_screen(app, account, name)
        assert f"› {name}" in screen_text(app).splitlines()[0]
        # Enter on a row of an endpoint screen's components table
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.overview, 10, "back to the overview")
        await pilot.press("escape")  # clear the filter
        endpoint = account["eps"]["a"]
        screen = await open_row(app, pilot, "endpoints", endpoint, EndpointScreen)
        components = screen.query_one("#components", DetailTable)
        await wait_for(pilot, lambda: len(components.rows_shown) == 2, 20, "the endpoint's components")
        chosen = account["ics"]["a-embed"]
        components.focus()
        components.move_cursor(row=[r.name for r in components.rows_shown].index(chosen))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ComponentScreen), 10, "the component's screen")
        metrics = app.screen.query_one("#metrics", DetailTable)
        await wait_for(pilot, lambda: metrics.row_for("ic:Invocations:Sum") is not None
                       and metrics.cell_text("ic:Invocations:Sum", "now") != "–", 20, "the component's data")
        await pilot.pause()
        check_component_screen(app, account, chosen)
        assert f"Endpoints › {endpoint} › {chosen}" in screen_text(app)
