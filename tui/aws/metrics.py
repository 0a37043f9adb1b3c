"""The GetMetricData engine: plans, batches and incrementally fetches metric series.

Given the series wanted now (:class:`MetricRequest`), it

* asks only for what is new: the first fetch of a series covers the whole window; later
  fetches start at the end of the last successful fetch minus an overlap (CloudWatch points
  arrive late), so a refresh after an outage covers the whole gap and no minute is lost;
* groups series with the same region and period into calls of at most 500 queries (short
  incremental ranges share one range, whatever their start; a first fetch has its own), whatever
  account they live in (a query of another account carries its ``AccountId``: cross-account
  observability), follows NextToken, asks for ``TimestampAscending`` and maps stable query ids
  back to series;
* runs independent calls (regions, time ranges) in parallel threads, the big ones (a first
  full-window fetch) one at a time, each page packed into arrays as it arrives, and gives the
  freed heap back to the system after a fetch (:mod:`tui.aws.heap`);
* merges points into the :class:`~tui.model.series.SeriesStore` (late points replace older
  values) and counts calls, metrics requested and datapoints for the cost meter.
"""

from __future__ import annotations

import hashlib
import threading
import time
from array import array
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws import heap
from tui.model.catalog import RETENTION
from tui.model.cost import Usage
from tui.model.series import SeriesKey, SeriesStore

MAX_QUERIES_PER_CALL = 500
DEFAULT_OVERLAP = 300
#: Incremental ranges up to this long (seconds) go in one call whatever their start: series
#: refreshed every minute and those refreshed every few minutes share their calls, so a refresh
#: of Q series makes ceil(Q/500) calls per region and period.
MERGE_SPAN = 3600
#: A call expected to bring more points than this (queries x periods in its range: a first
#: full-window fetch) waits for the other big calls of its engine: each answer is parsed whole
#: (about 14 MB for 500 series x 3 h), and CPython keeps the memory of the highest peak for
#: good. Short incremental calls still run side by side. Per engine, not per process: a call
#: left hanging by an engine that was dropped (a connection switched away from) never holds up
#: another one.
BIG_CALL_POINTS = 20_000
#: Periods CloudWatch stores for high-resolution metrics (kept 3 hours).
HIGH_RES_PERIODS = (1, 5, 10, 30)
HIGH_RES_RETENTION = 3 * 3600
#: Publishing intervals of SageMaker's enhanced endpoint metrics.
ENHANCED_INTERVALS = (10, 30, 60, 120, 180, 240, 300)


def choose_period(window: int, now: float, published: int = 60, max_points: int | None = None) -> int:
    """The period to fetch a window with.

    Never finer than the metric is published (``published``), never finer than retention
    allows for the start of the window (60 s for 15 days, 300 s to 63 days, 3600 s
    beyond; sub-minute periods only within 3 hours), and, when ``max_points`` is given,
    coarse enough to keep the number of points per series at or below it.
    """
    age = window  # the window starts `window` seconds before now
    if published < 60 and age <= HIGH_RES_RETENTION:
        floor = published
    else:
        floor = 60
        for limit, period in RETENTION:
            if age <= limit:
                floor = max(period, published) if published >= 60 else period
                break
        else:
            floor = 86400
    floor = max(floor, published)
    period = floor
    while max_points and window / period > max_points:
        period = _next_period(period)
    return period


def _next_period(period: int) -> int:
    for p in (1, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400):
        if p > period:
            return p
    return period * 2


@dataclass(frozen=True)
class MetricRequest:
    key: SeriesKey
    period: int = 60


@dataclass
class SeriesError:
    key: SeriesKey
    code: str
    message: str


@dataclass
class FetchResult:
    """What one :meth:`MetricEngine.fetch` did."""

    usage: Usage = field(default_factory=Usage)
    updated: set[SeriesKey] = field(default_factory=set)
    errors: list[SeriesError] = field(default_factory=list)
    call_errors: list[str] = field(default_factory=list)  # whole calls that failed
    started: float = 0.0
    finished: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.call_errors


def epochs(timestamps: list) -> list[int]:
    """GetMetricData timestamps as epoch seconds: the session's clients already answer ints
    (:mod:`tui.aws.raw_timestamps`); any other client (a plain boto3 one) answers datetimes."""
    if not timestamps or type(timestamps[0]) is int:
        return timestamps
    return [t if type(t) is int else int(t.timestamp()) for t in timestamps]


def query_id(key: SeriesKey, period: int) -> str:
    """A stable GetMetricData query id for a series (the same on every refresh)."""
    raw = "\x1f".join([key.region, key.namespace, key.metric, key.stat, str(period)]
                      + [f"{k}={v}" for k, v in key.dimensions] + ([key.account] if key.account else []))
    return "q" + hashlib.sha1(raw.encode()).hexdigest()[:16]


def build_query(key: SeriesKey, period: int, qid: str) -> dict:
    """One MetricDataQuery; a key of another account (cross-account observability) names it in
    ``AccountId``, so one call of the monitoring account reads every account's series."""
    query = {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": key.namespace,
                "MetricName": key.metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in key.dimensions],
            },
            "Period": period,
            "Stat": key.stat,
        },
        "ReturnData": True,
    }
    if key.account:
        query["AccountId"] = key.account
    return query


@dataclass
class _Call:
    region: str
    start: int
    end: int
    period: int
    keys: list[SeriesKey]


class MetricEngine:
    """Incremental GetMetricData fetching into a :class:`SeriesStore`.

    ``cloudwatch_for(region)`` returns a CloudWatch client; the engine keeps, per series,
    the time up to which it has complete data (``fetched_until``).
    """

    def __init__(self, cloudwatch_for, store: SeriesStore, *, overlap: int = DEFAULT_OVERLAP,
                 max_workers: int = 4, clock=time.time) -> None:
        heap.limit_arenas()  # before the fetch threads: each would keep an arena of its own
        self._cloudwatch_for = cloudwatch_for
        self.store = store
        self.overlap = overlap
        self.max_workers = max_workers
        self.clock = clock
        self.fetched_until: dict[tuple[SeriesKey, int], int] = {}
        self.total = Usage()
        self._lock = threading.Lock()
        self._big_calls = threading.BoundedSemaphore(1)

    # -- planning -------------------------------------------------------------------
    def plan(self, requests: list[MetricRequest], now: float | None = None) -> list[_Call]:
        """Group requests into GetMetricData calls (same region, range and period; <= 500)."""
        now = int(self.clock() if now is None else now)
        window = self.store.window
        # (region, end, period, range class) -> [(start, key)]; the class is the exact start for a
        # first fetch or a long gap, MERGE_SPAN for the short incremental ranges, which share one
        # range (the earliest start among them: billing is per metric, not per point)
        groups: dict[tuple[str, int, int, int], list[tuple[int, SeriesKey]]] = {}
        seen: set[tuple[SeriesKey, int]] = set()
        for req in requests:
            if (req.key, req.period) in seen:
                continue
            seen.add((req.key, req.period))
            p = req.period
            end = now - now % p + p  # include the current (partial) period
            earliest = now - window
            done = self.fetched_until.get((req.key, p))
            start = earliest if done is None else max(earliest, done - self.overlap)
            start -= start % p
            short = done is not None and start > earliest and end - start <= MERGE_SPAN
            groups.setdefault((req.key.region, end, p, -1 if short else start), []).append((start, req.key))
        calls = []
        for (region, end, p, _cls), members in sorted(groups.items(), key=lambda kv: kv[0]):
            start = min(s for s, _k in members)
            keys = [k for _s, k in members]
            for i in range(0, len(keys), MAX_QUERIES_PER_CALL):
                calls.append(_Call(region, start, end, p, keys[i:i + MAX_QUERIES_PER_CALL]))
        return calls

    # -- fetching -------------------------------------------------------------------
    def fetch(self, requests: list[MetricRequest], now: float | None = None,
              cancelled=lambda: False) -> FetchResult:
        result = FetchResult(started=time.time())
        now = int(self.clock() if now is None else now)
        calls = self.plan(requests, now)
        if not calls:
            result.finished = time.time()
            return result
        complete_until = now - now % 60
        if len(calls) == 1 or self.max_workers <= 1:
            for c in calls:
                if cancelled():
                    break
                self._run_call(c, complete_until, result, cancelled)
        else:
            with ThreadPoolExecutor(max_workers=min(self.max_workers, len(calls))) as pool:
                futures = [pool.submit(self._run_call, c, complete_until, result, cancelled) for c in calls]
                for f in futures:
                    f.result()
        with self._lock:
            self.total.add(result.usage)
        heap.after_fetch(result.usage.datapoints)  # the answers and replaced arrays freed: back to the system
        result.finished = time.time()
        return result

    def _run_call(self, call: _Call, complete_until: int, result: FetchResult, cancelled) -> None:
        if len(call.keys) * ((call.end - call.start) // call.period) <= BIG_CALL_POINTS:
            self._call(call, complete_until, result, cancelled)
            return
        with self._big_calls:
            self._call(call, complete_until, result, cancelled)

    def _call(self, call: _Call, complete_until: int, result: FetchResult, cancelled) -> None:
        client = self._cloudwatch_for(call.region)
        ids: dict[str, SeriesKey] = {}
        queries = []
        for key in call.keys:
            qid = query_id(key, call.period)
            if qid in ids:  # pragma: no cover - a 64-bit hash collision
                qid = f"{qid}_{len(ids)}"
            ids[qid] = key
            queries.append(build_query(key, call.period, qid))
        kwargs = dict(
            MetricDataQueries=queries,
            StartTime=datetime.fromtimestamp(call.start, timezone.utc),
            EndTime=datetime.fromtimestamp(call.end, timezone.utc),
            ScanBy="TimestampAscending",
        )
        usage = Usage()
        # packed as they arrive (16 bytes a point), so each page's parsed answer is freed before
        # the next is asked for
        points: dict[SeriesKey, tuple[array, array]] = {k: (array("q"), array("d")) for k in call.keys}
        failed: dict[SeriesKey, tuple[str, str]] = {}
        answered: set[SeriesKey] = set()
        try:
            token = None
            while True:
                if cancelled():
                    return
                if token:
                    kwargs["NextToken"] = token
                resp = client.get_metric_data(**kwargs)
                usage.count_call("GetMetricData")
                usage.metric_data_calls += 1
                usage.metrics_requested += len(queries)
                for r in resp.get("MetricDataResults", []):
                    key = ids.get(r.get("Id", ""))
                    if key is None:
                        continue
                    answered.add(key)
                    ts = r.get("Timestamps", [])
                    vals = r.get("Values", [])
                    ts_list, v_list = points[key]
                    ts_list.extend(epochs(ts))
                    v_list.extend(vals)
                    usage.datapoints += len(vals)
                    if r.get("StatusCode") == "InternalError":
                        # AWS: retry with the NextToken, if there is one (the loop does): only a
                        # series still in error at the end is marked
                        failed[key] = ("InternalError", "CloudWatch could not return this series")
                    elif failed.get(key, ("",))[0] == "InternalError":
                        del failed[key]  # the next page answered it
                    if r.get("StatusCode") == "Forbidden":
                        failed[key] = ("Forbidden", "CloudWatch may not read this series: cross-account "
                                                    "observability does not share it with this account")
                for m in resp.get("Messages", []) or []:
                    result.call_errors.append(f"{m.get('Code')}: {m.get('Value')}")
                token = resp.get("NextToken")
                del resp
                if not token:
                    break
        except (ClientError, BotoCoreError) as exc:
            code = exc.response.get("Error", {}).get("Code", "Error") if isinstance(exc, ClientError) \
                else type(exc).__name__
            with self._lock:
                result.usage.add(usage)
                result.call_errors.append(f"{call.region or 'default'}: {code}: {exc}")
                for k in call.keys:
                    result.errors.append(SeriesError(k, code, str(exc)))
            return
        if queries and not answered:
            # not a GetMetricData answer at all (a proxy's page, an emulator's gap): an error, so
            # the window is not marked fetched and the minutes are read again next time
            with self._lock:
                result.usage.add(usage)
                result.call_errors.append(f"{call.region or 'default'}: InvalidResponse: the answer held no "
                                          f"GetMetricData results")
                for k in call.keys:
                    result.errors.append(SeriesError(k, "InvalidResponse", "no result in the answer"))
            return
        for key in call.keys:
            if key not in answered and key not in failed:
                failed[key] = ("MissingResult", "the answer held no result for this series")
        with self._lock:
            result.usage.add(usage)
            for key, (ts_list, v_list) in points.items():
                if key in failed:
                    result.errors.append(SeriesError(key, *failed[key]))
                    continue
                series = self.store.ensure(key, call.period)
                series.merge(ts_list, v_list)
                result.updated.add(key)
                done = min(call.end, complete_until)
                prev = self.fetched_until.get((key, call.period), 0)
                self.fetched_until[(key, call.period)] = max(prev, done)

    def forget(self, keys) -> None:
        """Drop fetch state (and series) for keys no longer needed."""
        keys = set(keys)
        for k in [k for k in self.fetched_until if k[0] in keys]:
            del self.fetched_until[k]
        self.store.drop(keys)
