"""Jobs that have ended, in an account built here (not the demo fleet), through the real app.

The account (a region of its own on a moto server) holds a one-host training job on a
g4dn that failed 20 minutes ago with a CUDA error at the end of its log, and a two-host
processing job that finished two days ago. Its screens must show what CloudWatch and
CloudWatch Logs hold for it, anchored at its end, or say precisely why not:

* the failed job's host grid shows its last minutes (equal to a plain boto3 query), its header
  says when it ended and quotes the error lines of its log next to the FailureReason;
* its log screen opens at the end of the log (the failure on screen), says it is not followed,
  and ``g`` reads it from its first line;
* the job that ended two days ago says it ended before the window.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import boto3
import pytest

from tests.local_aws import extended_moto_server
from tui.demo import moto_ext

from tests.pilot import screen_text, wait_for
from tui.model.catalog import Kind
from tui.model.format import format_age
from tui.model.plan import job_host_key

REGION = "eu-north-1"  # this module's account: nothing else in the test process uses it
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = "arn:aws:iam::123456789012:role/ml"
OOM = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB."


@pytest.fixture(scope="module")
def account():
    """A small account: what it holds, and the moto server's URL."""
    with extended_moto_server() as url:
        session = boto3.Session(region_name=REGION, **CREDS)
        sm, cw, logs = (session.client(s, endpoint_url=url) for s in ("sagemaker", "cloudwatch", "logs"))
        now = int(time.time()) // 60 * 60
        uid = f"{now % 100000:05d}"
        failed, old = f"qa-lora-{uid}", f"nightly-prep-{uid}"
        failed_start, failed_end = now - 110 * 60, now - 20 * 60
        old_end = now - 2 * 86400

        sm.create_training_job(
            TrainingJobName=failed, AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
            RoleArn=ROLE, OutputDataConfig={"S3OutputPath": "s3://b/o"},
            ResourceConfig={"InstanceType": "ml.g4dn.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 86400})
        moto_ext.set_job_status("training", failed, "InProgress", secondary_status="Training",
                                start_time=datetime.fromtimestamp(failed_start, timezone.utc), region=REGION)
        moto_ext.set_job_status("training", failed, "Failed", failure_reason=f"AlgorithmError: {OOM}",
                                end_time=datetime.fromtimestamp(failed_end, timezone.utc), region=REGION)
        sm.create_processing_job(
            ProcessingJobName=old, RoleArn=ROLE, AppSpecification={"ImageUri": "img"},
            ProcessingResources={"ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge",
                                                   "VolumeSizeInGB": 30}})
        moto_ext.set_job_status("processing", old, "InProgress",
                                start_time=datetime.fromtimestamp(old_end - 3600, timezone.utc), region=REGION)
        moto_ext.set_job_status("processing", old, "Completed",
                                end_time=datetime.fromtimestamp(old_end, timezone.utc), region=REGION)

        # the failed job's host metrics, one point a minute from its start to its end
        minutes = list(range(failed_start, failed_end + 1, 60))
        host = f"{failed}/algo-1"
        for name, values in (("CPUUtilization", [180.0 + i % 7 for i in range(len(minutes))]),
                             ("GPUUtilization", [96.0 - i % 3 for i in range(len(minutes))]),
                             ("MemoryUtilization", [55.0] * len(minutes)),
                             ("DiskUtilization", [31.0] * len(minutes)),
                             ("GPUMemoryUtilization", [88.0 + i % 5 for i in range(len(minutes))])):
            data = [{"MetricName": name, "Dimensions": [{"Name": "Host", "Value": host}],
                     "Timestamp": datetime.fromtimestamp(t, timezone.utc), "Value": v, "Unit": "Percent"}
                    for t, v in zip(minutes, values)]
            for i in range(0, len(data), 500):
                cw.put_metric_data(Namespace="/aws/sagemaker/TrainingJobs", MetricData=data[i:i + 500])

        # its log: a step a minute, then the failure
        group, stream = "/aws/sagemaker/TrainingJobs", f"{failed}/algo-1-{failed_start}"
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        events = [{"timestamp": t * 1000, "message": f"step {i} train_loss={2.0 - i / 100:.2f}"}
                  for i, t in enumerate(minutes[:-1])]
        events += [{"timestamp": failed_end * 1000 - 2000, "message": "Traceback (most recent call last):"},
                   {"timestamp": failed_end * 1000 - 1000, "message": OOM}]
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        # the old job's hosts: an hour of CPU and memory up to its end, two days ago
        old_minutes = list(range(old_end - 3600, old_end + 1, 60))
        for k in (1, 2):
            for name, value in (("CPUUtilization", 300.0 + 10 * k), ("MemoryUtilization", 40.0 + k)):
                cw.put_metric_data(Namespace="/aws/sagemaker/ProcessingJobs", MetricData=[
                    {"MetricName": name, "Dimensions": [{"Name": "Host", "Value": f"{old}/algo-{k}"}],
                     "Timestamp": datetime.fromtimestamp(t, timezone.utc), "Value": value, "Unit": "Percent"}
                    for t in old_minutes])
        yield {"url": url, "cw": cw, "failed": failed, "old": old, "failed_end": failed_end, "host": host,
               "first_line": events[0]["message"], "lines": len(events), "old_end": old_end}


def make_app(url: str):
    from tui.app import SagemonApp
    from tui.aws.session import AwsClients, AwsSettings
    from tui.cli import Options
    from tui.refresh import Connection

    clients = AwsClients(AwsSettings(regions=(REGION,), endpoint_url=url, credentials=CREDS, max_attempts=1))
    return SagemonApp(Options(refresh=60), connection=Connection(clients, "test", "123456789012", (REGION,)))


def boto3_value(cw, key, at: int) -> float | None:
    resp = cw.get_metric_data(MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
        "Namespace": key.namespace, "MetricName": key.metric,
        "Dimensions": [{"Name": n, "Value": v} for n, v in key.dimensions]}, "Period": 60, "Stat": key.stat}}],
        StartTime=datetime.fromtimestamp(at, timezone.utc), EndTime=datetime.fromtimestamp(at + 60, timezone.utc))
    values = resp["MetricDataResults"][0]["Values"]
    return values[0] if values else None


async def open_job(app, pilot, name: str):
    from tui.screens.job import JobScreen

    await pilot.press("colon", *"jobs", "enter", "slash", *name, "enter")
    await pilot.pause()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, JobScreen), 15, f"the job screen of {name}")
    return app.screen


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_a_failed_job_shows_its_last_minutes_its_error_lines_and_its_log_end(account, size):
    from tui.screens.logs import LogScreen
    from tui.widgets.host_grid import HostGrid
    from tui.widgets.log_view import LogView

    app = make_app(account["url"])
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 60, "first refresh")
        screen = await open_job(app, pilot, account["failed"])
        job = screen.job
        assert job.status == "Failed" and job.kind is Kind.TRAINING_JOB
        host = account["host"]
        await wait_for(pilot, lambda: screen.table is not None and screen.table.row(host) is not None
                       and screen.table.row(host).value("GPUUtilization") is not None, 60, "grid values")
        row = screen.table.row(host)
        # the grid reads up to the job's end: its last minute, as CloudWatch holds it
        assert row.last_seen == account["failed_end"]
        # per device: CloudWatch's sum over the g4dn.xlarge's 4 vCPUs and 1 GPU, as EC2 describes it
        facts = app.state.inventory.facts(job.instance_type)
        assert (facts.source, facts.vcpus, facts.gpus) == ("aws", 4, 1)
        for metric, devices in (("CPUUtilization", 4), ("GPUUtilization", 1), ("GPUMemoryUtilization", 1)):
            key = job_host_key(job, metric, host)
            cloudwatch = boto3_value(account["cw"], key, account["failed_end"])
            assert row.value(metric) == pytest.approx(cloudwatch / devices)
        grid = screen.query_one(HostGrid)
        assert grid.get_cell(host, "GPUUtilization").plain.split()[0] != "–"
        # the header: when it ended, and the log's error lines next to the reason
        await wait_for(pilot, lambda: screen.error_lines, 30, "error lines from the log")
        assert screen.error_lines[-1] == f"algo-1 │ {OOM}"
        # the header grew by the error lines: read it once it is laid out again
        await wait_for(pilot, lambda: "its last minutes" in screen_text(app), 10, "the header laid out")
        text = screen_text(app)
        ages = {f"ended {format_age(account['failed_end'], t)} ago" for t in (time.time(), time.time() - 60)}
        assert any(a in text for a in ages) and "✖ failed:" in text and "its last minutes" in text, text
        assert "last error lines of its log" in text and "CUDA out of memory" in text.split("last error lines")[1]
        assert "no host metrics" not in text

        # l: the log opens at its end, not followed; g reads from the first line
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen), 10, "log screen")
        logs = app.screen
        view = logs.query_one(LogView)
        await wait_for(pilot, lambda: any("CUDA out of memory" in x for x in view.plain_lines), 30, "the failure")
        assert view.plain_lines[-1].endswith(OOM)
        assert len(view.plain_lines) < account["lines"]  # the last hour before the end, not all of it
        status = logs.status_text().plain
        assert "ended: no more lines will come" in status and "following" not in status
        await pilot.press("g")
        await wait_for(pilot, lambda: view.plain_lines and view.plain_lines[0].endswith(account["first_line"]),
                       30, "the log from its first line")
        await wait_for(pilot, lambda: len(view.plain_lines) == account["lines"], 30, "the whole log")
        assert "from its first line" in logs.status_text().plain
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, 10, "back to the job")


async def test_a_job_that_ended_two_days_ago_says_why_its_grid_is_empty(account):
    app = make_app(account["url"])
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 60, "first refresh")
        if not any(j.name == account["old"] for j in app.state.inventory.jobs):
            pytest.fail("a job that ended two days ago is not listed in the Jobs pane")
        screen = await open_job(app, pilot, account["old"])
        # it opens over its own span, read from CloudWatch; every host's last minute as CloudWatch holds it
        host = f"{account['old']}/algo-2"
        await wait_for(pilot, lambda: screen.table is not None and screen.table.row(host) is not None
                       and screen.table.row(host).value("CPUUtilization") is not None, 60, "the job's own span")
        job = screen.job
        vcpus = app.state.inventory.facts(job.instance_type).vcpus
        for metric, devices in (("CPUUtilization", vcpus), ("MemoryUtilization", 1)):
            key = job_host_key(job, metric, host)
            cloudwatch = boto3_value(account["cw"], key, account["old_end"])
            assert screen.table.row(host).value(metric) == pytest.approx(cloudwatch / devices)
        assert screen.table.row(host).last_seen == account["old_end"]
        assert "its own span:" in screen_text(app) and "no host metrics" not in screen_text(app)
        assert app.detail_request.span is not None and app.detail_request.span[1] > account["old_end"]
        # the host screen opened from here reads the same span
        from tui.screens.host import HostScreen
        from tui.widgets.host_grid import HostGrid

        screen.query_one(HostGrid).select_host(host)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HostScreen), 10, "host screen")
        await wait_for(pilot, lambda: app.screen.charts and any(
            v is not None for c in app.screen.charts for v in c.host), 60, "host charts over the span")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, 10, "back to the job")
        await pilot.press("a")  # the window instead: empty, and the note says why and how back
        await wait_for(pilot, lambda: "no host metrics" in screen_text(app), 30, "the window again")
        text = screen_text(app)
        assert "the job ended 2d ago" in text and "before the window (a: its own last 3h)" in text
        assert app.detail_request.span is None
        await pilot.press("a")  # its span again
        await wait_for(pilot, lambda: "its own span:" in screen_text(app), 30, "the span again")
        # w on a job screen watches the job
        await pilot.press("w")
        await wait_for(pilot, lambda: app.watch_book.is_watched(job.key), 10, "the watch")
