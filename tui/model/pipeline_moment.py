"""A pipeline's executions at a past moment (time travel), as pure data.

ListPipelineExecutions lists executions as they are now. At a past moment ``at`` the pipeline
screen lists only those started at or before it (:func:`executions_then`), each with its status
as it was then where that can be derived: one still running now, or one that ended after ``at``,
was Executing then. The end of an ended execution comes from its last change, its steps (the
screen reads the steps of the newest execution at the moment) or its ExecutionDuration point
(:func:`~tui.model.pipeline_detail.execution_runtime`); where none tells, today's status is shown
and the screen says so (:func:`moment_fact`); the steps read are shown as they were then too
(:func:`steps_then`). Nothing here imports Textual or boto3.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.model.cells import DIM, WARN
from tui.model.drill_views import Fact
from tui.model.pipeline_detail import RUNNING, execution_runtime
from tui.model.resources import PipelineExecution, PipelineStep, epoch_seconds


@dataclass(frozen=True)
class ExecutionsThen:
    """The executions a pipeline screen lists at a past moment: those started at or before it,
    each with its status as it was then where that can be derived; how many started after it;
    and how many ended (now) at a time nothing tells, shown with today's status."""

    executions: list[PipelineExecution]
    later: int = 0
    unsure: int = 0


def executions_then(executions: list[PipelineExecution], at: int, duration_points: list[tuple[int, float]],
                    steps: dict[str, list[PipelineStep]] | None = None, window: int | None = None) -> ExecutionsThen:
    """``executions`` as they were at ``at`` (time travel): the ones started after ``at`` left
    out; one still running now, or one that ended after ``at`` (its end from its last change, its
    steps or its ExecutionDuration point, :func:`execution_runtime`), was Executing then (no end,
    no failure yet); one that ended by ``at`` as it is. An ended one whose end nothing tells keeps
    today's status and is counted in ``unsure`` when it started in the ``window`` ending at ``at``
    (the executions the screen lists; an older one most likely ended long before)."""
    steps = steps or {}
    shown: list[PipelineExecution] = []
    later = unsure = 0
    for ex in executions:
        start = epoch_seconds(ex.start_time)
        if start is not None and start > at:
            later += 1
            continue
        if ex.status in RUNNING:
            shown.append(ex)
            continue
        rt = execution_runtime(ex, duration_points, at, steps.get(ex.arn))
        if rt.end is not None and rt.end > at:
            shown.append(replace(ex, status="Executing", last_modified=None, failure_reason=None))
        else:
            unsure += rt.end is None and (window is None or start is None or start >= at - window)
            shown.append(ex)
    return ExecutionsThen(shown, later, unsure)


def steps_then(steps: dict[str, list[PipelineStep]], at: int) -> dict[str, list[PipelineStep]]:
    """The steps (by execution ARN) as they were at ``at``: those started after it left out, one
    that ended after it still Executing (no end, no failure yet)."""
    out: dict[str, list[PipelineStep]] = {}
    for arn, listed in steps.items():
        kept = []
        for step in listed:
            start, end = epoch_seconds(step.start_time), epoch_seconds(step.end_time)
            if start is not None and start > at:
                continue
            kept.append(replace(step, status="Executing", end_time=None, failure_reason=None)
                        if end is not None and end > at else step)
        out[arn] = kept
    return out


def moment_fact(then: ExecutionsThen) -> Fact | None:
    """What the pipeline screen says at a past moment of the executions it could not show as
    they were: those started after the moment, and those whose end is unknown (None: nothing)."""
    parts = []
    if then.later:
        parts.append(f"{then.later} started after the moment (not shown)")
        if not then.executions:
            parts[-1] += ": every execution listed (the newest ones) started later"
    if then.unsure:
        parts.append(f"{then.unsure} ended at a time nothing tells: today's status shown")
    return Fact("At the moment", ";  ".join(parts), DIM if not then.unsure else WARN) if parts else None

__all__ = ["ExecutionsThen", "executions_then", "moment_fact", "steps_then"]
