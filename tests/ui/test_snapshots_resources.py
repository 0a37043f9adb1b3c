"""Pixel snapshots (pytest-textual-snapshot) of the overview's Endpoints and Jobs panes, an
endpoint, the endpoint's instances, one instance's GPUs and a pipeline execution, at 80x24 and 160x48, in the dark
and the light theme.

Nothing comes from the demo or a refresh worker: the inventory is built here from the
resource classes of :mod:`tui.model.resources`, and every series the screens ask for (the
overview's pane keys, each screen's ``detail_request``) is filled with values computed from
the series key and the minute (a CRC of the key, not Python's salted ``hash``), ending at a
clock frozen with time-machine without ticking. So every "ago", duration, sparkline and
chart is the same on every run. The endpoint and its instances get the enhanced-metrics read
the refresh layer would hand them (through :class:`~tests.harness.Harness`'s results).
Update the SVGs after a deliberate change with
``pytest tests/ui/test_snapshots_resources.py --snapshot-update``.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timezone

import pytest

from tests.harness import Harness, frozen_utc
from tui.model.catalog import Kind
from tui.model.detail import READ_ENHANCED, READ_STEPS, DetailResult
from tui.model.endpoint.enhanced import enhanced_info
from tui.model.kinds import Pane
from tui.model.plan import pane_keys
from tui.model.resources import (Endpoint, Inventory, Job, Pipeline, PipelineExecution, PipelineStep, Variant,
                                 default_hosts)
from tui.model.series import SeriesKey, SeriesStore
from tui.model.state import AppState
from tui.screens.endpoint import EndpointScreen
from tui.screens.endpoint_hosts import AcceleratorScreen, EndpointInstancesScreen
from tui.screens.overview import OverviewScreen
from tui.screens.pipeline import ExecutionScreen, PipelineScreen

#: The frozen instant: an arbitrary whole hour (epoch seconds); only the snapshots show it.
FROZEN = 1_800_000_000 - 1_800_000_000 % 3600
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
THEMES = ("sagemon", "sagemon-light")
REGION = "us-east-1"
WINDOW = 3600
POINTS = 60

#: Instances of the GPU endpoint's one variant, and each one's GPUs (AcceleratorId values).
INSTANCES = ("i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2")
GPUS = ("GPU0", "GPU1", "GPU2", "GPU3")


def at(seconds_ago: int) -> datetime:
    return datetime.fromtimestamp(FROZEN - seconds_ago, timezone.utc)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    with frozen_utc(monkeypatch, FROZEN):
        yield


# -- synthetic inventory and series ------------------------------------------------------------

def inventory() -> Inventory:
    vision = Endpoint("vision-gpu", "InService", REGION, config_name="vision-gpu-config",
                      creation_time=at(9 * 86400), last_modified=at(86400), enhanced_metrics=True,
                      metric_publish_frequency=60,
                      variants=[Variant("AllTraffic", "ml.g5.12xlarge", 2, 2, 1.0, 1.0)])
    split = Endpoint("ranker-ab", "InService", REGION, config_name="ranker-ab-config", creation_time=at(3 * 86400),
                     variants=[Variant("blue", "ml.c5.xlarge", 2, 2, 0.8, 0.8),
                               Variant("green", "ml.c5.xlarge", 1, 1, 0.2, 0.2)])
    updating = Endpoint("churn", "Updating", REGION, config_name="churn-config", creation_time=at(40 * 86400),
                        variants=[Variant("AllTraffic", "ml.m5.large", 1, 2, 1.0, 1.0)])
    failed = Endpoint("fraud-v2", "Failed", REGION, creation_time=at(2 * 3600),
                      failure_reason="The primary container did not pass the ping health check.",
                      variants=[Variant("AllTraffic", "ml.m5.xlarge", 0, 1, 1.0, 1.0)])
    serverless = Endpoint("tagger", "InService", REGION, creation_time=at(12 * 86400),
                          variants=[Variant("AllTraffic", serverless_memory_mb=2048, serverless_max_concurrency=5)])
    jobs = [
        Job(Kind.TRAINING_JOB, "bert", "InProgress", REGION, secondary_status="Training",
            instance_type="ml.p4d.24xlarge", instance_count=4, hosts=default_hosts(Kind.TRAINING_JOB, "bert", 4),
            start_time=at(7200), creation_time=at(7500)),
        Job(Kind.PROCESSING_JOB, "features", "InProgress", REGION, instance_type="ml.m5.4xlarge", instance_count=2,
            hosts=default_hosts(Kind.PROCESSING_JOB, "features", 2), start_time=at(1800), creation_time=at(1900)),
        Job(Kind.TRAINING_JOB, "resnet", "Failed", REGION, secondary_status="Failed",
            instance_type="ml.g5.2xlarge", instance_count=1, hosts=default_hosts(Kind.TRAINING_JOB, "resnet", 1),
            start_time=at(3000), end_time=at(1200), creation_time=at(3100),
            failure_reason="AlgorithmError: CUDA out of memory"),
        Job(Kind.TRANSFORM_JOB, "score", "Completed", REGION, instance_type="ml.c5.4xlarge", instance_count=1,
            start_time=at(2400), end_time=at(600), creation_time=at(2500)),
    ]
    return Inventory(endpoints=[vision, split, updating, failed, serverless], jobs=jobs,
                     pipelines=[pipeline()], fetched_at=at(20))


def steps() -> list[PipelineStep]:
    return [
        PipelineStep("Preprocess", "Succeeded", "Processing", at(3000), at(2400)),
        PipelineStep("Train", "Succeeded", "Training", at(2400), at(900)),
        PipelineStep("Evaluate", "Failed", "Processing", at(900), at(300),
                     failure_reason="ClientError: the accuracy 0.71 is under the 0.80 threshold"),
        PipelineStep("Register", "NotStarted", "RegisterModel"),
    ]


def pipeline() -> Pipeline:
    arn = "arn:aws:sagemaker:us-east-1:111122223333:pipeline/retrain"
    executions = [
        PipelineExecution(f"{arn}/execution/abcdef123456", "Failed", "nightly-retrain", at(3000), at(300),
                          failure_reason="Step failure: Evaluate"),
        PipelineExecution(f"{arn}/execution/bcdefa234561", "Succeeded", "weekly-retrain", at(3500), at(3100)),
    ]
    return Pipeline("retrain", REGION, arn, "Active", at(30 * 86400), at(3000), executions)


#: Typical size of each metric, by a part of its name (first match); counts are sparse.
SIZES_BY_NAME = (("Latency", 42_000.0), ("5XX", 3.0), ("4XX", 6.0), ("Invocations", 900.0), ("Utilization", 55.0),
                 ("Duration", 540_000.0), ("ColdStart", 0.0))
COUNTS = ("Started", "Succeeded", "Failed", "Stopped")


def value(key: SeriesKey, i: int) -> float:
    """The value of ``key`` at minute ``i`` (0: the oldest): a function of the key and the minute."""
    seed = zlib.crc32(f"{key.metric}|{key.dimensions}|{key.stat}".encode())
    if any(word in key.metric for word in COUNTS):
        return 1.0 if (i + seed) % 15 == 0 else 0.0
    size = next((v for part, v in SIZES_BY_NAME if part in key.metric), 12.0)
    if key.stat.startswith("p") and key.stat[1:].replace(".", "").isdigit():
        size *= 1 + float(key.stat[1:]) / 100  # p50 < p90 < p99
    if key.dim("AcceleratorId") == GPUS[2] and key.dim("InstanceId") == INSTANCES[1]:
        return 96.0 + i % 3  # a hot GPU
    wobble = ((seed >> 4) + 7 * i) % 23 / 22
    return round(size * (0.7 + 0.6 * wobble), 3)


def fill(store: SeriesStore, keys) -> None:
    ts = [FROZEN - (POINTS - i) * 60 for i in range(POINTS)]
    for key in keys:
        series = store.ensure(key, 60)
        if not series.points:
            series.merge(ts, [value(key, i) for i in range(POINTS)])


def make_state() -> AppState:
    inv = inventory()
    store = SeriesStore(WINDOW)
    for pane in (Pane.ENDPOINTS, Pane.JOBS, Pane.PIPELINES):
        fill(store, pane_keys(pane, inv, at(0), WINDOW))
    return AppState(window="1h", regions=(REGION,), inventory=inv, store=store, loaded=True,
                    started_at=FROZEN - 600, last_success=FROZEN - 20, refreshes=10, refresh_interval=60.0)


def enhanced_result(ep: Endpoint, owner: str) -> DetailResult:
    read = (READ_ENHANCED, ep.region, ep.name)
    data = {"variants": {"AllTraffic": list(INSTANCES)}, "accelerators": {i: list(GPUS) for i in INSTANCES},
            "containers": [], "metrics": {}}
    return DetailResult(owner, reads={read: data})


def build(which: str, theme: str) -> Harness:
    """The harness showing ``which``; a deeper screen is pushed on the one it is opened from,
    so its breadcrumb is the app's."""
    state = make_state()
    inv = state.inventory
    if which in ("endpoints", "jobs"):
        return Harness(state, OverviewScreen(state, Pane(which)), theme=theme)
    if which in ("endpoint", "instances"):
        ep = inv.endpoints[0]
        first = EndpointScreen(ep, state=state)
        then = EndpointInstancesScreen(ep, info=enhanced_info(ep, enhanced_result(ep, "probe")), state=state)
        screens = [first, then] if which == "instances" else [first]
        results = [enhanced_result(ep, s.detail_request().owner) for s in screens]
    elif which == "gpus":  # the hot GPU's instance, opened from the instances grid
        ep = inv.endpoints[0]
        info = enhanced_info(ep, enhanced_result(ep, "probe"))
        screens = [EndpointInstancesScreen(ep, info=info, state=state),
                   AcceleratorScreen(ep, "AllTraffic", INSTANCES[1], info=info, state=state)]
        results = [enhanced_result(ep, s.detail_request().owner) for s in screens]
    else:
        p = inv.pipelines[0]
        ex = p.executions[0]
        screens = [PipelineScreen(p, state=state), ExecutionScreen(p, ex, state=state, steps=steps())]
        owner = screens[1].detail_request().owner
        results = [DetailResult(owner, reads={(READ_STEPS, REGION, ex.arn): steps()})]
    for screen in screens:
        fill(state.store, screen.detail_request().keys)
    return Harness(state, screens[0], theme=theme, then=screens[1] if len(screens) > 1 else None,
                   results={r.owner: r for r in results})


SCREENS = ["endpoints", "jobs", "endpoint", "instances", "gpus", "execution"]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("which", SCREENS)
def test_snapshot(snap_compare, which, size, theme):
    async def settle(pilot):
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(build(which, theme), terminal_size=SIZES[size], run_before=settle)
