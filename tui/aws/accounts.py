"""Cross-account observability on AWS: each source account's clients, its resources, and the
accounts linked to the monitoring account.

The app signs in to one account, the *monitoring* account of CloudWatch cross-account
observability. Its metrics are read for every account through that one sign-in (GetMetricData
with ``AccountId``: :mod:`tui.aws.metrics`). The SageMaker resources of a *source* account are
listed where a way in is configured (:class:`~tui.model.accounts.AccountLink`): an AWS profile,
or a role assumed from the monitoring account (``sts:AssumeRole``, whose temporary credentials
are renewed before they expire; every call made with them passes the same read-only guard).
An account with neither, and with ``"linked"`` every source account ListMetrics names
(``IncludeLinkedAccounts``, ``OwningAccounts``), has its endpoints found from its metrics.

:func:`discover_accounts` is :func:`~tui.aws.discovery.discover` for all of them at once (in
parallel): each account's inventory is marked with its account, its deferred Describe calls
too, and merged. An account that cannot be listed is a warning, never the whole refresh's
failure; its last listed rows stay. :func:`listing_targets` names the accounts whose resources can
be listed, each with its clients (time travel lists their past jobs), and the metrics-only ones;
:func:`account_alias` reads the signed-in account's alias (iam:ListAccountAliases, a read).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone

from botocore.credentials import CredentialProvider, DeferredRefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery import DescribeCache, discover
from tui.aws.discovery.base import ALARM, _error, _pages
from tui.aws.session import AwsClients, AwsSettings
from tui.model.accounts import (ENDPOINT_METRIC, ENDPOINT_NAMESPACE, METRICS_ONLY_STATUS, AccountLink, LINKED,
                                account_links, metrics_only_endpoints, stamp_account)
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.kinds import KIND_FIELDS
from tui.model.resources import Inventory

#: The RoleSessionName of an assumed role (it shows in the source account's CloudTrail).
ROLE_SESSION = "sagemon-tui"
#: The "kind" of the error of a source account that cannot be reached at all (its role, its profile).
UNREACHABLE = "resources"


class _RoleCredentials(CredentialProvider):
    """A credential provider of a botocore session: the role's temporary credentials, fetched on
    first use and again before they expire."""

    METHOD = "sagemon-assume-role"

    def __init__(self, fetch) -> None:
        super().__init__()
        self._fetch = fetch

    def load(self):
        return DeferredRefreshableCredentials(refresh_using=self._fetch, method=self.METHOD)


def role_session(clients: AwsClients, role_arn: str):
    """A botocore session whose credentials are ``role_arn`` assumed with ``clients``' sign-in."""
    import botocore.session

    def fetch() -> dict:
        creds = clients.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION)["Credentials"]
        expiry = creds["Expiration"]
        if isinstance(expiry, datetime) and expiry.tzinfo is None:
            expiry = expiry.replace(tzinfo=timezone.utc)
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"], "expiry_time": expiry.isoformat() if isinstance(expiry, datetime)
                else str(expiry)}

    core = botocore.session.Session()
    core.get_component("credential_provider").insert_before("env", _RoleCredentials(fetch))
    return core


def account_clients(clients: AwsClients, link: AccountLink) -> AwsClients:
    """The guarded clients of a source account (its profile, or its role), made once per sign-in."""
    made = clients.accounts_state.setdefault("clients", {})
    found = made.get(link.id)
    if found is None:
        base = clients.settings
        if link.profile:
            settings = AwsSettings(profile=link.profile, regions=clients.regions, endpoint_url=base.endpoint_url,
                                   connect_timeout=base.connect_timeout, read_timeout=base.read_timeout,
                                   max_attempts=base.max_attempts)
        else:
            settings = AwsSettings(regions=clients.regions, endpoint_url=base.endpoint_url,
                                   connect_timeout=base.connect_timeout, read_timeout=base.read_timeout,
                                   max_attempts=base.max_attempts,
                                   credentials={"botocore_session": role_session(clients, link.role_arn)})
        found = made[link.id] = AwsClients(settings)
        for hook in getattr(clients, "_session_hooks", ()):  # the call counter counts its calls too
            found.on_session(hook)
    return found


class MetricsOnlyAccount(BotoCoreError):
    """A read of a source account that no profile or role reaches (its SageMaker or its logs):
    only its metrics can be read, through the monitoring account."""

    fmt = "{message}"

    def __init__(self, account: str, what: str) -> None:
        super().__init__(message=f"account {account} is reached through its metrics only: reading its {what} "
                                 f"needs a profile or a role_arn for it in the accounts setting")


class _LinkedView:
    """The reads of a metrics-only source account: its metric names through the monitoring
    account (ListMetrics with ``IncludeLinkedAccounts`` and ``OwningAccount``); anything else
    (SageMaker, CloudWatch Logs) raises :class:`MetricsOnlyAccount`."""

    def __init__(self, clients: AwsClients, account: str) -> None:
        self.account = account
        self.redact = clients.redact
        self.regions = clients.regions
        self._monitoring = AwsClients(replace(clients.settings, accounts=()))
        self._monitoring.on_session(self._owning)
        for hook in getattr(clients, "_session_hooks", ()):  # the call counter counts its calls too
            self._monitoring.on_session(hook)

    def _owning(self, session) -> None:
        def params(params: dict, **_kw) -> None:
            params["IncludeLinkedAccounts"], params["OwningAccount"] = True, self.account
        session.events.register("provide-client-params.cloudwatch.ListMetrics", params)

    def cloudwatch(self, region: str | None = None):
        return self._monitoring.cloudwatch(region)

    def client(self, service: str, region: str | None = None):
        if service == "cloudwatch":
            return self.cloudwatch(region)
        raise MetricsOnlyAccount(self.account, "CloudWatch Logs" if service == "logs" else service)

    def sagemaker(self, region: str | None = None):
        return self.client("sagemaker", region)

    def logs(self, region: str | None = None):
        return self.client("logs", region)


def clients_for(clients, account: str | None):
    """The clients that read ``account``'s resources: ``clients`` for the signed-in account
    (or none named), a source account's own (its profile or role, :func:`account_clients`), and
    for an account reached through its metrics only a view that lists its metrics through the
    monitoring account and refuses anything else (:class:`MetricsOnlyAccount`)."""
    settings = getattr(clients, "settings", None)
    if not account or settings is None or not getattr(settings, "accounts", ()):
        return clients
    if account == home_account(clients):
        return clients
    links, _linked = account_links(settings.accounts)
    link = next((x for x in links if x.id == account), None)
    if link is not None and link.listed:
        return account_clients(clients, link)
    views = clients.accounts_state.setdefault("linked_views", {})
    if account not in views:
        views[account] = _LinkedView(clients, account)
    return views[account]


def home_account(clients: AwsClients) -> str:
    """The signed-in (monitoring) account's id, asked once per sign-in ("" when unknown)."""
    state = clients.accounts_state
    if "home" not in state:
        state["home"] = clients.account_id() or ""
    return state["home"]


def linked_metrics(cw, usage: Usage | None = None) -> tuple[list[dict], list[str]]:
    """Every endpoint invocation series the monitoring account can read, its own and its linked
    accounts' (ListMetrics with ``IncludeLinkedAccounts``), and the account owning each."""
    metrics: list[dict] = []
    owners: list[str] = []
    for page in _pages(cw, "ListMetrics", usage, max_items=None, Namespace=ENDPOINT_NAMESPACE,
                       MetricName=ENDPOINT_METRIC, IncludeLinkedAccounts=True):
        page_metrics = page.get("Metrics") or []
        page_owners = page.get("OwningAccounts") or []
        if len(page_owners) != len(page_metrics):  # an answer without owners tells no account
            continue
        metrics += page_metrics
        owners += page_owners
    return metrics, owners


def linked_accounts(cw, home: str = "", usage: Usage | None = None) -> list[str]:
    """The source accounts whose SageMaker endpoint metrics the monitoring account can read."""
    _metrics, owners = linked_metrics(cw, usage)
    return sorted(set(owners) - {home, ""})


def _mark(inv: Inventory, pending: list, account: str, where: str = "") -> None:
    """``inv`` and its deferred describes marked as ``account``'s (keys, records, errors);
    ``where`` (a source account): its errors become warnings naming it (the other accounts'
    lists stand, whatever this one's did)."""
    stamp_account(inv, account)
    for p in pending:
        p.placeholder.account = account
        p.key = p.placeholder.key
        p.fn = _stamping(p.fn, account)
    if where:
        for err in inv.errors:
            err.partial = True
            err.region = f"{err.region}, {where}" if err.region else where


def _stamping(fn, account: str):
    """``fn`` (a deferred describe), its record and errors marked as ``account``'s."""
    def describe(errors: list):
        record = fn(errors)
        if record is not None:
            record.account = account
        for err in errors:
            err.account = account
        return record
    return describe


def _kept_rows(previous: Inventory | None, inv: Inventory, account: str) -> None:
    """Add to ``inv`` the rows ``account`` had in ``previous`` of each kind and region its
    listing failed in now (before :func:`_mark`: its listing errors are the ones not partial)."""
    failed = {(e.kind, e.region) for e in inv.errors if not e.partial}
    if previous is None or not failed:
        return
    everywhere = {kind for kind, region in failed if not region}

    def lost(kind: str, region: str) -> bool:
        return UNREACHABLE in everywhere or kind in everywhere or (kind, region) in failed

    for attr in set(KIND_FIELDS.values()) | {"alarms"}:
        for r in getattr(previous, attr):
            kind = ALARM if attr == "alarms" else r.kind.value
            if r.account == account and lost(kind, r.region):
                getattr(inv, attr).append(r)


def _reach(clients: AwsClients, link: AccountLink) -> AwsClients:
    """:func:`account_clients` of ``link``, its credentials read now: a role that cannot be assumed
    or a profile without credentials raises here, once, instead of failing every listing."""
    sub = account_clients(clients, link)
    creds = sub.session.get_credentials()
    if creds is None:
        raise NoCredentials(f"{link.reach} has no AWS credentials")
    creds.get_frozen_credentials()
    return sub


class NoCredentials(BotoCoreError):
    """A source account's profile gives no credentials."""

    fmt = "{message}"

    def __init__(self, message: str) -> None:
        super().__init__(message=message)


def discover_accounts(clients, regions=None, *, kinds, cache: DescribeCache | None = None,
                      pending: list | None = None, previous: Inventory | None = None, **more) -> Inventory:
    """:func:`~tui.aws.discovery.discover` in the signed-in account and every source account of
    ``clients.settings.accounts`` at once; without any, exactly ``discover``. ``previous`` (the
    last inventory) gives the rows a source account keeps while it cannot be listed."""
    links, want_linked = account_links(getattr(getattr(clients, "settings", None), "accounts", ()))
    if not links and not want_linked:
        return discover(clients, regions, kinds=kinds, cache=cache, pending=pending, **more)
    home = home_account(clients)
    listed = [link for link in links if link.listed and link.id != home]
    caches = clients.accounts_state.setdefault("caches", {})

    def one(link: AccountLink | None) -> tuple[Inventory, list]:
        queue: list | None = None if pending is None else []
        if link is None:
            inv = discover(clients, regions, kinds=kinds, cache=cache, pending=queue, **more)
            _mark(inv, queue or [], home)
            return inv, queue or []
        try:
            sub = _reach(clients, link)
        except (ClientError, BotoCoreError) as exc:
            operation = "AssumeRole" if link.role_arn else "profile"
            inv, queue = Inventory(errors=[_error(UNREACHABLE, operation, exc, "")]), []
        else:
            inv = discover(sub, regions, kinds=kinds, cache=caches.setdefault(link.id, DescribeCache()),
                           pending=queue, **more)
            for err in inv.errors:
                err.message = sub.redact(err.message)
        _kept_rows(previous, inv, link.id)
        _mark(inv, queue or [], link.id, f"account {link.id} ({link.reach})")
        return inv, queue or []

    with ThreadPoolExecutor(max_workers=1 + len(listed), thread_name_prefix="accounts") as pool:
        results = list(pool.map(one, [None, *listed]))
    out = Inventory()
    for inv, queue in results:
        out.merge(inv)
        if pending is not None:
            pending.extend(queue)
    if Kind.ENDPOINT.value in {getattr(k, "value", k) for k in kinds}:
        skip = {home, ""} | {link.id for link in listed}
        wanted = {link.id for link in links if not link.listed} - skip
        for region in regions or clients.regions:
            _metric_endpoints(clients, region, wanted, skip if want_linked else None, out, previous,
                              more.get("usage"))
    return out


def _metric_endpoints(clients, region: str, accounts: set[str], skip: set[str] | None, out: Inventory,
                      previous: Inventory | None, usage: Usage | None) -> None:
    """The endpoints in ``region`` of the accounts reached through their metrics only: ``accounts``,
    and with ``skip`` every linked account but those (``"linked"``)."""
    if not accounts and skip is None:
        return
    try:
        metrics, owners = linked_metrics(clients.cloudwatch(region), usage)
    except (ClientError, BotoCoreError) as exc:
        err = _error(Kind.ENDPOINT.value, "ListMetrics", exc, f"{region}, linked accounts")
        out.errors.append(replace(err, partial=True))
        if previous is not None:  # their last rows stay
            out.endpoints += [e for e in previous.endpoints if e.region == region and e.status == METRICS_ONLY_STATUS]
        return
    these = accounts | (set(owners) - skip if skip is not None else set())
    out.endpoints += metrics_only_endpoints(metrics, owners, region, these)


def listing_targets(clients) -> tuple[list[tuple[str, object, DescribeCache | None]], list[str]]:
    """The accounts whose SageMaker resources can be listed, each ``(id, clients or the error
    that reaching it raised, its Describe cache)``: the signed-in account first (id "" when no
    ``accounts`` are set, its cache None: the caller's), then every source account with a profile
    or a role; and the source accounts reached through their metrics only (``linked`` for every
    linked one), which nothing can list."""
    links, want_linked = account_links(getattr(getattr(clients, "settings", None), "accounts", ()))
    if not links and not want_linked:
        return [("", clients, None)], []
    home = home_account(clients)
    caches = clients.accounts_state.setdefault("caches", {})
    out: list[tuple[str, object, DescribeCache | None]] = [(home, clients, None)]
    for link in links:
        if link.listed and link.id != home:
            try:
                out.append((link.id, _reach(clients, link), caches.setdefault(link.id, DescribeCache())))
            except (ClientError, BotoCoreError) as exc:
                out.append((link.id, exc, None))
    only = [link.id for link in links if not link.listed and link.id != home]
    return out, only + ([LINKED] if want_linked else [])


def account_alias(clients) -> str:
    """The signed-in account's alias (iam:ListAccountAliases, a read; an account has at most one),
    "" when it has none or it cannot be read: decoration beside the account id, like the id."""
    try:
        aliases = clients.client("iam").list_account_aliases().get("AccountAliases") or []
    except Exception:  # noqa: BLE001 - denied or unreachable: the id alone is shown
        return ""
    return str(aliases[0]) if aliases else ""
