"""Overview rows computed from a synthetic SeriesStore: exact numbers, gaps shown as "–"."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tui.model import cells, columns
from tui.model import overview as ov
from tui.model.catalog import Kind
from tui.model.plan import ComponentKeys, EndpointKeys, FeatureKeys, PipelineKeys, job_host_key
from tui.model.kinds import Pane
from tui.model.resources import (Endpoint, FeatureGroup, InferenceComponent, Inventory, Job, LabelingJob, Pipeline,
                                 PipelineExecution, Variant, default_hosts)
from tui.model.series import SeriesStore

NOW = 1_795_000_020  # 20 s into a minute
MIN = NOW - NOW % 60  # the current (partial) minute
R = "us-east-1"
NOWDT = datetime.fromtimestamp(NOW, timezone.utc)


def put(store: SeriesStore, key, values: dict[int, float]) -> None:
    """``values`` maps minutes ago (0 = the current minute) to a value."""
    s = store.ensure(key, 60)
    s.merge([MIN - m * 60 for m in values], list(values.values()))


def row(rows, name):
    return next(r for r in rows if r.name == name)


@pytest.fixture
def store():
    return SeriesStore(3 * 3600)


def test_endpoint_numbers(store):
    ep = Endpoint("fraud", "InService", R, variants=[Variant("AllTraffic", "ml.g5.xlarge", 2)])
    k = EndpointKeys(ep, "AllTraffic")
    # newest point 2 minutes ago (late arrival): span = minutes 2..6 ago
    put(store, k.invocations, {2: 600, 3: 500, 4: 400, 5: 300, 6: 200, 7: 10_000})
    put(store, k.errors_5xx, {2: 6, 4: 4, 7: 900})
    put(store, k.errors_4xx, {3: 20})
    put(store, k.latency_p50, {2: 12_000})
    put(store, k.latency_p99, {3: 250_000, 2: 150_000})
    put(store, k.overhead, {2: 850})
    put(store, k.cpu, {1: 312.5})
    put(store, k.memory, {1: 96.0})
    rows = ov.pane_rows(Pane.ENDPOINTS, Inventory(endpoints=[ep]), store, NOW)
    c = rows[0].cells
    assert c["inv"].sort == pytest.approx(2000 / 5)  # 600+500+400+300+200 over 5 minutes
    assert c["inv"].text == "400"
    assert c["e5xx"].sort == 10 and c["e5xx"].text == "10"
    assert c["e5xx_rate"].sort == pytest.approx(0.5) and c["e5xx_rate"].text == "0.5%"
    assert c["e4xx"].sort == 20 and c["e4xx_rate"].text == "1.0%"
    assert c["e4xx_rate"].level == "warn"
    assert c["p50"].text == "12.0 ms"
    assert c["p99"].text == "150 ms"  # the newest point
    assert c["overhead"].text == "850 µs"
    assert c["cpu"].text == "78.1%×4"  # CloudWatch's 312.5 % over the ml.c5.xlarge's 4 vCPUs
    assert c["gpu"].text == "–" and c["gpu"].sort is None  # no data: a dash, never 0
    assert c["mem"].level == "crit"
    assert c["cache"].text == "" and c["setup"].text == ""  # not applicable: blank
    assert c["instances"].text == "2"
    assert rows[0].spark[-3] == 600 and rows[0].spark[-1] is None


def test_endpoint_without_traffic_shows_dashes(store):
    ep = Endpoint("idle", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
    c = ov.pane_rows(Pane.ENDPOINTS, Inventory(endpoints=[ep]), store, NOW)[0].cells
    for col in ("inv", "e4xx", "e5xx", "e5xx_rate", "p50", "p99", "cpu"):
        assert c[col].text == "–", col


def test_stale_series_has_no_current_value(store):
    ep = Endpoint("old", "InService", R, variants=[Variant("AllTraffic", "ml.c5.xlarge", 1)])
    k = EndpointKeys(ep, "AllTraffic")
    put(store, k.invocations, {20: 100})
    put(store, k.latency_p99, {20: 1000})
    c = ov.pane_rows(Pane.ENDPOINTS, Inventory(endpoints=[ep]), store, NOW)[0].cells
    assert c["inv"].text == "–" and c["p99"].text == "–"


def test_two_variants_add_up(store):
    ep = Endpoint("ab", "InService", R, variants=[Variant("a", "ml.c5.xlarge", 1), Variant("b", "ml.c5.xlarge", 3)])
    ka, kb = EndpointKeys(ep, "a"), EndpointKeys(ep, "b")
    put(store, ka.invocations, {1: 50, 2: 50})
    put(store, kb.invocations, {1: 100})
    put(store, kb.errors_5xx, {1: 10})
    put(store, ka.latency_p99, {1: 1000})
    put(store, kb.latency_p99, {1: 9000})
    c = ov.pane_rows(Pane.ENDPOINTS, Inventory(endpoints=[ep]), store, NOW)[0].cells
    assert c["inv"].sort == pytest.approx(100 / 5 + 100 / 5)
    assert c["e5xx_rate"].sort == pytest.approx(100 * 10 / 200)
    assert c["e5xx_rate"].level == "crit"
    assert c["p99"].sort == 9000  # the worst variant
    assert c["instances"].text == "4" and c["variants"].text == "2"


def _component_endpoint():
    ep = Endpoint("shared", "InService", R, variants=[Variant("AllTraffic", "ml.g5.12xlarge", 2)],
                  component_based=True)
    a = InferenceComponent("ic-a", "shared", "AllTraffic", "InService", R)
    b = InferenceComponent("ic-b", "shared", "AllTraffic", "InService", R)
    elsewhere = InferenceComponent("ic-west", "shared", "AllTraffic", "InService", "us-west-2")
    other = InferenceComponent("ic-other", "other-ep", "AllTraffic", "InService", R)
    return ep, a, b, elsewhere, other


def test_component_based_endpoint_adds_up_its_components(store):
    ep, a, b, elsewhere, other = _component_endpoint()
    ka, kb, kw, ko = (ComponentKeys(ic) for ic in (a, b, elsewhere, other))
    # a: newest point 1 minute ago, span = minutes 1..5 ago; b: newest 3 minutes ago, span 3..7
    put(store, ka.invocations, {1: 100, 2: 100, 5: 50, 6: 9_999})
    put(store, kb.invocations, {3: 40, 7: 60, 8: 5_000})
    put(store, ka.errors_5xx, {1: 2, 6: 500})  # minute 6 is outside a's span
    put(store, kb.errors_5xx, {7: 3, 8: 400})  # minute 8 is outside b's span
    put(store, ka.errors_4xx, {2: 5})
    put(store, ka.latency_p50, {1: 20_000})
    put(store, kb.latency_p50, {3: 35_000})
    put(store, ka.latency_p99, {1: 400_000})
    put(store, kb.latency_p99, {3: 90_000})
    put(store, kb.overhead, {3: 1_500})
    for k in (kw, ko):  # another region's component of the same name, another endpoint's component
        put(store, k.invocations, {1: 1_000_000})
        put(store, k.errors_5xx, {1: 1_000})
        put(store, k.latency_p99, {1: 9_000_000})
    inv = Inventory(endpoints=[ep], components=[a, b, elsewhere, other])
    r = ov.pane_rows(Pane.ENDPOINTS, inv, store, NOW)[0]
    c = r.cells
    assert c["mode"].text == "IC"
    assert c["inv"].sort == pytest.approx((100 + 100 + 50) / 5 + (40 + 60) / 5)  # 70 per minute
    assert c["inv"].text == "70"
    assert c["e5xx"].sort == 5 and c["e4xx"].sort == 5
    assert c["e5xx_rate"].sort == pytest.approx(100 * 5 / 350)
    assert c["e4xx_rate"].sort == pytest.approx(100 * 5 / 350)
    assert c["p50"].sort == 35_000 and c["p50"].text == "35.0 ms"  # the worst component
    assert c["p99"].sort == 400_000 and c["p99"].text == "400 ms"
    assert c["overhead"].sort == 1_500
    # the sparkline: both components' invocations summed minute by minute
    assert r.spark[-2] == 100 and r.spark[-3] == 100 and r.spark[-4] == 40
    assert r.spark[-7] == 9_999 and r.spark[-9] == 5_000 and r.spark[-8] == 60
    assert r.spark[-5] is None and r.spark[-1] is None


def test_component_based_endpoint_prefers_its_variant_series(store):
    ep, a, b, _, _ = _component_endpoint()
    kv, ka = EndpointKeys(ep, "AllTraffic"), ComponentKeys(a)
    put(store, kv.invocations, {1: 500})
    put(store, kv.latency_p99, {1: 10_000})
    put(store, ka.invocations, {1: 100})
    put(store, ka.errors_5xx, {1: 50})
    put(store, ka.latency_p99, {1: 99_000})
    put(store, ka.latency_p50, {1: 7_000})
    r = ov.pane_rows(Pane.ENDPOINTS, Inventory(endpoints=[ep], components=[a, b]), store, NOW)[0]
    assert r.cells["inv"].sort == pytest.approx(100.0)
    assert r.cells["e5xx"].text == "–"  # the variant's own (absent) errors, not a component's
    assert r.cells["p99"].sort == 10_000
    assert r.cells["p50"].sort == 7_000  # no variant p50: the worst component's
    assert r.spark[-2] == 500


def test_endpoint_without_components_does_not_borrow_theirs(store):
    ep = Endpoint("shared", "InService", R, variants=[Variant("AllTraffic", "ml.g5.xlarge", 1)])
    ic = InferenceComponent("ic-a", "shared", "AllTraffic", "InService", R)
    put(store, ComponentKeys(ic).invocations, {1: 100})
    c = ov.pane_rows(Pane.ENDPOINTS, Inventory(endpoints=[ep], components=[ic]), store, NOW)[0].cells
    assert c["inv"].text == "–"


def test_multi_model_and_serverless_columns(store):
    mme = Endpoint("mme", "InService", R, variants=[Variant("v", "ml.c5.xlarge", 1)], multi_model=True)
    sl = Endpoint("sl", "InService", R, variants=[Variant("v", serverless_memory_mb=2048)])
    km, ks = EndpointKeys(mme, "v"), EndpointKeys(sl, "v")
    put(store, km.cache_hit, {1: 0.875})
    put(store, km.loaded_models, {1: 14})
    put(store, ks.setup_time, {1: 2_500_000})
    rows = ov.pane_rows(Pane.ENDPOINTS, Inventory(endpoints=[mme, sl]), store, NOW)
    m, s = row(rows, "mme").cells, row(rows, "sl").cells
    assert m["cache"].text == "87.5%" and m["models"].text == "14" and m["mode"].text == "MME"
    assert s["setup"].text == "2,500 ms" and s["mode"].text == "serverless"
    assert s["cpu"].text == "" and s["instances"].text == ""


def test_component_numbers(store):
    ic = InferenceComponent("ic-llm", "shared-ep", "AllTraffic", "InService", R, current_copies=2, desired_copies=4)
    k = ComponentKeys(ic)
    put(store, k.invocations, {1: 100, 2: 200})
    put(store, k.per_copy, {1: 50, 2: 100})
    put(store, k.concurrency, {1: 3})
    put(store, k.gpu, {1: 91.0})
    c = ov.pane_rows(Pane.COMPONENTS, Inventory(components=[ic]), store, NOW)[0].cells
    assert c["inv"].sort == pytest.approx(60.0)
    assert c["per_copy"].sort == pytest.approx(30.0)
    assert c["concurrency"].text == "3"
    assert c["gpu"].text == "91.0%" and c["gpu"].level == "warn"
    assert c["copies"].text == "2→4" and c["copies"].level == "warn"


def _job(name, status, hosts, **kw):
    kind = kw.pop("kind", Kind.TRAINING_JOB)
    return Job(kind, name, status, R, instance_type=kw.pop("itype", "ml.p4d.24xlarge"), instance_count=hosts,
               creation_time=NOWDT - timedelta(hours=2), start_time=NOWDT - timedelta(minutes=90),
               hosts=default_hosts(kind, name, hosts), **kw)


def test_job_cluster_average_is_mean_of_each_hosts_latest(store):
    job = _job("bert", "InProgress", 4)
    gpu = [400.0, 600.0, 700.0, 100.0]
    for i, host in enumerate(job.hosts):
        put(store, job_host_key(job, "GPUUtilization", host), {3: 1.0, 1: gpu[i]} if i != 3 else {1: gpu[i], 2: 50})
        put(store, job_host_key(job, "CPUUtilization", host), {1: 10.0 * (i + 1)})
    put(store, job_host_key(job, "DiskUtilization", job.hosts[2]), {1: 42.0})
    rows = ov.pane_rows(Pane.JOBS, Inventory(jobs=[job]), store, NOW)
    c = rows[0].cells
    # per device: the p4d.24xlarge's sums over its 8 GPUs and 96 vCPUs
    assert c["gpu"].sort == pytest.approx(sum(gpu) / 4 / 8) and c["gpu"].text == "56.2%×8"
    assert c["cpu"].sort == pytest.approx((10 + 20 + 30 + 40) / 4 / 96)
    assert c["disk"].text == "42.0%"
    assert c["mem"].text == "–"
    assert c["duration"].sort == 90 * 60 and c["type"].text == "training"
    assert c["hosts"].text == "4×p4d.24xlarge"
    # mean over hosts at each minute
    assert rows[0].spark[-2] == pytest.approx(sum(gpu) / 4 / 8)
    # an instance type no table knows: CloudWatch's sum, marked as one
    odd = _job("odd", "InProgress", 2, itype="ml.g99.48xlarge")
    for host in odd.hosts:
        put(store, job_host_key(odd, "GPUUtilization", host), {1: 700.0})
    cell = ov.pane_rows(Pane.JOBS, Inventory(jobs=[odd]), store, NOW)[0].cells["gpu"]
    assert cell.sort == 700.0 and cell.text == "700.0%Σ"


def test_job_health_flags(store):
    failed = _job("crash", "Failed", 1, failure_reason="AlgorithmError: OOM",
                  end_time=NOWDT - timedelta(minutes=5))
    disk = _job("disk", "InProgress", 2)
    for h in disk.hosts:
        put(store, job_host_key(disk, "DiskUtilization", h), {1: 50.0})
    put(store, job_host_key(disk, "DiskUtilization", disk.hosts[1]), {1: 97.0})
    lag = _job("lag", "InProgress", 4)
    for i, h in enumerate(lag.hosts):
        v = 160.0 if i == 2 else 760.0  # sums over 8 GPUs: 20 % against 95 % per GPU
        put(store, job_host_key(lag, "GPUUtilization", h), {m: v for m in range(1, 8)})
    ok = _job("fine", "InProgress", 2)
    for h in ok.hosts:
        put(store, job_host_key(ok, "GPUUtilization", h), {m: 720.0 for m in range(1, 8)})
    rows = ov.pane_rows(Pane.JOBS, Inventory(jobs=[failed, disk, lag, ok]), store, NOW)
    h = {r.name: r.cells["health"] for r in rows}
    assert h["crash"].level == "crit" and "failed" in h["crash"].text and "OOM" in h["crash"].text
    assert h["disk"].level == "crit" and "algo-2" in h["disk"].text and "97%" in h["disk"].text
    assert h["lag"].level == "warn" and "algo-3" in h["lag"].text and "lagging" in h["lag"].text
    assert h["fine"].level == "ok"


def test_old_finished_job_has_no_metrics(store):
    job = _job("ancient", "Completed", 8, end_time=NOWDT - timedelta(hours=10))
    c = ov.pane_rows(Pane.JOBS, Inventory(jobs=[job]), store, NOW)[0].cells
    assert c["gpu"].text == "–" and c["cpu"].text == "–"
    assert c["health"].text == "✔ ok"


def test_pipeline_counts_over_window(store):
    ex = PipelineExecution("arn:aws:sagemaker:us-east-1:1:pipeline/p/execution/abc", "Failed",
                           start_time=NOWDT - timedelta(minutes=30), last_modified=NOWDT - timedelta(minutes=10))
    p = Pipeline("retrain", R, executions=[ex])
    k = PipelineKeys(p)
    put(store, k.started, {100: 1, 50: 1, 30: 1, 400: 1})  # 400 min ago is outside 3h
    put(store, k.succeeded, {90: 1, 40: 1})
    put(store, k.failed, {10: 1})
    put(store, k.duration, {90: 600_000, 40: 1_200_000})
    c = ov.pane_rows(Pane.PIPELINES, Inventory(pipelines=[p]), store, NOW)[0].cells
    assert c["status"].text == "Failed" and c["status"].level == "crit"
    assert (c["started"].sort, c["succeeded"].sort, c["failed"].sort) == (3, 2, 1)
    assert c["failed"].level == "crit"
    assert c["duration"].sort == 20 * 60
    assert c["avg_duration"].sort == pytest.approx(900.0)  # (600 s + 1200 s) / 2


def test_feature_group_numbers(store):
    fg = FeatureGroup("customers", "Created", R, online_store=True, offline_store=True)
    k = FeatureKeys(fg)
    put(store, k.reads, {1: 1200, 2: 1300})
    put(store, k.read_latency, {1: 4200})
    put(store, k.read_5xx, {1: 2})
    c = ov.pane_rows(Pane.FEATURES, Inventory(feature_groups=[fg]), store, NOW)[0].cells
    assert c["reads"].sort == pytest.approx(500.0)
    assert c["writes"].text == "–"
    assert c["read_latency"].text == "4.20 ms"
    assert c["e5xx"].sort == 2
    assert c["stores"].text == "online+offline"


def test_feature_group_throttles_count_reads_and_writes(store):
    fg = FeatureGroup("customers", "Created", R, online_store=True)
    k = FeatureKeys(fg)
    put(store, k.reads, {1: 1200, 2: 1300})
    put(store, k.writes, {1: 300, 2: 300})
    put(store, k.throttled, {2: 2})
    put(store, k.write_throttled, {1: 5, 2: 7})  # PutRecord throttles: were invisible before
    c = ov.pane_rows(Pane.FEATURES, Inventory(feature_groups=[fg]), store, NOW)[0].cells
    assert c["throttled"].sort == 14 and c["throttled"].level == "warn"
    store2 = type(store)(store.window)
    put(store2, k.writes, {1: 300})
    put(store2, k.write_throttled, {1: 4})  # writes only, no reads at all
    c = ov.pane_rows(Pane.FEATURES, Inventory(feature_groups=[fg]), store2, NOW)[0].cells
    assert c["throttled"].sort == 4


def test_labeling_falls_back_to_describe_counters(store):
    lj = LabelingJob("cats", "InProgress", R, total_labeled=120, human_labeled=100, machine_labeled=20,
                     failed_non_retryable=0)
    c = ov.pane_rows(Pane.LABELING, Inventory(labeling_jobs=[lj]), store, NOW)[0].cells
    assert c["labeled"].text == "120" and c["failed"].text == "0"


def test_filter_and_sort():
    rows = [cells.Row(str(i), n, None, {"inv": cells.Cell("x", v), "name": cells.Cell(n, n)})
            for i, (n, v) in enumerate([("alpha", 3.0), ("beta", None), ("gamma", 10.0)])]
    assert [r.name for r in rows if r.matches("MM")] == ["gamma"]
    assert [r.name for r in cells.sort_rows(rows, "inv")] == ["alpha", "gamma", "beta"]
    assert [r.name for r in cells.sort_rows(rows, "inv", reverse=True)] == ["gamma", "alpha", "beta"]
    assert [r.name for r in cells.sort_rows(rows, "name", reverse=True)] == ["gamma", "beta", "alpha"]


def test_columns_hide_by_priority():
    cols = columns.COLUMNS[Pane.ENDPOINTS]
    narrow = columns.visible_columns(cols, 78)
    assert sum(c.width + 2 for c in narrow) <= 78
    keys = [c.key for c in narrow]
    assert {"name", "status", "inv"} <= set(keys)
    assert "cache" not in keys
    wide = columns.visible_columns(cols, 400)
    assert len(wide) == len(cols)
    # order is kept
    assert keys == [c.key for c in cols if c.key in keys]


def test_span_reads_take_the_points_in_the_span_and_ignore_points_after_now():
    from tui.model import readings
    from tui.model.series import SeriesKey

    store = SeriesStore(3600)
    key = SeriesKey("AWS/SageMaker", "Invocations", (("EndpointName", "e"),), "Sum", R)
    store.ensure(key, 60).merge([MIN - 600, MIN - 300, MIN - 240, MIN - 60, MIN, MIN + 120], [1, 2, 4, 8, 16, 32])
    # (anchor - 300, anchor]: MIN - 300 is out, MIN - 240 .. MIN are in; an anchor inside a minute counts it
    assert readings.span_sum(store, key, MIN) == 4 + 8 + 16
    assert readings.span_sum(store, key, MIN + 30) == 4 + 8 + 16
    assert readings.span_sum(store, key, MIN - 360, span=60) is None
    assert readings.newest(store, key, NOW) == (MIN, 16.0)  # the point after now is not yet
    assert readings.newest(store, key, MIN + 180) == (MIN + 120, 32.0)
    assert readings.recent_rate(store, key, NOW).total == 4 + 8 + 16
