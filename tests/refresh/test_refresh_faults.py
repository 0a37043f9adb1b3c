"""Faults from AWS, through the real refresh layer and a real local AWS (moto's server):

* expired credentials: the refresh says which command renews them (the profile's), sends
  nothing after its listing failed, and once the login is renewed the next refresh rebuilds
  its session and recovers without a restart;
* throttling: a refresh whose listing was throttled does not go on to call GetMetricData;
* AccessDenied names the IAM action AWS refused; HTTP 503 reads as such.

Faults are injected with a botocore hook on the session the app's clients use (raised before
anything is sent), so every call of that session fails as AWS would answer it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from tui.aws.session import AwsClients, AwsSettings
from tui.model.kinds import Pane
from tui.model.state import AppState, describe_error
from tui.refresh import Refresher

REGION = "eu-west-3"  # this module's account: nothing else in the test process lists it
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
PROFILE = "ml-oncall"


@pytest.fixture(scope="module")
def account(moto_url):
    """One endpoint with traffic, in a region of its own."""
    sm = boto3.client("sagemaker", endpoint_url=moto_url, region_name=REGION, **CREDS)
    cw = boto3.client("cloudwatch", endpoint_url=moto_url, region_name=REGION, **CREDS)
    role = "arn:aws:iam::123456789012:role/ml"
    sm.create_model(ModelName="m", ExecutionRoleArn=role, PrimaryContainer={"Image": "img"})
    sm.create_endpoint_config(EndpointConfigName="cfg", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.c5.xlarge"}])
    sm.create_endpoint(EndpointName="scorer", EndpointConfigName="cfg")
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    dims = [{"Name": "EndpointName", "Value": "scorer"}, {"Name": "VariantName", "Value": "AllTraffic"}]
    cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": now - timedelta(minutes=m), "Value": 60.0}
        for m in range(1, 11)])
    return moto_url


@pytest.fixture
def profile_files(tmp_path, monkeypatch):
    """A named profile, as a person's ~/.aws/config holds it (credentials come from the test)."""
    config = tmp_path / "config"
    config.write_text(f"[profile {PROFILE}]\nregion = {REGION}\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


def fail_every_call(clients: AwsClients, code: str, message: str) -> list[str]:
    """Make every call of the app's clients fail with ``code`` (as AWS answers it): those made
    already and those its session makes later. Returns the operations attempted."""
    tried: list[str] = []

    def refuse(model=None, **_kw):
        tried.append(model.name)
        raise ClientError({"Error": {"Code": code, "Message": message}}, model.name)

    clients.session.events.register("before-call.*.*", refuse)
    for service in ("sagemaker", "cloudwatch", "ec2", "sts"):
        clients.client(service, REGION).meta.events.register("before-call.*.*", refuse)
    return tried


def test_expired_credentials_name_the_fix_stop_the_refresh_and_recover_after_login(account, profile_files):
    clients = AwsClients(AwsSettings(profile=PROFILE, regions=(REGION,), endpoint_url=account,
                                     credentials=CREDS, max_attempts=1))
    assert clients.profile == PROFILE
    refresher = Refresher(clients, 3600)
    tried = fail_every_call(clients, "ExpiredToken",
                            "The security token included in the request is expired")
    state = AppState(window="1h")
    report = refresher.run(Pane.ENDPOINTS)
    state.apply(report)
    assert state.stale and report.errors
    assert f"aws sso login --profile {PROFILE}" in report.errors[0] and "--use-device-code" in report.errors[0]
    assert tried and all(op.startswith(("List", "Describe")) for op in tried)
    assert "GetMetricData" not in tried  # nothing more after the listing failed
    assert refresher.renew_session

    # `aws sso login` happens outside the app: the next refresh builds a new session and recovers
    report = refresher.run(Pane.ENDPOINTS)
    state.apply(report)
    assert report.ok and not state.stale, report.errors
    assert [e.name for e in state.inventory.endpoints] == ["scorer"]
    assert report.usage.metric_data_calls >= 1 and report.usage.api_calls >= 2  # counted on the new session
    assert not refresher.renew_session


def test_a_throttled_listing_does_not_go_on_to_get_metric_data(account):
    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=account, credentials=CREDS, max_attempts=1))
    refresher = Refresher(clients, 3600)
    assert refresher.run(Pane.ENDPOINTS).ok  # data first
    tried = fail_every_call(clients, "ThrottlingException", "Rate exceeded")
    report = refresher.run(Pane.ENDPOINTS)
    assert not report.ok and "throttled by AWS" in report.errors[0]
    assert tried and "GetMetricData" not in tried
    assert not refresher.renew_session  # throttling is not a credentials problem


def test_access_denied_names_the_action_and_503_reads_as_unavailable():
    message = ("User: arn:aws:sts::123456789012:assumed-role/ReadOnly/me is not authorized to perform: "
               "sagemaker:ListEndpoints on resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/* "
               "because no identity-based policy allows the sagemaker:ListEndpoints action")
    line = describe_error("AccessDeniedException", message, "cannot list endpoints")
    assert line == "cannot list endpoints: access denied: the IAM policy does not allow sagemaker:ListEndpoints"
    assert len(line) < 100  # short enough for a log view's status line
    assert "the IAM policy does not allow this read" in describe_error("AccessDenied", "Access Denied")
    assert describe_error("ServiceUnavailable", "") == "AWS is unavailable (HTTP 503): retrying next refresh"
    assert "aws sso login --profile prod" in describe_error("UnauthorizedSSOTokenError", "", profile="prod")
    assert "aws sso login`" in describe_error("TokenRetrievalError", "", profile=None)
    assert "no AWS credentials found" in describe_error("NoCredentialsError", "Unable to locate credentials")


def deny(clients: AwsClients, operations: set[str]) -> None:
    """AccessDenied, worded as AWS words it, for ``operations`` of every client of the session."""
    def refuse(model=None, **_kw):
        if model.name in operations:
            message = (f"User: arn:aws:sts::123456789012:assumed-role/ReadOnly/me is not authorized to perform: "
                       f"sagemaker:{model.name} on resource: * because no identity-based policy allows it")
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, model.name)

    clients.session.events.register("before-call.*.*", refuse)


async def test_four_listing_problems_make_one_short_notification_and_a_problems_screen(account):
    """At 80x24: the problems of a refresh raise one short notification (not half the screen for
    10 s), each named with its IAM action on the problems screen (e)."""
    import time as _time

    from textual.widgets._toast import Toast

    from tui.app import NOTIFY_CELLS, SagemonApp
    from tui.cli import Options
    from tui.refresh import Connection
    from tui.screens.problems import ProblemsScreen

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=account, credentials=CREDS, max_attempts=1))
    denied = {"ListTrainingJobs", "ListProcessingJobs", "ListPipelines", "ListFeatureGroups"}
    deny(clients, denied)
    app = SagemonApp(Options(), connection=Connection(clients, None, None, (REGION,)))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        end = _time.monotonic() + 60
        while app.state.refreshes < 1 and _time.monotonic() < end:
            await pilot.pause(0.1)
        await pilot.pause(0.3)
        assert len([p for p in app.state.problems if "does not allow" in p.text]) >= 4
        toasts = [t for t in app.screen.query(Toast) if t.region.height]
        assert len(toasts) == 1, [str(t.render()) for t in toasts]
        assert toasts[0].region.height <= 5 and "(e: problems)" in str(toasts[0].render())
        assert all(len(n.message) <= NOTIFY_CELLS + 40 for n in app._notifications)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        for op in ("ListTrainingJobs", "ListPipelines"):
            assert f"sagemaker:{op}" in text, text
        # each with its time, the operation and the message
        import re

        assert re.search(r"\d\d:\d\d:\d\d  warning  cannot list training job in " + REGION, text), text
        line = next(p.text for p in app.state.problems if "ListTrainingJobs" in p.text)
        assert line.startswith(f"cannot list training job in {REGION} (ListTrainingJobs): access denied")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ProblemsScreen)
        # a second refresh with the same problems notifies nothing new
        app.state.problems, before = list(app.state.problems), len(app.state.problems)
        assert app.state.note_problems(list(app.state.active_problems), []) == []
        assert len(app.state.problems) == before


def test_an_endpoint_that_echoes_the_credentials_never_gets_them_on_screen(account):
    """AWS never echoes a request's credentials, but a proxy or emulator may: every line the
    refresh reports, and every listing error the panes show, has them masked."""
    secrets = {"aws_access_key_id": "AKIAFAKEECHO00000001", "aws_secret_access_key": "fake/Echo+Secret/Key0123456789",
               "aws_session_token": "FakeEchoSessionToken0123456789"}
    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=account, credentials=secrets, max_attempts=1))
    echo = " ".join(secrets.values())
    fail_every_call(clients, "WeirdError", f"denied for {echo}")
    report = Refresher(clients, 3600).run(Pane.ENDPOINTS)
    assert report.errors
    shown = "\n".join(report.errors + report.warnings + [e.message for e in report.inventory.errors])
    assert "****" in shown
    for value in secrets.values():
        assert value not in shown
