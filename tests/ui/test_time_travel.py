"""Time travel: ``T`` moves the whole app to a past moment CloudWatch still keeps.

The pure rules (:mod:`tui.model.time_travel`) against a clock passed in: the moments a person
types, the periods CloudWatch keeps at each age, stepping, and what the overview lists at a
moment. Then the real app (Pilot) on an account built here on a moto server: a training job
that ended 2 days ago and one that ended 20 days ago, each with its hosts' metrics, and an
endpoint created just now. Travelling to 2 days back lists the job as running then, reads its
series at the period CloudWatch keeps for that age (equal to a plain boto3 query at that period),
says "not yet" of the endpoint, shows the PAST marker and holds the live refresh; 20 days back
the same job list reads 300-second points; the job's screen opens on its own span; ``T`` and Esc
return to live. Every time is derived from ``time.time()``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from tests.local_aws import boto3_points, extended_moto_server
from tui.demo import moto_ext

from tests.pilot import screen_text, wait_for
from tui.model.catalog import Kind
from tui.model.kinds import Pane
from tui.model.plan import job_host_key
from tui.model.resources import Endpoint, Inventory, Job
from tui.model.series import SeriesStore
from tui.model.state import AppState
from tui.model.time_travel import (NOT_YET, OLDEST, MomentError, kept_period, moment_label, moment_span,
                                   parse_moment, rows_at, step_moment)

DAY = 86400


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


def minute(ts: float) -> int:
    return int(ts) - int(ts) % 60


# -- the moments a person types -------------------------------------------------------------------

@pytest.mark.parametrize("text, back", [("-2d", 2 * DAY), ("-36h", 36 * 3600), ("-1d6h", 30 * 3600),
                                        ("90m", 90 * 60), ("2d ago", 2 * DAY), ("- 3w", 21 * DAY),
                                        ("-13mo", 390 * DAY)])
def test_relative_moments_count_back_from_the_clock_given(text, back):
    now = time.time()
    assert parse_moment(text, now) == minute(now - back)


def test_wall_clock_moments_are_read_in_the_zone_given_or_in_utc_when_typed_so():
    now = time.time()
    then = utc(now - 3 * DAY)
    expected = minute(then.timestamp())
    typed = then.strftime("%Y-%m-%d %H:%M")
    assert parse_moment(f"{typed} UTC", now) == expected
    assert parse_moment(f"{then.strftime('%Y-%m-%dT%H:%M')}Z", now) == expected
    assert parse_moment(typed, now, tz=timezone.utc) == expected
    east = timezone(timedelta(hours=5))
    local = datetime.fromtimestamp(now - 3 * DAY, east).strftime("%Y-%m-%d %H:%M")
    assert parse_moment(local, now, tz=east) == expected
    assert parse_moment(then.strftime("%Y-%m-%d"), now, tz=timezone.utc) == int(
        datetime(then.year, then.month, then.day, tzinfo=timezone.utc).timestamp())


def test_a_time_of_day_is_the_last_one_and_yesterday_one_day_before():
    now = time.time()
    past, coming = utc(now - 2 * 3600), utc(now + 2 * 3600)
    assert parse_moment(past.strftime("%H:%M"), now, tz=timezone.utc) == minute(past.timestamp())
    # a time of day still to come today is last night's
    assert parse_moment(coming.strftime("%H:%M"), now, tz=timezone.utc) == minute(coming.timestamp() - DAY)
    # "yesterday" is the calendar day before today's, whatever the time of day now (also just
    # after midnight, when two hours ago was already yesterday)
    before = (utc(now) - timedelta(days=1)).date()
    for when in (past, coming):
        expected = datetime(before.year, before.month, before.day, when.hour, when.minute, tzinfo=timezone.utc)
        assert parse_moment("yesterday " + when.strftime("%H:%M"), now, tz=timezone.utc) == int(expected.timestamp())


@pytest.mark.parametrize("text, says", [("", "type a moment"), ("soon", "cannot read"),
                                        ("-20s", "not in the past"), ("-500d", "15 months"),
                                        ("{year}-13-01", "cannot read")])
def test_moments_that_cannot_be_read_or_are_not_kept_say_why(text, says):
    now = time.time()
    with pytest.raises(MomentError, match=says):
        parse_moment(text.format(year=utc(now).year - 1), now)


def test_a_future_date_is_refused():
    now = time.time()
    with pytest.raises(MomentError, match="not in the past"):
        parse_moment(utc(now + DAY).strftime("%Y-%m-%d %H:%M") + " UTC", now)


@pytest.mark.parametrize("age, period", [(3600, 60), (2 * DAY, 60), (15 * DAY, 60), (20 * DAY, 300),
                                         (63 * DAY, 300), (100 * DAY, 3600), (450 * DAY, 3600)])
def test_the_period_kept_at_each_age_is_the_one_the_metric_engine_chooses(age, period):
    from tui.aws.metrics import choose_period

    assert kept_period(age) == period == choose_period(age, time.time())


def test_stepping_moves_by_the_window_and_forward_past_now_is_live():
    now = time.time()
    window = 3 * 3600
    back = step_moment(None, window, -1, now)
    assert back == minute(now) - window
    assert step_moment(back, window, -1, now) == back - window
    assert step_moment(back - window, window, 1, now) == back
    assert step_moment(back, window, 1, now) is None  # forward reaches now: live
    assert step_moment(None, window, 1, now) is None
    oldest = step_moment(int(now) - OLDEST + 2 * window, window, -1, now)
    assert now - (oldest - window) <= OLDEST  # never past what CloudWatch keeps
    assert step_moment(oldest, window, -1, now) == oldest


def test_the_label_names_the_moment_and_its_age():
    now = time.time()
    at = minute(now - 2 * DAY)
    assert moment_label(at, now, tz=timezone.utc) == f"{utc(at).strftime('%Y-%m-%d %H:%M')} UTC (2d ago)"
    assert moment_label(at, at + 5 * 60 + 7, tz=timezone.utc).endswith("UTC (5m ago)")


# -- what the overview lists at a moment -----------------------------------------------------------

def job(name: str, start: float, end: float | None, status: str = "Completed") -> Job:
    return Job(Kind.TRAINING_JOB, name, status, "us-east-1", creation_time=utc(start - 60), start_time=utc(start),
               end_time=utc(end) if end is not None else None, hosts=[f"{name}/algo-1"])


def test_jobs_that_ran_in_the_window_are_listed_as_they_were_then():
    now = time.time()
    at, window = minute(now - 2 * DAY), 3 * 3600
    inv = Inventory(jobs=[
        job("before", at - 10 * 3600, at - 5 * 3600),           # ended before the window
        job("inside", at - 4 * 3600, at - 2 * 3600),            # ended inside it
        job("across", at - 3600, at + 3600, "Failed"),          # running at the moment, failed later
        job("after", at + 600, at + 7200),                      # started after the moment
        job("still", at - 600, None, "InProgress"),             # running then and now
    ])
    rows = rows_at(Pane.JOBS, inv, SeriesStore(window), int(now), at)
    by_name = {r.name: r for r in rows}
    assert set(by_name) == {"inside", "across", "still"}
    assert by_name["across"].cells["status"].text == "InProgress"  # it had not failed yet
    assert "failed" not in by_name["across"].cells["health"].text
    assert by_name["inside"].cells["status"].text == "Completed"
    assert by_name["across"].cells["duration"].text == "1h 00m"  # run time at the moment
    # live, every job is listed as it is
    assert {r.name for r in rows_at(Pane.JOBS, inv, SeriesStore(window), int(now), None)} == \
        {"before", "inside", "across", "after", "still"}


def test_resources_created_after_the_moment_say_not_yet():
    now = time.time()
    at = minute(now - 2 * DAY)
    inv = Inventory(endpoints=[Endpoint("old-ep", "InService", creation_time=utc(at - DAY)),
                               Endpoint("new-ep", "InService", creation_time=utc(at + 3600))])
    rows = {r.name: r for r in rows_at(Pane.ENDPOINTS, inv, SeriesStore(3600), int(now), at)}
    assert rows["old-ep"].cells["status"].text == "InService"
    assert rows["new-ep"].cells["status"].text == NOT_YET


def test_a_jobs_own_span_runs_from_its_start_to_its_end_or_now():
    now = time.time()
    start, end = now - 2 * DAY - 7200, now - 2 * DAY
    assert moment_span(job("j", start, end), now) == (minute(start), minute(end) + 60)
    assert moment_span(job("k", start, None, "InProgress"), now) == (minute(start), minute(now) + 60)


def test_the_status_bar_says_the_view_is_historical_and_live_refresh_paused():
    from tui.widgets.status_bar import status_text

    now = time.time()
    state = AppState(window="3h", account="123456789012", regions=("us-east-1",))
    state.at = minute(now - 2 * DAY)
    for width in (160, 80):
        line = status_text(state, seconds_left=30.0, frame=0, width=width, now=now).plain
        assert f"PAST {moment_label(state.at, now)}" in line
        assert "next" not in line
    assert "live paused" in status_text(state, seconds_left=30.0, frame=0, width=160, now=now).plain
    state.at = None
    assert "PAST" not in status_text(state, seconds_left=30.0, frame=0, width=160, now=now).plain


# -- the app, on an account built here ------------------------------------------------------------

REGION = "eu-south-1"  # this module's account: nothing else in the test process uses it
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/ml"


@pytest.fixture(scope="module")
def account():
    with extended_moto_server() as url:
        session = boto3.Session(region_name=REGION, **CREDS)
        sm, cw = (session.client(s, endpoint_url=url) for s in ("sagemaker", "cloudwatch"))
        now = minute(time.time())
        uid = f"{now % 100000:05d}"
        jobs = {}
        for label, days in (("two", 2), ("twenty", 20)):
            name = f"tt-{label}-days-{uid}"
            # ran from 2 hours before the moment to 30 minutes after it
            start, end = now - days * DAY - 2 * 3600, now - days * DAY + 1800
            sm.create_training_job(
                TrainingJobName=name, AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
                RoleArn=ROLE, OutputDataConfig={"S3OutputPath": "s3://b/o"},
                ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50},
                StoppingCondition={"MaxRuntimeInSeconds": 86400})
            moto_ext.set_job_status("training", name, "InProgress", secondary_status="Training", start_time=utc(start),
                                    region=REGION)
            moto_ext.set_job_status("training", name, "Completed", end_time=utc(end), region=REGION)
            minutes = list(range(start, end + 1, 60))
            for k in (1, 2):
                for metric, base in (("CPUUtilization", 100.0 * k), ("MemoryUtilization", 30.0 + k)):
                    data = [{"MetricName": metric, "Dimensions": [{"Name": "Host", "Value": f"{name}/algo-{k}"}],
                             "Timestamp": utc(t), "Value": base + i % 7, "Unit": "Percent"} for i, t in enumerate(minutes)]
                    for i in range(0, len(data), 500):
                        cw.put_metric_data(Namespace="/aws/sagemaker/TrainingJobs", MetricData=data[i:i + 500])
            jobs[days] = {"name": name, "start": start, "end": end}
        endpoint = f"tt-new-ep-{uid}"  # created now: it did not exist two days ago
        sm.create_model(ModelName=endpoint, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
        sm.create_endpoint_config(EndpointConfigName=endpoint, ProductionVariants=[{
            "VariantName": "v1", "ModelName": endpoint, "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
        sm.create_endpoint(EndpointName=endpoint, EndpointConfigName=endpoint)
        yield {"url": url, "cw": cw, "jobs": jobs, "endpoint": endpoint}


def make_app(url: str, refresh: int = 2):
    from tui.app import SagemonApp
    from tui.aws.session import AwsClients, AwsSettings
    from tui.cli import Options
    from tui.refresh import Connection

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=url, credentials=CREDS, max_attempts=1))
    return SagemonApp(Options(refresh=refresh), connection=Connection(clients, "test", "123456789012", (REGION,)))


async def travel(app, pilot, text: str) -> None:
    from tui.screens.moment_prompt import MomentPrompt

    await pilot.press("T")
    await wait_for(pilot, lambda: isinstance(app.screen, MomentPrompt), 10, "the moment prompt")
    await pilot.press(*("minus" if c == "-" else c for c in text), "enter")
    await wait_for(pilot, lambda: app.state.at is not None, 10, "the moment taken")


def job_row(app, name: str):
    return next((r for r in app.overview.table(Pane.JOBS).all_rows if r.name == name), None)


async def test_time_travel_to_a_job_two_days_back_then_twenty_then_live(account):
    from tui.screens.job import JobScreen

    two, twenty = account["jobs"][2], account["jobs"][20]
    app = make_app(account["url"])
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and any(
            j.name == two["name"] for j in app.state.inventory.jobs), 60, "first refresh")
        await pilot.press("3")
        await wait_for(pilot, lambda: job_row(app, two["name"]) is not None, 10, "the jobs pane, live")
        assert job_row(app, two["name"]).cells["status"].text == "Completed"

        # T -2d: the job ran then, read at the period CloudWatch keeps 2 days back
        requests = []  # what each refresh is asked for (the scheduler's own builder, recorded)
        built = app.scheduler.visible
        app.scheduler.visible = lambda: requests.append(built()) or requests[-1]
        await travel(app, pilot, "-2d")
        at = app.state.at
        assert requests and requests[-1].at == at  # the refresh travel asked for reads the moment
        live_store = app._live_store  # the live series, kept aside
        assert live_store is not None and abs(at - (time.time() - 2 * DAY)) < 120
        key = job_host_key(next(j for j in app.state.inventory.jobs if j.name == two["name"]), "CPUUtilization",
                           f"{two['name']}/algo-2")
        await wait_for(pilot, lambda: app.state.store is not live_store and app.state.store.get(key) is not None,
                       60, "the past moment's series")
        window = app.state.store.window
        series = app.state.store.get(key)
        assert series.period == kept_period(time.time() - (at - window)) == 60
        expected = boto3_points(account["cw"], key, at - window - (at - window) % 60, at + 60, 60)
        assert series.points and {t: v for t, v in series.points.items() if t in expected} == expected
        assert max(series.points) <= at + 60 and min(series.points) >= at - window - 60
        await wait_for(pilot, lambda: job_row(app, two["name"]) is not None
                       and job_row(app, two["name"]).cells["cpu"].text != "–", 30, "the job's row at the moment")
        row = job_row(app, two["name"])
        assert row.cells["status"].text == "InProgress"  # it ended 30 minutes after the moment
        assert job_row(app, twenty["name"]) is None  # it ran 18 days before

        # the marker, on every screen, and the live refresh held
        text = screen_text(app)
        assert f"PAST {moment_label(at, time.time())}"[:22] in text and "live paused" in text
        assert app.scheduler.paused
        refreshes = app.state.refreshes
        requests.clear()
        await pilot.pause(5)  # two and a half live intervals: no live refresh
        assert app.state.refreshes <= refreshes + 1
        assert all(r.at == at for r in requests)  # any refresh since reads the moment

        # the endpoint created just now did not exist then
        await pilot.press("1")
        await wait_for(pilot, lambda: any(r.name == account["endpoint"] and r.cells["status"].text == NOT_YET
                                          for r in app.overview.table(Pane.ENDPOINTS).all_rows), 20, "not yet")

        # the job's screen opens on its own span
        await pilot.press("3", "slash", *two["name"], "enter")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobScreen), 15, "the job screen")
        screen = app.screen
        assert app.detail_request.span == (two["start"], two["end"] + 60)
        host = f"{two['name']}/algo-2"
        await wait_for(pilot, lambda: screen.table is not None and screen.table.row(host) is not None
                       and screen.table.row(host).last_seen == two["end"], 60, "the job's own span")
        assert "its own span:" in screen_text(app) and "PAST" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.overview, 10, "back to the overview")
        await pilot.press("escape")  # Esc clears the filter first, and stays in the past
        await wait_for(pilot, lambda: not app.overview.table().filter_text, 10, "the filter cleared")
        assert app.state.at is not None

        # T: live again, at once with the live series; then T -20d: 300-second points
        refreshes = app.state.refreshes
        await pilot.press("T")
        await wait_for(pilot, lambda: app.state.at is None, 10, "live")
        assert app.state.store is live_store or app.state.refreshes > refreshes  # (or newer live series)
        assert not app.scheduler.paused and app.state.store.get(key) is None
        assert "PAST" not in screen_text(app)
        await travel(app, pilot, "-20d")
        at = app.state.at
        key = job_host_key(next(j for j in app.state.inventory.jobs if j.name == twenty["name"]), "CPUUtilization",
                           f"{twenty['name']}/algo-1")
        await wait_for(pilot, lambda: app.state.store.get(key) is not None, 60, "20 days back")
        window = app.state.store.window
        series = app.state.store.get(key)
        assert series.period == 300
        first = at - window - (at - window) % 300
        expected = boto3_points(account["cw"], key, first, at - at % 300 + 300, 300)
        assert series.points and {t: v for t, v in series.points.items() if t in expected} == expected
        await wait_for(pilot, lambda: job_row(app, twenty["name"]) is not None, 30, "the job 20 days back")
        assert job_row(app, two["name"]) is None

        # [ steps a window back, ] forward; Esc on the overview: live
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.state.at == at - window, 10, "a window back")
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.state.at == at, 10, "a window forward")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.state.at is None, 10, "live after Esc")
        assert app.state.store.get(key) is None  # the live series, not the past's
        await wait_for(pilot, lambda: app.state.refreshes > refreshes + 2, 30, "live refreshing again")
        assert "PAST" not in screen_text(app)
        assert job_row(app, two["name"]).cells["status"].text == "Completed"


async def test_the_palette_travels_and_comes_back(account):
    from textual.command import CommandPalette

    from tui.screens.moment_prompt import MomentPrompt

    app = make_app(account["url"], refresh=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 60, "first refresh")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "the palette")
        await pilot.press(*"time travel")
        await wait_for(pilot, lambda: "Time travel: a past moment (T)" in screen_text(app), 10, "the command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MomentPrompt), 10, "the moment prompt")
        await pilot.press(*"1d", "enter")
        await wait_for(pilot, lambda: app.state.at is not None and "PAST" in screen_text(app), 10, "a day back")
        assert abs(app.state.at - (time.time() - DAY)) < 120
        # a moment that cannot be read keeps the prompt open and says why
        await pilot.press("T")
        await wait_for(pilot, lambda: app.state.at is None, 10, "live")
        await pilot.press("T", *"-600d", "enter")
        await wait_for(pilot, lambda: "15 months" in screen_text(app), 10, "the reason")
        assert isinstance(app.screen, MomentPrompt) and app.state.at is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.overview, 10, "cancelled")
        assert app.state.at is None
