"""``--demo --demo-accounts``: two source accounts beside the demo account, read as a monitoring
account reads them (one through a role, one through its metrics only)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.local_aws import extended_moto_server


def test_the_demo_s_source_accounts_are_listed_read_and_linked():
    from tui.aws.accounts import discover_accounts
    from tui.aws.session import AwsClients, AwsSettings
    from tui.demo import source_accounts as src
    from tui.demo.moto_ext import unlink_accounts
    from tui.demo.server import CREDENTIALS
    from tui.model.job_logs import job_log_request
    from tui.refresh_detail import LogFeed

    with extended_moto_server() as url:
        home = "123456789012"
        conn = SimpleNamespace(endpoint_url=url, region="us-east-1", credentials=dict(CREDENTIALS), account=home)
        try:
            accounts = src.seed_source_accounts(conn)
            clients = AwsClients(AwsSettings(regions=("us-east-1",), endpoint_url=url, credentials=dict(CREDENTIALS),
                                             accounts=accounts, max_attempts=1))
            inv = discover_accounts(clients, kinds=["endpoint", "training-job"])
            endpoints = {(e.account, e.name): e.status for e in inv.endpoints if e.account != home}
            assert endpoints == {(src.ROLE_ACCOUNT, "fraud-detector-prod"): "InService",
                                 (src.ROLE_ACCOUNT, "claims-triage-eu"): "InService",
                                 (src.METRICS_ACCOUNT, src.METRICS_ENDPOINT): "Linked"}
            (job,) = [j for j in inv.jobs if j.name == src.JOB]
            assert job.account == src.ROLE_ACCOUNT
            feed = LogFeed(clients)
            feed.set_request(job_log_request(job))
            _req, lines, error = feed.poll()
            assert error is None and lines and all(f"account {src.ROLE_ACCOUNT}" in line.message for line in lines)
        finally:
            unlink_accounts(home)


def test_demo_accounts_needs_the_demo(capsys):
    from tui.config.options import parse

    with pytest.raises(SystemExit):
        parse(["--demo-accounts"])
    assert capsys.readouterr().err == "sagemon-tui: error: --demo-accounts only applies with --demo\n"
    assert parse(["--demo", "--demo-accounts"]).demo_accounts
    assert not parse(["--demo"]).demo_accounts
