"""A log pane that shows CloudWatch log lines literally, with follow mode and search.

Log lines are untrusted: they carry ANSI colour codes (tqdm, coloured loggers), window-title
escapes, text that looks like Rich markup (``[bold red]x[/]``), very long JSON lines and wide
characters. None of that may change this widget's styling or layout:

* every line passes through :func:`tui.model.format.safe_text` (ESC and every other control
  character shown as a visible symbol, so an escape sequence appears inert with all of its
  text: ``"␛]0;title␇"``) and is written as a ``rich.text.Text`` built from plain text, with
  ``markup=False`` and ``highlight=False``;
* a carriage return inside a line keeps only the text after the last one, as a terminal
  would show a progress bar that redraws itself;
* lines never wrap: one line of text is always one row; lines wider than the view scroll
  horizontally inside the widget, and are cut at ``max_line_cells`` cells (ending in ``"…"``).

``max_lines`` bounds memory (oldest lines are dropped). ``f`` toggles follow mode (scroll to
each new line); :meth:`LogView.set_search` highlights matches and jumps to the first (the
match centred in the view), ``n`` / ``N`` jump to the next / previous match.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar, Iterable

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.widgets import RichLog

from tui.model.format import safe_text
from tui.widgets.palette import on_theme_change

#: Search matches: the theme's ``$sagemon-match`` behind the text (rule in ``sagemon.tcss``).
MATCH_CLASS = "log-view--match"


def _folded(text: str) -> str:
    """``text`` lower-cased for matching, position for position (else as it is)."""
    low = text.lower()
    return low if len(low) == len(text) else text


def clean_line(line: str, max_cells: int | None = None) -> str:
    """One log line as it is shown: last carriage-return segment, made safe, cut to width."""
    if "\r" in line:
        parts = [p for p in line.split("\r") if p]
        line = parts[-1] if parts else ""
    return safe_text(line, max_cells)


class LogView(RichLog):
    """A bounded, literal log view with follow mode and search."""

    DEFAULT_CSS = """
    LogView { height: 1fr; overflow-x: auto; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {MATCH_CLASS}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "toggle_follow", "Follow", show=True),
    ]

    follow: var[bool] = var(True)
    """Scroll to the newest line as lines arrive."""

    def __init__(self, *, max_lines: int = 5000, max_line_cells: int = 2000, follow: bool = True,
                 name: str | None = None, id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        super().__init__(max_lines=max_lines, wrap=False, markup=False, highlight=False,
                         auto_scroll=follow, name=name, id=id, classes=classes, disabled=disabled)
        self.max_line_cells = max_line_cells
        self._texts: deque[str] = deque(maxlen=max_lines)
        self._search = ""
        self._matches: list[int] = []
        self._current = -1
        self.set_reactive(LogView.follow, follow)

    # -- content -----------------------------------------------------------------------

    @property
    def plain_lines(self) -> list[str]:
        """The lines as shown (after cleaning), oldest first."""
        return list(self._texts)

    @property
    def search_text(self) -> str:
        return self._search

    @property
    def matches(self) -> list[int]:
        """Indexes (into :attr:`plain_lines`) of the lines that contain the search text."""
        return list(self._matches)

    @property
    def current_match(self) -> int | None:
        """The line index the last jump went to."""
        return self._matches[self._current] if 0 <= self._current < len(self._matches) else None

    def write_line(self, line: str) -> None:
        """Append one event's text; each embedded newline starts another line."""
        self.write_lines([line])

    def write_lines(self, lines: Iterable[str]) -> None:
        """Append many events at once (one layout pass)."""
        added = []
        for event in lines:
            for part in str(event).split("\n"):  # not splitlines(): "\r" is not a new line
                added.append(clean_line(part, self.max_line_cells))
        if not added:
            return
        maxlen = self._texts.maxlen or len(added)
        added = added[-maxlen:]
        dropped = max(0, len(self._texts) + len(added) - maxlen)
        self._texts.extend(added)
        if self._search:
            needle = self._search
            base = len(self._texts) - len(added)
            if dropped:
                self._matches = [i - dropped for i in self._matches if i >= dropped]
                self._current = min(self._current, len(self._matches) - 1)
            self._matches += [base + i for i, t in enumerate(added) if needle in _folded(t)]
        for text in added:
            self.write(self._styled(text), shrink=False, scroll_end=self.follow)

    def clear(self) -> LogView:
        self._texts.clear()
        self._matches = []
        self._current = -1
        return super().clear()

    # -- search ------------------------------------------------------------------------

    def set_search(self, text: str) -> int:
        """Highlight lines containing ``text`` (ignoring case) and jump to the first match.

        Returns the number of matching lines; an empty text clears the search. Follow mode
        is turned off while a match is shown so new lines do not scroll it away.
        """
        self._search = text.lower()
        self._matches = ([i for i, t in enumerate(self._texts) if self._search in _folded(t)]
                         if self._search else [])
        self._current = 0 if self._matches else -1
        self._rewrite()
        if self._matches:
            self.follow = False
            self._jump()
        return len(self._matches)

    def action_next_match(self) -> None:
        if self._matches:
            self._current = (self._current + 1) % len(self._matches)
            self._jump()

    def action_previous_match(self) -> None:
        if self._matches:
            self._current = (self._current - 1) % len(self._matches)
            self._jump()

    def on_mount(self) -> None:
        on_theme_change(self, lambda: self._search and self._rewrite())  # matches in the new colours

    def on_key(self, event: events.Key) -> None:
        # n / N jump here, while the key is handled, not as bindings (which run only after the
        # key has passed the screen): the screen around the view reads the new position when
        # the key reaches it, and must not read the old one.
        if event.key == "n":
            self.action_next_match()
        elif event.key == "N":
            self.action_previous_match()

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow

    def watch_follow(self, follow: bool) -> None:
        self.auto_scroll = follow
        if follow:
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    # -- internals ---------------------------------------------------------------------

    def _styled(self, text: str) -> Text:
        line = Text(text, no_wrap=True, end="")
        if self._search and self._search in _folded(text):
            low, n, start = _folded(text), len(self._search), 0
            try:
                match = self.get_component_rich_style(MATCH_CLASS, partial=True)
            except Exception:  # noqa: BLE001 - not styled yet
                match = Style()
            if match.bgcolor is None:  # no theme rule (a bare app): reverse video shows it
                match = match + Style(reverse=True)
            while (i := low.find(self._search, start)) >= 0:
                line.stylize(match, i, i + n)
                start = i + n
        return line

    def _rewrite(self) -> None:
        """Render every stored line again (after the search changed)."""
        texts = list(self._texts)
        super().clear()
        for text in texts:
            self.write(self._styled(text), shrink=False, scroll_end=False)

    def _jump(self) -> None:
        line = self.current_match
        if line is None:
            return
        region = self.scrollable_content_region
        text = self._texts[line]
        column = cell_len(text[: max(0, _folded(text).find(self._search))])
        x = 0 if column < region.width else column - region.width // 2
        self.scroll_to(x=x, y=max(0, line - region.height // 2), animate=False, immediate=False)
