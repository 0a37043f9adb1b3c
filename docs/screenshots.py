"""The README's screenshots, made by the app itself on the demo: ``make screenshots``.

Starts ``sagemon-tui --demo`` headless (Textual's Pilot, ``App.run_test``) at 120x36, waits
until each screen shows data, walks the keys a person would press and writes one SVG per
screen to ``docs/screenshots/`` with ``App.save_screenshot``:

    overview-endpoints.svg  the Endpoints pane
    overview-jobs.svg       the Jobs pane (``:jobs``)
    job-grid.svg            the 16-host training job: its host grid (Enter)
    host.svg                one host: the lagging one (Enter on it)
    logs.svg                that host's live log (``l``)
    endpoint.svg            an endpoint's screen
    instances.svg           its instances (``i``)
    light-theme.svg         the job grid again in the ``sagemon-light`` theme

Run it with the project's venv: ``.venv/bin/python docs/screenshots.py [OUT_DIR]``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

SIZE = (120, 36)
WINDOW = "3h"  # the default window, as `make demo` opens
OUT = Path(__file__).resolve().parent / "screenshots"


async def wait_for(pilot, cond, what: str, timeout: float = 60.0) -> None:
    app = pilot.app
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if cond():
                return
        except Exception:  # noqa: BLE001 - a widget not mounted yet: try again
            pass
        await pilot.pause(0.1)
    state = app.state
    raise SystemExit(f"screenshots: {what}: not shown within {timeout:.0f}s (screen {type(app.screen).__name__}, "
                     f"refreshes {state.refreshes}, errors {state.errors[:2]})")


def settled(app) -> bool:
    """The screen on top has the answer to its current request, and no refresh is running."""
    screen, sched = app.screen, app.scheduler
    if sched is None or sched.running or getattr(sched, "_pending", None) is not None:
        return False
    req = screen.detail_request() if hasattr(screen, "detail_request") else None
    return req is None or (app.refresher.detail == req and req.owner in app._details)


def text_of(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def main(out: Path) -> list[Path]:
    from tui.app import SagemonApp
    from tui.config.options import Options
    from tui.model.kinds import Pane
    from tui.screens.endpoint import EndpointScreen
    from tui.screens.endpoint_hosts import EndpointInstancesScreen
    from tui.screens.host import HostScreen
    from tui.screens.job import JobScreen
    from tui.screens.logs import LogScreen
    from tui.widgets.host_grid import HostGrid
    from tui.widgets.log_view import LogView

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    app = SagemonApp(Options(demo=True, refresh=60, window=WINDOW, theme="sagemon"))

    async def shot(name: str, pause: float = 1.0) -> None:
        await wait_for(pilot, lambda: settled(app), f"{name}: settled")
        await pilot.pause(pause)  # let the last frame paint
        text = text_of(app)
        if "loading" in text.lower() or "starting local aws" in text.lower():
            await pilot.pause(3.0)
        written.append(Path(app.save_screenshot(filename=f"{name}.svg", path=str(out))))
        print(f"  {written[-1].name}: {written[-1].stat().st_size / 1024:.0f} KiB", flush=True)

    async def open_row(pane: str, key: str, cls) -> None:
        await pilot.press("colon", *pane, "enter")
        await wait_for(pilot, lambda: app.overview.pane.value == pane, f"pane {pane}")
        table = app.overview.table()
        await wait_for(pilot, lambda: table.select_key(key), f"row {key}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, cls), cls.__name__)

    async def back_to_overview() -> None:
        while app.screen is not app.overview:
            await pilot.press("escape")
            await pilot.pause()

    async with app.run_test(size=SIZE) as pilot:
        # the demo's local AWS, its fleet, the first refresh and its history (newest minutes first)
        await wait_for(pilot, lambda: app.connection is not None and app.connection.demo is not None,
                       "the demo's local AWS", 120)
        fleet = app.connection.demo.fleet
        await wait_for(pilot, lambda: app.state.refreshes >= 1 and app.overview.table(Pane.ENDPOINTS).shown,
                       "the first refresh", 120)
        history = app.connection.history
        await wait_for(pilot, lambda: history is None or history.is_set(), "the demo's history", 120)
        await wait_for(pilot, lambda: app.state.refreshes >= 2 or history is None, "the window's history", 120)
        inv = app.state.inventory

        await shot("overview-endpoints")

        await pilot.press("colon", *"jobs", "enter")
        await wait_for(pilot, lambda: app.overview.pane is Pane.JOBS, "pane jobs")
        await wait_for(pilot, lambda: Pane.JOBS in app.state.pane_refreshed, "jobs data")
        await shot("overview-jobs")

        # the distributed training job, its host grid, the lagging host and its log
        job = next(j for j in inv.jobs if j.name == fleet.distributed_job)
        await open_row("jobs", job.key, JobScreen)
        job_screen = app.screen
        await wait_for(pilot, lambda: job_screen.table is not None, "job hosts")
        grid = job_screen.query_one(HostGrid)
        await wait_for(pilot, lambda: grid.host_table is not None and len(grid.host_table.rows) >= 16,
                       "16 hosts in the grid")
        await shot("job-grid")

        app.theme = "sagemon-light"
        await pilot.pause(0.5)
        await shot("light-theme")
        app.theme = "sagemon"
        await pilot.pause(0.5)

        assert grid.select_host(fleet.lagging_host), fleet.lagging_host
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HostScreen), "host")
        await shot("host")

        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen), "host log")
        log = app.screen.query_one(LogView)
        await wait_for(pilot, lambda: len(log.plain_lines) >= 20, "log lines")
        await shot("logs")
        await back_to_overview()

        # the endpoint with enhanced metrics, and its instances
        ep = next(e for e in inv.endpoints if e.name == fleet.enhanced_endpoint)
        await open_row("endpoints", ep.key, EndpointScreen)
        await wait_for(pilot, lambda: settled(app) and app.screen.info.found, "endpoint's instances found")
        await shot("endpoint")
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointInstancesScreen), "instances")
        igrid = app.screen.query_one("#grid", HostGrid)
        await wait_for(pilot, lambda: igrid.host_table is not None and igrid.host_table.rows, "instance rows")
        await shot("instances")
        await back_to_overview()
        await pilot.press("q")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    print(f"screenshots of the demo at {SIZE[0]}x{SIZE[1]} -> {target}", flush=True)
    files = asyncio.run(main(target))
    print(f"{len(files)} screenshots written", flush=True)
