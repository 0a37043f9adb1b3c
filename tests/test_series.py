"""Time series: bounded windows, explicit gaps, late points replacing earlier values."""

from __future__ import annotations

from tui.model.cost import Usage, cost_per_day
from tui.model.series import Series, SeriesKey, SeriesStore
from tui.model.window_readers import window_points, window_sum


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
    s.points = {60: 1.0, 120: 2.0}  # replaced wholesale (a snapshot copies the dict)
    assert s.latest() == (120, 2.0)
    s.points[180] = 3.0  # grown without merge
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
