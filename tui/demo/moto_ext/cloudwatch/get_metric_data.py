"""GetMetricData of the local AWS, answered from the index like CloudWatch answers it.

Dimension order does not matter; buckets start as :func:`.stats.bucket_origin` says and
step by the period, their values reduced by :func:`.stats.parse_stat`; at most 500 queries
with unique ids (a ``ValidationError`` otherwise); ``ScanBy``; ``MaxDatapoints`` (default
100,800) with ``NextToken`` paging, a cut series being reported as ``PartialData``;
``StatusCode`` ``Complete`` otherwise; a query's ``AccountId`` reads a linked source account
(cross-account observability, :mod:`.cross_account`: ``Forbidden`` for an account not linked).
Expression queries keep moto's handling.
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import Any

from .. import _patches
from .cross_account import query_backend
from .index import MetricSeries, epoch_of, metric_index, provider_series, series_key, utc_of
from .stats import bucket_origin, parse_stat, valid_period
from .tokens import cloudwatch_exceptions, decode_token, encode_token, invalid_next_token

MAX_QUERIES = 500
MAX_DATAPOINTS = 100_800
SCAN_ORDERS = ("TimestampDescending", "TimestampAscending")


def validate_queries(queries: list[dict]) -> None:
    exc = cloudwatch_exceptions()
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
        if not valid_period(period):
            raise exc.InvalidParameterValue(
                f"The parameter MetricDataQueries.member.{i}.MetricStat.Period must be 1, 5, 10, 20, 30, "
                "or a multiple of 60.")


def _stat_query(query: dict, series: MetricSeries | None, extra: MetricSeries | None, start: float, end: float,
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
    exc = cloudwatch_exceptions()
    start = math.floor(epoch_of(start_time))
    end = math.floor(epoch_of(end_time))
    if start > end:
        raise exc.ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise exc.ValidationError("The parameter StartTime must not equal parameter EndTime.")
    now = time.time() if now is None else now
    descending = scan_by != "TimestampAscending"

    by_id: dict[str, dict] = {}
    # the queries of each account read (the caller's own; linked accounts' with AccountId)
    by_backend: dict[int, tuple[Any, list[dict]]] = {}
    for q in (q for q in queries if "MetricStat" in q):
        target = query_backend(backend, q)
        if target is None:
            metric = q["MetricStat"]["Metric"]
            by_id[q["Id"]] = {"id": q["Id"], "label": q.get("Label") or metric.get("MetricName"),
                              "timestamps": [], "values": [], "status_code": "Forbidden"}
            continue
        by_backend.setdefault(id(target), (target, []))[1].append(q)
    for target, stat_queries in by_backend.values():
        idx = metric_index(target)
        extra = provider_series(target)
        with idx.lock:
            idx.sync(target.metric_data)
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
        ts = [utc_of(t) for t in r["timestamps"]]
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
        payload = decode_token(next_token)
        try:
            q0, o0 = int(payload["q"]), int(payload["o"])
        except (KeyError, TypeError, ValueError):
            raise invalid_next_token() from None
        if not (0 <= q0 <= len(records)) or o0 < 0:
            raise invalid_next_token()
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
        return page, encode_token({"q": qi, "o": offset + budget})
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

    exc = cloudwatch_exceptions()
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
