"""The metric plan: which series each pane asks for, straight from the catalog."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tui.model import catalog as cat
from tui.model.catalog import Kind
from tui.model.plan import (FeatureKeys, PipelineKeys, endpoint_components, is_extended_stat, job_is_recent, job_keys,
                            pane_keys, resource_keys, variant_keys)
from tui.model.kinds import PANE_KINDS, Pane, pane_named
from tui.model.resources import (Endpoint, FeatureGroup, InferenceComponent, Inventory, Job, LabelingJob, Pipeline,
                                 RecommendationJob, Variant, default_hosts)
from tui.model.series import SeriesKey

#: The clock these pure planning functions are given: now, whatever the day and hour.
NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)
R = "us-east-1"


def _job(name, status="InProgress", hosts=2, itype="ml.p4d.24xlarge", kind=Kind.TRAINING_JOB, ended=None):
    return Job(kind, name, status, R, instance_type=itype, instance_count=hosts,
               creation_time=NOW - timedelta(hours=5), start_time=NOW - timedelta(hours=4), end_time=ended,
               hosts=default_hosts(kind, name, hosts))


def test_pane_names_and_aliases():
    for pane in Pane:
        assert pane_named(pane.value) is pane
        assert pane_named(":" + pane.value.upper()) is pane
    assert pane_named("pip") is Pane.PIPELINES
    assert pane_named("fg") is Pane.FEATURES
    assert pane_named("rec") is Pane.RECOMMENDATIONS
    assert pane_named("") is None
    assert pane_named("nonsense") is None
    assert set(PANE_KINDS[Pane.JOBS]) == {Kind.TRAINING_JOB, Kind.PROCESSING_JOB, Kind.TRANSFORM_JOB}


def test_extended_stats():
    assert is_extended_stat("p99") and is_extended_stat("p50") and is_extended_stat("tm90")
    assert not any(is_extended_stat(s) for s in ("Sum", "Average", "Maximum", "SampleCount", "Percentiles"))


def test_endpoint_keys_follow_the_catalog():
    ep = Endpoint("fraud", "InService", R, variants=[Variant("AllTraffic", "ml.g5.xlarge", 2)])
    keys = pane_keys(Pane.ENDPOINTS, Inventory(endpoints=[ep]), NOW, 3600)
    assert len(keys) == 10
    by = {(k.metric, k.stat, k.namespace) for k in keys}
    assert ("Invocations", "Sum", cat.NS_SAGEMAKER) in by
    assert ("ModelLatency", "p99", cat.NS_SAGEMAKER) in by
    assert ("CPUUtilization", "Average", cat.NS_ENDPOINTS) in by
    for k in keys:
        assert k.dimensions == (("EndpointName", "fraud"), ("VariantName", "AllTraffic"))
        assert k.region == R
        m = cat.find(k.metric, namespace=k.namespace)
        assert k.stat in m.stats


def test_serverless_and_multi_model_add_their_own_series():
    sl = Endpoint("sl", "InService", R, variants=[Variant("v", serverless_memory_mb=2048)])
    mme = Endpoint("mme", "InService", R, variants=[Variant("v", "ml.c5.xlarge", 1)], multi_model=True)
    metrics_sl = {k.metric for ek in variant_keys(sl) for k in ek.all()}
    metrics_mme = {k.metric for ek in variant_keys(mme) for k in ek.all()}
    assert "ModelSetupTime" in metrics_sl and "CPUUtilization" not in metrics_sl
    assert {"ModelCacheHit", "LoadedModelCount"} <= metrics_mme


def test_two_variants_double_the_series():
    ep = Endpoint("ab", "InService", R, variants=[Variant("a", "ml.c5.xlarge", 1), Variant("b", "ml.c5.xlarge", 1)])
    # 9 each: a CPU instance type publishes no GPUUtilization, so none is requested (it was billed
    # and drawn as "–")
    keys = pane_keys(Pane.ENDPOINTS, Inventory(endpoints=[ep]), NOW, 3600)
    assert len(keys) == 18 and not any(k.metric == "GPUUtilization" for k in keys)
    gpu = Endpoint("g", "InService", R, variants=[Variant("a", "ml.g5.xlarge", 1), Variant("b", "ml.c5.xlarge", 1)])
    assert [dict(k.dimensions)["VariantName"] for k in pane_keys(Pane.ENDPOINTS, Inventory(endpoints=[gpu]), NOW, 3600)
            if k.metric == "GPUUtilization"] == ["a"]


def test_component_based_endpoint_also_asks_for_its_components_traffic():
    ic_ep = Endpoint("shared", "InService", R, variants=[Variant("AllTraffic", "ml.g5.12xlarge", 2)],
                     component_based=True)
    plain = Endpoint("plain", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
    comps = [InferenceComponent("ic-a", "shared", "AllTraffic", "InService", R),
             InferenceComponent("ic-b", "shared", "AllTraffic", "InService", R),
             InferenceComponent("ic-west", "shared", "AllTraffic", "InService", "us-west-2"),
             InferenceComponent("ic-p", "plain", "AllTraffic", "InService", R)]
    keys = pane_keys(Pane.ENDPOINTS, Inventory(endpoints=[ic_ep, plain], components=comps), NOW, 3600)
    assert len(keys) == len(set(keys)) == 10 + 9 + 2 * 6  # "plain" is on a CPU type: no GPU series
    ic_keys = [k for k in keys if k.dim("InferenceComponentName")]
    assert {k.dim("InferenceComponentName") for k in ic_keys} == {"ic-a", "ic-b"}
    assert {(k.metric, k.stat) for k in ic_keys if k.dim("InferenceComponentName") == "ic-a"} == {
        ("Invocations", "Sum"), ("Invocation4XXErrors", "Sum"), ("Invocation5XXErrors", "Sum"),
        ("ModelLatency", "p50"), ("ModelLatency", "p99"), ("OverheadLatency", "Average")}
    for k in ic_keys:
        assert k.namespace == cat.NS_SAGEMAKER and k.dimensions == (("InferenceComponentName", k.dim(
            "InferenceComponentName")),) and k.region == R
        assert k.stat in cat.find(k.metric, namespace=k.namespace).stats
    # the components pane asks for each component's own series, as before
    assert len(pane_keys(Pane.COMPONENTS, Inventory(components=comps[:1]), NOW, 3600)) == 8


def test_jobs_plan_only_running_or_recent_jobs():
    running = _job("run", hosts=64)
    recent = _job("recent", "Completed", hosts=2, ended=NOW - timedelta(minutes=30))
    old = _job("old", "Completed", hosts=8, ended=NOW - timedelta(hours=5))
    cpu_only = _job("cpu", hosts=1, itype="ml.m5.xlarge", kind=Kind.PROCESSING_JOB)
    inv = Inventory(jobs=[running, recent, old, cpu_only])
    keys = pane_keys(Pane.JOBS, inv, NOW, 3 * 3600)
    names = {k.dim("Host").split("/")[0] for k in keys}
    assert names == {"run", "recent", "cpu"}
    assert job_is_recent(recent, NOW, 3600) and not job_is_recent(old, NOW, 3 * 3600)
    # 64 hosts x CPU, GPU, memory, disk
    assert sum(1 for k in keys if k.dim("Host").startswith("run/")) == 64 * 4
    # no GPU series for a CPU instance; processing host namespace
    cpu_keys = [k for k in keys if k.dim("Host").startswith("cpu/")]
    assert {k.metric for k in cpu_keys} == {"CPUUtilization", "MemoryUtilization", "DiskUtilization"}
    assert all(k.namespace == cat.NS_PROCESSING for k in cpu_keys)


def test_transform_jobs_have_no_disk_metric():
    job = Job(Kind.TRANSFORM_JOB, "tx", "InProgress", R, instance_type="ml.c5.xlarge",
              hosts=["tx/i-0abc"])
    ks = job_keys(job)
    assert set(ks) == {"CPUUtilization", "MemoryUtilization"}
    assert ks["CPUUtilization"]["tx/i-0abc"].namespace == cat.NS_TRANSFORM


@pytest.mark.parametrize("pane,inv,count", [
    (Pane.COMPONENTS, Inventory(components=[InferenceComponent("ic", "ep", "v", "InService", R)]), 8),
    (Pane.PIPELINES, Inventory(pipelines=[Pipeline("pl", R)]), 4),
    (Pane.LABELING, Inventory(labeling_jobs=[LabelingJob("lj", "InProgress", R)]), 4),
    (Pane.FEATURES, Inventory(feature_groups=[FeatureGroup("fg", "Created", R)]), 8),
    (Pane.RECOMMENDATIONS, Inventory(recommendation_jobs=[RecommendationJob("rj", "InProgress", R)]), 4),
    (Pane.RECOMMENDATIONS,
     Inventory(recommendation_jobs=[RecommendationJob("rj", "InProgress", R, endpoint_names=["e1", "e2"])]), 8),
])
def test_other_panes(pane, inv, count):
    keys = pane_keys(pane, inv, NOW, 3600)
    assert len(keys) == count == len(set(keys))
    for k in keys:
        m = cat.find(k.metric, namespace=k.namespace)
        assert k.stat in m.stats
        dims = tuple(n for n, _ in k.dimensions)
        assert dims in m.dimensions or pane is Pane.RECOMMENDATIONS


def test_pipeline_namespace_keeps_aws_spelling():
    keys = pane_keys(Pane.PIPELINES, Inventory(pipelines=[Pipeline("pl", R)]), NOW, 3600)
    assert {k.namespace for k in keys} == {"AWS/Sagemaker/ModelBuildingPipeline"}


def test_resource_keys_for_a_job_cover_every_host():
    job = _job("big", hosts=3)
    assert len(resource_keys(job)) == 3 * 4


def test_keys_carry_their_catalog_definition_and_unit():
    ep = Endpoint("ep", "InService", R, variants=[Variant("AllTraffic", "ml.g5.xlarge")])
    vk = variant_keys(ep)[0]
    assert vk.latency_p99.definition is cat.find("ModelLatency", cat.G_INVOCATION)
    assert vk.latency_p99.unit is cat.Unit.MICROSECONDS and vk.cpu.unit is cat.Unit.PERCENT
    assert vk.invocations.unit is cat.Unit.NONE
    fg = FeatureGroup("fg", "Created", R)
    assert FeatureKeys.of(fg).read_latency.unit is cat.Unit.MICROSECONDS  # Feature Store's Latency
    assert PipelineKeys.of(Pipeline("p", "Active", R)).duration.unit is cat.Unit.MILLISECONDS
    # the definition takes no part in a key's identity: a key made without it finds the same series
    bare = SeriesKey(vk.cpu.namespace, vk.cpu.metric, vk.cpu.dimensions, vk.cpu.stat, vk.cpu.region)
    assert bare == vk.cpu and hash(bare) == hash(vk.cpu) and bare.unit is cat.Unit.NONE


def test_key_objects_are_built_once_per_resource_and_again_when_it_changes():
    ep = Endpoint("ep", "InService", R, variants=[Variant("AllTraffic", "ml.g5.xlarge")])
    first = variant_keys(ep)[0]
    assert variant_keys(Endpoint("ep", "InService", R, variants=[Variant("AllTraffic", "ml.g5.xlarge")]))[0] is first
    cpu_only = variant_keys(Endpoint("ep", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge")]))[0]
    assert cpu_only is not first and first.has_gpu and not cpu_only.has_gpu
    assert variant_keys(Endpoint("ep", "InService", "eu-west-1", variants=[Variant("AllTraffic")]))[0].cpu.region \
        == "eu-west-1"
    job = _job("big", hosts=256)
    assert job_keys(job)["GPUUtilization"][job.hosts[7]] is job_keys(job)["GPUUtilization"][job.hosts[7]]
    assert job_keys(job)["GPUUtilization"][job.hosts[7]].dim("Host") == job.hosts[7]


def test_an_endpoints_components_are_those_of_its_name_and_region():
    ep = Endpoint("ep", "InService", R, component_based=True)
    inv = Inventory(endpoints=[ep], components=[InferenceComponent("a", "ep", "AllTraffic", "InService", R),
                                                InferenceComponent("b", "ep", "AllTraffic", "InService", "eu-west-1"),
                                                InferenceComponent("c", "other", "AllTraffic", "InService", R)])
    assert [ic.name for ic in endpoint_components(ep, inv)] == ["a"]
