"""The one place that turns values into text for people.

Every widget and screen formats metric values, durations, ages, rates and untrusted strings
through these functions, so the whole product speaks one dialect:

* a missing value is an en dash (``"–"``), never a fake ``0``;
* latencies read in the unit a person thinks in (``"850 µs"``, ``"12.3 ms"``, ``"12.3 s"``);
* percentages may exceed 100 (CloudWatch reports 0-100 % *per GPU or core*: ``"312.0%"``);
* counts carry thousands separators, and are abbreviated (``"1.2M"``) only when asked;
* text that came from AWS (names, log lines, failure reasons) passes through
  :func:`safe_text`, which shows terminal escape sequences and control characters as
  visible symbols (``ESC`` as ``"␛"``), so nothing is interpreted and nothing is lost.

:func:`sparkline` lives here as well: it is pure and the model tests exercise it.
Nothing here imports Textual.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from functools import lru_cache

from rich.cells import split_graphemes

from tui.model.catalog import Unit
from tui.model.glyphs import glyphs
from tui.model.resources import epoch_seconds

#: What every formatter shows for a value that does not exist.
MISSING = "–"

#: Statistics whose value is a number of samples, whatever the metric's unit.
_COUNT_STATS = frozenset({"SampleCount"})

_COMPACT_STEPS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# -- numbers -----------------------------------------------------------------------------

def format_count(value: float | None, *, compact: bool = False) -> str:
    """A count or unit-less value: ``"12,345"``, ``"0.873"``; ``"1.2M"`` with ``compact``.

    Whole numbers are shown whole with thousands separators; fractional values (averages,
    ratios such as ModelCacheHit) keep three significant digits.
    """
    if _is_missing(value):
        return MISSING
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if compact and abs(v) >= 1000:
        for step, suffix in _COMPACT_STEPS:
            if abs(v) >= step:
                scaled = v / step
                text = f"{scaled:.1f}" if abs(scaled) < 100 else f"{scaled:.0f}"
                if text.endswith(".0"):
                    text = text[:-2]
                return text + suffix
    if v.is_integer() or abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}" if abs(v) >= 0.001 or v == 0 else f"{v:.1e}"


def format_percent(value: float | None, decimals: int = 1) -> str:
    """``"87.3%"``; values above 100 are kept (a 4-GPU host can read ``"312.0%"``)."""
    if _is_missing(value):
        return MISSING
    return f"{float(value):.{decimals}f}%"


def to_milliseconds(value: float, unit: Unit) -> float:
    """A latency of ``unit`` in milliseconds: the one place microseconds (and seconds) become
    milliseconds."""
    if unit is Unit.MICROSECONDS:
        return value / 1e3
    if unit is Unit.MILLISECONDS:
        return value
    if unit is Unit.SECONDS:
        return value * 1e3
    raise ValueError(f"not a latency unit: {unit}")


def _format_seconds_value(seconds: float) -> str:
    """A latency already converted to seconds: µs below 1 ms, ms below 10 s, then seconds."""
    a = abs(seconds)
    if a < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if a < 10.0:
        ms = seconds * 1e3
        if abs(ms) < 10:
            text = f"{ms:.2f}"
        elif abs(ms) < 100:
            text = f"{ms:.1f}"
        else:
            text = f"{ms:,.0f}"
            if abs(round(ms)) >= 10_000:  # 9,999.6 ms rounds up: say seconds instead
                return f"{seconds:.1f} s"
        return f"{text} ms"
    if a < 100.0:
        return f"{seconds:.1f} s"
    return format_duration(seconds)


def format_value(value: float | None, unit: Unit, *, stat: str | None = None,
                 compact: bool = False) -> str:
    """Format one metric value for a person, according to its catalog unit.

    ``stat`` matters where the statistic changes the meaning: a ``SampleCount`` is a count
    whatever the unit. ``compact`` abbreviates large counts (``"1.2M"``).

    >>> format_value(12345, Unit.MICROSECONDS)
    '12.3 ms'
    >>> format_value(None, Unit.PERCENT)
    '–'
    """
    if _is_missing(value):
        return MISSING
    v = float(value)
    if stat in _COUNT_STATS:
        return format_count(v, compact=compact)
    if math.isinf(v):
        return format_count(v)
    if unit in (Unit.MICROSECONDS, Unit.MILLISECONDS):
        return _format_seconds_value(to_milliseconds(v, unit) / 1e3)
    if unit is Unit.SECONDS:
        return format_duration(v)
    if unit is Unit.PERCENT:
        return format_percent(v)
    return format_count(v, compact=compact)


def unit_label(unit: Unit) -> str:
    """The short axis label for values of ``unit`` as charts display them (latencies in ms)."""
    return {Unit.PERCENT: "%", Unit.MICROSECONDS: "ms", Unit.MILLISECONDS: "ms",
            Unit.SECONDS: "s", Unit.COUNT: "count"}.get(unit, "")


def display_scale(unit: Unit) -> float:
    """The factor that converts raw values of ``unit`` to the unit of :func:`unit_label`."""
    return to_milliseconds(1.0, unit) if unit is Unit.MICROSECONDS else 1.0


# -- time --------------------------------------------------------------------------------

def format_duration(seconds: float | None) -> str:
    """A length of time: ``"45 s"``, ``"3m 05s"``, ``"2h 05m"``, ``"3d 04h"``.

    Fractions of a second are shown only below 10 s (``"2.5 s"``); negative durations keep
    their sign.
    """
    if _is_missing(seconds):
        return MISSING
    s = float(seconds)
    if math.isinf(s):
        return "∞"
    if s < 0:
        return "-" + format_duration(-s)
    if s < 10 and not s.is_integer():
        return f"{s:.1f} s"
    total = int(round(s))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        m, sec = divmod(total, 60)
        return f"{m}m {sec:02d}s"
    if total < 86400:
        h, rem = divmod(total, 3600)
        return f"{h}h {rem // 60:02d}m"
    d, rem = divmod(total, 86400)
    return f"{d}d {rem // 3600:02d}h"


def _epoch(t: datetime | float | int) -> float:
    return epoch_seconds(t) if isinstance(t, datetime) else float(t)


def format_age(dt: datetime | float | int | None, now: datetime | float | int | None = None) -> str:
    """How long ago ``dt`` was, coarse enough for a table cell: ``"45s"``, ``"3m"``,
    ``"2h 05m"``, ``"3d"``.

    ``dt`` and ``now`` may be datetimes (naive ones are read as UTC) or epoch seconds; ``now``
    defaults to the current time. A time in the future (clock skew) reads ``"now"``.
    """
    if dt is None:
        return MISSING
    now_s = datetime.now(timezone.utc).timestamp() if now is None else _epoch(now)
    age = now_s - _epoch(dt)
    if age < 1:
        return "now"
    age_i = int(age)
    if age_i < 60:
        return f"{age_i}s"
    if age_i < 3600:
        return f"{age_i // 60}m"
    if age_i < 86400:
        h, rem = divmod(age_i, 3600)
        return f"{h}h {rem // 60:02d}m"
    return f"{age_i // 86400}d"


def format_rate(count: float | None, per_seconds: float | None) -> str:
    """``count`` events over ``per_seconds`` as a rate: ``"12.3/s"``, ``"4.5/min"``, ``"2.0/h"``.

    The largest unit in which the rate is at least 1 is chosen (per second, minute, hour);
    a zero count reads ``"0/s"``.
    """
    if _is_missing(count) or _is_missing(per_seconds) or per_seconds <= 0:
        return MISSING
    per_s = float(count) / float(per_seconds)
    if per_s == 0:
        return "0/s"
    for factor, suffix in ((1, "/s"), (60, "/min"), (3600, "/h")):
        r = per_s * factor
        if abs(r) >= 1 or suffix == "/h":
            if abs(r) >= 100:
                return f"{r:,.0f}{suffix}"
            return f"{r:.1f}{suffix}"
    raise AssertionError("unreachable")


def format_per_minute(value: float | None) -> str:
    """A rate per minute to one decimal: ``"12.3/min"``, ``"1,234/min"``; ``"–"`` without one."""
    return MISSING if value is None else f"{format_count(round(value, 1))}/min"


def percent(part: float | None, whole: float | None) -> float | None:
    """``part`` as a percentage of ``whole``; ``None`` when either is missing or ``whole`` is 0."""
    if _is_missing(part) or _is_missing(whole) or whole == 0:
        return None
    return 100.0 * float(part) / float(whole)


# -- untrusted text ----------------------------------------------------------------------

# Every C0 control (tabs are expanded before), DEL and every C1 control is replaced by a
# visible symbol, and so are the bidirectional overrides that could reorder what a person reads.
# ESC is one of the C0 controls: an escape sequence loses only its power, never its text.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible_control(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ ␀ ␇ ␊ ...
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"  # C1 controls and bidi overrides: 0x9b (an 8-bit CSI) is "<U+009B>"


def truncate_cells(text: str, max_len: int) -> str:
    """Cut ``text`` to at most ``max_len`` terminal cells, ending with ``"…"`` when cut.

    Wide characters (CJK, emoji) count two cells and are never split; grapheme clusters
    (an emoji with its joiners, a letter with its accents) stay whole.
    """
    if max_len <= 0:
        return ""
    if text.isascii():
        return text if len(text) <= max_len else text[: max_len - 1] + "…"
    spans, total = split_graphemes(text)
    if total <= max_len:
        return text
    budget = max_len - 1
    used = 0
    end = 0
    for start, stop, width in spans:
        if used + width > budget:
            break
        used += width
        end = stop
    return text[:end] + "…"


def safe_text(s: str, max_len: int | None = None) -> str:
    """Make untrusted text safe to show as one line in the terminal.

    Nothing in it is interpreted, and no control character is dropped with what follows it:

    * every C0 control is shown as its Unicode control picture, ESC included, so an escape
      sequence stays on screen whole and inert: ``"\\x1b]0;title\\x07"`` reads
      ``"␛]0;title␇"`` and ``"\\x1b[31mred\\x1b[0m"`` reads ``"␛[31mred␛[0m"``; newlines
      read ``"␊"``, carriage returns ``"␍"``, backspaces ``"␈"``;
    * DEL is shown as ``"␡"`` and C1 controls as their code point (the 8-bit CSI
      ``"\\x9b"`` reads ``"<U+009B>"``); tabs become spaces (tab stops every 4 cells);
    * bidirectional overrides, which could reorder what a person reads, are shown as their
      code point too (``"<U+202E>"``): inert, and not silently dropped;
    * wide characters and emoji are kept; with ``max_len`` the result is cut to that many
      terminal cells (see :func:`truncate_cells`).

    The result contains no markup processing: show it with ``rich.text.Text(result)``,
    never through ``Text.from_markup``.
    """
    if not isinstance(s, str):
        s = str(s)
    if not s.isprintable():
        if "\t" in s:
            s = s.expandtabs(4)
        s = _CONTROLS.sub(_visible_control, s)
    if max_len is not None:
        s = truncate_cells(s, max_len)
    return s


# -- sparklines --------------------------------------------------------------------------

SPARK_CHARS = "▁▂▃▄▅▆▇█"
#: Drawn where a point is missing (no data that period): visibly different from a zero.
SPARK_GAP = "·"


@lru_cache(maxsize=64)
def _buckets(n: int, width: int) -> tuple[tuple[int, int], ...]:
    return tuple((i * n // width, (i + 1) * n // width) for i in range(width))


def resample(values: list[float | None], width: int) -> list[float | None]:
    """Fit ``values`` into ``width`` buckets by averaging the present points of each bucket.

    Shorter input is returned as is (NaN made ``None``). A bucket with no present point is
    ``None``.
    """
    n = len(values)
    if n <= width:
        return [None if v is None or v != v else v for v in values]
    out: list[float | None] = []
    for lo, hi in _buckets(n, width):
        total = 0.0
        count = 0
        for v in values[lo:hi]:
            if v is not None and v == v:
                total += v
                count += 1
        out.append(total / count if count else None)
    return out


def sparkline(values: list[float | None], width: int, lo: float | None = None,
              hi: float | None = None) -> str:
    """A one-line chart of exactly ``width`` cells using ``▁▂▃▄▅▆▇█``.

    More points than cells are averaged into buckets; fewer points are right-aligned (the
    newest point is always at the right edge) with blank padding on the left. Missing
    points (``None`` or NaN) are drawn as ``"·"``. ``lo``/``hi`` fix the scale (e.g. 0 and
    100 for percentages); otherwise the range of the present points is used. Values outside
    the scale are clamped. On an empty scale (every point equal, no ``lo``/``hi``) points
    at or below zero draw at the bottom (an idle GPU) and others in the middle.
    """
    if width <= 0:
        return ""
    table = glyphs()  # ``--ascii``: ``_.-~=+*#`` and ``.``
    chars, gap = table.spark, table.gap
    pts = resample(values, width)
    present = [v for v in pts if v is not None]
    if not present:
        return (" " * (width - len(pts))) + gap * len(pts)
    low = min(present) if lo is None else lo
    high = max(present) if hi is None else hi
    span = high - low
    top = len(chars) - 1
    out = [" " * (width - len(pts))]
    if span <= 0:
        for v in pts:
            out.append(gap if v is None else chars[0] if v <= 0 else chars[top // 2])
        return "".join(out)
    k = top / span
    for v in pts:
        if v is None:
            out.append(gap)
            continue
        idx = int((v - low) * k + 0.5)
        out.append(chars[0 if idx < 0 else top if idx > top else idx])
    return "".join(out)
