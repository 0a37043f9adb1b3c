"""The demo's metric simulator: for one publishing period (a real minute, or ten real seconds
for endpoints with enhanced metrics) the datums SageMaker would publish for the whole fleet.

Each resource family's datapoints come from its own module (:mod:`.endpoints`, :mod:`.jobs`,
:mod:`.pipelines`, :mod:`.labeling`, :mod:`.feature_store`, :mod:`.recommender`); this one
puts them together in the order they are published.
"""

from __future__ import annotations

from tui.demo.fleet import EndpointSpec
from tui.demo.metrics.batch import Batch
from tui.demo.metrics.endpoints import EndpointMetrics
from tui.demo.metrics.feature_store import FeatureStoreMetrics
from tui.demo.metrics.jobs import JobMetrics
from tui.demo.metrics.labeling import GroundTruthMetrics
from tui.demo.metrics.pipelines import PipelineMetrics
from tui.demo.metrics.recommender import RecommenderMetrics


class Simulator(EndpointMetrics, JobMetrics, PipelineMetrics, GroundTruthMetrics, FeatureStoreMetrics,
                RecommenderMetrics):
    """Datapoints for the fleet, one publishing period at a time."""

    # -- periods ----------------------------------------------------------------------------------
    def minute(self, ts: float) -> Batch:
        """Every datum for the real minute starting at ``ts``."""
        a, b = self.sim(ts), self.sim(ts + 60)
        batch = Batch(ts)
        for ep in self.fleet.endpoints:
            self._endpoint(batch, ep, a)
        for ic in self.fleet.components:
            self._component(batch, ic, a)
        for job in self.fleet.jobs:
            if job.running_at(a):
                self._job(batch, job, a)
        self._pipelines(batch, a, b)
        self._ground_truth(batch, a, b)
        self._feature_store(batch, a)
        self._recommender(batch, a)
        batch.finish()
        return batch

    def high_resolution(self, ts: float, high_resolution: bool = True) -> Batch:
        """Datums of endpoints publishing faster than every minute (a 10 s bucket; with
        ``high_resolution`` False, the same series as one standard-resolution point)."""
        batch = Batch(ts, high_resolution=high_resolution)
        t = self.sim(ts)
        for ep in self.fleet.endpoints:
            if ep.publish_interval < 60:
                self._endpoint_instances(batch, ep, t, enhanced=ep.enhanced)
        batch.finish()
        return batch

    def high_resolution_endpoints(self) -> list[EndpointSpec]:
        return [e for e in self.fleet.endpoints if e.publish_interval < 60]
