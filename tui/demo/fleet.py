"""The demo fleet: a scenario of SageMaker resources as plain data, and its creation in AWS.

:func:`build_fleet` describes, from a start time and a seed, every endpoint, inference
component, job, pipeline (with its executions and steps), labeling job, workteam, feature
group, recommendation job and alarm of the demo account, with the story each one tells
(a lagging training host, a disk filling up, a rising 5XX rate, a hot GPU, a failed pipeline
step). All times are on the *scenario* clock (UNIX seconds); ``t0`` is the moment the demo
starts and history lies before it.

:func:`create_fleet` then creates those resources with ordinary boto3 calls, exactly as
they would be created in an account, and uses the local AWS's control hooks only for what
the API cannot express (job statuses, past timestamps, execution steps).

:class:`Fleet` also answers the questions tests ask: which host lags, which disk is full,
which step failed and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tui.demo import shapes
from tui.model.catalog import G_INSTANCE, G_INVOCATION, Kind, find

HOUR = 3600.0
MINUTE = 60.0
ACCOUNT_ID = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/service-role/AmazonSageMaker-ExecutionRole-20260114T101512"
ECR = "763104351884.dkr.ecr.us-east-1.amazonaws.com"
BUCKET = "s3://acme-ml-artifacts-123456789012"

#: (vCPUs, GPUs, memory GiB) of the instance types the fleet uses.
INSTANCE_TYPES: dict[str, tuple[int, int, int]] = {
    "ml.p4d.24xlarge": (96, 8, 1152),
    "ml.g5.12xlarge": (48, 4, 192),
    "ml.g5.2xlarge": (8, 1, 32),
    "ml.g5.xlarge": (4, 1, 16),
    "ml.c5.large": (2, 0, 4),
    "ml.c5.xlarge": (4, 0, 8),
    "ml.c5.2xlarge": (8, 0, 16),
    "ml.c5.4xlarge": (16, 0, 32),
    "ml.m5.large": (2, 0, 8),
    "ml.m5.xlarge": (4, 0, 16),
    "ml.m5.2xlarge": (8, 0, 32),
    "ml.m5.4xlarge": (16, 0, 64),
}


def vcpus(instance_type: str | None) -> int:
    return INSTANCE_TYPES.get(instance_type or "", (4, 0, 16))[0]


def gpus(instance_type: str | None) -> int:
    return INSTANCE_TYPES.get(instance_type or "", (4, 0, 16))[1]


def instance_id(seed: int, *parts: object) -> str:
    """A stable EC2-style instance id (``i-0`` and 16 hex digits)."""
    return "i-0" + format(shapes._mix(shapes.series_seed(seed, "instance", *parts)), "016x")[:16]


def iso(t: float) -> datetime:
    return datetime.fromtimestamp(t, timezone.utc)


# -- endpoints -------------------------------------------------------------------------------------
@dataclass
class VariantSpec:
    name: str
    model_name: str
    instance_type: str | None = None  # None: serverless
    instance_count: int = 1
    weight: float = 1.0
    instance_ids: list[str] = field(default_factory=list)
    serverless_memory_mb: int | None = None
    serverless_max_concurrency: int | None = None

    @property
    def serverless(self) -> bool:
        return self.serverless_memory_mb is not None

    @property
    def gpus_per_instance(self) -> int:
        return gpus(self.instance_type)

    @property
    def vcpus_per_instance(self) -> int:
        return vcpus(self.instance_type)


@dataclass
class EndpointSpec:
    """One endpoint and how its traffic behaves."""

    name: str
    role: str  # split | serverless | multi-model | components | erroring | idle | enhanced | healthy
    variants: list[VariantSpec]
    created: float
    rpm: float = 0.0  # requests per minute at the daily mean (whole endpoint)
    median_ms: float = 20.0  # model latency at light load
    overhead_ms: float = 3.0
    error_rate: float = 0.0005  # 5XX fraction
    client_error_rate: float = 0.002  # 4XX fraction
    error_start: float | None = None  # scenario time a 5XX rise starts
    error_rise: float = HOUR
    error_peak: float = 0.0
    enhanced: bool = False
    publish_interval: int = 60
    hot_gpu: tuple[str, str] | None = None  # (InstanceId, AcceleratorId)
    mme_models: int = 0
    framework: str = "pytorch"

    @property
    def config_name(self) -> str:
        return f"{self.name}-config"

    def variant(self, name: str) -> VariantSpec:
        return next(v for v in self.variants if v.name == name)


@dataclass
class ComponentSpec:
    """An inference component on an inference-component endpoint."""

    name: str
    endpoint: str
    variant: str
    model_name: str
    copies: int
    cpus_per_copy: float
    gpus_per_copy: int
    memory_mb_per_copy: int
    rpm: float
    median_ms: float
    created: float


# -- jobs ------------------------------------------------------------------------------------------
TRAINING, PROCESSING, TRANSFORM = "training", "processing", "transform"


@dataclass
class JobSpec:
    """A training, processing or transform job and its life on the scenario clock."""

    kind: str  # training | processing | transform
    name: str
    instance_type: str
    instance_count: int
    start: float
    end: float  # the time the job reaches ``final_status``
    final_status: str = "Completed"  # Completed | Failed | Stopped
    failure_reason: str | None = None
    hosts: list[str] = field(default_factory=list)  # the CloudWatch Host dimension values
    lag_host: str | None = None  # a straggler: GPU far below its peers
    disk_host: str | None = None  # a host whose disk fills up
    disk_fill: tuple[float, float, float, float] | None = None  # (t_start, t_full, from %, to %)
    metric_definitions: tuple[tuple[str, str], ...] = ()
    framework: str = "pytorch"
    created_live: bool = False  # created by the live scenario rather than at start

    def status_at(self, t: float) -> str:
        return "InProgress" if t < self.end else self.final_status

    def running_at(self, t: float) -> bool:
        return self.start <= t < self.end

    def progress_at(self, t: float) -> float:
        return shapes.clamp((t - self.start) / max(self.end - self.start, 1.0), 0.0, 1.0)

    @property
    def gpus_per_host(self) -> int:
        return gpus(self.instance_type)

    @property
    def vcpus_per_host(self) -> int:
        return vcpus(self.instance_type)

    @property
    def log_streams(self) -> list[str]:
        """CloudWatch Logs stream names (``<job>/algo-N-<epoch>``) for training jobs."""
        if self.kind != TRAINING:
            return []
        return [f"{h}-{int(self.start)}" for h in self.hosts]


def host_names(kind: str, name: str, count: int, seed: int) -> list[str]:
    """Host dimension values: ``<job>/algo-N`` (training, processing), ``<job>/<instance-id>`` (transform)."""
    if kind == TRANSFORM:
        return [f"{name}/{instance_id(seed, name, i)}" for i in range(count)]
    return [f"{name}/algo-{i}" for i in range(1, count + 1)]


# -- pipelines -------------------------------------------------------------------------------------
@dataclass
class StepSpec:
    name: str
    step_type: str  # Processing | Training | Transform | Condition | RegisterModel | Lambda
    duration: float


@dataclass
class StepRun:
    name: str
    step_type: str
    start: float
    end: float
    status: str  # final status: Succeeded | Failed | Stopped
    failure_reason: str | None = None

    def status_at(self, t: float) -> str | None:
        if t < self.start:
            return None
        return "Executing" if t < self.end else self.status


@dataclass
class ExecutionSpec:
    pipeline: str
    display_name: str
    start: float
    steps: list[StepRun]
    status: str  # final: Succeeded | Failed | Stopped
    failure_reason: str | None = None
    arn: str | None = None  # known once created
    created_live: bool = False

    @property
    def end(self) -> float:
        return max(s.end for s in self.steps) if self.steps else self.start

    def status_at(self, t: float) -> str:
        return "Executing" if t < self.end else self.status

    @property
    def failed_step(self) -> StepRun | None:
        return next((s for s in self.steps if s.status == "Failed"), None)


@dataclass
class PipelineSpec:
    name: str
    description: str
    steps: list[StepSpec]
    period: float  # seconds between scheduled executions
    phase: float  # offset of the schedule
    created: float
    executions: list[ExecutionSpec] = field(default_factory=list)

    def definition(self) -> str:
        """A pipeline definition document in the SageMaker Pipelines JSON shape."""
        steps = []
        for s in self.steps:
            steps.append({"Name": s.name, "Type": s.step_type, "Arguments": {}})
        return json.dumps({"Version": "2020-12-01", "Metadata": {}, "Parameters": [
            {"Name": "InputDataUrl", "Type": "String", "DefaultValue": f"{BUCKET}/{self.name}/input/"}],
            "PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"},
                                         "TrialName": {"Get": "Execution.PipelineExecutionId"}},
            "Steps": steps})


# -- Ground Truth, Feature Store, Inference Recommender, alarms ---------------------------------
@dataclass
class LabelingJobSpec:
    name: str
    workteam: str
    start: float
    end: float
    final_status: str
    total_objects: int
    auto_after: float  # progress (0..1) after which automated labeling starts
    task_type: str = "BoundingBox"
    failure_reason: str | None = None

    def status_at(self, t: float) -> str:
        return "InProgress" if t < self.end else self.final_status

    def counters_at(self, t: float) -> dict[str, int]:
        """Cumulative objects: human, auto, failed, total labeled, unlabeled."""
        p = shapes.clamp((t - self.start) / max(self.end - self.start, 1.0), 0.0, 1.0)
        if self.final_status != "Completed":  # stopped or failed part-way through the dataset
            p *= 0.6
        done = self.total_objects * p
        auto_share = 0.0 if p <= self.auto_after else 0.55 * (p - self.auto_after) / (1 - self.auto_after)
        auto = int(done * auto_share)
        failed = int(done * 0.004)
        human = max(0, int(done) - auto - failed)
        total = human + auto
        return {"human": human, "auto": auto, "failed": failed, "total": total,
                "unlabeled": max(0, self.total_objects - total - failed)}


@dataclass
class WorkteamSpec:
    name: str
    workforce: str
    workers: int
    region: str = "us-east-1"

    @property
    def arn(self) -> str:
        return f"arn:aws:sagemaker:{self.region}:{ACCOUNT_ID}:workteam/private-crowd/{self.name}"


@dataclass
class FeatureGroupSpec:
    name: str
    record_identifier: str
    event_time_feature: str
    features: tuple[tuple[str, str], ...]
    provisioned: bool  # provisioned throughput (capacity units) instead of on-demand
    rpm: dict[str, float]  # requests per minute by operation
    created: float


@dataclass
class RecommendationJobSpec:
    name: str
    model_name: str
    job_type: str
    start: float
    end: float
    endpoints: tuple[str, ...]  # endpoints load-tested in turn, EndpointName dimension values
    instance_types: tuple[str, ...]
    max_users: int

    def status_at(self, t: float) -> str:
        return "IN_PROGRESS" if t < self.end else "COMPLETED"

    def endpoint_at(self, t: float) -> tuple[str, float] | None:
        """The endpoint under load test at ``t`` and the progress of its test (0..1)."""
        if not (self.start <= t < self.end) or not self.endpoints:
            return None
        span = (self.end - self.start) / len(self.endpoints)
        i = min(int((t - self.start) // span), len(self.endpoints) - 1)
        return self.endpoints[i], (t - self.start - i * span) / span


@dataclass
class AlarmSpec:
    name: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    statistic: str  # a basic statistic or a percentile (p99)
    threshold: float
    comparison: str
    period: int = 60
    evaluation_periods: int = 3
    state: str = "OK"  # OK | ALARM | INSUFFICIENT_DATA
    reason: str = ""
    description: str = ""
    alarm_when: tuple[str, str, float] | None = None  # live: (scenario fact, op, value) flips to ALARM


@dataclass
class Recurring:
    """Work the scenario starts on a schedule once the demo runs (new jobs keep appearing)."""

    kind: str  # training | processing | transform | labeling | recommendation
    prefix: str  # the name is the prefix and the start time (%Y%m%d-%H%M)
    period: float
    duration: float
    next_start: float  # scenario time of the next occurrence
    instance_type: str = ""
    instance_count: int = 1
    framework: str = "pytorch"
    metric_definitions: tuple[tuple[str, str], ...] = ()

    def name_at(self, start: float) -> str:
        return f"{self.prefix}-{iso(start).strftime('%Y%m%d-%H%M')}"


# -- the fleet -------------------------------------------------------------------------------------
@dataclass
class Fleet:
    """The whole demo account, and the facts of its story."""

    t0: float
    seed: int
    region: str
    endpoints: list[EndpointSpec]
    components: list[ComponentSpec]
    jobs: list[JobSpec]
    pipelines: list[PipelineSpec]
    labeling_jobs: list[LabelingJobSpec]
    workteams: list[WorkteamSpec]
    feature_groups: list[FeatureGroupSpec]
    recommendation_jobs: list[RecommendationJobSpec]
    alarms: list[AlarmSpec]
    recurring: list[Recurring] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    # Named parts of the story (filled by build_fleet).
    split_endpoint: str = ""
    serverless_endpoint: str = ""
    multi_model_endpoint: str = ""
    component_endpoint: str = ""
    erroring_endpoint: str = ""
    idle_endpoint: str = ""
    enhanced_endpoint: str = ""
    healthy_endpoints: tuple[str, ...] = ()
    hot_gpu: tuple[str, str] = ("", "")  # (InstanceId, AcceleratorId) on the enhanced endpoint
    distributed_job: str = ""
    lagging_host: str = ""
    disk_full_host: str = ""
    single_host_job: str = ""
    failed_job: str = ""
    failed_job_reason: str = ""
    running_processing_job: str = ""
    running_transform_job: str = ""
    failed_pipeline: str = ""
    failed_step: str = ""
    failed_step_reason: str = ""
    stopped_pipeline: str = ""
    executing_pipeline: str = ""
    labeling_job: str = ""
    workteam: str = ""
    recommendation_job: str = ""
    alarm_in_alarm: str = ""
    #: A processing job that ends a few minutes into the demo, and its alarm that flips to ALARM
    #: just before (so a watch has something to report soon after start).
    ending_job: str = ""
    flipping_alarm: str = ""

    def endpoint(self, name: str) -> EndpointSpec:
        return next(e for e in self.endpoints if e.name == name)

    def job(self, name: str) -> JobSpec:
        return next(j for j in self.jobs if j.name == name)

    def pipeline(self, name: str) -> PipelineSpec:
        return next(p for p in self.pipelines if p.name == name)

    def jobs_of(self, kind: str) -> list[JobSpec]:
        return [j for j in self.jobs if j.kind == kind]

    @property
    def failed_execution(self) -> ExecutionSpec:
        return next(e for e in self.pipeline(self.failed_pipeline).executions if e.status == "Failed")

    def summary(self) -> dict[str, object]:
        """The story in one dict (for a status line, logs or tests)."""
        keys = ("split_endpoint", "serverless_endpoint", "multi_model_endpoint", "component_endpoint",
                "erroring_endpoint", "idle_endpoint", "enhanced_endpoint", "hot_gpu", "distributed_job",
                "lagging_host", "disk_full_host", "single_host_job", "failed_job", "failed_job_reason",
                "running_processing_job", "running_transform_job", "failed_pipeline", "failed_step",
                "failed_step_reason", "stopped_pipeline", "executing_pipeline", "labeling_job", "workteam",
                "recommendation_job", "alarm_in_alarm", "ending_job", "flipping_alarm")
        return {k: getattr(self, k) for k in keys}


# -- building the scenario -------------------------------------------------------------------------
def variant_spec(seed: int, endpoint: str, name: str, model: str, itype: str, count: int,
             weight: float = 1.0) -> VariantSpec:
    ids = [instance_id(seed, endpoint, name, i) for i in range(count)]
    return VariantSpec(name, model, itype, count, weight, ids)


def build_fleet(t0: float, seed: int = 7, region: str = "us-east-1") -> Fleet:
    """The demo scenario anchored at scenario time ``t0`` (history lies before it)."""
    t0 = float(int(t0) - int(t0) % 60)
    day = iso(t0).strftime("%Y-%m-%d")
    stamp = iso(t0).strftime("%Y%m%d")
    long_ago = t0 - 40 * 86400

    # Endpoints ---------------------------------------------------------------------------------
    split = EndpointSpec(
        "fraud-detector-prod", "split",
        [variant_spec(seed, "fraud-detector-prod", "champion-xgb-v12", "fraud-xgb-v12", "ml.c5.2xlarge", 3, 0.8),
         variant_spec(seed, "fraud-detector-prod", "challenger-xgb-v13", "fraud-xgb-v13", "ml.c5.2xlarge", 1, 0.2)],
        created=long_ago, rpm=2400, median_ms=9.0, overhead_ms=2.2, framework="xgboost")
    serverless = EndpointSpec(
        "churn-scorer-serverless", "serverless",
        [VariantSpec("AllTraffic", "churn-lgbm-v7", None, 0, 1.0, [], 4096, 20)],
        created=long_ago + 86400, rpm=14, median_ms=35.0, overhead_ms=6.0, framework="sklearn")
    mme = EndpointSpec(
        "recsys-mme-prod", "multi-model",
        [variant_spec(seed, "recsys-mme-prod", "AllTraffic", "recsys-per-market", "ml.m5.4xlarge", 2)],
        created=long_ago + 2 * 86400, rpm=900, median_ms=24.0, overhead_ms=3.5, mme_models=240,
        framework="pytorch")
    genai = EndpointSpec(
        "genai-shared-g5", "components",
        [variant_spec(seed, "genai-shared-g5", "AllTraffic", "", "ml.g5.12xlarge", 2)],
        created=t0 - 9 * 86400, rpm=0, median_ms=0, framework="djl-lmi")
    erroring = EndpointSpec(
        "search-ranker-prod", "erroring",
        [variant_spec(seed, "search-ranker-prod", "AllTraffic", "search-ranker-ltr-v31", "ml.c5.xlarge", 2)],
        created=long_ago + 3 * 86400, rpm=1100, median_ms=28.0, overhead_ms=2.8, error_rate=0.002,
        error_start=t0 - 50 * MINUTE, error_rise=70 * MINUTE, error_peak=0.16, framework="pytorch")
    idle = EndpointSpec(
        "legacy-sentiment-v1", "idle",
        [variant_spec(seed, "legacy-sentiment-v1", "AllTraffic", "sentiment-bilstm-v1", "ml.m5.large", 1)],
        created=t0 - 400 * 86400, rpm=0, framework="tensorflow")
    vision_variant = variant_spec(seed, "vision-defects-gpu", "AllTraffic", "vision-defects-yolov8-v4",
                              "ml.g5.12xlarge", 2)
    enhanced = EndpointSpec(
        "vision-defects-gpu", "enhanced", [vision_variant],
        created=t0 - 6 * 86400, rpm=1500, median_ms=42.0, overhead_ms=3.0, enhanced=True,
        publish_interval=10, hot_gpu=(vision_variant.instance_ids[1], "GPU2"), framework="pytorch")
    forecast = EndpointSpec(
        "demand-forecast-prod", "healthy",
        [variant_spec(seed, "demand-forecast-prod", "AllTraffic", "demand-deepar-v5", "ml.m5.xlarge", 2)],
        created=long_ago + 5 * 86400, rpm=320, median_ms=18.0, overhead_ms=2.5, framework="mxnet")
    ltv = EndpointSpec(
        "customer-ltv-xgb", "healthy",
        [variant_spec(seed, "customer-ltv-xgb", "AllTraffic", "customer-ltv-xgb-v3", "ml.c5.large", 1)],
        created=long_ago + 7 * 86400, rpm=85, median_ms=6.0, overhead_ms=1.8, framework="xgboost")
    endpoints = [split, serverless, mme, genai, erroring, idle, enhanced, forecast, ltv]

    components = [
        ComponentSpec("llama3-8b-chat", genai.name, "AllTraffic", "llama3-8b-instruct-awq", 2, 8, 1, 30720,
                      rpm=120, median_ms=1800.0, created=t0 - 9 * 86400),
        ComponentSpec("mistral-7b-instruct", genai.name, "AllTraffic", "mistral-7b-instruct-v03", 1, 12, 2, 49152,
                      rpm=45, median_ms=2300.0, created=t0 - 8 * 86400),
        ComponentSpec("bge-embeddings", genai.name, "AllTraffic", "bge-large-en-v15", 3, 4, 1, 8192,
                      rpm=1400, median_ms=38.0, created=t0 - 5 * 86400),
    ]

    # Jobs --------------------------------------------------------------------------------------
    defs = (("train:loss", r"train_loss=([0-9\.]+)"), ("validation:accuracy", r"val_acc=([0-9\.]+)"))
    dist_name = f"bert-pretrain-{day}"
    dist_hosts = host_names(TRAINING, dist_name, 16, seed)
    dist = JobSpec(TRAINING, dist_name, "ml.p4d.24xlarge", 16, start=t0 - 14 * HOUR, end=t0 + 4 * 86400,
                   hosts=dist_hosts, lag_host=dist_hosts[6], disk_host=dist_hosts[11],
                   disk_fill=(t0 - 150 * MINUTE, t0 + 20 * MINUTE, 52.0, 97.4),
                   metric_definitions=defs, framework="pytorch-ddp")
    single = JobSpec(TRAINING, f"fraud-xgb-retrain-{stamp}", "ml.m5.4xlarge", 1,
                     start=t0 - 50 * MINUTE, end=t0 + 40 * MINUTE,
                     hosts=host_names(TRAINING, f"fraud-xgb-retrain-{stamp}", 1, seed),
                     metric_definitions=(("train:loss", r"train-logloss:([0-9\.]+)"),
                                         ("validation:accuracy", r"validation-accuracy:([0-9\.]+)")),
                     framework="xgboost")
    oom = ("AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage \"torch.OutOfMemoryError: "
           "CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total capacity of 22.19 GiB of which "
           "1.41 GiB is free.\"\nCommand \"/opt/conda/bin/python3.11 train_lora.py --epochs 3 "
           "--per_device_train_batch_size 16\", exit code: 1")
    failed = JobSpec(TRAINING, "llm-finetune-lora-qa", "ml.g5.2xlarge", 1, start=t0 - 125 * MINUTE,
                     end=t0 - 72 * MINUTE, final_status="Failed", failure_reason=oom,
                     hosts=host_names(TRAINING, "llm-finetune-lora-qa", 1, seed), metric_definitions=defs,
                     framework="pytorch")
    done_train = JobSpec(TRAINING, "sentiment-distilbert-ft-0412", "ml.g5.xlarge", 1,
                         start=t0 - 175 * MINUTE, end=t0 - 95 * MINUTE,
                         hosts=host_names(TRAINING, "sentiment-distilbert-ft-0412", 1, seed),
                         metric_definitions=defs, framework="huggingface")
    jobs = [dist, single, failed, done_train]

    fb = f"feature-backfill-{stamp}"
    jobs.append(JobSpec(PROCESSING, fb, "ml.m5.4xlarge", 2, start=t0 - 35 * MINUTE, end=t0 + 25 * MINUTE,
                        hosts=host_names(PROCESSING, fb, 2, seed), framework="spark"))
    for k in range(1, 4):  # hourly data-quality checks that already finished
        start = t0 - t0 % HOUR - k * HOUR + 5 * MINUTE
        jobs.append(_dq_job(start, seed))
    jobs.append(JobSpec(PROCESSING, "model-monitor-fraud-0300", "ml.m5.xlarge", 1, start=t0 - 9 * HOUR,
                        end=t0 - 9 * HOUR + 14 * MINUTE, hosts=host_names(PROCESSING, "model-monitor-fraud-0300", 1,
                                                                          seed), framework="sklearn"))
    drift = f"drift-check-fraud-{stamp}"  # ends 3 minutes into the demo
    jobs.append(JobSpec(PROCESSING, drift, "ml.m5.xlarge", 1, start=t0 - 10 * MINUTE, end=t0 + 3 * MINUTE,
                        hosts=host_names(PROCESSING, drift, 1, seed), framework="sklearn"))
    bs = f"batch-score-fraud-{stamp}"
    jobs.append(JobSpec(TRANSFORM, bs, "ml.c5.4xlarge", 2, start=t0 - 40 * MINUTE, end=t0 + 55 * MINUTE,
                        hosts=host_names(TRANSFORM, bs, 2, seed), framework="xgboost"))
    jobs.append(JobSpec(TRANSFORM, "catalog-embeddings-refresh", "ml.g5.xlarge", 1, start=t0 - 160 * MINUTE,
                        end=t0 - 100 * MINUTE, hosts=host_names(TRANSFORM, "catalog-embeddings-refresh", 1, seed),
                        framework="huggingface"))
    yday = iso(t0 - 86400).strftime("%Y%m%d")
    jobs.append(JobSpec(TRANSFORM, f"nightly-churn-scoring-{yday}", "ml.m5.2xlarge", 1, start=t0 - 11 * HOUR,
                        end=t0 - 10 * HOUR, hosts=host_names(TRANSFORM, f"nightly-churn-scoring-{yday}", 1, seed),
                        framework="sklearn"))

    # Pipelines ---------------------------------------------------------------------------------
    limit = ("ClientError: Failed to invoke sagemaker:CreateTrainingJob. Error Details: The account-level "
             "service limit 'ml.p3.8xlarge for training job usage' is 0 Instances, with current utilization "
             "of 0 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an "
             "increase for this quota.")
    churn = PipelineSpec("churn-retrain-pipeline", "Weekly churn model retraining with evaluation gate",
                         [StepSpec("PrepareFeatures", "Processing", 9 * MINUTE),
                          StepSpec("TrainChurnModel", "Training", 26 * MINUTE),
                          StepSpec("EvaluateChurnModel", "Processing", 6 * MINUTE),
                          StepSpec("CheckAUC", "Condition", 12),
                          StepSpec("RegisterChurnModel", "RegisterModel", 30)],
                         period=4 * HOUR, phase=(t0 - 130 * MINUTE) % (4 * HOUR), created=long_ago)
    nightly = PipelineSpec("nightly-batch-inference", "Batch scoring of the day's transactions",
                           [StepSpec("PrepareInput", "Processing", 10 * MINUTE),
                            StepSpec("BatchTransform", "Transform", 42 * MINUTE),
                            StepSpec("PublishResults", "Lambda", 50)],
                           period=8 * HOUR, phase=(t0 - 150 * MINUTE) % (8 * HOUR), created=long_ago + 86400)
    evals = PipelineSpec("llm-eval-suite", "Offline evaluation of chat models on the benchmark suite",
                         [StepSpec("LoadBenchmarks", "Processing", 3 * MINUTE),
                          StepSpec("RunEvaluation", "Processing", 21 * MINUTE),
                          StepSpec("ScoreResults", "Processing", 5 * MINUTE),
                          StepSpec("QualityGate", "Condition", 8)],
                         period=3 * HOUR, phase=(t0 - 15 * MINUTE) % (3 * HOUR), created=t0 - 12 * 86400)
    pipelines = [churn, nightly, evals]
    for p in pipelines:
        first = t0 - 24 * HOUR
        k = int((first - p.phase) // p.period) + 1
        while True:
            start = p.phase + k * p.period
            if start > t0:
                break
            ex = schedule_execution(p, start, seed)
            p.executions.append(ex)
            k += 1
    churn_last = churn.executions[-1]
    _fail_at(churn_last, "TrainChurnModel", limit)
    nightly_last = nightly.executions[-1]
    _stop_at(nightly_last, "BatchTransform", nightly_last.start + 30 * MINUTE)

    # Ground Truth, Feature Store, Inference Recommender ----------------------------------------
    team = WorkteamSpec("acme-private-labelers", "default", workers=18, region=region)
    labeling = [
        LabelingJobSpec("product-images-bbox-2026-11", team.name, start=t0 - 5 * HOUR, end=t0 + 7 * HOUR,
                        final_status="Completed", total_objects=12000, auto_after=0.3),
        LabelingJobSpec("support-tickets-intent-1120", team.name, start=t0 - 9 * HOUR, end=t0 - 100 * MINUTE,
                        final_status="Completed", total_objects=4000, auto_after=0.5,
                        task_type="TextClassification"),
        LabelingJobSpec("pilot-audio-transcribe", team.name, start=t0 - 4 * HOUR, end=t0 - 40 * MINUTE,
                        final_status="Stopped", total_objects=900, auto_after=1.0, task_type="Custom"),
    ]
    fgs = [
        FeatureGroupSpec("customer-features-v3", "customer_id", "event_time",
                         (("customer_id", "String"), ("event_time", "String"), ("tenure_days", "Integral"),
                          ("avg_basket_value", "Fractional"), ("churn_risk_band", "String")),
                         provisioned=False, rpm={"GetRecord": 2600, "PutRecord": 240, "BatchGetRecord": 90},
                         created=long_ago),
        FeatureGroupSpec("transaction-aggregates-v1", "card_id", "event_time",
                         (("card_id", "String"), ("event_time", "String"), ("txn_count_1h", "Integral"),
                          ("txn_amount_24h", "Fractional"), ("merchant_risk", "Fractional")),
                         provisioned=True, rpm={"GetRecord": 5200, "PutRecord": 1900, "BatchGetRecord": 30},
                         created=long_ago + 86400),
    ]
    rec = RecommendationJobSpec(
        "llama3-8b-instance-sweep", "llama3-8b-instruct-awq", "Advanced", start=t0 - 80 * MINUTE,
        end=t0 + 40 * MINUTE,
        endpoints=("sm-ir-llama3-8b-sweep-g5-2xl", "sm-ir-llama3-8b-sweep-g5-12xl", "sm-ir-llama3-8b-sweep-g6-2xl"),
        instance_types=("ml.g5.2xlarge", "ml.g5.12xlarge", "ml.g6.2xlarge"), max_users=48)

    # Alarms ------------------------------------------------------------------------------------
    def dims(md, kind, values):
        return tuple((n, values[n]) for n in md.dimensions_for(kind))

    m5xx = find("Invocation5XXErrors", G_INVOCATION)
    mlat = find("ModelLatency", G_INVOCATION)
    minv = find("Invocations", G_INVOCATION)
    mdisk = find("DiskUtilization", G_INSTANCE)
    mgpu = find("GPUUtilization", G_INSTANCE)
    alarms = [
        AlarmSpec(f"{erroring.name}-5xx-errors", m5xx.namespace_for(Kind.ENDPOINT), m5xx.name,
                  dims(m5xx, Kind.ENDPOINT, {"EndpointName": erroring.name, "VariantName": "AllTraffic"}),
                  "Sum", 25.0, "GreaterThanThreshold", state="ALARM",
                  reason=_crossed_reason(t0, (131.0, 118.0, 97.0), 25.0),
                  description="5XX responses from the search ranker"),
        AlarmSpec(f"{split.name}-p99-latency", mlat.namespace_for(Kind.ENDPOINT), mlat.name,
                  dims(mlat, Kind.ENDPOINT, {"EndpointName": split.name, "VariantName": "champion-xgb-v12"}),
                  "p99", 250000.0, "GreaterThanThreshold", evaluation_periods=5,
                  description="p99 model latency above 250 ms"),
        AlarmSpec(f"{dist.name}-disk-{dist.disk_host.rsplit('/', 1)[-1]}", mdisk.namespace_for(Kind.TRAINING_JOB),
                  mdisk.name, dims(mdisk, Kind.TRAINING_JOB, {"Host": dist.disk_host}), "Maximum", 95.0,
                  "GreaterThanThreshold", evaluation_periods=2, description="Training host disk nearly full",
                  alarm_when=("disk", ">", 95.0)),
        AlarmSpec(f"{enhanced.name}-gpu-utilization", mgpu.namespace_for(Kind.ENDPOINT), mgpu.name,
                  dims(mgpu, Kind.ENDPOINT, {"EndpointName": enhanced.name, "VariantName": "AllTraffic"}),
                  "Average", 360.0, "GreaterThanThreshold", evaluation_periods=5,
                  description="GPU utilization (4 GPUs per instance) above 90 %"),
        AlarmSpec(f"{idle.name}-no-traffic", minv.namespace_for(Kind.ENDPOINT), minv.name,
                  dims(minv, Kind.ENDPOINT, {"EndpointName": idle.name, "VariantName": "AllTraffic"}),
                  "Sum", 1.0, "LessThanThreshold", evaluation_periods=60, state="INSUFFICIENT_DATA",
                  reason="Insufficient Data: 60 datapoints were unknown.",
                  description="No traffic on the legacy sentiment endpoint"),
        # the drift check's disk (24 % + 6 % x progress) passes 29 % about a minute into the demo
        AlarmSpec(f"{drift}-disk", mdisk.namespace_for(Kind.PROCESSING_JOB), mdisk.name,
                  dims(mdisk, Kind.PROCESSING_JOB, {"Host": f"{drift}/algo-1"}), "Maximum", 29.0,
                  "GreaterThanThreshold", evaluation_periods=1, description="Drift check's scratch disk filling",
                  alarm_when=("disk", ">", 29.0)),
    ]

    hour0 = t0 - t0 % HOUR
    recurring = [
        Recurring(PROCESSING, "data-quality-check", HOUR, 12 * MINUTE, hour0 + HOUR + 5 * MINUTE
                  if hour0 + 5 * MINUTE <= t0 else hour0 + 5 * MINUTE, "ml.m5.xlarge", 1, "deequ"),
        Recurring(TRAINING, "fraud-xgb-retrain", 6 * HOUR, 85 * MINUTE, single.start + 6 * HOUR, "ml.m5.4xlarge", 1,
                  "xgboost", single.metric_definitions),
        Recurring(TRANSFORM, "batch-score-fraud", 4 * HOUR, 95 * MINUTE, t0 - 40 * MINUTE + 4 * HOUR, "ml.c5.4xlarge",
                  2, "xgboost"),
        Recurring("labeling", "product-images-bbox", 14 * HOUR, 12 * HOUR, labeling[0].end + 2 * HOUR),
        Recurring("recommendation", "llama3-8b-instance-sweep", 6 * HOUR, 2 * HOUR, rec.end + 4 * HOUR),
    ]
    fleet = Fleet(t0=t0, seed=seed, region=region, endpoints=endpoints, components=components, jobs=jobs,
                  pipelines=pipelines, labeling_jobs=labeling, workteams=[team], feature_groups=fgs,
                  recommendation_jobs=[rec], alarms=alarms, recurring=recurring)
    fleet.split_endpoint = split.name
    fleet.serverless_endpoint = serverless.name
    fleet.multi_model_endpoint = mme.name
    fleet.component_endpoint = genai.name
    fleet.erroring_endpoint = erroring.name
    fleet.idle_endpoint = idle.name
    fleet.enhanced_endpoint = enhanced.name
    fleet.healthy_endpoints = (forecast.name, ltv.name)
    fleet.hot_gpu = enhanced.hot_gpu
    fleet.distributed_job = dist.name
    fleet.lagging_host = dist.lag_host
    fleet.disk_full_host = dist.disk_host
    fleet.single_host_job = single.name
    fleet.failed_job = failed.name
    fleet.failed_job_reason = oom
    fleet.running_processing_job = fb
    fleet.running_transform_job = bs
    fleet.failed_pipeline = churn.name
    fleet.failed_step = "TrainChurnModel"
    fleet.failed_step_reason = limit
    fleet.stopped_pipeline = nightly.name
    fleet.executing_pipeline = evals.name
    fleet.labeling_job = labeling[0].name
    fleet.workteam = team.name
    fleet.recommendation_job = rec.name
    fleet.alarm_in_alarm = alarms[0].name
    fleet.ending_job, fleet.flipping_alarm = drift, alarms[-1].name
    return fleet


def _crossed_reason(t0: float, points: tuple[float, ...], threshold: float) -> str:
    shown = ", ".join(f"{p} ({iso(t0 - 120 - 60 * i).strftime('%d/%m/%y %H:%M:%S')})" for i, p in enumerate(points))
    return (f"Threshold Crossed: {len(points)} out of the last {len(points)} datapoints [{shown}] were greater "
            f"than the threshold ({threshold}) (minimum {len(points)} datapoints for OK -> ALARM transition).")


def _dq_job(start: float, seed: int) -> JobSpec:
    name = f"data-quality-check-{iso(start).strftime('%Y%m%d-%H%M')}"
    return JobSpec(PROCESSING, name, "ml.m5.xlarge", 1, start=start, end=start + 12 * MINUTE,
                   hosts=host_names(PROCESSING, name, 1, seed), framework="deequ")


def occurrence(fleet: Fleet, r: Recurring, start: float):
    """The resource a recurring schedule starts at ``start`` (a job, labeling or recommendation job)."""
    name = r.name_at(start)
    end = start + r.duration
    if r.kind in (TRAINING, PROCESSING, TRANSFORM):
        return JobSpec(r.kind, name, r.instance_type, r.instance_count, start=start, end=end,
                       hosts=host_names(r.kind, name, r.instance_count, fleet.seed), framework=r.framework,
                       metric_definitions=r.metric_definitions, created_live=True)
    if r.kind == "labeling":
        return LabelingJobSpec(name, fleet.workteam, start=start, end=end, final_status="Completed",
                               total_objects=10000, auto_after=0.3)
    template = fleet.recommendation_jobs[0]
    return RecommendationJobSpec(name, template.model_name, template.job_type, start=start, end=end,
                                 endpoints=tuple(f"{e}-{iso(start).strftime('%H%M')}" for e in template.endpoints),
                                 instance_types=template.instance_types, max_users=template.max_users)


def schedule_execution(p: PipelineSpec, start: float, seed: int, live: bool = False) -> ExecutionSpec:
    """One successful execution of pipeline ``p`` starting at ``start`` (durations jittered)."""
    key = shapes.series_seed(seed, "execution", p.name)
    t = start + 2
    steps = []
    for i, s in enumerate(p.steps):
        d = s.duration * (0.85 + 0.3 * shapes.uniform(key, start, i))
        steps.append(StepRun(s.name, s.step_type, t, t + d, "Succeeded"))
        t += d + 1
    label = iso(start).strftime("%Y%m%d-%H%M")
    return ExecutionSpec(p.name, f"{p.name}-{label}", start, steps, "Succeeded", created_live=live)


def _fail_at(ex: ExecutionSpec, step: str, reason: str) -> None:
    for i, s in enumerate(ex.steps):
        if s.name == step:
            s.end = s.start + 40
            s.status = "Failed"
            s.failure_reason = reason
            del ex.steps[i + 1:]
            ex.status = "Failed"
            ex.failure_reason = f"Step failure: One or multiple steps failed."
            return
    raise KeyError(step)


def _stop_at(ex: ExecutionSpec, step: str, when: float) -> None:
    for i, s in enumerate(ex.steps):
        if s.name == step:
            s.end = max(s.start + 1, when)
            s.status = "Stopped"
            del ex.steps[i + 1:]
            ex.status = "Stopped"
            return
    raise KeyError(step)


def next_executions(fleet: Fleet, until: float) -> list[ExecutionSpec]:
    """Executions scheduled after the last known one of each pipeline, up to ``until``."""
    out = []
    for p in fleet.pipelines:
        last = p.executions[-1].start if p.executions else fleet.t0
        k = int((last - p.phase) // p.period) + 1
        while True:
            start = p.phase + k * p.period
            if start > until:
                break
            if start > last:
                out.append(schedule_execution(p, start, fleet.seed, live=True))
            k += 1
    return out


# -- creating the fleet in AWS ---------------------------------------------------------------------
IMAGES = {
    "pytorch": f"{ECR}/pytorch-inference:2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker",
    "pytorch-ddp": f"{ECR}/pytorch-training:2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker",
    "huggingface": f"{ECR}/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04",
    "xgboost": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "sklearn": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
    "tensorflow": f"{ECR}/tensorflow-inference:2.14.1-cpu",
    "mxnet": "522234722520.dkr.ecr.us-east-1.amazonaws.com/forecasting-deepar:1",
    "djl-lmi": f"{ECR}/djl-inference:0.31.0-lmi13.0.0-cu124",
    "spark": "173754725891.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.5-cpu",
    "deequ": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer",
}


def _image(framework: str) -> str:
    return IMAGES.get(framework, IMAGES["pytorch"])


class FleetWriter:
    """Creates the fleet with boto3 writer clients and moves its state along the scenario clock.

    ``control`` changes what the API cannot (statuses, past timestamps, execution steps);
    ``real_of`` maps a scenario time to the real time AWS should report for it.
    """

    def __init__(self, fleet: Fleet, clients, control, real_of=lambda t: t) -> None:
        self.fleet = fleet
        self.sm = clients("sagemaker")
        self.cw = clients("cloudwatch")
        self.control = control
        self.real_of = real_of
        self.created_jobs: set[str] = set()
        self._exec_state: dict[int, tuple] = {}
        self._labeling_state: dict[str, tuple] = {}
        self._alarm_state: dict[str, str] = {}
        self._models: set[str] = set()

    # -- everything at start -------------------------------------------------------------------
    def create_all(self, t: float) -> None:
        self.create_endpoints()
        self.create_components()
        for job in self.fleet.jobs:
            if job.start <= t:
                self.create_job(job, t)
        self.create_pipelines(t)
        self.create_labeling(t)
        self.create_feature_groups()
        self.create_recommendation_jobs(t)
        self.create_alarms()

    def create_endpoints(self) -> None:
        sm, f = self.sm, self.fleet
        for ep in f.endpoints:
            variants = []
            for var in ep.variants:
                if var.model_name and ep.role != "components":
                    container = {"Image": _image(ep.framework), "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
                                 "ModelDataUrl": f"{BUCKET}/models/{var.model_name}/model.tar.gz"}
                    if ep.mme_models:
                        container["Mode"] = "MultiModel"
                        container["ModelDataUrl"] = f"{BUCKET}/models/{ep.name}/"
                    sm.create_model(ModelName=var.model_name, PrimaryContainer=container, ExecutionRoleArn=ROLE_ARN)
                    self.control.backdate("model", var.model_name, ep.created - 1800)
                    self._models.add(var.model_name)
                pv = {"VariantName": var.name, "InitialVariantWeight": var.weight}
                if ep.role != "components":
                    pv["ModelName"] = var.model_name
                if var.serverless:
                    pv["ServerlessConfig"] = {"MemorySizeInMB": var.serverless_memory_mb,
                                              "MaxConcurrency": var.serverless_max_concurrency}
                else:
                    pv["InstanceType"] = var.instance_type
                    pv["InitialInstanceCount"] = var.instance_count
                if ep.role == "components":
                    pv["RoutingConfig"] = {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}
                    pv["ManagedInstanceScaling"] = {"Status": "ENABLED", "MinInstanceCount": 1,
                                                    "MaxInstanceCount": 4}
                variants.append(pv)
            kw = {"EndpointConfigName": ep.config_name, "ProductionVariants": variants}
            if ep.role == "components":
                kw["ExecutionRoleArn"] = ROLE_ARN
            if ep.enhanced or ep.publish_interval != 60:
                kw["MetricsConfig"] = {"EnableEnhancedMetrics": ep.enhanced,
                                       "MetricPublishFrequencyInSeconds": ep.publish_interval}
            sm.create_endpoint_config(**kw)
            self.control.backdate("endpoint-config", ep.config_name, ep.created - 600)
            sm.create_endpoint(EndpointName=ep.name, EndpointConfigName=ep.config_name,
                               Tags=[{"Key": "team", "Value": _team(ep.name)}])
            self.control.backdate("endpoint", ep.name, ep.created)

    def create_components(self) -> None:
        sm = self.sm
        for ic in self.fleet.components:
            sm.create_model(ModelName=ic.model_name, ExecutionRoleArn=ROLE_ARN, PrimaryContainer={
                "Image": _image("djl-lmi"), "ModelDataUrl": f"{BUCKET}/models/{ic.model_name}/",
                "Environment": {"OPTION_ROLLING_BATCH": "lmi-dist", "OPTION_MAX_ROLLING_BATCH_SIZE": "16"}})
            self.control.backdate("model", ic.model_name, ic.created - 900)
            sm.create_inference_component(
                InferenceComponentName=ic.name, EndpointName=ic.endpoint, VariantName=ic.variant,
                Specification={"ModelName": ic.model_name, "ComputeResourceRequirements": {
                    "NumberOfCpuCoresRequired": ic.cpus_per_copy,
                    "NumberOfAcceleratorDevicesRequired": ic.gpus_per_copy,
                    "MinMemoryRequiredInMb": ic.memory_mb_per_copy}},
                RuntimeConfig={"CopyCount": ic.copies})
            self.control.backdate("inference-component", ic.name, ic.created)

    # -- jobs ----------------------------------------------------------------------------------
    def create_job(self, job: JobSpec, t: float) -> None:
        """Create ``job`` and give it its status at scenario time ``t``."""
        if job.name in self.created_jobs:
            return
        sm = self.sm
        image = _image(job.framework)
        if job.kind == TRAINING:
            hp = {"epochs": "8" if "pretrain" in job.name else "3", "lr": "0.0002",
                  "per_device_train_batch_size": "16"}
            sm.create_training_job(
                TrainingJobName=job.name,
                AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "FastFile",
                                        "MetricDefinitions": [{"Name": n, "Regex": r} for n, r in job.metric_definitions],
                                        "EnableSageMakerMetricsTimeSeries": True},
                RoleArn=ROLE_ARN, HyperParameters=hp,
                InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
                    "S3DataType": "S3Prefix", "S3Uri": f"{BUCKET}/datasets/{job.name}/train/",
                    "S3DataDistributionType": "FullyReplicated"}}}],
                OutputDataConfig={"S3OutputPath": f"{BUCKET}/training-output/"},
                ResourceConfig={"InstanceType": job.instance_type, "InstanceCount": job.instance_count,
                                "VolumeSizeInGB": 500 if job.gpus_per_host else 50},
                StoppingCondition={"MaxRuntimeInSeconds": 5 * 86400},
                CheckpointConfig={"S3Uri": f"{BUCKET}/checkpoints/{job.name}/", "LocalPath": "/opt/ml/checkpoints"},
                Tags=[{"Key": "team", "Value": _team(job.name)}])
        elif job.kind == PROCESSING:
            sm.create_processing_job(
                ProcessingJobName=job.name, RoleArn=ROLE_ARN,
                ProcessingResources={"ClusterConfig": {"InstanceCount": job.instance_count,
                                                       "InstanceType": job.instance_type, "VolumeSizeInGB": 100}},
                AppSpecification={"ImageUri": image, "ContainerEntrypoint": ["python3", "/opt/ml/processing/code/run.py"]},
                StoppingCondition={"MaxRuntimeInSeconds": 4 * 3600},
                ProcessingInputs=[{"InputName": "input", "S3Input": {
                    "S3Uri": f"{BUCKET}/processing/{job.name}/input/", "LocalPath": "/opt/ml/processing/input",
                    "S3DataType": "S3Prefix", "S3InputMode": "File"}}],
                ProcessingOutputConfig={"Outputs": [{"OutputName": "output", "S3Output": {
                    "S3Uri": f"{BUCKET}/processing/{job.name}/output/", "LocalPath": "/opt/ml/processing/output",
                    "S3UploadMode": "EndOfJob"}}]})
        else:
            model = f"{job.name}-model"
            sm.create_model(ModelName=model, ExecutionRoleArn=ROLE_ARN, PrimaryContainer={
                "Image": image, "ModelDataUrl": f"{BUCKET}/models/{job.name}/model.tar.gz"})
            self.control.backdate("model", model, job.start - 120)
            sm.create_transform_job(
                TransformJobName=job.name, ModelName=model, MaxPayloadInMB=6, BatchStrategy="MultiRecord",
                TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                "S3Uri": f"{BUCKET}/batch/{job.name}/input/"}},
                                "ContentType": "text/csv", "SplitType": "Line"},
                TransformOutput={"S3OutputPath": f"{BUCKET}/batch/{job.name}/output/", "AssembleWith": "Line"},
                TransformResources={"InstanceType": job.instance_type, "InstanceCount": job.instance_count})
        self.created_jobs.add(job.name)
        self.control.backdate(f"{job.kind}-job", job.name, self.real_of(job.start) - 60)
        self.sync_job(job, t, force=True)

    def sync_job(self, job: JobSpec, t: float, force: bool = False) -> bool:
        """Report the job's status at scenario time ``t``; True when it changed."""
        status = job.status_at(t)
        if not force and getattr(job, "_reported", None) == status:
            return False
        secondary = {"InProgress": "Training", "Completed": "Completed", "Failed": "Failed",
                     "Stopped": "Stopped"}[status]
        self.control.set_job_status(job.kind, job.name, status,
                                    secondary_status=secondary if job.kind == TRAINING else None,
                                    failure_reason=job.failure_reason if status == "Failed" else None,
                                    start_time=self.real_of(job.start),
                                    end_time=self.real_of(job.end) if status != "InProgress" else None)
        job._reported = status  # type: ignore[attr-defined]
        return True

    # -- pipelines -----------------------------------------------------------------------------
    def create_pipelines(self, t: float) -> None:
        for p in self.fleet.pipelines:
            self.sm.create_pipeline(PipelineName=p.name, PipelineDisplayName=p.name,
                                    PipelineDefinition=p.definition(), PipelineDescription=p.description,
                                    RoleArn=ROLE_ARN)
            self.control.backdate("pipeline", p.name, p.created)
            for ex in p.executions:
                if ex.start <= t:
                    self.start_execution(ex, t)

    def start_execution(self, ex: ExecutionSpec, t: float) -> None:
        if ex.arn is not None:
            return
        resp = self.sm.start_pipeline_execution(PipelineName=ex.pipeline, PipelineExecutionDisplayName=ex.display_name,
                                                PipelineExecutionDescription=f"Scheduled run of {ex.pipeline}")
        ex.arn = resp["PipelineExecutionArn"]
        self.control.backdate("pipeline-execution", ex.arn, self.real_of(ex.start), pipeline=ex.pipeline)
        self.sync_execution(ex, t, force=True)

    def sync_execution(self, ex: ExecutionSpec, t: float, force: bool = False) -> bool:
        if ex.arn is None:
            return False
        steps = [(s.name, s.status_at(t)) for s in ex.steps]
        state = (ex.status_at(t), tuple(steps))
        if not force and self._exec_state.get(id(ex)) == state:
            return False
        self._exec_state[id(ex)] = state
        status = ex.status_at(t)
        rows = []
        for s in ex.steps:
            st = s.status_at(t)
            if st is None:
                continue
            row = {"StepName": s.name, "StepDisplayName": s.name, "StepStatus": st,
                   "StartTime": self.real_of(s.start), "AttemptCount": 1}
            if st != "Executing":
                row["EndTime"] = self.real_of(s.end)
            if st == "Failed":
                row["FailureReason"] = s.failure_reason
            meta = _step_metadata(ex, s, self.fleet.region)
            if meta and st != "Failed":
                row["Metadata"] = meta
            rows.append(row)
        self.control.set_execution_steps(ex.arn, rows)
        self.control.set_pipeline_execution_status(
            ex.arn, status, failure_reason=ex.failure_reason if status == "Failed" else None)
        return True

    # -- Ground Truth, Feature Store, Inference Recommender --------------------------------------
    def create_labeling(self, t: float) -> None:
        for job in self.fleet.labeling_jobs:
            self.create_labeling_job(job, t)

    def create_labeling_job(self, job: LabelingJobSpec, t: float) -> None:
        team = next(w for w in self.fleet.workteams if w.name == job.workteam)
        lam = f"arn:aws:lambda:{self.fleet.region}:432418664414:function"
        kind = {"BoundingBox": "BoundingBox", "TextClassification": "TextMultiClass"}.get(job.task_type, "BoundingBox")
        cfg = {"WorkteamArn": team.arn,
               "UiConfig": {"UiTemplateS3Uri": f"{BUCKET}/labeling/{job.name}/template.liquid"},
               "PreHumanTaskLambdaArn": f"{lam}:PRE-{kind}",
               "TaskTitle": job.name.replace("-", " "), "TaskDescription": f"Label {job.task_type} data",
               "NumberOfHumanWorkersPerDataObject": 1, "TaskTimeLimitInSeconds": 600,
               "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": f"{lam}:ACS-{kind}"}}
        self.sm.create_labeling_job(
            LabelingJobName=job.name, LabelAttributeName="label",
            InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": f"{BUCKET}/labeling/{job.name}/manifest.jsonl"}}},
            OutputConfig={"S3OutputPath": f"{BUCKET}/labeling/{job.name}/output/"},
            RoleArn=ROLE_ARN, HumanTaskConfig=cfg)
        self.control.backdate("labeling-job", job.name, self.real_of(job.start))
        self.sync_labeling(job, t, force=True)

    def sync_labeling(self, job: LabelingJobSpec, t: float, force: bool = False) -> bool:
        c = job.counters_at(t)
        state = (job.status_at(t), c["total"], c["failed"])
        if not force and self._labeling_state.get(job.name) == state:
            return False
        self._labeling_state[job.name] = state
        self.control.set_labeling_job(job.name, job.status_at(t), counters={
            "HumanLabeled": c["human"], "MachineLabeled": c["auto"], "FailedNonRetryableError": c["failed"],
            "Unlabeled": c["unlabeled"]})
        return True

    def create_feature_groups(self) -> None:
        for fg in self.fleet.feature_groups:
            kw = dict(FeatureGroupName=fg.name, RecordIdentifierFeatureName=fg.record_identifier,
                      EventTimeFeatureName=fg.event_time_feature,
                      FeatureDefinitions=[{"FeatureName": n, "FeatureType": ty} for n, ty in fg.features],
                      OnlineStoreConfig={"EnableOnlineStore": True},
                      OfflineStoreConfig={"S3StorageConfig": {"S3Uri": f"{BUCKET}/feature-store/"},
                                          "TableFormat": "Iceberg"},
                      RoleArn=ROLE_ARN, Description=f"Features keyed by {fg.record_identifier}")
            if fg.provisioned:
                kw["ThroughputConfig"] = {"ThroughputMode": "Provisioned", "ProvisionedReadCapacityUnits": 12000,
                                          "ProvisionedWriteCapacityUnits": 4000}
            else:
                kw["ThroughputConfig"] = {"ThroughputMode": "OnDemand"}
            self.sm.create_feature_group(**kw)
            self.control.backdate("feature-group", fg.name, fg.created)

    def create_recommendation_jobs(self, t: float) -> None:
        for job in self.fleet.recommendation_jobs:
            self.create_recommendation_job(job, t)

    def create_recommendation_job(self, job: RecommendationJobSpec, t: float) -> None:
        if job.model_name not in self._models:
            self.sm.create_model(ModelName=job.model_name, ExecutionRoleArn=ROLE_ARN, PrimaryContainer={
                "Image": _image("djl-lmi"), "ModelDataUrl": f"{BUCKET}/models/{job.model_name}/"})
            self._models.add(job.model_name)
        self.sm.create_inference_recommendations_job(
            JobName=job.name, JobType=job.job_type, RoleArn=ROLE_ARN,
            InputConfig={"ModelName": job.model_name, "JobDurationInSeconds": int(job.end - job.start),
                         "EndpointConfigurations": [{"InstanceType": it} for it in job.instance_types],
                         "TrafficPattern": {"TrafficType": "PHASES", "Phases": [
                             {"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 1200}]}},
            StoppingConditions={"MaxInvocations": 30000,
                                "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 4000}]},
            JobDescription=f"Instance sweep for {job.model_name}")
        self.control.backdate("recommendation-job", job.name, self.real_of(job.start))
        self.sync_recommendation(job, t, force=True)

    def sync_recommendation(self, job: RecommendationJobSpec, t: float, force: bool = False) -> bool:
        status = job.status_at(t)
        if not force and getattr(job, "_reported", None) == status:
            return False
        kw = {}
        if status == "COMPLETED":
            kw["completion_time"] = self.real_of(job.end)
            kw["recommendations"] = _recommendations(job)
        self.control.set_recommendation_job_status(job.name, status, **kw)
        job._reported = status  # type: ignore[attr-defined]
        return True

    # -- alarms --------------------------------------------------------------------------------
    def create_alarms(self) -> None:
        for a in self.fleet.alarms:
            kw = dict(AlarmName=a.name, AlarmDescription=a.description, Namespace=a.namespace, MetricName=a.metric,
                      Dimensions=[{"Name": k, "Value": val} for k, val in a.dimensions], Period=a.period,
                      EvaluationPeriods=a.evaluation_periods, DatapointsToAlarm=a.evaluation_periods,
                      Threshold=a.threshold, ComparisonOperator=a.comparison, TreatMissingData="missing",
                      ActionsEnabled=True,
                      AlarmActions=[f"arn:aws:sns:{self.fleet.region}:{ACCOUNT_ID}:ml-oncall"])
            if a.statistic.startswith("p"):
                kw["ExtendedStatistic"] = a.statistic
            else:
                kw["Statistic"] = a.statistic
            self.cw.put_metric_alarm(**kw)
            if a.state != "OK":
                self.set_alarm(a, a.state, a.reason)

    def set_alarm(self, a: AlarmSpec, state: str, reason: str) -> None:
        if self._alarm_state.get(a.name) == state:
            return
        self.cw.set_alarm_state(AlarmName=a.name, StateValue=state, StateReason=reason or state)
        a.state = state
        self._alarm_state[a.name] = state


#: On-demand prices (USD per hour) of the instance types a recommendation job tries.
PRICES = {"ml.g5.2xlarge": 1.515, "ml.g5.12xlarge": 7.09, "ml.g6.2xlarge": 1.222}


def _recommendations(job: RecommendationJobSpec) -> list[dict]:
    """InferenceRecommendations of a finished job: one per endpoint it load-tested."""
    out = []
    for i, (endpoint, itype) in enumerate(zip(job.endpoints, job.instance_types)):
        capacity = job.max_users * (0.45 + 0.35 * i / max(len(job.endpoints) - 1, 1))
        max_inv = int(capacity * 60 / 1.1)
        price = PRICES.get(itype, 2.0)
        out.append({
            "RecommendationId": f"{job.name}/{i + 1:02d}",
            "Metrics": {"CostPerHour": price, "CostPerInference": round(price / (max_inv * 60), 8),
                        "MaxInvocations": max_inv, "ModelLatency": int(950 * (1 + 0.2 * (2 - i))),
                        "CpuUtilization": round(18.0 + 6 * i, 1), "MemoryUtilization": round(41.0 + 4 * i, 1),
                        "ModelSetupTime": 210 + 35 * i},
            "EndpointConfiguration": {"EndpointName": endpoint, "VariantName": "AllTraffic",
                                      "InstanceType": itype, "InitialInstanceCount": 1},
            "ModelConfiguration": {"EnvironmentParameters": [
                {"Key": "OPTION_TENSOR_PARALLEL_DEGREE", "ValueType": "String", "Value": "1"}]},
        })
    return out


def _team(name: str) -> str:
    for key, team in (("fraud", "risk-ml"), ("churn", "growth-ml"), ("llm", "genai"), ("llama", "genai"),
                      ("genai", "genai"), ("bert", "nlp-platform"), ("search", "search"), ("vision", "quality-ml")):
        if key in name:
            return team
    return "ml-platform"


def _step_metadata(ex: ExecutionSpec, s: StepRun, region: str) -> dict | None:
    arn = f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}"
    job = f"pipelines-{shapes.series_seed(0, ex.display_name, s.name) % 16**12:012x}-{s.name}"[:63]
    return {"Processing": {"ProcessingJob": {"Arn": f"{arn}:processing-job/{job.lower()}"}},
            "Training": {"TrainingJob": {"Arn": f"{arn}:training-job/{job.lower()}"}},
            "Transform": {"TransformJob": {"Arn": f"{arn}:transform-job/{job.lower()}"}},
            "Condition": {"Condition": {"Outcome": "True"}},
            "RegisterModel": {"RegisterModel": {"Arn": f"{arn}:model-package/{ex.pipeline}/1"}},
            "Lambda": {"Lambda": {"Arn": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:publish-results"}},
            }.get(s.step_type)
