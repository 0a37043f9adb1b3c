"""A one-line sparkline widget, drawn with the pure :func:`tui.model.format.sparkline`.

The drawing function lives in the model package (it is pure and tested there) and is
re-exported here for widget code.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.model.format import SPARK_CHARS, SPARK_GAP, sparkline

__all__ = ["SPARK_CHARS", "SPARK_GAP", "SparklineText", "sparkline"]


class SparklineText(Widget):
    """A one-row sparkline of its values, averaged into the widget's width when there are more.

    ``lo``/``hi`` fix the scale (0 and 100 for percentages); ``None`` uses the data's range.
    Call :meth:`set_values` to change the data; nothing else triggers a repaint.
    """

    DEFAULT_CSS = """
    SparklineText { height: 1; width: 1fr; }
    """

    def __init__(self, values: list[float | None] | None = None, *, lo: float | None = None,
                 hi: float | None = None, style: str = "", name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._values: list[float | None] = list(values or [])
        self._lo, self._hi = lo, hi
        self._style = style

    @property
    def values(self) -> list[float | None]:
        return list(self._values)

    def set_values(self, values: list[float | None], *, lo: float | None = None,
                   hi: float | None = None) -> None:
        self._values = list(values)
        if lo is not None:
            self._lo = lo
        if hi is not None:
            self._hi = hi
        self.refresh()

    def render(self) -> Text:
        width = max(self.size.width, 0)
        return Text(sparkline(self._values, width, self._lo, self._hi), style=self._style,
                    no_wrap=True, end="")
