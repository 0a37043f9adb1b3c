"""The endpoint, component, instance and GPU models: exact numbers from hand-built series."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tui.model import catalog as cat
from tui.model.alarms import alarm_rows, alarms_for
from tui.model.detail import READ_ENHANCED, DetailResult
from tui.model.drill_views import status_level
from tui.model.endpoint.components import component_metric_rows
from tui.model.endpoint.enhanced import (
    EnhancedInfo, PublishPeriod, enhanced_info, enhanced_line, gpu_key, infer_period, instance_key, instances_keys,
    publish_period,
)
from tui.model.endpoint.facts import LatencyBreakdown, endpoint_facts, latency_breakdown
from tui.model.endpoint.instance_grid import (gpu_table, hot_gpu, hot_gpu_flags, instance_charts, instance_facts,
                                              instance_legend, instance_table, rebucket, variant_facts)
from tui.model.endpoint.keys import ComponentDetailKeys, VariantDetailKeys, endpoint_request, endpoint_screen_keys
from tui.model.endpoint.mme_serverless import mme_rows, serverless_rows
from tui.model.endpoint.variants import variant_rows
from tui.model.plan import ComponentKeys, EndpointKeys
from tui.model.resources import Alarm, Endpoint, InferenceComponent, Inventory, Variant
from tui.model.series import Series, SeriesStore
from tui.model.window_readers import grid

NOW = 1_800_000_000 - 1_800_000_000 % 60 + 30  # half a minute into a minute
M = NOW - NOW % 60  # the current minute


def split_endpoint() -> Endpoint:
    return Endpoint("fraud", "InService", region="us-east-1", config_name="fraud-cfg", variants=[
        Variant("champion", "ml.c5.2xlarge", 3, 4, 0.8, 0.8),
        Variant("challenger", "ml.c5.2xlarge", 1, 1, 0.2, 0.2)])


def put(store: SeriesStore, key, points: dict[int, float], period: int = 60) -> None:
    s = store.ensure(key, period)
    s.merge(list(points), list(points.values()))


def minutes(values: list[float], end: int = M - 60) -> dict[int, float]:
    """``values`` on the minutes ending at ``end`` (the last value at ``end``)."""
    return {end - 60 * (len(values) - 1 - i): v for i, v in enumerate(values)}


# -- keys -----------------------------------------------------------------------------------------

def test_endpoint_keys_reuse_the_overview_keys_and_add_only_what_applies():
    ep = split_endpoint()
    keys = endpoint_screen_keys(ep)
    for v in ("champion", "challenger"):
        base = EndpointKeys(ep, v)
        assert {base.invocations, base.errors_5xx, base.latency_p99, base.overhead, base.cpu, base.memory} <= set(keys)
        assert base.gpu not in keys  # c5 instances publish no GPU metrics
        assert base.cache_hit not in keys and base.setup_time not in keys
    assert len(keys) == 2 * 13  # 9 traffic + InvocationsPerInstance + CPU, memory, disk per variant
    assert len(set(keys)) == len(keys)
    mme = Endpoint("recs", "InService", variants=[Variant("AllTraffic", "ml.g5.xlarge", 2)], multi_model=True)
    vk = VariantDetailKeys(mme, "AllTraffic")
    assert len(endpoint_screen_keys(mme)) == 10 + 5 + 8  # traffic + CPU/mem/disk/GPU/GPU mem + model loading
    assert vk.loads.stat == "SampleCount" and vk.loads.metric == "ModelLoadingTime"
    sls = Endpoint("churn", "InService", variants=[Variant("AllTraffic", serverless_memory_mb=4096,
                                                           serverless_max_concurrency=20)])
    keys = endpoint_screen_keys(sls)
    assert len(keys) == 10 + 1 + 3 and EndpointKeys(sls, "AllTraffic").memory in keys
    assert [k.stat for k in keys if k.metric == "ModelSetupTime"] == ["Average", "Maximum", "SampleCount"]


def test_endpoint_request_reads_the_enhanced_dimensions_and_lists_components_keys():
    ep = Endpoint("genai", "InService", region="us-east-1", variants=[Variant("AllTraffic", "ml.g5.12xlarge", 2)],
                  component_based=True)
    ic = InferenceComponent("llama", "genai", "AllTraffic", "InService", region="us-east-1")
    other = InferenceComponent("x", "elsewhere", "AllTraffic", "InService", region="us-east-1")
    req = endpoint_request(ep, Inventory(endpoints=[ep], components=[ic, other]))
    assert req.reads == ((READ_ENHANCED, "us-east-1", "genai"),)
    assert set(ComponentKeys(ic).all()) <= set(req.keys)
    assert not set(ComponentKeys(other).all()) & set(req.keys)
    reserved = {k.metric for k in req.keys if k.metric.endswith("Reservation")}
    assert reserved == {"CPUReservation", "MemoryReservation", "GPUReservation"}
    normalized = {k.metric for k in req.keys if k.namespace == "/aws/sagemaker/Endpoints"
                  and k.metric.endswith("Normalized")}
    assert normalized == {"CPUUtilizationNormalized", "GPUUtilizationNormalized", "GPUMemoryUtilizationNormalized"}
    assert not any(k.metric == "InvocationsPerInstance" for k in req.keys)  # no traffic of its own
    assert req.period is None


# -- variants --------------------------------------------------------------------------------------

def test_variant_rows_rates_shares_errors_and_scaling():
    ep = split_endpoint()
    store = SeriesStore(3 * 3600)
    ch, cl = VariantDetailKeys(ep, "champion"), VariantDetailKeys(ep, "challenger")
    put(store, ch.invocations, minutes([100, 200, 300, 400, 500, 600]))  # last 5 min: 2000
    put(store, ch.errors_5xx, minutes([1, 1, 0, 4, 0, 5]))  # last 5: 10 -> 0.5 %
    put(store, ch.errors_4xx, minutes([2, 0, 0, 0, 0, 0]))  # the 2 falls just outside the 5-minute span
    put(store, cl.invocations, minutes([100, 100, 100, 100, 100]))  # 500 -> 100/min
    put(store, ch.latency_p99, {M - 60: 250_000.0})
    put(store, ch.cpu, {M - 60: 312.5})
    rows = {r.name: r for r in variant_rows(ep, store, NOW)}
    c = rows["champion"].cells
    assert c["inv"].text == "400" and c["traffic"].text == "80.0%"
    assert c["e5xx_rate"].text == "0.5%" and c["e5xx_rate"].level == "ok"
    assert c["e4xx_rate"].text == "0.0%"  # traffic without a 4XX point in the span: zero errors
    assert c["instances"].text == "3→4" and c["instances"].level == "warn"
    assert c["weight"].text == "80%" and rows["challenger"].cells["weight"].text == "20%"
    assert c["p99"].text == "250 ms" and c["p99"].level == "ok"
    assert c["cpu"].text == "312.5%Σ" and c["gpu"].text == ""  # no inventory: CloudWatch's sum, marked
    # with the inventory: per vCPU of the ml.c5.2xlarge (8 vCPUs, from the table shipped in the package)
    per_vcpu = {r.name: r for r in variant_rows(ep, store, NOW, Inventory(endpoints=[ep]))}["champion"].cells
    assert per_vcpu["cpu"].text == "39.1%×8" and per_vcpu["cpu"].sort == pytest.approx(312.5 / 8)
    assert rows["challenger"].cells["traffic"].text == "20.0%" and rows["challenger"].cells["inv"].text == "100"
    assert rows["challenger"].cells["e5xx_rate"].text == "0.0%"
    assert rows["champion"].spark[-6:-1] == [200.0, 300.0, 400.0, 500.0, 600.0]


def test_latency_breakdown_weighs_variants_by_traffic():
    ep = split_endpoint()
    store = SeriesStore(3 * 3600)
    ch, cl = VariantDetailKeys(ep, "champion"), VariantDetailKeys(ep, "challenger")
    put(store, ch.invocations, minutes([300] * 5))
    put(store, cl.invocations, minutes([100] * 5))
    put(store, ch.latency_avg, {M - 60: 10_000.0})
    put(store, cl.latency_avg, {M - 60: 14_000.0})
    put(store, ch.overhead, {M - 60: 2_000.0})
    put(store, cl.overhead, {M - 60: 2_000.0})
    lb = latency_breakdown([ch, cl], store, NOW)
    assert lb.model == pytest.approx(11_000.0)  # (3 x 10 ms + 1 x 14 ms) / 4
    assert lb.total == pytest.approx(13_000.0) and lb.overhead_share == pytest.approx(100 * 2 / 13)
    assert lb.text() == ("model 11.0 ms + overhead 2.00 ms = 13.0 ms in SageMaker (overhead 15%), "
                         "plus the network on the client side")
    assert LatencyBreakdown(None, None, cat.Unit.MICROSECONDS).text() == "–"


def test_endpoint_facts_traffic_errors_alarms_and_scaling():
    ep = split_endpoint()
    store = SeriesStore(3 * 3600)
    ch = VariantDetailKeys(ep, "champion")
    put(store, ch.invocations, minutes([1000] * 5))
    put(store, ch.errors_5xx, minutes([100] * 5))  # 10 %
    alarm = Alarm("fraud-5xx", "ALARM", region="us-east-1", metric="Invocation5XXErrors",
                  dimensions={"EndpointName": "fraud", "VariantName": "champion"}, threshold=25.0,
                  comparison="GreaterThanThreshold")
    facts = {f.label: f for f in endpoint_facts(ep, Inventory(endpoints=[ep], alarms=[alarm]), store, NOW)}
    assert facts["Traffic"].text == "1,000/min   5XX 10.0%   4XX 0.0%" and facts["Traffic"].level == "crit"
    assert facts["Instances"].text == "4 → 5 desired" and facts["Instances"].level == "warn"
    assert facts["Alarms"].text == "1 of 1 in ALARM: fraud-5xx" and facts["Alarms"].level == "crit"
    assert facts["Mode"].text == "real-time"


def test_serverless_and_multi_model_rows():
    sls = Endpoint("churn", "InService", variants=[Variant("AllTraffic", serverless_memory_mb=4096,
                                                           serverless_max_concurrency=20)])
    store = SeriesStore(3 * 3600)
    vk = VariantDetailKeys(sls, "AllTraffic")
    put(store, vk.cold_starts, {M - 600: 1.0, M - 120: 2.0})
    put(store, vk.setup_avg, {M - 600: 3_000_000.0, M - 120: 4_500_000.0})
    put(store, vk.setup_max, {M - 600: 3_000_000.0, M - 120: 6_000_000.0})
    put(store, vk.concurrency, {M - 60: 17.0})
    rows = {r.name: r.cells for r in serverless_rows(sls, store, NOW)}
    # "Now" is the recent rate (2 in the newest 5 minutes); the window's total is in its own column
    assert rows["Cold starts (ModelSetupTime)"]["now"].text == "0.4/min"
    assert rows["Cold starts (ModelSetupTime)"]["window"].text == "3 in all, last 2m ago"
    assert rows["Setup time per cold start"]["now"].text == "4,500 ms"
    assert rows["Setup time per cold start"]["window"].text == "max 6,000 ms"
    assert rows["Concurrent requests"]["window"].text == "of 20 max (85%)"
    assert rows["Concurrent requests"]["now"].level == "warn"

    mme = Endpoint("recs", "InService", variants=[Variant("AllTraffic", "ml.m5.4xlarge", 2)], multi_model=True)
    mk = VariantDetailKeys(mme, "AllTraffic")
    put(store, mk.cache_hit, {M - 120: 0.9, M - 60: 0.7})
    put(store, mk.loads, {M - 60: 10.0, M - 120: 5.0})
    rows = {r.name: r.cells for r in mme_rows(mme, store, NOW)}
    assert rows["Cache hit ratio"]["now"].text == "70.0%" and rows["Cache hit ratio"]["now"].level == "warn"
    assert rows["Cache hit ratio"]["window"].text == "mean 80.0%"
    assert rows["Model loads (cache misses)"]["now"].text == "3/min"
    assert rows["Model loads (cache misses)"]["window"].text == "15 in all"
    assert mme_rows(split_endpoint(), store, NOW) == []


def test_component_rows_per_copy_and_error_rates():
    ic = InferenceComponent("llama", "genai", "AllTraffic", "InService", region="us-east-1", current_copies=2)
    k = ComponentDetailKeys(ic)
    store = SeriesStore(3 * 3600)
    put(store, k.invocations, minutes([120] * 5))
    put(store, k.per_copy, minutes([60] * 5))
    put(store, k.errors_5xx, minutes([0, 3, 0, 0, 0]))
    rows = {r.name: r.cells for r in component_metric_rows(ic, store, NOW)}
    assert rows["Invocations"]["now"].text == "120/min" and rows["Invocations"]["window"].text == "600 in all"
    assert rows["Invocations per copy"]["now"].text == "60/min"
    assert rows["5XX errors"]["now"].text == "0.50%" and rows["5XX errors"]["window"].text == "3 in all"
    assert rows["4XX errors"]["now"].text == "0.00%"


# -- alarms and statuses -------------------------------------------------------------------------

def test_alarms_match_endpoint_and_component_dimensions_worst_first():
    alarms = [Alarm("b-ok", "OK", region="us-east-1", dimensions={"EndpointName": "ep"}),
              Alarm("a-firing", "ALARM", region="us-east-1", dimensions={"InferenceComponentName": "ic1"},
                    threshold=250000.0, comparison="GreaterThanThreshold", metric="ModelLatency",
                    namespace="AWS/SageMaker"),
              Alarm("other-region", "ALARM", region="eu-west-1", dimensions={"EndpointName": "ep"}),
              Alarm("other-endpoint", "ALARM", region="us-east-1", dimensions={"EndpointName": "x"})]
    found = alarms_for(Inventory(alarms=alarms), "us-east-1", EndpointName="ep", InferenceComponentName=["ic1"])
    assert [a.name for a in found] == ["b-ok", "a-firing"]
    rows = alarm_rows(found, NOW)
    assert [r.name for r in rows] == ["a-firing", "b-ok"]
    assert rows[0].cells["state"].level == "crit" and rows[0].cells["condition"].text == "> 250 ms"


def test_status_levels_read_screaming_case_too():
    assert status_level("IN_PROGRESS") == "info" and status_level("COMPLETED") == "ok"
    assert status_level("InService") == "ok" and status_level("FAILED") == "crit"


# -- enhanced metrics ------------------------------------------------------------------------------

def test_enhanced_info_states_and_the_one_line():
    ep = Endpoint("vision", "InService", region="us-east-1", variants=[Variant("AllTraffic", "ml.g5.12xlarge", 2)])
    read = (READ_ENHANCED, "us-east-1", "vision")
    assert enhanced_info(ep, None).state == "pending"
    assert enhanced_info(ep, DetailResult("x", errors={read: "access denied"})).error == "access denied"
    none = enhanced_info(ep, DetailResult("x", reads={read: {"instances": [], "accelerators": {}, "containers": [],
                                                               "variants": {}}}))
    text, level = enhanced_line(ep, none)
    assert none.state == "none" and "\n" not in text and text.startswith("No enhanced metrics") and level == "dim"
    found = enhanced_info(ep, DetailResult("x", reads={read: {
        "instances": ["i-1", "i-2"], "accelerators": {"i-1": ["GPU0", "GPU1"], "i-2": ["GPU0", "GPU1"]},
        "containers": [], "variants": {"AllTraffic": ["i-1"]}}}))
    assert found.pairs == [("AllTraffic", "i-1"), ("AllTraffic", "i-2")]  # i-2 had no variant: the only one
    assert found.gpu_count == 4
    assert enhanced_line(ep, found, PublishPeriod(10, "config"))[0] == (
        "Enhanced metrics: 2 instances, 4 GPUs, published every 10 s (per the endpoint config)  ·  i: instances")


def series(period: int, times: list[int]) -> Series:
    s = Series(period=period, window=3 * 3600)
    s.merge(times, [1.0] * len(times))
    return s


def test_infer_period_from_spacing_never_finer_than_published():
    assert infer_period([series(10, [0, 10, 20, 40])]) == 10
    assert infer_period([series(10, [0, 30, 60, 120])]) == 30
    assert infer_period([series(10, [0, 120, 240])]) == 120
    assert infer_period([series(10, [0, 60]), series(10, [0, 30])]) == 30  # the densest series tells
    assert infer_period([series(60, [0, 60, 120])]) is None  # as dense as asked for: 10, 30 or 60?
    assert infer_period([series(60, [0, 180, 360])]) == 180
    assert infer_period([series(10, [0])]) is None and infer_period([]) is None
    assert infer_period([series(10, [0, 50])]) == 10  # no interval divides 50 but 10


def test_publish_period_prefers_the_config_then_what_was_seen_then_probes():
    ep = Endpoint("vision", "InService")
    assert publish_period(ep) == PublishPeriod(10, "probe") and not publish_period(ep).known
    assert publish_period(ep, [series(10, [0, 30, 60])]) == PublishPeriod(30, "observed")
    assert publish_period(ep, [], known=60) == PublishPeriod(60, "observed")

    @dataclass
    class Configured(Endpoint):
        metric_publish_frequency: int | None = None

    cfg = Configured("vision", "InService", metric_publish_frequency=30)
    assert publish_period(cfg, [series(10, [0, 10, 20])]) == PublishPeriod(30, "config")
    assert PublishPeriod(30, "config").text() == "published every 30 s (per the endpoint config)"


def test_rebucket_and_grid_resampling():
    s = Series(period=10, window=3600)
    s.merge([600, 610, 620, 660, 670], [1, 2, 3, 4, 5])
    m = rebucket(s, 60)
    assert m.period == 60 and m.points == {600: 6.0, 660: 9.0}
    assert rebucket(s, 60, "mean").points == {600: 2.0, 660: 4.5}
    store = SeriesStore(3600)
    store._series[("k",)] = s  # type: ignore[index] - any hashable key works for the store
    assert grid(store, ("k",), 719, 60, 180) == [None, 2.0, 4.5]  # type: ignore[arg-type]


def enhanced_fixture():
    ep = Endpoint("vision", "InService", region="us-east-1", variants=[Variant("AllTraffic", "ml.g5.12xlarge", 2)],
                  enhanced_metrics=True)
    info = EnhancedInfo("found", {"AllTraffic": ["i-a", "i-b"]},
                        {"i-a": ["GPU0", "GPU1", "GPU2", "GPU3"], "i-b": ["GPU0", "GPU1", "GPU2", "GPU3"]})
    store = SeriesStore(3 * 3600)
    ts = [NOW - NOW % 10 - 10 * i for i in range(12)][::-1]
    gpu = {("i-a", "GPU0"): 50, ("i-a", "GPU1"): 55, ("i-a", "GPU2"): 52, ("i-a", "GPU3"): 48,
           ("i-b", "GPU0"): 50, ("i-b", "GPU1"): 54, ("i-b", "GPU2"): 97, ("i-b", "GPU3"): 50}
    for (inst, acc), v in gpu.items():
        put(store, gpu_key(ep, "AllTraffic", inst, acc, "GPUUtilization"), {t: float(v) for t in ts}, 10)
        put(store, gpu_key(ep, "AllTraffic", inst, acc, "GPUMemoryUtilization"), {t: 40.0 for t in ts}, 10)
    for inst, cpu in (("i-a", 700.0), ("i-b", 900.0)):
        put(store, instance_key(ep, "AllTraffic", inst, "CPUUtilization"), {t: cpu for t in ts}, 10)
        put(store, instance_key(ep, "AllTraffic", inst, "GPUUtilization"),
            {t: float(sum(v for (i, _), v in gpu.items() if i == inst)) for t in ts}, 10)
        put(store, instance_key(ep, "AllTraffic", inst, "MemoryUtilization"), {t: 38.0 for t in ts}, 10)
        # per-instance invocations are published once a minute: at a 10 s period they land on the minute
        put(store, instance_key(ep, "AllTraffic", inst, "Invocations", "Sum"), {M - 120: 700.0, M - 60: 760.0}, 10)
    put(store, instance_key(ep, "AllTraffic", "i-a", "DiskUtilization"), {t: 96.0 for t in ts}, 10)
    return ep, info, store


def test_instance_table_shows_the_hot_gpu_on_its_instance():
    ep, info, store = enhanced_fixture()
    keys = instances_keys(ep, info)
    # traffic, utilization (GPU memory only on the GPU screen), one GPUUtilization per GPU
    assert len(keys) == 2 * (3 + 4 + 4)
    assert {k.dimensions[-1][0] for k in keys} == {"InstanceId", "AcceleratorId"}
    table = instance_table(ep, info, store, NOW)
    assert [m.name for m in table.metrics] == ["Inv/min", "5XX/min", "Latency", "CPUUtilization",
                                               "MemoryUtilization", "GPUUtilization", "Hottest GPU"]
    a, b = table.row("AllTraffic/i-a"), table.row("AllTraffic/i-b")
    assert (a.label, b.label) == ("i-a", "i-b")
    assert a.value("Inv/min") == 760.0 and b.value("Hottest GPU") == 97.0 and a.value("Hottest GPU") == 55.0
    assert b.value("GPUUtilization") == 251.0
    assert [f.reason for f in b.flags] == ["hot GPU2 97% (others 50%)"] and b.level.value == "crit"
    assert [f.reason for f in a.flags] == ["disk 96% full"]



def test_instance_table_is_per_device_for_a_known_type_and_says_so():
    """ml.g5.12xlarge: 48 vCPUs, 4 GPUs. CloudWatch's sums become means per device, the columns
    say ×48 / ×4, the legend says which column is whose and where the sums are."""
    ep, info, store = enhanced_fixture()
    facts = variant_facts(ep, Inventory())  # the shipped table knows the type
    assert (facts["AllTraffic"].vcpus, facts["AllTraffic"].gpus) == (48, 4)
    table = instance_table(ep, info, store, NOW, facts=facts)
    a, b = table.row("AllTraffic/i-a"), table.row("AllTraffic/i-b")
    assert a.value("CPUUtilization") == pytest.approx(700 / 48) and b.value("CPUUtilization") == pytest.approx(900 / 48)
    assert b.value("GPUUtilization") == pytest.approx(251.0 / 4) and a.value("GPUUtilization") == pytest.approx(205 / 4)
    assert b.recent["GPUUtilization"][-1] == pytest.approx(251.0 / 4)  # the sparkline too
    assert a.value("MemoryUtilization") == 38.0 and b.value("Hottest GPU") == 97.0  # already 0-100 %
    assert (table.scales["CPUUtilization"].suffix, table.scales["GPUUtilization"].suffix) == (" ×48", " ×4")
    assert "MemoryUtilization" not in table.scales
    line = instance_legend(table, facts, gpus=True)
    assert line == ("CPU ×48, GPU ×4: means per device by the app (CloudWatch's sum ÷ 48 vCPUs, ÷ 4 GPUs of "
                    "ml.g5.12xlarge); raw sums: the chart below, the GPU screen (Enter)")
    # the chart keeps CloudWatch's sum, and says so
    chart = instance_charts(ep, info, store, NOW, 10, facts)[0]
    assert "Σ" in chart.title and "its 4 GPUs" in chart.title
    assert max(v for line_ in chart.lines for v in line_.values if v is not None) == 251.0
    # the instance's own facts: the mean per device with the sum beside it
    text = instance_facts(ep, "AllTraffic", "i-b", info, store, NOW, facts["AllTraffic"])[1].text
    assert "CPU 18.8% ×48 (Σ 900.0%)" in text and "GPU 62.8% ×4 (Σ 251.0%)" in text and "memory 38.0%" in text


def test_instance_table_health_is_judged_on_the_per_gpu_means():
    ep, info, store = enhanced_fixture()
    ts = [NOW - NOW % 10 - 10 * i for i in range(12)]
    for inst, total in (("i-a", 368.0), ("i-b", 120.0)):  # 92 % and 30 % per GPU
        put(store, instance_key(ep, "AllTraffic", inst, "GPUUtilization"), {t: total for t in ts}, 10)
    table = instance_table(ep, info, store, NOW, facts=variant_facts(ep, Inventory()))
    assert "lagging GPU: 30% vs cluster median 92%" in table.row("AllTraffic/i-b").reason
    assert table.summary["GPUUtilization"].max == pytest.approx(92.0)


def test_instance_table_unknown_and_mixed_instance_types():
    ep, info, store = enhanced_fixture()
    # unknown type (no facts): CloudWatch's sums, marked Σ, as before
    table = instance_table(ep, info, store, NOW)
    assert table.row("AllTraffic/i-b").value("GPUUtilization") == 251.0
    assert table.scales["GPUUtilization"].suffix == " Σ" and not table.scales["GPUUtilization"].per_device
    assert instance_legend(table, {}, gpus=True) == ("Σ: CloudWatch's sum (instance type unknown); "
                                                     "raw sums: the chart below, the GPU screen (Enter)")
    # two variants on two types: each instance divided by its own type's counts
    two = Endpoint("vision", "InService", region="us-east-1", enhanced_metrics=True,
                   variants=[Variant("A", "ml.g5.12xlarge", 1), Variant("B", "ml.g5.48xlarge", 1)])
    info2 = EnhancedInfo("found", {"A": ["i-a"], "B": ["i-b"]})
    store2 = SeriesStore(3 * 3600)
    for variant, inst, cpu, gpu_sum in (("A", "i-a", 480.0, 200.0), ("B", "i-b", 960.0, 400.0)):
        put(store2, instance_key(two, variant, inst, "CPUUtilization"), {t: cpu for t in (NOW - NOW % 10,)}, 10)
        put(store2, instance_key(two, variant, inst, "GPUUtilization"), {t: gpu_sum for t in (NOW - NOW % 10,)}, 10)
    facts = variant_facts(two, Inventory())
    table = instance_table(two, info2, store2, NOW, facts=facts)
    a, b = table.row("vision/A/i-a"), table.row("vision/B/i-b")  # hosts of a multi-variant endpoint
    assert a.value("CPUUtilization") == pytest.approx(10.0) and b.value("CPUUtilization") == pytest.approx(5.0)
    assert a.value("GPUUtilization") == pytest.approx(50.0) and b.value("GPUUtilization") == pytest.approx(50.0)
    assert table.scales["GPUUtilization"].suffix == "" and table.scales["GPUUtilization"].per_device
    line = instance_legend(table, facts, gpus=False)
    assert line.startswith("CPU, GPU: means per device by the app, each instance ÷ its own type's "
                           "(g5.12xlarge 48 vCPUs, 4 GPUs; g5.48xlarge 192 vCPUs, 8 GPUs)")

def test_gpu_table_and_hot_gpu_rule():
    ep, info, store = enhanced_fixture()
    table = gpu_table(ep, "AllTraffic", "i-b", info, store, NOW)
    assert [r.label for r in table.rows] == ["GPU0", "GPU1", "GPU2", "GPU3"]
    assert hot_gpu(table) == "GPU2"
    assert table.row("i-b/GPU2").reason == "hot GPU2 97% (others 50%)"
    assert hot_gpu(gpu_table(ep, "AllTraffic", "i-a", info, store, NOW)) is None
    # the rule alone: 90 % or more and 25 points above the others' median; one GPU is never hot
    assert hot_gpu_flags({"g0": [91.0] * 5, "g1": [66.0] * 5})["g0"].level.value == "warn"
    assert hot_gpu_flags({"g0": [91.0] * 5, "g1": [67.0] * 5}) == {}
    assert hot_gpu_flags({"g0": [99.0] * 5}) == {}


def test_catalog_enhanced_dimensions_are_the_ones_used():
    ep, _info, _store = enhanced_fixture()
    k = instance_key(ep, "AllTraffic", "i-a", "CPUUtilization")
    assert k.namespace == cat.NS_ENDPOINTS and [n for n, _ in k.dimensions] == list(cat.VARIANT_INSTANCE)
    k = instance_key(ep, "AllTraffic", "i-a", "ModelLatency", "Average")
    assert k.namespace == cat.NS_SAGEMAKER
    assert [n for n, _ in gpu_key(ep, "AllTraffic", "i-a", "GPU0", "GPUUtilization").dimensions] == list(
        cat.VARIANT_GPU)
    with pytest.raises(ValueError):
        instance_key(ep, "AllTraffic", "i-a", "InvocationsPerInstance")


def test_grids_end_at_the_newest_point_when_points_arrive_late():
    ep, info, store = enhanced_fixture()
    late = NOW + 480  # the newest points are 8 minutes old: CloudWatch is behind, the grid is not empty
    table = instance_table(ep, info, store, late)
    assert table.now == NOW - NOW % 10 and table.row("AllTraffic/i-b").reason == "hot GPU2 97% (others 50%)"
    assert hot_gpu(gpu_table(ep, "AllTraffic", "i-b", info, store, late)) == "GPU2"
    gone = NOW + 3600  # an hour without points: nothing current to show
    assert instance_table(ep, info, store, gone).row("AllTraffic/i-b").value("CPUUtilization") is None
