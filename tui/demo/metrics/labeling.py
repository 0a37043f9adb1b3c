"""Simulated metrics of Ground Truth: labeling jobs' dataset objects and job outcomes, and
work teams' workers and tasks."""

from __future__ import annotations

from collections import defaultdict

from tui.demo import shapes
from tui.demo.metrics.base import SimulatorBase
from tui.demo.metrics.batch import Batch, emit, group_metrics
from tui.demo.metrics.samples import v
from tui.model.catalog import G_GROUND_TRUTH, Kind

GT = group_metrics(G_GROUND_TRUTH)


class GroundTruthMetrics(SimulatorBase):
    """Datapoints of labeling jobs and work teams."""

    def _ground_truth(self, batch: Batch, a: float, b: float) -> None:
        active_teams: dict[str, float] = defaultdict(float)
        for job in self.fleet.labeling_jobs:
            dv = {"LabelingJobName": job.name}
            if job.start <= a < job.end:
                c = job.counters_at(a)
                emit(batch, GT["DatasetObjectsHumanAnnotated"], Kind.LABELING_JOB, dv, v(c["human"]))
                emit(batch, GT["DatasetObjectsAutoAnnotated"], Kind.LABELING_JOB, dv, v(c["auto"]))
                emit(batch, GT["DatasetObjectsLabelingFailed"], Kind.LABELING_JOB, dv, v(c["failed"]))
                emit(batch, GT["TotalDatasetObjectsLabeled"], Kind.LABELING_JOB, dv, v(c["total"]))
                active_teams[job.workteam] += job.total_objects / max(job.end - job.start, 1.0) * 60.0
            if a <= job.end < b:
                name = {"Completed": "JobsSucceeded", "Failed": "JobsFailed", "Stopped": "JobsStopped"}[job.final_status]
                emit(batch, GT[name], Kind.LABELING_JOB, {}, v(1))
        for team in self.fleet.workteams:
            rate = active_teams.get(team.name)
            if not rate:
                continue
            dv = {"Workteam": team.name}
            key = self.key(team.name, "tasks")
            load = shapes.diurnal(a, 14.0, 0.5) / 1.5
            active = max(1, round(team.workers * load * (0.7 + 0.2 * shapes.uniform(key, a, 1))))
            submitted = shapes.binomial(key, a, max(1, round(rate * 1.1 * load)), 0.9, 2)
            accepted = submitted + shapes.binomial(key, a, 4, 0.4, 3)
            declined = shapes.binomial(key, a, 3, 0.1, 4)
            returned = shapes.binomial(key, a, 3, 0.06, 5)
            emit(batch, GT["ActiveWorkers"], Kind.WORKTEAM, dv, v(active))
            emit(batch, GT["TasksAccepted"], Kind.WORKTEAM, dv, v(accepted))
            emit(batch, GT["TasksSubmitted"], Kind.WORKTEAM, dv, v(submitted))
            emit(batch, GT["TasksDeclined"], Kind.WORKTEAM, dv, v(declined))
            emit(batch, GT["TasksReturned"], Kind.WORKTEAM, dv, v(returned))
            if submitted:
                secs = [round(25 + 50 * shapes.uniform(key, a, 10 + i)) for i in range(min(submitted, 3))]
                mean = sum(secs) / len(secs)
                emit(batch, GT["TimeSpent"], Kind.WORKTEAM, dv,
                     ("s", float(submitted), round(mean * submitted, 1), float(min(secs)), float(max(secs))))
