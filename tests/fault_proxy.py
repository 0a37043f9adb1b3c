"""A fault-injecting HTTP proxy in front of a local AWS (moto's server), for the fault tests.

``FaultProxy(upstream_url)`` listens on 127.0.0.1 (a free port) and forwards every request
(method, path, headers, body) to the upstream server, unless a rule set at run time matches
the request's AWS operation; then it answers as AWS does when it fails:

* :func:`throttle` - HTTP 400 ``ThrottlingException`` (JSON) / ``Throttling`` (query), or with
  ``status=429`` ``TooManyRequestsException``;
* :func:`error` - HTTP 500 ``InternalFailure`` or 503 ``ServiceUnavailable``;
* :func:`delay` - wait, then forward (a read timeout when longer than the client's);
* :func:`drop` - close the connection without answering;
* :func:`expired` - HTTP 400 ``ExpiredTokenException`` / ``ExpiredToken``;
* :func:`garbage` - an HTML page (HTTP 200 by default) instead of AWS's answer;
* :func:`deny` - HTTP 400 ``AccessDeniedException`` / ``AccessDenied`` with AWS's message
  ("User: arn:aws:sts::...:assumed-role/ReadOnly/me is not authorized to perform: svc:Op ...");

and :meth:`FaultProxy.down` / :meth:`FaultProxy.up` stop listening altogether (connection
refused) and listen again on the same port.

The operation comes from ``X-Amz-Target`` (JSON protocols: SageMaker, CloudWatch Logs, and
CloudWatch itself, which botocore talks JSON 1.0 to), the ``Action`` form field (query
protocols: STS, EC2, CloudWatch's legacy protocol) or the Smithy RPC v2 CBOR path
(``/service/<Service>/operation/<Op>``). Error bodies have the shape botocore parses for that
protocol: JSON ``{"__type", "message"}`` (plus ``x-amzn-query-error`` for the query-compatible
services, as AWS sends it: CloudWatch then reads ``Throttling``), a CBOR map, query XML
``<ErrorResponse><Error>...`` or EC2's ``<Response><Errors><Error>...``.

Every request seen is recorded in :attr:`FaultProxy.calls` (operation, service, fault applied).
"""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable
from urllib.parse import parse_qs, urlsplit

ACCOUNT = "123456789012"
#: JSON-protocol services whose error codes AWS also sends in their old query spelling
#: (``x-amzn-query-error: Throttling;Sender``): CloudWatch.
QUERY_COMPATIBLE_TARGETS = frozenset({"GraniteServiceVersion20100801", "AmazonSQS"})
#: Signing name (credential scope) -> IAM action prefix, where they differ.
IAM_PREFIX = {"monitoring": "cloudwatch", "execute-api": "execute-api"}
#: X-Amz-Target prefix -> IAM action prefix (when the Authorization header is missing).
TARGET_PREFIX = {"SageMaker": "sagemaker", "GraniteServiceVersion20100801": "cloudwatch",
                 "Logs_20140328": "logs"}
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
                        "upgrade", "content-length"})


# -- faults ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    """What to answer instead of the upstream's answer (or before it, for ``delay``)."""

    kind: str  # throttle | error | delay | drop | expired | deny | garbage
    status: int = 400
    json_code: str = ""  # JSON / CBOR protocols (SageMaker, Logs, CloudWatch's __type)
    query_code: str = ""  # query protocol and query-compatible JSON (CloudWatch, STS)
    ec2_code: str = ""  # EC2's own protocol
    message: str = ""
    sender: bool = True  # the client's fault (Sender) or the service's (Receiver)
    seconds: float = 0.0  # for delay

    def __str__(self) -> str:
        return f"{self.kind}({self.status})" if self.kind in ("throttle", "error") else self.kind


def throttle(status: int = 400) -> Fault:
    """AWS refusing for the request rate: 400 ThrottlingException/Throttling, or 429."""
    if status == 429:
        return Fault("throttle", 429, "TooManyRequestsException", "TooManyRequestsException",
                     "RequestLimitExceeded", "Too Many Requests")
    return Fault("throttle", status, "ThrottlingException", "Throttling", "RequestLimitExceeded", "Rate exceeded")


def error(status: int = 500) -> Fault:
    """A server-side failure: 500 InternalFailure, 503 ServiceUnavailable (others: InternalFailure)."""
    if status == 503:
        return Fault("error", 503, "ServiceUnavailable", "ServiceUnavailable", "Unavailable",
                     "The request has failed due to a temporary failure of the server.", sender=False)
    return Fault("error", status, "InternalFailure", "InternalFailure", "InternalError",
                 "The request processing has failed because of an unknown error, exception or failure.",
                 sender=False)


def delay(seconds: float) -> Fault:
    """Wait ``seconds``, then forward (the answer is lost when the client gave up meanwhile)."""
    return Fault("delay", 0, seconds=float(seconds))


def drop() -> Fault:
    """Read the request, then close the connection without a byte of answer."""
    return Fault("drop", 0)


def expired() -> Fault:
    """The session token expired (an SSO login that ran out)."""
    return Fault("expired", 400, "ExpiredTokenException", "ExpiredToken", "RequestExpired",
                 "The security token included in the request is expired")


def deny() -> Fault:
    """AccessDenied for the request's operation, with the IAM action in AWS's message."""
    return Fault("deny", 400, "AccessDeniedException", "AccessDenied", "UnauthorizedOperation")


def garbage(status: int = 200, body: str = "<html><body><h1>Sign in to continue</h1></body></html>") -> Fault:
    """Not AWS at all: a middlebox's HTML page (a captive portal, a corporate proxy) in place of
    the answer, with ``status`` (200 by default)."""
    return Fault("garbage", status, message=body)


def denial_message(action: str, region: str) -> str:
    service = action.split(":", 1)[0]
    return (f"User: arn:aws:sts::{ACCOUNT}:assumed-role/ReadOnly/me is not authorized to perform: {action} "
            f"on resource: arn:aws:{service}:{region}:{ACCOUNT}:* "
            f"because no identity-based policy allows the {action} action")


# -- requests -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    """One request the proxy saw."""

    operation: str
    service: str  # the IAM prefix: sagemaker, cloudwatch, logs, ec2, sts, ...
    protocol: str  # json | cbor | query | ec2 | other
    fault: str | None  # str(Fault) when one was applied, else None
    at: float = field(default=0.0, compare=False)


@dataclass
class Rule:
    fault: Fault
    operations: frozenset[str] | None  # None: every operation
    remaining: int | None  # None: until cleared
    hits: int = 0

    def matches(self, operation: str) -> bool:
        return (self.operations is None or operation in self.operations) and self.remaining != 0


@dataclass(frozen=True)
class _Request:
    operation: str
    service: str
    protocol: str
    region: str
    target_prefix: str
    content_type: str


def _scope(headers) -> tuple[str, str]:
    """(signing name, region) from a SigV4 Authorization header ("" when absent)."""
    auth = headers.get("Authorization", "") or ""
    marker = "Credential="
    if marker not in auth:
        return "", ""
    parts = auth.split(marker, 1)[1].split(",", 1)[0].split("/")
    if len(parts) >= 5:
        return parts[3], parts[2]
    return "", ""


def classify(method: str, path: str, headers, body: bytes) -> _Request:
    """The AWS operation, service and protocol of one HTTP request."""
    signing, region = _scope(headers)
    service = IAM_PREFIX.get(signing, signing)
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    target = headers.get("X-Amz-Target")
    url = urlsplit(path)
    if target:
        prefix, _, op = target.rpartition(".")
        return _Request(op, service or TARGET_PREFIX.get(prefix, prefix.lower()), "json", region, prefix,
                        content_type or "application/x-amz-json-1.1")
    segments = url.path.strip("/").split("/")
    if len(segments) >= 4 and segments[0] == "service" and segments[2] == "operation":
        return _Request(segments[3], service or TARGET_PREFIX.get(segments[1], segments[1].lower()), "cbor",
                        region, segments[1], "application/cbor")
    fields = parse_qs(url.query)
    if content_type == "application/x-www-form-urlencoded" and body:
        fields.update(parse_qs(body.decode("utf-8", "replace")))
    if "Action" in fields:
        return _Request(fields["Action"][0], service, "ec2" if service == "ec2" else "query", region, "",
                        content_type)
    return _Request(f"{method} {url.path}", service, "other", region, "", content_type)


def _cbor_text(s: str) -> bytes:
    raw = s.encode("utf-8")
    n = len(raw)
    if n < 24:
        head = bytes([0x60 + n])
    elif n < 0x100:
        head = bytes([0x78, n])
    elif n < 0x10000:
        head = b"\x79" + struct.pack(">H", n)
    else:
        head = b"\x7a" + struct.pack(">I", n)
    return head + raw


def cbor_map(values: dict[str, str]) -> bytes:
    """A CBOR map of text to text (all an error body needs)."""
    assert len(values) < 24
    return bytes([0xA0 + len(values)]) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in values.items())


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def error_response(fault: Fault, req: _Request) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of ``fault`` answered in ``req``'s protocol."""
    if fault.kind == "garbage":
        return fault.status, {"Content-Type": "text/html"}, fault.message.encode()
    request_id = str(uuid.uuid4())
    message = fault.message
    if fault.kind == "deny":
        message = denial_message(f"{req.service or 'unknown'}:{req.operation}", req.region or "us-east-1")
        if req.protocol == "ec2":
            message = f"You are not authorized to perform this operation. {message}"
    side = "Sender" if fault.sender else "Receiver"
    if req.protocol in ("json", "cbor"):
        headers = {"x-amzn-RequestId": request_id}
        if req.target_prefix in QUERY_COMPATIBLE_TARGETS:
            headers["x-amzn-query-error"] = f"{fault.query_code};{side}"
        error = {"__type": fault.json_code, "message": message}
        if req.protocol == "cbor":
            headers.update({"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
            return fault.status, headers, cbor_map(error)
        import json

        headers["Content-Type"] = req.content_type or "application/x-amz-json-1.1"
        return fault.status, headers, json.dumps(error).encode()
    if req.protocol == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{fault.ec2_code}</Code>'
                f"<Message>{_xml(message)}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
        return fault.status, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    body = (f"<ErrorResponse><Error><Type>{side}</Type><Code>{fault.query_code}</Code>"
            f"<Message>{_xml(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    return fault.status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode()


# -- the server -----------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as AWS (and botocore's pool) use
    proxy: "FaultProxy"  # set on the per-proxy subclass

    def setup(self) -> None:
        super().setup()
        self.proxy._opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.proxy._closed(self.connection)

    def log_message(self, format, *args) -> None:  # noqa: A002 - quiet
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._body()
        req = classify(self.command, self.path, self.headers, body)
        fault = self.proxy._fault_for(req)
        self.proxy._record(req, fault)
        try:
            if fault is None or fault.kind == "delay":
                if fault is not None:
                    time.sleep(fault.seconds)
                status, headers, payload = self._forward(body)
            elif fault.kind == "drop":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            else:
                status, headers, payload = error_response(fault, req)
            self._answer(status, headers, payload)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client gave up first (read timeout)

    def _forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        up = urlsplit(self.proxy.upstream_url)
        conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            out = {k: v for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP}
            return resp.status, out, payload
        except OSError as exc:
            return 502, {"Content-Type": "text/plain"}, f"upstream unreachable: {exc}".encode()
        finally:
            conn.close()

    def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle


class FaultProxy:
    """A fault-injecting proxy in front of ``upstream_url`` (see the module's docstring).

    Use as a context manager, or call :meth:`close`. Rules are thread-safe and take effect
    on the next request: :meth:`inject` adds one, :meth:`clear` removes them all.
    """

    def __init__(self, upstream_url: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.upstream_url = upstream_url.rstrip("/")
        self.host = host
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._conns: set[socket.socket] = set()
        self.calls: list[Call] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = port
        self.up()

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def listening(self) -> bool:
        return self._server is not None

    def up(self) -> None:
        """Listen (again, on the same port after :meth:`down`)."""
        if self._server is not None:
            return
        handler = type("Handler", (_Handler,), {"proxy": self})
        server = ThreadingHTTPServer((self.host, self.port), handler)  # allow_reuse_address is set
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fault-proxy-{self.port}", daemon=True)
        self._thread.start()

    def down(self) -> None:
        """Stop listening and cut every open connection: new connections are refused."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)

    def close(self) -> None:
        self.down()

    def __enter__(self) -> "FaultProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- rules -----------------------------------------------------------------------------------
    def inject(self, fault: Fault, operations: str | Iterable[str] | None = None, *,
               times: int | None = None) -> Rule:
        """Apply ``fault`` to ``operations`` (names like "ListEndpoints"; None: every operation),
        ``times`` requests (None: until :meth:`clear`). The first matching rule wins."""
        if isinstance(operations, str):
            operations = (operations,)
        rule = Rule(fault, None if operations is None else frozenset(operations), times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def _fault_for(self, req: _Request) -> Fault | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(req.operation):
                    rule.hits += 1
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    return rule.fault
        return None

    # -- the record ------------------------------------------------------------------------------
    def _record(self, req: _Request, fault: Fault | None) -> None:
        with self._lock:
            self.calls.append(Call(req.operation, req.service, req.protocol,
                                   None if fault is None else str(fault), time.time()))

    def mark(self) -> int:
        """A position in :attr:`calls`: ``operations(since=mark)`` lists what came after it."""
        with self._lock:
            return len(self.calls)

    def since(self, mark: int = 0) -> list[Call]:
        with self._lock:
            return list(self.calls[mark:])

    def operations(self, since: int = 0) -> list[str]:
        return [c.operation for c in self.since(since)]

    def _opened(self, conn: socket.socket) -> None:
        with self._lock:
            self._conns.add(conn)

    def _closed(self, conn: socket.socket) -> None:
        with self._lock:
            self._conns.discard(conn)
