"""The datums of one publishing period (:class:`Batch`), and :func:`emit`, which puts a catalog
metric's sample into it under the namespace and dimensions the catalog names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tui.demo.metrics.samples import Sample, merge
from tui.model.catalog import CATALOG, Kind, MetricDef


_BY_GROUP: dict[tuple[str, str], MetricDef] = {(m.group, m.name): m for m in CATALOG}


def metric(group: str, name: str) -> MetricDef:
    """The catalog entry of ``name`` in ``group`` (KeyError for a name the catalog lacks)."""
    return _BY_GROUP[(group, name)]


def group_metrics(group: str) -> dict[str, MetricDef]:
    return {m.name: m for m in CATALOG if m.group == group}


@dataclass
class Batch:
    """Datums of one publishing period, by namespace, with roll-ups merged at the end."""

    ts: float
    high_resolution: bool = False
    data: dict[str, list[tuple[str, tuple, Sample, str]]] = field(default_factory=lambda: defaultdict(list))
    rollups: dict[tuple[str, str, tuple, str], Sample] = field(default_factory=dict)

    def put(self, namespace: str, name: str, dims: tuple, sample: Sample, unit: str) -> None:
        self.data[namespace].append((name, dims, sample, unit))

    def rollup(self, namespace: str, name: str, dims: tuple, sample: Sample, unit: str) -> None:
        key = (namespace, name, dims, unit)
        prev = self.rollups.get(key)
        self.rollups[key] = sample if prev is None else merge(prev, sample)

    def finish(self) -> None:
        for (ns, name, dims, unit), sample in self.rollups.items():
            self.data[ns].append((name, dims, sample, unit))
        self.rollups = {}

    def __len__(self) -> int:
        return sum(len(x) for x in self.data.values())


def emit(batch: Batch, md: MetricDef, kind: Kind, dimvals: dict[str, str], sample: Sample | None,
         dims: tuple[str, ...] | None = None, rollups: bool = True) -> None:
    """Put ``sample`` for catalog metric ``md`` of a resource of ``kind``.

    The namespace and dimension names come from the catalog: ``dims`` (one of the metric's
    dimension sets, or an enhanced one) or the set naming one resource of ``kind``. With
    ``rollups``, the sample is also merged into the metric's coarser dimension sets (e.g.
    OperationName alone, or none: the account) that ``dimvals`` covers.
    """
    if sample is None:
        return
    plan = _EMIT_PLANS.get((id(md), kind, dims))
    if plan is None:
        names = dims if dims is not None else md.dimensions_for(kind)
        others = () if (not rollups or dims is not None) else tuple(
            o for o in md.dimensions if o != names and set(o) < set(names))
        plan = _EMIT_PLANS[(id(md), kind, dims)] = (names, md.namespace_for(kind), md.unit.value, others)
    names, ns, unit, others = plan
    batch.put(ns, md.name, tuple([(n, dimvals[n]) for n in names]), sample, unit)
    if not rollups:
        return
    for other in others:
        if all(n in dimvals for n in other):
            batch.rollup(ns, md.name, tuple([(n, dimvals[n]) for n in other]), sample, unit)


#: Per (metric, kind, explicit dimension set): dimension names, namespace, unit, roll-up sets.
_EMIT_PLANS: dict[tuple, tuple] = {}
