"""The signed-in account named by its alias: ``alias (id)`` in the status bar.

On the local AWS, in a fresh account (moto keeps one state per account, process-wide, so no
other test's account gets an alias): ``connect()`` reads the alias with iam:ListAccountAliases
(a read the guard lets through and the IAM policy lists) beside GetCallerIdentity, and the
status bar names the account ``alias (id)``; an account without an alias is its id alone.
"""

from __future__ import annotations

import uuid

import boto3
import pytest

from tests.conftest import CREDENTIALS, REGION
from tests.pilot import screen_text, wait_for


def _fresh_account(url: str) -> tuple[str, dict]:
    """A new account id and credentials acting in it (a role assumed there)."""
    account = "4" + str(uuid.uuid4().int)[:11]
    sts = boto3.client("sts", endpoint_url=url, region_name=REGION, **CREDENTIALS)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/seed", RoleSessionName="seed")["Credentials"]
    return account, {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
                     "AWS_SESSION_TOKEN": creds["SessionToken"]}


def _connect(monkeypatch, url: str, env: dict):
    from tui.cli import Options
    from tui.refresh import connect

    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/sagemon-test-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/sagemon-test-credentials")
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    return connect(Options(regions=(REGION,), endpoint_url=url), lambda _t: None)


@pytest.fixture
def aliased(moto_url):
    account, env = _fresh_account(moto_url)
    alias = "ml-" + uuid.uuid4().hex[:4]
    iam = boto3.client("iam", endpoint_url=moto_url, region_name=REGION,
                       aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                       aws_session_token=env["AWS_SESSION_TOKEN"])
    iam.create_account_alias(AccountAlias=alias)
    return account, env, alias


def test_connect_reads_the_account_s_alias_and_names_it_alias_then_id(aliased, moto_url, monkeypatch):
    account, env, alias = aliased
    conn = _connect(monkeypatch, moto_url, env)
    assert (conn.account, conn.alias, conn.label) == (account, alias, f"{alias} ({account})")


def test_an_account_without_an_alias_is_named_by_its_id(moto_url, monkeypatch):
    account, env = _fresh_account(moto_url)
    conn = _connect(monkeypatch, moto_url, env)
    assert (conn.account, conn.alias, conn.label) == (account, "", account)


async def test_the_status_bar_names_the_account_by_its_alias(aliased, moto_url, monkeypatch):
    from tui.app import SagemonApp
    from tui.cli import Options

    account, env, alias = aliased
    conn = _connect(monkeypatch, moto_url, env)
    app = SagemonApp(Options(refresh=60), connection=conn)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: f"{alias} ({account})" in screen_text(app), 30, "the alias in the status bar")
        assert app.state.account == f"{alias} ({account})"
