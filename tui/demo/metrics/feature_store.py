"""Simulated metrics of Feature Store: per feature group and operation, invocations, errors,
throttles, latency and consumed capacity or request units."""

from __future__ import annotations

from tui.demo import shapes
from tui.demo.metrics.base import SimulatorBase
from tui.demo.metrics.batch import Batch, emit, group_metrics
from tui.demo.metrics.samples import flags, v
from tui.model.catalog import G_FEATURE_STORE, Kind

FS = group_metrics(G_FEATURE_STORE)


class FeatureStoreMetrics(SimulatorBase):
    """Datapoints of feature groups."""

    def _feature_store(self, batch: Batch, t: float) -> None:
        load = shapes.load_factor(t)
        for fg in self.fleet.feature_groups:
            if t < fg.created:
                continue
            for op, rpm in fg.rpm.items():
                dv = {"FeatureGroupName": fg.name, "OperationName": op}
                key = self.key(fg.name, op)
                n = shapes.request_count(key, t, rpm)
                if n <= 0:
                    continue
                write = op == "PutRecord"
                throttle_p = 0.0
                if fg.provisioned and write:
                    throttle_p = max(0.0, load - 0.82) * 0.25
                throttled = shapes.binomial(key, t, n, throttle_p, 1)
                emit(batch, FS["Invocations"], Kind.FEATURE_GROUP, dv, v(n))
                emit(batch, FS["Operation4XXErrors"], Kind.FEATURE_GROUP, dv,
                     flags(n, shapes.binomial(key, t, n, 0.0015, 2)))
                emit(batch, FS["Operation5XXErrors"], Kind.FEATURE_GROUP, dv,
                     flags(n, shapes.binomial(key, t, n, 0.0002, 3)))
                emit(batch, FS["ThrottledRequests"], Kind.FEATURE_GROUP, dv, flags(n, throttled))
                median_ms = {"GetRecord": 7.0, "PutRecord": 14.0, "BatchGetRecord": 22.0}.get(op, 10.0)
                emit(batch, FS["Latency"], Kind.FEATURE_GROUP, dv, self._latency(self.key(fg.name, op, "lat"), t,
                                                                                 median_ms, load))
                units = n * (10 if op == "BatchGetRecord" else 1) * (2 if write else 1)
                if fg.provisioned:
                    name = "ConsumedWriteCapacityUnits" if write else "ConsumedReadCapacityUnits"
                else:
                    name = "ConsumedWriteRequestsUnits" if write else "ConsumedReadRequestsUnits"
                emit(batch, FS[name], Kind.FEATURE_GROUP, dv, v(units))
