"""ListMetrics of the local AWS, answered from the index.

One entry per series, Dimensions filters by name or name and value, ``RecentlyActive=PT3H``,
only series with data in the last two weeks, 500 per page; ``IncludeLinkedAccounts`` adds the
linked source accounts' series with ``OwningAccounts`` (:mod:`.cross_account`).
"""

from __future__ import annotations

import time

from .cross_account import series_with_owners
from .index import metric_index, provider_series
from .tokens import cloudwatch_exceptions, decode_token, encode_token, invalid_next_token

LIST_METRICS_PAGE = 500
RECENTLY_ACTIVE = {"PT3H": 3 * 3600}
LIST_METRICS_MAX_AGE = 14 * 86400


def backend_list_metric_series(self, namespace: str | None = None, metric_name: str | None = None,
                               dimensions: list[dict[str, str]] | None = None,
                               recently_active: str | None = None, now: float | None = None) -> list[dict]:
    """Unique series (``Namespace``, ``MetricName``, ``Dimensions``) in first-put order."""
    now = time.time() if now is None else now
    oldest = now - (RECENTLY_ACTIVE[recently_active] if recently_active else LIST_METRICS_MAX_AGE)
    wanted = [(d.get("Name"), d.get("Value")) for d in dimensions or []]
    idx = metric_index(self)
    with idx.lock:
        idx.sync(self.metric_data)
        items = list(idx.series.items())
    seen = set()
    out = []
    for key, s in items + list(provider_series(self).items()):
        if key in seen:
            continue
        ns, name, dims = key
        if namespace and ns != namespace or metric_name and name != metric_name:
            continue
        if s.latest < oldest:
            continue
        if wanted:
            have = dict(s.dims)
            if any(n not in have or (v is not None and have[n] != v) for n, v in wanted):
                continue
        seen.add(key)
        out.append({"Namespace": ns, "MetricName": name,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in s.dims]})
    return out


def response_list_metrics(self):
    from moto.core.responses import ActionResult

    exc = cloudwatch_exceptions()
    params = self._get_params()
    recently = params.get("RecentlyActive")
    if recently is not None and recently not in RECENTLY_ACTIVE:
        raise exc.InvalidParameterValue(f"The value {recently} for parameter RecentlyActive is invalid.")
    include_linked = str(params.get("IncludeLinkedAccounts", "")).lower() == "true"
    metrics, owners = series_with_owners(
        self.cloudwatch_backend, include_linked, params.get("OwningAccount") if include_linked else None,
        lambda backend: backend.list_metric_series(
            namespace=params.get("Namespace"), metric_name=params.get("MetricName"),
            dimensions=params.get("Dimensions") or [], recently_active=recently))
    offset = 0
    token = params.get("NextToken")
    if token:
        try:
            offset = int(decode_token(token)["o"])
        except (KeyError, TypeError, ValueError):
            raise invalid_next_token() from None
    page = metrics[offset:offset + LIST_METRICS_PAGE]
    nxt = encode_token({"o": offset + LIST_METRICS_PAGE}) if offset + LIST_METRICS_PAGE < len(metrics) else None
    answer = {"Metrics": page, "NextToken": nxt}
    if include_linked:
        answer["OwningAccounts"] = owners[offset:offset + LIST_METRICS_PAGE]
    return ActionResult(answer)
