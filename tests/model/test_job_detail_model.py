"""The job-detail model: which series and reads the job and host screens ask for, the log
streams they follow, and what they draw (grid, cluster median, algorithm metrics, facts)."""

from __future__ import annotations

import time

import math
from datetime import datetime, timedelta, timezone

import pytest

from tui.model import catalog as cat
from tui.model.catalog import Kind
from tui.model.detail import READ_ALGORITHM_METRICS, READ_TRANSFORM_HOSTS, DetailResult
from tui.model.health import FlagKind
from tui.model.job_logs import (LOG_END_GRACE, LOG_LOOKBACK, LogDedup, error_lines, host_log_request,
                                host_stream_prefix, job_log_request, log_text, stream_label)
from tui.model.job_requests import (ALGORITHM_NAMESPACE, algorithm_key, algorithm_names, host_request, hosts_error,
                                    job_hosts, job_metrics, job_request)
from tui.model.job_views import (algorithm_charts, bridge_gaps, cluster_median, elapsed_seconds, host_charts,
                                 job_host_table, job_facts)
from tui.model.logs import LogLine
from tui.model.plan import job_host_key, job_keys
from tui.model.resources import Job, default_hosts, job_anchor
from tui.model.series import Series, SeriesStore

NOW = 1_800_000_000 - 1_800_000_000 % 60
#: The epoch suffix of a SageMaker log stream name (``<job>/algo-N-<epoch>``), taken from the clock.
STREAM_EPOCH = int(time.time())
REGION = "us-east-1"


def training(count: int = 4, itype: str = "ml.p4d.24xlarge", defs=("train:loss", "validation:accuracy")) -> Job:
    return Job(Kind.TRAINING_JOB, "bert", "InProgress", REGION, secondary_status="Training", instance_type=itype,
               instance_count=count, hosts=default_hosts(Kind.TRAINING_JOB, "bert", count),
               metric_definitions=list(defs),
               start_time=datetime.fromtimestamp(NOW - 3 * 3600 - 125, timezone.utc))


def transform(hosts: list[str] | None = None) -> Job:
    return Job(Kind.TRANSFORM_JOB, "score", "InProgress", REGION, instance_type="ml.c5.4xlarge", instance_count=2,
               hosts=list(hosts or []))


def names(metrics) -> list[str]:
    return [m.name for m in metrics]


# -- metrics and keys ----------------------------------------------------------------------------

def test_metrics_follow_the_catalog_per_kind_and_instance_type():
    assert names(job_metrics(training())) == ["CPUUtilization", "GPUUtilization", "GPUMemoryUtilization",
                                              "MemoryUtilization", "DiskUtilization"]
    # no GPU columns on CPU instances; transform jobs publish no DiskUtilization
    assert names(job_metrics(training(itype="ml.m5.4xlarge"))) == ["CPUUtilization", "MemoryUtilization",
                                                                   "DiskUtilization"]

    assert names(job_metrics(transform())) == ["CPUUtilization", "MemoryUtilization"]
    gpu_transform = transform()
    gpu_transform.instance_type = "ml.g5.xlarge"
    assert "DiskUtilization" not in names(job_metrics(gpu_transform))
    # every column is an instance metric of the catalog for that kind
    for job in (training(), transform()):
        published = {m.name for m in cat.instance_metrics(job.kind)}
        assert set(names(job_metrics(job))) <= published


def test_job_request_has_every_host_metric_and_the_algorithm_metrics():
    job = training(16)
    req = job_request(job, job.hosts)
    metrics = job_metrics(job)
    host_part = [k for k in req.keys if k.namespace == cat.NS_TRAINING and k.dim("Host")]
    assert len(host_part) == 16 * len(metrics) == len(set(host_part))
    # the same keys the overview's jobs pane uses: its series are reused when the screen opens
    overview = {k for hosts in job_keys(job).values() for k in hosts.values()}
    assert overview <= set(req.keys)
    assert job_host_key(job, "GPUMemoryUtilization", "bert/algo-7") in req.keys
    algo = [k for k in req.keys if k.dim("TrainingJobName")]
    assert [k.metric for k in algo] == ["train:loss", "validation:accuracy"]
    assert all(k.namespace == ALGORITHM_NAMESPACE == "/aws/sagemaker/TrainingJobs" for k in algo)
    assert all(k.dimensions == (("TrainingJobName", "bert"),) and k.stat == "Average" and k.region == REGION
               for k in algo)
    assert req.reads == ()  # hosts and metric names are known
    assert req.owner == "job:us-east-1:training-job:bert"


def test_reads_when_hosts_or_metric_names_are_unknown():
    t = transform()
    assert job_request(t, []).reads == ((READ_TRANSFORM_HOSTS, REGION, "score"),)
    assert job_request(t, []).keys == ()
    bare = training(defs=())
    assert job_request(bare, bare.hosts).reads == ((READ_ALGORITHM_METRICS, REGION, "bert"),)
    found = DetailResult(job_request(bare, bare.hosts).owner,
                         reads={(READ_ALGORITHM_METRICS, REGION, "bert"): ["train:loss", "epoch"]})
    assert algorithm_names(bare, found) == ["train:loss", "epoch"]
    assert algorithm_names(transform()) == []  # only training jobs have algorithm metrics


def test_transform_hosts_come_from_the_read():
    t = transform()
    read = (READ_TRANSFORM_HOSTS, REGION, "score")
    hosts = ["score/i-0aaaaaaaaaaaaaaaa", "score/i-0bbbbbbbbbbbbbbbb"]
    assert job_hosts(t) == []
    assert job_hosts(t, DetailResult("x", reads={read: hosts})) == hosts
    assert hosts_error(t, DetailResult("x", errors={read: "access denied"})) == "access denied"
    req = job_request(t, hosts)
    assert {k.dim("Host") for k in req.keys} == set(hosts)
    # a job that knows its hosts does not ask again
    assert job_request(transform(hosts), hosts).reads == ()


def test_host_request_holds_the_host_and_every_peer_for_the_median():
    job = training(8)
    req = host_request(job, "bert/algo-3", job.hosts)
    metrics = job_metrics(job)
    assert len(req.keys) == 8 * len(metrics)
    assert req.keys[: len(metrics)] == tuple(job_host_key(job, m.name, "bert/algo-3") for m in metrics)
    assert not any(k.dim("TrainingJobName") for k in req.keys)
    assert req.owner == "host:us-east-1:training-job:bert:bert/algo-3"


# -- logs ----------------------------------------------------------------------------------------

def test_log_requests_per_kind_and_host():
    job = training(16)
    r = job_log_request(job)
    assert (r.group, r.prefix, r.region) == ("/aws/sagemaker/TrainingJobs", "bert/", REGION)
    h = host_log_request(job, "bert/algo-1")
    assert h.prefix == "bert/algo-1-"
    # the host's prefix matches its own stream, not algo-10's or algo-11's
    assert f"bert/algo-1-{STREAM_EPOCH}".startswith(h.prefix)
    assert not f"bert/algo-10-{STREAM_EPOCH}".startswith(h.prefix)
    proc = Job(Kind.PROCESSING_JOB, "etl", "InProgress", REGION, hosts=["etl/algo-1"])
    assert job_log_request(proc).group == "/aws/sagemaker/ProcessingJobs"
    t = transform(["score/i-0aaaaaaaaaaaaaaaa"])
    assert job_log_request(t).group == "/aws/sagemaker/TransformJobs"
    assert host_stream_prefix(t, "score/i-0aaaaaaaaaaaaaaaa") == "score/i-0aaaaaaaaaaaaaaaa"


def test_stream_labels_and_log_text():
    assert stream_label(f"bert/algo-7-{STREAM_EPOCH}", "bert") == "algo-7"
    assert stream_label("score/i-0aaaaaaaaaaaaaaaa", "score") == "i-0aaaaaaaaaaaaaaaa"
    assert stream_label("score/i-0aaaaaaaaaaaaaaaa/data-log", "score") == "i-0aaaaaaaaaaaaaaaa/data-log"
    assert stream_label("other/algo-2", "bert") == "other/algo-2"
    line = LogLine(datetime.now(timezone.utc), f"bert/algo-7-{STREAM_EPOCH}", "[bold red]x[/]")
    assert log_text(line) == "[bold red]x[/]"
    assert log_text(line, "bert", 7) == "algo-7  │ [bold red]x[/]"
    # one trailing newline is the event's end; carriage returns redraw; every line gets its host
    multi = LogLine(line.timestamp, f"bert/algo-1-{STREAM_EPOCH}", "Traceback:\n  File x\r  File y\n")
    assert log_text(multi) == "Traceback:\n  File y"
    assert log_text(multi, "bert") == "algo-1 │ Traceback:\nalgo-1 │   File y"


def _line(ts: float, msg: str, stream: str = "s") -> LogLine:
    return LogLine(datetime.fromtimestamp(ts, timezone.utc), stream, msg)


def test_log_dedup_drops_a_tail_that_starts_over():
    d = LogDedup(overlap=300)
    first = [_line(NOW - 3000 + 60 * i, f"m{i}") for i in range(50)]
    assert d.fresh(first) == first
    # a new tail sends the last hour again, plus one new line
    again = first + [_line(NOW + 60, "new")]
    assert [x.message for x in d.fresh(again)] == ["new"]
    # a late line from another stream inside the overlap is kept; the same line twice is not
    late = _line(NOW - 30, "late", "t")
    assert d.fresh([late, late]) == [late]
    # same time and text on two streams are two lines
    a, b = _line(NOW + 120, "tick", "a"), _line(NOW + 120, "tick", "b")
    assert d.fresh([a, b]) == [a, b]


# -- grid, median, charts ------------------------------------------------------------------------

def store_with(job: Job, values, points: int = 30, period: int = 60) -> SeriesStore:
    """``values(host_index, metric, i)`` for the ``points`` periods ending at NOW (None: no point)."""
    store = SeriesStore(3 * 3600)
    ts = [NOW - (points - 1 - i) * period for i in range(points)]
    for k, host in enumerate(job.hosts, start=1):
        for m in job_metrics(job):
            vals = [values(k, m.name, i) for i in range(points)]
            pairs = [(t, v) for t, v in zip(ts, vals) if v is not None]
            if pairs:
                store.ensure(job_host_key(job, m.name, host), period).merge(*zip(*pairs))
    return store


def busy(k: int, metric: str, i: int) -> float | None:
    if k == 3 and i > 20:
        return None  # algo-3 stopped reporting 9 minutes ago
    if metric == "GPUUtilization":
        return 180.0 if k == 7 else 720.0 + k
    if metric == "DiskUtilization":
        return 50.0 + 1.5 * i if k == 12 else 35.0
    return 40.0 + k


def test_host_table_flags_the_lagging_gpu_the_full_disk_and_the_silent_host():
    job = training(16)
    table = job_host_table(job, job.hosts, store_with(job, busy), NOW)
    assert [r.label for r in table.rows] == [f"algo-{i}" for i in range(1, 17)]
    flagged = {r.label: {f.kind for f in r.flags} for r in table.flagged}
    assert flagged["algo-7"] == {FlagKind.LAGGING_GPU}
    assert flagged["algo-12"] == {FlagKind.DISK_FULL}
    assert flagged["algo-3"] == {FlagKind.STALE}
    assert table.row("bert/algo-3").reason == "no data for 9m"
    assert table.row("bert/algo-12").value("DiskUtilization") == pytest.approx(50 + 1.5 * 29)
    assert table.summary["GPUUtilization"].reporting == 16  # algo-3 still has points in the last 30 minutes


def test_cluster_median_per_slot():
    def series(vals):
        s = Series(60, 3600)
        s.merge([NOW - (len(vals) - 1 - i) * 60 for i in range(len(vals))], [v for v in vals])
        return s

    a, b, c = series([1.0, 2.0, 3.0]), series([3.0, 4.0, 5.0]), series([5.0, 6.0, 100.0])
    assert cluster_median([a, b, c], NOW, 3, 60) == [3.0, 4.0, 5.0]
    assert cluster_median([a, b], NOW, 3, 60) == [2.0, 3.0, 4.0]  # even count: mean of the middle two
    gap = Series(60, 3600)
    gap.merge([NOW - 120, NOW], [7.0, float("nan")])
    assert cluster_median([gap], NOW, 3, 60) == [7.0, None, None]  # NaN and missing are missing
    other = Series(300, 3600)
    other.merge([NOW - NOW % 300], [999.0])
    assert cluster_median([a, other, None], NOW, 3, 60) == [1.0, 2.0, 3.0]  # other periods ignored
    assert cluster_median([], NOW, 2, 60) == [None, None]


def test_host_charts_cover_the_window_with_the_median():
    job = training(5)
    store = store_with(job, busy)
    charts = host_charts(job, "bert/algo-2", job.hosts, store, NOW)
    assert [c.metric.name for c in charts] == names(job_metrics(job))
    gpu = next(c for c in charts if c.metric.name == "GPUUtilization")
    assert len(gpu.host) == len(gpu.median) == 3 * 3600 // 60
    assert gpu.latest == 722.0 and gpu.median_latest == 723.0  # hosts 1..5 read 721..725
    assert gpu.host[:150] == [None] * 150  # only the last 30 minutes hold points
    assert gpu.peers == 5 and gpu.period == 60
    # a host no series exists for still gets full-length, empty lines
    empty = host_charts(job, "bert/algo-99", job.hosts, store, NOW)
    assert all(c.latest is None and len(c.host) == 180 for c in empty)
    assert empty[0].median_latest is not None


def test_algorithm_charts_and_short_gaps_bridged():
    job = training()
    store = SeriesStore(3600)
    loss = store.ensure(algorithm_key(job, "train:loss"), 60)
    loss.merge([NOW - 600, NOW - 300, NOW], [2.0, 1.5, 1.25])
    charts = algorithm_charts(job, ["train:loss", "validation:accuracy"], store, NOW)
    assert charts[0].latest == 1.25 and charts[1].latest is None
    assert len(charts[0].values) == 60 and charts[0].values[-6] == 1.5
    assert charts[0].line[-3] == pytest.approx(1.35)  # drawn as a line between measured points
    assert charts[0].values[-3] is None  # the measured values stay as they are
    assert bridge_gaps([None, 1.0, None, None, 4.0, None]) == [None, 1.0, 2.0, 3.0, 4.0, None]
    assert bridge_gaps([1.0] + [None] * 20 + [2.0], max_gap=15) == [1.0] + [None] * 20 + [2.0]


# -- facts ---------------------------------------------------------------------------------------

def test_facts_and_elapsed_time():
    job = training(16)
    f = job_facts(job, now=NOW)
    assert (f.name, f.type, f.status, f.secondary, f.instances) == (
        "bert", "training", "InProgress", "Training", "ml.p4d.24xlarge × 16")
    assert f.elapsed == "3h 02m"
    done = training()
    done.status, done.secondary_status = "Failed", "Failed"
    done.end_time = done.start_time + timedelta(minutes=53)
    done.failure_reason = "AlgorithmError:\nExitCode 1\n\x1b[31mCUDA out of memory\x1b[0m"
    f = job_facts(done, now=NOW)
    assert f.secondary is None  # the same as the status: said once
    assert f.elapsed == "53m 00s"
    assert f.failure == "AlgorithmError: ExitCode 1 ␛[31mCUDA out of memory␛[0m"
    assert elapsed_seconds(Job(Kind.TRAINING_JOB, "x", "InProgress")) is None
    assert math.isclose(elapsed_seconds(job, NOW), 3 * 3600 + 125)


# -- ended jobs: anchored at their end ------------------------------------------------------------

def ended(job: Job, status: str, ago: int, now: int = NOW) -> Job:
    from dataclasses import replace

    return replace(job, status=status, end_time=datetime.fromtimestamp(now - ago, timezone.utc))


def test_job_anchor_is_now_while_running_and_the_end_once_ended():
    job = training()
    assert job_anchor(job, NOW + 7.5) == NOW + 7
    done = ended(job, "Completed", 95 * 60)
    assert job_anchor(done, NOW) == NOW - 95 * 60


def test_a_finished_job_grid_shows_its_last_minutes():
    """A job that ended 95 minutes ago, inside a 3h window: the grid reads up to its end."""
    job = ended(training(), "Completed", 95 * 60)
    end = NOW - 95 * 60
    store = SeriesStore(3 * 3600)
    ts = [end - 60 * i for i in range(60, 0, -1)]
    for k, host in enumerate(job.hosts, start=1):
        store.ensure(job_host_key(job, "GPUUtilization", host), 60).merge(ts, [600.0 + k] * len(ts))
    at_now = job_host_table(job, job.hosts, store, NOW)
    assert all(r.value("GPUUtilization") is None for r in at_now.rows)  # what the screen showed: "–"
    anchored = job_host_table(job, job.hosts, store, job_anchor(job, NOW))
    assert [r.value("GPUUtilization") for r in anchored.rows] == [601.0, 602.0, 603.0, 604.0]
    assert anchored.summary["GPUUtilization"].reporting == 4
    facts = job_facts(job, NOW)
    assert facts.ended is not None and "1h 35m ago" in facts.ended
    assert job_facts(training(), NOW).ended is None


def test_an_ended_job_log_is_read_up_to_its_end():
    running = training()
    req = job_log_request(running)
    assert req.follows and req.end is None and req.start_time(NOW) == NOW - LOG_LOOKBACK
    failed = ended(running, "Failed", 72 * 60)
    req = job_log_request(failed)
    end = NOW - 72 * 60 + LOG_END_GRACE
    assert not req.follows and req.end == end
    assert req.start_time(NOW) == end - LOG_LOOKBACK  # the last hour before the end, not before now
    begin = running.start_time.timestamp()
    assert replace_request(req, from_begin=True).start_time(NOW) == begin == req.begin
    host = host_log_request(failed, "bert/algo-2", 900)
    assert host.end == end and host.start_time(NOW) == end - 900 and host.prefix == "bert/algo-2-"


def replace_request(req, **kw):
    from dataclasses import replace

    return replace(req, **kw)


def test_error_lines_are_the_last_error_looking_lines():
    lines = [_line(NOW - 50, "epoch 3 step 100 loss=1.2", f"bert/algo-1-{STREAM_EPOCH}"),
             _line(NOW - 40, "Traceback (most recent call last):\n  File \"train.py\", line 9\n"
                             "torch.OutOfMemoryError: CUDA out of memory.", f"bert/algo-2-{STREAM_EPOCH}"),
             _line(NOW - 30, "step 101 ok", f"bert/algo-1-{STREAM_EPOCH}"),
             _line(NOW - 20, "[bold]ERROR[/] worker exited with exit code 1", f"bert/algo-1-{STREAM_EPOCH}")]
    found = error_lines(lines, "bert")
    assert found == ["algo-2 │ Traceback (most recent call last):",
                     "algo-2 │ torch.OutOfMemoryError: CUDA out of memory.",
                     "algo-1 │ [bold]ERROR[/] worker exited with exit code 1"]
    assert error_lines(lines, "bert", limit=1) == ["algo-1 │ [bold]ERROR[/] worker exited with exit code 1"]
    assert error_lines(lines[:1], "bert") == []
