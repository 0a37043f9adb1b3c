"""What job discovery costs on an account with a long history (SageMaker's List/Describe rates are low
and shared by every tool of the account).

The account (a region of its own on the shared moto server) holds 3,000 finished jobs of each kind
(training, processing, transform) created over two years, plus jobs that still run: a training
job created 20 days ago, processing and transform jobs created 3 days ago, and one of each
kind created an hour ago.

moto 5.2.5 does not page List*Jobs the way AWS does, which would hide the cost:

* without MaxResults it answers everything in one page (AWS: 10 per page);
* it ignores SortBy/SortOrder (pages follow creation order);
* it cuts the page before applying *every* filter, CreationTimeAfter included, so a time-bounded
  query still walks the whole history.

AWS documents that StatusEquals is applied to a page after it is cut ("the MaxResults number of
training jobs are first retrieved ignoring the StatusEquals parameter and then they are filtered"),
newest first; the time bounds are taken as selecting what is paged (AWS documents the cut-then-filter
behaviour for StatusEquals only). :func:`aws_paging` replaces moto's three
List*Jobs handlers with exactly that for the tests of this module (moto's backend still holds the
jobs and answers every Describe), so the calls counted here are the calls AWS would receive.

The 9,000 old jobs are created in moto's backend in-process (through HTTP they take ~27 s); the
running jobs through boto3. Calls are counted by a botocore hook on the app's own client.
"""

from __future__ import annotations

import collections
import time
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from tui.aws import discovery as d
from tui.aws.session import AwsClients, AwsSettings
from tui.model.catalog import Kind
from tui.model.cost import Usage

REGION = "sa-east-1"  # this module's account: nothing else in the test process uses it
ACCOUNT = "123456789012"
CREDS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
OLD_JOBS = 3000
HISTORY = timedelta(days=730)
#: List calls one kind may send in one discovery of this account (see test_first_discovery...).
LIST_BOUND = 3

KINDS = {  # kind: (moto_ext kind, List operation, summaries key, name key, status key, Describe operation)
    Kind.TRAINING_JOB: ("training", "ListTrainingJobs", "TrainingJobSummaries", "TrainingJobName",
                        "TrainingJobStatus", "DescribeTrainingJob"),
    Kind.PROCESSING_JOB: ("processing", "ListProcessingJobs", "ProcessingJobSummaries", "ProcessingJobName",
                          "ProcessingJobStatus", "DescribeProcessingJob"),
    Kind.TRANSFORM_JOB: ("transform", "ListTransformJobs", "TransformJobSummaries", "TransformJobName",
                         "TransformJobStatus", "DescribeTransformJob"),
}
LIST_OPS = {v[1] for v in KINDS.values()}
DESCRIBE_OPS = {v[5] for v in KINDS.values()}


def _naive(t: datetime) -> datetime:
    """moto keeps naive UTC datetimes."""
    return t.astimezone(timezone.utc).replace(tzinfo=None)


def _backend():
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[ACCOUNT][REGION]


def _jobs(kind: Kind) -> dict:
    b = _backend()
    return {Kind.TRAINING_JOB: b.training_jobs, Kind.PROCESSING_JOB: b.processing_jobs,
            Kind.TRANSFORM_JOB: b.transform_jobs}[kind]


def _backdate(kind: Kind, name: str, created: datetime) -> None:
    job = _jobs(kind)[name]
    job.creation_time = _naive(created)


def _create_http(sm, kind: Kind, name: str, model: str) -> None:
    if kind is Kind.TRAINING_JOB:
        sm.create_training_job(
            TrainingJobName=name, RoleArn=ROLE,
            AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
            OutputDataConfig={"S3OutputPath": "s3://b/out"},
            ResourceConfig={"InstanceType": "ml.p4d.24xlarge", "InstanceCount": 2, "VolumeSizeInGB": 100},
            StoppingCondition={"MaxRuntimeInSeconds": 28 * 86400})
    elif kind is Kind.PROCESSING_JOB:
        sm.create_processing_job(
            ProcessingJobName=name, RoleArn=ROLE, AppSpecification={"ImageUri": "img"},
            ProcessingResources={"ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge",
                                                   "VolumeSizeInGB": 30}},
            StoppingCondition={"MaxRuntimeInSeconds": 7 * 86400})
    else:
        sm.create_transform_job(
            TransformJobName=name, ModelName=model,
            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
            TransformOutput={"S3OutputPath": "s3://b/out"},
            TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2})


def _create_in_backend(kind: Kind, name: str, model: str) -> None:
    """A job straight in moto's backend: what CreateXJob does, without the HTTP round trip."""
    b = _backend()
    if kind is Kind.TRAINING_JOB:
        b.create_training_job(
            training_job_name=name, hyper_parameters={}, role_arn=ROLE, input_data_config=[],
            algorithm_specification={"TrainingImage": "img", "TrainingInputMode": "File"},
            output_data_config={"S3OutputPath": "s3://b/out"},
            resource_config={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
            vpc_config=None, stopping_condition={"MaxRuntimeInSeconds": 3600}, tags=[],
            enable_network_isolation=False, enable_inter_container_traffic_encryption=False,
            enable_managed_spot_training=False, checkpoint_config=None, debug_hook_config=None,
            debug_rule_configurations=None, tensor_board_output_config=None, experiment_config=None)
    elif kind is Kind.PROCESSING_JOB:
        b.create_processing_job(
            app_specification={"ImageUri": "img"}, experiment_config=None, network_config=None,
            processing_inputs=[], processing_job_name=name, processing_output_config=None, role_arn=ROLE,
            tags=[], stopping_condition={"MaxRuntimeInSeconds": 3600})
    else:
        b.create_transform_job(
            transform_job_name=name, model_name=model, max_concurrent_transforms=None, model_client_config=None,
            max_payload_in_mb=None, batch_strategy=None, environment=None,
            transform_input={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
            transform_output={"S3OutputPath": "s3://b/out"}, data_capture_config=None,
            transform_resources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}, data_processing=None,
            tags=None, experiment_config=None)


def _set_status(kind: Kind, name: str, status: str, *, created: datetime, ended: datetime | None = None) -> None:
    from tui.demo.moto_ext import set_job_status

    set_job_status(KINDS[kind][0], name, status, region=REGION, start_time=created + timedelta(minutes=2),
                   end_time=ended, secondary_status="Training" if kind is Kind.TRAINING_JOB and ended is None else None,
                   failure_reason="AlgorithmError: exit 1" if status == "Failed" else None)
    job = _jobs(kind)[name]
    job.creation_time = _naive(created)
    if ended is not None:
        job.last_modified_time = _naive(ended)


@pytest.fixture(scope="module")
def account(moto_url):
    """The account: its job names by kind ("old", "running", "deep" = the 20/3-day-old running job)."""
    session = boto3.Session(region_name=REGION, **CREDS)
    sm = session.client("sagemaker", endpoint_url=moto_url)
    uid = uuid.uuid4().hex[:8]
    model = f"m-{uid}"
    sm.create_model(ModelName=model, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    now = datetime.now(timezone.utc)
    statuses = ("Completed", "Completed", "Failed", "Stopped")
    out: dict = {"uid": uid, "timings": {}}
    started = time.perf_counter()
    for kind in KINDS:
        old = [f"old-{uid}-{kind.value}-{i:04d}" for i in range(OLD_JOBS)]
        for i, name in enumerate(old):  # the oldest first, as they were created
            created = now - HISTORY + HISTORY * i / OLD_JOBS
            _create_in_backend(kind, name, model)
            _set_status(kind, name, statuses[i % 4], created=created, ended=created + timedelta(hours=1))
        deep_age = timedelta(days=20) if kind is Kind.TRAINING_JOB else timedelta(days=3)
        deep, fresh = f"run-{uid}-{kind.value}-deep", f"run-{uid}-{kind.value}-fresh"
        for name, age in ((deep, deep_age), (fresh, timedelta(hours=1))):
            _create_http(sm, kind, name, model)
            _set_status(kind, name, "InProgress", created=now - age)
        out[kind] = {"old": old, "running": {deep, fresh}, "deep": deep,
                     "recent": {n for i, n in enumerate(old)
                                if now - HISTORY + HISTORY * i / OLD_JOBS > now - d.DEFAULT_LOOKBACK}}
    out["timings"]["create_s"] = time.perf_counter() - started
    out["writer"] = sm
    out["model"] = model
    out["now"] = now
    return out


def _aws_list(method: str, key: str, name_key: str, status_key: str):
    """A List*Jobs handler paging as AWS documents it: filter by name and time, sort, cut the page
    (MaxResults, default 10), then keep the page's jobs of StatusEquals."""
    def handler(self):
        from moto.core.responses import ActionResult
        from moto.sagemaker.exceptions import AWSValidationException

        p = self._get_param
        size = self._get_int_param("MaxResults") or 10
        if not 1 <= size <= 100:
            raise AWSValidationException(f"Value '{size}' at 'maxResults' failed to satisfy constraint: "
                                         "Member must have value less than or equal to 100")
        everything = getattr(self.sagemaker_backend, method)(
            next_token=None, max_results=None, creation_time_after=p("CreationTimeAfter"),
            creation_time_before=p("CreationTimeBefore"), last_modified_time_after=p("LastModifiedTimeAfter"),
            last_modified_time_before=p("LastModifiedTimeBefore"), name_contains=p("NameContains"),
            status_equals=None)[key]
        field = {"CreationTime": "CreationTime", "Name": name_key, "Status": status_key}[p("SortBy") or "CreationTime"]
        everything.sort(key=lambda s: (s[field], s[name_key]), reverse=p("SortOrder") == "Descending")
        start = int(p("NextToken") or 0)
        page = everything[start:start + size]
        token = str(start + size) if start + size < len(everything) else None
        if p("StatusEquals"):
            page = [s for s in page if s[status_key] == p("StatusEquals")]
        return ActionResult({key: page, "NextToken": token})

    return handler


@pytest.fixture
def aws_paging(monkeypatch):
    from moto.sagemaker.responses import SageMakerResponse

    for _, op, key, name_key, status_key, _ in KINDS.values():
        method = {"ListTrainingJobs": "list_training_jobs", "ListProcessingJobs": "list_processing_jobs",
                  "ListTransformJobs": "list_transform_jobs"}[op]
        monkeypatch.setattr(SageMakerResponse, method, _aws_list(method, key, name_key, status_key))


@pytest.fixture(scope="module")
def clients(moto_url):
    return AwsClients(AwsSettings(regions=(REGION,), endpoint_url=moto_url, credentials=CREDS))


class Calls:
    """Every SageMaker request of a client, by operation, with the job named in it."""

    def __init__(self, client) -> None:
        self.client = client
        self.ops: collections.Counter = collections.Counter()
        self.described: collections.Counter = collections.Counter()
        self.listed: list[dict] = []
        self._id = uuid.uuid4().hex

    def __enter__(self) -> Calls:
        self.client.meta.events.register("before-call.sagemaker.*", self._call, unique_id=f"calls-{self._id}")
        self.client.meta.events.register("before-parameter-build.sagemaker.*", self._params,
                                         unique_id=f"params-{self._id}")
        return self

    def __exit__(self, *exc) -> None:
        self.client.meta.events.unregister("before-call.sagemaker.*", unique_id=f"calls-{self._id}")
        self.client.meta.events.unregister("before-parameter-build.sagemaker.*", unique_id=f"params-{self._id}")

    def _call(self, model, **kwargs) -> None:
        self.ops[model.name] += 1

    def _params(self, params, model, **kwargs) -> None:
        if model.name in DESCRIBE_OPS:
            self.described[next(v for k, v in params.items() if k.endswith("JobName"))] += 1
        elif model.name in LIST_OPS:
            self.listed.append({"op": model.name, **{k: v for k, v in params.items() if k != "NextToken"}})

    def lists(self) -> dict[str, int]:
        return {op: self.ops[op] for op in sorted(LIST_OPS)}


def _mine(inv, uid: str) -> dict[Kind, dict[str, str]]:
    """{kind: {name: status}} of the account's own jobs (not those the other tests add)."""
    return {kind: {j.name: j.status for j in inv.jobs_of(kind) if j.name.startswith((f"old-{uid}-", f"run-{uid}-"))}
            for kind in KINDS}


def test_aws_paging_cuts_then_filters(account, aws_paging, clients):
    """The simulated AWS pages as AWS's documentation says (what the other tests count against)."""
    sm = clients.sagemaker(REGION)
    first = sm.list_training_jobs(SortBy="CreationTime", SortOrder="Descending")
    assert len(first["TrainingJobSummaries"]) == 10 and first["NextToken"]  # 10 a page by default
    times = [s["CreationTime"] for s in first["TrainingJobSummaries"]]
    assert times == sorted(times, reverse=True)
    # StatusEquals keeps the InProgress jobs among the newest 100, and the history goes on
    running = sm.list_training_jobs(SortBy="CreationTime", SortOrder="Descending", StatusEquals="InProgress",
                                    MaxResults=100)
    assert running["NextToken"] and 1 <= len(running["TrainingJobSummaries"]) < 100
    assert f"run-{account['uid']}-training-job-fresh" in {s["TrainingJobName"] for s in running["TrainingJobSummaries"]}
    assert {s["TrainingJobStatus"] for s in running["TrainingJobSummaries"]} == {"InProgress"}
    # a time bound selects what is paged
    window = sm.list_training_jobs(CreationTimeAfter=account["now"] - timedelta(days=1), MaxResults=100)
    assert not window.get("NextToken") and len(window["TrainingJobSummaries"]) < 100


def test_first_and_second_discovery_are_bounded(account, aws_paging, clients):
    uid, cache = account["uid"], d.DescribeCache()
    sm = clients.sagemaker(REGION)
    usage = Usage()
    with Calls(sm) as first:
        inv = d.discover(clients, kinds={"jobs"}, cache=cache, usage=usage)
    print(f"\nfirst discovery: {dict(first.ops)}")
    assert inv.errors == []
    found = _mine(inv, uid)
    for kind, names in ((k, account[k]) for k in KINDS):
        # both running jobs, the 20-day-old training job (3-day-old processing/transform job) included
        assert {n for n, s in found[kind].items() if s == "InProgress"} == names["running"], kind
        # and the finished jobs created within the lookback, nothing older
        assert set(found[kind]) == names["running"] | names["recent"], kind
    # 3,000 jobs of each kind, ~115 of them in the last 28 days: 2 pages of training jobs, 1 of the others
    for op, n in first.lists().items():
        assert 1 <= n <= LIST_BOUND, (op, n)
    assert all(q.get("MaxResults") == 100 and "CreationTimeAfter" in q and "StatusEquals" not in q
               for q in first.listed)
    assert {op: usage.by_operation[op] for op in LIST_OPS} == first.lists()  # the app counts what it sends
    # every job described once at most: the running ones and the recent finished ones
    assert max(first.described.values()) == 1
    assert set(first.described) >= {n for k in KINDS for n in account[k]["running"]}
    assert set(first.described) <= {n for k in KINDS for n in account[k]["running"] | account[k]["recent"]}

    with Calls(sm) as second:
        again = d.discover(clients, kinds={"jobs"}, cache=cache)
    print(f"second discovery: {dict(second.ops)}")
    assert again.errors == []
    assert _mine(again, uid) == found
    # only the jobs created since the first discovery are listed: one page a kind
    for op, n in second.lists().items():
        assert n <= first.lists()[op] and n == 1, (op, n)
    assert all(q.get("MaxResults") == 100 and q["CreationTimeAfter"] >= account["now"] - timedelta(hours=1)
               for q in second.listed)
    running = {j.name for j in again.jobs if j.running}
    assert set(second.described) <= running, "a finished job was described again"
    assert {n for k in KINDS for n in account[k]["running"]} <= set(second.described)


def test_running_job_past_every_bound_is_described_directly(account, aws_paging, clients):
    """A training job seen running 39 days ago (when it was a day old) is still followed today,
    though no time-bounded listing reaches it any more; a fresh start does not find it."""
    sm, uid = clients.sagemaker(REGION), account["uid"]
    now = datetime.now(timezone.utc)
    name = f"long-{uid}"
    _create_http(account["writer"], Kind.TRAINING_JOB, name, account["model"])
    _set_status(Kind.TRAINING_JOB, name, "InProgress", created=now - timedelta(days=40))
    cache = d.DescribeCache()
    then = d.list_training_jobs(sm, now=now - timedelta(days=39), cache=cache)
    assert {j.name: j.status for j in then if j.name == name} == {name: "InProgress"}

    with Calls(sm) as calls:
        jobs = d.list_training_jobs(sm, now=now, cache=cache)
    assert {j.name: j.status for j in jobs if j.name == name} == {name: "InProgress"}
    assert calls.described[name] == 1
    # no listing reaches back to it: it is described because it was seen running
    assert calls.listed and all(q["CreationTimeAfter"] > now - timedelta(days=29) for q in calls.listed)
    assert calls.ops["ListTrainingJobs"] <= LIST_BOUND

    assert name not in {j.name for j in d.list_training_jobs(sm, now=now, cache=d.DescribeCache())}

    # once it has ended it is described once more (it ended) and then no more
    _set_status(Kind.TRAINING_JOB, name, "Completed", created=now - timedelta(days=40), ended=now)
    jobs = d.list_training_jobs(sm, now=now + timedelta(seconds=1), cache=cache)
    assert {j.name: j.status for j in jobs if j.name == name} == {name: "Completed"}
    with Calls(sm) as calls:
        jobs = d.list_training_jobs(sm, now=now + timedelta(seconds=2), cache=cache)
    assert name not in {j.name for j in jobs} and name not in calls.described


def test_item_cap_never_hides_a_running_job(account, aws_paging, clients, monkeypatch):
    """With a cap far below the jobs listed, every running job is still found (the cap only
    shortens the walk through finished history, all of it with lookback=None)."""
    monkeypatch.setattr(d.jobs, "MAX_ITEMS", 20)  # the job listings read it in their own module
    sm, uid = clients.sagemaker(REGION), account["uid"]
    for lookback in (timedelta(days=60), None):
        with Calls(sm) as calls:
            jobs = d.list_training_jobs(sm, lookback=lookback, cache=d.DescribeCache(), describe_limit=0)
        running = {j.name for j in jobs if j.running and uid in j.name}
        assert account[Kind.TRAINING_JOB]["running"] <= running, lookback
        assert calls.ops["ListTrainingJobs"] <= LIST_BOUND, lookback


def test_summary_change_invalidates_a_kept_description(account, aws_paging, clients):
    """moto creates jobs "Completed" and the demo then sets them running: a description kept
    while the job looked finished is replaced once its listing says it changed."""
    sm, uid = clients.sagemaker(REGION), account["uid"]
    name = f"flip-{uid}"
    _create_http(account["writer"], Kind.PROCESSING_JOB, name, account["model"])
    cache = d.DescribeCache()
    first = {j.name: j.status for j in d.list_processing_jobs(sm, cache=cache)}
    assert first[name] == "Completed"
    now = datetime.now(timezone.utc)
    _set_status(Kind.PROCESSING_JOB, name, "InProgress", created=now - timedelta(minutes=1))
    with Calls(sm) as calls:
        jobs = {j.name: j.status for j in d.list_processing_jobs(sm, cache=cache)}
    assert jobs[name] == "InProgress" and calls.described[name] == 1
    with Calls(sm) as calls:
        jobs = {j.name: j.status for j in d.list_processing_jobs(sm, cache=cache)}
    assert calls.described[name] == 1  # running: described every refresh, and no finished job
    assert {n for n in calls.described} <= {n for n, status in jobs.items() if status == "InProgress"}
