"""Counts every AWS API call a boto3 session sends, for the status bar and the cost estimate.

No boto3 import: it registers a ``before-call`` handler on a session's event system.
"""

from __future__ import annotations

import threading

from tui.model.cost import Usage

#: CloudWatch reads billed per request (the rest of the API is free to call).
BILLED_PER_REQUEST = frozenset({"ListMetrics", "GetMetricStatistics", "DescribeAlarms", "DescribeAlarmHistory"})


class CallCounter:
    """Counts every AWS API call made through a boto3 session (discovery, metrics, logs)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._usage = Usage()

    def install(self, events) -> None:
        events.register("before-call", self._on_call, unique_id="sagemon-call-counter")

    def _on_call(self, model=None, **_kwargs) -> None:
        if model is None:
            return
        with self._lock:
            self._usage.count_call(model.name)
            if model.name in BILLED_PER_REQUEST:
                self._usage.billable_requests += 1

    def take(self) -> Usage:
        """The calls counted since the last ``take`` (and reset)."""
        with self._lock:
            out, self._usage = self._usage, Usage()
        return out
