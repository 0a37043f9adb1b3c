"""CloudWatch Logs Live Tail (StartLiveTail): one streaming session over a log group's streams.

StartLiveTail is a read (``logs:StartLiveTail``): its response is an event stream that sends one
``sessionStart``, then a ``sessionUpdate`` every second with the events ingested since (at most
500: beyond that CloudWatch samples them and says so in ``sessionMetadata.sampled``), until the
client closes it or the session reaches its three hours (``SessionTimeoutException``).
A session covers up to 10 log groups, named by ARN; stream names or name prefixes (up to 100)
narrow it, and only with a single group. An account may have 15 sessions open at once: the app
holds at most one.

:class:`LiveTailStream` opens one session and yields :class:`LiveUpdate` s made of the same
:class:`~tui.model.logs.LogLine` s as the polling tail; AWS trouble is a
:class:`~tui.aws.logs.LogsError`, and the session's natural end a :class:`SessionExpired`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery import count_call
from tui.aws.logs import LogsError, _log_error, _when
from tui.model.cost import Usage
from tui.model.logs import LogError, LogLine

MAX_GROUPS = 10  # log groups per session
MAX_STREAM_FILTERS = 100  # logStreamNames or logStreamNamePrefixes per session
MAX_EVENTS_PER_UPDATE = 500  # more are sampled down by CloudWatch
SESSION_SECONDS = 3 * 3600.0  # CloudWatch ends a session after three hours
OPERATION = "StartLiveTail"


class SessionExpired(Exception):
    """The session reached its three hours (SessionTimeoutException): open a new one."""


def log_group_arn(group: str, region: str, account: str, partition: str = "aws") -> str:
    """The ARN StartLiveTail names a log group by (no trailing ``:*``)."""
    return f"arn:{partition}:logs:{region}:{account}:log-group:{group}"


def live_tail_params(group_arns: Sequence[str], streams: Sequence[str] = (),
                     prefix: str | None = None) -> dict[str, Any]:
    """StartLiveTail's parameters for ``group_arns``, narrowed to ``streams`` or to ``prefix``.

    Raises ValueError beyond the API's limits (more than 10 groups; stream filters with more
    than one group, or more than 100 of them), which the caller meets by polling instead."""
    arns = list(dict.fromkeys(group_arns))
    if not 1 <= len(arns) <= MAX_GROUPS:
        raise ValueError(f"Live Tail follows 1 to {MAX_GROUPS} log groups, not {len(arns)}")
    params: dict[str, Any] = {"logGroupIdentifiers": arns}
    names = list(dict.fromkeys(streams))
    if (names or prefix) and len(arns) > 1:
        raise ValueError("Live Tail filters streams of a single log group only")
    if names:
        if len(names) > MAX_STREAM_FILTERS:
            raise ValueError(f"Live Tail follows at most {MAX_STREAM_FILTERS} named streams")
        params["logStreamNames"] = names
    elif prefix:
        params["logStreamNamePrefixes"] = [prefix]
    return params


@dataclass
class LiveUpdate:
    """What one event of the stream brought: the session started, or lines (in time order)."""

    started: bool = False
    lines: list[LogLine] = field(default_factory=list)
    sampled: bool = False
    newest_ms: int | None = None  # the newest event's timestamp, epoch milliseconds


def _stream_error(name: str, body: Any, group: str) -> LogError:
    message = body.get("message") if isinstance(body, dict) else None
    return LogError(code=name, message=str(message or name), group=group, operation=OPERATION)


class LiveTailStream:
    """One Live Tail session: :meth:`updates` reads it until it ends; :meth:`close` ends it
    (from any thread: a read waiting on the network returns)."""

    def __init__(self, client, params: dict[str, Any], group: str, *, streams: Sequence[str] = (),
                 prefix: str | None = None, usage: Usage | None = None) -> None:
        self.client = client
        self.params = params
        self.group = group
        self.streams = frozenset(streams)
        self.prefix = prefix
        self.usage = usage
        self._stream = None
        self._closed = False

    def _wanted(self, stream: str) -> bool:
        if self.streams:
            return stream in self.streams
        return stream.startswith(self.prefix or "")

    def open(self) -> None:
        """Start the session (StartLiveTail); raises :class:`LogsError` when it is refused."""
        count_call(self.usage, OPERATION)
        try:
            response = self.client.start_live_tail(**self.params)
        except (ClientError, BotoCoreError) as exc:
            raise LogsError(_log_error(exc, self.group, None, OPERATION)) from exc
        stream = response.get("responseStream") if isinstance(response, dict) else None
        if stream is None:
            raise LogsError(LogError("NoResponseStream", "StartLiveTail answered without an event stream",
                                     self.group, operation=OPERATION))
        self._stream = stream
        if self._closed:
            self.close()

    def updates(self) -> Iterator[LiveUpdate]:
        """The session's updates, as they come. Ends when the stream ends or is closed; raises
        :class:`SessionExpired` at the three-hour limit and :class:`LogsError` on failures."""
        if self._stream is None:
            self.open()
        try:
            for event in self._stream:
                if self._closed:
                    return
                if not isinstance(event, dict):
                    continue
                if "sessionStart" in event:
                    yield LiveUpdate(started=True)
                elif "sessionUpdate" in event:
                    yield self._update(event["sessionUpdate"])
                elif "SessionTimeoutException" in event:
                    raise SessionExpired(str((event["SessionTimeoutException"] or {}).get("message") or ""))
                elif "SessionStreamingException" in event:
                    raise LogsError(_stream_error("SessionStreamingException", event["SessionStreamingException"],
                                                  self.group))
        except ClientError as exc:  # botocore raises an error event of the stream as EventStreamError
            if self._closed:
                return
            if (exc.response.get("Error") or {}).get("Code") == "SessionTimeoutException":
                raise SessionExpired(str(exc)) from exc
            raise LogsError(_log_error(exc, self.group, None, OPERATION)) from exc
        except (BotoCoreError, OSError, ValueError) as exc:  # the connection dropped, or was closed
            if self._closed:
                return
            raise LogsError(_log_error(exc, self.group, None, OPERATION)) from exc

    def _update(self, body: Any) -> LiveUpdate:
        body = body if isinstance(body, dict) else {}
        meta = body.get("sessionMetadata") or {}
        results: list[tuple[int, int, LogLine]] = []
        for i, e in enumerate(body.get("sessionResults") or []):
            if not isinstance(e, dict):
                continue
            stream = str(e.get("logStreamName") or "")
            if not self._wanted(stream):
                continue
            ts = int(e.get("timestamp") or 0)
            results.append((ts, i, LogLine(_when(ts), stream, str(e.get("message", "")))))
        results.sort(key=lambda t: (t[0], t[1]))
        return LiveUpdate(lines=[line for _, _, line in results], sampled=bool(meta.get("sampled")),
                          newest_ms=results[-1][0] if results else None)

    def close(self) -> None:
        self._closed = True
        stream = self._stream
        if stream is not None and hasattr(stream, "close"):
            try:
                stream.close()
            except Exception:  # noqa: BLE001 - closing a broken stream: nothing more to do
                pass


__all__ = [
    "LiveTailStream", "LiveUpdate", "MAX_EVENTS_PER_UPDATE", "MAX_GROUPS", "MAX_STREAM_FILTERS",
    "SESSION_SECONDS", "SessionExpired", "live_tail_params", "log_group_arn",
]
