"""CloudWatch metric alarms on SageMaker namespaces."""

from __future__ import annotations

from collections.abc import Iterable

from tui.aws.discovery.base import (
    LIST_PAGE_SIZE, SAGEMAKER_NAMESPACES, _dict, _float, _list, _pages, _region, _str, _ts,
)
from tui.model.cost import Usage
from tui.model.resources import Alarm


def _alarm_metric(a: dict) -> tuple[str | None, str | None, list[dict]]:
    """(namespace, metric, dimensions) of an alarm; for metric-math alarms, its first SageMaker metric."""
    if _str(a.get("Namespace")):
        return _str(a.get("Namespace")), _str(a.get("MetricName")), _list(a.get("Dimensions"))
    first: tuple[str | None, str | None, list[dict]] = (None, None, [])
    for q in _list(a.get("Metrics")):
        m = _dict(_dict(q.get("MetricStat")).get("Metric"))
        ns = _str(m.get("Namespace"))
        if not ns:
            continue
        found = (ns, _str(m.get("MetricName")), _list(m.get("Dimensions")))
        if ns.lower() in SAGEMAKER_NAMESPACES:
            return found
        first = first if first[0] else found
    return first


def list_alarms(cw, region: str | None = None, *, usage: Usage | None = None,
                namespaces: Iterable[str] | None = None) -> list[Alarm]:
    """CloudWatch metric alarms on SageMaker namespaces (DescribeAlarms, every page)."""
    region = _region(cw, region)
    wanted = SAGEMAKER_NAMESPACES if namespaces is None else frozenset(n.lower() for n in namespaces)
    out = []
    for page in _pages(cw, "DescribeAlarms", usage, max_items=None, AlarmTypes=["MetricAlarm"],
                       MaxRecords=LIST_PAGE_SIZE):
        for a in _list(page.get("MetricAlarms")):
            name = _str(a.get("AlarmName"))
            ns, metric, dims = _alarm_metric(a)
            if not name or not ns or ns.lower() not in wanted:
                continue
            out.append(Alarm(name=name, state=_str(a.get("StateValue")) or "Unknown", region=region, namespace=ns,
                             metric=metric,
                             dimensions={str(d.get("Name")): str(d.get("Value")) for d in dims if d.get("Name")},
                             reason=_str(a.get("StateReason")), threshold=_float(a.get("Threshold")),
                             comparison=_str(a.get("ComparisonOperator")),
                             updated=_ts(a.get("StateUpdatedTimestamp"))))
    return out
