"""The CloudWatch Logs reader against a real moto server: stream listing, one-stream and
several-stream tails returning exactly the events put, following new events, the bounded
buffer, and structured errors instead of exceptions."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from botocore.stub import Stubber

from tui.aws.logs import (
    TRAINING_GROUP,
    LogLine,
    LogsError,
    LogTail,
    endpoint_group,
    log_target,
    streams_for,
)
from tui.aws.session import AwsClients, AwsSettings
from tui.model.catalog import Kind
from tui.model.cost import Usage

HOSTILE = "[bold red]not markup[/] \x1b[31mred\x1b[0m <b>x</b>\n"


@pytest.fixture(scope="module")
def clients(moto_url):
    return AwsClients(AwsSettings(regions=("us-east-1",), endpoint_url=moto_url,
                                  credentials={"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}))


@pytest.fixture(scope="module")
def logs_writer(moto_url):
    import boto3

    return boto3.client("logs", region_name="us-east-1", endpoint_url=moto_url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")

#: The epoch suffix of a SageMaker log stream name (``<job>/algo-N-<epoch>``), taken from the clock.
STREAM_EPOCH = int(time.time())


def _now_ms() -> int:
    return int(time.time() * 1000)


def _put(w, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    w.put_log_events(logGroupName=group, logStreamName=stream,
                     logEvents=[{"timestamp": ts, "message": m} for ts, m in events])


def _line(ts: int, stream: str, message: str) -> LogLine:
    return LogLine(datetime.fromtimestamp(ts / 1000, timezone.utc), stream, message)


@pytest.fixture
def group(logs_writer, unique):
    name = f"/aws/sagemaker/TrainingJobs-{unique}"
    logs_writer.create_log_group(logGroupName=name)
    return name


def test_log_targets():
    assert log_target(Kind.TRAINING_JOB, "job") == (TRAINING_GROUP, "job/")
    assert log_target(Kind.PROCESSING_JOB, "p") == ("/aws/sagemaker/ProcessingJobs", "p/")
    assert log_target(Kind.TRANSFORM_JOB, "t") == ("/aws/sagemaker/TransformJobs", "t/")
    assert log_target(Kind.ENDPOINT, "ep") == (endpoint_group("ep"), "") == ("/aws/sagemaker/Endpoints/ep", "")
    with pytest.raises(ValueError):
        log_target(Kind.PIPELINE, "p")


def test_streams_for_prefix_newest_first(clients, logs_writer, group):
    base = _now_ms() - 60_000
    for stream, ts in ((f"job/algo-1-{STREAM_EPOCH}", base), (f"job/algo-2-{STREAM_EPOCH}", base + 5000),
                       (f"job-other/algo-1-{STREAM_EPOCH}", base + 9000), (f"job/algo-3-{STREAM_EPOCH}", base + 1000)):
        logs_writer.create_log_stream(logGroupName=group, logStreamName=stream)
        _put(logs_writer, group, stream, [(ts, "x")])
    usage = Usage()
    assert streams_for(clients.logs(), group, "job/", usage=usage) == [
        f"job/algo-2-{STREAM_EPOCH}", f"job/algo-3-{STREAM_EPOCH}", f"job/algo-1-{STREAM_EPOCH}"]
    assert streams_for(clients.logs(), group, "job/", limit=1) == [f"job/algo-2-{STREAM_EPOCH}"]
    assert usage.by_operation == {"DescribeLogStreams": 1}


def test_single_stream_tail_returns_exactly_the_events_and_follows(clients, logs_writer, group):
    stream = f"job/algo-1-{STREAM_EPOCH}"
    logs_writer.create_log_stream(logGroupName=group, logStreamName=stream)
    base = _now_ms() - 10_000
    first = [(base, "epoch 1 loss=0.9\n"), (base + 1, HOSTILE)]
    _put(logs_writer, group, stream, first)

    usage = Usage()
    tail = LogTail(clients.logs(), group, [stream], usage=usage)
    assert tail.single
    assert tail.poll() == [_line(ts, stream, m) for ts, m in first]
    assert tail.error is None
    assert tail.poll() == []

    more = [(base + 100, "epoch 2 loss=0.5\n"), (base + 101, "done")]
    _put(logs_writer, group, stream, more)
    assert tail.poll() == [_line(ts, stream, m) for ts, m in more]
    assert tail.lines == [_line(ts, stream, m) for ts, m in first + more]
    assert tail.lines[1].message == HOSTILE  # kept raw
    assert usage.by_operation["GetLogEvents"] >= 3


def test_prefix_tail_merges_streams_in_time_order_and_skips_overlap(clients, logs_writer, group):
    base = _now_ms() - 20_000
    a, b, other = "job/algo-1-1", "job/algo-2-1", "jobx/algo-1-1"
    for s in (a, b, other):
        logs_writer.create_log_stream(logGroupName=group, logStreamName=s)
    _put(logs_writer, group, a, [(base, "a0"), (base + 20, "a2")])
    _put(logs_writer, group, b, [(base + 10, "b1"), (base + 30, "b3")])
    _put(logs_writer, group, other, [(base + 15, "other job")])

    tail = LogTail(clients.logs(), group, prefix="job/", start_time=(base - 1000) / 1000)
    assert not tail.single
    assert tail.poll() == [_line(base, a, "a0"), _line(base + 10, b, "b1"), _line(base + 20, a, "a2"),
                           _line(base + 30, b, "b3")]
    assert tail.poll() == []  # the overlap window is re-read but nothing is repeated

    c = "job/algo-3-1"  # a host that starts later is picked up by the prefix
    logs_writer.create_log_stream(logGroupName=group, logStreamName=c)
    _put(logs_writer, group, c, [(base + 40, "c4")])
    _put(logs_writer, group, a, [(base + 50, "a5")])
    assert tail.poll() == [_line(base + 40, c, "c4"), _line(base + 50, a, "a5")]
    assert [line.message for line in tail.lines] == ["a0", "b1", "a2", "b3", "c4", "a5"]


def test_named_streams_tail_and_bounded_buffer(clients, logs_writer, group):
    base = _now_ms() - 20_000
    a, b = "ep/AllTraffic/i-1", "ep/AllTraffic/i-2"
    for s in (a, b, "ep/AllTraffic/i-3"):
        logs_writer.create_log_stream(logGroupName=group, logStreamName=s)
        _put(logs_writer, group, s, [(base + i, f"{s} {i}") for i in range(3)])
    tail = LogTail(clients.logs(), group, [a, b], start_time=datetime.fromtimestamp((base - 1) / 1000, timezone.utc),
                   max_lines=4)
    new = tail.poll()
    assert len(new) == 6 and {line.stream for line in new} == {a, b}
    assert [line.timestamp for line in new] == sorted(line.timestamp for line in new)
    assert tail.lines == new[-4:] and tail.dropped == 2


def test_missing_group_is_a_structured_error(clients, unique):
    group = f"/aws/sagemaker/Endpoints/missing-{unique}"
    for tail in (LogTail(clients.logs(), group, ["AllTraffic/i-1"]), LogTail(clients.logs(), group, prefix="")):
        assert tail.poll() == []
        assert tail.error is not None and tail.error.not_found
        assert tail.error.code == "ResourceNotFoundException" and tail.error.group == group
        assert group in tail.error.text
    with pytest.raises(LogsError) as info:
        streams_for(clients.logs(), group)
    assert info.value.error.not_found and info.value.error.operation == "DescribeLogStreams"


def test_access_denied_is_a_structured_error_and_recovers(clients, logs_writer, group):
    stream = "job/algo-1-9"
    logs_writer.create_log_stream(logGroupName=group, logStreamName=stream)
    _put(logs_writer, group, stream, [(_now_ms() - 1000, "hello")])
    tail = LogTail(clients.logs(), group, [stream])
    with Stubber(clients.logs()) as stub:
        stub.add_client_error("get_log_events", "AccessDeniedException", "not authorized: logs:GetLogEvents")
        assert tail.poll() == []
    assert tail.error.access_denied and tail.error.stream == stream
    assert tail.error.text.startswith("access denied: the IAM policy does not allow logs:GetLogEvents")
    assert [line.message for line in tail.poll()] == ["hello"]  # the next poll works again
    assert tail.error is None


def test_tail_needs_streams_or_prefix(clients):
    with pytest.raises(ValueError):
        LogTail(clients.logs(), TRAINING_GROUP)
    tail = LogTail.for_resource(clients.logs(), Kind.TRAINING_JOB, "job")
    assert (tail.group, tail.prefix, tail.single) == (TRAINING_GROUP, "job/", False)


def test_an_ended_job_log_opens_at_its_end_and_is_not_polled_again(clients, logs_writer, group):
    """A job that ran two hours and failed 72 minutes ago: the feed reads the hour before its end (the failure
    lines included), then sends no more calls; reading from the start gets the first line."""
    from tui.model.detail import LogRequest
    from tui.refresh_detail import LogFeed

    now = _now_ms()
    begin, end = now - 200 * 60_000, now - 72 * 60_000
    stream = f"job/algo-1-{STREAM_EPOCH}"
    logs_writer.create_log_stream(logGroupName=group, logStreamName=stream)
    events = [(t, f"step {i} loss=0.5") for i, t in enumerate(range(begin, end - 60_000, 60_000))]
    events += [(end - 2_000, "torch.OutOfMemoryError: CUDA out of memory."), (end - 1_000, "exit code: 1")]
    _put(logs_writer, group, stream, events)

    calls: list[str] = []
    client = clients.logs()
    client.meta.events.register("before-call.cloudwatch-logs.*", lambda model, **_: calls.append(model.name))
    feed = LogFeed(clients)
    req = LogRequest(region="us-east-1", group=group, prefix="job/", end=end / 1000 + 120, begin=begin / 1000)
    feed.set_request(req)
    _, lines, error = feed.poll()
    assert error is None and lines, calls
    assert lines[-1].message == "exit code: 1" and lines[-2].message.startswith("torch.OutOfMemoryError")
    assert lines[0].timestamp.timestamp() >= (end / 1000 + 120) - 3600 - 1  # the last hour before the end
    assert len(lines) < len(events)
    made = len(calls)
    for _ in range(3):
        assert feed.poll()[1] == []
    assert len(calls) == made  # read to its end: nothing more is asked

    feed.set_request(replace(req, from_begin=True))
    _, lines, _ = feed.poll()
    assert lines[0].message == "step 0 loss=0.5" and len(lines) == len(events)

    single = LogTail(client, group, [stream], start_time=(end - 10 * 60_000) / 1000, end_time=end / 1000 + 120)
    got = single.poll()
    assert got[-1].message == "exit code: 1" and single.finished


def test_a_quiet_log_is_polled_less_and_less_often_and_a_new_line_brings_the_pace_back(
        clients, logs_writer, group):
    """FilterLogEvents quotas are small and shared by the account: a log without new lines
    waits 2, 4, 8, 16, then 30 s between calls; a new line returns to every 2 s."""
    from tui.model.detail import LogRequest
    from tui.refresh_detail import LOG_POLL_MAX, LOG_POLL_MIN, LogFeed

    stream = f"job/algo-1-{STREAM_EPOCH}"
    logs_writer.create_log_stream(logGroupName=group, logStreamName=stream)
    _put(logs_writer, group, stream, [(_now_ms() - 5_000, "step 1")])
    calls: list[str] = []
    clients.logs().meta.events.register("before-call.cloudwatch-logs.FilterLogEvents",
                                        lambda model, **_: calls.append(model.name))
    clock = [0.0]
    feed = LogFeed(clients, clock=lambda: clock[0])
    feed.set_request(LogRequest(region="us-east-1", group=group, prefix="job/"))
    assert [line.message for line in feed.poll()[1]] == ["step 1"]
    polled_at = []
    for _ in range(40):  # two minutes of the app asking every 2 s, nothing new
        clock[0] += 2.0
        before = len(calls)
        feed.poll()
        if len(calls) > before:
            polled_at.append(clock[0])
    gaps = [b - a for a, b in zip([0.0] + polled_at, polled_at)]
    assert gaps[:4] == [2.0, 4.0, 8.0, 16.0] and max(gaps) <= LOG_POLL_MAX
    assert len(polled_at) <= 8  # not 40
    _put(logs_writer, group, stream, [(_now_ms(), "step 2")])
    clock[0] += LOG_POLL_MAX
    assert [line.message for line in feed.poll()[1]] == ["step 2"]
    assert feed.wait == LOG_POLL_MIN


def test_a_denied_log_read_names_the_iam_action_at_the_start_of_its_line():
    from tui.model.logs import LogError

    message = ("User: arn:aws:sts::123456789012:assumed-role/ReadOnly/me is not authorized to perform: "
               "logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:"
               "/aws/sagemaker/TrainingJobs:log-stream: because no identity-based policy allows it")
    err = LogError("AccessDeniedException", message, "/aws/sagemaker/TrainingJobs", None, "FilterLogEvents")
    assert err.text.startswith("access denied: the IAM policy does not allow logs:FilterLogEvents")
    assert err.text.index("logs:FilterLogEvents") < 80  # visible on any status line
    other = LogError("ServiceUnavailable", "", "/aws/sagemaker/TrainingJobs")
    assert other.text == "Cannot read logs of /aws/sagemaker/TrainingJobs: AWS is unavailable (HTTP 503): " \
                         "retrying next refresh"
