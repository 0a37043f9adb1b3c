"""What the inference-recommendations-job screen shows, as pure data.

One row per load-tested endpoint (``JobName`` + ``EndpointName``): client invocations,
errors, latency and concurrent users, as the load ramps up; the job's facts and its charts.

Series keys come from the builders of :mod:`tui.model.plan` where the overview has them, so
the overview's series are reused. Nothing here imports Textual or boto3.
"""

from __future__ import annotations

from tui.model import catalog as cat
from tui.model import health
from tui.model.catalog import Unit
from tui.model.detail import DetailRequest
from tui.model.drill_views import ChartLine, ChartSpec, Fact, status_level
from tui.model.window_readers import grid, per_minute, ratio_pct, recent_count, series_period, window_max, window_points
from tui.model.format import MISSING, format_age, format_duration
from tui.model.cells import CRIT, DIM, INFO, OK, Cell, Column, Row, key_cell, name_cell, value_cell
from tui.model.readings import latest, newest, recent_rate
from tui.model.plan import RecommendationKeys
from tui.model.resources import RecommendationJob, epoch_seconds
from tui.model.series import SeriesKey, SeriesStore

C = Column

class RecommendationDetailKeys:
    """Per load-tested endpoint: the overview's four series plus ClientLatency p99."""

    def __init__(self, job: RecommendationJob) -> None:
        self.base = RecommendationKeys.of(job)
        self.targets = job.endpoint_names or [None]
        self.sets: list[dict[str, SeriesKey]] = []
        for keys in self.base.sets:
            lat = keys["latency"]
            m = cat.find("ClientLatency", cat.G_RECOMMENDER)
            if cat.P99 not in m.stats:  # pragma: no cover - the catalog requests it
                raise ValueError("ClientLatency p99")
            self.sets.append(dict(keys, latency_p99=SeriesKey(lat.namespace, lat.metric, lat.dimensions, cat.P99,
                                                              lat.region, m, account=lat.account)))

    def all(self) -> list[SeriesKey]:
        return [k for s in self.sets for k in s.values()]


def recommendation_request(job: RecommendationJob) -> DetailRequest:
    return DetailRequest(owner=f"recommendation:{job.key}", keys=tuple(RecommendationDetailKeys(job).all()))


RECOMMENDATION_COLUMNS: tuple[Column, ...] = (
    C("name", "Endpoint under test", 32, 0, False),
    C("state", "Load", 8, 1, False, help="testing: points in the last 5 minutes; done: none since"),
    C("users", "Users", 6, 0, help="NumberOfUsers maximum, newest minute"),
    C("peak_users", "Peak", 6, 3, help="NumberOfUsers maximum over the window"),
    C("inv", "Inv/min", 8, 0, help="ClientInvocations per minute, last 5 minutes"),
    C("peak_inv", "Peak/min", 8, 2, help="highest ClientInvocations in one minute over the window"),
    C("errors", "Err%", 6, 0, help="ClientInvocationErrors / ClientInvocations, last 5 minutes"),
    C("latency", "Latency", 8, 0, help="ClientLatency average, newest minute"),
    C("p99", "p99", 8, 2, help="ClientLatency p99, newest minute"),
    C("trend", "Invocations", 20, 3, False, True),
)


def _target_label(target: str | None, job: RecommendationJob) -> str:
    return target or f"{job.name} (all endpoints)"


def recommendation_target_rows(job: RecommendationJob, store: SeriesStore, now: int) -> list[Row]:
    k = RecommendationDetailKeys(job)
    rows = []
    for target, s in zip(k.targets, k.sets):
        rate = recent_rate(store, s["invocations"], now)
        errors = recent_count(store, s["errors"], rate)
        err = health.error_rate(errors, rate.total)
        last = newest(store, s["invocations"], now, fresh=None)
        testing = last is not None and now - last[0] <= 300
        state = "testing" if testing else ("done" if last is not None else "waiting")
        period = series_period(store, [s["invocations"]])
        label = _target_label(target, job)
        cells = {
            "name": name_cell(label),
            "state": Cell(state, state, INFO if testing else (DIM if last is None else OK)),
            "users": value_cell(latest(store, s["users"], now)),
            "peak_users": value_cell(window_max(store, s["users"], now)),
            "inv": value_cell(None if rate.per_minute is None else round(rate.per_minute, 1)),
            "peak_inv": value_cell(_peak_per_minute(store, s["invocations"], now)),
            "errors": value_cell(err, Unit.PERCENT, level=health.error_level(err).value if err else ""),
            "latency": key_cell(latest(store, s["latency"], now), s["latency"]),
            "p99": key_cell(latest(store, s["latency_p99"], now), s["latency_p99"]),
        }
        rows.append(Row(f"target:{label}", label, target, cells,
                        per_minute(grid(store, s["invocations"], now, period), period)))
    return rows


def _peak_per_minute(store: SeriesStore, key: SeriesKey, now: int) -> float | None:
    s = store.get(key)
    top = window_max(store, key, now)
    if top is None or s is None:
        return None
    return top * 60.0 / s.period


def recommendation_facts(job: RecommendationJob, store: SeriesStore, now: int) -> list[Fact]:
    created, done = epoch_seconds(job.creation_time), epoch_seconds(job.completion_time)
    facts = [Fact("Status", job.status, status_level(job.status)),
             Fact("Type", (job.job_type or MISSING)
                  + (f"   (created {format_age(created, now)} ago)" if created else ""), DIM)]
    if done is not None:
        facts.append(Fact("Completed", f"{format_age(done, now)} ago" +
                          (f", after {format_duration(done - created)}" if created else ""), ""))
    elif created is not None and status_level(job.status) == INFO:
        facts.append(Fact("Running for", format_duration(now - created), INFO))
    if job.failure_reason:
        facts.append(Fact("Failure", " ".join(job.failure_reason.split()), CRIT))
    k = RecommendationDetailKeys(job)
    tested = [t for t, s in zip(k.targets, k.sets) if window_points(store, s["invocations"], now)]
    names = [t for t in k.targets if t]
    facts.append(Fact("Endpoints", f"{len(tested)} of {len(names)} load-tested in the window" if names
                      else "not named yet (SageMaker names them in the job's results): showing the job's totals",
                      "" if names else DIM))
    return facts


def recommendation_charts(job: RecommendationJob, store: SeriesStore, now: int) -> list[ChartSpec]:
    k = RecommendationDetailKeys(job)
    period = series_period(store, [s["invocations"] for s in k.sets])

    def g(key: SeriesKey) -> list[float | None]:
        return grid(store, key, now, period)

    labels = [(_target_label(t, job)).removeprefix("sm-ir-") for t in k.targets]
    return [
        ChartSpec("Concurrent users", Unit.NONE, period,
                  tuple(ChartLine(lb, g(s["users"])) for lb, s in zip(labels, k.sets)), lo=0),
        ChartSpec("Invocations per minute", Unit.NONE, period,
                  tuple(ChartLine(lb, per_minute(g(s["invocations"]), period)) for lb, s in zip(labels, k.sets)),
                  lo=0),
        ChartSpec("Client latency (average)", k.sets[0]["latency"].unit, period,
                  tuple(ChartLine(lb, g(s["latency"])) for lb, s in zip(labels, k.sets)), lo=0),
        ChartSpec("Error rate", Unit.PERCENT, period,
                  tuple(ChartLine(lb, ratio_pct(g(s["errors"]), g(s["invocations"])))
                        for lb, s in zip(labels, k.sets)), lo=0, hi=1.0),
    ]


__all__ = [
    "RECOMMENDATION_COLUMNS", "RecommendationDetailKeys", "recommendation_charts", "recommendation_facts",
    "recommendation_request", "recommendation_target_rows",
]
