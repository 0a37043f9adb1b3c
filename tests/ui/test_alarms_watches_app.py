"""The Alarms pane, alarm marks and watches, driven with Textual's pilot against the local moto server.

Alarms are created with plain boto3 PutMetricAlarm and moved with SetAlarmState; the pane's states are
compared with boto3's own DescribeAlarms. A watched job is ended on moto (tui.demo.moto_ext) and the app
must say so: a notification, the bell (the config's ``bell``), and an entry in the Watches list.
"""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.stub import Stubber

from tui.aws.discovery.alarms import list_alarms
from tui.aws.discovery.base import SAGEMAKER_NAMESPACES
from tui.aws.session import AwsClients, AwsSettings
from tui.config.options import Options
from tui.demo import moto_ext
from tui.model.kinds import Pane
from tui.refresh import Connection

from tests.pilot import screen_text, wait_for

REGION = "us-east-1"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/sagemaker"
U = "w" + uuid.uuid4().hex[:6]
EP, JOB = f"{U}-fraud", f"{U}-train"
ALARMS = {  # name: (namespace, metric, dimensions)
    f"{U}-fraud-5xx": ("AWS/SageMaker", "Invocation5XXErrors",
                       [{"Name": "EndpointName", "Value": EP}, {"Name": "VariantName", "Value": "AllTraffic"}]),
    f"{U}-train-disk": ("/aws/sagemaker/TrainingJobs", "DiskUtilization", [{"Name": "Host", "Value": f"{JOB}/algo-1"}]),
    f"{U}-ec2-cpu": ("AWS/EC2", "CPUUtilization", [{"Name": "InstanceId", "Value": "i-0123"}]),  # not SageMaker
}


def _session():
    return boto3.Session(region_name=REGION, **CREDS)


@pytest.fixture(scope="module")
def seeded(moto_url):
    """An endpoint, a running training job and three alarms (one outside SageMaker's namespaces)."""
    s = _session()
    sm, cw = s.client("sagemaker", endpoint_url=moto_url), s.client("cloudwatch", endpoint_url=moto_url)
    sm.create_model(ModelName=EP, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    sm.create_endpoint_config(EndpointConfigName=EP, ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": EP, "InitialInstanceCount": 1, "InstanceType": "ml.c5.xlarge"}])
    sm.create_endpoint(EndpointName=EP, EndpointConfigName=EP)
    sm.create_training_job(
        TrainingJobName=JOB, RoleArn=ROLE, AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://b/out"},
        ResourceConfig={"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    moto_ext.set_job_status("training", JOB, "InProgress", secondary_status="Training", region=REGION)
    for name, (ns, metric, dims) in ALARMS.items():
        cw.put_metric_alarm(AlarmName=name, Namespace=ns, MetricName=metric, Dimensions=dims, Statistic="Sum",
                            Period=60, EvaluationPeriods=1, Threshold=5.0, ComparisonOperator="GreaterThanThreshold")
    cw.set_alarm_state(AlarmName=f"{U}-train-disk", StateValue="OK", StateReason="Threshold not crossed")
    return moto_url


def make_app(url: str, **opts):
    from tui.app import SagemonApp

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=url, credentials=CREDS, max_attempts=1))
    conn = Connection(clients, "test", "123456789012", (REGION,))
    return SagemonApp(Options(refresh=60, **opts), connection=conn, full_every=1)


def boto3_states(url: str) -> dict[str, str]:
    """Our alarms on SageMaker namespaces, as plain boto3 DescribeAlarms reports them."""
    cw = _session().client("cloudwatch", endpoint_url=url)
    alarms = cw.describe_alarms(AlarmNamePrefix=U)["MetricAlarms"]
    return {a["AlarmName"]: a["StateValue"] for a in alarms if a["Namespace"].lower() in SAGEMAKER_NAMESPACES}


def mine(table):
    return {r.name: r for r in table.all_rows if r.name.startswith(U)}


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_alarms_pane_lists_the_states_describe_alarms_gives(seeded):
    app = make_app(seeded)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, what="first refresh")
        await pilot.press("colon", *"alarms", "enter")
        assert app.overview.pane is Pane.ALARMS
        table = app.overview.table(Pane.ALARMS)
        want = boto3_states(seeded)
        assert len(want) == 2 and f"{U}-ec2-cpu" not in want
        await wait_for(pilot, lambda: set(mine(table)) == set(want), what="the alarms listed")
        rows = mine(table)
        assert {n: r.resource.state for n, r in rows.items()} == want
        assert rows[f"{U}-fraud-5xx"].cells["resource"].text == EP
        assert rows[f"{U}-train-disk"].cells["resource"].text == JOB
        assert rows[f"{U}-train-disk"].cells["state"].level == "ok"
        text = screen_text(app)
        assert f"{U}-fraud-5xx" in text and "Alarms" in text
        # Enter opens the alarm's screen: its facts and the endpoint it watches
        await pilot.press("slash", *f"{U}-fraud", "enter", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AlarmScreen", what="the alarm screen")
        await wait_for(pilot, lambda: EP in screen_text(app) and "Invocation5XXErrors" in screen_text(app),
                       what="the alarm's facts and the endpoint it watches")


async def test_an_alarm_in_alarm_marks_its_endpoint_row(seeded):
    cw = _session().client("cloudwatch", endpoint_url=seeded)
    app = make_app(seeded)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, what="first refresh")
        table = app.overview.table(Pane.ENDPOINTS)
        await wait_for(pilot, lambda: EP in mine(table), what="the endpoint listed")
        cw.set_alarm_state(AlarmName=f"{U}-fraud-5xx", StateValue="OK", StateReason="quiet")
        refreshes = app.state.refreshes
        await pilot.press("r")
        await wait_for(pilot, lambda: app.state.refreshes > refreshes, what="a refresh")
        assert mine(table)[EP].cells["name"].level == ""
        cw.set_alarm_state(AlarmName=f"{U}-fraud-5xx", StateValue="ALARM", StateReason="Threshold Crossed: test")
        await pilot.press("r")
        await wait_for(pilot, lambda: mine(table)[EP].cells["name"].level == "crit", what="the row marked")
        assert table.get_cell(mine(table)[EP].key, "name").plain.startswith("⚠")
        assert boto3_states(seeded)[f"{U}-fraud-5xx"] == "ALARM"


async def test_watching_a_job_that_ends_notifies_and_lists_it(seeded, monkeypatch):
    app = make_app(seeded, bell=True)
    rings = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, what="first refresh")
        await pilot.press("colon", *"jobs", "enter", "slash", *JOB, "enter")
        table = app.overview.table(Pane.JOBS)
        await wait_for(pilot, lambda: table.selected_row is not None and table.selected_row.name == JOB,
                       what="the job selected")
        await pilot.press("w")
        assert app.watch_book.is_watched(table.selected_row.key)
        assert any(f"watching training job {JOB}" in n for n in notes(app))
        moto_ext.set_job_status("training", JOB, "Completed", region=REGION)
        await pilot.press("r")
        await wait_for(pilot, lambda: any(e.kind == "ended" for e in app.watch_book.events), what="the end seen")
        assert any(f"{JOB}: ended: InProgress → Completed" in n for n in notes(app))
        assert rings, "the bell rings when the config allows it"
        await pilot.press("W")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "WatchesScreen", what="the watches list")
        text = screen_text(app)
        assert JOB in text and "ended: InProgress → Completed" in text and "ago" in text
        events = len(app.watch_book.events)
        await pilot.press("escape", "r")
        await wait_for(pilot, lambda: not app.state.refreshing and app.state.refreshes >= 3, what="another refresh")
        assert len(app.watch_book.events) == events  # nothing new happened: no second event


def test_composite_alarms_on_sagemaker_alarms_are_listed():
    """moto has no composite alarms: botocore's stubber answers DescribeAlarms as AWS does."""
    cw = boto3.client("cloudwatch", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    metric = {"AlarmName": "ep-5xx", "AlarmArn": "arn:aws:cloudwatch:us-east-1:1:alarm:ep-5xx",
              "StateValue": "ALARM", "Namespace": "AWS/SageMaker", "MetricName": "Invocation5XXErrors",
              "Dimensions": [{"Name": "EndpointName", "Value": "ep"}], "Statistic": "Sum", "Period": 60}
    composite = {"AlarmName": "ep-bad", "StateValue": "ALARM", "StateReason": "child in ALARM",
                 "AlarmRule": 'ALARM("ep-5xx") OR ALARM("elsewhere")'}
    unrelated = {"AlarmName": "other", "StateValue": "OK", "AlarmRule": 'ALARM("elsewhere")'}
    with Stubber(cw) as stub:
        stub.add_response("describe_alarms", {"MetricAlarms": [metric], "CompositeAlarms": [composite, unrelated]})
        alarms = {a.name: a for a in list_alarms(cw, REGION)}
    assert set(alarms) == {"ep-5xx", "ep-bad"}
    assert alarms["ep-bad"].composite and alarms["ep-bad"].children == ("ep-5xx",)
    assert alarms["ep-bad"].dimensions == {"EndpointName": "ep"} and alarms["ep-5xx"].statistic == "Sum"
