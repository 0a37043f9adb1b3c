"""Figures measured on the app in-process (Textual Pilot): responsiveness and rendering.

The real :class:`tui.app.SagemonApp` runs headless (``App.run_test``, 160x48) against the
1,000-endpoint reference fleet through its own connect path (``--endpoint-url``). The bench
subclass only *observes*: it times the ``RefreshDone`` handler (and the frame that follows it)
and wraps ``App._display`` to see when each frame is composed. Keys (down/up on the focused
table, alternately) are pressed while refreshes run; the latency of a key is the time until the
first frame in which the focused widget's cursor has moved. The full garbage collections of
the measured span are timed too (``full_gc_ms``): each one holds the GIL, so it is the longest
stall of the event loop.
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import sys
import threading
import time
from collections import Counter

from textual import events

from tui.app import SagemonApp
from tui.config.options import Options


class TimedApp(SagemonApp):
    """SagemonApp that records its RefreshDone handler time and the frame after it."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.handler_ms: list[float] = []
        self.update_ms: list[float] = []  # handler start to the end of the next frame
        self.refreshes_done = 0
        self._since: float | None = None
        self.frames: list[tuple[float, object]] = []

    def on_refresh_done(self, message) -> None:
        t = time.perf_counter()
        SagemonApp.on_refresh_done(self, message)
        self.handler_ms.append((time.perf_counter() - t) * 1000)
        self.refreshes_done += 1
        self._since = t
        message.prevent_default()  # the base class's handler has run; do not run it twice

    def cursor(self):
        return getattr(self.focused, "cursor_coordinate", None)

    def install_frame_hook(self) -> None:
        orig = self._display

        def display(screen, renderable) -> None:
            orig(screen, renderable)
            if renderable is None:
                return
            now = time.perf_counter()
            self.frames.append((now, self.cursor()))
            if self._since is not None:
                self.update_ms.append((now - self._since) * 1000)
                self._since = None

        self._display = display  # type: ignore[method-assign]


def _where(frame) -> str:
    """Where a stalled main thread is: its innermost project (tui/) frames and the innermost
    three frames overall."""
    inner, ours = [], []
    while frame is not None:
        code = frame.f_code
        parts = code.co_filename.split("/")
        name = f"{'/'.join(parts[-2:])}:{code.co_name}"
        if len(inner) < 3:
            inner.append(name)
        if "/tui/" in code.co_filename and len(ours) < 2:
            ours.append(name)
        frame = frame.f_back
    return " < ".join(ours) + "  [" + " < ".join(inner) + "]"


def pct(xs: list[float], p: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


async def _drive(app: TimedApp, ref, refreshes: int, out: dict) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        app.install_frame_hook()
        t0 = time.perf_counter()
        while app.first_data_at is None and time.perf_counter() - t0 < 240:
            await asyncio.sleep(0.05)
        out["first_data_s"] = time.perf_counter() - t0
        await asyncio.sleep(1.0)
        stalls: list[float] = []
        stop = asyncio.Event()
        last_tick = [time.perf_counter()]

        async def monitor() -> None:  # the event loop's longest stalls (main-thread blocking)
            while not stop.is_set():
                a = time.perf_counter()
                last_tick[0] = a
                await asyncio.sleep(0.01)
                stalls.append((time.perf_counter() - a - 0.01) * 1000)

        mon = asyncio.create_task(monitor())
        full_gcs: list[float] = []  # the full garbage collections meanwhile (ms): each stalls every thread
        gc_started: list[float] = []

        def on_gc(phase: str, info: dict) -> None:
            if info.get("generation") == 2:
                if phase == "start":
                    gc_started[:] = [time.perf_counter()]
                elif gc_started:
                    full_gcs.append((time.perf_counter() - gc_started.pop()) * 1000)

        gc.callbacks.append(on_gc)
        presses: list[tuple[float, bool]] = []
        stacks: Counter = Counter()
        halt = threading.Event()
        main_id = threading.get_ident()

        def typist() -> None:  # keys arrive as from a terminal: the driver's thread posts them
            while not halt.wait(0.1):
                presses.append((time.perf_counter(), bool(app.state.refreshing)))
                app._driver.process_message(events.Key("down", None))

        def watchdog() -> None:  # where the main thread is while the loop stalls (> 100 ms)
            while not halt.wait(0.02):
                if time.perf_counter() - last_tick[0] > 0.1:
                    frame = sys._current_frames().get(main_id)
                    stacks[_where(frame)] += 1

        threads = [threading.Thread(target=typist, daemon=True), threading.Thread(target=watchdog, daemon=True)]
        a, done0 = ref.snapshot(), app.refreshes_done
        for t in threads:
            t.start()
        deadline = time.perf_counter() + 40 * refreshes + 60
        while app.refreshes_done - done0 < refreshes and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        halt.set()
        gc.callbacks.remove(on_gc)
        for t in threads:
            t.join(2)
        key_ms, key_ms_refreshing = [], []
        frames = [(ft, c.row if c is not None else -1) for ft, c in app.frames]
        for t, during in presses:
            before = max((r for ft, r in frames if ft < t), default=-1)
            seen = next((ft for ft, r in frames if ft >= t and r > before), None)
            if seen is not None:
                key_ms.append((seen - t) * 1000)
                if during:
                    key_ms_refreshing.append((seen - t) * 1000)
        out["stall_stacks"] = [f"{n * 20} ms  {w}" for w, n in stacks.most_common(12)]
        b = ref.snapshot()
        stop.set()
        await mon
        done = max(1, app.refreshes_done - done0)
        out.update({"key_ms": key_ms, "key_ms_during_refresh": key_ms_refreshing, "refreshes": done,
                    "handler_ms": app.handler_ms[1:], "update_ms": app.update_ms[1:],
                    "max_stall_ms": max(stalls) if stalls else None, "full_gc_ms": full_gcs,
                    "gc_thresholds": gc.get_threshold(),
                    "api_per_refresh": {k: v / done for k, v in b.minus(a).as_dict().items()
                                        if isinstance(v, (int, float))}})
        await pilot.press("q")


def responsiveness(ref, refreshes: int) -> dict:
    c = ref.credentials
    os.environ.update({"AWS_ACCESS_KEY_ID": c["aws_access_key_id"], "AWS_SECRET_ACCESS_KEY": c["aws_secret_access_key"],
                       "AWS_DEFAULT_REGION": ref.aws.region})
    opts = Options(regions=(ref.aws.region,), endpoint_url=ref.url, refresh=10)
    app = TimedApp(opts)
    out: dict = {}
    asyncio.run(_drive(app, ref, refreshes, out))
    keys = out.get("key_ms_during_refresh") or out.get("key_ms") or []
    out["key_p50_ms"], out["key_p95_ms"] = pct(keys, 50), pct(keys, 95)
    out["overview_update_ms"] = statistics.median(out["update_ms"]) if out.get("update_ms") else None
    out["overview_handler_ms"] = statistics.median(out["handler_ms"]) if out.get("handler_ms") else None
    return out


def grid_update_ms(runs: int) -> dict:
    """The 256-host grid: update_table + repaint with every endpoint instance metric (11), in
    wall-clock time and in the UI thread's CPU time."""
    from bench import grid_256 as g
    from tui.model.catalog import Kind, instance_metrics

    metrics = instance_metrics(Kind.ENDPOINT)
    tables = [g.table_for(metrics, g.synthetic(metrics, shift)) for shift in range(runs + 1)]
    res: dict = {}

    async def go() -> None:
        app = g.GridApp()
        async with app.run_test(size=(160, 50)) as pilot:
            grid = app.query_one(g.HostGrid)
            grid.update_table(tables[0])
            await pilot.pause()
            upd, painted, cpu = [], [], []
            for table in tables[1:]:
                c, main = g.Clock(), time.thread_time()
                grid.update_table(table)
                upd.append(c.stop()[0])
                await pilot.pause()
                painted.append(c.stop()[0])
                cpu.append((time.thread_time() - main) * 1000)
            res.update(update_ms=upd, update_paint_ms=painted, update_paint_cpu_ms=cpu)

    asyncio.run(go())
    build = [c[0] for c in g.timed(lambda: g.table_for(metrics, g.synthetic(metrics)), 3)]
    res["metrics"] = len(metrics)
    res["build_host_table_ms"] = statistics.median(build)
    res["median_update_paint_ms"] = statistics.median(res["update_paint_ms"])
    # the UI thread's own CPU time: the wall-clock figure also holds the time other processes of a
    # shared machine took the cores
    res["median_update_paint_cpu_ms"] = statistics.median(res["update_paint_cpu_ms"])
    return res
