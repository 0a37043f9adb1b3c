"""Endpoints (ListEndpoints, then Describe* for the new and changed ones) and inference components."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery.base import (
    LIST_PAGE_SIZE, DESCRIBE_WORKERS, _call, _dict, _float, _int, _items, _list, _note, _pages,
    _region, _str, _ts, _unique, _vanished,
)
from tui.aws.discovery.cache import DescribeCache
from tui.aws.discovery.deferred import Pending, describe_or_defer
from tui.model import catalog
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, Endpoint, InferenceComponent, Variant


def _is_multi_model(model: dict) -> bool:
    containers = [_dict(model.get("PrimaryContainer"))] + _list(model.get("Containers"))
    return any(c.get("Mode") == "MultiModel" for c in containers)


def _describe_endpoint(sm, summary: dict, region: str, usage: Usage | None, cache: DescribeCache,
                       errors: list[DiscoveryError] | None) -> Endpoint | None:
    kind = Kind.ENDPOINT.value
    ep = listed_endpoint(summary, region)
    name = ep.name
    try:
        desc = _call(sm, "DescribeEndpoint", usage, EndpointName=name)
    except (ClientError, BotoCoreError) as exc:
        if _vanished(exc):
            return None
        _note(errors, kind, "DescribeEndpoint", exc, region)
        return ep  # its details stay unknown (described False): the row shows "…", not zeros
    ep.described = True
    ep.status = _str(desc.get("EndpointStatus")) or ep.status
    ep.config_name = _str(desc.get("EndpointConfigName")) or ""
    ep.creation_time = _ts(desc.get("CreationTime")) or ep.creation_time
    ep.last_modified = _ts(desc.get("LastModifiedTime")) or ep.last_modified
    ep.failure_reason = _str(desc.get("FailureReason"))

    config: dict = {}
    if ep.config_name:
        try:
            config = cache.endpoint_config(sm, ep.config_name, usage)
        except (ClientError, BotoCoreError) as exc:
            _note(errors, kind, "DescribeEndpointConfig", exc, region)
    config_variants = {str(v.get("VariantName")): v for v in _list(config.get("ProductionVariants"))}
    metrics_config = _dict(config.get("MetricsConfig")) or _dict(desc.get("MetricsConfig"))
    ep.enhanced_metrics = metrics_config.get("EnableEnhancedMetrics") is True
    frequency = metrics_config.get("MetricPublishFrequencyInSeconds")
    ep.metric_publish_frequency = frequency if isinstance(frequency, int) and frequency > 0 else None

    seen: set[str] = set()
    for live in _list(desc.get("ProductionVariants")):
        vname = str(live.get("VariantName") or "")
        seen.add(vname)
        ep.variants.append(_variant(vname, live, config_variants.get(vname, {})))
    for vname, cfg in config_variants.items():  # not deployed yet (endpoint Creating/Updating)
        if vname not in seen:
            ep.variants.append(_variant(vname, {}, cfg))

    if config_variants:
        ep.component_based = any(not _str(v.get("ModelName")) for v in config_variants.values())
    for model_name in _unique(_str(v.get("ModelName")) or "" for v in config_variants.values()):
        try:
            if _is_multi_model(cache.model(sm, model_name, usage)):
                ep.multi_model = True
                break
        except (ClientError, BotoCoreError) as exc:
            _note(errors, kind, "DescribeModel", exc, region)
    return ep


def _variant(name: str, live: dict, cfg: dict) -> Variant:
    serverless = (_dict(live.get("CurrentServerlessConfig")) or _dict(live.get("DesiredServerlessConfig"))
                  or _dict(cfg.get("ServerlessConfig")))
    v = Variant(name=name, instance_type=_str(cfg.get("InstanceType")))
    if live:
        v.current_instance_count = _int(live.get("CurrentInstanceCount"))
        v.desired_instance_count = _int(live.get("DesiredInstanceCount"))
        v.current_weight = _float(live.get("CurrentWeight"))
        v.desired_weight = _float(live.get("DesiredWeight"))
    else:
        v.desired_instance_count = _int(cfg.get("InitialInstanceCount"))
        v.desired_weight = _float(cfg.get("InitialVariantWeight"))
    if serverless:
        v.serverless_memory_mb = _int(serverless.get("MemorySizeInMB"))
        v.serverless_max_concurrency = _int(serverless.get("MaxConcurrency"))
    return v


def listed_endpoint(summary: dict, region: str) -> Endpoint:
    """What ListEndpoints says of an endpoint (name, status, times): a row whose details are to come."""
    return Endpoint(name=str(summary.get("EndpointName") or ""), status=_str(summary.get("EndpointStatus")) or "Unknown",
                    region=region, creation_time=_ts(summary.get("CreationTime")),
                    last_modified=_ts(summary.get("LastModifiedTime")), described=False)


def list_endpoints(sm, region: str | None = None, *, usage: Usage | None = None,
                   cache: DescribeCache | None = None, errors: list[DiscoveryError] | None = None,
                   workers: int = DESCRIBE_WORKERS, pending: list[Pending] | None = None) -> list[Endpoint]:
    """Every endpoint with its variants (ListEndpoints in pages of 100, then
    DescribeEndpoint/-EndpointConfig/-Model).

    With a kept ``cache``, only new and changed endpoints are described (see
    :class:`~tui.aws.discovery.cache._EndpointWatch`): the others are the descriptions kept,
    so a refresh of an unchanged fleet of 1,000 endpoints costs 10 listing pages and a handful
    of Describe calls; configs and models are described once per name (shared by endpoints).
    With ``pending`` (see :mod:`.deferred`) the endpoints to describe are returned as their
    listing (``described=False``) and their Describe calls appended there for later.
    ``component_based`` here reflects the endpoint config (a variant without ModelName);
    :func:`~tui.aws.discovery.discover` also marks endpoints that inference components are listed for.
    """
    region = _region(sm, region)
    cache = cache if cache is not None else DescribeCache()
    summaries = _items(sm, "ListEndpoints", "Endpoints", usage, SortBy="Name", SortOrder="Ascending",
                       MaxResults=LIST_PAGE_SIZE)
    summaries = [s for s in summaries if _str(s.get("EndpointName"))]
    watch = cache.endpoint_watch(region)
    now = time.monotonic()

    def one(item: tuple[dict, Endpoint | None], errors: list[DiscoveryError] | None) -> Endpoint | None:
        summary, kept = item
        if kept is not None:
            return copy.deepcopy(kept)  # discover() marks component_based on what it returns
        problems: list[DiscoveryError] = []
        ep = _describe_endpoint(sm, summary, region, usage, cache, problems)
        if ep is None:
            watch.forget(str(summary.get("EndpointName")))
        elif not problems:
            watch.store(summary, copy.deepcopy(ep), now)
        if errors is not None:
            errors.extend(problems)
        return ep

    return describe_or_defer(one, watch.plan(summaries, now), placeholder=lambda item: listed_endpoint(item[0], region),
                             errors=errors, workers=workers, pending=pending, kind=Kind.ENDPOINT.value,
                             ready=lambda item: item[1] is not None)


def list_inference_components(sm, region: str | None = None, *, endpoint_name: str | None = None,
                              usage: Usage | None = None, errors: list[DiscoveryError] | None = None,
                              workers: int = DESCRIBE_WORKERS, pending: list[Pending] | None = None
                              ) -> list[InferenceComponent]:
    """Inference components (of one endpoint when ``endpoint_name`` is given) with their copy
    counts (with ``pending``: their listing now, copy counts unknown, the Describe calls deferred)."""
    region = _region(sm, region)
    kind = Kind.INFERENCE_COMPONENT.value
    params: dict[str, Any] = {"SortBy": "Name", "SortOrder": "Ascending", "MaxResults": LIST_PAGE_SIZE}
    if endpoint_name:
        params["EndpointNameEquals"] = endpoint_name
    summaries = [s for s in _items(sm, "ListInferenceComponents", "InferenceComponents", usage, **params)
                 if _str(s.get("InferenceComponentName"))]

    def listed(s: dict) -> InferenceComponent:
        return InferenceComponent(name=str(s["InferenceComponentName"]),
                                endpoint_name=_str(s.get("EndpointName")) or "",
                                variant_name=_str(s.get("VariantName")) or "",
                                status=_str(s.get("InferenceComponentStatus")) or "Unknown",
                                region=region, creation_time=_ts(s.get("CreationTime")))

    def one(s: dict, errors: list[DiscoveryError] | None) -> InferenceComponent | None:
        ic = listed(s)
        try:
            d = _call(sm, "DescribeInferenceComponent", usage, InferenceComponentName=ic.name)
        except (ClientError, BotoCoreError) as exc:
            if _vanished(exc):
                return None
            _note(errors, kind, "DescribeInferenceComponent", exc, region)
            return ic
        ic.endpoint_name = _str(d.get("EndpointName")) or ic.endpoint_name
        ic.variant_name = _str(d.get("VariantName")) or ic.variant_name
        ic.status = _str(d.get("InferenceComponentStatus")) or ic.status
        ic.creation_time = _ts(d.get("CreationTime")) or ic.creation_time
        runtime = _dict(d.get("RuntimeConfig"))
        ic.current_copies = _int(runtime.get("CurrentCopyCount"))
        ic.desired_copies = _int(runtime.get("DesiredCopyCount"))
        ic.model_name = _str(_dict(d.get("Specification")).get("ModelName"))
        return ic

    return describe_or_defer(one, summaries, placeholder=listed, errors=errors, workers=workers, pending=pending,
                             kind=Kind.INFERENCE_COMPONENT.value)


def enhanced_endpoint_dimensions(cw, endpoint_name: str, *, components: Iterable[str] = (),
                                 usage: Usage | None = None) -> dict:
    """Enhanced-metric dimension values CloudWatch has for an endpoint (last two weeks).

    Returns ``{"instances": [InstanceId, ...], "accelerators": {InstanceId: [AcceleratorId, ...]},
    "containers": [ContainerId, ...], "variants": {VariantName: [InstanceId, ...]},
    "metrics": {InstanceId: [MetricName, ...]}}`` (``metrics``: the per-instance series, without
    AcceleratorId, CloudWatch holds for each instance), all sorted. ContainerId values published
    without EndpointName are found through the names
    of the endpoint's inference ``components``.
    """
    instances: set[str] = set()
    accelerators: dict[str, set[str]] = {}
    containers: set[str] = set()
    variants: dict[str, set[str]] = {}
    metrics: dict[str, set[str]] = {}

    def scan(namespace: str, dimension: str, value: str) -> None:
        for page in _pages(cw, "ListMetrics", usage, max_items=None, Namespace=namespace,
                           Dimensions=[{"Name": dimension, "Value": value}]):
            for metric in _list(page.get("Metrics")):
                dims = {str(d.get("Name")): _str(d.get("Value")) for d in _list(metric.get("Dimensions"))}
                inst, acc, cont, var = (dims.get("InstanceId"), dims.get("AcceleratorId"),
                                        dims.get("ContainerId"), dims.get("VariantName"))
                if inst:
                    instances.add(inst)
                    if var:
                        variants.setdefault(var, set()).add(inst)
                    if acc:
                        accelerators.setdefault(inst, set()).add(acc)
                    elif metric.get("MetricName"):
                        metrics.setdefault(inst, set()).add(str(metric.get("MetricName")))
                if cont:
                    containers.add(cont)

    for ns in (catalog.NS_ENDPOINTS, catalog.NS_SAGEMAKER):
        scan(ns, "EndpointName", endpoint_name)
    for component in _unique(components):
        for ns in (catalog.NS_INFERENCE_COMPONENTS, catalog.NS_SAGEMAKER):
            scan(ns, "InferenceComponentName", component)
    return {"instances": sorted(instances),
            "accelerators": {k: sorted(v) for k, v in sorted(accelerators.items())},
            "containers": sorted(containers),
            "variants": {k: sorted(v) for k, v in sorted(variants.items())},
            "metrics": {k: sorted(v) for k, v in sorted(metrics.items())}}
