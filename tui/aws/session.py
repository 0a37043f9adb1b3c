"""Builds the boto3 session and clients: profile, regions, endpoint URL, retries, timeouts.

Every client the app uses comes from :class:`AwsClients`, which installs the read-only guard
and botocore's adaptive retry mode with explicit connect/read timeouts. Clients are created
once per (service, region) and shared between worker threads (boto3 clients are thread-safe).
Their GetMetricData answers carry timestamps as epoch-second ints (:mod:`tui.aws.raw_timestamps`:
no ``datetime`` per point); every other answer is botocore's as usual.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import boto3
import botocore.session
from botocore.config import Config

from tui.aws import guard, model_files, raw_timestamps

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class AwsSettings:
    """Where and how to reach AWS (or any AWS-compatible endpoint)."""

    profile: str | None = None
    regions: tuple[str, ...] = ()
    endpoint_url: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 5
    # Extra values for the session (the demo passes its dummy credentials here; an account reached
    # through a role, its botocore session with the role's refreshing credentials).
    credentials: dict = field(default_factory=dict)
    #: Source accounts watched through cross-account observability (the ``accounts`` setting's
    #: items; :mod:`tui.aws.accounts` reads them).
    accounts: tuple = ()


class AwsClients:
    """Lazily created, guarded clients for cloudwatch, sagemaker, logs and sts."""

    def __init__(self, settings: AwsSettings) -> None:
        self.settings = settings
        self.session = _session(settings)
        self.regions: tuple[str, ...] = settings.regions or (self.session.region_name or DEFAULT_REGION,)
        self._config = Config(
            retries={"mode": "adaptive", "max_attempts": settings.max_attempts},
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_pool_connections=20,
            user_agent_extra="sagemon-tui",
            # an AWS-compatible endpoint (the demo, LocalStack) is one host: AWS's per-operation
            # host prefixes (Live Tail's "stream-") would name a host that does not exist
            inject_host_prefix=not settings.endpoint_url,
        )
        self._clients: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()
        self._session_hooks: list = []
        #: Cross-account state kept by :mod:`tui.aws.accounts` (each account's clients, the
        #: signed-in account's id); emptied by :meth:`renew`.
        self.accounts_state: dict = {}

    def on_session(self, hook) -> None:
        """Call ``hook(session)`` now and with every session :meth:`renew` makes (to count calls)."""
        self._session_hooks.append(hook)
        hook(self.session)

    def renew(self) -> None:
        """A fresh session and clients: credentials renewed outside the app (``aws sso login``,
        a new token in the environment's files) are read again, without a restart."""
        session = _session(self.settings)
        for hook in self._session_hooks:
            hook(session)
        with self._lock:
            self.session = session
            self._clients.clear()
            self.accounts_state.clear()

    def redact(self, text: str) -> str:
        """``text`` with the session's key id, secret key and token masked (an endpoint or proxy
        that echoes a request in its error must not put them on screen)."""
        try:
            creds = self.session.get_credentials()
            frozen = creds.get_frozen_credentials() if creds is not None else None
        except Exception:  # noqa: BLE001 - no credentials: nothing to hide
            frozen = None
        values = [v for v in (getattr(frozen, "access_key", None), getattr(frozen, "secret_key", None),
                              getattr(frozen, "token", None)) if v and len(v) >= 8]
        for v in values:
            text = text.replace(v, "****")
        return text

    @property
    def profile(self) -> str | None:
        """The profile in use (``default`` when none was named)."""
        return self.settings.profile or getattr(self.session, "profile_name", None)

    @property
    def endpoint_url(self) -> str | None:
        return self.settings.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None

    def client(self, service: str, region: str | None = None):
        region = region or self.regions[0]
        key = (service, region)
        with self._lock:
            c = self._clients.get(key)
            if c is None:
                c = self.session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                        config=self._config)
                self._clients[key] = c
            return c

    def cloudwatch(self, region: str | None = None):
        return self.client("cloudwatch", region)

    def sagemaker(self, region: str | None = None):
        return self.client("sagemaker", region)

    def logs(self, region: str | None = None):
        return self.client("logs", region)

    def account_id(self) -> str | None:
        """The caller's account id, or None when it cannot be read (no error for the caller)."""
        try:
            return self.client("sts").get_caller_identity().get("Account")
        except Exception:  # noqa: BLE001 - identity is decoration for the status bar
            return None


def _session(settings: AwsSettings) -> boto3.Session:
    """A boto3 session on a botocore session of its own (or the one ``credentials`` names),
    guarded read-only, whose clients parse GetMetricData timestamps to epoch ints
    (:mod:`tui.aws.raw_timestamps`) and whose service models are plain dicts
    (:mod:`tui.aws.model_files`)."""
    values = dict(settings.credentials)
    core = values.pop("botocore_session", None) or botocore.session.get_session()
    model_files.install(core)
    raw_timestamps.install(core)
    session = boto3.Session(profile_name=settings.profile, botocore_session=core, **values)
    guard.install(session.events)
    return session
