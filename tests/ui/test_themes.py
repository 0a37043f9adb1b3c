"""Themes, colour modes and glyphs without a screen: the shipped and user theme files, the
defaults that built-in Textual themes get, the colour mode chosen from the environment, and
the ASCII glyph table."""

from __future__ import annotations

import json

import pytest
from rich.color import ColorType
from textual.theme import BUILTIN_THEMES

from tui import color_mode
from tui.model import glyphs as glyph_table
from tui.model.format import sparkline
from tui.model.health import heat_level
from tui.theme_files import load_theme_files, theme_dir, user_theme_dir
from tui.widgets.palette import LEVEL_VARIABLES, THEME_DEFAULTS, Palette

SHIPPED = ("sagemon", "sagemon-light", "sagemon-high-contrast", "sagemon-ansi")


def _variables(theme) -> dict[str, str]:
    return {**theme.to_color_system().generate(), **theme.variables}


def test_shipped_themes_define_every_health_colour(tmp_path):
    loaded = load_theme_files(user_dir=tmp_path)
    assert loaded.problems == []
    by_name = {t.name: t for t in loaded.themes}
    assert set(SHIPPED) <= set(by_name)
    for name in SHIPPED:
        pal = Palette(_variables(by_name[name]))
        for level, var in LEVEL_VARIABLES.items():
            assert var in by_name[name].variables, (name, var)
            assert pal.style(level).color is not None, (name, level)
    # the ANSI theme is made of the terminal's 16 colours only, the others of exact colours
    ansi = Palette(_variables(by_name["sagemon-ansi"]))
    assert by_name["sagemon-ansi"].ansi
    assert {ansi.style(lv).color.type for lv in LEVEL_VARIABLES} == {ColorType.STANDARD}
    dark = Palette(_variables(by_name["sagemon"]))
    assert {dark.style(lv).color.type for lv in LEVEL_VARIABLES} == {ColorType.TRUECOLOR}
    # the levels differ from one another (ok is not warn is not crit is not stale)
    for pal in (ansi, dark, Palette(_variables(by_name["sagemon-light"]))):
        assert len({pal.style(lv).color for lv in ("ok", "warn", "crit", "stale")}) == 4


def test_every_builtin_textual_theme_gets_the_health_colours():
    for name, theme in BUILTIN_THEMES.items():
        pal = Palette(_variables(theme))  # the app adds THEME_DEFAULTS under the theme's own
        for level in LEVEL_VARIABLES:
            assert pal.style(level).color is not None, (name, level)
    assert set(THEME_DEFAULTS) >= set(LEVEL_VARIABLES.values())


def test_user_themes_json_and_toml_and_a_broken_file(tmp_path):
    (tmp_path / "mine.json").write_text(json.dumps({
        "name": "mine", "primary": "#336699", "dark": True,
        "variables": {"sagemon-crit": "#FF0000", "sagemon-heat-4": "#FF00FF"}}))
    (tmp_path / "two.toml").write_text(
        '[[themes]]\nname = "paper"\nprimary = "#004488"\ndark = false\n'
        '[themes.variables]\n"sagemon-ok" = "#008800"\n')
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "badcolour.toml").write_text('name = "bad"\nprimary = "not-a-colour"\n')
    (tmp_path / "sagemon.json").write_text(json.dumps({"name": "sagemon", "primary": "#123456"}))
    loaded = load_theme_files(user_dir=tmp_path)
    names = [t.name for t in loaded.themes]
    assert {"mine", "paper", *SHIPPED} <= set(names) and "bad" not in names
    assert len(loaded.problems) == 2
    assert any("broken.json" in p for p in loaded.problems)
    assert any("badcolour.toml" in p for p in loaded.problems)
    # a user theme with a shipped name replaces it
    assert [t.primary for t in loaded.themes if t.name == "sagemon"] == ["#123456"]
    mine = Palette(_variables(next(t for t in loaded.themes if t.name == "mine")))
    assert mine.style("crit").color.triplet == (255, 0, 0)
    assert mine.style("heat-4").color.triplet == (255, 0, 255)
    assert mine.style("ok").color is not None  # not in the file: the default


def test_user_theme_dir_follows_xdg(tmp_path):
    assert user_theme_dir({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "sagemon-tui" / "themes"
    assert user_theme_dir({"HOME": "/home/u"}) == user_theme_dir({"HOME": "/home/u", "XDG_CONFIG_HOME": ""})
    assert str(user_theme_dir({"HOME": "/home/u"})).endswith("/home/u/.config/sagemon-tui/themes")
    # a relative XDG_CONFIG_HOME is ignored, as for the config file beside it
    assert user_theme_dir({"HOME": "/home/u", "XDG_CONFIG_HOME": "rel"}) == user_theme_dir({"HOME": "/home/u"})


def test_themes_folder_has_the_stylesheet_and_four_theme_files():
    folder = theme_dir()
    assert (folder / "sagemon.tcss").is_file()
    assert len(list(folder.glob("*.json"))) >= 3


@pytest.mark.parametrize("env, option, mode", [
    ({"COLORTERM": "truecolor", "TERM": "xterm-256color"}, None, "truecolor"),
    ({"COLORTERM": "24bit", "TERM": "xterm"}, "auto", "truecolor"),
    ({"TERM": "xterm-256color"}, None, "256"),        # plain ssh: OpenSSH drops COLORTERM
    ({"TERM": "screen-256color"}, None, "256"),
    ({"TERM": "xterm"}, None, "16"),
    ({"TERM": "linux"}, None, "16"),
    ({}, None, "16"),
    ({"TERM": "xterm-256color"}, "truecolor", "truecolor"),  # forced by --color
    ({"COLORTERM": "truecolor"}, "16", "16"),
    ({"COLORTERM": "truecolor"}, "256", "256"),
    ({"COLORTERM": "truecolor"}, "none", "none"),
    ({"COLORTERM": "truecolor", "NO_COLOR": "1"}, "truecolor", "none"),  # NO_COLOR wins
    ({"TERM": "xterm-256color", "NO_COLOR": ""}, None, "256"),  # empty NO_COLOR: ignored
    ({"TERM": "xterm-256color"}, "bogus", "256"),
])
def test_colour_mode_from_environment_and_option(env, option, mode):
    assert color_mode.resolve(option, env) == mode


def test_console_colors_sets_the_console_system_only_inside_the_block():
    from textual import constants
    from textual.app import App

    before = constants.COLOR_SYSTEM
    for mode, system in (("256", "256"), ("16", "standard"), ("truecolor", "truecolor")):
        with color_mode.console_colors(mode):
            app = App()
        assert app.console.color_system == system
        assert constants.COLOR_SYSTEM == before


def test_ascii_glyphs_replace_every_block_and_symbol():
    try:
        table = glyph_table.use_ascii(True)
        assert all(ord(ch) < 128 for field in table.__dataclass_fields__ for ch in getattr(table, field))
        line = sparkline([0.0, 25.0, 50.0, None, 100.0], 5, 0.0, 100.0)
        assert line == "_-=.#" and line.isascii()
        from tui.model.state import AppState
        from tui.widgets.status_bar import status_text

        state = AppState(window="3h", regions=("us-east-1",), account="123456789012", paused=True)
        text = status_text(state, seconds_left=None, frame=3, width=120, now=0.0).plain
        assert text.isascii() and "@3h" in text and "|| PAUSED" in text
    finally:
        glyph_table.use_ascii(False)
    assert sparkline([0.0, 100.0], 2, 0.0, 100.0) == "▁█"


def test_heat_buckets():
    assert [heat_level(v) for v in (0.0, 19.9, 20.0, 55.0, 79.9, 80.0, 100.0, 140.0)] == \
        ["heat-0", "heat-0", "heat-1", "heat-2", "heat-3", "heat-4", "heat-4", "heat-4"]
    assert heat_level(None) is None and heat_level(float("nan")) is None
