"""The CloudWatch Logs reader: where SageMaker writes logs, stream listing and a polling tail.

SageMaker log groups: training jobs ``/aws/sagemaker/TrainingJobs`` (one stream per host,
``JOB/algo-N-<epoch>``), processing jobs ``/aws/sagemaker/ProcessingJobs``, transform jobs
``/aws/sagemaker/TransformJobs`` (streams start with ``JOB/``) and endpoints
``/aws/sagemaker/Endpoints/<endpoint-name>`` (``<variant>/<instance-id>`` streams).

:class:`LogTail` follows one stream with GetLogEvents and its forward token, or several
streams (a list, or every stream under a prefix, including streams that appear later) with
FilterLogEvents from the last timestamp seen, de-duplicating the overlap by event id. It keeps
a bounded buffer and never raises for AWS trouble: the reason is kept in :attr:`LogTail.error`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery import count_call
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.logs import LogError, LogLine

__all__ = [
    "ENDPOINT_GROUP_PREFIX", "LogError", "LogLine", "LogTail", "LogsError", "PROCESSING_GROUP",
    "TRAINING_GROUP", "TRANSFORM_GROUP", "UnreadableLog", "endpoint_group", "log_target", "streams_for",
    "unreadable_log",
]

TRAINING_GROUP = "/aws/sagemaker/TrainingJobs"
PROCESSING_GROUP = "/aws/sagemaker/ProcessingJobs"
TRANSFORM_GROUP = "/aws/sagemaker/TransformJobs"
ENDPOINT_GROUP_PREFIX = "/aws/sagemaker/Endpoints/"

DEFAULT_MAX_LINES = 5000
DEFAULT_LOOKBACK = 3600.0  # seconds of history a multi-stream tail starts with
DEFAULT_OVERLAP_MS = 30_000  # re-read window for events that arrive late
DEFAULT_MAX_PAGES = 20  # per poll; the rest is read on the next poll
MAX_STREAM_NAMES = 100  # FilterLogEvents limit on logStreamNames
GET_LOG_EVENTS_LIMIT = 10_000

_JOB_GROUPS = {Kind.TRAINING_JOB: TRAINING_GROUP, Kind.PROCESSING_JOB: PROCESSING_GROUP,
               Kind.TRANSFORM_JOB: TRANSFORM_GROUP}


def endpoint_group(endpoint_name: str) -> str:
    return ENDPOINT_GROUP_PREFIX + endpoint_name


def log_target(kind: Kind, name: str) -> tuple[str, str]:
    """``(log group, stream prefix)`` holding the logs of a job or endpoint."""
    if kind in _JOB_GROUPS:
        return _JOB_GROUPS[kind], f"{name}/"
    if kind is Kind.ENDPOINT:
        return endpoint_group(name), ""
    raise ValueError(f"no SageMaker log group for {kind.value}")


class LogsError(Exception):
    """A CloudWatch Logs read failed; :attr:`error` says why."""

    def __init__(self, error: LogError) -> None:
        super().__init__(error.text)
        self.error = error


def _log_error(exc: BaseException, group: str, stream: str | None, operation: str) -> LogError:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error") or {}
        return LogError(code=str(err.get("Code") or "ClientError"), message=str(err.get("Message") or exc),
                        group=group, stream=stream, operation=getattr(exc, "operation_name", None) or operation)
    return LogError(code=type(exc).__name__, message=str(exc) or type(exc).__name__, group=group, stream=stream,
                    operation=operation)


class UnreadableLog:
    """A log no client can read (its account is reached through its metrics only, or its
    profile cannot be used): a tail whose every poll brings no line and says why."""

    finished = False

    def __init__(self, error: LogError) -> None:
        self.error = error

    def poll(self) -> list[LogLine]:
        return []


def unreadable_log(exc: BaseException, group: str) -> UnreadableLog:
    """The :class:`UnreadableLog` of ``group``, ``exc`` the reason no client reaches it."""
    return UnreadableLog(_log_error(exc, group, None, "FilterLogEvents"))


def _ms(value: datetime | float | int) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return int(value.timestamp() * 1000)
    return int(float(value) * 1000)


def _when(ms: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(ms) / 1000, timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(0, timezone.utc)


def streams_for(logs_client, group: str, prefix: str = "", *, usage: Usage | None = None,
                limit: int | None = None) -> list[str]:
    """Stream names in ``group`` starting with ``prefix``, newest first (by last event time).

    DescribeLogStreams cannot order by event time when filtering on a prefix, so every page
    is read and sorted here. Raises :class:`LogsError` when the group cannot be read.
    """
    params: dict[str, Any] = {"logGroupName": group}
    if prefix:
        params["logStreamNamePrefix"] = prefix
    found: list[tuple[int, str]] = []
    try:
        paginator = logs_client.get_paginator("describe_log_streams")
        for page in paginator.paginate(**params):
            count_call(usage, "DescribeLogStreams")
            for s in page.get("logStreams") or []:
                name = s.get("logStreamName") if isinstance(s, dict) else None
                if isinstance(name, str) and name.startswith(prefix):
                    last = s.get("lastEventTimestamp") or s.get("lastIngestionTime") or s.get("creationTime") or 0
                    found.append((int(last) if isinstance(last, (int, float)) else 0, name))
    except (ClientError, BotoCoreError) as exc:
        raise LogsError(_log_error(exc, group, None, "DescribeLogStreams")) from exc
    found.sort(key=lambda t: (-t[0], t[1]))
    names = [name for _, name in found]
    return names[:limit] if limit is not None else names


class LogTail:
    """Follows one or more log streams of a group by polling; thread-safe, never raises.

    * one stream (``streams=[name]``): GetLogEvents, first the last ``max_lines`` events (or
      from ``start_time``), then whatever follows the forward token;
    * several streams, or ``prefix`` (every stream whose name starts with it, including
      streams created later): FilterLogEvents from ``start_time`` (default: ``lookback``
      seconds ago), then from the newest timestamp seen minus ``overlap_ms``, skipping
      events already seen. Stream names are also checked here, as some implementations
      ignore the prefix filter.

    :meth:`poll` returns the new lines in time order; :attr:`lines` is the buffer (at most
    ``max_lines``, oldest dropped first); :attr:`error` is why the last poll failed, or None.
    """

    def __init__(self, client, group: str, streams: Sequence[str] | None = None, *, prefix: str | None = None,
                 start_time: datetime | float | None = None, end_time: datetime | float | None = None,
                 lookback: float = DEFAULT_LOOKBACK,
                 max_lines: int = DEFAULT_MAX_LINES, overlap_ms: int = DEFAULT_OVERLAP_MS,
                 max_pages: int = DEFAULT_MAX_PAGES, usage: Usage | None = None, clock=time.time) -> None:
        if not streams and prefix is None:
            raise ValueError("LogTail needs stream names or a stream prefix")
        self.client = client
        self.group = group
        self.streams: tuple[str, ...] = tuple(dict.fromkeys(streams or ()))
        self.prefix = prefix
        self.max_lines = max(1, max_lines)
        self.overlap_ms = max(0, overlap_ms)
        self.max_pages = max(1, max_pages)
        self.usage = usage
        self.error: LogError | None = None
        self.dropped = 0  # lines pushed out of the buffer
        self._clock = clock
        self._start_ms = _ms(start_time) if start_time is not None else None
        self._end_ms = _ms(end_time) if end_time is not None else None
        #: With ``end_time``: every line up to it has been read (later polls have nothing to do).
        self.finished = False
        self._lookback_ms = int(lookback * 1000)
        self._lines: list[LogLine] = []
        self._lock = threading.Lock()  # the buffer
        self._poll_lock = threading.Lock()  # one poll at a time
        # single-stream state
        self._token: str | None = None
        # multi-stream state
        self._cursor_ms: int | None = None
        self._seen: dict[str, int] = {}  # event id -> timestamp, within the overlap window
        self._pending: dict[str, Any] | None = None  # FilterLogEvents params to resume with
        self._single_done = True  # GetLogEvents reached the end of the stream (as far as it goes now)

    @classmethod
    def for_resource(cls, client, kind: Kind, name: str, **kwargs) -> "LogTail":
        """A tail over every stream of a job or endpoint (see :func:`log_target`)."""
        group, prefix = log_target(kind, name)
        return cls(client, group, prefix=prefix, **kwargs)

    @property
    def single(self) -> bool:
        return len(self.streams) == 1 and self.prefix is None

    @property
    def lines(self) -> list[LogLine]:
        with self._lock:
            return list(self._lines)

    def clear(self) -> None:
        with self._lock:
            self._lines.clear()

    def poll(self) -> list[LogLine]:
        """Fetch what is new; returns the new lines (empty on error, see :attr:`error`)."""
        with self._poll_lock:
            try:
                new = self._poll_single() if self.single else self._poll_filter()
            except (ClientError, BotoCoreError) as exc:
                op = "GetLogEvents" if self.single else "FilterLogEvents"
                self.error = _log_error(exc, self.group, self.streams[0] if self.single else None, op)
                return []
            self.error = None
            self._add(new)
            if self._end_ms is not None and self._pending is None and self._single_done:
                self.finished = True
            return new

    # -- buffer

    def _add(self, new: list[LogLine]) -> None:
        if not new:
            return
        with self._lock:
            late = bool(self._lines) and new[0].timestamp < self._lines[-1].timestamp
            self._lines.extend(new)
            if late:
                self._lines.sort(key=lambda line: line.timestamp)  # stable: stream order kept
            excess = len(self._lines) - self.max_lines
            if excess > 0:
                del self._lines[:excess]
                self.dropped += excess

    # -- one stream: GetLogEvents

    def _poll_single(self) -> list[LogLine]:
        stream = self.streams[0]
        out: list[LogLine] = []
        for _ in range(self.max_pages):
            params: dict[str, Any] = {"logGroupName": self.group, "logStreamName": stream}
            if self._token is not None:
                params.update(nextToken=self._token, startFromHead=True)
            elif self._start_ms is not None:
                params.update(startTime=self._start_ms, startFromHead=True)
            else:  # first poll: the newest events
                params.update(startFromHead=False, limit=min(self.max_lines, GET_LOG_EVENTS_LIMIT))
            if self._end_ms is not None:
                params["endTime"] = self._end_ms
            count_call(self.usage, "GetLogEvents")
            resp = self.client.get_log_events(**params)
            events = [e for e in resp.get("events") or [] if isinstance(e, dict)]
            out.extend(LogLine(_when(e.get("timestamp")), stream, str(e.get("message", ""))) for e in events)
            token = resp.get("nextForwardToken")
            if token is None or token == self._token:  # the end of the stream, for now
                self._single_done = True
                break
            self._token = token  # a new token may follow an empty page: keep reading
            self._single_done = False
        return out

    # -- several streams: FilterLogEvents

    def _wanted(self, stream: str) -> bool:
        if self.prefix is not None:
            return stream.startswith(self.prefix)
        return stream in self.streams

    def _filter_params(self) -> dict[str, Any]:
        if self._cursor_ms is None:
            start = self._start_ms if self._start_ms is not None else int(self._clock() * 1000) - self._lookback_ms
        else:
            start = self._cursor_ms - self.overlap_ms
        params: dict[str, Any] = {"logGroupName": self.group, "startTime": max(0, start)}
        if self._end_ms is not None:
            params["endTime"] = self._end_ms
        if self.prefix:
            params["logStreamNamePrefix"] = self.prefix
        elif self.streams and len(self.streams) <= MAX_STREAM_NAMES:
            params["logStreamNames"] = list(self.streams)
        return params

    def _poll_filter(self) -> list[LogLine]:
        params = self._pending or self._filter_params()
        self._pending = None
        fresh: list[tuple[int, int, LogLine]] = []
        newest = self._cursor_ms if self._cursor_ms is not None else params["startTime"]
        for page_no in range(self.max_pages):
            count_call(self.usage, "FilterLogEvents")
            resp = self.client.filter_log_events(**params)
            for e in resp.get("events") or []:
                if not isinstance(e, dict):
                    continue
                stream = str(e.get("logStreamName") or "")
                if not self._wanted(stream):
                    continue
                ts = int(e.get("timestamp") or 0)
                message = str(e.get("message", ""))
                key = str(e.get("eventId") or f"{stream}\x1f{ts}\x1f{message}")
                if key in self._seen:
                    continue
                self._seen[key] = ts
                newest = max(newest, ts)
                fresh.append((ts, len(fresh), LogLine(_when(ts), stream, message)))
            token = resp.get("nextToken")
            if not token:
                break
            params = {**params, "nextToken": token}
            if page_no == self.max_pages - 1:
                self._pending = params  # resume here next poll
        self._cursor_ms = newest
        floor = newest - self.overlap_ms
        if len(self._seen) > 4 * self.max_lines or any(ts < floor for ts in self._seen.values()):
            self._seen = {k: ts for k, ts in self._seen.items() if ts >= floor}
        fresh.sort(key=lambda t: (t[0], t[1]))
        return [line for _, _, line in fresh]
