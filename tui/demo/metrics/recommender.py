"""Simulated metrics of Inference Recommender: a load test's users, invocations, errors and
latency on the endpoint it is testing."""

from __future__ import annotations

import math

from tui.demo import shapes
from tui.demo.metrics.base import SimulatorBase
from tui.demo.metrics.batch import Batch, emit, group_metrics
from tui.demo.metrics.samples import v
from tui.model.catalog import G_RECOMMENDER, Kind

REC = group_metrics(G_RECOMMENDER)


class RecommenderMetrics(SimulatorBase):
    """Datapoints of inference recommendations jobs."""

    def _recommender(self, batch: Batch, t: float) -> None:
        for job in self.fleet.recommendation_jobs:
            cur = job.endpoint_at(t)
            if cur is None:
                continue
            endpoint, progress = cur
            dv = {"JobName": job.name, "EndpointName": endpoint}
            key = self.key(job.name, endpoint)
            users = max(1, math.ceil(job.max_users * min(1.0, progress * 1.15)))
            capacity = job.max_users * (0.45 + 0.35 * job.endpoints.index(endpoint) / max(len(job.endpoints) - 1, 1))
            saturation = max(0.0, users / capacity - 1.0)
            n = round(users * 60 / (1.1 + 1.8 * saturation))
            errors = shapes.binomial(key, t, n, min(0.4, 0.002 + 0.25 * saturation), 1)
            emit(batch, REC["NumberOfUsers"], Kind.RECOMMENDATION_JOB, dv, v(users))
            emit(batch, REC["ClientInvocations"], Kind.RECOMMENDATION_JOB, dv, v(n))
            emit(batch, REC["ClientInvocationErrors"], Kind.RECOMMENDATION_JOB, dv, v(errors))
            emit(batch, REC["ClientLatency"], Kind.RECOMMENDATION_JOB, dv,
                 self._latency(key, t, 950.0 * (1 + 1.5 * saturation), min(1.0, users / capacity), scale=1.0))
