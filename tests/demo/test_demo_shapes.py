"""Pure tests of the demo's value generators: deterministic, bounded, diurnal, shaped."""

from __future__ import annotations

import math
import statistics

import pytest

from tui.demo import shapes

DAY = 86400
T = 1_764_000_000  # a fixed instant (UTC)


def test_uniform_is_deterministic_and_spread():
    k = shapes.series_seed(7, "endpoint", "variant")
    xs = [shapes.uniform(k, T + 60 * i) for i in range(5000)]
    assert xs == [shapes.uniform(k, T + 60 * i) for i in range(5000)]
    assert all(0.0 <= x < 1.0 for x in xs)
    assert abs(statistics.mean(xs) - 0.5) < 0.02
    assert abs(statistics.pstdev(xs) - math.sqrt(1 / 12)) < 0.01
    # neighbouring times, salts and keys are not correlated
    ys = [shapes.uniform(k, T + 60 * i, 1) for i in range(5000)]
    zs = [shapes.uniform(k + 1, T + 60 * i) for i in range(5000)]
    assert abs(statistics.correlation(xs, ys)) < 0.05
    assert abs(statistics.correlation(xs, zs)) < 0.05
    assert abs(statistics.correlation(xs[:-1], xs[1:])) < 0.05


def test_seed_changes_values():
    a = shapes.series_seed(7, "x")
    b = shapes.series_seed(8, "x")
    assert a != b
    assert [shapes.uniform(a, T + i) for i in range(10)] != [shapes.uniform(b, T + i) for i in range(10)]
    assert shapes.series_seed(7, "x") == a  # stable across calls (not Python's salted str hash)


def test_normal_has_unit_variance():
    k = shapes.series_seed(1, "n")
    xs = [shapes.normal(k, T + i) for i in range(4000)]
    assert abs(statistics.mean(xs)) < 0.07
    assert abs(statistics.pstdev(xs) - 1.0) < 0.07


def test_smooth_noise_is_bounded_and_slow():
    k = shapes.series_seed(1, "s")
    xs = [shapes.smooth_noise(k, T + 60 * i, 600) for i in range(600)]
    assert all(-1.0 <= x <= 1.0 for x in xs)
    steps = [abs(a - b) for a, b in zip(xs, xs[1:])]
    assert max(steps) < 0.5  # no jumps between neighbouring minutes


def test_diurnal_peaks_at_the_peak_hour():
    day0 = T - T % DAY
    peak = shapes.diurnal(day0 + 16 * 3600, peak_hour_utc=16, amplitude=0.45)
    trough = shapes.diurnal(day0 + 4 * 3600, peak_hour_utc=16, amplitude=0.45)
    assert peak == pytest.approx(1.45)
    assert trough == pytest.approx(0.55)
    hours = [shapes.diurnal(day0 + h * 3600) for h in range(24)]
    assert max(hours) == hours[16]
    assert all(0.55 - 1e-9 <= v <= 1.45 + 1e-9 for v in hours)
    assert shapes.load_factor(day0 + 16 * 3600) == pytest.approx(1.0)


def test_request_count_follows_the_day_and_is_never_negative():
    k = shapes.series_seed(7, "req")
    day0 = T - T % DAY
    busy = [shapes.request_count(k, day0 + 16 * 3600 + 60 * i, 1000) for i in range(60)]
    quiet = [shapes.request_count(k, day0 + 4 * 3600 + 60 * i, 1000) for i in range(60)]
    assert statistics.mean(busy) > 2 * statistics.mean(quiet)
    assert all(isinstance(n, int) and n >= 0 for n in busy + quiet)
    assert shapes.request_count(k, T, 0) == 0


def test_utilization_is_bounded():
    k = shapes.series_seed(3, "u")
    for level in (-20, 0, 50, 99, 130):
        for i in range(200):
            u = shapes.utilization(k, T + 60 * i, level, spread=8, drift=5)
            assert 0.0 <= u <= 100.0
    vals = [shapes.utilization(k, T + 60 * i, 92, 2, 2) for i in range(300)]
    assert 88 < statistics.mean(vals) < 96


def test_latency_samples_sorted_positive_and_tail_grows_with_load():
    k = shapes.series_seed(5, "lat")
    light = shapes.latency_samples(k, T, 20_000, load=0.3)
    heavy = shapes.latency_samples(k, T, 20_000, load=1.0)
    assert light == sorted(light) and heavy == sorted(heavy)
    assert all(x > 0 for x in light + heavy)
    assert len(light) == len(shapes.LATENCY_QUANTILES)
    assert heavy[-1] / heavy[len(heavy) // 2] > light[-1] / light[len(light) // 2]  # wider tail
    assert heavy[len(heavy) // 2] > light[len(light) // 2]  # queueing raises the median
    assert 12_000 < light[len(light) // 2] < 30_000
    assert shapes.latency_samples(k, T, 20_000, 0.5) == shapes.latency_samples(k, T, 20_000, 0.5)


def test_ramp_and_smoothstep():
    assert shapes.ramp(0, 10, 20, 1, 3) == 1
    assert shapes.ramp(15, 10, 20, 1, 3) == 2
    assert shapes.ramp(25, 10, 20, 1, 3) == 3
    xs = [shapes.smoothstep(t, 0, 100) for t in range(-10, 111)]
    assert xs[0] == 0.0 and xs[-1] == 1.0
    assert all(a <= b for a, b in zip(xs, xs[1:]))


def test_loss_falls_and_accuracy_rises_with_progress():
    k = shapes.series_seed(7, "algo")
    losses = [shapes.loss_curve(p / 20, k, T + p) for p in range(21)]
    accs = [shapes.accuracy_curve(p / 20, k, T + p) for p in range(21)]
    assert losses[0] > 2.0 and losses[-1] < 0.4
    assert statistics.mean(losses[:5]) > statistics.mean(losses[5:10]) > statistics.mean(losses[-5:])
    assert accs[-1] > accs[0]
    assert all(0 <= a <= 1 for a in accs)


def test_error_fraction_rises_from_base_to_peak():
    assert shapes.error_fraction(0, 100, 50, 0.001, 0.2) == 0.001
    mid = shapes.error_fraction(125, 100, 50, 0.001, 0.2)
    assert 0.001 < mid < 0.2
    assert shapes.error_fraction(1000, 100, 50, 0.001, 0.2) == pytest.approx(0.2)


def test_split_counts_is_exact():
    assert sum(shapes.split_counts(1001, [0.8, 0.2])) == 1001
    assert shapes.split_counts(10, [1, 1]) == [5, 5]
    assert shapes.split_counts(0, [1, 2]) == [0, 0]
    assert sum(shapes.split_counts(7, [1, 1, 1])) == 7


def test_binomial_is_bounded_and_near_its_mean():
    k = shapes.series_seed(2, "b")
    xs = [shapes.binomial(k, T + i, 1000, 0.05) for i in range(500)]
    assert all(0 <= x <= 1000 for x in xs)
    assert 45 < statistics.mean(xs) < 55
    assert shapes.binomial(k, T, 0, 0.5) == 0
    assert shapes.binomial(k, T, 10, 0.0) == 0


def test_percentile_is_nearest_rank():
    xs = [float(i) for i in range(1, 101)]
    assert shapes.percentile(xs, 50) == 50
    assert shapes.percentile(xs, 99) == 99
    assert shapes.percentile(xs, 100) == 100
    assert shapes.percentile([3.0], 99) == 3.0
    with pytest.raises(ValueError):
        shapes.percentile([], 50)
