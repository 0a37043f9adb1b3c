"""The app's state as plain data: what is known, how fresh it is, what it has cost.

Pure Python: the refresh layer produces a :class:`RefreshReport` per refresh and
:meth:`AppState.apply` folds it in; the widgets read the state. When a refresh fails the
last good inventory and series stay, and the state turns STALE with the failure's reason.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from tui.model.catalog import Kind
from tui.model.cost import Usage, cost_per_day
from tui.model.detail import DetailResult
from tui.model.kinds import KIND_FIELDS, Pane
from tui.model.resources import DiscoveryError, Inventory
from tui.model.schedule import CostEstimate
from tui.model.series import SeriesStore

#: Inventory list attribute per resource kind: its pane's list (jobs share one list).

#: Refreshes the cost-per-day estimate averages over (two full cycles of panes).
RECENT_REFRESHES = 10
#: Seconds a refresh may run before the status bar says it is waiting for AWS and the data
#: shown is stale (a refresh normally takes one or two seconds; a throttled one a minute).
WAIT_GRACE = 8.0

_ERROR_HINTS = {
    "AccessDenied": "access denied: the IAM policy does not allow this read",
    "AccessDeniedException": "access denied: the IAM policy does not allow this read",
    "UnauthorizedOperation": "access denied: the IAM policy does not allow this read",
    "InvalidClientTokenId": "credentials rejected: check the profile or keys",
    "UnrecognizedClientException": "credentials rejected: check the profile or keys",
    "Throttling": "throttled by AWS: backing off, retrying next refresh",
    "ThrottlingException": "throttled by AWS: backing off, retrying next refresh",
    "TooManyRequestsException": "throttled by AWS: backing off, retrying next refresh",
    "EndpointConnectionError": "cannot reach the AWS endpoint: check the network or --endpoint-url",
    "ConnectTimeoutError": "connection to AWS timed out: check the network",
    "ReadTimeoutError": "AWS did not answer in time: retrying next refresh",
    "ConnectionClosedError": "the connection to AWS closed: retrying next refresh",
    "ReadOnlyViolation": "refused a write call (sagemon-tui is read-only)",
    "ServiceUnavailable": "AWS is unavailable (HTTP 503): retrying next refresh",
    "ServiceUnavailableException": "AWS is unavailable (HTTP 503): retrying next refresh",
    "503": "AWS is unavailable (HTTP 503): retrying next refresh",
    "SlowDown": "throttled by AWS: backing off, retrying next refresh",
    "RequestLimitExceeded": "throttled by AWS: backing off, retrying next refresh",
}

#: Failures that new credentials fix: the refresh layer rebuilds its session after one, so a
#: renewed login (``aws sso login``) is picked up without a restart.
CREDENTIAL_CODES = frozenset({
    "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRetrievalError", "UnauthorizedSSOTokenError",
    "SSOTokenLoadError", "SSOError", "NoCredentialsError", "CredentialRetrievalError", "InvalidGrantException",
})

_DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")
#: AWS names the action it refused: "... is not authorized to perform: sagemaker:ListEndpoints on ...";
#: other wordings carry it too ("not authorized: logs:GetLogEvents"): the first service:Action.
_ACTION = re.compile(r"\b([a-z][a-z0-9-]*:[A-Z][A-Za-z0-9*]+)\b")


def credentials_hint(code: str, profile: str | None) -> str | None:
    """What to run when ``code`` says the credentials are missing or expired (None: not that)."""
    if code not in CREDENTIAL_CODES:
        return None
    login = f"aws sso login --profile {profile}" if profile and profile != "default" else "aws sso login"
    fix = f"run `{login}` (add --use-device-code on a machine without a browser)"
    if code == "NoCredentialsError":
        return f"no AWS credentials found: {fix}, or set --profile / AWS_PROFILE; retrying every refresh"
    return f"credentials expired: {fix}; refreshing resumes by itself"


def kind_of(name: str) -> Kind | None:
    """A :class:`Kind` from the spellings discovery may use ("endpoint", "ENDPOINT", "endpoints")."""
    for k in Kind:
        if name in (k.value, k.name, k.name.lower(), k.value + "s", KIND_FIELDS.get(k, "")):
            return k
    return None


def describe_error(code: str, message: str = "", where: str = "", profile: str | None = None) -> str:
    """One human line for an AWS failure: what it means and what the app does about it (the
    IAM action AWS refused; the command that renews expired credentials of ``profile``)."""
    hint = credentials_hint(code, profile) or _ERROR_HINTS.get(code)
    if code in _DENIED:
        action = _ACTION.search(message or "")
        if action:
            hint = f"access denied: the IAM policy does not allow {action.group(1)}"
    if hint is None and ("Internal Server Error" in message or code in ("500", "InternalFailure")):
        hint = "the service answered HTTP 500 (internal error, or an API this endpoint does not offer)"
    if hint is None:
        detail = " ".join(message.split())[:160]
        hint = f"{code}: {detail}" if detail and code not in detail else (detail or code)
    return f"{where}: {hint}" if where else hint


def discovery_error_text(err: DiscoveryError, profile: str | None = None) -> str:
    """One line for a kind that could not be listed: the kind, region and operation, and why."""
    where = err.kind.replace("_", " ").replace("-", " ")
    if err.region:
        where += f" in {err.region}"
    if err.operation and err.operation[:1].isupper() and len(err.operation) > 4:
        where += f" ({err.operation})"
    return describe_error(err.code, err.message, f"cannot list {where}", profile)


def failed_kinds(inv: Inventory) -> set[tuple[Kind | None, str]]:
    """(kind, region) pairs that could not be listed (``region`` "" means every region);
    partial errors (one Describe failed) do not count: that kind's list is current."""
    return {(kind_of(e.kind), e.region or "") for e in inv.errors if not getattr(e, "partial", False)}


def merge_inventory(old: Inventory, new: Inventory, kinds: set[Kind]) -> Inventory:
    """The inventory after a discovery of ``kinds``: fresh lists where a kind listed cleanly,
    the previous (last good) resources where it failed (per region) or was not asked for."""
    failed = failed_kinds(new)

    def keep_old(kind: Kind, region: str) -> bool:
        return kind not in kinds or (kind, "") in failed or (kind, region) in failed

    out = Inventory(errors=list(new.errors), fetched_at=new.fetched_at or old.fetched_at,
                    instance_facts={**old.instance_facts, **new.instance_facts})
    for kind, attr in KIND_FIELDS.items():
        if attr == "jobs":
            continue
        fresh = [] if kind not in kinds else [r for r in getattr(new, attr) if not keep_old(kind, r.region)]
        kept = [r for r in getattr(old, attr) if keep_old(kind, r.region)]
        setattr(out, attr, fresh + kept)
    for kind in (Kind.TRAINING_JOB, Kind.PROCESSING_JOB, Kind.TRANSFORM_JOB):
        if kind in kinds:
            out.jobs.extend(j for j in new.jobs if j.kind is kind and not keep_old(kind, j.region))
        out.jobs.extend(j for j in old.jobs if j.kind is kind and keep_old(kind, j.region))
    # keep errors of kinds not listed this time, so a pane's error line does not flicker
    out.errors += [e for e in old.errors if kind_of(e.kind) not in kinds]
    return out


#: Problems kept for the problems screen (oldest dropped first).
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One problem as it first appeared: when, how bad (``error``: the data is stale;
    ``warning``: one kind or series), and the line describing it."""

    at: float
    level: str
    text: str


@dataclass
class RefreshReport:
    """What one background refresh did (built in the worker thread, applied in the UI)."""

    started: float
    finished: float
    panes: tuple[Pane, ...]
    full: bool
    inventory: Inventory | None = None  # None: discovery was not run or failed entirely
    store: SeriesStore | None = None  # a snapshot of the series after this refresh
    usage: Usage = field(default_factory=Usage)
    series: int = 0  # series requested this refresh
    errors: list[str] = field(default_factory=list)  # human lines; any makes the state STALE
    warnings: list[str] = field(default_factory=list)  # partial problems (one kind, one series)
    percentiles: bool = True
    detail: "DetailResult | None" = None  # reads for the open drill-down screen
    throttled: bool = False  # AWS throttled this refresh: the scheduler backs off
    estimate: "CostEstimate | None" = None  # what the polling schedule requests per day, by tier
    #: A snapshot posted while the refresh goes on (rows listed, a batch described); the last
    #: report of the refresh is not partial. ``loading``: what is still being described.
    partial: bool = False
    loading: str | None = None
    at: int | None = None  # the past moment read (time travel: tui.model.time_travel); None: live

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def duration(self) -> float:
        return self.finished - self.started


@dataclass
class AppState:
    """Everything the screens draw, apart from per-widget view state (cursor, filter, sort)."""

    window: str = "3h"
    profile: str | None = None
    account: str | None = None
    regions: tuple[str, ...] = ()
    inventory: Inventory = field(default_factory=Inventory)
    store: SeriesStore = field(default_factory=SeriesStore)
    usage: Usage = field(default_factory=Usage)
    started_at: float = field(default_factory=time.time)
    last_success: float | None = None
    last_attempt: float | None = None
    last_duration: float | None = None
    last_series: int = 0
    last_usage: Usage = field(default_factory=Usage)
    errors: list[str] = field(default_factory=list)  # why the data is stale
    warnings: list[str] = field(default_factory=list)
    stale_since: float | None = None
    refreshing: bool = False
    refresh_started_at: float | None = None  # when the running refresh began (epoch seconds)
    paused: bool = False
    phase: str | None = None  # start-up step shown in the status bar
    phase_since: float | None = None  # when that step began (epoch seconds)
    refreshes: int = 0
    pane_refreshed: dict[Pane, float] = field(default_factory=dict)
    percentiles: bool = True
    loaded: bool = False  # at least one discovery landed
    refresh_interval: float | None = None  # seconds between scheduled refreshes
    backoff: int = 1  # the interval is multiplied by this while AWS throttles
    problems: list[Problem] = field(default_factory=list)  # every distinct problem of the run, in order
    active_problems: set[str] = field(default_factory=set)  # those the last refresh still had
    recent_costs: list[float] = field(default_factory=list)  # USD of the last refreshes
    estimate: "CostEstimate | None" = None  # the polling schedule's cost, by tier (last refresh's)
    loading: str | None = None  # what the running refresh is still describing ("describing 240 of 1,000 endpoints")
    at: int | None = None  # the past moment shown (time travel: tui.time_travel_actions); None: live

    @property
    def stale(self) -> bool:
        return self.stale_since is not None

    def waiting(self, now: float | None = None) -> float | None:
        """Seconds the running refresh has waited for AWS, once that is :data:`WAIT_GRACE` or
        more (None: no refresh running, or still within the grace)."""
        if not self.refreshing or self.refresh_started_at is None:
            return None
        now = time.time() if now is None else now
        waited = now - self.refresh_started_at
        return waited if waited >= WAIT_GRACE else None

    def stale_now(self, now: float | None = None) -> bool:
        """The screen's data is stale: the last refresh failed, or the running one is overdue
        (it says so while AWS hangs or throttles, not only once the refresh gives up)."""
        return self.stale or (self.waiting(now) is not None and self.last_success is not None)

    def stale_age(self, now: float | None = None) -> float | None:
        """Seconds since the last good data (or since the first failure, before any success)."""
        now = time.time() if now is None else now
        if self.stale_since is None:
            if self.waiting(now) is not None and self.last_success is not None:
                return now - self.last_success
            return None
        return now - (self.last_success if self.last_success is not None else self.stale_since)

    def cost_per_day(self, now: float | None = None) -> float:
        """Estimated CloudWatch USD per day at the current rate.

        Exactly what the polling schedule requests per day (metrics per refresh x refreshes per
        day x price, by tier: :class:`~tui.model.schedule.CostEstimate`) once a refresh has
        reported it. Otherwise the mean cost of the recent refreshes (visible-pane and full ones mixed as they
        come) times the refreshes a day at ``refresh_interval``; before the first refresh,
        or without an interval, the run's total extrapolated over its elapsed time.
        """
        if self.estimate is not None:
            return self.estimate.per_day()
        if self.recent_costs and self.refresh_interval:
            per_refresh = sum(self.recent_costs) / len(self.recent_costs)
            return per_refresh * 86400.0 / self.refresh_interval
        now = time.time() if now is None else now
        return cost_per_day(self.usage, now - self.started_at)

    def set_phase(self, text: str | None, now: float | None = None) -> None:
        """Show a start-up step (None: none); its clock restarts when the step changes."""
        if text != self.phase:
            self.phase_since = (time.time() if now is None else now) if text else None
        self.phase = text or None

    def phase_waiting(self, now: float | None = None) -> float | None:
        """Seconds the current start-up step has waited, once :data:`WAIT_GRACE` or more."""
        if not self.phase or self.phase_since is None:
            return None
        waited = (time.time() if now is None else now) - self.phase_since
        return waited if waited >= WAIT_GRACE else None

    def note_problems(self, errors: list[str], warnings: list[str], now: float | None = None) -> list[Problem]:
        """Record the problems a refresh reported; returns those that are new (not already
        present in the refresh before: a problem that goes away and comes back is new again)."""
        now = time.time() if now is None else now
        new = [Problem(now, "error", e) for e in dict.fromkeys(errors) if e not in self.active_problems]
        new += [Problem(now, "warning", w) for w in dict.fromkeys(warnings)
                if w not in self.active_problems and w not in errors]
        self.active_problems = set(errors) | set(warnings)
        self.problems = (self.problems + new)[-MAX_PROBLEMS:]
        return new

    def begin_refresh(self, now: float | None = None) -> None:
        self.refreshing = True
        self.refresh_started_at = time.time() if now is None else now

    def apply_partial(self, report: RefreshReport) -> None:
        """Fold in a snapshot of a refresh that goes on (rows listed, a batch described): its rows
        and series are shown; AWS is answering, so the wait for it starts again."""
        self.loading = report.loading
        if self.refreshing:
            self.refresh_started_at = report.finished
        if report.inventory is not None:
            self.inventory = report.inventory
            self.loaded = True
        if report.store is not None:
            self.store = report.store
        if self.stale_since is None:
            self.last_success = report.finished

    def apply(self, report: RefreshReport) -> None:
        """Fold one refresh in: new data where it succeeded, the last good data elsewhere."""
        if report.partial:
            self.apply_partial(report)
            return
        self.loading = None
        self.refreshing = False
        self.refresh_started_at = None
        self.refreshes += 1
        self.last_attempt = report.finished
        self.last_duration = report.duration
        self.last_series = report.series
        self.last_usage = report.usage
        self.usage.add(report.usage)
        self.recent_costs = (self.recent_costs + [report.usage.cost])[-RECENT_REFRESHES:]
        self.percentiles = report.percentiles
        if report.estimate is not None:
            self.estimate = report.estimate
        if report.inventory is not None:
            self.inventory = report.inventory
            self.loaded = True
        if report.store is not None:
            self.store = report.store
        self.warnings = list(report.warnings)
        if report.ok:
            self.errors = []
            self.stale_since = None
            self.last_success = report.finished
            for p in report.panes:
                self.pane_refreshed[p] = report.finished
        else:
            self.errors = list(report.errors)
            if self.stale_since is None:
                self.stale_since = report.finished

    def discovery_errors(self, kinds: tuple[Kind, ...]) -> list[DiscoveryError]:
        return [e for e in self.inventory.errors if kind_of(e.kind) in kinds]

    @property
    def updated_at(self) -> datetime | None:
        return None if self.last_success is None else datetime.fromtimestamp(self.last_success)
