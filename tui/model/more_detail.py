"""What the labeling-job, feature-group and inference-recommendations screens show, as pure data.

* **Labeling job**: progress from the job's label counters (labeled of the dataset, human
  and automated, failed, left), the throughput from ``TotalDatasetObjectsLabeled`` and the
  time left at that pace; the job's Ground Truth metrics (``LabelingJobName``) and its
  workteam's worker metrics (``Workteam``: active workers, tasks submitted / accepted /
  declined / returned, time per task).
* **Feature group**: one row per Feature Store operation (``OperationName``): requests,
  4XX / 5XX errors, throttles, latency and the read or write units consumed (on-demand
  request units or provisioned capacity units, whichever the group publishes).
* **Inference recommendations job**: one row per load-tested endpoint (``JobName`` +
  ``EndpointName``): client invocations, errors, latency and concurrent users, as the load
  ramps up.

Series keys come from the builders of :mod:`tui.model.plan` where the overview has them, so
the overview's series are reused. Nothing here imports Textual or boto3.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import catalog as cat
from tui.model import health
from tui.model.aggregate import combine
from tui.model.catalog import Kind, Unit
from tui.model.detail import DetailRequest
from tui.model.endpoint_detail import (ChartLine, ChartSpec, Fact, grid, max_text, metric_row, per_minute, ratio_pct,
                                       recent_count, series_period, status_fact, status_level, total_text,
                                       window_max, window_points, window_sum)
from tui.model.format import MISSING, format_age, format_count, format_duration, format_per_minute, percent
from tui.model.glyphs import glyphs
from tui.model.cells import CRIT, DIM, INFO, OK, WARN, Cell, Column, Row, name_cell, value_cell
from tui.model.readings import Rate, latest, newest, recent_rate
from tui.model.plan import FeatureKeys, LabelingKeys, RecommendationKeys, key_builder
from tui.model.resources import FeatureGroup, LabelingJob, RecommendationJob, epoch_seconds
from tui.model.series import SeriesKey, SeriesStore

C = Column


# ==============================================================================================
# Labeling job
# ==============================================================================================

#: Seconds of TotalDatasetObjectsLabeled history the labeling pace is measured over.
PACE_SPAN = 1800


class LabelingDetailKeys:
    """The job's four Ground Truth series and, with a workteam, its worker series."""

    def __init__(self, job: LabelingJob) -> None:
        self.base = b = LabelingKeys(job)
        self.labeled, self.human, self.auto, self.failed = b.labeled, b.human, b.auto, b.failed
        self.workteam = job.workteam
        self.workers: dict[str, SeriesKey] = {}
        if job.workteam:
            key = key_builder(Kind.WORKTEAM, job.region, {"Workteam": job.workteam}, group=cat.G_GROUND_TRUTH)
            self.workers = {
                "active": key("ActiveWorkers", cat.SUM),
                "submitted": key("TasksSubmitted", cat.SUM),
                "accepted": key("TasksAccepted", cat.SUM),
                "declined": key("TasksDeclined", cat.SUM),
                "returned": key("TasksReturned", cat.SUM),
                "time": key("TimeSpent", cat.SUM),
                "time_count": key("TimeSpent", cat.COUNT),
            }

        # the account's labeling jobs that ended (no dimension: every job of the region)
        account = key_builder(Kind.LABELING_JOB, job.region, {}, group=cat.G_GROUND_TRUTH)
        self.account_jobs: dict[str, SeriesKey] = {
            "succeeded": account("JobsSucceeded", cat.SUM),
            "failed": account("JobsFailed", cat.SUM),
            "stopped": account("JobsStopped", cat.SUM),
        }

    def all(self) -> list[SeriesKey]:
        return [self.labeled, self.human, self.auto, self.failed] + list(self.workers.values()) \
            + list(self.account_jobs.values())


def labeling_request(job: LabelingJob) -> DetailRequest:
    return DetailRequest(owner=f"labeling:{job.key}", keys=tuple(LabelingDetailKeys(job).all()))


@dataclass(frozen=True)
class LabelingProgress:
    """Counts of the dataset: labeled (human + machine), failed, left; and the pace."""

    labeled: int | None
    human: int | None
    machine: int | None
    failed: int | None
    unlabeled: int | None
    per_hour: float | None = None  # objects labeled per hour, recently

    @property
    def total(self) -> int | None:
        parts = [self.labeled, self.failed, self.unlabeled]
        if all(p is None for p in parts):
            return None
        return sum(p or 0 for p in parts)

    @property
    def done_pct(self) -> float | None:
        return percent(self.labeled, self.total)

    @property
    def eta_seconds(self) -> float | None:
        if not self.unlabeled or not self.per_hour or self.per_hour <= 0:
            return None
        return self.unlabeled / self.per_hour * 3600.0


def labeling_pace(store: SeriesStore, key: SeriesKey, now: int, span: int = PACE_SPAN) -> float | None:
    """Objects labeled per hour: the rise of the cumulative TotalDatasetObjectsLabeled over
    the newest ``span`` seconds that hold at least two points (None with fewer)."""
    pts = window_points(store, key, now)
    if len(pts) < 2:
        return None
    t_end, v_end = pts[-1]
    recent = [(t, v) for t, v in pts if t >= t_end - span]
    if len(recent) < 2:
        recent = pts[-2:]
    t0, v0 = recent[0]
    if t_end <= t0:
        return None
    return max(0.0, (v_end - v0) / (t_end - t0) * 3600.0)


def labeling_progress(job: LabelingJob, store: SeriesStore, now: int) -> LabelingProgress:
    """The job's counters (ListLabelingJobs) with the metrics' newer values where they lead."""
    k = LabelingDetailKeys(job)

    def best(key: SeriesKey, counter: int | None) -> int | None:
        v = latest(store, key, now, fresh=None)
        if v is None:
            return counter
        return int(v) if counter is None else max(int(v), counter)

    labeled = best(k.labeled, job.total_labeled)
    human, machine = best(k.human, job.human_labeled), best(k.auto, job.machine_labeled)
    failed = best(k.failed, job.failed_non_retryable)
    unlabeled = job.unlabeled
    if unlabeled is not None and job.total_labeled is not None and labeled is not None:
        # metrics newer than the counters: what was labeled since came out of the unlabeled
        unlabeled = max(0, unlabeled - (labeled - job.total_labeled))
    pace = labeling_pace(store, k.labeled, now) if job.status == "InProgress" else None
    return LabelingProgress(labeled, human, machine, failed, unlabeled, pace)


def progress_bar(pct: float | None, width: int = 30) -> str:
    g = glyphs()
    if pct is None:
        return g.gap * width
    full = int(round(max(0.0, min(100.0, pct)) / 100.0 * width))
    return g.bar * full + g.gap * (width - full)


def labeling_facts(job: LabelingJob, store: SeriesStore, now: int) -> list[Fact]:
    pr = labeling_progress(job, store, now)
    facts = [status_fact(job.status)]
    created = epoch_seconds(job.creation_time)
    facts.append(Fact("Workteam", (job.workteam or "none (automated only)") +
                      (f"   (created {format_age(created, now)} ago)" if created else ""), DIM))
    if job.failure_reason:
        facts.append(Fact("Failure", " ".join(job.failure_reason.split()), CRIT))
    if pr.total:
        pct = pr.done_pct or 0.0
        text = (f"{progress_bar(pct)} {pct:.1f}%   {format_count(pr.labeled or 0)} of {format_count(pr.total)} "
                f"labeled ({format_count(pr.human or 0)} by people, {format_count(pr.machine or 0)} automated)")
        facts.append(Fact("Progress", text, OK if pct >= 100 else INFO))
        left = f"{format_count(pr.unlabeled or 0)} left, {format_count(pr.failed or 0)} failed"
        facts.append(Fact("Remaining", left, CRIT if pr.failed else ""))
    if pr.per_hour is not None:
        eta = pr.eta_seconds
        text = f"{format_count(round(pr.per_hour))} objects/hour over the last {format_duration(PACE_SPAN)}"
        if eta is not None:
            text += f"; done in about {format_duration(eta)} at this pace"
        facts.append(Fact("Pace", text, "" if pr.per_hour > 0 else WARN))
    facts.append(account_jobs_fact(job, store, now))
    return facts


def account_jobs_fact(job: LabelingJob, store: SeriesStore, now: int) -> Fact:
    """The account's labeling jobs that ended in the window (JobsSucceeded / JobsFailed /
    JobsStopped, Sum; published without a dimension, so every job of the region)."""
    keys = LabelingDetailKeys(job).account_jobs
    totals = {name: window_sum(store, key, now) for name, key in keys.items()}
    where = f" in {job.region}" if job.region else ""
    text = (f"{format_count(totals['succeeded'] or 0)} succeeded, {format_count(totals['failed'] or 0)} failed, "
            f"{format_count(totals['stopped'] or 0)} stopped in the window   (all labeling jobs of the account{where}; "
            f"JobsSucceeded/Failed/Stopped, Sum)")
    return Fact("Account jobs", text, CRIT if totals["failed"] else DIM)


def labeling_rows(job: LabelingJob, store: SeriesStore, now: int) -> list[Row]:
    """Ground Truth job metrics, then the workteam's worker metrics."""
    k = LabelingDetailKeys(job)
    period = series_period(store, [k.labeled])
    rows = []
    for key, label, level in ((k.labeled, "Objects labeled", ""), (k.human, "Annotated by people", ""),
                              (k.auto, "Annotated automatically", ""), (k.failed, "Labeling failed", CRIT)):
        v = latest(store, key, now, fresh=None)
        pts = window_points(store, key, now)
        gained = (pts[-1][1] - pts[0][1]) if len(pts) >= 2 else None
        rows.append(metric_row(f"gt:{key.metric}", label, v, Unit.COUNT, stat="Maximum",
                               level=level if v else "",
                               window_text="" if gained is None else f"+{format_count(gained)}",
                               spark=grid(store, key, now, period)))
    w = k.workers
    if w:
        wp = series_period(store, [w["submitted"]])
        rows.append(metric_row("wt:active", f"Active workers ({k.workteam})", latest(store, w["active"], now),
                               Unit.NONE, window_text=max_text(window_max(store, w["active"], now)),
                               spark=grid(store, w["active"], now, wp)))
        for name, label in (("submitted", "Tasks submitted"), ("accepted", "Tasks accepted"),
                            ("declined", "Tasks declined"), ("returned", "Tasks returned")):
            r = recent_rate(store, w[name], now)
            total = window_sum(store, w[name], now)
            level = WARN if name in ("declined", "returned") and r.per_minute else ""
            rows.append(metric_row(f"wt:{name}", label, r.per_minute, Unit.NONE, level=level,
                                   now_text=format_per_minute(r.per_minute), window_text=total_text(total),
                                   spark=per_minute(grid(store, w[name], now, wp), wp)))
        spent, count = window_sum(store, w["time"], now), window_sum(store, w["time_count"], now)
        per_task = spent / count if spent is not None and count else None
        r_spent = recent_rate(store, w["time"], now)
        r_count = recent_count(store, w["time_count"], r_spent)
        recent_per_task = r_spent.total / r_count if r_spent.total is not None and r_count else None
        rows.append(metric_row("wt:time", "Time per task", recent_per_task, Unit.SECONDS,
                               window_text="" if per_task is None else f"mean {format_duration(per_task)}",
                               spark=_divide(grid(store, w["time"], now, wp), grid(store, w["time_count"], now, wp))))
    return rows


def _divide(num: list[float | None], den: list[float | None]) -> list[float | None]:
    return [None if n is None or not d else n / d for n, d in zip(num, den)]


def labeling_charts(job: LabelingJob, store: SeriesStore, now: int) -> list[ChartSpec]:
    k = LabelingDetailKeys(job)
    period = series_period(store, [k.labeled])

    def g(key: SeriesKey) -> list[float | None]:
        return grid(store, key, now, period)

    charts = [ChartSpec("Dataset objects (cumulative)", Unit.NONE, period,
                        (ChartLine("labeled", g(k.labeled)), ChartLine("by people", g(k.human)),
                         ChartLine("automated", g(k.auto)), ChartLine("failed", g(k.failed))), lo=0)]
    if k.workers:
        wp = series_period(store, [k.workers["submitted"]])
        charts.append(ChartSpec(f"Workteam {k.workteam}: tasks per minute", Unit.NONE, wp,
                                (ChartLine("submitted", per_minute(grid(store, k.workers["submitted"], now, wp), wp)),
                                 ChartLine("returned", per_minute(grid(store, k.workers["returned"], now, wp), wp)),
                                 ChartLine("declined", per_minute(grid(store, k.workers["declined"], now, wp), wp)),
                                 ChartLine("active workers", grid(store, k.workers["active"], now, wp))), lo=0))
    return charts


# ==============================================================================================
# Feature group
# ==============================================================================================

#: Feature Store runtime operations, and whether each reads or writes.
FEATURE_OPERATIONS = (("GetRecord", "read"), ("BatchGetRecord", "read"), ("PutRecord", "write"),
                      ("DeleteRecord", "write"))


class FeatureOpKeys:
    """The series of one operation of a feature group."""

    def __init__(self, fg: FeatureGroup, op: str, mode: str) -> None:
        self.op, self.mode = op, mode
        self.throughput = fg.throughput_mode
        key = key_builder(Kind.FEATURE_GROUP, fg.region, {"FeatureGroupName": fg.name, "OperationName": op},
                          group=cat.G_FEATURE_STORE)
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


def feature_rows(fg: FeatureGroup, store: SeriesStore, now: int) -> list[Row]:
    """One row per operation; operations without any request in the window are dimmed."""
    rows = []
    us = Unit.MICROSECONDS
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
            "latency": value_cell(latest(store, ok.latency, now), us, "Average"),
            "p99": value_cell(latest(store, ok.latency_p99, now), us, "p99"),
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
        ChartSpec("Latency by operation (average)", Unit.MICROSECONDS, period,
                  tuple(ChartLine(ok.op, g(ok.latency)) for ok in active), lo=0),
        ChartSpec("Throttled and 5XX per minute", Unit.NONE, period,
                  (ChartLine("throttled", per_minute(combine([g(ok.throttled) for ok in active], sum), period)),
                   ChartLine("5XX", per_minute(combine([g(ok.errors_5xx) for ok in active], sum), period))), lo=0),
    ]


# ==============================================================================================
# Inference recommendations job
# ==============================================================================================


class RecommendationDetailKeys:
    """Per load-tested endpoint: the overview's four series plus ClientLatency p99."""

    def __init__(self, job: RecommendationJob) -> None:
        self.base = RecommendationKeys(job)
        self.targets = job.endpoint_names or [None]
        self.sets: list[dict[str, SeriesKey]] = []
        for keys in self.base.sets:
            lat = keys["latency"]
            m = cat.find("ClientLatency", cat.G_RECOMMENDER)
            if cat.P99 not in m.stats:  # pragma: no cover - the catalog requests it
                raise ValueError("ClientLatency p99")
            self.sets.append(dict(keys, latency_p99=SeriesKey(lat.namespace, lat.metric, lat.dimensions, cat.P99,
                                                              lat.region)))

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


def recommendation_rows(job: RecommendationJob, store: SeriesStore, now: int) -> list[Row]:
    k = RecommendationDetailKeys(job)
    ms = Unit.MILLISECONDS
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
            "latency": value_cell(latest(store, s["latency"], now), ms, "Average"),
            "p99": value_cell(latest(store, s["latency_p99"], now), ms, "p99"),
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
        ChartSpec("Client latency (average)", Unit.MILLISECONDS, period,
                  tuple(ChartLine(lb, g(s["latency"])) for lb, s in zip(labels, k.sets)), lo=0),
        ChartSpec("Error rate", Unit.PERCENT, period,
                  tuple(ChartLine(lb, ratio_pct(g(s["errors"]), g(s["invocations"])))
                        for lb, s in zip(labels, k.sets)), lo=0, hi=1.0),
    ]

