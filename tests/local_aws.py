"""A moto server of a test module's own, with the demo's moto extensions installed while it runs.

For modules that build a small account of their own shape (ended jobs, old jobs, statuses moto
cannot set through its API). The extensions are process-wide, so moto is left as it was found.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def extended_moto_server() -> Iterator[str]:
    """Start the server on 127.0.0.1 (a free port); yields its URL."""
    from moto.server import ThreadedMotoServer

    from tui.demo import moto_ext
    from tui.demo.server import quiet_server_logs

    quiet_server_logs()
    was_installed = moto_ext.is_installed()
    moto_ext.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        if not was_installed:
            moto_ext.uninstall()


def boto3_points(cw, key, start: int, end: int, period: int) -> dict[int, float]:
    """A series key's points over (start, end] at ``period`` as plain boto3 reads them
    (``cw``: a boto3 CloudWatch client), epoch seconds to values: what a screen must equal."""
    from datetime import datetime, timezone

    resp = cw.get_metric_data(MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
        "Namespace": key.namespace, "MetricName": key.metric,
        "Dimensions": [{"Name": n, "Value": v} for n, v in key.dimensions]}, "Period": period, "Stat": key.stat}}],
        StartTime=datetime.fromtimestamp(start, timezone.utc), EndTime=datetime.fromtimestamp(end, timezone.utc),
        ScanBy="TimestampAscending")
    res = resp["MetricDataResults"][0]
    return {int(t.timestamp()): v for t, v in zip(res["Timestamps"], res["Values"])}
