"""Following a log with CloudWatch Logs Live Tail (opt-in), polling as the default and fallback.

The polling side is a real moto server. StartLiveTail's streaming answer is stood in for: by a
client whose ``start_live_tail`` returns ``{"responseStream": ...}``, an iterable of events in
botocore's event stream shape (``{"sessionStart": ...}``, ``{"sessionUpdate": {"sessionMetadata":
{"sampled": ...}, "sessionResults": [...]}}``) fed by the test, and by ``botocore.stub.Stubber``
for its refusal. The demo's local AWS cannot serve it (its streaming host, ``stream-<endpoint>``,
does not resolve), so there the app falls back to polling and says so.
"""

from __future__ import annotations

import queue
import time

import pytest
from botocore.stub import Stubber

from tests.pilot import screen_text, wait_for
from tui.aws.live_tail import live_tail_params, log_group_arn
from tui.aws.session import AwsClients, AwsSettings
from tui.model.detail import LogRequest
from tui.model.logs import FollowMode
from tui.refresh_detail import LogFeed
from tui.refresh_live import RENEW_AFTER, LiveFollower

ACCOUNT = "123456789012"
EPOCH = int(time.time())  # the epoch suffix of SageMaker's stream names, from the clock
CLOSED = object()


class FakeEventStream:
    """An event stream as botocore hands it over: iterate it for event dicts; ``close()`` ends it."""

    def __init__(self, events=()) -> None:
        self.queue: queue.Queue = queue.Queue()
        for event in events:
            self.queue.put(event)
        self.closed = False

    def push(self, *events) -> None:
        for event in events:
            self.queue.put(event)

    def end(self) -> None:
        self.queue.put(CLOSED)

    def __iter__(self):
        while True:
            event = self.queue.get(timeout=10)
            if event is CLOSED or self.closed:
                return
            yield event

    def close(self) -> None:
        self.closed = True
        self.queue.put(CLOSED)


class LiveClient:
    """A real (moto) logs client whose StartLiveTail answers with the test's event streams."""

    def __init__(self, real, streams: list[FakeEventStream]) -> None:
        self._real, self.streams, self.calls = real, streams, []
        self.meta = real.meta

    def start_live_tail(self, **params):
        self.calls.append(params)
        return {"responseStream": self.streams[len(self.calls) - 1]}

    def __getattr__(self, name):
        return getattr(self._real, name)


class Clients:
    def __init__(self, logs) -> None:
        self._logs = logs

    def logs(self, region=None):
        return self._logs


def started(stream_name: str, ts: int, message: str) -> dict:
    return {"logStreamName": stream_name, "timestamp": ts, "message": message, "ingestionTime": ts + 5,
            "logGroupIdentifier": "arn"}


def update(*results: dict, sampled: bool = False) -> dict:
    return {"sessionUpdate": {"sessionMetadata": {"sampled": sampled}, "sessionResults": list(results)}}


SESSION_START = {"sessionStart": {"requestId": "r", "sessionId": "s", "logGroupIdentifiers": ["arn"]}}


@pytest.fixture(scope="module")
def real_logs(moto_url):
    clients = AwsClients(AwsSettings(regions=("us-east-1",), endpoint_url=moto_url,
                                     credentials={"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}))
    return clients.logs()


@pytest.fixture
def group(real_logs, unique):
    import boto3

    name = f"/aws/sagemaker/TrainingJobs-{unique}"
    writer = boto3.client("logs", region_name="us-east-1", endpoint_url=real_logs.meta.endpoint_url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    writer.create_log_group(logGroupName=name)
    return name, writer


def put(writer, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    writer.put_log_events(logGroupName=group, logStreamName=stream,
                          logEvents=[{"timestamp": ts, "message": m} for ts, m in events])


def poll_until(feed: LogFeed, want: int, timeout: float = 10.0) -> list[str]:
    got: list[str] = []
    end = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < end:
        got += [line.message for line in feed.poll()[1]]
        time.sleep(0.02)
    return got


def test_live_tail_lines_arrive_in_order_once_and_polling_takes_over_without_a_duplicate(real_logs, group):
    name, writer = group
    stream = f"bert/algo-1-{EPOCH}"
    writer.create_log_stream(logGroupName=name, logStreamName=stream)
    now = int(time.time() * 1000)
    put(writer, name, stream, [(now - 60_000, "history 1"), (now - 50_000, "history 2")])
    live_stream = FakeEventStream()
    client = LiveClient(real_logs, [live_stream])
    clock = [0.0]
    feed = LogFeed(Clients(client), clock=lambda: clock[0], live=True, account=ACCOUNT)
    feed.set_request(LogRequest(region="us-east-1", group=name, prefix="bert/"))

    # the last hour by polling first, then one Live Tail session over the job's streams
    assert [line.message for line in feed.poll()[1]] == ["history 1", "history 2"]
    assert client.calls == [{"logGroupIdentifiers": [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}"],
                             "logStreamNamePrefixes": ["bert/"]}]
    assert feed.mode() == FollowMode(live=True, poll_every=2.0)
    assert feed.mode().text == "following: Live Tail"

    # a line ingested before the session began is read once by polling; Live Tail repeats it
    put(writer, name, stream, [(now - 40_000, "gap")])
    live_stream.push(SESSION_START)
    assert poll_until(feed, 1) == ["gap"]
    put(writer, name, stream, [(now - 30_000, "a"), (now - 20_000, "b")])  # Live Tail and CloudWatch agree
    live_stream.push(update(started(stream, now - 40_000, "gap"), started(stream, now - 20_000, "b"),
                            started(stream, now - 30_000, "a"), started("other-job/algo-1", now - 25_000, "x")))
    assert poll_until(feed, 2) == ["a", "b"]  # in time order, the gap not twice, another job's stream not at all

    live_stream.push(update(started(stream, now - 10_000, "c"), sampled=True))
    assert poll_until(feed, 1) == ["c"]
    assert feed.mode().text == "following: Live Tail (sampled)"

    # off: the session is closed, polling resumes from the last Live Tail event, nothing twice
    put(writer, name, stream, [(now - 10_000, "c")])
    feed.set_live(False)
    assert live_stream.closed
    assert feed.mode().text == "following: polling every 2s"
    assert [line.message for line in feed.poll()[1]] == []
    put(writer, name, stream, [(now - 5_000, "d")])
    clock[0] += 4.0  # the next poll of a quiet log
    assert [line.message for line in feed.poll()[1]] == ["d"]
    assert len(client.calls) == 1


def test_access_denied_falls_back_to_polling_with_the_message(real_logs):
    group = "/aws/sagemaker/TrainingJobs"
    stream = f"bert/algo-1-{EPOCH}"
    now = int(time.time() * 1000)
    stubber = Stubber(real_logs)  # the app's guarded client: the guard lets StartLiveTail through
    stubber.add_response("filter_log_events", {"events": [
        {"logStreamName": stream, "timestamp": now - 2_000, "message": "step 1", "eventId": "1"}]})
    denied = (f"User: arn:aws:sts::{ACCOUNT}:assumed-role/ReadOnly/me is not authorized to perform: "
              f"logs:StartLiveTail on resource: arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}")
    stubber.add_client_error("start_live_tail", "AccessDeniedException", denied, 400, expected_params={
        "logGroupIdentifiers": [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}"],
        "logStreamNamePrefixes": ["bert/algo-1-"]})
    stubber.add_response("filter_log_events", {"events": [
        {"logStreamName": stream, "timestamp": now - 2_000, "message": "step 1", "eventId": "1"},
        {"logStreamName": stream, "timestamp": now - 1_000, "message": "step 2", "eventId": "2"}]})
    with stubber:
        feed = LogFeed(Clients(real_logs), live=True, account=ACCOUNT)
        feed.set_request(LogRequest(region="us-east-1", group=group, prefix="bert/algo-1-"))
        assert [line.message for line in feed.poll()[1]] == ["step 1"]
        follower = feed._follower
        deadline = time.monotonic() + 10
        while follower.failed is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert follower.failed is not None and follower.failed.code == "AccessDeniedException"
        assert [line.message for line in feed.poll()[1]] == ["step 2"]  # polling again, nothing twice
        stubber.assert_no_pending_responses()
    mode = feed.mode()
    assert not mode.live and mode.text == "following: polling every 2s"
    assert mode.note.startswith("Live Tail stopped, polling instead: AccessDeniedException: User:")
    assert "logs:StartLiveTail" in mode.note
    (problem,) = feed.take_problems()
    assert problem.startswith(mode.note) and group in problem
    assert feed.take_problems() == [] and not feed.live  # reported once; L tries again


def test_a_session_is_renewed_at_the_three_hour_limit_one_at_a_time():
    from tui.aws.live_tail import LiveTailStream

    clock = [0.0]
    sessions = [
        [SESSION_START, update(started("j/a", 1_000, "one")), "tick", update(started("j/a", 2_000, "two"))],
        [SESSION_START, update(started("j/a", 3_000, "three")),
         {"SessionTimeoutException": {"message": "Session timed out"}}],
        [SESSION_START],  # ends on its own: not a renewal
    ]
    open_now, most_open, opened = [0], [0], []

    class Stream(FakeEventStream):
        def __iter__(self):
            for event in super().__iter__():
                if event == "tick":
                    clock[0] += RENEW_AFTER  # three hours less a minute
                    continue
                yield event

        def close(self) -> None:
            if not self.closed:
                open_now[0] -= 1
            super().close()

    class Client:
        def start_live_tail(self, **params):
            open_now[0] += 1
            most_open[0] = max(most_open[0], open_now[0])
            stream = Stream(sessions[len(opened)])
            opened.append(stream)
            stream.end()
            return {"responseStream": stream}

    def open_stream():
        s = LiveTailStream(Client(), live_tail_params(["arn:g"], prefix="j/"), "g", prefix="j/")
        s.open()
        return s

    follower = LiveFollower(open_stream, "g", clock=lambda: clock[0])
    follower.run()
    assert follower.sessions == 3 and most_open[0] == 1 and open_now[0] == 0
    lines, catch_up = follower.drain()
    assert [line.message for line in lines] == ["one", "two", "three"] and catch_up
    assert follower.failed.code == "SessionEnded"  # the feed polls from here
    assert follower.newest_ms == 3_000


def test_live_tail_limits():
    arns = [log_group_arn(f"/g{i}", "eu-west-1", ACCOUNT, "aws") for i in range(10)]
    assert arns[0] == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/g0"
    assert live_tail_params(arns) == {"logGroupIdentifiers": arns}
    assert live_tail_params(arns[:1], streams=["a", "b"]) == {"logGroupIdentifiers": arns[:1],
                                                             "logStreamNames": ["a", "b"]}
    with pytest.raises(ValueError, match="1 to 10 log groups"):
        live_tail_params(arns + ["arn:x"])
    with pytest.raises(ValueError, match="single log group"):
        live_tail_params(arns[:2], prefix="job/")
    with pytest.raises(ValueError, match="at most 100"):
        live_tail_params(arns[:1], streams=[str(i) for i in range(101)])


def test_a_bad_request_never_raises_out_of_the_follower():
    def refuse():
        raise ValueError("Live Tail follows 1 to 10 log groups, not 11")

    follower = LiveFollower(refuse, "g")
    follower.start()
    follower._thread.join(5)
    assert follower.failed.code == "ValueError" and "1 to 10" in follower.failed.message


async def test_demo_without_live_tail_falls_back_to_polling_and_says_so(shared_demo, shared_demo_clients):
    from tui.app import SagemonApp
    from tui.cli import Options
    from tui.refresh import Connection
    from tui.screens.job import JobScreen
    from tui.screens.logs import LogScreen
    from tui.widgets.log_view import LogView

    demo = shared_demo
    app = SagemonApp(Options(refresh=60, live_tail=True),
                     connection=Connection(shared_demo_clients, "demo", None, (demo.region,)))
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
        await pilot.press("colon", *"jobs", "enter", "slash", *"bert-pre", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobScreen), 10, "job screen")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen), 10, "log screen")
        logs = app.screen
        await wait_for(pilot, lambda: len(logs.query_one(LogView).plain_lines) > 0, 30, "log lines")
        await wait_for(pilot, lambda: logs.follow_mode is not None and logs.follow_mode.note, 30, "the fallback")
        status = logs.status_text().plain
        assert "following: polling every" in status and "Live Tail stopped, polling instead" in status
        assert "following: polling every" in screen_text(app)
        assert any(p.text.startswith("Live Tail stopped, polling instead") for p in app.state.problems)
        # L asks again (and, here, falls back again); L on a working account would say "Live Tail"
        await pilot.press("L")
        await wait_for(pilot, lambda: app.log_feed.live is False and len(
            [p for p in app.state.problems if p.text.startswith("Live Tail stopped")]) == 2, 30, "second fallback")


async def test_the_log_view_says_live_tail_and_sampled():
    from test_job_screens import Harness, make_job, make_state

    from tui.model.job_logs import job_log_request
    from tui.screens.logs import LogScreen

    job = make_job()
    app = Harness(make_state(job))
    async with app.run_test(size=(160, 30)) as pilot:
        screen = LogScreen(job_log_request(job), kind=job.kind, job_name=job.name)
        await app.push_screen(screen)
        await pilot.pause()
        screen.show_follow_mode(FollowMode(live=True, sampled=True))
        await pilot.pause()
        assert "following: Live Tail (sampled)" in screen_text(app)
        screen.show_follow_mode(FollowMode(live=False, poll_every=8.0, note="Live Tail stopped, polling instead: "
                                           "SessionEnded: the Live Tail stream ended"))
        await pilot.pause()
        text = screen_text(app)
        assert "following: polling every 8s" in text and "SessionEnded: the Live Tail stream ended" in text


def test_no_thread_left_behind_when_the_request_changes(real_logs):
    stream = FakeEventStream()
    client = LiveClient(real_logs, [stream])
    feed = LogFeed(Clients(client), live=True, account=ACCOUNT)
    req = LogRequest(region="us-east-1", group="/nope", prefix="x/")
    feed.set_request(req)
    feed._start_live(req)  # as after a first poll
    follower = feed._follower
    feed.set_request(None)
    follower._thread.join(5)
    assert not follower._thread.is_alive() and stream.closed and follower.failed is None
    assert feed._follower is None and feed.mode().live is False
