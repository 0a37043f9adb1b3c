"""What one simulated datum carries (a sample) and the PutMetricData datum made of it.

A sample is one of

    ("v", value)                         one value
    ("s", count, sum, minimum, maximum)  a statistic set
    ("vc", values, counts)               raw values with counts
"""

from __future__ import annotations


Sample = tuple


def v(x: float) -> Sample:
    return ("v", float(x))


def flags(n: int, k: int) -> Sample:
    """``k`` of ``n`` requests flagged (errors, cache hits): 0/1 samples as a statistic set."""
    return ("s", float(n), float(k), 0.0 if k < n else 1.0, 1.0 if k > 0 else 0.0)


def ones(n: int) -> Sample:
    """``n`` events each counted once (Sum = SampleCount = n)."""
    return ("s", float(n), float(n), 1.0, 1.0)


def values(xs: list[float], counts: list[float] | None = None) -> Sample:
    return ("vc", [float(x) for x in xs], [float(c) for c in (counts or [1.0] * len(xs))])


def merge(a: Sample, b: Sample) -> Sample:
    """Two samples of the same series and period as one (for roll-up dimension sets)."""
    if a[0] == "s" and b[0] == "s":
        return ("s", a[1] + b[1], a[2] + b[2], min(a[3], b[3]), max(a[4], b[4]))
    if a[0] == "s" or b[0] == "s":  # mixed statistic set and values: keep a statistic set
        sa, sb = as_stats(a), as_stats(b)
        return ("s", sa[0] + sb[0], sa[1] + sb[1], min(sa[2], sb[2]), max(sa[3], sb[3]))
    va, ca = as_values(a)
    vb, cb = as_values(b)
    return ("vc", va + vb, ca + cb)


def as_values(s: Sample) -> tuple[list[float], list[float]]:
    if s[0] == "v":
        return [s[1]], [1.0]
    return list(s[1]), list(s[2])


def as_stats(s: Sample) -> tuple[float, float, float, float]:
    """(count, sum, min, max)."""
    if s[0] == "s":
        return s[1], s[2], s[3], s[4]
    vals, counts = as_values(s)
    return sum(counts), sum(x * c for x, c in zip(vals, counts)), min(vals), max(vals)


_DIMENSIONS: dict[tuple, list[dict]] = {}


def to_datum(name: str, dims: tuple[tuple[str, str], ...], ts: float, sample: Sample, unit: str,
             high_resolution: bool = False) -> dict:
    """A PutMetricData datum in boto3's shape."""
    dl = _DIMENSIONS.get(dims)
    if dl is None:  # shared between datums of the same series: botocore only reads it
        dl = _DIMENSIONS[dims] = [{"Name": k, "Value": val} for k, val in dims]
    d: dict = {"MetricName": name, "Dimensions": dl, "Timestamp": int(ts), "Unit": unit}
    kind = sample[0]
    if kind == "v":
        d["Value"] = sample[1]
    elif kind == "s":
        d["StatisticValues"] = {"SampleCount": sample[1], "Sum": sample[2], "Minimum": sample[3],
                                "Maximum": sample[4]}
    else:
        d["Values"] = sample[1]
        d["Counts"] = sample[2]
    if high_resolution:
        d["StorageResolution"] = 1
    return d
