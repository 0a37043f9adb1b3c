"""The overview panes' columns, and which of them fit a terminal's width.

Pure Python. Each :class:`~tui.model.cells.Column` has a priority: 0 is always shown, higher
numbers are hidden first on a narrow terminal (:func:`visible_columns`).
"""

from __future__ import annotations

from typing import Iterable

from tui.model.cells import Column
from tui.model.kinds import Pane
from tui.model.alarms import ALARM_PANE_COLUMNS

C = Column
NAME_WIDTH = 30
COLUMNS: dict[Pane, tuple[Column, ...]] = {
    Pane.ENDPOINTS: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Status", 11, 0, False),
        C("mode", "Mode", 10, 6, False, help="serverless, multi-model (MME) or inference components (IC)"),
        C("variants", "Var", 3, 7),
        C("instances", "Inst", 4, 4),
        C("inv", "Inv/min", 8, 0, help="average invocations per minute over the last 5 minutes"),
        C("e4xx", "4XX", 6, 6, help="4XX errors in the last 5 minutes"),
        C("e4xx_rate", "4XX%", 6, 5, help="4XX errors / invocations, last 5 minutes"),
        C("e5xx", "5XX", 6, 4, help="5XX errors in the last 5 minutes"),
        C("e5xx_rate", "5XX%", 6, 1, help="5XX errors / invocations, last 5 minutes"),
        C("p50", "p50", 8, 3, help="ModelLatency p50, newest minute"),
        C("p99", "p99", 8, 2, help="ModelLatency p99, newest minute"),
        C("overhead", "Ovhd", 8, 5, help="OverheadLatency average, newest minute"),
        C("cpu", "CPU", 9, 3, help="CPUUtilization average of the newest minute, per vCPU (0-100 %: "
                                   "CloudWatch's sum ÷ the instance type's vCPUs; 'Σ': the sum, type unknown)"),
        C("gpu", "GPU", 9, 3, help="GPUUtilization average of the newest minute, per GPU (0-100 %: "
                                   "CloudWatch's sum ÷ the instance type's GPUs; 'Σ': the sum, type unknown)"),
        C("mem", "Mem", 6, 6, help="MemoryUtilization average, newest minute"),
        C("cache", "Cache", 6, 8, help="multi-model: ModelCacheHit average (share of requests served warm)"),
        C("models", "Models", 6, 8, help="multi-model: LoadedModelCount average per instance"),
        C("setup", "Setup", 8, 8, help="serverless: ModelSetupTime average (cold start)"),
        C("trend", "Invocations", 20, 2, False, True, help="invocations per minute over the window"),
    ),
    Pane.COMPONENTS: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("endpoint", "Endpoint", 22, 3, False),
        C("status", "Status", 11, 0, False),
        C("copies", "Copies", 6, 1, help="current copies (desired when different)"),
        C("inv", "Inv/min", 8, 0, help="invocations per minute, last 5 minutes"),
        C("per_copy", "Inv/copy", 8, 2, help="InvocationsPerCopy per minute, last 5 minutes"),
        C("concurrency", "Conc/copy", 9, 4, help="ConcurrentRequestsPerCopy maximum, newest minute"),
        C("latency", "Latency", 8, 3, help="ModelLatency average, newest minute"),
        C("e5xx", "5XX", 6, 4, help="5XX errors in the last 5 minutes"),
        C("cpu", "CPU", 6, 2, help="CPUUtilizationNormalized average"),
        C("gpu", "GPU", 6, 2, help="GPUUtilizationNormalized average"),
        C("mem", "Mem", 6, 3, help="MemoryUtilizationNormalized average"),
        C("trend", "Inv/copy", 20, 2, False, True, help="invocations per copy over the window"),
    ),
    Pane.JOBS: (
        C("type", "Type", 10, 2, False),
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Status", 11, 0, False),
        C("age", "Age", 7, 4, help="time since the job was created"),
        C("duration", "Duration", 8, 2, help="run time (so far, while running)"),
        C("hosts", "Hosts", 16, 3, False, help="instances x type"),
        C("cpu", "CPU", 9, 2, help="cluster average of each host's newest CPUUtilization per vCPU (0-100 %: "
                                   "CloudWatch's sum ÷ the instance type's vCPUs; 'Σ': the sum, type unknown)"),
        C("gpu", "GPU", 9, 1, help="cluster average of each host's newest GPUUtilization per GPU (0-100 %: "
                                   "CloudWatch's sum ÷ the instance type's GPUs; 'Σ': the sum, type unknown)"),
        C("mem", "Mem", 6, 3, help="cluster average of each host's newest MemoryUtilization"),
        C("disk", "Disk", 6, 5, help="fullest host's newest DiskUtilization"),
        C("health", "Health", 26, 0, False, help="failed, a full disk, a lagging or silent host"),
        C("trend", "GPU/CPU", 20, 2, False, True, help="cluster-average GPU (or CPU) utilization"),
    ),
    Pane.PIPELINES: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Latest", 11, 0, False, help="status of the latest execution"),
        C("last_start", "Started", 8, 2, help="how long ago the latest execution started"),
        C("duration", "Duration", 8, 1, help="latest execution's duration (so far, while running)"),
        C("started", "Started#", 8, 1, help="ExecutionStarted over the window"),
        C("succeeded", "Ok#", 6, 2, help="ExecutionSucceeded over the window"),
        C("failed", "Failed#", 7, 1, help="ExecutionFailed over the window"),
        C("avg_duration", "AvgDur", 8, 3, help="ExecutionDuration average over the window"),
        C("trend", "Executions", 20, 3, False, True, help="executions started over the window"),
    ),
    Pane.LABELING: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Status", 11, 0, False),
        C("age", "Age", 7, 3),
        C("labeled", "Labeled", 9, 0, help="TotalDatasetObjectsLabeled"),
        C("human", "Human", 8, 1, help="DatasetObjectsHumanAnnotated"),
        C("auto", "Auto", 8, 2, help="DatasetObjectsAutoAnnotated"),
        C("failed", "Failed", 7, 1, help="DatasetObjectsLabelingFailed"),
        C("workteam", "Workteam", 16, 4, False),
        C("trend", "Labeled", 20, 3, False, True),
    ),
    Pane.FEATURES: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("status", "Status", 11, 0, False),
        C("stores", "Stores", 14, 4, False, help="online and/or offline store"),
        C("reads", "Reads/min", 9, 0, help="GetRecord invocations per minute, last 5 minutes"),
        C("writes", "Writes/min", 10, 1, help="PutRecord invocations per minute, last 5 minutes"),
        C("read_latency", "Read lat", 8, 2, help="GetRecord Latency average"),
        C("write_latency", "Write lat", 9, 3, help="PutRecord Latency average"),
        C("e5xx", "5XX", 6, 2, help="GetRecord + PutRecord 5XX errors, last 5 minutes"),
        C("throttled", "Throttled", 9, 3, help="throttled GetRecord + PutRecord requests, last 5 minutes"),
        C("trend", "Reads", 20, 3, False, True),
    ),
    Pane.RECOMMENDATIONS: (
        C("name", "Name", NAME_WIDTH, 0, False),
        C("type", "Type", 9, 3, False),
        C("status", "Status", 11, 0, False),
        C("age", "Age", 7, 4),
        C("inv", "Inv/min", 8, 0, help="ClientInvocations per minute, last 5 minutes"),
        C("errors", "Err%", 6, 1, help="ClientInvocationErrors / ClientInvocations, last 5 minutes"),
        C("latency", "Latency", 8, 1, help="ClientLatency average, newest minute"),
        C("users", "Users", 6, 2, help="NumberOfUsers maximum, newest minute"),
        C("trend", "Invocations", 20, 3, False, True),
    ),
    Pane.ALARMS: ALARM_PANE_COLUMNS,
}


#: Shown after the name while more than one region is monitored, at any width (same-named resources
#: of two regions are told apart by it).
REGION_COLUMN = C("region", "Region", 14, 0, False, help="the AWS region of the resource")
#: Shown after the name (before the Region column) while resources of more than one AWS account are
#: shown (cross-account observability): two accounts' same-named endpoints are two rows, told apart by it.
ACCOUNT_COLUMN = C("account", "Account", 12, 0, False, help="the AWS account of the resource")


def pane_columns(pane: Pane, regions: int = 1, accounts: int = 1) -> tuple[Column, ...]:
    """``pane``'s columns; with more than one account shown, the Account column after the name,
    and with more than one region monitored, the Region column after it."""
    cols = COLUMNS[pane]
    extra = ((ACCOUNT_COLUMN,) if accounts > 1 else ()) + ((REGION_COLUMN,) if regions > 1 else ())
    if not extra:
        return cols
    at = next(i for i, c in enumerate(cols) if c.key == "name") + 1
    return cols[:at] + extra + cols[at:]


def visible_columns(columns: Iterable[Column], width: int, *, name_width: int | None = None,
                    padding: int = 2, grow_spark: bool = True, min_name: int = 20) -> list[Column]:
    """The columns that fit ``width`` cells, dropping the highest priority numbers first.

    ``padding`` is the space a table adds around each column. Which columns stay is decided
    with the name at ``min_name`` cells (a fifth of the width on wide terminals); the spare width then goes back to the name (up to
    ``name_width``) and after that to the sparkline column (up to 40 more cells).
    """
    cols = list(columns)
    want_name = name_width if name_width is not None else next((c.width for c in cols if c.key == "name"), 0)
    short = min(want_name, max(min_name, width // 5))

    def resized(c: Column, w: int) -> Column:
        return C(c.key, c.label, w, c.priority, c.numeric, c.spark, c.help)

    cols = [resized(c, short) if c.key == "name" else c for c in cols]

    def total(cs: list[Column]) -> int:
        return sum(c.width + padding for c in cs)

    shown = list(cols)
    for prio in sorted({c.priority for c in cols if c.priority > 0}, reverse=True):
        if total(shown) <= width:
            break
        # drop the rightmost columns of this priority one at a time
        for c in reversed([c for c in shown if c.priority == prio]):
            if total(shown) <= width:
                break
            shown.remove(c)
    spare = width - total(shown)
    if spare > 0 and want_name > short:
        grow = min(spare, want_name - short)
        shown = [resized(c, c.width + grow) if c.key == "name" else c for c in shown]
        spare -= grow
    elif spare < 0:
        shown = [resized(c, max(8, c.width + spare)) if c.key == "name" else c for c in shown]
    if spare > 0 and grow_spark:
        extra = min(spare, 40)
        shown = [resized(c, c.width + extra) if c.spark else c for c in shown]
    return shown
