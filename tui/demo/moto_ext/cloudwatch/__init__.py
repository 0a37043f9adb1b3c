"""CloudWatch for the local AWS: the registration of an index of stored datapoints,
GetMetricData and ListMetrics on moto's ``CloudWatchBackend`` and ``CloudWatchResponse``.

* :mod:`.index` - the datapoints of each series, kept sorted, and PutMetricData indexing them;
* :mod:`.stats` - statistics over a bucket's values and where buckets start;
* :mod:`.get_metric_data` - GetMetricData as CloudWatch answers it (limits, paging, ScanBy);
* :mod:`.list_metrics` - ListMetrics (one entry per series, RecentlyActive, paging);
* :mod:`.tokens` - the NextToken and exceptions the two share;
* :mod:`.cross_account` - cross-account observability: linked accounts' series for both.
"""

from __future__ import annotations

from .. import _patches
from . import get_metric_data, index, list_metrics


def install() -> None:
    from moto.cloudwatch.models import CloudWatchBackend
    from moto.cloudwatch.responses import CloudWatchResponse

    _patches.patch(CloudWatchBackend, "put_metric_data", index.backend_put_metric_data)
    _patches.patch(CloudWatchBackend, "get_metric_data", get_metric_data.backend_get_metric_data)
    _patches.patch(CloudWatchBackend, "get_metric_data_page", get_metric_data.backend_get_metric_data_page)
    _patches.patch(CloudWatchBackend, "list_metric_series", list_metrics.backend_list_metric_series)
    _patches.patch(CloudWatchResponse, "get_metric_data", get_metric_data.response_get_metric_data)
    _patches.patch(CloudWatchResponse, "list_metrics", list_metrics.response_list_metrics)
