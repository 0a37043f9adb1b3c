"""The app driven with Textual's pilot against a local moto server seeded with plain boto3.

Numbers on screen are checked against values computed straight from CloudWatch with plain
boto3 GetMetricData (not through the app's engine or model). Keys: ``:`` jump, ``/`` filter,
Esc, ``s`` sort, ``p`` pause, ``r`` refresh, ``t`` window, Enter/Esc detail, ``?`` help; and
a refresh keeps the cursor on the same resource.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from tui.aws.session import AwsClients, AwsSettings
from tui.config.options import Options
from tui.model.catalog import Unit
from tui.model.format import format_value
from tui.model.kinds import Pane
from tui.refresh import Connection

REGION = "us-east-1"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/sagemaker"
U = "t" + uuid.uuid4().hex[:6]
ENDPOINTS = {f"{U}-fraud": 120.0, f"{U}-recs": 40.0, f"{U}-chat": 300.0}  # invocations per minute


@pytest.fixture(scope="module")
def seeded(moto_url):
    """Three endpoints with traffic, a 2-host GPU training job and a pipeline, in moto."""
    s = boto3.Session(region_name=REGION, **CREDS)
    sm, cw = s.client("sagemaker", endpoint_url=moto_url), s.client("cloudwatch", endpoint_url=moto_url)
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    for name, rate in ENDPOINTS.items():
        sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
        sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{
            "VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 2,
            "InstanceType": "ml.c5.xlarge"}])
        sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
        dims = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "AllTraffic"}]
        data = []
        for m in range(1, 31):
            t = now - timedelta(minutes=m)
            data.append({"MetricName": "Invocations", "Dimensions": dims, "Timestamp": t, "Value": rate + m})
            data.append({"MetricName": "Invocation5XXErrors", "Dimensions": dims, "Timestamp": t,
                         "Value": float(m % 3)})
        cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=data)
        cw.put_metric_data(Namespace="/aws/sagemaker/Endpoints", MetricData=[
            {"MetricName": "CPUUtilization", "Dimensions": dims, "Timestamp": now - timedelta(minutes=m),
             "Value": 50.0 + m} for m in range(1, 6)])
    job = f"{U}-train"
    sm.create_training_job(
        TrainingJobName=job, RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://b/out"},
        ResourceConfig={"InstanceType": "ml.p3.2xlarge", "InstanceCount": 2, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    for i, gpu in ((1, 80.0), (2, 60.0)):
        cw.put_metric_data(Namespace="/aws/sagemaker/TrainingJobs", MetricData=[
            {"MetricName": "GPUUtilization", "Dimensions": [{"Name": "Host", "Value": f"{job}/algo-{i}"}],
             "Timestamp": now - timedelta(minutes=m), "Value": gpu} for m in range(1, 6)])
    sm.create_pipeline(PipelineName=f"{U}-pipe", RoleArn=ROLE,
                       PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}))
    sm.start_pipeline_execution(PipelineName=f"{U}-pipe")
    return moto_url


def expected_invocations_per_minute(url: str, name: str) -> float:
    """From CloudWatch directly: the 5 minutes ending at the newest point, per minute."""
    cw = boto3.client("cloudwatch", endpoint_url=url, region_name=REGION, **CREDS)
    end = datetime.now(timezone.utc)
    resp = cw.get_metric_data(MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
        "Namespace": "AWS/SageMaker", "MetricName": "Invocations",
        "Dimensions": [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "AllTraffic"}]},
        "Period": 60, "Stat": "Sum"}}], StartTime=end - timedelta(minutes=20), EndTime=end)
    r = resp["MetricDataResults"][0]
    pts = sorted(zip((int(t.timestamp()) for t in r["Timestamps"]), r["Values"]))
    newest = pts[-1][0]
    return sum(v for t, v in pts if newest - 300 < t <= newest) / 5


def make_app(url: str, **kw):
    from tui.app import SagemonApp

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=url, credentials=CREDS, max_attempts=1))
    conn = Connection(clients, "test", "123456789012", (REGION,))
    return SagemonApp(Options(refresh=kw.pop("refresh", 60)), connection=conn, **kw)


async def wait_for(pilot, cond, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        await pilot.pause(0.1)
    raise AssertionError("condition not met in time")


def mine(table):
    return [r for r in table.shown if r.name.startswith(U)]


async def test_endpoints_pane_numbers_match_cloudwatch(seeded):
    app = make_app(seeded)
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and len(mine(table)) == 3)
        for row in mine(table):
            want = expected_invocations_per_minute(seeded, row.name)
            assert row.cells["inv"].sort == pytest.approx(want)
            # the drawn cell shows the same number, formatted for people
            assert table.get_cell(row.key, "inv").plain == format_value(want, Unit.NONE)
            # newest CPU point, per vCPU of the ml.c5.xlarge as the local EC2 describes it
            vcpus = app.state.inventory.facts("ml.c5.xlarge").vcpus
            assert vcpus == 4 and row.cells["cpu"].text == format_value(51.0 / vcpus, Unit.PERCENT) + "×4"
        assert app.state.usage.metrics_requested > 0
        assert not app.state.stale


async def test_jump_filter_sort_and_detail(seeded):
    app = make_app(seeded)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1)
        # `:jobs` Enter
        await pilot.press("colon", *"jobs", "enter")
        assert app.overview.pane is Pane.JOBS
        jobs = app.overview.table(Pane.JOBS)
        await wait_for(pilot, lambda: any(r.name == f"{U}-train" for r in jobs.shown))
        row = next(r for r in jobs.shown if r.name == f"{U}-train")
        assert row.cells["gpu"].sort == pytest.approx(70.0)  # mean of 80 and 60
        assert row.cells["hosts"].text == "2×p3.2xlarge"
        # `/` filter, Esc clears
        await pilot.press("colon", *"endpoints", "enter")
        eps = app.overview.table(Pane.ENDPOINTS)
        await pilot.press("slash", *f"{U}-fr")
        assert [r.name for r in eps.shown] == [f"{U}-fraud"]
        await pilot.press("enter")
        assert eps.filter_text == f"{U}-fr" and app.focused is eps
        await pilot.press("escape")
        assert eps.filter_text == "" and len(mine(eps)) == 3
        # `s` cycles the sort column; the header shows it
        await pilot.press("slash", *U, "enter")
        await pilot.press("s")
        assert eps.sort_column == "name"
        assert [r.name for r in eps.shown] == sorted(r.name for r in eps.shown)
        for _ in range(4):
            await pilot.press("s")
        assert eps.sort_column == "inv" and eps.sort_reverse
        assert [r.name for r in eps.shown] == [f"{U}-chat", f"{U}-fraud", f"{U}-recs"]
        # Enter opens the endpoint's drill-down screen, which is polled while open; Esc goes
        # back with the cursor where it was and the screen's polling stops
        eps.select_key(eps.shown[1].key)
        await pilot.press("enter")
        from tui.screens.endpoint import EndpointScreen

        await pilot.pause(0.2)
        assert isinstance(app.screen, EndpointScreen)
        assert app.screen.endpoint.name == f"{U}-fraud"
        assert app.detail_request is not None and app.detail_request.keys
        assert all(k.dim("EndpointName") in (None, f"{U}-fraud") for k in app.detail_request.keys)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.screen is app.overview and eps.selected_key == eps.shown[1].key
        assert app.detail_request is None
        # `:` works from a drill-down screen too: back to the overview, on the pane typed
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, EndpointScreen)
        await pilot.press("colon", *"jobs", "enter")
        await pilot.pause(0.2)
        assert app.screen is app.overview and app.overview.pane is Pane.JOBS
        assert app.detail_request is None


async def test_pause_refresh_and_window(seeded):
    app = make_app(seeded)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and not app.scheduler.running)
        await pilot.press("p")
        assert app.state.paused and app.scheduler.paused and app.scheduler.seconds_left() is None
        # the "refresh paused" notification stands above the status bar, whose PAUSED stays readable
        await pilot.pause()
        from textual.widgets._toast import Toast

        from tui.widgets.status_bar import StatusBar

        bar = app.overview.query_one(StatusBar)
        toasts = [t for t in app.screen.query(Toast) if t.region.height]
        assert toasts and all(r.region.bottom <= bar.region.y for r in toasts)
        assert "PAUSED" in str(bar.render())
        n = app.state.refreshes
        app.scheduler.next_due = 0  # long overdue: still nothing while paused
        await pilot.pause(1.5)
        assert app.state.refreshes == n
        await pilot.press("r")  # a manual refresh still runs
        await wait_for(pilot, lambda: app.state.refreshes == n + 1)
        await pilot.press("p")
        assert not app.state.paused
        await pilot.press("t")
        assert app.state.window == "12h"
        await wait_for(pilot, lambda: app.state.store.window == 12 * 3600)
        await pilot.press("question_mark")
        from tui.screens.help import KEYS, HelpScreen

        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        from textual.containers import VerticalScroll

        assert "Esc closes" in str(app.screen.query_one(VerticalScroll).border_subtitle)
        assert "from any screen" in dict(KEYS)[":"]
        await pilot.press("escape")
        assert app.screen is app.overview


async def test_refresh_keeps_cursor_on_same_resource(seeded):
    app = make_app(seeded)
    async with app.run_test(size=(160, 40)) as pilot:
        eps = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: len(mine(eps)) == 3 and not app.scheduler.running)
        eps.set_sort("inv", reverse=True)
        target = next(r for r in eps.shown if r.name == f"{U}-recs")
        eps.select_key(target.key)
        before = eps.cursor_row
        # new rows that change the order: the cursor follows the resource, not the line
        rows = list(reversed(eps.all_rows))
        for r in rows:
            if r.name == f"{U}-recs":
                r.cells["inv"].sort = 1e9
        eps.show_rows(rows)
        await pilot.pause()
        assert eps.selected_key == target.key
        assert eps.cursor_row == 0 != before
        # and a real refresh leaves it there too
        n = app.state.refreshes
        await pilot.press("r")
        await wait_for(pilot, lambda: app.state.refreshes > n)
        assert eps.selected_key == target.key


async def test_home_and_end_move_the_cursor_to_the_first_and_last_row(seeded):
    app = make_app(seeded)
    async with app.run_test(size=(160, 40)) as pilot:
        eps = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: len(mine(eps)) == 3)
        assert len(eps.shown) > 1 and eps.cursor_row == 0
        footer = [s.text for s in app.screen._compositor.render_strips()][-1]
        assert "Open" in footer  # Enter is named in the footer
        await pilot.press("end")
        await pilot.pause()
        assert eps.selected_key == eps.shown[-1].key
        await pilot.press("home")
        await pilot.pause()
        assert eps.selected_key == eps.shown[0].key


async def test_footer_ends_with_the_palette_key_on_a_narrow_drill_down(seeded):
    """The footer overflows at 80 columns; the palette key docked right must cover the end."""
    from tui.screens.endpoint import EndpointScreen

    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        eps = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: len(mine(eps)) == 3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointScreen))
        await pilot.pause()
        footer = [strip.text for strip in app.screen._compositor.render_strips()][-1]
        assert footer.rstrip().endswith("^p palette") and len(footer) == 80
        palette = app.screen.query_one("FooterKey.-command-palette")
        assert palette.region.right == 80  # no cell left uncovered after it


async def test_small_terminal_hides_columns_by_priority(seeded):
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        eps = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: len(mine(eps)) == 3)
        keys = [c.key for c in eps.columns_spec]
        assert {"name", "status", "inv"} <= set(keys)
        assert "cache" not in keys and sum(c.width + 2 for c in eps.columns_spec) <= 80


async def test_unreachable_aws_shows_stale_and_keeps_running():
    from tui.app import SagemonApp

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url="http://127.0.0.1:9", credentials=CREDS,
                                     max_attempts=1, connect_timeout=1))
    app = SagemonApp(Options(), connection=Connection(clients, None, None, (REGION,)))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1)
        assert app.state.stale and app.state.errors
        assert app.is_running
        notice = app.overview.query_one("#notice")
        assert "cannot" in str(notice.render())
        # each problem once; the pane says it could not list, not that there is nothing
        lines = str(notice.render()).splitlines()
        assert lines and len(lines) == len(set(lines))
        empty = str(app.overview.query_one("#empty-endpoints").render())
        assert empty.startswith("Could not list the endpoints") and "No endpoints" not in empty
        tab = app.overview.query_one("#panes Tab#endpoints").label_text
        assert tab.endswith(" !") and "0" not in tab


# -- against the demo fleet ----------------------------------------------------------------------
# One DemoAws for these tests, populated (no live loop, so the numbers hold still), in a region
# of its own: moto's state is shared by every server in the test process.

from conftest import DEMO_REGION  # noqa: E402 - the session's shared demo fleet


@pytest.fixture(scope="module")
def demo(shared_demo):
    return shared_demo


def demo_app(demo, **kw):
    from tui.app import SagemonApp

    conn = demo.connection
    clients = AwsClients(AwsSettings(regions=(DEMO_REGION,), endpoint_url=conn.endpoint_url,
                                     credentials=dict(conn.credentials), max_attempts=2))
    return SagemonApp(Options(refresh=60), connection=Connection(clients, "demo", None, (DEMO_REGION,)), **kw)


def per_minute_from_record(demo, key, anchor: int) -> float:
    vals = [demo.expected_value(key.namespace, key.metric, key.dimensions, key.stat, anchor - 60 * i)
            for i in range(5)]
    return sum(v for v in vals if v is not None) / 5


async def test_demo_every_pane_lists_the_fleet(demo):
    app = demo_app(demo)
    f = demo.fleet
    want = {
        Pane.ENDPOINTS: {e.name for e in f.endpoints},
        Pane.COMPONENTS: {c.name for c in f.components},
        Pane.JOBS: {j.name for j in f.jobs},
        Pane.PIPELINES: {p.name for p in f.pipelines},
        Pane.LABELING: {lj.name for lj in f.labeling_jobs},
        Pane.FEATURES: {fg.name for fg in f.feature_groups},
        Pane.RECOMMENDATIONS: {r.name for r in f.recommendation_jobs},
    }
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, timeout=60)
        assert not app.state.stale, app.state.errors
        for pane, names in want.items():
            await pilot.press("colon", *pane.value, "enter")
            assert app.overview.pane is pane
            table = app.overview.table(pane)
            await wait_for(pilot, lambda: names <= {r.name for r in table.all_rows})
            assert len(table.all_rows) == len(names)  # this region holds only the demo fleet


async def test_demo_endpoint_numbers_match_what_the_demo_put(demo):
    from tui.model.readings import newest
    from tui.model.plan import ComponentKeys, EndpointKeys, endpoint_components

    app = demo_app(demo)
    f = demo.fleet
    async with app.run_test(size=(200, 60)) as pilot:
        table = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and table.all_rows, timeout=60)
        now = int(time.time())
        checked = by_components = 0
        for row in table.all_rows:
            ep = row.resource
            if len(ep.variants) != 1 or ep.name == f.idle_endpoint:
                continue
            k = EndpointKeys(ep, ep.variants[0].name)
            point = newest(app.state.store, k.invocations, now)
            if point is None:  # traffic counted per inference component: the components added up
                assert ep.component_based, ep.name
                comps = [ComponentKeys(ic) for ic in endpoint_components(ep, app.state.inventory)]
                anchors = [newest(app.state.store, ck.invocations, now)[0] for ck in comps]
                inv = sum(per_minute_from_record(demo, ck.invocations, a) for ck, a in zip(comps, anchors))
                assert row.cells["inv"].sort == pytest.approx(inv), ep.name
                errors = sum(demo.expected_value(ck.errors_5xx.namespace, ck.errors_5xx.metric,
                                                 ck.errors_5xx.dimensions, "Sum", a - 60 * i) or 0
                             for ck, a in zip(comps, anchors) for i in range(5))
                assert row.cells["e5xx"].sort == pytest.approx(errors), ep.name
                p99 = max(demo.expected_value(ck.latency_p99.namespace, "ModelLatency", ck.latency_p99.dimensions,
                                              "p99", newest(app.state.store, ck.latency_p99, now)[0])
                          for ck in comps)
                assert row.cells["p99"].sort == pytest.approx(p99, rel=1e-6), ep.name
                by_components += 1
                continue
            anchor = point[0]
            inv = per_minute_from_record(demo, k.invocations, anchor)
            assert row.cells["inv"].sort == pytest.approx(inv), ep.name
            errors = sum(demo.expected_value(k.errors_5xx.namespace, k.errors_5xx.metric, k.errors_5xx.dimensions,
                                             "Sum", anchor - 60 * i) or 0 for i in range(5))
            assert row.cells["e5xx"].sort == pytest.approx(errors), ep.name
            p99_at = newest(app.state.store, k.latency_p99, now)[0]
            p99 = demo.expected_value(k.latency_p99.namespace, "ModelLatency", k.latency_p99.dimensions, "p99", p99_at)
            assert row.cells["p99"].sort == pytest.approx(p99, rel=1e-6), ep.name
            checked += 1
        assert checked >= 4 and by_components >= 1
        idle = next(r for r in table.all_rows if r.name == f.idle_endpoint)
        assert idle.cells["inv"].text == "–"  # no traffic: a dash, never a made-up 0
        erroring = next(r for r in table.all_rows if r.name == f.erroring_endpoint)
        assert erroring.cells["e5xx_rate"].level in ("warn", "crit")


async def test_demo_jobs_cluster_averages_and_health(demo):
    from tui.model.overview import host_table

    app = demo_app(demo)
    f = demo.fleet
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, timeout=60)
        await pilot.press("colon", *"jobs", "enter")
        table = app.overview.table(Pane.JOBS)
        await wait_for(pilot, lambda: any(r.name == f.distributed_job for r in table.all_rows))
        row = next(r for r in table.all_rows if r.name == f.distributed_job)
        job = row.resource
        # the mean over hosts of each host's newest value, each checked against the demo's record
        t = host_table(job, app.state.store, int(time.time()))
        from tui.model.plan import job_host_key

        values = []
        for hr in t.rows:
            key = job_host_key(job, "GPUUtilization", hr.host)
            s = app.state.store.get(key)
            ts = max(s.points)
            assert s.points[ts] == pytest.approx(demo.expected_value(key.namespace, key.metric, key.dimensions,
                                                                     "Average", ts))
            values.append(s.points[ts])
        # per GPU: CloudWatch's sums divided by the GPUs the local EC2 says the instance type has
        gpus = app.state.inventory.facts(job.instance_type).gpus
        assert gpus == 8 and row.cells["gpu"].sort == pytest.approx(sum(values) / len(values) / gpus)
        assert row.cells["gpu"].text.endswith("×8")
        assert row.cells["health"].level in ("warn", "crit")
        lagging = f.lagging_host.rsplit("/", 1)[-1]
        disk = f.disk_full_host.rsplit("/", 1)[-1]
        assert lagging in row.cells["health"].text or disk in row.cells["health"].text
        failed = next(r for r in table.all_rows if r.name == f.failed_job)
        assert failed.cells["health"].level == "crit" and "failed" in failed.cells["health"].text


async def test_a_too_small_terminal_says_the_size_needed_and_the_app_comes_back(seeded):
    from tui.screens.too_small import MIN_SIZE, TooSmallScreen

    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1)
        await pilot.press("colon", *"jobs", "enter")
        await pilot.pause()
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert f"needs at least {MIN_SIZE[0]}x{MIN_SIZE[1]}" in text and "40x10" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen is app.overview and app.overview.pane is Pane.JOBS  # as it was left


async def test_a_big_pane_builds_its_rows_off_the_event_loop_and_drops_stale_ones():
    """More endpoints than INLINE_ROWS: the rows are built in a thread worker and shown when
    ready; rows of an older redraw that arrive late never replace newer ones."""
    from textual.app import App

    from tui.model.overview import pane_rows
    from tui.model.resources import Endpoint, Inventory, Variant
    from tui.model.series import SeriesStore
    from tui.model.state import AppState, RefreshReport
    from tui.screens.overview import INLINE_ROWS, OverviewScreen, RowsBuilt
    from tui.widgets.resource_table import ResourceTable

    def inventory(prefix: str) -> Inventory:
        return Inventory(endpoints=[Endpoint(f"{prefix}-{i:04d}", "InService", "us-east-1",
                                             variants=[Variant("AllTraffic", "ml.m5.large", 1, 1)])
                                    for i in range(INLINE_ROWS + 50)])

    now = time.time()
    state = AppState(window="3h", regions=("us-east-1",))
    state.apply(RefreshReport(now - 1, now, (Pane.ENDPOINTS,), True, inventory=inventory("old"), store=SeriesStore()))
    screen = OverviewScreen(state)

    class OverviewApp(App):
        def on_mount(self) -> None:
            self.push_screen(screen)

    app = OverviewApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.query_one("#table-endpoints", ResourceTable)
        assert table.row_count == INLINE_ROWS + 50 and table.all_rows[0].name == "old-0000"
        stale = pane_rows(Pane.ENDPOINTS, state.inventory, state.store, int(now))
        state.apply(RefreshReport(now, now + 1, (Pane.ENDPOINTS,), True, inventory=inventory("new"),
                                  store=SeriesStore()))
        screen.state_changed()
        screen.post_message(RowsBuilt(Pane.ENDPOINTS, stale, 0))  # a redraw older than this one
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {r.name[:3] for r in table.all_rows} == {"new"} and table.row_count == INLINE_ROWS + 50


async def test_hidden_panes_mount_after_the_first_frame_and_a_pane_asked_for_sooner_still_opens():
    from textual.app import App
    from textual.widgets import ContentSwitcher

    from tui.model.state import AppState
    from tui.screens.overview import OverviewScreen

    screen = OverviewScreen(AppState(window="3h"))
    composed: list[bool] = []
    shown: list[Pane] = []

    class OverviewApp(App):
        def on_mount(self) -> None:
            self.push_screen(screen)
            self.call_later(self.right_away)

        def right_away(self) -> None:  # before the first frame: only the visible pane is there
            composed.append(bool(screen.query("#table-jobs")))
            screen.show_pane(Pane.JOBS)

        def on_pane_shown(self, message) -> None:  # the overview tells the app which pane is shown
            shown.append(message.pane)

    app = OverviewApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.3)
        assert composed == [False]
        assert screen.pane is Pane.JOBS and screen.table().id == "table-jobs" and shown == [Pane.JOBS]
        assert screen.query_one("#switcher", ContentSwitcher).current == "pane-jobs"
        displayed = [w.id for w in screen.query(".pane") if w.display]
        assert displayed == ["pane-jobs"] and len(screen.query(".pane")) == len(Pane)
