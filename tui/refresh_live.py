"""The Live Tail follower: consumes one CloudWatch Logs Live Tail session in a worker thread.

:class:`LiveFollower` opens a session (:class:`~tui.aws.live_tail.LiveTailStream`), reads its
updates in a daemon thread into a bounded buffer that the log feed drains, and renews the session
before CloudWatch ends it at three hours (:data:`RENEW_AFTER`, on the injected clock; a
SessionTimeoutException renews it too). Anything else (AccessDenied, an endpoint without the API,
a stream that ends) stops it with :attr:`LiveFollower.failed` set: the feed then polls instead.
It never raises. One follower holds at most one session, and the feed at most one follower.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable

from tui.model.logs import LogError, LogLine

#: Seconds after which a session is replaced by a new one (CloudWatch ends it at 3 hours).
RENEW_AFTER = 3 * 3600.0 - 60.0
#: Lines held between two drains (CloudWatch buffers 5,000 events for a slow reader too).
MAX_BUFFER = 5000


class LiveFollower:
    """Follows a log through Live Tail sessions made by ``open_stream`` (a callable returning a
    :class:`~tui.aws.live_tail.LiveTailStream`, or raising ``LogsError``)."""

    def __init__(self, open_stream: Callable[[], object], group: str, *, clock: Callable[[], float] = time.monotonic,
                 renew_after: float = RENEW_AFTER, max_buffer: int = MAX_BUFFER) -> None:
        self._open = open_stream
        self.group = group
        self._clock = clock
        self.renew_after = renew_after
        self._lines: deque[LogLine] = deque(maxlen=max_buffer)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._stream = None
        self._thread: threading.Thread | None = None
        self.started = False  # the current session has sent sessionStart
        self.sessions = 0  # sessions opened (renewals = sessions - 1)
        self.sampled = False  # the last update was sampled down by CloudWatch
        self.newest_ms: int | None = None  # the newest event's timestamp seen, epoch ms
        self.failed: LogError | None = None  # why Live Tail stopped (the feed polls instead)
        self._catch_up = False  # a session has started since the last drain

    # -- control

    def start(self) -> None:
        """Consume sessions in a daemon thread until :meth:`stop` or a failure."""
        self._thread = threading.Thread(target=self.run, name="sagemon-live-tail", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close the session (a read waiting on it returns) and end the thread."""
        self._stop.set()
        with self._lock:
            stream = self._stream
        if stream is not None:
            stream.close()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def drain(self) -> tuple[list[LogLine], bool]:
        """The lines read since the last drain, oldest first, and whether a session started since
        (the feed then reads the gap before it once by polling)."""
        with self._lock:
            lines = list(self._lines)
            self._lines.clear()
            catch_up, self._catch_up = self._catch_up, False
        return lines, catch_up

    # -- the thread

    def run(self) -> None:
        """Sessions one after the other until stopped or failed (the thread's body; tests call it)."""
        from tui.aws.live_tail import SessionExpired
        from tui.aws.logs import LogsError

        while not self._stop.is_set():
            try:
                stream = self._open()
            except LogsError as exc:
                self._fail(exc.error)
                return
            except Exception as exc:  # noqa: BLE001 - a bad request (limits): poll instead
                self._fail(LogError(type(exc).__name__, str(exc), self.group, operation="StartLiveTail"))
                return
            with self._lock:
                self._stream, self.started = stream, False
                self.sessions += 1
            if self._stop.is_set():
                stream.close()
                return
            began = self._clock()
            try:
                renew = self._consume(stream, began)
            except SessionExpired:
                renew = True  # CloudWatch ended it at its three hours: a new one follows
            except LogsError as exc:
                self._fail(exc.error)
                return
            except Exception as exc:  # noqa: BLE001 - never a traceback: poll instead
                self._fail(LogError(type(exc).__name__, str(exc) or type(exc).__name__, self.group,
                                    operation="StartLiveTail"))
                return
            finally:
                stream.close()
                with self._lock:
                    self._stream = None
            if not renew and not self._stop.is_set():
                self._fail(LogError("SessionEnded", "the Live Tail stream ended", self.group,
                                    operation="StartLiveTail"))
                return

    def _consume(self, stream, began: float) -> bool:
        """Read one session; True when it is time for a new one, False when it ended."""
        for update in stream.updates():
            if self._stop.is_set():
                return False
            with self._lock:
                if update.started:
                    self.started, self._catch_up = True, True
                else:
                    self._lines.extend(update.lines)
                    self.sampled = update.sampled
                    if update.newest_ms is not None:
                        self.newest_ms = max(self.newest_ms or 0, update.newest_ms)
            if self._clock() - began >= self.renew_after:
                return True
        return False

    def _fail(self, error: LogError) -> None:
        with self._lock:
            if not self._stop.is_set():
                self.failed = error
            self._stop.set()


__all__ = ["LiveFollower", "MAX_BUFFER", "RENEW_AFTER"]
