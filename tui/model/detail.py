"""What an open drill-down screen asks the refresh layer for, as plain data.

Screens never call AWS. A screen that needs more than the overview describes it with a
:class:`DetailRequest`: the series to poll at the live rate while it is open, and named
*reads* (extra List/Describe/Get calls such as a pipeline execution's steps or an endpoint's
enhanced-metric dimensions). The refresh layer maps each read to the one function of
``tui/aws`` that performs it, runs it in its worker on every refresh (and once right away
when the screen opens), and returns the results in :attr:`DetailResult.reads`. Leaving the
screen withdraws the request, which stops its polling.

Log tails are a separate, faster feed (:class:`LogRequest`): while a log view is open the
refresh layer polls CloudWatch Logs every few seconds and posts the new lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.model.series import SeriesKey, SeriesStore

# Read names the refresh layer understands, with the arguments each takes.
#: ("steps", region, execution_arn) -> list[PipelineStep]
READ_STEPS = "steps"
#: ("enhanced", region, endpoint_name) -> dict (instances, accelerators, containers, variants)
READ_ENHANCED = "enhanced"
#: ("transform_hosts", region, job_name) -> list[str]
READ_TRANSFORM_HOSTS = "transform_hosts"
#: ("executions", region, pipeline_name) -> list[PipelineExecution] (newest first)
READ_EXECUTIONS = "executions"
#: ("algorithm_metrics", region, job_name) -> list[str] metric names published for the job
READ_ALGORITHM_METRICS = "algorithm_metrics"

READS = (READ_STEPS, READ_ENHANCED, READ_TRANSFORM_HOSTS, READ_EXECUTIONS, READ_ALGORITHM_METRICS)

Read = tuple[str, str, str]  # (read name, region, argument)


@dataclass(frozen=True)
class DetailRequest:
    """Series and reads one open screen needs; ``owner`` names the screen (for breadcrumbs/logs)."""

    owner: str
    keys: tuple[SeriesKey, ...] = ()
    reads: tuple[Read, ...] = ()
    #: Published period of these series when finer than a minute (enhanced endpoint metrics).
    period: int | None = None
    #: Read ``keys`` over this span (epoch seconds: start, end) instead of the window ending
    #: now: a job that ended before the window, shown over its own last hours.
    span: tuple[int, int] | None = None
    #: The account of the resource the reads are of ("": the signed-in one): its reads go
    #: through that account's clients (cross-account observability).
    account: str = ""


@dataclass
class DetailResult:
    """What the refresh layer found for a :class:`DetailRequest` (``errors`` per read)."""

    owner: str
    reads: dict[Read, Any] = field(default_factory=dict)
    errors: dict[Read, str] = field(default_factory=dict)
    #: With a request's ``span``: its series over that span (a store of their own).
    store: SeriesStore | None = None


@dataclass(frozen=True)
class LogRequest:
    """Follow a CloudWatch Logs group: one stream, several, or every stream under a prefix.

    The tail starts ``lookback`` seconds before now, or before ``end`` when the resource has
    ended (epoch seconds: its log ends there, so the lines that explain how it ended are the
    first shown, and nothing is followed once they are read). ``from_begin`` reads from
    ``begin`` (the resource's start) instead: the whole log from its first line.
    """

    region: str
    group: str
    prefix: str | None = None
    streams: tuple[str, ...] = ()
    lookback: int = 3600
    end: float | None = None
    begin: float | None = None
    from_begin: bool = False
    #: The account whose CloudWatch Logs hold the group ("": the signed-in one).
    account: str = ""

    @property
    def follows(self) -> bool:
        """New lines may still come (the resource has not ended)."""
        return self.end is None

    def start_time(self, now: float) -> float:
        """Epoch seconds the tail reads from."""
        if self.from_begin and self.begin is not None:
            return self.begin
        return (now if self.end is None else min(now, self.end)) - self.lookback
