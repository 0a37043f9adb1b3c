"""The demo fleet in its local AWS, checked with plain boto3 as any client would see it.

One demo is populated per module (it costs seconds) with a one-hour history, in a region of
its own; a second, smaller one runs the live loop at high speed. Pure checks of the simulator against the
metric catalog need no server.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timezone

import boto3
import pytest

from tui.demo import DemoAws, SimClock
from tui.demo.fleet import build_fleet
from tui.demo.metrics.jobs import TRAINING_JOB_DIMENSION
from tui.demo.metrics.simulator import Simulator
from tui.model.catalog import (CATALOG, GROUPS, NS_PROCESSING, NS_TRAINING, NS_TRANSFORM, VARIANT_GPU, Kind, find,
                               instance_metrics)

HISTORY_HOURS = 1.0


# -- fixtures ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    # A region of its own: the session's other fixtures discover whole regions of the same
    # process-wide local AWS, and must not see this fleet.
    d = DemoAws(seed=7, history_hours=HISTORY_HOURS, region="us-west-2")
    d.start()
    d.populate()
    yield d
    d.stop()


@pytest.fixture(scope="module")
def clients(demo):
    conn = demo.connection
    session = boto3.Session(**conn.credentials)
    made = {}

    def client(service):
        if service not in made:
            made[service] = session.client(service, endpoint_url=conn.endpoint_url)
        return made[service]
    return client


def _utc(t: float) -> datetime:
    return datetime.fromtimestamp(t, timezone.utc)


def gmd(cw, namespace, name, dims, stat, start, end, period=60):
    """(timestamps, values) ascending for one series."""
    r = cw.get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
            "Namespace": namespace, "MetricName": name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dims]}, "Period": period, "Stat": stat}}],
        StartTime=_utc(start), EndTime=_utc(end), ScanBy="TimestampAscending")["MetricDataResults"][0]
    return [t.timestamp() for t in r["Timestamps"]], r["Values"]


# -- pure: the simulator against the catalog ---------------------------------------------------------
@pytest.fixture(scope="module")
def simulated():
    f = build_fleet(1_764_061_200, seed=7)
    sim = Simulator(f)
    batches = [sim.minute(f.t0 - 60 * i) for i in range(1, 181)]
    batches += [sim.high_resolution(f.t0 - 10 * i) for i in range(1, 31)]
    return f, batches


def test_every_datum_matches_the_catalog(simulated):
    _, batches = simulated
    by_name = {}
    for m in CATALOG:
        by_name.setdefault(m.name, []).append(m)
    for b in batches:
        for ns, rows in b.data.items():
            for name, dims, sample, unit in rows:
                names = tuple(k for k, _ in dims)
                if ns == NS_TRAINING and names == (TRAINING_JOB_DIMENSION,):
                    continue  # the training job's own MetricDefinitions
                ok = [m for m in by_name.get(name, ()) if ns in m.namespaces
                      and (names in m.dimensions or names in m.enhanced_dimensions) and unit == m.unit.value]
                assert ok, f"{ns} {name} {names} {unit} is not in the catalog"


def test_every_catalog_group_is_simulated(simulated):
    _, batches = simulated
    seen = {(ns, name) for b in batches for ns, rows in b.data.items() for name, *_ in rows}
    groups = {m.group for m in CATALOG if any((ns, m.name) in seen for ns in m.namespaces)}
    assert groups == set(GROUPS)
    covered = {m.name for m in CATALOG if any((ns, m.name) in seen for ns in m.namespaces)}
    # Over three hours nearly every metric appears; the rest are rare events (labeling jobs failing).
    missing = {m.name for m in CATALOG} - covered
    assert missing <= {"JobsFailed"}, missing


def test_simulation_is_deterministic():
    f1, f2 = build_fleet(1_764_061_200, seed=7), build_fleet(1_764_061_200, seed=7)
    b1 = Simulator(f1).minute(f1.t0 - 600)
    b2 = Simulator(f2).minute(f2.t0 - 600)
    assert dict(b1.data) == dict(b2.data)
    b3 = Simulator(build_fleet(1_764_061_200, seed=8)).minute(f1.t0 - 600)
    assert dict(b3.data) != dict(b1.data)


def test_sim_clock_never_runs_ahead_for_timestamps():
    c = SimClock(1000.0, speed=60)
    assert c.sim(900) == 900 and c.sim(1000) == 1000
    assert c.sim(1001) == 1060
    assert c.real(c.sim(1234.5)) == pytest.approx(1234.5)
    assert c.real(500) == 500


# -- resources ------------------------------------------------------------------------------------
def test_start_is_fast_and_gives_a_boto3_connection():
    d = DemoAws()
    t = time.perf_counter()
    conn = d.start()
    elapsed = time.perf_counter() - t
    try:
        assert elapsed < 0.5
        assert conn.endpoint_url.startswith("http://127.0.0.1:")
        assert conn.region == "us-east-1"
        boto3.Session(**conn.credentials)  # accepted as is
    finally:
        d.stop()


def test_endpoints_of_every_kind(demo, clients):
    sm, f = clients("sagemaker"), demo.fleet
    names = {e["EndpointName"] for e in sm.list_endpoints(MaxResults=100)["Endpoints"]}
    assert {e.name for e in f.endpoints} <= names
    assert len(f.endpoints) >= 8

    split = sm.describe_endpoint(EndpointName=f.split_endpoint)
    weights = sorted(v["CurrentWeight"] for v in split["ProductionVariants"])
    assert weights == pytest.approx([0.2, 0.8])

    cfg = sm.describe_endpoint_config(
        EndpointConfigName=sm.describe_endpoint(EndpointName=f.serverless_endpoint)["EndpointConfigName"])
    assert cfg["ProductionVariants"][0]["ServerlessConfig"]["MemorySizeInMB"] == 4096

    mme = f.endpoint(f.multi_model_endpoint)
    model = sm.describe_model(ModelName=mme.variants[0].model_name)
    assert model["PrimaryContainer"]["Mode"] == "MultiModel"

    enh = sm.describe_endpoint_config(EndpointConfigName=f.endpoint(f.enhanced_endpoint).config_name)
    assert enh["MetricsConfig"]["EnableEnhancedMetrics"] is True
    assert enh["MetricsConfig"]["MetricPublishFrequencyInSeconds"] == 10

    ics = sm.list_inference_components(EndpointNameEquals=f.component_endpoint,
                                       MaxResults=50)["InferenceComponents"]
    assert {c["InferenceComponentName"] for c in ics} == {c.name for c in f.components}
    assert 2 <= len(ics) <= 3
    desc = sm.describe_inference_component(InferenceComponentName=f.components[0].name)
    assert desc["RuntimeConfig"]["CurrentCopyCount"] == f.components[0].copies


def test_jobs(demo, clients):
    sm, f = clients("sagemaker"), demo.fleet
    dist = sm.describe_training_job(TrainingJobName=f.distributed_job)
    assert dist["TrainingJobStatus"] == "InProgress"
    assert dist["ResourceConfig"]["InstanceType"] == "ml.p4d.24xlarge"
    assert dist["ResourceConfig"]["InstanceCount"] == 16
    assert {m["Name"] for m in dist["AlgorithmSpecification"]["MetricDefinitions"]} == {
        "train:loss", "validation:accuracy"}
    assert dist["TrainingStartTime"].timestamp() < f.t0 - 10 * 3600  # started long ago
    assert sm.describe_training_job(TrainingJobName=f.single_host_job)["TrainingJobStatus"] == "InProgress"
    failed = sm.describe_training_job(TrainingJobName=f.failed_job)
    assert failed["TrainingJobStatus"] == "Failed"
    assert "CUDA out of memory" in failed["FailureReason"]

    procs = {j["ProcessingJobName"]: j["ProcessingJobStatus"]
             for j in sm.list_processing_jobs(MaxResults=100)["ProcessingJobSummaries"]}
    assert procs[f.running_processing_job] == "InProgress"
    assert sum(1 for s in procs.values() if s == "Completed") >= 3
    transforms = {j["TransformJobName"]: j["TransformJobStatus"]
                  for j in sm.list_transform_jobs(MaxResults=100)["TransformJobSummaries"]}
    assert transforms[f.running_transform_job] == "InProgress"
    assert sum(1 for s in transforms.values() if s == "Completed") >= 2


def test_description_names_what_the_local_aws_holds(demo, clients, tmp_path):
    """``--demo-describe``: the JSON names the story's parts, and each name exists in the local AWS."""
    import json

    from tui.demo.description import write_description

    path = tmp_path / "fleet.json"
    write_description(str(path), demo.description())
    d = json.loads(path.read_text(encoding="utf-8"))
    f, sm = demo.fleet, clients("sagemaker")
    assert d["t0"] == f.t0 and d["region"] == demo.region
    assert d["story"]["distributed_job"] == f.distributed_job and d["story"]["hot_gpu"] == list(f.hot_gpu)
    listed = {j["TrainingJobName"] for j in sm.list_training_jobs(MaxResults=100)["TrainingJobSummaries"]}
    assert set(d["jobs"]["training"]) <= listed and d["story"]["failed_job"] in listed
    endpoints = {e["EndpointName"] for e in sm.list_endpoints(MaxResults=100)["Endpoints"]}
    assert set(d["endpoints"]) <= endpoints and d["story"]["split_endpoint"] in endpoints
    assert not list(tmp_path.glob("*.tmp"))  # written atomically


#: Scenario start times spread over one day and across midnight, as offsets from a day's start.
_HOURS_OF_DAY = (0.0, 0.02, 3.5, 11.99, 12.0, 23.0, 23.97, 23.999)


@pytest.mark.parametrize("hour", _HOURS_OF_DAY)
def test_the_story_holds_at_any_hour(hour):
    """Whatever time the demo starts, each part of its story plays its role at ``t0``."""
    today = time.time() // 86400 * 86400
    f = build_fleet(today + hour * 3600, seed=7)
    t0 = f.t0
    assert f.job(f.distributed_job).status_at(t0) == "InProgress"
    assert f.job(f.single_host_job).status_at(t0) == "InProgress"
    assert f.job(f.running_processing_job).status_at(t0) == "InProgress"
    assert f.job(f.running_transform_job).status_at(t0) == "InProgress"
    assert f.job(f.failed_job).status_at(t0) == "Failed"
    assert sum(1 for j in f.jobs if j.status_at(t0) == "Completed") >= 5
    assert len({j.name for j in f.jobs}) == len(f.jobs)  # dated names never collide
    assert f.failed_execution.failed_step.name == f.failed_step
    last = {p.name: p.executions[-1] for p in f.pipelines}
    assert last[f.stopped_pipeline].status_at(t0) == "Stopped"
    assert last[f.executing_pipeline].status_at(t0) == "Executing"
    assert all(len(p.executions) >= 2 for p in f.pipelines)
    labeling = {j.name: j for j in f.labeling_jobs}
    assert labeling[f.labeling_job].status_at(t0) == "InProgress"
    assert next(r for r in f.recommendation_jobs if r.name == f.recommendation_job).status_at(t0) == "IN_PROGRESS"
    # every recurring schedule starts its next occurrence after t0, within its period
    assert all(t0 < r.next_start <= t0 + r.period for r in f.recurring), [(r.prefix, r.next_start - t0) for r in f.recurring]


def test_processing_job_hosts_are_discovered_as_published(demo, clients):
    from tui.aws import discovery

    sm, cw, f = clients("sagemaker"), clients("cloudwatch"), demo.fleet
    spec = f.job(f.running_processing_job)
    d = sm.describe_processing_job(ProcessingJobName=spec.name)
    assert d["ProcessingResources"]["ClusterConfig"] == {
        "InstanceCount": spec.instance_count, "InstanceType": spec.instance_type, "VolumeSizeInGB": 100}
    job = next(j for j in discovery.list_processing_jobs(sm, lookback=None, workers=1) if j.name == spec.name)
    assert (job.instance_count, job.instance_type) == (2, "ml.m5.4xlarge")
    pages = cw.get_paginator("list_metrics").paginate(Namespace=NS_PROCESSING, MetricName="CPUUtilization")
    published = {dim["Value"] for page in pages for m in page["Metrics"] for dim in m["Dimensions"]
                 if dim["Value"].startswith(spec.name + "/")}
    assert job.hosts == spec.hosts == sorted(published) == [f"{spec.name}/algo-1", f"{spec.name}/algo-2"]


def test_transform_hosts_are_instance_ids(demo, clients):
    cw, f = clients("cloudwatch"), demo.fleet
    md = find("CPUUtilization", namespace=NS_TRANSFORM)
    hosts = set()
    for page in cw.get_paginator("list_metrics").paginate(Namespace=md.namespace_for(Kind.TRANSFORM_JOB),
                                                          MetricName=md.name):
        for m in page["Metrics"]:
            hosts |= {d["Value"] for d in m["Dimensions"] if d["Name"] == "Host"}
    running = [h for h in hosts if h.startswith(f.running_transform_job + "/")]
    assert len(running) == 2
    assert all(h.split("/", 1)[1].startswith("i-0") and len(h.split("/", 1)[1]) == 19 for h in running)


def test_pipelines_executions_and_steps(demo, clients):
    sm, f = clients("sagemaker"), demo.fleet
    names = {p["PipelineName"] for p in sm.list_pipelines(MaxResults=50)["PipelineSummaries"]}
    assert {p.name for p in f.pipelines} <= names and len(f.pipelines) >= 3
    ex = sm.list_pipeline_executions(PipelineName=f.failed_pipeline, MaxResults=50)["PipelineExecutionSummaries"]
    assert len(ex) >= 4
    starts = [e["StartTime"].timestamp() for e in ex]
    assert min(starts) < f.t0 - 12 * 3600  # executions over the last day
    failed = [e for e in ex if e["PipelineExecutionStatus"] == "Failed"]
    assert len(failed) == 1
    steps = sm.list_pipeline_execution_steps(PipelineExecutionArn=failed[0]["PipelineExecutionArn"])[
        "PipelineExecutionSteps"]
    bad = [s for s in steps if s["StepStatus"] == "Failed"]
    assert [s["StepName"] for s in bad] == [f.failed_step]
    assert bad[0]["FailureReason"] == f.failed_step_reason
    running = sm.list_pipeline_executions(PipelineName=f.executing_pipeline)["PipelineExecutionSummaries"]
    assert any(e["PipelineExecutionStatus"] == "Executing" for e in running)
    stopped = sm.list_pipeline_executions(PipelineName=f.stopped_pipeline)["PipelineExecutionSummaries"]
    assert any(e["PipelineExecutionStatus"] == "Stopped" for e in stopped)


def test_labeling_feature_groups_recommender_alarms(demo, clients):
    sm, cw, f = clients("sagemaker"), clients("cloudwatch"), demo.fleet
    jobs = {j["LabelingJobName"]: j for j in sm.list_labeling_jobs(MaxResults=50)["LabelingJobSummaryList"]}
    assert jobs[f.labeling_job]["LabelingJobStatus"] == "InProgress"
    lj = sm.describe_labeling_job(LabelingJobName=f.labeling_job)
    assert lj["HumanTaskConfig"]["WorkteamArn"].endswith("/" + f.workteam)
    assert lj["LabelCounters"]["TotalLabeled"] > 0
    fgs = {g["FeatureGroupName"] for g in sm.list_feature_groups(MaxResults=50)["FeatureGroupSummaries"]}
    assert {g.name for g in f.feature_groups} <= fgs and len(f.feature_groups) == 2
    recs = sm.list_inference_recommendations_jobs(MaxResults=50)["InferenceRecommendationsJobs"]
    assert f.recommendation_job in {r["JobName"] for r in recs}
    alarms = {a["AlarmName"]: a for a in cw.describe_alarms(MaxRecords=100)["MetricAlarms"]}
    assert {a.name for a in f.alarms} <= set(alarms)
    assert alarms[f.alarm_in_alarm]["StateValue"] == "ALARM"
    assert alarms[f.alarm_in_alarm]["Dimensions"]


def test_training_log_streams_per_host(demo, clients):
    logs, f = clients("logs"), demo.fleet
    job = f.job(f.distributed_job)
    streams = []
    for page in logs.get_paginator("describe_log_streams").paginate(
            logGroupName="/aws/sagemaker/TrainingJobs", logStreamNamePrefix=job.name + "/"):
        streams += [s["logStreamName"] for s in page["logStreams"]]
    assert sorted(streams) == sorted(f"{h}-{int(job.start)}" for h in job.hosts)
    lag = f"{f.lagging_host}-{int(job.start)}"
    text = "\n".join(e["message"] for e in logs.get_log_events(
        logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=lag, startFromHead=True)["events"])
    assert "NCCL INFO" in text and "NCCL WARN" in text and "train_loss=" in text
    failed = f.job(f.failed_job)
    text = "\n".join(e["message"] for e in logs.get_log_events(
        logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=failed.log_streams[0],
        startFromHead=True)["events"])
    assert "Traceback (most recent call last):" in text and "OutOfMemoryError" in text
    groups = {g["logGroupName"] for g in logs.describe_log_groups(
        logGroupNamePrefix="/aws/sagemaker/Endpoints/")["logGroups"]}
    assert f"/aws/sagemaker/Endpoints/{f.split_endpoint}" in groups


# -- metrics ---------------------------------------------------------------------------------------
def _series_for(demo, md):
    """Series the demo put for catalog metric ``md`` with its catalog namespace and dimensions."""
    out = []
    for ns, name, dims in demo.record.keys():
        if name != md.name or ns not in md.namespaces:
            continue
        names = {k for k, _ in dims}
        if any(set(d) == names for d in md.dimensions):
            out.append((ns, name, dims))
    return out


def test_every_catalog_group_has_data(demo, clients):
    cw, f = clients("cloudwatch"), demo.fleet
    start, end = f.t0 - HISTORY_HOURS * 3600, f.t0 + 60
    for group in GROUPS:
        found = False
        for md in (m for m in CATALOG if m.group == group):
            for ns, name, dims in _series_for(demo, md):
                # dimension order as the catalog lists it, as the app asks
                order = next(d for d in md.dimensions if set(d) == {k for k, _ in dims})
                ordered = [(k, dict(dims)[k]) for k in order]
                ts, vals = gmd(cw, ns, name, ordered, md.primary_stat, start, end)
                if vals:
                    found = True
                    break
            if found:
                break
        assert found, f"no data for group {group!r}"


def test_get_metric_data_matches_what_was_put(demo, clients):
    cw, f = clients("cloudwatch"), demo.fleet
    ns = find("Invocations", namespace="AWS/SageMaker").namespace_for(Kind.ENDPOINT)
    dims = [("EndpointName", f.split_endpoint), ("VariantName", "champion-xgb-v12")]
    start = f.t0 - 20 * 60
    for name, stat in (("Invocations", "Sum"), ("Invocation5XXErrors", "Average"),
                       ("ModelLatency", "SampleCount"), ("ModelLatency", "Maximum"), ("ModelLatency", "p50"),
                       ("ModelLatency", "p99")):
        ts, vals = gmd(cw, ns, name, dims, stat, start, f.t0)
        assert len(ts) == 20
        for t, val in zip(ts, vals):
            assert val == pytest.approx(demo.expected_value(ns, name, dims, stat, t)), (name, stat, t)


def test_p99_latency_is_a_tail(demo, clients):
    cw, f = clients("cloudwatch"), demo.fleet
    md = find("ModelLatency", namespace="AWS/SageMaker")
    dims = [("EndpointName", f.split_endpoint), ("VariantName", "champion-xgb-v12")]
    _, p50 = gmd(cw, md.namespace_for(Kind.ENDPOINT), md.name, dims, "p50", f.t0 - 1800, f.t0, 300)
    _, p99 = gmd(cw, md.namespace_for(Kind.ENDPOINT), md.name, dims, "p99", f.t0 - 1800, f.t0, 300)
    assert p50 and len(p50) == len(p99)
    assert all(b > 1.3 * a for a, b in zip(p50, p99))
    assert all(3_000 < a < 60_000 for a in p50)  # microseconds: a ~9 ms model


def test_lagging_host_gpu_is_far_below_its_peers(demo, clients):
    cw, f = clients("cloudwatch"), demo.fleet
    md = find("GPUUtilization", namespace=NS_TRAINING)
    avg = {}
    for host in f.job(f.distributed_job).hosts:
        _, vals = gmd(cw, md.namespace_for(Kind.TRAINING_JOB), md.name, [("Host", host)], "Average",
                      f.t0 - 900, f.t0, 900)
        avg[host] = vals[0]
    peers = statistics.median(v for h, v in avg.items() if h != f.lagging_host)
    assert avg[f.lagging_host] < 0.4 * peers
    assert min(v for h, v in avg.items() if h != f.lagging_host) > 0.8 * peers
    assert peers / 8 > 85  # eight GPUs per host, ~92 % each


def test_disk_full_host(demo, clients):
    cw, f = clients("cloudwatch"), demo.fleet
    md = find("DiskUtilization", namespace=NS_TRAINING)
    _, vals = gmd(cw, md.namespace_for(Kind.TRAINING_JOB), md.name, [("Host", f.disk_full_host)], "Maximum",
                  f.t0 - 300, f.t0)
    assert vals and max(vals) >= 90
    other = next(h for h in f.job(f.distributed_job).hosts if h != f.disk_full_host)
    _, vals = gmd(cw, md.namespace_for(Kind.TRAINING_JOB), md.name, [("Host", other)], "Maximum",
                  f.t0 - 300, f.t0)
    assert max(vals) < 60


def test_enhanced_endpoint_has_a_hot_gpu_at_ten_seconds(demo, clients):
    cw, f = clients("cloudwatch"), demo.fleet
    ep = f.endpoint(f.enhanced_endpoint)
    md = find("GPUUtilization", namespace=instance_metrics(Kind.ENDPOINT)[0].namespace_for(Kind.ENDPOINT))
    assert VARIANT_GPU in md.enhanced_dimensions
    hot_iid, hot_gpu = f.hot_gpu
    per_gpu = {}
    for iid in ep.variants[0].instance_ids:
        for g in range(4):
            dims = [("EndpointName", ep.name), ("VariantName", "AllTraffic"), ("InstanceId", iid),
                    ("AcceleratorId", f"GPU{g}")]
            ts, vals = gmd(cw, md.namespace_for(Kind.ENDPOINT), md.name, dims, "Average", f.t0 - 300, f.t0, 10)
            assert len(ts) >= 20 and min(b - a for a, b in zip(ts, ts[1:])) == 10
            per_gpu[(iid, f"GPU{g}")] = statistics.mean(vals)
    hot = per_gpu.pop((hot_iid, hot_gpu))
    assert hot > 95 and max(per_gpu.values()) < 85


def test_training_algorithm_metrics(demo, clients):
    cw, f = clients("cloudwatch"), demo.fleet
    job = f.job(f.distributed_job)
    dims = [(TRAINING_JOB_DIMENSION, job.name)]
    _, loss = gmd(cw, NS_TRAINING, "train:loss", dims, "Average", f.t0 - HISTORY_HOURS * 3600, f.t0)
    assert len(loss) >= 50
    assert all(0 < x < 3 for x in loss)
    _, acc = gmd(cw, NS_TRAINING, "validation:accuracy", dims, "Average", f.t0 - HISTORY_HOURS * 3600, f.t0)
    assert acc and all(0 < x < 1 for x in acc)


def test_populate_numbers_are_reported(demo):
    s = demo.stats()
    assert s["phase"] == "ready" and demo.ready.is_set()
    assert s["put_metric_data"]["errors"] == 0 and s["put_metric_data"]["datums"] > 10_000
    assert s["logs"]["errors"] == 0
    assert s["start_ms"] < 500


# -- live -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def live_demo():
    d = DemoAws(speed=600, seed=11, history_hours=0.05, region="eu-west-1")
    d.start()
    d.populate()
    yield d
    d.stop()


def test_live_scenario_moves_on(live_demo):
    d = live_demo
    f = d.fleet
    sm = d.client("sagemaker")
    assert sm.describe_training_job(TrainingJobName=f.single_host_job)["TrainingJobStatus"] == "InProgress"
    n_exec = sum(len(p.executions) for p in f.pipelines)
    d.start_live()
    deadline = time.time() + 20
    # at speed 600 the single-host job (40 scenario minutes left) ends within ~4 s
    while time.time() < deadline:
        if sm.describe_training_job(TrainingJobName=f.single_host_job)["TrainingJobStatus"] == "Completed":
            break
        time.sleep(0.5)
    assert sm.describe_training_job(TrainingJobName=f.single_host_job)["TrainingJobStatus"] == "Completed"
    job = sm.describe_training_job(TrainingJobName=f.single_host_job)
    assert job["TrainingEndTime"].timestamp() <= time.time() + 1  # AWS never reports the future
    assert d.error is None, d.error
    # new scheduled work appears: an hourly data check is at most 60 scenario minutes (6 s) away
    deadline = time.time() + 15
    while time.time() < deadline and not any(j.created_live for j in f.jobs):
        time.sleep(0.5)
    live_jobs = [j.name for j in f.jobs if j.created_live]
    assert live_jobs
    assert live_jobs[0] in {j["ProcessingJobName"] for j in sm.list_processing_jobs(MaxResults=100)[
        "ProcessingJobSummaries"]} | {j["TrainingJobName"] for j in sm.list_training_jobs(MaxResults=100)[
        "TrainingJobSummaries"]} | {j["TransformJobName"] for j in sm.list_transform_jobs(MaxResults=100)[
        "TransformJobSummaries"]}
    assert sum(len(p.executions) for p in f.pipelines) >= n_exec
    # no datapoint was ever put with a future timestamp
    now = time.time()
    assert all(t <= now for pts in d.record.series.values() for t, _ in pts)
    deadline = time.time() + 10
    while time.time() < deadline:
        rec = sm.describe_inference_recommendations_job(JobName=f.recommendation_job)
        if rec["Status"] == "COMPLETED":
            break
        time.sleep(0.5)
    assert rec["Status"] == "COMPLETED"
    assert len(rec.get("InferenceRecommendations", [])) == 3
    time.sleep(2)
    s = d.stats()["live"]
    assert s["ticks"] >= 3
    # the live loop is cheap: well under 10 % of one core while ticking every second
    assert s["cpu_seconds"] / max(s["ticks"], 1) < 0.1
