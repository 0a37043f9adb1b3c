"""Value generators for the demo fleet: pure, deterministic functions of (seed, key, time).

Nothing here keeps state or talks to AWS. Every random-looking number comes from a
counter-based hash of a series seed and a time, so the same seed and time give the same
value on every run and in any order (backfill and live publishing agree).

Times are UNIX seconds of the *scenario* clock (see :mod:`tui.demo.clock`).
"""

from __future__ import annotations

import math
import zlib

_MASK = (1 << 64) - 1
DAY = 86400.0

#: Quantiles at which a latency distribution is sampled for one publishing period. Kept
#: short on purpose: each sample becomes a stored value in the local CloudWatch. With equal
#: weights the nearest-rank p50 of one period is the 0.5 quantile and p99 the 0.99 one.
LATENCY_QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9, 0.99)


# -- deterministic noise -----------------------------------------------------------------------
def series_seed(seed: int, *parts: object) -> int:
    """A 64-bit seed for one series from the fleet seed and any identifying parts."""
    raw = "\x1f".join([str(seed), *map(str, parts)]).encode()
    return (zlib.crc32(raw) << 32 | zlib.adler32(raw)) & _MASK


def _mix(x: int) -> int:
    """splitmix64 finaliser: a bijective avalanche of a 64-bit integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def uniform(key: int, t: float, salt: int = 0) -> float:
    """A uniform number in [0, 1) for series ``key`` at time ``t`` (whole seconds).

    Python's tuple hash of integers (deterministic, unlike string hashing) does the heavy
    mixing in C; one multiply-xorshift round removes what correlation is left between
    neighbouring keys, times and salts.
    """
    h = hash((key, int(t), salt)) & _MASK
    h = ((h ^ (h >> 31)) * 0xBF58476D1CE4E5B9) & _MASK
    return (h ^ (h >> 29)) / 18446744073709551616.0


def normal(key: int, t: float, salt: int = 0) -> float:
    """A standard normal number (Box-Muller) for series ``key`` at time ``t``."""
    u1 = uniform(key, t, salt * 2 + 1) or 1e-12
    u2 = uniform(key, t, salt * 2 + 2)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def smooth_noise(key: int, t: float, scale: float = 600.0) -> float:
    """Slowly varying noise in [-1, 1]: cosine interpolation between random knots."""
    x = t / scale
    i = math.floor(x)
    f = x - i
    a = uniform(key, i, 77) * 2 - 1
    b = uniform(key, i + 1, 77) * 2 - 1
    w = (1 - math.cos(math.pi * f)) / 2
    return a + (b - a) * w


# -- shapes ------------------------------------------------------------------------------------
def clamp(v: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return lo if v < lo else hi if v > hi else v


def diurnal(t: float, peak_hour_utc: float = 16.0, amplitude: float = 0.45) -> float:
    """A daily traffic factor in [1 - amplitude, 1 + amplitude], highest at ``peak_hour_utc``."""
    hour = (t % DAY) / 3600.0
    return 1.0 + amplitude * math.cos(2.0 * math.pi * (hour - peak_hour_utc) / 24.0)


def ramp(t: float, t0: float, t1: float, v0: float, v1: float) -> float:
    """``v0`` before ``t0``, ``v1`` after ``t1``, linear in between."""
    if t <= t0:
        return v0
    if t >= t1:
        return v1
    return v0 + (v1 - v0) * (t - t0) / (t1 - t0)


def smoothstep(t: float, t0: float, t1: float) -> float:
    """0 before ``t0``, 1 after ``t1``, an S-curve in between."""
    if t <= t0:
        return 0.0
    if t >= t1:
        return 1.0
    x = (t - t0) / (t1 - t0)
    return x * x * (3 - 2 * x)


def request_count(key: int, t: float, per_minute: float, period: float = 60.0,
                  amplitude: float = 0.45, peak_hour_utc: float = 16.0) -> int:
    """Requests in one period: a diurnal mean with slow drift and Poisson-like jitter."""
    if per_minute <= 0:
        return 0
    mean = per_minute * period / 60.0 * diurnal(t, peak_hour_utc, amplitude)
    mean *= 1.0 + 0.12 * smooth_noise(key, t, 900.0)
    jitter = normal(key, t, 3) * math.sqrt(max(mean, 1.0))
    return max(0, int(round(mean + jitter)))


def load_factor(t: float, amplitude: float = 0.45, peak_hour_utc: float = 16.0) -> float:
    """Load relative to the daily peak, in (0, 1]."""
    return diurnal(t, peak_hour_utc, amplitude) / (1.0 + amplitude)


def utilization(key: int, t: float, level: float, spread: float = 3.0, drift: float = 0.0,
                hi: float = 100.0) -> float:
    """A utilization percentage around ``level`` with drift (slow) and jitter (fast)."""
    v = level + drift * smooth_noise(key, t, 1200.0) + spread * normal(key, t, 5)
    return round(clamp(v, 0.0, hi), 2)


def latency_samples(key: int, t: float, median: float, load: float, tail: float = 1.0,
                    quantiles: tuple[float, ...] = LATENCY_QUANTILES) -> list[float]:
    """Latency values at fixed quantiles of a log-normal whose tail widens with load.

    ``median`` is the latency at light load (any unit); ``load`` in [0, 1] raises both the
    median (queueing) and the spread; ``tail`` multiplies the spread (a slow endpoint).
    Returned values are sorted ascending and rounded to whole units.
    """
    sigma = (0.22 + 0.45 * max(0.0, load - 0.55) ** 1.5) * tail
    mu = math.log(median * (1.0 + 0.35 * load * load)) + 0.04 * normal(key, t, 11)
    zs = _Z.get(quantiles)
    if zs is None:
        zs = _Z[quantiles] = tuple(_probit(q) for q in quantiles)
    out = [float(round(math.exp(mu + sigma * z) * (0.96 + 0.08 * uniform(key, t, 13 + i))))
           for i, z in enumerate(zs)]
    out.sort()
    return out


def loss_curve(progress: float, key: int, t: float, start: float = 2.6, floor: float = 0.18) -> float:
    """A training loss that decays with ``progress`` (0..1) towards ``floor``, with noise."""
    p = clamp(progress, 0.0, 1.0)
    base = floor + (start - floor) * math.exp(-4.2 * p) + 0.08 * (1 - p) * math.exp(-30 * p)
    return round(base * (1.0 + 0.025 * normal(key, t, 17)), 4)


def accuracy_curve(progress: float, key: int, t: float, start: float = 0.42, ceiling: float = 0.93) -> float:
    """A validation accuracy that rises with ``progress`` (0..1) towards ``ceiling``."""
    p = clamp(progress, 0.0, 1.0)
    base = ceiling - (ceiling - start) * math.exp(-3.6 * p)
    return round(clamp(base + 0.006 * normal(key, t, 19), 0.0, 1.0), 4)


def error_fraction(t: float, start: float, rise: float, base: float, peak: float) -> float:
    """A 5XX fraction: ``base`` before ``start``, then an S-curve up to ``peak`` over ``rise``."""
    return base + (peak - base) * smoothstep(t, start, start + rise)


def split_counts(total: int, weights: list[float]) -> list[int]:
    """Split an integer ``total`` by ``weights`` exactly (largest remainder)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    s = sum(weights) or 1.0
    raw = [total * w / s for w in weights]
    out = [int(r) for r in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


def binomial(key: int, t: float, n: int, p: float, salt: int = 0) -> int:
    """A deterministic approximately binomial count of ``n`` trials with probability ``p``."""
    if n <= 0 or p <= 0:
        return 0
    mean = n * p
    sd = math.sqrt(max(mean * (1 - p), 0.0))
    return int(clamp(round(mean + sd * normal(key, t, 23 + salt)), 0, n))


# -- helpers -----------------------------------------------------------------------------------
_Z: dict[tuple[float, ...], tuple[float, ...]] = {}


def _probit(p: float) -> float:
    """Inverse of the standard normal CDF (Acklam's rational approximation)."""
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    lo = 0.02425
    if p < lo:
        q = math.sqrt(-2 * math.log(p))
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    if p > 1 - lo:
        q = math.sqrt(-2 * math.log(1 - p))
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    q = p - 0.5
    r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (``p`` in 0..100)."""
    if not values:
        raise ValueError("no values")
    s = sorted(values)
    k = max(1, math.ceil(p / 100.0 * len(s)))
    return s[min(k, len(s)) - 1]
