"""Every screen in every kind of theme, read back from what Textual renders (Pilot).

Pixel-exact snapshots of the live demo are not stable (the demo's clock and the refresh
workers move what is drawn), so this test reads the rendered segments of each screen instead:
in a theme made of exact colours (the dark default, the light one, high contrast) no segment
may use a named or xterm-numbered colour, which is what a colour written in Python
(``"red"``, ``color(12)``) renders as; in the 16-colour ANSI theme every colour is one of the
terminal's 16; the theme's own health colours (ok / warn / crit / heat) are what the job grid
shows; and after switching from the dark theme to the light one no exact colour of the dark
one is left on the screen. The pixel snapshots of synthetic, frozen screens are in
``test_snapshots.py``.
"""

from __future__ import annotations

import pytest
from rich.color import ColorType

from screen_walk import WalkApp, every_screen
from test_endpoint_screens import demo_env

from tui.widgets.host_grid import HostGrid
from tui.widgets.palette import LEVEL_VARIABLES, palette

#: Exact-colour themes and the ANSI one (the built-in ones are checked in the app test below).
EXACT = ("sagemon", "sagemon-light", "sagemon-high-contrast")
SCREENS = ("endpoint", "instances", "gpus", "component", "job", "host", "pipeline", "execution")


def rendered_colours(app) -> dict[str, set]:
    """Foreground and background colours of every segment on the screen, by colour type."""
    out: dict[str, set] = {"exact": set(), "ansi": set(), "numbered": set()}
    for strip in app.screen._compositor.render_strips():
        for seg in strip:
            style = seg.style
            if style is None:
                continue
            for colour in (style.color, style.bgcolor):
                if colour is None or colour.is_default:
                    continue
                kind = {ColorType.TRUECOLOR: "exact", ColorType.STANDARD: "ansi"}.get(colour.type, "numbered")
                out[kind].add(colour.triplet if kind == "exact" else colour.number)
    return out


def flagged(screen) -> bool:
    """The screen's host grid has flagged hosts (then it draws warn or crit colours)."""
    grids = screen.query(HostGrid)
    table = grids.first().host_table if grids else None
    return table is not None and bool(table.flagged)


def _levels(app) -> set:
    pal = palette(app)
    return {pal.style(lv).color.triplet for lv in LEVEL_VARIABLES if pal.style(lv).color.triplet}


dark_levels = light_levels = _levels


def theme_colour(app, level: str):
    return palette(app).style(level).color


@pytest.fixture(scope="module")
def env(shared_demo, shared_demo_clients):
    return demo_env(shared_demo, shared_demo_clients)


async def test_every_drill_screen_in_every_theme(env):
    app = WalkApp(env)  # holds the env's state: drill screens redraw from it on a theme switch
    seen: set[str] = set()
    async with app.run_test(size=(160, 48)) as pilot:
        async for kind, name, screen in every_screen(pilot, app, env, SCREENS):
            if kind in seen and kind not in ("job",):
                continue  # one of each kind (every job: the 16-host one has the flags)
            seen.add(kind)
            previous = None
            for theme in (*EXACT, "sagemon-ansi"):
                app.theme = theme
                await pilot.pause()
                await pilot.pause()
                got = rendered_colours(app)
                where = f"{kind} {name} in {theme}"
                if theme == "sagemon-ansi":
                    assert not got["numbered"], where
                    continue
                # a colour written in Python renders as a named or numbered colour: none
                assert not got["ansi"] and not got["numbered"], (where, got["ansi"], got["numbered"])
                if previous is not None and theme == "sagemon-light":
                    # switched from the dark theme: no health colour of the dark theme is left
                    left = (previous - light_levels(app)) & got["exact"]
                    assert not left, (where, left)
                previous = dark_levels(app) if theme == "sagemon" else None
                if kind == "job" and flagged(screen):
                    levels = {lv: theme_colour(app, lv).triplet for lv in ("warn", "crit")}
                    assert set(levels.values()) & got["exact"], (where, "no warn/crit colour drawn")
                    heat = {theme_colour(app, f"heat-{i}").triplet for i in range(5)}
                    assert heat & got["exact"], (where, "no heat colour in the grid")
            app.theme = "sagemon"
            await pilot.pause()
    assert {"endpoint", "job", "host", "pipeline", "execution"} <= seen
