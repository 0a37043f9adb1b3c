"""Every one of the catalog's 68 metrics, walked to the screen that shows it, against CloudWatch.

``test_catalog_reach`` proves each catalog entry is planned by some screen; this walks each
entry to the screen a person opens for it on the demo fleet (Pilot, one app per screen,
every metric of that screen checked), finds its label on the screen and reads back the value
drawn there (a table cell or a fact, parsed back from its text), and compares it with a
plain boto3 GetMetricData query of the same series, statistic and period (60 s), reduced the
way the screen says it reduces (the newest minute, per minute over the 5 minutes ending at
the newest point, over the window...). The comparison allows the display's rounding. Where
CloudWatch holds no point for the series (or none recent enough for a "newest" figure), the
screen must say so ("–" or "none") and boto3 must agree. Every catalog entry has exactly
one probe here: a metric added to the catalog without a screen fails the coverage test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import pytest

from screen_walk import WalkApp, visit
from test_endpoint_screens import demo_env, gmd, screen_text
from tui.model import catalog as cat
from tui.model.catalog import Unit

SIZE = (240, 100)
FRESH = 900  # a "newest" figure older than this is not shown (tui.model.readings.FRESH)
WINDOW = 3600  # the demo's window (1h)


@pytest.fixture(scope="module")
def env(shared_demo, shared_demo_clients):
    return demo_env(shared_demo, shared_demo_clients)


# -- reading back what the screen drew -------------------------------------------------------------

_UNITS = {"µs": 1e-6, "ms": 1e-3, "s": 1.0}
_NUMBER = re.compile(r"^-?[\d,]*\.?\d+(e[-+]?\d+)?")


def parse(text: str) -> tuple[float, float]:
    """(value, half the last shown digit) of a figure as the formatters write it: ``"1,234"``,
    ``"0.873"``, ``"12.3%"``, ``"92.0%×8"`` (the mean per device), ``"12.3/min"``, ``"45.2 ms"``,
    ``"812 µs"``, ``"2.5 s"``, ``"3m 05s"``, ``"2h 05m"``; latencies and durations in seconds."""
    t = text.strip()
    if m := re.fullmatch(r"(\d+)([hm]) (\d+)([ms])", t):  # durations: "3m 05s", "2h 05m"
        big, small = {"h": 3600, "m": 60}[m[2]], {"m": 60, "s": 1}[m[4]]
        return int(m[1]) * big + int(m[3]) * small, small / 2
    t = t.split("×")[0].removesuffix("/min").removesuffix("%").strip()
    scale = 1.0
    for suffix, factor in _UNITS.items():
        if t.endswith(" " + suffix):
            t, scale = t[: -len(suffix) - 1], factor
    number = _NUMBER.match(t)
    assert number and number.group() == t, f"not a figure: {text!r}"
    digits = t.replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits and "e" not in digits else 0
    return float(digits) * scale, 0.5 * 10 ** -decimals * scale


def devices(text: str) -> int:
    """The device count a per-device cell divides by (``"92.0%×8"`` → 8; 1 for a plain value)."""
    return int(text.split("×")[1]) if "×" in text else 1


# -- CloudWatch through plain boto3, reduced as each screen says --------------------------------------

Points = list[tuple[datetime, float]]


def newest(points: Points) -> float | None:
    """The newest point (None when it is older than a screen shows as current)."""
    if not points or (datetime.now(timezone.utc) - points[-1][0]).total_seconds() > FRESH:
        return None
    return points[-1][1]


def newest_any(points: Points) -> float | None:
    return points[-1][1] if points else None


def recent_sum(points: Points) -> float | None:
    """Sum over the 5 minutes ending at the newest point (the screens' "last 5 minutes")."""
    if newest(points) is None:
        return None
    end = points[-1][0]
    return sum(v for t, v in points if end - timedelta(minutes=5) < t <= end)


def per_minute(points: Points) -> float | None:
    total = recent_sum(points)
    return None if total is None else round(total / 5.0, 1)


class NoData(str):
    """CloudWatch holds no point for the series: the text the screen must draw instead ("–" for
    a figure, "0" for a count of events over the window: none happened)."""


def window_sums(points: Points) -> set[float] | NoData:
    """The total over the window, for a window ending now or a minute or two ago (the screen
    drew a moment before this query)."""
    now = datetime.now(timezone.utc)
    sums = {sum(v for t, v in points if t > now - timedelta(seconds=WINDOW + lag)) for lag in (0, 60, 120)}
    return NoData("0") if not points else sums


def window_mean(points: Points) -> float | None:
    now = datetime.now(timezone.utc)
    inside = [v for t, v in points if t > now - timedelta(seconds=WINDOW + 60)]
    return sum(inside) / len(inside) if inside else None


def ratio(num: Points, den: Points) -> float | None:
    """``num`` over ``den``, in %, both summed over ``den``'s last 5 minutes (no point: no error)."""
    total = recent_sum(den)
    if not total:
        return None
    end = den[-1][0]
    return 100.0 * sum(v for t, v in num if end - timedelta(minutes=5) < t <= end) / total


SM, EP_NS, IC_NS = cat.NS_SAGEMAKER, cat.NS_ENDPOINTS, cat.NS_INFERENCE_COMPONENTS
INV, IC, MME, INST = cat.G_INVOCATION, cat.G_COMPONENT, cat.G_MME_LOADING, cat.G_INSTANCE
GT, FS, PL, RC = cat.G_GROUND_TRUTH, cat.G_FEATURE_STORE, cat.G_PIPELINES, cat.G_RECOMMENDER
US, MS, PCT = Unit.MICROSECONDS, Unit.MILLISECONDS, Unit.PERCENT


# -- the screens ----------------------------------------------------------------------------------

class Ctx:
    """One open screen's resource: its dimensions, and plain boto3 queries of its series."""

    def __init__(self, env, dims: dict[str, str], **extra) -> None:
        self.env, self.dims, self.extra = env, dims, extra

    def q(self, namespace: str, metric: str, stat: str, dims: dict[str, str] | None = None,
          minutes: int = 60) -> Points:
        return gmd(self.env, namespace, metric, self.dims if dims is None else dims, stat, minutes=minutes)


def _endpoint(role: str):
    def open_(env):
        from tui.screens.endpoint import EndpointScreen

        name = getattr(env.fleet, role)
        variant = env.fleet.endpoint(name).variants[0].name
        return EndpointScreen(env.endpoint(name)), Ctx(env, {"EndpointName": name, "VariantName": variant},
                                                       row=f"variant:{variant}",
                                                       sls=f"sls:{variant}:setup")
    return open_


def _component(env):
    from tui.screens.component import ComponentScreen

    spec = next(c for c in env.fleet.components if c.gpus_per_copy)
    return ComponentScreen(env.component(spec.name)), Ctx(env, {"InferenceComponentName": spec.name})


def _labeling(env):
    from tui.screens.more import LabelingJobScreen

    name = env.fleet.labeling_job
    job = next(j for j in env.inventory.labeling_jobs if j.name == name)
    return LabelingJobScreen(job), Ctx(env, {"LabelingJobName": name}, team={"Workteam": env.fleet.workteam})


def _feature(provisioned: bool):
    def open_(env):
        from tui.screens.more import FeatureGroupScreen

        spec = next(g for g in env.fleet.feature_groups if g.provisioned == provisioned)
        group = next(g for g in env.inventory.feature_groups if g.name == spec.name)
        return FeatureGroupScreen(group), Ctx(env, {"FeatureGroupName": spec.name, "OperationName": "GetRecord"},
                                              name=spec.name)
    return open_


def _recommendation(env):
    from tui.screens.more import RecommendationJobScreen

    name = env.fleet.recommendation_job
    job = next(j for j in env.inventory.recommendation_jobs if j.name == name)
    target = job.endpoint_names[0] if job.endpoint_names else None
    row = f"target:{target or f'{name} (all endpoints)'}"
    return RecommendationJobScreen(job), Ctx(env, {"JobName": name} | ({"EndpointName": target} if target else {}),
                                             row=row)


def _pipeline(env):
    from tui.screens.pipeline import PipelineScreen

    name = env.fleet.executing_pipeline  # the one with executions and steps inside the demo's hour
    return PipelineScreen(next(p for p in env.inventory.pipelines if p.name == name)), Ctx(env, {"PipelineName": name})


def _execution(env):
    from tui.screens.pipeline import ExecutionScreen

    name = env.fleet.executing_pipeline
    p = next(p for p in env.inventory.pipelines if p.name == name)
    spec = max(env.fleet.pipeline(name).executions, key=lambda e: e.start)  # the one running now
    step = spec.steps[0].name  # its first step: it ran and ended within the window
    ex = next(e for e in p.executions if e.display_name == spec.display_name)
    return ExecutionScreen(p, ex), Ctx(env, {"PipelineName": name, "StepName": step}, step=step)


SCREENS: dict[str, Callable] = {
    "endpoint-split": _endpoint("split_endpoint"), "endpoint-gpu": _endpoint("enhanced_endpoint"),
    "endpoint-serverless": _endpoint("serverless_endpoint"), "endpoint-mme": _endpoint("multi_model_endpoint"),
    "endpoint-components": _endpoint("component_endpoint"), "component": _component, "labeling": _labeling,
    "feature-on-demand": _feature(False), "feature-provisioned": _feature(True),
    "recommendation": _recommendation, "pipeline": _pipeline, "execution": _execution,
}


# -- the probes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Probe:
    """Where one catalog entry (``"group:name"``) is shown and how to check it: ``label`` is
    text on the screen; ``drawn(screen, ctx)`` the text drawn for the value; ``expected(ctx,
    drawn)`` the value from boto3, a set of values any of which matches, or None where
    CloudWatch has none; ``unit``: latencies are compared in seconds."""

    metric: str
    screen: str
    label: str
    drawn: Callable
    expected: Callable
    unit: Unit = Unit.NONE


def cell(table: str, row: str, column: str) -> Callable:
    """The text of a table cell; ``row``: a row key, or the name of a key in the screen's ctx."""
    def read(screen, ctx):
        from tui.widgets.detail_table import DetailTable

        t = screen.query_one(f"#{table}", DetailTable)
        key = ctx.extra.get(row, row)
        if table == "steps":  # steps are keyed by their position: find the step by name
            key = next(r.key for r in t.rows_shown if r.name == ctx.extra["step"])
        assert t.select_key(key), f"no row {key} in #{table}"  # on screen, as a person scrolls to it
        return t.cell_text(key, column)
    return read


def fact(label: str, pattern: str) -> Callable:
    """The figure after ``pattern`` (a regex) in the fact named ``label``."""
    def read(screen, ctx):
        from tui.widgets.facts_view import FactsView

        text = next(f.text for f in screen.query_one("#facts", FactsView).facts if f.label == label)
        m = re.search(pattern + r"\s*([-\d.,]+%?)", text)
        assert m, f"{pattern!r} not in the fact {label}: {text!r}"
        return m.group(1)
    return read


def newest_of(ns: str, metric: str, stat: str, scale: float = 1.0, any_age: bool = False, dims=None):
    pick = newest_any if any_age else newest
    return lambda c, d: None if (v := pick(c.q(ns, metric, stat, c.extra.get(dims, dims)))) is None else v * scale


def per_device_of(ns: str, metric: str):
    return lambda c, d: None if (v := newest(c.q(ns, metric, "Average"))) is None else v / devices(d)


def rate_of(ns: str, metric: str, dims=None):
    return lambda c, d: per_minute(c.q(ns, metric, "Sum", c.extra.get(dims, dims)))


def ratio_of(ns: str, num: str, den: str, dims=None):
    return lambda c, d: ratio(c.q(ns, num, "Sum", c.extra.get(dims, dims)),
                              c.q(ns, den, "Sum", c.extra.get(dims, dims)))


def count_over(ns: str, num: str, den: str):
    """``num`` summed over ``den``'s last 5 minutes (an error count beside its invocations)."""
    return lambda c, d: None if (r := ratio(c.q(ns, num, "Sum"), c.q(ns, den, "Sum"))) is None \
        else r * recent_sum(c.q(ns, den, "Sum")) / 100.0


def window_of(ns: str, metric: str, dims: dict | None = None):
    return lambda c, d: window_sums(c.q(ns, metric, "Sum", dims))


def _time_per_task(c, d):
    spent, count = c.q(cat.NS_WORKTEAM, "TimeSpent", "Sum", c.extra["team"]), \
        c.q(cat.NS_WORKTEAM, "TimeSpent", "SampleCount", c.extra["team"])
    total = recent_sum(spent)
    return None if total is None or not (n := ratio(count, spent)) else total / (n * total / 100.0)


def _units_per_minute(metric: str, op: str):
    return lambda c, d: per_minute(c.q(cat.NS_FEATURE_STORE, metric, "Sum",
                                       {"FeatureGroupName": c.extra["name"], "OperationName": op}))


def _throttled(c, d):
    r = count_over(cat.NS_FEATURE_STORE, "ThrottledRequests", "Invocations")(c, d)
    return None if r is None else round(r / 5.0, 1)


V = "variants"
PROBES: tuple[Probe, ...] = (
    # the endpoint screen: its variants table (a variant of the split endpoint; GPUs on the enhanced one)
    Probe(f"{INV}:ConcurrentRequestsPerModel", "endpoint-split", "Conc", cell(V, "row", "concurrency"),
          newest_of(SM, "ConcurrentRequestsPerModel", "Maximum")),
    Probe(f"{INV}:Invocation4XXErrors", "endpoint-split", "4XX%", cell(V, "row", "e4xx_rate"),
          ratio_of(SM, "Invocation4XXErrors", "Invocations"), PCT),
    Probe(f"{INV}:Invocation5XXErrors", "endpoint-split", "5XX%", cell(V, "row", "e5xx_rate"),
          ratio_of(SM, "Invocation5XXErrors", "Invocations"), PCT),
    Probe(f"{INV}:InvocationModelErrors", "endpoint-split", "ModelErr", cell(V, "row", "model_errors"),
          count_over(SM, "InvocationModelErrors", "Invocations")),
    Probe(f"{INV}:Invocations", "endpoint-split", "Inv/min", cell(V, "row", "inv"), rate_of(SM, "Invocations")),
    Probe(f"{INV}:InvocationsPerInstance", "endpoint-split", "Inv/inst", cell(V, "row", "per_instance"),
          rate_of(SM, "InvocationsPerInstance")),
    Probe(f"{INV}:ModelLatency", "endpoint-split", "p99", cell(V, "row", "p99"),
          newest_of(SM, "ModelLatency", "p99", 1e-6), US),
    Probe(f"{INV}:OverheadLatency", "endpoint-split", "Ovhd", cell(V, "row", "overhead"),
          newest_of(SM, "OverheadLatency", "Average", 1e-6), US),
    Probe(f"{INST}:CPUUtilization", "endpoint-split", "CPU", cell(V, "row", "cpu"),
          per_device_of(EP_NS, "CPUUtilization"), PCT),
    Probe(f"{INST}:MemoryUtilization", "endpoint-split", "Mem", cell(V, "row", "mem"),
          newest_of(EP_NS, "MemoryUtilization", "Average"), PCT),
    Probe(f"{INST}:DiskUtilization", "endpoint-split", "Disk", cell(V, "row", "disk"),
          newest_of(EP_NS, "DiskUtilization", "Average"), PCT),
    Probe(f"{INST}:GPUUtilization", "endpoint-gpu", "GPU", cell(V, "row", "gpu"),
          per_device_of(EP_NS, "GPUUtilization"), PCT),
    Probe(f"{INST}:GPUMemoryUtilization", "endpoint-gpu", "GPU mem", cell(V, "row", "gpu_mem"),
          per_device_of(EP_NS, "GPUMemoryUtilization"), PCT),
    # serverless and multi-model sections
    Probe(f"{INV}:ModelSetupTime", "endpoint-serverless", "Setup time per cold start",
          cell("serverless", "sls", "now"), lambda c, d: None if (v := newest_any(
              c.q(SM, "ModelSetupTime", "Average"))) is None else v * 1e-6, US),
    Probe(f"{MME}:ModelCacheHit", "endpoint-mme", "Cache hit ratio", cell("mme", "mme:AllTraffic:cache", "now"),
          newest_of(SM, "ModelCacheHit", "Average", 100.0), PCT),
    *(Probe(f"{MME}:{m}", "endpoint-mme", label, cell("mme", f"mme:AllTraffic:{m}", "now"),
            newest_of(SM, m, "Average", 1e-6), US)
      for m, label in (("ModelLoadingWaitTime", "Request wait for a model load"),
                       ("ModelDownloadingTime", "Model download from S3"),
                       ("ModelLoadingTime", "Model load into the container"), ("ModelUnloadingTime", "Model unload"))),
    Probe(f"{cat.G_MME_INSTANCE}:LoadedModelCount", "endpoint-mme", "Loaded models per instance",
          cell("mme", "mme:AllTraffic:loaded", "now"), newest_of(EP_NS, "LoadedModelCount", "Average")),
    # an inference-component endpoint: what its components reserve and what its instances use
    *(Probe(f"{INST}:{m}", "endpoint-components", "Reserved", fact("Reserved", pattern),
            newest_of(EP_NS, m, "Average"), PCT)
      for m, pattern in (("CPUReservation", r"^CPU"), ("GPUReservation", r"GPU"),
                         ("MemoryReservation", r"memory"), ("CPUUtilizationNormalized", r"normalized\): CPU"),
                         ("GPUUtilizationNormalized", r"normalized\): CPU [\d.]+%\s+GPU"),
                         ("GPUMemoryUtilizationNormalized", r"GPU memory"))),
    # the component screen
    Probe(f"{INV}:ConcurrentRequestsPerCopy", "component", "Concurrent requests per copy",
          cell("metrics", "ic:conc", "now"), newest_of(SM, "ConcurrentRequestsPerCopy", "Maximum")),
    Probe(f"{INV}:InvocationsPerCopy", "component", "Invocations per copy",
          cell("metrics", "ic:InvocationsPerCopy:Sum", "now"), rate_of(SM, "InvocationsPerCopy")),
    *(Probe(f"{IC}:{m}", "component", label, cell("metrics", f"ic:{m}", "now"),
            newest_of(IC_NS, m, "Average"), PCT)
      for m, label in (("CPUUtilizationNormalized", "CPU (normalized)"), ("GPUUtilizationNormalized",
                                                                          "GPU (normalized)"),
                       ("GPUMemoryUtilizationNormalized", "GPU memory (normalized)"),
                       ("MemoryUtilizationNormalized", "Memory (normalized)"))),
    # Inference Recommender
    Probe(f"{RC}:ClientInvocations", "recommendation", "Inv/min", cell("table", "row", "inv"),
          rate_of(cat.NS_RECOMMENDER, "ClientInvocations")),
    Probe(f"{RC}:ClientInvocationErrors", "recommendation", "Err%", cell("table", "row", "errors"),
          ratio_of(cat.NS_RECOMMENDER, "ClientInvocationErrors", "ClientInvocations"), PCT),
    Probe(f"{RC}:ClientLatency", "recommendation", "Latency", cell("table", "row", "latency"),
          newest_of(cat.NS_RECOMMENDER, "ClientLatency", "Average", 1e-3), MS),
    Probe(f"{RC}:NumberOfUsers", "recommendation", "Users", cell("table", "row", "users"),
          newest_of(cat.NS_RECOMMENDER, "NumberOfUsers", "Maximum")),
    # Ground Truth: the labeling job, its workteam, the account's labeling jobs
    *(Probe(f"{GT}:{m}", "labeling", label, cell("table", f"gt:{m}", "now"),
            newest_of(cat.NS_LABELING, m, "Maximum", any_age=True))
      for m, label in (("TotalDatasetObjectsLabeled", "Objects labeled"),
                       ("DatasetObjectsHumanAnnotated", "Annotated by people"),
                       ("DatasetObjectsAutoAnnotated", "Annotated automatically"),
                       ("DatasetObjectsLabelingFailed", "Labeling failed"))),
    Probe(f"{GT}:ActiveWorkers", "labeling", "Active workers", cell("table", "wt:active", "now"),
          newest_of(cat.NS_WORKTEAM, "ActiveWorkers", "Sum", dims="team")),
    *(Probe(f"{GT}:Tasks{verb}", "labeling", f"Tasks {verb.lower()}", cell("table", f"wt:{verb.lower()}", "now"),
            rate_of(cat.NS_WORKTEAM, f"Tasks{verb}", dims="team"))
      for verb in ("Submitted", "Accepted", "Declined", "Returned")),
    Probe(f"{GT}:TimeSpent", "labeling", "Time per task", cell("table", "wt:time", "now"), _time_per_task,
          Unit.SECONDS),
    *(Probe(f"{GT}:Jobs{verb}", "labeling", "Account jobs", fact("Account jobs", rf"(?=[\d,]+ {verb.lower()})"),
            window_of(cat.NS_LABELING, f"Jobs{verb}", {}))
      for verb in ("Succeeded", "Failed", "Stopped")),
    # Feature Store: a group of each throughput mode
    Probe(f"{FS}:Invocations", "feature-on-demand", "Req/min", cell("table", "op:GetRecord", "inv"),
          rate_of(cat.NS_FEATURE_STORE, "Invocations")),
    Probe(f"{FS}:Operation4XXErrors", "feature-on-demand", "4XX%", cell("table", "op:GetRecord", "e4xx_rate"),
          ratio_of(cat.NS_FEATURE_STORE, "Operation4XXErrors", "Invocations"), PCT),
    Probe(f"{FS}:Operation5XXErrors", "feature-on-demand", "5XX%", cell("table", "op:GetRecord", "e5xx_rate"),
          ratio_of(cat.NS_FEATURE_STORE, "Operation5XXErrors", "Invocations"), PCT),
    Probe(f"{FS}:ThrottledRequests", "feature-provisioned", "Throttled", cell("table", "op:GetRecord", "throttled"),
          _throttled),
    Probe(f"{FS}:Latency", "feature-on-demand", "Latency", cell("table", "op:GetRecord", "latency"),
          newest_of(cat.NS_FEATURE_STORE, "Latency", "Average", 1e-6), US),
    *(Probe(f"{FS}:{m}", screen, "Units/min", cell("table", f"op:{op}", "units"), _units_per_minute(m, op))
      for m, screen, op in (("ConsumedReadRequestsUnits", "feature-on-demand", "GetRecord"),
                            ("ConsumedWriteRequestsUnits", "feature-on-demand", "PutRecord"),
                            ("ConsumedReadCapacityUnits", "feature-provisioned", "GetRecord"),
                            ("ConsumedWriteCapacityUnits", "feature-provisioned", "PutRecord"))),
    # Pipelines: the pipeline's execution metrics, then its failed execution's steps
    *(Probe(f"{PL}:Execution{verb}", "pipeline", f"Executions {verb.lower()}",
            cell("metrics", f"pl:Execution{verb}", "now"), window_of(cat.NS_PIPELINES, f"Execution{verb}"))
      for verb in ("Started", "Succeeded", "Failed", "Stopped")),
    Probe(f"{PL}:ExecutionDuration", "pipeline", "Execution duration (latest)", cell("metrics", "pl:duration", "now"),
          newest_of(cat.NS_PIPELINES, "ExecutionDuration", "Average", 1e-3, any_age=True), MS),
    *(Probe(f"{PL}:Step{verb}", "execution", title, cell("steps", "step", column),
            window_of(cat.NS_PIPELINES, f"Step{verb}"))
      for verb, title, column in (("Started", "Runs", "runs"), ("Failed", "Fails", "fails"),
                                  ("Succeeded", "OK", "succeeded"), ("Stopped", "Stops", "stopped"))),
    Probe(f"{PL}:StepDuration", "execution", "Usual", cell("steps", "step", "usual"),
          lambda c, d: None if (v := window_mean(c.q(cat.NS_PIPELINES, "StepDuration", "Average"))) is None
          else v * 1e-3, MS),
)


def matches(drawn: str, expected, unit: Unit) -> bool:
    """Whether the figure drawn is the value expected, within the display's rounding."""
    if isinstance(expected, NoData):
        return drawn.strip() == expected
    if expected is None:
        return drawn.strip() in ("–", "none") or "no data" in drawn
    if drawn.strip() in ("–", ""):
        return False
    value, half = parse(drawn)
    options = expected if isinstance(expected, set) else {expected}
    return any(abs(value - e) <= 2 * half + 1e-9 * max(1.0, abs(e)) for e in options)


def test_figures_are_read_back_as_the_formatters_write_them():
    from tui.model.format import format_per_minute, format_value

    for value, unit, seconds in ((174_700.0, MS, 174.7), (1_654_155.4, US, 1.6541554), (812.0, US, 812e-6),
                                 (51.68, PCT, 51.68), (2489.6, Unit.NONE, 2489.6), (0.873, Unit.NONE, 0.873)):
        text = format_value(value, unit)
        assert matches(text, seconds, unit), (text, seconds)
        assert not matches(text, seconds * 1.02 + 1e-3, unit), (text, seconds)
    assert matches(format_per_minute(13.44), 13.4, Unit.NONE) and parse("92.0%×8") == (92.0, 0.05)
    assert devices("92.0%×8") == 8 and matches("0", NoData("0"), Unit.NONE) and not matches("–", 3.0, Unit.NONE)


def test_every_catalog_entry_has_one_probe():
    ids = [p.metric for p in PROBES]
    catalog = [f"{m.group}:{m.name}" for m in cat.CATALOG]
    assert len(catalog) == 68 and len(set(catalog)) == 68
    assert sorted(ids) == sorted(catalog), (set(catalog) - set(ids), [i for i in ids if ids.count(i) > 1])
    assert {p.screen for p in PROBES} == set(SCREENS)


@pytest.mark.parametrize("screen_key", list(SCREENS))
async def test_each_metric_on_its_screen_equals_cloudwatch(env, screen_key):
    screen, ctx = SCREENS[screen_key](env)
    probes = [p for p in PROBES if p.screen == screen_key]
    app = WalkApp(env)
    failures, empty = [], []
    async with app.run_test(size=SIZE) as pilot:
        await visit(pilot, app, screen)
        for p in probes:
            drawn = p.drawn(screen, ctx)
            await pilot.pause()
            expected = p.expected(ctx, drawn)
            if expected is None or isinstance(expected, NoData):
                empty.append(p.metric)
            if p.label not in screen_text(app):
                failures.append(f"{p.metric}: its label {p.label!r} is not on the screen")
            elif not matches(drawn, expected, p.unit):
                failures.append(f"{p.metric}: drawn {drawn!r}, CloudWatch {expected!r}")
    assert not failures, f"{screen_key}: " + "; ".join(failures)
    print(f"{screen_key}: {len(probes) - len(empty)} compared with CloudWatch, without data in the demo: {empty}")
