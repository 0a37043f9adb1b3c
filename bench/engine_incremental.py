"""Incremental GetMetricData refresh against naive polling of the whole window.

A moto server holds 3 hours of 1-minute points for 200 series. A naive monitor re-reads the
whole window every refresh; the engine reads only the new minutes plus a 5-minute overlap.
Both keep the same values. Printed: datapoints and seconds per steady-state refresh, and
the ratios.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

import boto3

from tui.aws.metrics import MetricEngine, MetricRequest
from tui.model.series import SeriesKey, SeriesStore

SERIES = 200
WINDOW = 3 * 3600


def main() -> None:
    from moto.server import ThreadedMotoServer

    from tui.demo import moto_ext

    moto_ext.install()  # the local AWS as --demo runs it (indexed GetMetricData)
    logging.getLogger("werkzeug").disabled = True
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    creds = dict(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    cw = boto3.client("cloudwatch", endpoint_url=url, **creds)
    now = int(time.time())
    now -= now % 60
    ns = "Bench/Engine"
    data = []
    for i in range(SERIES):
        for m in range(WINDOW // 60):
            data.append({"MetricName": "GPUUtilization", "Dimensions": [{"Name": "Host", "Value": f"job/algo-{i}"}],
                         "Timestamp": datetime.fromtimestamp(now - WINDOW + m * 60, timezone.utc),
                         "Value": float((i + m) % 100)})
    for j in range(0, len(data), 1000):
        cw.put_metric_data(Namespace=ns, MetricData=data[j:j + 1000])
    reqs = [MetricRequest(SeriesKey(ns, "GPUUtilization", (("Host", f"job/algo-{i}"),), "Average", "us-east-1"))
            for i in range(SERIES)]

    def run(overlap: int, naive: bool) -> tuple[int, float]:
        store = SeriesStore(window=WINDOW)
        engine = MetricEngine(lambda r: cw, store, overlap=overlap)
        engine.fetch(reqs, now=now)  # first fetch: the whole window either way
        if naive:
            engine.fetched_until.clear()
        t0 = time.perf_counter()
        res = engine.fetch(reqs, now=now + 60)
        return res.usage.datapoints, time.perf_counter() - t0

    inc_pts, inc_s = run(300, naive=False)
    naive_pts, naive_s = run(300, naive=True)
    print(f"series: {SERIES}, window: {WINDOW // 3600} h of 1-minute points")
    print(f"naive refresh: {naive_pts} datapoints, {naive_s:.2f} s")
    print(f"incremental refresh: {inc_pts} datapoints, {inc_s:.2f} s")
    print(f"datapoints ratio naive/incremental: {naive_pts / max(inc_pts, 1):.1f}x")
    print(f"time ratio naive/incremental: {naive_s / max(inc_s, 1e-6):.1f}x")
    server.stop()
