"""CloudWatch alarms on SageMaker namespaces: metric alarms, and the composite alarms built on them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tui.aws.discovery.base import (
    LIST_PAGE_SIZE, SAGEMAKER_NAMESPACES, _dict, _float, _list, _pages, _region, _str, _ts,
)
from tui.model.cost import Usage
from tui.model.resources import Alarm


def _alarm_metric(a: dict) -> tuple[str | None, str | None, list[dict], str]:
    """(namespace, metric, dimensions, account) of an alarm; for metric-math alarms, its first
    SageMaker metric and the ``AccountId`` of its query ("" : the alarm's own account)."""
    if _str(a.get("Namespace")):
        return _str(a.get("Namespace")), _str(a.get("MetricName")), _list(a.get("Dimensions")), ""
    first: tuple[str | None, str | None, list[dict], str] = (None, None, [], "")
    for q in _list(a.get("Metrics")):
        m = _dict(_dict(q.get("MetricStat")).get("Metric"))
        ns = _str(m.get("Namespace"))
        if not ns:
            continue
        found = (ns, _str(m.get("MetricName")), _list(m.get("Dimensions")), _str(q.get("AccountId")) or "")
        if ns.lower() in SAGEMAKER_NAMESPACES:
            return found
        first = first if first[0] else found
    return first


#: The alarms a composite alarm's rule names: ALARM("name"), OK(name), INSUFFICIENT_DATA(arn).
_RULE_NAMES = re.compile(r'\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^")]+?)"?\s*\)')


def _metric_stat(a: dict) -> tuple[str | None, int | None]:
    """(statistic, period) of a metric alarm; for a metric-math alarm, its first metric's."""
    stat = _str(a.get("Statistic")) or _str(a.get("ExtendedStatistic"))
    period = a.get("Period")
    if not stat:
        for q in _list(a.get("Metrics")):
            ms = _dict(q.get("MetricStat"))
            if ms:
                stat, period = _str(ms.get("Stat")), ms.get("Period")
                break
    return stat, int(period) if isinstance(period, (int, float)) else None


def _composite(a: dict, region: str, metric_alarms: dict[str, Alarm]) -> Alarm | None:
    """A composite alarm whose rule names at least one of ``metric_alarms`` (by name or ARN)."""
    name, rule = _str(a.get("AlarmName")), _str(a.get("AlarmRule")) or ""
    named = [n.rsplit(":alarm:", 1)[-1] for n in _RULE_NAMES.findall(rule)]
    children = tuple(dict.fromkeys(n for n in named if n in metric_alarms))
    if not name or not children:
        return None
    first = metric_alarms[children[0]]
    accounts = {metric_alarms[c].metric_account for c in children}
    dims: dict[str, str] = {}
    for child in children:
        for k, v in metric_alarms[child].dimensions.items():
            dims.setdefault(k, v)
    return Alarm(name=name, state=_str(a.get("StateValue")) or "Unknown", region=region, namespace=first.namespace,
                 metric=first.metric, dimensions=dims, reason=_str(a.get("StateReason")),
                 updated=_ts(a.get("StateUpdatedTimestamp")), arn=_str(a.get("AlarmArn")), rule=rule,
                 children=children, metric_account=accounts.pop() if len(accounts) == 1 else "")


def list_alarms(cw, region: str | None = None, *, usage: Usage | None = None,
                namespaces: Iterable[str] | None = None) -> list[Alarm]:
    """CloudWatch metric alarms on SageMaker namespaces, then the composite alarms whose rule names
    one of them (DescribeAlarms, every page)."""
    region = _region(cw, region)
    wanted = SAGEMAKER_NAMESPACES if namespaces is None else frozenset(n.lower() for n in namespaces)
    out: list[Alarm] = []
    composites: list[dict] = []
    for page in _pages(cw, "DescribeAlarms", usage, max_items=None, AlarmTypes=["MetricAlarm", "CompositeAlarm"],
                       MaxRecords=LIST_PAGE_SIZE):
        composites += _list(page.get("CompositeAlarms"))
        for a in _list(page.get("MetricAlarms")):
            name = _str(a.get("AlarmName"))
            ns, metric, dims, account = _alarm_metric(a)
            if not name or not ns or ns.lower() not in wanted:
                continue
            stat, period = _metric_stat(a)
            out.append(Alarm(name=name, state=_str(a.get("StateValue")) or "Unknown", region=region, namespace=ns,
                             metric=metric,
                             dimensions={str(d.get("Name")): str(d.get("Value")) for d in dims if d.get("Name")},
                             reason=_str(a.get("StateReason")), threshold=_float(a.get("Threshold")),
                             comparison=_str(a.get("ComparisonOperator")),
                             updated=_ts(a.get("StateUpdatedTimestamp")), statistic=stat, period=period,
                             arn=_str(a.get("AlarmArn")), metric_account=account))
    by_name = {a.name: a for a in out}
    out += [c for c in (_composite(a, region, by_name) for a in composites) if c is not None]
    return out
