"""The status line tells the truth within seconds: an overdue refresh is shown at once (waiting
for AWS, STALE with the exact age of the last good data), not when the refresh finally ends.

Pure: :func:`status_text` is given the clock (``now``) explicitly.
"""

from __future__ import annotations

import time

from tui.model.state import WAIT_GRACE, AppState, RefreshReport
from tui.widgets.status_bar import status_text

NOW = time.time()


def line(state: AppState, now: float, width: int = 160) -> str:
    return status_text(state, seconds_left=None, frame=0, width=width, now=now).plain


def good_state(at: float) -> AppState:
    state = AppState(window="3h", regions=("us-east-1",), account="123456789012")
    state.apply(RefreshReport(started=at - 1, finished=at, panes=(), full=True))
    return state


def test_a_refresh_in_its_grace_shows_refreshing_only():
    state = good_state(NOW - 60)
    state.begin_refresh(NOW - 3)
    text = line(state, NOW)
    assert "refreshing" in text and "STALE" not in text and "waiting" not in text


def test_an_overdue_refresh_is_stale_at_once_with_the_exact_age():
    state = good_state(NOW - 170)
    state.begin_refresh(NOW - 10)  # a minute's refresh, hanging for 10 s
    assert state.waiting(NOW) == 10 and state.stale_now(NOW) and not state.stale
    text = line(state, NOW)
    assert "waiting for AWS 10s" in text and "STALE 2m50s" in text
    assert "STALE 2m59s" in line(state, NOW + 9)  # exact: not "2m" at 2 min 59 s
    # the refresh gives up: STALE stays, from the failure, with the same exact age
    state.apply(RefreshReport(started=NOW - 10, finished=NOW + 20, panes=(), full=False,
                               errors=["ThrottlingException"]))
    text = line(state, NOW + 20)
    assert "waiting" not in text and "STALE 3m10s" in text
    # and it recovers by itself
    state.begin_refresh(NOW + 60)
    state.apply(RefreshReport(started=NOW + 60, finished=NOW + 61, panes=(), full=True))
    assert "STALE" not in line(state, NOW + 62)


def test_before_any_data_a_slow_start_says_it_waits_but_is_not_stale():
    state = AppState(window="3h")
    state.begin_refresh(NOW - WAIT_GRACE - 4)
    text = line(state, NOW)
    assert f"waiting for AWS {int(WAIT_GRACE + 4)}s" in text and "STALE" not in text


def test_a_slow_start_up_step_shows_its_seconds():
    state = AppState(window="3h")
    state.set_phase("connecting to AWS…", NOW - 3)
    assert line(state, NOW).rstrip().endswith("connecting to AWS…")
    assert "connecting to AWS… 12s" in line(state, NOW + 9)
    state.set_phase(None)
    assert "connecting" not in line(state, NOW + 9)


def test_the_marker_survives_a_narrow_terminal():
    state = good_state(NOW - 300)
    state.begin_refresh(NOW - 40)
    text = line(state, NOW, width=60)
    assert len(text) <= 60 and "STALE 5m00s" in text and "waiting for AWS 40s" in text


def test_a_backed_off_refresh_says_so_beside_its_countdown():
    state = good_state(NOW - 30)
    state.backoff = 4
    text = status_text(state, seconds_left=200.0, frame=0, width=160, now=NOW).plain
    assert "next 4m (throttled: backing off ×4)" in text
    state.backoff = 1
    assert "backing off" not in status_text(state, seconds_left=50.0, frame=0, width=160, now=NOW).plain


def test_the_countdown_changes_once_a_minute_not_every_second():
    """At idle the line must not change every second: the countdown is in whole minutes."""
    state = good_state(NOW - 30)
    texts = {status_text(state, seconds_left=left, frame=0, width=160, now=NOW).plain for left in range(121, 180)}
    assert len(texts) == 1 and "next 3m" in texts.pop()
    within = {status_text(state, seconds_left=left, frame=0, width=160, now=NOW).plain for left in range(0, 60)}
    assert len(within) == 1 and "next <1m" in within.pop()
    assert "next 2m" in status_text(state, seconds_left=61, frame=0, width=160, now=NOW).plain


async def test_the_bar_is_redrawn_only_when_its_line_changes():
    from textual.app import App, ComposeResult

    from tui.widgets.status_bar import StatusBar

    class BarApp(App):
        def compose(self) -> ComposeResult:
            yield StatusBar()

    app = BarApp()
    async with app.run_test(size=(120, 3)) as pilot:
        bar = app.query_one(StatusBar)
        drawn: list[str] = []
        update = bar.update
        bar.update = lambda content="", **kw: (drawn.append(content.plain), update(content, **kw))[1]
        state = good_state(time.time() - 30)
        for left in (50.0, 49.0, 48.0, 30.0):  # a second-by-second tick within the same minute
            bar.show(state, left, 0)
            await pilot.pause()
        assert len(drawn) == 1 and "next <1m" in drawn[0]
        state.paused = True
        bar.show(state, None, 0)
        assert len(drawn) == 2 and "PAUSED" in drawn[1]
