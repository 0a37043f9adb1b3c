"""Every series the endpoint and inference-component screens request, by role.

:class:`VariantDetailKeys` (one variant of an endpoint) and :class:`ComponentDetailKeys` (one
inference component) add the detail-only series to the overview's keys of
:mod:`tui.model.plan` (the same keys, so the overview's series are reused);
:func:`endpoint_request` and :func:`component_request` are the screens' requests. Pure Python.
"""

from __future__ import annotations

from typing import Iterable

from tui.model import catalog as cat
from tui.model.catalog import Kind
from tui.model.detail import READ_ENHANCED, DetailRequest
from tui.model.plan import (ComponentKeys, EndpointKeys, built_once, endpoint_components, endpoint_identity,
                             endpoint_variants, has_gpu, key_builder, metric_key, named_identity)
from tui.model.resources import Endpoint, InferenceComponent, Inventory
from tui.model.series import SeriesKey


class VariantDetailKeys:
    """Every series the endpoint screen shows for one variant, by role.

    The overview's keys (:class:`~tui.model.plan.EndpointKeys`) plus the detail-only ones.
    """

    @classmethod
    def of(cls, ep: Endpoint, variant: str) -> "VariantDetailKeys":
        """The keys of ``variant`` of ``ep``, built once (see :func:`~tui.model.plan.built_once`)."""
        return built_once(cls, endpoint_identity(ep, variant), ep, variant)

    def __init__(self, ep: Endpoint, variant: str) -> None:
        self.name = variant
        self.base = b = EndpointKeys.of(ep, variant)
        r, e, a = ep.region, Kind.ENDPOINT, ep.account
        d = {"EndpointName": ep.name, "VariantName": variant}
        v = next((x for x in ep.variants if x.name == variant), None)
        self.variant = v
        self.serverless = bool(v and v.serverless) or (v is None and ep.serverless)
        self.gpu = not self.serverless and has_gpu(v.instance_type if v else None)
        self.multi_model = ep.multi_model
        self.reserved = ep.component_based and not self.serverless

        inv = key_builder(e, r, d, namespace=cat.NS_SAGEMAKER, account=a)
        inst = key_builder(e, r, d, group=cat.G_INSTANCE, account=a)
        mme = key_builder(e, r, d, group=cat.G_MME_LOADING, account=a)
        self.invocations, self.errors_4xx, self.errors_5xx = b.invocations, b.errors_4xx, b.errors_5xx
        self.model_errors = inv("InvocationModelErrors", cat.SUM)
        self.latency_avg, self.latency_p50, self.latency_p99 = b.latency_avg, b.latency_p50, b.latency_p99
        self.overhead = b.overhead
        self.concurrency = inv("ConcurrentRequestsPerModel", cat.MAX)
        self.cpu, self.gpu_util, self.memory = b.cpu, b.gpu, b.memory
        self.disk = inst("DiskUtilization", cat.AVG)
        self.gpu_memory = inst("GPUMemoryUtilization", cat.AVG)
        self.cpu_reserved = inst("CPUReservation", cat.AVG)
        self.gpu_reserved = inst("GPUReservation", cat.AVG)
        self.memory_reserved = inst("MemoryReservation", cat.AVG)
        # instance-level utilization normalized to 0-100 % (published for inference-component endpoints)
        self.cpu_normalized = inst("CPUUtilizationNormalized", cat.AVG)
        self.gpu_normalized = inst("GPUUtilizationNormalized", cat.AVG)
        self.gpu_memory_normalized = inst("GPUMemoryUtilizationNormalized", cat.AVG)
        # invocations per instance (a variant's own traffic: none where components carry it)
        self.per_instance = inv("InvocationsPerInstance", cat.SUM) if not ep.component_based else None
        self.cache_hit = b.cache_hit
        self.loaded_models = b.loaded_models
        self.loading_wait = mme("ModelLoadingWaitTime", cat.AVG)
        self.loading_wait_max = mme("ModelLoadingWaitTime", cat.MAX)
        self.downloading = mme("ModelDownloadingTime", cat.AVG)
        self.loading = mme("ModelLoadingTime", cat.AVG)
        self.loads = mme("ModelLoadingTime", cat.COUNT)
        self.unloading = mme("ModelUnloadingTime", cat.AVG)
        self.setup_avg = b.setup_time
        self.setup_max = inv("ModelSetupTime", cat.MAX)
        self.cold_starts = inv("ModelSetupTime", cat.COUNT)

    def traffic(self) -> list[SeriesKey]:
        return [self.invocations, self.errors_4xx, self.errors_5xx, self.model_errors, self.latency_avg,
                self.latency_p50, self.latency_p99, self.overhead, self.concurrency] \
            + ([self.per_instance] if self.per_instance is not None else [])

    def utilization(self) -> list[SeriesKey]:
        if self.serverless:
            return [self.memory]
        keys = [self.cpu, self.memory, self.disk]
        if self.gpu:
            keys += [self.gpu_util, self.gpu_memory]
        if self.reserved:
            keys += [self.cpu_reserved, self.memory_reserved] + ([self.gpu_reserved] if self.gpu else [])
            keys += [self.cpu_normalized] + ([self.gpu_normalized, self.gpu_memory_normalized] if self.gpu else [])
        return keys

    def reservation_lines(self) -> list[tuple[str, SeriesKey]]:
        """(label, key) of the reservation and normalized-utilization series this variant has
        (inference-component endpoints only; GPU ones only with GPUs)."""
        if not self.reserved:
            return []
        out = [("CPU reserved", self.cpu_reserved)] + ([("GPU reserved", self.gpu_reserved)] if self.gpu else [])
        out += [("memory reserved", self.memory_reserved), ("CPU used (norm.)", self.cpu_normalized)]
        if self.gpu:
            out += [("GPU used (norm.)", self.gpu_normalized), ("GPU memory (norm.)", self.gpu_memory_normalized)]
        return out

    def mme(self) -> list[SeriesKey]:
        if not self.multi_model:
            return []
        return [self.cache_hit, self.loaded_models, self.loading_wait, self.loading_wait_max, self.downloading,
                self.loading, self.loads, self.unloading]

    def serverless_keys(self) -> list[SeriesKey]:
        return [self.setup_avg, self.setup_max, self.cold_starts] if self.serverless else []

    def all(self) -> list[SeriesKey]:
        return self.traffic() + self.utilization() + self.mme() + self.serverless_keys()


class ComponentDetailKeys:
    """Every series the component screen shows: the overview's plus errors, percentiles,
    overhead and GPU memory."""

    @classmethod
    def of(cls, ic: InferenceComponent) -> "ComponentDetailKeys":
        return built_once(cls, named_identity(ic), ic)

    def __init__(self, ic: InferenceComponent) -> None:
        self.base = b = ComponentKeys.of(ic)
        k, r, a = Kind.INFERENCE_COMPONENT, ic.region, ic.account
        d = {"InferenceComponentName": ic.name}

        inv = key_builder(k, r, d, namespace=cat.NS_SAGEMAKER, account=a)
        self.invocations, self.per_copy, self.concurrency = b.invocations, b.per_copy, b.concurrency
        self.latency_avg, self.errors_5xx = b.latency_avg, b.errors_5xx
        self.latency_p50 = inv("ModelLatency", cat.P50)
        self.latency_p99 = inv("ModelLatency", cat.P99)
        self.overhead = inv("OverheadLatency", cat.AVG)
        self.errors_4xx = inv("Invocation4XXErrors", cat.SUM)
        self.model_errors = inv("InvocationModelErrors", cat.SUM)
        self.cpu, self.gpu, self.memory = b.cpu, b.gpu, b.memory
        self.gpu_memory = metric_key("GPUMemoryUtilizationNormalized", k, cat.AVG, r, d, group=cat.G_COMPONENT,
                                     account=a)

    def all(self) -> list[SeriesKey]:
        return [self.invocations, self.per_copy, self.concurrency, self.latency_avg, self.latency_p50,
                self.latency_p99, self.overhead, self.errors_4xx, self.errors_5xx, self.model_errors,
                self.cpu, self.gpu, self.gpu_memory, self.memory]


def endpoint_screen_keys(ep: Endpoint, components: Iterable[InferenceComponent] = ()) -> list[SeriesKey]:
    """Exactly the series the endpoint screen shows (variants, then its components)."""
    keys: list[SeriesKey] = []
    for v in endpoint_variants(ep):
        keys += VariantDetailKeys.of(ep, v).all()
    for ic in components:
        ck = ComponentKeys.of(ic)
        keys += ck.all() + ck.endpoint_traffic()  # the variant table and charts of its endpoint
    return list(dict.fromkeys(keys))


def endpoint_request(ep: Endpoint, inv: Inventory) -> DetailRequest:
    """The endpoint screen's series and its enhanced-metric dimension read."""
    return DetailRequest(owner=f"endpoint:{ep.key}", keys=tuple(endpoint_screen_keys(ep, endpoint_components(ep, inv))),
                         reads=((READ_ENHANCED, ep.region, ep.name),), account=ep.account)


def component_request(ic: InferenceComponent) -> DetailRequest:
    return DetailRequest(owner=f"component:{ic.key}", keys=tuple(ComponentDetailKeys.of(ic).all()))
