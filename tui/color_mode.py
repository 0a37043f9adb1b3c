"""The colour mode: how many colours the terminal gets (truecolor, 256, 16 or none).

Chosen from the terminal unless the option ``color`` (``--color``, config ``color``) forces
one: ``COLORTERM=truecolor`` or ``24bit`` means truecolor; a ``TERM`` ending in ``-256color``
means 256 colours (OpenSSH passes ``TERM`` but not ``COLORTERM``, so a plain ``ssh`` session is
256 colours); anything else 16. ``NO_COLOR`` set to any non-empty value (https://no-color.org)
means no colour at all, whatever else is set.

:func:`resolve` is pure; the app applies its answer in one place (``SagemonApp.__init__``):
Textual renders every frame through its Rich console, whose colour system (set here through
Textual's own ``COLOR_SYSTEM`` setting) downgrades each colour of the theme to the mode (a
truecolor ``#F0707A`` becomes ``38;5;210`` in 256 colours, ``91`` in 16); with no colour, the
app's line filters (:func:`line_filters`) set every colour to the terminal's default and keep
bold, dim and reverse.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Mapping, Sequence

#: The modes, as the option spells them, and Rich's colour system for each.
MODES = ("auto", "truecolor", "256", "16", "none")
RICH_SYSTEMS = {"truecolor": "truecolor", "256": "256", "16": "standard", "none": None}


def detect(environ: Mapping[str, str]) -> str:
    """The mode the terminal asks for: ``"truecolor"``, ``"256"`` or ``"16"``."""
    if environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return "truecolor"
    term = environ.get("TERM", "").strip().lower()
    if term.endswith("-256color") or term.endswith("256color"):
        return "256"
    return "16"


def resolve(option: str | None, environ: Mapping[str, str]) -> str:
    """The mode to use: ``"none"`` under ``NO_COLOR``, else the option unless ``auto``,
    else :func:`detect`. An unknown option value counts as ``auto``."""
    if environ.get("NO_COLOR", ""):
        return "none"
    mode = (option or "auto").strip().lower()
    if mode in ("24bit", "true", "truecolour"):
        mode = "truecolor"
    if mode in ("no", "off", "mono", "monochrome"):
        mode = "none"
    if mode not in MODES or mode == "auto":
        return detect(environ)
    return mode


@contextmanager
def console_colors(mode: str) -> Iterator[None]:
    """Within this block a new Textual app's console gets ``mode``'s colour system.

    Textual builds its Rich console in ``App.__init__`` with ``color_system=
    textual.constants.COLOR_SYSTEM`` (read from ``TEXTUAL_COLOR_SYSTEM`` at import, default
    ``auto``: Rich's own detection); the app's ``__init__`` runs inside this block so the
    console is made with the mode's system through that same, public parameter.
    """
    from textual import constants

    saved = constants.COLOR_SYSTEM
    constants.COLOR_SYSTEM = RICH_SYSTEMS[mode] or "standard"
    try:
        yield
    finally:
        constants.COLOR_SYSTEM = saved


def apply(app, mode: str) -> None:
    """After ``App.__init__`` (inside :func:`console_colors`): note the mode on the app; for
    ``"none"`` the stylesheet's ``App:nocolor`` rules (reverse video where colour alone marked
    something) apply, and :func:`line_filters` removes colour from every line drawn."""
    app.no_color = app.no_color or mode == "none"
    app.color_mode = mode


_NO_COLOR_FILTER = None


def line_filters(mode: str, filters: Sequence) -> list:
    """The app's line filters in ``mode`` (``App.get_line_filters`` returns this).

    ``"none"``: Textual's ``NoColor`` filter, which sets every colour to the terminal's default
    (bold, dim, italic and reverse stay), instead of the ``Monochrome`` filter that Textual
    itself adds under ``NO_COLOR`` (grey tones: still 24-bit colour codes)."""
    if mode != "none":
        return list(filters)
    global _NO_COLOR_FILTER
    from textual.filter import Monochrome, NoColor

    if _NO_COLOR_FILTER is None:
        _NO_COLOR_FILTER = NoColor()
    return [f for f in filters if not isinstance(f, (Monochrome, NoColor))] + [_NO_COLOR_FILTER]
