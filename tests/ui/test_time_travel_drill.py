"""Time travel beyond the overview: old jobs listed at the moment, drill screens read there.

On an account built here on a moto server (every time derived from ``time.time()``):

* training and processing jobs that ran 90 and 400 days back (their creation times set back in
  moto's backend, as AWS would report them), beside a job that ended before the window and a
  hundred older ones: travelling to their moment lists exactly the jobs that ran in the window
  (the live listing reaches 28 days back only), the Jobs tab counts those, the listing calls
  stay bounded (counted: a page or two per kind, none again for a moment already listed, Describe
  only for the jobs in the window), and a job's host series is read at the period CloudWatch
  keeps there (3600 s), equal to plain boto3; back live, they are gone;
* an endpoint with traffic, enhanced instance and GPU metrics 2 and 20 days back, and a pipeline
  with executions 2 days back: the endpoint, instances, GPU, pipeline and job host screens,
  opened while away, read their series over ``(at - window, at]`` at the kept period (60 s,
  300 s, 3600 s), equal to plain boto3 GetMetricData at the same moment and period, draw them
  at the moment (not "no traffic"), say PAST, and ``[`` / ``]`` step them.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone

import boto3
import pytest

from tests.local_aws import boto3_points, extended_moto_server
from tests.pilot import open_pipeline, screen_text, wait_for
from tui.demo import moto_ext
from tui.model.catalog import Kind
from tui.model.kinds import Pane
from tui.model.plan import EndpointKeys, job_host_key
from tui.model.time_travel import kept_period

DAY = 86400
REGION = "ap-east-1"  # this module's account: nothing else in the test process uses it
ACCOUNT = "123456789012"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ml"
ENHANCED = "/aws/sagemaker/Endpoints"
PIPELINES = "AWS/Sagemaker/ModelBuildingPipeline"
INSTANCE = "i-0tt1"
GPUS = ("GPU0", "GPU1")
OLDER = 100  # jobs that ended long before any moment of the test (listed, never described)


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


def minute(ts: float) -> int:
    return int(ts) - int(ts) % 60


def naive(ts: float) -> datetime:
    return utc(ts).replace(tzinfo=None)  # moto keeps naive UTC datetimes


def backend():
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[ACCOUNT][REGION]


def put(cw, namespace: str, metric: str, dims: list[tuple[str, str]], start: int, end: int, value) -> None:
    data = [{"MetricName": metric, "Dimensions": [{"Name": n, "Value": v} for n, v in dims],
             "Timestamp": utc(t), "Value": value(i)} for i, t in enumerate(range(start, end + 1, 60))]
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace=namespace, MetricData=data[i:i + 500])


def make_job(sm, kind: str, name: str, created: int, ended: int) -> None:
    if kind == "training":
        sm.create_training_job(
            TrainingJobName=name, AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
            RoleArn=ROLE, OutputDataConfig={"S3OutputPath": "s3://b/o"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 86400})
    else:
        sm.create_processing_job(
            ProcessingJobName=name, RoleArn=ROLE, AppSpecification={"ImageUri": "img"},
            ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge",
                                                   "VolumeSizeInGB": 30}},
            StoppingCondition={"MaxRuntimeInSeconds": 86400})
    moto_ext.set_job_status(kind, name, "InProgress", start_time=utc(created + 120), region=REGION,
                            secondary_status="Training" if kind == "training" else None)
    moto_ext.set_job_status(kind, name, "Completed", end_time=utc(ended), region=REGION)
    jobs = backend().training_jobs if kind == "training" else backend().processing_jobs
    jobs[name].creation_time = naive(created)
    jobs[name].last_modified_time = naive(ended)


@pytest.fixture(scope="module")
def account():
    with extended_moto_server() as url:
        session = boto3.Session(region_name=REGION, **CREDS)
        sm, cw = (session.client(s, endpoint_url=url) for s in ("sagemaker", "cloudwatch"))
        now = minute(time.time())
        uid = uuid.uuid4().hex[:6]
        moments = {}
        for days in (90, 400):
            at = now - days * DAY
            # ran from 2 hours before the moment to 5 hours after it; one ended 5 hours before
            ran = {"training": f"tt-{days}d-train-{uid}", "processing": f"tt-{days}d-proc-{uid}"}
            for kind, name in ran.items():
                make_job(sm, kind, name, at - 2 * 3600, at + 5 * 3600)
            gone = f"tt-{days}d-gone-{uid}"
            make_job(sm, "training", gone, at - 10 * 3600, at - 5 * 3600)
            host = f"{ran['training']}/algo-1"
            put(cw, "/aws/sagemaker/TrainingJobs", "CPUUtilization", [("Host", host)], at - 2 * 3600 + 120,
                at + 1800, lambda i: 50.0 + i % 11)
            moments[days] = {"at": at, "ran": ran, "gone": gone, "host": host}
        for i in range(OLDER):  # the account's history: ended long before any moment here
            created = now - 200 * DAY - i * 3600
            make_job(sm, "training", f"tt-history-{i:03d}-{uid}", created, created + 1800)
        endpoint = f"tt-drill-ep-{uid}"
        sm.create_model(ModelName=endpoint, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
        sm.create_endpoint_config(EndpointConfigName=endpoint, ProductionVariants=[{
            "VariantName": "v1", "ModelName": endpoint, "InitialInstanceCount": 1, "InstanceType": "ml.g4dn.12xlarge"}])
        sm.create_endpoint(EndpointName=endpoint, EndpointConfigName=endpoint)
        dims = [("EndpointName", endpoint), ("VariantName", "v1")]
        for days in (2, 20):  # traffic in the 4 hours before each moment, none since
            at = now - days * DAY
            put(cw, "AWS/SageMaker", "Invocations", dims, at - 4 * 3600, at, lambda i: 600.0 + 10 * (i % 5))
            put(cw, "AWS/SageMaker", "ModelLatency", dims, at - 4 * 3600, at, lambda i: 20000.0 + 1000 * (i % 3))
            # enhanced metrics: the instance's and each of its GPUs' (the host and GPU screens)
            for metric, value in (("CPUUtilization", 1200.0), ("MemoryUtilization", 40.0)):
                put(cw, ENHANCED, metric, dims + [("InstanceId", INSTANCE)], at - 4 * 3600, at,
                    lambda i, v=value: v + i % 4)
            for gpu in GPUS:
                put(cw, ENHANCED, "GPUUtilization", dims + [("InstanceId", INSTANCE), ("AcceleratorId", gpu)],
                    at - 4 * 3600, at, lambda i, g=int(gpu[-1]): 60.0 + 5 * g + i % 3)
        pipeline = f"tt-drill-pipe-{uid}"
        sm.create_pipeline(PipelineName=pipeline, RoleArn=ROLE,
                           PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}))
        at = now - 2 * DAY  # an execution started every 20 minutes in the 4 hours before the moment
        put(cw, PIPELINES, "ExecutionStarted", [("PipelineName", pipeline)], at - 4 * 3600, at,
            lambda i: 1.0 if i % 20 == 0 else 0.0)
        yield {"url": url, "cw": cw, "moments": moments, "endpoint": endpoint, "now": now, "pipeline": pipeline}


def make_app(url: str, calls: list[str] | None = None):
    from tui.app import SagemonApp
    from tui.aws.session import AwsClients, AwsSettings
    from tui.cli import Options
    from tui.refresh import Connection

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=url, credentials=CREDS, max_attempts=1))
    if calls is not None:  # every SageMaker operation the app sends (a listing at a moment: "...@")
        clients.on_session(lambda s: s.events.register("provide-client-params.sagemaker", lambda params, model, **_:
                                                       calls.append(model.name + ("@" if "CreationTimeBefore" in params
                                                                                  else ""))))
    return SagemonApp(Options(refresh=60), connection=Connection(clients, "test", ACCOUNT, (REGION,)))


def assert_read_at_moment(app, cw, key, at: int) -> None:
    """The app's series of ``key`` is the window ``(at - window, at]``, at the period CloudWatch
    keeps for the window's start, point for point what plain boto3 answers there."""
    window = app.state.store.window
    series = app.state.store.get(key)
    period = kept_period(time.time() - (at - window))
    assert series is not None and series.period == period
    first = at - window - (at - window) % period
    expected = {t: v for t, v in boto3_points(cw, key, first, at - at % period + period, period).items()
                if at - window < t <= at}
    got = dict(series.points)
    assert expected and got
    assert {t: v for t, v in got.items() if at - window < t <= at} == expected
    assert min(got) >= first and max(got) <= at + period


async def travel(app, pilot, text: str) -> None:
    from tui.screens.moment_prompt import MomentPrompt

    await pilot.press("T")
    await wait_for(pilot, lambda: isinstance(app.screen, MomentPrompt), 10, "the moment prompt")
    await pilot.press(*("minus" if c == "-" else c for c in text), "enter")
    await wait_for(pilot, lambda: app.state.at is not None, 10, "the moment taken")


def job_names(app) -> set[str]:
    return {r.name for r in app.overview.table(Pane.JOBS).all_rows}


def jobs_tab(app) -> str:
    from textual.widgets import Tab

    return next(str(t.label) for t in app.overview.query(Tab) if str(t.label).startswith("Jobs"))


LISTS = ("ListTrainingJobs@", "ListProcessingJobs@", "ListTransformJobs@")  # the listings at a moment
#: The pages of those listings at one moment.
LISTED = {"ListTrainingJobs@": 2, "ListProcessingJobs@": 1, "ListTransformJobs@": 1}


def listings(calls: list[str]) -> dict[str, int]:
    return {op: calls.count(op) for op in LISTS}


async def test_jobs_that_ran_months_back_are_listed_at_their_moment_and_counted(account):
    calls: list[str] = []
    app = make_app(account["url"], calls)
    ninety, old = account["moments"][90], account["moments"][400]
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and app.state.loaded, 60, "first refresh")
        await pilot.press("3")
        live = job_names(app)
        assert not any(n in live for m in (ninety, old) for n in [*m["ran"].values(), m["gone"]])
        assert jobs_tab(app) == "Jobs 0"  # live: none of them (the live listing reaches 28 days back)

        for days, moment in ((90, ninety), (400, old)):
            calls.clear()
            await travel(app, pilot, f"-{days}d")
            at = app.state.at
            assert at == moment["at"]
            ran = set(moment["ran"].values())
            await wait_for(pilot, lambda: job_names(app) == ran, 60, f"the jobs {days} days back")
            assert moment["gone"] not in job_names(app)  # it ended before the window
            assert jobs_tab(app) == f"Jobs {len(ran)}"  # the jobs listed at the moment, not every job known
            rows = {r.name: r for r in app.overview.table(Pane.JOBS).all_rows}
            assert rows[moment["ran"]["training"]].cells["status"].text == "InProgress"  # it ended after the moment
            # bounded: one listing per kind (moto cuts a page before filtering by creation time, so
            # the 106 training jobs are two pages, the others one), and Describe only for the jobs
            # whose listed end is inside the window (not the one that ended before, nor the history)
            assert listings(calls) == LISTED
            described = [c for c in calls if c.startswith("Describe") and c.endswith("Job")]
            assert len(described) <= len(ran)
            # the job's host, read at the period CloudWatch keeps there
            job = next(j for j in app.state.inventory.jobs if j.name == moment["ran"]["training"])
            assert job.kind is Kind.TRAINING_JOB and job.instance_count == 2
            key = job_host_key(job, "CPUUtilization", moment["host"])
            await wait_for(pilot, lambda: app.state.store.get(key) is not None, 60, "the job's series")
            assert kept_period(time.time() - (at - app.state.store.window)) == 3600
            assert_read_at_moment(app, account["cw"], key, at)

            # [ then ]: a window back lists there once (the job that ended before the moment ran
            # in that window), forward again lists nothing anew
            window = app.state.store.window
            await pilot.press("left_square_bracket")
            await wait_for(pilot, lambda: app.state.at == at - window and not app.state.refreshing
                           and app.state.store.window == window and app.state.refreshes > 0, 30, "a window back")
            await wait_for(pilot, lambda: job_names(app) == {moment["gone"]}, 30, "listed a window back")
            assert jobs_tab(app) == "Jobs 1"  # the one that ended 5 hours before the moment ran there
            assert listings(calls) == {op: 2 * n for op, n in LISTED.items()}  # once more, a window back
            calls.clear()
            refreshes = app.state.refreshes
            await pilot.press("right_square_bracket")
            await wait_for(pilot, lambda: app.state.at == at and app.state.refreshes > refreshes
                           and not app.state.refreshing, 30, "a window forward, read")
            assert job_names(app) == ran
            assert not [c for c in calls if c in LISTS]  # a moment already listed is not listed again

            await pilot.press("T")
            await wait_for(pilot, lambda: app.state.at is None, 10, "live")
            # back live: the jobs listed only at the moment are gone, the count is the live one's
            await wait_for(pilot, lambda: not (ran & job_names(app)), 10, "the moment's jobs gone")
            assert jobs_tab(app) == "Jobs 0"


async def open_endpoint(app, pilot, name: str):
    from tui.screens.endpoint import EndpointScreen

    await pilot.press("1", "slash", *name, "enter")
    await pilot.pause()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, EndpointScreen), 15, "the endpoint screen")
    return app.screen


async def test_an_endpoint_screen_opened_while_away_reads_and_draws_the_moment(account):
    app = make_app(account["url"])
    name = account["endpoint"]
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.loaded and any(e.name == name for e in app.state.inventory.endpoints),
                       60, "first refresh")
        ep = next(e for e in app.state.inventory.endpoints if e.name == name)
        keys = EndpointKeys.of(ep, "v1")
        screen = await open_endpoint(app, pilot, name)
        await wait_for(pilot, lambda: "no traffic" in screen_text(app), 30, "live: no traffic for days")

        await travel(app, pilot, "-2d")
        at = app.state.at
        assert abs(at - (time.time() - 2 * DAY)) < 120 and app.screen is screen
        assert app.detail_request is not None and keys.invocations in app.detail_request.keys
        await wait_for(pilot, lambda: app.state.store.get(keys.invocations) is not None
                       and app.state.store.get(keys.latency_avg) is not None, 60, "the screen's series at the moment")
        for key in (keys.invocations, keys.latency_avg):
            assert_read_at_moment(app, account["cw"], key, at)
        assert app.state.store.get(keys.invocations).period == 60
        assert screen.now() == at  # drawn at the moment: its last minutes had traffic
        await wait_for(pilot, lambda: "no traffic" not in screen_text(app) and "PAST" in screen_text(app), 30,
                       "the endpoint's traffic at the moment")

        # [ : a window back, on the same screen, read there; ] : forward to the moment again
        window = app.state.store.window
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.state.at == at - window and app.state.store.window == window
                       and app.state.store.get(keys.invocations) is not None
                       and max(app.state.store.get(keys.invocations).points, default=0) <= at - window + 60,
                       60, "a window back")
        assert app.screen is screen and screen.now() == at - window
        assert_read_at_moment(app, account["cw"], keys.invocations, at - window)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.state.at == at and app.state.store.get(keys.invocations) is not None
                       and max(app.state.store.get(keys.invocations).points, default=0) > at - window + 60,
                       60, "forward again")
        assert_read_at_moment(app, account["cw"], keys.invocations, at)

        # 20 days back, from the screen: the period CloudWatch keeps there is 300 s
        await pilot.press("T")
        await wait_for(pilot, lambda: app.state.at is None, 10, "live")
        await travel(app, pilot, "-20d")
        at = app.state.at
        await wait_for(pilot, lambda: app.state.store.get(keys.invocations) is not None, 60, "20 days back")
        assert app.state.store.get(keys.invocations).period == 300
        assert_read_at_moment(app, account["cw"], keys.invocations, at)
        await wait_for(pilot, lambda: "no traffic" not in screen_text(app), 30, "the traffic 20 days back")
        await pilot.press("T")
        await wait_for(pilot, lambda: app.state.at is None and "no traffic" in screen_text(app), 30, "live again")
        assert screen.now() >= int(time.time()) - 1


async def test_the_instance_and_gpu_screens_read_the_moment_and_step_with_it(account):
    from tui.screens.endpoint_hosts import AcceleratorScreen, EndpointInstancesScreen

    app = make_app(account["url"])
    name = account["endpoint"]
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.loaded and any(e.name == name for e in app.state.inventory.endpoints),
                       60, "first refresh")
        await travel(app, pilot, "-2d")
        at = app.state.at
        await open_endpoint(app, pilot, name)
        for _ in range(30):  # `i` opens the instances once the endpoint screen has listed them
            await pilot.press("i")
            await pilot.pause(0.5)
            if isinstance(app.screen, EndpointInstancesScreen):
                break
        assert isinstance(app.screen, EndpointInstancesScreen), "the instances screen"
        instances = app.screen

        def key_of(metric: str, **dims: str):
            return next((k for k in app.detail_request.keys if k.metric == metric
                         and all((n, v) in k.dimensions for n, v in dims.items())), None)

        await wait_for(pilot, lambda: key_of("CPUUtilization", InstanceId=INSTANCE) is not None, 30,
                       "the instance found (ListMetrics)")
        cpu = key_of("CPUUtilization", InstanceId=INSTANCE)
        await wait_for(pilot, lambda: app.state.store.get(cpu) is not None, 60, "the instance's series at the moment")
        assert_read_at_moment(app, account["cw"], cpu, at)
        assert instances.now() == at and "PAST" in screen_text(app)
        await wait_for(pilot, lambda: INSTANCE in screen_text(app), 30, "the instance's row")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AcceleratorScreen), 15, "the GPU screen")
        gpus = app.screen
        await wait_for(pilot, lambda: key_of("GPUUtilization", AcceleratorId=GPUS[1]) is not None, 30, "the GPUs")
        gpu = key_of("GPUUtilization", AcceleratorId=GPUS[1])
        await wait_for(pilot, lambda: app.state.store.get(gpu) is not None, 60, "the GPU's series at the moment")
        assert_read_at_moment(app, account["cw"], gpu, at)
        assert gpus.now() == at
        await wait_for(pilot, lambda: "2 GPUs" in screen_text(app), 30, "both GPUs drawn at the moment")

        # [ on the GPU screen: the window before, read there (the traffic began 4 hours before)
        window = app.state.store.window
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.state.at == at - window and app.state.store.get(gpu) is not None
                       and max(app.state.store.get(gpu).points, default=0) <= at - window + 60, 60, "a window back")
        assert app.screen is gpus and gpus.now() == at - window
        assert_read_at_moment(app, account["cw"], gpu, at - window)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.state.at == at, 10, "forward")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is instances, 10, "back to the instances")
        await wait_for(pilot, lambda: app.state.store.get(cpu) is not None, 60, "the instance's series again")
        assert_read_at_moment(app, account["cw"], cpu, at)


async def test_a_host_screen_of_a_job_months_back_reads_the_moments_window(account):
    from tui.screens.host import HostScreen
    from tui.screens.job import JobScreen

    app = make_app(account["url"])
    moment = account["moments"][90]
    name = moment["ran"]["training"]
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.loaded, 60, "first refresh")
        await travel(app, pilot, "-90d")
        at = app.state.at
        await pilot.press("3")
        await wait_for(pilot, lambda: name in job_names(app), 60, "the job listed at the moment")
        await pilot.press("slash", *name, "enter")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobScreen), 15, "the job screen")
        job_screen = app.screen
        assert app.detail_request.span is not None  # opened on its own span
        await pilot.press("a")  # the window ending at the moment instead
        await wait_for(pilot, lambda: app.detail_request is not None and app.detail_request.span is None, 10,
                       "the window")
        await wait_for(pilot, lambda: job_screen.table is not None and job_screen.table.row(moment["host"]) is not None
                       and job_screen.table.row(moment["host"]).last_seen is not None, 60, "the hosts at the moment")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HostScreen), 15, "the host screen")
        host = app.screen
        assert host.host == moment["host"] and host.span is None
        job = next(j for j in app.state.inventory.jobs if j.name == name)
        key = job_host_key(job, "CPUUtilization", moment["host"])
        assert key in app.detail_request.keys
        await wait_for(pilot, lambda: app.state.store.get(key) is not None and host.table is not None
                       and host.table.row(moment["host"]) is not None, 60, "the host's series")
        assert_read_at_moment(app, account["cw"], key, at)
        assert app.state.store.get(key).period == 3600
        row = host.table.row(moment["host"])
        # drawn at the moment (not at the job's end, 5 hours later): its last point is the moment's hour
        assert row.last_seen is not None and at - 3600 <= row.last_seen <= at
        chart = next(c for c in host.charts if c.metric.name == "CPUUtilization")
        series = app.state.store.get(key)
        drawn = [chart.scale.apply(v) for v in series.values(at, app.state.store.window // 3600)]  # per vCPU
        assert chart.host == drawn and chart.host[-1] is not None
        assert "PAST" in screen_text(app)


async def test_a_pipeline_screen_counts_the_executions_of_the_moments_window(account):
    from tui.model.pipeline_detail import PipelineDetailKeys

    app = make_app(account["url"])
    name = account["pipeline"]
    async with app.run_test(size=(160, 48)) as pilot:
        await open_pipeline(pilot, app, name)
        screen = app.screen
        key = PipelineDetailKeys(screen.pipeline).started
        assert key.namespace == PIPELINES and key in app.detail_request.keys
        await travel(app, pilot, "-2d")
        at = app.state.at
        await wait_for(pilot, lambda: app.state.store.get(key) is not None, 60, "the pipeline's series at the moment")
        assert_read_at_moment(app, account["cw"], key, at)
        window = app.state.store.window
        started = sum(v for t, v in boto3_points(account["cw"], key, at - window, at + 60, 60).items()
                      if at - window < t <= at)
        assert started >= 8 and screen.now() == at

        def started_line() -> str:
            return next((line for line in screen_text(app).splitlines() if "Executions started" in line), "")

        await wait_for(pilot, lambda: f" {int(started)} " in started_line(), 30, "the executions started then")
        await pilot.press("T")
        await wait_for(pilot, lambda: app.state.at is None and " 0 " in started_line(), 30, "live: none for days")
