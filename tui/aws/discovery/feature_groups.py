"""Feature Store feature groups."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery.base import (
    LIST_PAGE_SIZE, DESCRIBE_WORKERS, FEATURE_GROUP_DESCRIBE_LIMIT, _call, _dict, _items, _map, _note,
    _region, _str, _ts,
)
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, FeatureGroup


def list_feature_groups(sm, region: str | None = None, *, describe_limit: int = FEATURE_GROUP_DESCRIBE_LIMIT,
                        usage: Usage | None = None, errors: list[DiscoveryError] | None = None,
                        workers: int = DESCRIBE_WORKERS) -> list[FeatureGroup]:
    """Feature groups, newest first.

    ``offline_store`` comes from the listing (OfflineStoreStatus is present only with an
    offline store); ``online_store`` needs DescribeFeatureGroup, done for the first
    ``describe_limit`` groups only (the others report False).
    """
    region = _region(sm, region)
    kind = Kind.FEATURE_GROUP.value
    summaries = [s for s in _items(sm, "ListFeatureGroups", "FeatureGroupSummaries", usage, SortBy="CreationTime",
                                   SortOrder="Descending", MaxResults=LIST_PAGE_SIZE)
                 if _str(s.get("FeatureGroupName"))]

    def one(item: tuple[int, dict]) -> FeatureGroup:
        i, s = item
        fg = FeatureGroup(name=str(s["FeatureGroupName"]), status=_str(s.get("FeatureGroupStatus")) or "Unknown",
                          region=region, creation_time=_ts(s.get("CreationTime")),
                          offline_store=bool(_dict(s.get("OfflineStoreStatus")).get("Status")))
        if i < describe_limit:
            try:
                d = _call(sm, "DescribeFeatureGroup", usage, FeatureGroupName=fg.name)
            except (ClientError, BotoCoreError) as exc:
                _note(errors, kind, "DescribeFeatureGroup", exc, region)
            else:
                fg.online_store = _dict(d.get("OnlineStoreConfig")).get("EnableOnlineStore") is True
                fg.offline_store = fg.offline_store or bool(_dict(d.get("OfflineStoreConfig")))
                fg.status = _str(d.get("FeatureGroupStatus")) or fg.status
                fg.throughput_mode = _str(_dict(d.get("ThroughputConfig")).get("ThroughputMode")) or fg.throughput_mode
        return fg

    return _map(one, list(enumerate(summaries)), workers)
