"""CloudWatch for the local AWS: an index of stored datapoints, GetMetricData and ListMetrics.

moto keeps every datapoint put with PutMetricData in one flat list and scans all of it for
every query and every period. This module keeps, per CloudWatch backend, an index

    (namespace, metric name, frozenset of (dimension name, value)) -> datapoints sorted by time

that follows moto's list: PutMetricData stays moto's own code and indexes what it appended
right after (anything appended otherwise is indexed on the next read). It answers:

* **GetMetricData** like CloudWatch: dimension order does not matter; buckets start at the
  start time rounded down as CloudWatch documents it (to the period below one minute, else to
  the minute, to 5 minutes past 15 days, to the hour past 63 days) and step by the period;
  Sum/Average/Minimum/Maximum/SampleCount aggregate every point of a bucket exactly;
  percentiles (``p50``, ``p99.9``), trimmed statistics (``tm90``, ``TM(10%:90%)``, ``tc``,
  ``ts``, ``wm``) and ``IQM`` come from the bucket's raw values (nearest-rank; a statistic set
  counts as its minimum, its maximum and the rest of its samples at the remaining mean);
  at most 500 queries with unique ids (a ``ValidationError`` otherwise); ``ScanBy``;
  ``MaxDatapoints`` (default 100,800) with ``NextToken`` paging, a cut series being reported
  as ``PartialData``; ``StatusCode`` ``Complete`` otherwise. Expression queries keep moto's
  handling.
* **ListMetrics**: one entry per series, Dimensions filters by name or name and value,
  ``RecentlyActive=PT3H``, only series with data in the last two weeks, 500 per page.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import math
import re
import threading
import time
from datetime import datetime, timezone
from typing import Any

from . import _patches

MAX_QUERIES = 500
MAX_DATAPOINTS = 100_800
LIST_METRICS_PAGE = 500
RECENTLY_ACTIVE = {"PT3H": 3 * 3600}
LIST_METRICS_MAX_AGE = 14 * 86400
HIGH_RES_PERIODS = (1, 5, 10, 20, 30)
SCAN_ORDERS = ("TimestampDescending", "TimestampAscending")

SeriesKey = tuple[str, str, frozenset]


# -- time helpers --------------------------------------------------------------------------
_EPOCH = datetime(1970, 1, 1)


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # moto's naive UTC
            return (value - _EPOCH).total_seconds()
        return value.timestamp()
    return float(value)


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def bucket_origin(start: float, period: int, now: float) -> float:
    """The first bucket's start: StartTime rounded down the way CloudWatch documents it."""
    start = math.floor(start)
    if period < 60:
        step = period
    else:
        age = now - start
        step = 60 if age <= 15 * 86400 else 300 if age <= 63 * 86400 else 3600
    return start - start % step


# -- the index -----------------------------------------------------------------------------
class _Series:
    """The datapoints of one metric series, kept sorted by time (lazily)."""

    __slots__ = ("dims", "ts", "vals", "units", "ordered", "latest")

    def __init__(self, dims: list[tuple[str, str]]):
        self.dims = dims  # in the order of the first put
        self.ts: list[float] = []
        # a float for a single value; (min, max, sum, count) for a statistic set
        self.vals: list[Any] = []
        self.units: list[Any] = []
        self.ordered = True
        self.latest = -math.inf

    def add(self, t: float, val: Any, unit: Any) -> None:
        if self.ts and t < self.ts[-1]:
            self.ordered = False
        self.ts.append(t)
        self.vals.append(val)
        self.units.append(unit)
        if t > self.latest:
            self.latest = t

    def sort(self) -> None:
        if self.ordered:
            return
        order = sorted(range(len(self.ts)), key=self.ts.__getitem__)
        self.ts = [self.ts[i] for i in order]
        self.vals = [self.vals[i] for i in order]
        self.units = [self.units[i] for i in order]
        self.ordered = True

    def window(self, lo: float, hi: float) -> tuple[int, int]:
        self.sort()
        return bisect.bisect_left(self.ts, lo), bisect.bisect_left(self.ts, hi)


def _datum_value(datum: Any) -> Any:
    if hasattr(datum, "value"):
        return float(datum.value)
    return (float(datum.min), float(datum.max), float(datum.sum), float(datum.sample_count))


def series_key(namespace: str, name: str, dims) -> SeriesKey:
    return (namespace, name, frozenset(dims))


class MetricIndex:
    """Series of one CloudWatch backend, following its ``metric_data`` list."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.source: list | None = None
        self.count = 0
        self.series: dict[SeriesKey, _Series] = {}
        self._by_order: dict[tuple, _Series] = {}  # (namespace, name, dims as put) -> series

    def sync(self, metric_data: list) -> None:
        """Index what was appended to moto's list since the last call (rebuild if replaced)."""
        if self.source is not metric_data or len(metric_data) < self.count:
            self.source = metric_data
            self.count = 0
            self.series = {}
            self._by_order = {}
        n = len(metric_data)
        if n == self.count:
            return
        series, by_order = self.series, self._by_order
        for datum in metric_data[self.count:n]:
            self._add(series, datum, by_order)
        self.count = n

    @staticmethod
    def _add(series: dict[SeriesKey, _Series], datum: Any, by_order: dict | None = None) -> None:
        dims = tuple((d.name, d.value) for d in datum.dimensions)
        ordered = (datum.namespace, datum.name, dims)
        s = by_order.get(ordered) if by_order is not None else None
        if s is None:
            key = series_key(datum.namespace, datum.name, dims)
            s = series.get(key)
            if s is None:
                s = series[key] = _Series(list(dims))
            if by_order is not None:
                by_order[ordered] = s
        s.add(_epoch(datum.timestamp), _datum_value(datum), datum.unit)

    @classmethod
    def transient(cls, data: list) -> dict[SeriesKey, _Series]:
        """Series for datapoints computed on the fly (moto's metric providers)."""
        out: dict[SeriesKey, _Series] = {}
        for datum in data:
            cls._add(out, datum)
        return out


_index_lock = threading.Lock()


def metric_index(backend: Any) -> MetricIndex:
    """The (synced) index of a CloudWatch backend; use it under ``index.lock``."""
    idx = backend.__dict__.get("_metric_index")
    if idx is None:
        with _index_lock:
            idx = backend.__dict__.get("_metric_index")
            if idx is None:
                idx = backend.__dict__["_metric_index"] = MetricIndex()
    return idx


def _provider_series(backend: Any) -> dict[SeriesKey, _Series]:
    try:
        data = backend.aws_metric_data
    except Exception:  # a provider that cannot answer must not break metric reads
        return {}
    return MetricIndex.transient(data) if data else {}


# -- statistics ----------------------------------------------------------------------------
_NUM = r"(\d{1,2}(?:\.\d+)?|100(?:\.0+)?)"
_PCT = re.compile(rf"^[pP]{_NUM}$")
_TRIM_SHORT = re.compile(rf"^(tm|wm|tc|ts){_NUM}$", re.IGNORECASE)
_TRIM_RANGE = re.compile(rf"^(tm|wm|tc|ts)\({_NUM}%:{_NUM}%\)$", re.IGNORECASE)
BASIC_STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")


def _summary(vals: list) -> tuple[float, float, float, float]:
    """(count, sum, min, max) of single values and statistic sets."""
    n = s = 0.0
    lo, hi = math.inf, -math.inf
    for v in vals:
        if v.__class__ is float:
            n += 1.0
            s += v
            if v < lo:
                lo = v
            if v > hi:
                hi = v
        else:
            mn, mx, sm, c = v
            n += c
            s += sm
            if mn < lo:
                lo = mn
            if mx > hi:
                hi = mx
    return n, s, lo, hi


def weighted_samples(vals: list) -> list[tuple[float, float]]:
    """(value, weight) pairs sorted by value; a statistic set is approximated by its minimum,
    its maximum and its other samples at the mean of the rest."""
    out: list[tuple[float, float]] = []
    for v in vals:
        if v.__class__ is float:
            out.append((v, 1.0))
            continue
        mn, mx, sm, c = v
        if c <= 0:
            continue
        if c < 2:
            out.append((sm / c, c))
            continue
        out.append((mn, 1.0))
        out.append((mx, 1.0))
        if c > 2:
            mid = min(max((sm - mn - mx) / (c - 2), mn), mx)
            out.append((mid, c - 2))
    out.sort(key=lambda x: x[0])
    return out


def percentile(samples: list[tuple[float, float]], p: float) -> float | None:
    """Nearest-rank percentile of weighted samples (``p`` in 0..100)."""
    if not samples:
        return None
    total = sum(w for _, w in samples)
    if total <= 0:
        return None
    if p <= 0:
        return samples[0][0]
    target = p / 100.0 * total
    eps = 1e-9 * total
    cum = 0.0
    for v, w in samples:
        cum += w
        if cum >= target - eps:
            return v
    return samples[-1][0]


def _trimmed(samples: list[tuple[float, float]], kind: str, a: float, b: float) -> float | None:
    if not samples or b < a:
        return None
    total = sum(w for _, w in samples)
    if total <= 0:
        return None
    kind = kind.lower()
    if kind == "wm":
        pa, pb = percentile(samples, a), percentile(samples, b)
        return sum(min(max(v, pa), pb) * w for v, w in samples) / total
    lo, hi = a / 100.0 * total, b / 100.0 * total
    cum = cnt = acc = 0.0
    for v, w in samples:
        c0, cum = cum, cum + w
        ov = min(cum, hi) - max(c0, lo)
        if ov > 0:
            cnt += ov
            acc += v * ov
    if kind == "tc":
        return cnt
    if kind == "ts":
        return acc
    return acc / cnt if cnt > 0 else None


def parse_stat(stat: str):
    """A function computing ``stat`` from a bucket's values, or None if not a valid stat."""
    if stat in BASIC_STATS:
        def basic(vals, _stat=stat):
            n, s, lo, hi = _summary(vals)
            if _stat == "Sum":
                return s
            if _stat == "SampleCount":
                return n
            if _stat == "Average":
                return s / n if n > 0 else None
            if _stat == "Minimum":
                return lo if lo != math.inf else None
            return hi if hi != -math.inf else None
        return basic
    m = _PCT.match(stat)
    if m:
        p = float(m.group(1))
        return lambda vals: percentile(weighted_samples(vals), p)
    if stat.upper() == "IQM":
        return lambda vals: _trimmed(weighted_samples(vals), "tm", 25.0, 75.0)
    m = _TRIM_SHORT.match(stat)
    if m:
        kind, b = m.group(1), float(m.group(2))
        return lambda vals: _trimmed(weighted_samples(vals), kind, 0.0, b)
    m = _TRIM_RANGE.match(stat)
    if m:
        kind, a, b = m.group(1), float(m.group(2)), float(m.group(3))
        if a > b:
            return None
        return lambda vals: _trimmed(weighted_samples(vals), kind, a, b)
    return None


def _valid_period(period: int) -> bool:
    return period in HIGH_RES_PERIODS or (period > 0 and period % 60 == 0)


# -- exceptions ----------------------------------------------------------------------------
def _exceptions():
    from moto.cloudwatch import exceptions as exc

    return exc


def _invalid_next_token():
    exc = _exceptions()

    class InvalidNextToken(exc.CloudWatchException):
        code = "InvalidNextToken"

    return InvalidNextToken("The service returned an invalid NextToken.")


def _encode_token(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def _decode_token(token: str) -> dict:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        raise _invalid_next_token() from None
    if not isinstance(payload, dict):
        raise _invalid_next_token()
    return payload


# -- GetMetricData -------------------------------------------------------------------------
def validate_queries(queries: list[dict]) -> None:
    exc = _exceptions()
    if len(queries) > MAX_QUERIES:
        raise exc.ValidationError(
            f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}.")
    ids = [q.get("Id") for q in queries]
    if len(set(ids)) != len(ids):
        raise exc.ValidationError("The values for parameter id in MetricDataQueries are not unique.")
    for i, q in enumerate(queries, 1):
        if "MetricStat" not in q and "Expression" not in q:
            raise exc.ValidationError(f"The parameter MetricDataQueries.member.{i}.MetricStat is required.\n")
        ms = q.get("MetricStat")
        if ms is None:
            continue
        if parse_stat(str(ms.get("Stat", ""))) is None:
            raise exc.InvalidParameterValue(
                f"The value {ms.get('Stat')} for parameter MetricDataQueries.member.{i}.MetricStat.Stat "
                "is invalid.")
        try:
            period = int(ms.get("Period"))
        except (TypeError, ValueError):
            period = 0
        if not _valid_period(period):
            raise exc.InvalidParameterValue(
                f"The parameter MetricDataQueries.member.{i}.MetricStat.Period must be 1, 5, 10, 20, 30, "
                "or a multiple of 60.")


def _stat_query(query: dict, series: _Series | None, extra: _Series | None, start: float, end: float,
                now: float) -> tuple[list[float], list[float]]:
    """Timestamps (ascending, epoch) and values of one MetricStat query."""
    ms = query["MetricStat"]
    period = int(ms["Period"])
    fn = parse_stat(str(ms["Stat"]))
    unit = ms.get("Unit")
    origin = bucket_origin(start, period, now)
    pts_t: list[float] = []
    pts_v: list[Any] = []
    for s in (series, extra):
        if s is None:
            continue
        i, j = s.window(origin, end)
        if unit:
            for k in range(i, j):
                if s.units[k] == unit:
                    pts_t.append(s.ts[k])
                    pts_v.append(s.vals[k])
        else:
            pts_t.extend(s.ts[i:j])
            pts_v.extend(s.vals[i:j])
    if series is not None and extra is not None and pts_t:
        order = sorted(range(len(pts_t)), key=pts_t.__getitem__)
        pts_t = [pts_t[k] for k in order]
        pts_v = [pts_v[k] for k in order]
    out_t: list[float] = []
    out_v: list[float] = []
    k, n = 0, len(pts_t)
    while k < n:
        b = int((pts_t[k] - origin) // period)
        bucket_end = origin + (b + 1) * period
        j = k
        while j < n and pts_t[j] < bucket_end:
            j += 1
        value = fn(pts_v[k:j])
        if value is not None:
            out_t.append(origin + b * period)
            out_v.append(float(value))
        k = j
    return out_t, out_v


def compute_metric_data(backend: Any, queries: list[dict], start_time: Any, end_time: Any,
                        scan_by: str = "TimestampDescending", now: float | None = None) -> list[dict]:
    """Results of every query that returns data, in query order (moto's result records:
    ``id``, ``label``, ``values``, ``timestamps``, ``status_code``)."""
    exc = _exceptions()
    start = math.floor(_epoch(start_time))
    end = math.floor(_epoch(end_time))
    if start > end:
        raise exc.ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise exc.ValidationError("The parameter StartTime must not equal parameter EndTime.")
    now = time.time() if now is None else now
    descending = scan_by != "TimestampAscending"

    stat_queries = [q for q in queries if "MetricStat" in q]
    by_id: dict[str, dict] = {}
    idx = metric_index(backend)
    extra = _provider_series(backend) if stat_queries else {}
    with idx.lock:
        idx.sync(backend.metric_data)
        for q in stat_queries:
            metric = q["MetricStat"]["Metric"]
            key = series_key(metric.get("Namespace"), metric.get("MetricName"),
                             ((d["Name"], d.get("Value")) for d in metric.get("Dimensions") or []))
            ts, vals = _stat_query(q, idx.series.get(key), extra.get(key), start, end, now)
            by_id[q["Id"]] = {
                "id": q["Id"],
                "label": q.get("Label") or f"{metric.get('MetricName')} {q['MetricStat']['Stat']}",
                "timestamps": ts,
                "values": vals,
                "status_code": "Complete",
            }

    def as_record(r: dict) -> dict:
        ts = [_utc(t) for t in r["timestamps"]]
        vals = list(r["values"])
        if descending:
            ts.reverse()
            vals.reverse()
        return dict(r, timestamps=ts, values=vals)

    records = {i: as_record(r) for i, r in by_id.items()}

    expr = [q for q in queries if "Expression" in q]
    if expr:
        from moto.cloudwatch.metric_data_expression_parser import parse_expression

        from moto.cloudwatch.models import CloudWatchBackend

        computed = list(records.values())
        select = [q for q in expr if str(q["Expression"]).startswith("SELECT")]
        if select:  # moto's own (full-scan) handling of Metrics Insights queries
            orig = _patches.original(CloudWatchBackend, "get_metric_data")
            for r in orig(backend, queries=select, start_time=start_time, end_time=end_time, scan_by=scan_by):
                records[r["id"]] = r
        for q in expr:
            if q in select:
                continue
            vals, ts = parse_expression(q["Expression"], computed)
            records[q["Id"]] = {"id": q["Id"], "label": q.get("Label") or q["Id"], "values": vals,
                                "timestamps": ts, "status_code": "Complete"}

    return [records[q["Id"]] for q in queries if q.get("ReturnData", True) and q["Id"] in records]


def page_results(records: list[dict], max_datapoints: int, next_token: str | None) -> tuple[list[dict], str | None]:
    """Cut results into a page of at most ``max_datapoints`` points; a token resumes it."""
    q0, o0 = 0, 0
    if next_token:
        payload = _decode_token(next_token)
        try:
            q0, o0 = int(payload["q"]), int(payload["o"])
        except (KeyError, TypeError, ValueError):
            raise _invalid_next_token() from None
        if not (0 <= q0 <= len(records)) or o0 < 0:
            raise _invalid_next_token()
    budget = max(1, int(max_datapoints))
    page: list[dict] = []
    for qi in range(q0, len(records)):
        r = records[qi]
        offset = o0 if qi == q0 else 0
        n = len(r["values"]) - offset
        if n <= budget:
            page.append(dict(r, values=r["values"][offset:], timestamps=r["timestamps"][offset:]))
            budget -= max(n, 0)
            continue
        page.append(dict(r, values=r["values"][offset:offset + budget],
                         timestamps=r["timestamps"][offset:offset + budget], status_code="PartialData"))
        return page, _encode_token({"q": qi, "o": offset + budget})
    return page, None


def backend_get_metric_data(self, queries: list[dict[str, Any]], start_time: datetime, end_time: datetime,
                            scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
    """Indexed replacement of moto's ``CloudWatchBackend.get_metric_data`` (same contract)."""
    return compute_metric_data(self, queries, start_time, end_time, scan_by)


def backend_get_metric_data_page(self, queries: list[dict[str, Any]], start_time: datetime, end_time: datetime,
                                 scan_by: str = "TimestampDescending", max_datapoints: int | None = None,
                                 next_token: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    validate_queries(queries)
    records = compute_metric_data(self, queries, start_time, end_time, scan_by)
    return page_results(records, max_datapoints or MAX_DATAPOINTS, next_token)


def response_get_metric_data(self):
    from moto.core.responses import ActionResult

    exc = _exceptions()
    params = self._get_params()
    scan_by = params.get("ScanBy") or "TimestampDescending"
    if scan_by not in SCAN_ORDERS:
        raise exc.InvalidParameterValue(
            f"The value {scan_by} for parameter ScanBy is invalid. Valid values: {', '.join(SCAN_ORDERS)}.")
    max_dp = params.get("MaxDatapoints")
    results, token = self.cloudwatch_backend.get_metric_data_page(
        queries=params.get("MetricDataQueries", []), start_time=params["StartTime"], end_time=params["EndTime"],
        scan_by=scan_by, max_datapoints=int(max_dp) if max_dp else None, next_token=params.get("NextToken"))
    return ActionResult({"MetricDataResults": results, "NextToken": token, "Messages": []})


# -- ListMetrics ---------------------------------------------------------------------------
def backend_list_metric_series(self, namespace: str | None = None, metric_name: str | None = None,
                               dimensions: list[dict[str, str]] | None = None,
                               recently_active: str | None = None, now: float | None = None) -> list[dict]:
    """Unique series (``Namespace``, ``MetricName``, ``Dimensions``) in first-put order."""
    now = time.time() if now is None else now
    oldest = now - (RECENTLY_ACTIVE[recently_active] if recently_active else LIST_METRICS_MAX_AGE)
    wanted = [(d.get("Name"), d.get("Value")) for d in dimensions or []]
    idx = metric_index(self)
    with idx.lock:
        idx.sync(self.metric_data)
        items = list(idx.series.items())
    seen = set()
    out = []
    for key, s in items + list(_provider_series(self).items()):
        if key in seen:
            continue
        ns, name, dims = key
        if namespace and ns != namespace or metric_name and name != metric_name:
            continue
        if s.latest < oldest:
            continue
        if wanted:
            have = dict(s.dims)
            if any(n not in have or (v is not None and have[n] != v) for n, v in wanted):
                continue
        seen.add(key)
        out.append({"Namespace": ns, "MetricName": name,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in s.dims]})
    return out


def response_list_metrics(self):
    from moto.core.responses import ActionResult

    exc = _exceptions()
    params = self._get_params()
    recently = params.get("RecentlyActive")
    if recently is not None and recently not in RECENTLY_ACTIVE:
        raise exc.InvalidParameterValue(f"The value {recently} for parameter RecentlyActive is invalid.")
    metrics = self.cloudwatch_backend.list_metric_series(
        namespace=params.get("Namespace"), metric_name=params.get("MetricName"),
        dimensions=params.get("Dimensions") or [], recently_active=recently)
    offset = 0
    token = params.get("NextToken")
    if token:
        try:
            offset = int(_decode_token(token)["o"])
        except (KeyError, TypeError, ValueError):
            raise _invalid_next_token() from None
    page = metrics[offset:offset + LIST_METRICS_PAGE]
    nxt = _encode_token({"o": offset + LIST_METRICS_PAGE}) if offset + LIST_METRICS_PAGE < len(metrics) else None
    return ActionResult({"Metrics": page, "NextToken": nxt})


def backend_put_metric_data(self, namespace: str, metric_data: list[dict[str, Any]]) -> None:
    """moto's PutMetricData, then indexing of the new points (so reads do not pay for them)."""
    from moto.cloudwatch.models import CloudWatchBackend

    _patches.original(CloudWatchBackend, "put_metric_data")(self, namespace, metric_data)
    idx = metric_index(self)
    with idx.lock:
        idx.sync(self.metric_data)


def install() -> None:
    from moto.cloudwatch.models import CloudWatchBackend
    from moto.cloudwatch.responses import CloudWatchResponse

    _patches.patch(CloudWatchBackend, "put_metric_data", backend_put_metric_data)
    _patches.patch(CloudWatchBackend, "get_metric_data", backend_get_metric_data)
    _patches.patch(CloudWatchBackend, "get_metric_data_page", backend_get_metric_data_page)
    _patches.patch(CloudWatchBackend, "list_metric_series", backend_list_metric_series)
    _patches.patch(CloudWatchResponse, "get_metric_data", response_get_metric_data)
    _patches.patch(CloudWatchResponse, "list_metrics", response_list_metrics)
