"""What the labeling-job screen shows, as pure data.

Progress from the job's label counters (labeled of the dataset, human and automated, failed,
left), the throughput from ``TotalDatasetObjectsLabeled`` and the time left at that pace; the
job's Ground Truth metrics (``LabelingJobName``), its workteam's worker metrics (``Workteam``:
active workers, tasks submitted / accepted / declined / returned, time per task) and the
account's ended labeling jobs.

Series keys come from the builders of :mod:`tui.model.plan` where the overview has them, so
the overview's series are reused. Nothing here imports Textual or boto3.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import catalog as cat
from tui.model.catalog import Kind, Unit
from tui.model.detail import DetailRequest
from tui.model.drill_views import ChartLine, ChartSpec, Fact, max_text, metric_row, status_fact, total_text
from tui.model.window_readers import (grid, per_minute, recent_count, series_period, window_max, window_points,
                                      window_sum)
from tui.model.format import format_age, format_count, format_duration, format_per_minute, percent
from tui.model.glyphs import glyphs
from tui.model.cells import CRIT, DIM, INFO, OK, WARN, Row
from tui.model.readings import latest, recent_rate
from tui.model.plan import LabelingKeys, key_builder
from tui.model.resources import LabelingJob, epoch_seconds
from tui.model.series import SeriesKey, SeriesStore

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
            key = key_builder(Kind.WORKTEAM, job.region, {"Workteam": job.workteam}, group=cat.G_GROUND_TRUTH,
                              account=job.account)
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
        account = key_builder(Kind.LABELING_JOB, job.region, {}, group=cat.G_GROUND_TRUTH, account=job.account)
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


def labeling_metric_rows(job: LabelingJob, store: SeriesStore, now: int) -> list[Row]:
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


__all__ = [
    "LabelingDetailKeys", "LabelingProgress", "PACE_SPAN", "account_jobs_fact", "labeling_charts", "labeling_facts",
    "labeling_pace", "labeling_progress", "labeling_request", "labeling_metric_rows", "progress_bar",
]
