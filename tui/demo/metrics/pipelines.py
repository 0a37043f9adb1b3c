"""Simulated metrics of pipelines: executions and steps started, ended and their durations,
published in the period they happen."""

from __future__ import annotations

from collections import defaultdict

from tui.demo.metrics.base import SimulatorBase
from tui.demo.metrics.batch import Batch, emit, group_metrics
from tui.demo.metrics.samples import v, values
from tui.model.catalog import G_PIPELINES, Kind

PL = group_metrics(G_PIPELINES)


class PipelineMetrics(SimulatorBase):
    """Datapoints of pipeline executions and their steps."""

    def _pipelines(self, batch: Batch, a: float, b: float) -> None:
        for p in self.fleet.pipelines:
            dv = {"PipelineName": p.name}
            started = 0
            ended: dict[str, list[float]] = defaultdict(list)
            for ex in p.executions:
                if a <= ex.start < b:
                    started += 1
                if a <= ex.end < b:
                    ended[ex.status].append((ex.end - ex.start) * 1000.0)
                for st in ex.steps:
                    sdv = dict(dv, StepName=st.name)
                    if a <= st.start < b:
                        emit(batch, PL["StepStarted"], Kind.PIPELINE, sdv, v(1))
                    if a <= st.end < b:
                        emit(batch, PL[f"Step{st.status}"], Kind.PIPELINE, sdv, v(1))
                        emit(batch, PL["StepDuration"], Kind.PIPELINE, sdv,
                             values([round((st.end - st.start) * 1000.0)]))
            if started:
                emit(batch, PL["ExecutionStarted"], Kind.PIPELINE, dv, v(started))
            for status, durations in ended.items():
                emit(batch, PL[f"Execution{status}"], Kind.PIPELINE, dv, v(len(durations)))
                emit(batch, PL["ExecutionDuration"], Kind.PIPELINE, dv, values([round(d) for d in durations]))
