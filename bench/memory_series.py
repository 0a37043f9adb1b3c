"""Memory of the series store, filled the way the refresh fills it.

Run with ``.venv/bin/python -m bench memory_series`` (``MEMORY_SERIES=2000`` for fewer series).

5,000 series (every 7th minute missing in one series in four, a NaN in one series in ten) get
their 3 h window of one-minute points in one merge each (the first refresh), then 60 refreshes
of one new minute each with the engine's 5-minute overlap re-read (late points overwrite), the
window trimming the oldest minute each time. After each refresh the store is snapshotted and
the previous snapshot dropped, as the refresher hands a snapshot to the UI thread. Printed:
tracemalloc's figure for the store alone and for the store plus the snapshot the UI holds,
bytes per point, the process RSS (``/proc/self/status``), and the time of the merges, the
snapshots and of a reader pass (``newest`` value and a 30-point grid of every series).
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc

from tui.model.series import SeriesKey, SeriesStore

SERIES = int(os.environ.get("MEMORY_SERIES", "5000"))
WINDOW = 3 * 3600
PERIOD = 60
MINUTES = WINDOW // PERIOD
LIVE = 60
OVERLAP = 5
T0 = 1_800_000_000 - 1_800_000_000 % 60


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def value(i: int, minute: int) -> float | None:
    if i % 4 == 0 and minute % 7 == 0:
        return None  # no datapoint this minute
    if i % 10 == 0 and minute % 11 == 0:
        return float("nan")
    return float((i * 7 + minute * 13) % 97) + 0.25


def fetch(i: int, first: int, last: int) -> tuple[list[int], list[float]]:
    """The points GetMetricData answers for minutes ``first..last`` (ascending)."""
    ts, vs = [], []
    for m in range(first, last + 1):
        v = value(i, m)
        if v is not None:
            ts.append(T0 + m * PERIOD)
            vs.append(v)
    return ts, vs


def snapshot(store: SeriesStore) -> SeriesStore:
    from tui.refresh_describe import snapshot as snap

    return snap(store)


def reader_pass(store: SeriesStore, keys: list[SeriesKey], now: int) -> float:
    """``latest`` of every series and a 30-point grid (``values``) of every series, in ms."""
    t = time.perf_counter()
    for k in keys:
        s = store.get(k)
        s.latest()
        s.values(now, 30)
    return (time.perf_counter() - t) * 1000


def scenario(keys: list[SeriesKey], trace: bool) -> dict:
    """The first refresh then ``LIVE`` live minutes; figures of the store and the UI's snapshot."""
    out: dict = {}
    gc.collect()
    rss0 = rss_mb()
    if trace:
        tracemalloc.start()
    traced = (lambda: tracemalloc.get_traced_memory()[0]) if trace else (lambda: 0)
    base = traced()
    store = SeriesStore(WINDOW)
    t = time.perf_counter()
    for i, k in enumerate(keys):
        store.ensure(k, PERIOD).merge(*fetch(i, 0, MINUTES - 1))
    out["fill_ms"] = (time.perf_counter() - t) * 1000
    gc.collect()
    out["filled"], out["filled_points"], out["rss_filled"] = traced() - base, store.total_points(), rss_mb() - rss0
    ui = snapshot(store)
    merge_ms, snap_ms = [], []
    for minute in range(MINUTES, MINUTES + LIVE):
        t = time.perf_counter()
        for i, k in enumerate(keys):
            store.ensure(k, PERIOD).merge(*fetch(i, minute - OVERLAP, minute))
        merge_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        ui = snapshot(store)  # the UI drops the previous snapshot when the new one arrives
        snap_ms.append((time.perf_counter() - t) * 1000)
        if minute == MINUTES + LIVE // 2:
            gc.collect()
            out["rss_half"] = rss_mb() - rss0
    gc.collect()
    out["both"], out["points"], out["rss_both"] = traced() - base, store.total_points(), rss_mb() - rss0
    out["full"] = out["points"] == ui.total_points()
    out["merge_ms"] = sorted(merge_ms)[len(merge_ms) // 2]
    out["snap_ms"] = sorted(snap_ms)[len(snap_ms) // 2]
    now = T0 + (MINUTES + LIVE - 1) * PERIOD + 30
    out["read_ms"] = min(reader_pass(ui, keys, now) for _ in range(5))
    if trace:
        out["peak"] = tracemalloc.get_traced_memory()[1] - base
        out["top"] = tracemalloc.take_snapshot().statistics("lineno")[:4]
        tracemalloc.stop()
    return out


def main() -> None:
    keys = [SeriesKey("AWS/SageMaker", f"M{i % 11}", (("EndpointName", f"ep-{i // 11}"),), "Average")
            for i in range(SERIES)]
    r = scenario(keys, trace=False)
    print(f"{SERIES:,} series; first refresh: {r['filled_points']:,} points merged in {r['fill_ms']:.0f} ms")
    print(f"  RSS growth: {r['rss_filled']:.1f} MB after the first refresh, {r['rss_half']:.1f} MB after"
          f" {LIVE // 2} live minutes + snapshots, {r['rss_both']:.1f} MB after {LIVE}")
    print(f"  refresh merge: {r['merge_ms']:.1f} ms median; snapshot: {r['snap_ms']:.1f} ms median;"
          f" readers (latest + 30-point values of every series): {r['read_ms']:.1f} ms best of 5")
    t = scenario(keys, trace=True)
    print(f"  tracemalloc, store alone: {t['filled'] / 2**20:.1f} MiB,"
          f" {t['filled'] / t['filled_points']:.1f} bytes/point (series objects included)")
    print(f"  tracemalloc, store + the UI's snapshot after {LIVE} live minutes ({t['points']:,} points,"
          f" window full: {t['full']}): {t['both'] / 2**20:.1f} MiB ({t['both'] / t['points']:.1f} bytes/point"
          f" of the store), peak {t['peak'] / 2**20:.1f} MiB")
    for stat in t["top"]:
        print(f"    {stat.size / 2**20:6.1f} MiB  {stat.traceback}")


if __name__ == "__main__":
    main()
