"""Alarms of the monitoring account on a source account's metrics, matched to that account.

On the local AWS answering as two accounts (see :mod:`tests.aws.test_cross_account`): the monitoring
account and source account B each run endpoint ``shared-U``. The monitoring account holds a
metric-math alarm whose query reads B's 5XX errors (``Metrics[].AccountId`` = B), in ALARM, and a
plain alarm on its own endpoint, OK. Listed through :func:`~tui.aws.accounts.discover_accounts`
(both alarms belong to the monitoring account), the first is B's endpoint's alarm, not the
monitoring account's same-named endpoint's, and it marks B's row only; the second stays the
monitoring account's.
"""

from __future__ import annotations

import uuid

import boto3
import pytest

from tests.aws.test_cross_account import MONITORING, _account_id, _endpoint, monitoring_clients
from tests.conftest import CREDENTIALS, REGION


def _dims(endpoint: str) -> list[dict]:
    return [{"Name": "EndpointName", "Value": endpoint}, {"Name": "VariantName", "Value": "AllTraffic"}]


@pytest.fixture(scope="module")
def fleet(moto_url):
    from types import SimpleNamespace

    from tui.demo.moto_ext import install, link_accounts, unlink_accounts

    install()
    u = uuid.uuid4().hex[:8]
    b = _account_id()
    home = boto3.Session(region_name=REGION, **CREDENTIALS)
    creds = home.client("sts", endpoint_url=moto_url).assume_role(
        RoleArn=f"arn:aws:iam::{b}:role/seed", RoleSessionName="seed")["Credentials"]
    in_b = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=REGION)
    shared = f"shared-{u}"
    for session in (home, in_b):
        _endpoint(session.client("sagemaker", endpoint_url=moto_url), shared)
    cw = home.client("cloudwatch", endpoint_url=moto_url)
    across, own = f"b-5xx-{u}", f"home-5xx-{u}"
    cw.put_metric_alarm(AlarmName=across, EvaluationPeriods=1, Threshold=1.0,
                        ComparisonOperator="GreaterThanOrEqualToThreshold", Metrics=[
                            {"Id": "errors", "AccountId": b, "ReturnData": True, "MetricStat": {
                                "Metric": {"Namespace": "AWS/SageMaker", "MetricName": "Invocation5XXErrors",
                                           "Dimensions": _dims(shared)}, "Period": 60, "Stat": "Sum"}}])
    # moto 5.2.5 drops a query's AccountId; CloudWatch keeps it: set it in moto's backend, in-process
    from moto.cloudwatch.models import cloudwatch_backends

    cloudwatch_backends[MONITORING][REGION].alarms[across].metric_data_queries[0].account_id = b
    cw.set_alarm_state(AlarmName=across, StateValue="ALARM", StateReason="B's endpoint fails")
    cw.put_metric_alarm(AlarmName=own, EvaluationPeriods=1, Threshold=1.0, Namespace="AWS/SageMaker",
                        MetricName="Invocation5XXErrors", Dimensions=_dims(shared), Period=60, Statistic="Sum",
                        ComparisonOperator="GreaterThanOrEqualToThreshold")
    link_accounts(MONITORING, b)
    yield SimpleNamespace(url=moto_url, u=u, b=b, shared=shared, across=across, own=own,
                          role=f"arn:aws:iam::{b}:role/SagemonRead")
    unlink_accounts(MONITORING)


def test_a_metric_math_alarm_on_a_source_account_s_metric_is_that_account_s_resource_s(fleet):
    from tui.aws.accounts import discover_accounts
    from tui.aws.discovery.base import ALARM
    from tui.model.alarms import alarm_account, alarms_for, firing_targets, mark_alarmed_rows
    from tui.model.catalog import Kind
    from tui.model.kinds import Pane
    from tui.model.overview import pane_rows
    from tui.model.series import SeriesStore

    clients = monitoring_clients(fleet, accounts=({"id": fleet.b, "role_arn": fleet.role},))
    inv = discover_accounts(clients, [REGION], kinds=[Kind.ENDPOINT.value, ALARM])
    alarms = {a.name: a for a in inv.alarms if fleet.u in a.name}
    across, own = alarms[fleet.across], alarms[fleet.own]
    # both live in the monitoring account; the math alarm's metric is B's
    assert across.account == own.account == MONITORING
    assert across.metric_account == fleet.b and alarm_account(across) == fleet.b
    assert own.metric_account == "" and alarm_account(own) == MONITORING

    endpoints = {e.account: e for e in inv.endpoints if e.name == fleet.shared}
    assert set(endpoints) == {MONITORING, fleet.b}
    assert [a.name for a in alarms_for(inv, REGION, fleet.b, EndpointName=fleet.shared)] == [fleet.across]
    assert [a.name for a in alarms_for(inv, REGION, MONITORING, EndpointName=fleet.shared)] == [fleet.own]
    assert (f"{fleet.b}/{REGION}", fleet.shared) in firing_targets(inv)
    assert (f"{MONITORING}/{REGION}", fleet.shared) not in firing_targets(inv)

    # on the Endpoints pane: B's row carries the alarm mark, the monitoring account's does not
    rows = [r for r in pane_rows(Pane.ENDPOINTS, inv, SeriesStore(3600), 0) if r.name == fleet.shared]
    mark_alarmed_rows(rows, inv)
    marked = {r.resource.account: r.cells["name"].text != fleet.shared for r in rows}
    assert marked == {fleet.b: True, MONITORING: False}
