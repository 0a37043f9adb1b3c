"""The command palette and profile / region switching, driven with Textual's pilot on the moto server.

The AWS config and credentials files are temporary ones (``AWS_CONFIG_FILE``,
``AWS_SHARED_CREDENTIALS_FILE``, ``HOME`` for the SSO token cache): the real home is never read.
Resources are created with plain boto3 in two regions no other test uses, with unique names
(moto's state is shared by the whole test process).
"""

from __future__ import annotations

import hashlib
import json
import time

import boto3
import pytest

from pilot import screen_text, wait_for
from tui.config.options import Options
from tui.model.kinds import Pane

A, B = "eu-central-2", "ap-south-2"  # regions of this module only
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/sagemaker"
SSO_URL = "https://example.awsapps.com/start"

CONFIG = f"""
[default]
region = {A}

[profile alpha]
region = {A}

[profile beta]
region = {B}

[profile sso-user]
sso_start_url = {SSO_URL}
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = {A}

[profile sso-new]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = {SSO_URL}
sso_region = us-east-1
"""

CREDENTIALS = """
[default]
aws_access_key_id = testing
aws_secret_access_key = testing

[alpha]
aws_access_key_id = testing
aws_secret_access_key = testing

[beta]
aws_access_key_id = testing
aws_secret_access_key = testing
"""


@pytest.fixture
def aws_home(tmp_path, monkeypatch):
    """A temporary home with its own AWS config and credentials files (no SSO login cached)."""
    config, creds = tmp_path / "aws-config", tmp_path / "aws-credentials"
    config.write_text(CONFIG, encoding="utf-8")
    creds.write_text(CREDENTIALS, encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def create_job(url: str, region: str, name: str) -> None:
    sm = boto3.Session(region_name=region, **CREDS).client("sagemaker", endpoint_url=url)
    sm.create_training_job(
        TrainingJobName=name, RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://b/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})


def make_app(url: str, **opts):
    """The app on the real start-up path (no connection handed in): it connects by itself."""
    from tui.app import SagemonApp

    return SagemonApp(Options(endpoint_url=url, refresh=60, **opts))


def job_names(app) -> list[str]:
    return [r.name for r in app.overview.table(Pane.JOBS).all_rows]


async def palette(pilot, query: str) -> str:
    """Open the palette, type ``query`` and return the palette as the screen shows it."""
    from textual.command import CommandPalette

    app = pilot.app
    if isinstance(app.screen, CommandPalette):
        await pilot.press("escape")
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "the palette opens")
    await pilot.press(*query)
    await pilot.pause(0.6)  # the palette gathers the providers' hits
    return screen_text(app)


async def test_the_palette_finds_a_job_by_name_and_opens_its_screen(moto_url, aws_home, unique):
    from tui.screens.job import JobScreen

    name = f"pal-{unique}-train"
    create_job(moto_url, A, name)
    app = make_app(moto_url, profile="alpha", regions=(A,))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: name in [j.name for j in app.state.inventory.jobs], 30, "the job is listed")
        text = await palette(pilot, f"{unique}train")
        assert f"Training job: {name}" in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobScreen), 10, "the job screen opens")
        assert app.screen.job.name == name
        assert name in screen_text(app)
        await pilot.press("escape")  # back on the overview, on the job's row
        await wait_for(pilot, lambda: app.screen is app.overview, 5, "back on the overview")
        assert app.overview.pane is Pane.JOBS
        assert app.overview.table().selected_row.name == name


async def test_the_palette_lists_panes_windows_profiles_and_regions_of_the_aws_config(moto_url, aws_home,
                                                                                     monkeypatch):
    monkeypatch.chdir(aws_home)  # where the export chosen below is written
    app = make_app(moto_url, profile="alpha", regions=(A,), hidden_panes=("labeling",))
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: app.scheduler is not None, 30, "connected")
        text = await palette(pilot, "profile")
        for profile in ("alpha (current)", "beta", "default", "sso-user (SSO)"):
            assert f"Profile: {profile}" in text
        text = await palette(pilot, "region")
        assert f"Region: {A} (current)" in text and f"Region: {B}" in text
        text = await palette(pilot, "window")
        for window in ("1h", "3h", "12h", "24h"):
            assert f"Window: {window}" in text
        text = await palette(pilot, "pane")
        for title in ("Endpoints", "Components", "Jobs", "Pipelines", "Features", "Recommender"):
            assert f"Pane: {title}" in text
        assert "Pane: Labeling" not in text  # hidden by the config
        text = await palette(pilot, "theme sagemon")
        assert "Theme: sagemon" in text
        text = await palette(pilot, "theme nord")
        assert "Theme: nord" in text  # Textual's built-in themes too
        text = await palette(pilot, "pause")
        assert "Pause refresh (p)" in text
        text = await palette(pilot, "export csv")
        assert "Export CSV (x)" in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: list(aws_home.glob("sagemon-export-*.csv")), 10, "the export is written")


async def test_switching_region_reconnects_and_lists_only_that_regions_resources(moto_url, aws_home, unique):
    from tui.widgets.status_bar import StatusBar

    in_a, in_b = f"sw-{unique}-a", f"sw-{unique}-b"
    create_job(moto_url, A, in_a)
    create_job(moto_url, B, in_b)
    app = make_app(moto_url, profile="alpha", regions=(A,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")  # the jobs pane
        await wait_for(pilot, lambda: in_a in job_names(app), 30, "the job of the first region is shown")
        assert "region" not in [c.key for c in app.overview.table().columns_spec]  # one region: no column
        old = app.connection
        await palette(pilot, f"region {B}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.connection is not old, 30, "connected again")
        assert app.state.regions == (B,) and app.opts.regions == (B,)
        assert in_a not in job_names(app)  # the old region's rows are gone at once
        await wait_for(pilot, lambda: in_b in job_names(app), 30, "the job of the new region is shown")
        rows = app.overview.table(Pane.JOBS).all_rows
        assert in_a not in [r.name for r in rows]
        assert {r.resource.region for r in rows} == {B}
        assert B in str(app.screen.query_one(StatusBar).render())
        assert in_a not in screen_text(app)


async def test_an_sso_profile_without_a_login_says_which_command_to_run(moto_url, aws_home, unique):
    name = f"sso-{unique}"
    create_job(moto_url, A, name)
    app = make_app(moto_url, profile="alpha", regions=(A,))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: name in [j.name for j in app.state.inventory.jobs], 30, "connected")
        old = app.connection
        await palette(pilot, "profile sso-user")
        await pilot.press("enter")
        hint = "run `aws sso login --profile sso-user`"
        await wait_for(pilot, lambda: any(hint in n.message for n in app._notifications), 15, "the SSO hint")
        message = next(n.message for n in app._notifications if hint in n.message)
        assert "\n" not in message and "not logged in" in message
        assert app.connection is old and app.state.profile == "alpha"  # still on the previous connection
        assert name in [j.name for j in app.state.inventory.jobs]


def test_an_expired_sso_login_names_the_command_and_a_valid_one_passes(aws_home):
    from tui.aws.profiles import sso_cache_dir, sso_problem

    assert sso_problem("alpha") is None  # not an SSO profile
    assert "run `aws sso login --profile sso-new`" in sso_problem("sso-new")  # an sso-session profile, no login
    cache = aws_home / ".aws" / "sso" / "cache"
    assert sso_cache_dir() == str(cache)
    cache.mkdir(parents=True)
    path = cache / f"{hashlib.sha1(SSO_URL.encode()).hexdigest()}.json"
    def iso(seconds: float) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))

    path.write_text(json.dumps({"accessToken": "t", "expiresAt": iso(time.time() - 3600)}), encoding="utf-8")
    problem = sso_problem("sso-user")
    assert problem is not None and "expired" in problem and "aws sso login --profile sso-user" in problem
    assert "\n" not in problem
    path.write_text(json.dumps({"accessToken": "t", "expiresAt": iso(time.time() + 3600)}), encoding="utf-8")
    assert sso_problem("sso-user") is None


async def test_the_demo_refuses_a_profile_switch_in_one_line(moto_url, aws_home):
    from tui.app import SagemonApp
    from tui.aws.session import AwsClients, AwsSettings
    from tui.refresh import Connection
    from tui.switch import DEMO_PROFILE_REFUSED

    clients = AwsClients(AwsSettings(regions=(A,), endpoint_url=moto_url, credentials=CREDS))
    app = SagemonApp(Options(demo=True, refresh=60), connection=Connection(clients, "demo", None, (A,)))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.scheduler is not None, 15, "connected")
        old = app.connection
        app.switch_profile("beta")
        await pilot.pause(0.2)
        assert [n.message for n in app._notifications][-1] == DEMO_PROFILE_REFUSED
        assert app.connection is old


async def test_two_regions_show_a_region_column_and_same_named_resources_apart(moto_url, aws_home, unique):
    name = f"two-{unique}"
    create_job(moto_url, A, name)
    create_job(moto_url, B, name)
    app = make_app(moto_url, profile="alpha", regions=(A, B))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await wait_for(pilot, lambda: job_names(app).count(name) == 2, 30, "both jobs are listed")
        table = app.overview.table(Pane.JOBS)
        assert "region" in [c.key for c in table.columns_spec]  # even at 80 columns
        rows = [r for r in table.all_rows if r.name == name]
        assert {r.cells["region"].text for r in rows} == {A, B}
        assert len({r.key for r in rows}) == 2
        text = screen_text(app)
        assert "Region" in text and A in text and B in text
        await pilot.press(":", *f"region {A}", "enter")  # back to one region, typed at the prompt
        await wait_for(pilot, lambda: app.state.regions == (A,) and job_names(app).count(name) == 1, 30,
                       "one region again")
        assert "region" not in [c.key for c in table.columns_spec]
        assert {r.resource.region for r in table.all_rows} == {A}
