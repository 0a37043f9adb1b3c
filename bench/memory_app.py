"""RSS of the real app on a pty against the 300-endpoint reference fleet at a full 3 h window.

    .venv/bin/python -m bench memory_app
    .venv/bin/python -m bench.memory_app base=/tmp/old-tree new=   # A/B: one run per LABEL=PYTHONPATH

The reference server (:mod:`bench.server_proc`, a process of its own) is seeded with
``MEMORY_APP_MINUTES`` minutes of the fleet's metrics (180: the app's whole default window, so
its first refresh reads full 3 h series) and publishes each new minute live. Then, for each
variant (by default the installed app alone), ``sagemon-tui`` runs on a pty
(:mod:`bench.pty_app`) at ``--refresh MEMORY_APP_REFRESH`` (10 s): RSS from ``/proc`` is sampled
every 2 s for ``MEMORY_APP_SECONDS`` (180) after the first data. Printed per run, in MB: RSS
at the first data, the peak (``VmHWM``), the median of the last third, the last sample and the
slope over the second half (MB/min: growth once the window is full), and what GetMetricData
returned meanwhile. A variant's PYTHONPATH (a copy of another ``tui`` tree) is put first, so
two versions of the app run against the same seeded server.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from bench.figures_process import APP, MARKERS, _slope, account_argv, aws_env
from bench.pty_app import PtyApp, rss_mb

MINUTES = int(os.environ.get("MEMORY_APP_MINUTES", "180"))
SECONDS = float(os.environ.get("MEMORY_APP_SECONDS", "180"))
REFRESH = int(os.environ.get("MEMORY_APP_REFRESH", "10"))
ENDPOINTS = int(os.environ.get("MEMORY_APP_ENDPOINTS", "300"))


def peak_mb(pid: int) -> float:
    """``VmHWM`` (the highest RSS the process has had), MB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    return float("nan")


def run_app(ref, pythonpath: str = "", seconds: float = SECONDS, refresh: int = REFRESH) -> dict:
    env = aws_env(ref)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    before = ref.snapshot()
    app = PtyApp(account_argv(ref, "--refresh", str(refresh)), MARKERS, env=env, size=(160, 48))
    try:
        first = app.wait_for("data", 300)
        if first is None:
            raise RuntimeError(f"no first data within 300 s: {app.screen_tail()}")
        at_data = rss_mb(app.pid)
        t0 = time.perf_counter()
        samples: list[tuple[float, float]] = []
        while time.perf_counter() - t0 < seconds:
            time.sleep(2.0)
            if app.proc.poll() is not None:
                raise RuntimeError(f"the app exited ({app.proc.returncode}): {app.screen_tail()}")
            samples.append((time.perf_counter() - t0, rss_mb(app.pid)))
        peak = peak_mb(app.pid)
    finally:
        app.stop()
    api = ref.snapshot().minus(before).as_dict()
    third = [mb for _t, mb in samples[-max(1, len(samples) // 3):]]
    half = samples[len(samples) // 2:]
    return {"first_data_s": round(first, 2), "rss_at_first_data_mb": round(at_data, 1), "peak_mb": round(peak, 1),
            "settled_mb": round(statistics.median(third), 1), "last_mb": round(samples[-1][1], 1),
            "slope_mb_per_min": round(_slope(half) * 60, 2), "samples": samples,
            "gmd_calls": api["GetMetricData_calls"], "gmd_datapoints": api["datapoints"]}


def main(argv: list[str] | None = None) -> dict:
    from bench.reference_fleet import Sizes
    from bench.server_proc import RemoteReference

    variants = [a.split("=", 1) for a in (argv or [])] or [["app", ""]]
    t = time.perf_counter()
    ref = RemoteReference(Sizes(endpoints=ENDPOINTS, history=300, window_minutes=MINUTES))
    print(f"reference fleet seeded ({ENDPOINTS} endpoints, {MINUTES} min of metrics): "
          f"{time.perf_counter() - t:.0f} s; {ref.series_count():,} series; app {APP}", flush=True)
    out = {}
    try:
        ref.start_live()
        for label, path in variants:
            r = run_app(ref, path)
            out[label] = r
            print(f"{label:>8}: first data {r['first_data_s']:.1f} s, RSS at first data {r['rss_at_first_data_mb']:.0f} MB,"
                  f" peak {r['peak_mb']:.0f} MB, settled {r['settled_mb']:.0f} MB, last {r['last_mb']:.0f} MB,"
                  f" growth {r['slope_mb_per_min']:+.2f} MB/min over the last {SECONDS / 2:.0f} s;"
                  f" GetMetricData {r['gmd_calls']} calls, {r['gmd_datapoints']:,} datapoints", flush=True)
    finally:
        ref.stop()
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
