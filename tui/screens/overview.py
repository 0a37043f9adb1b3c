"""The live overview: one tab per resource kind, each a :class:`ResourceTable`.

Keys (k9s style): ``:`` jump to a pane by name, ``/`` filter (Esc clears), Enter opens the
selected resource, ``s``/``S`` cycle/reverse the sort, Tab/Shift+Tab or the digits switch panes.
The screen never talks to AWS: the app hands it each refresh's state through
:meth:`OverviewScreen.state_changed` and it redraws only the visible pane (other panes are
redrawn when they are shown).
"""

from __future__ import annotations

import time
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.lazy import Lazy
from textual.message import Message
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static, Tab, Tabs
from textual.worker import get_current_worker

from tui.model.accounts import accounts_of
from tui.model.format import safe_text
from tui.model.cells import Row
from tui.model.overview import resource_count
from tui.model.time_travel import count_at, rows_at
from tui.model.kinds import PANE_ALIASES, PANE_KINDS, PANES, Pane, pane_named
from tui.model.state import AppState, discovery_error_text
from tui.screens.drill import DrillHost, DrillScreen
from tui.widgets.breadcrumb import Breadcrumb
from tui.widgets.resource_table import ResourceTable
from tui.widgets.status_bar import StatusBar
from tui.model.glyphs import glyphs

#: Below this width the tabs use short titles, so all seven fit in 80 columns.
NARROW = 110


#: Panes with more resources than this have their rows built in a thread worker.
INLINE_ROWS = 150


class RowsBuilt(Message):
    """A pane's rows, built in a thread worker for the redraw numbered ``generation``."""

    def __init__(self, pane: Pane, rows: list[Row], generation: int) -> None:
        super().__init__()
        self.pane, self.rows, self.generation = pane, rows, generation


class CommandLine(Input):
    """The bottom prompt for ``:`` (pane name) and ``/`` (filter)."""

    DEFAULT_CSS = """
    CommandLine { height: 1; border: none; padding: 0 1; display: none; }
    CommandLine.-shown { display: block; }
    """

    BINDINGS = [Binding("escape", "dismiss", "Cancel", show=False, priority=True)]

    def __init__(self, **kwargs) -> None:
        names = [p.value for p in Pane] + sorted(PANE_ALIASES)
        super().__init__(suggester=SuggestFromList(names, case_sensitive=False), **kwargs)
        self.mode = ":"
        # The prompt never takes the focus: the table stays focused and feeds it every key
        # (see OverviewScreen.redirect_key), so keys typed fast cannot race a focus change.
        self.can_focus = False

    def open(self, mode: str, value: str = "") -> None:
        self.mode = mode
        self.value = value
        self.placeholder = ("pane: endpoints components jobs pipelines labeling features recommendations alarms"
                            if mode == ":" else "filter: part of a name, status or value")
        self.border_title = None
        self.add_class("-shown")
        self.cursor_position = len(value)

    def close(self) -> None:
        self.remove_class("-shown")

    def action_dismiss(self) -> None:
        self.screen.command_cancelled(self)


class PaneShown(Message):
    """The overview switched to ``pane`` (the app refreshes it if its data is old)."""

    def __init__(self, pane: Pane) -> None:
        super().__init__()
        self.pane = pane


class OpenResource(Message):
    """Enter on a row: open ``row``'s resource on its own screen."""

    def __init__(self, row: Row) -> None:
        super().__init__()
        self.row = row


class SwitchConnection(Message):
    """``:profile NAME`` or ``:region NAME[,NAME]`` was typed: connect again (``verb`` is
    ``profile`` or ``region``)."""

    def __init__(self, verb: str, value: str) -> None:
        super().__init__()
        self.verb = verb
        self.value = value


class OverviewScreen(Screen):
    """The home screen."""

    BINDINGS = [
        Binding("colon", "command", "Pane", key_display=":"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("enter", "open", "Open", show=True),
        Binding("escape", "back", "Back", show=False),
        Binding("s", "sort", "Sort", id="sort"),  # ids: the config's [keys] may rebind them
        Binding("S", "reverse_sort", "Reverse", show=False, id="reverse_sort"),
        Binding("tab", "next_pane", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "prev_pane", "Previous pane", show=False, id="prev_pane"),
    ] + [Binding(str(i + 1), f"pane('{p.value}')", p.title, show=False) for i, p in enumerate(Pane)]

    def __init__(self, state: AppState, pane: Pane = Pane.ENDPOINTS, *, hidden_panes: tuple[str, ...] = (),
                 hidden_columns: dict[str, tuple[str, ...]] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        #: the panes shown, in tab order (the config's ``hidden_panes`` left out)
        self.panes = [p for p in Pane if p.value not in hidden_panes] or list(Pane)
        self.pane = pane if pane in self.panes else self.panes[0]
        self._hidden_columns = dict(hidden_columns or {})
        self._dirty: set[Pane] = set(Pane)
        self._notice_text = ""
        self._generation = 0  # of the last redraw asked for: older rows built in a worker are dropped

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="breadcrumb")
        tabs = Tabs(*[Tab(self._tab_label(p), id=p.value) for p in self.panes], active=self.pane.value, id="panes")
        tabs.can_focus = False
        yield tabs
        yield Static("", id="notice", classes="notice")
        with ContentSwitcher(initial=f"pane-{self.pane.value}", id="switcher"):
            for p in self.panes:
                pane = Vertical(id=f"pane-{p.value}", classes="pane")
                if p is not self.pane:  # hidden: mounted right after the first frame, not before it
                    pane.display = False
                with pane if p is self.pane else Lazy(pane):
                    yield ResourceTable(p, hidden=self._hidden_columns.get(p.value, ()), id=f"table-{p.value}")
                    yield Static("", id=f"empty-{p.value}", classes="empty")
        yield CommandLine(id="command")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.table().focus()
        signal = self.app.state_signal if isinstance(self.app, DrillHost) else None
        if signal is not None:  # the app hands its state down after every change
            signal.subscribe(self, lambda _state: self.state_changed(), immediate=True)
        self.state_changed()

    def on_resize(self) -> None:
        self.state_changed()

    def table(self, pane: Pane | None = None) -> ResourceTable:
        return self.query_one(f"#table-{(pane or self.pane).value}", ResourceTable)

    # -- state ---------------------------------------------------------------------------------
    def on_screen_resume(self) -> None:
        self.post_message(DrillScreen.Active(None))  # no drill-down screen on top any more

    def state_changed(self) -> None:
        """A refresh landed (or start-up progressed): redraw the visible pane in place."""
        self._dirty = set(Pane)
        for p in self.panes:
            try:
                tab = self.query_one(f"#panes Tab#{p.value}", Tab)
            except Exception:  # noqa: BLE001 - not composed yet
                return
            label = self._tab_label(p)
            if tab.label_text != label.plain:
                tab.label = label
        self._draw(self.pane)

    def _tab_label(self, pane: Pane) -> Text:
        narrow = 0 < self.size.width < NARROW
        label = Text(PANES[pane].tab if narrow else pane.title)
        if self.state.loaded:
            n = count_at(pane, self.state.inventory, self.state.store.window, time.time(), self.state.at)
            failed = bool(self.state.discovery_errors(PANE_KINDS[pane]))
            if n or not failed:  # a kind that could not be listed has no count, not 0
                label.append(f" {n}", "dim" if n == 0 else "bold")
            if failed:
                label.append(" !", "bold")
        return label

    def _draw(self, pane: Pane) -> None:
        """Redraw ``pane`` from the state: a small pane at once, a big one's rows built in a
        thread worker (the refresh's inventory and series snapshot are never changed once
        handed over) and shown when ready, so keys never wait for them."""
        inv, store, now, at = self.state.inventory, self.state.store, int(time.time()), self.state.at
        self._generation += 1
        if resource_count(pane, inv) <= INLINE_ROWS:
            self._show(pane, rows_at(pane, inv, store, now, at))
            return
        generation = self._generation
        self.run_worker(partial(self._build_rows, pane, inv, store, now, generation, at), name=f"rows-{pane.value}",
                        group="overview-rows", exclusive=True, thread=True, exit_on_error=False)

    def _build_rows(self, pane: Pane, inv, store, now: int, generation: int, at: int | None = None) -> None:
        rows = rows_at(pane, inv, store, now, at)
        if not get_current_worker().is_cancelled:
            self.post_message(RowsBuilt(pane, rows, generation))

    def on_rows_built(self, message: RowsBuilt) -> None:
        if message.generation == self._generation and self.is_mounted:  # else newer rows are coming
            self._show(message.pane, message.rows)

    def _show(self, pane: Pane, rows: list[Row]) -> None:
        table = self.table(pane)
        table.regions = len(self.state.regions)  # several: a Region column
        table.accounts = len(accounts_of(self.state.inventory))  # several (cross-account): an Account column
        table.show_rows(rows)
        self._dirty.discard(pane)
        empty = self.query_one(f"#empty-{pane.value}", Static)
        if not self.state.loaded:
            msg = Text(self.state.phase or "loading…", "dim")
        elif not rows and self.state.discovery_errors(PANE_KINDS[pane]):
            msg = Text(f"Could not list the {PANES[pane].nouns}: see the warning above (r retries now)", "dim")
        elif not rows:
            where = ", ".join(self.state.regions)
            msg = Text(f"{PANES[pane].empty} in {where}" if where else PANES[pane].empty, "dim")
        elif not table.shown:
            msg = Text(f"No {pane.title.lower()} match “{safe_text(table.filter_text)}” (Esc clears)", "dim")
        else:
            msg = Text("")
        empty.update(msg)
        empty.display = bool(msg.plain)
        if pane is self.pane:
            self._update_notice()
            self._update_breadcrumb()

    def _update_notice(self) -> None:
        errors = self.state.discovery_errors(PANE_KINDS[self.pane])
        lines = [discovery_error_text(e, self.state.profile) for e in errors]
        if self.state.errors:
            lines = list(self.state.errors[:1]) + lines
        lines = list(dict.fromkeys(lines))  # the refresh error is often the pane's own listing error
        text = "\n".join(f"{glyphs().alert} {safe_text(line, 200)}" for line in lines[:3])
        notice = self.query_one("#notice", Static)
        if text != self._notice_text:
            self._notice_text = text
            notice.update(Text(text))
        notice.display = bool(text)

    def _update_breadcrumb(self) -> None:
        table = self.table()
        parts = [self.pane.title]
        total = len(table.all_rows)
        if table.filter_text:
            parts.append(f"/{table.filter_text} ({len(table.shown)} of {total})")
        right = []
        if table.sort_column:
            right.append(f"sort {table.sort_label()}")
        right.append(f"window {self.state.window}")
        self.query_one(Breadcrumb).set_path(parts, "  ".join(right))

    # -- switching panes -----------------------------------------------------------------------
    def show_pane(self, pane: Pane) -> None:
        if pane not in self.panes:
            self.notify(f"the {pane.value} pane is hidden (hidden_panes in the config file)", severity="warning",
                        timeout=4, markup=False)
            return
        if pane is not self.pane and not self.query(f"#table-{pane.value}"):
            self.set_timer(0.02, lambda: self.show_pane(pane))  # its pane mounts just after the first frame
            return
        if pane is not self.pane:
            self.pane = pane
            self.query_one("#switcher", ContentSwitcher).current = f"pane-{pane.value}"
            tabs = self.query_one("#panes", Tabs)
            if tabs.active != pane.value:
                tabs.active = pane.value
            self._draw(pane)
            self.post_message(PaneShown(pane))
        self.table().focus()

    @on(Tabs.TabActivated, "#panes")
    def _tab_clicked(self, event: Tabs.TabActivated) -> None:
        pane = pane_named(event.tab.id or "")
        if pane is not None and pane is not self.pane:
            self.show_pane(pane)

    def action_pane(self, name: str) -> None:
        pane = pane_named(name)
        if pane is not None:
            self.show_pane(pane)

    def action_next_pane(self) -> None:
        panes = self.panes
        self.show_pane(panes[(panes.index(self.pane) + 1) % len(panes)])

    def action_prev_pane(self) -> None:
        panes = self.panes
        self.show_pane(panes[(panes.index(self.pane) - 1) % len(panes)])

    # -- command line --------------------------------------------------------------------------
    def action_command(self) -> None:
        self.query_one(CommandLine).open(":")

    def action_filter(self) -> None:
        self.query_one(CommandLine).open("/", self.table().filter_text)

    @on(Input.Changed, "#command")
    def _typed(self, event: Input.Changed) -> None:
        line = self.query_one(CommandLine)
        if line.mode == "/" and line.has_class("-shown"):
            self.table().set_filter(event.value.strip())

    @on(Input.Submitted, "#command")
    def _submitted(self, event: Input.Submitted) -> None:
        line = self.query_one(CommandLine)
        value = event.value.strip()
        line.close()
        if line.mode == ":":
            if value in ("q", "quit", "q!"):
                self.app.exit()
                return
            if value in ("help", "?"):
                self.app.action_help()
                return
            verb, _, arg = value.partition(" ")
            if verb in ("profile", "region") and arg.strip():  # :profile NAME, :region NAME[,NAME]
                self.post_message(SwitchConnection(verb, arg.strip()))
                self.table().focus()
                return
            pane = pane_named(value)
            if pane is None:
                if value:
                    self.notify(f"No pane named “{safe_text(value, 40)}”: try "
                                + ", ".join(p.value for p in Pane), severity="warning", markup=False)
            else:
                self.show_pane(pane)
        else:
            self.table().set_filter(value)
        self.table().focus()

    def redirect_key(self, event: events.Key) -> bool:
        """Handle a key the table is about to process; True when handled here.

        Textual queues keys at the focused widget before a binding could move the focus, so
        ``:jobs`` typed fast (or pasted) would all reach the table. ``:`` and ``/`` therefore
        open the prompt right here, and while it is open the table types every key into it.
        """
        line = self.query_one(CommandLine)
        if not line.has_class("-shown"):
            if event.key == "colon":
                self.action_command()
                return True
            if event.key == "slash":
                self.action_filter()
                return True
            return False
        if event.key == "enter":
            line.post_message(Input.Submitted(line, line.value))
        elif event.key == "escape":
            self.command_cancelled(line)
        elif event.key == "backspace":
            line.action_delete_left()
            if line.mode == "/":
                self.table().set_filter(line.value.strip())
        elif event.key in ("tab", "right") and line.mode == ":":
            pane = pane_named(line.value)
            if pane is not None:  # complete the pane name
                line.value = pane.value
                line.cursor_position = len(line.value)
        elif event.key == "ctrl+u":
            line.value = ""
        elif event.is_printable and event.character:
            line.insert_text_at_cursor(event.character)
            if line.mode == "/":
                self.table().set_filter(line.value.strip())
        return True

    def command_cancelled(self, line: CommandLine) -> None:
        if line.mode == "/":
            self.table().set_filter("")
        line.close()
        self.table().focus()

    # -- table actions -------------------------------------------------------------------------
    def action_back(self) -> None:
        table = self.table()
        if table.filter_text:
            table.set_filter("")
        elif self.state.at is not None and hasattr(self.app, "back_to_live"):  # time travel: Esc is live again
            self.app.back_to_live()

    def action_sort(self) -> None:
        self.table().cycle_sort()

    def action_reverse_sort(self) -> None:
        self.table().reverse_sort()

    def action_open(self) -> None:
        row = self.table().selected_row
        if row is not None:
            self.post_message(OpenResource(row))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    @on(ResourceTable.ViewChanged)
    def _view_changed(self, event: ResourceTable.ViewChanged) -> None:
        if event.table.pane is self.pane:
            self._draw_empty_and_crumb()

    def _draw_empty_and_crumb(self) -> None:
        table = self.table()
        empty = self.query_one(f"#empty-{self.pane.value}", Static)
        if table.all_rows and not table.shown:
            empty.update(Text(f"No {self.pane.title.lower()} match “{safe_text(table.filter_text)}” (Esc clears)",
                              "dim"))
            empty.display = True
        elif table.all_rows:
            empty.display = False
        self._update_breadcrumb()

    # -- what is on screen ------------------------------------------------------------------------
    def visible_row_keys(self) -> frozenset[str] | None:
        """The resource keys of the visible pane's rows in view, from the table's scroll offset
        and height (None: not known yet, before the table has rows and a size)."""
        try:
            table = self.table()
        except Exception:  # noqa: BLE001 - not composed yet
            return None
        if not table.all_rows:
            return None
        height = table.size.height - (table.header_height if table.show_header else 0)
        if height <= 0:
            return None
        first = max(0, int(table.scroll_offset.y))
        return frozenset(r.key for r in table.shown[first:first + height])

    # -- status --------------------------------------------------------------------------------
    def status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)
