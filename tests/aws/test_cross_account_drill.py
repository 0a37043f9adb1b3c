"""Cross-account observability below the overview: every read of a drill screen goes through the
clients of its resource's account, and the account is named wherever the resource is.

The local AWS answers as three accounts (see :mod:`tests.aws.test_cross_account`): the monitoring
account the app signs in to, source account B reached by a role it assumes, and source account C
reached through its metrics alone. The monitoring account and B hold a log group, a training
job's algorithm metrics, a transform job's host metrics and an endpoint's enhanced metrics of
the same names with other values, so a read that went to the wrong account shows.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import boto3
import pytest

from tests.aws.test_cross_account import MONITORING, _account_id, _endpoint, _invocations, monitoring_clients, recorded
from tests.conftest import CREDENTIALS, REGION
from tests.pilot import wait_for
from tui.model.catalog import Kind
from tui.model.resources import Endpoint, Job

GROUP = "/aws/sagemaker/TrainingJobs"


def _put(cw, namespace: str, metric: str, dims: dict[str, str], now: datetime) -> None:
    cw.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": metric, "Timestamp": now - timedelta(minutes=m), "Value": 1.0,
         "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]} for m in range(1, 4)])


@pytest.fixture(scope="module")
def fleet(moto_url):
    """In the monitoring account and in B: a log stream of job ``train-U`` (a line naming its
    account), an algorithm metric of it, a host metric of transform job ``xform-U``, endpoint
    ``shared-U`` with an enhanced (per-instance) metric; in C, only endpoint ``lone-U``'s metrics."""
    from tui.demo.moto_ext import install, link_accounts, unlink_accounts

    install()
    u = uuid.uuid4().hex[:8]
    b, c = _account_id(), _account_id()
    home = boto3.Session(region_name=REGION, **CREDENTIALS)
    sts = home.client("sts", endpoint_url=moto_url)

    def session_in(account: str) -> boto3.Session:
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/seed", RoleSessionName="seed")["Credentials"]
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name=REGION)

    now = datetime.now(timezone.utc)
    train, xform, shared, lone = f"train-{u}", f"xform-{u}", f"shared-{u}", f"lone-{u}"
    for session, account, who in ((home, MONITORING, "home"), (session_in(b), b, "b")):
        logs = session.client("logs", endpoint_url=moto_url)
        try:
            logs.create_log_group(logGroupName=GROUP)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        stream = f"{train}/algo-1-{int(time.time())}"
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
        logs.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=[
            {"timestamp": int(time.time() * 1000) - 60_000, "message": f"epoch 1 in {who} {account}"}])
        cw = session.client("cloudwatch", endpoint_url=moto_url)
        _put(cw, "/aws/sagemaker/TrainingJobs", f"{who}:loss", {"TrainingJobName": train}, now)
        _put(cw, "/aws/sagemaker/TransformJobs", "CPUUtilization", {"Host": f"{xform}/i-{who}"}, now)
        _endpoint(session.client("sagemaker", endpoint_url=moto_url), shared)
        _invocations(cw, shared, 5.0, now)
        _put(cw, "/aws/sagemaker/Endpoints", "CPUUtilization",
             {"EndpointName": shared, "VariantName": "AllTraffic", "InstanceId": f"i-{who}"}, now)
    in_c = session_in(c).client("cloudwatch", endpoint_url=moto_url)
    _invocations(in_c, lone, 3.0, now)
    _put(in_c, "/aws/sagemaker/Endpoints", "CPUUtilization",
         {"EndpointName": lone, "VariantName": "AllTraffic", "InstanceId": "i-c"}, now)
    link_accounts(MONITORING, b, c)
    yield SimpleNamespace(url=moto_url, u=u, b=b, c=c, train=train, xform=xform, shared=shared, lone=lone,
                          role=f"arn:aws:iam::{b}:role/SagemonRead")
    unlink_accounts(MONITORING)


def _clients(fleet):
    return monitoring_clients(fleet, accounts=({"id": fleet.b, "role_arn": fleet.role}, {"id": fleet.c}))


# -- reads: through the resource's account ------------------------------------------------------------

def test_a_source_account_s_log_is_read_with_its_own_clients(fleet):
    from tui.model.job_logs import job_log_request
    from tui.refresh_detail import LogFeed

    clients = _clients(fleet)
    calls = recorded(clients)
    for account, want in ((fleet.b, f"in b {fleet.b}"), ("", f"in home {MONITORING}"),
                          (MONITORING, f"in home {MONITORING}")):
        feed = LogFeed(clients)
        job = Job(Kind.TRAINING_JOB, fleet.train, "InProgress", region=REGION, account=account)
        request = job_log_request(job)
        assert request.account == account
        feed.set_request(request)
        _req, lines, error = feed.poll()
        assert error is None and [line.message for line in lines] == [f"epoch 1 {want}"], account
    assert "AssumeRole" in [op for op, _params in calls]  # B's lines came with B's role


def test_a_metrics_only_account_s_log_says_why_it_cannot_be_read(fleet):
    from tui.model.job_logs import job_log_request
    from tui.refresh_detail import LogFeed

    feed = LogFeed(_clients(fleet))
    feed.set_request(job_log_request(Job(Kind.TRAINING_JOB, fleet.train, "InProgress", region=REGION,
                                         account=fleet.c)))
    _req, lines, error = feed.poll()
    assert lines == [] and f"account {fleet.c} is reached through its metrics only" in error
    assert "profile or a role_arn" in error and "\n" not in error


def test_drill_reads_go_through_the_account_of_their_resource(fleet):
    from tui.model.detail import READ_ALGORITHM_METRICS, READ_ENHANCED, READ_STEPS, READ_TRANSFORM_HOSTS
    from tui.model.endpoint.enhanced import EnhancedInfo, instances_request
    from tui.model.job_requests import job_request
    from tui.refresh_detail import run_reads

    clients = _clients(fleet)
    listed: list[dict] = []  # ListMetrics as sent (after every parameter hook)
    clients.on_session(lambda session: session.events.register(
        "before-parameter-build.cloudwatch.ListMetrics", lambda params, **_kw: listed.append(dict(params))))
    for account, who in ((fleet.b, "b"), (MONITORING, "home"), ("", "home")):
        xform = Job(Kind.TRANSFORM_JOB, fleet.xform, "InProgress", region=REGION, account=account)
        train = Job(Kind.TRAINING_JOB, fleet.train, "InProgress", region=REGION, account=account)
        got = run_reads(clients, job_request(xform, []))
        assert got.reads == {(READ_TRANSFORM_HOSTS, REGION, fleet.xform): [f"{fleet.xform}/i-{who}"]}, account
        got = run_reads(clients, job_request(train, ["algo-1"]))
        assert got.reads == {(READ_ALGORITHM_METRICS, REGION, fleet.train): [f"{who}:loss"]}, account
        ep = Endpoint(fleet.shared, "InService", region=REGION, account=account)
        got = run_reads(clients, instances_request(ep, EnhancedInfo("pending"), _period()))
        assert got.reads[(READ_ENHANCED, REGION, fleet.shared)]["instances"] == [f"i-{who}"], account
    # C: its metric names through the monitoring account (OwningAccount), nothing else
    lone = Endpoint(fleet.lone, "Linked", region=REGION, account=fleet.c)
    got = run_reads(clients, instances_request(lone, EnhancedInfo("pending"), _period()))
    assert got.reads[(READ_ENHANCED, REGION, fleet.lone)]["instances"] == ["i-c"] and not got.errors
    assert any(params.get("OwningAccount") == fleet.c and params.get("IncludeLinkedAccounts") for params in listed)
    assert not any(params.get("OwningAccount") for params in listed[:-2])  # the others: each account's own
    from tui.model.detail import DetailRequest

    steps = (READ_STEPS, REGION, f"arn:aws:sagemaker:{REGION}:{fleet.c}:pipeline/p/execution/x")
    got = run_reads(clients, DetailRequest("execution:x", reads=(steps,), account=fleet.c))
    assert f"account {fleet.c} is reached through its metrics only" in got.errors[steps]


def _period():
    from tui.model.endpoint.enhanced import PublishPeriod

    return PublishPeriod(60, "config")


# -- on screen: the account named wherever the resource is --------------------------------------------

async def test_screens_palette_and_exports_name_the_account(fleet, tmp_path, monkeypatch):
    import json

    from tui.app import SagemonApp
    from tui.commands import resource_commands
    from tui.config.options import Options
    from tui.model.kinds import Pane
    from tui.refresh import Connection
    from tui.screens.copy_export import export_screen
    from tui.widgets.breadcrumb import Breadcrumb

    monkeypatch.chdir(tmp_path)
    app = SagemonApp(Options(refresh=60), connection=Connection(_clients(fleet), "test", MONITORING, (REGION,)))
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.overview.table(Pane.ENDPOINTS)
        await pilot.press("slash", *fleet.u, "enter")  # only this test's rows

        def rows():
            return {(r.cells["account"].text, r.name): r for r in table.shown}

        await wait_for(pilot, lambda: len(rows()) == 3 and all(r.resource.described for r in rows().values()), 60,
                       "three described rows")
        mine = rows()
        # a metrics-only account's instances are unknown, never 0; a described one's are counted
        assert (mine[(fleet.c, fleet.lone)].cells["instances"].text, mine[(fleet.c, fleet.lone)].cells["instances"].sort
                ) == ("–", None)
        assert mine[(fleet.b, fleet.shared)].cells["instances"].sort == 1
        assert table.get_cell(mine[(fleet.c, fleet.lone)].key, "instances").plain == "–"
        # the palette: same-named endpoints of two accounts, told apart by the account
        names = {name for name, _callback, _help in resource_commands(app) if fleet.u in name}
        assert names == {f"Endpoint: {fleet.shared} ({MONITORING})", f"Endpoint: {fleet.shared} ({fleet.b})",
                         f"Endpoint: {fleet.lone} ({fleet.c})"}
        # the overview's export: an Account column
        (path,) = export_screen(app, "json")
        doc = json.loads(path.read_text())
        assert "account" in [c["key"] for c in doc["tables"][0]["columns"]]
        assert {r["cells"]["account"] for r in doc["tables"][0]["rows"]} == {MONITORING, fleet.b, fleet.c}
        # B's endpoint screen: its account in the breadcrumb and its export
        app.open_detail(mine[(fleet.b, fleet.shared)])
        await wait_for(pilot, lambda: getattr(app.screen, "endpoint", None) is not None, 10, "the endpoint screen")
        await pilot.pause()
        crumb = str(app.screen.query_one(Breadcrumb).render())
        assert f"{fleet.b} › {fleet.shared}" in crumb, crumb
        # its enhanced (per-instance) series listed in B, not in the monitoring account
        await wait_for(pilot, lambda: app.screen.info.state != "pending", 20, "B's enhanced read")
        assert app.screen.info.pairs == [("AllTraffic", "i-b")]
        (path,) = export_screen(app, "json")
        doc = json.loads(path.read_text())
        assert doc["account"] == fleet.b and doc["facts"][0] == {"label": "Account", "text": fleet.b}
        assert fleet.b in path.name
        await pilot.press("escape")
        # C's endpoint screen: no Describe facts, said as unknown
        app.open_detail(mine[(fleet.c, fleet.lone)])
        await wait_for(pilot, lambda: getattr(app.screen, "endpoint", None) is not None, 10, "C's endpoint screen")
        await pilot.pause()
        assert f"{fleet.c} › {fleet.lone}" in str(app.screen.query_one(Breadcrumb).render())
        await wait_for(pilot, lambda: app.screen.info.state != "pending", 20, "C's enhanced read")
        assert app.screen.info.pairs == [("AllTraffic", "i-c")]  # through the monitoring account
        (path,) = export_screen(app, "json")
        facts = {f["label"]: f["text"] for f in json.loads(path.read_text())["facts"]}
        assert facts["Instances"].startswith("unknown") and facts["Mode"].startswith("unknown")


async def test_one_account_names_no_account(fleet, tmp_path):
    """Signed in to one account (no ``accounts``): no Account crumb, palette suffix or export field."""
    from tui.model.accounts import account_named
    from tui.model.export import Export, to_json
    from tui.model.resources import Inventory

    ep = Endpoint(fleet.shared, "InService", region=REGION)
    inv = Inventory(endpoints=[ep, Endpoint("other", "InService", region=REGION)])
    assert account_named(ep, inv) == ""
    assert "account" not in to_json(Export("x").named(account_named(ep, inv)))
    two = Inventory(endpoints=[Endpoint("a", "InService", region=REGION, account=fleet.b),
                               Endpoint("a", "InService", region=REGION, account=fleet.c)])
    assert account_named(two.endpoints[0], two) == fleet.b


def test_an_alarm_belongs_to_its_own_account_s_resource(fleet):
    from tui.model.alarms import alarms_for
    from tui.model.resources import Alarm, Inventory

    def alarm(account: str) -> Alarm:
        return Alarm(name=f"p99-{account}", state="ALARM", region=REGION, dimensions={"EndpointName": fleet.shared},
                     account=account)

    inv = Inventory(alarms=[alarm(MONITORING), alarm(fleet.b)])
    assert [a.name for a in alarms_for(inv, REGION, fleet.b, EndpointName=fleet.shared)] == [f"p99-{fleet.b}"]
    assert len(alarms_for(inv, REGION, EndpointName=fleet.shared)) == 2  # no account named: every one


def test_live_tail_of_a_source_account_s_log_names_its_group_in_that_account(fleet, monkeypatch):
    """StartLiveTail itself is stubbed (moto has none): the session is opened with B's client,
    on the ARN of the log group in B."""
    from tui.aws import live_tail
    from tui.model.job_logs import job_log_request
    from tui.refresh_detail import LogFeed

    opened: list = []

    class Opened(live_tail.LiveTailStream):
        def open(self) -> None:
            opened.append(self)

    monkeypatch.setattr(live_tail, "LiveTailStream", Opened)
    clients = _clients(fleet)
    feed = LogFeed(clients, account=MONITORING)
    request = job_log_request(Job(Kind.TRAINING_JOB, fleet.train, "InProgress", region=REGION, account=fleet.b))
    feed._open_live(request)
    (stream,) = opened
    assert stream.params["logGroupIdentifiers"] == [f"arn:aws:logs:{REGION}:{fleet.b}:log-group:{GROUP}"]
    creds = stream.client._request_signer._credentials.get_frozen_credentials()
    identity = boto3.client("sts", endpoint_url=fleet.url, region_name=REGION, aws_access_key_id=creds.access_key,
                            aws_secret_access_key=creds.secret_key, aws_session_token=creds.token)
    assert identity.get_caller_identity()["Account"] == fleet.b  # the role's credentials, in B
