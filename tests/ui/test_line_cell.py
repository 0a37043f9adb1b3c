"""A one-line table cell laid out once paints exactly what Rich's general layout paints."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.text import Span, Text

from tui.widgets.line_cell import LineText, line_segments

CONSOLE = Console(width=80, color_system="truecolor", force_terminal=True)


def rich_layout(text: Text, width: int) -> list[Segment]:
    options = CONSOLE.options.update_dimensions(width, 1).update(no_wrap=True)
    return list(Segment.simplify(CONSOLE.render_lines(text, options, pad=True)[0]))


CASES = [
    Text("12.5%", style="bold red", justify="right", no_wrap=True),
    Text("InService", style="green", no_wrap=True),
    Text("a-very-long-endpoint-name-that-does-not-fit", no_wrap=True, overflow="ellipsis"),
    Text("  42.0 ▁▂▃▅▇", no_wrap=True, spans=[Span(0, 6, "yellow"), Span(7, 12, "cyan")]),
    Text("训练作业训练作业", no_wrap=True, overflow="ellipsis"),
    Text("", no_wrap=True),
]


@pytest.mark.parametrize("text", CASES, ids=lambda t: t.plain or "empty")
@pytest.mark.parametrize("width", [6, 11, 20])
def test_line_segments_match_richs_layout(text, width):
    ours = list(Segment.simplify(line_segments(text, CONSOLE, width)))
    assert Segment.get_line_length(ours) == width
    assert ours == rich_layout(text, width)


def test_line_text_is_a_text_and_keeps_its_layout_per_width():
    cell = LineText("3.0", style="bold", justify="right", no_wrap=True)
    assert cell.plain == "3.0" and isinstance(cell, Text)
    first = list(cell.__rich_console__(CONSOLE, CONSOLE.options.update_width(8)))
    assert list(cell.__rich_console__(CONSOLE, CONSOLE.options.update_width(8))) == first
    assert Segment.get_line_length(first) == 8
    assert Segment.get_line_length(list(cell.__rich_console__(CONSOLE, CONSOLE.options.update_width(5)))) == 5


SPAN_CASES = [
    Text("  42.0 ▁▂▃▅▇", no_wrap=True, spans=[Span(0, 6, "yellow"), Span(7, 12, "cyan")]),  # a grid cell
    Text("abcdef", style="bold", spans=[Span(0, 3, "red"), Span(3, 6, "on blue")]),  # adjacent
    Text("abcdef", spans=[Span(2, 2, "red"), Span(4, 6, "italic")]),  # an empty span still cuts
    Text("abcdef", spans=[Span(0, 4, "red"), Span(2, 6, "italic")]),  # overlapping: Rich's way
    Text("训练ab", style="dim", spans=[Span(1, 3, "not a style")]),
]


@pytest.mark.parametrize("text", SPAN_CASES, ids=lambda t: t.plain)
def test_spanned_cells_give_richs_segments_unmerged(text):
    # the same segments, cut at the same places, as Rich's own rendering of the text
    width = text.cell_len
    assert line_segments(text, CONSOLE, width) == list(text.render(CONSOLE))
