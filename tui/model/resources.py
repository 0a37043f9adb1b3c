"""SageMaker resources as plain data: what discovery found, independent of boto3.

Every record carries its region and a stable ``key`` so a table can keep its cursor on the
same resource across refreshes. Times are timezone-aware ``datetime`` objects or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from tui.model.catalog import Kind
from tui.model.instances import InstanceFacts, fallback_facts


def scope_of(resource) -> str:
    """The region a resource's key starts with, after its account when it has one
    (``111122223333/us-east-1``): two accounts' same-named resources are two keys."""
    account = getattr(resource, "account", "")
    return f"{account}/{resource.region}" if account else resource.region


def epoch_seconds(dt: datetime | None) -> float | None:
    """A resource time as seconds since the epoch (a naive one is read as UTC); ``None`` stays ``None``."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


@dataclass
class Variant:
    name: str
    instance_type: str | None = None
    current_instance_count: int | None = None
    desired_instance_count: int | None = None
    current_weight: float | None = None
    desired_weight: float | None = None
    serverless_memory_mb: int | None = None
    serverless_max_concurrency: int | None = None

    @property
    def serverless(self) -> bool:
        return self.serverless_memory_mb is not None


@dataclass
class Endpoint:
    name: str
    status: str
    region: str = ""
    config_name: str = ""
    creation_time: datetime | None = None
    last_modified: datetime | None = None
    failure_reason: str | None = None
    variants: list[Variant] = field(default_factory=list)
    multi_model: bool = False
    enhanced_metrics: bool = False
    #: Seconds between enhanced-metric points, from the endpoint config (None: not recorded).
    metric_publish_frequency: int | None = None
    component_based: bool = False  # hosts inference components
    #: False while only its listing is known (a row from ListEndpoints, its Describe to come):
    #: variants, instances and mode are then unknown, not empty.
    described: bool = True
    kind: Kind = Kind.ENDPOINT
    #: The AWS account the resource lives in ("" : the account the app signed in to, alone).
    account: str = ""

    @property
    def key(self) -> str:
        return f"{scope_of(self)}:endpoint:{self.name}"

    @property
    def serverless(self) -> bool:
        return any(v.serverless for v in self.variants)

    @property
    def instance_count(self) -> int:
        return sum(v.current_instance_count or 0 for v in self.variants)


@dataclass
class InferenceComponent:
    name: str
    endpoint_name: str
    variant_name: str
    status: str
    region: str = ""
    creation_time: datetime | None = None
    current_copies: int | None = None
    desired_copies: int | None = None
    model_name: str | None = None
    kind: Kind = Kind.INFERENCE_COMPONENT
    #: The AWS account the resource lives in ("" : the account the app signed in to, alone).
    account: str = ""

    @property
    def key(self) -> str:
        return f"{scope_of(self)}:component:{self.name}"


@dataclass
class Job:
    """A training, processing or transform job; ``hosts`` are its CloudWatch Host values."""

    kind: Kind
    name: str
    status: str
    region: str = ""
    secondary_status: str | None = None
    instance_type: str | None = None
    instance_count: int = 1
    creation_time: datetime | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    failure_reason: str | None = None
    hosts: list[str] = field(default_factory=list)
    metric_definitions: list[str] = field(default_factory=list)  # training algorithm metrics
    final_metrics: dict[str, float] = field(default_factory=dict)
    #: False while only its listing is known: instance type and count are then unknown.
    described: bool = True
    #: The AWS account the resource lives in ("" : the account the app signed in to, alone).
    account: str = ""

    @property
    def key(self) -> str:
        return f"{scope_of(self)}:{self.kind.value}:{self.name}"

    @property
    def type_label(self) -> str:
        return {Kind.TRAINING_JOB: "training", Kind.PROCESSING_JOB: "processing",
                Kind.TRANSFORM_JOB: "transform"}[self.kind]

    @property
    def running(self) -> bool:
        return self.status in ("InProgress", "Stopping")


def job_anchor(job: Job, now: float) -> int:
    """The time a job's hosts, charts and grid are read at (epoch seconds): now while it runs,
    its end once it has ended, so a finished or failed job shows its last values, not an
    empty stretch of time since."""
    end = epoch_seconds(job.end_time)
    return int(now) if job.running or end is None else int(min(now, end))


def default_hosts(kind: Kind, name: str, count: int) -> list[str]:
    """Host dimension values a training or processing job publishes (``JOB/algo-N``).

    Transform hosts are ``JOB/<instance-id>`` and can only be found with ListMetrics.
    """
    if kind in (Kind.TRAINING_JOB, Kind.PROCESSING_JOB):
        return [f"{name}/algo-{i}" for i in range(1, max(count, 1) + 1)]
    return []


@dataclass
class PipelineStep:
    name: str  # the StepName, as CloudWatch's StepName dimension has it
    status: str
    step_type: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    failure_reason: str | None = None
    display_name: str | None = None  # StepDisplayName, when one is set

    @property
    def label(self) -> str:
        return self.display_name or self.name


@dataclass
class PipelineExecution:
    arn: str
    status: str
    display_name: str | None = None
    start_time: datetime | None = None
    last_modified: datetime | None = None
    failure_reason: str | None = None
    steps: list[PipelineStep] | None = None  # None: not fetched (only for opened executions)

    @property
    def execution_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


@dataclass
class Pipeline:
    name: str
    region: str = ""
    arn: str = ""
    status: str | None = None
    creation_time: datetime | None = None
    last_execution_time: datetime | None = None
    executions: list[PipelineExecution] = field(default_factory=list)
    #: False while only its listing is known: its executions (and so its status) are to come.
    described: bool = True
    kind: Kind = Kind.PIPELINE
    #: The AWS account the resource lives in ("" : the account the app signed in to, alone).
    account: str = ""

    @property
    def key(self) -> str:
        return f"{scope_of(self)}:pipeline:{self.name}"

    @property
    def latest(self) -> PipelineExecution | None:
        return self.executions[0] if self.executions else None


@dataclass
class LabelingJob:
    name: str
    status: str
    region: str = ""
    creation_time: datetime | None = None
    workteam_arn: str | None = None
    total_labeled: int | None = None
    human_labeled: int | None = None
    machine_labeled: int | None = None
    failed_non_retryable: int | None = None
    unlabeled: int | None = None
    failure_reason: str | None = None
    kind: Kind = Kind.LABELING_JOB
    #: The AWS account the resource lives in ("" : the account the app signed in to, alone).
    account: str = ""

    @property
    def key(self) -> str:
        return f"{scope_of(self)}:labeling:{self.name}"

    @property
    def workteam(self) -> str | None:
        return self.workteam_arn.rsplit("/", 1)[-1] if self.workteam_arn else None


@dataclass
class FeatureGroup:
    name: str
    status: str
    region: str = ""
    creation_time: datetime | None = None
    online_store: bool = False
    offline_store: bool = False
    #: "OnDemand" or "Provisioned" (DescribeFeatureGroup's ThroughputConfig); None: not known.
    throughput_mode: str | None = None
    kind: Kind = Kind.FEATURE_GROUP
    #: The AWS account the resource lives in ("" : the account the app signed in to, alone).
    account: str = ""

    @property
    def key(self) -> str:
        return f"{scope_of(self)}:feature-group:{self.name}"


@dataclass
class RecommendationJob:
    name: str
    status: str
    region: str = ""
    job_type: str | None = None
    creation_time: datetime | None = None
    completion_time: datetime | None = None
    failure_reason: str | None = None
    endpoint_names: list[str] = field(default_factory=list)
    kind: Kind = Kind.RECOMMENDATION_JOB
    #: The AWS account the resource lives in ("" : the account the app signed in to, alone).
    account: str = ""

    @property
    def key(self) -> str:
        return f"{scope_of(self)}:recommendation:{self.name}"


@dataclass
class Alarm:
    name: str
    state: str
    region: str = ""
    namespace: str | None = None
    metric: str | None = None
    dimensions: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    threshold: float | None = None
    comparison: str | None = None
    updated: datetime | None = None
    #: The statistic the alarm evaluates ("Average", "p99"), its period in seconds, its ARN.
    statistic: str | None = None
    period: int | None = None
    arn: str | None = None
    #: A composite alarm: its rule, and the names of the alarms it combines.
    rule: str | None = None
    children: tuple[str, ...] = ()
    #: The AWS account the resource lives in ("" : the account the app signed in to, alone).
    account: str = ""
    #: The account whose metric it watches when not its own (a metric-math query's AccountId).
    metric_account: str = ""

    @property
    def key(self) -> str:
        return f"{scope_of(self)}:alarm:{self.name}"

    @property
    def composite(self) -> bool:
        return self.rule is not None


@dataclass
class DiscoveryError:
    """A kind that could not be listed (AccessDenied, throttled, outage).

    ``partial`` errors are details that failed for a kind that did list (a Describe call for
    one resource): that kind's list is still current.
    """

    kind: str
    operation: str
    code: str
    message: str
    region: str = ""
    partial: bool = False
    #: The account whose listing failed ("": the account the app signed in to).
    account: str = ""


@dataclass
class Inventory:
    """Everything discovery found in one pass over one or more regions."""

    endpoints: list[Endpoint] = field(default_factory=list)
    components: list[InferenceComponent] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    pipelines: list[Pipeline] = field(default_factory=list)
    labeling_jobs: list[LabelingJob] = field(default_factory=list)
    feature_groups: list[FeatureGroup] = field(default_factory=list)
    recommendation_jobs: list[RecommendationJob] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    errors: list[DiscoveryError] = field(default_factory=list)
    fetched_at: datetime | None = None
    #: vCPUs, GPUs and memory of the instance types in use (EC2's DescribeInstanceTypes).
    instance_facts: dict[str, InstanceFacts] = field(default_factory=dict)

    def merge(self, other: "Inventory") -> None:
        for name in ("endpoints", "components", "jobs", "pipelines", "labeling_jobs", "feature_groups",
                     "recommendation_jobs", "alarms", "errors"):
            getattr(self, name).extend(getattr(other, name))
        self.instance_facts.update(other.instance_facts)
        if other.fetched_at and (self.fetched_at is None or other.fetched_at > self.fetched_at):
            self.fetched_at = other.fetched_at

    def facts(self, instance_type: str | None) -> InstanceFacts | None:
        """What AWS said of ``instance_type``, else the table shipped in the package (None:
        unknown, or no type: serverless)."""
        if not instance_type:
            return None
        return self.instance_facts.get(instance_type) or fallback_facts(instance_type)

    def instance_types(self) -> list[str]:
        """Every instance type a job or endpoint variant of this inventory runs on."""
        found = {j.instance_type for j in self.jobs if j.instance_type}
        for e in self.endpoints:
            found.update(v.instance_type for v in e.variants if v.instance_type)
        return sorted(found)

    def jobs_of(self, kind: Kind) -> list[Job]:
        return [j for j in self.jobs if j.kind is kind]
