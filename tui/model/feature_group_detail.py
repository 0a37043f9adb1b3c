"""What the feature-group screen shows, as pure data.

One row per Feature Store operation (``OperationName``): requests, 4XX / 5XX errors,
throttles, latency and the read or write units consumed (on-demand request units or
provisioned capacity units, whichever the group publishes); the group's stores and traffic,
and its charts by operation.

Series keys come from the builders of :mod:`tui.model.plan` where the overview has them, so
the overview's series are reused. Nothing here imports Textual or boto3.
"""

from __future__ import annotations

from tui.model import catalog as cat
from tui.model import health
from tui.model.aggregate import combine
from tui.model.catalog import Kind, Unit
from tui.model.detail import DetailRequest
from tui.model.drill_views import ChartLine, ChartSpec, Fact, status_fact
from tui.model.window_readers import grid, per_minute, recent_count, series_period, window_sum
from tui.model.format import format_age, format_count, format_per_minute
from tui.model.cells import DIM, WARN, Cell, Column, Row, key_cell, value_cell
from tui.model.readings import Rate, latest, recent_rate
from tui.model.plan import FeatureKeys, key_builder
from tui.model.resources import FeatureGroup, epoch_seconds
from tui.model.series import SeriesKey, SeriesStore

C = Column

#: Feature Store runtime operations, and whether each reads or writes.
FEATURE_OPERATIONS = (("GetRecord", "read"), ("BatchGetRecord", "read"), ("PutRecord", "write"),
                      ("DeleteRecord", "write"))


class FeatureOpKeys:
    """The series of one operation of a feature group."""

    def __init__(self, fg: FeatureGroup, op: str, mode: str) -> None:
        self.op, self.mode = op, mode
        self.throughput = fg.throughput_mode
        key = key_builder(Kind.FEATURE_GROUP, fg.region, {"FeatureGroupName": fg.name, "OperationName": op},
                          group=cat.G_FEATURE_STORE, account=fg.account)
        self.invocations = key("Invocations", cat.SUM)
        self.errors_4xx = key("Operation4XXErrors", cat.SUM)
        self.errors_5xx = key("Operation5XXErrors", cat.SUM)
        self.throttled = key("ThrottledRequests", cat.SUM)
        self.latency = key("Latency", cat.AVG)
        self.latency_p99 = key("Latency", cat.P99)
        word = "Read" if mode == "read" else "Write"
        self.request_units = key(f"Consumed{word}RequestsUnits", cat.SUM)
        self.capacity_units = key(f"Consumed{word}CapacityUnits", cat.SUM)

    def all(self) -> list[SeriesKey]:
        """The operation's series; of the units, only those of the group's throughput mode
        where it is known (request units on demand, capacity units provisioned)."""
        units = [k for k, mode in ((self.request_units, "Provisioned"), (self.capacity_units, "OnDemand"))
                 if self.throughput != mode]
        return [self.invocations, self.errors_4xx, self.errors_5xx, self.throttled, self.latency,
                self.latency_p99] + units


def feature_op_keys(fg: FeatureGroup) -> list[FeatureOpKeys]:
    return [FeatureOpKeys(fg, op, mode) for op, mode in FEATURE_OPERATIONS]


def feature_keys(fg: FeatureGroup) -> list[SeriesKey]:
    keys: list[SeriesKey] = list(FeatureKeys(fg).all())  # the overview's, so they are shared
    for ok in feature_op_keys(fg):
        keys += ok.all()
    return list(dict.fromkeys(keys))


def feature_request(fg: FeatureGroup) -> DetailRequest:
    return DetailRequest(owner=f"feature-group:{fg.key}", keys=tuple(feature_keys(fg)))


FEATURE_COLUMNS: tuple[Column, ...] = (
    C("name", "Operation", 16, 0, False),
    C("inv", "Req/min", 9, 0, help="Invocations per minute, last 5 minutes"),
    C("e4xx_rate", "4XX%", 6, 2, help="Operation4XXErrors / Invocations, last 5 minutes"),
    C("e5xx_rate", "5XX%", 6, 0, help="Operation5XXErrors / Invocations, last 5 minutes"),
    C("throttled", "Throttled", 9, 1, help="ThrottledRequests per minute, last 5 minutes"),
    C("latency", "Latency", 9, 0, help="Latency average, newest minute"),
    C("p99", "p99", 9, 3, help="Latency p99, newest minute"),
    C("units", "Units/min", 10, 2, help="read or write units consumed per minute (request or capacity units)"),
    C("total", "Requests", 10, 4, help="Invocations over the window"),
    C("trend", "Requests", 20, 3, False, True),
)


def _units(store: SeriesStore, ok: FeatureOpKeys, now: int) -> tuple[Rate, str | None]:
    """Units consumed recently: on-demand request units, else provisioned capacity units."""
    for key, mode in ((ok.request_units, "on-demand"), (ok.capacity_units, "provisioned")):
        r = recent_rate(store, key, now)
        if r.total is not None:
            return r, mode
    return Rate(), None


def feature_op_rows(fg: FeatureGroup, store: SeriesStore, now: int) -> list[Row]:
    """One row per operation; operations without any request in the window are dimmed."""
    rows = []
    for ok in feature_op_keys(fg):
        rate = recent_rate(store, ok.invocations, now)
        e4, e5 = recent_count(store, ok.errors_4xx, rate), recent_count(store, ok.errors_5xx, rate)
        r4, r5 = health.error_rate(e4, rate.total), health.error_rate(e5, rate.total)
        thr = recent_count(store, ok.throttled, rate)
        thr_min = None if thr is None else thr / rate.minutes
        units, _mode = _units(store, ok, now)
        total = window_sum(store, ok.invocations, now)
        period = series_period(store, [ok.invocations])
        idle = total is None
        cells = {
            "name": Cell(ok.op, ok.op, DIM if idle else ""),
            "inv": value_cell(None if rate.per_minute is None else round(rate.per_minute, 1)),
            "e4xx_rate": value_cell(r4, Unit.PERCENT, level=WARN if r4 and r4 >= 5 else ""),
            "e5xx_rate": value_cell(r5, Unit.PERCENT, level=health.error_level(r5).value if r5 else ""),
            "throttled": value_cell(None if thr_min is None else round(thr_min, 1), level=WARN if thr_min else ""),
            "latency": key_cell(latest(store, ok.latency, now), ok.latency),
            "p99": key_cell(latest(store, ok.latency_p99, now), ok.latency_p99),
            "units": value_cell(None if units.per_minute is None else round(units.per_minute, 1)),
            "total": value_cell(total, Unit.COUNT, "Sum"),
        }
        rows.append(Row(f"op:{ok.op}", ok.op, ok, cells, per_minute(grid(store, ok.invocations, now, period), period),
                        WARN if thr_min else ""))
    return rows


def feature_facts(fg: FeatureGroup, store: SeriesStore, now: int) -> list[Fact]:
    stores = " + ".join(x for x, on in (("online", fg.online_store), ("offline", fg.offline_store)) if on) or "none"
    created = epoch_seconds(fg.creation_time)
    facts = [status_fact(fg.status),
             Fact("Stores", stores + (f"   (created {format_age(created, now)} ago)" if created else ""), DIM)]
    modes = set()
    reads = writes = throttled = None
    for ok in feature_op_keys(fg):
        rate = recent_rate(store, ok.invocations, now)
        if rate.per_minute is not None:
            if ok.mode == "read":
                reads = (reads or 0.0) + rate.per_minute
            else:
                writes = (writes or 0.0) + rate.per_minute
        thr = recent_count(store, ok.throttled, rate)
        if thr:
            throttled = (throttled or 0.0) + thr
        _, mode = _units(store, ok, now)
        if mode:
            modes.add(mode)
    traffic = f"reads {format_per_minute(reads)}, writes {format_per_minute(writes)}"
    if throttled:
        traffic += f"   {format_count(throttled)} throttled in the last 5 minutes"
    facts.append(Fact("Traffic", traffic, WARN if throttled else ("" if reads or writes else DIM)))
    if modes:
        facts.append(Fact("Capacity", " and ".join(sorted(modes)), DIM))
    return facts


def feature_charts(fg: FeatureGroup, store: SeriesStore, now: int) -> list[ChartSpec]:
    ops = feature_op_keys(fg)
    period = series_period(store, [ok.invocations for ok in ops])
    active = [ok for ok in ops if window_sum(store, ok.invocations, now) is not None] or ops[:2]

    def g(key: SeriesKey) -> list[float | None]:
        return grid(store, key, now, period)

    return [
        ChartSpec("Requests per minute by operation", Unit.NONE, period,
                  tuple(ChartLine(ok.op, per_minute(g(ok.invocations), period)) for ok in active), lo=0),
        ChartSpec("Latency by operation (average)", ops[0].latency.unit, period,
                  tuple(ChartLine(ok.op, g(ok.latency)) for ok in active), lo=0),
        ChartSpec("Throttled and 5XX per minute", Unit.NONE, period,
                  (ChartLine("throttled", per_minute(combine([g(ok.throttled) for ok in active], sum), period)),
                   ChartLine("5XX", per_minute(combine([g(ok.errors_5xx) for ok in active], sum), period))), lo=0),
    ]


__all__ = [
    "FEATURE_COLUMNS", "FEATURE_OPERATIONS", "FeatureOpKeys", "feature_charts", "feature_facts", "feature_keys",
    "feature_op_keys", "feature_request", "feature_op_rows",
]
