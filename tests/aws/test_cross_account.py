"""Cross-account observability, against the local AWS answering as three accounts.

The moto server keeps one backend per account (an access key from ``sts:AssumeRole`` acts in the
role's account); the demo's moto extension links source accounts to the monitoring account as
CloudWatch's Observability Access Manager does. The monitoring account (moto's default, the
tests' ``testing`` key) and source account B each run an endpoint of the same name with other
traffic; source account C has only the metrics of an endpoint, reached through no profile or
role. The app signs in to the monitoring account only; B is reached by a role it assumes (or by
a profile), C through its metrics.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import boto3
import pytest

from tests.conftest import CREDENTIALS, REGION
from tests.pilot import wait_for
from tui.aws.session import AwsClients, AwsSettings

MONITORING = "123456789012"  # moto's account for any key it does not know
OTHER_REGION = "eu-west-1"
ROLE = "arn:aws:iam::123456789012:role/sagemaker"
INVOCATIONS = {MONITORING: 10.0, "B": 40.0, "C": 7.0}  # per minute, every minute of the last 20


def _account_id() -> str:
    return "2" + str(uuid.uuid4().int)[:11]  # a fresh account per run: moto's state is process-wide


def _invocations(cw, endpoint: str, value: float, now: datetime) -> None:
    cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=[
        {"MetricName": "Invocations", "Timestamp": now - timedelta(minutes=m), "Value": value,
         "Dimensions": [{"Name": "EndpointName", "Value": endpoint}, {"Name": "VariantName", "Value": "AllTraffic"}]}
        for m in range(1, 21)])


def _endpoint(sm, name: str) -> None:
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 1,
         "InstanceType": "ml.m5.xlarge", "InitialVariantWeight": 1.0}])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)


@pytest.fixture(scope="module")
def fleet(moto_url):
    """Endpoint ``shared-U`` in the monitoring account and in B, ``only-metrics-U`` in C (its
    metrics alone); B and C linked to the monitoring account; a reader's access key in B."""
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

    in_b, in_c = session_in(b), session_in(c)
    now = datetime.now(timezone.utc)
    shared, lone = f"shared-{u}", f"only-metrics-{u}"
    for session, value in ((home, INVOCATIONS[MONITORING]), (in_b, INVOCATIONS["B"])):
        _endpoint(session.client("sagemaker", endpoint_url=moto_url), shared)
        _invocations(session.client("cloudwatch", endpoint_url=moto_url), shared, value, now)
    _invocations(in_c.client("cloudwatch", endpoint_url=moto_url), lone, INVOCATIONS["C"], now)
    _invocations(in_b.client("cloudwatch", endpoint_url=moto_url, region_name=OTHER_REGION), shared, 4.0, now)
    _invocations(home.client("cloudwatch", endpoint_url=moto_url, region_name=OTHER_REGION), shared, 1.0, now)
    iam = in_b.client("iam", endpoint_url=moto_url)
    iam.create_user(UserName=f"reader-{u}")
    key = iam.create_access_key(UserName=f"reader-{u}")["AccessKey"]
    link_accounts(MONITORING, b, c)
    yield SimpleNamespace(url=moto_url, u=u, b=b, c=c, shared=shared, lone=lone, key=key,
                          role=f"arn:aws:iam::{b}:role/SagemonRead")
    unlink_accounts(MONITORING)


def monitoring_clients(fleet, accounts=(), regions=(REGION,)) -> AwsClients:
    return AwsClients(AwsSettings(regions=regions, endpoint_url=fleet.url, credentials=CREDENTIALS,
                                  accounts=tuple(accounts), max_attempts=1))


def recorded(clients: AwsClients) -> list[tuple[str, dict]]:
    """Every operation ``clients`` (and the source accounts' clients made from them) send, with
    its parameters."""
    calls: list[tuple[str, dict]] = []
    clients.on_session(lambda session: session.events.register(
        "provide-client-params.*.*", lambda params, model, **_kw: calls.append((model.name, dict(params)))))
    return calls


def _query(endpoint: str, account: str | None = None) -> dict:
    q = {"Id": "q", "MetricStat": {"Metric": {"Namespace": "AWS/SageMaker", "MetricName": "Invocations", "Dimensions": [
        {"Name": "EndpointName", "Value": endpoint}, {"Name": "VariantName", "Value": "AllTraffic"}]},
        "Period": 60, "Stat": "Sum"}}
    return {**q, "AccountId": account} if account else q


# -- the local AWS answers as CloudWatch does ---------------------------------------------------------

def test_the_local_aws_shares_linked_accounts_metrics_as_cloudwatch_does(fleet):
    cw = boto3.client("cloudwatch", endpoint_url=fleet.url, region_name=REGION, **CREDENTIALS)
    listed = cw.list_metrics(Namespace="AWS/SageMaker", MetricName="Invocations", IncludeLinkedAccounts=True)
    owners = {m["Dimensions"][0]["Value"]: [] for m in listed["Metrics"]}
    for metric, owner in zip(listed["Metrics"], listed["OwningAccounts"], strict=True):
        owners[metric["Dimensions"][0]["Value"]].append(owner)
    assert sorted(owners[fleet.shared]) == sorted([MONITORING, fleet.b]) and owners[fleet.lone] == [fleet.c]
    only_c = cw.list_metrics(Namespace="AWS/SageMaker", IncludeLinkedAccounts=True, OwningAccount=fleet.c)
    assert set(only_c["OwningAccounts"]) == {fleet.c}
    assert "OwningAccounts" not in cw.list_metrics(Namespace="AWS/SageMaker") or \
        not cw.list_metrics(Namespace="AWS/SageMaker").get("OwningAccounts")
    end = datetime.now(timezone.utc)
    for account, (want, status) in {None: ([INVOCATIONS[MONITORING]], "Complete"),
                                    fleet.b: ([INVOCATIONS["B"]], "Complete"),
                                    _account_id(): ([], "Forbidden")}.items():  # an account not linked
        (result,) = cw.get_metric_data(MetricDataQueries=[_query(fleet.shared, account)],
                                       StartTime=end - timedelta(minutes=10), EndTime=end)["MetricDataResults"]
        assert (sorted(set(result["Values"])), result["StatusCode"]) == (want, status)


# -- metrics: one batch per region and period, every account in it -------------------------------------

def test_one_get_metric_data_per_region_and_period_for_every_account(fleet):
    from tui.aws.metrics import MetricEngine, MetricRequest
    from tui.model import catalog as cat
    from tui.model.plan import EndpointKeys
    from tui.model.resources import Endpoint
    from tui.model.series import SeriesStore

    clients = monitoring_clients(fleet, regions=(REGION, OTHER_REGION))
    calls = recorded(clients)
    endpoints = [Endpoint(fleet.shared, "InService", region=r, account=a) for r in (REGION, OTHER_REGION)
                 for a in ("", fleet.b)] + [Endpoint(fleet.lone, "Linked", region=REGION, account=fleet.c)]
    keys = {(e.region, e.account or MONITORING, e.name): EndpointKeys.of(e, "AllTraffic").invocations
            for e in endpoints}
    assert len(set(keys.values())) == 5  # same name, same region: the account tells them apart
    assert all(k.stat == cat.SUM for k in keys.values())
    engine = MetricEngine(clients.cloudwatch, SeriesStore(3600), max_workers=4)
    result = engine.fetch([MetricRequest(k, 60) for k in keys.values()])
    assert result.ok and result.updated == set(keys.values())
    sent = [params for op, params in calls if op == "GetMetricData"]
    assert len(sent) == 2  # one per region (one period), both accounts in each
    accounts = {tuple(sorted(q.get("AccountId", "") for q in params["MetricDataQueries"])) for params in sent}
    assert accounts == {("", fleet.b), tuple(sorted(["", fleet.b, fleet.c]))}
    values = {where: engine.store.get(k).last_value() for where, k in keys.items()}
    assert values == {(REGION, MONITORING, fleet.shared): INVOCATIONS[MONITORING],
                      (REGION, fleet.b, fleet.shared): INVOCATIONS["B"],
                      (OTHER_REGION, MONITORING, fleet.shared): 1.0, (OTHER_REGION, fleet.b, fleet.shared): 4.0,
                      (REGION, fleet.c, fleet.lone): INVOCATIONS["C"]}


# -- discovery: each account listed its own way ---------------------------------------------------------

def _mine(inv, fleet):
    return {(e.account, e.name): e for e in inv.endpoints if fleet.u in e.name}


@pytest.mark.parametrize("reach", ["role", "profile"])
def test_discovery_lists_each_account_with_its_own_credentials(fleet, reach, tmp_path, monkeypatch):
    from tui.aws.accounts import discover_accounts

    if reach == "profile":  # a profile whose keys are a user's of account B
        creds = tmp_path / "credentials"
        creds.write_text(f"[source-b]\naws_access_key_id = {fleet.key['AccessKeyId']}\n"
                         f"aws_secret_access_key = {fleet.key['SecretAccessKey']}\n")
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        link = {"id": fleet.b, "profile": "source-b"}
    else:
        link = {"id": fleet.b, "role_arn": fleet.role}
    clients = monitoring_clients(fleet, accounts=(link, {"id": fleet.c}))
    calls = recorded(clients)
    pending: list = []
    inv = discover_accounts(clients, kinds=["endpoint"], pending=pending)
    for p in pending:  # the describes, as the refresh runs them
        record, _errors = p.run()
        inv.endpoints = [record if e.key == p.key else e for e in inv.endpoints]
    mine = _mine(inv, fleet)
    assert set(mine) == {(MONITORING, fleet.shared), (fleet.b, fleet.shared), (fleet.c, fleet.lone)}
    assert mine[(fleet.b, fleet.shared)].key == f"{fleet.b}/{REGION}:endpoint:{fleet.shared}"
    assert mine[(fleet.b, fleet.shared)].described and mine[(fleet.b, fleet.shared)].variants[0].instance_type \
        == "ml.m5.xlarge"
    lone = mine[(fleet.c, fleet.lone)]  # no listing reaches C: from its metrics
    assert (lone.status, [v.name for v in lone.variants]) == ("Linked", ["AllTraffic"])
    assert not [e for e in inv.errors if fleet.u in e.message]
    operations = [op for op, _params in calls]
    assert ("AssumeRole" in operations) == (reach == "role")
    assert any(op == "ListMetrics" and params.get("IncludeLinkedAccounts") for op, params in calls)


def test_linked_finds_every_linked_account_from_its_metrics(fleet):
    from tui.aws.accounts import discover_accounts, linked_accounts

    clients = monitoring_clients(fleet, accounts=("linked",))
    assert {fleet.b, fleet.c} <= set(linked_accounts(clients.cloudwatch(), MONITORING))
    mine = _mine(discover_accounts(clients, kinds=["endpoint"]), fleet)
    assert {k: e.status for k, e in mine.items()} == {(MONITORING, fleet.shared): "InService",
                                                     (fleet.b, fleet.shared): "Linked", (fleet.c, fleet.lone): "Linked"}


def test_an_account_that_cannot_be_reached_is_a_warning_and_keeps_its_rows(fleet, tmp_path, monkeypatch):
    from tui.aws.accounts import discover_accounts

    (tmp_path / "credentials").write_text("[empty]\n")
    (tmp_path / "config").write_text("[profile empty]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    good = discover_accounts(monitoring_clients(fleet, accounts=({"id": fleet.b, "role_arn": fleet.role},)),
                             kinds=["endpoint"])
    clients = monitoring_clients(fleet, accounts=({"id": fleet.b, "profile": "empty"},))
    inv = discover_accounts(clients, kinds=["endpoint"], previous=good)
    (err,) = [e for e in inv.errors if e.account == fleet.b]
    assert err.partial and "no AWS credentials" in err.message and f"account {fleet.b}" in err.region
    assert (fleet.b, fleet.shared) in _mine(inv, fleet)  # the last rows stay
    assert (MONITORING, fleet.shared) in _mine(inv, fleet)  # the other accounts are listed


# -- on screen ------------------------------------------------------------------------------------------

async def test_the_endpoints_pane_shows_each_account_s_endpoint_as_its_own_row(fleet):
    from tui.app import SagemonApp
    from tui.config.options import Options
    from tui.model.kinds import Pane
    from tui.refresh import Connection

    clients = monitoring_clients(fleet, accounts=({"id": fleet.b, "role_arn": fleet.role}, {"id": fleet.c}))
    app = SagemonApp(Options(refresh=60), connection=Connection(clients, "test", MONITORING, (REGION,)))
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.overview.table(Pane.ENDPOINTS)
        await pilot.press("slash", *fleet.u, "enter")  # only this test's rows

        def rows():
            return {(r.cells["account"].text, r.name): r for r in table.shown}

        await wait_for(pilot, lambda: len(rows()) == 3 and all(r.cells["inv"].sort is not None
                                                                for r in rows().values()), 60, "three rows")
        assert "account" in [c.key for c in table.columns_spec]
        assert {k: r.cells["inv"].sort for k, r in rows().items()} == pytest.approx({
            (MONITORING, fleet.shared): INVOCATIONS[MONITORING], (fleet.b, fleet.shared): INVOCATIONS["B"],
            (fleet.c, fleet.lone): INVOCATIONS["C"]})
        assert rows()[(fleet.c, fleet.lone)].cells["status"].text == "Linked"
        drawn = {table.get_cell(r.key, "account").plain for r in rows().values()}
        assert drawn == {MONITORING, fleet.b, fleet.c}


def test_one_account_has_no_account_column():
    from tui.model.columns import pane_columns
    from tui.model.kinds import Pane

    assert "account" not in [c.key for c in pane_columns(Pane.ENDPOINTS, 2, 1)]
    keys = [c.key for c in pane_columns(Pane.ENDPOINTS, 2, 2)]
    assert keys[:3] == ["name", "account", "region"]


# -- settings -------------------------------------------------------------------------------------------

def test_the_accounts_setting_from_a_flag_a_variable_and_the_file(tmp_path, monkeypatch, capsys):
    from tui.cli import config_main
    from tui.config.rules import UsageError, check_accounts

    role = "arn:aws:iam::222233334444:role/Read"
    assert check_accounts(f"linked, 111122223333 ,222233334444={role}", "--accounts") == (
        "linked", {"id": "111122223333"}, {"id": "222233334444", "role_arn": role})
    for bad, said in (("12345", "12 digits"), (f"111122223333={role}", "is in account 222233334444"),
                      ("111122223333=arn:aws:iam::111122223333:user/x", "not a role ARN"),
                      ("111122223333=nosuchprofile", "no profile named")):
        with pytest.raises(UsageError, match=said):
            check_accounts(bad, "--accounts")
    config = tmp_path / "config.toml"
    config.write_text(f'accounts = ["linked", {{ id = "222233334444", role_arn = "{role}" }}]\n')
    assert config_main(["--config", str(config)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("accounts ="))
    assert line == f'accounts = ["linked", {{ "id" = "222233334444", "role_arn" = "{role}" }}]  # {config}'
    monkeypatch.setenv("SAGEMON_ACCOUNTS", "333344445555")
    assert config_main(["--config", str(config)]) == 0
    assert 'accounts = [{ "id" = "333344445555" }]  # SAGEMON_ACCOUNTS' in capsys.readouterr().out
    config.write_text('accounts = [{ id = "222233334444", region = "x" }]\n')
    assert config_main(["--config", str(config)]) == 0
    assert "accounts.1.region: unknown key" in capsys.readouterr().err
