"""Utilization per device: CloudWatch's per-host sums divided by the host's vCPUs and GPUs.

Pure model tests: the scales, the host grid and the host charts of jobs on instance types with
different device counts, and the health rules judging the per-device values.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from tui.model.catalog import Kind
from tui.model.health import FlagKind
from tui.model.instances import InstanceFacts, fallback_facts
from tui.model.job_requests import job_metrics
from tui.model.job_views import host_charts, job_host_table
from tui.model.per_device import legend, scale_for
from tui.model.plan import job_host_key
from tui.model.resources import Inventory, Job, default_hosts
from tui.model.series import SeriesStore

NOW = int(time.time()) // 60 * 60
P4D = InstanceFacts("ml.p4d.24xlarge", vcpus=96, memory_mib=1_179_648, gpus=8, gpu_model="NVIDIA A100",
                    gpu_memory_mib=40_960, source="aws")
G4DN = InstanceFacts("ml.g4dn.xlarge", vcpus=4, memory_mib=16_384, gpus=1, gpu_model="NVIDIA T4",
                     gpu_memory_mib=16_384, source="aws")
M5 = InstanceFacts("ml.m5.4xlarge", vcpus=16, memory_mib=65_536, source="aws")


def job(count: int, itype: str) -> Job:
    return Job(Kind.TRAINING_JOB, "j", "InProgress", "us-east-1", instance_type=itype, instance_count=count,
               hosts=default_hosts(Kind.TRAINING_JOB, "j", count),
               start_time=datetime.fromtimestamp(NOW - 7200, timezone.utc))


def store_of(j: Job, per_host: dict[str, dict[str, float]], minutes: int = 20) -> SeriesStore:
    store = SeriesStore(3 * 3600)
    ts = [NOW - 60 * i for i in range(minutes, 0, -1)]
    for host, metrics in per_host.items():
        for metric, value in metrics.items():
            store.ensure(job_host_key(j, metric, host), 60).merge(ts, [value] * len(ts))
    return store


def test_scales_per_metric_and_instance_type():
    gpu = scale_for("GPUUtilization", P4D)
    assert (gpu.divisor, gpu.per_device, gpu.suffix) == (8, True, " ×8")
    assert gpu.apply(736.0) == 92.0 and "mean of 8 GPUs" in gpu.note and "A100" in gpu.note
    cpu = scale_for("CPUUtilization", P4D)
    assert (cpu.divisor, cpu.suffix) == (96, " ×96") and cpu.apply(2019.8) == pytest.approx(21.04, abs=0.01)
    assert scale_for("GPUMemoryUtilization", P4D).divisor == 8
    one = scale_for("GPUUtilization", G4DN)  # one GPU: the value is already per GPU, and says so
    assert (one.divisor, one.per_device, one.suffix) == (1, True, " ×1") and one.apply(93.0) == 93.0
    unknown = scale_for("GPUUtilization", None)
    assert (unknown.divisor, unknown.per_device, unknown.suffix) == (1, False, " Σ") and "unknown" in unknown.note
    for metric in ("MemoryUtilization", "DiskUtilization", "GPUUtilizationNormalized"):
        sc = scale_for(metric, P4D)
        assert (sc.divisor, sc.per_device, sc.suffix) == (1, False, "")
    assert "normalized by CloudWatch" in scale_for("CPUUtilizationNormalized", P4D).note
    text = legend({m: scale_for(m, P4D) for m in ("CPUUtilization", "GPUUtilization", "MemoryUtilization")}, P4D)
    assert "ml.p4d.24xlarge" in text and "÷ 96 vCPUs" in text and "÷ 8 GPUs" in text and "A100" in text
    assert legend({"MemoryUtilization": scale_for("MemoryUtilization", P4D)}, P4D) == ""


def test_a_p4d_grid_shows_percent_per_gpu_and_flags_the_lagging_host_on_that_scale():
    j = job(16, "ml.p4d.24xlarge")
    values = {h: {"CPUUtilization": 2019.8, "GPUUtilization": 736.0, "GPUMemoryUtilization": 623.2,
                  "MemoryUtilization": 40.0, "DiskUtilization": 30.0} for h in j.hosts}
    values[j.hosts[6]]["GPUUtilization"] = 208.0  # algo-7: 26 % per GPU against 92 %
    table = job_host_table(j, j.hosts, store_of(j, values), NOW, facts=P4D)
    row = table.row(j.hosts[0])
    assert row.value("GPUUtilization") == 92.0 and row.value("CPUUtilization") == pytest.approx(2019.8 / 96)
    assert row.value("GPUMemoryUtilization") == pytest.approx(77.9) and row.value("MemoryUtilization") == 40.0
    assert table.summary["GPUUtilization"].median == 92.0
    assert table.scales["GPUUtilization"].suffix == " ×8"
    lag = table.row(j.hosts[6])
    assert [f.kind for f in lag.flags] == [FlagKind.LAGGING_GPU]
    assert "26%" in lag.reason and "92%" in lag.reason  # per GPU, as a person reads it
    assert [r.host for r in table.flagged] == [j.hosts[6]]


def test_the_same_job_without_instance_facts_shows_sums_and_says_so():
    j = job(2, "ml.g99.48xlarge")  # a GPU type newer than any table
    table = job_host_table(j, j.hosts, store_of(j, {h: {"GPUUtilization": 736.0} for h in j.hosts}), NOW, facts=None)
    assert table.row(j.hosts[0]).value("GPUUtilization") == 736.0
    assert table.scales["GPUUtilization"].suffix == " Σ"


def test_host_charts_are_per_device_and_keep_the_raw_sum():
    j = job(4, "ml.p4d.24xlarge")
    values = {h: {"GPUUtilization": 720.0 + 8 * k} for k, h in enumerate(j.hosts)}
    charts = {c.metric.name: c for c in host_charts(j, j.hosts[1], j.hosts, store_of(j, values), NOW, P4D)}
    gpu = charts["GPUUtilization"]
    assert gpu.latest == 91.0 and gpu.raw_latest == 728.0 and gpu.scale.suffix == " ×8"
    assert gpu.median_latest == pytest.approx((728.0 + 736.0) / 2 / 8)
    assert max(v for v in gpu.host if v is not None) <= 100.0


def test_one_host_and_sixty_four_hosts_on_other_instance_types():
    small = job(1, "ml.g4dn.xlarge")
    t1 = job_host_table(small, small.hosts, store_of(small, {small.hosts[0]: {"GPUUtilization": 97.0,
                                                                          "CPUUtilization": 350.0}}), NOW,
                    facts=G4DN)
    assert t1.row(small.hosts[0]).value("GPUUtilization") == 97.0  # one GPU: unchanged
    assert t1.row(small.hosts[0]).value("CPUUtilization") == 87.5  # 350 % over 4 vCPUs
    big = job(64, "ml.m5.4xlarge")
    assert "GPUUtilization" not in [m.name for m in job_metrics(big)]
    t64 = job_host_table(big, big.hosts, store_of(big, {h: {"CPUUtilization": 1200.0} for h in big.hosts}), NOW,
                     facts=M5)
    assert len(t64.rows) == 64 and {r.value("CPUUtilization") for r in t64.rows} == {75.0}
    assert t64.scales["CPUUtilization"].suffix == " ×16"


def test_inventory_facts_prefer_aws_and_fall_back_to_the_table():
    inv = Inventory(jobs=[job(2, "ml.p4d.24xlarge"), job(1, "ml.g4dn.xlarge")])
    assert inv.instance_types() == ["ml.g4dn.xlarge", "ml.p4d.24xlarge"]
    table = inv.facts("ml.p4d.24xlarge")
    assert table == fallback_facts("ml.p4d.24xlarge") and table.source == "table" and table.gpus == 8
    inv.instance_facts["ml.p4d.24xlarge"] = P4D
    assert inv.facts("ml.p4d.24xlarge") is P4D
    assert inv.facts(None) is None and inv.facts("ml.zz9.unknown") is None
