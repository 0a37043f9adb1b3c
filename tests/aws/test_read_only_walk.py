"""Read-only by proof, and no secret anywhere.

* The walk: the real app on the shared demo fleet visits every overview pane and every kind's
  drill-down screen (the enhanced endpoint's instances and a GPU, the endpoint with an alarm,
  an inference component, the distributed training job, a host, the host's and the job's logs
  (``L``: Live Tail, which the demo's local AWS cannot serve),
  a processing and a transform job, a pipeline and an execution, a labeling job, a feature
  group, a recommender job) while a hook records every operation the app's clients are asked
  for. Each must be a read (``guard.is_read_only``) and an action of ``guard.IAM_ACTIONS``;
  every action of the list must have been called (so the list is not padded); and the README's
  least-privilege policy is ``guard.iam_policy()``. A real-account ``connect()`` (pointed at the
  demo's local AWS) adds the calls the demo's own start-up does not make: GetCallerIdentity, and
  ListAccountAliases for the account's alias.
* The secret: clients with known fake credentials against a local endpoint that refuses
  everything (403 AccessDenied), one call failing with a timeout that carries the signed
  request; the secrets reach the endpoint but appear nowhere on screen, in the app's errors and
  warnings, its notifications or the log records, and the app adds no log handler.
* The demo's local AWS listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.pilot import screen_text, wait_for
from tui.aws import guard

SIZE = (160, 48)
README = Path(__file__).resolve().parents[2] / "README.md"
#: Actions of IAM_ACTIONS the walk cannot reach, with why (keep it short).
UNREACHED_BY_WALK: dict[str, str] = {
    "sts:AssumeRole": "only for a source account reached through a role (the demo has one account); "
                      "tests/aws/test_cross_account.py makes it",
}


class Recorder:
    """Records every operation a botocore event emitter (a session's or a client's) is asked for.

    ``attempted`` is recorded first thing at ``before-parameter-build``, ahead of the read-only
    guard, so even a call the guard refuses is seen; ``sent`` at ``before-call`` (what passed).
    Handlers registered on a session are copied into the clients it creates afterwards; the
    unique ids keep a client that already has the copy from recording twice.
    """

    ATTEMPT, SENT = "read-only-walk-attempt", "read-only-walk-sent"

    def __init__(self) -> None:
        self.attempted: list[tuple[str, str]] = []
        self.sent: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def _attempt(self, model=None, **_kwargs) -> None:
        if model is not None:
            with self._lock:
                self.attempted.append((model.service_model.service_name, model.name))

    def _sent(self, model=None, **_kwargs) -> None:
        if model is not None:
            with self._lock:
                self.sent.append((model.service_model.service_name, model.name))

    def install(self, events) -> None:
        events.register_first("before-parameter-build", self._attempt, unique_id=self.ATTEMPT)
        events.register("before-call", self._sent, unique_id=self.SENT)

    @classmethod
    def uninstall(cls, events) -> None:
        events.unregister("before-parameter-build", unique_id=cls.ATTEMPT)
        events.unregister("before-call", unique_id=cls.SENT)

    def actions(self) -> Counter:
        with self._lock:
            return Counter(guard.iam_action(s, op) for s, op in self.attempted)


def readme_policy() -> dict:
    text = README.read_text(encoding="utf-8")
    heading = re.search(r"^#+ .*\bIAM\b.*$", text, re.MULTILINE)
    assert heading, "README: no heading about the IAM policy"
    block = re.compile(r"^```json\n(.*?)^```", re.MULTILINE | re.DOTALL).search(text, heading.end())
    assert block, "README: no ```json block after the IAM heading"
    return json.loads(block.group(1))


def test_readme_policy_is_the_generated_one():
    assert readme_policy() == guard.iam_policy()
    policy = guard.iam_policy()
    (statement,) = policy["Statement"]
    assert policy["Version"] == "2012-10-17" and statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert statement["Action"] == sorted(set(guard.IAM_ACTIONS))  # sorted, no duplicates
    assert all(guard.is_read_only(a.split(":", 1)[1]) for a in guard.IAM_ACTIONS)
    assert not any("*" in a for a in guard.IAM_ACTIONS)  # no wildcards: exactly what is called
    assert guard.iam_action("cloudwatch", "GetMetricData") == "cloudwatch:GetMetricData"  # signs as monitoring


# -- the walk ---------------------------------------------------------------------------------------

def real_account_connect(monkeypatch, demo, recorder: Recorder):
    """``connect()`` as for a real account (not --demo), with environment credentials, pointed at
    the demo's local AWS: every session it builds is recorded (through ``guard.install``)."""
    from tui.cli import Options
    from tui.refresh import connect

    install = guard.install

    def install_and_record(events) -> None:
        install(events)
        recorder.install(events)

    creds = demo.connection.credentials
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/sagemon-test-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/sagemon-test-credentials")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", creds["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", creds["aws_secret_access_key"])
    with monkeypatch.context() as m:
        m.setattr(guard, "install", install_and_record)
        conn = connect(Options(regions=(demo.region,), endpoint_url=demo.connection.endpoint_url), lambda _t: None)
    assert conn.account and conn.account.isdigit()
    return conn


async def open_row(pilot, app, pane: str, key: str, cls) -> None:
    """``:pane``, the cursor on ``key``, Enter; wait for ``cls`` to be on top."""
    await pilot.press("colon", *pane, "enter")
    await wait_for(pilot, lambda: app.overview.pane.value == pane, what=f"pane {pane}")
    table = app.overview.table()
    await wait_for(pilot, lambda: table.select_key(key), what=f"row {key}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, cls), what=cls.__name__)


async def settle(pilot, app, timeout: float = 20.0) -> None:
    """The screen on top has the answer to its current request (no refresh running or queued)."""
    def done() -> bool:
        screen, sched = app.screen, app.scheduler
        req = screen.detail_request() if hasattr(screen, "detail_request") else None
        if sched is None or sched.running or sched._pending is not None:
            return False
        return req is None or (app.detail_request == req and req.owner in app._details)

    await wait_for(pilot, done, timeout, f"settle {type(app.screen).__name__}")


async def back_to_overview(pilot, app) -> None:
    while app.screen is not app.overview:
        await pilot.press("escape")
        await pilot.pause()
    await wait_for(pilot, lambda: app.detail_request is None, what="overview")


async def test_every_operation_of_a_full_walk_is_a_read_in_the_iam_policy(shared_demo, shared_demo_clients,
                                                                          monkeypatch):
    from tui.app import SagemonApp
    from tui.cli import Options
    from tui.model.catalog import Kind
    from tui.model.kinds import Pane
    from tui.refresh import Connection
    from tui.screens.component import ComponentScreen
    from tui.screens.endpoint import EndpointScreen
    from tui.widgets.detail_table import DetailTable
    from tui.screens.endpoint_hosts import AcceleratorScreen, EndpointInstancesScreen
    from tui.screens.host import HostScreen
    from tui.screens.job import JobScreen
    from tui.screens.logs import LogScreen
    from tui.screens.more import FeatureGroupScreen, LabelingJobScreen, RecommendationJobScreen
    from tui.screens.pipeline import ExecutionScreen, PipelineScreen
    from tui.widgets.host_grid import HostGrid
    from tui.widgets.log_view import LogView

    started = time.monotonic()
    demo, fleet, clients = shared_demo, shared_demo.fleet, shared_demo_clients
    recorder = Recorder()
    real_account_connect(monkeypatch, demo, recorder)
    assert recorder.actions() == Counter({"sts:GetCallerIdentity": 1, "iam:ListAccountAliases": 1})

    # the walk's clients: the session (and every renewed one) and the clients made before now
    services = ("sagemaker", "cloudwatch", "logs", "ec2", "sts")
    def hook(session) -> None:
        recorder.install(session.events)

    clients.on_session(hook)
    for service in services:
        recorder.install(clients.client(service, demo.region).meta.events)
    app = SagemonApp(Options(refresh=60, window="1h"), connection=Connection(clients, "demo", None, (demo.region,)))
    visited: list[str] = []

    def stop(*names: str) -> None:
        visited.extend(f"{n} ({time.monotonic() - started:.1f}s)" for n in names)

    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.state.refreshes >= 1, 30, "first refresh")
            inv = app.state.inventory

            def job(name):
                return next(j for j in inv.jobs if j.name == name)

            # every overview pane (each refreshed when shown)
            for pane in Pane:
                await pilot.press("colon", *pane.value, "enter")
                await wait_for(pilot, lambda: app.overview.pane is pane, what=f"pane {pane.value}")
                await wait_for(pilot, lambda: pane in app.state.pane_refreshed, what=f"pane {pane.value} data")
                stop(f":{pane.value}")

            # the enhanced endpoint, its instances (i) and the hot GPU
            ep = next(e for e in inv.endpoints if e.name == fleet.enhanced_endpoint)
            await open_row(pilot, app, "endpoints", ep.key, EndpointScreen)
            await settle(pilot, app)
            await pilot.press("i")
            await wait_for(pilot, lambda: isinstance(app.screen, EndpointInstancesScreen), what="instances")
            grid = app.screen.query_one("#grid", HostGrid)
            hot_instance, hot_gpu = fleet.hot_gpu
            await wait_for(pilot, lambda: grid.host_table is not None and any(
                r.label == hot_instance for r in grid.host_table.rows), what="instance rows")
            assert grid.select_host(next(r for r in grid.host_table.rows if r.label == hot_instance).host)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, AcceleratorScreen), what="GPUs")
            await settle(pilot, app)
            stop(f"endpoint {ep.name}", "its instances", f"GPUs of {hot_instance}")
            await back_to_overview(pilot, app)

            # the endpoint with an alarm firing
            ep = next(e for e in inv.endpoints if e.name == fleet.erroring_endpoint)
            await open_row(pilot, app, "endpoints", ep.key, EndpointScreen)
            alarms = app.screen.query_one("#alarms", DetailTable)
            alarm_key = f"alarm:{demo.region}:{fleet.alarm_in_alarm}"
            await wait_for(pilot, lambda: alarm_key in {r.key for r in alarms.rows_shown}
                           and alarms.cell_text(alarm_key, "state") == "ALARM", what="alarm in ALARM")
            await settle(pilot, app)
            stop(f"endpoint {ep.name} with alarm {fleet.alarm_in_alarm}")
            await back_to_overview(pilot, app)

            # an inference component
            ic = next(c for c in inv.components if c.name == fleet.components[0].name)
            await open_row(pilot, app, "components", ic.key, ComponentScreen)
            await settle(pilot, app)
            stop(f"component {ic.name}")
            await back_to_overview(pilot, app)

            # the distributed training job, its lagging host, the host's log, the job's log
            j = job(fleet.distributed_job)
            await open_row(pilot, app, "jobs", j.key, JobScreen)
            job_screen = app.screen
            await wait_for(pilot, lambda: job_screen.table is not None, what="job hosts")
            await settle(pilot, app)
            grid = job_screen.query_one(HostGrid)
            assert grid.select_host(fleet.lagging_host)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, HostScreen), what="host")
            await settle(pilot, app)
            await pilot.press("l")
            await wait_for(pilot, lambda: isinstance(app.screen, LogScreen), what="host log")
            log = app.screen.query_one(LogView)
            await wait_for(pilot, lambda: len(log.plain_lines) > 0, what="host log lines")
            await pilot.press("escape", "escape")
            await wait_for(pilot, lambda: app.screen is job_screen, what="back to the job")
            await pilot.press("l")
            await wait_for(pilot, lambda: isinstance(app.screen, LogScreen), what="job log")
            log = app.screen.query_one(LogView)
            await wait_for(pilot, lambda: len(log.plain_lines) > 0, what="job log lines")
            await pilot.press("L")  # Live Tail asked for: the demo's local AWS cannot serve it, polling goes on
            await wait_for(pilot, lambda: app.screen.follow_mode is not None and bool(app.screen.follow_mode.note),
                           what="Live Tail tried, polling again")
            stop(f"job {j.name}", f"host {fleet.lagging_host}", "the host's log", "the job's log", "Live Tail")
            await back_to_overview(pilot, app)

            # a processing job and a transform job (its hosts come from a read)
            for name in (fleet.running_processing_job, fleet.running_transform_job):
                j = job(name)
                await open_row(pilot, app, "jobs", j.key, JobScreen)
                await settle(pilot, app)
                await wait_for(pilot, lambda: app.screen.table is not None, what=f"{name} hosts")
                await settle(pilot, app)
                stop(f"{j.kind.value} {name}")
                await back_to_overview(pilot, app)
            assert job(fleet.running_transform_job).kind is Kind.TRANSFORM_JOB

            # a pipeline and its newest execution's steps
            p = next(x for x in inv.pipelines if x.name == fleet.failed_pipeline)
            await open_row(pilot, app, "pipelines", p.key, PipelineScreen)
            await settle(pilot, app)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ExecutionScreen), what="execution")
            await settle(pilot, app)
            stop(f"pipeline {p.name}", "its execution")
            await back_to_overview(pilot, app)

            # a labeling job, a feature group, a recommender job
            for pane, resource, cls in (
                    ("labeling", next(x for x in inv.labeling_jobs if x.name == fleet.labeling_job), LabelingJobScreen),
                    ("features", inv.feature_groups[0], FeatureGroupScreen),
                    ("recommendations", inv.recommendation_jobs[0], RecommendationJobScreen)):
                await open_row(pilot, app, pane, resource.key, cls)
                await settle(pilot, app)
                stop(f"{pane} {resource.name}")
                await back_to_overview(pilot, app)
            assert not app.state.errors, app.state.errors
    finally:
        clients._session_hooks.remove(hook)
        Recorder.uninstall(clients.session.events)
        for c in list(clients._clients.values()):
            Recorder.uninstall(c.meta.events)

    seen = recorder.actions()
    print(f"\nwalk: {len(visited)} stops in {time.monotonic() - started:.1f}s: " + "; ".join(visited))
    print(f"{sum(seen.values())} operations:")
    for action, n in sorted(seen.items()):
        print(f"  {n:5d}  {action}")
    # nothing was refused: every operation asked for was sent
    assert Counter(recorder.sent) == Counter(recorder.attempted)
    assert [op for _s, op in recorder.attempted if not guard.is_read_only(op)] == []
    assert sorted(set(seen) - set(guard.IAM_ACTIONS)) == [], "called, but not in guard.IAM_ACTIONS"
    assert sorted(set(guard.IAM_ACTIONS) - set(seen) - set(UNREACHED_BY_WALK)) == [], \
        "in guard.IAM_ACTIONS, but never called by the walk (padding?)"


# -- no secret anywhere ----------------------------------------------------------------------------

SECRETS = {"aws_access_key_id": "AKIAFAKESECRET0001",
           "aws_secret_access_key": "fake/Secret+Key/DoNotShow0123456789",
           "aws_session_token": "FakeSessionTokenDoNotShow"}


class _Refusing(BaseHTTPRequestHandler):
    """Answers every request 403 AccessDenied, as AWS does, in the request's protocol."""

    seen: list[dict[str, str]]

    def log_message(self, *_args) -> None:  # no access log on stderr
        pass

    def do_GET(self) -> None:
        self._refuse(b"")

    def do_POST(self) -> None:
        self._refuse(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _refuse(self, body: bytes) -> None:
        self.server.seen.append(dict(self.headers))
        ctype = self.headers.get("Content-Type", "")
        target = self.headers.get("X-Amz-Target", "")
        if target:  # JSON protocol (sagemaker, logs)
            op = target.rsplit(".", 1)[-1]
        elif "/operation/" in self.path:  # CBOR (cloudwatch)
            op = self.path.rstrip("/").rsplit("/", 1)[-1]
        else:  # query (sts, ec2)
            op = (parse_qs(body.decode("utf-8", "replace")).get("Action") or ["Unknown"])[0]
        message = f"User: arn:aws:iam::123456789012:user/viewer is not authorized to perform: x:{op}"
        if "json" in ctype:
            self._answer("application/x-amz-json-1.1",
                         json.dumps({"__type": "AccessDeniedException", "message": message}).encode(),
                         {"x-amzn-ErrorType": "AccessDeniedException"})
        elif "cbor" in ctype or self.headers.get("smithy-protocol"):
            self._answer("application/cbor", _cbor_map({"__type": "AccessDeniedException", "message": message}),
                         {"smithy-protocol": "rpc-v2-cbor"})
        else:
            xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{message}"
                   f"</Message></Error><RequestId>0</RequestId></ErrorResponse>")
            self._answer("text/xml", xml.encode(), {})

    def _answer(self, ctype: str, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(403)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def _cbor_map(d: dict[str, str]) -> bytes:
    """A CBOR map of short text strings (enough for an error body)."""
    def text(s: str) -> bytes:
        b = s.encode()
        assert len(b) < 256
        return (bytes([0x60 + len(b)]) if len(b) < 24 else bytes([0x78, len(b)])) + b

    return bytes([0xA0 + len(d)]) + b"".join(text(k) + text(v) for k, v in d.items())


@pytest.fixture
def refusing_aws():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _handlers() -> dict[str, list]:
    names = ("", "botocore", "boto3", "urllib3", "tui", "textual")
    return {n: list(logging.getLogger(n or None).handlers) for n in names}


async def test_credentials_never_appear_on_screen_in_errors_or_logs(refusing_aws, caplog):
    from botocore.exceptions import ReadTimeoutError

    from tui.app import SagemonApp
    from tui.aws.session import AwsClients, AwsSettings
    from tui.cli import Options
    from tui.refresh import Connection

    caplog.set_level(logging.INFO)  # what any library would write at INFO and above
    caplog.set_level(logging.DEBUG, logger="tui")  # and everything the app itself logs
    before = _handlers()
    botocore_level = logging.getLogger("botocore").level
    url = "http://127.0.0.1:%d" % refusing_aws.server_address[1]
    clients = AwsClients(AwsSettings(regions=("us-east-1",), endpoint_url=url, credentials=dict(SECRETS),
                                     max_attempts=1, connect_timeout=2, read_timeout=2))

    # one call fails with an exception that carries the signed request (Authorization, token)
    def timeout(request=None, **_kwargs):
        raise ReadTimeoutError(endpoint_url=request.url, request=request, error="read timed out (test)")

    clients.session.events.register("before-send.sagemaker.ListEndpoints", timeout)
    app = SagemonApp(Options(refresh=60, window="1h"), connection=Connection(clients, None, None, clients.regions))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 30, "a refresh")
        await pilot.pause(0.3)
        shown = [screen_text(app)]  # the endpoints pane (its listing timed out) and the toasts
        problems = list(app.state.errors) + list(app.state.warnings)
        await pilot.press("colon", *"jobs", "enter")  # a pane refreshed on its own (denied)
        await wait_for(pilot, lambda: app.state.refreshes >= 2, 30, "the jobs pane's refresh")
        await pilot.pause(0.3)
        shown.append(screen_text(app))
        problems += list(app.state.errors) + list(app.state.warnings)
        notes = [f"{n.title} {n.message}" for n in app._notifications]

    # the secrets were in use: the endpoint received the key id and the token (never the key)
    sent = "\n".join(f"{k}: {v}" for h in refusing_aws.seen for k, v in h.items())
    assert SECRETS["aws_access_key_id"] in sent and SECRETS["aws_session_token"] in sent
    assert SECRETS["aws_secret_access_key"] not in sent
    # nothing of the credentials is anywhere...
    records = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for where, text in (("screen", "\n".join(shown)), ("errors and warnings", "\n".join(problems)),
                        ("notifications", "\n".join(notes)), ("log records", records + caplog.text)):
        for name, secret in SECRETS.items():
            assert secret not in text, f"{name} appears in the {where}"
        assert "Authorization" not in text and "X-Amz-Security-Token" not in text, where
    # ...while the failures are explained, on screen too
    assert any("access denied" in p or "AccessDenied" in p for p in problems), problems
    assert any("did not answer in time" in p for p in problems), problems
    assert "did not answer in time" in "\n".join(shown) and "access denied" in "\n".join(shown)  # text is seen
    # the app adds no log handler (botocore's DEBUG log holds signed headers: never enabled by us)
    assert _handlers() == before
    assert logging.getLogger("botocore").level == botocore_level  # not turned up to DEBUG by the app
    assert not logging.getLogger("botocore").isEnabledFor(logging.DEBUG)


# -- the local AWS binds 127.0.0.1 only --------------------------------------------------------------

def test_demo_local_aws_listens_on_loopback_only(shared_demo):
    conn = shared_demo.connection
    assert urlparse(conn.endpoint_url).hostname == "127.0.0.1"
    local = shared_demo._aws  # tui.demo.server.LocalAws
    assert local.host == "127.0.0.1"
    wsgi = getattr(local._server, "_server", None)  # moto's ThreadedMotoServer's werkzeug server
    assert wsgi is not None, "cannot find the demo's server socket"
    assert wsgi.socket.family == socket.AF_INET
    host, port = wsgi.socket.getsockname()[:2]
    assert (host, port) == ("127.0.0.1", urlparse(conn.endpoint_url).port)  # not 0.0.0.0
    # and it does not answer on this machine's other addresses
    try:
        others = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        others = set()
    for addr in sorted(a for a in others if not a.startswith("127."))[:2]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(1.0)
            assert s.connect_ex((addr, port)) != 0, f"the demo answers on {addr}"
