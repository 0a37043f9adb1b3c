"""MetricChart renders at any size and only when needed; LogView shows hostile lines literally."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from rich.style import Style
from textual.app import App, ComposeResult

from tui.model.catalog import Unit
from tui.widgets.chart import ChartSeries, MetricChart, minute_ticks, tick_labels, value_ticks
from tui.widgets.log_view import LogView
from tui.widgets.sparkline_text import SparklineText

HOST = [30.0 + i for i in range(20)] + [None, None, None] + [40.0] * 7
MEDIAN = [91.0] * 30


class ChartApp(App):
    CSS = "MetricChart { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield MetricChart("GPUUtilization [bold]algo-7[/]", Unit.PERCENT)


async def test_chart_small_and_large_shows_title_and_caches():
    app = ChartApp()
    async with app.run_test(size=(120, 30)) as pilot:
        chart = app.query_one(MetricChart)
        chart.set_series([ChartSeries("algo-7", HOST), ChartSeries("cluster median", MEDIAN)])
        await pilot.pause()
        text = chart.render()
        lines = text.plain.split("\n")
        assert lines[0].startswith("GPUUtilization [bold]algo-7[/] (%)")  # literal, not markup
        assert "■ algo-7" in lines[0] and "■ cluster median" in lines[0]
        assert len(lines) == 30 and max(cell_len(line) for line in lines) <= 120
        assert any("100┤" in line for line in lines)     # y axis runs to 100 %
        assert "-25" in lines[-2] and lines[-2].rstrip().endswith("0")  # minutes before now
        builds = chart.builds
        chart.refresh()
        await pilot.pause()
        chart.render()
        assert chart.builds == builds                    # no data or size change: no rebuild

        await pilot.resize_terminal(30, 6)               # small: sparkline fallback
        await pilot.pause()
        small = chart.render().plain.split("\n")
        assert small[0].startswith("GPUUtilization")
        assert len(small) == 3 and all(cell_len(line) <= 30 for line in small)
        assert "·" in small[1]                           # the gap is visible
        assert chart.builds == builds + 1

        await pilot.resize_terminal(8, 1)                # tiny: the title alone
        await pilot.pause()
        assert chart.render().plain == "GPUUtil…"

        await pilot.resize_terminal(220, 50)             # large
        chart.set_series([ChartSeries("ModelLatency", [12_345.0] * 30),
                          ChartSeries("OverheadLatency", [850.0] * 30)],
                         title="Latency", unit=Unit.MICROSECONDS)
        await pilot.pause()
        big = chart.render().plain.split("\n")
        assert big[0].startswith("Latency (ms)") and len(big) == 50
        assert any(line.startswith("ms") for line in big[-2:])  # y label in ms

        chart.set_series([ChartSeries("empty", [None] * 30)])
        await pilot.pause()
        assert chart.render().plain.endswith("no data")


LOSS = [2.4 - 0.5 * i / 29 for i in range(30)]  # a training loss falling from 2.4 to 1.9


def _chart(series, unit=Unit.NONE, **kw) -> MetricChart:
    chart = MetricChart("c", unit, **kw)
    chart.set_series(series)
    return chart


def _y_labels(text: str) -> list[float]:
    """The numbers left of the plot's y axis ticks, top to bottom."""
    return [float(line.split("┤")[0]) for line in text.split("\n") if "┤" in line]


def test_y_axis_zero_based_or_fitted_to_the_data():
    zero = _chart([ChartSeries("loss", LOSS)])
    fitted = _chart([ChartSeries("loss", LOSS)], zero_based=False)
    assert zero.y_range(LOSS) == (0.0, pytest.approx(2.64))  # from 0 to the top plus 10 %
    assert fitted.y_range(LOSS) == (pytest.approx(1.875), pytest.approx(2.425))  # 5 % of 0.5 each side
    assert fitted.y_range([0.01, 0.9]) == (0.0, pytest.approx(0.9445))  # not below 0 for data that is not
    assert fitted.y_range([-1.0, 1.0]) == (pytest.approx(-1.1), pytest.approx(1.1))
    assert fitted.y_range([2.0, 2.0]) == (pytest.approx(1.9), pytest.approx(2.1))  # flat: 5 % of the value
    assert fitted.y_range([0.0, 0.0]) == (0.0, pytest.approx(0.05))
    util = _chart([], Unit.PERCENT)
    assert util.y_range([30.0, 49.0]) == (0.0, 100.0)  # utilizations stay 0-100
    pinned = _chart([], zero_based=False, lo=1.0, hi=3.0)
    assert pinned.y_range([1.9, 2.4]) == (1.0, 3.0)  # given bounds win

    fitted_labels = _y_labels(fitted.build_text(80, 14).plain)
    assert fitted_labels == [2.4, 2.2, 2.0]  # round ticks inside the fitted range
    zero_labels = _y_labels(zero.build_text(80, 14).plain)
    assert zero_labels == [2.0, 1.0, 0.0]


def test_legend_keeps_every_series_name_when_the_title_is_long():
    chart = _chart([ChartSeries("model", [1.0]), ChartSeries("overhead", [1.0]),
                    ChartSeries("model + overhead", [2.0])], Unit.MILLISECONDS)
    chart.set_series(chart.series, title="Latency: model + overhead (average)")
    head = chart.build_text(78, 1).plain
    assert cell_len(head) <= 78 and head.endswith("■ model  ■ overhead  ■ model + overhead")
    assert head.startswith("Latency: model") and "… (ms)" in head  # the title gave way, its unit stays
    two = _chart([ChartSeries("i-010978d275d6de062", [1.0]), ChartSeries("i-0a659db81f5244c22", [1.0])],
                 Unit.PERCENT)
    two.set_series(two.series, title="GPU utilization per instance (all GPUs summed)")
    assert two.build_text(78, 1).plain.endswith("■ i-010978d275d6de062  ■ i-0a659db81f5244c22")
    narrow = two.build_text(40, 1).plain
    assert cell_len(narrow) <= 40 and narrow.count("■") == 2  # both colours still named, shortened alike
    loss = MetricChart("train:loss", Unit.NONE)
    loss.set_series([ChartSeries("train:loss", LOSS)])
    assert loss.build_text(80, 1).plain == "train:loss"  # one line named as its chart: no legend


def test_y_axis_labels_are_round_and_short():
    assert value_ticks(0, 2100, 8) == [0, 500, 1000, 1500, 2000]
    assert tick_labels(value_ticks(0, 2100, 8)) == ["0", "500", "1k", "1.5k", "2k"]
    assert tick_labels(value_ticks(0, 100, 8)) == ["0", "25", "50", "75", "100"]
    assert tick_labels(value_ticks(1.875, 2.425, 10)) == ["1.9", "2.0", "2.1", "2.2", "2.3", "2.4"]
    assert tick_labels(value_ticks(0.568, 0.618, 8)) == ["0.57", "0.58", "0.59", "0.60", "0.61"]
    assert tick_labels(value_ticks(0, 5e6, 8)) == ["0", "2M", "4M"]
    assert tick_labels(value_ticks(-1.1, 1.1, 8)) == ["-1.0", "-0.5", "0.0", "0.5", "1.0"]
    assert value_ticks(2.0, 2.0, 8) == [2.0] and value_ticks(0, 2800, 4) == [0, 1000, 2000]
    # thousands of invocations per minute read 1k, 1.5k: never 1.3e3 or 0.0e0
    chart = _chart([ChartSeries("inv", [1500.0 + 300 * (i % 7) / 7 for i in range(120)])])
    text = chart.build_text(80, 13).plain
    assert not re.search(r"\de[+-]?\d", text)
    assert [line.split("┤")[0].strip() for line in text.split("\n") if "┤" in line] == ["1.5k", "1k", "500", "0"]


def test_sparkline_fallback_shares_one_scale():
    host, median = [50.0] * 10, [100.0] * 10
    lines = _chart([ChartSeries("algo-3", host), ChartSeries("median", median)]).build_text(20, 3).plain.split("\n")
    assert lines[1] == " " * 10 + "▅" * 10  # half the median's height, on the shared 0..100 scale
    assert lines[2] == " " * 10 + "█" * 10
    # fitted: the lowest point of either series at the bottom, the highest at the top
    fitted = _chart([ChartSeries("a", [1.9, 2.0]), ChartSeries("b", [2.3, 2.4])], zero_based=False)
    lines = fitted.build_text(20, 3).plain.split("\n")
    assert lines[1].strip() == "▁▂" and lines[2].strip() == "▇█"
    gap = _chart([ChartSeries("a", [1.0, None, float("nan"), 3.0])], zero_based=False)
    assert gap.build_text(10, 2).plain.split("\n")[1] == "      ▁··█"


def test_minute_ticks():
    assert minute_ticks(29, 120) == [-25, -20, -15, -10, -5, 0]
    assert minute_ticks(180, 80) == [-180, -150, -120, -90, -60, -30, 0]
    assert minute_ticks(5, 200) == [-5, -4, -3, -2, -1, 0]


HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "[bold red]boom[/]",
    "\x1b]0;title\x07",
    "x" * 5000,
    "训练作业 🚀 完成",
    "epoch 1\r 10%|█         |\r100%|██████████|",
    "tab\tseparated",
    "two\nlines",
]


class LogApp(App):
    def compose(self) -> ComposeResult:
        yield LogView(max_lines=50, max_line_cells=300)
        yield SparklineText([0.0, 50.0, 100.0, None], lo=0, hi=100)


def _styles(view: LogView) -> set:
    return {seg.style for strip in view.lines for seg in strip if seg.style}


async def test_log_view_shows_hostile_lines_literally():
    app = LogApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(LogView)
        view.write_lines(HOSTILE)
        await pilot.pause()
        assert view.plain_lines == [
            "␛[31mred␛[0m",
            "[bold red]boom[/]",
            "␛]0;title␇",
            "x" * 299 + "…",
            "训练作业 🚀 完成",
            "100%|██████████|",
            "tab separated",
            "two",
            "lines",
        ]
        rendered = [strip.text.rstrip() for strip in view.lines]
        assert rendered == [line.rstrip() for line in view.plain_lines]
        assert len(view.lines) == len(view.plain_lines)  # one row per line: nothing wrapped
        assert _styles(view) <= {Style()}  # no colour, bold or link came from the data
        assert "\x1b" not in "".join(rendered)
        spark = app.query_one(SparklineText)
        assert spark.render().plain.endswith("▁▅█·")


async def test_log_view_bounds_follow_and_search():
    app = LogApp()
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(LogView)
        view.write_lines(f"step {i} loss=0.{i:03d}" for i in range(120))
        await pilot.pause()
        assert len(view.plain_lines) == 50 and view.plain_lines[0] == "step 70 loss=0.070"
        assert len(view.lines) == 50
        assert view.follow and view.scroll_offset.y == view.max_scroll_y  # following the end

        await pilot.press("f")
        assert not view.follow

        assert view.set_search("STEP 8") == 10  # step 80..89, case ignored
        await pilot.pause()
        assert view.matches == list(range(10, 20)) and view.current_match == 10
        first = view.lines[10]
        highlighted = [seg for seg in first if seg.style and (seg.style.bgcolor is not None or seg.style.reverse)]
        assert "".join(seg.text for seg in highlighted).lower() == "step 8"
        top = view.scroll_offset.y
        assert top <= 10 < top + view.scrollable_content_region.height  # the match is in view
        await pilot.press("n")
        assert view.current_match == 11
        await pilot.press("N", "N")
        assert view.current_match == 19  # wraps around

        view.write_line("step 8 again")  # new matches are tracked as lines roll off
        assert view.matches[-1] == 49 and view.matches[0] == 9
        assert view.set_search("") == 0 and view.matches == []
        await pilot.press("f")
        await pilot.pause()
        assert view.follow and view.scroll_offset.y == view.max_scroll_y
