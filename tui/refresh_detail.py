"""Runs what open drill-down screens ask for: named reads and log tails (in worker threads).

The one place that maps the read names of :mod:`tui.model.detail` to the ``tui/aws``
function performing each, and keeps a :class:`~tui.aws.logs.LogTail` per followed log (or, opted
in, a Live Tail session: :mod:`tui.refresh_live`). Both never raise: failures become per-read
error text or the tail's error.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from tui.model.detail import (
    READ_ALGORITHM_METRICS, READ_ENHANCED, READ_EXECUTIONS, READ_STEPS, READ_TRANSFORM_HOSTS,
    DetailRequest, DetailResult, LogRequest,
)
from tui.model.job_logs import LogDedup
from tui.model.logs import FollowMode, LogError, LogLine
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


def clients_of(clients, account: str):
    """The clients that read ``account``'s resources (cross-account observability: its own
    profile or role; :func:`tui.aws.accounts.clients_for`); ``clients`` for the signed-in one."""
    if not account:
        return clients
    from tui.aws.accounts import clients_for

    return clients_for(clients, account)


def run_reads(clients, request: DetailRequest) -> DetailResult:
    """Perform every read of ``request`` (one failing read does not stop the others), with the
    clients of the resource's account."""
    result = DetailResult(owner=request.owner)
    for read in request.reads:
        name, region, arg = read
        try:
            result.reads[read] = _reader(name)(clients_of(clients, request.account), region or None, arg)
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

    With :attr:`live` (``live_tail = true``, ``--live-tail`` or ``L`` in a log view) a running
    resource's log is followed through CloudWatch Logs Live Tail once its history has been read
    by polling: a :class:`~tui.refresh_live.LiveFollower` (at most one) consumes the session in a
    worker thread and :meth:`poll` drains it, reading once by polling the gap before each session
    began. When Live Tail fails the feed polls again from the last Live Tail event's timestamp,
    keeps the reason (:meth:`mode`) and queues it in :attr:`problems` for the app. Every line,
    either way, passes one :class:`~tui.model.job_logs.LogDedup`, so none comes twice.
    """

    def __init__(self, clients, clock: Callable[[], float] | None = None, *, live: bool = False,
                 account: str | None = None) -> None:
        import time

        self.clients = clients
        self.request: LogRequest | None = None
        self._tail = None
        self._lock = threading.Lock()
        self._clock = clock or time.monotonic
        self.wait = LOG_POLL_MIN  # seconds until the next poll that calls AWS
        self._next_at = 0.0
        self._error: str | None = None
        self.live = live  # Live Tail asked for
        self._account = account
        self._follower = None  # the LiveFollower of the current request, if any
        self._dedup = LogDedup()
        self._note: str | None = None  # why Live Tail is not in use although asked for
        self.problems: list[str] = []  # Live Tail failures the app has not reported yet

    def set_request(self, request: LogRequest | None, restart: bool = False) -> bool:
        """Follow ``request`` (None stops). Returns True when the followed log changed.

        ``restart`` starts a fresh tail even for the same request: a screen that has just come
        on top shows its own lines, even if the screen below followed the same log."""
        with self._lock:
            if request == self.request and not restart:
                return False
            self._stop_live()
            self.request, self._tail = request, None
            self.wait, self._next_at, self._error = LOG_POLL_MIN, 0.0, None
            self._dedup = LogDedup()
            return True

    def set_live(self, live: bool) -> None:
        """Use Live Tail (from the next poll) or stop it and poll from its last event."""
        with self._lock:
            self.live, self._note = live, None
            if not live and self._follower is not None:
                self._back_to_polling(self._follower)
            self._next_at = 0.0

    def mode(self) -> FollowMode:
        """How the current log is followed, for the log view to say."""
        with self._lock:
            follower = self._follower
            if follower is not None and follower.failed is None:
                return FollowMode(live=True, poll_every=self.wait, sampled=follower.sampled)
            return FollowMode(live=False, poll_every=self.wait, note=self._note)

    def take_problems(self) -> list[str]:
        with self._lock:
            out, self.problems = self.problems, []
            return out

    def poll(self) -> tuple[LogRequest | None, list[LogLine], str | None]:
        """New lines since the last poll of the current request, and the error, if any."""
        with self._lock:
            req = self.request
            if req is None:
                return None, [], None
            follower = self._follower
            if follower is not None and follower.failed is not None:
                self._fall_back(follower)
                follower = None
            now = self._clock()
            if follower is None and self._tail is not None and now < self._next_at:
                return req, [], self._error  # a quiet log: not yet
            if self._tail is None:
                self._tail = self._new_tail(req)
            tail = self._tail
        if follower is not None:  # Live Tail: its lines, and once per session the gap before it
            lines, catch_up = follower.drain()
            if catch_up:
                lines = sorted(tail.poll() + lines, key=lambda line: line.timestamp)
            return req, self._fresh(req, lines), None
        if tail.finished:  # an ended resource's log, read to its end: nothing more will come
            return req, [], None
        new = tail.poll()
        err = tail.error.text if getattr(tail, "error", None) is not None else None
        with self._lock:
            if self.request is req:
                self.wait = LOG_POLL_MIN if new else min(self.wait * 2, LOG_POLL_MAX)
                self._next_at = self._clock() + self.wait
                self._error = err
                if self.live and req.follows and err is None and self._follower is None:
                    self._start_live(req)
        return req, self._fresh(req, new), err

    # -- internals (called with the lock held)

    def _new_tail(self, req: LogRequest, start: float | None = None):
        import time

        from tui.aws.logs import LogTail, unreadable_log

        try:
            client = clients_of(self.clients, req.account).logs(req.region or None)
        except Exception as exc:  # noqa: BLE001 - no way into the log's account: said in the log view
            return unreadable_log(exc, req.group)
        where = {"streams": list(req.streams)} if req.streams else {"prefix": req.prefix or ""}
        return LogTail(client, req.group, **where, start_time=req.start_time(time.time()) if start is None else start,
                       end_time=req.end, lookback=req.lookback)

    def _fresh(self, req: LogRequest, lines: list[LogLine]) -> list[LogLine]:
        with self._lock:
            return self._dedup.fresh(lines) if self.request is req else []

    def _start_live(self, req: LogRequest) -> None:
        from tui.refresh_live import LiveFollower

        self._follower = LiveFollower(lambda: self._open_live(req), req.group)
        self._follower.start()

    def _open_live(self, req: LogRequest):
        """One Live Tail session of ``req`` (in the follower's thread)."""
        from tui.aws.live_tail import LiveTailStream, live_tail_params, log_group_arn
        from tui.aws.logs import LogsError

        client = clients_of(self.clients, req.account).logs(req.region or None)
        if self._account is None and not req.account:
            account_id = getattr(self.clients, "account_id", None)
            self._account = account_id() if account_id is not None else None
        if not (req.account or self._account):
            raise LogsError(LogError("AccountUnknown", "the account id could not be read (sts:GetCallerIdentity)",
                                     req.group, operation="StartLiveTail"))
        arn = log_group_arn(req.group, client.meta.region_name, req.account or self._account,
                            getattr(client.meta, "partition", None) or "aws")
        stream = LiveTailStream(client, live_tail_params([arn], req.streams, req.prefix), req.group,
                                streams=req.streams, prefix=req.prefix)
        stream.open()
        return stream

    def _stop_live(self) -> None:
        if self._follower is not None:
            self._follower.stop()
            self._follower = None

    def _back_to_polling(self, follower) -> None:
        """Poll from the last Live Tail event (the dedup drops what comes twice at that instant)."""
        follower.stop()
        self._follower = None
        if follower.newest_ms is not None and self.request is not None:
            self._tail = self._new_tail(self.request, follower.newest_ms / 1000)
        self.wait, self._next_at = LOG_POLL_MIN, 0.0

    def _fall_back(self, follower) -> None:
        error = follower.failed
        self._note = f"Live Tail stopped, polling instead: {error.code}: {error.message}"
        self.problems.append(f"{self._note} ({error.group})")
        self.live = False  # L tries again
        self._back_to_polling(follower)
