"""Benchmark: the 256-host table model and the host grid, timed on synthetic series.

Run with ``.venv/bin/python bench/grid_256.py``. Prints, in milliseconds (best and median of
several runs):

* building the :class:`HostTable` for 256 hosts x 11 metrics (the endpoint instance set) and
  x 5 metrics (the training-job set), each series holding 180 one-minute points;
* on a mounted :class:`HostGrid` (headless ``App.run_test``, 160x50): the first fill, one
  refresh with every value changed (``update_table``), that refresh plus the repaint, a sort
  and a filter.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult  # noqa: E402

from tui.model.catalog import Kind, instance_metrics  # noqa: E402
from tui.model.hosts import HostTable, build_host_table  # noqa: E402
from tui.model.resources import default_hosts  # noqa: E402
from tui.model.series import Series  # noqa: E402
from tui.widgets.host_grid import HostGrid  # noqa: E402

HOSTS = default_hosts(Kind.TRAINING_JOB, "bench-job", 256)
NOW = 1_800_000_000 - 1_800_000_000 % 60
POINTS = 180


def synthetic(metrics, shift: int = 0) -> dict[tuple[str, str], Series]:
    ts = [NOW - (POINTS - 1 - i) * 60 for i in range(POINTS)]
    data = {}
    for k, h in enumerate(HOSTS, start=1):
        for j, m in enumerate(metrics):
            s = Series(60, 3 * 3600)
            s.merge(ts, [float((k * 7 + j * 13 + i + shift) % 90) for i in range(POINTS)])
            data[h, m.name] = s
    return data


def table_for(metrics, data) -> HostTable:
    return build_host_table(HOSTS, metrics, lambda h, m: data.get((h, m.name)), NOW + 30)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def report(label: str, samples: list[float]) -> None:
    print(f"{label:<52} best {min(samples):7.1f} ms   median {statistics.median(samples):7.1f} ms"
          f"   ({len(samples)} runs)")


class GridApp(App):
    def compose(self) -> ComposeResult:
        yield HostGrid()


async def grid_bench(metrics, tables: list[HostTable]) -> None:
    app = GridApp()
    async with app.run_test(size=(160, 50)) as pilot:
        grid = app.query_one(HostGrid)
        t = time.perf_counter()
        grid.update_table(tables[0])
        await pilot.pause()
        report(f"grid first fill + paint ({len(metrics)} metrics)", [(time.perf_counter() - t) * 1000])
        updates, painted = [], []
        for table in tables[1:]:
            t = time.perf_counter()
            grid.update_table(table)
            t1 = time.perf_counter()
            await pilot.pause()
            updates.append((t1 - t) * 1000)
            painted.append((time.perf_counter() - t) * 1000)
        report(f"grid update_table, all values changed ({len(metrics)} metrics)", updates)
        report(f"grid update + repaint ({len(metrics)} metrics)", painted)
        sorts = []
        for col in (metrics[0].name, "health", "host", None):
            t = time.perf_counter()
            grid.sort_by(col)
            sorts.append((time.perf_counter() - t) * 1000)
        report("grid sort_by (256 rows)", sorts)
        filters = []
        for text in ("algo-1", "algo-2", ""):
            t = time.perf_counter()
            grid.set_filter(text)
            filters.append((time.perf_counter() - t) * 1000)
        report("grid set_filter (256 <-> ~111 rows)", filters)


def main() -> None:
    for kind, label in ((Kind.ENDPOINT, "11"), (Kind.TRAINING_JOB, "5")):
        metrics = instance_metrics(kind)
        data = synthetic(metrics)
        report(f"build_host_table 256 hosts x {label} metrics x {POINTS} pts",
               timed(lambda: table_for(metrics, data), 9))
    for kind in (Kind.TRAINING_JOB, Kind.ENDPOINT):
        metrics = instance_metrics(kind)
        tables = [table_for(metrics, synthetic(metrics, shift)) for shift in range(6)]
        asyncio.run(grid_bench(metrics, tables))


if __name__ == "__main__":
    main()
