"""Cross-account observability as plain data: the accounts watched besides the one signed in to.

CloudWatch cross-account observability lets a *monitoring* account read the metrics of its
linked *source* accounts: ListMetrics with ``IncludeLinkedAccounts`` names each series' owner
(``OwningAccounts``), and a GetMetricData query with an ``AccountId`` reads that account's
series. The ``accounts`` setting names the source accounts, each reached one of three ways
(:class:`AccountLink`):

* ``{ id = "...", profile = "NAME" }``: its resources listed with that AWS profile;
* ``{ id = "...", role_arn = "arn:aws:iam::ID:role/NAME" }``: listed with a role assumed from the
  signed-in account (sts:AssumeRole);
* ``"ID"`` alone, or ``"linked"`` for every account linked to the monitoring account: nothing
  can list its SageMaker resources, so its endpoints are found from its metrics (ListMetrics of
  the monitoring account) and shown with what CloudWatch tells: names, variants, metrics.

Metrics of every account are read through the signed-in (monitoring) account, one
GetMetricData batch per region and period for all accounts. Every resource carries its
``account`` (:mod:`tui.model.resources`) and every series key too
(:class:`~tui.model.series.SeriesKey`), so two accounts' same-named endpoints are two rows.
No boto3, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.model.catalog import NS_SAGEMAKER
from tui.model.kinds import KIND_FIELDS
from tui.model.resources import Endpoint, Inventory, Variant

#: The ``accounts`` item that asks for every source account linked to the monitoring account.
LINKED = "linked"
#: The Status shown for an endpoint known only from its metrics (no SageMaker listing reaches it).
METRICS_ONLY_STATUS = "Linked"
#: What a drill screen says of a Describe fact (instances, mode) of a metrics-only account's resource.
METRICS_ONLY_FACT = "unknown (a metrics-only account: no Describe access)"
#: The namespace and metric whose series name the endpoints of a metrics-only account.
ENDPOINT_NAMESPACE, ENDPOINT_METRIC = NS_SAGEMAKER, "Invocations"


@dataclass(frozen=True)
class AccountLink:
    """One source account and how its resources are listed (``profile``, ``role_arn``, or
    neither: from its metrics only)."""

    id: str
    profile: str | None = None
    role_arn: str | None = None

    @property
    def listed(self) -> bool:
        """Whether its SageMaker resources can be listed (a profile or a role reaches it)."""
        return bool(self.profile or self.role_arn)

    @property
    def reach(self) -> str:
        if self.profile:
            return f"profile {self.profile}"
        if self.role_arn:
            return f"role {self.role_arn}"
        return "metrics only"


def metrics_only(resource) -> bool:
    """Whether ``resource`` is known from its metrics alone (no SageMaker listing or Describe
    reaches its account): its instances, types and mode are unknown, never zero."""
    return getattr(resource, "status", None) == METRICS_ONLY_STATUS


def account_links(setting: Iterable) -> tuple[tuple[AccountLink, ...], bool]:
    """The links of an ``accounts`` setting (its canonical items: ``{"id", "profile" |
    "role_arn"}`` tables, or :data:`LINKED`), one per account, and whether every linked account
    is wanted too."""
    links: dict[str, AccountLink] = {}
    linked = False
    for item in setting or ():
        if item == LINKED:
            linked = True
        elif isinstance(item, dict) and item.get("id"):
            links[str(item["id"])] = AccountLink(str(item["id"]), item.get("profile"), item.get("role_arn"))
    return tuple(links.values()), linked


def stamp_account(inv: Inventory, account: str) -> None:
    """Mark, in place, every resource and error of ``inv`` as ``account``'s."""
    for field_name in set(KIND_FIELDS.values()) | {"alarms"}:
        for record in getattr(inv, field_name):
            record.account = account
    for err in inv.errors:
        err.account = account


def accounts_of(inv: Inventory) -> set[str]:
    """The accounts the inventory's resources live in ("" : the signed-in account, unnamed)."""
    return {getattr(r, "account", "") for name in set(KIND_FIELDS.values()) | {"alarms"} for r in getattr(inv, name)}


def several_accounts(inv: Inventory) -> bool:
    """Whether the inventory holds resources of more than one account (an Account column shows)."""
    seen: set[str] = set()
    for name in set(KIND_FIELDS.values()) | {"alarms"}:
        for r in getattr(inv, name):
            seen.add(getattr(r, "account", ""))
            if len(seen) > 1:
                return True
    return False


def account_named(resource, inv: Inventory | None) -> str:
    """The account to name beside ``resource`` wherever it is named (a breadcrumb, the palette,
    an export): its id while resources of more than one account are shown, else ""."""
    account = getattr(resource, "account", "") or ""
    return account if account and inv is not None and several_accounts(inv) else ""


def account_label(account: str | None, alias: str = "") -> str | None:
    """How an account is named on screen: ``"alias (id)"`` when it has an alias, else its id."""
    return f"{alias} ({account})" if account and alias else account


def metrics_only_endpoints(metrics: list[dict], owners: list[str], region: str, accounts: set[str]
                           ) -> list[Endpoint]:
    """The endpoints of ``accounts`` named by a ListMetrics answer (``Metrics`` and their
    ``OwningAccounts``, in step) of :data:`ENDPOINT_METRIC`: one per (account, endpoint name),
    with the variants its series name, in the order first seen."""
    found: dict[tuple[str, str], Endpoint] = {}
    for metric, owner in zip(metrics, owners):
        if owner not in accounts:
            continue
        dims = {d.get("Name"): d.get("Value") for d in metric.get("Dimensions") or []}
        name, variant = dims.get("EndpointName"), dims.get("VariantName")
        if not name or not variant or set(dims) != {"EndpointName", "VariantName"}:
            continue
        ep = found.get((owner, name))
        if ep is None:
            ep = found[(owner, name)] = Endpoint(name=name, status=METRICS_ONLY_STATUS, region=region, account=owner)
        if all(v.name != variant for v in ep.variants):
            ep.variants.append(Variant(name=variant))
    return list(found.values())
