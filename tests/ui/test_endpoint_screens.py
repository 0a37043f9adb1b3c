"""The endpoint, component, instance and GPU screens on the demo fleet, driven with Textual's pilot.

The demo (a local AWS with the demo fleet and an hour of history) is the test session's
shared one (``shared_demo`` in conftest); :func:`demo_env` adds the app's inventory and a
series store to it, once for this and the other drill-down screen modules. A small app
pushes the screens and plays the refresh layer: it fetches each screen's ``detail_request``
with the app's own metric engine and read functions and hands the result to ``show()``.
Numbers on screen are checked against plain boto3 GetMetricData on the demo's local AWS
(not through the app's engine or model).
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from textual.app import App

from tests.harness import Harness
from tui.model.detail import DetailRequest, DetailResult
from tui.model.format import format_count, format_value
from tui.model.catalog import Unit
from tui.model.state import AppState

SIZE = (160, 48)


# -- the shared demo ------------------------------------------------------------------------------

class DemoEnv:
    """The shared demo's local AWS and fleet, the app's clients, a series store and the inventory."""

    def __init__(self, demo, clients) -> None:
        from tui.aws.discovery import discover
        from tui.aws.metrics import MetricEngine
        from tui.model.series import SeriesStore

        self.demo = demo
        self.fleet = demo.fleet
        self.conn = demo.connection
        self.creds = {k: v for k, v in dict(self.conn.credentials).items() if k != "region_name"}
        self.clients = clients
        self.inventory = discover(self.clients)
        self.store = SeriesStore(3600)  # the demo holds an hour of history
        self.engine = MetricEngine(self.clients.cloudwatch, self.store)
        self.state = AppState(window="1h", inventory=self.inventory, store=self.store, loaded=True,
                              regions=(self.conn.region,))
        self.lock = threading.Lock()
        self.fetched: list[DetailRequest] = []

    def cloudwatch(self):
        """A plain boto3 CloudWatch client of the demo account (no app code in between)."""
        session = boto3.Session(region_name=self.conn.region, **self.creds)
        return session.client("cloudwatch", endpoint_url=self.conn.endpoint_url)

    def fetch(self, request: DetailRequest | None) -> DetailResult | None:
        """What the refresh layer does for an open screen: its series (at its period) and reads."""
        from tui.aws.metrics import MetricRequest, choose_period
        from tui.model.plan import is_extended_stat
        from tui.refresh_detail import run_reads

        if request is None:
            return None
        with self.lock:
            self.fetched.append(request)
            now = time.time()
            period = choose_period(self.store.window, now, published=request.period or 60)
            basic = [MetricRequest(k, period) for k in request.keys if not is_extended_stat(k.stat)]
            ext = [MetricRequest(k, period) for k in request.keys if is_extended_stat(k.stat)]
            for batch in (basic, ext):
                if batch:
                    self.engine.fetch(batch, now=now)
            return run_reads(self.clients, request)

    def endpoint(self, name: str):
        return next(e for e in self.inventory.endpoints if e.name == name)

    def component(self, name: str):
        return next(c for c in self.inventory.components if c.name == name)


_ENVS: dict[int, DemoEnv] = {}


def demo_env(demo, clients) -> DemoEnv:
    """One :class:`DemoEnv` per shared demo (the conftest's ``shared_demo``), for every module."""
    env = _ENVS.get(id(demo))
    if env is None:
        env = _ENVS[id(demo)] = DemoEnv(demo, clients)
    return env


@pytest.fixture(scope="module")
def env(shared_demo, shared_demo_clients) -> DemoEnv:
    return demo_env(shared_demo, shared_demo_clients)


# -- a small app playing the refresh layer --------------------------------------------------------

class DrillHarness(Harness):
    """Pushes one drill-down screen in the dark theme and plays the app's part (the shared
    :class:`~tests.harness.Harness`): a screen that comes on top is shown the state and the last
    result for its request; :meth:`poll` is one refresh of the screen on top (its series and
    reads fetched, then ``show``)."""

    def __init__(self, env: DemoEnv, screen) -> None:
        super().__init__(env.state, screen, theme="sagemon")
        self.env = env

    async def poll(self, times: int = 1) -> None:
        for _ in range(times):
            screen = self.screen
            result = await asyncio.to_thread(self.env.fetch, screen.detail_request())
            if result is not None:
                self.results[result.owner] = result
            screen.show(self.env.state, result)
            await asyncio.sleep(0)


def screen_text(app: App) -> str:
    """The screen as plain text, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(pilot, app: App, polls: int = 1) -> None:
    await pilot.pause()
    await app.poll(polls)
    await pilot.pause()
    await pilot.pause()


# -- plain boto3 reference values -----------------------------------------------------------------

def gmd(env: DemoEnv, namespace: str, metric: str, dims: dict[str, str], stat: str, minutes: int = 60,
        period: int = 60) -> list[tuple[datetime, float]]:
    """Points of one series with plain boto3 GetMetricData, oldest first."""
    end = datetime.now(timezone.utc)
    resp = env.cloudwatch().get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
            "Namespace": namespace, "MetricName": metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]}, "Period": period, "Stat": stat}}],
        StartTime=end - timedelta(minutes=minutes), EndTime=end + timedelta(minutes=1), ScanBy="TimestampAscending")
    r = resp["MetricDataResults"][0]
    return list(zip(r["Timestamps"], r["Values"]))


def per_minute_recent(points: list[tuple[datetime, float]]) -> float:
    """The overview's rate: the sum over the 5 minutes ending at the newest point, per minute."""
    newest = points[-1][0]
    return sum(v for t, v in points if newest - timedelta(minutes=5) < t <= newest) / 5.0


def sum_recent(points: list[tuple[datetime, float]], anchor: datetime) -> float:
    return sum(v for t, v in points if anchor - timedelta(minutes=5) < t <= anchor)


def variant_figures(env: DemoEnv, endpoint: str, variant: str) -> tuple[float, float]:
    """(invocations per minute, 5XX %) the way the screen computes them, from plain boto3."""
    dims = {"EndpointName": endpoint, "VariantName": variant}
    inv = gmd(env, "AWS/SageMaker", "Invocations", dims, "Sum")
    e5 = gmd(env, "AWS/SageMaker", "Invocation5XXErrors", dims, "Sum")
    anchor = inv[-1][0]
    total = sum_recent(inv, anchor)
    return per_minute_recent(inv), 100.0 * sum_recent(e5, anchor) / total


# -- the endpoint screen --------------------------------------------------------------------------

async def test_split_endpoint_shows_variants_weights_and_rates_as_cloudwatch_has_them(env):
    from tui.model.endpoint.keys import endpoint_screen_keys
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView, LineView

    name = env.fleet.split_endpoint
    ep = env.endpoint(name)
    app = DrillHarness(env, EndpointScreen(ep))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = app.screen
        text = screen_text(app)
        assert "sagemon › Endpoints › fraud-detector-prod" in text
        assert text.splitlines()[0].rstrip().endswith("window 1h")  # as on every other screen
        table = screen.query_one("#variants", DetailTable)
        assert [r.name for r in table.rows_shown] == ["champion-xgb-v12", "challenger-xgb-v13"]
        for variant, weight in (("champion-xgb-v12", "80%"), ("challenger-xgb-v13", "20%")):
            rate, e5 = variant_figures(env, name, variant)
            key = f"variant:{variant}"
            assert table.cell_text(key, "inv") == format_value(round(rate, 1), Unit.NONE)
            assert table.cell_text(key, "e5xx_rate") == format_value(e5, Unit.PERCENT)
            assert table.cell_text(key, "weight") == weight
            assert table.cell_text(key, "instances") == str(env.fleet.endpoint(name).variant(variant).instance_count)
        enhanced = screen.query_one("#enhanced", LineView)
        assert enhanced.text.startswith("No enhanced metrics") and "\n" not in enhanced.text
        assert "No enhanced metrics: this endpoint publishes per-variant metrics only" in text
        facts = screen.query_one("#facts", FactsView).text()
        assert "Latency: p99" in facts and "in SageMaker" in facts
        # the screen asked for exactly the series it shows, and the enhanced dimensions
        request = env.fetched[-1]
        assert request.owner == f"endpoint:{ep.key}" and set(request.keys) == set(endpoint_screen_keys(ep))
        assert not any(k.metric.startswith("GPU") for k in request.keys)
        # i on an endpoint without enhanced metrics says so and stays
        await pilot.press("i")
        await pilot.pause()
        assert app.screen is screen


async def test_erroring_endpoint_shows_its_alarm_firing(env):
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView

    name = env.fleet.erroring_endpoint
    app = DrillHarness(env, EndpointScreen(env.endpoint(name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        alarms = app.screen.query_one("#alarms", DetailTable)
        key = f"alarm:{env.conn.region}:{env.fleet.alarm_in_alarm}"
        assert alarms.cell_text(key, "state") == "ALARM" and alarms.row_for(key).cells["state"].level == "crit"
        assert alarms.cell_text(key, "condition") == "> 25"
        facts = app.screen.query_one("#facts", FactsView).text()
        assert f"Alarms: 1 of 1 in ALARM: {env.fleet.alarm_in_alarm}" in facts
        rate, e5 = variant_figures(env, name, "AllTraffic")
        assert f"5XX {format_value(e5, Unit.PERCENT)}" in facts and e5 > 5


async def test_multi_model_and_serverless_sections(env):
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable

    mme = env.fleet.multi_model_endpoint
    app = DrillHarness(env, EndpointScreen(env.endpoint(mme)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one("#mme", DetailTable)
        hits = gmd(env, "AWS/SageMaker", "ModelCacheHit", {"EndpointName": mme, "VariantName": "AllTraffic"},
                   "Average")
        assert table.cell_text("mme:AllTraffic:cache", "now") == format_value(hits[-1][1] * 100, Unit.PERCENT)
        loaded = gmd(env, "/aws/sagemaker/Endpoints", "LoadedModelCount",
                     {"EndpointName": mme, "VariantName": "AllTraffic"}, "Average")
        assert table.cell_text("mme:AllTraffic:loaded", "now") == format_value(loaded[-1][1], Unit.NONE)
        assert not app.screen.query_one("#serverless", DetailTable).display

    sls = env.fleet.serverless_endpoint
    app = DrillHarness(env, EndpointScreen(env.endpoint(sls)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one("#serverless", DetailTable)
        # the cold starts over the window the screen read, each minute as CloudWatch holds it (compared
        # minute by minute: a minute boundary between the screen's read and this one moves the window)
        from tui.model.endpoint.keys import VariantDetailKeys

        colds = dict(gmd(env, "AWS/SageMaker", "ModelSetupTime", {"EndpointName": sls, "VariantName": "AllTraffic"},
                         "SampleCount", minutes=120))
        read = env.store.get(VariantDetailKeys(env.endpoint(sls), "AllTraffic").cold_starts)
        assert read is not None and read.points
        for ts, value in read.points.items():
            assert colds.get(datetime.fromtimestamp(ts, timezone.utc), 0.0) == value
        shown = table.cell_text("sls:AllTraffic:cold", "window")
        now = int(time.time())  # the screen drew a moment ago: its window starts now or a minute before
        totals = {format_count(sum(v for t, v in read.points.items() if t > lo)) for lo in
                  (now - env.store.window, now - env.store.window - 60)}
        assert any(shown.startswith(f"{n} in all") for n in totals), (shown, totals)
        assert table.cell_text("sls:AllTraffic:cold", "now").endswith("/min")
        assert table.cell_text("sls:AllTraffic:mem", "window") == "of 4,096 MB"
        assert app.screen.query_one("#variants", DetailTable).cell_text("variant:AllTraffic", "type") == \
            "serverless 4 GB/20"
        assert not app.screen.query_one("#mme", DetailTable).display


async def test_component_rows_are_on_screen_not_only_in_the_table(env):
    """The components table sizes itself to its rows (height: auto) once they are measured:
    the header and every component line are drawn, not a zero-height table under its title."""
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable

    name = env.fleet.component_endpoint
    app = DrillHarness(env, EndpointScreen(env.endpoint(name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        components = app.screen.query_one("#components", DetailTable)
        assert components.row_count == len(env.fleet.components)
        assert components.region.height == components.row_count + 1  # the header and each row
        lines = screen_text(app).splitlines()
        title = next(i for i, line in enumerate(lines) if "Inference components (Enter opens one)" in line)
        assert "Copies" in lines[title + 1]
        for component in env.fleet.components:
            assert any(line.lstrip().startswith(component.name) for line in lines[title + 2:])
        # Home / End move the cursor to the first / last row
        components.focus()
        await pilot.press("end")
        await pilot.pause()
        assert components.selected_key == components.rows_shown[-1].key
        await pilot.press("home")
        await pilot.pause()
        assert components.selected_key == components.rows_shown[0].key


async def test_component_endpoint_variants_and_charts_read_its_components(env):
    """An endpoint hosting inference components publishes its traffic per component: the
    variants table and the traffic, error and latency charts read the components' series."""
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable

    name = env.fleet.component_endpoint
    app = DrillHarness(env, EndpointScreen(env.endpoint(name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        variants = app.screen.query_one("#variants", DetailTable)
        row = variants.rows_shown[0]
        expected = sum(per_minute_recent(gmd(env, "AWS/SageMaker", "Invocations",
                                             {"InferenceComponentName": c.name}, "Sum"))
                       for c in env.fleet.components)
        assert row.cells["inv"].sort == pytest.approx(expected, rel=0.01) and row.cells["traffic"].text == "100.0%"
        assert row.cells["p99"].text != "–"
        specs = app.screen.query_one("#charts").specs
        titles = [c.title for c in specs]
        assert titles[0] == "Invocations per minute by inference component", titles
        assert {line.label for line in specs[0].lines} == {c.name for c in env.fleet.components}
        for spec in specs[:3]:  # traffic, errors, latency: data, not "no data"
            assert any(v is not None for line in spec.lines for v in line.values), spec.title
        util = specs[3]
        assert {line.label for line in util.lines} >= {"CPU ×48", "GPU ×4", "memory"}  # ml.g5.12xlarge
        assert all(v is None or v <= 100.0 for line in util.lines for v in line.values)


async def test_component_endpoint_shows_reservations_and_normalized_use_as_cloudwatch_has_them(env):
    """CPU/GPU/MemoryReservation and the instance-level CPU/GPU/GPUMemoryUtilizationNormalized of
    an inference-component endpoint are fetched and drawn: a "Reserved" fact (newest Average of
    each, as plain boto3 reads it), and the reservations in the utilization chart."""
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.facts_view import FactsView

    name = env.fleet.component_endpoint
    variant = env.fleet.endpoint(name).variants[0].name
    dims = {"EndpointName": name, "VariantName": variant}
    app = DrillHarness(env, EndpointScreen(env.endpoint(name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        facts = {f.label: f.text for f in app.screen.query_one("#facts", FactsView).facts}
        reserved, used = facts["Reserved"].split(";  used (normalized): ")
        for metric, word, part in (("CPUReservation", "CPU", reserved), ("GPUReservation", "GPU", reserved),
                                   ("MemoryReservation", "memory", reserved),
                                   ("CPUUtilizationNormalized", "CPU", used),
                                   ("GPUUtilizationNormalized", "GPU", used),
                                   ("GPUMemoryUtilizationNormalized", "GPU memory", used)):
            points = gmd(env, "/aws/sagemaker/Endpoints", metric, dims, "Average")
            assert points, metric
            assert f"{word} {format_value(points[-1][1], Unit.PERCENT)}" in part, (metric, part)
        assert used.endswith("(Average, newest)")
        spec = app.screen.query_one("#charts").specs[3]
        assert spec.title == "Instance utilization and reservations (Average)"
        assert [line.label for line in spec.lines][3:] == ["CPU reserved", "GPU reserved", "memory reserved"]
        assert all(any(v is not None for v in line.values) for line in spec.lines[3:]), spec
        text = screen_text(app)
        assert "Reserved" in text and "used (normalized)" in text
        # asked for once, with the statistic the reference names (Average)
        keys = {(k.metric, k.stat) for k in env.fetched[-1].keys}
        assert {("CPUReservation", "Average"), ("GPUReservation", "Average"), ("MemoryReservation", "Average"),
                ("CPUUtilizationNormalized", "Average"), ("GPUUtilizationNormalized", "Average"),
                ("GPUMemoryUtilizationNormalized", "Average")} <= keys
        assert ("InvocationsPerInstance", "Sum") not in keys  # its traffic is its components'


async def test_variants_show_invocations_per_instance_as_cloudwatch_has_them(env):
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable

    name = env.fleet.split_endpoint
    app = DrillHarness(env, EndpointScreen(env.endpoint(name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one("#variants", DetailTable)
        for v in env.fleet.endpoint(name).variants:
            points = gmd(env, "AWS/SageMaker", "InvocationsPerInstance",
                         {"EndpointName": name, "VariantName": v.name}, "Sum")
            expected = format_value(round(per_minute_recent(points), 1), Unit.NONE)
            assert table.row_for(f"variant:{v.name}").cells["per_instance"].text == expected
            assert table.cell_text(f"variant:{v.name}", "per_instance") in (expected, "")  # "" if narrow
        assert ("InvocationsPerInstance", "Sum") in {(k.metric, k.stat) for k in env.fetched[-1].keys}


async def test_component_drill_down_and_back_as_left(env):
    from tui.model.endpoint.keys import ComponentDetailKeys
    from tui.screens.component import ComponentScreen
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable

    name = env.fleet.component_endpoint
    app = DrillHarness(env, EndpointScreen(env.endpoint(name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        endpoint_screen = app.screen
        components = endpoint_screen.query_one("#components", DetailTable)
        assert [r.name for r in components.rows_shown] == sorted(c.name for c in env.fleet.components)
        components.focus()
        components.move_cursor(row=1)
        await pilot.pause()
        chosen = components.selected_row.name
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ComponentScreen) and screen.component.name == chosen
        assert f"sagemon › Endpoints › {name} › {chosen}" in screen_text(app)
        # only the open screen is polled: the component's own series
        request = env.fetched[-1]
        assert request.owner == f"component:{screen.component.key}"
        assert set(request.keys) == set(ComponentDetailKeys(screen.component).all())
        per_copy = gmd(env, "AWS/SageMaker", "InvocationsPerCopy", {"InferenceComponentName": chosen}, "Sum")
        metrics = screen.query_one("#metrics", DetailTable)
        assert metrics.cell_text("ic:InvocationsPerCopy:Sum", "now") == \
            f"{format_value(round(per_minute_recent(per_copy), 1), Unit.NONE)}/min"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is endpoint_screen
        assert endpoint_screen.query_one("#components", DetailTable).selected_row.name == chosen
        assert app.focused is components


# -- enhanced metrics: instances and GPUs --------------------------------------------------------------

async def test_enhanced_endpoint_drills_to_instances_and_the_hot_gpu(env):
    from tui.model.endpoint.instance_grid import instance_host
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.facts_view import LineView
    from tui.screens.endpoint_hosts import AcceleratorScreen, EndpointInstancesScreen
    from tui.widgets.host_grid import HostGrid

    name = env.fleet.enhanced_endpoint
    hot_instance, hot_gpu = env.fleet.hot_gpu
    ep = env.endpoint(name)
    app = DrillHarness(env, EndpointScreen(ep))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        endpoint_screen = app.screen
        assert endpoint_screen.query_one("#enhanced", LineView).text.startswith(
            "Enhanced metrics: 2 instances, 8 GPUs")
        await pilot.press("i")
        await settle(pilot, app, polls=2)
        screen = app.screen
        assert isinstance(screen, EndpointInstancesScreen)
        assert f"sagemon › Endpoints › {name} › instances" in screen_text(app)
        # the endpoint config records a 10 s publishing interval: asked at exactly that period
        assert ep.metric_publish_frequency == 10
        assert screen.detail_request().period == 10
        assert "published every 10 s" in screen.query_one("#summary", LineView).text
        grid = screen.query_one("#grid", HostGrid)
        table = grid.host_table
        hot_row = table.row(instance_host(ep, "AllTraffic", hot_instance))
        assert grid.get_row("\0min")[-1].plain == f"1 of {len(table.rows)} instances flagged"
        assert str(grid.columns["host"].label).startswith("Instance")
        assert hot_row.reason.startswith(f"hot {hot_gpu} ")
        assert all(not r.reason.startswith("hot") for r in table.rows if r is not hot_row)
        # CPU and GPU per device: CloudWatch's sums ÷ the type's 48 vCPUs and 4 GPUs (ml.g5.12xlarge)
        hardware = env.state.inventory.facts(ep.variants[0].instance_type)
        assert (hardware.vcpus, hardware.gpus) == (48, 4)
        dims = {"EndpointName": name, "VariantName": "AllTraffic", "InstanceId": hot_instance}
        cpu = gmd(env, "/aws/sagemaker/Endpoints", "CPUUtilization", dims, "Average", minutes=30, period=10)
        gpu_sum = gmd(env, "/aws/sagemaker/Endpoints", "GPUUtilization", dims, "Average", minutes=30, period=10)
        assert hot_row.value("CPUUtilization") == pytest.approx(cpu[-1][1] / 48)
        assert hot_row.value("GPUUtilization") == pytest.approx(gpu_sum[-1][1] / 4) and gpu_sum[-1][1] > 100
        assert str(grid.columns["CPUUtilization"].label).startswith("CPU ×48")
        assert str(grid.columns["GPUUtilization"].label).startswith("GPU ×4")
        legend = screen.query_one("#legend", LineView).text
        assert legend.startswith("CPU ×48, GPU ×4: means per device by the app (CloudWatch's sum ÷ 48 vCPUs, "
                                 "÷ 4 GPUs of ml.g5.12xlarge)") and "raw sums: the chart below" in legend
        assert grid.select_host(hot_row.host)
        await pilot.press("enter")
        await settle(pilot, app)
        gpus = app.screen
        assert isinstance(gpus, AcceleratorScreen) and gpus.instance == hot_instance
        assert f"sagemon › Endpoints › {name} › instances › {hot_instance}" in screen_text(app)
        summary = gpus.query_one("#summary", LineView)
        assert summary.text.startswith(f"hot {hot_gpu} ") and summary.level in ("warn", "crit")
        gpu_table = gpus.query_one("#grid", HostGrid).host_table
        assert [r.label for r in gpu_table.rows] == ["GPU0", "GPU1", "GPU2", "GPU3"]
        # the grid names its rows: GPUs here, instances one level up (not "hosts")
        gpu_grid = gpus.query_one("#grid", HostGrid)
        assert str(gpu_grid.columns["host"].label).startswith("GPU")
        assert gpu_grid.get_row("\0min")[-1].plain == "1 of 4 GPUs flagged"
        assert "hosts" not in screen_text(app)
        util = gmd(env, "/aws/sagemaker/Endpoints", "GPUUtilization",
                   {"EndpointName": name, "VariantName": "AllTraffic", "InstanceId": hot_instance,
                    "AcceleratorId": hot_gpu}, "Average", minutes=30, period=10)
        hot = next(r for r in gpu_table.rows if r.label == hot_gpu)
        assert hot.value("GPUUtilization") == pytest.approx(util[-1][1]) and hot.value("GPUUtilization") > 90
        assert gpus.detail_request().period == 10
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and grid.selected_host == hot_row.host
        await pilot.press("escape")
        await pilot.pause()
        await app.poll()
        await pilot.pause()
        assert app.screen is endpoint_screen
        assert "published every 10 s" in endpoint_screen.query_one("#enhanced", LineView).text


async def test_narrow_terminal_keeps_the_endpoint_screen_usable(env):
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable

    app = DrillHarness(env, EndpointScreen(env.endpoint(env.fleet.split_endpoint)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "fraud-detector-prod" in text.splitlines()[0]
        table = app.screen.query_one("#variants", DetailTable)
        shown = [c.key for c in table._cols]
        assert {"name", "inv", "e5xx_rate"} <= set(shown) and "disk" not in shown
        # one chart per row, each as wide as the screen, so its legend names every line
        from tui.widgets.chart_panel import ChartPanel

        panel = app.screen.query_one("#charts", ChartPanel)
        assert panel.shown_columns == 1 and len(panel.charts) == 4
        assert all(c.size.width >= 70 for c in panel.charts)
        assert panel.styles.height.value == 4 * 13
        errors = next(c for c in panel.charts if c.title.startswith("Error rate"))
        head = errors.build_text(errors.size.width, 1).plain
        assert head.startswith("Error rate (%)  ■ 5XX % champion") and head.count("■") == len(errors.series)


# -- hostile strings --------------------------------------------------------------------------------

async def test_names_and_reasons_from_aws_are_never_markup_or_escape_codes():
    """Markup-like names, escape sequences and newlines show literally (no demo needed)."""
    from tui.model.resources import Alarm, Endpoint, Inventory, Pipeline, PipelineExecution, PipelineStep, Variant
    from tui.model.series import SeriesStore
    from tui.screens.endpoint import EndpointScreen
    from tui.screens.pipeline import ExecutionScreen

    ep = Endpoint("ep[red]x[/red]", "Failed", region="us-east-1",
                  failure_reason="boom \x1b[31mred\x1b[0m\nnext [b]line",
                  variants=[Variant("[bold]v[/bold]", "ml.c5.large", 1, 1, 1.0, 1.0)])
    alarm = Alarm("[link=http://x]a[/link]\x1b]0;title\x07", "ALARM", region="us-east-1",
                  dimensions={"EndpointName": ep.name}, reason="[blink]why[/blink]\r\nmore")
    state = AppState(window="3h", inventory=Inventory(endpoints=[ep], alarms=[alarm]), store=SeriesStore(), loaded=True)
    step = PipelineStep("[i]Train[/i]", "Failed", failure_reason="Err: [red]quota[/red]\nline2\x1b[2J")
    p = Pipeline("pl[x]", region="us-east-1")
    ex = PipelineExecution("arn:aws:sagemaker:us-east-1:1:pipeline/pl/execution/abc", "Failed",
                           display_name="[b]run[/b]", failure_reason="Step failure")

    class Bare(App):
        def __init__(self, screen) -> None:
            from tui.theme_files import stylesheet

            self.CSS_PATH = str(stylesheet())
            super().__init__()
            self.first = screen

        def get_theme_variable_defaults(self) -> dict[str, str]:
            from tui.widgets.palette import THEME_DEFAULTS

            return dict(THEME_DEFAULTS)

        def on_mount(self) -> None:
            self.push_screen(self.first)

    app = Bare(EndpointScreen(ep, state=state))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "sagemon › Endpoints › ep[red]x[/red]" in text
        assert "boom ␛[31mred␛[0m next [b]line" in text and "[blink]why[/blink] more" in text
        assert "[bold]v[/bold]" in text and "[link=http://x]a[/link]" in text
        assert "\x1b" not in text
    app = Bare(ExecutionScreen(p, ex, state=state, steps=[step]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[i]Train[/i] failed: Err: [red]quota[/red] line2" in text and "[b]run[/b]" in text
        assert "\x1b" not in text


# -- through the real app ----------------------------------------------------------------------------

def real_app(env: DemoEnv):
    """The real app on the shared demo: its refresh layer polls whatever screen is on top."""
    from tui.app import SagemonApp
    from tui.cli import Options
    from tui.refresh import Connection

    conn = Connection(env.clients, "demo", None, (env.conn.region,))
    return SagemonApp(Options(refresh=60, window="1h"), connection=conn)


async def wait_for(pilot, cond, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        await pilot.pause(0.1)
    raise AssertionError("condition not met in time")


async def open_from_overview(pilot, app, pane: str, key: str) -> None:
    """``:pane``, the cursor on ``key``, Enter."""
    await pilot.press("colon", *pane, "enter")
    table = app.overview.table()
    await wait_for(pilot, lambda: table.select_key(key))
    await pilot.press("enter")


async def test_real_app_endpoint_instances_and_gpus_then_back_to_the_overview(env):
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.facts_view import LineView
    from tui.screens.endpoint_hosts import AcceleratorScreen, EndpointInstancesScreen
    from tui.widgets.host_grid import HostGrid

    ep = env.endpoint(env.fleet.enhanced_endpoint)
    hot_instance, hot_gpu = env.fleet.hot_gpu
    app = real_app(env)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1)
        await open_from_overview(pilot, app, "endpoints", ep.key)
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointScreen))
        screen = app.screen
        line = screen.query_one("#enhanced", LineView)
        await wait_for(pilot, lambda: line.text.startswith("Enhanced metrics: 2 instances, 8 GPUs"))
        assert app.detail_request.owner == f"endpoint:{ep.key}"
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointInstancesScreen))
        instances = app.screen
        # the endpoint config records the 10 s publishing interval: fetched at exactly that period
        await wait_for(pilot, lambda: app.detail_request.period == 10)
        grid = instances.query_one("#grid", HostGrid)
        await wait_for(pilot, lambda: grid.host_table is not None
                       and any(r.reason.startswith(f"hot {hot_gpu} ") for r in grid.host_table.rows))
        hot_row = next(r for r in grid.host_table.rows if r.label == hot_instance)
        assert hot_row.reason.startswith(f"hot {hot_gpu} ")
        assert grid.select_host(hot_row.host)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceleratorScreen))
        gpus = app.screen
        summary = gpus.query_one("#summary", LineView)
        await wait_for(pilot, lambda: summary.text.startswith(f"hot {hot_gpu} "))
        assert app.detail_request.owner.startswith("endpoint-gpus:") and app.detail_request.period == 10
        assert f"Endpoints › {ep.name} › instances › {hot_instance}" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is instances and app.detail_request.owner.startswith(
            "endpoint-instances:"))
        assert grid.selected_host == hot_row.host
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and app.detail_request.owner == f"endpoint:{ep.key}")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.overview and app.detail_request is None)
        assert app.overview.table().selected_key == ep.key
