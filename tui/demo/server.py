"""The local AWS behind ``--demo``: moto's server, in-process, on 127.0.0.1 and a free port.

The app reaches it through plain boto3 with the :attr:`LocalAws.endpoint_url`,
:attr:`LocalAws.region` and :attr:`LocalAws.credentials` it is given explicitly (no process-wide
``AWS_*`` variables are set). :meth:`LocalAws.client` gives the demo's own writer clients
(plain boto3, not the app's read-only ones) that play the monitored account.

The server's loggers (werkzeug's access log, the Flask app's error log) and socketserver's
error printing are silenced so nothing writes over the terminal UI. :func:`moto_ext.install`
runs before the first request is served.

    aws = LocalAws().start()
    aws.client("cloudwatch").put_metric_data(...)
    ...
    aws.stop()
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

from tui.demo import moto_ext

DEFAULT_REGION = "us-east-1"
#: Dummy credentials: moto accepts any; they map to its default account.
CREDENTIALS = {"aws_access_key_id": "demo-access-key", "aws_secret_access_key": "demo-secret-key"}
#: Loggers of the embedded server that would otherwise write to stderr.
SERVER_LOGGERS = ("werkzeug", "moto", "flask.app")


def quiet_server_logs() -> None:
    """Silence the server's loggers (idempotent)."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _ignore_error(request: Any, client_address: Any) -> None:
    """socketserver prints a traceback to stderr for a broken connection; the UI owns stderr."""


class LocalAws:
    """An in-process local AWS (moto's server plus :mod:`tui.demo.moto_ext`)."""

    def __init__(self, region: str = DEFAULT_REGION, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.region = region
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self.credentials: dict[str, str] = dict(CREDENTIALS)
        self.account_id: str = moto_ext.DEFAULT_ACCOUNT_ID
        self.start_seconds: float | None = None
        self._server = None
        self._starting: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._session = None
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, *, background: bool = False) -> "LocalAws":
        """Start serving and return self.

        With ``background=True`` a free port is reserved at once (so :attr:`endpoint_url` is
        known immediately) and moto is imported and started in a thread; requests made before
        it is ready are refused (botocore retries them). :meth:`wait_ready` waits for it.
        """
        if self._server is not None or self._starting is not None:
            raise RuntimeError("the local AWS is already running")
        self._ready.clear()
        self._error = None
        self.port = None
        if not background:
            self._start()
            return self
        self.port = self._requested_port or _free_port(self.host)
        self._starting = threading.Thread(target=self._start_quietly, name="local-aws-start", daemon=True)
        self._starting.start()
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the server answers; True when ready. Re-raises a failed start."""
        ok = self._ready.wait(timeout)
        if self._error is not None:
            raise self._error
        return ok and self._server is not None

    def _start_quietly(self) -> None:
        try:
            self._start()
        except BaseException as exc:  # reported by wait_ready
            self._error = exc
            self._ready.set()

    def _start(self) -> None:
        t0 = time.perf_counter()
        try:
            quiet_server_logs()
            moto_ext.install()
            from moto.server import ThreadedMotoServer

            port = self.port if self.port is not None else self._requested_port
            server = ThreadedMotoServer(ip_address=self.host, port=port, verbose=False)
            server.start()
            wsgi = getattr(server, "_server", None)
            if wsgi is not None:
                wsgi.handle_error = _ignore_error
            self.port = server.get_host_and_port()[1]
            self._server = server
            self.start_seconds = time.perf_counter() - t0
        finally:
            self._starting = None
            self._ready.set()

    def warm_up(self, services: tuple[str, ...] = ("cloudwatch", "sagemaker", "logs", "sts")) -> None:
        """Make one cheap call per service so moto's lazy per-service loading (about 0.1-0.3 s
        each) is paid now, not by the app's first refresh. Call it from a thread."""
        calls = {
            "cloudwatch": lambda c: c.list_metrics(Namespace="Demo/WarmUp"),
            "sagemaker": lambda c: c.list_endpoints(MaxResults=1),
            "logs": lambda c: c.describe_log_groups(limit=1),
            "sts": lambda c: c.get_caller_identity(),
        }
        for service in services:
            call = calls.get(service)
            if call is not None:
                call(self.client(service))

    def stop(self) -> None:
        """Stop serving and free the port (idempotent)."""
        starting = self._starting
        if starting is not None:
            starting.join()
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for c in clients:
            try:
                c.close()
            except Exception:  # pragma: no cover - closing is best effort
                pass

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> "LocalAws":
        return self if self.running else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addressing --------------------------------------------------------------------------
    @property
    def endpoint_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the local AWS is not started")
        return f"http://{self.host}:{self.port}"

    def client(self, service: str, region: str | None = None):
        """A plain boto3 client for the demo's own writes (cached per service and region)."""
        region = region or self.region
        key = (service, region)
        with self._lock:
            c = self._clients.get(key)
            if c is None:
                if self._session is None:
                    import boto3

                    self._session = boto3.Session(region_name=self.region, **self.credentials)
                from botocore.config import Config

                c = self._session.client(
                    service, region_name=region, endpoint_url=self.endpoint_url,
                    config=Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=20))
                self._clients[key] = c
            return c
