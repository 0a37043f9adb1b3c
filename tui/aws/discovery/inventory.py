"""Discovery of every kind in every region at once, into one Inventory (never raises)."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from tui.aws.discovery.base import ALARM, DEFAULT_EXECUTIONS, DEFAULT_LOOKBACK, DISCOVER_WORKERS, _error, _unique
from tui.aws.discovery.cache import DescribeCache
from tui.aws.discovery.deferred import Pending
from tui.aws.discovery.endpoints import list_endpoints, list_inference_components
from tui.aws.discovery.jobs import list_processing_jobs, list_training_jobs, list_transform_jobs
from tui.aws.discovery.pipelines import list_pipelines
from tui.aws.discovery.labeling import list_labeling_jobs
from tui.aws.discovery.feature_groups import list_feature_groups
from tui.aws.discovery.recommendations import list_recommendation_jobs
from tui.aws.discovery.alarms import list_alarms
from tui.model.catalog import Kind
from tui.model.kinds import KIND_FIELDS, KINDS as KIND_SPECS, PANES, kind_spec
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, Inventory


def _list_transform_jobs(clients, sm, region, **ctx):
    return list_transform_jobs(sm, region, cw=clients.cloudwatch(region), **ctx)


def _list_alarms(clients, sm, region, **ctx):
    return list_alarms(clients.cloudwatch(region), region, usage=ctx.get("usage"))


def _sm(lister):
    """A lister of the SageMaker client alone, given the clients (``ctx`` minus what it does not take)."""
    def call(clients, sm, region, **ctx):
        return lister(sm, region, **ctx)
    return call


#: One lister per kind of the registry (:data:`tui.model.kinds.KINDS`); each takes the clients,
#: the region's SageMaker client, the region and the context keywords it names.
LISTERS = {
    Kind.ENDPOINT: (_sm(list_endpoints), ("cache", "pending")),
    Kind.INFERENCE_COMPONENT: (_sm(list_inference_components), ("pending",)),
    Kind.TRAINING_JOB: (_sm(list_training_jobs), ("lookback", "now", "cache", "pending")),
    Kind.PROCESSING_JOB: (_sm(list_processing_jobs), ("lookback", "now", "cache", "pending")),
    Kind.TRANSFORM_JOB: (_list_transform_jobs, ("lookback", "now", "cache", "pending")),
    Kind.PIPELINE: (_sm(list_pipelines), ("executions", "cache", "pending")),
    Kind.LABELING_JOB: (_sm(list_labeling_jobs), ()),
    Kind.FEATURE_GROUP: (_sm(list_feature_groups), ()),
    Kind.RECOMMENDATION_JOB: (_sm(list_recommendation_jobs), ()),
    Kind.ALARM: (_list_alarms, ()),
}

#: Every kind :func:`discover` knows, in the order results are assembled: the registry's, then alarms.
KINDS: tuple[str, ...] = tuple(dict.fromkeys([spec.kind.value for spec in KIND_SPECS] + [ALARM]))
_ALIASES: dict[str, tuple[str, ...]] = {"alarms": (ALARM,)}
for _spec in KIND_SPECS:
    for _name in (PANES[_spec.pane].field, _spec.pane.value, *_spec.aliases):
        _ALIASES[_name] = _ALIASES.get(_name, ()) + (_spec.kind.value,)
#: The Inventory field each kind lands in.
_FIELD = {**{kind.value: field for kind, field in KIND_FIELDS.items()}, ALARM: "alarms"}


def normalize_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The known kinds named by ``kinds`` (Kind values, "alarm", or Inventory field names), in order."""
    if kinds is None:
        return KINDS
    wanted: set[str] = set()
    for k in kinds:
        name = str(getattr(k, "value", k))
        wanted.update(_ALIASES.get(name, (name,)))
    return tuple(k for k in KINDS if k in wanted)


def _fetch(clients, region: str, kind: str, *, usage: Usage | None, lookback: timedelta | None,
           executions: int, cache: DescribeCache, now: datetime, pending: list[Pending] | None
           ) -> tuple[str, str, list, list[DiscoveryError]]:
    errors: list[DiscoveryError] = []
    spec = kind_spec(kind)
    operation = spec.operation if spec else "DescribeAlarms"
    try:
        if spec is None:
            items: list = list_alarms(clients.cloudwatch(region), region, usage=usage)
        else:
            lister, takes = LISTERS[spec.kind]
            context = {"lookback": lookback, "now": now, "cache": cache, "executions": executions,
                       "pending": pending}
            items = lister(clients, clients.sagemaker(region), region, usage=usage, errors=errors,
                           **{name: context[name] for name in takes})
    except Exception as exc:  # noqa: BLE001 - any failure of one kind is reported, never raised
        return region, kind, [], errors + [_error(kind, operation, exc, region)]
    return region, kind, items, errors


def discover(clients, regions: Iterable[str] | None = None, *, kinds: Iterable[str] | None = None,
             usage: Usage | None = None, lookback: timedelta | None = DEFAULT_LOOKBACK,
             executions: int = DEFAULT_EXECUTIONS, cache: DescribeCache | None = None,
             now: datetime | None = None, workers: int = DISCOVER_WORKERS,
             pending: list[Pending] | None = None) -> Inventory:
    """Discover ``kinds`` (default: all) in ``regions`` (default: the clients' regions).

    Every (region, kind) pair is fetched independently in a thread pool; failures become
    :class:`DiscoveryError` entries and empty lists, never exceptions. Endpoints that
    inference components are listed for are marked ``component_based``. Pass the same
    ``cache`` on every refresh so endpoint configs, models and ended jobs are described
    once, and settled pipelines' executions are not listed again.

    With ``pending`` (see :mod:`.deferred`), endpoints, inference components, jobs and
    pipelines that need a Describe call are returned as their listings (``described=False``)
    and those calls appended to ``pending`` (in region and kind order) for the caller to run.
    """
    region_list = _unique(regions if regions is not None else clients.regions)
    wanted = normalize_kinds(kinds)
    cache = cache if cache is not None else DescribeCache()
    now = now or datetime.now(timezone.utc)
    tasks = [(r, k) for r in region_list for k in wanted]
    inv = Inventory()
    if tasks:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(tasks))), thread_name_prefix="discover") as pool:
            queues: list[list[Pending] | None] = [None if pending is None else [] for _task in tasks]
            futures = [pool.submit(_fetch, clients, r, k, usage=usage, lookback=lookback, executions=executions,
                                   cache=cache, now=now, pending=queue) for (r, k), queue in zip(tasks, queues)]
            results = [f.result() for f in futures]
        for queue in queues:
            if queue:
                pending.extend(queue)
        for _region_name, kind, items, errors in results:
            getattr(inv, _FIELD[kind]).extend(items)
            inv.errors.extend(errors)
    hosting = {(c.region, c.endpoint_name) for c in inv.components}
    for ep in inv.endpoints:
        if (ep.region, ep.name) in hosting:
            ep.component_based = True
    inv.fetched_at = datetime.now(timezone.utc)
    return inv
