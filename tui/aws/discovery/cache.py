"""What discovery keeps across refreshes: final Describe answers, job listings, described endpoints."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tui.aws.discovery.base import (
    ENDPOINT_REDESCRIBE_AFTER, ENDPOINT_REDESCRIBES, JOB_FULL_LIST_EVERY, RUNNING_EXECUTION_STATUSES,
    SETTLED_ENDPOINT_STATUSES, RUNNING_STATUSES, TERMINAL_JOB_STATUSES, _call,
    _region, _str, _ts,
)
from tui.model.cost import Usage
from tui.model.resources import PipelineExecution


class _JobWatch:
    """What the listings of one job kind in one region found, kept across refreshes (in a
    :class:`DescribeCache`) so a refresh lists only what is new.

    ``jobs`` holds the latest summary of every job that may be shown: the running ones, whatever
    their age (a job seen InProgress or Stopping stays here, updated from its Describe answers,
    until it has ended), and the others created since ``finished_from`` (every one of them;
    ``all_history``: every one listed, lookback None). ``listed_at`` is the ``now`` of the last
    listing, ``full_at`` of the last one over the whole window.
    """

    def __init__(self, status_key: str) -> None:
        self.status_key = status_key
        self.lock = threading.Lock()
        self.jobs: dict[str, dict] = {}
        self.listed_at: datetime | None = None
        self.full_at: datetime | None = None
        self.finished_from: datetime | None = None
        self.all_history = False

    def running(self, summary: dict) -> bool:
        return summary.get(self.status_key) in RUNNING_STATUSES

    def needs_full_listing(self, now: datetime, lookback: timedelta | None) -> bool:
        if self.listed_at is None or self.full_at is None or now < self.listed_at:
            return True
        if now - self.full_at >= JOB_FULL_LIST_EVERY:
            return True
        if self.all_history:
            return False
        return lookback is None or self.finished_from is None or now - lookback < self.finished_from

    def merge(self, listed: dict[str, dict], now: datetime, lookback: timedelta | None, full: bool) -> None:
        """Take a listing's summaries in: a full listing replaces everything but the remembered
        running jobs; jobs ended before ``now - lookback`` are dropped."""
        if full:
            jobs = {n: s for n, s in self.jobs.items() if self.running(s)}
            self.full_at = now
            self.all_history = lookback is None
        else:
            jobs = dict(self.jobs)
        jobs.update(listed)
        self.listed_at = now
        if lookback is not None:
            cut = now - lookback
            jobs = {n: s for n, s in jobs.items()
                    if self.running(s) or (_ts(s.get("CreationTime")) or now) >= cut}
            self.finished_from = cut
            self.all_history = False
        self.jobs = jobs

    def described(self, name: str, answer: dict) -> None:
        """A job's Describe answer: its status (and LastModifiedTime) replace the listed ones."""
        status = _str(answer.get(self.status_key))
        with self.lock:
            summary = self.jobs.get(name)
            if summary is None or not status:
                return
            summary = dict(summary)
            summary[self.status_key] = status
            if answer.get("LastModifiedTime") is not None:
                summary["LastModifiedTime"] = answer["LastModifiedTime"]
            self.jobs[name] = summary

    def forget(self, name: str) -> None:
        with self.lock:
            self.jobs.pop(name, None)


class _EndpointWatch:
    """The endpoints of one region as last described, so a refresh describes only what moved.

    An endpoint is described again when its listing's EndpointStatus or LastModifiedTime
    differs from the description kept (a scaling or weight change goes through Updating), while
    it is in a transitional state, and, as a safety net, once its description is older than
    :data:`ENDPOINT_REDESCRIBE_AFTER` (at most :data:`ENDPOINT_REDESCRIBES` such per listing,
    the oldest first): the Describe calls of a refresh follow the changes, not the fleet's size.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kept: dict[str, tuple[str | None, datetime | None, Any, float]] = {}

    def plan(self, summaries: list[dict], now: float) -> list[tuple[dict, Any]]:
        """``(summary, kept endpoint or None)`` per listed endpoint; None: describe it now. Forgets
        endpoints no longer listed."""
        out: list[tuple[dict, Any]] = []
        aged: list[tuple[float, int]] = []
        with self.lock:
            listed = {str(s.get("EndpointName")) for s in summaries}
            self.kept = {n: v for n, v in self.kept.items() if n in listed}
            for s in summaries:
                hit = self.kept.get(str(s.get("EndpointName")))
                status = _str(s.get("EndpointStatus"))
                if hit is None or hit[0] != status or hit[1] != _ts(s.get("LastModifiedTime")) \
                        or status not in SETTLED_ENDPOINT_STATUSES:
                    out.append((s, None))
                    continue
                if now - hit[3] >= ENDPOINT_REDESCRIBE_AFTER.total_seconds():
                    aged.append((hit[3], len(out)))
                out.append((s, hit[2]))
        for _at, i in sorted(aged)[:ENDPOINT_REDESCRIBES]:
            out[i] = (out[i][0], None)
        return out

    def store(self, summary: dict, endpoint: Any, now: float) -> None:
        with self.lock:
            self.kept[str(summary.get("EndpointName"))] = (
                _str(summary.get("EndpointStatus")), _ts(summary.get("LastModifiedTime")), endpoint, now)

    def forget(self, name: str) -> None:
        with self.lock:
            self.kept.pop(name, None)


def _same_job(summary: dict | None, status_key: str) -> Callable[[dict], bool]:
    """Whether a kept Describe answer still holds for the job's list ``summary``."""
    def same(answer: dict) -> bool:
        if summary is None:
            return True
        status = _str(summary.get(status_key))
        if status and status != answer.get(status_key):
            return False
        listed, kept = _ts(summary.get("LastModifiedTime")), _ts(answer.get("LastModifiedTime"))
        return listed is None or kept is None or listed <= kept
    return same


class DescribeCache:
    """Describe answers that cannot change any more, by (region, operation, name).

    Endpoint configs and models are immutable once created (updating an endpoint means a new
    config); a job's description is final once the job has ended (and kept while its listing
    shows the same status and LastModifiedTime); a pipeline's executions are reused while its
    LastExecutionTime is unchanged and none of them is still running. It also holds what job
    listings found (:meth:`job_watch`), so a refresh lists only new jobs and follows the running
    ones it knows, and the endpoints as last described (:meth:`endpoint_watch`). Thread-safe; only successful answers are kept. Keep one instance across refreshes.
    """

    def __init__(self) -> None:
        self._data: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[str, str, str], threading.Lock] = {}
        self._watches: dict[tuple[str, str], _JobWatch] = {}
        self._endpoints: dict[str, _EndpointWatch] = {}

    def _get(self, client, operation: str, param: str, name: str, usage: Usage | None,
             keep: Callable[[dict], bool] | None = None, valid: Callable[[dict], bool] | None = None) -> dict:
        key = (_region(client, None), operation, name)
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and (valid is None or valid(hit)):
                return hit
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # threads asking for the same name wait for one call
            with self._lock:
                hit = self._data.get(key)
            if hit is not None and (valid is None or valid(hit)):
                return hit
            answer = _call(client, operation, usage, **{param: name})
            with self._lock:
                if keep is None or keep(answer):
                    self._data[key] = answer
                else:
                    self._data.pop(key, None)
            return answer

    def endpoint_config(self, sm, name: str, usage: Usage | None = None) -> dict:
        return self._get(sm, "DescribeEndpointConfig", "EndpointConfigName", name, usage)

    def model(self, sm, name: str, usage: Usage | None = None) -> dict:
        return self._get(sm, "DescribeModel", "ModelName", name, usage)

    def job(self, sm, operation: str, param: str, name: str, status_key: str, usage: Usage | None = None, *,
            summary: dict | None = None) -> dict:
        """A job's Describe answer; kept once the job has ended (Completed, Failed, Stopped).

        With the job's list ``summary``, a kept answer is used only while the summary agrees with
        it: same status, LastModifiedTime not later (a job's summary moves when the job does).
        """
        return self._get(sm, operation, param, name, usage,
                         keep=lambda answer: answer.get(status_key) in TERMINAL_JOB_STATUSES,
                         valid=_same_job(summary, status_key))

    def has_job(self, sm, operation: str, name: str, status_key: str, summary: dict | None = None) -> bool:
        """True when :meth:`job` would answer from what is kept, without a call."""
        with self._lock:
            hit = self._data.get((_region(sm, None), operation, name))
        return hit is not None and _same_job(summary, status_key)(hit)

    def job_watch(self, region: str, operation: str, status_key: str) -> _JobWatch:
        """What the ``operation`` (ListTrainingJobs, ...) listings of ``region`` found so far."""
        with self._lock:
            watch = self._watches.get((region, operation))
            if watch is None:
                watch = self._watches[(region, operation)] = _JobWatch(status_key)
            return watch

    def endpoint_watch(self, region: str) -> _EndpointWatch:
        """The endpoints of ``region`` as last described."""
        with self._lock:
            watch = self._endpoints.get(region)
            if watch is None:
                watch = self._endpoints[region] = _EndpointWatch()
            return watch

    def executions(self, region: str, pipeline: str, last_execution: datetime | None, limit: int
                   ) -> list[PipelineExecution] | None:
        """The ``limit`` newest executions stored for a pipeline whose LastExecutionTime is
        still ``last_execution`` (None when not stored, or stored for a smaller limit)."""
        with self._lock:
            hit = self._data.get((region, "ListPipelineExecutions", pipeline))
        if hit is None or last_execution is None or hit[0] != last_execution or hit[1] < limit:
            return None
        return [copy.copy(e) for e in hit[2][:limit]]

    def store_executions(self, region: str, pipeline: str, last_execution: datetime | None, limit: int,
                         executions: list[PipelineExecution]) -> None:
        if last_execution is None or any(e.status in RUNNING_EXECUTION_STATUSES for e in executions):
            return
        with self._lock:
            self._data[(region, "ListPipelineExecutions", pipeline)] = (
                last_execution, limit, [copy.copy(e) for e in executions])

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._key_locks.clear()
            self._watches.clear()
            self._endpoints.clear()
