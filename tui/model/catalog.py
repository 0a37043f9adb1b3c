"""The SageMaker CloudWatch metric catalog: every metric the product monitors, as data.

Each entry records the namespace(s), metric name, unit, the statistics AWS documents as
valid, the dimension sets it is published with, the resource kind it belongs to and the
statistics the product asks for. Nothing here talks to AWS or draws anything.

Namespace spellings are kept exactly as AWS publishes them (note the lower-case "m" in
``AWS/Sagemaker/ModelBuildingPipeline``). Where the SageMaker metric reference names no
namespace (Ground Truth, Feature Store) the namespaces AWS documents elsewhere are recorded
in :data:`DOCUMENTED_NAMESPACES`, the one place that holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """A kind of SageMaker resource that metrics belong to."""

    ENDPOINT = "endpoint"  # per endpoint variant
    INFERENCE_COMPONENT = "inference-component"
    TRAINING_JOB = "training-job"
    PROCESSING_JOB = "processing-job"
    TRANSFORM_JOB = "transform-job"
    PIPELINE = "pipeline"
    LABELING_JOB = "labeling-job"
    WORKTEAM = "workteam"
    FEATURE_GROUP = "feature-group"
    RECOMMENDATION_JOB = "recommendation-job"
    ALARM = "alarm"  # a CloudWatch alarm on a SageMaker metric (listed on the Alarms pane)


class Unit(str, Enum):
    """Units as the metric reference gives them."""

    NONE = "None"
    COUNT = "Count"
    PERCENT = "Percent"
    MICROSECONDS = "Microseconds"
    MILLISECONDS = "Milliseconds"
    SECONDS = "Seconds"


# Statistics spelled as GetMetricData wants them.
SUM, AVG, MIN, MAX, COUNT = "Sum", "Average", "Minimum", "Maximum", "SampleCount"
P50, P90, P99 = "p50", "p90", "p99"
ALL_BASIC = (AVG, SUM, MIN, MAX, COUNT)

# Namespaces.
#: Seconds back that CloudWatch keeps each period: 1-minute points 15 days, 5-minute points
#: 63 days, 1-hour points 455 days (15 months).
RETENTION = ((15 * 86400, 60), (63 * 86400, 300), (455 * 86400, 3600))

NS_SAGEMAKER = "AWS/SageMaker"
NS_INFERENCE_COMPONENTS = "/aws/sagemaker/InferenceComponents"
NS_ENDPOINTS = "/aws/sagemaker/Endpoints"
NS_TRAINING = "/aws/sagemaker/TrainingJobs"
NS_PROCESSING = "/aws/sagemaker/ProcessingJobs"
NS_TRANSFORM = "/aws/sagemaker/TransformJobs"
NS_RECOMMENDER = "/aws/sagemaker/InferenceRecommendationsJobs"
NS_PIPELINES = "AWS/Sagemaker/ModelBuildingPipeline"  # sic: AWS spells it this way
NS_WORKTEAM = "AWS/SageMaker/Workteam"
NS_LABELING = "AWS/SageMaker/LabelingJobs"
NS_FEATURE_STORE = "AWS/SageMaker/FeatureStore"

#: Namespaces the metric reference leaves unnamed, as documented elsewhere by AWS.
DOCUMENTED_NAMESPACES = {
    "Ground Truth worker metrics": NS_WORKTEAM,
    "Ground Truth labeling job metrics": NS_LABELING,
    "Feature Store": NS_FEATURE_STORE,
}

#: Instance-metric namespaces by resource kind (the Host / endpoint instance metrics).
INSTANCE_NAMESPACES = {
    Kind.TRAINING_JOB: NS_TRAINING,
    Kind.PROCESSING_JOB: NS_PROCESSING,
    Kind.TRANSFORM_JOB: NS_TRANSFORM,
    Kind.ENDPOINT: NS_ENDPOINTS,
}

Dims = tuple[str, ...]

VARIANT: Dims = ("EndpointName", "VariantName")
VARIANT_INSTANCE: Dims = ("EndpointName", "VariantName", "InstanceId")
VARIANT_GPU: Dims = ("EndpointName", "VariantName", "InstanceId", "AcceleratorId")
COMPONENT: Dims = ("InferenceComponentName",)
COMPONENT_CONTAINER: Dims = ("InferenceComponentName", "ContainerId")
HOST: Dims = ("Host",)
PIPELINE: Dims = ("PipelineName",)
PIPELINE_STEP: Dims = ("PipelineName", "StepName")
ACCOUNT: Dims = ()


#: The dimension set that names one resource of a kind, where a metric has several.
KIND_DIMENSIONS: dict[Kind, Dims] = {
    Kind.ENDPOINT: VARIANT,
    Kind.INFERENCE_COMPONENT: COMPONENT,
    Kind.TRAINING_JOB: HOST,
    Kind.PROCESSING_JOB: HOST,
    Kind.TRANSFORM_JOB: HOST,
    Kind.PIPELINE: PIPELINE,
    Kind.LABELING_JOB: ("LabelingJobName",),
    Kind.FEATURE_GROUP: ("FeatureGroupName", "OperationName"),
    Kind.RECOMMENDATION_JOB: ("JobName", "EndpointName"),
    Kind.WORKTEAM: ("Workteam",),
}


@dataclass(frozen=True)
class MetricDef:
    """One metric of the catalog.

    ``valid_stats`` are the statistics the metric reference lists; ``stats`` the ones the
    product requests (a subset, plus percentiles for latencies where CloudWatch computes
    them). ``dimensions`` lists the dimension sets in which the metric is published, the
    first being the one a resource's overview uses. ``kinds`` and ``namespaces`` run in
    parallel where a metric is published for several kinds in several namespaces.
    """

    group: str
    name: str
    unit: Unit
    valid_stats: tuple[str, ...]
    stats: tuple[str, ...]
    dimensions: tuple[Dims, ...]
    kinds: tuple[Kind, ...]
    namespaces: tuple[str, ...]
    description: str = ""
    high_resolution: bool = False  # may be published faster than every 60 s
    enhanced_dimensions: tuple[Dims, ...] = field(default=())

    @property
    def namespace(self) -> str:
        return self.namespaces[0]

    def namespace_for(self, kind: Kind) -> str:
        return self.namespaces[self.kinds.index(kind)] if len(self.namespaces) > 1 else self.namespaces[0]

    def dimensions_for(self, kind: Kind) -> Dims:
        """The dimension names that identify one resource of ``kind`` for this metric."""
        want = KIND_DIMENSIONS.get(kind)
        if want is not None and want in self.dimensions:
            return want
        return self.dimensions[0]

    @property
    def primary_stat(self) -> str:
        return self.stats[0]

    @property
    def is_latency(self) -> bool:
        return self.unit in (Unit.MICROSECONDS, Unit.MILLISECONDS, Unit.SECONDS)

    @property
    def is_percent(self) -> bool:
        return self.unit is Unit.PERCENT


def _def(group, name, unit, valid, stats, dims, kinds, namespaces, description="", **kw) -> MetricDef:
    return MetricDef(group, name, unit, tuple(valid), tuple(stats), tuple(dims), tuple(kinds),
                     tuple(namespaces), description, **kw)


G_INVOCATION = "Endpoint invocation"
G_COMPONENT = "Inference component"
G_MME_LOADING = "Multi-model endpoint model loading"
G_MME_INSTANCE = "Multi-model endpoint model instance"
G_INSTANCE = "Job and endpoint instance"
G_RECOMMENDER = "Inference Recommender"
G_GROUND_TRUTH = "Ground Truth"
G_FEATURE_STORE = "Feature Store"
G_PIPELINES = "Pipelines"

GROUPS = (G_INVOCATION, G_COMPONENT, G_MME_LOADING, G_MME_INSTANCE, G_INSTANCE,
          G_RECOMMENDER, G_GROUND_TRUTH, G_FEATURE_STORE, G_PIPELINES)

_E, _IC = Kind.ENDPOINT, Kind.INFERENCE_COMPONENT
_LAT_STATS = (AVG, P50, P99, MAX, COUNT)


def _invocation() -> list[MetricDef]:
    g, ns = G_INVOCATION, (NS_SAGEMAKER,)
    return [
        _def(g, "ConcurrentRequestsPerCopy", Unit.NONE, (MIN, MAX), (MAX,), [COMPONENT], [_IC], ns,
             "Concurrent requests per inference component copy"),
        _def(g, "ConcurrentRequestsPerModel", Unit.NONE, (MIN, MAX), (MAX,), [VARIANT], [_E], ns,
             "Concurrent requests received by the model"),
        _def(g, "Invocation4XXErrors", Unit.NONE, (AVG, SUM), (SUM, AVG), [VARIANT, COMPONENT], [_E, _IC], ns,
             "Requests answered with a 4XX error", enhanced_dimensions=(VARIANT_INSTANCE,)),
        _def(g, "Invocation5XXErrors", Unit.NONE, (AVG, SUM), (SUM, AVG), [VARIANT, COMPONENT], [_E, _IC], ns,
             "Requests answered with a 5XX error", enhanced_dimensions=(VARIANT_INSTANCE,)),
        _def(g, "InvocationModelErrors", Unit.NONE, (AVG, SUM), (SUM, AVG), [VARIANT, COMPONENT], [_E, _IC], ns,
             "Invocations that did not return 2XX from the model"),
        _def(g, "Invocations", Unit.NONE, (SUM,), (SUM,), [VARIANT, COMPONENT], [_E, _IC], ns,
             "Requests sent to the model endpoint", enhanced_dimensions=(VARIANT_INSTANCE,)),
        _def(g, "InvocationsPerCopy", Unit.NONE, (SUM,), (SUM,), [COMPONENT], [_IC], ns,
             "Invocations normalized by inference component copy"),
        _def(g, "InvocationsPerInstance", Unit.NONE, (SUM,), (SUM,), [VARIANT], [_E], ns,
             "Invocations normalized by instance count"),
        _def(g, "ModelLatency", Unit.MICROSECONDS, ALL_BASIC, _LAT_STATS, [VARIANT, COMPONENT], [_E, _IC], ns,
             "Time the model container took to respond", enhanced_dimensions=(VARIANT_INSTANCE,)),
        _def(g, "ModelSetupTime", Unit.MICROSECONDS, (AVG, MIN, MAX, COUNT, "Percentiles"), _LAT_STATS,
             [VARIANT], [_E], ns, "Time to launch compute for a serverless endpoint"),
        _def(g, "OverheadLatency", Unit.MICROSECONDS, ALL_BASIC, (AVG, P99, MAX, COUNT), [VARIANT, COMPONENT],
             [_E, _IC], ns, "Time added by SageMaker overheads", enhanced_dimensions=(VARIANT_INSTANCE,)),
    ]


def _component() -> list[MetricDef]:
    g, ns = G_COMPONENT, (NS_INFERENCE_COMPONENTS,)
    out = []
    for name, what in (("CPUUtilizationNormalized", "CPU"), ("GPUMemoryUtilizationNormalized", "GPU memory"),
                       ("GPUUtilizationNormalized", "GPU"), ("MemoryUtilizationNormalized", "Memory")):
        out.append(_def(g, name, Unit.PERCENT, (AVG, MIN, MAX), (AVG, MAX), [COMPONENT], [_IC], ns,
                        f"{what} utilization of the component, normalized 0-100 %",
                        enhanced_dimensions=(COMPONENT_CONTAINER,)))
    return out


def _mme_loading() -> list[MetricDef]:
    g, ns = G_MME_LOADING, (NS_SAGEMAKER,)
    out = [
        _def(g, name, Unit.MICROSECONDS, ALL_BASIC, (AVG, MAX, COUNT), [VARIANT], [_E], ns, what)
        for name, what in (
            ("ModelLoadingWaitTime", "Time a request waited for its model to download and load"),
            ("ModelUnloadingTime", "Time to unload a model"),
            ("ModelDownloadingTime", "Time to download a model from S3"),
            ("ModelLoadingTime", "Time to load a model into the container"),
        )
    ]
    out.append(_def(g, "ModelCacheHit", Unit.NONE, (AVG, SUM, COUNT), (AVG, SUM, COUNT), [VARIANT], [_E], ns,
                    "Ratio of requests whose model was already loaded (Average)"))
    return out


def _mme_instance() -> list[MetricDef]:
    return [_def(G_MME_INSTANCE, "LoadedModelCount", Unit.NONE, ALL_BASIC, (AVG, SUM, MAX), [VARIANT], [_E],
                 (NS_ENDPOINTS,), "Models loaded per instance (Average) and in all (Sum)")]


_JOB_KINDS = (Kind.TRAINING_JOB, Kind.PROCESSING_JOB, Kind.TRANSFORM_JOB)
_INSTANCE_KINDS = (Kind.TRAINING_JOB, Kind.PROCESSING_JOB, Kind.TRANSFORM_JOB, Kind.ENDPOINT)
_INSTANCE_NS = tuple(INSTANCE_NAMESPACES[k] for k in _INSTANCE_KINDS)


def _instance() -> list[MetricDef]:
    g = G_INSTANCE
    stats = (AVG, MIN, MAX)
    rows = (
        ("CPUReservation", "CPUs reserved by containers (0-100 %)", (Kind.ENDPOINT,)),
        ("CPUUtilization", "Sum of each CPU core's utilization (0-100 % per core)", _INSTANCE_KINDS),
        ("CPUUtilizationNormalized", "CPU utilization normalized to 0-100 %", (Kind.ENDPOINT,)),
        ("DiskUtilization", "Disk space used by the containers", (Kind.TRAINING_JOB, Kind.PROCESSING_JOB,
                                                                    Kind.ENDPOINT)),
        ("GPUMemoryUtilization", "GPU memory used (0-100 % per GPU)", _INSTANCE_KINDS),
        ("GPUMemoryUtilizationNormalized", "GPU memory used, normalized to 0-100 %", (Kind.ENDPOINT,)),
        ("GPUReservation", "GPUs reserved by containers (0-100 %)", (Kind.ENDPOINT,)),
        ("GPUUtilization", "GPU units used (0-100 % per GPU)", _INSTANCE_KINDS),
        ("GPUUtilizationNormalized", "GPU utilization normalized to 0-100 %", (Kind.ENDPOINT,)),
        ("MemoryReservation", "Memory reserved by containers (0-100 %)", (Kind.ENDPOINT,)),
        ("MemoryUtilization", "Memory used by the containers", _INSTANCE_KINDS),
    )
    out = []
    for name, what, kinds in rows:
        nss = tuple(INSTANCE_NAMESPACES[k] for k in kinds)
        dims = [HOST, VARIANT] if set(kinds) & set(_JOB_KINDS) else [VARIANT]
        out.append(_def(g, name, Unit.PERCENT, stats, (AVG, MAX, MIN), dims, kinds, nss, what,
                        high_resolution=True, enhanced_dimensions=(VARIANT_INSTANCE, VARIANT_GPU)))
    return out


def _recommender() -> list[MetricDef]:
    g, ns, k = G_RECOMMENDER, (NS_RECOMMENDER,), (Kind.RECOMMENDATION_JOB,)
    dims = [("JobName", "EndpointName"), ("JobName",)]
    return [
        _def(g, "ClientInvocations", Unit.NONE, (SUM,), (SUM,), dims, k, ns, "InvokeEndpoint requests sent"),
        _def(g, "ClientInvocationErrors", Unit.NONE, (SUM,), (SUM,), dims, k, ns, "Requests that failed"),
        _def(g, "ClientLatency", Unit.MILLISECONDS, (AVG, SUM, MIN, MAX, COUNT, "Percentiles"),
             (AVG, P50, P99, MAX), dims, k, ns, "Round trip of an InvokeEndpoint request"),
        _def(g, "NumberOfUsers", Unit.NONE, (MAX, MIN, AVG), (MAX, AVG), dims, k, ns, "Concurrent users"),
    ]


def _ground_truth() -> list[MetricDef]:
    g = G_GROUND_TRUTH
    lab, wt = Kind.LABELING_JOB, Kind.WORKTEAM
    worker_dims = [("Workteam",), ACCOUNT]
    out = [
        _def(g, "ActiveWorkers", Unit.NONE, (SUM, COUNT), (SUM,), worker_dims, [wt], [NS_WORKTEAM],
             "Workers who submitted, released or declined a task"),
    ]
    for name, what in (("DatasetObjectsAutoAnnotated", "Objects auto-annotated"),
                       ("DatasetObjectsHumanAnnotated", "Objects annotated by a human"),
                       ("DatasetObjectsLabelingFailed", "Objects that failed labeling")):
        out.append(_def(g, name, Unit.NONE, (MAX,), (MAX,), [("LabelingJobName",)], [lab], [NS_LABELING], what))
    for name, what in (("JobsFailed", "Labeling jobs failed"), ("JobsSucceeded", "Labeling jobs succeeded"),
                       ("JobsStopped", "Labeling jobs stopped")):
        out.append(_def(g, name, Unit.NONE, (SUM, COUNT), (SUM,), [ACCOUNT], [lab], [NS_LABELING], what))
    for name, what in (("TasksAccepted", "Tasks accepted by a worker"), ("TasksDeclined", "Tasks declined"),
                       ("TasksReturned", "Tasks returned"), ("TasksSubmitted", "Tasks submitted by a worker")):
        out.append(_def(g, name, Unit.NONE, (SUM, COUNT), (SUM,), worker_dims, [wt], [NS_WORKTEAM], what))
    out.append(_def(g, "TimeSpent", Unit.SECONDS, (SUM, COUNT), (SUM, COUNT), worker_dims, [wt], [NS_WORKTEAM],
                    "Time spent on completed tasks"))
    out.append(_def(g, "TotalDatasetObjectsLabeled", Unit.NONE, (MAX,), (MAX,), [("LabelingJobName",)], [lab],
                    [NS_LABELING], "Objects labeled successfully"))
    return out


def _feature_store() -> list[MetricDef]:
    g, ns, k = G_FEATURE_STORE, (NS_FEATURE_STORE,), (Kind.FEATURE_GROUP,)
    op_dims = [("FeatureGroupName", "OperationName"), ("OperationName",)]
    all_stats = ALL_BASIC + ("Percentiles",)
    out = [
        _def(g, name, Unit.NONE, all_stats, (SUM,), [("FeatureGroupName", "OperationName")], k, ns, what)
        for name, what in (("ConsumedReadRequestsUnits", "Consumed read units"),
                           ("ConsumedWriteRequestsUnits", "Consumed write units"),
                           ("ConsumedReadCapacityUnits", "Provisioned read capacity consumed"),
                           ("ConsumedWriteCapacityUnits", "Provisioned write capacity consumed"))
    ]
    out += [
        _def(g, "Invocations", Unit.NONE, (SUM,), (SUM,), op_dims, k, ns, "Feature Store runtime requests"),
        _def(g, "Operation4XXErrors", Unit.NONE, (AVG, SUM), (SUM, AVG), op_dims, k, ns, "Requests with 4XX"),
        _def(g, "Operation5XXErrors", Unit.NONE, (AVG, SUM), (SUM, AVG), op_dims, k, ns, "Requests with 5XX"),
        _def(g, "ThrottledRequests", Unit.NONE, (AVG, SUM), (SUM, AVG), op_dims, k, ns, "Throttled requests"),
        _def(g, "Latency", Unit.MICROSECONDS, all_stats, (AVG, P99, MAX), op_dims, k, ns,
             "Time to process a Feature Store runtime request"),
    ]
    return out


def _pipelines() -> list[MetricDef]:
    g, ns, k = G_PIPELINES, (NS_PIPELINES,), (Kind.PIPELINE,)
    out = []
    for prefix, dims in (("Execution", [PIPELINE, ACCOUNT]), ("Step", [PIPELINE_STEP])):
        for verb in ("Started", "Failed", "Succeeded", "Stopped"):
            out.append(_def(g, prefix + verb, Unit.COUNT, (AVG, SUM), (SUM,), dims, k, ns,
                            f"{'Pipeline executions' if prefix == 'Execution' else 'Steps'} {verb.lower()}"))
        out.append(_def(g, prefix + "Duration", Unit.MILLISECONDS, ALL_BASIC, (AVG, MAX, COUNT), dims, k, ns,
                        f"Duration of the {'execution' if prefix == 'Execution' else 'step'}"))
    return out


CATALOG: tuple[MetricDef, ...] = tuple(
    _invocation() + _component() + _mme_loading() + _mme_instance() + _instance()
    + _recommender() + _ground_truth() + _feature_store() + _pipelines()
)

#: The catalog's entries by metric name, in catalog order (:func:`find` runs for every key built).
_BY_NAME: dict[str, tuple[MetricDef, ...]] = {}
for _m in CATALOG:
    _BY_NAME[_m.name] = _BY_NAME.get(_m.name, ()) + (_m,)
del _m


def find(name: str, group: str | None = None, namespace: str | None = None) -> MetricDef:
    """The catalog entry named ``name`` (names repeat across groups: narrow by group/namespace)."""
    hits = [m for m in _BY_NAME.get(name, ()) if (group is None or m.group == group)
            and (namespace is None or namespace in m.namespaces)]
    if not hits:
        raise KeyError(name)
    return hits[0]


def for_kind(kind: Kind) -> list[MetricDef]:
    """Every metric that belongs to a resource kind."""
    return [m for m in CATALOG if kind in m.kinds]


def instance_metrics(kind: Kind) -> list[MetricDef]:
    """The per-host utilization metrics published for a job kind (or endpoint instances)."""
    return [m for m in CATALOG if m.group == G_INSTANCE and kind in m.kinds]
