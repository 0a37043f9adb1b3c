"""The metric catalog against the SageMaker CloudWatch metric reference.

The reference file lives beside the project in development checkouts only; the seed test
skips with a reason when it is absent. The structural tests always run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.model import catalog
from tui.model.catalog import CATALOG, Kind, Unit

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "sagemaker-cloudwatch-metrics.txt"
_NAME = re.compile(r"^([A-Z][A-Za-z0-9]+) \|$")


def seed_metrics(text: str) -> list[tuple[str, str]]:
    """(section, metric) for every metric row of the reference's metric tables."""
    out, section, in_metrics = [], "", False
    for line in text.splitlines():
        if line.startswith("Metric | Description"):
            in_metrics = True
            continue
        if line.startswith("Dimension | Description") or line.startswith("Dimensions for"):
            in_metrics = False
            continue
        m = _NAME.match(line.strip())
        if in_metrics and m:
            out.append((section, m.group(1)))
        elif not line.startswith(("-", "|")) and not line.endswith("|") and len(line) > 20:
            section = section if in_metrics else line
    return out


@pytest.mark.seed
def test_every_seed_metric_is_in_the_catalog():
    if not SEED.exists():
        pytest.skip(f"metric reference not present at {SEED} (only in development checkouts)")
    found = seed_metrics(SEED.read_text())
    assert len(found) == 68, found
    names = {m.name for m in CATALOG}
    missing = sorted({n for _, n in found} - names)
    assert not missing, f"metrics in the reference but not in the catalog: {missing}"
    # Metric names repeat across groups (Invocations, CPUUtilizationNormalized): count entries.
    from collections import Counter
    assert Counter(n for _, n in found) == Counter(m.name for m in CATALOG)


@pytest.mark.seed
def test_seed_units_and_stats_match():
    if not SEED.exists():
        pytest.skip(f"metric reference not present at {SEED}")
    text = SEED.read_text()
    for m in CATALOG:
        # Find the metric's description block: from its name row to the next name row.
        blocks = re.findall(rf"^{m.name} \|\n(.*?)(?=^[A-Z][A-Za-z0-9]+ \||^Dimension)", text, re.S | re.M)
        assert blocks, m.name
        units = {u for b in blocks for u in re.findall(r"Units: (\w+)", b)}
        if units:
            assert m.unit.value in units, (m.name, m.unit, units)


def test_catalog_shape():
    assert len(CATALOG) == 68
    assert len({m.group for m in CATALOG}) == 9
    assert {m.group for m in CATALOG} == set(catalog.GROUPS)
    for m in CATALOG:
        assert m.stats, m.name
        assert m.dimensions, m.name
        assert len(m.namespaces) in (1, len(m.kinds)), m.name
        for stat in m.stats:
            # A requested basic statistic must be one the reference lists as valid;
            # percentiles only for latencies (CloudWatch computes them for raw values).
            if stat.startswith("p"):
                assert m.is_latency, (m.name, stat)
            else:
                assert stat in m.valid_stats or "All" in m.valid_stats or m.group == catalog.G_FEATURE_STORE, \
                    (m.name, stat, m.valid_stats)


def test_namespaces_spelled_as_aws_publishes_them():
    nss = {ns for m in CATALOG for ns in m.namespaces}
    assert "AWS/Sagemaker/ModelBuildingPipeline" in nss  # lower-case m, as published
    assert "AWS/SageMaker/ModelBuildingPipeline" not in nss
    assert {"/aws/sagemaker/TrainingJobs", "/aws/sagemaker/ProcessingJobs", "/aws/sagemaker/TransformJobs",
            "/aws/sagemaker/Endpoints", "/aws/sagemaker/InferenceComponents", "AWS/SageMaker",
            "/aws/sagemaker/InferenceRecommendationsJobs"} <= nss
    assert set(catalog.DOCUMENTED_NAMESPACES.values()) <= nss


def test_statistics_follow_the_rules():
    inv = catalog.find("Invocations", group=catalog.G_INVOCATION)
    assert inv.primary_stat == "Sum"
    lat = catalog.find("ModelLatency")
    assert lat.unit is Unit.MICROSECONDS and lat.primary_stat == "Average" and "p99" in lat.stats
    conc = catalog.find("ConcurrentRequestsPerCopy")
    assert conc.valid_stats == ("Minimum", "Maximum") and conc.stats == ("Maximum",)
    assert catalog.find("ExecutionDuration").unit is Unit.MILLISECONDS
    assert catalog.find("TimeSpent").unit is Unit.SECONDS


def test_instance_metrics_per_kind():
    training = {m.name for m in catalog.instance_metrics(Kind.TRAINING_JOB)}
    assert training == {"CPUUtilization", "DiskUtilization", "GPUMemoryUtilization", "GPUUtilization",
                        "MemoryUtilization"}
    transform = {m.name for m in catalog.instance_metrics(Kind.TRANSFORM_JOB)}
    assert "DiskUtilization" not in transform  # not supported for batch transform
    endpoint = {m.name for m in catalog.instance_metrics(Kind.ENDPOINT)}
    assert len(endpoint) == 11
    cpu = catalog.find("CPUUtilization", group=catalog.G_INSTANCE)
    assert cpu.namespace_for(Kind.TRANSFORM_JOB) == "/aws/sagemaker/TransformJobs"
    assert cpu.dimensions_for(Kind.TRAINING_JOB) == ("Host",)
    assert cpu.dimensions_for(Kind.ENDPOINT) == ("EndpointName", "VariantName")
    inv = catalog.find("Invocations", group=catalog.G_INVOCATION)
    assert inv.dimensions_for(Kind.INFERENCE_COMPONENT) == ("InferenceComponentName",)


def test_find_answers_like_a_scan_of_the_catalog():
    def scan(name, group=None, namespace=None):
        return next(m for m in CATALOG if m.name == name and (group is None or m.group == group)
                    and (namespace is None or namespace in m.namespaces))

    for m in CATALOG:
        assert catalog.find(m.name) is scan(m.name)
        assert catalog.find(m.name, m.group) is scan(m.name, m.group)
        for ns in m.namespaces:
            assert catalog.find(m.name, namespace=ns) is scan(m.name, namespace=ns)
    with pytest.raises(KeyError):
        catalog.find("NoSuchMetric")
    with pytest.raises(KeyError):
        catalog.find(CATALOG[0].name, group="no-such-group")
