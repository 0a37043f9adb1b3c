"""The pipeline and execution screens on the demo fleet, driven with Textual's pilot.

Uses the demo and the small app of :mod:`test_endpoint_screens` (one demo per test process).
Executions and steps on screen are checked against plain boto3 ListPipelineExecutions and
ListPipelineExecutionSteps on the demo's local AWS.
"""

from __future__ import annotations

import boto3
import pytest

from test_endpoint_screens import SIZE, DrillHarness, demo_env, gmd, screen_text, settle
from tui.model.format import format_duration, safe_text


@pytest.fixture(scope="module")
def env(shared_demo, shared_demo_clients):
    return demo_env(shared_demo, shared_demo_clients)


def sagemaker(env):
    session = boto3.Session(region_name=env.conn.region, **env.creds)
    return session.client("sagemaker", endpoint_url=env.conn.endpoint_url)


def latest_execution(env, pipeline: str) -> dict:
    page = sagemaker(env).list_pipeline_executions(PipelineName=pipeline)
    return max(page["PipelineExecutionSummaries"], key=lambda e: e["StartTime"])


def steps_of(env, arn: str) -> list[dict]:
    return sagemaker(env).list_pipeline_execution_steps(PipelineExecutionArn=arn,
                                                        SortOrder="Ascending")["PipelineExecutionSteps"]


def pipeline(env, name: str):
    return next(p for p in env.inventory.pipelines if p.name == name)


async def test_failed_pipeline_shows_the_failed_step_and_its_reason(env):
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView
    from tui.screens.pipeline import ExecutionScreen, PipelineScreen

    name, step, reason = env.fleet.failed_pipeline, env.fleet.failed_step, env.fleet.failed_step_reason
    latest = latest_execution(env, name)
    assert latest["PipelineExecutionStatus"] == "Failed"
    truth = steps_of(env, latest["PipelineExecutionArn"])
    took = max(s["EndTime"] for s in truth) - latest["StartTime"]

    app = DrillHarness(env, PipelineScreen(pipeline(env, name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, polls=2)  # the executions, then the newest one's steps
        screen = app.screen
        assert f"sagemon › Pipelines › {name}" in screen_text(app)
        facts = screen.query_one("#facts", FactsView).text()
        assert f"step {step} failed: {reason}" in facts
        assert f"took {format_duration(took.total_seconds())}" in facts
        executions = screen.query_one("#executions", DetailTable)
        key = f"execution:{latest['PipelineExecutionArn']}"
        assert executions.selected_key == key  # newest first
        assert executions.cell_text(key, "status") == "Failed"
        assert executions.cell_text(key, "duration") == format_duration(took.total_seconds())
        await pilot.press("enter")
        await settle(pilot, app, polls=2)
        steps_screen = app.screen
        assert isinstance(steps_screen, ExecutionScreen)
        label = latest.get("PipelineExecutionDisplayName") or latest["PipelineExecutionArn"].rsplit("/", 1)[-1]
        assert f"sagemon › Pipelines › {name} › {label}" in screen_text(app)
        table = steps_screen.query_one("#steps", DetailTable)
        assert [r.name for r in table.rows_shown] == [s["StepName"] for s in truth]
        for i, s in enumerate(truth):
            key = f"step:{i}:{s['StepName']}"
            assert table.cell_text(key, "status") == s["StepStatus"]
            assert table.cell_text(key, "duration") == format_duration((s["EndTime"] - s["StartTime"]).total_seconds())
        assert table.selected_row.name == step  # the cursor waits on the failed step
        # StepStarted / Failed / Succeeded / Stopped over the window, as plain boto3 sums them
        for i, s in enumerate(truth):
            cells = table.row_for(f"step:{i}:{s['StepName']}").cells
            dims = {"PipelineName": name, "StepName": s["StepName"]}
            for column, metric in (("runs", "StepStarted"), ("fails", "StepFailed"),
                                   ("succeeded", "StepSucceeded"), ("stopped", "StepStopped")):
                points = gmd(env, "AWS/Sagemaker/ModelBuildingPipeline", metric, dims, "Sum")
                assert cells[column].sort == sum(v for _, v in points), (s["StepName"], metric)
        line = steps_screen.query_one("#reason")
        assert line.text == f"{step} failed: {safe_text(' '.join(reason.split()))}" and line.level == "crit"
        # the step metrics of every step are asked for, with the steps read
        request = env.fetched[-1]
        assert {dict(k.dimensions)["StepName"] for k in request.keys} == {s["StepName"] for s in truth}
        await pilot.press("up")
        await pilot.pause()
        assert not line.text.startswith(f"{step} failed")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and executions.selected_key == f"execution:{latest['PipelineExecutionArn']}"


async def test_running_and_stopped_pipelines(env):
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView
    from tui.screens.pipeline import PipelineScreen

    name = env.fleet.executing_pipeline
    latest = latest_execution(env, name)
    app = DrillHarness(env, PipelineScreen(pipeline(env, name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, polls=2)
        executions = app.screen.query_one("#executions", DetailTable)
        row = executions.row_for(f"execution:{latest['PipelineExecutionArn']}")
        assert row.cells["status"].text == "Executing" and row.cells["duration"].level == "info"
        assert "1 running now" in app.screen.query_one("#facts", FactsView).text()

    name = env.fleet.stopped_pipeline
    latest = latest_execution(env, name)
    app = DrillHarness(env, PipelineScreen(pipeline(env, name)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, polls=2)
        executions = app.screen.query_one("#executions", DetailTable)
        row = executions.row_for(f"execution:{latest['PipelineExecutionArn']}")
        assert row.cells["status"].text == "Stopped" and row.cells["status"].level == "warn"
        assert app.screen.query_one("#metrics", DetailTable).cell_text("pl:ExecutionStarted", "name") == \
            "Executions started"
        # the execution counts are window totals: the column says so (not "Now")
        metrics = app.screen.query_one("#metrics", DetailTable)
        headers = {c.key: c.label for c in metrics.spec}
        assert headers["now"] == "In window" and "total over the window" in metrics.spec[1].help


async def test_real_app_pipeline_to_its_failed_step_and_back(env):
    from test_endpoint_screens import open_from_overview, real_app, wait_for
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView, LineView
    from tui.screens.pipeline import ExecutionScreen, PipelineScreen

    name, step, reason = env.fleet.failed_pipeline, env.fleet.failed_step, env.fleet.failed_step_reason
    p = pipeline(env, name)
    app = real_app(env)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1)
        await open_from_overview(pilot, app, "pipelines", p.key)
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
        screen = app.screen
        facts = screen.query_one("#facts", FactsView)
        # the executions read answers, then the steps of the newest (failed) execution
        await wait_for(pilot, lambda: f"step {step} failed: {reason}" in facts.text())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen))
        steps = app.screen.query_one("#steps", DetailTable)
        await wait_for(pilot, lambda: steps.selected_row is not None and steps.selected_row.name == step)
        assert app.screen.query_one("#reason", LineView).text.startswith(f"{step} failed: ")
        assert app.detail_request.owner.startswith("execution:") and app.detail_request.keys
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and app.detail_request.owner == f"pipeline:{p.key}")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.overview and app.detail_request is None)
