"""Demo start-up and running cost: from ``DemoAws().start()`` to a fully queryable fleet.

Printed: milliseconds for ``start()`` (the server starts in the background), seconds until
``populate()`` has created the fleet and backfilled its history (wall and CPU of the whole
process), the PutMetricData calls/datums/values it took, log events written, one
overview-sized GetMetricData read, and the CPU the live loop costs per real second
(process CPU while only the demo runs, over ``DEMO_BENCH_LIVE_SECONDS``, default 61 s so
that at least one minute of points is published).
"""

from __future__ import annotations

import os
import resource
import time
from datetime import datetime, timezone


def main() -> None:
    from tui.demo import DemoAws

    live_seconds = float(os.environ.get("DEMO_BENCH_LIVE_SECONDS", "61"))
    speed = float(os.environ.get("DEMO_BENCH_SPEED", "60"))
    t0 = time.perf_counter()
    demo = DemoAws(speed=speed)
    conn = demo.start()
    start_ms = (time.perf_counter() - t0) * 1000
    try:
        demo.populate()
        ready_s = time.perf_counter() - t0
        s = demo.stats()
        put = s["put_metric_data"]
        print(f"demo_start: {start_ms:.1f} ms")
        print(f"demo_server_ready: {s['server_ready_s']:.2f} s")
        print(f"demo_create_fleet: {s['create_s']:.2f} s")
        print(f"demo_backfill: {s['backfill_s']:.2f} s")
        print(f"demo_logs_backfill: {s.get('logs_s', 0):.2f} s")
        print(f"demo_start_to_recent_minutes_queryable: {demo.timings.get('queryable_s', float('nan')):.2f} s"
              " (the app shows the fleet from here)")
        print(f"demo_start_to_fully_queryable: {ready_s:.2f} s")
        print(f"demo_populate_cpu: {s['populate_cpu_s']:.2f} s")
        print(f"put_metric_data_calls: {put['calls']}")
        print(f"put_metric_data_datums: {put['datums']}")
        print(f"put_metric_data_values: {put['values']}")
        print(f"put_metric_data_time: {put['seconds']:.2f} s")
        print(f"put_metric_data_rate: {put['datums'] / max(put['seconds'], 1e-9):.0f} datums/s")
        print(f"series: {s['series']}")
        print(f"log_events: {s['logs']['events']}")
        print(f"max_rss: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

        # One read the size of an overview refresh: every series over the last 3 hours.
        import boto3

        cw = boto3.Session(**conn.credentials).client("cloudwatch", endpoint_url=conn.endpoint_url)
        keys = demo.record.keys()[:500]
        now = time.time()
        queries = [{"Id": f"q{i}", "MetricStat": {"Metric": {"Namespace": ns, "MetricName": name, "Dimensions": [
            {"Name": k, "Value": v} for k, v in sorted(dims)]}, "Period": 60, "Stat": "Average"}}
            for i, (ns, name, dims) in enumerate(keys)]
        t = time.perf_counter()
        r = cw.get_metric_data(MetricDataQueries=queries, ScanBy="TimestampAscending",
                               StartTime=datetime.fromtimestamp(now - 3 * 3600, timezone.utc),
                               EndTime=datetime.fromtimestamp(now, timezone.utc))
        points = sum(len(x["Values"]) for x in r["MetricDataResults"])
        print(f"get_metric_data_{len(queries)}_series_3h: {time.perf_counter() - t:.2f} s ({points} points)")

        if live_seconds > 0:
            demo.start_live()
            c0, w0 = time.process_time(), time.perf_counter()
            time.sleep(live_seconds)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            live = demo.stats()["live"]
            print(f"live_speed: {speed:g}x")
            print(f"live_cpu: {cpu / wall * 100:.2f} % of one core (process, {wall:.0f} s)")
            print(f"live_minutes_published: {live['minutes']}")
            print(f"live_high_res_published: {live['high_res']}")
            print(f"live_log_events: {live['events']}")
            print(f"live_errors: {0 if demo.error is None else demo.error}")
    finally:
        demo.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
