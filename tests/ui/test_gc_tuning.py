"""The app freezes its start-up heap after the first complete refresh (tui.gc_tuning): later full
collections do not scan it, so they no longer stall every key for hundreds of milliseconds."""

from __future__ import annotations

import gc

import pytest

from tests.pilot import wait_for
from tui.gc_tuning import freeze_start_heap


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freezing_moves_the_live_heap_out_of_collections_and_keeps_the_thresholds(unfrozen):
    thresholds = gc.get_threshold()
    kept = [[i] for i in range(1000)]  # tracked objects alive now
    frozen = freeze_start_heap()
    assert frozen >= len(kept) and gc.get_freeze_count() == frozen
    assert gc.get_count()[2] == 0 and gc.get_threshold() == thresholds  # a full collection just ran
    later = [[i] for i in range(2000)]  # made after the freeze: a second freeze would take them
    assert freeze_start_heap() < frozen + len(later) // 2  # once per process: not frozen again
    gc.unfreeze()
    assert gc.get_freeze_count() == 0


async def test_the_app_freezes_once_after_its_first_complete_refresh(unfrozen, clients):
    from tui.app import SagemonApp
    from tui.config.options import Options
    from tui.refresh_connect import Connection

    app = SagemonApp(Options(), connection=Connection(clients, None, None, tuple(clients.regions)))
    async with app.run_test(size=(100, 30)) as pilot:
        assert gc.get_freeze_count() == 0
        await wait_for(pilot, lambda: app.state.refreshes >= 1, what="the first refresh")
        await wait_for(pilot, lambda: app.heap_frozen, what="the heap frozen")
        first = gc.get_freeze_count()
        assert first > 10_000  # modules, Textual, botocore's models
        app.action_refresh()
        await wait_for(pilot, lambda: app.state.refreshes >= 2, what="a second refresh")
        await pilot.pause(0.2)
        assert gc.get_freeze_count() <= first  # once, not at every refresh (frozen objects dropped are still freed)
