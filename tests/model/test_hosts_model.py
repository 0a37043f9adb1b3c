"""The host table: rows, latest and recent values, cluster summary, flags and job health."""

from __future__ import annotations

import time

from tui.model.catalog import Kind, find, instance_metrics
from tui.model.health import FlagKind, Level, job_health
from tui.model.hosts import build_host_table, host_label
from tui.model.resources import default_hosts
from tui.model.series import Series

NOW = 1_800_000_000 - 1_800_000_000 % 60 + 25  # 25 s into a minute
END = NOW - NOW % 60
METRICS = instance_metrics(Kind.TRAINING_JOB)
NAMES = [m.name for m in METRICS]


def series(values: list[float | None], period: int = 60, end: int = END) -> Series:
    """A series whose last value sits at ``end``; ``None`` leaves a gap."""
    s = Series(period=period, window=3 * 3600)
    n = len(values)
    ts = [end - (n - 1 - i) * period for i, v in enumerate(values) if v is not None]
    s.merge(ts, [v for v in values if v is not None])
    return s


def cluster(n: int = 16):
    """16 busy hosts; algo-7 lags on GPU, algo-12's disk is 96 % full."""
    hosts = default_hosts(Kind.TRAINING_JOB, "bert-pretrain", n)
    data: dict[tuple[str, str], Series] = {}
    for i, h in enumerate(hosts, start=1):
        gpu = 31.0 if i == 7 else 88.0 + (i % 5)          # 88..92; the median of the others is 90
        data[h, "GPUUtilization"] = series([gpu] * 30)
        data[h, "CPUUtilization"] = series([400.0 + i] * 30)
        data[h, "MemoryUtilization"] = series([60.0] * 30)
        data[h, "GPUMemoryUtilization"] = series([70.0] * 30)
        data[h, "DiskUtilization"] = series([40.0] * 29 + [96.0 if i == 12 else 41.0])
    return hosts, data


def build(hosts, data, **kw):
    return build_host_table(hosts, METRICS, lambda h, m: data.get((h, m.name)), NOW, **kw)


def test_rows_labels_latest_recent_and_summary():
    hosts, data = cluster()
    table = build(hosts, data)
    assert table.hosts == hosts and table.period == 60 and table.points == 30
    row = table.row("bert-pretrain/algo-3")
    assert row.label == "algo-3"
    assert row.latest["GPUUtilization"] == 91.0
    assert row.recent["GPUUtilization"] == [91.0] * 30
    assert row.last_seen == END
    cpu = table.summary["CPUUtilization"]
    assert (cpu.min, cpu.median, cpu.max, cpu.reporting) == (401.0, 408.5, 416.0, 16)
    gpu = table.summary["GPUUtilization"]
    assert (gpu.min, gpu.max) == (31.0, 92.0)
    disk = table.summary["DiskUtilization"]
    assert (disk.min, disk.median, disk.max) == (41.0, 41.0, 96.0)


def test_flags_on_16_hosts():
    hosts, data = cluster()
    table = build(hosts, data)
    flagged = {r.label: [(f.kind, f.reason) for f in r.flags] for r in table.flagged}
    assert flagged == {
        "algo-7": [(FlagKind.LAGGING_GPU, "lagging GPU: 31% vs cluster median 90%")],
        "algo-12": [(FlagKind.DISK_FULL, "disk 96% full")],
    }
    assert table.row("bert-pretrain/algo-12").level is Level.CRIT
    assert table.level is Level.CRIT
    jh = job_health("InProgress", table)
    assert jh.level is Level.CRIT and jh.flagged_hosts == 2
    assert jh.reason == "algo-12: disk 96% full (+1 more host)"
    assert build(hosts, data, assess=False).flagged == []


def test_stale_host_and_missing_series():
    hosts, data = cluster(4)
    # algo-2 stopped 7 minutes ago in every metric; algo-3 never published GPU metrics
    for name in NAMES:
        data[hosts[1], name] = series([50.0] * 10, end=END - 420)
    del data[hosts[2], "GPUUtilization"]
    table = build(hosts, data)
    stale = table.row(hosts[1])
    assert stale.last_seen == END - 420
    assert stale.latest["GPUUtilization"] == 50.0   # still inside the 30-minute window
    assert stale.flags[0].reason == "no data for 7m" and stale.flags[0].level is Level.CRIT
    third = table.row(hosts[2])
    assert third.latest["GPUUtilization"] is None
    assert third.recent["GPUUtilization"] == [None] * 30
    assert table.summary["GPUUtilization"].reporting == 3


def test_points_older_than_the_window_still_give_last_seen():
    hosts = ["job/algo-1", "job/algo-2"]
    data = {(h, n): series([50.0] * 5) for h in hosts for n in NAMES}
    for n in NAMES:
        data["job/algo-2", n] = series([50.0] * 5, end=END - 3600)
    table = build(hosts, data)
    row = table.row("job/algo-2")
    assert row.latest == {n: None for n in NAMES}
    assert row.last_seen == END - 3600
    assert row.flags[0].reason == "no data for 1h 00m"


def test_one_host_all_idle_and_empty():
    table = build(["job/algo-1"], {("job/algo-1", n): series([0.0] * 30) for n in NAMES})
    assert table.flagged == []
    s = table.summary["GPUUtilization"]
    assert (s.min, s.median, s.max, s.reporting) == (0.0, 0.0, 0.0, 1)
    empty = build(["job/algo-1", "job/algo-2"], {})
    assert empty.flagged == [] and empty.period == 60
    assert empty.summary["GPUUtilization"].median is None
    assert empty.rows[0].last_seen is None
    nobody = build([], {})
    assert nobody.rows == [] and nobody.level is Level.OK
    assert job_health("InProgress", nobody).level is Level.OK


def test_nan_points_are_missing():
    hosts = ["job/algo-1", "job/algo-2"]
    data = {(h, n): series([50.0] * 30) for h in hosts for n in NAMES}
    data["job/algo-1", "GPUUtilization"] = series([70.0] * 28 + [float("nan"), float("nan")])
    table = build(hosts, data)
    assert table.row("job/algo-1").latest["GPUUtilization"] == 70.0
    assert table.summary["GPUUtilization"].max == 70.0


def test_labels_stay_unique_and_transform_hosts():
    assert host_label("bert-pretrain/algo-7") == "algo-7"
    assert host_label("xform/i-0abc123") == "i-0abc123"
    assert host_label("plain") == "plain"
    assert host_label("job/a/b") == "a/b"
    table = build(["a/algo-1", "b/algo-1", "a/algo-2"], {})
    assert [r.label for r in table.rows] == ["a/algo-1", "b/algo-1", "algo-2"]


def test_job_health_failed_and_ok():
    hosts, data = cluster(4)
    table = build(hosts, data)
    assert job_health("Completed", table).level is Level.OK
    jh = job_health("Failed", table, failure_reason="AlgorithmError: CUDA out of memory")
    assert (jh.level, jh.reason) == (Level.CRIT, "failed: AlgorithmError: CUDA out of memory")
    assert job_health("Failed").reason == "failed"


def test_build_256_hosts_11_metrics_180_points_is_fast():
    metrics = instance_metrics(Kind.ENDPOINT)
    assert len(metrics) == 11 and find("GPUUtilization", "Job and endpoint instance") in metrics
    hosts = default_hosts(Kind.TRAINING_JOB, "big", 256)
    ts = [END - (179 - i) * 60 for i in range(180)]
    data = {}
    for k, h in enumerate(hosts):
        for j, m in enumerate(metrics):
            s = Series(60, 3 * 3600)
            s.merge(ts, [float((k * 7 + j * 13 + i) % 100) for i in range(180)])
            data[h, m.name] = s
    fn = lambda h, m: data.get((h, m.name))  # noqa: E731
    best = min(_timed(lambda: build_host_table(hosts, metrics, fn, NOW)) for _ in range(3))
    # generous bound for a shared 2-core machine; bench/grid_256.py reports the real number
    assert best < 0.25, best


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t
