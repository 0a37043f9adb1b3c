"""The host grid's row order: which host comes first for a sort column and direction.

Pure functions over :class:`~tui.model.hosts.HostRow` objects (no widget): host names sort
naturally (``algo-2`` before ``algo-10``), metric columns by latest value with missing values
always last, the health column worst first with healthy hosts last.
"""

from __future__ import annotations

import re

from tui.model.hosts import HostRow
from tui.widgets.host_grid_cells import HEALTH_COLUMN, HOST_COLUMN


def natural_key(text: str) -> list[object]:
    """``text`` split into numbers and the rest, so ``algo-2`` sorts before ``algo-10``."""
    return [(0, int(p)) if p.isdigit() else (1, p.lower()) for p in re.split(r"(\d+)", text) if p]


def _num(v: float | None) -> float | None:
    return None if v is None or v != v else v


def ordered_hosts(rows: list[HostRow], column: str | None, reverse: bool) -> list[str]:
    """The host keys of ``rows`` in display order for a sort ``column`` (``None``: as given)."""
    if column is None:
        return [r.host for r in rows]
    if column == HOST_COLUMN:
        ordered = sorted(rows, key=lambda r: natural_key(r.label), reverse=reverse)
        return [r.host for r in ordered]
    if column == HEALTH_COLUMN:  # worst first (reversed: mildest first), healthy hosts last
        flagged = sorted((r for r in rows if r.flags), key=lambda r: -r.level.rank)
        if reverse:
            flagged.reverse()
        return [r.host for r in flagged] + [r.host for r in rows if not r.flags]
    present = [r for r in rows if _num(r.latest.get(column)) is not None]
    missing = [r for r in rows if _num(r.latest.get(column)) is None]
    present.sort(key=lambda r: r.latest[column], reverse=reverse)
    return [r.host for r in present + missing]
