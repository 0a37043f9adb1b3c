"""Exact outputs of the value formatters, the untrusted-text sanitizer and the sparkline."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from rich.cells import cell_len

from tui.model.catalog import Unit
from tui.model.format import (
    MISSING,
    format_age,
    format_count,
    format_duration,
    format_rate,
    format_value,
    percent,
    resample,
    safe_text,
    sparkline,
    to_milliseconds,
    truncate_cells,
)


@pytest.mark.parametrize("value, unit, expected", [
    (None, Unit.PERCENT, "–"),
    (float("nan"), Unit.MICROSECONDS, "–"),
    (12345, Unit.MICROSECONDS, "12.3 ms"),
    (850, Unit.MICROSECONDS, "850 µs"),
    (1234, Unit.MICROSECONDS, "1.23 ms"),
    (123456, Unit.MICROSECONDS, "123 ms"),
    (2_345_000, Unit.MICROSECONDS, "2,345 ms"),
    (9_999_700, Unit.MICROSECONDS, "10.0 s"),
    (12_345_678, Unit.MICROSECONDS, "12.3 s"),
    (150_000_000, Unit.MICROSECONDS, "2m 30s"),
    (0.85, Unit.MILLISECONDS, "850 µs"),
    (12.3, Unit.MILLISECONDS, "12.3 ms"),
    (45_000, Unit.MILLISECONDS, "45.0 s"),
    (45, Unit.SECONDS, "45 s"),
    (185, Unit.SECONDS, "3m 05s"),
    (87.34, Unit.PERCENT, "87.3%"),
    (312, Unit.PERCENT, "312.0%"),
    (0, Unit.PERCENT, "0.0%"),
    (12345, Unit.NONE, "12,345"),
    (1_234_567, Unit.COUNT, "1,234,567"),
    (0.873, Unit.NONE, "0.873"),
    (0, Unit.COUNT, "0"),
])
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


def test_missing_is_never_zero():
    assert MISSING == "\u2013"
    for unit in Unit:
        assert format_value(None, unit) == "–"


def test_compact_counts_only_when_asked():
    assert format_value(1_234_567, Unit.COUNT) == "1,234,567"
    assert format_value(1_234_567, Unit.COUNT, compact=True) == "1.2M"
    assert format_value(1500, Unit.NONE, compact=True) == "1.5k"
    assert format_value(999, Unit.NONE, compact=True) == "999"
    assert format_value(2_000_000, Unit.NONE, compact=True) == "2M"
    assert format_count(345_000_000_000, compact=True) == "345B"


def test_sample_count_is_a_count_whatever_the_unit():
    assert format_value(1200, Unit.MICROSECONDS, stat="SampleCount") == "1,200"
    assert format_value(1200, Unit.MICROSECONDS, stat="Average") == "1.20 ms"


@pytest.mark.parametrize("seconds, expected", [
    (None, "–"), (0, "0 s"), (2.5, "2.5 s"), (45, "45 s"), (59.6, "1m 00s"), (185, "3m 05s"),
    (7500, "2h 05m"), (3 * 86400 + 4 * 3600 + 10, "3d 04h"), (-185, "-3m 05s"),
])
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


def test_format_age():
    now = datetime.now(timezone.utc)
    assert format_age(now - timedelta(seconds=45), now) == "45s"
    assert format_age(now - timedelta(minutes=3, seconds=59), now) == "3m"
    assert format_age(now - timedelta(hours=2, minutes=5), now) == "2h 05m"
    assert format_age(now - timedelta(days=3, hours=5), now) == "3d"
    assert format_age(now + timedelta(minutes=1), now) == "now"
    assert format_age(None, now) == "–"
    # naive datetimes are UTC; epoch seconds work too
    assert format_age((now - timedelta(minutes=7)).replace(tzinfo=None), now) == "7m"
    assert format_age(1000, 1000 + 420) == "7m"


def test_format_rate_and_percent():
    assert format_rate(120, 60) == "2.0/s"
    assert format_rate(3, 60) == "3.0/min"
    assert format_rate(2, 3600) == "2.0/h"
    assert format_rate(0, 60) == "0/s"
    assert format_rate(123_456, 60) == "2,058/s"
    assert format_rate(None, 60) == "–"
    assert format_rate(5, 0) == "–"
    assert percent(1, 4) == 25.0
    assert percent(5, 0) is None
    assert percent(None, 3) is None


def test_safe_text_shows_escape_sequences_and_controls_visibly():
    assert safe_text("\x1b[31mred\x1b[0m") == "␛[31mred␛[0m"
    assert safe_text("\x1b[1;38;2;255;0;0mbold\x1b[m") == "␛[1;38;2;255;0;0mbold␛[m"
    assert safe_text("\x1b]0;title\x07after") == "␛]0;title␇after"
    assert safe_text("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "␛]8;;http://x␛\\link␛]8;;␛\\"
    assert safe_text("\x1b(Bcharset") == "␛(Bcharset"
    assert safe_text("\x1b]0;unterminated") == "␛]0;unterminated"
    assert safe_text("end\x1b") == "end␛"
    assert safe_text("a\tb") == "a   b"
    assert safe_text("one\ntwo\rthree\x00\x07\x08\x7f") == "one␊two␍three␀␇␈␡"
    assert safe_text("c1\x9b31m") == "c1<U+009B>31m"
    assert safe_text("\x80\x9f") == "<U+0080><U+009F>"
    assert safe_text("bidi\u202eevil") == "bidi<U+202E>evil"  # inert, and visible
    # markup is just text
    assert safe_text("[bold red]boom[/]") == "[bold red]boom[/]"


@pytest.mark.parametrize("raw, symbols, payload", [
    ("\x1b]0;text\x07", ["␛", "␇"], "]0;text"),              # OSC window title, BEL-terminated
    ("\x1b]0;text\x1b\\", ["␛"], "]0;text"),                 # OSC ended by ST (ESC \\)
    ("\x1b[1;31mred\x1b[0m", ["␛"], "[1;31mred"),            # CSI colour
    ("\x9b31mred", ["<U+009B>"], "31mred"),                  # C1 (8-bit) CSI
    ("lone at the end\x1b", ["␛"], "lone at the end"),
    ("bell\x07rings", ["␇"], "rings"),
    ("back\x08space", ["␈"], "space"),
    ("del\x7fete", ["␡"], "ete"),
])
def test_safe_text_never_drops_a_control_or_its_payload(raw, symbols, payload):
    out = safe_text(raw)
    assert out.isprintable() and "\x1b" not in out and "\x9b" not in out
    for symbol in symbols:
        assert symbol in out
    assert payload in out
    # every printable character of the input is still there, in order
    kept = iter(out)
    assert all(ch in kept for ch in raw if ch.isprintable())


def test_safe_text_keeps_wide_characters_and_truncates_by_cells():
    assert safe_text("训练作业 🚀") == "训练作业 🚀"
    out = safe_text("中文字符abc", 5)
    assert out == "中文…" and cell_len(out) == 5
    out = safe_text("中文字符", 6)  # a wide character never split: 4 cells + "…"
    assert out == "中文…" and cell_len(out) <= 6
    assert safe_text("x" * 10, 4) == "xxx…"
    assert safe_text("short", 10) == "short"
    assert safe_text("abc", 0) == ""
    family = "👩\u200d👩\u200d👧"
    assert truncate_cells(family + "abc", 3) == family + "…"  # the joined emoji stays whole


def test_sparkline():
    assert sparkline([0, 50, 100, None], 6, 0, 100) == "  ▁▅█·"
    assert sparkline([0, 0, 0], 3) == "▁▁▁"           # idle stays at the bottom
    assert sparkline([5, 5, 5], 3) == "▄▄▄"           # flat but busy: middle
    assert sparkline([None, None], 3) == " ··"
    assert sparkline([], 3) == "   "
    assert sparkline(list(range(30)), 10) == "▁▂▃▃▄▅▆▆▇█"
    assert sparkline([float("nan"), 1.0, 2.0], 3) == "·▁█"
    assert sparkline([150, -10], 2, 0, 100) == "█▁"   # clamped
    assert len(sparkline([1.0] * 100, 8)) == 8
    assert sparkline([1, 2], 0) == ""


def test_resample_averages_present_points_per_bucket():
    assert resample([1, 3, None, None, 5, 7], 3) == [2.0, None, 6.0]
    assert resample([1, None], 4) == [1, None]


def test_one_conversion_to_milliseconds_for_every_latency_unit():
    assert to_milliseconds(12345, Unit.MICROSECONDS) == 12.345
    assert to_milliseconds(250.0, Unit.MILLISECONDS) == 250.0
    assert to_milliseconds(1.5, Unit.SECONDS) == 1500.0
    with pytest.raises(ValueError):
        to_milliseconds(1.0, Unit.PERCENT)
    # what a cell, a chart axis and a health threshold read agree: 1,500,000 µs is 1,500 ms
    assert format_value(1_500_000, Unit.MICROSECONDS) == format_value(1500, Unit.MILLISECONDS) == "1,500 ms"
