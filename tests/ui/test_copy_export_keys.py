"""``y`` / ``Y`` / ``o`` / ``x`` / ``X`` / Ctrl+S in the app, on the shared demo fleet.

What is copied is read where it leaves the app: the OSC 52 sequence written to the terminal
(the driver's output). Exports are parsed back and compared with the rows on screen; the
screenshot must be an SVG document.
"""

from __future__ import annotations

import base64
import csv
import json
import xml.etree.ElementTree as ET

import pytest

from tests.pilot import wait_for
from tui.config.options import Options
from tui.model.console_url import console_url, resource_arn
from tui.model.format import format_value, safe_text
from tui.model.columns import COLUMNS
from tui.model.kinds import Pane
from tui.refresh import Connection

ACCOUNT = "123456789012"
SIZE = (160, 45)


def demo_app(demo, clients):
    from tui.app import SagemonApp

    return SagemonApp(Options(refresh=60), connection=Connection(clients, "demo", ACCOUNT, (demo.region,)))


def capture(app) -> list[str]:
    """Everything the app writes to its terminal from now on."""
    written: list[str] = []
    write = app._driver.write

    def spy(data: str) -> None:
        written.append(data)
        write(data)

    app._driver.write = spy
    return written


def osc52(written: list[str]) -> list[str]:
    """The texts sent to the clipboard with OSC 52, in order."""
    out = []
    for chunk in written:
        start = 0
        while (i := chunk.find("\x1b]52;c;", start)) >= 0:
            end = chunk.index("\a", i)
            out.append(base64.b64decode(chunk[i + 7:end]).decode("utf-8"))
            start = end
    return out


async def select_endpoint(pilot, app, name: str):
    """Wait for the first refresh and the Endpoints pane, put the cursor on ``name``; the table."""
    await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
    table = app.overview.table(Pane.ENDPOINTS)
    await wait_for(pilot, lambda: bool(table.shown), 10, "endpoints drawn")
    table.select_key(next(r.key for r in table.shown if r.name == name))
    return table


async def test_textual_copy_writes_osc52(shared_demo, shared_demo_clients):
    app = demo_app(shared_demo, shared_demo_clients)
    async with app.run_test(size=SIZE):
        written = capture(app)
        app.copy_to_clipboard("héllo ✓")
        assert "\x1b]52;c;" + base64.b64encode("héllo ✓".encode()).decode() + "\a" in "".join(written)


async def test_y_Y_and_o_on_the_overview_and_a_log(shared_demo, shared_demo_clients):
    fleet = shared_demo.fleet
    app = demo_app(shared_demo, shared_demo_clients)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await select_endpoint(pilot, app, fleet.split_endpoint)
        await pilot.pause()
        ep = table.selected_row.resource
        written = capture(app)
        await pilot.press("y")
        await pilot.press("y")  # again: the ARN
        await pilot.press("Y")
        await pilot.press("o")
        await pilot.pause()
        arn = resource_arn(ep, ACCOUNT)
        assert arn == f"arn:aws:sagemaker:{shared_demo.region}:{ACCOUNT}:endpoint/{ep.name.lower()}"
        assert osc52(written) == [ep.name, arn, arn, console_url(ep)]
        messages = [n.message for n in app._notifications]
        assert any(m.startswith(f"copied endpoint name: {ep.name}") for m in messages)
        assert console_url(ep) in messages
        # a job's pane, then its log: y copies the newest line in view
        await pilot.press("colon", *"jobs", "enter")
        jobs = app.overview.table(Pane.JOBS)
        await wait_for(pilot, lambda: any(r.name == fleet.distributed_job for r in jobs.shown), 10, "jobs")
        jobs.select_key(next(r.key for r in jobs.shown if r.name == fleet.distributed_job))
        await pilot.press("y")
        await pilot.pause()
        assert osc52(written)[-1] == fleet.distributed_job
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "job", None) is not None, 10, "job screen")
        await pilot.press("o")
        await pilot.pause()
        assert osc52(written)[-1] == console_url(app.screen.job)
        assert "#/jobs/" + fleet.distributed_job in osc52(written)[-1]
        await pilot.press("l")
        from tui.widgets.log_view import LogView

        await wait_for(pilot, lambda: bool(app.screen.query(LogView)) and
                       bool(app.screen.query_one(LogView).plain_lines), 30, "log lines")
        view = app.screen.query_one(LogView)
        await pilot.press("y")
        await pilot.pause()
        assert osc52(written)[-1] == view.plain_lines[-1]


async def test_x_X_export_the_pane_and_the_job_screen(shared_demo, shared_demo_clients, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fleet = shared_demo.fleet
    app = demo_app(shared_demo, shared_demo_clients)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
        await pilot.press("3")
        jobs = app.overview.table(Pane.JOBS)
        await wait_for(pilot, lambda: bool(jobs.shown), 10, "jobs drawn")
        await pilot.press("s")  # sorted by a column: the export keeps the screen's order
        await pilot.press("x")
        await pilot.pause()
        files = list(tmp_path.glob("sagemon-export-jobs-*.csv"))
        [main] = [f for f in files if not f.stem.endswith("-series")]
        [series] = [f for f in files if f.stem.endswith("-series")]
        cols = [c for c in COLUMNS[Pane.JOBS] if not c.spark]
        lines = list(csv.reader(main.open(encoding="utf-8")))
        assert lines[0] == [c.label for c in cols]
        assert lines[1:] == [[safe_text(r.cells[c.key].text) if c.key in r.cells else "" for c in cols]
                             for r in jobs.shown]
        points = list(csv.DictReader(series.open(encoding="utf-8")))
        assert {p["series"] for p in points} == {safe_text(r.name) for r in jobs.shown if r.spark}
        assert any(str(main) in n.message for n in app._notifications)
        await pilot.press("X")
        await pilot.pause()
        [doc_path] = tmp_path.glob("sagemon-export-jobs-*.json")
        doc = json.loads(doc_path.read_text(encoding="utf-8"))
        assert [r["key"] for r in doc["tables"][0]["rows"]] == [r.key for r in jobs.shown]
        # the job screen: its facts and host grid, as on screen
        jobs.select_key(next(r.key for r in jobs.shown if r.name == fleet.distributed_job))
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "table", None) is not None
                       and not callable(app.screen.table) and app.screen.table.rows, 30, "host grid")
        grid = app.screen.table
        await pilot.press("X")
        await pilot.pause()
        [job_json] = tmp_path.glob(f"sagemon-export-{fleet.distributed_job}-*.json")
        job_doc = json.loads(job_json.read_text(encoding="utf-8"))
        hosts = job_doc["tables"][0]
        assert [r["name"] for r in hosts["rows"]] == [r.label for r in grid.rows]
        for got, row in zip(hosts["rows"], grid.rows):
            for m in grid.metrics:
                assert got["cells"][m.name] == format_value(row.latest.get(m.name), m.unit)
        assert {f["label"]: f["text"] for f in job_doc["facts"]}["Job"] == fleet.distributed_job


async def test_ctrl_s_saves_an_svg_screenshot(shared_demo, shared_demo_clients, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = demo_app(shared_demo, shared_demo_clients)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [svg] = tmp_path.glob("sagemon-screenshot-*.svg")
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg")
        assert "Endpoints" in svg.read_text(encoding="utf-8")
        assert any(str(svg) in n.message for n in app._notifications)


@pytest.mark.parametrize("key", ["y", "Y", "o"])
async def test_keys_with_nothing_selected_say_so(shared_demo, shared_demo_clients, key, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = demo_app(shared_demo, shared_demo_clients)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
        written = capture(app)
        # typed into the filter, y / o / x are text, not commands
        await pilot.press("slash", *"oxy-no-such-resource", "enter")
        await pilot.pause()
        assert app.overview.table().shown == [] and app.overview.table().filter_text == "oxy-no-such-resource"
        assert osc52(written) == [] and list(tmp_path.iterdir()) == []
        await pilot.press(key)
        await pilot.pause()
        assert osc52(written) == []
        assert [n.message for n in app._notifications][-1] in ("nothing selected to copy here",
                                                                "no console page for this screen")


async def test_X_on_an_endpoint_screen_exports_its_facts_tables_and_charts(shared_demo, shared_demo_clients,
                                                                           tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fleet = shared_demo.fleet
    app = demo_app(shared_demo, shared_demo_clients)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await select_endpoint(pilot, app, fleet.split_endpoint)
        await pilot.press("enter")
        variants = None

        def drawn() -> bool:
            nonlocal variants
            found = [t for t in app.screen.query("#variants")]
            variants = found[0] if found else None
            return variants is not None and bool(variants.rows_shown)

        await wait_for(pilot, drawn, 30, "variants drawn")
        await pilot.press("X")
        await pilot.pause()
        [path] = tmp_path.glob(f"sagemon-export-{fleet.split_endpoint}-*.json")
        doc = json.loads(path.read_text(encoding="utf-8"))
        tables = {t["title"]: t for t in doc["tables"]}
        assert [r["name"] for r in tables["variants"]["rows"]] == [safe_text(r.name) for r in variants.rows_shown]
        for got, row in zip(tables["variants"]["rows"], variants.rows_shown):
            assert got["cells"] == {c.key: safe_text(row.cells[c.key].text) if c.key in row.cells else ""
                                    for c in variants.spec if not c.spark}
        facts = app.screen.query_one("#facts").facts
        assert [(f["label"], f["text"]) for f in doc["facts"]] == [(f.label, safe_text(f.text)) for f in facts]
        assert doc["series"] and all(s["period"] > 0 for s in doc["series"])
