"""Finds the shipped ``themes/`` folder: inside the installed package, or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def theme_dir() -> Path:
    """``tui/themes`` in a wheel install; the top-level ``themes/`` in a checkout."""
    for candidate in (_PACKAGE / "themes", _PACKAGE.parent / "themes"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the sagemon-tui themes folder is missing from this installation")


def stylesheet() -> Path:
    return theme_dir() / "sagemon.tcss"
