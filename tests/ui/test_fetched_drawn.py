"""Every series the app fetches is drawn somewhere: nothing is requested (and billed) for nothing.

The queries are the ones the app sends: every overview pane's plan (what the refresh worker
polls) and the detail request of every drill-down screen of the demo fleet, each screen
opened by Pilot (:mod:`screen_walk`). A series counts as drawn when changing its points
changes what a screen hands its widgets (table cells as text, facts, lines, chart lines,
grid values, headers), with the clock held still: the points are scaled, or, for a series
without points in the demo, a run of points is put where the screen reads. An overview
pane's series is checked on the pane's rows (their cells' text and trend). A series that
changes nothing anywhere is fetched and never drawn: a product bug.
"""

from __future__ import annotations

import io
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from unittest import mock

import pytest
from rich.console import Console

from screen_walk import WalkApp, every_screen
from test_endpoint_screens import demo_env

SIZE = (240, 90)  # wide and tall: every column of every table is on screen


@pytest.fixture(scope="module")
def env(shared_demo, shared_demo_clients):
    return demo_env(shared_demo, shared_demo_clients)


def _text(renderable) -> str:
    out = io.StringIO()
    Console(file=out, width=400, color_system=None, legacy_windows=False).print(renderable)
    return out.getvalue()


def _row_texts(rows) -> list:
    return [(r.key, tuple((c, cell.text) for c, cell in r.cells.items()), tuple(r.spark)) for r in rows]


def _name(widget, args, kwargs) -> object:
    """A widget by its id, else by what it shows (charts are rebuilt when their set changes)."""
    if widget.id:
        return widget.id
    if kwargs.get("title"):
        return kwargs["title"]
    first = args[0] if args else None
    if isinstance(first, list) and first and hasattr(first[0], "label"):
        return first[0].label
    return id(widget)


@contextmanager
def recording(log: dict):
    """Record what screens hand their widgets (and still hand it to them), the last per widget."""
    from textual.widgets import Static

    from tui.widgets.chart_panel import ChartPanel
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView, LineView
    from tui.widgets.chart import MetricChart
    from tui.widgets.host_grid import HostGrid
    from tui.widgets.sparkline_text import SparklineText

    patches = []
    depth = [0]

    def wrap(cls, name, describe):
        original = getattr(cls, name)

        def recorder(self, *args, **kwargs):
            if depth[0] == 0:  # what the screen hands over, not what a widget passes on inside
                log[(cls.__name__, _name(self, args, kwargs))] = describe(*args, **kwargs)
            depth[0] += 1
            try:
                return original(self, *args, **kwargs)
            finally:
                depth[0] -= 1

        patches.append(mock.patch.object(cls, name, recorder))

    wrap(DetailTable, "show_rows", lambda rows: _row_texts(rows))
    wrap(FactsView, "set_facts", lambda facts: repr(facts))
    wrap(LineView, "set_line", lambda text, level="": text)
    wrap(ChartPanel, "set_specs", lambda specs: repr(specs))
    wrap(HostGrid, "update_table", lambda table: repr([(r.host, r.latest, r.recent, r.reason) for r in table.rows]))
    wrap(MetricChart, "set_series", lambda series, **kw: repr((series, kw.get("title"))))
    wrap(SparklineText, "set_values", lambda values, **kw: repr(values))
    wrap(Static, "update", lambda content="", **kw: _text(content) if content is not None else "")
    for p in patches:
        p.start()
    try:
        yield
    finally:
        for p in reversed(patches):
            p.stop()


def drawn(screen, state, result, frozen: int, before: dict | None = None) -> dict:
    """What ``screen``'s widgets hold after it is shown ``state`` (the clock at ``frozen``),
    starting from ``before`` (widgets a screen leaves alone when nothing changed keep theirs).
    What the screens learn from the points (an enhanced endpoint's period) is put back."""
    log: dict = dict(before or {})
    learned = [(s, s.known_period) for s in screen.app.screen_stack if hasattr(s, "known_period")]
    try:
        with recording(log), mock.patch("time.time", return_value=float(frozen)):
            screen.show(state, result)
    finally:
        for s, period in learned:
            s.known_period = period
    return log


#: How a series is changed: its values scaled (x1.37 + 11.3), or all at 99.5 (a full disk, a
#: saturated GPU: what a health flag shows). A series without points gets a run of them.
HOWS = ("scale", "full")


@contextmanager
def changed(store, key, fallback_ts: list[int], how: str = "scale"):
    """``key``'s points changed ``how`` or, without points, put at ``fallback_ts``."""
    s = store.get(key)
    created = s is None
    if created:
        s = store.ensure(key, 60)
    saved = s.points
    if saved:
        s.points = {t: (99.5 if how == "full" else v * 1.37 + 11.3) if v == v else v for t, v in saved.items()}
    else:
        s.points = {}
        s.merge(fallback_ts, [99.5 if how == "full" else 7.77 + 0.5 * i for i in range(len(fallback_ts))])
    try:
        yield
    finally:
        if created:
            store.drop([key])
        else:
            s.points = saved


def _grids(store, keys, now: int, anchors: list[int]) -> list[list[int]]:
    """Timestamps to put points at: the siblings' newest ones, then 30 minutes before each anchor."""
    seen = sorted({t for k in keys if (s := store.get(k)) is not None for t in s.points})
    out = [seen[-30:]] if seen else []
    for a in anchors:
        a -= a % 60
        out.append([a - 60 * i for i in range(30, 0, -1)])
    return out


def differs(seen: dict, base: dict, restored: dict) -> bool:
    """Whether the widgets held something else while a series was changed. A widget first
    handed data then (a chart mounted after the first look) is compared with what it is
    handed once the series is put back; ``base`` learns that."""
    if any(seen[k] != base[k] for k in base):
        return True
    new = [k for k in seen if k not in base]
    for k in new:
        if k in restored:
            base[k] = restored[k]
    return any(k in restored and restored[k] != seen[k] for k in new)


def baseline(screen, env, result, keys, frozen: int) -> dict:
    """Every widget handed its current data: once with every series changed, then as they are."""
    with ExitStack() as stack:
        for key in keys:
            stack.enter_context(changed(env.store, key, [frozen - frozen % 60 - 60 * i for i in range(5)]))
        base = drawn(screen, env.state, result, frozen)
    return drawn(screen, env.state, result, frozen, base)


def shows(screen, env, result, key, grids: list[list[int]], frozen: int, base: dict) -> bool:
    """Whether changing ``key`` (each way, at each place) changes what ``screen`` draws."""
    for ts in grids:
        for how in HOWS:
            with changed(env.store, key, ts, how):
                seen = drawn(screen, env.state, result, frozen, base)
            if differs(seen, base, drawn(screen, env.state, result, frozen, base)):
                return True
    return False


async def test_every_fetched_series_is_drawn_by_some_screen(env):
    from tui.model.detail import DetailRequest
    from tui.model.overview import pane_rows
    from tui.model.plan import pane_keys
    from tui.model.kinds import Pane
    from tui.model.resources import Job, job_anchor

    app = WalkApp(env)
    pending: dict = {}  # key -> where it was fetched (screens that asked for it)
    drawn_keys: set = set()
    start = len(env.fetched)
    async with app.run_test(size=SIZE) as pilot:
        async for kind, name, screen in every_screen(pilot, app, env):
            request = screen.detail_request()
            if request is None:
                continue
            result = app.results.get(request.owner)
            frozen = int(time.time())
            anchors = [frozen]
            job = getattr(screen, "job", None)
            if isinstance(job, Job):  # an ended job's screens read up to its end
                anchors.append(int(job_anchor(job, frozen)))
            grids = _grids(env.store, request.keys, frozen, anchors)
            for key in request.keys:
                pending.setdefault(key, []).append(f"{kind} {name}")
            base = baseline(screen, env, result, request.keys, frozen)
            todo = [k for k in request.keys if k not in drawn_keys]
            drawn_keys |= {k for k in todo if shows(screen, env, result, k, grids, frozen, base)}
            # a series read beside others (errors beside invocations, a maximum beside its mean):
            # again with every empty series of the screen holding points
            todo = [k for k in todo if k not in drawn_keys]
            if todo:
                empty = [k for k in request.keys if not ((s := env.store.get(k)) is not None and s.points)]
                for key in todo:
                    with ExitStack() as stack:
                        for other in empty:
                            if other != key:
                                stack.enter_context(changed(env.store, other, grids[0]))
                        filled = baseline(screen, env, result, request.keys, frozen)
                        if shows(screen, env, result, key, grids, frozen, filled):
                            drawn_keys.add(key)
                base = drawn(screen, env.state, result, frozen, base)
            after = drawn(screen, env.state, result, frozen, base)
            assert all(after[k] == base[k] for k in base), f"{kind} {name}: not restored: " + repr(
                [(k, base[k], after[k]) for k in base if base[k] != after[k]])[:1500]
    detail_fetched = {k for r in env.fetched[start:] for k in r.keys}

    # the refresh worker's plan: each pane's series, drawn on the pane's rows
    now_dt = datetime.now(timezone.utc)
    inv = env.inventory
    for pane in Pane:
        keys = pane_keys(pane, inv, now_dt, env.store.window)
        env.fetch(DetailRequest(owner=f"overview:{pane.value}", keys=tuple(keys)))
        frozen = int(time.time())
        with mock.patch("time.time", return_value=float(frozen)):
            base = _row_texts(pane_rows(pane, inv, env.store, frozen))
            for key in keys:
                pending.setdefault(key, []).append(f"{pane.value} pane")
                if key in drawn_keys:
                    continue
                for ts in _grids(env.store, keys, frozen, [frozen]):
                    with changed(env.store, key, ts):
                        if _row_texts(pane_rows(pane, inv, env.store, frozen)) != base:
                            drawn_keys.add(key)
                            break

    assert detail_fetched and len(pending) > 300  # the walk reached the screens
    never = {k: where for k, where in pending.items() if k not in drawn_keys}
    lines = [f"{k.namespace} {k.metric} {k.stat} {dict(k.dimensions)} (fetched by {', '.join(sorted(set(w))[:3])})"
             for k, w in never.items()]
    assert not never, f"{len(never)} of {len(pending)} fetched series are drawn nowhere:\n" + "\n".join(lines[:60])
