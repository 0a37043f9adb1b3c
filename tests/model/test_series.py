"""Time series: bounded windows, explicit gaps, late points replacing earlier values."""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Mapping

import pytest

from tui.model.cost import Usage, cost_per_day
from tui.model.series import Series, SeriesKey, SeriesStore
from tui.model.window_readers import window_points, window_sum
from tui.refresh_describe import snapshot


def test_gaps_are_missing_not_zero():
    s = Series(period=60, window=600)
    s.merge([600, 720], [1.0, 3.0])
    assert s.values(end=780, count=4) == [1.0, None, 3.0, None]


def test_late_point_replaces_value():
    s = Series(period=60, window=600)
    s.merge([600], [1.0])
    s.merge([600, 660], [5.0, 2.0])
    assert s.sorted_items() == [(600, 5.0), (660, 2.0)]


def test_window_bounds_memory():
    s = Series(period=60, window=3600)
    for i in range(0, 24 * 60):  # a day of minutes into a one hour window
        s.merge([i * 60], [float(i)])
    assert len(s.points) <= s.capacity == 61
    assert min(s.points) > (24 * 60 - 1) * 60 - 3600


def test_store_reset_on_period_change_and_drop():
    st = SeriesStore(window=3600)
    k = SeriesKey("NS", "M", (("A", "1"),), "Sum")
    st.ensure(k, 60).merge([60], [1.0])
    assert st.ensure(k, 60).points == {60: 1.0}
    assert st.ensure(k, 300).points == {}  # another period is another series
    st.drop([k])
    assert st.get(k) is None and len(st) == 0


def test_cost():
    u = Usage(metrics_requested=432_000)
    assert round(u.cost, 2) == 4.32
    assert round(cost_per_day(Usage(metrics_requested=300), 60), 2) == 4.32


def test_the_newest_point_follows_merges_late_points_and_replaced_points():
    s = Series(period=60, window=600)
    assert s.newest_time() is None and s.latest() is None
    s.merge([600, 660, 720], [1.0, 2.0, 3.0])
    assert s.latest() == (720, 3.0)
    s.merge([630, 840], [9.0, 4.0])  # a late point, then a newer one; both aligned to the minute
    assert s.latest() == (840, 4.0) and s.points[600] == 9.0
    s.merge([1500], [5.0])  # the window moves on: everything older than 900 is dropped
    assert s.latest() == (1500, 5.0) and min(s.points) > 900
    s.points = {120: 2.0, 60: 1.0}  # replaced wholesale, in any order
    assert s.latest() == (120, 2.0) and list(s.points) == [60, 120]
    s.merge([180], [3.0])
    assert s.newest_time() == 180


def test_a_window_sum_leaves_nan_points_out_like_missing_ones():
    """One rule for the overview and the screens: a NaN point is no reading, so it neither
    blanks the window's total nor counts in it; points outside the window are left out."""
    store = SeriesStore(window=600)
    key = SeriesKey("AWS/Sagemaker/ModelBuildingPipeline", "ExecutionStarted", (("PipelineName", "p"),), "Sum")
    store.ensure(key, 60).merge([0, 60, 120, 180, 240], [9.0, 1.0, float("nan"), 2.0, 3.0])
    assert window_sum(store, key, 300) == 1.0 + 2.0 + 3.0 + 9.0
    assert window_sum(store, key, 600) == 1.0 + 2.0 + 3.0  # (0, 600]: the point at 0 fell out
    assert [t for t, _ in window_points(store, key, 300)] == [0, 60, 180, 240]
    assert window_sum(store, SeriesKey("ns", "none", (), "Sum"), 300) is None


# -- the compact point storage: parallel sorted arrays behind a read-only mapping view ---------

NAN = float("nan")


def same(a, b) -> bool:
    """Equal, a NaN equal to a NaN (and never to ``None``, a missing point)."""
    if isinstance(a, float) and isinstance(b, float) and a != a:
        return b != b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def test_merge_out_of_order_aligns_sorts_and_counts():
    s = Series(period=60, window=3600)
    assert s.merge([725, 600, 661], [3.0, 1.0, 2.0]) == 3
    assert s.sorted_items() == [(600, 1.0), (660, 2.0), (720, 3.0)]
    assert s.merge([540, 690, 900, 780], [0.5, 2.5, 9.0, 4.0]) == 4  # before, on, after, between
    assert s.sorted_items() == [(540, 0.5), (600, 1.0), (660, 2.5), (720, 3.0), (780, 4.0), (900, 9.0)]
    assert list(s.points) == [540, 600, 660, 720, 780, 900] and s.latest() == (900, 9.0)
    assert s.merge([], []) == 0 and len(s.points) == 6


def test_duplicates_overwrite_the_later_value_winning():
    s = Series(period=60, window=3600)
    s.merge([600, 610, 660, 600], [1.0, 2.0, 3.0, 4.0])  # three values for the 600 slot: the last wins
    assert s.sorted_items() == [(600, 4.0), (660, 3.0)]
    s.merge([660, 600], [5.0, 6.0])  # an overlap re-read replaces, never duplicates
    assert s.sorted_items() == [(600, 6.0), (660, 5.0)] and len(s.points) == 2


def test_nan_is_a_point_not_a_gap():
    s = Series(period=60, window=3600)
    s.merge([600, 720], [NAN, 1.0])
    v = s.points.get(600)
    assert v is not None and v != v and 600 in s.points and len(s.points) == 2
    assert s.points.get(660) is None and 660 not in s.points
    assert same(s.values(780, 4), [NAN, None, 1.0, None])
    s.merge([780], [NAN])
    last = s.latest()
    assert last[0] == 780 and last[1] != last[1] and s.last_value() != s.last_value()
    assert same(s.values(780, 4), [NAN, None, 1.0, NAN])  # the bulk path (every slot present) too
    s.merge([660], [2.0])
    assert same(s.values(780, 4), [NAN, 2.0, 1.0, NAN])
    assert same([v for _, v in s.points.items()], [NAN, 2.0, 1.0, NAN])


def test_trimming_keeps_the_window_behind_the_newest_point():
    s = Series(period=60, window=600)
    s.merge(range(0, 601, 60), [float(i) for i in range(11)])
    assert len(s.points) == 10 and min(s.points) == 60  # 0 is 600 s behind 600: dropped
    s.merge([0, 120], [7.0, 8.0])  # a late point older than the window does not come back
    assert min(s.points) == 60 and s.points[120] == 8.0
    s.merge([1200], [1.0])  # a jump: only the newest point is left
    assert s.sorted_items() == [(1200, 1.0)]
    st = SeriesStore(window=600)
    k = SeriesKey("NS", "M", (), "Sum")
    st.ensure(k, 60).merge(range(660, 1261, 60), [1.0] * 11)
    st.set_window(120)
    assert len(st.get(k).points) == 10  # kept until the next merge...
    st.get(k).merge([], [])
    assert list(st.get(k).points) == [1200, 1260]  # ...which trims, even with nothing new


def test_the_points_view_is_a_read_only_mapping():
    s = Series(period=60, window=3600)
    s.merge([720, 600, 660], [3.0, 1.0, NAN])
    p = s.points
    assert isinstance(p, Mapping) and len(p) == 3 and bool(p) and not Series(60, 600).points
    assert list(p) == list(p.keys()) == [600, 660, 720] and max(p) == 720 and sorted(p) == [600, 660, 720]
    assert same(list(p.values()), [1.0, NAN, 3.0]) and same(list(p.items()), [(600, 1.0), (660, NAN), (720, 3.0)])
    assert p[600] == 1.0 and p.get(600.0) == 1.0 and p.get(600.5) is None and p.get("600") is None
    assert p.get(601) is None and p.get(540) is None and p.get(780, -1.0) == -1.0 and p.get(NAN) is None
    assert (720, 3.0) in p.items() and 3.0 in p.values() and 780 not in p
    with pytest.raises(KeyError):
        p[780]
    with pytest.raises(TypeError):
        p[780] = 1.0  # writers go through the series
    assert not hasattr(p, "clear") and not hasattr(p, "pop")
    q = Series(period=60, window=3600)
    q.merge([600, 720], [1.0, 3.0])
    assert q.points == {600: 1.0, 720: 3.0} and q.points != {600: 1.0} and dict(q.points) == {600: 1.0, 720: 3.0}
    s.merge([780], [4.0])
    assert p[780] == 4.0  # the view follows merges, as the dict did...
    s.points = {60: 1.0}
    assert 780 in p and list(s.points) == [60]  # ...and keeps the old points when they are replaced


def test_get_finds_points_with_gaps_and_off_grid_points_given_whole():
    s = Series(period=60, window=36000)
    ts = [t for t in range(0, 36000, 60) if t % 420 and t % 1140]
    s.merge(ts, [float(t) for t in ts])
    assert all(s.points.get(t) == float(t) for t in ts)
    assert all(s.points.get(t) is None for t in range(0, 36000, 60) if t not in set(ts))
    s.points = {30: 1.0, 100: 2.0, 120: 3.0}  # assigned as given: neither aligned nor trimmed
    assert s.points.get(30) == 1.0 and s.points.get(100) == 2.0 and s.values(120, 3) == [None, None, 3.0]


def reference_merge(d: dict, period: int, window: int, ts, vs) -> None:
    """The dict store this storage replaced, as it was."""
    for t, v in zip(ts, vs):
        d[int(t) - int(t) % period] = float(v)
    if d:
        cutoff = max(d) - window
        for t in [t for t in d if t <= cutoff]:
            del d[t]


def test_random_merges_match_the_dict_store_they_replace():
    rng = random.Random(7)
    for period, window in ((60, 3 * 3600), (300, 3600), (1, 120)):
        s, ref = Series(period, window), {}
        now = 1_800_000_000
        for _ in range(300):
            now += rng.choice((0, period, period, 3 * period, window // 2))
            n = rng.randrange(0, 12)
            ts = [now - rng.randrange(0, window + 5 * period) for _ in range(n)]
            vs = [rng.choice((NAN, 0.0, rng.random())) for _ in range(n)]
            s.merge(ts, vs)
            reference_merge(ref, period, window, ts, vs)
            assert same(s.sorted_items(), sorted(ref.items()))
            assert s.newest_time() == (max(ref) if ref else None)
            end = now - rng.randrange(-period, window)
            count = rng.randrange(0, window // period + 3)
            assert same(s.values(end, count), [ref.get(t) for t in s.grid(end, count)])
            assert same(s.values(end), [ref.get(t) for t in s.grid(end)])
            probe = now - rng.randrange(0, window + period)
            assert same(s.points.get(probe), ref.get(probe)) and (probe in s.points) == (probe in ref)


def test_copies_are_independent_and_share_points_until_a_write():
    st = SeriesStore(window=600)
    a, b = SeriesKey("NS", "A", (), "Sum"), SeriesKey("NS", "B", (), "Sum")
    st.ensure(a, 60).merge([60, 120], [1.0, 2.0])
    st.ensure(b, 60).merge([60], [NAN])
    snap = st.copy()
    assert snap.keys() == st.keys() and snap.window == 600 and snap.get(a) is not st.get(a)
    assert snap.get(a).points == {60: 1.0, 120: 2.0} and snap.get(a) == st.get(a)
    assert snap.get(a)._ts is st.get(a)._ts  # shared: a snapshot costs no copy of the points
    st.get(a).merge([120, 180], [9.0, 3.0])  # an overwrite and an append in the live store
    st.get(b).merge([1200], [1.0])  # a trim
    assert snap.get(a).sorted_items() == [(60, 1.0), (120, 2.0)] and snap.get(a).latest() == (120, 2.0)
    assert same(snap.get(b).sorted_items(), [(60, NAN)])
    assert st.get(a).sorted_items() == [(60, 1.0), (120, 9.0), (180, 3.0)] and st.get(b).sorted_items() == [(1200, 1.0)]
    snap.get(a).merge([240], [4.0])  # and the other way round
    assert st.get(a).latest() == (180, 3.0) and snap.get(a).latest() == (240, 4.0)
    again = snap.copy()
    snap.drop([a])
    st.set_window(60)
    assert again.get(a).latest() == (240, 4.0) and again.window == 600
    c = Series(60, 600).copy()  # an empty series copied, then written on both sides
    d = c.copy()
    c.merge([60], [1.0])
    assert not d.points and c.points == {60: 1.0}


def test_a_snapshot_of_the_refresh_is_a_store_copy():
    st = SeriesStore(window=600)
    k = SeriesKey("NS", "A", (), "Sum")
    st.ensure(k, 60).merge([60], [1.0])
    snap = snapshot(st)
    st.ensure(k, 60).merge([120], [2.0])
    assert snap.get(k).points == {60: 1.0} and snap.window == 600 and len(snap) == 1


def test_points_take_about_16_bytes_each():
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        store = SeriesStore(window=3 * 3600)
        for i in range(500):
            store.ensure(SeriesKey("NS", f"M{i}", (), "Sum"), 60).merge(range(0, 180 * 60, 60), [0.5] * 180)
        used = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert store.total_points() == 500 * 180
    assert used / store.total_points() < 24  # arrays: 16 bytes a point plus the series objects (a dict: ~100)
