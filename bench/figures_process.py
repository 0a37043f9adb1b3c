"""Figures of the real ``sagemon-tui`` process in a pty: start-up, API cost, idle, memory.

Every run spawns the installed console script (the venv's ``sagemon-tui``) on a fresh pty.
The first frame is the first write holding the status bar's ``sagemon``; the first data is the
first write holding its ``updated HH:MM:SS`` (set when a refresh has landed). API calls are
counted by the reference server (:class:`bench.reference_fleet.ReferenceAws`).
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.pty_app import PtyApp, cpu_seconds, rss_mb

APP = str(Path(sys.executable).with_name("sagemon-tui"))
MARKERS = {"frame": b"sagemon", "data": b"updated"}


def floor_seconds(runs: int) -> list[float]:
    """Wall time of ``python -c "import textual.app, boto3"`` (the import floor)."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import textual.app, boto3"], check=True)
        out.append(time.perf_counter() - t)
    return out


def aws_env(ref) -> dict:
    c = ref.credentials
    return {"AWS_ACCESS_KEY_ID": c["aws_access_key_id"], "AWS_SECRET_ACCESS_KEY": c["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": ref.aws.region, "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def account_argv(ref, *extra: str) -> list[str]:
    return [APP, "--endpoint-url", ref.url, "--region", ref.aws.region, *extra]


def startup_runs(argv: list[str], runs: int, env: dict | None = None, timeout: float = 120.0,
                 rss_after: float = 0.0) -> dict:
    """Process start to first frame and to first data, ``runs`` times, each run right after a
    run of the import floor (so a ratio shares the machine's load of its moment); RSS after the
    first data."""
    frames, datas, rss, floors, ratios, failures = [], [], [], [], [], []
    for _ in range(runs):
        floor = floor_seconds(1)[0]
        floors.append(floor)
        app = PtyApp(argv, MARKERS, env=env)
        try:
            frame = app.wait_for("frame", 30)
            data = app.wait_for("data", timeout)
            if frame is not None:
                frames.append(frame)
                ratios.append(frame / floor)
            if data is None:
                failures.append({"exit": app.proc.poll(), "screen": app.screen_tail()})
            else:
                datas.append(data)
                if rss_after:
                    time.sleep(rss_after)
                    rss.append(rss_mb(app.pid))
        finally:
            app.stop()
    return {"first_frame_s": frames, "first_data_s": datas, "rss_mb": rss, "floor_s": floors,
            "frame_over_floor": ratios, "failures": failures}


def steady_api(ref, refresh: int, settle: float, measure: float) -> dict:
    """API use per steady-state refresh: the app on the fleet (live minutes arriving), counted
    over ``measure`` seconds after ``settle`` seconds past the first data; RSS along the way."""
    before = ref.snapshot()
    app = PtyApp(account_argv(ref, "--refresh", str(refresh)), MARKERS, env=aws_env(ref))
    try:
        if app.wait_for("data", 180) is None:
            raise RuntimeError("no first data within 180 s")
        first = ref.snapshot().minus(before)
        time.sleep(settle)
        rss0, a = rss_mb(app.pid), ref.snapshot()
        t = time.perf_counter()
        samples = []  # (seconds, MB) once a second: the slope is steadier than two readings
        while time.perf_counter() - t < measure:
            time.sleep(1.0)
            samples.append((time.perf_counter() - t, rss_mb(app.pid)))
        b, wall = ref.snapshot(), time.perf_counter() - t
        rss1 = rss_mb(app.pid)
    finally:
        app.stop()
    delta = b.minus(a).as_dict()
    refreshes = wall / refresh
    per = {k: v / refreshes for k, v in delta.items() if isinstance(v, (int, float))}
    return {"refresh_s": refresh, "seconds": round(wall, 1), "refreshes": round(refreshes, 2), "total": delta,
            "per_refresh": {k: round(v, 2) for k, v in per.items()},
            "first_refresh": first.as_dict(),
            "rss_mb": [round(rss0, 1), round(rss1, 1)], "rss_samples": samples,
            "rss_growth_mb_per_refresh": _slope(samples) * refresh}


def _slope(samples: list[tuple[float, float]]) -> float:
    """Least-squares MB per second of RSS samples (0 with fewer than 3)."""
    if len(samples) < 3:
        return 0.0
    n = len(samples)
    mx = sum(x for x, _ in samples) / n
    my = sum(y for _, y in samples) / n
    den = sum((x - mx) ** 2 for x, _ in samples)
    return sum((x - mx) * (y - my) for x, y in samples) / den if den else 0.0


def idle(ref, settle: float, measure: float) -> dict:
    """CPU % and bytes/min written to the pty at the default refresh with nothing changing."""
    app = PtyApp(account_argv(ref), MARKERS, env=aws_env(ref))
    try:
        if app.wait_for("data", 180) is None:
            raise RuntimeError("no first data within 180 s")
        time.sleep(settle)
        c0, a, t0 = cpu_seconds(app.pid), ref.snapshot(), time.perf_counter()
        time.sleep(measure)
        c1, b, t1 = cpu_seconds(app.pid), ref.snapshot(), time.perf_counter()
        nbytes, writes = app.bytes_between(t0, t1)
        rss = rss_mb(app.pid)
        sample = app.screen_tail()[-300:]  # the text of the newest writes: what keeps changing
    finally:
        app.stop()
    minutes = (t1 - t0) / 60
    api = b.minus(a).as_dict()
    return {"seconds": round(t1 - t0, 1), "cpu_pct": (c1 - c0) / (t1 - t0) * 100,
            "bytes_per_min": nbytes / minutes, "writes_per_min": writes / minutes, "rss_mb": rss,
            "last_writes_text": sample,
            "api_per_min": {k: v / minutes for k, v in api.items() if isinstance(v, (int, float))}}


def naive_baselines(ref, window_s: int, refresh: int, sample: int = 100) -> dict:
    """(a) every series of the account over the whole window each refresh; (b) one
    GetMetricStatistics call per series. Computed from the server's series count, and a sample
    of each measured against the server (seconds per call)."""
    import boto3
    from datetime import datetime, timezone

    series = ref.series_count()
    points = window_s // 60
    cw = boto3.client("cloudwatch", endpoint_url=ref.url, region_name=ref.aws.region, **ref.credentials)
    metrics = cw.list_metrics()["Metrics"][:sample]
    now = time.time()
    start, end = datetime.fromtimestamp(now - window_s, timezone.utc), datetime.fromtimestamp(now, timezone.utc)
    queries = [{"Id": f"q{i}", "MetricStat": {"Metric": m, "Period": 60, "Stat": "Average"}}
               for i, m in enumerate(metrics)]
    t = time.perf_counter()
    r = cw.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end, ScanBy="TimestampAscending")
    gmd_s = time.perf_counter() - t
    got = sum(len(x["Values"]) for x in r["MetricDataResults"])
    t = time.perf_counter()
    for m in metrics[:20]:
        cw.get_metric_statistics(Period=60, Statistics=["Average"], StartTime=start, EndTime=end, **m)
    gms_call_s = (time.perf_counter() - t) / max(1, min(20, len(metrics)))
    per_day = 86400 / refresh
    return {"series": series, "window_points": points,
            "naive": {"GetMetricData_calls": math.ceil(series / 500), "metrics_requested": series,
                      "datapoints": series * points, "metrics_per_day": series * per_day,
                      "usd_per_day": series * per_day / 1000 * 0.01,
                      "sample": {"queries": len(queries), "seconds": round(gmd_s, 3), "datapoints": got}},
            "get_metric_statistics": {"calls": series, "datapoints": series * points,
                                      "usd_per_day": series * per_day / 1000 * 0.01,
                                      "seconds_per_call": round(gms_call_s, 4),
                                      "seconds_per_refresh": round(series * gms_call_s, 1)}}


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None
