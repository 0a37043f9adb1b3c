"""End to end: hostile text from AWS in the real terminal (tmux), never interpreted.

An account built here (a moto server in this process, reached by the real ``sagemon-tui``
through ``--endpoint-url``) holds a failed training job whose FailureReason and log lines carry
a terminal title sequence, colour codes, Rich markup, a bell, a backspace and a right-to-left
override. On the real terminal: the job's header and log view show each control as a visible
symbol with its text, the pane's title is not changed by the log, nothing is styled by the
markup, and the layout holds.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest

from tests.tmux_driver import Tmux, available

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not available(), reason="tmux is not installed (make tools installs it)")]

SCRIPT = Path(sys.executable).parent / "sagemon-tui"
REGION = "eu-south-2"  # this module's account
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
TITLE = "\x1b]0;pwned-title\x07"
LINES = [
    f"epoch 1 {TITLE}after-title",
    "\x1b[31mred-alert\x1b[0m plain",
    "[bold red]not-bold[/] loss=[link=http://evil.example]click[/link]",
    "bell\x07here back\x08space del\x7fend",
    "rtl \u202eevil-bidi done",
    "Traceback (most recent call last): RuntimeError: CUDA error \x1b[1mboom\x1b[0m",
]


@pytest.fixture
def account(moto_url):
    from tui.demo import moto_ext

    was = moto_ext.is_installed()
    moto_ext.install()
    sm = boto3.client("sagemaker", endpoint_url=moto_url, region_name=REGION, **CREDS)
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION, **CREDS)
    name = f"hostile-{int(time.time()) % 100000}"
    now = int(time.time())
    sm.create_training_job(
        TrainingJobName=name, AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        RoleArn="arn:aws:iam::123456789012:role/ml", OutputDataConfig={"S3OutputPath": "s3://b/o"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    moto_ext.set_job_status("training", name, "InProgress", secondary_status="Training",
                            start_time=datetime.fromtimestamp(now - 1800, timezone.utc), region=REGION)
    moto_ext.set_job_status("training", name, "Failed", failure_reason=f"AlgorithmError: {TITLE}[bold]x[/] \x1b[31mOOM",
                            end_time=datetime.fromtimestamp(now - 300, timezone.utc), region=REGION)
    group, stream = "/aws/sagemaker/TrainingJobs", f"{name}/algo-1-{now - 1800}"
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
        {"timestamp": (now - 600 + i) * 1000, "message": m} for i, m in enumerate(LINES)])
    yield moto_url, name
    if not was:
        moto_ext.uninstall()


@pytest.fixture
def tui():
    if not SCRIPT.exists():
        pytest.skip(f"the sagemon-tui console script is not installed next to {sys.executable}")
    t = Tmux(140, 40)
    yield t
    t.stop()


def pane_title(t: Tmux) -> str:
    return subprocess.run(["tmux", "-L", t.socket, "display-message", "-p", "-t", t.session, "#{pane_title}"],
                          capture_output=True, text=True, timeout=10).stdout.strip()


def test_hostile_text_in_a_real_terminal_is_shown_not_obeyed(tui, account, tmp_path):
    url, job = account
    env = {**CREDS_ENV(tmp_path), "COLUMNS": str(tui.width), "LINES": str(tui.height)}
    tui.start([str(SCRIPT), "--endpoint-url", url, "--region", REGION], env=env)
    title_before = pane_title(tui)
    tui.wait_for("updated", timeout=60)
    tui.type(":jobs")
    tui.keys("Enter")
    tui.wait_for(job, timeout=30)
    tui.type(f"/{job}")
    tui.keys("Enter")
    tui.wait_for("(1 of 1)", timeout=10)
    time.sleep(0.5)
    tui.keys("Enter")
    tui.wait_for(f"sagemon › Jobs › {job}", timeout=30)
    screen = tui.wait_for("last error lines of its log", timeout=30)
    assert "␛]0;pwned-title␇[bold]x[/] ␛[31mOOM" in screen.replace("\n", "")  # the reason, literally
    tui.type("l")
    screen = tui.wait_for("after-title", timeout=30)
    for shown in ("␛]0;pwned-title␇after-title", "␛[31mred-alert␛[0m plain",
                  "[bold red]not-bold[/] loss=[link=http://evil.example]click[/link]",
                  "bell␇here back␈space del␡end", "rtl <U+202E>evil-bidi done", "␛[1mboom␛[0m"):
        assert shown in screen, (shown, screen)
    lines = screen.splitlines()
    assert len(lines) <= tui.height and all(len(line) <= tui.width for line in lines)
    assert pane_title(tui) == title_before and "pwned" not in pane_title(tui)
    assert "Traceback (most recent" in screen and "Traceback" not in screen.split("algo-1")[0]
    tui.type("q")
    assert tui.wait_exit(10)


def CREDS_ENV(tmp_path) -> dict[str, str]:  # noqa: N802 - a constant-like helper
    return {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
