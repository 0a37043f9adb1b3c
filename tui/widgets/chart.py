"""A line chart of one or more metric series, drawn by plotext, for the host and endpoint panes.

Typical uses: one host's GPU utilization against the cluster median, or ModelLatency against
OverheadLatency. Values are shown in the unit a person reads (microseconds as ms), missing
points leave gaps in the line, and the x axis counts minutes back from the newest point.
The y axis starts at zero (utilizations, counts) unless the chart is made with
``zero_based=False``, which fits the axis to the data with a small margin (a training loss
falling from 2.4 to 1.9 fills the plot instead of a flat line near its top). Every series of
one chart shares one scale, in the plot and in the sparkline fallback alike, so a host and its
cluster median stay comparable.

A plotext build costs milliseconds to tens of milliseconds, so the chart is built only when
its data or its size changes; every other repaint reuses the last build. plotext keeps
global state: build only from the UI thread (``render`` is only called there).
Labels and titles pass through :func:`tui.model.format.safe_text` and the legend is drawn as
``rich.text.Text``, so names from AWS are never read as markup or escape codes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Span, Text
from textual.widget import Widget

from tui.model.catalog import Unit
from tui.model.format import display_scale, safe_text, sparkline, unit_label
from tui.model.glyphs import glyphs
from tui.widgets.palette import Palette, on_theme_change, palette

#: Codes plotext draws the series with, in turn: markers only, replaced after the build by the
#: theme's ``$sagemon-series-N`` colours (:func:`themed`), as are the legend and sparklines.
PALETTE = (12, 10, 9, 14, 13, 11)

#: Below this many columns or rows the chart falls back to one sparkline per series.
MIN_PLOT_WIDTH = 30
MIN_PLOT_HEIGHT = 8

#: Share of the data's range added below and above it by an auto-fitted y axis.
FIT_MARGIN = 0.05


#: A chart title is not cut below this many cells to make room for the legend.
MIN_TITLE = 16


def _cut(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` cells, ending in "…" when cut."""
    if cell_len(text) <= cells:
        return text
    if cells <= 1:
        return "…"[:max(cells, 0)]
    return set_cell_size(text, cells - 1).rstrip(" ") + "…"


@dataclass(frozen=True)
class ChartSeries:
    """One line: its legend label and its values on the period grid (``None``: no point)."""

    label: str
    values: list[float | None]


def _segments(values: list[float | None], period: int, scale: float
              ) -> tuple[list[float], list[float], list[int]]:
    """x (minutes before the newest slot), y, and indexes of points that start a new run."""
    n = len(values)
    xs: list[float] = []
    ys: list[float] = []
    breaks: list[int] = []
    prev = None
    for i, v in enumerate(values):
        if v is None or v != v:
            continue
        if prev is not None and i != prev + 1:
            breaks.append(len(xs))
        xs.append(-(n - 1 - i) * period / 60.0)
        ys.append(v * scale)
        prev = i
    return xs, ys, breaks


def minute_ticks(span_minutes: float, width: int) -> list[int]:
    """Whole-minute tick positions from ``-span_minutes`` to 0, about one per 12 columns."""
    want = max(2, width // 12)
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440):
        if span_minutes / step <= want:
            break
    return [-k * step for k in range(int(span_minutes // step), -1, -1)]


def value_ticks(lo: float, hi: float, rows: int) -> list[float]:
    """Round y-axis tick positions from ``lo`` to ``hi`` (1, 2, 2.5 or 5 times a power of
    ten apart), about one for every two rows of plot and never more than six."""
    if not (hi > lo) or not math.isfinite(lo) or not math.isfinite(hi):
        return [lo] if math.isfinite(lo) else []
    want = max(2, min(6, rows // 2 + 1))
    mag = 10.0 ** math.floor(math.log10((hi - lo) / want))
    for step in (m * mag * p for p in (0.1, 1.0, 10.0) for m in (1.0, 2.0, 2.5, 5.0)):
        first = math.ceil(lo / step - 1e-9)
        last = math.floor(hi / step + 1e-9)
        if last - first + 1 <= want:
            return [k * step + 0.0 for k in range(first, last + 1)]
    return [lo, hi]


def tick_labels(ticks: list[float]) -> list[str]:
    """Short labels for :func:`value_ticks` positions: ``0  500  1k  1.5k  2k``, ``1.9  2.0``,
    ``2M`` (no exponent notation); every label of one axis has the same decimals per suffix."""
    if not ticks:
        return []
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else abs(ticks[0]) or 1.0

    def decimals(unit_step: float) -> int:
        if unit_step <= 0:
            return 0
        d = max(0, -math.floor(math.log10(unit_step) + 1e-9))
        return d + (1 if round(unit_step * 10 ** d, 6) % 1 else 0)  # 2.5, 0.25: one more

    out = []
    for v in ticks:
        for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, "")):
            if abs(v) >= scale or scale == 1.0:
                break
        d = decimals(step / scale)
        text = f"{v / scale:,.{d}f}"
        if suffix and "." in text:  # 1.0k reads as 1k
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", "-0.0") or (v == 0 and not suffix):
            text = f"{0:.{d}f}"
        out.append(text + suffix)
    return out


class MetricChart(Widget):
    """A titled plotext line chart; :meth:`set_series` changes what it shows."""

    DEFAULT_CSS = """
    MetricChart { height: 14; width: 1fr; }
    """

    def __init__(self, title: str = "", unit: Unit = Unit.NONE, *, period: int = 60,
                 lo: float | None = None, hi: float | None = None, zero_based: bool = True,
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        """``lo``/``hi`` fix the y axis (in the metric's own unit); without ``lo`` the axis
        starts at zero, or with ``zero_based=False`` is fitted to the data."""
        super().__init__(name=name, id=id, classes=classes)
        self._title = title
        self._unit = unit
        self._period = period
        self._lo, self._hi = lo, hi
        self._zero_based = zero_based
        self._series: list[ChartSeries] = []
        self._version = 0
        self._cache_key: tuple[int, int, int] | None = None
        self._cache = Text()
        self.builds = 0  #: how many times the chart was actually built (not reused)

    @property
    def title(self) -> str:
        return self._title

    @property
    def series(self) -> list[ChartSeries]:
        return list(self._series)

    @property
    def zero_based(self) -> bool:
        """Whether the y axis starts at zero (else it is fitted to the data)."""
        return self._zero_based

    def set_series(self, series: list[ChartSeries], *, title: str | None = None,
                   unit: Unit | None = None, period: int | None = None) -> None:
        """Replace the lines (and optionally title, unit, period); repaints once."""
        self._series = list(series)
        if title is not None:
            self._title = title
        if unit is not None:
            self._unit = unit
        if period is not None:
            self._period = period
        self._version += 1
        self.refresh()

    def on_mount(self) -> None:
        on_theme_change(self, self.refresh)

    def _palette(self) -> Palette:
        try:
            return palette(self.app)
        except Exception:  # noqa: BLE001 - drawn outside an app (tests call build_text)
            return Palette({})

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        key = (self._version, width, height, id(self._palette()))
        if key != self._cache_key:
            self._cache = self.build_text(width, height)
            self._cache_key = key
            self.builds += 1
        return self._cache

    # -- building ----------------------------------------------------------------------

    def _header(self, width: int) -> Text:
        """Title, unit and legend on one line. When they do not fit, the title gives way
        first (down to :data:`MIN_TITLE` cells), then every legend label alike: a colour
        without its name cannot be read, a shortened title still can."""
        width = max(width, 0)
        title = safe_text(self._title)
        unit = unit_label(self._unit)
        unit_text = f" ({unit})" if unit and unit != "count" else ""
        labels = [safe_text(s.label, 40) for s in self._series]
        if len(labels) == 1 and labels[0] == title:
            labels = []  # one line named as the chart: "train:loss  ■ train:loss" says it twice
        legend = sum(4 + cell_len(lb) for lb in labels)  # "  ■ " before each label
        room = width - legend - cell_len(unit_text)
        if cell_len(title) > room:
            title = _cut(title, max(room, min(cell_len(title), MIN_TITLE)))
        spare = width - cell_len(title) - cell_len(unit_text) - 4 * len(labels)
        while labels and sum(cell_len(lb) for lb in labels) > spare and max(cell_len(lb) for lb in labels) > 4:
            longest = max(range(len(labels)), key=lambda i: cell_len(labels[i]))
            labels[longest] = _cut(labels[longest], cell_len(labels[longest]) - 1)
        head = Text(no_wrap=True, overflow="ellipsis", end="")
        head.append(title, style="bold")
        if unit_text:
            head.append(unit_text, style="dim")
        pal = self._palette()
        for i, label in enumerate(labels):
            head.append("  ")
            head.append(f"{glyphs().legend} ", style=pal.series(i))
            head.append(label)
        head.truncate(width, overflow="ellipsis")
        return head

    def build_text(self, width: int, height: int) -> Text:
        """The chart as text for a ``width`` x ``height`` area (title line included)."""
        out = self._header(width)
        if height <= 1 or width <= 0:
            return out
        scale = display_scale(self._unit)
        present = [v * scale for s in self._series for v in s.values if v is not None and v == v]
        if not present:
            out.append("\n")
            out.append("no data", style="dim italic")
            return out
        if width < MIN_PLOT_WIDTH or height - 1 < MIN_PLOT_HEIGHT:
            lo, hi = self.y_range(present, margins=False)
            for i, s in enumerate(self._series[: height - 1]):
                out.append("\n")
                scaled = [None if v is None or v != v else v * scale for v in s.values]
                out.append(sparkline(scaled, width, lo, hi), style=self._palette().series(i))
            return out
        lo, hi = self.y_range(present)
        chart = _plot(self._series, width, height - 1, self._period, scale, lo, hi,
                      unit_label(self._unit))
        out.append("\n")
        out.append_text(themed(chart, self._palette()))
        return out

    def y_range(self, present: list[float], *, margins: bool = True) -> tuple[float, float]:
        """The y axis bounds for ``present`` (every series' values, in display units).

        Zero-based: from 0 (or the lowest value, if negative) to the highest value plus 10 %
        (percentages to at least 100). Fitted: the data's range plus :data:`FIT_MARGIN` of it
        on each side, never below zero for data that is not. ``lo``/``hi`` given to the chart
        win; ``margins=False`` leaves out the headroom (for sparklines, whose cells are coarse).
        """
        scale = display_scale(self._unit)
        bottom, top = min(present), max(present)
        if self._zero_based:
            lo = 0.0 if bottom >= 0 else bottom
            if self._unit is Unit.PERCENT:
                hi = max(100.0, top)
            elif margins:
                hi = top * 1.1 if top > 0 else 1.0
            else:
                hi = top
        else:
            pad = ((top - bottom) or abs(top) or 1.0) * FIT_MARGIN if margins else 0.0
            lo, hi = bottom - pad, top + pad
            if bottom >= 0 > lo:
                lo = 0.0
        if self._lo is not None:
            lo = self._lo * scale
        if self._hi is not None:
            hi = max(self._hi * scale, top)
        if hi <= lo and margins:
            hi = lo + 1.0
        return lo, hi


def _plot(series: list[ChartSeries], width: int, height: int, period: int, scale: float,
          lo: float, hi: float, ylabel: str) -> Text:
    import plotext as plt  # imported on first draw: about 50-250 ms, off the start-up path

    if hasattr(plt, "clear_figure"):  # plotext 5.x: the module-level API
        plt.clear_figure()
        plt.plotsize(width, height)
        plt.theme("clear")
        for i, s in enumerate(series):
            xs, ys, breaks = _segments(s.values, period, scale)
            bounds = [0, *breaks, len(xs)]
            for a, b in zip(bounds, bounds[1:]):
                if b > a:
                    plt.plot(xs[a:b], ys[a:b], color=PALETTE[i % len(PALETTE)])
        ticks = minute_ticks(_span(series, period), width)
        plt.xticks(ticks, [str(t) for t in ticks])
        plt.ylim(lo, hi)
        plt.xlabel("min")
        plt.ylabel(ylabel)
        return Text.from_ansi(plt.build().rstrip("\n"), no_wrap=True, end="")

    plt.terminal.limit(False, False)  # plotext 6: size by our arguments, not the terminal's
    fig = plt.figure
    fig.clear()
    fig.plot_size(width, height)
    fig.theme("simple")
    for i, s in enumerate(series):
        xs, ys, breaks = _segments(s.values, period, scale)
        if not xs:
            continue
        colour = plt.marker(symbol=glyphs().chart, pixel=plt.pixel(foreground=PALETTE[i % len(PALETTE)]))
        sig = fig.signal(xs, ys, marker=colour)
        sig.lines()
        for b in breaks:
            sig.line(b, False)
        fig.draw(sig)
    ticks = minute_ticks(_span(series, period), width)
    fig.ruler("x").ticks(ticks, [str(t) for t in ticks])
    fig.ruler("y").lim(lo, hi)
    yticks = value_ticks(lo, hi, height - 4)  # the x axis, its labels and title take 3 rows
    if yticks:
        fig.ruler("y").ticks(yticks, tick_labels(yticks))
    fig.label("min", axis="x")
    fig.label(ylabel, axis="y")
    return Text.from_ansi(fig.build().string().rstrip("\n"), no_wrap=True, end="")


def themed(chart: Text, pal: Palette) -> Text:
    """plotext's output with each series' marker code replaced by the theme's series colour;
    any other colour plotext used is dropped (the axes take the widget's own colour)."""
    spans = []
    for span in chart.spans:
        style = span.style if isinstance(span.style, Style) else Style.parse(str(span.style))
        number = style.color.number if style.color is not None else None
        colour = pal.series(PALETTE.index(number)) if number in PALETTE else Style()
        spans.append(Span(span.start, span.end, Style(bold=style.bold, dim=style.dim) + colour))
    chart.spans = spans
    return chart


def _span(series: list[ChartSeries], period: int) -> float:
    """Minutes from the oldest slot to the newest."""
    n = max((len(s.values) for s in series), default=1)
    return max(n - 1, 1) * period / 60.0
