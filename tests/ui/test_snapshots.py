"""Pixel snapshots (pytest-textual-snapshot) of the job grid, a host, a log and the help, at
80x24 and 160x48, in the dark and the light theme.

The screens are fed synthetic data on a frozen clock (time-machine, without ticking: every
"elapsed", "ago" and sparkline is the same on every run), with no refresh worker and no demo
server, so the SVGs are exact. The overview panes, endpoint, instances and pipeline
execution screens are snapshotted the same way in ``test_snapshots_resources.py``.
Update the SVGs after a deliberate change with ``pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.harness import Harness, frozen_utc
from test_job_screens import make_state

from tui.model.catalog import Kind
from tui.model.detail import LogRequest
from tui.model.logs import LogLine
from tui.model.resources import Job, default_hosts
from tui.screens.help import HelpScreen
from tui.screens.host import HostScreen
from tui.screens.job import JobScreen
from tui.screens.logs import LogScreen

#: The frozen instant: an arbitrary whole hour (epoch seconds); only the snapshots show it.
FROZEN = 1_800_000_000 - 1_800_000_000 % 3600
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
THEMES = ("sagemon", "sagemon-light")


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    with frozen_utc(monkeypatch, FROZEN):
        yield


def job() -> Job:
    return Job(Kind.TRAINING_JOB, "bert", "InProgress", "us-east-1", secondary_status="Training",
               instance_type="ml.p4d.24xlarge", instance_count=16,
               hosts=default_hosts(Kind.TRAINING_JOB, "bert", 16), metric_definitions=["train:loss"],
               start_time=datetime.fromtimestamp(FROZEN - 7200, timezone.utc))


def log_screen(j: Job) -> LogScreen:
    request = LogRequest("us-east-1", "/aws/sagemaker/TrainingJobs", prefix="bert/")
    screen = LogScreen(request, kind=j.kind, job_name=j.name, label_width=8, title=j.name)
    lines = [LogLine(datetime.fromtimestamp(FROZEN - 600 + i * 7, timezone.utc), f"bert/algo-{1 + i % 4}-1700000000",
                     f"[1,{i % 4}]<stdout>: step {100 + i} loss={2.4 - i / 100:.3f} lr=3e-4")
             for i in range(60)]
    screen.show_logs(lines, None)
    return screen


def build(which: str, theme: str) -> Harness:
    j = job()
    state = make_state(j)
    if which == "job":
        return Harness(state, JobScreen(j), theme=theme)
    if which == "host":
        return Harness(state, HostScreen(j, "bert/algo-7", hosts=j.hosts, order=j.hosts), theme=theme)
    if which == "logs":
        return Harness(state, log_screen(j), theme=theme)
    return Harness(state, JobScreen(j), theme=theme, then=HelpScreen())


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("which", ["job", "host", "logs", "help"])
def test_snapshot(snap_compare, which, size, theme):
    async def settle(pilot):
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(build(which, theme), terminal_size=SIZES[size], run_before=settle)
