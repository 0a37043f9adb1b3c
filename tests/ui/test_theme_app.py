"""The real app on the demo fleet (Pilot): theme, colour mode and glyph options, every overview
pane, the help, a job and its log in the dark, light and built-in themes, and what the
terminal is sent in 256 colours and under NO_COLOR."""

from __future__ import annotations

from pilot import screen_text, wait_for
from test_e2e_colour import colour_codes, sgr_params
from test_theme_screens import rendered_colours

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.app import SagemonApp
from tui.config.options import Options
from tui.model.glyphs import use_ascii
from tui.model.kinds import Pane
from tui.refresh import Connection
from tui.screens.help import HelpScreen
from tui.screens.job import JobScreen
from tui.screens.logs import LogScreen
from tui.widgets.palette import palette

UNICODE_ONLY = set("▁▂▃▄▅▆▇█⌚◆✔✖▲▼›⏸▶⚠●■")


def make_app(demo, clients, **options) -> SagemonApp:
    return SagemonApp(Options(refresh=60, **options), connection=Connection(clients, "demo", None, (demo.region,)))


def assert_theme_drawn(app, where: str) -> None:
    """No named or xterm-numbered colour in an exact-colour theme; the built-in ones draw the
    app's health colours from the defaults (the terminal's ANSI colours)."""
    got = rendered_colours(app)
    if app.theme.startswith("sagemon") and app.theme != "sagemon-ansi":
        assert not got["ansi"] and not got["numbered"], (where, app.theme, got["ansi"], got["numbered"])


def terminal_bytes(app) -> str:
    """What the app writes to the terminal for the whole screen (Textual's own path: each
    line, through the app's line filters, rendered with the console's colour system)."""
    # Rendered afresh: a Strip keeps its first rendering and a Rich Style its first ANSI codes,
    # and styles cached at module level may have been rendered by an earlier app of this test
    # process with another colour system (an app process has one console: no such mix there).
    def fresh(style: Style | None) -> Style | None:
        if style is None:
            return None
        copy = style.copy()
        copy._ansi = None
        return copy

    return "\n".join(Strip([Segment(text, fresh(style), ctrl) for text, style, ctrl in strip]).render(app.console)
                     for strip in app.screen._compositor.render_strips())


async def test_panes_help_job_and_log_in_every_kind_of_theme(shared_demo, shared_demo_clients):
    app = make_app(shared_demo, shared_demo_clients, theme="sagemon-light")
    async with app.run_test(size=(160, 48)) as pilot:
        assert app.theme == "sagemon-light"  # --theme / config theme
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
        for pane in Pane:
            app.jump_to(pane)
            await pilot.pause()
            for theme in ("sagemon-light", "sagemon", "sagemon-high-contrast", "nord", "textual-light"):
                app.theme = theme
                await pilot.pause()
                assert_theme_drawn(app, f"pane {pane.value}")
        app.theme = "sagemon"
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), 10, "help")
        assert_theme_drawn(app, "help")
        await pilot.press("escape")
        await pilot.press("colon", *"jobs", "enter", "slash", *"bert-pre", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobScreen), 10, "job screen")
        screen = app.screen
        await wait_for(pilot, lambda: screen.table is not None and screen.table.rows, 60, "job series")
        for theme in ("sagemon", "sagemon-light", "sagemon-high-contrast"):
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            assert_theme_drawn(app, "job")
            got = rendered_colours(app)["exact"]
            pal = palette(app)
            heat = {pal.style(f"heat-{i}").color.triplet for i in range(5)}
            assert heat & got, (theme, "the grid's utilization sparklines use the theme's heat scale")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen), 10, "log screen")
        await pilot.pause(0.5)
        for theme in ("sagemon", "sagemon-light"):
            app.theme = theme
            await pilot.pause()
            assert_theme_drawn(app, "logs")
            ok = palette(app).style("ok").color.triplet  # "▶ following" in the theme's ok colour
            assert ok in rendered_colours(app)["exact"], theme


async def test_unknown_theme_falls_back_and_says_so(shared_demo, shared_demo_clients):
    app = make_app(shared_demo, shared_demo_clients, theme="no-such-theme")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "sagemon"
        assert any("no-such-theme" in str(n.message) for n in app._notifications)


async def test_colour_mode_256_and_no_color(shared_demo, shared_demo_clients, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    app = make_app(shared_demo, shared_demo_clients)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
        assert app.color_mode == "256" and app.console.color_system == "256"
        out = terminal_bytes(app)
        codes = [c for params in sgr_params(out) for c in colour_codes(params)]
        assert any(c.startswith("38;5;") for c in codes) and not any(c[3:5] == "2;" for c in codes)
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(shared_demo, shared_demo_clients, color="truecolor")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
        assert app.color_mode == "none"
        out = terminal_bytes(app)
        params = sgr_params(out)
        assert any("1" in p for p in params)  # still styled: bold ...
        assert not [c for p in params for c in colour_codes(p)]  # ... but no colour


async def test_ascii_mode_draws_no_block_or_symbol_glyph(shared_demo, shared_demo_clients):
    app = make_app(shared_demo, shared_demo_clients, ascii=True)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
            app.jump_to(Pane.JOBS)
            await pilot.pause()
            text = screen_text(app)
            assert "@3h" in text  # the clock glyph's stand-in
            assert not UNICODE_ONLY & set(text), UNICODE_ONLY & set(text)
            await pilot.press("slash", *"bert-pre", "enter", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, JobScreen), 10, "job screen")
            screen = app.screen
            await wait_for(pilot, lambda: screen.table is not None and screen.table.rows, 60, "job series")
            await pilot.pause()
            text = screen_text(app)
            assert " > " in text and not UNICODE_ONLY & set(text), UNICODE_ONLY & set(text)
    finally:
        use_ascii(False)
