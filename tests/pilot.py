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


async def open_pipeline(pilot, app, name: str) -> None:
    """Wait for the first refresh to list pipeline ``name``, then open its screen from the
    Pipelines pane as a person would (``4``, ``/`` its name, Enter, Enter)."""
    from tui.screens.pipeline import PipelineScreen

    await wait_for(pilot, lambda: app.state.loaded and any(p.name == name for p in app.state.inventory.pipelines),
                   60, "first refresh")
    await pilot.press("4", "slash", *name, "enter")
    await pilot.pause()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen), 15, "the pipeline screen")
