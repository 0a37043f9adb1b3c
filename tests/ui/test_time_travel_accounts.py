"""Time travel across accounts, and what a past moment cannot list.

On a moto server of this module's own (every time derived from ``time.time()``), the app signs in
to the monitoring account and watches source account B (reached by a role it assumes) and source
account C (its metrics only):

* a training job ran 90 days back in the monitoring account and one in B: travelling there lists
  both, each with its account (the live listing reaches 28 days back only, and before this the
  moment's listing read the signed-in account alone); C's jobs cannot be listed, which is said
  once, in one line naming C, and nothing fails;
* a pipeline with executions around a moment 2 days back: its screen at the moment lists only
  those started by then, one that ended later as Executing (its end from its steps), one that
  ended in the window as it ended;
* an endpoint with enhanced metrics: its instance screen at a moment 20 days back says that the
  instances of that time cannot be listed (ListMetrics names only the last 2 weeks' series).
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone

import boto3
import pytest

from tests.local_aws import extended_moto_server
from tests.pilot import open_pipeline, screen_text, wait_for
from tui.demo import moto_ext
from tui.model.kinds import Pane

DAY = 86400
REGION = "ap-northeast-3"  # this module's region: nothing else in the test process lists it
MONITORING = "123456789012"  # moto's account for the tests' key
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = f"arn:aws:iam::{MONITORING}:role/ml"


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


def naive(ts: float) -> datetime:
    return utc(ts).replace(tzinfo=None)  # moto keeps naive UTC datetimes


def minute(ts: float) -> int:
    return int(ts) - int(ts) % 60


def account_id() -> str:
    return "3" + str(uuid.uuid4().int)[:11]  # a fresh account per run: moto's state is process-wide


def sm_backend(account: str):
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account][REGION]


def make_training_job(sm, account: str, name: str, created: int, ended: int) -> None:
    sm.create_training_job(
        TrainingJobName=name, AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        RoleArn=ROLE, OutputDataConfig={"S3OutputPath": "s3://b/o"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
        StoppingCondition={"MaxRuntimeInSeconds": 86400})
    moto_ext.set_job_status("training", name, "InProgress", start_time=utc(created + 120), region=REGION,
                            account_id=account, secondary_status="Training")
    moto_ext.set_job_status("training", name, "Completed", end_time=utc(ended), region=REGION, account_id=account)
    job = sm_backend(account).training_jobs[name]
    job.creation_time, job.last_modified_time = naive(created), naive(ended)


@pytest.fixture(scope="module")
def world():
    with extended_moto_server() as url:
        home = boto3.Session(region_name=REGION, **CREDS)
        b, c = account_id(), account_id()
        creds = home.client("sts", endpoint_url=url).assume_role(
            RoleArn=f"arn:aws:iam::{b}:role/seed", RoleSessionName="seed")["Credentials"]
        in_b = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name=REGION)
        now = minute(time.time())
        u = uuid.uuid4().hex[:6]
        at = now - 90 * DAY
        jobs = {MONITORING: f"acct-home-{u}", b: f"acct-b-{u}"}
        for session, account in ((home, MONITORING), (in_b, b)):
            make_training_job(session.client("sagemaker", endpoint_url=url), account, jobs[account],
                              at - 2 * 3600, at + 5 * 3600)
        moto_ext.link_accounts(MONITORING, b, c)
        yield {"url": url, "b": b, "c": c, "jobs": jobs, "at": at, "now": now, "home": home, "u": u,
               "role": f"arn:aws:iam::{b}:role/SagemonRead"}
        moto_ext.unlink_accounts(MONITORING)


def make_app(world, accounts=()):
    from tui.app import SagemonApp
    from tui.aws.session import AwsClients, AwsSettings
    from tui.cli import Options
    from tui.refresh import Connection

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=world["url"], credentials=CREDS, max_attempts=1,
                                     accounts=tuple(accounts)))
    return SagemonApp(Options(refresh=60), connection=Connection(clients, "test", MONITORING, (REGION,)))


async def travel(app, pilot, text: str) -> None:
    from tui.screens.moment_prompt import MomentPrompt

    await pilot.press("T")
    await wait_for(pilot, lambda: isinstance(app.screen, MomentPrompt), 10, "the moment prompt")
    await pilot.press(*("minus" if ch == "-" else ch for ch in text), "enter")
    await wait_for(pilot, lambda: app.state.at is not None, 10, "the moment taken")


def job_rows(app) -> dict[tuple[str, str], object]:
    return {(r.resource.account, r.name): r for r in app.overview.table(Pane.JOBS).all_rows}


async def test_jobs_of_every_listed_account_at_a_moment_and_one_line_for_a_metrics_only_one(world):
    b, c, jobs = world["b"], world["c"], world["jobs"]
    app = make_app(world, accounts=({"id": b, "role_arn": world["role"]}, {"id": c}))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and app.state.loaded, 60, "first refresh")
        await pilot.press("3")
        assert not {n for _a, n in job_rows(app)} & set(jobs.values())  # live: 90 days is beyond the listing
        await travel(app, pilot, "-90d")
        at = app.state.at
        assert abs(at - world["at"]) <= 120  # the minute may have turned since the fixture
        want = {(MONITORING, jobs[MONITORING]), (b, jobs[b])}
        await wait_for(pilot, lambda: set(job_rows(app)) >= want, 60, "both accounts' jobs at the moment")
        rows = job_rows(app)
        assert {k for k in rows if k[1] in jobs.values()} == want
        for key in want:  # each as it was then, in its account's column
            assert rows[key].cells["status"].text == "InProgress"
            assert rows[key].cells["account"].text == key[0]
        assert "InProgress" in screen_text(app) and jobs[b] in screen_text(app)
        said = [p.text for p in app.state.problems if c in p.text]
        assert len(said) == 1 and "metrics only" in said[0] and "cannot be listed" in said[0], said
        assert not app.state.errors  # nothing failed

        # a window back lists again (another moment), and C is not said again
        window = app.state.store.window
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.state.at == at - window and not app.state.refreshing
                       and app.state.refreshes > 0, 30, "a window back")
        await wait_for(pilot, lambda: app.refresher.past.jobs(app.state.at, window) is not None, 30, "listed there")
        assert not [w for w in app.state.warnings if c in w]
        assert len([p for p in app.state.problems if c in p.text]) == 1


# -- a pipeline's executions at a moment ------------------------------------------------------------

PIPELINES = "AWS/Sagemaker/ModelBuildingPipeline"


@pytest.fixture(scope="module")
def pipeline(world):
    """Pipeline ``P`` in the monitoring account, around the moment 2 days back: ``early`` ran
    from 50 to 30 minutes before it (Succeeded, its ExecutionDuration point in the window),
    ``across`` started 20 minutes before it and failed 40 minutes after it (its step's end
    says so), ``later`` started 30 minutes after it."""
    url, now = world["url"], world["now"]
    sm = world["home"].client("sagemaker", endpoint_url=url)
    cw = world["home"].client("cloudwatch", endpoint_url=url)
    name = f"acct-pipe-{world['u']}"
    sm.create_pipeline(PipelineName=name, RoleArn=ROLE,
                       PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}))
    at = now - 2 * DAY
    runs = {"early": (at - 50 * 60, "Succeeded"), "across": (at - 20 * 60, "Failed"),
            "later": (at + 30 * 60, "Succeeded")}
    arns = {}
    pipe = sm_backend(MONITORING).pipelines[name]
    for label, (start, status) in runs.items():
        arn = sm.start_pipeline_execution(PipelineName=name, PipelineExecutionDisplayName=label)["PipelineExecutionArn"]
        moto_ext.set_pipeline_execution_status(arn, status, region=REGION,
                                               failure_reason="boom" if status == "Failed" else None)
        pipe.pipeline_executions[arn].start_time = naive(start)
        arns[label] = arn
    moto_ext.set_execution_steps(arns["across"], [{"StepName": "Train", "StepStatus": "Failed",
                                                    "StartTime": utc(at - 20 * 60), "EndTime": utc(at + 40 * 60),
                                                    "FailureReason": "boom"}], region=REGION)
    cw.put_metric_data(Namespace=PIPELINES, MetricData=[{
        "MetricName": "ExecutionDuration", "Dimensions": [{"Name": "PipelineName", "Value": name}],
        "Timestamp": utc(at - 30 * 60), "Value": 20 * 60 * 1000.0}])
    return {"name": name, "at": at, "arns": arns}


async def test_a_pipeline_screen_at_a_moment_lists_the_executions_as_they_were_then(world, pipeline):
    from tui.widgets.detail_table import DetailTable

    app = make_app(world)
    name = pipeline["name"]
    async with app.run_test(size=(160, 48)) as pilot:
        await open_pipeline(pilot, app, name)
        screen = app.screen
        table = screen.query_one("#executions", DetailTable)

        def shown() -> dict[str, str]:
            return {r.name: r.cells["status"].text for r in table.rows_shown}

        # live: none started in the window, so the latest one (as it is now)
        await wait_for(pilot, lambda: shown() == {"later": "Succeeded"}, 30, "live: the latest execution")
        await travel(app, pilot, "-2d")
        assert abs(app.state.at - pipeline["at"]) < 600
        # at the moment: "later" had not started; "across" was running (its step ended after the
        # moment), "early" had succeeded (its ExecutionDuration point ends it before the moment)
        await wait_for(pilot, lambda: shown() == {"early": "Succeeded", "across": "Executing"}, 60,
                       "the executions as they were then")
        text = screen_text(app)
        assert "1 started after the moment (not shown)" in text
        assert "boom" not in text  # it had not failed yet
        await pilot.press("T")
        await wait_for(pilot, lambda: app.state.at is None and shown() == {"later": "Succeeded"}, 30, "live again")


# -- an endpoint's instances at a moment older than ListMetrics reaches ----------------------------

@pytest.fixture(scope="module")
def endpoint(world):
    url, now = world["url"], world["now"]
    sm = world["home"].client("sagemaker", endpoint_url=url)
    cw = world["home"].client("cloudwatch", endpoint_url=url)
    name = f"acct-ep-{world['u']}"
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{
        "VariantName": "v1", "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge"}])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    dims = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "v1"}]
    cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": utc(now - m * 60), "Value": 5.0}
        for m in range(1, 6)])
    cw.put_metric_data(Namespace="/aws/sagemaker/Endpoints", MetricData=[
        {"MetricName": "CPUUtilization", "Dimensions": dims + [{"Name": "InstanceId", "Value": "i-today"}],
         "Timestamp": utc(now - m * 60), "Value": 30.0} for m in range(1, 6)])
    return name


async def test_the_instance_screen_says_instances_of_an_old_moment_cannot_be_listed(world, endpoint):
    from tui.screens.endpoint_hosts import EndpointInstancesScreen

    app = make_app(world)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.loaded and any(e.name == endpoint for e in app.state.inventory.endpoints),
                       60, "first refresh")
        await pilot.press("1", "slash", *endpoint, "enter")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "endpoint", None) is not None, 15, "the endpoint screen")
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointInstancesScreen), 15, "the instances screen")
        screen = app.screen
        await wait_for(pilot, lambda: screen.info.found, 30, "today's instance listed")
        assert "cannot be listed" not in screen_text(app)
        await travel(app, pilot, "-20d")
        await wait_for(pilot, lambda: "cannot be listed" in screen_text(app), 30, "the note at 20 days back")
        assert "ListMetrics names only series with data in the last 2 weeks" in screen_text(app)
        await pilot.press("T")
        await wait_for(pilot, lambda: app.state.at is None and "cannot be listed" not in screen_text(app), 10, "live")
        refreshes = app.state.refreshes
        await travel(app, pilot, "-3d")  # within the 2 weeks ListMetrics reaches: no note
        await wait_for(pilot, lambda: app.state.refreshes > refreshes and not app.state.refreshing, 30, "read at -3d")
        await pilot.pause(0.3)
        assert screen.info.found and "cannot be listed" not in screen_text(app)


async def test_a_transform_job_of_an_old_moment_says_its_hosts_cannot_be_listed(world):
    """A transform job that ran 40 days back: at its moment its screen says that its hosts (from
    ListMetrics) cannot be listed, instead of "listing the transform job's hosts..." for ever."""
    from tui.model.catalog import Kind
    from tui.screens.job import JobScreen

    url, now = world["url"], world["now"]
    sm = world["home"].client("sagemaker", endpoint_url=url)
    name = f"acct-xform-{world['u']}"
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    sm.create_transform_job(
        TransformJobName=name, ModelName=name,
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
        TransformOutput={"S3OutputPath": "s3://b/out"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1})
    at = now - 40 * DAY
    moto_ext.set_job_status("transform", name, "InProgress", start_time=utc(at - 3600), region=REGION)
    moto_ext.set_job_status("transform", name, "Completed", end_time=utc(at + 3600), region=REGION)
    sm_backend(MONITORING).transform_jobs[name].creation_time = naive(at - 3700)

    app = make_app(world)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and app.state.loaded, 60, "first refresh")
        await pilot.press("3")
        await travel(app, pilot, "-40d")
        await wait_for(pilot, lambda: any(n == name for _a, n in job_rows(app)), 60, "the transform job at its moment")
        await pilot.press("slash", *name, "enter")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobScreen), 15, "the job screen")
        assert app.screen.job.kind is Kind.TRANSFORM_JOB
        await wait_for(pilot, lambda: "ago cannot be listed" in screen_text(app), 30, "the note")
        assert "The hosts of 4" in screen_text(app)  # 40 days (and however many minutes) ago
        assert "listing the transform job's hosts" not in screen_text(app)
