"""A demo fleet without its live loop, read minutes after it was populated: ``catch_up``
publishes the minutes since, so a reader sees the fleet as current (not every host silent)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import time_machine

from tui.demo import DemoAws

REGION = "me-south-1"  # this module's demo: nothing else in the test process uses it


def newest_cpu_point(demo: DemoAws, host: str, now: float) -> float | None:
    cw = demo.client("cloudwatch")
    resp = cw.get_metric_data(MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
        "Namespace": "/aws/sagemaker/TrainingJobs", "MetricName": "CPUUtilization",
        "Dimensions": [{"Name": "Host", "Value": host}]}, "Period": 60, "Stat": "Average"}}],
        StartTime=datetime.fromtimestamp(now - 3600, timezone.utc), EndTime=datetime.fromtimestamp(now + 60, timezone.utc))
    stamps = resp["MetricDataResults"][0]["Timestamps"]
    return max(t.timestamp() for t in stamps) if stamps else None


def test_catch_up_publishes_the_minutes_since_the_fleet_was_populated():
    demo = DemoAws(seed=5, history_hours=0.25, region=REGION, logs=False)
    demo.start()
    try:
        demo.populate()
        job = next(j for j in demo.fleet.jobs if j.kind == "training" and j.running_at(time.time() + 600))
        host = job.hosts[0]
        # ten minutes later, nobody having published since
        with time_machine.travel(time.time() + 600, tick=True):
            now = time.time()
            before = newest_cpu_point(demo, host, now)
            assert before is not None and now - before > 540, "the fleet aged: its newest point is 9+ minutes old"
            demo.catch_up()
            after = newest_cpu_point(demo, host, now)
            assert after is not None and now - after < 180, "caught up to the last complete minute"
            demo.catch_up()  # nothing more to publish: idempotent
            assert newest_cpu_point(demo, host, now) == after
    finally:
        demo.stop()
