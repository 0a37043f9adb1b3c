"""Runs what open drill-down screens ask for: named reads and log tails (in worker threads).

The one place that maps the read names of :mod:`tui.model.detail` to the ``tui/aws``
function performing each, and keeps a :class:`~tui.aws.logs.LogTail` per followed log. Both
never raise: failures become per-read error text or the tail's error.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from tui.model.detail import (
    READ_ALGORITHM_METRICS, READ_ENHANCED, READ_EXECUTIONS, READ_STEPS, READ_TRANSFORM_HOSTS,
    DetailRequest, DetailResult, LogRequest,
)
from tui.model.logs import LogLine
from tui.model.state import describe_error


def _algorithm_metrics(cw, job_name: str) -> list[str]:
    from tui.model.catalog import NS_TRAINING

    names: set[str] = set()
    paginator = cw.get_paginator("list_metrics")
    for page in paginator.paginate(Namespace=NS_TRAINING,
                                   Dimensions=[{"Name": "TrainingJobName", "Value": job_name}]):
        for m in page.get("Metrics", []):
            names.add(m.get("MetricName", ""))
    return sorted(n for n in names if n)


def _reader(name: str) -> Callable[[Any, str, str], Any]:
    from tui.aws import discovery

    if name == READ_STEPS:
        return lambda c, region, arn: discovery.list_execution_steps(c.sagemaker(region), arn)
    if name == READ_ENHANCED:
        return lambda c, region, ep: discovery.enhanced_endpoint_dimensions(c.cloudwatch(region), ep)
    if name == READ_TRANSFORM_HOSTS:
        return lambda c, region, job: discovery.transform_hosts(c.cloudwatch(region), job)
    if name == READ_EXECUTIONS:
        return lambda c, region, p: discovery.list_pipeline_executions(c.sagemaker(region), p)
    if name == READ_ALGORITHM_METRICS:
        return lambda c, region, job: _algorithm_metrics(c.cloudwatch(region), job)
    raise KeyError(name)


def run_reads(clients, request: DetailRequest) -> DetailResult:
    """Perform every read of ``request`` (one failing read does not stop the others)."""
    result = DetailResult(owner=request.owner)
    for read in request.reads:
        name, region, arg = read
        try:
            result.reads[read] = _reader(name)(clients, region or None, arg)
        except Exception as exc:  # noqa: BLE001 - a read's failure is shown on its screen
            response = getattr(exc, "response", None)
            code = response.get("Error", {}).get("Code", type(exc).__name__) if isinstance(response, dict) \
                else type(exc).__name__
            text = describe_error(code, str(exc), name)
            redact = getattr(clients, "redact", None)
            result.errors[read] = redact(text) if redact is not None else text
    return result


#: Seconds between log polls while lines come, and the most a quiet log waits: the wait doubles
#: after each poll that brought nothing (FilterLogEvents allows 5-25 calls a second per account
#: and region, shared by every tool of the account; a log left open must not use them up).
LOG_POLL_MIN = 2.0
LOG_POLL_MAX = 30.0


class LogFeed:
    """Follows the log of the screen on top; switching requests starts a fresh tail.

    Only one log is followed at a time (the top screen's), and a quiet log is polled less and
    less often (:data:`LOG_POLL_MIN` doubling up to :data:`LOG_POLL_MAX`); a new line or a new
    request brings the pace back at once.
    """

    def __init__(self, clients, clock: Callable[[], float] | None = None) -> None:
        import time

        self.clients = clients
        self.request: LogRequest | None = None
        self._tail = None
        self._lock = threading.Lock()
        self._clock = clock or time.monotonic
        self.wait = LOG_POLL_MIN  # seconds until the next poll that calls AWS
        self._next_at = 0.0
        self._error: str | None = None

    def set_request(self, request: LogRequest | None, restart: bool = False) -> bool:
        """Follow ``request`` (None stops). Returns True when the followed log changed.

        ``restart`` starts a fresh tail even for the same request: a screen that has just come
        on top shows its own lines, even if the screen below followed the same log."""
        with self._lock:
            if request == self.request and not restart:
                return False
            self.request, self._tail = request, None
            self.wait, self._next_at, self._error = LOG_POLL_MIN, 0.0, None
            return True

    def poll(self) -> tuple[LogRequest | None, list[LogLine], str | None]:
        """New lines since the last poll of the current request, and the error, if any."""
        with self._lock:
            req = self.request
            if req is None:
                return None, [], None
            now = self._clock()
            if self._tail is not None and now < self._next_at:
                return req, [], self._error  # a quiet log: not yet
            if self._tail is None:
                import time

                from tui.aws.logs import LogTail

                client = self.clients.logs(req.region or None)
                where = {"streams": list(req.streams)} if req.streams else {"prefix": req.prefix or ""}
                self._tail = LogTail(client, req.group, **where, start_time=req.start_time(time.time()),
                                     end_time=req.end, lookback=req.lookback)
            tail = self._tail
        if tail.finished:  # an ended resource's log, read to its end: nothing more will come
            return req, [], None
        new = tail.poll()
        err = tail.error.text if getattr(tail, "error", None) is not None else None
        with self._lock:
            if self.request is req:
                self.wait = LOG_POLL_MIN if new else min(self.wait * 2, LOG_POLL_MAX)
                self._next_at = self._clock() + self.wait
                self._error = err
        return req, new, err
