"""The pipeline and execution models: exact numbers from hand-built executions, steps and series."""

from __future__ import annotations

from datetime import datetime, timezone

from tui.model.detail import READ_EXECUTIONS, READ_STEPS, DetailResult
from tui.model.pipeline_detail import (
    PipelineDetailKeys, clock, execution_facts, execution_request, execution_rows, execution_runtime,
    executions_of, known_steps, pipeline_facts, pipeline_metric_rows, pipeline_request, step_keys, step_rows,
    step_reads_for, steps_of, timeline,
)
from tui.model.resources import Pipeline, PipelineExecution, PipelineStep
from tui.model.series import SeriesStore

NOW = 1_800_000_000 - 1_800_000_000 % 60
ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/"


def at(seconds_ago: float) -> datetime:
    return datetime.fromtimestamp(NOW - seconds_ago, timezone.utc)


def ex(eid: str, status: str, ago: float, reason: str | None = None, display: str | None = None) -> PipelineExecution:
    return PipelineExecution(ARN + eid, status, display_name=display, start_time=at(ago), failure_reason=reason)


def put(store: SeriesStore, key, points: dict[int, float]) -> None:
    store.ensure(key, 60).merge(list(points), list(points.values()))


def test_timeline_places_runs_in_their_span():
    assert timeline(0, 50, 0, 100, 10) == "█████·····"
    assert timeline(50, None, 0, 100, 10) == "·····█████"  # still running: up to the end
    assert timeline(10, 11, 0, 100, 10) == "·█········"  # shorter than a cell: one block
    assert timeline(-50, 20, 0, 100, 10) == "◂█········"  # began before the window
    assert timeline(None, None, 0, 100, 4) == "    "


def test_execution_runtime_from_the_api_the_steps_or_the_duration_metric():
    running = ex("a", "Executing", 600)
    assert execution_runtime(running, [], NOW).duration == 600 and execution_runtime(running, [], NOW).running
    done = ex("b", "Succeeded", 3600)
    done.last_modified = at(3000)
    assert execution_runtime(done, [], NOW).duration == 600
    failed = ex("c", "Failed", 3600)
    steps = [PipelineStep("Prep", "Succeeded", start_time=at(3598), end_time=at(3100)),
             PipelineStep("Train", "Failed", start_time=at(3099), end_time=at(3059))]
    assert execution_runtime(failed, [], NOW, steps).duration == 541
    # an ExecutionDuration point in the minute the run ended: 1,230 s after a start 3600 s ago
    end_minute = NOW - 3600 + 1230 - (NOW - 3600 + 1230) % 60
    rt = execution_runtime(failed, [(end_minute - 7200, 99_000.0), (end_minute, 1_230_000.0)], NOW)
    assert rt.estimated and rt.duration == 1230 and rt.end == NOW - 3600 + 1230
    assert execution_runtime(failed, [(end_minute - 7200, 99_000.0)], NOW).duration is None


def test_execution_rows_of_the_window_newest_first_with_the_failed_step():
    p = Pipeline("churn", region="us-east-1")
    store = SeriesStore(3 * 3600)
    executions = [ex("old", "Succeeded", 5 * 3600), ex("f", "Failed", 7800, "Step failure"), ex("r", "Executing", 900)]
    steps = {ARN + "f": [PipelineStep("Prep", "Succeeded", start_time=at(7798), end_time=at(7300)),
                         PipelineStep("Train", "Failed", start_time=at(7299), end_time=at(7259),
                                      failure_reason="ResourceLimitExceeded:\nquota 0")]}
    rows = execution_rows(p, executions, store, NOW, steps=steps)
    assert [r.name for r in rows] == ["r", "f"]  # the 5-hour-old one is outside the 3-hour window
    r, f = (row.cells for row in rows)
    assert r["duration"].text == "15m 00s" and r["duration"].level == "info"
    assert r["timeline"].text == "·" * 22 + "██"
    assert f["duration"].text == "9m 01s" and f["status"].level == "crit"
    assert f["reason"].text == "Train: ResourceLimitExceeded: quota 0"
    assert f["started"].text == f"{clock(NOW - 7800, NOW)} (2h 10m)"
    # nothing in the window: the latest still shows
    assert [r.name for r in execution_rows(p, executions[:1], store, NOW)] == ["old"]


def test_pipeline_facts_counts_durations_and_last_failure():
    p = Pipeline("churn", region="us-east-1")
    store = SeriesStore(3 * 3600)
    k = PipelineDetailKeys(p)
    put(store, k.started, {NOW - 3600: 2.0, NOW - 600: 1.0})
    put(store, k.succeeded, {NOW - 3000: 1.0})
    put(store, k.failed, {NOW - 2400: 1.0})
    put(store, k.duration, {NOW - 3000: 600_000.0, NOW - 2400: 1_200_000.0})
    put(store, k.duration_max, {NOW - 3000: 600_000.0, NOW - 2400: 1_200_000.0})
    executions = [ex("f", "Failed", 3600, "Step failure"), ex("r", "Executing", 600)]
    steps = {ARN + "f": [PipelineStep("Train", "Failed", failure_reason="quota")]}
    facts = {f.label: f for f in pipeline_facts(p, executions, store, NOW, steps=steps)}
    assert facts["Latest"].text == "Executing   r   started 10m ago, running for 10m 00s"
    assert facts["Window"].text == "3 started, 1 succeeded, 1 failed, 0 stopped   (50% succeeded)   1 running now"
    assert facts["Window"].level == "crit"
    assert facts["Duration"].text == "mean 15m 00s, longest 20m 00s (ExecutionDuration over the window)"
    assert facts["Last failure"].text == "f (1h 00m ago): step Train failed: quota"
    # no metrics at all: the listed executions are counted instead
    facts = {f.label: f for f in pipeline_facts(p, executions, SeriesStore(3 * 3600), NOW)}
    assert facts["Window"].text.startswith("2 started, 0 succeeded, 1 failed, 0 stopped   (0% succeeded)")
    rows = {r.name: r.cells for r in pipeline_metric_rows(p, store, NOW)}
    assert rows["Executions started"]["now"].text == "3" and rows["Executions failed"]["now"].level == "crit"


def test_requests_read_the_executions_and_the_steps_of_the_newest_and_the_failed_one():
    p = Pipeline("churn", region="us-east-1")
    executions = [ex("a", "Succeeded", 100), ex("f", "Failed", 900), ex("g", "Failed", 2000)]
    assert [e.execution_id for e in step_reads_for(executions)] == ["a", "f"]
    req = pipeline_request(p, executions)
    assert req.reads == ((READ_EXECUTIONS, "us-east-1", "churn"), (READ_STEPS, "us-east-1", ARN + "a"),
                         (READ_STEPS, "us-east-1", ARN + "f"))
    assert [k.metric for k in req.keys] == ["ExecutionStarted", "ExecutionSucceeded", "ExecutionFailed",
                                             "ExecutionStopped", "ExecutionDuration", "ExecutionDuration"]
    listed = [ex("z", "Succeeded", 50)]
    detail = DetailResult(req.owner, reads={(READ_EXECUTIONS, "us-east-1", "churn"): listed,
                                            (READ_STEPS, "us-east-1", ARN + "a"): [PipelineStep("S", "Succeeded")]})
    assert executions_of(p, detail) == (listed, None)
    assert list(known_steps(p, detail)) == [ARN + "a"]
    failed = DetailResult(req.owner, errors={(READ_EXECUTIONS, "us-east-1", "churn"): "throttled"})
    p.executions = executions
    assert executions_of(p, failed) == (executions, "throttled")


def test_execution_request_grows_with_the_steps_and_step_rows():
    p = Pipeline("churn", region="us-east-1")
    e = ex("f", "Failed", 3600, "Step failure")
    assert execution_request(p, e, None).keys == ()
    steps = [PipelineStep("Prep", "Succeeded", "ProcessingJob", at(3598), at(3000)),
             PipelineStep("Train", "Failed", "TrainingJob", at(2999), at(2959), "quota")]
    req = execution_request(p, e, steps)
    assert req.reads == ((READ_STEPS, "us-east-1", ARN + "f"),) and len(req.keys) == 10  # 5 a step
    assert step_keys(p, "Train")["failed"].dimensions == (("PipelineName", "churn"), ("StepName", "Train"))
    store = SeriesStore(3 * 3600)
    k = step_keys(p, "Prep")
    put(store, k["started"], {NOW - 3600: 1.0, NOW - 1200: 1.0})
    put(store, k["duration"], {NOW - 3000: 300_000.0, NOW - 600: 300_000.0})
    put(store, step_keys(p, "Train")["failed"], {NOW - 2940: 1.0})
    rows = [r.cells for r in step_rows(p, e, steps, store, NOW)]
    assert rows[0]["duration"].text == "9m 58s" and rows[0]["duration"].level == "warn"  # 2x its usual 5 min
    assert rows[0]["usual"].text == "5m 00s" and rows[0]["runs"].text == "2"
    assert rows[1]["fails"].text == "1" and rows[1]["fails"].level == "crit" and rows[1]["reason"].text == "quota"
    assert rows[0]["succeeded"].text == "0" and rows[1]["stopped"].text == "0"
    put(store, k["succeeded"], {NOW - 3000: 1.0, NOW - 600: 1.0})
    put(store, step_keys(p, "Train")["stopped"], {NOW - 1800: 1.0})
    rows = [r.cells for r in step_rows(p, e, steps, store, NOW)]
    assert rows[0]["succeeded"].text == "2" and rows[0]["succeeded"].level == "ok"
    assert rows[1]["stopped"].text == "1" and rows[1]["stopped"].level == "warn"
    assert rows[0]["timeline"].text == "█" * 17 + "·" and rows[1]["timeline"].text == "·" * 16 + "██"
    detail = DetailResult(req.owner, reads={(READ_STEPS, "us-east-1", ARN + "f"): steps})
    assert steps_of(e, detail, "us-east-1") == (steps, None)
    facts = {f.label: f.text for f in execution_facts(p, e, steps, store, NOW)}
    assert facts["Failed step"] == "Train: quota" and facts["Started"].endswith("took 10m 41s")
    assert execution_facts(p, e, None, store, NOW)[-1].text == "reading the steps…"
