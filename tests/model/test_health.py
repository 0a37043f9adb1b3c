"""The health rules on synthetic numbers: each threshold, edge cases, job and endpoint levels."""

from __future__ import annotations

import pytest

from tui.model import health
from tui.model.catalog import Unit
from tui.model.health import (
    FlagKind,
    Level,
    disk_flag,
    endpoint_flags,
    error_level,
    error_rate,
    lagging_gpu_flags,
    latency_level,
    memory_flag,
    metric_level,
    recent_mean,
    stale_flags,
    worst,
)

NAN = float("nan")


def gpu_cluster(n: int, busy: float = 91.0, **overrides: list[float | None]):
    data = {f"job/algo-{i}": [busy] * 10 for i in range(1, n + 1)}
    data.update(overrides)
    return data


def test_lagging_host_among_16():
    flags = lagging_gpu_flags(gpu_cluster(16, **{"job/algo-7": [31.0] * 10}))
    assert list(flags) == ["job/algo-7"]
    f = flags["job/algo-7"]
    assert f.reason == "lagging GPU: 31% vs cluster median 91%"
    assert f.kind is FlagKind.LAGGING_GPU and f.level is Level.WARN and f.metric == "GPUUtilization"


def test_lag_thresholds_ratio_or_points():
    # 30 points below a median of 91 is 61: 60 lags, 62 does not (50 % of 91 is 45.5)
    assert "job/algo-1" in lagging_gpu_flags(gpu_cluster(8, **{"job/algo-1": [60.0] * 5}))
    assert lagging_gpu_flags(gpu_cluster(8, **{"job/algo-1": [62.0] * 5})) == {}
    # median 55: the ratio rule (27.5) is below the points rule (25), so 26 lags by ratio
    assert "job/algo-1" in lagging_gpu_flags(gpu_cluster(8, busy=55.0, **{"job/algo-1": [26.0] * 5}))


def test_idle_cluster_lags_nobody():
    assert lagging_gpu_flags(gpu_cluster(16, busy=20.0, **{"job/algo-3": [0.0] * 10})) == {}
    assert lagging_gpu_flags(gpu_cluster(4, busy=0.0)) == {}


def test_single_host_and_two_hosts():
    assert lagging_gpu_flags({"job/algo-1": [5.0] * 10}) == {}
    flags = lagging_gpu_flags({"job/algo-1": [91.0] * 10, "job/algo-2": [31.0] * 10})
    assert list(flags) == ["job/algo-2"]  # compared with its peer, not with a median it drags down


def test_lag_uses_recent_points_and_ignores_missing_and_nan():
    # an old dip does not count; the last 5 present points do
    recovered = [10.0] * 5 + [90.0] * 5
    assert lagging_gpu_flags(gpu_cluster(8, **{"job/algo-1": recovered})) == {}
    # trailing gaps (CloudWatch delay) and NaN are skipped
    late = [30.0] * 6 + [NAN, None, None, None]
    assert "job/algo-1" in lagging_gpu_flags(gpu_cluster(8, **{"job/algo-1": late}))
    # a host with fewer than 2 recent points is not judged
    assert lagging_gpu_flags(gpu_cluster(8, **{"job/algo-1": [None] * 9 + [5.0]})) == {}
    assert recent_mean([None] * 8 + [2.0, 4.0]) == 3.0
    assert recent_mean([1.0, None, None, None, None, None, None, None, None]) is None


def test_multi_gpu_hosts_scale_the_point_threshold():
    # 8 GPUs: CloudWatch sums 0-100 % per GPU. 680 of 720 is not lagging ...
    cluster = gpu_cluster(8, busy=720.0, **{"job/algo-1": [680.0] * 5})
    assert lagging_gpu_flags(cluster) == {}
    # ... 300 is (below 50 % of the median)
    cluster = gpu_cluster(8, busy=720.0, **{"job/algo-1": [300.0] * 5})
    assert lagging_gpu_flags(cluster)["job/algo-1"].reason == "lagging GPU: 300% vs cluster median 720%"


def test_disk_full_and_filling():
    f = disk_flag("h", [50.0] * 9 + [96.0])
    assert f.reason == "disk 96% full" and f.level is Level.CRIT and f.kind is FlagKind.DISK_FULL
    assert disk_flag("h", [91.0, None]).level is Level.WARN
    assert disk_flag("h", [89.9] * 10) is None
    # +2 points a minute from 60 %: full in ~20 minutes (within 30)
    rising = [42.0 + 2 * i for i in range(10)]
    f = disk_flag("h", rising, period=60)
    assert f.kind is FlagKind.DISK_FILLING and f.reason == "disk 60% full, filling: full in ~20m"
    # the same growth per 5-minute period is 0.4/min: 100 minutes away, not flagged
    assert disk_flag("h", rising, period=300) is None
    assert disk_flag("h", [70.0] * 10) is None                     # flat
    assert disk_flag("h", [None] * 10) is None                     # no data
    assert disk_flag("h", [NAN, 50.0, NAN]) is None                # NaN is missing
    assert disk_flag("h", [80.0, 85.0]) is None                    # too few points for a trend


def test_memory_flag():
    assert memory_flag("h", 97.2).reason == "memory 97% used"
    assert memory_flag("h", 94.9) is None
    assert memory_flag("h", None) is None
    assert memory_flag("h", NAN) is None


def test_stale_only_while_peers_report():
    now = 10_000
    seen = {"a": now - 60, "b": now - 420, "c": None}
    flags = stale_flags(seen, now, window=1800)
    assert flags["b"].reason == "no data for 7m" and flags["b"].level is Level.CRIT
    assert flags["c"].reason == "no data in the last 30m"
    assert "a" not in flags
    # exactly STALE_SECONDS is stale; one second less is not
    assert "b" in stale_flags({"a": now, "b": now - health.STALE_SECONDS}, now)
    assert stale_flags({"a": now, "b": now - health.STALE_SECONDS + 1}, now) == {}
    # a finished job: nobody reports, nobody is flagged
    assert stale_flags({"a": now - 3600, "b": None}, now) == {}
    assert stale_flags({"a": now - 3600}, now) == {}


def test_metric_level_for_colours():
    assert metric_level("DiskUtilization", 96) is Level.CRIT
    assert metric_level("DiskUtilization", 85) is Level.WARN
    assert metric_level("DiskUtilization", 50) is Level.OK
    assert metric_level("MemoryUtilization", 96) is Level.CRIT
    assert metric_level("GPUUtilizationNormalized", 90) is Level.WARN
    assert metric_level("GPUUtilization", 700) is Level.OK   # per-GPU sums: judged against peers
    assert metric_level("DiskUtilization", None) is Level.OK


def test_worst():
    assert worst([]) is Level.OK
    assert worst([Level.WARN, Level.OK]) is Level.WARN
    assert worst([Level.WARN, Level.CRIT, Level.OK]) is Level.CRIT


@pytest.mark.parametrize("errors, invocations, rate, level", [
    (0, 1000, 0.0, Level.OK),
    (5, 1000, 0.5, Level.OK),
    (10, 1000, 1.0, Level.WARN),
    (50, 1000, 5.0, Level.CRIT),
    (3, 0, None, Level.OK),
    (None, 100, None, Level.OK),
])
def test_error_rate_levels(errors, invocations, rate, level):
    assert error_rate(errors, invocations) == rate
    assert error_level(error_rate(errors, invocations)) is level


def test_latency_levels():
    assert latency_level(999_000, Unit.MICROSECONDS) is Level.OK
    assert latency_level(1_000_000, Unit.MICROSECONDS) is Level.WARN
    assert latency_level(5_000_000, Unit.MICROSECONDS) is Level.CRIT
    assert latency_level(1200, Unit.MILLISECONDS) is Level.WARN
    assert latency_level(None) is Level.OK
    with pytest.raises(ValueError):
        latency_level(1.0, Unit.PERCENT)


def test_endpoint_flags():
    flags = endpoint_flags(invocations=1234, errors_5xx=77, p99_latency=1_500_000)
    assert [(f.kind, f.level, f.reason) for f in flags] == [
        (FlagKind.ERROR_RATE, Level.CRIT, "5XX errors 6.2% of 1,234 requests"),
        (FlagKind.LATENCY, Level.WARN, "p99 latency 1,500 ms"),
    ]
    assert endpoint_flags(0, 0, None) == []
