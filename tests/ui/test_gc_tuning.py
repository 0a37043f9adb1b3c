"""The app raises CPython's full-collection threshold once the app mounts (tui.gc_tuning):
full collections scan the whole heap and stall every key while they run."""

from __future__ import annotations

import gc

import pytest

from tui.gc_tuning import FULL_EVERY, fewer_full_collections


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # CPython's defaults
    yield
    gc.set_threshold(*saved)


def test_the_full_collection_threshold_is_raised_and_never_lowered(thresholds):
    assert fewer_full_collections() == (700, 10, FULL_EVERY)
    gc.set_threshold(700, 10, FULL_EVERY * 3)
    assert fewer_full_collections() == (700, 10, FULL_EVERY * 3)  # set higher elsewhere: kept
    gc.set_threshold(0, 10, 10)  # collection turned off: left off
    assert fewer_full_collections() == (0, 10, 10)


async def test_the_app_raises_it_when_it_mounts(thresholds, clients):
    from tui.app import SagemonApp
    from tui.config.options import Options
    from tui.refresh_connect import Connection

    app = SagemonApp(Options(), connection=Connection(clients, None, None, tuple(clients.regions)))
    assert gc.get_threshold()[2] == 10
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert gc.get_threshold() == (700, 10, FULL_EVERY)
