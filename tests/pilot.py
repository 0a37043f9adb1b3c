"""Helpers for Pilot tests: wait for a condition while the app runs, read the screen as text."""

from __future__ import annotations

import time


async def wait_for(pilot, cond, timeout: float = 30.0, what: str = "condition") -> None:
    """Let the app run until ``cond()`` is true; fail with ``what`` after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"{what}: not met in {timeout:.0f}s")


def screen_text(app) -> str:
    """The terminal as a person sees it, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
