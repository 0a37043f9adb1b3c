"""Semantic colour levels to Rich styles, read from the current theme's variables.

The model says *what* something is (``"ok"``, ``"warn"``, ``"crit"``, ``"stale"``, a heat
bucket ``"heat-0"`` .. ``"heat-4"``, a chart series ``"series-0"`` ..); the theme says what
colour that is (``$sagemon-ok`` ...). Widgets that build ``rich.text.Text`` cells (the host
grid, the job and host headers, the log view, the charts) ask :func:`palette` for a style and
redraw when the theme changes (:func:`on_theme_change`), so there is no colour literal in
Python and switching theme recolours every screen. Widgets styled by CSS use the same
variables through the stylesheet.
"""

from __future__ import annotations

from typing import Callable

from rich.style import Style
from textual.color import Color, ColorParseError

#: Level -> theme variable. Every theme gets a value for each (app defaults for built-in ones).
LEVEL_VARIABLES: dict[str, str] = {
    "ok": "sagemon-ok",
    "info": "sagemon-info",
    "warn": "sagemon-warn",
    "crit": "sagemon-crit",
    "stale": "sagemon-stale",
    "dim": "sagemon-dim",
    "missing": "sagemon-dim",
    "spark": "sagemon-spark",
    **{f"heat-{i}": f"sagemon-heat-{i}" for i in range(5)},
    **{f"series-{i}": f"sagemon-series-{i}" for i in range(6)},
}
#: Values of the app's variables for themes that do not define them (Textual's built-in
#: themes): the terminal's own ANSI colours, so they suit any built-in theme, dark or light.
THEME_DEFAULTS: dict[str, str] = {
    "sagemon-ok": "ansi_green",
    "sagemon-info": "ansi_blue",
    "sagemon-warn": "ansi_yellow",
    "sagemon-crit": "ansi_red",
    "sagemon-stale": "ansi_magenta",
    "sagemon-dim": "ansi_bright_black",
    "sagemon-spark": "ansi_cyan",
    "sagemon-bar": "ansi_black",
    "sagemon-match": "ansi_yellow",
    # the heat scale is an intensity ramp, not the health colours: a busy GPU is not a fault
    "sagemon-heat-0": "ansi_blue",
    "sagemon-heat-1": "ansi_bright_blue",
    "sagemon-heat-2": "ansi_cyan",
    "sagemon-heat-3": "ansi_bright_cyan",
    "sagemon-heat-4": "ansi_bright_white",
    "sagemon-series-0": "ansi_bright_blue",
    "sagemon-series-1": "ansi_bright_green",
    "sagemon-series-2": "ansi_bright_red",
    "sagemon-series-3": "ansi_bright_cyan",
    "sagemon-series-4": "ansi_bright_magenta",
    "sagemon-series-5": "ansi_bright_yellow",
}
#: What light built-in themes (``textual-light``, ``catppuccin-latte`` ...) get instead: the
#: hottest heat on a light background is the darkest colour.
LIGHT_DEFAULTS: dict[str, str] = {
    "sagemon-heat-0": "ansi_bright_cyan",
    "sagemon-heat-1": "ansi_cyan",
    "sagemon-heat-2": "ansi_bright_blue",
    "sagemon-heat-3": "ansi_blue",
    "sagemon-heat-4": "ansi_black",
}


def theme_defaults(theme) -> dict[str, str]:
    """The app's variables for a Textual ``theme`` that leaves them out (the app's
    ``get_theme_variable_defaults``); the status bar takes the theme's own ``panel`` colour."""
    out = dict(THEME_DEFAULTS) if theme.dark else {**THEME_DEFAULTS, **LIGHT_DEFAULTS}
    try:
        panel = theme.to_color_system().generate().get("panel")
    except Exception:  # noqa: BLE001 - the defaults alone
        panel = None
    if panel:
        out["sagemon-bar"] = panel
    return out


#: Levels drawn bold as well as coloured (a warning must not depend on colour alone).
BOLD_LEVELS = frozenset({"warn", "crit", "stale"})
#: The status of a job -> its level.
STATUS_LEVELS = {"InProgress": "info", "Completed": "ok", "Failed": "crit", "Stopped": "warn", "Stopping": "warn"}
#: Number of chart series colours.
SERIES = 6


class Palette:
    """Rich styles of one theme's levels; :meth:`style` is cheap (computed once per theme)."""

    def __init__(self, variables: dict[str, str]) -> None:
        variables = {**THEME_DEFAULTS, **variables}
        self.variables = variables
        self._styles: dict[str, Style] = {}
        for level, var in LEVEL_VARIABLES.items():
            colour = _parse(variables.get(var))
            self._styles[level] = Style(color=colour.rich_color if colour is not None else None,
                                        bold=True if level in BOLD_LEVELS else None)
        match_bg = _parse(variables.get("sagemon-match")) or _parse(variables.get("sagemon-warn"))
        match_fg = _parse(variables.get("background"))
        self._styles["match"] = Style(color=match_fg.rich_color if match_fg else None,
                                      bgcolor=match_bg.rich_color if match_bg else None, bold=True)

    def style(self, level: str | None) -> Style:
        """The style of ``level`` (``None`` or an unknown level: no style)."""
        if not level:
            return Style.null()
        return self._styles.get(level, Style.null())

    def bold(self, level: str | None) -> Style:
        return self.style(level) + Style(bold=True)

    def series(self, i: int) -> Style:
        return self._styles[f"series-{i % SERIES}"]

    def status(self, status: str | None) -> Style:
        """A job's status, coloured by what it means (bold)."""
        return self.bold(STATUS_LEVELS.get(status or "", ""))


def _parse(value: str | None) -> Color | None:
    if not value:
        return None
    try:
        return Color.parse(value.split()[0])
    except (ColorParseError, ValueError, IndexError):
        return None


_cache: dict[int, tuple[str, Palette]] = {}


def palette(app) -> Palette:
    """The palette of ``app``'s current theme (rebuilt when the theme changes)."""
    name = getattr(app, "theme", "") or ""
    hit = _cache.get(id(app))
    if hit is not None and hit[0] == name:
        return hit[1]
    try:
        variables = app.get_css_variables()
    except Exception:  # noqa: BLE001 - no app running (a widget tested on its own)
        variables = {}
    pal = Palette(variables)
    _cache[id(app)] = (name, pal)
    return pal


def on_theme_change(widget, callback: Callable[[], None]) -> None:
    """Call ``callback`` (on the UI thread) whenever the app's theme changes; call from
    ``on_mount``. The subscription ends when the widget is removed."""
    def changed(_theme) -> None:
        _cache.pop(id(widget.app), None)
        callback()

    widget.app.theme_changed_signal.subscribe(widget, changed)


__all__ = ["LEVEL_VARIABLES", "LIGHT_DEFAULTS", "Palette", "STATUS_LEVELS", "THEME_DEFAULTS", "theme_defaults", "on_theme_change", "palette"]
