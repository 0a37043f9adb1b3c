"""Discovery of every kind in every region at once, into one Inventory (never raises)."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from tui.aws.discovery.base import ALARM, DEFAULT_EXECUTIONS, DEFAULT_LOOKBACK, DISCOVER_WORKERS, _error, _unique
from tui.aws.discovery.cache import DescribeCache
from tui.aws.discovery.endpoints import list_endpoints, list_inference_components
from tui.aws.discovery.jobs import list_processing_jobs, list_training_jobs, list_transform_jobs
from tui.aws.discovery.pipelines import list_pipelines
from tui.aws.discovery.labeling import list_labeling_jobs
from tui.aws.discovery.feature_groups import list_feature_groups
from tui.aws.discovery.recommendations import list_recommendation_jobs
from tui.aws.discovery.alarms import list_alarms
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, Inventory


#: Every kind :func:`discover` knows, in the order results are assembled.
KINDS: tuple[str, ...] = (
    Kind.ENDPOINT.value,
    Kind.INFERENCE_COMPONENT.value,
    Kind.TRAINING_JOB.value,
    Kind.PROCESSING_JOB.value,
    Kind.TRANSFORM_JOB.value,
    Kind.PIPELINE.value,
    Kind.LABELING_JOB.value,
    Kind.FEATURE_GROUP.value,
    Kind.RECOMMENDATION_JOB.value,
    ALARM,
)
_JOB_KINDS = (Kind.TRAINING_JOB.value, Kind.PROCESSING_JOB.value, Kind.TRANSFORM_JOB.value)
_ALIASES: dict[str, tuple[str, ...]] = {
    "endpoints": (Kind.ENDPOINT.value,),
    "components": (Kind.INFERENCE_COMPONENT.value,),
    "inference-components": (Kind.INFERENCE_COMPONENT.value,),
    "jobs": _JOB_KINDS,
    "training-jobs": (Kind.TRAINING_JOB.value,),
    "processing-jobs": (Kind.PROCESSING_JOB.value,),
    "transform-jobs": (Kind.TRANSFORM_JOB.value,),
    "pipelines": (Kind.PIPELINE.value,),
    "labeling_jobs": (Kind.LABELING_JOB.value,),
    "labeling-jobs": (Kind.LABELING_JOB.value,),
    "feature_groups": (Kind.FEATURE_GROUP.value,),
    "feature-groups": (Kind.FEATURE_GROUP.value,),
    "recommendation_jobs": (Kind.RECOMMENDATION_JOB.value,),
    "recommendation-jobs": (Kind.RECOMMENDATION_JOB.value,),
    "alarms": (ALARM,),
}



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
           executions: int, cache: DescribeCache, now: datetime) -> tuple[str, str, list, list[DiscoveryError]]:
    errors: list[DiscoveryError] = []
    operation = {
        Kind.ENDPOINT.value: "ListEndpoints", Kind.INFERENCE_COMPONENT.value: "ListInferenceComponents",
        Kind.TRAINING_JOB.value: "ListTrainingJobs", Kind.PROCESSING_JOB.value: "ListProcessingJobs",
        Kind.TRANSFORM_JOB.value: "ListTransformJobs", Kind.PIPELINE.value: "ListPipelines",
        Kind.LABELING_JOB.value: "ListLabelingJobs", Kind.FEATURE_GROUP.value: "ListFeatureGroups",
        Kind.RECOMMENDATION_JOB.value: "ListInferenceRecommendationsJobs", ALARM: "DescribeAlarms",
    }[kind]
    try:
        if kind == ALARM:
            items: list = list_alarms(clients.cloudwatch(region), region, usage=usage)
        else:
            sm = clients.sagemaker(region)
            common = {"usage": usage, "errors": errors}
            if kind == Kind.ENDPOINT.value:
                items = list_endpoints(sm, region, cache=cache, **common)
            elif kind == Kind.INFERENCE_COMPONENT.value:
                items = list_inference_components(sm, region, **common)
            elif kind == Kind.TRAINING_JOB.value:
                items = list_training_jobs(sm, region, lookback=lookback, now=now, cache=cache, **common)
            elif kind == Kind.PROCESSING_JOB.value:
                items = list_processing_jobs(sm, region, lookback=lookback, now=now, cache=cache, **common)
            elif kind == Kind.TRANSFORM_JOB.value:
                items = list_transform_jobs(sm, region, cw=clients.cloudwatch(region), lookback=lookback,
                                            now=now, cache=cache, **common)
            elif kind == Kind.PIPELINE.value:
                items = list_pipelines(sm, region, executions=executions, cache=cache, **common)
            elif kind == Kind.LABELING_JOB.value:
                items = list_labeling_jobs(sm, region, **common)
            elif kind == Kind.FEATURE_GROUP.value:
                items = list_feature_groups(sm, region, **common)
            else:
                items = list_recommendation_jobs(sm, region, **common)
    except Exception as exc:  # noqa: BLE001 - any failure of one kind is reported, never raised
        return region, kind, [], errors + [_error(kind, operation, exc, region)]
    return region, kind, items, errors


_FIELD = {
    Kind.ENDPOINT.value: "endpoints", Kind.INFERENCE_COMPONENT.value: "components",
    Kind.TRAINING_JOB.value: "jobs", Kind.PROCESSING_JOB.value: "jobs", Kind.TRANSFORM_JOB.value: "jobs",
    Kind.PIPELINE.value: "pipelines", Kind.LABELING_JOB.value: "labeling_jobs",
    Kind.FEATURE_GROUP.value: "feature_groups", Kind.RECOMMENDATION_JOB.value: "recommendation_jobs",
    ALARM: "alarms",
}


def discover(clients, regions: Iterable[str] | None = None, *, kinds: Iterable[str] | None = None,
             usage: Usage | None = None, lookback: timedelta | None = DEFAULT_LOOKBACK,
             executions: int = DEFAULT_EXECUTIONS, cache: DescribeCache | None = None,
             now: datetime | None = None, workers: int = DISCOVER_WORKERS) -> Inventory:
    """Discover ``kinds`` (default: all) in ``regions`` (default: the clients' regions).

    Every (region, kind) pair is fetched independently in a thread pool; failures become
    :class:`DiscoveryError` entries and empty lists, never exceptions. Endpoints that
    inference components are listed for are marked ``component_based``. Pass the same
    ``cache`` on every refresh so endpoint configs, models and ended jobs are described
    once, and settled pipelines' executions are not listed again.
    """
    region_list = _unique(regions if regions is not None else clients.regions)
    wanted = normalize_kinds(kinds)
    cache = cache if cache is not None else DescribeCache()
    now = now or datetime.now(timezone.utc)
    tasks = [(r, k) for r in region_list for k in wanted]
    inv = Inventory()
    if tasks:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(tasks))), thread_name_prefix="discover") as pool:
            futures = [pool.submit(_fetch, clients, r, k, usage=usage, lookback=lookback, executions=executions,
                                   cache=cache, now=now) for r, k in tasks]
            results = [f.result() for f in futures]
        for _region_name, kind, items, errors in results:
            getattr(inv, _FIELD[kind]).extend(items)
            inv.errors.extend(errors)
    hosting = {(c.region, c.endpoint_name) for c in inv.components}
    for ep in inv.endpoints:
        if (ep.region, ep.name) in hosting:
            ep.component_based = True
    inv.fetched_at = datetime.now(timezone.utc)
    return inv
