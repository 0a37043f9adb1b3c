"""``make bench``: the figures of issue 13 on a reference fleet, one table, ``bench/results.json``.

    python -m bench                 # the full pass (about 7-9 minutes on 2 cores)
    BENCH_QUICK=1 python -m bench   # a faster, noisier pass while developing (about 3 minutes)
    python -m bench grid_256 engine_incremental demo_startup   # the older stand-alone modules

Order: the import floor and ``--demo`` start-ups; the 300-endpoint reference fleet (start-up on
an account, API cost per steady-state refresh with live minutes arriving, idle with nothing
changing, memory); the 1,000-endpoint variant (responsiveness and rendering, in-process);
the 256-host grid. Every figure keeps its raw samples in the JSON.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from pathlib import Path

from bench import figures_process as P
from bench import report as R

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
CONFIG = {
    "quick": QUICK,
    "floor_runs": 3 if QUICK else 7,
    "demo_runs": 1 if QUICK else 3,
    "account_runs": 1 if QUICK else 3,
    "fleet": {"endpoints": 300, "history": 300 if QUICK else 3000, "window_minutes": 10 if QUICK else 30},
    "fleet_1000": {"endpoints": 1000, "history": 0, "window_minutes": 5 if QUICK else 15},
    "steady": {"refresh": 10, "settle": 10 if QUICK else 15, "measure": 20 if QUICK else 60},
    "idle": {"settle": 10, "measure": 20 if QUICK else 60},
    "ui_refreshes": 1 if QUICK else 3,
    "grid_runs": 3 if QUICK else 7,
    "app_window_s": 3 * 3600,
    # the app's RSS on a fleet seeded with its whole default window (bench.memory_app)
    "memory": {"window_minutes": 180, "seconds": 90 if QUICK else 150},
}


def legacy(names: list[str]) -> int:
    failed = 0
    for name in names:
        print(f"== {name}", flush=True)
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception as exc:  # noqa: BLE001 - report and go on
            failed += 1
            print(f"{name}: FAILED: {type(exc).__name__}: {exc}")
    return 1 if failed else 0


def step(name: str, figures: dict, fn) -> None:
    t = time.perf_counter()
    print(f"== {name} ...", flush=True)
    try:
        figures[name] = fn()
    except Exception as exc:  # noqa: BLE001 - one failed figure must not lose the others
        figures[name] = {"error": f"{type(exc).__name__}: {exc}"}
        traceback.print_exc()
    print(f"   {name}: {time.perf_counter() - t:.1f} s", flush=True)


def run() -> tuple[dict, float]:
    from bench.reference_fleet import Sizes
    from bench.server_proc import RemoteReference

    t_all = time.perf_counter()
    c, f = CONFIG, {}
    step("floor", f, lambda: {"seconds": P.floor_seconds(c["floor_runs"])})
    step("startup_demo", f, lambda: P.startup_runs([P.APP, "--demo"], c["demo_runs"], rss_after=3.0))

    t = time.perf_counter()
    ref = RemoteReference(Sizes(**c["fleet"]))
    print(f"   fleet seeded: {time.perf_counter() - t:.1f} s", flush=True)
    try:
        f["fleet"] = ref.summary()
        step("startup_account", f, lambda: P.startup_runs(P.account_argv(ref), c["account_runs"],
                                                          env=P.aws_env(ref), rss_after=3.0))
        step("baselines", f, lambda: P.naive_baselines(ref, c["app_window_s"], c["steady"]["refresh"]))
        ref.start_live()
        step("steady", f, lambda: P.steady_api(ref, **c["steady"]))
        ref.stop_live()
        step("idle", f, lambda: P.idle(ref, **c["idle"]))
        f["server_rss_mb"] = ref.rss_mb()
    finally:
        ref.stop()

    from bench import figures_ui as U

    t = time.perf_counter()
    big = RemoteReference(Sizes(**c["fleet_1000"]), region="us-west-2")
    print(f"   1,000-endpoint fleet seeded: {time.perf_counter() - t:.1f} s", flush=True)
    try:
        f["fleet_1000"] = big.summary()
        step("startup_1000", f, lambda: P.startup_runs(P.account_argv(big), 1, env=P.aws_env(big)))
        big.start_live()
        step("ui_1000", f, lambda: U.responsiveness(big, c["ui_refreshes"]))
    finally:
        big.stop()
    step("grid_256", f, lambda: U.grid_update_ms(c["grid_runs"]))

    from bench import memory_app as M

    t = time.perf_counter()
    full = RemoteReference(Sizes(endpoints=300, history=300, window_minutes=c["memory"]["window_minutes"]))
    print(f"   3 h fleet seeded: {time.perf_counter() - t:.1f} s", flush=True)
    try:
        full.start_live()
        step("memory", f, lambda: M.run_app(full, seconds=c["memory"]["seconds"]))
    finally:
        full.stop()
    return f, time.perf_counter() - t_all


def g(d: dict, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def table(f: dict) -> list[dict]:
    med = P.median
    floor = med(g(f, "floor", "seconds", default=[]))
    rows = [R.row("import floor (python -c 'import textual.app, boto3')", floor, " s", "baseline", None)]
    for label, key, data_target in (("--demo", "startup_demo", 2.0), ("account, 300 endpoints", "startup_account", 1.0)):
        frame = med(g(f, key, "first_frame_s", default=[]))
        data = med(g(f, key, "first_data_s", default=[]))
        ratio = med(g(f, key, "frame_over_floor", default=[]))
        rows.append(R.row(f"first frame / floor ({label})", ratio, "x", "<= 1.2x", ratio is not None and ratio <= 1.2))
        after = data - frame if data and frame else None
        rows.append(R.row(f"first data after first frame ({label})", after, " s", f"<= {data_target} s",
                          after is not None and after <= data_target))
    fd1000 = med(g(f, "startup_1000", "first_data_s", default=[]))
    rows.append(R.row("first data, 1,000 endpoints (process start)", fd1000, " s", "<= 5 s",
                      fd1000 is not None and fd1000 <= 5))

    per = g(f, "steady", "per_refresh", default={})
    naive = g(f, "baselines", "naive", default={})
    gms = g(f, "baselines", "get_metric_statistics", default={})
    q, calls = per.get("metrics_requested"), per.get("GetMetricData_calls")
    rows.append(R.row("GetMetricData calls per steady refresh (300 ep, all tiers)", calls, "",
                      f"(Q/500 = {q / 500 if q else 0:.1f})", None))
    excess = per.get("GetMetricData_excess_calls")
    rows.append(R.row("GetMetricData calls beyond ceil(Q/500) per period, per refresh", excess, "", "0",
                      excess is not None and excess <= 0))
    rows.append(R.row("metrics requested per steady refresh (300 ep)", q, "",
                      f"naive {naive.get('metrics_requested', 'n/a'):,}" if naive else "naive n/a", None))
    dp, ndp = per.get("datapoints"), naive.get("datapoints")
    ratio = ndp / dp if dp and ndp else None
    rows.append(R.row("datapoints per steady refresh: naive / app", ratio, "x", ">= 20x", ratio is not None and ratio >= 20))
    rows.append(R.row("GetMetricStatistics alternative: calls per refresh", gms.get("calls"), "",
                      f"{gms.get('seconds_per_refresh', 'n/a')} s/refresh", None))
    disc = per.get("sagemaker_calls")
    jobs = sum(v for k, v in g(f, "steady", "total", "by_operation", default={}).items()
               if k.startswith("sagemaker:List") and k.endswith("Jobs")) / max(g(f, "steady", "refreshes", default=1), 1)
    rows.append(R.row("SageMaker (discovery) calls per steady refresh (300 ep)", disc, "", "bounded", None))
    rows.append(R.row("job-listing calls per refresh (3,000 finished jobs)", jobs, "", "< 30 (not the history)", jobs < 30))
    usd = q * 1440 / 1e5 if q is not None else None
    rows.append(R.row("$/day left open at --refresh 60 (300 ep, per-refresh x 1,440)", usd, "",
                      f"naive ${naive.get('metrics_requested', 0) * 1440 / 1e5:,.2f}", None))
    m1000 = g(f, "ui_1000", "api_per_refresh", "metrics_requested")
    rows.append(R.row("metrics per refresh, 1,000 endpoints, overview open", m1000, "",
                      "~3x visible rows' + slow tier", None))

    ui = f.get("ui_1000", {})
    rows.append(R.row("key -> screen p50 during refresh (1,000 ep)", ui.get("key_p50_ms"), " ms", "", None))
    p95 = ui.get("key_p95_ms")
    rows.append(R.row("key -> screen p95 during refresh (1,000 ep)", p95, " ms", "<= 50 ms", p95 is not None and p95 <= 50))
    stall = ui.get("max_stall_ms")
    rows.append(R.row("longest event-loop stall (1,000 ep)", stall, " ms", "<= 50 ms", stall is not None and stall <= 50))
    upd = ui.get("overview_update_ms")
    rows.append(R.row("overview update, 1,000 ep (handler + frame)", upd, " ms", "<= 50 ms", upd is not None and upd <= 50))
    grid = g(f, "grid_256", "median_update_paint_cpu_ms")
    rows.append(R.row(f"256-host grid update + paint ({g(f, 'grid_256', 'metrics')} metrics), main-thread CPU", grid,
                      " ms", "<= 50 ms", grid is not None and grid <= 50))
    wall = g(f, "grid_256", "median_update_paint_ms")
    rows.append(R.row("256-host grid update + paint, wall (incl. Pilot's idle polling)", wall, " ms", "", None))

    idle = f.get("idle", {})
    cpu, bpm = idle.get("cpu_pct"), idle.get("bytes_per_min")
    rows.append(R.row("idle CPU (300 ep, --refresh 60)", cpu, " %", "<= 0.3 %", cpu is not None and cpu <= 0.3))
    kib = bpm / 1024 if bpm is not None else None
    rows.append(R.row("idle bytes to the terminal", kib, " KiB/min", "<= 4 KiB/min", kib is not None and kib <= 4))

    rss = g(f, "steady", "rss_mb", default=[None, None])[1]
    rows.append(R.row("app RSS after the steady run (300 ep, 30 min seeded)", rss, " MB", "", None))
    mem = f.get("memory", {})
    window = f"300 ep, full 3 h window, {CONFIG['memory']['seconds']:.0f} s at --refresh 10"
    settled, peak, slope = mem.get("settled_mb"), mem.get("peak_mb"), mem.get("slope_mb_per_min")
    rows.append(R.row(f"app RSS settled ({window})", settled, " MB", "<= 150 MB", settled is not None and settled <= 150))
    rows.append(R.row("app RSS peak (VmHWM), same run", peak, " MB", "", None))
    rows.append(R.row("app RSS growth, second half of that run", slope, " MB/min", "0 once the window is full", None))
    demo_rss = med(g(f, "startup_demo", "rss_mb", default=[]))
    acct_rss = med(g(f, "startup_account", "rss_mb", default=[]))
    share = demo_rss - acct_rss if demo_rss and acct_rss else None
    rows.append(R.row("demo server's share of --demo RSS", share, " MB", "", None))
    rows.append(R.row("reference server RSS (300 ep, separate process)", f.get("server_rss_mb"), " MB", "", None))
    return rows


def main(argv: list[str]) -> int:
    if argv:
        return legacy(argv)
    figures, seconds = run()
    rows = table(figures)
    print()
    R.print_table(rows)
    out = Path(__file__).with_name("results.json")
    R.write(out, rows, figures, CONFIG, seconds)
    print(f"\n{sum(1 for r in rows if r['met'])} of {sum(1 for r in rows if r['met'] is not None)} targets met;"
          f" {seconds:.0f} s; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
