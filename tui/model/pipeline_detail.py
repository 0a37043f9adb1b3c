"""What the pipeline and pipeline-execution screens show, as pure data.

A **pipeline screen** lists the executions of the window (newest first) with their status,
start, duration, a timeline bar placing each run in the window, and the failure reason; above
them the pipeline's execution metrics over the window (ExecutionStarted / Succeeded / Failed
/ Stopped and ExecutionDuration, dimension ``PipelineName``).

An **execution screen** lists the execution's steps (from the :data:`~tui.model.detail.READ_STEPS`
read: ListPipelineExecutionSteps) with status, start, duration, a timeline inside the run,
and the failure reason; each step also shows its step metrics over the window (StepStarted /
Failed / Succeeded / Stopped and StepDuration, dimensions ``PipelineName`` + ``StepName``):
how often it ran, failed, and how long it usually takes.

ListPipelineExecutions gives no end time; an ended execution's duration comes from its
ExecutionDuration point (published in the minute it ended, so the point whose time minus its
value is the execution's start is its own) or, on the execution screen, from its steps.
Nothing here imports Textual or boto3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui.model import catalog as cat
from tui.model.catalog import Kind, Unit
from tui.model.detail import READ_EXECUTIONS, READ_STEPS, DetailRequest, DetailResult
from tui.model.drill_views import Fact, metric_row, status_fact
from tui.model.window_readers import grid, window_max, window_mean, window_points, window_sum
from tui.model.format import MISSING, format_age, format_count, format_duration, format_value
from tui.model.glyphs import glyphs
from tui.model.cells import CRIT, DIM, INFO, OK, WARN, Cell, Column, Row, status_cell
from tui.model.readings import newest
from tui.model.plan import PipelineKeys, key_builder
from tui.model.resources import Pipeline, PipelineExecution, PipelineStep, epoch_seconds
from tui.model.series import SeriesKey, SeriesStore

#: Statuses of an execution or step that has not ended.
RUNNING = frozenset({"Executing", "Starting", "Stopping", "Pending", "InProgress"})
#: Cells of the timeline bars.
TIMELINE_WIDTH = 24
#: How far (seconds) an execution's start may be from the start an ExecutionDuration point
#: implies (the point's minute minus its value) and still be its own.
DURATION_MATCH_SLACK = 90


def clock(t: float | None, now: float | None = None) -> str:
    """Local wall-clock time of ``t``: ``"14:05:12"``, with the date when not today."""
    if t is None:
        return MISSING
    dt = datetime.fromtimestamp(t).astimezone()
    if now is not None and datetime.fromtimestamp(now).astimezone().date() != dt.date():
        return dt.strftime("%m-%d %H:%M")
    return dt.strftime("%H:%M:%S")


def timeline(start: float | None, end: float | None, lo: float, hi: float, width: int = TIMELINE_WIDTH) -> str:
    """Where ``[start, end]`` falls in ``[lo, hi]`` as ``width`` cells: ``"····█████···"``.

    A run shorter than one cell still shows one block; a run that began before ``lo``
    starts with ``"◂"``; a missing start gives an empty bar.
    """
    if start is None or hi <= lo or width <= 0:
        return " " * max(width, 0)
    end = hi if end is None else end
    span = hi - lo
    a = int((max(start, lo) - lo) / span * width)
    b = int((min(end, hi) - lo) / span * width + 0.999)
    a = min(max(a, 0), width - 1)
    b = min(max(b, a + 1), width)
    g = glyphs()
    cells = [g.gap] * width
    for i in range(a, b):
        cells[i] = g.bar
    if start < lo:
        cells[0] = g.before
    return "".join(cells)


# -- pipeline ------------------------------------------------------------------------------------


class PipelineDetailKeys:
    """The pipeline screen's series: the overview's four and ExecutionStopped."""

    def __init__(self, p: Pipeline) -> None:
        self.base = b = PipelineKeys(p)
        self.started, self.succeeded, self.failed, self.duration = b.started, b.succeeded, b.failed, b.duration
        key = key_builder(Kind.PIPELINE, p.region, {"PipelineName": p.name}, group=cat.G_PIPELINES, account=p.account)
        self.stopped = key("ExecutionStopped", cat.SUM)
        self.duration_max = key("ExecutionDuration", cat.MAX)

    def all(self) -> list[SeriesKey]:
        return [self.started, self.succeeded, self.failed, self.stopped, self.duration, self.duration_max]


def step_reads_for(executions: list[PipelineExecution]) -> list[PipelineExecution]:
    """Executions whose steps the pipeline screen reads: the newest one, and the newest
    failed one (its failed step and reason are the first thing to know)."""
    ordered = sorted(executions, key=lambda e: epoch_seconds(e.start_time) or 0.0, reverse=True)
    out = ordered[:1]
    failed = next((e for e in ordered if e.status == "Failed"), None)
    if failed is not None and failed not in out:
        out.append(failed)
    return out


def pipeline_request(p: Pipeline, executions: list[PipelineExecution] | None = None) -> DetailRequest:
    """The pipeline's executions read and metrics, and the steps of :func:`step_reads_for`."""
    executions = p.executions if executions is None else executions
    reads = [(READ_EXECUTIONS, p.region, p.name)]
    reads += [(READ_STEPS, p.region, e.arn) for e in step_reads_for(executions)]
    return DetailRequest(owner=f"pipeline:{p.key}", keys=tuple(PipelineDetailKeys(p).all()), reads=tuple(reads),
                         account=p.account)


def known_steps(p: Pipeline, detail: DetailResult | None) -> dict[str, list[PipelineStep]]:
    """Steps the detail result holds, by execution ARN."""
    if detail is None:
        return {}
    return {arg: list(value or []) for (name, region, arg), value in detail.reads.items()
            if name == READ_STEPS and region == p.region}


def executions_of(p: Pipeline, detail: DetailResult | None) -> tuple[list[PipelineExecution], str | None]:
    """The executions to show (the read's, else discovery's) and the read's error, if any."""
    read = (READ_EXECUTIONS, p.region, p.name)
    error = detail.errors.get(read) if detail is not None else None
    if detail is not None and read in detail.reads and detail.reads[read] is not None:
        return list(detail.reads[read]), error
    return list(p.executions), error


@dataclass(frozen=True)
class RunTime:
    """An execution's (or step's) start, end and duration; ``estimated`` when the end comes
    from a metric rather than the API."""

    start: float | None
    end: float | None
    duration: float | None
    running: bool
    estimated: bool = False


def execution_runtime(ex: PipelineExecution, duration_points: list[tuple[int, float]], now: float,
                      steps: list[PipelineStep] | None = None) -> RunTime:
    """Start, end and duration of an execution.

    Running: from its start to ``now``. Ended: ``last_modified`` when known; else the end of
    its last step (``steps``); else its ExecutionDuration point (milliseconds, stamped with
    the minute the execution ended): the point whose implied start (time + 60 - value) lies
    within :data:`DURATION_MATCH_SLACK` of the execution's start.
    """
    start = epoch_seconds(ex.start_time)
    running = ex.status in RUNNING
    if start is None:
        return RunTime(None, None, None, running)
    if running:
        return RunTime(start, None, max(0.0, now - start), True)
    end = epoch_seconds(ex.last_modified)
    if end is not None and end >= start:
        return RunTime(start, end, end - start, False)
    if steps:
        ends = [epoch_seconds(s.end_time) for s in steps]
        if ends and all(e is not None for e in ends):
            end = max(e for e in ends if e is not None)
            return RunTime(start, end, end - start, False)
    best: tuple[float, float] | None = None
    for t, ms in duration_points:
        d = ms / 1000.0
        # the point's minute [t, t + 60) holds the end, so the start lies in [t - d, t + 60 - d]
        lo, hi = t - d - DURATION_MATCH_SLACK, t + 60 - d + DURATION_MATCH_SLACK
        if lo <= start <= hi:
            miss = abs((t + 30 - d) - start)
            if best is None or miss < best[0]:
                best = (miss, d)
    if best is not None:
        return RunTime(start, start + best[1], best[1], False, estimated=True)
    return RunTime(start, None, None, False)


C = Column
EXECUTION_COLUMNS: tuple[Column, ...] = (
    C("name", "Execution", 28, 0, False),
    C("status", "Status", 10, 0, False),
    C("started", "Started", 19, 1, False, help="local time the execution started"),
    C("duration", "Duration", 9, 0, help="run time (so far, while running; ≈ from the ExecutionDuration metric)"),
    C("timeline", "Timeline (window)", TIMELINE_WIDTH, 2, False, help="when it ran within the window"),
    C("reason", "Failure reason", 60, 3, False),
)


def execution_label(ex: PipelineExecution) -> str:
    return ex.display_name or ex.execution_id


def _duration_text(rt: RunTime) -> str:
    text = format_duration(rt.duration)
    if rt.duration is not None and rt.estimated:
        text = "≈" + text
    return text


def execution_rows(p: Pipeline, executions: list[PipelineExecution], store: SeriesStore, now: int,
                   window: int | None = None, steps: dict[str, list[PipelineStep]] | None = None) -> list[Row]:
    """Executions that started in the window (or are still running), newest first; when none
    did, the latest one (so the screen always says what happened last)."""
    window = store.window if window is None else window
    keys = PipelineDetailKeys(p)
    points = window_points(store, keys.duration, now)
    lo = now - window
    ordered = sorted(executions, key=lambda e: epoch_seconds(e.start_time) or 0.0, reverse=True)
    shown = [e for e in ordered if e.status in RUNNING or (epoch_seconds(e.start_time) or 0.0) >= lo]
    if not shown and ordered:
        shown = ordered[:1]
    rows = []
    steps = steps or {}
    for ex in shown:
        rt = execution_runtime(ex, points, now, steps.get(ex.arn))
        reason = " ".join((ex.failure_reason or "").split())
        bad = failed_step(steps.get(ex.arn))
        if bad is not None:
            reason = f"{bad.name}: " + " ".join((bad.failure_reason or reason or "failed").split())
        cells = {
            "name": Cell(execution_label(ex), rt.start or 0.0),
            "status": status_cell(ex.status),
            "started": Cell(f"{clock(rt.start, now)} ({format_age(rt.start, now)})" if rt.start else MISSING,
                            rt.start),
            "duration": Cell(_duration_text(rt), rt.duration, INFO if rt.running else ""),
            "timeline": Cell(timeline(rt.start, rt.end if not rt.running else now, lo, now), rt.start,
                             status_cell(ex.status).level or DIM),
            "reason": Cell(reason, reason, CRIT if reason else ""),
        }
        rows.append(Row(f"execution:{ex.arn}", execution_label(ex), ex, cells))
    return rows


def pipeline_facts(p: Pipeline, executions: list[PipelineExecution], store: SeriesStore, now: int,
                   error: str | None = None, steps: dict[str, list[PipelineStep]] | None = None) -> list[Fact]:
    """Latest execution, counts over the window, durations and the last failure (with its
    failed step and the step's reason when the steps are known)."""
    steps = steps or {}
    keys = PipelineDetailKeys(p)
    points = window_points(store, keys.duration, now)
    ordered = sorted(executions, key=lambda e: epoch_seconds(e.start_time) or 0.0, reverse=True)
    facts = []
    if ordered:
        ex = ordered[0]
        rt = execution_runtime(ex, points, now, steps.get(ex.arn))
        when = f"started {format_age(rt.start, now)} ago" if rt.start else ""
        dur = _duration_text(rt)
        text = f"{ex.status}   {execution_label(ex)}   {when}" + (f", {'running for' if rt.running else 'took'} {dur}"
                                                                 if rt.duration is not None else "")
        facts.append(Fact("Latest", text, status_cell(ex.status).level))
    else:
        facts.append(Fact("Latest", "no executions", DIM))
    counts = {name: window_sum(store, key, now) for name, key in
              (("started", keys.started), ("succeeded", keys.succeeded), ("failed", keys.failed),
               ("stopped", keys.stopped))}
    running = sum(1 for e in executions if e.status in RUNNING)
    source = ""
    if all(v is None for v in counts.values()) and executions:
        # no execution metric in the window (yet): count the listed executions that started in it
        lo = now - store.window
        listed = [e for e in executions if (epoch_seconds(e.start_time) or 0.0) > lo]
        counts = {"started": float(len(listed)),
                  **{n: float(sum(1 for e in listed if e.status == n.capitalize()))
                     for n in ("succeeded", "failed", "stopped")}}
        source = "   (from the executions list: no execution metrics in the window)"
    parts = [f"{format_count(counts[n] or 0)} {n}" for n in ("started", "succeeded", "failed", "stopped")]
    ended = sum(counts[n] or 0 for n in ("succeeded", "failed", "stopped"))
    level = CRIT if counts["failed"] else (WARN if counts["stopped"] else (OK if ended else DIM))
    text = ", ".join(parts)
    if ended:
        text += f"   ({100.0 * (counts['succeeded'] or 0) / ended:.0f}% succeeded)"
    if running:
        text += f"   {running} running now"
    facts.append(Fact("Window", text + source, level))
    mean, top = window_mean(store, keys.duration, now), window_max(store, keys.duration_max, now)
    if mean is not None:
        facts.append(Fact("Duration", f"mean {format_value(mean, Unit.MILLISECONDS)}, longest "
                                      f"{format_value(top, Unit.MILLISECONDS)} (ExecutionDuration over the window)",
                          ""))
    failed = [e for e in ordered if e.status == "Failed"]
    if failed:
        f = failed[0]
        start = epoch_seconds(f.start_time)
        reason = " ".join((f.failure_reason or "no reason given").split())
        bad = failed_step(steps.get(f.arn))
        if bad is not None:
            reason = f"step {bad.name} failed: " + " ".join((bad.failure_reason or "no reason given").split())
        facts.append(Fact("Last failure", f"{execution_label(f)} ({format_age(start, now)} ago): {reason}", CRIT))
    if error:
        facts.append(Fact("Executions", f"cannot list them: {error}", WARN))
    return facts


def pipeline_metric_rows(p: Pipeline, store: SeriesStore, now: int) -> list[Row]:
    """The execution metrics over the window, one per row."""
    k = PipelineDetailKeys(p)
    period = 300 if store.window >= 3 * 3600 else 60
    rows = []
    for key, label, level in ((k.started, "Executions started", ""), (k.succeeded, "Executions succeeded", OK),
                              (k.failed, "Executions failed", CRIT), (k.stopped, "Executions stopped", WARN)):
        total = window_sum(store, key, now)
        rows.append(metric_row(f"pl:{key.metric}", label, total or 0.0, Unit.COUNT, stat="Sum",
                               level=level if total else "", now_text=format_count(total or 0),
                               window_text="", spark=_counts(grid(store, key, now, period))))
    last = newest(store, k.duration, now, fresh=None)
    mean = window_mean(store, k.duration, now)
    rows.append(metric_row("pl:duration", "Execution duration (latest)", None if last is None else last[1],
                           Unit.MILLISECONDS, window_text="" if mean is None else
                           f"mean {format_value(mean, Unit.MILLISECONDS)}", spark=grid(store, k.duration, now, period)))
    return rows


def _counts(values: list[float | None]) -> list[float | None]:
    """Event counts: a slot without a point had no events (zero), not missing data."""
    return [v or 0.0 for v in values]


# -- execution -----------------------------------------------------------------------------------


def step_keys(p: Pipeline, step: str) -> dict[str, SeriesKey]:
    """The step metrics of one step (dimensions ``PipelineName``, ``StepName``)."""
    key = key_builder(Kind.PIPELINE, p.region, {"PipelineName": p.name, "StepName": step}, group=cat.G_PIPELINES,
                      names=cat.PIPELINE_STEP, account=p.account)
    return {"started": key("StepStarted", cat.SUM), "succeeded": key("StepSucceeded", cat.SUM),
            "failed": key("StepFailed", cat.SUM), "stopped": key("StepStopped", cat.SUM),
            "duration": key("StepDuration", cat.AVG)}


def steps_of(ex: PipelineExecution, detail: DetailResult | None, region: str
             ) -> tuple[list[PipelineStep] | None, str | None]:
    """The execution's steps from the read (None until it answers) and the read's error."""
    read = (READ_STEPS, region, ex.arn)
    if detail is None:
        return ex.steps, None
    if read in detail.errors:
        return ex.steps, detail.errors[read]
    if read in detail.reads:
        return list(detail.reads[read] or []), None
    return ex.steps, None


def execution_request(p: Pipeline, ex: PipelineExecution, steps: list[PipelineStep] | None) -> DetailRequest:
    """The steps read, and the step metrics of every step known so far."""
    keys: list[SeriesKey] = []
    for s in steps or []:
        keys += step_keys(p, s.name).values()
    return DetailRequest(owner=f"execution:{ex.arn}", keys=tuple(dict.fromkeys(keys)),
                         reads=((READ_STEPS, p.region, ex.arn),), account=p.account)


STEP_COLUMNS: tuple[Column, ...] = (
    C("name", "Step", 22, 0, False),
    C("type", "Type", 13, 3, False),
    C("status", "Status", 10, 0, False),
    C("started", "Started", 8, 2, False, help="local time the step started"),
    C("duration", "Duration", 8, 0, help="run time (so far, while running)"),
    C("usual", "Usual", 8, 4, help="StepDuration average over the window"),
    C("runs", "Runs", 4, 4, help="StepStarted over the window"),
    C("fails", "Fails", 5, 3, help="StepFailed over the window"),
    C("succeeded", "OK", 4, 4, help="StepSucceeded over the window"),
    C("stopped", "Stops", 5, 4, help="StepStopped over the window"),
    C("timeline", "Timeline (run)", 18, 2, False, help="when the step ran within the execution"),
    C("reason", "Failure reason", 39, 1, False),
)


def step_runtime(s: PipelineStep, now: float) -> RunTime:
    start, end = epoch_seconds(s.start_time), epoch_seconds(s.end_time)
    running = s.status in RUNNING
    if start is None:
        return RunTime(None, None, None, running)
    if running or end is None:
        return RunTime(start, None, max(0.0, now - start) if running else None, running)
    return RunTime(start, end, max(0.0, end - start), False)


def step_rows(p: Pipeline, ex: PipelineExecution, steps: list[PipelineStep], store: SeriesStore, now: int
              ) -> list[Row]:
    """One row per step, in the order they started; timelines span the execution."""
    runs = [step_runtime(s, now) for s in steps]
    lo = epoch_seconds(ex.start_time) or min((r.start for r in runs if r.start is not None), default=float(now))
    ends = [r.end if r.end is not None else (now if r.running else r.start) for r in runs]
    hi = max([e for e in ends if e is not None] + [lo + 1.0])
    if ex.status in RUNNING:
        hi = max(hi, float(now))
    rows = []
    for i, (s, rt) in enumerate(zip(steps, runs)):
        k = step_keys(p, s.name)
        usual = window_mean(store, k["duration"], now)
        started, failed = window_sum(store, k["started"], now), window_sum(store, k["failed"], now)
        succeeded, stopped = window_sum(store, k["succeeded"], now), window_sum(store, k["stopped"], now)
        reason = " ".join((s.failure_reason or "").split())
        slow = usual is not None and rt.duration is not None and not rt.running and rt.duration > 1.5 * usual / 1000.0
        cells = {
            "name": Cell(s.name, i),
            "type": Cell(s.step_type or "", s.step_type or "", DIM),
            "status": status_cell(s.status),
            "started": Cell(clock(rt.start, now), rt.start),
            "duration": Cell(format_duration(rt.duration), rt.duration, INFO if rt.running else (WARN if slow else "")),
            "usual": Cell(format_value(usual, Unit.MILLISECONDS) if usual is not None else MISSING, usual, DIM),
            "runs": Cell(format_count(started or 0), started or 0),
            "fails": Cell(format_count(failed or 0), failed or 0, CRIT if failed else ""),
            "succeeded": Cell(format_count(succeeded or 0), succeeded or 0, OK if succeeded else ""),
            "stopped": Cell(format_count(stopped or 0), stopped or 0, WARN if stopped else ""),
            "timeline": Cell(timeline(rt.start, rt.end if not rt.running else now, lo, hi, 18), rt.start,
                             status_cell(s.status).level or DIM),
            "reason": Cell(reason, reason, CRIT if reason else ""),
        }
        rows.append(Row(f"step:{i}:{s.name}", s.name, s, cells))
    return rows


def failed_step(steps: list[PipelineStep] | None) -> PipelineStep | None:
    for s in steps or []:
        if s.status == "Failed":
            return s
    return None


def execution_facts(p: Pipeline, ex: PipelineExecution, steps: list[PipelineStep] | None, store: SeriesStore,
                    now: int, error: str | None = None) -> list[Fact]:
    keys = PipelineDetailKeys(p)
    rt = execution_runtime(ex, window_points(store, keys.duration, now), now, steps)
    facts = [status_fact(ex.status),
             Fact("Execution", f"{execution_label(ex)}   ({ex.execution_id})", DIM)]
    if rt.start is not None:
        text = f"{clock(rt.start, now)} ({format_age(rt.start, now)} ago)"
        if rt.duration is not None:
            text += f", {'running for' if rt.running else 'took'} {_duration_text(rt)}"
        facts.append(Fact("Started", text, ""))
    if ex.failure_reason:
        facts.append(Fact("Failure", " ".join(ex.failure_reason.split()), CRIT))
    if steps is None:
        facts.append(Fact("Steps", "reading the steps…" if error is None else f"cannot read them: {error}",
                          DIM if error is None else WARN))
    else:
        done = sum(1 for s in steps if s.status not in RUNNING)
        text = f"{len(steps)} step{'s' if len(steps) != 1 else ''} ({done} ended)"
        bad = failed_step(steps)
        facts.append(Fact("Steps", text, ""))
        if bad is not None:
            why = " ".join((bad.failure_reason or "no reason given").split())
            facts.append(Fact("Failed step", f"{bad.name}: {why}", CRIT))
        if error:
            facts.append(Fact("Steps", f"last read failed: {error}", WARN))
    return facts
