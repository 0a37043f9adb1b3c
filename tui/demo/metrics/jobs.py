"""Simulated metrics of training, processing and transform jobs: per-host utilization and a
training job's own algorithm metrics (MetricDefinitions)."""

from __future__ import annotations

from tui.demo import shapes
from tui.demo.fleet import PROCESSING, TRAINING, TRANSFORM, JobSpec
from tui.demo.metrics.base import INSTANCE_METRICS, SimulatorBase
from tui.demo.metrics.batch import Batch, emit
from tui.demo.metrics.samples import v
from tui.model.catalog import NS_TRAINING, Kind

#: Scenario job kinds to catalog kinds.
JOB_KIND = {TRAINING: Kind.TRAINING_JOB, PROCESSING: Kind.PROCESSING_JOB, TRANSFORM: Kind.TRANSFORM_JOB}
#: The dimension naming a training job's algorithm metrics (MetricDefinitions). These metrics
#: are the job's own, not SageMaker's, so they are not in the catalog.
TRAINING_JOB_DIMENSION = "TrainingJobName"


class JobMetrics(SimulatorBase):
    """Datapoints of running jobs, host by host."""

    def _job(self, batch: Batch, job: JobSpec, t: float) -> None:
        kind = JOB_KIND[job.kind]
        ngpu, cores = job.gpus_per_host, job.vcpus_per_host
        p = job.progress_at(t)
        for host in job.hosts:
            dv = {"Host": host}
            key = self.key(job.name, host)
            lag = host == job.lag_host
            warm = shapes.smoothstep(t, job.start, job.start + 4 * 60)  # containers start, data loads
            if job.kind == TRAINING:
                core = (22 if ngpu else 88) * warm
                gpu = (25.0 if lag else 92.0) * warm
                gmem = (58.0 if lag else 79.0) * warm
                if job.final_status == "Failed" and ngpu:  # memory climbs until the OOM
                    gmem = shapes.ramp(t, job.start, job.end, 62.0, 99.6)
                    gpu = 88.0 * warm
                mem, disk = 46.0 + 4 * p, 31.0 + 12 * p
            elif job.kind == PROCESSING:
                core, gpu, gmem, mem, disk = 71.0 * warm, 0.0, 0.0, 58.0 + 8 * p, 24.0 + 6 * p
            else:
                core, gpu, gmem, mem, disk = 54.0 * warm, 68.0 * warm, 52.0 * warm, 37.0 + 5 * p, 0.0
            if host == job.disk_host and job.disk_fill:
                a, b, lo, hi = job.disk_fill
                disk = shapes.ramp(t, a, b, lo, hi) if t < b else hi
            vals = {
                "CPUUtilization": round(shapes.utilization(key, t, core, 2.5, 3) * cores, 1),
                "MemoryUtilization": shapes.utilization(self.key(job.name, host, "mem"), t, mem, 0.8, 1.5),
                "DiskUtilization": shapes.utilization(self.key(job.name, host, "disk"), t, disk, 0.15, 0.3),
            }
            if ngpu:
                vals["GPUUtilization"] = round(shapes.utilization(self.key(job.name, host, "gpu"), t, gpu,
                                                                  2.0 if not lag else 3.0, 2) * ngpu, 1)
                vals["GPUMemoryUtilization"] = round(shapes.utilization(self.key(job.name, host, "gmem"), t, gmem,
                                                                        0.5, 1) * ngpu, 1)
            for md in INSTANCE_METRICS[kind]:
                if md.name in vals:
                    emit(batch, md, kind, dv, v(vals[md.name]))
        if job.kind == TRAINING and job.metric_definitions:
            self._algorithm_metrics(batch, job, t)

    def _algorithm_metrics(self, batch: Batch, job: JobSpec, t: float) -> None:
        """The job's MetricDefinitions, published by SageMaker under the job's name."""
        dims = ((TRAINING_JOB_DIMENSION, job.name),)
        p = job.progress_at(t)
        key = self.key(job.name, "algo")
        for name, _regex in job.metric_definitions:
            if name.endswith("loss"):
                val = shapes.loss_curve(p, key, t, start=2.4 if job.gpus_per_host else 0.69,
                                        floor=1.45 if "pretrain" in job.name else 0.12)
            elif int(t // 60) % 5 == 0:
                val = shapes.accuracy_curve(p, key, t)
            else:
                continue
            batch.put(NS_TRAINING, name, dims, v(val), "None")
