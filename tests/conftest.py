"""Shared fixtures: a real moto server on 127.0.0.1 and guarded app clients pointed at it.

moto keeps its state in process-wide backends, so every server started in this test process
sees the same account: tests use unique names (``unique``) instead of relying on a clean slate.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timezone

import pytest

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REGION = "us-east-1"
#: The shared demo fleet's region: it holds nothing but the demo (moto's state is process-wide).
DEMO_REGION = "ap-southeast-2"


def pytest_report_header(config):
    """The wall clock the run sees (``make test-anytime`` moves it: tests/clock/sitecustomize.py)."""
    moved = os.environ.get("SAGEMON_TEST_CLOCK")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"clock: {now}" + (f" (moved: SAGEMON_TEST_CLOCK={moved})" if moved else " (real)")


@pytest.fixture(scope="session")
def moto_url():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").disabled = True
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def clients(moto_url):
    """The app's own guarded clients, pointed at the moto server."""
    from tui.aws.session import AwsClients, AwsSettings

    return AwsClients(AwsSettings(regions=(REGION,), endpoint_url=moto_url, credentials=CREDENTIALS))


@pytest.fixture
def writer(moto_url):
    """Plain boto3 clients (no read-only guard) that play the account being monitored."""
    import boto3

    session = boto3.Session(region_name=REGION, **CREDENTIALS)
    return lambda service: session.client(service, endpoint_url=moto_url)


@pytest.fixture
def unique():
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def shared_demo():
    """One populated demo fleet (an hour of history, no live loop) for every UI test module.

    Populating costs seconds, so UI tests share this one; tests of the demo itself, or that
    need the live loop, start their own in another region.
    """
    from tui.demo import DemoAws

    demo = DemoAws(seed=7, history_hours=1.0, region=DEMO_REGION)
    demo.start()
    demo.populate()
    yield demo
    demo.stop()


@pytest.fixture(autouse=True)
def shared_demo_is_current(request):
    """Before each test that reads :func:`shared_demo`, its minutes up to now are published.

    The shared fleet runs no live loop, so without this its newest point would age with the
    run: a test 10 minutes into the suite would see every host silent for 10 minutes (and
    rightly no host flagged). Only points are added; statuses do not move."""
    if "shared_demo" in request.fixturenames:
        request.getfixturevalue("shared_demo").catch_up()


@pytest.fixture(scope="session")
def shared_demo_clients(shared_demo):
    """The app's guarded clients pointed at :func:`shared_demo`."""
    from tui.aws.session import AwsClients, AwsSettings

    conn = shared_demo.connection
    creds = {k: v for k, v in dict(conn.credentials).items() if k != "region_name"}
    return AwsClients(AwsSettings(regions=(conn.region,), endpoint_url=conn.endpoint_url, credentials=creds))


@pytest.fixture(autouse=True)
def own_config_and_cache(tmp_path_factory, monkeypatch):
    """No test (nor the app it starts) reads the user's config file or writes the user's session
    log: XDG_CONFIG_HOME and XDG_CACHE_HOME are the run's own, and no SAGEMON_* setting is set."""
    from tui.config.settings import SETTINGS

    base = tmp_path_factory.getbasetemp() / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    for setting in SETTINGS:
        if setting.env and setting.env.startswith("SAGEMON_"):
            monkeypatch.delenv(setting.env, raising=False)
