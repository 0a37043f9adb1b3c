"""The pipeline drill-down screens: a pipeline's executions, and one execution's steps.

:class:`PipelineScreen` shows the latest execution, the window's counts (started, succeeded,
failed, stopped, how many run now), durations and the last failure; the executions of the
window with status, start, duration, a timeline bar and the failure reason; and the
execution metrics over the window. At a past moment (time travel) it lists the executions
started by then, each as it was then where that can be derived (:mod:`tui.model.pipeline_moment`).
Enter on an execution opens :class:`ExecutionScreen`:
its steps (status, start, duration against the step's usual duration, runs and failures
over the window, a timeline inside the run, the failure reason), with the cursor on the
failed step and its whole failure reason below the table. Esc goes back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable

from tui.model.detail import DetailRequest, DetailResult
from tui.model.drill_views import WINDOW_METRIC_COLUMNS, Fact
from tui.model.pipeline_detail import (EXECUTION_COLUMNS, STEP_COLUMNS, PipelineDetailKeys, execution_facts,
                                       execution_label, execution_request, execution_rows, executions_of,
                                       failed_step, known_steps, pipeline_facts, pipeline_metric_rows,
                                       pipeline_request, step_rows, steps_of)
from tui.model.pipeline_moment import ExecutionsThen, executions_then, moment_fact, steps_then
from tui.model.resources import Pipeline, PipelineExecution, PipelineStep
from tui.model.window_readers import window_points
from tui.screens.base import ResourceScreen
from tui.widgets.detail_table import DetailTable
from tui.widgets.facts_view import FactsView, LineView, section


class PipelineScreen(ResourceScreen):
    """One pipeline: its executions over the window and its execution metrics."""

    root_title = "Pipelines"

    def __init__(self, pipeline: Pipeline, *, state=None, detail: DetailResult | None = None) -> None:
        super().__init__(state=state, detail=detail)
        self.pipeline = pipeline
        self.crumb = pipeline.name
        self.listed = True

    def detail_request(self) -> DetailRequest:
        executions, _error = self.executions()
        return pipeline_request(self.pipeline, executions)

    def refresh_resource(self, state) -> None:
        fresh = next((p for p in state.inventory.pipelines if p.key == self.pipeline.key), None)
        self.listed = fresh is not None or not state.loaded
        if fresh is not None:
            self.pipeline = fresh

    def executions(self) -> tuple[list[PipelineExecution], str | None]:
        """The executions to show: as listed; at a past moment, as they were then."""
        executions, error = executions_of(self.pipeline, self.detail)
        then = self.then(executions)
        return (executions if then is None else then.executions), error

    def then(self, executions: list[PipelineExecution]) -> ExecutionsThen | None:
        """``executions`` at the past moment shown (None: live)."""
        at = getattr(self.state, "at", None)
        if at is None:
            return None
        points = window_points(self.state.store, PipelineDetailKeys(self.pipeline).duration, at)
        return executions_then(executions, at, points, known_steps(self.pipeline, self.detail), self.state.store.window)

    def compose_body(self) -> ComposeResult:
        yield FactsView(id="facts")
        yield section("Executions in the window (Enter shows the steps)", "executions-title")
        yield DetailTable(EXECUTION_COLUMNS, id="executions")
        yield LineView("No executions.", "dim", id="no-executions")
        yield section("Execution metrics", "metrics-title")
        yield DetailTable(WINDOW_METRIC_COLUMNS, id="metrics")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#executions", DetailTable).focus()

    def redraw(self) -> None:
        p, store, now = self.pipeline, self.state.store, self.now()
        listed, error = executions_of(p, self.detail)
        then = self.then(listed)
        executions = listed if then is None else then.executions
        steps = known_steps(p, self.detail) if then is None else steps_then(known_steps(p, self.detail), now)
        facts = pipeline_facts(p, executions, store, now, error, steps)
        note = moment_fact(then) if then is not None else None
        if note is not None:
            facts.append(note)
        if not self.listed:
            facts.insert(0, Fact("Note", "no longer listed by SageMaker (deleted?): showing the last data", "warn"))
        self.query_one("#facts", FactsView).set_facts(facts)
        rows = execution_rows(p, executions, store, now, steps=steps)
        self.query_one("#executions", DetailTable).show_rows(rows)
        self.query_one("#executions", DetailTable).display = bool(rows)
        self.query_one("#no-executions", LineView).display = not rows
        self.query_one("#metrics", DetailTable).show_rows(pipeline_metric_rows(p, store, now))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        table = event.data_table
        if not isinstance(table, DetailTable) or table.id != "executions":
            return
        event.stop()
        row = table.row_for(event.row_key.value)
        if row is not None:
            ex = row.resource
            steps = known_steps(self.pipeline, self.detail).get(ex.arn)
            self.push(ExecutionScreen(self.pipeline, ex, state=self.state, steps=steps))


class ExecutionScreen(ResourceScreen):
    """One pipeline execution: its steps, their step metrics and the failure."""

    DEFAULT_CSS = """
    ExecutionScreen #reason { margin-top: 1; }
    """

    def __init__(self, pipeline: Pipeline, execution: PipelineExecution, *, state=None,
                 detail: DetailResult | None = None, steps: list[PipelineStep] | None = None) -> None:
        super().__init__(state=state, detail=detail)
        self.pipeline = pipeline
        self.execution = execution
        self.crumb = execution_label(execution)
        self.steps: list[PipelineStep] | None = steps if steps is not None else execution.steps
        self.error: str | None = None
        self._placed = False

    def detail_request(self) -> DetailRequest:
        return execution_request(self.pipeline, self.execution, self.steps)

    def accept(self, detail: DetailResult) -> None:
        # the steps read answers for this execution whatever the request's keys were
        if detail.owner == f"execution:{self.execution.arn}":
            self.detail = detail
            self.steps, self.error = steps_of(self.execution, detail, self.pipeline.region)

    def refresh_resource(self, state) -> None:
        fresh = next((p for p in state.inventory.pipelines if p.key == self.pipeline.key), None)
        if fresh is None:
            return
        self.pipeline = fresh
        ex = next((e for e in fresh.executions if e.arn == self.execution.arn), None)
        if ex is not None:
            self.execution = ex

    def compose_body(self) -> ComposeResult:
        yield FactsView(id="facts")
        yield section("Steps", "steps-title")
        yield DetailTable(STEP_COLUMNS, id="steps")
        yield LineView("", "", id="reason")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#steps", DetailTable).focus()

    def redraw(self) -> None:
        p, ex, store, now = self.pipeline, self.execution, self.state.store, self.now()
        self.query_one("#facts", FactsView).set_facts(execution_facts(p, ex, self.steps, store, now, self.error))
        table = self.query_one("#steps", DetailTable)
        rows = step_rows(p, ex, self.steps or [], store, now)
        table.show_rows(rows)
        table.display = bool(rows)
        if rows and not self._placed:
            bad = failed_step(self.steps)
            target = next((r.key for r in rows if r.resource is bad), None) if bad is not None else None
            if target is not None:
                table.select_key(target)
            self._placed = True
        self._show_reason()

    def _show_reason(self) -> None:
        table = self.query_one("#steps", DetailTable)
        row = table.selected_row
        step = row.resource if row is not None else None
        view = self.query_one("#reason", LineView)
        if isinstance(step, PipelineStep) and step.failure_reason:
            view.set_line(f"{step.name} failed: {' '.join(step.failure_reason.split())}", "crit")
        elif isinstance(step, PipelineStep):
            view.set_line(f"{step.name}: {step.status}" + (f" ({step.step_type})" if step.step_type else ""), "dim")
        else:
            view.set_line("", "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if isinstance(event.data_table, DetailTable) and event.data_table.id == "steps":
            self._show_reason()


__all__ = ["ExecutionScreen", "PipelineScreen"]
