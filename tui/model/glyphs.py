"""The one table of glyphs the screens draw with, Unicode or plain ASCII, chosen at start.

Terminals and fonts without block elements or emoji (a serial console, some SSH clients, a
Windows code page) show ``▁▂▃`` or ``⌚`` as boxes or question marks. ``--ascii`` (config
``ascii = true``) picks :data:`ASCII` once at start-up with :func:`use_ascii`; everything that
draws a sparkline, a check mark, a flag, a breadcrumb arrow or the status bar's clock reads
:func:`glyphs` when it draws. Pure Python: no Textual, no boto3.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Glyphs:
    """Every glyph with meaning on screen; each field is one cell wide (``spark``: 8 of them)."""

    name: str
    spark: str  #: sparkline levels, lowest to highest
    gap: str  #: a missing point in a sparkline
    ok: str  #: a healthy row ("✔ ok")
    warn: str  #: a warning flag
    crit: str  #: a critical flag / failure
    dot: str  #: "● all 16 hosts ok"
    alert: str  #: "⚠ cannot list ..."
    sep: str  #: breadcrumb separator
    clock: str  #: before the time window in the status bar
    brand: str  #: before "sagemon" in the status bar
    paused: str  #: "⏸ PAUSED"
    follow: str  #: "▶ following"
    spinner: str  #: the refresh spinner's frames
    up: str  #: sort ascending
    down: str  #: sort descending
    bullet: str  #: separates items on one line
    ellipsis: str  #: a cut text
    chart: str = "hd"  #: plotext's marker for chart lines ("hd": quarter blocks)
    legend: str = "■"  #: the colour key before a chart series' name
    bar: str = "█"  #: a filled cell of a progress bar or a pipeline step's timeline
    before: str = "◂"  #: a timeline that began before the window


UNICODE = Glyphs(name="unicode", spark="▁▂▃▄▅▆▇█", gap="·", ok="✔", warn="▲", crit="✖", dot="●",
                 alert="⚠", sep="›", clock="⌚", brand="◆", paused="⏸", follow="▶",
                 spinner="⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏", up="▲", down="▼", bullet="·", ellipsis="…")

ASCII = Glyphs(name="ascii", spark="_.-~=+*#", gap=".", ok="+", warn="^", crit="x", dot="*",
               alert="!", sep=">", clock="@", brand="*", paused="||", follow=">",
               spinner="|/-\\", up="^", down="v", bullet="-", ellipsis="~", chart="*", legend="#", bar="#", before="<")

_current: Glyphs = UNICODE


def use_ascii(on: bool) -> Glyphs:
    """Choose the table for this process (called once at start-up); returns it."""
    global _current
    _current = ASCII if on else UNICODE
    return _current


def glyphs() -> Glyphs:
    """The table chosen at start-up (Unicode unless ``--ascii``)."""
    return _current
